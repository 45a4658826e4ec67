//! The trainer proven on tiny models (CPU backend): gradients against finite
//! differences, adapter identity and PEFT round trips, a PEFT-made fixture, learning
//! on a toy verifiable reward, and zero-variance groups.

use burn::module::Module;
use burn::tensor::{Device, Tensor, TensorData};

use super::logprobs::{token_logprobs, ScoreBatch};
use super::losses::{policy_loss, LossInputs, LossParams};
use super::trainer::Trainer;
use crate::config::{AdvantageScaling, LossKind, RlConfig};
use crate::model::lora::{self, LoraSpec};
use crate::model::rope::Rope;
use crate::model::tests::fixtures;
use crate::model::tokenizer::TextTokenizer;
use crate::model::transformer::{Logits, Transformer};
use crate::model::{weights, LoadedModel};

fn all_targets() -> Vec<String> {
    crate::config::LORA_TARGETS.iter().map(|s| s.to_string()).collect()
}

fn tiny(name: &str) -> (crate::model::config::ArchConfig, Transformer, Rope) {
    let d = Device::flex();
    let (cfg, m) = weights::load_hf(&fixtures().join(name), &d).unwrap();
    let rope = Rope::new(&cfg, 64, &d);
    (cfg, m, rope)
}

/// Give every B a non-zero value so gradients reach A too.
fn randomize_b(m: Transformer, seed: u64) -> Transformer {
    let mut rng = crate::model::sampling::Rng::new(seed);
    let values = lora::adapters(&m)
        .into_iter()
        .map(|(role, a, b, _)| {
            let [r, out] = b.dims();
            let v: Vec<f32> = (0..r * out).map(|_| (rng.next_f64() as f32 - 0.5) * 0.2).collect();
            (role, a, Tensor::from_data(TensorData::new(v, [r, out]), &Device::flex()))
        })
        .collect();
    lora::set_adapters(m, values)
}

fn logits(m: &Transformer, rope: &Rope, ids: &[i64], adapter: bool) -> Vec<f32> {
    let t = Tensor::from_data(TensorData::new(ids.to_vec(), [1, ids.len()]), &Device::flex());
    m.forward(t, rope, None, adapter, Logits::All).into_data().try_to_vec().unwrap()
}

fn max_diff(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| (x - y).abs()).fold(0.0, f32::max)
}

#[test]
fn adapter_is_identity_at_init_and_survives_peft_round_trip() {
    let (_, base, rope) = tiny("tiny-llama");
    let spec = LoraSpec { rank: 4, alpha: 8.0, dropout: 0.0, targets: all_targets() };
    let ids: Vec<i64> = (3..19).collect();
    let before = logits(&base, &rope, &ids, false);
    let m = lora::attach(base, &spec, 1, &Device::flex());
    assert_eq!(max_diff(&before, &logits(&m, &rope, &ids, true)), 0.0, "B = 0 leaves the model unchanged");
    let m = randomize_b(m, 2);
    let adapted = logits(&m, &rope, &ids, true);
    assert!(max_diff(&before, &adapted) > 1e-3, "a non-zero adapter changes the logits");
    assert_eq!(max_diff(&before, &logits(&m, &rope, &ids, false)), 0.0, "adapter off = base model");
    let dir = tempfile::tempdir().unwrap();
    lora::save_peft(&m, &spec, "tiny-llama", dir.path()).unwrap();
    let (reloaded, spec2) = lora::load_peft(lora::detach_all(m.clone()), dir.path(), &Device::flex()).unwrap();
    assert_eq!(spec2.rank, 4);
    assert!(max_diff(&adapted, &logits(&reloaded, &rope, &ids, true)) <= 1e-5);
    let merged = lora::merge(m);
    assert!(max_diff(&adapted, &logits(&merged, &rope, &ids, false)) <= 1e-4, "merged weights equal base + adapter");
}

