//! The OpenAI API subset editors use: `GET /v1/models`, `POST /v1/completions`
//! (prompt + optional suffix: fill-in-the-middle with the tokenizer's FIM tokens when it
//! has them, else the prefix alone — `used_suffix` in rlvrd's own API says which),
//! `POST /v1/chat/completions` (the checkpoint's chat template). `stream: true` answers
//! with server-sent events ending in `data: [DONE]`.

use jsonrpsee::server::{HttpRequest, HttpResponse};
use rlvr_client::{ChatMessage, CompleteParams, CompletionResult, GenerateParams, SamplingOptions};
use serde::Deserialize;
use serde_json::{json, Value};

use super::body::{ok_json, read_json, sse};
use super::{
    adapter_for, answer_id, max_tokens, no_route, stream_response, unix_now, ApiError, Ctx, Generation, Piece, MODEL_BASE, MODEL_LATEST, MODEL_SERVING,
};

pub async fn route(ctx: &Ctx, method: &http::Method, path: &str, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    match (method.as_str(), path) {
        ("GET", "/v1/models") => Ok(models()),
        ("POST", "/v1/completions") => completions(ctx, read_json(req, ctx.max_body).await?).await,
        ("POST", "/v1/chat/completions") => chat(ctx, read_json(req, ctx.max_body).await?).await,
        (_, "/v1/models") => Err(no_route(method, path, Some("GET"))),
        (_, "/v1/completions" | "/v1/chat/completions") => Err(no_route(method, path, Some("POST"))),
        _ => Err(no_route(method, path, None)),
    }
}

fn models() -> HttpResponse {
    let created = unix_now();
    let data: Vec<Value> =
        [MODEL_SERVING, MODEL_LATEST, MODEL_BASE].iter().map(|id| json!({ "id": id, "object": "model", "created": created, "owned_by": "rlvrd" })).collect();
    ok_json(&json!({ "object": "list", "data": data }))
}

/// `stop`: a string or a list of strings.
#[derive(Deserialize)]
#[serde(untagged)]
enum Stop {
    One(String),
    Many(Vec<String>),
}

impl Stop {
    fn list(s: Option<Stop>) -> Vec<String> {
        match s {
            None => Vec::new(),
            Some(Stop::One(s)) => vec![s],
            Some(Stop::Many(v)) => v,
        }
    }
}

/// `prompt`: a string, or a list holding one string.
#[derive(Deserialize)]
#[serde(untagged)]
enum Prompt {
    One(String),
    Many(Vec<String>),
}

#[derive(Deserialize)]
struct CompletionsRequest {
    model: Option<String>,
    prompt: Prompt,
    suffix: Option<String>,
    max_tokens: Option<i64>,
    temperature: Option<f64>,
    top_p: Option<f64>,
    stop: Option<Stop>,
    seed: Option<u64>,
    n: Option<i64>,
    #[serde(default)]
    stream: bool,
}

/// `n`: 1 to 8 answers; only 1 when streaming.
fn choices(n: Option<i64>, stream: bool) -> Result<usize, ApiError> {
    match n.unwrap_or(1) {
        1 => Ok(1),
        n if (2..=8).contains(&n) && !stream => Ok(n as usize),
        n if (2..=8).contains(&n) => Err(ApiError::bad_request("n > 1 cannot be streamed; send n = 1 or stream = false")),
        n => Err(ApiError::bad_request(format!("n = {n} must be between 1 and 8"))),
    }
}

fn finish(reason: &str) -> &'static str {
    if reason == "length" {
        "length"
    } else {
        "stop"
    }
}

/// The end of an OpenAI event stream.
const SSE_DONE: &[u8] = b"data: [DONE]\n\n";

/// The last chunk of a stream carries the usage.
fn with_usage(mut chunk: Value, result: &CompletionResult) -> Value {
    chunk["usage"] = usage(std::slice::from_ref(result));
    chunk
}

/// An error after the stream started (its status line is already sent).
fn stream_error_event(e: &ApiError) -> Value {
    json!({ "error": { "message": e.message, "type": "server_error" } })
}

