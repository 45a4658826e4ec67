//! The engine: the one thread that owns the model, the adapter and the optimizer.
//! Async code sends it [`Request`]s over a bounded channel and awaits a oneshot reply;
//! tensor work never runs on the tokio runtime.
//!
//! Scheduling: every queued request (editor completions first of all) is served
//! before the next unit of training work, and a unit is small (one prefill, one
//! decode chunk of [`training::DECODE_CHUNK`] tokens, or one micro-batch), so a
//! completion waits at most one such unit, never a whole trainer step.

mod evaljob;
pub mod memory;
mod serve;
pub use serve::MAX_TOKENS_LIMIT;
mod setup;
pub mod training;

use std::sync::mpsc::{sync_channel, Receiver, RecvTimeoutError, SyncSender, TrySendError};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use rlvr_client::metrics::{MetricsRecord, StepRecord};
use rlvr_client::{CheckpointEntry, CompleteParams, CompletionResult, DaemonState, GenerateParams, TrainEvent, TrainSet, TrainState, TrainStatus};
use tokio::sync::{broadcast, oneshot};
use tokio_util::sync::CancellationToken;

use crate::checkpoint::{CheckpointInfo, CheckpointStore, TrainerState};
use crate::config::Config;
use crate::history::History;
use crate::model::LoadedModel;
use crate::reward::Verifier;
use crate::shared::Shared;
use crate::tasks::TaskStore;

use self::training::{Outcome, Training};

/// Errors answered to engine callers.
#[derive(Debug, Clone, thiserror::Error)]
pub enum EngineError {
    #[error("the model is not loaded: {0}")]
    NotLoaded(String),
    #[error("the engine queue is full ({0} requests waiting); try again shortly")]
    Busy(usize),
    #[error("the engine has stopped")]
    Stopped,
    #[error("training is unavailable: {0}")]
    NoTraining(String),
    #[error("not found: {0}")]
    NotFound(String),
    /// The request's parameters are out of range or empty (the caller's to fix).
    #[error("invalid params: {0}")]
    InvalidParams(String),
    /// The eval task file cannot be used (the configuration's to fix).
    #[error("eval tasks: {0}")]
    EvalTasks(Arc<crate::tasks::TaskFileError>),
    /// A checkpoint could not be written.
    #[error("checkpoint: {0}")]
    Checkpoint(Arc<crate::checkpoint::CheckpointError>),
    /// A checkpoint could not be loaded; the engine keeps its current adapter.
    #[error("{0}")]
    Restore(Arc<setup::RestoreError>),
    /// Decoding failed in the tensor backend.
    #[error("generation failed: {0}")]
    Generate(Arc<crate::model::generate::GenerateError>),
    #[error("{0}")]
    Tokenizer(Arc<crate::model::tokenizer::TokenizerError>),
    #[error("{0}")]
    ChatTemplate(Arc<crate::model::chat::ChatError>),
}

impl From<crate::model::tokenizer::TokenizerError> for EngineError {
    fn from(e: crate::model::tokenizer::TokenizerError) -> Self {
        EngineError::Tokenizer(Arc::new(e))
    }
}

impl From<crate::model::chat::ChatError> for EngineError {
    fn from(e: crate::model::chat::ChatError) -> Self {
        EngineError::ChatTemplate(Arc::new(e))
    }
}

impl From<crate::tasks::TaskFileError> for EngineError {
    fn from(e: crate::tasks::TaskFileError) -> Self {
        EngineError::EvalTasks(Arc::new(e))
    }
}

impl EngineError {
    /// The stable JSON-RPC error code of this error (`rlvr_client::errors`); the HTTP
    /// endpoints derive their status from it.
    pub fn code(&self) -> i32 {
        use rlvr_client::errors::{INTERNAL, INVALID_PARAMS, INVALID_REQUEST_STATE, NOT_FOUND, SHUTTING_DOWN};
        match self {
            EngineError::InvalidParams(_) => INVALID_PARAMS,
            EngineError::NotFound(_) => NOT_FOUND,
            EngineError::Stopped => SHUTTING_DOWN,
            EngineError::NotLoaded(_) | EngineError::Busy(_) | EngineError::NoTraining(_) => INVALID_REQUEST_STATE,
            EngineError::EvalTasks(_)
            | EngineError::Checkpoint(_)
            | EngineError::Restore(_)
            | EngineError::Generate(_)
            | EngineError::Tokenizer(_)
            | EngineError::ChatTemplate(_) => INTERNAL,
        }
    }
}

