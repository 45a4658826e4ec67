//! The RPC endpoint's request guard: where a request may come from, and its bearer
//! token.
//!
//! Checked in the HTTP layer, before any JSON-RPC processing, so it covers plain HTTP
//! calls and the WebSocket upgrade alike (every WS message rides on a checked upgrade).
//!
//! - A web page must not drive the daemon: browsers send `Origin` on cross-origin
//!   requests and on every WebSocket handshake, so a request carrying an `Origin` that
//!   the config does not list is refused (HTTP 403). Local tools (rlvrctl, curl, editor
//!   plugins) send none.
//! - DNS rebinding (a page whose domain re-resolves to 127.0.0.1) is caught by `Host`:
//!   only loopback names, the listen address and configured names pass (HTTP 403).
//! - With a token configured, `Authorization: Bearer <token>` is required (HTTP 401).

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
    #[error("auth token file {path} is readable by other users (mode {mode:o}): run `chmod 600 {path}`")]
    Exposed { path: String, mode: u32 },
}

/// Read the token from `path`, creating the file (mode 0600, 256 random bits) if it
/// does not exist yet.
pub fn load_or_create_token(path: &Path) -> Result<String, TokenError> {
    let io = |source| TokenError::Io { path: path.display().to_string(), source };
    match std::fs::read_to_string(path) {
        Ok(text) => {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(path).map_err(io)?.permissions().mode() & 0o777;
            if mode & 0o077 != 0 {
                return Err(TokenError::Exposed { path: path.display().to_string(), mode });
            }
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
            let mut f = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path).map_err(io)?;
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

/// Compare without an early exit, so response timing leaks neither the matching
/// prefix nor the length (the loop always runs over the expected token).
fn constant_time_eq(presented: &[u8], expected: &[u8]) -> bool {
    let mut diff = (presented.len() ^ expected.len()) as u64;
    for (i, e) in expected.iter().enumerate() {
        let p = presented.get(i).copied().unwrap_or(!e);
        diff |= (p ^ e) as u64;
    }
    diff == 0
}

/// What a request must satisfy; cheap to clone into every connection.
#[derive(Clone, Debug)]
pub struct RequestGuard {
    token: Option<Arc<str>>,
    /// Lower-case host names accepted besides loopback ones.
    hosts: Arc<Vec<String>>,
    origins: Arc<Vec<String>>,
}

impl RequestGuard {
    /// `listen` is the configured listen address (its host is accepted as `Host`).
    pub fn new(token: Option<String>, listen: &str, allowed_hosts: &[String], allowed_origins: &[String]) -> Self {
        let mut hosts: Vec<String> = allowed_hosts.iter().map(|h| h.to_ascii_lowercase()).collect();
        hosts.push(host_part(listen).to_ascii_lowercase());
        let origins = allowed_origins.iter().map(|o| o.trim_end_matches('/').to_ascii_lowercase()).collect();
        Self { token: token.map(Arc::from), hosts: Arc::new(hosts), origins: Arc::new(origins) }
    }

    /// Why `req` is refused, if it is: (HTTP status, reason).
    pub fn check(&self, headers: &http::HeaderMap) -> Result<(), (http::StatusCode, String)> {
        if let Some(origin) = headers.get(http::header::ORIGIN) {
            let o = origin.to_str().unwrap_or("").trim_end_matches('/').to_ascii_lowercase();
            if !self.origins.contains(&o) {
                return Err((http::StatusCode::FORBIDDEN, format!("requests from web pages are refused (Origin {o:?}; allow it in rpc.allowed_origins)")));
            }
        }
        if let Some(host) = headers.get(http::header::HOST) {
            let h = host.to_str().unwrap_or("");
            if !self.host_allowed(h) {
                return Err((http::StatusCode::FORBIDDEN, format!("Host {h:?} is not this daemon (allow it in rpc.allowed_hosts)")));
            }
        }
        if let Some(expected) = &self.token {
            let presented = headers.get(http::header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer ")).map(str::trim);
            if !presented.is_some_and(|p| constant_time_eq(p.as_bytes(), expected.as_bytes())) {
                let why = if presented.is_some() { "wrong bearer token" } else { "missing bearer token" };
                return Err((http::StatusCode::UNAUTHORIZED, why.to_string()));
            }
        }
        Ok(())
    }

    fn host_allowed(&self, header: &str) -> bool {
        let host = host_part(header).to_ascii_lowercase();
        let bare = host.trim_start_matches('[').trim_end_matches(']');
        host == "localhost" || bare.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback()) || self.hosts.contains(&host)
    }
}

/// The host of `host[:port]` / `[v6]:port` (brackets kept for IPv6).
fn host_part(s: &str) -> &str {
    let s = s.trim();
    if s.starts_with('[') {
        return s.find(']').map_or(s, |i| &s[..=i]);
    }
    match s.rsplit_once(':') {
        Some((h, port)) if !h.contains(':') && port.chars().all(|c| c.is_ascii_digit()) => h,
        _ => s,
    }
}

/// tower layer applying the [`RequestGuard`].
#[derive(Clone)]
pub struct AuthLayer {
    guard: RequestGuard,
}

impl AuthLayer {
    pub fn new(guard: RequestGuard) -> Self {
        Self { guard }
    }
}

impl<S> Layer<S> for AuthLayer {
    type Service = Auth<S>;
    fn layer(&self, inner: S) -> Auth<S> {
        Auth { inner, guard: self.guard.clone() }
    }
}

#[derive(Clone)]
pub struct Auth<S> {
    inner: S,
    guard: RequestGuard,
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
        if let Err((status, why)) = self.guard.check(req.headers()) {
            tracing::warn!(reason = %why, "refused RPC request");
            // Editor endpoints answer in their own protocol's error shape.
            if let Some(protocol) = crate::http::Protocol::of(req.uri().path()) {
                let message = if status == http::StatusCode::UNAUTHORIZED {
                    format!("unauthorized: {why} (send the token from <state_dir>/rpc.token as the API key: Authorization: Bearer <token>)")
                } else {
                    format!("forbidden: {why}")
                };
                let mut response = crate::http::ApiError::new(status, message).render(protocol);
                if status == http::StatusCode::UNAUTHORIZED {
                    response.headers_mut().insert(http::header::WWW_AUTHENTICATE, http::HeaderValue::from_static("Bearer"));
                }
                return Box::pin(async move { Ok(response) });
            }
            return Box::pin(async move { Ok(refused(status, &why)) });
        }
        Box::pin(self.inner.call(req))
    }
}

fn refused(status: http::StatusCode, why: &str) -> HttpResponse {
    let (code, message) = if status == http::StatusCode::UNAUTHORIZED {
        (
            rlvr_client::errors::UNAUTHORIZED,
            format!("unauthorized: {why} (send Authorization: Bearer <token>; the token is in <state_dir>/rpc.token or rpc.auth_token_file)"),
        )
    } else {
        (rlvr_client::errors::FORBIDDEN, format!("forbidden: {why}"))
    };
    let body = serde_json::json!({
        "jsonrpc": "2.0",
        "error": { "code": code, "message": message },
        "id": null,
    });
    let mut b = http::Response::builder().status(status).header(http::header::CONTENT_TYPE, "application/json");
    if status == http::StatusCode::UNAUTHORIZED {
        b = b.header(http::header::WWW_AUTHENTICATE, "Bearer");
    }
    b.body(HttpBody::from(body.to_string())).expect("static response parts are valid")
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
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert!(load_or_create_token(&path).unwrap_err().to_string().contains("is empty"));
    }

    #[test]
    fn token_file_readable_by_others_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("token");
        std::fs::write(&path, "abc\n").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let err = load_or_create_token(&path).unwrap_err().to_string();
        assert!(err.contains("readable by other users") && err.contains("chmod 600"), "{err}");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert_eq!(load_or_create_token(&path).unwrap(), "abc");
    }

    #[test]
    fn comparison_is_exact() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"abcd"));
        assert!(!constant_time_eq(b"abcd", b"abc"));
        assert!(!constant_time_eq(b"", b"abc"));
    }

    fn headers(pairs: &[(&str, &str)]) -> http::HeaderMap {
        let mut h = http::HeaderMap::new();
        for (k, v) in pairs {
            h.insert(http::HeaderName::from_bytes(k.as_bytes()).unwrap(), http::HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn browsers_and_foreign_hosts_are_refused_local_tools_pass() {
        let g = RequestGuard::new(None, "127.0.0.1:7433", &[], &[]);
        for ok in ["127.0.0.1:7433", "localhost:7433", "LOCALHOST", "[::1]:7433", "127.0.0.2"] {
            assert!(g.check(&headers(&[("host", ok)])).is_ok(), "{ok}");
        }
        assert!(g.check(&headers(&[])).is_ok(), "no Host (HTTP/1.0 tool)");
        for bad in ["evil.example:7433", "localhost.evil.example", "192.168.1.5:7433", "0.0.0.0:7433"] {
            let (status, why) = g.check(&headers(&[("host", bad)])).unwrap_err();
            assert_eq!(status, http::StatusCode::FORBIDDEN, "{bad}");
            assert!(why.contains("rpc.allowed_hosts"), "{why}");
        }
        for origin in ["http://evil.example", "null", "http://127.0.0.1:7433"] {
            let (status, why) = g.check(&headers(&[("host", "127.0.0.1:7433"), ("origin", origin)])).unwrap_err();
            assert_eq!(status, http::StatusCode::FORBIDDEN);
            assert!(why.contains("rpc.allowed_origins"), "{why}");
        }
        // Configured exceptions, and the listen address of a daemon on a LAN address.
        let g = RequestGuard::new(None, "10.0.0.2:7433", &["devbox".into()], &["http://localhost:3000/".into()]);
        assert!(g.check(&headers(&[("host", "devbox:7433"), ("origin", "http://localhost:3000")])).is_ok());
        assert!(g.check(&headers(&[("host", "10.0.0.2:7433")])).is_ok());
        assert!(g.check(&headers(&[("host", "other:7433")])).is_err());
    }

    #[test]
    fn the_token_is_checked_after_where_the_request_comes_from() {
        let g = RequestGuard::new(Some("s3cret".into()), "127.0.0.1:0", &[], &[]);
        let host = ("host", "127.0.0.1:5000");
        assert_eq!(g.check(&headers(&[host])).unwrap_err().0, http::StatusCode::UNAUTHORIZED);
        assert_eq!(g.check(&headers(&[host, ("authorization", "Bearer s3cre")])).unwrap_err().0, http::StatusCode::UNAUTHORIZED);
        assert!(g.check(&headers(&[host, ("authorization", "Bearer s3cret")])).is_ok());
        let foreign = [("host", "evil.example"), ("authorization", "Bearer s3cret")];
        assert_eq!(g.check(&headers(&foreign)).unwrap_err().0, http::StatusCode::FORBIDDEN, "a valid token does not make a rebinding page local");
    }
}