#[test]
fn lora_dropout_applies_only_to_the_training_forward() {
    use crate::model::layers::AdapterUse;
    let (_, base, rope) = tiny("tiny-llama");
    let d = Device::flex();
    let spec = LoraSpec { rank: 4, alpha: 8.0, dropout: 0.5, targets: all_targets() };
    let ids: Vec<i64> = (3..19).collect();
    let plain = logits(&base, &rope, &ids, false);
    let m = randomize_b(lora::attach(base, &spec, 1, &d), 5);
    let run = |seed: u64, adapter: AdapterUse| -> Vec<f32> {
        d.seed(seed);
        let t = Tensor::from_data(TensorData::new(ids.clone(), [1, ids.len()]), &d);
        m.forward(t, &rope, None, adapter, Logits::All).into_data().try_to_vec().unwrap()
    };
    let on = logits(&m, &rope, &ids, true);
    assert_eq!(max_diff(&on, &run(1, AdapterUse::Train { dropout: 0.0 })), 0.0, "dropout 0 = adapter on");
    let (a, again, other) =
        (run(7, AdapterUse::Train { dropout: 0.5 }), run(7, AdapterUse::Train { dropout: 0.5 }), run(8, AdapterUse::Train { dropout: 0.5 }));
    assert_eq!(max_diff(&a, &again), 0.0, "same seed, same masks");
    assert!(max_diff(&a, &other) > 1e-4, "another seed draws other masks");
    assert!(max_diff(&a, &on) > 1e-4, "dropout changes the training forward");
    assert_eq!(max_diff(&on, &logits(&m, &rope, &ids, true)), 0.0, "generation stays deterministic");
    assert_eq!(max_diff(&plain, &run(9, AdapterUse::Off)), 0.0, "the reference policy has no adapter at all");
    // The PEFT export records the rate and the import reads it back.
    let dir = tempfile::tempdir().unwrap();
    lora::save_peft(&m, &spec, "tiny-llama", dir.path()).unwrap();
    let cfg: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(dir.path().join("adapter_config.json")).unwrap()).unwrap();
    assert_eq!(cfg["lora_dropout"], 0.5);
    let (_, spec2) = lora::load_peft(lora::detach_all(m.clone()), dir.path(), &d).unwrap();
    assert_eq!(spec2.dropout, 0.5);
}

#[test]
fn peft_made_adapter_gives_reference_logits() {
    let (_, base, rope) = tiny("tiny-llama");
    let dir = fixtures().join("tiny-llama-peft");
    let (m, spec) = lora::load_peft(base, &dir, &Device::flex()).unwrap();
    assert_eq!((spec.rank, spec.alpha), (4, 8.0));
    let reference: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(dir.join("reference.json")).unwrap()).unwrap();
    for (row, want) in reference["input_ids"].as_array().unwrap().iter().zip(reference["logits"].as_array().unwrap()) {
        let ids: Vec<i64> = row.as_array().unwrap().iter().map(|x| x.as_i64().unwrap()).collect();
        let want: Vec<f32> = want.as_array().unwrap().iter().flat_map(|p| p.as_array().unwrap().iter()).map(|x| x.as_f64().unwrap() as f32).collect();
        let d = max_diff(&logits(&m, &rope, &ids, true), &want);
        assert!(d <= 1e-4, "max diff {d}");
    }
}

/// Loss of a fixed batch as a function of the adapter, for gradient checks.
fn loss_of(m: &Transformer, rope: &Rope, batch: &ScoreBatch, old: &[f32], reference: Option<&[f32]>, kind: LossKind) -> Tensor<1> {
    let d = Device::flex();
    let dev = m.embed.val().device();
    let (new, layout) = token_logprobs(m, rope, batch, 1.0, true, &dev);
    let rows = batch.rows();
    let w = layout.window;
    let t2 = |v: Vec<f32>, c: usize| Tensor::<2>::from_data(TensorData::new(v, [rows, c]), &dev);
    let _ = d;
    let tokens: f32 = layout.mask.iter().sum();
    let (eps_low, eps_high) = if kind == LossKind::Gspo { (3e-4, 4e-4) } else { (0.2, 0.28) };
    let p = LossParams { kind, eps_low, eps_high, beta: 0.1, seqs: rows as f64, tokens: tokens as f64, l_max: 8.0 };
    let inputs = LossInputs {
        new,
        old: t2(old.to_vec(), w),
        reference: reference.map(|r| t2(r.to_vec(), w)),
        mask: t2(layout.mask.clone(), w),
        adv: t2(vec![1.0, -0.5, 0.75], 1),
    };
    policy_loss(inputs, &p).0
}

