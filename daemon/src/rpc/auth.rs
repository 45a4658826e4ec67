//! Bearer-token authentication for the RPC endpoint.
//!
//! Checked in the HTTP layer, before any JSON-RPC processing, so it covers plain HTTP
//! calls and the WebSocket upgrade alike (every WS message rides on an authenticated
//! upgrade). A refused request gets HTTP 401 with a JSON-RPC error body.

use std::future::Future;
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use jsonrpsee::server::{HttpBody, HttpRequest, HttpResponse};
use tower::{Layer, Service};

/// Errors preparing the token.
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error("auth token file {path}: {source}")]
    Io { path: String, source: std::io::Error },
    #[error("auth token file {path} is empty")]
    Empty { path: String },
}

/// Read the token from `path`, creating the file (mode 0600, 256 random bits) if it
/// does not exist yet.
pub fn load_or_create_token(path: &Path) -> Result<String, TokenError> {
    let io = |source| TokenError::Io { path: path.display().to_string(), source };
    match std::fs::read_to_string(path) {
        Ok(text) => {
            let t = text.trim().to_string();
            if t.is_empty() {
                return Err(TokenError::Empty { path: path.display().to_string() });
            }
            Ok(t)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).map_err(io)?;
            }
            let token = random_token().map_err(io)?;
            let mut f = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(path)
                .map_err(io)?;
            writeln!(f, "{token}").map_err(io)?;
            f.sync_all().map_err(io)?;
            Ok(token)
        }
        Err(e) => Err(io(e)),
    }
}

fn random_token() -> std::io::Result<String> {
    let mut bytes = [0u8; 32];
    std::fs::File::open("/dev/urandom").and_then(|mut f| std::io::Read::read_exact(&mut f, &mut bytes))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// Compare without an early exit, so response timing does not leak the prefix length.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// tower layer adding the check; `None` token means auth is off.
#[derive(Clone)]
pub struct AuthLayer {
    token: Option<Arc<str>>,
}

impl AuthLayer {
    pub fn new(token: Option<String>) -> Self {
        Self { token: token.map(Arc::from) }
    }
}

impl<S> Layer<S> for AuthLayer {
    type Service = Auth<S>;
    fn layer(&self, inner: S) -> Auth<S> {
        Auth { inner, token: self.token.clone() }
    }
}

#[derive(Clone)]
pub struct Auth<S> {
    inner: S,
    token: Option<Arc<str>>,
}

type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

impl<S> Service<HttpRequest> for Auth<S>
where
    S: Service<HttpRequest, Response = HttpResponse, Error = BoxError>,
    S::Future: Send + 'static,
{
    type Response = HttpResponse;
    type Error = BoxError;
    type Future = Pin<Box<dyn Future<Output = Result<HttpResponse, BoxError>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: HttpRequest) -> Self::Future {
        if let Some(expected) = &self.token {
            let presented = req
                .headers()
                .get(http::header::AUTHORIZATION)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.strip_prefix("Bearer "))
                .map(str::trim);
            let ok = presented.is_some_and(|p| constant_time_eq(p.as_bytes(), expected.as_bytes()));
            if !ok {
                let why = if presented.is_some() { "wrong bearer token" } else { "missing bearer token" };
                tracing::warn!(reason = why, "refused unauthenticated RPC request");
                return Box::pin(async move { Ok(unauthorized(why)) });
            }
        }
        Box::pin(self.inner.call(req))
    }
}

fn unauthorized(why: &str) -> HttpResponse {
    let body = serde_json::json!({
        "jsonrpc": "2.0",
        "error": {
            "code": rlvr_client::errors::UNAUTHORIZED,
            "message": format!("unauthorized: {why} (send Authorization: Bearer <token from rpc.auth_token_file>)"),
        },
        "id": null,
    });
    http::Response::builder()
        .status(http::StatusCode::UNAUTHORIZED)
        .header(http::header::CONTENT_TYPE, "application/json")
        .header(http::header::WWW_AUTHENTICATE, "Bearer")
        .body(HttpBody::from(body.to_string()))
        .expect("static response parts are valid")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn token_file_is_created_private_and_reused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/token");
        let t1 = load_or_create_token(&path).unwrap();
        assert_eq!(t1.len(), 64);
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        assert_eq!(load_or_create_token(&path).unwrap(), t1);
    }

    #[test]
    fn empty_token_file_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("token");
        std::fs::write(&path, "  \n").unwrap();
        assert!(load_or_create_token(&path).unwrap_err().to_string().contains("is empty"));
    }

    #[test]
    fn comparison_is_exact() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"abcd"));
    }
}
