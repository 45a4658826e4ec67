//! The daemon's configuration: one TOML file, every optional field defaulted by serde,
//! unknown keys rejected, and `validate()` for ranges. Errors name the file, the key
//! and the line so a user can fix a typo without reading code.
//!
//! Relative paths in the file are resolved against the file's own directory (so a
//! config can point at `../examples/tasks` wherever it is started from); a leading
//! `~/` means the user's home.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// Everything wrong with a config file, with file / key / line context.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{path}: cannot read config file: {source}")]
    Read { path: String, source: std::io::Error },
    #[error("{}", format_problems(path, problems))]
    Invalid { path: String, problems: Vec<Problem> },
}

/// One problem at one key of a config file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Dotted key path (`rl.group_size`); empty when the file is not valid TOML.
    pub key: String,
    /// 1-based line, when it can be located.
    pub line: Option<usize>,
    /// What is wrong and what is allowed.
    pub message: String,
}

fn format_problems(path: &str, problems: &[Problem]) -> String {
    let lines: Vec<String> = problems
        .iter()
        .map(|p| {
            let at = p.line.map(|l| format!(":{l}")).unwrap_or_default();
            if p.key.is_empty() {
                format!("{path}{at}: {}", p.message)
            } else {
                format!("{path}{at}: key `{}`: {}", p.key, p.message)
            }
        })
        .collect();
    lines.join("\n")
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

/// The whole configuration file.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Where checkpoints, metrics, the lock file and the RPC address live. Default:
    /// `$STATE_DIRECTORY` (systemd `StateDirectory=`), else `$XDG_STATE_HOME/rlvrd`,
    /// else `~/.local/state/rlvrd`.
    #[serde(default)]
    pub state_dir: Option<PathBuf>,
    #[serde(default)]
    pub model: ModelConfig,
    #[serde(default)]
    pub backend: BackendConfig,
    #[serde(default)]
    pub lora: LoraConfig,
    #[serde(default)]
    pub rl: RlConfig,
    #[serde(default)]
    pub reward: RewardConfig,
    #[serde(default)]
    pub sandbox: SandboxConfig,
    #[serde(default)]
    pub tasks: TasksConfig,
    #[serde(default)]
    pub rpc: RpcConfig,
    #[serde(default)]
    pub checkpoints: CheckpointConfig,
    #[serde(default)]
    pub logging: LoggingConfig,
    #[serde(default)]
    pub eval: crate::eval::EvalConfig,
    #[serde(default)]
    pub curriculum: CurriculumConfig,
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
    pub inference_weights: crate::model::cpu::InferenceWeights,
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
            inference_weights: crate::model::cpu::InferenceWeights::Auto,
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

impl Default for Config {
    fn default() -> Self {
        Self {
            state_dir: None,
            model: ModelConfig::default(),
            backend: BackendConfig::default(),
            lora: LoraConfig::default(),
            rl: RlConfig::default(),
            reward: RewardConfig::default(),
            sandbox: SandboxConfig::default(),
            tasks: TasksConfig::default(),
            rpc: RpcConfig::default(),
            checkpoints: CheckpointConfig::default(),
            logging: LoggingConfig::default(),
            eval: crate::eval::EvalConfig::default(),
            curriculum: CurriculumConfig::default(),
        }
    }
}

/// `$XDG_CACHE_HOME/rlvrd` (or `~/.cache/rlvrd`): downloaded models live here.
pub fn default_cache_dir() -> PathBuf {
    xdg_dir("XDG_CACHE_HOME", ".cache").join("rlvrd")
}

fn xdg_dir(var: &str, fallback: &str) -> PathBuf {
    match std::env::var_os(var) {
        Some(v) if !v.is_empty() => PathBuf::from(v),
        _ => home_dir().join(fallback),
    }
}

fn home_dir() -> PathBuf {
    std::env::var_os("HOME").map(PathBuf::from).unwrap_or_else(|| PathBuf::from("/"))
}

fn expand(path: &Path, base: &Path) -> PathBuf {
    if let Ok(rest) = path.strip_prefix("~") {
        return home_dir().join(rest);
    }
    if path.is_relative() {
        base.join(path)
    } else {
        path.to_path_buf()
    }
}

impl Config {
    /// Read, parse, resolve paths and validate `path`.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read { path: path.display().to_string(), source })?;
        let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let base = if base.as_os_str().is_empty() { PathBuf::from(".") } else { base };
        Self::from_toml(&text, &path.display().to_string(), &base)
    }

    /// Parse TOML text; `name` is used in messages, `base` resolves relative paths.
    pub fn from_toml(text: &str, name: &str, base: &Path) -> Result<Config, ConfigError> {
        let invalid = |problems| ConfigError::Invalid { path: name.to_string(), problems };
        let de = toml::Deserializer::parse(text).map_err(|e| invalid(vec![toml_problem(text, "", &e)]))?;
        let mut cfg: Config = serde_path_to_error::deserialize(de).map_err(|e| {
            let key = e.path().to_string();
            let key = if key == "." { String::new() } else { key };
            invalid(vec![toml_problem(text, &key, e.inner())])
        })?;
        cfg.resolve_paths(base);
        let problems: Vec<Problem> = cfg.validate().into_iter().map(|(key, message)| Problem { line: locate_key(text, &key), key, message }).collect();
        if problems.is_empty() {
            Ok(cfg)
        } else {
            Err(invalid(problems))
        }
    }

    fn resolve_paths(&mut self, base: &Path) {
        if let Some(d) = &self.state_dir {
            self.state_dir = Some(expand(d, base));
        }
        self.model.path = expand(&self.model.path, base);
        self.tasks.dir = expand(&self.tasks.dir, base);
        self.eval.file = expand(&self.eval.file, base);
        if let Some(t) = &self.rpc.auth_token_file {
            self.rpc.auth_token_file = Some(expand(t, base));
        }
        // Bare program names (`python3`) are looked up on PATH, not resolved.
        for p in [&mut self.sandbox.python, &mut self.sandbox.ruff] {
            if p.components().count() > 1 {
                *p = expand(p, base);
            }
        }
    }

    /// Range and consistency checks: `(dotted key, message)` for each violation.
    pub fn validate(&self) -> Vec<(String, String)> {
        let mut v = Vec::new();
        let mut check = |ok: bool, key: &str, msg: &str| {
            if !ok {
                v.push((key.to_string(), msg.to_string()));
            }
        };
        let m = &self.model;
        check((16..=131_072).contains(&m.max_seq_len), "model.max_seq_len", "must be between 16 and 131072");
        let l = &self.lora;
        check((1..=1024).contains(&l.rank), "lora.rank", "must be between 1 and 1024");
        check(l.alpha > 0.0 && l.alpha.is_finite(), "lora.alpha", "must be a positive number");
        check((0.0..1.0).contains(&l.dropout), "lora.dropout", "must be in [0, 1)");
        check(!l.targets.is_empty(), "lora.targets", "must name at least one projection");
        for t in &l.targets {
            check(LORA_TARGETS.contains(&t.as_str()), "lora.targets", &format!("unknown projection `{t}` (allowed: {})", LORA_TARGETS.join(", ")));
        }
        let r = &self.rl;
        check((1..=256).contains(&r.group_size), "rl.group_size", "must be between 1 and 256");
        check((1..=1024).contains(&r.tasks_per_step), "rl.tasks_per_step", "must be between 1 and 1024");
        check((1..=32_768).contains(&r.max_new_tokens), "rl.max_new_tokens", "must be between 1 and 32768");
        check(r.max_new_tokens < m.max_seq_len, "rl.max_new_tokens", "must be below model.max_seq_len");
        check(r.temperature >= 0.0 && r.temperature <= 10.0, "rl.temperature", "must be in [0, 10]");
        check(r.top_p > 0.0 && r.top_p <= 1.0, "rl.top_p", "must be in (0, 1]");
        check(r.lr > 0.0 && r.lr < 1.0, "rl.lr", "must be in (0, 1)");
        check(r.weight_decay >= 0.0, "rl.weight_decay", "must be >= 0");
        check(r.max_grad_norm >= 0.0, "rl.max_grad_norm", "must be >= 0 (0 disables clipping)");
        check(r.clip_eps > 0.0 && r.clip_eps < 1.0, "rl.clip_eps", "must be in (0, 1)");
        if let Some(h) = r.clip_eps_high {
            check(h > 0.0 && h < 10.0, "rl.clip_eps_high", "must be in (0, 10)");
        }
        check(r.beta >= 0.0, "rl.beta", "must be >= 0");
        check(r.updates_per_batch >= 1, "rl.updates_per_batch", "must be >= 1");
        check(r.micro_batch >= 1, "rl.micro_batch", "must be >= 1");
        check(r.total_steps >= 1, "rl.total_steps", "must be >= 1");
        let w = &self.reward;
        check(w.tests_weight >= 0.0, "reward.tests_weight", "must be >= 0");
        check(w.ruff_weight >= 0.0, "reward.ruff_weight", "must be >= 0");
        for (key, val) in [
            ("reward.syntax_error_penalty", w.syntax_error_penalty),
            ("reward.timeout_penalty", w.timeout_penalty),
            ("reward.overlong_penalty", w.overlong_penalty),
        ] {
            check(val <= 0.0 && val >= -10.0, key, "must be in [-10, 0] (a penalty)");
        }
        let s = &self.sandbox;
        check(s.timeout_s > 0.0 && s.timeout_s <= 600.0, "sandbox.timeout_s", "must be in (0, 600]");
        check((1..=600).contains(&s.cpu_s), "sandbox.cpu_s", "must be between 1 and 600");
        check((64..=65_536).contains(&s.memory_mb), "sandbox.memory_mb", "must be between 64 and 65536");
        check((1..=4096).contains(&s.file_size_mb), "sandbox.file_size_mb", "must be between 1 and 4096");
        check((1..=4096).contains(&s.max_processes), "sandbox.max_processes", "must be between 1 and 4096");
        check((16..=65_536).contains(&s.max_open_files), "sandbox.max_open_files", "must be between 16 and 65536");
        check(s.max_output_bytes >= 1024, "sandbox.max_output_bytes", "must be >= 1024");
        check(s.workers <= 256, "sandbox.workers", "must be <= 256 (0 = number of cores)");
        let c = &self.curriculum;
        check(c.decay > 0.0 && c.decay <= 1.0, "curriculum.decay", "must be in (0, 1]");
        check((0.0..=1.0).contains(&c.min_weight), "curriculum.min_weight", "must be between 0 and 1");
        check(c.unseen_weight > 0.0 && c.unseen_weight <= 10.0, "curriculum.unseen_weight", "must be in (0, 10]");
        check(c.refill_budget <= 1024, "curriculum.refill_budget", "must be <= 1024");
        let t = &self.tasks;
        check((0.0..=1.0).contains(&t.eval_fraction), "tasks.eval_fraction", "must be in [0, 1]");
        check(t.max_file_bytes >= 1024, "tasks.max_file_bytes", "must be >= 1024");
        let p = &self.rpc;
        check(p.listen.parse::<std::net::SocketAddr>().is_ok(), "rpc.listen", &format!("`{}` is not an address like 127.0.0.1:7433", p.listen));
        check(p.max_request_bytes >= 1024, "rpc.max_request_bytes", "must be >= 1024");
        check(p.max_response_bytes >= 1024, "rpc.max_response_bytes", "must be >= 1024");
        check(p.max_connections >= 1, "rpc.max_connections", "must be >= 1");
        check(self.checkpoints.keep_last >= 1, "checkpoints.keep_last", "must be >= 1");
        let e = &self.eval;
        check(e.mbpp_ids.0 <= e.mbpp_ids.1, "eval.mbpp_ids", "must be [first, last] with first <= last");
        check((1..=32_768).contains(&e.max_new_tokens), "eval.max_new_tokens", "must be between 1 and 32768");
        check((1..=256).contains(&e.batch), "eval.batch", "must be between 1 and 256");
        check(e.temperature > 0.0 && e.temperature <= 10.0, "eval.temperature", "must be in (0, 10]");
        check(e.gate.tolerance_pp >= 0.0, "eval.gate.tolerance_pp", "must be >= 0");
        check((0.0..=1.0).contains(&e.gate.min_length_fraction), "eval.gate.min_length_fraction", "must be in [0, 1]");
        if let Err(e) = tracing_subscriber::EnvFilter::try_new(&self.logging.filter) {
            v.push(("logging.filter".into(), format!("not a valid RUST_LOG-style filter: {e}")));
        }
        v
    }

    /// The state directory in force (config, then systemd, then XDG).
    pub fn state_dir(&self) -> PathBuf {
        if let Some(d) = &self.state_dir {
            return d.clone();
        }
        // systemd sets STATE_DIRECTORY (colon-separated) when the unit has StateDirectory=.
        if let Some(s) = std::env::var_os("STATE_DIRECTORY") {
            if let Some(first) = s.to_string_lossy().split(':').next().filter(|p| !p.is_empty()) {
                return PathBuf::from(first);
            }
        }
        xdg_dir("XDG_STATE_HOME", ".local/state").join("rlvrd")
    }

    /// The resolved config as TOML (what `check-config` prints).
    pub fn to_toml(&self) -> String {
        let mut resolved = self.clone();
        resolved.state_dir = Some(self.state_dir());
        toml::to_string_pretty(&resolved).unwrap_or_else(|e| format!("# cannot render config: {e}\n"))
    }
}

