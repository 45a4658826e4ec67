//! `rlvrd bench generate`: prefill and decode throughput (batch 1 and a GRPO-sized
//! batch) and peak RSS, printed as JSON. Speed targets live here, not in tests.

use serde_json::json;

use super::{load_model_or_synthetic, peak_rss_bytes};
use rlvrd::config::Config;
use rlvrd::model::generate::GenerateRequest;
use rlvrd::model::sampling::SamplingParams;

/// Options of `rlvrd bench generate`.
pub struct BenchGenerateOpts {
    /// Random weights shaped by this config.json instead of the configured model.
    pub synthetic: Option<std::path::PathBuf>,
    pub prompt_tokens: usize,
    pub new_tokens: usize,
    /// Batches for the decode measurement (1 = one editor request, 8 = a GRPO group
    /// sharing its prompt, 32 = a training step's rollouts).
    pub batches: Vec<usize>,
    /// Prompt length of the time-to-first-token measurement (an editor's context).
    pub ttft_tokens: usize,
    pub repeats: usize,
}

pub fn generate(cfg: &Config, o: &BenchGenerateOpts) -> anyhow::Result<()> {
    let (m, dev, load_s) = load_model_or_synthetic(cfg, o.synthetic.as_deref())?;
    // A code-like prompt of the requested length (token ids cycle for synthetic models).
    let base = "def add(a, b):\n    \"\"\"Return the sum of a and b.\"\"\"\n    return a + b\n\n";
    let prompt = |n: usize| -> anyhow::Result<Vec<u32>> {
        let mut ids = Vec::new();
        while ids.len() < n {
            match o.synthetic {
                Some(_) => ids.push((ids.len() * 7919 % m.cfg.vocab_size) as u32),
                None => ids.extend(m.tokenizer.encode(base, false)?),
            }
        }
        ids.truncate(n);
        Ok(ids)
    };
    let ids = prompt(o.prompt_tokens)?;
    let request = |ids: &[u32], n: usize, max_new: usize, seed: u64| GenerateRequest {
        prompt_ids: ids.to_vec(),
        n,
        max_new_tokens: max_new,
        sampling: SamplingParams { temperature: 1.0, top_p: 1.0, top_k: 0 },
        stop: vec![],
        seed,
        adapter: false,
        ignore_eos: true,
        cache_prompt: false,
    };
    // (prefill s, decode s, tokens after the first of each row)
    let run = |n: usize, seed: u64| -> anyhow::Result<(f64, f64, usize)> {
        let out = m.generate(&request(&ids, n, o.new_tokens, seed))?;
        let toks: usize = out.completions.iter().map(|c| c.tokens.len().saturating_sub(1)).sum();
        Ok((out.prefill_s, out.decode_s, toks))
    };
    // Warm-up (first-use allocations, thread pool start).
    run(1, 0)?;
    let mut prefill = Vec::new();
    let mut decode = serde_json::Map::new();
    for &b in &o.batches {
        let mut v = Vec::new();
        for r in 0..o.repeats.max(1) {
            let (p, d, t) = run(b, r as u64 + 1)?;
            if b == 1 {
                prefill.push(o.prompt_tokens as f64 / p);
            }
            v.push(t as f64 / d);
        }
        decode.insert(b.to_string(), json!(median(&mut v)));
    }
    // Time to first token of an editor-sized prompt: prefill, then one sampled token.
    let mut ttft = Vec::new();
    if o.ttft_tokens > 0 {
        let long = prompt(o.ttft_tokens.min(m.max_seq_len - 2))?;
        for r in 0..o.repeats.max(1) {
            let t = std::time::Instant::now();
            m.generate(&request(&long, 1, 1, r as u64))?;
            ttft.push(t.elapsed().as_secs_f64());
        }
    }
    let cpu = m.cpu.as_ref().map(|c| {
        json!({
            "isa": rlvrd::model::cpu::kernels::isa().name(),
            "weights": cfg.model.inference_weights,
            "weight_bytes": c.weight_bytes(),
            "threads": rayon::current_num_threads(),
        })
    });
    let v = json!({
        "bench": "generate",
        "model": m.info(),
        "synthetic_weights": o.synthetic.is_some(),
        "backend": dev.info,
        "cpu_path": cpu,
        "load_s": load_s,
        "prompt_tokens": o.prompt_tokens,
        "new_tokens": o.new_tokens,
        "repeats": o.repeats,
        "prefill_tokens_per_s": if prefill.is_empty() { None } else { Some(median(&mut prefill)) },
        "decode_tokens_per_s": decode,
        "ttft_prompt_tokens": o.ttft_tokens,
        "ttft_s": if ttft.is_empty() { None } else { Some(median(&mut ttft)) },
        "peak_rss_bytes": peak_rss_bytes(),
    });
    println!("{}", serde_json::to_string_pretty(&v)?);
    Ok(())
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

/// `rlvrd bench parity`: the wgpu backend against the CPU backend and against the
/// transformers reference logits of the tiny fixtures; plus a full-size synthetic model
/// (CPU vs wgpu, same seeded weights). Prints JSON.
pub fn parity(fixtures: &std::path::Path, synthetic: Option<&std::path::Path>) -> anyhow::Result<()> {
    use burn::tensor::{Device, Int, Tensor, TensorData};
    use rlvrd::config::{BackendConfig, BackendKind};
    use rlvrd::model::{rope::Rope, transformer::Logits, weights};

    let gpu = rlvrd::backend::select(&BackendConfig { kind: BackendKind::Wgpu, threads: 0 })?;
    let cpu = Device::flex();
    let logits_of = |m: &rlvrd::model::transformer::Transformer, rope: &Rope, ids: &[i64], dev: &Device| -> anyhow::Result<Vec<f32>> {
        let t = Tensor::<2, Int>::from_data(TensorData::new(ids.to_vec(), [1, ids.len()]), dev);
        m.forward(t, rope, None, false, Logits::All).into_data().try_to_vec::<f32>().map_err(|e| anyhow::anyhow!("{e:?}"))
    };
    let max_abs = |a: &[f32], b: &[f32]| a.iter().zip(b).map(|(x, y)| (x - y).abs()).fold(0f32, f32::max);
    let mut report = serde_json::Map::new();
    for name in ["tiny-llama", "tiny-qwen3"] {
        let dir = fixtures.join(name);
        let reference: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(dir.join("reference.json"))?)?;
        let ids: Vec<i64> = reference["input_ids"][0].as_array().unwrap_or(&vec![]).iter().filter_map(|x| x.as_i64()).collect();
        let want: Vec<f32> = reference["logits"][0]
            .as_array()
            .unwrap_or(&vec![])
            .iter()
            .flat_map(|p| p.as_array().cloned().unwrap_or_default())
            .filter_map(|x| x.as_f64())
            .map(|x| x as f32)
            .collect();
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
        let acfg = rlvrd::model::config::ArchConfig::from_hf_config(c)?;
        let ids: Vec<i64> = (0..64).map(|i| (i * 7919 % acfg.vocab_size) as i64).collect();
        let run = |dev: &Device| -> anyhow::Result<Vec<f32>> {
            let model = weights::load_random(&acfg, 0, dev)?;
            let rope = Rope::new(&acfg, 128, dev);
            logits_of(&model, &rope, &ids, dev)
        };
        let (a, b) = (run(&cpu)?, run(&gpu.device)?);
        let norm = |v: &[f32]| v.iter().map(|x| (*x as f64).powi(2)).sum::<f64>().sqrt();
        let diff: Vec<f32> = a.iter().zip(&b).map(|(x, y)| x - y).collect();
        report.insert(
            "synthetic".into(),
            json!({
                "config": c.display().to_string(),
                "cpu_vs_wgpu_max_abs": max_abs(&a, &b),
                "cpu_vs_wgpu_rel_l2": norm(&diff) / norm(&a).max(1e-30),
                "logit_abs_max": a.iter().map(|x| x.abs()).fold(0f32, f32::max),
            }),
        );
    }
    report.insert("wgpu_device".into(), json!(gpu.info.device));
    println!("{}", serde_json::to_string_pretty(&serde_json::Value::Object(report))?);
    Ok(())
}

