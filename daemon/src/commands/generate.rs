//! `rlvrd generate`: one-shot generation from the command line (how users sanity-check
//! a model, and how reference outputs are compared).

use serde_json::json;

use super::{load_model, use_chat};
use rlvrd::config::Config;
use rlvrd::model::generate::GenerateRequest;
use rlvrd::model::sampling::SamplingParams;

/// Options of `rlvrd generate`.
pub struct GenerateOpts {
    pub prompt: String,
    pub greedy: bool,
    pub max_tokens: usize,
    pub temperature: f32,
    pub top_p: f32,
    pub top_k: usize,
    pub seed: u64,
    pub n: usize,
    pub raw: bool,
    pub stop: Vec<String>,
    pub json: bool,
}

pub fn run(cfg: &Config, o: &GenerateOpts) -> anyhow::Result<()> {
    let (m, dev, load_s) = load_model(cfg)?;
    let text = m.format_prompt(&o.prompt, cfg.model.system_prompt.as_deref(), use_chat(cfg) && !o.raw)?;
    let prompt_ids = m.tokenizer.encode(&text, true)?;
    let sampling = if o.greedy { SamplingParams::greedy() } else { SamplingParams { temperature: o.temperature, top_p: o.top_p, top_k: o.top_k } };
    let req = GenerateRequest {
        prompt_ids: prompt_ids.clone(),
        n: o.n,
        max_new_tokens: o.max_tokens,
        sampling,
        stop: o.stop.clone(),
        seed: o.seed,
        adapter: false,
        ignore_eos: false,
        cache_prompt: false,
    };
    let out = m.generate(&req)?;
    let new_tokens: usize = out.completions.iter().map(|c| c.tokens.len()).sum();
    if o.json {
        let v = json!({
            "model": m.info(),
            "backend": dev.info,
            "prompt": text,
            "prompt_token_ids": prompt_ids,
            "completions": out.completions.iter().map(|c| json!({
                "token_ids": c.tokens,
                "text": c.text,
                "logprobs": c.logprobs,
                "finish_reason": c.finish,
            })).collect::<Vec<_>>(),
            "timings": {
                "load_s": load_s,
                "prefill_s": out.prefill_s,
                "decode_s": out.decode_s,
                "prefill_tokens_per_s": out.prompt_tokens as f64 / out.prefill_s.max(1e-9),
                "decode_tokens_per_s": new_tokens as f64 / out.decode_s.max(1e-9),
            },
        });
        println!("{}", serde_json::to_string_pretty(&v)?);
    } else {
        for (i, c) in out.completions.iter().enumerate() {
            if out.completions.len() > 1 {
                println!("--- completion {} ({:?}, {} tokens)", i + 1, c.finish, c.tokens.len());
            }
            println!("{}", c.text);
        }
        eprintln!(
            "[{} prompt tokens, {} new; load {:.1}s, prefill {:.2}s, decode {:.2}s = {:.1} tok/s on {}]",
            out.prompt_tokens,
            new_tokens,
            load_s,
            out.prefill_s,
            out.decode_s,
            new_tokens as f64 / out.decode_s.max(1e-9),
            dev.info.device
        );
    }
    Ok(())
}
