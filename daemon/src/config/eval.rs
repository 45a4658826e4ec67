//! `[eval]`, `[eval.prompt]` and `[eval.gate]`: what an evaluation runs on, the prompt
//! format (shared with training), and when a new adapter may serve.

use serde::{Deserialize, Serialize};

/// The MBPP paper's prompt. `{text}` is the task text, `{tests}` the asserts, one a line.
pub const MBPP_TEMPLATE: &str = "You are an expert Python programmer, and here is your task: {text} Your code should pass these tests:\n\n{tests}\n";

/// Which of a task's asserts the prompt shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AssertsShown {
    /// Every assert (the MBPP standard).
    All,
    /// Only the first: the call shape, without the other expected values.
    First,
}

/// `[eval.prompt]`: the prompt format.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PromptConfig {
    /// User message for a task with asserts to show; `{text}` and `{tests}` are replaced.
    pub template: String,
    /// User message for a task without asserts (test files, HumanEval); `{text}` is replaced.
    pub template_no_tests: String,
    /// Which asserts `{tests}` lists.
    pub asserts: AssertsShown,
    /// System message, if any.
    pub system: Option<String>,
    /// Wrap the message in the model's chat template (when it has one).
    pub chat: bool,
}

impl Default for PromptConfig {
    fn default() -> Self {
        PromptConfig {
            template: MBPP_TEMPLATE.into(),
            template_no_tests: "You are an expert Python programmer, and here is your task:\n{text}".into(),
            asserts: AssertsShown::All,
            system: None,
            chat: true,
        }
    }
}

/// `[eval]`: what an evaluation runs on and how. The task selection (`mbpp_ids`) is
/// applied by `eval::eval_tasks` (`limit` by the evaluator).
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

/// `[eval.gate]`: when a new adapter may serve.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct GateConfig {
    /// Largest paired pass@1 drop tolerated, percentage points.
    pub tolerance_pp: f64,
    /// Refuse a candidate whose mean completion length (tokens) is below this fraction
    /// of the base model's (of the serving adapter's when no base eval is given).
    pub min_length_fraction: f64,
    /// Refuse a candidate whose truncated fraction exceeds the reference's by more than this.
    pub max_truncated_increase: f64,
    /// Refuse to decide on fewer paired tasks than this.
    pub min_tasks: usize,
}

impl Default for GateConfig {
    fn default() -> Self {
        GateConfig { tolerance_pp: 1.0, min_length_fraction: 0.5, max_truncated_increase: 0.25, min_tasks: 20 }
    }
}
