//! Ollama's `/api/generate` (prompt, suffix for fill-in-the-middle, raw, options),
//! `/api/tags` and `/api/version`. Streams by default, as Ollama does: one JSON object
//! per line, the last with `done: true` and the counts. Without `raw` and without a
//! suffix the prompt goes through the chat template as a user turn (Ollama applies
//! the model's template); with `raw` or a suffix it is completed as is.

use jsonrpsee::server::{HttpRequest, HttpResponse};
use rlvr_client::{ChatMessage, CompleteParams, CompletionResult, GenerateParams, SamplingOptions};
use serde::Deserialize;
use serde_json::{json, Value};

use super::body::{ndjson, ok_json, read_json};
use super::{adapter_for, max_tokens, no_route, stream_response, ApiError, Ctx, Generation, Piece, MODEL_BASE, MODEL_LATEST, MODEL_SERVING};

pub async fn route(ctx: &Ctx, method: &http::Method, path: &str, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    match (method.as_str(), path) {
        ("GET", "/api/version") => Ok(ok_json(&json!({ "version": env!("CARGO_PKG_VERSION") }))),
        ("GET", "/api/tags") => Ok(tags()),
        ("POST", "/api/generate") => generate(ctx, read_json(req, ctx.max_body).await?).await,
        (_, "/api/version" | "/api/tags") => Err(no_route(method, path, Some("GET"))),
        (_, "/api/generate") => Err(no_route(method, path, Some("POST"))),
        _ => Err(no_route(method, path, None)),
    }
}

/// RFC 3339 UTC time of now (Ollama's `created_at`).
fn now_rfc3339() -> String {
    rlvr_client::units::rfc3339(super::unix_now() as i64)
}

fn tags() -> HttpResponse {
    let now = now_rfc3339();
    let models: Vec<Value> = [MODEL_SERVING, MODEL_LATEST, MODEL_BASE]
        .iter()
        .map(|name| {
            json!({ "name": name, "model": name, "modified_at": now, "size": 0, "digest": "",
                    "details": { "format": "gguf", "family": "llama", "families": ["llama"], "parameter_size": "", "quantization_level": "" } })
        })
        .collect();
    ok_json(&json!({ "models": models }))
}

#[derive(Deserialize, Default)]
struct Options {
    num_predict: Option<i64>,
    temperature: Option<f64>,
    top_p: Option<f64>,
    top_k: Option<i64>,
    #[serde(default)]
    stop: Vec<String>,
    seed: Option<i64>,
}

#[derive(Deserialize)]
struct GenerateRequest {
    model: Option<String>,
    #[serde(default)]
    prompt: String,
    suffix: Option<String>,
    system: Option<String>,
    #[serde(default)]
    raw: bool,
    stream: Option<bool>,
    #[serde(default)]
    options: Options,
}

fn done(model: &str, r: &CompletionResult, response: &str) -> Value {
    let ns = |s: f64| (s * 1e9) as u64;
    json!({
        "model": model,
        "created_at": now_rfc3339(),
        "response": response,
        "done": true,
        "done_reason": if r.finish_reason == "length" { "length" } else { "stop" },
        "context": [],
        "total_duration": ns(r.queue_s + r.generate_s),
        "load_duration": 0,
        "prompt_eval_count": r.prompt_tokens,
        "prompt_eval_duration": ns(r.queue_s),
        "eval_count": r.completion_tokens,
        "eval_duration": ns(r.generate_s),
    })
}

async fn generate(ctx: &Ctx, r: GenerateRequest) -> Result<HttpResponse, ApiError> {
    let o = r.options;
    // Ollama: num_predict -1 is "no limit" (here: the engine's limit).
    let max = match o.num_predict {
        Some(-1) => Some(crate::engine::MAX_TOKENS_LIMIT),
        other => max_tokens("options.num_predict", other)?,
    };
    let top_k = match o.top_k {
        None => None,
        Some(k) if k >= 0 => Some(k as usize),
        Some(k) => return Err(ApiError::bad_request(format!("options.top_k = {k} must be >= 0"))),
    };
    let sampling = SamplingOptions { top_p: o.top_p, top_k, seed: o.seed.filter(|s| *s >= 0).map(|s| s as u64) };
    let adapter = adapter_for(r.model.as_deref())?;
    let model = r.model.clone().unwrap_or_else(|| MODEL_SERVING.into());
    let suffix = r.suffix.filter(|s| !s.is_empty());
    let generation = if r.raw || suffix.is_some() {
        let params = CompleteParams { prefix: r.prompt, suffix, language: None, max_tokens: max, temperature: o.temperature, stop: o.stop, adapter, sampling };
        Generation::complete(ctx, params).await?
    } else {
        let mut messages = Vec::new();
        if let Some(system) = r.system.filter(|s| !s.is_empty()) {
            messages.push(ChatMessage { role: "system".into(), content: system });
        }
        messages.push(ChatMessage { role: "user".into(), content: r.prompt });
        let params = GenerateParams { messages, max_tokens: max, temperature: o.temperature, stop: o.stop, adapter, sampling };
        Generation::chat(ctx, params).await?
    };
    if !r.stream.unwrap_or(true) {
        let result = generation.finish().await?;
        return Ok(ok_json(&done(&model, &result, &result.text)));
    }
    Ok(stream_response(generation, "application/x-ndjson", ndjson, None, None, move |piece| match piece {
        Ok(Piece::Delta(text)) => json!({ "model": model, "created_at": now_rfc3339(), "response": text, "done": false }),
        Ok(Piece::Done(result)) => done(&model, &result, ""),
        Err(e) => json!({ "error": e.message }),
    }))
}
