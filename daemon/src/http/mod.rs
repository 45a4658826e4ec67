//! The editor protocols, on the JSON-RPC port and behind the same token layer: the
//! OpenAI API (`/v1/models`, `/v1/completions`, `/v1/chat/completions`), llama.cpp
//! server's `/infill` and `/health`, and Ollama's `/api/generate`, `/api/tags`,
//! `/api/version`; and `GET /metrics` (Prometheus). A tower layer in front of jsonrpsee answers these paths and hands
//! every other request to the JSON-RPC server. Each protocol module only translates:
//! requests become `CompleteParams` / `GenerateParams` for the engine, answers and
//! errors are written in that protocol's own shape.
//!
//! Every generation goes through the engine's streaming call, also when the client
//! asked for one JSON answer: when a client disconnects, its response (or the future
//! waiting for it) is dropped, the engine sees its stream closed and stops decoding
//! that row.

mod body;
mod llamacpp;
pub mod metrics;
mod ollama;
mod openai;

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use jsonrpsee::server::{HttpRequest, HttpResponse};
use rlvr_client::{AdapterChoice, CompleteParams, CompletionResult, GenerateParams, StreamChunk};
use tokio::sync::mpsc;
use tower::{Layer, Service};

use crate::engine::{EngineError, EngineHandle};
use crate::shared::Shared;

type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// The model ids the protocols list and accept (`model` in a request).
pub const MODEL_SERVING: &str = "rlvrd";
pub const MODEL_LATEST: &str = "rlvrd-latest";
pub const MODEL_BASE: &str = "rlvrd-base";

/// What the handlers need.
#[derive(Clone)]
pub struct Ctx {
    pub engine: EngineHandle,
    pub shared: Arc<Shared>,
    pub max_body: usize,
    pub metrics: Arc<metrics::Metrics>,
}

/// Which protocol a path belongs to (for the shape of its errors, auth ones included).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    OpenAi,
    LlamaCpp,
    Ollama,
    /// `/metrics`: plain-text errors.
    Metrics,
}

impl Protocol {
    /// The protocol of an editor endpoint, None for everything else (JSON-RPC).
    pub fn of(path: &str) -> Option<Protocol> {
        match path {
            p if p.starts_with("/v1/") => Some(Protocol::OpenAi),
            "/infill" | "/health" => Some(Protocol::LlamaCpp),
            p if p.starts_with("/api/") => Some(Protocol::Ollama),
            "/metrics" => Some(Protocol::Metrics),
            _ => None,
        }
    }
}

/// An error answer: HTTP status and a message, rendered in the protocol's shape.
#[derive(Debug)]
pub struct ApiError {
    pub status: http::StatusCode,
    pub message: String,
}

impl ApiError {
    pub fn new(status: http::StatusCode, message: impl Into<String>) -> Self {
        ApiError { status, message: message.into() }
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(http::StatusCode::BAD_REQUEST, message)
    }

    pub fn render(&self, protocol: Protocol) -> HttpResponse {
        let kind = match self.status.as_u16() {
            400 | 405 | 413 | 422 => "invalid_request_error",
            401 => "authentication_error",
            403 => "permission_error",
            404 => "not_found_error",
            503 => "unavailable_error",
            _ => "server_error",
        };
        let body = match protocol {
            Protocol::OpenAi => serde_json::json!({ "error": { "message": self.message, "type": kind, "param": null, "code": null } }),
            Protocol::LlamaCpp => serde_json::json!({ "error": { "code": self.status.as_u16(), "message": self.message, "type": kind } }),
            Protocol::Ollama => serde_json::json!({ "error": self.message }),
            Protocol::Metrics => {
                return http::Response::builder()
                    .status(self.status)
                    .header(http::header::CONTENT_TYPE, "text/plain; charset=utf-8")
                    .body(jsonrpsee::server::HttpBody::from(format!("{}\n", self.message)))
                    .expect("static response parts are valid")
            }
        };
        body::json_response(self.status, &body)
    }
}

impl From<EngineError> for ApiError {
    fn from(e: EngineError) -> Self {
        ApiError::new(status_of(e.code()), e.to_string())
    }
}

