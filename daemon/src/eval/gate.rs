//! The promotion gate: a candidate adapter replaces the serving one only if its greedy
//! pass@1, compared task by task on the tasks both were evaluated on, is not worse by
//! more than a tolerance, and its diagnostics show no collapse (completions much
//! shorter than the base model's: the Ruff-only reward's brevity hack; or a jump in
//! completions cut at the token budget: runaway, degenerate text).

use super::compare::Paired;
use crate::config::GateConfig;
use rlvr_client::metrics::EvalRecord;
use serde::{Deserialize, Serialize};

/// The numbers behind a decision.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct GateNumbers {
    /// Tasks in both evals' `per_task`.
    pub paired_tasks: usize,
    /// Greedy pass@1 on the paired tasks.
    pub candidate_pass_at_1: f64,
    pub serving_pass_at_1: f64,
    /// candidate - serving, percentage points.
    pub delta_pp: f64,
    /// Paired tasks only the candidate passes / only the serving adapter passes.
    pub wins: usize,
    pub losses: usize,
    /// Two-sided exact sign test (exact McNemar) on the discordant pairs.
    pub p_value: f64,
    /// Candidate mean tokens / reference mean tokens (None when the reference has none).
    pub length_ratio: Option<f64>,
    /// `base` or `serving`: what lengths and truncation are compared with.
    pub reference: String,
    pub candidate_truncated_frac: f64,
    pub reference_truncated_frac: f64,
}

/// A promotion decision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GateDecision {
    pub promote: bool,
    /// Why not (each failed check), or why (one line) when promoted.
    pub reasons: Vec<String>,
    pub numbers: GateNumbers,
    pub candidate: String,
    pub serving: String,
}

/// Decide whether `candidate` should replace `serving`. `base` (the model without
/// adapter, evaluated the same way) is the length reference; without it, `serving` is.
pub fn decide(candidate: &EvalRecord, serving: &EvalRecord, base: Option<&EvalRecord>, cfg: &GateConfig) -> GateDecision {
    let numbers = numbers(candidate, serving, base);
    let mut reasons = Vec::new();
    let n = &numbers;
    if n.paired_tasks < cfg.min_tasks.max(1) {
        reasons.push(format!("only {} paired tasks (min_tasks {})", n.paired_tasks, cfg.min_tasks.max(1)));
    }
    if n.delta_pp < -cfg.tolerance_pp - 1e-9 {
        reasons.push(format!(
            "paired pass@1 {:.2}% vs {:.2}%: {:+.2} pp is worse than the {:.2} pp tolerance ({} wins, {} losses, p = {:.3})",
            100.0 * n.candidate_pass_at_1,
            100.0 * n.serving_pass_at_1,
            n.delta_pp,
            cfg.tolerance_pp,
            n.wins,
            n.losses,
            n.p_value
        ));
    }
    if let Some(r) = n.length_ratio.filter(|&r| r < cfg.min_length_fraction) {
        reasons.push(format!("length collapse: mean completion is {:.2}x the {}'s (min {:.2})", r, n.reference, cfg.min_length_fraction));
    }
    let trunc_up = n.candidate_truncated_frac - n.reference_truncated_frac;
    if trunc_up > cfg.max_truncated_increase {
        reasons.push(format!(
            "runaway completions: {:.0}% truncated vs {:.0}% for the {} (max increase {:.0} pp)",
            100.0 * n.candidate_truncated_frac,
            100.0 * n.reference_truncated_frac,
            n.reference,
            100.0 * cfg.max_truncated_increase
        ));
    }
    let promote = reasons.is_empty();
    if promote {
        reasons.push(format!("paired pass@1 {:+.2} pp (tolerance {:.2} pp) and no collapse", n.delta_pp, cfg.tolerance_pp));
    }
    let d = GateDecision { promote, reasons, numbers, candidate: candidate.adapter.clone(), serving: serving.adapter.clone() };
    tracing::info!(
        promote = d.promote,
        candidate = %d.candidate,
        candidate_step = candidate.step,
        serving = %d.serving,
        paired_tasks = d.numbers.paired_tasks,
        candidate_pass_at_1 = d.numbers.candidate_pass_at_1,
        serving_pass_at_1 = d.numbers.serving_pass_at_1,
        delta_pp = d.numbers.delta_pp,
        wins = d.numbers.wins,
        losses = d.numbers.losses,
        p_value = d.numbers.p_value,
        length_ratio = ?d.numbers.length_ratio,
        reference = %d.numbers.reference,
        candidate_truncated_frac = d.numbers.candidate_truncated_frac,
        reference_truncated_frac = d.numbers.reference_truncated_frac,
        reasons = %d.reasons.join("; "),
        "promotion gate"
    );
    d
}

fn numbers(candidate: &EvalRecord, serving: &EvalRecord, base: Option<&EvalRecord>) -> GateNumbers {
    let Paired { paired, both, gained: wins, lost: losses } = Paired::count(serving, candidate);
    let rate = |k: usize| if paired == 0 { 0.0 } else { k as f64 / paired as f64 };
    let (cand_p, serv_p) = (rate(both + wins), rate(both + losses));
    let (reference, name) = match base {
        Some(b) => (b, "base"),
        None => (serving, "serving"),
    };
    let ref_len = reference.completion_length.mean_tokens;
    GateNumbers {
        paired_tasks: paired,
        candidate_pass_at_1: cand_p,
        serving_pass_at_1: serv_p,
        // From the discordant pairs, so exact ties with the tolerance compare exactly.
        delta_pp: if paired == 0 { 0.0 } else { 100.0 * (wins as f64 - losses as f64) / paired as f64 },
        wins,
        losses,
        p_value: sign_test(wins, losses),
        length_ratio: (ref_len > 0.0).then(|| candidate.completion_length.mean_tokens / ref_len),
        reference: name.into(),
        candidate_truncated_frac: candidate.truncated_frac,
        reference_truncated_frac: reference.truncated_frac,
    }
}

/// Two-sided exact binomial test of `b` vs `c` discordant pairs under p = 1/2.
pub fn sign_test(b: usize, c: usize) -> f64 {
    let m = b + c;
    if m == 0 {
        return 1.0;
    }
    // P(X <= min(b, c)), X ~ Bin(m, 1/2), summed in log space (m may be large).
    let (mut ln_choose, ln_half_m) = (0.0f64, m as f64 * 0.5f64.ln());
    let mut tail = 0.0;
    for i in 0..=b.min(c) {
        if i > 0 {
            ln_choose += ((m - i + 1) as f64).ln() - (i as f64).ln();
        }
        tail += (ln_choose + ln_half_m).exp();
    }
    (2.0 * tail).min(1.0)
}