/// Scoring a group with its prompt computed once gives the same log-probs as scoring
/// every sequence in full.
#[test]
fn prefix_shared_scoring_equals_full_scoring() {
    let (_, base, rope) = tiny("tiny-llama");
    let spec = LoraSpec { rank: 2, alpha: 4.0, dropout: 0.0, targets: all_targets() };
    let m = randomize_b(lora::attach(base, &spec, 3, &Device::flex()), 4);
    let prompt = vec![5u32, 9, 17, 30];
    let comps = vec![vec![40u32, 41, 42, 43], vec![7, 8], vec![100]];
    let batch = ScoreBatch { prompts: vec![prompt.clone(); 3], completions: comps.clone() };
    let (full, layout) = token_logprobs(&m, &rope, &batch, 0.7, true, &Device::flex());
    let full: Vec<f32> = full.into_data().try_to_vec().unwrap();
    let (shared, mask) = super::logprobs::group_token_logprobs(&m, &rope, &prompt, &comps, 0.7, true, &Device::flex());
    let shared: Vec<f32> = shared.into_data().try_to_vec().unwrap();
    let w = comps.iter().map(|c| c.len()).max().unwrap();
    for (i, c) in comps.iter().enumerate() {
        for j in 0..c.len() {
            let a = full[i * layout.window + layout.offset[i] + j];
            let b = shared[i * w + j];
            assert!((a - b).abs() < 1e-4, "row {i} token {j}: {a} vs {b}");
            assert_eq!(mask[i * w + j], 1.0);
        }
        assert!(mask[i * w + c.len()..(i + 1) * w].iter().all(|&x| x == 0.0));
    }
}

#[test]
fn gradients_match_finite_differences_and_base_gets_none() {
    let (_, base, rope) = tiny("tiny-llama");
    let spec = LoraSpec { rank: 2, alpha: 4.0, dropout: 0.0, targets: all_targets() };
    let m = randomize_b(lora::attach(base, &spec, 3, &Device::flex()), 4);
    let batch = ScoreBatch {
        prompts: vec![vec![5, 9, 17], vec![5, 9, 17, 30, 2], vec![8, 1]],
        completions: vec![vec![40, 41, 42, 43], vec![7, 8], vec![100, 101, 102]],
    };
    // old = current policy (ratio 1: inside every clip range), reference = adapter off.
    let (cur, layout) = token_logprobs(&m, &rope, &batch, 1.0, true, &Device::flex());
    let old: Vec<f32> = cur.into_data().try_to_vec().unwrap();
    let (r, _) = token_logprobs(&m, &rope, &batch, 1.0, false, &Device::flex());
    let reference: Vec<f32> = r.into_data().try_to_vec().unwrap();
    let _ = layout;
    for kind in [LossKind::Grpo, LossKind::DrGrpo, LossKind::Dapo, LossKind::Gspo] {
        let train = m.clone().train();
        let loss = loss_of(&train, &rope, &batch, &old, Some(&reference), kind);
        let grads = loss.backward();
        assert!(train.layers[0].attn.q.weight.val().grad(&grads).is_none(), "base weights get no gradient");
        assert!(train.embed.val().grad(&grads).is_none());
        // Check the largest entries of one A and one B against central differences.
        for (layer, which_b) in [(0usize, false), (1, true)] {
            let (_, a, b, _) = lora::adapters(&train).into_iter().find(|(role, ..)| *role == weights::Role::V(layer)).unwrap();
            let p = if which_b { b } else { a };
            let g: Vec<f32> = p.grad(&grads).unwrap().into_data().try_to_vec().unwrap();
            let idx = (0..g.len()).max_by(|&i, &j| g[i].abs().total_cmp(&g[j].abs())).unwrap();
            // GSPO's trust region is 3e-4 wide: stay inside it, or the difference
            // measures the clipped (flat) objective.
            let h = if kind == LossKind::Gspo { 1e-4f32 } else { 1e-2f32 };
            let eval = |delta: f32| -> f64 {
                let values = lora::adapters(&m)
                    .into_iter()
                    .map(|(role, a, b, _)| {
                        if role != weights::Role::V(layer) {
                            return (role, a, b);
                        }
                        let bump = |t: Tensor<2>| {
                            let dims = t.dims();
                            let mut v: Vec<f32> = t.into_data().try_to_vec().unwrap();
                            v[idx] += delta;
                            Tensor::from_data(TensorData::new(v, dims), &Device::flex())
                        };
                        if which_b {
                            (role, a, bump(b))
                        } else {
                            (role, bump(a), b)
                        }
                    })
                    .collect();
                let pm = lora::set_adapters(m.clone(), values);
                let l = loss_of(&pm, &rope, &batch, &old, Some(&reference), kind);
                l.into_data().try_to_vec::<f32>().unwrap()[0] as f64
            };
            let fd = (eval(h) - eval(-h)) / (2.0 * h as f64);
            let ad = g[idx] as f64;
            assert!(ad.abs() > 1e-4, "{kind:?}: gradient too small to check ({ad})");
            let rel = (fd - ad).abs() / ad.abs();
            assert!(rel < 3e-2, "{kind:?} layer {layer} {}: autodiff {ad} vs finite difference {fd}", if which_b { "B" } else { "A" });
        }
    }
}

