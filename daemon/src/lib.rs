//! rlvrd: a daemon that keeps a LoRA adapter of a small code model improving by
//! reinforcement learning from verifiable rewards (unit tests + Ruff), while serving
//! completions to editors and training control over JSON-RPC.
//!
//! Embedding: [`Daemon::builder`] starts the whole daemon in-process and returns a
//! [`DaemonHandle`] (completions, streaming, training control, events, status,
//! checkpoints, shutdown); `daemon/examples/embed.rs` is a complete program. The
//! `rlvrd` binary is a thin command line over the same API.
//!
//! Layers, each depending only on the ones before it (a test checks there is no
//! import cycle between them):
//! - [`config`]: the TOML configuration, defaults and validation (depends on nothing).
//! - [`backend`]: the single place the burn device (CPU or wgpu) is chosen.
//! - [`model`]: the transformer in burn, the CPU inference path, loaders, tokenizer,
//!   chat template, generation, LoRA.
//! - [`history`]: the metrics history file.
//! - [`tasks`]: the watched task tree, its formats, the [`tasks::Problem`] training
//!   and eval work on, and its prompt.
//! - [`reward`]: the sandboxed verifier (tests in a trusted interpreter, Ruff) and rewards.
//! - [`train`]: advantages, losses (GRPO, Dr.GRPO, DAPO, GSPO), optimizer, the trainer,
//!   the curriculum sampler.
//! - [`eval`]: pass@k, diagnostics, the promotion gate, paired comparisons.
//! - [`checkpoint`]: crash-safe checkpoints of adapter, optimizer and trainer state.
//! - [`engine`]: the one thread that owns the model; async code sends it messages.
//! - `http`, `rpc` (private): the editor protocols and the JSON-RPC endpoint, thin
//!   adapters over the engine.
//! - [`Daemon`] / [`DaemonHandle`]: the composition of all of the above.

pub mod backend;
pub mod checkpoint;
pub mod config;
mod daemon;
pub mod engine;
pub mod eval;
pub mod history;
mod http;
pub mod model;
pub mod reward;
mod rpc;
mod service;
mod shared;
pub mod tasks;
pub mod train;

#[cfg(test)]
mod layering;

pub use config::Config;
pub use daemon::{Daemon, DaemonBuilder, DaemonHandle};
pub use engine::{EngineError, TrainCmd};

/// Install the tracing subscriber `[logging]` asks for (text or JSON on stderr). Call
/// once per process; embedders with their own subscriber skip it.
pub fn init_logging(cfg: &config::LoggingConfig) {
    service::logging::init(cfg)
}

/// The daemon crate's directory, for tests that read fixtures and data. Read at run
/// time (cargo test sets CARGO_MANIFEST_DIR): a test binary reused from another checkout
/// sharing the target directory would otherwise look in that checkout.
#[cfg(test)]
pub(crate) fn manifest_dir() -> std::path::PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR").map_or_else(|| std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")), std::path::PathBuf::from)
}

use std::path::Path;

use tokio_util::sync::CancellationToken;

use crate::service::lock::LockError;

/// Why the daemon could not run.
#[derive(Debug, thiserror::Error)]
pub enum DaemonError {
    #[error(transparent)]
    Lock(#[from] LockError),
    #[error(transparent)]
    Rpc(#[from] rpc::RpcStartError),
    #[error("cannot write {path}: {source}")]
    StateFile { path: String, source: std::io::Error },
    #[error(transparent)]
    History(#[from] history::HistoryError),
    #[error(transparent)]
    Checkpoint(#[from] checkpoint::CheckpointError),
    #[error("a background task failed: {0}")]
    Join(String),
}

/// Name of the file in the state dir holding the bound RPC URL (for port 0 and for
/// clients that discover the daemon).
pub const RPC_ADDR_FILE: &str = "rpc.addr";

/// Run the daemon until `shutdown` is cancelled (signal or `shutdown` RPC): the whole
/// life of the `rlvrd` binary.
pub async fn run(config: Config, shutdown: CancellationToken) -> Result<(), DaemonError> {
    let daemon = Daemon::builder(config).shutdown_on(shutdown).systemd_notify(true).spawn().await?;
    daemon.stopped().await;
    Ok(())
}

/// Write `bytes` to `path` via a temp file + fsync + rename, so readers never see a
/// partial file.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), DaemonError> {
    use std::io::Write;
    let err = |source| DaemonError::StateFile { path: path.display().to_string(), source };
    let tmp = path.with_extension("tmp");
    let mut f = std::fs::File::create(&tmp).map_err(err)?;
    f.write_all(bytes).and_then(|_| f.sync_all()).map_err(err)?;
    std::fs::rename(&tmp, path).map_err(err)?;
    Ok(())
}
