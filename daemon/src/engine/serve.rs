//! Serving on the engine thread: editor completions (`complete`, with fill-in-the-
//! middle when the tokenizer has FIM tokens) and chat (`generate`), with the base
//! model, the latest adapter, or the promoted (serving) one.

use std::time::Instant;

use rlvr_client::{AdapterChoice, CompleteParams, CompletionResult, GenerateParams, SamplingOptions, StreamChunk};

use super::{Engine, EngineError};
use crate::model::chat::{self, Message};
use crate::model::generate::{FinishReason, GenerateError, GenerateOutput, GenerateRequest};
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
/// Most new tokens one request may ask for.
pub const MAX_TOKENS_LIMIT: usize = 2048;

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

type StreamTx = tokio::sync::mpsc::Sender<StreamChunk>;

/// Tokens decoded between two streamed chunks.
const STREAM_CHUNK: usize = 4;

/// Most requests decoded together; more wait for the next batch (bounds the KV cache
/// of a burst of long chats).
const MAX_SERVE_BATCH: usize = 16;

/// Decode a batch, sending each streaming request's text deltas as they are produced
/// (every STREAM_CHUNK tokens) and handing each request's output to `done` as soon as
/// its row finishes, so a short completion never waits for a long chat in the same
/// batch. A subscriber that went away gets nothing more; when every unanswered request
/// is such a stream, decoding stops early.
fn decode_batch(e: &Engine, reqs: Vec<GenerateRequest>, streams: &[Option<&StreamTx>], done: &mut dyn FnMut(usize, Result<GenerateOutput, EngineError>)) {
    let mut answered = vec![false; reqs.len()];
    if let Err(err) = decode_into(e, reqs, streams, &mut answered, done) {
        // A backend failure ends the batch: every request not yet answered gets it.
        let err = std::sync::Arc::new(err);
        for i in (0..answered.len()).filter(|&i| !answered[i]) {
            done(i, Err(EngineError::Generate(err.clone())));
        }
    }
}

/// The body of [`decode_batch`]; `answered[i]` records which requests got their output.
fn decode_into(
    e: &Engine,
    reqs: Vec<GenerateRequest>,
    streams: &[Option<&StreamTx>],
    answered: &mut [bool],
    done: &mut dyn FnMut(usize, Result<GenerateOutput, EngineError>),
) -> Result<(), GenerateError> {
    let n = reqs.len();
    let mut d = e.model.start_many(reqs)?;
    let mut sent = vec![0usize; n];
    let mut open: Vec<bool> = streams.iter().map(Option::is_some).collect();
    while !d.is_done() {
        e.model.advance(&mut d, STREAM_CHUNK)?;
        for (r, tx) in streams.iter().enumerate() {
            let (Some(tx), true) = (tx, open[r]) else { continue };
            // Serving requests have n = 1: request r is row r.
            let text = e.model.tokenizer.decode(d.tokens(r));
            // Hold back a partial UTF-8 sequence (shown as U+FFFD) until it completes.
            if text.len() > sent[r] && !text.ends_with('\u{FFFD}') && text.is_char_boundary(sent[r]) {
                if tx.blocking_send(StreamChunk::Delta { text: text[sent[r]..].to_string() }).is_err() {
                    open[r] = false; // unsubscribed
                } else {
                    sent[r] = text.len();
                }
            }
        }
        for (i, answered) in answered.iter_mut().enumerate() {
            if !*answered && d.request_done(i) {
                done(i, Ok(e.model.output_of(&d, i)));
                *answered = true;
            }
        }
        if (0..n).all(|i| answered[i] || (streams[i].is_some() && !open[i])) {
            break;
        }
    }
    for (i, answered) in answered.iter_mut().enumerate() {
        if !*answered {
            done(i, Ok(e.model.output_of(&d, i)));
            *answered = true;
        }
    }
    Ok(())
}

/// A request turned into model input, waiting for its turn.
pub struct Prepared {
    req: GenerateRequest,
    adapter: AdapterChoice,
    used_suffix: bool,
    enqueued: Instant,
}

/// How a request asks to be decoded (the fields `complete` and `generate` share).
struct DecodeOptions<'a> {
    max_tokens: Option<usize>,
    temperature: Option<f64>,
    stop: &'a [String],
    adapter: AdapterChoice,
    sampling: SamplingOptions,
}

/// Build the generation request for `prompt`.
fn prepare(e: &Engine, prompt: &str, opts: DecodeOptions<'_>, enqueued: Instant, used_suffix: bool) -> Result<Prepared, EngineError> {
    let DecodeOptions { max_tokens, temperature, stop, adapter, sampling } = opts;
    let ids = e.model.tokenizer.encode(prompt, true)?;
    e.model.check_prompt(&ids).map_err(|err| EngineError::InvalidParams(err.to_string()))?;
    let temp = temperature.unwrap_or(0.0);
    if !(0.0..=10.0).contains(&temp) {
        return Err(EngineError::InvalidParams(format!("temperature {temp} must be in [0, 10]")));
    }
    if let Some(n) = max_tokens {
        if !(1..=MAX_TOKENS_LIMIT).contains(&n) {
            return Err(EngineError::InvalidParams(format!("max_tokens {n} must be between 1 and {MAX_TOKENS_LIMIT}")));
        }
    }
    let top_p = sampling.top_p.unwrap_or(0.95);
    if !(top_p > 0.0 && top_p <= 1.0) {
        return Err(EngineError::InvalidParams(format!("top_p {top_p} must be in (0, 1]")));
    }
    let req = GenerateRequest {
        prompt_ids: ids,
        n: 1,
        max_new_tokens: max_tokens.unwrap_or(DEFAULT_MAX_TOKENS),
        sampling: if temp == 0.0 {
            SamplingParams::greedy()
        } else {
            SamplingParams { temperature: temp as f32, top_p: top_p as f32, top_k: sampling.top_k.unwrap_or(0) }
        },
        stop: stop.to_vec(),
        seed: sampling.seed.unwrap_or_else(|| std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos() as u64) ^ 0x9E37),
        adapter: adapter != AdapterChoice::Base,
        ignore_eos: false,
        // An editor resends nearly the same prompt on every keystroke.
        cache_prompt: true,
    };
    Ok(Prepared { req, adapter, used_suffix, enqueued })
}

