//! Serving on the engine thread: editor completions (`complete`, with fill-in-the-
//! middle when the tokenizer has FIM tokens) and chat (`generate`), with the base
//! model, the latest adapter, or the promoted (serving) one.

use std::time::Instant;

use rlvr_client::{AdapterChoice, CompleteParams, CompletionResult, GenerateParams, StreamChunk};

use super::{Engine, EngineError};
use crate::model::chat::{self, Message};
use crate::model::generate::{FinishReason, GenerateOutput, GenerateRequest};
use crate::model::lora;
use crate::model::sampling::SamplingParams;
use crate::model::weights::Role;
use burn::tensor::Tensor;

/// A promoted adapter kept beside the one being trained.
pub struct ServingAdapter {
    pub label: String,
    pub values: Vec<(Role, Tensor<2>, Tensor<2>)>,
}

const DEFAULT_MAX_TOKENS: usize = 64;
const MAX_TOKENS_LIMIT: usize = 2048;

/// FIM prompt `prefix`/`suffix` in the tokenizer's FIM dialect, if it has one.
fn fim_prompt(e: &Engine, prefix: &str, suffix: &str) -> Option<String> {
    let tok = &e.model.tokenizer;
    for (p, s, m) in [("<fim_prefix>", "<fim_suffix>", "<fim_middle>"), ("<|fim_prefix|>", "<|fim_suffix|>", "<|fim_middle|>")] {
        if tok.token_to_id(p).is_some() && tok.token_to_id(s).is_some() && tok.token_to_id(m).is_some() {
            return Some(format!("{p}{prefix}{s}{suffix}{m}"));
        }
    }
    None
}

fn finish_name(f: FinishReason) -> String {
    match f {
        FinishReason::Eos => "eos",
        FinishReason::Stop => "stop",
        FinishReason::Length => "length",
    }
    .into()
}

/// Where streamed text goes (`None`: answer once at the end).
pub type Stream<'a> = Option<&'a tokio::sync::mpsc::Sender<StreamChunk>>;

/// Tokens decoded between two streamed chunks.
const STREAM_CHUNK: usize = 4;

/// Generate, sending text deltas to `stream` as they are produced. Stops early when
/// the subscriber went away.
fn generate_streaming(e: &Engine, req: &GenerateRequest, stream: Stream<'_>) -> Result<GenerateOutput, EngineError> {
    let Some(tx) = stream else {
        return e.model.generate(req).map_err(|err| EngineError::Failed(err.to_string()));
    };
    let mut d = e.model.start(req.clone()).map_err(|err| EngineError::Failed(err.to_string()))?;
    let mut sent = 0;
    while !d.is_done() {
        e.model.advance(&mut d, STREAM_CHUNK).map_err(|err| EngineError::Failed(err.to_string()))?;
        let text = e.model.tokenizer.decode(d.tokens(0));
        // Hold back a partial UTF-8 sequence (shown as U+FFFD) until it completes.
        if text.len() > sent && !text.ends_with('\u{FFFD}') && text.is_char_boundary(sent) {
            if tx.blocking_send(StreamChunk::Delta { text: text[sent..].to_string() }).is_err() {
                break; // unsubscribed
            }
            sent = text.len();
        }
    }
    Ok(e.model.finish(d))
}

/// Run one generation with the chosen adapter and package the answer.
#[allow(clippy::too_many_arguments)]
fn run(e: &mut Engine, prompt: &str, max_tokens: Option<usize>, temperature: Option<f64>, stop: &[String], adapter: AdapterChoice, enqueued: Instant, used_suffix: bool, stream: Stream<'_>) -> Result<CompletionResult, EngineError> {
    let queue_s = enqueued.elapsed().as_secs_f64();
    let t = Instant::now();
    let ids = e.model.tokenizer.encode(prompt, true).map_err(|err| EngineError::Failed(err.to_string()))?;
    let temp = temperature.unwrap_or(0.0);
    if !(0.0..=10.0).contains(&temp) {
        return Err(EngineError::Failed(format!("temperature {temp} must be in [0, 10]")));
    }
    let req = GenerateRequest {
        prompt_ids: ids,
        n: 1,
        max_new_tokens: max_tokens.unwrap_or(DEFAULT_MAX_TOKENS).clamp(1, MAX_TOKENS_LIMIT),
        sampling: if temp == 0.0 { SamplingParams::greedy() } else { SamplingParams { temperature: temp as f32, top_p: 0.95, top_k: 0 } },
        stop: stop.to_vec(),
        seed: t.elapsed().as_nanos() as u64 ^ 0x9E37,
        adapter: adapter != AdapterChoice::Base,
        ignore_eos: false,
    };
    // The promoted adapter is swapped in for this request only.
    let (label, saved) = match (adapter, &e.serving) {
        (AdapterChoice::Base, _) => ("base".to_string(), None),
        (AdapterChoice::Serving, Some(s)) => {
            let swapped = lora::set_adapters(e.model.model.clone(), s.values.clone());
            (format!("serving:{}", s.label), Some(std::mem::replace(&mut e.model.model, swapped)))
        }
        _ => ("latest".to_string(), None),
    };
    let out = generate_streaming(e, &req, stream);
    if let Some(m) = saved {
        e.model.model = m;
    }
    let out = out?;
    let c = &out.completions[0];
    Ok(CompletionResult {
        text: c.text.clone(),
        finish_reason: finish_name(c.finish),
        prompt_tokens: out.prompt_tokens,
        completion_tokens: c.tokens.len(),
        adapter: label,
        queue_s,
        generate_s: t.elapsed().as_secs_f64(),
        used_suffix,
    })
}

/// `complete`: continue the code at the cursor.
pub fn complete(e: &mut Engine, p: &CompleteParams, enqueued: Instant, stream: Stream<'_>) -> Result<CompletionResult, EngineError> {
    if p.prefix.is_empty() && p.suffix.as_deref().unwrap_or("").is_empty() {
        return Err(EngineError::Failed("prefix and suffix are both empty".into()));
    }
    let (prompt, used_suffix) = match p.suffix.as_deref().filter(|s| !s.is_empty()).and_then(|s| fim_prompt(e, &p.prefix, s)) {
        Some(fim) => (fim, true),
        None => (p.prefix.clone(), false),
    };
    run(e, &prompt, p.max_tokens, p.temperature, &p.stop, p.adapter, enqueued, used_suffix, stream)
}

/// `generate`: chat messages through the checkpoint's chat template.
pub fn chat(e: &mut Engine, p: &GenerateParams, enqueued: Instant, stream: Stream<'_>) -> Result<CompletionResult, EngineError> {
    if p.messages.is_empty() {
        return Err(EngineError::Failed("messages is empty".into()));
    }
    let msgs: Vec<Message> = p.messages.iter().map(|m| Message { role: m.role.clone(), content: m.content.clone() }).collect();
    let tok = &e.model.tokenizer;
    let template = if e.cfg().model.chat_template == crate::config::ChatTemplateMode::Auto { tok.chat_template.as_deref() } else { None };
    let prompt = chat::render(tok, template, &msgs, true).map_err(|err| EngineError::Failed(err.to_string()))?;
    run(e, &prompt, p.max_tokens.or(Some(256)), p.temperature, &p.stop, p.adapter, enqueued, false, stream)
}
