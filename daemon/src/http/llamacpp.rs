//! llama.cpp server's `/infill` and `/health`, as llama.vim and llama.vscode call them.
//! `input_extra` chunks (other files, `{filename, text}`) go before the prefix as
//! `# <filename>` sections, newest last, within `MAX_EXTRA_BYTES`; `prompt` is the
//! text of the cursor line before the cursor and follows `input_prefix`.

use jsonrpsee::server::{HttpRequest, HttpResponse};
use rlvr_client::{CompleteParams, CompletionResult, SamplingOptions};
use serde::Deserialize;
use serde_json::{json, Value};

use super::body::{ok_json, read_json, sse};
use super::{adapter_for, max_tokens, no_route, stream_response, ApiError, Ctx, Generation, Piece};

/// Extra context from other files, at most this much text.
const MAX_EXTRA_BYTES: usize = 8 * 1024;

pub async fn route(ctx: &Ctx, method: &http::Method, path: &str, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    match (method.as_str(), path) {
        ("GET", "/health") => health(ctx),
        ("POST", "/infill") => infill(ctx, read_json(req, ctx.max_body).await?).await,
        (_, "/health") => Err(no_route(method, path, Some("GET"))),
        (_, "/infill") => Err(no_route(method, path, Some("POST"))),
        _ => Err(no_route(method, path, None)),
    }
}

fn health(ctx: &Ctx) -> Result<HttpResponse, ApiError> {
    if ctx.shared.status().model.is_none() {
        return Err(ApiError::new(http::StatusCode::SERVICE_UNAVAILABLE, "Loading model"));
    }
    Ok(ok_json(&json!({ "status": "ok" })))
}

#[derive(Deserialize)]
struct Extra {
    #[serde(default)]
    filename: String,
    #[serde(default)]
    text: String,
}

#[derive(Deserialize)]
struct InfillRequest {
    model: Option<String>,
    #[serde(default)]
    input_prefix: String,
    #[serde(default)]
    input_suffix: String,
    #[serde(default)]
    input_extra: Vec<Extra>,
    #[serde(default)]
    prompt: String,
    n_predict: Option<i64>,
    temperature: Option<f64>,
    top_k: Option<i64>,
    top_p: Option<f64>,
    #[serde(default)]
    stop: Vec<String>,
    seed: Option<i64>,
    #[serde(default)]
    stream: bool,
}

/// The extra chunks that fit, as text to put before the prefix.
fn extra_context(extra: &[Extra]) -> String {
    let mut kept: Vec<String> = Vec::new();
    let mut used = 0;
    // The last chunks are the most recent (llama.vim's ring buffer order).
    for e in extra.iter().rev() {
        let section = format!("# {}\n{}\n", if e.filename.is_empty() { "context" } else { &e.filename }, e.text.trim_end());
        if used + section.len() > MAX_EXTRA_BYTES {
            break;
        }
        used += section.len();
        kept.push(section);
    }
    kept.reverse();
    kept.concat()
}

fn answer(result: &CompletionResult, content: &str, stop: bool) -> Value {
    let stop_type = match result.finish_reason.as_str() {
        "length" => "limit",
        "stop" => "word",
        _ => "eos",
    };
    json!({
        "content": content,
        "stop": stop,
        "stop_type": stop_type,
        "tokens_predicted": result.completion_tokens,
        "tokens_evaluated": result.prompt_tokens,
        "truncated": false,
        "generation_settings": { "model": result.adapter },
        "timings": {
            "prompt_n": result.prompt_tokens,
            "prompt_ms": result.queue_s * 1e3,
            "predicted_n": result.completion_tokens,
            "predicted_ms": result.generate_s * 1e3,
            "predicted_per_second": if result.generate_s > 0.0 { result.completion_tokens as f64 / result.generate_s } else { 0.0 },
        },
    })
}

async fn infill(ctx: &Ctx, r: InfillRequest) -> Result<HttpResponse, ApiError> {
    // llama.cpp: n_predict -1 means "until the end": the engine's limit. 0 is how
    // llama.vim warms the server's cache with new extra context: nothing to decode
    // (rlvrd keeps no prompt cache between requests yet), so an empty answer.
    let n_predict = match r.n_predict {
        Some(-1) => Some(crate::engine::MAX_TOKENS_LIMIT),
        Some(0) => {
            let empty = CompletionResult {
                text: String::new(),
                finish_reason: "length".into(),
                prompt_tokens: 0,
                completion_tokens: 0,
                adapter: String::new(),
                queue_s: 0.0,
                generate_s: 0.0,
                used_suffix: false,
            };
            return Ok(ok_json(&answer(&empty, "", true)));
        }
        other => max_tokens("n_predict", other)?,
    };
    let top_k = match r.top_k {
        None => None,
        Some(k) if k >= 0 => Some(k as usize),
        Some(k) => return Err(ApiError::bad_request(format!("top_k = {k} must be >= 0"))),
    };
    let params = CompleteParams {
        prefix: format!("{}{}{}", extra_context(&r.input_extra), r.input_prefix, r.prompt),
        suffix: Some(r.input_suffix),
        language: None,
        max_tokens: n_predict,
        temperature: r.temperature,
        stop: r.stop,
        adapter: adapter_for(r.model.as_deref())?,
        // llama.cpp: seed -1 means random.
        sampling: SamplingOptions { top_p: r.top_p, top_k, seed: r.seed.filter(|s| *s >= 0).map(|s| s as u64) },
    };
    let generation = Generation::complete(ctx, params).await?;
    if !r.stream {
        let result = generation.finish().await?;
        return Ok(ok_json(&answer(&result, &result.text, true)));
    }
    Ok(stream_response(generation, "text/event-stream", sse, None, None, |piece| match piece {
        Ok(Piece::Delta(text)) => json!({ "content": text, "stop": false }),
        Ok(Piece::Done(result)) => answer(&result, "", true),
        Err(e) => json!({ "error": { "code": e.status.as_u16(), "message": e.message, "type": "server_error" } }),
    }))
}