/// Turn a toml/serde error into a Problem with the line of its span.
fn toml_problem(text: &str, key: &str, e: &toml::de::Error) -> Problem {
    let line = e.span().map(|s| line_of(text, s.start)).or_else(|| locate_key(text, key));
    Problem { key: key.to_string(), line, message: e.message().trim().to_string() }
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].bytes().filter(|&b| b == b'\n').count() + 1
}

/// Find the line of `section.key` by scanning for the `[section]` header and then
/// `key =`. Good for the plain layout configs use; `None` when not found (the
/// message still names the key).
fn locate_key(text: &str, dotted: &str) -> Option<usize> {
    let (section, key) = match dotted.rsplit_once('.') {
        Some((s, k)) => (s, k),
        None => ("", dotted),
    };
    let key = key.split('[').next().unwrap_or(key);
    let mut in_section = section.is_empty();
    let mut section_line = None;
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.starts_with('[') {
            let name = line.trim_start_matches('[').split(']').next().unwrap_or("").trim();
            in_section = name == section;
            if in_section {
                section_line = Some(i + 1);
            }
            continue;
        }
        if in_section {
            if let Some((k, _)) = line.split_once('=') {
                if k.trim().trim_matches('"') == key {
                    return Some(i + 1);
                }
            }
        }
    }
    section_line
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, ConfigError> {
        Config::from_toml(text, "test.toml", Path::new("/base"))
    }

    #[test]
    fn empty_file_is_all_defaults() {
        let c = parse("").unwrap();
        assert_eq!(c.rl.group_size, 8);
        assert_eq!(c.backend.kind, BackendKind::Cpu);
        assert_eq!(c.rpc.listen, "127.0.0.1:7433");
    }

    #[test]
    fn relative_paths_resolve_against_the_file() {
        let c = parse("[tasks]\ndir = \"../examples/tasks\"\n").unwrap();
        assert_eq!(c.tasks.dir, PathBuf::from("/base/../examples/tasks"));
    }

    #[test]
    fn unknown_key_names_key_and_line() {
        let e = parse("[rl]\ngroup_size = 4\ngrup_size = 5\n").unwrap_err().to_string();
        assert!(e.contains("test.toml:3"), "{e}");
        assert!(e.contains("grup_size"), "{e}");
    }

    #[test]
    fn wrong_type_names_key_and_line() {
        let e = parse("[rpc]\nlisten = \"127.0.0.1:1\"\n\n[rl]\ngroup_size = \"eight\"\n").unwrap_err().to_string();
        assert!(e.contains("test.toml:5"), "{e}");
        assert!(e.contains("rl.group_size"), "{e}");
    }

    #[test]
    fn out_of_range_names_key_and_line() {
        let e = parse("[lora]\nrank = 0\n").unwrap_err().to_string();
        assert!(e.contains("test.toml:2: key `lora.rank`"), "{e}");
        assert!(e.contains("between 1 and 1024"), "{e}");
    }

    #[test]
    fn bad_enum_value_is_reported() {
        let e = parse("[backend]\nkind = \"tpu\"\n").unwrap_err().to_string();
        assert!(e.contains("backend.kind") && e.contains(":2"), "{e}");
    }

    #[test]
    fn invalid_toml_reports_line() {
        let e = parse("[rl\n").unwrap_err().to_string();
        assert!(e.starts_with("test.toml:1"), "{e}");
    }

    #[test]
    fn missing_file_names_file() {
        let e = Config::load(Path::new("/nonexistent/rlvrd.toml")).unwrap_err().to_string();
        assert!(e.contains("/nonexistent/rlvrd.toml") && e.contains("cannot read"), "{e}");
    }

    #[test]
    fn resolved_config_round_trips() {
        let c = parse("[rl]\nloss = \"gspo\"\n").unwrap();
        let again = parse(&c.to_toml()).unwrap();
        assert_eq!(again.rl.loss, LossKind::Gspo);
        assert_eq!(again.state_dir, Some(c.state_dir()));
    }
}
