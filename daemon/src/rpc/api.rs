//! `RlvrApiServer` implementation: thin handlers that read the shared stores or ask
//! the engine thread, and map every failure to a stable JSON-RPC error (`errors.rs`).

use std::sync::Arc;

use jsonrpsee::core::{async_trait, RpcResult, SubscriptionResult};
use jsonrpsee::types::ErrorObjectOwned;
use jsonrpsee::{PendingSubscriptionSink, SubscriptionMessage};
use rlvr_client::errors::NOT_FOUND;
use rlvr_client::metrics::MetricsRecord;
use rlvr_client::*;

use super::errors::{engine_err, invalid, invalid_params, not_found};
use super::tasks;
use crate::config::Config;
use crate::engine::Services;
use crate::engine::TrainCmd;
use crate::shared::Shared;

pub struct RpcImpl {
    shared: Arc<Shared>,
    services: Services,
    /// The resolved config as JSON, for the `config` method.
    config: serde_json::Value,
}

impl RpcImpl {
    pub fn new(shared: Arc<Shared>, config: &Config, services: Services) -> Self {
        let mut resolved = config.clone();
        resolved.state_dir = Some(config.state_dir());
        let config = serde_json::to_value(&resolved).unwrap_or(serde_json::Value::Null);
        Self { shared, services, config }
    }

    async fn train(&self, cmd: TrainCmd) -> RpcResult<TrainStatus> {
        self.services.engine.train(cmd).await.map_err(engine_err)
    }
}

/// Most records one `metrics_history` call returns.
const HISTORY_LIMIT: usize = 100_000;

#[async_trait]
impl RlvrApiServer for RpcImpl {
    #[tracing::instrument(skip(self), level = "debug")]
    async fn status(&self) -> RpcResult<StatusInfo> {
        Ok(self.shared.status())
    }

    async fn config(&self, section: Option<String>) -> RpcResult<serde_json::Value> {
        match section {
            None => Ok(self.config.clone()),
            Some(name) => self.config.get(&name).cloned().ok_or_else(|| {
                let known: Vec<&String> = self.config.as_object().map(|o| o.keys().collect()).unwrap_or_default();
                ErrorObjectOwned::owned(NOT_FOUND, format!("no config section `{name}` (sections: {known:?})"), None::<()>)
            }),
        }
    }

    #[tracing::instrument(skip(self))]
    async fn shutdown(&self) -> RpcResult<ShutdownAck> {
        tracing::info!("shutdown requested over RPC");
        self.shared.set_state(DaemonState::Stopping);
        // Cancel after this response is on its way: the server drains in-flight
        // requests when it stops, so the caller still gets its answer.
        let token = self.shared.shutdown.clone();
        tokio::spawn(async move {
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            token.cancel();
        });
        Ok(ShutdownAck { stopping: true })
    }

    async fn train_start(&self) -> RpcResult<TrainStatus> {
        self.train(TrainCmd::Start).await
    }

    async fn train_pause(&self) -> RpcResult<TrainStatus> {
        self.train(TrainCmd::Pause).await
    }

    async fn train_resume(&self) -> RpcResult<TrainStatus> {
        self.train(TrainCmd::Resume).await
    }

    async fn train_stop(&self) -> RpcResult<TrainStatus> {
        self.train(TrainCmd::Stop).await
    }

    async fn train_status(&self) -> RpcResult<TrainStatus> {
        self.train(TrainCmd::Status).await
    }

    async fn train_set(&self, changes: TrainSet) -> RpcResult<TrainStatus> {
        self.train(TrainCmd::Set(changes)).await
    }

    #[tracing::instrument(skip_all, fields(prefix_len = params.prefix.len()))]
    async fn complete(&self, params: CompleteParams) -> RpcResult<CompletionResult> {
        self.services.engine.complete(params).await.map_err(engine_err)
    }

    #[tracing::instrument(skip_all, fields(messages = params.messages.len()))]
    async fn generate(&self, params: GenerateParams) -> RpcResult<CompletionResult> {
        self.services.engine.chat(params).await.map_err(engine_err)
    }

    async fn complete_stream(&self, pending: PendingSubscriptionSink, params: CompleteParams) -> SubscriptionResult {
        let rx = self.services.engine.complete_stream(params);
        forward_stream(pending, rx).await
    }

    async fn generate_stream(&self, pending: PendingSubscriptionSink, params: GenerateParams) -> SubscriptionResult {
        let rx = self.services.engine.chat_stream(params);
        forward_stream(pending, rx).await
    }