/// Control of the training loop.
#[derive(Debug, Clone)]
pub enum TrainCmd {
    Start,
    Pause,
    Resume,
    Stop,
    Status,
    Set(TrainSet),
}

type Reply<T> = oneshot::Sender<Result<T, EngineError>>;

/// Work for the engine thread.
pub enum Request {
    Complete {
        params: CompleteParams,
        enqueued: Instant,
        reply: Reply<CompletionResult>,
    },
    Chat {
        params: GenerateParams,
        enqueued: Instant,
        reply: Reply<CompletionResult>,
    },
    Train {
        cmd: TrainCmd,
        reply: Reply<TrainStatus>,
    },
    CheckpointSave {
        reply: Reply<CheckpointEntry>,
    },
    CheckpointRollback {
        id: String,
        reply: Reply<TrainStatus>,
    },
    Eval {
        which: String,
        limit: usize,
        reply: Reply<String>,
    },
    /// Streaming variants: text deltas then a final `Done` go to `tx`.
    CompleteStream {
        params: CompleteParams,
        enqueued: Instant,
        tx: tokio::sync::mpsc::Sender<rlvr_client::StreamChunk>,
    },
    ChatStream {
        params: GenerateParams,
        enqueued: Instant,
        tx: tokio::sync::mpsc::Sender<rlvr_client::StreamChunk>,
    },
    Adapters {
        reply: Reply<rlvr_client::AdaptersInfo>,
    },
}

type StreamTx = tokio::sync::mpsc::Sender<rlvr_client::StreamChunk>;

/// Where a completion's answer goes.
enum Answer {
    Reply(Reply<CompletionResult>),
    /// Text deltas while decoding, then `Done` or `Error`.
    Stream(StreamTx),
}

impl Answer {
    fn stream(&self) -> Option<&StreamTx> {
        match self {
            Answer::Stream(tx) => Some(tx),
            Answer::Reply(_) => None,
        }
    }

    fn send(self, r: Result<CompletionResult, EngineError>) {
        match self {
            Answer::Reply(reply) => drop(reply.send(r)),
            Answer::Stream(tx) => drop(tx.blocking_send(stream_end(r))),
        }
    }
}

/// Cheap, cloneable handle for async code.
#[derive(Clone)]
pub struct EngineHandle {
    tx: SyncSender<Request>,
}

/// Requests allowed to wait before callers get `Busy`.
pub const QUEUE_CAPACITY: usize = 64;

impl EngineHandle {
    fn submit(&self, r: Request) -> Result<(), EngineError> {
        self.tx.try_send(r).map_err(|e| match e {
            TrySendError::Full(_) => EngineError::Busy(QUEUE_CAPACITY),
            TrySendError::Disconnected(_) => EngineError::Stopped,
        })
    }

    async fn ask<T>(&self, make: impl FnOnce(Reply<T>) -> Request) -> Result<T, EngineError> {
        let (reply, rx) = oneshot::channel();
        self.submit(make(reply))?;
        rx.await.map_err(|_| EngineError::Stopped)?
    }

    pub async fn complete(&self, params: CompleteParams) -> Result<CompletionResult, EngineError> {
        self.ask(|reply| Request::Complete { params, enqueued: Instant::now(), reply }).await
    }

    pub async fn chat(&self, params: GenerateParams) -> Result<CompletionResult, EngineError> {
        self.ask(|reply| Request::Chat { params, enqueued: Instant::now(), reply }).await
    }

    pub async fn train(&self, cmd: TrainCmd) -> Result<TrainStatus, EngineError> {
        self.ask(|reply| Request::Train { cmd, reply }).await
    }

    pub async fn checkpoint_save(&self) -> Result<CheckpointEntry, EngineError> {
        self.ask(|reply| Request::CheckpointSave { reply }).await
    }

    pub async fn checkpoint_rollback(&self, id: String) -> Result<TrainStatus, EngineError> {
        self.ask(|reply| Request::CheckpointRollback { id, reply }).await
    }

    pub async fn eval(&self, which: String, limit: usize) -> Result<String, EngineError> {
        self.ask(|reply| Request::Eval { which, limit, reply }).await
    }

