//! Request bodies in (bounded, UTF-8, JSON) and response bodies out (one JSON value,
//! or a stream fed by a task: server-sent events or NDJSON).

use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body::Frame;
use http_body_util::BodyExt;
use jsonrpsee::server::{HttpBody, HttpRequest, HttpResponse};
use serde::de::DeserializeOwned;
use tokio::sync::mpsc;

use super::ApiError;

/// Read and parse a JSON request body of at most `max` bytes.
pub async fn read_json<T: DeserializeOwned>(req: HttpRequest, max: usize) -> Result<T, ApiError> {
    let collected = http_body_util::Limited::new(req.into_body(), max).collect().await.map_err(|e| {
        if e.downcast_ref::<http_body_util::LengthLimitError>().is_some() {
            ApiError::new(http::StatusCode::PAYLOAD_TOO_LARGE, format!("request body is larger than {max} bytes (rpc.max_request_bytes)"))
        } else {
            ApiError::bad_request(format!("cannot read the request body: {e}"))
        }
    })?;
    let bytes = collected.to_bytes();
    let text = std::str::from_utf8(&bytes).map_err(|e| ApiError::bad_request(format!("request body is not UTF-8: {e}")))?;
    serde_json::from_str(text).map_err(|e| ApiError::bad_request(format!("invalid JSON body: {e}")))
}

/// One JSON value with `status`.
pub fn json_response(status: http::StatusCode, value: &serde_json::Value) -> HttpResponse {
    http::Response::builder()
        .status(status)
        .header(http::header::CONTENT_TYPE, "application/json")
        .body(HttpBody::from(value.to_string()))
        .expect("static response parts are valid")
}

pub fn ok_json(value: &serde_json::Value) -> HttpResponse {
    json_response(http::StatusCode::OK, value)
}

/// A streamed response: the returned sender feeds the body; when the client goes
/// away the body is dropped and `send` fails, which tells the feeding task to stop.
pub fn streaming(content_type: &'static str) -> (mpsc::Sender<Bytes>, HttpResponse) {
    let (tx, rx) = mpsc::channel(16);
    let response = http::Response::builder()
        .status(http::StatusCode::OK)
        .header(http::header::CONTENT_TYPE, content_type)
        .header(http::header::CACHE_CONTROL, "no-cache")
        .body(HttpBody::new(ChannelBody(rx)))
        .expect("static response parts are valid");
    (tx, response)
}

/// One server-sent event carrying `value`.
pub fn sse(value: &serde_json::Value) -> Bytes {
    Bytes::from(format!("data: {value}\n\n"))
}

/// One NDJSON line.
pub fn ndjson(value: &serde_json::Value) -> Bytes {
    Bytes::from(format!("{value}\n"))
}

struct ChannelBody(mpsc::Receiver<Bytes>);

impl http_body::Body for ChannelBody {
    type Data = Bytes;
    type Error = std::convert::Infallible;

    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        self.0.poll_recv(cx).map(|chunk| chunk.map(|b| Ok(Frame::data(b))))
    }
}