/// `rlvrd bench train`: seconds per trainer step split into generate / verify /
/// update, with G completions for `tasks` prompts of `new_tokens` tokens, and peak RSS.
/// Runs in a throw-away state directory (the configured one is not touched).
pub fn train(cfg: &Config, group: usize, tasks: usize, new_tokens: usize, steps: u64, micro_batch: usize, checkpoint: bool) -> anyhow::Result<()> {
    let dir = std::env::temp_dir().join(format!("rlvrd-bench-train-{}", std::process::id()));
    let mut cfg = cfg.clone();
    cfg.state_dir = Some(dir.clone());
    cfg.rl.group_size = group;
    cfg.rl.tasks_per_step = tasks;
    cfg.rl.max_new_tokens = new_tokens;
    cfg.rl.micro_batch = micro_batch.max(1);
    cfg.rl.checkpoint_activations = checkpoint;
    cfg.checkpoints.every_steps = 0;
    cfg.eval.every_steps = 0;
    cfg.tasks.watch = false;
    let opts = super::train::TrainOpts { steps, max_minutes: None, metrics_out: None, json: false, quiet: true };
    let records = super::train::run_steps(&cfg, &opts);
    let _ = std::fs::remove_dir_all(&dir);
    let records = records?;
    let n = records.len().max(1) as f64;
    let mean = |f: fn(&rlvr_client::metrics::StepRecord) -> f64| records.iter().map(f).sum::<f64>() / n;
    let v = json!({
        "bench": "train",
        "model": cfg.model.path,
        "backend": rlvrd::backend::describe(&cfg.backend),
        "group_size": group,
        "prompts": tasks,
        "max_new_tokens": new_tokens,
        "micro_batch": micro_batch,
        "checkpoint_activations": checkpoint,
        "steps": records.len(),
        "seconds_per_step": mean(|r| r.generate_s + r.verify_s + r.update_s),
        "generate_s": mean(|r| r.generate_s),
        "verify_s": mean(|r| r.verify_s),
        "update_s": mean(|r| r.update_s),
        "mean_completion_tokens": mean(|r| r.completion_length.mean_tokens),
        // The engine restarts the kernel's high-water mark at each phase: the peak
        // per phase, and the larger of the two.
        "rollout_peak_rss_bytes": records.iter().map(|r| r.rollout_peak_rss_bytes).max(),
        "update_peak_rss_bytes": records.iter().map(|r| r.update_peak_rss_bytes).max(),
        "peak_rss_bytes": records.iter().flat_map(|r| [r.rollout_peak_rss_bytes, r.update_peak_rss_bytes]).max(),
    });
    println!("{}", serde_json::to_string_pretty(&v)?);
    Ok(())
}
