//! `rlvrd bench generate`: prefill and decode throughput (batch 1 and a GRPO-sized
//! batch) and peak RSS, printed as JSON. Speed targets live here, not in tests.

use serde_json::json;

use super::{load_model_or_synthetic, peak_rss_bytes};
use crate::config::Config;
use crate::model::generate::GenerateRequest;
use crate::model::sampling::SamplingParams;

/// Options of `rlvrd bench generate`.
pub struct BenchGenerateOpts {
    /// Random weights shaped by this config.json instead of the configured model.
    pub synthetic: Option<std::path::PathBuf>,
    pub prompt_tokens: usize,
    pub new_tokens: usize,
    pub batch: usize,
    pub repeats: usize,
}

pub fn generate(cfg: &Config, o: &BenchGenerateOpts) -> anyhow::Result<()> {
    let (m, dev, load_s) = load_model_or_synthetic(cfg, o.synthetic.as_deref())?;
    // A code-like prompt of the requested length (token ids cycle for synthetic models).
    let base = "def add(a, b):\n    \"\"\"Return the sum of a and b.\"\"\"\n    return a + b\n\n";
    let mut ids = Vec::new();
    while ids.len() < o.prompt_tokens {
        match o.synthetic {
            Some(_) => ids.push((ids.len() * 7919 % m.cfg.vocab_size) as u32),
            None => ids.extend(m.tokenizer.encode(base, false)?),
        }
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
        "synthetic_weights": o.synthetic.is_some(),
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

/// `rlvrd bench parity`: the wgpu backend against the CPU backend and against the
/// transformers reference logits of the tiny fixtures; plus a full-size synthetic model
/// (CPU vs wgpu, same seeded weights). Prints JSON.
pub fn parity(fixtures: &std::path::Path, synthetic: Option<&std::path::Path>) -> anyhow::Result<()> {
    use burn::tensor::{Device, Int, Tensor, TensorData};
    use crate::config::{BackendConfig, BackendKind};
    use crate::model::{rope::Rope, transformer::Logits, weights};

    let gpu = crate::backend::select(&BackendConfig { kind: BackendKind::Wgpu, threads: 0 })?;
    let cpu = Device::flex();
    let logits_of = |m: &crate::model::transformer::Transformer, rope: &Rope, ids: &[i64], dev: &Device| -> anyhow::Result<Vec<f32>> {
        let t = Tensor::<2, Int>::from_data(TensorData::new(ids.to_vec(), [1, ids.len()]), dev);
        Ok(m.forward(t, rope, None, false, Logits::All).into_data().try_to_vec::<f32>().map_err(|e| anyhow::anyhow!("{e:?}"))?)
    };
    let max_abs = |a: &[f32], b: &[f32]| a.iter().zip(b).map(|(x, y)| (x - y).abs()).fold(0f32, f32::max);
    let mut report = serde_json::Map::new();
    for name in ["tiny-llama", "tiny-qwen3"] {
        let dir = fixtures.join(name);
        let reference: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(dir.join("reference.json"))?)?;
        let ids: Vec<i64> = reference["input_ids"][0].as_array().unwrap_or(&vec![]).iter().filter_map(|x| x.as_i64()).collect();
        let want: Vec<f32> = reference["logits"][0].as_array().unwrap_or(&vec![]).iter()
            .flat_map(|p| p.as_array().cloned().unwrap_or_default()).filter_map(|x| x.as_f64()).map(|x| x as f32).collect();
        let mut row = serde_json::Map::new();
        for (label, dev) in [("cpu", &cpu), ("wgpu", &gpu.device)] {
            let (acfg, model) = weights::load_hf(&dir, dev)?;
            let rope = Rope::new(&acfg, 64, dev);
            let got = logits_of(&model, &rope, &ids, dev)?;
            row.insert(format!("{label}_vs_transformers_max_abs"), json!(max_abs(&got, &want)));
        }
        report.insert(name.into(), row.into());
    }
    if let Some(c) = synthetic {
        let acfg = crate::model::config::ArchConfig::from_hf_config(c)?;
        let ids: Vec<i64> = (0..64).map(|i| (i * 7919 % acfg.vocab_size) as i64).collect();
        let run = |dev: &Device| -> anyhow::Result<Vec<f32>> {
            let model = weights::load_random(&acfg, 0, dev)?;
            let rope = Rope::new(&acfg, 128, dev);
            logits_of(&model, &rope, &ids, dev)
        };
        let (a, b) = (run(&cpu)?, run(&gpu.device)?);
        let norm = |v: &[f32]| v.iter().map(|x| (*x as f64).powi(2)).sum::<f64>().sqrt();
        let diff: Vec<f32> = a.iter().zip(&b).map(|(x, y)| x - y).collect();
        report.insert("synthetic".into(), json!({
            "config": c.display().to_string(),
            "cpu_vs_wgpu_max_abs": max_abs(&a, &b),
            "cpu_vs_wgpu_rel_l2": norm(&diff) / norm(&a).max(1e-30),
            "logit_abs_max": a.iter().map(|x| x.abs()).fold(0f32, f32::max),
        }));
    }
    report.insert("wgpu_device".into(), json!(gpu.info.device));
    println!("{}", serde_json::to_string_pretty(&serde_json::Value::Object(report))?);
    Ok(())
}

/// `rlvrd bench train`: seconds per trainer step split into generate / verify /
/// update, with G completions for `tasks` prompts of `new_tokens` tokens, and peak RSS.
/// Runs in a throw-away state directory (the configured one is not touched).
pub fn train(cfg: &Config, group: usize, tasks: usize, new_tokens: usize, steps: u64) -> anyhow::Result<()> {
    let dir = std::env::temp_dir().join(format!("rlvrd-bench-train-{}", std::process::id()));
    let mut cfg = cfg.clone();
    cfg.state_dir = Some(dir.clone());
    cfg.rl.group_size = group;
    cfg.rl.tasks_per_step = tasks;
    cfg.rl.max_new_tokens = new_tokens;
    cfg.rl.micro_batch = group;
    cfg.checkpoints.every_steps = 0;
    cfg.eval.every_steps = 0;
    cfg.tasks.watch = false;
    let opts = super::train::TrainOpts { steps, metrics_out: None, json: false, quiet: true };
    let records = super::train::run_steps(&cfg, &opts);
    let _ = std::fs::remove_dir_all(&dir);
    let records = records?;
    let n = records.len().max(1) as f64;
    let mean = |f: fn(&rlvr_client::metrics::StepRecord) -> f64| records.iter().map(f).sum::<f64>() / n;
    let v = json!({
        "bench": "train",
        "model": cfg.model.path,
        "backend": crate::backend::describe(&cfg.backend),
        "group_size": group,
        "prompts": tasks,
        "max_new_tokens": new_tokens,
        "steps": records.len(),
        "seconds_per_step": mean(|r| r.generate_s + r.verify_s + r.update_s),
        "generate_s": mean(|r| r.generate_s),
        "verify_s": mean(|r| r.verify_s),
        "update_s": mean(|r| r.update_s),
        "mean_completion_tokens": mean(|r| r.completion_length.mean_tokens),
        "peak_rss_bytes": peak_rss_bytes(),
    });
    println!("{}", serde_json::to_string_pretty(&v)?);
    Ok(())
}