fn usage(results: &[CompletionResult]) -> Value {
    let prompt = results.first().map_or(0, |r| r.prompt_tokens);
    let completion: usize = results.iter().map(|r| r.completion_tokens).sum();
    json!({ "prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion })
}

async fn completions(ctx: &Ctx, r: CompletionsRequest) -> Result<HttpResponse, ApiError> {
    let prompt = match r.prompt {
        Prompt::One(p) => p,
        Prompt::Many(mut v) if v.len() == 1 => v.remove(0),
        Prompt::Many(v) => return Err(ApiError::bad_request(format!("prompt holds {} strings; send one per request", v.len()))),
    };
    let n = choices(r.n, r.stream)?;
    let model = r.model.clone().unwrap_or_else(|| MODEL_SERVING.into());
    let params = CompleteParams {
        prefix: prompt,
        suffix: r.suffix,
        language: None,
        // OpenAI's default for this endpoint.
        max_tokens: Some(max_tokens("max_tokens", r.max_tokens)?.unwrap_or(16)),
        temperature: r.temperature,
        stop: Stop::list(r.stop),
        adapter: adapter_for(r.model.as_deref())?,
        sampling: SamplingOptions { top_p: r.top_p, top_k: None, seed: r.seed },
    };
    let (id, created) = (answer_id("cmpl"), unix_now());
    if r.stream {
        let generation = Generation::complete(ctx, params).await?;
        let chunk = move |text: &str, finish_reason: Value| {
            json!({ "id": id, "object": "text_completion", "created": created, "model": model,
                    "choices": [{ "text": text, "index": 0, "logprobs": null, "finish_reason": finish_reason }] })
        };
        return Ok(stream_response(generation, "text/event-stream", sse, None, Some(SSE_DONE), move |piece| match piece {
            Ok(Piece::Delta(text)) => chunk(&text, Value::Null),
            Ok(Piece::Done(result)) => with_usage(chunk("", json!(finish(&result.finish_reason))), &result),
            Err(e) => stream_error_event(&e),
        }));
    }
    let mut results = Vec::with_capacity(n);
    for i in 0..n {
        let mut p = params.clone();
        // Distinct samples for n > 1 with a seed; the same seed twice would repeat.
        p.sampling.seed = p.sampling.seed.map(|s| s.wrapping_add(i as u64));
        results.push(Generation::complete(ctx, p).await?.finish().await?);
    }
    let choices: Vec<Value> =
        results.iter().enumerate().map(|(i, r)| json!({ "text": r.text, "index": i, "logprobs": null, "finish_reason": finish(&r.finish_reason) })).collect();
    Ok(ok_json(&json!({ "id": id, "object": "text_completion", "created": created, "model": model, "choices": choices, "usage": usage(&results) })))
}

/// A message's `content`: a string, or a list of parts of which the text ones count.
#[derive(Deserialize)]
#[serde(untagged)]
enum Content {
    Text(String),
    Parts(Vec<Part>),
}

#[derive(Deserialize)]
struct Part {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    text: String,
}

#[derive(Deserialize)]
struct Message {
    role: String,
    content: Option<Content>,
}

#[derive(Deserialize)]
struct ChatRequest {
    model: Option<String>,
    messages: Vec<Message>,
    max_tokens: Option<i64>,
    max_completion_tokens: Option<i64>,
    temperature: Option<f64>,
    top_p: Option<f64>,
    stop: Option<Stop>,
    seed: Option<u64>,
    n: Option<i64>,
    #[serde(default)]
    stream: bool,
}

async fn chat(ctx: &Ctx, r: ChatRequest) -> Result<HttpResponse, ApiError> {
    let n = choices(r.n, r.stream)?;
    let model = r.model.clone().unwrap_or_else(|| MODEL_SERVING.into());
    let messages = r
        .messages
        .into_iter()
        .map(|m| {
            let content = match m.content {
                None => String::new(),
                Some(Content::Text(t)) => t,
                Some(Content::Parts(parts)) => parts.into_iter().filter(|p| p.kind == "text").map(|p| p.text).collect::<Vec<_>>().join(""),
            };
            ChatMessage { role: m.role, content }
        })
        .collect();
    let params = GenerateParams {
        messages,
        max_tokens: max_tokens("max_tokens", r.max_completion_tokens.or(r.max_tokens))?,
        temperature: r.temperature,
        stop: Stop::list(r.stop),
        adapter: adapter_for(r.model.as_deref())?,
        sampling: SamplingOptions { top_p: r.top_p, top_k: None, seed: r.seed },
    };
    let (id, created) = (answer_id("chatcmpl"), unix_now());
    if r.stream {
        let generation = Generation::chat(ctx, params).await?;
        let chunk = move |delta: Value, finish_reason: Value| {
            json!({ "id": id, "object": "chat.completion.chunk", "created": created, "model": model,
                    "choices": [{ "index": 0, "delta": delta, "logprobs": null, "finish_reason": finish_reason }] })
        };
        let first = chunk(json!({ "role": "assistant", "content": "" }), Value::Null);
        return Ok(stream_response(generation, "text/event-stream", sse, Some(first), Some(SSE_DONE), move |piece| match piece {
            Ok(Piece::Delta(text)) => chunk(json!({ "content": text }), Value::Null),
            Ok(Piece::Done(result)) => with_usage(chunk(json!({}), json!(finish(&result.finish_reason))), &result),
            Err(e) => stream_error_event(&e),
        }));
    }
    let mut results = Vec::with_capacity(n);
    for i in 0..n {
        let mut p = params.clone();
        p.sampling.seed = p.sampling.seed.map(|s| s.wrapping_add(i as u64));
        results.push(Generation::chat(ctx, p).await?.finish().await?);
    }
    let choices: Vec<Value> = results
        .iter()
        .enumerate()
        .map(|(i, r)| json!({ "index": i, "message": { "role": "assistant", "content": r.text }, "logprobs": null, "finish_reason": finish(&r.finish_reason) }))
        .collect();
    Ok(ok_json(&json!({ "id": id, "object": "chat.completion", "created": created, "model": model, "choices": choices, "usage": usage(&results) })))
}
