//! The daemon as a library: [`Daemon::builder`] starts everything a running rlvrd is
//! (state-dir lock, task store and watcher, verifier, the engine thread with the
//! model, optionally the JSON-RPC / editor-protocol endpoint) and returns a
//! [`DaemonHandle`]; the binary, `rlvrd train` and embedders all go through it.
//!
//! ```no_run
//! # async fn demo(config: rlvrd::config::Config) -> Result<(), Box<dyn std::error::Error>> {
//! use rlvrd::{Daemon, TrainCmd};
//! let daemon = Daemon::builder(config).rpc(false).autostart(false).spawn().await?;
//! let mut events = daemon.events();
//! daemon.train(TrainCmd::Start).await?;
//! // ... read TrainEvent::Step records from `events`, ask for completions ...
//! daemon.shutdown().await; // drains, joins the engine, releases the lock
//! # Ok(()) }
//! ```
//!
//! Shutdown has one path whatever asks for it (the handle, the `shutdown` RPC, the
//! token given to [`DaemonBuilder::shutdown_on`]): a supervisor task waits for the
//! daemon's token, stops the endpoint, lets the engine finish its current unit and
//! write its final checkpoint, joins it, and only then releases the lock.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use rlvr_client::metrics::MetricsRecord;
use rlvr_client::{
    AdaptersInfo, CheckpointEntry, CompleteParams, CompletionResult, DaemonState, GenerateParams, StatusInfo, StreamChunk, TrainEvent, TrainStatus,
};
use tokio::sync::{broadcast, mpsc, watch};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::config::Config;
use crate::engine::{EngineError, Services, TrainCmd};
use crate::service::lock::StateLock;
use crate::service::notify;
use crate::shared::Shared;
use crate::{backend, checkpoint, engine, history, reward, rpc, tasks, write_atomic, DaemonError, RPC_ADDR_FILE};

/// Entry point of the library API; see the module docs.
pub struct Daemon;

impl Daemon {
    /// A daemon for `config` (validated already: [`Config::load`] or
    /// [`Config::validate`]).
    pub fn builder(config: Config) -> DaemonBuilder {
        DaemonBuilder { config, rpc: true, shutdown: None, autostart: None, systemd: false }
    }
}

/// Options of a daemon before it starts.
#[must_use = "a builder does nothing until `spawn`"]
pub struct DaemonBuilder {
    config: Config,
    rpc: bool,
    shutdown: Option<CancellationToken>,
    autostart: Option<bool>,
    systemd: bool,
}

impl DaemonBuilder {
    /// Serve JSON-RPC and the editor protocols on `[rpc] listen` (default: yes).
    pub fn rpc(mut self, on: bool) -> Self {
        self.rpc = on;
        self
    }

    /// Stop the daemon when `token` is cancelled (the binary passes its signal token).
    /// Cancelling the daemon itself never cancels `token`.
    pub fn shutdown_on(mut self, token: CancellationToken) -> Self {
        self.shutdown = Some(token);
        self
    }

    /// Start training once the model is loaded (default: `[rl] autostart`). Callers
    /// that want every step's event subscribe first and start with
    /// [`DaemonHandle::train`].
    pub fn autostart(mut self, on: bool) -> Self {
        self.autostart = Some(on);
        self
    }

    /// Report readiness, stopping and watchdog pings to systemd (`Type=notify` units;
    /// default: no). The `rlvrd` binary turns it on; an embedder's own service does its
    /// own notifying.
    pub fn systemd_notify(mut self, on: bool) -> Self {
        self.systemd = on;
        self
    }