    async fn metrics_history(&self, from: Option<u64>, to: Option<u64>, limit: Option<usize>) -> RpcResult<Vec<MetricsRecord>> {
        let history = self.services.history.clone();
        let limit = limit.unwrap_or(HISTORY_LIMIT).min(HISTORY_LIMIT);
        tokio::task::spawn_blocking(move || history.read(from, to, limit)).await.map_err(|e| invalid(e.to_string()))
    }

    async fn checkpoints_list(&self) -> RpcResult<Vec<CheckpointEntry>> {
        let store = self.services.checkpoints.clone();
        let list = tokio::task::spawn_blocking(move || store.list()).await.map_err(|e| invalid(e.to_string()))?;
        Ok(list.map_err(|e| invalid(e.to_string()))?.iter().map(crate::engine::entry).collect())
    }

    async fn checkpoints_save(&self) -> RpcResult<CheckpointEntry> {
        self.services.engine.checkpoint_save().await.map_err(engine_err)
    }

    async fn checkpoints_rollback(&self, id: String) -> RpcResult<TrainStatus> {
        self.services.engine.checkpoint_rollback(id).await.map_err(engine_err)
    }

    async fn checkpoints_export(&self, id: String, dir: String) -> RpcResult<String> {
        let store = self.services.checkpoints.clone();
        let dest = std::path::PathBuf::from(&dir);
        if !dest.is_absolute() {
            return Err(invalid_params(format!("export directory must be an absolute path, got `{dir}`")));
        }
        let id2 = id.clone();
        tokio::task::spawn_blocking(move || store.export(&id2, &dest)).await.map_err(|e| invalid(e.to_string()))?.map_err(|e| match e {
            crate::checkpoint::CheckpointError::ExportTarget { .. } => invalid_params(e.to_string()),
            e => not_found(format!("checkpoint {id}: {e}")),
        })?;
        Ok(dir)
    }

    async fn tasks_list(&self, offset: Option<usize>, limit: Option<usize>, split: Option<String>) -> RpcResult<TaskPage> {
        tasks::list(&self.services.store, offset, limit, split)
    }

    async fn tasks_get(&self, id: String) -> RpcResult<TaskDetail> {
        tasks::get(&self.services.store, &id)
    }

    async fn tasks_errors(&self) -> RpcResult<Vec<TaskErrorInfo>> {
        Ok(tasks::errors(&self.services.store))
    }

    async fn tasks_reload(&self) -> RpcResult<TaskPage> {
        let store = self.services.store.clone();
        tokio::task::spawn_blocking(move || store.reload_all()).await.map_err(|e| invalid(e.to_string()))?;
        tasks::list(&self.services.store, Some(0), Some(0), None)
    }

    async fn eval_run(&self, target: Option<String>, limit: Option<usize>) -> RpcResult<String> {
        self.services.engine.eval(target.unwrap_or_else(|| "latest".into()), limit.unwrap_or(0)).await.map_err(engine_err)
    }

    async fn adapters(&self) -> RpcResult<AdaptersInfo> {
        self.services.engine.adapters().await.map_err(engine_err)
    }

    async fn train_subscribe(&self, pending: PendingSubscriptionSink) -> SubscriptionResult {
        let mut rx = self.services.events.subscribe();
        let sink = pending.accept().await?;
        loop {
            tokio::select! {
                _ = sink.closed() => break,
                ev = rx.recv() => match ev {
                    Ok(ev) => {
                        let msg = SubscriptionMessage::from(serde_json::value::to_raw_value(&ev)?);
                        if sink.send(msg).await.is_err() {
                            break;
                        }
                    }
                    // A slow subscriber misses events rather than slowing training.
                    Err(tokio::sync::broadcast::error::RecvError::Lagged(n)) => tracing::debug!(missed = n, "subscriber lagging"),
                    Err(tokio::sync::broadcast::error::RecvError::Closed) => break,
                },
            }
        }
        Ok(())
    }
}

/// Accept a streaming subscription and forward the engine's chunks until `Done`.
async fn forward_stream(
    pending: PendingSubscriptionSink,
    rx: Result<tokio::sync::mpsc::Receiver<StreamChunk>, crate::engine::EngineError>,
) -> SubscriptionResult {
    let mut rx = match rx {
        Ok(rx) => rx,
        Err(e) => {
            pending.reject(engine_err(e)).await;
            return Ok(());
        }
    };
    let sink = pending.accept().await?;
    while let Some(chunk) = rx.recv().await {
        let last = !matches!(chunk, StreamChunk::Delta { .. });
        let msg = SubscriptionMessage::from(serde_json::value::to_raw_value(&chunk)?);
        if sink.send(msg).await.is_err() || last {
            break;
        }
    }
    Ok(())
}