    /// Streaming `complete`: returns the receiving end of the chunk stream.
    pub fn complete_stream(&self, params: CompleteParams) -> Result<tokio::sync::mpsc::Receiver<rlvr_client::StreamChunk>, EngineError> {
        let (tx, rx) = tokio::sync::mpsc::channel(64);
        self.submit(Request::CompleteStream { params, enqueued: Instant::now(), tx })?;
        Ok(rx)
    }

    pub fn chat_stream(&self, params: GenerateParams) -> Result<tokio::sync::mpsc::Receiver<rlvr_client::StreamChunk>, EngineError> {
        let (tx, rx) = tokio::sync::mpsc::channel(64);
        self.submit(Request::ChatStream { params, enqueued: Instant::now(), tx })?;
        Ok(rx)
    }

    pub async fn adapters(&self) -> Result<rlvr_client::AdaptersInfo, EngineError> {
        self.ask(|reply| Request::Adapters { reply }).await
    }
}

/// The running engine and the stores beside it: what the endpoints and the
/// [`crate::DaemonHandle`] work with.
#[derive(Clone)]
pub struct Services {
    pub engine: EngineHandle,
    pub store: TaskStore,
    pub history: Arc<History>,
    pub checkpoints: Arc<CheckpointStore>,
    pub events: broadcast::Sender<TrainEvent>,
}

/// What the engine thread needs from the daemon.
pub struct EngineDeps {
    pub cfg: Config,
    pub shared: Arc<Shared>,
    pub cancel: CancellationToken,
    pub rt: tokio::runtime::Handle,
    /// `Err` holds why the verifier is unavailable (training then cannot start).
    pub verifier: Result<Verifier, Arc<crate::reward::VerifierError>>,
    pub store: TaskStore,
    pub history: Arc<History>,
    pub checkpoints: Arc<CheckpointStore>,
    pub events: broadcast::Sender<TrainEvent>,
}

/// Start the engine thread.
pub fn spawn(deps: EngineDeps) -> (EngineHandle, JoinHandle<()>) {
    let (tx, rx) = sync_channel(QUEUE_CAPACITY);
    let join = std::thread::Builder::new().name("rlvrd-engine".into()).spawn(move || run(deps, rx)).expect("spawn engine thread");
    (EngineHandle { tx }, join)
}

/// The engine's owned state once the model is loaded.
pub(crate) struct Engine {
    pub deps: EngineDeps,
    pub model: LoadedModel,
    pub training: Training,
    /// Step of the newest checkpoint written or loaded.
    pub checkpointed_step: u64,
    /// The promoted adapter, if any (label, values); `None` serves `latest`.
    pub serving: Option<serve::ServingAdapter>,
    /// Evaluations waiting or running (training waits while there are any).
    pub evals: std::collections::VecDeque<evaljob::EvalJob>,
    pub base_eval: Option<rlvr_client::metrics::EvalRecord>,
    pub serving_eval: Option<rlvr_client::metrics::EvalRecord>,
    pub latest_eval: Option<rlvr_client::metrics::EvalRecord>,
}

fn run(deps: EngineDeps, rx: Receiver<Request>) {
    deps.shared.set_state(DaemonState::Loading);
    let mut engine = match setup::load(deps) {
        Ok(e) => e,
        Err((deps, e)) => {
            tracing::error!(error = %e, "model failed to load; RPC keeps serving status");
            deps.shared.set_error(Some(e.clone()));
            deps.shared.set_state(DaemonState::Failed);
            refuse_all(&deps, rx, e);
            return;
        }
    };
    engine.publish_state();
    loop {
        let queued: Vec<Request> = rx.try_iter().collect();
        engine.handle_all(queued);
        if engine.deps.cancel.is_cancelled() {
            break;
        }
        if !engine.evals.is_empty() {
            engine.eval_unit();
            continue;
        }
        let verifier = engine.deps.verifier.clone();
        let outcome = match &verifier {
            Ok(v) => engine.training.unit(&mut engine.model, &engine.deps.store, v, &engine.deps.rt),
            Err(_) => Outcome::Waiting,
        };
        match outcome {
            Outcome::Progress => continue,
            Outcome::StepDone(rec) => engine.on_step(*rec),
            Outcome::Failed(e) => {
                tracing::error!(error = %e, "training paused");
                engine.deps.shared.set_error(Some(e));
                engine.publish_state();
            }
            Outcome::Waiting => match rx.recv_timeout(Duration::from_millis(20)) {
                Ok(req) => engine.handle_all(std::iter::once(req).chain(rx.try_iter()).collect()),
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => break,
            },
        }
    }
    engine.on_shutdown();
    tracing::info!("engine stopped");
}

