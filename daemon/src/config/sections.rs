//! The section structs of the config file (`[model]`, `[rl]`, `[sandbox]`, ...), each
//! with its defaults. `[eval]` is in `eval.rs`.

use std::fmt;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::load::default_cache_dir;

/// `[model] inference_weights`: how the CPU path keeps the base weights.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum InferenceWeights {
    /// GGUF: the file's own blocks; safetensors: f32 (exact, see the module doc).
    #[default]
    Auto,
    /// Quantize f32 / f16 / bf16 matrices to Q8_0 at load (GGUF blocks stay as they are).
    #[value(name = "q8_0")]
    Q8_0,
    /// Dequantize everything to f32 (the reference; 4 bytes per weight).
    F32,
    /// No CPU path: decode with the burn tensors (for comparisons).
    Off,
}

/// Compute backend, chosen at run time (see `crate::backend`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum BackendKind {
    /// burn's flex backend on the CPU (SIMD + rayon threads).
    Cpu,
    /// burn's wgpu backend: the first GPU adapter (Vulkan / Metal / DX12).
    Wgpu,
}

impl fmt::Display for BackendKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            BackendKind::Cpu => "cpu",
            BackendKind::Wgpu => "wgpu",
        })
    }
}

/// `[curriculum]`: which tasks training samples (`train::curriculum`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CurriculumConfig {
    /// Weight tasks by how informative their groups are likely to be; off: by each
    /// task's own weight only.
    pub enabled: bool,
    /// Share of a task's evidence kept per step (the adapter keeps changing).
    pub decay: f64,
    /// Least weight factor, for mastered and too-hard tasks (they still come back).
    pub min_weight: f64,
    /// Weight factor of a task never sampled (exploration; 1 = as informative as any).
    pub unseen_weight: f64,
    /// Most extra groups per step sampled to replace groups whose rewards are all
    /// equal (0 = no replacement).
    pub refill_budget: usize,
}

impl Default for CurriculumConfig {
    fn default() -> Self {
        CurriculumConfig { enabled: true, decay: 0.97, min_weight: 0.05, unseen_weight: 1.0, refill_budget: 2 }
    }
}

/// `[model]`: which checkpoint to load and how to prompt it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ModelConfig {
    /// A `.gguf` file or a Hugging Face snapshot directory (config.json + safetensors).
    pub path: PathBuf,
    /// `auto`: use the checkpoint's chat template when it has one; `none`: raw prompts
    /// (base models).
    pub chat_template: ChatTemplateMode,
    /// Optional system prompt placed before the user turn.
    pub system_prompt: Option<String>,
    /// Longest sequence (prompt + completion) the engine will process.
    pub max_seq_len: usize,
    /// How the CPU inference path keeps the base weights: `auto` (a GGUF's own blocks;
    /// safetensors in f32), `q8_0`, `f32`, or `off` (decode with burn tensors).
    pub inference_weights: InferenceWeights,
}

/// How prompts are wrapped before tokenization.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ChatTemplateMode {
    Auto,
    None,
}

impl Default for ModelConfig {
    fn default() -> Self {
        Self {
            path: default_cache_dir().join("models/SmolLM2-135M-Instruct.Q4_1.gguf"),
            chat_template: ChatTemplateMode::Auto,
            system_prompt: None,
            max_seq_len: 2048,
            inference_weights: InferenceWeights::Auto,
        }
    }
}

/// `[backend]`: where tensors live.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BackendConfig {
    /// `cpu` (flex) or `wgpu` (GPU through Vulkan/Metal/DX12).
    pub kind: BackendKind,
    /// CPU threads for the flex backend (0 = all cores).
    pub threads: usize,
}

impl Default for BackendConfig {
    fn default() -> Self {
        Self { kind: BackendKind::Cpu, threads: 0 }
    }
}

/// `[lora]`: the adapter being trained.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LoraConfig {
    /// Rank r of A [r, in] and B [out, r].
    pub rank: usize,
    /// Scale numerator: delta W = B A * alpha / r.
    pub alpha: f64,
    /// Dropout on the adapter input in the policy forward of an update (PEFT's
    /// lora_dropout); generation, evaluation and the old/reference log-probs never drop.
    /// The prompt shared by a group is scored once, so its masks are shared too.
    pub dropout: f64,
    /// Which projections get an adapter.
    pub targets: Vec<String>,
}

/// Projection names LoRA may target (Hugging Face names).
pub const LORA_TARGETS: [&str; 7] = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"];

impl Default for LoraConfig {
    fn default() -> Self {
        Self { rank: 16, alpha: 32.0, dropout: 0.0, targets: LORA_TARGETS.iter().map(|s| s.to_string()).collect() }
    }
}

/// Policy-gradient loss family (formulas in README and docs/rl-notes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LossKind {
    Grpo,
    DrGrpo,
    Dapo,
    Gspo,
}

/// How advantages are scaled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AdvantageScaling {
    /// (r - mean_group) / (std_group + eps)
    Group,
    /// (r - mean_group) / (std_batch + eps)
    Batch,
    /// r - mean_group
    None,
}

