//! rlvrd: a daemon that keeps a LoRA adapter of a small code model improving by
//! reinforcement learning from verifiable rewards (unit tests + Ruff), while serving
//! completions and control over JSON-RPC.
//!
//! Modules and what each owns:
//! - [`config`]: the TOML configuration, defaults and validation.
//! - [`backend`]: the single place the burn device (flex CPU or wgpu) is chosen.
//! - [`service`]: process plumbing: state-dir lock, systemd notify, logging.
//! - [`shared`]: state read by RPC handlers (status, model info).
//! - [`rpc`]: the jsonrpsee server implementing `rlvr_client::RlvrApi`, auth, error codes.
//! - [`model`]: the transformer in burn, loaders, tokenizer, chat template, generation.
//! - [`engine`]: the one thread that owns the model; async code sends it messages.
//! - [`commands`]: one-shot CLI subcommands (`generate`, `bench`).
//!
//! [`run`] is the daemon's whole life: lock, listen, notify, wait for cancellation,
//! drain, release.

pub mod backend;
pub mod checkpoint;
pub mod commands;
pub mod config;
pub mod engine;
pub mod eval;
pub mod history;
pub mod http;
pub mod model;
pub mod reward;
pub mod rpc;
pub mod service;
pub mod shared;
pub mod tasks;
pub mod train;

/// The daemon crate's directory, for tests that read fixtures and data. Read at run
/// time (cargo test sets CARGO_MANIFEST_DIR): a test binary reused from another checkout
/// sharing the target directory would otherwise look in that checkout.
#[cfg(test)]
pub(crate) fn manifest_dir() -> std::path::PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR").map_or_else(|| std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")), std::path::PathBuf::from)
}

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use rlvr_client::DaemonState;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::config::Config;
use crate::service::lock::{LockError, StateLock};
use crate::service::notify;
use crate::shared::Shared;

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
}

/// Name of the file in the state dir holding the bound RPC URL (for port 0 and for
/// clients that discover the daemon).
pub const RPC_ADDR_FILE: &str = "rpc.addr";

/// Run the daemon until `shutdown` is cancelled (signal or `shutdown` RPC).
pub async fn run(config: Config, shutdown: CancellationToken) -> Result<(), DaemonError> {
    let state_dir = config.state_dir();
    let lock = StateLock::acquire(&state_dir)?;
    tracing::info!(state_dir = %state_dir.display(), "rlvrd {} starting", env!("CARGO_PKG_VERSION"));

    let shared = Arc::new(Shared::new(state_dir.clone(), backend::describe(&config.backend), shutdown.clone()));
    let tracker = TaskTracker::new();

    let (services, engine_thread) = start_engine(&config, shared.clone(), &shutdown, &tracker).await?;
    let engine = services.engine.clone();
    let server = rpc::start(&config, shared.clone(), services).await?;
    let url = format!("http://{}", server.addr);
    let addr_file = state_dir.join(RPC_ADDR_FILE);
    write_atomic(&addr_file, format!("{url}\n").as_bytes())?;
    tracing::info!(%url, auth = ?config.rpc.auth, "JSON-RPC listening (HTTP and WebSocket)");

    notify::notify(&format!("READY=1\nSTATUS=listening on {url}"));
    if let Some(every) = notify::watchdog_interval() {
        let token = shutdown.clone();
        tracker.spawn(async move {
            let mut tick = tokio::time::interval(every);
            loop {
                tokio::select! {
                    _ = token.cancelled() => break,
                    _ = tick.tick() => notify::notify("WATCHDOG=1"),
                }
            }
        });
    }

    shutdown.cancelled().await;
    tracing::info!("shutting down");
    shared.set_state(DaemonState::Stopping);
    notify::notify("STOPPING=1");

    let _ = server.handle.stop();
    let drained = tokio::time::timeout(Duration::from_secs(3), server.handle.stopped()).await;
    if drained.is_err() {
        tracing::warn!("RPC connections did not close within 3 s; dropping them");
    }
    drop(engine);
    // The engine finishes its current request (and a model load in progress) first.
    let _ = tokio::task::spawn_blocking(move || engine_thread.join()).await;
    tracker.close();
    tracker.wait().await;
    let _ = std::fs::remove_file(&addr_file);
    drop(lock);
    tracing::info!("stopped");
    Ok(())
}

/// Open the stores, start the task watcher and the verifier, and spawn the engine
/// thread (which loads the model). Shared by the daemon and `rlvrd train`.
pub async fn start_engine(
    config: &Config,
    shared: Arc<Shared>,
    shutdown: &CancellationToken,
    tracker: &TaskTracker,
) -> Result<(rpc::Services, std::thread::JoinHandle<()>), DaemonError> {
    let state_dir = config.state_dir();
    let history = Arc::new(history::History::open(&state_dir)?);
    let checkpoints = Arc::new(checkpoint::CheckpointStore::open(state_dir.join("checkpoints"), config.checkpoints.keep_last)?);
    // `open` reads the whole tree once (blocking, but only at start-up).
    let store = tasks::TaskStore::open(&config.tasks);
    tracing::info!(root = %config.tasks.dir.display(), tasks = store.len(), errors = store.errors().len(), "task tree loaded");
    if config.tasks.watch {
        let (s, c) = (store.clone(), shutdown.child_token());
        tracker.spawn(async move {
            if let Err(e) = tasks::watch(s, tasks::WatchOptions::default(), c).await {
                tracing::error!(error = %e, "task watcher stopped; use tasks_reload to pick up changes");
            }
        });
    }
    let verifier = match reward::Verifier::new(&config.sandbox, &config.reward).await {
        Ok(v) => {
            tracing::info!(isolation = ?v.isolation(), "verifier ready");
            Ok(v)
        }
        Err(e) => {
            tracing::error!(error = %e, "verifier unavailable: training cannot start (serving works)");
            shared.set_error(Some(e.to_string()));
            Err(e.to_string())
        }
    };
    let (events, _) = tokio::sync::broadcast::channel(256);
    let deps = engine::EngineDeps {
        cfg: config.clone(),
        shared: shared.clone(),
        cancel: shutdown.child_token(),
        rt: tokio::runtime::Handle::current(),
        verifier,
        store: store.clone(),
        history: history.clone(),
        checkpoints: checkpoints.clone(),
        events: events.clone(),
    };
    // The engine loads the model in its own thread; status shows `loading` meanwhile.
    let (engine, engine_thread) = engine::spawn(deps);
    let services = rpc::Services { engine, store, history, checkpoints, events };
    Ok((services, engine_thread))
}

/// Cancel `token` on SIGINT or SIGTERM (a second signal exits immediately).
pub fn cancel_on_signals(token: CancellationToken) {
    tokio::spawn(async move {
        use tokio::signal::unix::{signal, SignalKind};
        let (Ok(mut term), Ok(mut int)) = (signal(SignalKind::terminate()), signal(SignalKind::interrupt())) else {
            tracing::error!("cannot install signal handlers");
            return;
        };
        let name = tokio::select! { _ = term.recv() => "SIGTERM", _ = int.recv() => "SIGINT" };
        tracing::info!(signal = name, "received signal");
        token.cancel();
        tokio::select! { _ = term.recv() => {}, _ = int.recv() => {} }
        tracing::warn!("second signal: exiting without cleanup");
        std::process::exit(130);
    });
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