/// The HTTP status for a JSON-RPC error code (`EngineError::code`).
fn status_of(code: i32) -> http::StatusCode {
    use rlvr_client::errors::{INVALID_PARAMS, INVALID_REQUEST_STATE, NOT_FOUND, SHUTTING_DOWN};
    match code {
        INVALID_PARAMS => http::StatusCode::BAD_REQUEST,
        NOT_FOUND => http::StatusCode::NOT_FOUND,
        INVALID_REQUEST_STATE | SHUTTING_DOWN => http::StatusCode::SERVICE_UNAVAILABLE,
        _ => http::StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// The adapter a request's `model` names. Ollama clients append the default tag
/// `:latest` to bare names, so `rlvrd:latest` is `rlvrd`.
pub fn adapter_for(model: Option<&str>) -> Result<AdapterChoice, ApiError> {
    match model.map(|m| m.strip_suffix(":latest").unwrap_or(m)) {
        None | Some("") | Some(MODEL_SERVING) => Ok(AdapterChoice::Serving),
        Some(MODEL_LATEST) => Ok(AdapterChoice::Latest),
        Some(MODEL_BASE) => Ok(AdapterChoice::Base),
        Some(other) => Err(ApiError::new(
            http::StatusCode::NOT_FOUND,
            format!(
                "model `{other}` not found; this server has `{MODEL_SERVING}` (the promoted adapter), `{MODEL_LATEST}` (the newest adapter) and `{MODEL_BASE}`"
            ),
        )),
    }
}

/// `max_tokens`-like fields: at least 1 and at most the engine's limit.
pub fn max_tokens(name: &str, value: Option<i64>) -> Result<Option<usize>, ApiError> {
    match value {
        None => Ok(None),
        Some(n) if n >= 1 && n as usize <= crate::engine::MAX_TOKENS_LIMIT => Ok(Some(n as usize)),
        Some(n) => Err(ApiError::bad_request(format!("{name} = {n} must be between 1 and {}", crate::engine::MAX_TOKENS_LIMIT))),
    }
}

/// One piece of a generation as the protocol modules see it.
pub enum Piece {
    Delta(String),
    Done(CompletionResult),
}

/// A started generation: its pieces, in order. Dropping it stops the engine's work.
pub struct Generation {
    rx: mpsc::Receiver<StreamChunk>,
    metrics: Arc<metrics::Metrics>,
    /// The first chunk, read before answering so that a refused request gets a
    /// proper error status instead of a broken stream.
    first: Option<StreamChunk>,
    /// Text sent as deltas so far, and the final answer held back while the text the
    /// deltas did not cover yet (the tail after the last delta) goes out first.
    sent: String,
    done: Option<CompletionResult>,
}

impl Generation {
    pub async fn complete(ctx: &Ctx, params: CompleteParams) -> Result<Generation, ApiError> {
        Self::started(ctx, ctx.engine.complete_stream(params)?).await
    }

    pub async fn chat(ctx: &Ctx, params: GenerateParams) -> Result<Generation, ApiError> {
        Self::started(ctx, ctx.engine.chat_stream(params)?).await
    }

    async fn started(ctx: &Ctx, mut rx: mpsc::Receiver<StreamChunk>) -> Result<Generation, ApiError> {
        match rx.recv().await {
            Some(StreamChunk::Error { message, code }) => Err(stream_error(message, code)),
            None => Err(ApiError::new(http::StatusCode::SERVICE_UNAVAILABLE, "the engine stopped")),
            first => Ok(Generation { rx, metrics: ctx.metrics.clone(), first, sent: String::new(), done: None }),
        }
    }

    /// The next piece; Err for an engine error in the middle.
    pub async fn next(&mut self) -> Option<Result<Piece, ApiError>> {
        if let Some(result) = self.done.take() {
            return Some(Ok(Piece::Done(result)));
        }
        let chunk = match self.first.take() {
            Some(c) => c,
            None => self.rx.recv().await?,
        };
        Some(match chunk {
            StreamChunk::Delta { text } => {
                self.sent.push_str(&text);
                Ok(Piece::Delta(text))
            }
            StreamChunk::Done { result } => {
                self.metrics.served(result.completion_tokens, result.generate_s);
                let tail = result.text.strip_prefix(self.sent.as_str()).filter(|t| !t.is_empty()).map(str::to_string);
                match tail {
                    Some(tail) => {
                        self.sent.push_str(&tail);
                        self.done = Some(result);
                        Ok(Piece::Delta(tail))
                    }
                    None => Ok(Piece::Done(result)),
                }
            }
            StreamChunk::Error { message, code } => Err(stream_error(message, code)),
        })
    }

    /// Wait for the whole answer.
    pub async fn finish(mut self) -> Result<CompletionResult, ApiError> {
        while let Some(p) = self.next().await {
            if let Piece::Done(result) = p? {
                return Ok(result);
            }
        }
        Err(ApiError::new(http::StatusCode::SERVICE_UNAVAILABLE, "the engine stopped before the answer was complete"))
    }
}

/// Answer with `generation` streamed: the `first` frame (if any), one frame per piece
/// made by `event`, then `end` (if any); `frame` writes a value in the stream's format
/// (server-sent event, NDJSON line). A client that goes away ends the feeding task,
/// which drops `generation`, which stops the engine's work on it.
pub fn stream_response(
    mut generation: Generation,
    content_type: &'static str,
    frame: fn(&serde_json::Value) -> bytes::Bytes,
    first: Option<serde_json::Value>,
    end: Option<&'static [u8]>,
    mut event: impl FnMut(Result<Piece, ApiError>) -> serde_json::Value + Send + 'static,
) -> HttpResponse {
    let (tx, response) = body::streaming(content_type);
    tokio::spawn(async move {
        if let Some(f) = first {
            if tx.send(frame(&f)).await.is_err() {
                return;
            }
        }
        while let Some(piece) = generation.next().await {
            if tx.send(frame(&event(piece))).await.is_err() {
                return;
            }
        }
        if let Some(end) = end {
            let _ = tx.send(bytes::Bytes::from_static(end)).await;
        }
    });
    response
}

/// Engine errors reach a stream as text (`EngineError`'s display): recover the status.
fn stream_error(message: String, code: i32) -> ApiError {
    ApiError::new(status_of(code), message)
}

/// Seconds since the Unix epoch.
pub fn unix_now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// A short unique id for answers (`cmpl-…`, `chatcmpl-…`).
pub fn answer_id(prefix: &str) -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    format!("{prefix}-{:x}{:04x}", unix_now(), N.fetch_add(1, Ordering::Relaxed) & 0xffff)
}

/// The layer answering the editor protocols in front of the JSON-RPC server.
#[derive(Clone)]
pub struct CompatLayer {
    ctx: Ctx,
}

impl CompatLayer {
    pub fn new(ctx: Ctx) -> Self {
        CompatLayer { ctx }
    }
}

impl<S> Layer<S> for CompatLayer {
    type Service = Compat<S>;
    fn layer(&self, inner: S) -> Compat<S> {
        Compat { inner, ctx: self.ctx.clone() }
    }
}

#[derive(Clone)]
pub struct Compat<S> {
    inner: S,
    ctx: Ctx,
}

impl<S> Service<HttpRequest> for Compat<S>
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
        let started = std::time::Instant::now();
        let endpoint = metrics::endpoint(req.uri().path());
        let m = self.ctx.metrics.clone();
        m.request_started();
        let Some(protocol) = Protocol::of(req.uri().path()) else {
            let fut = self.inner.call(req);
            return Box::pin(async move {
                let r = fut.await;
                m.request_done(endpoint, r.as_ref().map_or(500, |r| r.status().as_u16()), started.elapsed());
                r
            });
        };
        let ctx = self.ctx.clone();
        Box::pin(async move {
            let method = req.method().clone();
            let path = req.uri().path().to_string();
            let answer = match protocol {
                Protocol::OpenAi => openai::route(&ctx, &method, &path, req).await,
                Protocol::LlamaCpp => llamacpp::route(&ctx, &method, &path, req).await,
                Protocol::Ollama => ollama::route(&ctx, &method, &path, req).await,
                Protocol::Metrics if method == http::Method::GET => Ok(metrics_page(&ctx)),
                Protocol::Metrics => Err(no_route(&method, &path, Some("GET"))),
            };
            let response = answer.unwrap_or_else(|e| {
                tracing::debug!(%path, status = %e.status, message = %e.message, "editor request refused");
                e.render(protocol)
            });
            m.request_done(endpoint, response.status().as_u16(), started.elapsed());
            Ok(response)
        })
    }
}

fn metrics_page(ctx: &Ctx) -> HttpResponse {
    let text = ctx.metrics.render(ctx.shared.status().model.is_some());
    http::Response::builder()
        .status(http::StatusCode::OK)
        .header(http::header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")
        .body(jsonrpsee::server::HttpBody::from(text))
        .expect("static response parts are valid")
}

/// 404 / 405 for a path of a protocol that rlvrd does not serve or a wrong method.
pub fn no_route(method: &http::Method, path: &str, allowed: Option<&str>) -> ApiError {
    match allowed {
        Some(m) => ApiError::new(http::StatusCode::METHOD_NOT_ALLOWED, format!("{method} {path}: use {m}")),
        None => ApiError::new(http::StatusCode::NOT_FOUND, format!("{path} is not served by rlvrd")),
    }
}