/// Learning-rate schedule after warm-up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LrSchedule {
    Constant,
    Cosine,
}

/// `[rl]`: the trainer.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RlConfig {
    pub loss: LossKind,
    /// Completions sampled per task (G).
    pub group_size: usize,
    /// Tasks per trainer step.
    pub tasks_per_step: usize,
    /// Most new tokens per completion.
    pub max_new_tokens: usize,
    /// Sampling temperature for rollouts.
    pub temperature: f64,
    /// Nucleus sampling for rollouts (1.0 = off).
    pub top_p: f64,
    /// Top-k for rollouts (0 = off).
    pub top_k: usize,
    /// AdamW learning rate after warm-up.
    pub lr: f64,
    pub lr_schedule: LrSchedule,
    /// Linear warm-up steps.
    pub warmup_steps: usize,
    /// Steps of the cosine schedule (ignored for constant).
    pub total_steps: usize,
    pub weight_decay: f64,
    /// Global gradient-norm clip (0 = off).
    pub max_grad_norm: f64,
    /// Clip epsilon (low side for DAPO/GSPO).
    pub clip_eps: f64,
    /// Upper clip epsilon (DAPO 0.28; GSPO's paper 4e-4, but 4e-2 with `clip_eps` 3e-2
    /// fits LoRA at lr 1e-4, docs/learning.md); defaults to `clip_eps` when unset.
    pub clip_eps_high: Option<f64>,
    /// KL coefficient to the base model (adapter disabled), k3 estimator. 0 = no KL.
    pub beta: f64,
    pub advantage_scaling: AdvantageScaling,
    /// Drop truncated completions from the loss.
    pub mask_truncated: bool,
    /// Optimizer passes over each rollout batch.
    pub updates_per_batch: usize,
    /// Sequences per forward/backward micro-batch (gradient accumulation).
    pub micro_batch: usize,
    /// Keep only each block's input in the update's forward and recompute blocks one
    /// at a time in the backward: one more forward, a fraction of the memory.
    pub checkpoint_activations: bool,
    /// Seed of every RNG the trainer uses.
    pub seed: u64,
    /// Start training when the daemon boots.
    pub autostart: bool,
}

impl Default for RlConfig {
    fn default() -> Self {
        Self {
            loss: LossKind::Grpo,
            group_size: 8,
            tasks_per_step: 4,
            max_new_tokens: 256,
            temperature: 1.0,
            top_p: 1.0,
            top_k: 0,
            lr: 2e-5,
            lr_schedule: LrSchedule::Constant,
            warmup_steps: 10,
            total_steps: 1000,
            weight_decay: 0.0,
            max_grad_norm: 1.0,
            clip_eps: 0.2,
            clip_eps_high: None,
            beta: 0.0,
            advantage_scaling: AdvantageScaling::Group,
            mask_truncated: false,
            updates_per_batch: 1,
            micro_batch: 8,
            checkpoint_activations: true,
            seed: 0,
            autostart: true,
        }
    }
}

/// Reward formulation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RewardKind {
    Tests,
    Ruff,
    Combined,
}

/// `[reward]`: how verifier results become a scalar.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RewardConfig {
    pub kind: RewardKind,
    /// Tests reward = fraction of asserts passed instead of all-or-nothing.
    pub partial_credit: bool,
    /// Weight of the tests component in `combined`.
    pub tests_weight: f64,
    /// Weight of the Ruff component in `combined`.
    pub ruff_weight: f64,
    /// Penalty added for a syntax error (<= 0).
    pub syntax_error_penalty: f64,
    /// Penalty added for a timeout (<= 0).
    pub timeout_penalty: f64,
    /// Penalty for a completion truncated at max_new_tokens (<= 0).
    pub overlong_penalty: f64,
    /// Ruff rules selected (`ruff check --select`).
    pub ruff_select: Vec<String>,
}

impl Default for RewardConfig {
    fn default() -> Self {
        Self {
            kind: RewardKind::Combined,
            partial_credit: false,
            tests_weight: 1.0,
            ruff_weight: 0.2,
            syntax_error_penalty: 0.0,
            timeout_penalty: 0.0,
            overlong_penalty: 0.0,
            ruff_select: vec!["E".into(), "F".into(), "W".into(), "B".into()],
        }
    }
}

/// How generated code is isolated (`[sandbox] isolation`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum IsolationMode {
    /// bubblewrap: own network, PID, IPC and mount namespaces; the run sees the system
    /// directories, the interpreter, `allow_paths` and its own tmpfs, nothing else.
    /// Required by default: without it the verifier refuses to start.
    Bwrap,
    /// `unshare --net --pid`: no network, but the host filesystem stays visible
    /// (protected by file permissions only). Warned about at every start.
    Unshare,
    /// rlimits (and a per-run uid for a root daemon) only. Warned about at every start.
    None,
}

/// The replaced `[sandbox] network` option, still read so that old configs load.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NetworkIsolation {
    Auto,
    Required,
    /// Read as `isolation = "none"`.
    Off,
}

