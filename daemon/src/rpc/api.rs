//! `RlvrApiServer` implementation: thin handlers over the shared daemon state.

use std::sync::Arc;

use jsonrpsee::core::{async_trait, RpcResult};
use rlvr_client::{DaemonState, RlvrApiServer, ShutdownAck, StatusInfo};

use jsonrpsee::types::ErrorObjectOwned;
use rlvr_client::errors::NOT_FOUND;

use crate::config::Config;
use crate::shared::Shared;

pub struct RpcImpl {
    shared: Arc<Shared>,
    /// The resolved config as JSON, for the `config` method.
    config: serde_json::Value,
}

impl RpcImpl {
    pub fn new(shared: Arc<Shared>, config: &Config) -> Self {
        let mut resolved = config.clone();
        resolved.state_dir = Some(config.state_dir());
        let config = serde_json::to_value(&resolved).unwrap_or(serde_json::Value::Null);
        Self { shared, config }
    }
}

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
}