fn toy_model(seed: u64) -> LoadedModel {
    let (cfg, base, _) = tiny("tiny-llama");
    let spec = LoraSpec { rank: 8, alpha: 16.0, dropout: 0.0, targets: all_targets() };
    let m = lora::attach(base, &spec, seed, &Device::flex());
    let tok = TextTokenizer::synthetic(cfg.vocab_size).unwrap();
    LoadedModel::from_parts(cfg, m, tok, 64, &Device::flex())
}

/// Toy verifiable reward: the fraction of completion tokens that are even. A random
/// policy scores about 0.5; the optimum is 1.
fn even_reward(tokens: &[u32]) -> f64 {
    tokens.iter().filter(|t| *t % 2 == 0).count() as f64 / tokens.len().max(1) as f64
}

fn learn(kind: LossKind, steps: usize) -> (f64, f64) {
    let mut m = toy_model(11);
    let rl = RlConfig {
        loss: kind,
        group_size: 8,
        tasks_per_step: 4,
        max_new_tokens: 6,
        temperature: 1.0,
        lr: 2e-2,
        warmup_steps: 0,
        max_grad_norm: 1.0,
        clip_eps: if kind == LossKind::Gspo { 3e-4 } else { 0.2 },
        clip_eps_high: Some(if kind == LossKind::Gspo { 4e-4 } else { 0.28 }),
        advantage_scaling: if kind == LossKind::DrGrpo { AdvantageScaling::None } else { AdvantageScaling::Group },
        seed: 5,
        ..RlConfig::default()
    };
    let n = lora::adapters(&m.model).len() * 2;
    let spec = LoraSpec { rank: 8, alpha: 16.0, dropout: 0.0, targets: all_targets() };
    let mut trainer = Trainer::new(rl, spec, n);
    let prompts: Vec<(String, Vec<u32>)> = (0..4).map(|i| (format!("t{i}"), vec![3 + i as u32, 50, 60 + i as u32])).collect();
    let mut history = Vec::new();
    for _ in 0..steps {
        let groups = trainer.rollout(&m, &prompts).unwrap();
        let rewards: Vec<Vec<f64>> = groups.iter().map(|g| g.completions.iter().map(|c| even_reward(&c.tokens)).collect()).collect();
        let mean = rewards.iter().flatten().sum::<f64>() / rewards.iter().flatten().count() as f64;
        history.push(mean);
        trainer.update(&mut m, &groups, &rewards);
    }
    let last = history[history.len() - 3..].iter().sum::<f64>() / 3.0;
    (history[0], last)
}

