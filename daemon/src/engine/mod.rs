//! The engine: the one thread that owns the model (and later the adapter and the
//! optimizer). Async code sends it [`Request`]s over a bounded channel and awaits a
//! oneshot reply; tensor work never runs on the tokio runtime.

use std::sync::mpsc::{sync_channel, Receiver, RecvTimeoutError, SyncSender, TrySendError};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use rlvr_client::DaemonState;
use tokio::sync::oneshot;
use tokio_util::sync::CancellationToken;

use crate::backend;
use crate::config::Config;
use crate::model::generate::{GenerateOutput, GenerateRequest};
use crate::model::LoadedModel;
use crate::shared::Shared;

/// Errors answered to engine callers.
#[derive(Debug, Clone, thiserror::Error)]
pub enum EngineError {
    #[error("the model is not loaded: {0}")]
    NotLoaded(String),
    #[error("the engine queue is full ({0} requests waiting); try again shortly")]
    Busy(usize),
    #[error("the engine has stopped")]
    Stopped,
    #[error("{0}")]
    Failed(String),
}

/// Work for the engine thread.
pub enum Request {
    /// Tokenize a prompt (with the chat template when `chat`) and generate.
    Generate { prompt: String, chat: bool, req: GenerateRequest, reply: oneshot::Sender<Result<(Vec<u32>, GenerateOutput), EngineError>> },
}

/// Cheap, cloneable handle for async code.
#[derive(Clone)]
pub struct EngineHandle {
    tx: SyncSender<Request>,
    capacity: usize,
}

/// Requests allowed to wait before callers get `Busy`.
pub const QUEUE_CAPACITY: usize = 64;

impl EngineHandle {
    /// Queue a request without blocking the runtime.
    pub fn submit(&self, r: Request) -> Result<(), EngineError> {
        self.tx.try_send(r).map_err(|e| match e {
            TrySendError::Full(_) => EngineError::Busy(self.capacity),
            TrySendError::Disconnected(_) => EngineError::Stopped,
        })
    }

    /// Generate for a text prompt.
    pub async fn generate(&self, prompt: String, chat: bool, req: GenerateRequest) -> Result<(Vec<u32>, GenerateOutput), EngineError> {
        let (reply, rx) = oneshot::channel();
        self.submit(Request::Generate { prompt, chat, req, reply })?;
        rx.await.map_err(|_| EngineError::Stopped)?
    }
}

/// Start the engine thread: it opens the device, loads the model (reporting progress
/// in `shared`), then serves requests until `cancel` fires.
pub fn spawn(cfg: Config, shared: Arc<Shared>, cancel: CancellationToken) -> (EngineHandle, JoinHandle<()>) {
    let (tx, rx) = sync_channel(QUEUE_CAPACITY);
    let join = std::thread::Builder::new()
        .name("rlvrd-engine".into())
        .spawn(move || run(cfg, shared, cancel, rx))
        .expect("spawn engine thread");
    (EngineHandle { tx, capacity: QUEUE_CAPACITY }, join)
}

fn run(cfg: Config, shared: Arc<Shared>, cancel: CancellationToken, rx: Receiver<Request>) {
    shared.set_state(DaemonState::Loading);
    let loaded = backend::select(&cfg.backend).map_err(|e| e.to_string()).and_then(|dev| {
        shared.set_backend(dev.info.clone());
        let t = std::time::Instant::now();
        let m = LoadedModel::load(&cfg.model.path, cfg.model.max_seq_len, &dev.device).map_err(|e| e.to_string())?;
        tracing::info!(path = %cfg.model.path.display(), secs = t.elapsed().as_secs_f64(), params = m.cfg.parameter_count(), "model loaded");
        Ok(m)
    });
    let model = match loaded {
        Ok(m) => {
            shared.set_model(Some(m.info()));
            if !cancel.is_cancelled() {
                shared.set_state(DaemonState::Idle);
            }
            Ok(m)
        }
        Err(e) => {
            tracing::error!(error = %e, "model failed to load; RPC keeps serving status");
            shared.set_error(Some(e.clone()));
            shared.set_state(DaemonState::Failed);
            Err(e)
        }
    };
    loop {
        let req = match rx.recv_timeout(Duration::from_millis(100)) {
            Ok(r) => r,
            Err(RecvTimeoutError::Timeout) if cancel.is_cancelled() => break,
            Err(RecvTimeoutError::Timeout) => continue,
            Err(RecvTimeoutError::Disconnected) => break,
        };
        match req {
            Request::Generate { prompt, chat, mut req, reply } => {
                let result = match &model {
                    Err(e) => Err(EngineError::NotLoaded(e.clone())),
                    Ok(m) => (|| {
                        let text = m.format_prompt(&prompt, cfg.model.system_prompt.as_deref(), chat).map_err(|e| EngineError::Failed(e.to_string()))?;
                        let ids = m.tokenizer.encode(&text, true).map_err(|e| EngineError::Failed(e.to_string()))?;
                        req.prompt_ids = ids.clone();
                        let out = m.generate(&req).map_err(|e| EngineError::Failed(e.to_string()))?;
                        Ok((ids, out))
                    })(),
                };
                let _ = reply.send(result);
            }
        }
    }
    tracing::info!("engine stopped");
}
