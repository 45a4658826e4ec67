//! The JSON-RPC endpoint: jsonrpsee server (HTTP + WebSocket on one port) serving the
//! `RlvrApi` trait from `rlvr-client`, behind the bearer-token layer. Conversion of
//! daemon errors into JSON-RPC errors happens here and only here.

mod api;
pub mod auth;
mod errors;
mod tasks;

use std::net::SocketAddr;
use std::sync::Arc;

use jsonrpsee::server::{Server, ServerConfig, ServerHandle};
use rlvr_client::RlvrApiServer;

use crate::config::Config;
use crate::engine::Services;
use crate::shared::Shared;

/// Errors starting the endpoint.
#[derive(Debug, thiserror::Error)]
pub enum RpcStartError {
    #[error("cannot listen on {addr}: {source}")]
    Bind { addr: String, source: std::io::Error },
    #[error(transparent)]
    Token(#[from] auth::TokenError),
}

/// A running endpoint.
pub struct RpcServer {
    pub handle: ServerHandle,
    pub addr: SocketAddr,
}

/// Bind and start serving. Returns once the socket is listening.
pub async fn start(config: &Config, shared: Arc<Shared>, services: Services) -> Result<RpcServer, RpcStartError> {
    let cfg = &config.rpc;
    let token = match cfg.auth {
        crate::config::RpcAuth::Token => {
            let path = cfg.auth_token_file.clone().unwrap_or_else(|| config.state_dir().join(rlvr_client::client::TOKEN_FILE_NAME));
            Some(auth::load_or_create_token(&path)?)
        }
        crate::config::RpcAuth::None => {
            tracing::warn!("rpc.auth = \"none\": any local process can control this daemon (training, checkpoints, shutdown)");
            None
        }
    };
    let guard = auth::RequestGuard::new(token, &cfg.listen, &cfg.allowed_hosts, &cfg.allowed_origins);
    // The token and origin checks first, for every path; then the editor protocols
    // (OpenAI, llama.cpp, Ollama) on their paths; everything else is JSON-RPC.
    let metrics = Arc::new(crate::http::metrics::Metrics::default());
    metrics.follow(services.events.subscribe());
    let editors = crate::http::Ctx { engine: services.engine.clone(), shared: shared.clone(), max_body: cfg.max_request_bytes as usize, metrics };
    let http = tower::ServiceBuilder::new().layer(auth::AuthLayer::new(guard)).layer(crate::http::CompatLayer::new(editors));
    let limits = ServerConfig::builder()
        .max_request_body_size(cfg.max_request_bytes)
        .max_response_body_size(cfg.max_response_bytes)
        .max_connections(cfg.max_connections)
        .build();
    let server = Server::builder()
        .set_config(limits)
        .set_http_middleware(http)
        .build(cfg.listen.as_str())
        .await
        .map_err(|source| RpcStartError::Bind { addr: cfg.listen.clone(), source })?;
    let addr = server.local_addr().map_err(|source| RpcStartError::Bind { addr: cfg.listen.clone(), source })?;
    let handle = server.start(api::RpcImpl::new(shared, config, services).into_rpc());
    Ok(RpcServer { handle, addr })
}
