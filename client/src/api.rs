//! The rlvrd JSON-RPC protocol: one trait, used by the daemon (server) and clients.
//!
//! Method names are the wire names (`status`, `shutdown`, ...); every type crossing the
//! wire is defined here so the daemon and `rlvrctl` can never disagree.

use jsonrpsee::core::RpcResult;
use jsonrpsee::proc_macros::rpc;
use serde::{Deserialize, Serialize};

/// What the daemon is doing right now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DaemonState {
    /// Process is up, subsystems are starting.
    Starting,
    /// The model is being loaded by the engine thread.
    Loading,
    /// Ready; not training.
    Idle,
    /// The training loop is running.
    Training,
    /// Training is paused (serving continues).
    Paused,
    /// Shutdown has begun.
    Stopping,
    /// A subsystem failed; see `StatusInfo::error`.
    Failed,
}

impl std::fmt::Display for DaemonState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let s = serde_json::to_value(self).ok();
        f.write_str(s.as_ref().and_then(|v| v.as_str()).unwrap_or("?"))
    }
}

/// The compute backend in use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackendInfo {
    /// `cpu` or `wgpu`, as configured.
    pub kind: String,
    /// Human description of the device (e.g. `flex (CPU, 2 threads)`).
    pub device: String,
}

/// The loaded model, once loaded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelInfo {
    /// Path the model was loaded from.
    pub path: String,
    /// Architecture family (`llama`, `qwen3`).
    pub architecture: String,
    /// Number of parameters of the base model.
    pub parameters: u64,
    /// Transformer layers.
    pub layers: usize,
    /// Hidden width.
    pub hidden_size: usize,
    /// Vocabulary size.
    pub vocab_size: usize,
    /// Longest context the engine will use.
    pub max_seq_len: usize,
}

/// Answer of `status`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatusInfo {
    /// rlvrd version (the crate version).
    pub version: String,
    /// Process id of the daemon.
    pub pid: u32,
    /// Seconds since the daemon started.
    pub uptime_s: f64,
    /// Current state.
    pub state: DaemonState,
    /// Backend and device.
    pub backend: BackendInfo,
    /// Loaded model; `None` until loaded.
    pub model: Option<ModelInfo>,
    /// The daemon's state directory.
    pub state_dir: String,
    /// Last fatal subsystem error, if any.
    pub error: Option<String>,
}

/// Answer of `shutdown`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShutdownAck {
    /// Always true: shutdown has begun (it completes asynchronously).
    pub stopping: bool,
}

/// Training loop state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TrainState {
    Stopped,
    Running,
    Paused,
}

/// Answer of the `train_*` methods.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainStatus {
    pub state: TrainState,
    /// Trainer steps completed (resumed steps included).
    pub step: u64,
    /// What the loop is doing now (`idle`, `rollout 2/4`, `verify`, `update 3/8`).
    pub phase: String,
    /// Tasks sampled since the daemon started.
    pub tasks_seen: u64,
    /// Tasks available in the train split.
    pub train_tasks: usize,
    pub last: Option<crate::metrics::StepRecord>,
    /// Mean seconds per step over recent steps.
    pub seconds_per_step: Option<f64>,
    pub next_checkpoint_step: Option<u64>,
    pub next_eval_step: Option<u64>,
    /// Seconds until the next checkpoint / eval at the current pace.
    pub eta_checkpoint_s: Option<f64>,
    pub eta_eval_s: Option<f64>,
    /// Adapter served by default (`latest` until one is promoted).
    pub serving_adapter: String,
    pub lr: f64,
    pub group_size: usize,
    pub reward_weights: (f64, f64),
    /// Isolation of generated code: `bwrap`, `unshare (host files visible)`,
    /// `none (no isolation)`, or `unavailable: <why>` (training cannot start).
    #[serde(default)]
    pub sandbox: String,
    /// Train tasks by where the current adapter stands on them (task sampler).
    #[serde(default)]
    pub task_states: TaskStates,
}

/// Train tasks per sampler state: never tried, learning (groups likely to differ),
/// mastered (pass rate >= 0.9), too hard (<= 0.1).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskStates {
    pub unseen: usize,
    pub learning: usize,
    pub mastered: usize,
    pub too_hard: usize,
}

/// Run-time changes accepted by `train_set` (all optional).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TrainSet {
    pub lr: Option<f64>,
    pub tests_weight: Option<f64>,
    pub ruff_weight: Option<f64>,
    pub group_size: Option<usize>,
}

/// Which adapter answers a completion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum AdapterChoice {
    /// The promoted adapter (`latest` until a promotion happened).
    #[default]
    Serving,
    /// The adapter being trained, as of the last update.
    Latest,
    /// The base model without adapter.
    Base,
}

/// `complete`: continue code.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CompleteParams {
    /// Code before the cursor.
    pub prefix: String,
    /// Code after the cursor (fill-in-the-middle when the model has FIM tokens).
    #[serde(default)]
    pub suffix: Option<String>,
    #[serde(default)]
    pub language: Option<String>,
    #[serde(default)]
    pub max_tokens: Option<usize>,
    /// 0 = greedy (default).
    #[serde(default)]
    pub temperature: Option<f64>,
    #[serde(default)]
    pub stop: Vec<String>,
    #[serde(default)]
    pub adapter: AdapterChoice,
    #[serde(default, flatten)]
    pub sampling: SamplingOptions,
}

