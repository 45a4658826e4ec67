//! The CPU path computes what the burn model computes: on the tiny reference models
//! (f32 weights, with a LoRA adapter of large random B so the low-rank path matters)
//! and on the real SmolLM2 GGUF (its own Q4_1 / Q8_0 blocks against the f32 model built
//! from the same blocks).

use burn::tensor::{Device, Int, Tensor, TensorData};

use super::{InferenceWeights, SeqCache, Workspace};
use crate::model::lora::{self, LoraSpec};
use crate::model::tests::{fixtures, smollm2_path};
use crate::model::transformer::Logits;
use crate::model::LoadedModel;

fn ids_tensor(ids: &[u32], device: &Device) -> Tensor<2, Int> {
    Tensor::from_data(TensorData::new(ids.iter().map(|&x| x as i64).collect::<Vec<_>>(), [1, ids.len()]), device)
}

/// Give every adapter a B of norm comparable to the weights (fresh adapters have B = 0).
fn perturb_adapters(m: &mut LoadedModel) {
    let mut rng = crate::model::sampling::Rng::new(5);
    let values = lora::adapters(&m.model)
        .into_iter()
        .map(|(role, a, b, _)| {
            let [r, out] = b.dims();
            let v: Vec<f32> = (0..r * out).map(|_| (rng.next_f64() as f32 - 0.5) * 0.2).collect();
            (role, a, Tensor::from_data(TensorData::new(v, [r, out]), &m.device))
        })
        .collect();
    m.model = lora::set_adapters(m.model.clone(), values);
}

/// Max |CPU - burn| over every position's logits of `ids`: the CPU path prefills the
/// first `split` tokens in one forward, then decodes the rest one at a time.
fn compare(m: &LoadedModel, ids: &[u32], split: usize, adapter: bool) -> f32 {
    let cpu = m.cpu.as_ref().expect("CPU path built");
    let burn: Vec<f32> = m.model.forward(ids_tensor(ids, &m.device), &m.rope, None, adapter, Logits::All).into_data().try_to_vec().unwrap();
    let v = m.cfg.vocab_size;
    let adapters = if adapter { super::adapters(&m.model) } else { None };
    let mut seq = SeqCache::new(cpu, ids.len());
    let mut ws = Workspace::default();
    let mut logits = Vec::new();
    let mut worst = 0f32;
    let mut at = 0;
    while at < ids.len() {
        let step = if at == 0 { split } else { 1 };
        cpu.forward(&mut [&mut seq], &[&ids[at..at + step]], adapters.as_deref(), &mut ws, &mut logits);
        at += step;
        let want = &burn[(at - 1) * v..at * v];
        worst = logits.iter().zip(want).map(|(a, b)| (a - b).abs()).fold(worst, f32::max);
    }
    worst
}

#[test]
fn tiny_models_match_the_burn_forward_with_and_without_adapter() {
    let device = Device::flex();
    for name in ["tiny-llama", "tiny-qwen3"] {
        let mut m = LoadedModel::load(&fixtures().join(name), 64, &device).unwrap();
        let spec = LoraSpec {
            rank: 4,
            alpha: 8.0,
            dropout: 0.0,
            targets: ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"].map(String::from).to_vec(),
        };
        m.model = lora::attach(m.model.clone(), &spec, 3, &device);
        perturb_adapters(&mut m);
        let ids: Vec<u32> = (0..20).map(|i| (i * 37 + 5) % m.cfg.vocab_size as u32).collect();
        for adapter in [false, true] {
            let d = compare(&m, &ids, 7, adapter);
            assert!(d <= 1e-4, "{name} adapter {adapter}: max |cpu - burn| = {d}");
        }
        // The adapter changes the output (so the comparison above covered the low-rank path).
        let on = m.model.forward(ids_tensor(&ids, &device), &m.rope, None, true, Logits::Last).into_data().try_to_vec::<f32>().unwrap();
        let off = m.model.forward(ids_tensor(&ids, &device), &m.rope, None, false, Logits::Last).into_data().try_to_vec::<f32>().unwrap();
        assert!(on.iter().zip(&off).any(|(a, b)| (a - b).abs() > 1e-2), "{name}: adapter has no effect");
    }
}