/// The label `status` and answers report for `choice`.
fn adapter_label(e: &Engine, choice: AdapterChoice) -> String {
    match (choice, &e.serving) {
        (AdapterChoice::Base, _) => "base".to_string(),
        (AdapterChoice::Serving, Some(s)) => format!("serving:{}", s.label),
        _ => "latest".to_string(),
    }
}

/// Run `f` with the adapter `choice` asks for; the promoted adapter is swapped in for
/// the duration only.
fn with_adapter<T>(e: &mut Engine, choice: AdapterChoice, f: impl FnOnce(&Engine) -> T) -> T {
    let saved = match (choice, &e.serving) {
        (AdapterChoice::Serving, Some(s)) => {
            let swapped = lora::set_adapters(e.model.model.clone(), s.values.clone());
            Some(std::mem::replace(&mut e.model.model, swapped))
        }
        _ => None,
    };
    let out = f(e);
    if let Some(m) = saved {
        e.model.model = m;
    }
    out
}

fn package(out: &GenerateOutput, label: &str, p: &Prepared, started: Instant) -> CompletionResult {
    let c = &out.completions[0];
    CompletionResult {
        text: c.text.clone(),
        finish_reason: finish_name(c.finish),
        prompt_tokens: out.prompt_tokens,
        completion_tokens: c.tokens.len(),
        adapter: label.to_string(),
        queue_s: started.duration_since(p.enqueued).as_secs_f64(),
        generate_s: started.elapsed().as_secs_f64(),
        used_suffix: p.used_suffix,
    }
}

/// Run requests that arrived together as shared batches, one per adapter choice and at
/// most MAX_SERVE_BATCH each (prompts of different lengths share a batch: see
/// `model::generate`). Concurrent editors then wait about one batch instead of one
/// generation per request ahead of them. `streams[i]`: where request i's text deltas go,
/// if it streams; `reply(i, answer)` is called once per request, as soon as it is done.
pub fn run_batch(e: &mut Engine, items: Vec<Prepared>, streams: &[Option<&StreamTx>], reply: &mut dyn FnMut(usize, Result<CompletionResult, EngineError>)) {
    for choice in [AdapterChoice::Base, AdapterChoice::Latest, AdapterChoice::Serving] {
        let idx: Vec<usize> = (0..items.len()).filter(|&i| items[i].adapter == choice).collect();
        for part in idx.chunks(MAX_SERVE_BATCH) {
            let started = Instant::now();
            let label = adapter_label(e, choice);
            let reqs = part.iter().map(|&i| items[i].req.clone()).collect();
            let part_streams: Vec<Option<&StreamTx>> = part.iter().map(|&i| streams[i]).collect();
            with_adapter(e, choice, |e| {
                decode_batch(e, reqs, &part_streams, &mut |j, out| {
                    let i = part[j];
                    reply(i, out.map(|o| package(&o, &label, &items[i], started)));
                })
            });
        }
    }
}

/// The model input of a `complete` request (FIM prompt when a suffix is given).
pub fn prepare_complete(e: &Engine, p: &CompleteParams, enqueued: Instant) -> Result<Prepared, EngineError> {
    if p.prefix.is_empty() && p.suffix.as_deref().unwrap_or("").is_empty() {
        return Err(EngineError::InvalidParams("prefix and suffix are both empty".into()));
    }
    let (prompt, used_suffix) = match p.suffix.as_deref().filter(|s| !s.is_empty()).and_then(|s| fim_prompt(e, &p.prefix, s)) {
        Some(fim) => (fim, true),
        None => (p.prefix.clone(), false),
    };
    let opts = DecodeOptions { max_tokens: p.max_tokens, temperature: p.temperature, stop: &p.stop, adapter: p.adapter, sampling: p.sampling };
    prepare(e, &prompt, opts, enqueued, used_suffix)
}

/// The model input of a chat request.
pub fn prepare_chat(e: &Engine, p: &GenerateParams, enqueued: Instant) -> Result<Prepared, EngineError> {
    if p.messages.is_empty() {
        return Err(EngineError::InvalidParams("messages is empty".into()));
    }
    let msgs: Vec<Message> = p.messages.iter().map(|m| Message { role: m.role.clone(), content: m.content.clone() }).collect();
    let tok = &e.model.tokenizer;
    let template = if e.cfg().model.chat_template == crate::config::ChatTemplateMode::Auto { tok.chat_template.as_deref() } else { None };
    let prompt = chat::render(tok, template, &msgs, true)?;
    let opts = DecodeOptions { max_tokens: p.max_tokens.or(Some(256)), temperature: p.temperature, stop: &p.stop, adapter: p.adapter, sampling: p.sampling };
    prepare(e, &prompt, opts, enqueued, false)
}