/// The old log-probs stored at generation must equal what the update's teacher-forced
/// scoring gives for the same adapter: GSPO clips the per-token mean log ratio at
/// 3e-4, so a systematic gap between the two paths would clip on-policy sequences.
#[test]
fn rollout_logprobs_equal_teacher_forced_scoring() {
    use super::logprobs::group_token_logprobs;
    let mut m = toy_model(4);
    m.model = randomize_b(m.model.clone(), 9);
    let spec = LoraSpec { rank: 8, alpha: 16.0, dropout: 0.0, targets: all_targets() };
    let rl = RlConfig { group_size: 4, max_new_tokens: 12, temperature: 0.7, seed: 3, ..RlConfig::default() };
    let mut trainer = Trainer::new(rl, spec, lora::adapters(&m.model).len() * 2);
    let groups = trainer.rollout(&m, &[("p".to_string(), vec![3u32, 50, 61, 7])]).unwrap();
    let comps: Vec<Vec<u32>> = groups[0].completions.iter().map(|c| c.tokens.clone()).collect();
    let (scored, mask) = group_token_logprobs(&m.model, &m.rope, &groups[0].prompt_ids, &comps, 0.7, true, &m.device);
    let scored: Vec<f32> = scored.into_data().try_to_vec().unwrap();
    let w = mask.len() / comps.len();
    let mut worst = 0f32;
    for (i, c) in groups[0].completions.iter().enumerate() {
        let gap: f32 = c.logprobs.iter().enumerate().map(|(j, lp)| scored[i * w + j] - lp).sum::<f32>() / c.logprobs.len().max(1) as f32;
        worst = worst.max(gap.abs());
        assert!(
            c.logprobs.iter().enumerate().all(|(j, lp)| (scored[i * w + j] - lp).abs() < 1e-4),
            "completion {i}: {:?} vs {:?}",
            &c.logprobs,
            &scored[i * w..i * w + c.logprobs.len()]
        );
    }
    assert!(worst < 3e-5, "mean per-token log ratio on policy {worst:e} would move GSPO's ratio");
}

#[test]
fn grpo_learns_the_toy_reward() {
    let (first, last) = learn(LossKind::Grpo, 40);
    assert!(last >= 0.9, "GRPO: mean reward {first:.2} -> {last:.2}");
}

#[test]
fn dr_grpo_learns_the_toy_reward() {
    let (first, last) = learn(LossKind::DrGrpo, 40);
    assert!(last >= 0.9, "Dr.GRPO: mean reward {first:.2} -> {last:.2}");
}

#[test]
fn gspo_learns_the_toy_reward() {
    let (first, last) = learn(LossKind::Gspo, 40);
    assert!(last >= 0.9, "GSPO: mean reward {first:.2} -> {last:.2}");
}

#[test]
fn zero_variance_groups_contribute_nothing_and_are_counted() {
    let mut m = toy_model(3);
    let n = lora::adapters(&m.model).len() * 2;
    let spec = LoraSpec { rank: 8, alpha: 16.0, dropout: 0.0, targets: all_targets() };
    let mut trainer = Trainer::new(RlConfig { group_size: 4, max_new_tokens: 3, ..RlConfig::default() }, spec, n);
    let prompts = vec![("a".to_string(), vec![3u32, 4]), ("b".to_string(), vec![5u32, 6])];
    let groups = trainer.rollout(&m, &prompts).unwrap();
    let before: Vec<Vec<f32>> = lora::adapters(&m.model).into_iter().map(|(_, a, _, _)| a.into_data().try_to_vec().unwrap()).collect();
    let metrics = trainer.update(&mut m, &groups, &[vec![1.0; 4], vec![0.0; 4]]);
    assert_eq!(metrics.zero_variance_groups, 2);
    assert_eq!(metrics.loss, 0.0);
    let after: Vec<Vec<f32>> = lora::adapters(&m.model).into_iter().map(|(_, a, _, _)| a.into_data().try_to_vec().unwrap()).collect();
    assert_eq!(before, after, "no update from zero-variance groups");
}

