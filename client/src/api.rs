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
}