/// Without a model every request gets the load error.
fn refuse_all(deps: &EngineDeps, rx: Receiver<Request>, why: String) {
    loop {
        match rx.recv_timeout(Duration::from_millis(100)) {
            Ok(req) => {
                let e = EngineError::NotLoaded(why.clone());
                match req {
                    Request::Complete { reply, .. } | Request::Chat { reply, .. } => drop(reply.send(Err(e))),
                    Request::Train { reply, .. } | Request::CheckpointRollback { reply, .. } => drop(reply.send(Err(e))),
                    Request::CheckpointSave { reply } => drop(reply.send(Err(e))),
                    Request::Eval { reply, .. } => drop(reply.send(Err(e))),
                    Request::Adapters { reply } => drop(reply.send(Err(e))),
                    Request::CompleteStream { tx, .. } | Request::ChatStream { tx, .. } => {
                        drop(tx.blocking_send(rlvr_client::StreamChunk::Error { message: e.to_string(), code: e.code() }))
                    }
                }
            }
            Err(RecvTimeoutError::Timeout) if deps.cancel.is_cancelled() => return,
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => return,
        }
    }
}

fn stream_end(r: Result<CompletionResult, EngineError>) -> rlvr_client::StreamChunk {
    match r {
        Ok(result) => rlvr_client::StreamChunk::Done { result },
        Err(e) => rlvr_client::StreamChunk::Error { message: e.to_string(), code: e.code() },
    }
}

pub(crate) fn entry(i: &CheckpointInfo) -> CheckpointEntry {
    CheckpointEntry {
        id: i.id.clone(),
        step: i.step,
        time: i.saved_at_unix_ms.map(|ms| ms as f64 / 1000.0).unwrap_or(0.0),
        valid: i.valid,
        latest: i.is_latest,
        best: i.is_best,
        metric: i.metric,
        bytes: i.size_bytes,
    }
}

impl Engine {
    /// Handle requests that arrived together: completions and chats, streaming or not,
    /// are answered as shared batches after the other requests (see
    /// `serve::run_batch`); everything else one by one, in arrival order.
    fn handle_all(&mut self, reqs: Vec<Request>) {
        let mut batch: Vec<(serve::Prepared, Answer)> = Vec::new();
        for req in reqs {
            let (prepared, answer) = match req {
                Request::Complete { params, enqueued, reply } => (serve::prepare_complete(self, &params, enqueued), Answer::Reply(reply)),
                Request::Chat { params, enqueued, reply } => (serve::prepare_chat(self, &params, enqueued), Answer::Reply(reply)),
                Request::CompleteStream { params, enqueued, tx } => (serve::prepare_complete(self, &params, enqueued), Answer::Stream(tx)),
                Request::ChatStream { params, enqueued, tx } => (serve::prepare_chat(self, &params, enqueued), Answer::Stream(tx)),
                other => {
                    self.handle(other);
                    continue;
                }
            };
            match prepared {
                Ok(p) => batch.push((p, answer)),
                Err(e) => answer.send(Err(e)),
            }
        }
        if !batch.is_empty() {
            let (items, answers): (Vec<_>, Vec<_>) = batch.into_iter().unzip();
            let streams: Vec<Option<StreamTx>> = answers.iter().map(|a| a.stream().cloned()).collect();
            let stream_refs: Vec<Option<&StreamTx>> = streams.iter().map(Option::as_ref).collect();
            let mut answers: Vec<Option<Answer>> = answers.into_iter().map(Some).collect();
            serve::run_batch(self, items, &stream_refs, &mut |i, result| {
                if let Some(answer) = answers[i].take() {
                    answer.send(result);
                }
            });
        }
    }

