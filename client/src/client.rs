//! A typed connection to rlvrd: picks HTTP or WebSocket from the URL and adds the
//! bearer token header when one is given.

use std::path::Path;
use std::time::Duration;

use http::{HeaderMap, HeaderValue};
pub use jsonrpsee::core::client::Subscription;
use jsonrpsee_http_client::{HttpClient, HttpClientBuilder};
pub use jsonrpsee_ws_client::WsClient;
use jsonrpsee_ws_client::WsClientBuilder;

/// Errors while preparing a connection (not RPC errors, which come per call).
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error("cannot read token file {path}: {source}")]
    TokenFile { path: String, source: std::io::Error },
    #[error("token file {path} is empty")]
    EmptyToken { path: String },
    #[error("invalid URL {url}: {reason}")]
    BadUrl { url: String, reason: String },
    #[error("cannot connect to {url}: {reason}")]
    Connect { url: String, reason: String },
}

/// A client of either transport; both implement `RlvrApiClient`.
pub enum Connection {
    Http(HttpClient),
    Ws(WsClient),
}

/// Name of the token file rlvrd creates in its state directory.
pub const TOKEN_FILE_NAME: &str = "rpc.token";

/// Where a local daemon's token is, when nobody says: `$RLVRD_STATE_DIR/rpc.token`,
/// else the default state directory's (`$XDG_STATE_HOME/rlvrd`, else
/// `~/.local/state/rlvrd`). `None` when that file does not exist.
pub fn default_token_file() -> Option<std::path::PathBuf> {
    let env_dir = |k: &str| std::env::var_os(k).filter(|v| !v.is_empty()).map(std::path::PathBuf::from);
    let dir = env_dir("RLVRD_STATE_DIR")
        .or_else(|| env_dir("XDG_STATE_HOME").map(|d| d.join("rlvrd")))
        .or_else(|| env_dir("HOME").map(|h| h.join(".local/state/rlvrd")))?;
    Some(dir.join(TOKEN_FILE_NAME)).filter(|p| p.is_file())
}

/// Read a bearer token from a file (trailing whitespace ignored).
pub fn read_token(path: &Path) -> Result<String, ConnectError> {
    let text = std::fs::read_to_string(path).map_err(|source| ConnectError::TokenFile { path: path.display().to_string(), source })?;
    let token = text.trim().to_string();
    if token.is_empty() {
        return Err(ConnectError::EmptyToken { path: path.display().to_string() });
    }
    Ok(token)
}

fn headers(token: Option<&str>, url: &str) -> Result<HeaderMap, ConnectError> {
    let mut h = HeaderMap::new();
    if let Some(t) = token {
        let v = HeaderValue::from_str(&format!("Bearer {t}"))
            .map_err(|e| ConnectError::BadUrl { url: url.to_string(), reason: format!("token is not a valid header value: {e}") })?;
        h.insert(http::header::AUTHORIZATION, v);
    }
    Ok(h)
}

impl Connection {
    /// Connect to `url` (`http://` or `ws://`). `timeout` bounds each request.
    pub async fn open(url: &str, token: Option<&str>, timeout: Duration) -> Result<Self, ConnectError> {
        let h = headers(token, url)?;
        if url.starts_with("ws://") {
            let c = WsClientBuilder::default()
                .set_headers(h)
                .request_timeout(timeout)
                .connection_timeout(timeout)
                .max_response_size(64 << 20)
                .build(url)
                .await
                .map_err(|e| ConnectError::Connect { url: url.to_string(), reason: e.to_string() })?;
            Ok(Connection::Ws(c))
        } else if url.starts_with("http://") {
            let c = HttpClientBuilder::default()
                .set_headers(h)
                .request_timeout(timeout)
                .max_response_size(64 << 20)
                .build(url)
                .map_err(|e| ConnectError::BadUrl { url: url.to_string(), reason: e.to_string() })?;
            Ok(Connection::Http(c))
        } else {
            Err(ConnectError::BadUrl { url: url.to_string(), reason: "expected http:// or ws:// (rlvrd serves loopback without TLS)".into() })
        }
    }

    /// The HTTP client, if this is one.
    pub fn http(&self) -> Option<&HttpClient> {
        match self {
            Connection::Http(c) => Some(c),
            Connection::Ws(_) => None,
        }
    }
}

/// Forward a call to whichever transport is open. Used as `call!(conn, status())`.
#[macro_export]
macro_rules! call {
    ($conn:expr, $method:ident ( $($arg:expr),* )) => {{
        use $crate::api::RlvrApiClient as _;
        match &$conn {
            $crate::client::Connection::Http(c) => c.$method($($arg),*).await,
            $crate::client::Connection::Ws(c) => c.$method($($arg),*).await,
        }
    }};
}