/// A group shares its prompt's cache: rows forked from one prefill decode as a row
/// that prefilled alone.
#[test]
fn forked_rows_equal_a_row_with_its_own_prefill() {
    let device = Device::flex();
    let m = LoadedModel::load(&fixtures().join("tiny-llama"), 64, &device).unwrap();
    let cpu = m.cpu.as_ref().unwrap();
    let prompt: Vec<u32> = (0..9).map(|i| (i * 13 + 1) % m.cfg.vocab_size as u32).collect();
    let mut ws = Workspace::default();
    let (mut a, mut b) = (Vec::new(), Vec::new());
    let mut alone = SeqCache::new(cpu, 16);
    cpu.forward(&mut [&mut alone], &[&prompt], None, &mut ws, &mut a);
    let mut pre = SeqCache::new(cpu, prompt.len());
    cpu.forward(&mut [&mut pre], &[&prompt], None, &mut ws, &mut b);
    let shared = std::sync::Arc::new(pre.own);
    let mut rows: Vec<SeqCache> = (0..3).map(|_| SeqCache::fork(cpu, shared.clone(), 4)).collect();
    for tok in [3u32, 8, 2] {
        cpu.forward(&mut [&mut alone], &[&[tok]], None, &mut ws, &mut a);
        let toks = [[tok], [tok], [tok]];
        cpu.forward(&mut rows.iter_mut().collect::<Vec<_>>(), &toks.iter().map(|t| &t[..]).collect::<Vec<_>>(), None, &mut ws, &mut b);
        for r in 0..3 {
            let row = &b[r * m.cfg.vocab_size..(r + 1) * m.cfg.vocab_size];
            let d = row.iter().zip(&a).map(|(x, y)| (x - y).abs()).fold(0.0, f32::max);
            assert!(d <= 1e-5, "row {r}: {d}");
        }
    }
}

/// The real GGUF: the quantized blocks used directly give the logits of the f32 model
/// built from the same blocks (summation order apart), as does the CPU path with every
/// block dequantized to f32.
#[test]
fn smollm2_quantized_path_matches_the_f32_model() {
    let device = Device::flex();
    let m = LoadedModel::load(&smollm2_path(), 128, &device).unwrap();
    let cpu = m.cpu.as_ref().unwrap();
    assert!(cpu.weight_bytes() < 120 << 20, "compact weights: {} bytes", cpu.weight_bytes());
    let ids = m.tokenizer.encode("def is_prime(n):\n    \"\"\"Return True if n is prime.\"\"\"\n", false).unwrap();
    let d = compare(&m, &ids, ids.len() - 4, false);
    eprintln!("GGUF blocks vs f32 model: max |logit diff| {d:.2e}");
    assert!(d <= 2e-3, "GGUF blocks vs f32 model: {d}");
    let dense = LoadedModel::load_with(&smollm2_path(), 128, &device, InferenceWeights::F32).unwrap();
    assert!(dense.cpu.as_ref().unwrap().weight_bytes() > 500 << 20);
    let d32 = compare(&dense, &ids, ids.len() - 4, false);
    assert!(d32 <= 2e-3, "f32 CPU path vs f32 model: {d32}");
}

/// The adapter copy (tens of ms for SmolLM2 at r=16) is made once per adapter version:
/// reused while the adapters are unchanged, remade after the trainer replaces them.
#[test]
fn adapter_copies_are_cached_per_version() {
    let device = Device::flex();
    let mut m = LoadedModel::load(&fixtures().join("tiny-llama"), 64, &device).unwrap();
    assert!(m.cpu_adapters().is_none(), "no adapters attached");
    let spec = LoraSpec { rank: 4, alpha: 8.0, dropout: 0.0, targets: ["q_proj", "v_proj", "down_proj"].map(String::from).to_vec() };
    m.model = lora::attach(m.model.clone(), &spec, 3, &device);
    let a = m.cpu_adapters().unwrap();
    assert!(std::sync::Arc::ptr_eq(&a, &m.cpu_adapters().unwrap()), "unchanged adapters: the same copy");
    perturb_adapters(&mut m);
    let b = m.cpu_adapters().unwrap();
    assert!(!std::sync::Arc::ptr_eq(&a, &b), "new adapter values: a new copy");
    let fresh = super::adapters(&m.model).unwrap();
    let bt = |x: &super::Adapters| x.layers[0][6].as_ref().unwrap().bt.clone();
    assert_eq!(bt(&b), bt(&fresh));
    assert_ne!(bt(&a), bt(&b));
}

