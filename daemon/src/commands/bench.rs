//! `rlvrd bench generate`: prefill and decode throughput (batch 1 and a GRPO-sized
//! batch) and peak RSS, printed as JSON. Speed targets live here, not in tests.

use serde_json::json;

use super::{load_model, peak_rss_bytes};
use crate::config::Config;
use crate::model::generate::GenerateRequest;
use crate::model::sampling::SamplingParams;

/// Options of `rlvrd bench generate`.
pub struct BenchGenerateOpts {
    pub prompt_tokens: usize,
    pub new_tokens: usize,
    pub batch: usize,
    pub repeats: usize,
}

pub fn generate(cfg: &Config, o: &BenchGenerateOpts) -> anyhow::Result<()> {
    let (m, dev, load_s) = load_model(cfg)?;
    // A code-like prompt of the requested length.
    let base = "def add(a, b):\n    \"\"\"Return the sum of a and b.\"\"\"\n    return a + b\n\n";
    let mut ids = Vec::new();
    while ids.len() < o.prompt_tokens {
        ids.extend(m.tokenizer.encode(base, false)?);
    }
    ids.truncate(o.prompt_tokens);
    let run = |n: usize, seed: u64| -> anyhow::Result<(f64, f64, usize)> {
        let req = GenerateRequest {
            prompt_ids: ids.clone(),
            n,
            max_new_tokens: o.new_tokens,
            sampling: SamplingParams { temperature: 1.0, top_p: 1.0, top_k: 0 },
            stop: vec![],
            seed,
            adapter: false,
            ignore_eos: true,
        };
        let out = m.generate(&req)?;
        let toks: usize = out.completions.iter().map(|c| c.tokens.len()).sum();
        Ok((out.prefill_s, out.decode_s, toks))
    };
    // Warm-up (first-use allocations, thread pool start).
    run(1, 0)?;
    let mut prefill = Vec::new();
    let mut decode1 = Vec::new();
    let mut decode_b = Vec::new();
    for r in 0..o.repeats.max(1) {
        let (p, d, t) = run(1, r as u64 + 1)?;
        prefill.push(o.prompt_tokens as f64 / p);
        decode1.push((t - 1) as f64 / d);
        let (_, d, t) = run(o.batch, r as u64 + 100)?;
        decode_b.push((t - o.batch) as f64 / d);
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(|a, b| a.total_cmp(b));
        v[v.len() / 2]
    };
    let v = json!({
        "bench": "generate",
        "model": m.info(),
        "backend": dev.info,
        "load_s": load_s,
        "prompt_tokens": o.prompt_tokens,
        "new_tokens": o.new_tokens,
        "batch": o.batch,
        "repeats": o.repeats,
        "prefill_tokens_per_s": median(&mut prefill),
        "decode_tokens_per_s_batch1": median(&mut decode1),
        "decode_tokens_per_s_batch": median(&mut decode_b),
        "peak_rss_bytes": peak_rss_bytes(),
    });
    println!("{}", serde_json::to_string_pretty(&v)?);
    Ok(())
}
