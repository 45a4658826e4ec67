//! Metrics records: one JSON line per trainer step and per evaluation in
//! `<state_dir>/metrics.jsonl`, the payload of the `metrics_history` RPC and the input
//! of `rlvrctl report`. Fields are optional where older records may lack them.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// One line of the metrics history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum MetricsRecord {
    Step(StepRecord),
    Eval(EvalRecord),
}

/// Distribution of completion lengths.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct LengthStats {
    pub mean_tokens: f64,
    pub median_tokens: f64,
    pub p90_tokens: f64,
    pub mean_lines: f64,
    pub median_lines: f64,
    pub p90_lines: f64,
}

/// Ruff diagnostics summarised: counts per severity class (`error`, `warning`,
/// `info`, `convention`) and per rule code.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RuffProfile {
    pub by_severity: BTreeMap<String, u64>,
    pub by_code: BTreeMap<String, u64>,
}

/// A trainer step.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct StepRecord {
    pub step: u64,
    /// Unix time, seconds.
    pub time: f64,
    pub loss_kind: String,
    pub reward_kind: String,
    pub mean_reward: f64,
    /// Mean of each reward component (`tests`, `ruff`, `penalty`).
    pub reward_components: BTreeMap<String, f64>,
    /// Fraction of completions that passed all their tests.
    pub pass_rate: f64,
    pub zero_variance_frac: f64,
    /// Groups added to the step to replace groups without reward variance (dynamic
    /// sampling); the step holds `tasks_per_step` + this many groups.
    #[serde(default)]
    pub refilled_groups: u64,
    pub clip_frac: f64,
    pub kl: f64,
    pub entropy: f64,
    pub loss: f64,
    pub grad_norm: f64,
    pub lr: f64,
    pub completion_length: LengthStats,
    pub truncated_frac: f64,
    /// Verifier outcome taxonomy: outcome name -> count of completions.
    pub error_types: BTreeMap<String, u64>,
    pub ruff: RuffProfile,
    pub generate_s: f64,
    pub verify_s: f64,
    pub update_s: f64,
    /// The daemon's peak resident memory while this step's completions were generated
    /// and verified, and during its update, in bytes (0: not measured).
    pub rollout_peak_rss_bytes: u64,
    pub update_peak_rss_bytes: u64,
    pub tasks: Vec<String>,
}

/// An evaluation of one adapter on a fixed task set.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct EvalRecord {
    /// Trainer step of the evaluated adapter.
    pub step: u64,
    pub time: f64,
    /// `base`, `latest`, `serving`, a checkpoint id, or a directory.
    pub adapter: String,
    pub tasks: usize,
    /// Greedy pass@1.
    pub pass_at_1: f64,
    /// pass@k from n samples (unbiased estimator), k -> value.
    pub pass_at_k: BTreeMap<String, f64>,
    pub completion_length: LengthStats,
    pub truncated_frac: f64,
    pub error_types: BTreeMap<String, u64>,
    pub ruff: RuffProfile,
    /// Per-task greedy pass (task id -> passed), for paired comparisons.
    pub per_task: BTreeMap<String, bool>,
    pub seconds: f64,
}