    /// Take the state-dir lock, start the stores, the verifier, the engine thread
    /// (which loads the model in the background: [`DaemonHandle::status`] says
    /// `loading` meanwhile) and the endpoint. Returns once the endpoint listens.
    pub async fn spawn(self) -> Result<DaemonHandle, DaemonError> {
        let mut config = self.config;
        if let Some(on) = self.autostart {
            config.rl.autostart = on;
        }
        // The daemon's own token: a child, so an embedder's token stops the daemon but
        // the daemon stopping (RPC `shutdown`) leaves the embedder's token alone.
        let token = self.shutdown.map(|t| t.child_token()).unwrap_or_default();
        let state_dir = config.state_dir();
        let lock = StateLock::acquire(&state_dir)?;
        tracing::info!(state_dir = %state_dir.display(), "rlvrd {} starting", env!("CARGO_PKG_VERSION"));

        let shared = Arc::new(Shared::new(state_dir.clone(), backend::describe(&config.backend), token.clone()));
        let tracker = TaskTracker::new();
        let (services, engine_thread) = match start_engine(&config, shared.clone(), &token, &tracker).await {
            Ok(started) => started,
            Err(e) => {
                token.cancel();
                tracker.close();
                tracker.wait().await;
                return Err(e);
            }
        };
        // From here the engine thread and the lock travel together: whatever happens
        // (an error below, or the runtime dropped before the supervisor finished), the
        // engine is stopped and joined before the lock is released.
        let guard = EngineGuard { token: token.clone(), engine_thread: Some(engine_thread), lock: Some(lock) };
        let fail = |guard: EngineGuard, tracker: TaskTracker| async move {
            guard.stop().await;
            tracker.close();
            tracker.wait().await;
        };

        let (server, addr_file) = if self.rpc {
            let server = match rpc::start(&config, shared.clone(), services.clone()).await {
                Ok(s) => s,
                Err(e) => {
                    fail(guard, tracker).await;
                    return Err(e.into());
                }
            };
            let url = format!("http://{}", server.addr);
            let addr_file = state_dir.join(RPC_ADDR_FILE);
            if let Err(e) = write_atomic(&addr_file, format!("{url}\n").as_bytes()) {
                let _ = server.handle.stop();
                fail(guard, tracker).await;
                return Err(e);
            }
            tracing::info!(%url, auth = ?config.rpc.auth, "JSON-RPC listening (HTTP and WebSocket)");
            (Some(server), Some(addr_file))
        } else {
            (None, None)
        };
        let rpc_url = server.as_ref().map(|s| format!("http://{}", s.addr));
        if self.systemd {
            let status = rpc_url.as_deref().map_or_else(|| "running without RPC".to_string(), |u| format!("listening on {u}"));
            notify::notify(&format!("READY=1\nSTATUS={status}"));
            if let Some(every) = notify::watchdog_interval() {
                let token = token.clone();
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
        }

        let (done_tx, done_rx) = watch::channel(false);
        let supervisor = Supervisor { token: token.clone(), shared: shared.clone(), server, guard, tracker, addr_file, systemd: self.systemd };
        tokio::spawn(async move {
            supervisor.run().await;
            let _ = done_tx.send(true);
        });
        Ok(DaemonHandle { inner: Arc::new(Inner { services, shared, token, rpc_url, state_dir, done: done_rx }) })
    }
}

/// The engine thread and the state-dir lock, released in that order.
struct EngineGuard {
    token: CancellationToken,
    engine_thread: Option<std::thread::JoinHandle<()>>,
    lock: Option<StateLock>,
}

impl EngineGuard {
    /// Stop the engine (it finishes its current unit, or a model load in progress, and
    /// writes its final checkpoint), join it, then release the lock.
    async fn stop(mut self) {
        self.token.cancel();
        if let Some(t) = self.engine_thread.take() {
            let _ = tokio::task::spawn_blocking(move || t.join()).await;
        }
        drop(self.lock.take());
    }
}

impl Drop for EngineGuard {
    /// Only reached without [`EngineGuard::stop`] when the runtime is dropped mid-way:
    /// join the engine here (blocking) so the lock is never released under it.
    fn drop(&mut self) {
        self.token.cancel();
        if let Some(t) = self.engine_thread.take() {
            let _ = t.join();
        }
    }
}

/// Owns what must be released in order at shutdown.
struct Supervisor {
    token: CancellationToken,
    shared: Arc<Shared>,
    server: Option<rpc::RpcServer>,
    guard: EngineGuard,
    tracker: TaskTracker,
    addr_file: Option<PathBuf>,
    systemd: bool,
}

impl Supervisor {
    async fn run(self) {
        self.token.cancelled().await;
        tracing::info!("shutting down");
        self.shared.set_state(DaemonState::Stopping);
        if self.systemd {
            notify::notify("STOPPING=1");
        }
        if let Some(server) = &self.server {
            let _ = server.handle.stop();
            if tokio::time::timeout(Duration::from_secs(3), server.handle.clone().stopped()).await.is_err() {
                tracing::warn!("RPC connections did not close within 3 s; dropping them");
            }
        }
        let Supervisor { guard, tracker, addr_file, .. } = self;
        // The watcher and the watchdog end with the token.
        tracker.close();
        tracker.wait().await;
        if let Some(f) = &addr_file {
            let _ = std::fs::remove_file(f);
        }
        // The lock goes only after the engine has written its final checkpoint.
        guard.stop().await;
        tracing::info!("stopped");
    }
}

struct Inner {
    services: Services,
    shared: Arc<Shared>,
    token: CancellationToken,
    rpc_url: Option<String>,
    state_dir: PathBuf,
    done: watch::Receiver<bool>,
}

/// When the last handle goes away the daemon shuts down (in the background: await
/// [`DaemonHandle::shutdown`] instead to know when it is done).
impl Drop for Inner {
    fn drop(&mut self) {
        self.token.cancel();
    }
}

/// A running daemon. Cheap to clone; every clone controls the same daemon, and the
/// daemon stops when the last clone is dropped. Calls made after shutdown answer
/// [`EngineError::Stopped`].
#[derive(Clone)]
pub struct DaemonHandle {
    inner: Arc<Inner>,
}

impl DaemonHandle {
    /// Daemon state, model, backend and the last error.
    pub fn status(&self) -> StatusInfo {
        self.inner.shared.status()
    }