    /// Requests other than completions and chats.
    fn handle(&mut self, req: Request) {
        match req {
            Request::Complete { .. } | Request::Chat { .. } | Request::CompleteStream { .. } | Request::ChatStream { .. } => {
                self.handle_all(vec![req]);
            }
            Request::Train { cmd, reply } => {
                let _ = reply.send(self.control(cmd));
            }
            Request::CheckpointSave { reply } => {
                let _ = reply.send(self.save_checkpoint().map(|i| entry(&i)));
            }
            Request::CheckpointRollback { id, reply } => {
                let _ = reply.send(self.rollback(&id));
            }
            Request::Eval { which, limit, reply } => {
                let _ = reply.send(self.queue_eval(&which, limit));
            }
            Request::Adapters { reply } => {
                let _ = reply.send(Ok(rlvr_client::AdaptersInfo {
                    serving: self.serving.as_ref().map(|s| s.label.clone()).unwrap_or_else(|| "latest".into()),
                    latest_step: self.training.trainer.step,
                    base_eval: self.base_eval.clone(),
                    serving_eval: self.serving_eval.clone(),
                    latest_eval: self.latest_eval.clone(),
                    pending_evals: self.evals.iter().map(|j| j.progress()).collect(),
                }));
            }
        }
    }

    fn control(&mut self, cmd: TrainCmd) -> Result<TrainStatus, EngineError> {
        let needs_verifier = matches!(cmd, TrainCmd::Start | TrainCmd::Resume);
        if needs_verifier {
            if let Err(e) = &self.deps.verifier {
                return Err(EngineError::NoTraining(e.to_string()));
            }
        }
        match cmd {
            TrainCmd::Start | TrainCmd::Resume => {
                self.training.state = TrainState::Running;
                self.deps.shared.set_error(None);
            }
            TrainCmd::Pause => {
                if self.training.state == TrainState::Running {
                    self.training.state = TrainState::Paused;
                }
            }
            TrainCmd::Stop => {
                self.training.abandon_step();
                self.training.state = TrainState::Stopped;
                if self.training.trainer.step > self.checkpointed_step {
                    self.save_checkpoint()?;
                }
            }
            TrainCmd::Status => {}
            TrainCmd::Set(s) => self.apply_set(&s)?,
        }
        self.publish_state();
        Ok(self.status())
    }

    fn apply_set(&mut self, s: &TrainSet) -> Result<(), EngineError> {
        if let Some(lr) = s.lr {
            if !(lr > 0.0 && lr < 1.0) {
                return Err(EngineError::InvalidParams(format!("lr {lr} must be in (0, 1)")));
            }
            self.training.trainer.rl.lr = lr;
        }
        for (w, slot) in [(s.tests_weight, &mut self.training.tests_weight), (s.ruff_weight, &mut self.training.ruff_weight)] {
            if let Some(w) = w {
                if !(w >= 0.0 && w.is_finite()) {
                    return Err(EngineError::InvalidParams(format!("reward weight {w} must be >= 0")));
                }
                *slot = w;
            }
        }
        if let Some(g) = s.group_size {
            if !(1..=256).contains(&g) {
                return Err(EngineError::InvalidParams(format!("group_size {g} must be between 1 and 256")));
            }
            self.training.trainer.rl.group_size = g;
        }
        tracing::info!(?s, "training settings changed");
        Ok(())
    }

    pub(crate) fn status(&self) -> TrainStatus {
        let t = &self.training;
        let rl = &t.trainer.rl;
        let step = t.trainer.step;
        let every = self.deps.cfg.checkpoints.every_steps as u64;
        let next_ckpt = (every > 0).then(|| (step / every + 1) * every);
        let eval_every = self.deps.cfg.eval.every_steps as u64;
        let next_eval = (eval_every > 0).then(|| (step / eval_every + 1) * eval_every);
        let sps = t.seconds_per_step();
        let train = self.deps.store.sampling_weights(crate::tasks::Split::Train);
        TrainStatus {
            state: t.state,
            step,
            phase: self.evals.front().map(|j| j.progress()).unwrap_or_else(|| t.phase_name()),
            tasks_seen: t.tasks_seen,
            train_tasks: train.len(),
            last: t.last.clone(),
            seconds_per_step: sps,
            next_checkpoint_step: next_ckpt,
            next_eval_step: next_eval,
            eta_checkpoint_s: next_ckpt.zip(sps).map(|(n, s)| (n - step) as f64 * s),
            eta_eval_s: next_eval.zip(sps).map(|(n, s)| (n - step) as f64 * s),
            serving_adapter: self.serving.as_ref().map(|s| s.label.clone()).unwrap_or_else(|| "latest".into()),
            lr: rl.lr,
            group_size: rl.group_size,
            reward_weights: (t.tests_weight, t.ruff_weight),
            task_states: t.curriculum.summary(train.iter().map(|(id, _)| id.as_str())),
            sandbox: match &self.deps.verifier {
                Ok(v) => match v.isolation() {
                    crate::reward::Isolation::Bwrap => "bwrap".into(),
                    crate::reward::Isolation::Unshare => "unshare (host files visible: [sandbox] isolation = \"unshare\")".into(),
                    crate::reward::Isolation::None => "none (no isolation: [sandbox] isolation = \"none\")".into(),
                },
                Err(e) => format!("unavailable: {e}"),
            },
        }
    }