/// Real rollouts on the real SmolLM2 GGUF: generation runs on the CPU path (the GGUF's
/// Q4_1 / Q8_0 blocks, fused kernels), the update scores with the f32 burn model built
/// from the same blocks. The two must agree per token, or on-policy GSPO ratios would
/// not be 1. Prints the max |delta log p| (reported in docs/benchmarks.md).
#[test]
fn smollm2_rollouts_on_the_cpu_path_score_the_same_in_the_update() {
    use super::logprobs::group_token_logprobs;
    let mut m = crate::model::LoadedModel::load(&crate::model::tests::smollm2_path(), 256, &Device::flex()).unwrap();
    assert!(m.cpu.as_ref().is_some_and(|c| c.lossless), "the GGUF's own blocks: lossless");
    let spec = LoraSpec { rank: 8, alpha: 16.0, dropout: 0.0, targets: all_targets() };
    m.model = lora::attach(m.model.clone(), &spec, 1, &m.device);
    m.model = randomize_b(m.model.clone(), 2);
    let rl = RlConfig { group_size: 3, max_new_tokens: 40, temperature: 0.7, seed: 5, ..RlConfig::default() };
    let mut trainer = Trainer::new(rl, spec, lora::adapters(&m.model).len() * 2);
    let prompt = m.tokenizer.encode("def reverse_words(s):\n    \"\"\"Reverse the order of words in s.\"\"\"\n", false).unwrap();
    let groups = trainer.rollout(&m, &[("p".to_string(), prompt)]).unwrap();
    let comps: Vec<Vec<u32>> = groups[0].completions.iter().map(|c| c.tokens.clone()).collect();
    let (scored, mask) = group_token_logprobs(&m.model, &m.rope, &groups[0].prompt_ids, &comps, 0.7, true, &m.device);
    let scored: Vec<f32> = scored.into_data().try_to_vec().unwrap();
    let w = mask.len() / comps.len();
    let (mut worst, mut worst_mean) = (0f32, 0f32);
    for (i, c) in groups[0].completions.iter().enumerate() {
        let d: Vec<f32> = c.logprobs.iter().enumerate().map(|(j, lp)| scored[i * w + j] - lp).collect();
        worst = d.iter().fold(worst, |m, x| m.max(x.abs()));
        worst_mean = worst_mean.max((d.iter().sum::<f32>() / d.len().max(1) as f32).abs());
    }
    eprintln!("SmolLM2 rollouts (CPU path) vs update scoring (f32): max |dlogp| {worst:.2e}, max |mean per sequence| {worst_mean:.2e}");
    assert!(worst < 2e-3, "max |delta log p| {worst}");
    assert!(worst_mean < 3e-4, "a mean gap of {worst_mean:e} would clip on-policy GSPO sequences");
}

/// When the CPU path's weights are not the f32 model's (q8_0 re-quantization of a
/// safetensors checkpoint), the update re-scores the old log-probs with the f32 policy
/// before its first step, so the first epoch's ratios are exactly 1.
#[test]
fn lossy_cpu_weights_are_rescored_in_the_update() {
    let m = toy_model(6);
    let m = m.with_cpu_path(crate::model::cpu::InferenceWeights::Q8_0, None).unwrap();
    assert!(!m.cpu.as_ref().unwrap().lossless);
    let mut m = m;
    m.model = randomize_b(m.model.clone(), 4);
    let spec = LoraSpec { rank: 8, alpha: 16.0, dropout: 0.0, targets: all_targets() };
    let rl = RlConfig {
        group_size: 4,
        max_new_tokens: 8,
        temperature: 1.0,
        seed: 2,
        loss: LossKind::Gspo,
        clip_eps: 3e-4,
        clip_eps_high: Some(4e-4),
        ..RlConfig::default()
    };
    let mut trainer = Trainer::new(rl, spec, lora::adapters(&m.model).len() * 2);
    let groups = trainer.rollout(&m, &[("p".to_string(), vec![3u32, 50, 61, 7])]).unwrap();
    // Without rescoring the sequence-level log ratio would leave GSPO's clip range.
    let comps: Vec<Vec<u32>> = groups[0].completions.iter().map(|c| c.tokens.clone()).collect();
    let (scored, mask) = super::logprobs::group_token_logprobs(&m.model, &m.rope, &groups[0].prompt_ids, &comps, 1.0, true, &m.device);
    let scored: Vec<f32> = scored.into_data().try_to_vec().unwrap();
    let w = mask.len() / comps.len();
    let widest = groups[0]
        .completions
        .iter()
        .enumerate()
        .map(|(i, c)| (c.logprobs.iter().enumerate().map(|(j, lp)| scored[i * w + j] - lp).sum::<f32>() / c.logprobs.len() as f32).abs())
        .fold(0f32, f32::max);
    assert!(widest > 4e-4, "q8_0 rollouts should differ from the f32 policy (mean log ratio {widest:e})");
    let rewards = vec![vec![1.0, 0.0, 0.5, 0.0]];
    let metrics = trainer.update(&mut m, &groups, &rewards);
    assert_eq!(metrics.clip_frac, 0.0, "first-epoch ratios are 1 after rescoring");
}