/// Optional sampling controls shared by `complete` and `generate` (the editor
/// protocols' `top_p`, `top_k` and `seed`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct SamplingOptions {
    /// Nucleus sampling mass in (0, 1] (0.95 when unset and temperature > 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub top_p: Option<f64>,
    /// Keep the k most likely tokens (0 or unset: all).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub top_k: Option<usize>,
    /// Seed for reproducible sampling (unset: a fresh one per request).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
}

/// A chat turn for `generate`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatMessage {
    pub role: String,
    pub content: String,
}

/// `generate`: answer chat messages with the checkpoint's chat template.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct GenerateParams {
    pub messages: Vec<ChatMessage>,
    #[serde(default)]
    pub max_tokens: Option<usize>,
    #[serde(default)]
    pub temperature: Option<f64>,
    #[serde(default)]
    pub stop: Vec<String>,
    #[serde(default)]
    pub adapter: AdapterChoice,
    #[serde(default, flatten)]
    pub sampling: SamplingOptions,
}

/// Answer of `complete` / `generate`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CompletionResult {
    pub text: String,
    /// `eos`, `stop` or `length`.
    pub finish_reason: String,
    pub prompt_tokens: usize,
    pub completion_tokens: usize,
    /// The adapter that answered (`base`, `latest`, `serving:<id>`).
    pub adapter: String,
    /// Seconds waiting for the engine (behind training work) and generating.
    pub queue_s: f64,
    pub generate_s: f64,
    /// Whether the suffix was used (fill-in-the-middle).
    pub used_suffix: bool,
}

/// Events of `train_subscribe`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum TrainEvent {
    Step { record: crate::metrics::StepRecord },
    Checkpoint { id: String, step: u64 },
    Eval { record: crate::metrics::EvalRecord },
    Promotion { promoted: bool, adapter: String, reasons: Vec<String> },
    TaskErrors { count: usize, first: Option<String> },
    State { state: TrainState },
}

/// Items of the `complete_stream` / `generate_stream` subscriptions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum StreamChunk {
    /// New text since the previous chunk.
    Delta { text: String },
    /// The end: the whole result (same as the non-streaming call's).
    Done { result: CompletionResult },
    /// The request failed; `code` is the JSON-RPC error code the non-streaming call
    /// would have answered (`errors::INVALID_PARAMS`, `errors::NOT_FOUND`, ...), so a
    /// client can tell its own mistake from the daemon's state.
    Error {
        message: String,
        #[serde(default = "internal_code")]
        code: i32,
    },
}

fn internal_code() -> i32 {
    crate::errors::INTERNAL
}

/// One checkpoint on disk.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckpointEntry {
    pub id: String,
    pub step: u64,
    pub time: f64,
    pub valid: bool,
    pub latest: bool,
    pub best: bool,
    pub metric: Option<f64>,
    pub bytes: u64,
}

/// One task in listings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskSummary {
    pub id: String,
    pub split: String,
    pub format: String,
    /// `path[:line]`
    pub source: String,
    pub prompt_preview: String,
    pub tests: usize,
    pub attempts: u64,
    pub passes: u64,
    pub recent_pass_rate: Option<f64>,
    /// Where the task sampler puts it (None before training has seen a step).
    #[serde(default)]
    pub sampler: Option<SamplerView>,
}

/// The task sampler's view of one task.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SamplerView {
    pub state: SamplerState,
    /// Posterior mean pass rate for the current adapter.
    pub pass_rate: f64,
    /// Relative chance of being drawn (the task's weight times its informativeness).
    pub weight: f64,
}

/// A task for the current adapter: never tried, learning (its groups are likely to
/// have reward variance), mastered (pass rate >= 0.9), too hard (<= 0.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SamplerState {
    Unseen,
    Learning,
    Mastered,
    TooHard,
}

/// A page of tasks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskPage {
    pub total: usize,
    pub offset: usize,
    pub items: Vec<TaskSummary>,
}

/// A task in full.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskDetail {
    pub summary: TaskSummary,
    pub prompt: String,
    pub entry_point: Option<String>,
    pub setup: String,
    /// Test sources (asserts or whole test files).
    pub tests: Vec<String>,
    pub solution: Option<String>,
    pub tags: Vec<String>,
}

/// A task file that could not be loaded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskErrorInfo {
    pub file: String,
    pub line: Option<usize>,
    pub reason: String,
}

/// Serving vs latest adapter and their evaluations (`adapters`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AdaptersInfo {
    /// `latest` until an adapter is promoted, then `step-NNNNNN`.
    pub serving: String,
    pub latest_step: u64,
    pub base_eval: Option<crate::metrics::EvalRecord>,
    pub serving_eval: Option<crate::metrics::EvalRecord>,
    pub latest_eval: Option<crate::metrics::EvalRecord>,
    /// Evaluations queued or running.
    pub pending_evals: Vec<String>,
}