    fn publish_state(&self) {
        let s = match self.training.state {
            TrainState::Running => DaemonState::Training,
            TrainState::Paused => DaemonState::Paused,
            TrainState::Stopped => DaemonState::Idle,
        };
        if !self.deps.cancel.is_cancelled() {
            self.deps.shared.set_state(s);
        }
        let _ = self.deps.events.send(self.training.event());
    }

    fn on_step(&mut self, mut rec: StepRecord) {
        rec.step = self.training.trainer.step;
        tracing::info!(
            step = rec.step,
            reward = format!("{:.3}", rec.mean_reward),
            pass = format!("{:.2}", rec.pass_rate),
            len = format!("{:.0}", rec.completion_length.mean_tokens),
            zero_var = format!("{:.2}", rec.zero_variance_frac),
            secs = format!("{:.1}", rec.generate_s + rec.verify_s + rec.update_s),
            "trainer step"
        );
        if let Err(e) = self.deps.history.append(&MetricsRecord::Step(rec.clone())) {
            tracing::warn!(error = %e, "cannot append to the metrics history");
        }
        let _ = self.deps.events.send(TrainEvent::Step { record: rec.clone() });
        let every = self.deps.cfg.checkpoints.every_steps as u64;
        if every > 0 && rec.step.is_multiple_of(every) {
            if let Err(e) = self.save_checkpoint() {
                tracing::error!(error = %e, "checkpoint failed");
            }
        }
        let eval_every = self.deps.cfg.eval.every_steps as u64;
        if eval_every > 0 && rec.step.is_multiple_of(eval_every) {
            if let Err(e) = self.queue_scheduled_eval(0) {
                tracing::error!(error = %e, "scheduled evaluation not started");
            }
        }
    }

    pub(crate) fn trainer_state(&self) -> TrainerState {
        let mut rngs = std::collections::BTreeMap::new();
        rngs.insert("trainer".to_string(), self.training.trainer.rng.clone());
        TrainerState {
            step: self.training.trainer.step,
            rngs,
            sampler: self.training.curriculum.to_json(),
            metrics_offset: self.deps.history.offset(),
            config_hash: setup::config_hash(&self.deps.cfg),
            metric: None,
        }
    }

    fn save_checkpoint(&mut self) -> Result<CheckpointInfo, EngineError> {
        let t = &self.training.trainer;
        let info = self
            .deps
            .checkpoints
            .save(&self.model.model, &t.spec, &t.opt, &self.trainer_state(), &self.model.path.display().to_string())
            .map_err(|e| EngineError::Checkpoint(Arc::new(e)))?;
        self.checkpointed_step = info.step;
        let _ = self.deps.events.send(TrainEvent::Checkpoint { id: info.id.clone(), step: info.step });
        Ok(info)
    }

    fn rollback(&mut self, id: &str) -> Result<TrainStatus, EngineError> {
        self.deps.checkpoints.rollback(id).map_err(|e| EngineError::NotFound(e.to_string()))?;
        self.training.abandon_step();
        setup::restore(self, id).map_err(|e| EngineError::Restore(Arc::new(e)))?;
        self.publish_state();
        Ok(self.status())
    }

    fn on_shutdown(&mut self) {
        self.training.abandon_step();
        if self.training.trainer.step > self.checkpointed_step {
            match self.save_checkpoint() {
                Ok(i) => tracing::info!(checkpoint = %i.id, "checkpoint written at shutdown"),
                Err(e) => tracing::error!(error = %e, "checkpoint at shutdown failed"),
            }
        }
    }
}