/// `[sandbox]`: limits for running generated code.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SandboxConfig {
    /// Python interpreter.
    pub python: PathBuf,
    /// Ruff binary.
    pub ruff: PathBuf,
    /// Wall-clock limit per candidate run, seconds.
    pub timeout_s: f64,
    /// CPU-time limit per run, seconds.
    pub cpu_s: u64,
    /// Address-space limit, MiB.
    pub memory_mb: u64,
    /// Largest file a run may write, MiB.
    pub file_size_mb: u64,
    /// Process limit (RLIMIT_NPROC) inside a run.
    pub max_processes: u64,
    /// Open-file limit inside a run.
    pub max_open_files: u64,
    /// Captured stdout/stderr bound, bytes.
    pub max_output_bytes: usize,
    /// Concurrent runs (0 = number of cores).
    pub workers: usize,
    pub isolation: IsolationMode,
    /// Fork runs from pre-started interpreters (bwrap with a root daemon); otherwise
    /// every run starts its own sandbox and interpreters.
    pub prestart: bool,
    /// Extra directories a run may read (bwrap): packages the tasks' code imports.
    pub allow_paths: Vec<PathBuf>,
    /// Deprecated: `off` means `isolation = "none"`, other values are ignored.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub network: Option<NetworkIsolation>,
}

impl SandboxConfig {
    /// The isolation asked for, with the deprecated `network = "off"` honoured.
    pub fn isolation_mode(&self) -> IsolationMode {
        if self.network == Some(NetworkIsolation::Off) {
            IsolationMode::None
        } else {
            self.isolation
        }
    }
}

impl Default for SandboxConfig {
    fn default() -> Self {
        Self {
            python: "python3".into(),
            ruff: "ruff".into(),
            timeout_s: 10.0,
            cpu_s: 10,
            memory_mb: 1024,
            file_size_mb: 16,
            max_processes: 64,
            max_open_files: 256,
            max_output_bytes: 64 * 1024,
            workers: 0,
            isolation: IsolationMode::Bwrap,
            prestart: true,
            allow_paths: Vec::new(),
            network: None,
        }
    }
}

/// `[tasks]`: the watched task tree.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TasksConfig {
    /// Root of the task tree (watched recursively).
    pub dir: PathBuf,
    /// Watch for changes.
    pub watch: bool,
    /// Largest task file read, bytes.
    pub max_file_bytes: u64,
    /// Fraction of non-MBPP tasks without explicit split put in eval by hash.
    pub eval_fraction: f64,
}

impl Default for TasksConfig {
    fn default() -> Self {
        Self { dir: PathBuf::from("tasks"), watch: true, max_file_bytes: 8 << 20, eval_fraction: 0.1 }
    }
}

/// `rpc.auth`: whether requests need the bearer token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RpcAuth {
    Token,
    None,
}

/// `[rpc]`: the JSON-RPC endpoint.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RpcConfig {
    /// Listen address (HTTP and WebSocket on one port). Port 0 picks a free port; the
    /// bound address is written to `<state_dir>/rpc.addr`.
    pub listen: String,
    /// `token` (default): every request must carry `Authorization: Bearer <token>`;
    /// `none`: no token (any local process can drive the daemon; warned at start).
    pub auth: RpcAuth,
    /// Where the token lives (default `<state_dir>/rpc.token`); created with a random
    /// token (mode 0600) if missing.
    pub auth_token_file: Option<PathBuf>,
    /// Largest request body accepted, bytes.
    pub max_request_bytes: u32,
    /// Largest response body sent, bytes.
    pub max_response_bytes: u32,
    /// Concurrent connections.
    pub max_connections: u32,
    /// Extra `Host` names accepted besides loopback names and the listen address
    /// (requests naming any other host are refused: DNS rebinding).
    pub allowed_hosts: Vec<String>,
    /// Browser origins allowed to call (e.g. `http://localhost:3000`); a request with
    /// any other `Origin` header is refused. Empty: no web page can call rlvrd.
    pub allowed_origins: Vec<String>,
}

impl Default for RpcConfig {
    fn default() -> Self {
        Self {
            listen: "127.0.0.1:7433".into(),
            auth: RpcAuth::Token,
            auth_token_file: None,
            max_request_bytes: 1 << 20,
            max_response_bytes: 32 << 20,
            max_connections: 64,
            allowed_hosts: Vec::new(),
            allowed_origins: Vec::new(),
        }
    }
}

/// `[checkpoints]`
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CheckpointConfig {
    /// Save every N trainer steps (0 = only on shutdown).
    pub every_steps: usize,
    /// Keep the newest K checkpoints (plus the best).
    pub keep_last: usize,
}

impl Default for CheckpointConfig {
    fn default() -> Self {
        Self { every_steps: 25, keep_last: 3 }
    }
}

/// Log output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
}

/// `[logging]`
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LoggingConfig {
    /// `RUST_LOG`-style filter (`info`, `rlvrd=debug,info`); `RUST_LOG` overrides it.
    pub filter: String,
    pub format: LogFormat,
}

impl Default for LoggingConfig {
    fn default() -> Self {
        Self { filter: "info".into(), format: LogFormat::Text }
    }
}