/// A group's loss from its log-probs [rows, max_len] under fixed old log-probs and
/// advantages (GRPO, old = new - 0.05 so some ratios leave the clip range).
fn group_loss(new: Tensor<2>, mask: Vec<f32>, adv: &[f32]) -> Tensor<1> {
    let dev = new.device();
    let [rows, w] = new.dims();
    let tokens: f32 = mask.iter().sum();
    let p = LossParams { kind: LossKind::Grpo, eps_low: 0.02, eps_high: 0.03, beta: 0.0, seqs: rows as f64, tokens: tokens as f64, l_max: 8.0 };
    let t2 = |v: Vec<f32>, c: usize| Tensor::<2>::from_data(TensorData::new(v, [rows, c]), &dev);
    let old = Tensor::<2>::from_data(new.clone().detach().into_data(), &dev).sub_scalar(0.05);
    policy_loss(LossInputs { new, old, reference: None, mask: t2(mask, w), adv: t2(adv.to_vec(), 1) }, &p).0
}

fn grads_of(train: &Transformer, grads: &burn::tensor::Gradients) -> Vec<Option<Tensor<2>>> {
    lora::adapters(train).iter().flat_map(|(_, a, b, _)| [a.grad(grads), b.grad(grads)]).collect()
}

/// Activation checkpointing (forward without a graph, blocks recomputed one at a time
/// from the top) gives the loss and every adapter gradient of the plain backward.
#[test]
fn checkpointed_group_backward_equals_plain_backward() {
    use super::logprobs::group_token_logprobs;
    use super::recompute::group_backward;
    use crate::model::layers::AdapterUse;
    let (cfg, base, _) = tiny("tiny-llama");
    let rope = Rope::new(&cfg, 64, &Device::flex());
    let spec = LoraSpec { rank: 2, alpha: 4.0, dropout: 0.0, targets: all_targets() };
    let m = randomize_b(lora::attach(base, &spec, 3, &Device::flex()), 4);
    let prompt = vec![5u32, 9, 17, 30, 2];
    let comps = vec![vec![40u32, 41, 42, 43, 44], vec![7, 8], vec![100, 3, 9]];
    let adv = [1.0f32, -0.5, 0.75];

    let train = m.clone().train();
    let (new, mask) = group_token_logprobs(&train, &rope, &prompt, &comps, 0.7, AdapterUse::On, &train.embed.val().device());
    let loss = group_loss(new, mask, &adv);
    let plain_loss = loss.clone().into_data().try_to_vec::<f32>().unwrap()[0];
    let plain = grads_of(&train, &loss.backward());

    let train = m.clone().train();
    let out = group_backward(&m, &train, &rope, &prompt, &comps, 0.7, AdapterUse::On, None, |new, mask| group_loss(new, mask, &adv));
    assert!((out.loss as f32 - plain_loss).abs() < 1e-5, "loss {} vs {plain_loss}", out.loss);
    // The forward runs on the plain backend, the recomputation through autodiff: the
    // same values up to float rounding.
    assert!(out.recompute_gap < 1e-4, "recomputed block outputs differ by {}", out.recompute_gap);
    assert_eq!(out.grads.len(), plain.len());
    let mut checked = 0;
    for (k, (a, b)) in out.grads.iter().zip(&plain).enumerate() {
        let b: Vec<f32> = b.clone().expect("every adapter parameter gets a gradient").into_data().try_to_vec().unwrap();
        let a: Vec<f32> = a.clone().unwrap_or_else(|| panic!("slot {k}: no checkpointed gradient")).into_data().try_to_vec().unwrap();
        let scale = b.iter().map(|x| x.abs()).fold(0f32, f32::max);
        assert!(scale > 0.0, "slot {k}: zero gradient cannot be compared");
        let diff = max_diff(&a, &b);
        assert!(diff <= 1e-4 * scale + 1e-7, "slot {k}: max |checkpointed - plain| = {diff} (scale {scale})");
        checked += 1;
    }
    assert_eq!(checked, lora::adapters(&m).len() * 2);
}