/// The rlvrd protocol. `#[rpc]` generates `RlvrApiServer` (implemented by the daemon)
/// and `RlvrApiClient` (implemented for every jsonrpsee client).
#[rpc(server, client)]
pub trait RlvrApi {
    /// Version, uptime, backend, model and state of the daemon.
    #[method(name = "status")]
    async fn status(&self) -> RpcResult<StatusInfo>;

    /// The resolved configuration in force, whole or one section (`rl`, `sandbox`, ...).
    #[method(name = "config")]
    async fn config(&self, section: Option<String>) -> RpcResult<serde_json::Value>;

    /// Begin a graceful shutdown (the trainer checkpoints first).
    #[method(name = "shutdown")]
    async fn shutdown(&self) -> RpcResult<ShutdownAck>;

    /// Start training (from the last checkpoint when one exists).
    #[method(name = "train_start")]
    async fn train_start(&self) -> RpcResult<TrainStatus>;

    /// Pause training after the current unit of work (serving continues).
    #[method(name = "train_pause")]
    async fn train_pause(&self) -> RpcResult<TrainStatus>;

    #[method(name = "train_resume")]
    async fn train_resume(&self) -> RpcResult<TrainStatus>;

    /// Stop training (the step in progress is dropped; a checkpoint is written).
    #[method(name = "train_stop")]
    async fn train_stop(&self) -> RpcResult<TrainStatus>;

    #[method(name = "train_status")]
    async fn train_status(&self) -> RpcResult<TrainStatus>;

    /// Change settings that are safe at run time (lr, reward weights, group size).
    #[method(name = "train_set")]
    async fn train_set(&self, changes: TrainSet) -> RpcResult<TrainStatus>;

    /// Code completion for editors (served before training work).
    #[method(name = "complete")]
    async fn complete(&self, params: CompleteParams) -> RpcResult<CompletionResult>;

    /// Chat generation with the checkpoint's chat template.
    #[method(name = "generate")]
    async fn generate(&self, params: GenerateParams) -> RpcResult<CompletionResult>;

    /// `complete`, streaming the text as it is produced.
    #[subscription(name = "complete_stream" => "complete_chunk", unsubscribe = "complete_unsubscribe", item = StreamChunk)]
    async fn complete_stream(&self, params: CompleteParams) -> jsonrpsee::core::SubscriptionResult;

    /// `generate`, streaming the text as it is produced.
    #[subscription(name = "generate_stream" => "generate_chunk", unsubscribe = "generate_unsubscribe", item = StreamChunk)]
    async fn generate_stream(&self, params: GenerateParams) -> jsonrpsee::core::SubscriptionResult;

    /// Metrics records with `from <= step <= to`, at most `limit` (newest kept).
    #[method(name = "metrics_history")]
    async fn metrics_history(&self, from: Option<u64>, to: Option<u64>, limit: Option<usize>) -> RpcResult<Vec<crate::metrics::MetricsRecord>>;

    #[method(name = "checkpoints_list")]
    async fn checkpoints_list(&self) -> RpcResult<Vec<CheckpointEntry>>;

    /// Write a checkpoint now.
    #[method(name = "checkpoints_save")]
    async fn checkpoints_save(&self) -> RpcResult<CheckpointEntry>;

    /// Make checkpoint `id` the latest and load it into the trainer.
    #[method(name = "checkpoints_rollback")]
    async fn checkpoints_rollback(&self, id: String) -> RpcResult<TrainStatus>;

    /// Copy checkpoint `id`'s adapter (PEFT layout) into `dir` on the daemon's machine.
    #[method(name = "checkpoints_export")]
    async fn checkpoints_export(&self, id: String, dir: String) -> RpcResult<String>;

    #[method(name = "tasks_list")]
    async fn tasks_list(&self, offset: Option<usize>, limit: Option<usize>, split: Option<String>) -> RpcResult<TaskPage>;

    #[method(name = "tasks_get")]
    async fn tasks_get(&self, id: String) -> RpcResult<TaskDetail>;

    #[method(name = "tasks_errors")]
    async fn tasks_errors(&self) -> RpcResult<Vec<TaskErrorInfo>>;

    /// Re-read the whole task tree now.
    #[method(name = "tasks_reload")]
    async fn tasks_reload(&self) -> RpcResult<TaskPage>;

    /// Queue an evaluation of `latest` (then the promotion gate) or `base`;
    /// `limit` tasks (0 = the configured limit). Results arrive as `eval` events.
    #[method(name = "eval_run")]
    async fn eval_run(&self, target: Option<String>, limit: Option<usize>) -> RpcResult<String>;

    /// The serving and latest adapters with their last evaluations.
    #[method(name = "adapters")]
    async fn adapters(&self) -> RpcResult<AdaptersInfo>;

    /// Training events: per-step metrics, checkpoints, evals, promotions, task errors.
    #[subscription(name = "train_subscribe" => "train_event", unsubscribe = "train_unsubscribe", item = TrainEvent)]
    async fn train_subscribe(&self) -> jsonrpsee::core::SubscriptionResult;
}
