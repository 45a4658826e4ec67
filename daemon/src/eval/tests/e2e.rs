//! The gate end to end on the real SmolLM2-135M-Instruct (CPU): a LoRA adapter with
//! random B of large norm (a deliberately broken adapter) is not promoted over the
//! base model; the base model against itself (equal) is.

use std::time::Instant;

use burn::tensor::{Device, Tensor, TensorData};

use super::super::evaluator::{evaluate, EvalReport, Target};
use super::super::gate::decide;
use crate::config::{EvalConfig, GateConfig};
use crate::model::lora::{self, LoraSpec};
use crate::model::sampling::Rng;
use crate::model::tests::smollm2_path;
use crate::model::LoadedModel;
use crate::reward::Verifier;
use crate::tasks::{bundled_mbpp, mbpp_range, Problem};

/// MBPP test-split tasks: the three that SmolLM2-135M-Instruct solves greedily in 96
/// tokens with the default prompt among the 40 with the shortest reference solutions
/// (3/40 = 7.5%, see `explore_base_on_short_mbpp_tasks`), so a broken adapter has
/// something to lose, and one it fails in 54 tokens. Few tasks: CPU decoding of a
/// 135M model is ~15-30 tokens/s on 2 cores.
const TASK_IDS: [u32; 4] = [269, 341, 458, 435];

fn mbpp_tasks(ids: &[u32]) -> Vec<Problem> {
    let all = mbpp_range(&bundled_mbpp(), (11, 510));
    ids.iter().map(|id| all.iter().find(|t| t.id == format!("mbpp.jsonl#{id}")).expect("task in the test split").clone()).collect()
}

fn opts() -> EvalConfig {
    EvalConfig { max_new_tokens: 96, ..EvalConfig::default() }
}

/// Standard normal by Box-Muller.
fn normal(rng: &mut Rng) -> f32 {
    let u1 = rng.next_f64().max(1e-300);
    let u2 = rng.next_f64();
    ((-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()) as f32
}

/// Replace every B by N(0, std^2) values.
fn randomize_b(m: &mut LoadedModel, std: f32, seed: u64) {
    let mut rng = Rng::new(seed);
    let values = lora::adapters(&m.model)
        .into_iter()
        .map(|(role, a, b, _)| {
            let [r, out] = b.dims();
            let v: Vec<f32> = (0..r * out).map(|_| normal(&mut rng) * std).collect();
            (role, a, Tensor::from_data(TensorData::new(v, [r, out]), &m.device))
        })
        .collect();
    m.model = lora::set_adapters(m.model.clone(), values);
}

fn setup() -> (tokio::runtime::Runtime, Verifier, LoadedModel) {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let verifier = rt.block_on(super::verifier());
    let m = LoadedModel::load(&smollm2_path(), 512, &Device::flex()).unwrap();
    (rt, verifier, m)
}

fn show(r: &EvalReport) {
    let rec = &r.record;
    eprintln!(
        "{}: pass@1 {:.3} ({} tasks), mean tokens {:.1}, truncated {:.2}, errors {:?}, ruff {:?}, {:.1} s",
        rec.adapter, rec.pass_at_1, rec.tasks, rec.completion_length.mean_tokens, rec.truncated_frac, rec.error_types, rec.ruff.by_severity, rec.seconds
    );
}

#[test]
fn garbage_adapter_is_not_promoted_and_an_equal_one_is() {
    let started = Instant::now();
    let (rt, verifier, mut m) = setup();
    let tasks = mbpp_tasks(&TASK_IDS);
    let base = evaluate(&m, &Target::base(), &verifier, &tasks, &opts(), rt.handle()).unwrap();
    show(&base);
    assert!(base.record.pass_at_1 >= 0.5, "the fixture tasks are ones the base model solves: {:?}", base.record.per_task);

    let spec = LoraSpec { rank: 8, alpha: 16.0, dropout: 0.0, targets: crate::config::LORA_TARGETS.iter().map(|s| s.to_string()).collect() };
    let base_model = m.model.clone();
    m.model = lora::attach(m.model.clone(), &spec, 1, &m.device);
    randomize_b(&mut m, 0.5, 42);
    let garbage = evaluate(&m, &Target::adapter("garbage-lora", 1), &verifier, &tasks, &opts(), rt.handle()).unwrap();
    show(&garbage);
    for t in garbage.tasks.iter().take(2) {
        eprintln!("garbage {}: {:?}", t.id, t.text.chars().take(120).collect::<String>());
    }

    let cfg = GateConfig { min_tasks: TASK_IDS.len(), ..GateConfig::default() };
    let d = decide(&garbage.record, &base.record, Some(&base.record), &cfg);
    eprintln!("garbage vs base: {d:?}");
    assert!(!d.promote);
    assert!(d.numbers.losses > 0 && d.numbers.delta_pp < 0.0);

    // Greedy decoding is deterministic: a second, separate eval of the base model gives
    // the same per-task results, and the gate promotes an equal candidate.
    m.model = base_model;
    let again = evaluate(&m, &Target::base(), &verifier, &tasks, &opts(), rt.handle()).unwrap();
    let passes = |r: &EvalReport| r.tasks.iter().map(|t| (t.id.clone(), t.text.clone(), t.verdict.passed)).collect::<Vec<_>>();
    assert_eq!(passes(&again), passes(&base));
    let d = decide(&again.record, &base.record, Some(&base.record), &cfg);
    eprintln!("base again vs base: {d:?}");
    assert!(d.promote && d.numbers.delta_pp == 0.0 && d.numbers.losses == 0);
    eprintln!("total {:.1} s", started.elapsed().as_secs_f64());
}

/// How `TASK_IDS` was chosen: greedy base results on the test-split tasks with the
/// shortest reference solutions. `cargo test -p rlvrd --lib explore_base -- --ignored --nocapture`
#[test]
#[ignore = "exploration, minutes of CPU"]
fn explore_base_on_short_mbpp_tasks() {
    let (rt, verifier, m) = setup();
    let records = bundled_mbpp();
    let mut short: Vec<_> = records.iter().filter(|t| t.local_id.parse::<u32>().is_ok_and(|id| (11..=510).contains(&id))).collect();
    short.sort_by_key(|t| t.solution.as_deref().map_or(0, str::len));
    let n: usize = std::env::var("EXPLORE_N").ok().and_then(|s| s.parse().ok()).unwrap_or(40);
    let tasks: Vec<Problem> = short.iter().take(n).map(|t| Problem::from_task(t)).collect();
    let r = evaluate(&m, &Target::base(), &verifier, &tasks, &opts(), rt.handle()).unwrap();
    show(&r);
    for t in &r.tasks {
        eprintln!("{} {} {} tokens{}", t.id, t.verdict.outcome, t.tokens, if t.truncated { " (truncated)" } else { "" });
    }
}