/// With adapter dropout the recomputation draws the same masks as the forward (the
/// block seeds), so the gradients belong to the loss that was computed; and the same
/// seed gives the same gradients.
#[test]
fn checkpointed_backward_with_dropout_recomputes_the_same_masks() {
    use super::recompute::group_backward;
    use crate::model::layers::AdapterUse;
    let (cfg, base, _) = tiny("tiny-llama");
    let rope = Rope::new(&cfg, 64, &Device::flex());
    let spec = LoraSpec { rank: 2, alpha: 4.0, dropout: 0.3, targets: all_targets() };
    let m = randomize_b(lora::attach(base, &spec, 3, &Device::flex()), 4);
    let prompt = vec![5u32, 9, 17];
    let comps = vec![vec![40u32, 41, 42], vec![7, 8, 9, 10]];
    let adv = [1.0f32, -1.0];
    let run = |seed: u64| {
        let train = m.clone().train();
        group_backward(&m, &train, &rope, &prompt, &comps, 1.0, AdapterUse::Train { dropout: 0.3 }, Some(seed), |new, mask| group_loss(new, mask, &adv))
    };
    let (x, y, z) = (run(7), run(7), run(8));
    // Other masks would change outputs by O(1); rounding alone is ~1e-6.
    assert!(x.recompute_gap < 1e-4, "recomputed block outputs differ by {}", x.recompute_gap);
    let flat = |g: &GroupBackwardGrads| -> Vec<f32> { g.iter().flat_map(|t| t.clone().unwrap().into_data().try_to_vec::<f32>().unwrap()).collect() };
    assert_eq!(flat(&x.grads), flat(&y.grads), "same seed, same gradients");
    assert!(max_diff(&flat(&x.grads), &flat(&z.grads)) > 1e-6, "another seed draws other masks");
}

type GroupBackwardGrads = Vec<Option<Tensor<2>>>;

/// The whole update in pieces (checkpointed group slices of up to `micro_batch`
/// sequences, advanced one block per call) accumulates the same loss and gradient as
/// the plain micro-batches, and leaves the same adapter.
#[test]
fn checkpointed_update_equals_the_plain_update() {
    let mut m = toy_model(4);
    m.model = randomize_b(m.model.clone(), 9);
    let spec = LoraSpec { rank: 8, alpha: 16.0, dropout: 0.0, targets: all_targets() };
    let n = lora::adapters(&m.model).len() * 2;
    let rl = |checkpoint: bool| RlConfig {
        group_size: 4,
        max_new_tokens: 10,
        temperature: 1.0,
        micro_batch: 3,
        checkpoint_activations: checkpoint,
        lr: 1e-2,
        warmup_steps: 0,
        max_grad_norm: 1e9,
        seed: 3,
        ..RlConfig::default()
    };
    let prompts: Vec<(String, Vec<u32>)> = (0..2).map(|i| (format!("t{i}"), vec![3 + i as u32, 50, 60 + i as u32])).collect();
    let groups = Trainer::new(rl(true), spec.clone(), n).rollout(&m, &prompts).unwrap();
    let rewards: Vec<Vec<f64>> = groups.iter().map(|g| g.completions.iter().map(|c| even_reward(&c.tokens)).collect()).collect();
    assert!(rewards.iter().all(|r| !super::advantages::is_zero_variance(r)), "both groups carry signal: {rewards:?}");
    let run = |checkpoint: bool| {
        let mut model = toy_model(4);
        model.model = m.model.clone();
        let mut trainer = Trainer::new(rl(checkpoint), spec.clone(), n);
        let metrics = trainer.update(&mut model, &groups, &rewards);
        let values: Vec<f32> = lora::adapters(&model.model)
            .iter()
            .flat_map(|(_, a, b, _)| [a.clone(), b.clone()])
            .flat_map(|t| t.into_data().try_to_vec::<f32>().unwrap())
            .collect();
        (metrics, values)
    };
    let (a, va) = run(true);
    let (b, vb) = run(false);
    let close = |x: f64, y: f64| (x - y).abs() <= 1e-4 * y.abs().max(1e-6);
    // The GRPO loss at ratio 1 is a sum of advantages (~0): compare it absolutely.
    assert!((a.loss - b.loss).abs() < 1e-5, "loss {} vs {}", a.loss, b.loss);
    assert!(a.grad_norm > 0.0 && close(a.grad_norm, b.grad_norm), "gradient norm {} vs {}", a.grad_norm, b.grad_norm);
    assert!(close(a.entropy, b.entropy) && a.clip_frac == b.clip_frac);
    assert!(max_diff(&va, &vb) < 1e-5, "adapters differ by {}", max_diff(&va, &vb));
}