/// A prompt that starts like an earlier one prefills only the rest (the kept prefill
/// is reused, truncated where the prompts part), and generates exactly what a model
/// without the cache generates; an adapter change makes the kept prefills unusable.
#[test]
fn kept_prompt_prefills_are_reused_and_change_nothing() {
    use crate::model::generate::GenerateRequest;
    use crate::model::sampling::SamplingParams;
    let device = Device::flex();
    let load = || {
        let mut m = LoadedModel::load(&fixtures().join("tiny-llama"), 64, &device).unwrap();
        let spec = LoraSpec { rank: 4, alpha: 8.0, dropout: 0.0, targets: crate::config::LORA_TARGETS.iter().map(|s| s.to_string()).collect() };
        m.model = lora::attach(m.model, &spec, 1, &device);
        perturb_adapters(&mut m);
        m
    };
    let req = |ids: &[u32], cache: bool| GenerateRequest {
        prompt_ids: ids.to_vec(),
        n: 2,
        max_new_tokens: 8,
        sampling: SamplingParams { temperature: 0.8, top_p: 1.0, top_k: 0 },
        stop: vec![],
        seed: 7,
        adapter: true,
        ignore_eos: true,
        cache_prompt: cache,
    };
    let first: Vec<u32> = (0..30).map(|i| (i * 37 + 11) % 200).collect();
    let mut second = first[..22].to_vec();
    second.extend((0..9).map(|i| (i * 13 + 5) % 200));
    let out = |m: &LoadedModel, ids: &[u32], cache: bool| -> Vec<(Vec<u32>, Vec<f32>)> {
        m.generate_many(vec![req(ids, cache)]).unwrap().remove(0).completions.into_iter().map(|c| (c.tokens, c.logprobs)).collect()
    };
    let same = |a: &[(Vec<u32>, Vec<f32>)], b: &[(Vec<u32>, Vec<f32>)]| {
        assert_eq!(a.len(), b.len());
        for ((ta, la), (tb, lb)) in a.iter().zip(b) {
            assert_eq!(ta, tb, "same tokens");
            assert!(la.iter().zip(lb).all(|(x, y)| (x - y).abs() < 1e-4), "log-probs {la:?} vs {lb:?}");
        }
    };
    let reference = load();
    let want = out(&reference, &second, false);
    assert_eq!(reference.prompt_cache.lock().unwrap().len(), 0, "uncached requests keep nothing");

    let m = load();
    out(&m, &first, true);
    let got = out(&m, &second, true);
    let (reused, prefilled) = {
        let c = m.prompt_cache.lock().unwrap();
        (c.reused_tokens, c.prefilled_tokens)
    };
    assert_eq!(reused, 22, "the shared start of the two prompts was reused");
    assert_eq!(prefilled, 30 + 9);
    same(&got, &want);
    // The very same prompt again: everything but its last token is reused.
    same(&out(&m, &second, true), &want);
    assert_eq!(m.prompt_cache.lock().unwrap().reused_tokens, 22 + 30);

    // A trainer step replaces the adapter: nothing kept under the old one is used.
    let mut m = m;
    perturb_adapters(&mut m);
    let mut fresh = load();
    perturb_adapters(&mut fresh);
    same(&out(&m, &second, true), &out(&fresh, &second, false));
    assert_eq!(m.prompt_cache.lock().unwrap().reused_tokens, 22 + 30, "no reuse across adapters");
}
