//! Evaluation: greedy pass@1 and sampled pass@k (unbiased estimator) of the base model
//! or the adapter on a held-out split, the paper's diagnostics (lengths, truncation,
//! Ruff severity profile, verifier outcome distribution) for evals and training
//! windows, and the promotion gate that decides which adapter serves.
//!
//! The problems and their prompt come from [`crate::tasks`] ([`Problem`],
//! `tasks::prompt`); the settings from [`crate::config::EvalConfig`].
//! - [`passk`]: the unbiased pass@k estimator.
//! - [`diagnostics`]: completions + verdicts -> metrics fields ([`EvalRecord`], [`StepRecord`]).
//! - [`evaluator`]: generation + verification -> [`EvalReport`].
//! - [`gate`]: paired comparison of two evals -> [`GateDecision`].
//! - [`compare`]: the same pairing described for reports: Wilson intervals, gained /
//!   lost tasks, the exact McNemar p-value, length and outcome profiles.
//!
//! [`EvalRecord`]: rlvr_client::metrics::EvalRecord
//! [`StepRecord`]: rlvr_client::metrics::StepRecord

pub mod compare;
pub mod diagnostics;
pub mod evaluator;
pub mod gate;
pub mod passk;

#[cfg(test)]
mod tests;

pub use compare::{compare, wilson, Comparison, Interval};
pub use diagnostics::{Diagnostics, Sample, WindowDiagnostics};
pub use evaluator::{evaluate, summarise, EvalError, EvalReport, Target, TaskResult};
pub use gate::{decide, GateDecision, GateNumbers};
pub use passk::{mean_pass_at_k, pass_at_k};

use crate::config::EvalConfig;
use crate::tasks::{mbpp_range, read_task_file, Problem, TaskFileError};

/// Name the eval file's tasks are identified by (`mbpp.jsonl#11`), whatever the file
/// is called: evals of different copies of MBPP pair task by task, and records saved
/// before the file was renamed still pair with new ones.
pub const EVAL_IDS_FILE_NAME: &str = "mbpp.jsonl";

/// The eval problems: `[eval] file` filtered to `mbpp_ids` (the limit is the
/// evaluator's). A bad record is an error naming the file and line.
pub fn eval_tasks(cfg: &EvalConfig) -> Result<Vec<Problem>, TaskFileError> {
    let tasks = read_task_file(&cfg.file, EVAL_IDS_FILE_NAME)?;
    let problems = mbpp_range(&tasks, cfg.mbpp_ids);
    if problems.is_empty() {
        return Err(TaskFileError::NoneSelected { path: cfg.file.clone(), what: format!("task ids {}-{}", cfg.mbpp_ids.0, cfg.mbpp_ids.1) });
    }
    Ok(problems)
}
