//! Evaluation: greedy pass@1 and sampled pass@k (unbiased estimator) of the base model
//! or the adapter on a held-out split, the paper's diagnostics (lengths, truncation,
//! Ruff severity profile, verifier outcome distribution) for evals and training
//! windows, and the promotion gate that decides which adapter serves.
//!
//! - [`task`]: [`EvalTask`], the evaluator's own view of a task (text, asserts shown, tests).
//! - [`prompt`]: the fixed MBPP prompt format ([`PromptConfig`]).
//! - [`passk`]: the unbiased pass@k estimator.
//! - [`diagnostics`]: completions + verdicts -> metrics fields ([`EvalRecord`], [`StepRecord`]).
//! - [`evaluator`]: generation + verification -> [`EvalReport`].
//! - [`gate`]: paired comparison of two evals -> [`GateDecision`].
//!
//! [`EvalRecord`]: rlvr_client::metrics::EvalRecord
//! [`StepRecord`]: rlvr_client::metrics::StepRecord

pub mod diagnostics;
pub mod evaluator;
pub mod gate;
pub mod passk;
pub mod prompt;
pub mod task;

#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};

pub use diagnostics::{Diagnostics, Sample, WindowDiagnostics};
pub use evaluator::{evaluate, summarise, EvalError, EvalReport, Target, TaskResult};
pub use gate::{decide, GateConfig, GateDecision, GateNumbers};
pub use passk::{mean_pass_at_k, pass_at_k};
pub use prompt::{AssertsShown, PromptConfig};
pub use task::{eval_split, mbpp_range, EvalTask};

/// `[eval]`: what an evaluation runs on and how. The task selection (`mbpp_ids`) is
/// applied by the caller with [`mbpp_range`] or [`eval_split`] (`limit` by the evaluator).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct EvalConfig {
    /// MBPP JSON Lines with the eval tasks (relative to the config file).
    pub file: std::path::PathBuf,
    /// The daemon evaluates the latest adapter every N trainer steps (0 = never; on
    /// demand with `rlvrctl eval`), then runs the promotion gate.
    pub every_steps: usize,
    /// First and last MBPP `task_id` of the eval split (inclusive; MBPP "test" is 11-510).
    pub mbpp_ids: (u32, u32),
    /// Evaluate at most this many tasks of the split, in id order (0 = all).
    pub limit: usize,
    /// Token budget per completion; longer completions count as truncated.
    pub max_new_tokens: usize,
    /// Tasks decoded together in one batch. Larger is faster on CPU and GPU (batch 8
    /// decodes ~3x the tokens/s of batch 1 on two cores); in the daemon an eval unit
    /// is one batch, so completion requests wait at most one batch during an eval.
    pub batch: usize,
    /// Sampled completions per task for pass@k (0 = greedy pass@1 only).
    pub samples: usize,
    /// The k of pass@k (each <= `samples`; larger ones are skipped).
    pub ks: Vec<usize>,
    /// Sampling temperature for the pass@k samples.
    pub temperature: f64,
    /// Nucleus mass for the pass@k samples.
    pub top_p: f64,
    /// Seed of the pass@k samples (the same for every adapter: paired samples).
    pub seed: u64,
    /// The prompt format.
    pub prompt: PromptConfig,
    /// The promotion gate.
    pub gate: GateConfig,
}

impl Default for EvalConfig {
    fn default() -> Self {
        EvalConfig {
            file: std::path::PathBuf::from("../examples/eval/mbpp-test.jsonl"),
            every_steps: 0,
            mbpp_ids: (11, 510),
            limit: 0,
            max_new_tokens: 512,
            batch: 8,
            samples: 0,
            ks: vec![1, 5, 10],
            temperature: 0.8,
            top_p: 0.95,
            seed: 0,
            prompt: PromptConfig::default(),
            gate: GateConfig::default(),
        }
    }
}

impl EvalConfig {
    /// The eval tasks: `file` filtered to `mbpp_ids` (the limit is the evaluator's).
    pub fn tasks(&self) -> Result<Vec<EvalTask>, String> {
        let (_, records) = crate::commands::verify::load_mbpp(Some(&self.file)).map_err(|e| format!("eval tasks: {e:#}"))?;
        let tasks = mbpp_range(&records, self.mbpp_ids);
        if tasks.is_empty() {
            return Err(format!("no eval tasks with ids {:?} in {}", self.mbpp_ids, self.file.display()));
        }
        Ok(tasks)
    }
}