    /// `http://host:port` of the endpoint, when it was started.
    pub fn rpc_url(&self) -> Option<&str> {
        self.inner.rpc_url.as_deref()
    }

    pub fn state_dir(&self) -> &Path {
        &self.inner.state_dir
    }

    /// Fill-in-the-middle or prefix completion with the serving adapter (or the one
    /// `params.adapter` names).
    pub async fn complete(&self, params: CompleteParams) -> Result<CompletionResult, EngineError> {
        self.inner.services.engine.complete(params).await
    }

    /// Chat generation through the checkpoint's chat template.
    pub async fn generate(&self, params: GenerateParams) -> Result<CompletionResult, EngineError> {
        self.inner.services.engine.chat(params).await
    }

    /// Streaming [`Self::complete`]: deltas, then `Done` or `Error`. Dropping the
    /// receiver stops decoding that request.
    pub fn complete_stream(&self, params: CompleteParams) -> Result<mpsc::Receiver<StreamChunk>, EngineError> {
        self.inner.services.engine.complete_stream(params)
    }

    /// Streaming [`Self::generate`].
    pub fn generate_stream(&self, params: GenerateParams) -> Result<mpsc::Receiver<StreamChunk>, EngineError> {
        self.inner.services.engine.chat_stream(params)
    }

    /// Start, pause, resume, stop, query or change training.
    pub async fn train(&self, cmd: TrainCmd) -> Result<TrainStatus, EngineError> {
        self.inner.services.engine.train(cmd).await
    }

    /// Training events (steps, state changes, evals, promotions) from now on. A
    /// receiver that falls behind skips events (`Lagged`) instead of slowing training.
    pub fn events(&self) -> broadcast::Receiver<TrainEvent> {
        self.inner.services.events.subscribe()
    }

    /// Valid checkpoints, oldest first.
    pub async fn checkpoints(&self) -> Result<Vec<CheckpointEntry>, DaemonError> {
        let store = self.inner.services.checkpoints.clone();
        let list = tokio::task::spawn_blocking(move || store.list()).await.map_err(|e| DaemonError::Join(e.to_string()))??;
        Ok(list.iter().map(engine::entry).collect())
    }

    /// Write a checkpoint now.
    pub async fn checkpoint_save(&self) -> Result<CheckpointEntry, EngineError> {
        self.inner.services.engine.checkpoint_save().await
    }

    /// Continue training from checkpoint `id`.
    pub async fn checkpoint_rollback(&self, id: String) -> Result<TrainStatus, EngineError> {
        self.inner.services.engine.checkpoint_rollback(id).await
    }

    /// Serving and latest adapter with their last evaluations.
    pub async fn adapters(&self) -> Result<AdaptersInfo, EngineError> {
        self.inner.services.engine.adapters().await
    }

    /// Queue an evaluation (`latest` or `base`; `limit` 0 = the whole eval split).
    pub async fn eval(&self, target: &str, limit: usize) -> Result<String, EngineError> {
        self.inner.services.engine.eval(target.to_string(), limit).await
    }

    /// Metrics history records with `from <= step <= to`, at most `limit`.
    pub async fn metrics_history(&self, from: Option<u64>, to: Option<u64>, limit: usize) -> Result<Vec<MetricsRecord>, DaemonError> {
        let history = self.inner.services.history.clone();
        tokio::task::spawn_blocking(move || history.read(from, to, limit)).await.map_err(|e| DaemonError::Join(e.to_string()))
    }

    /// The task store (the watched tree).
    pub fn tasks(&self) -> &tasks::TaskStore {
        &self.inner.services.store
    }

    /// Stop the daemon and wait until it has drained, joined the engine (which writes
    /// its final checkpoint) and released the state-dir lock.
    pub async fn shutdown(&self) {
        self.inner.token.cancel();
        self.stopped().await;
    }

    /// Wait until the daemon has stopped, whoever asked.
    pub async fn stopped(&self) {
        let mut done = self.inner.done.clone();
        let _ = done.wait_for(|d| *d).await;
    }

    /// Whether shutdown has begun.
    pub fn is_stopping(&self) -> bool {
        self.inner.token.is_cancelled()
    }
}

/// Open the stores, start the task watcher and the verifier, and spawn the engine
/// thread (which loads the model).
async fn start_engine(
    config: &Config,
    shared: Arc<Shared>,
    shutdown: &CancellationToken,
    tracker: &TaskTracker,
) -> Result<(Services, std::thread::JoinHandle<()>), DaemonError> {
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
            Err(std::sync::Arc::new(e))
        }
    };
    let (events, _) = broadcast::channel(256);
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
    Ok((Services { engine, store, history, checkpoints, events }, engine_thread))
}
