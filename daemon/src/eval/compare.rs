//! Paired comparison of two evals of the same tasks, for reports: pass@1 of each with a
//! 95% Wilson interval, tasks gained and lost, the exact McNemar p-value, and the
//! length / truncation / Ruff / outcome differences the paper's diagnostics watch.
//! The promotion gate ([`super::gate`]) decides with the same paired counts; this
//! module only describes.

use std::collections::BTreeMap;

use rlvr_client::metrics::EvalRecord;
use serde::{Deserialize, Serialize};

use super::gate::sign_test;

/// z for a two-sided 95% interval.
const Z95: f64 = 1.959_963_984_540_054;

/// A proportion with its 95% interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Interval {
    pub value: f64,
    pub low: f64,
    pub high: f64,
}

/// Wilson score interval of `k` successes in `n` trials (95%). Unlike the normal
/// approximation it stays inside [0, 1] and is not degenerate at 0 or n, which is
/// where a small model's pass rates live.
pub fn wilson(k: usize, n: usize) -> Interval {
    if n == 0 {
        return Interval { value: 0.0, low: 0.0, high: 1.0 };
    }
    let (k, n, z2) = (k as f64, n as f64, Z95 * Z95);
    let p = k / n;
    let denom = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / denom;
    let half = Z95 * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt() / denom;
    Interval { value: p, low: (centre - half).max(0.0), high: (centre + half).min(1.0) }
}

/// One side of a comparison. pass@1 is over the paired tasks; the length, truncation,
/// Ruff and outcome profiles are the record's own (all its tasks: with evals of the
/// same task set, as the reports use, the two are the same).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Side {
    /// The record's `adapter` label and step.
    pub adapter: String,
    pub step: u64,
    /// Greedy pass@1 on the paired tasks.
    pub pass_at_1: Interval,
    pub mean_tokens: f64,
    pub truncated_frac: f64,
    /// Ruff diagnostics by severity, per completion.
    pub ruff_per_completion: BTreeMap<String, f64>,
    /// Verifier outcomes (passed, failed, syntax_error, timeout, ...) as fractions.
    pub error_types: BTreeMap<String, f64>,
}

/// `candidate` against `reference` on the tasks both evaluated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    pub reference: Side,
    pub candidate: Side,
    pub paired_tasks: usize,
    /// Tasks the candidate passes and the reference fails.
    pub gained: usize,
    /// Tasks the reference passes and the candidate fails.
    pub lost: usize,
    /// Candidate minus reference pass@1, percentage points.
    pub delta_pp: f64,
    /// Exact two-sided McNemar test on (gained, lost).
    pub mcnemar_p: f64,
    /// Candidate mean length / reference mean length (None when the reference is 0).
    pub length_ratio: Option<f64>,
}

/// Task-by-task counts of two evals on the tasks both have (the gate decides on the
/// same counts).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paired {
    pub paired: usize,
    /// Passed by both.
    pub both: usize,
    /// Passed by the candidate only.
    pub gained: usize,
    /// Passed by the reference only.
    pub lost: usize,
}

impl Paired {
    pub fn count(reference: &EvalRecord, candidate: &EvalRecord) -> Paired {
        let mut n = Paired { paired: 0, both: 0, gained: 0, lost: 0 };
        for (id, &c) in &candidate.per_task {
            let Some(&r) = reference.per_task.get(id) else { continue };
            n.paired += 1;
            match (c, r) {
                (true, true) => n.both += 1,
                (true, false) => n.gained += 1,
                (false, true) => n.lost += 1,
                (false, false) => {}
            }
        }
        n
    }
}

/// Compare two evals task by task (ids present in both).
pub fn compare(reference: &EvalRecord, candidate: &EvalRecord) -> Comparison {
    let Paired { paired, both, gained, lost } = Paired::count(reference, candidate);
    let (pass_ref, pass_cand) = (both + lost, both + gained);
    let side = |rec: &EvalRecord, passes: usize| {
        let completions = rec.tasks.max(1) as f64;
        let outcomes: u64 = rec.error_types.values().sum();
        Side {
            adapter: rec.adapter.clone(),
            step: rec.step,
            pass_at_1: wilson(passes, paired),
            mean_tokens: rec.completion_length.mean_tokens,
            truncated_frac: rec.truncated_frac,
            ruff_per_completion: rec.ruff.by_severity.iter().map(|(k, &v)| (k.clone(), v as f64 / completions)).collect(),
            error_types: rec.error_types.iter().map(|(k, &v)| (k.clone(), v as f64 / outcomes.max(1) as f64)).collect(),
        }
    };
    let ref_len = reference.completion_length.mean_tokens;
    Comparison {
        reference: side(reference, pass_ref),
        candidate: side(candidate, pass_cand),
        paired_tasks: paired,
        gained,
        lost,
        delta_pp: if paired == 0 { 0.0 } else { 100.0 * (gained as f64 - lost as f64) / paired as f64 },
        mcnemar_p: sign_test(gained, lost),
        length_ratio: (ref_len > 0.0).then(|| candidate.completion_length.mean_tokens / ref_len),
    }
}
