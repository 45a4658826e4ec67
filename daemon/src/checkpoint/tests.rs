//! The store proven on the tiny model: exact round trips, skipping corrupt and partial
//! checkpoints, crash leftovers, retention, rollback and PEFT export.

use std::collections::BTreeMap;
use std::path::Path;

use burn::tensor::{Device, Tensor, TensorData};

use super::{config_hash, CheckpointError, CheckpointInfo, CheckpointStore, TrainerState};
use crate::model::lora::{self, LoraSpec};
use crate::model::sampling::Rng;
use crate::model::transformer::Transformer;
use crate::model::weights;
use crate::train::optimizer::{AdamW, Moments};

fn base() -> Transformer {
    let dir = crate::manifest_dir().join("../tests/fixtures/tiny-llama");
    weights::load_hf(&dir, &Device::flex()).unwrap().1
}

fn random(rng: &mut Rng, dims: [usize; 2]) -> Tensor<2> {
    let v: Vec<f32> = (0..dims[0] * dims[1]).map(|_| (rng.next_f64() as f32 - 0.5) * 0.1).collect();
    Tensor::from_data(TensorData::new(v, dims), &Device::flex())
}

fn bits(t: Tensor<2>) -> Vec<u32> {
    t.into_data().try_to_vec::<f32>().unwrap().iter().map(|x| x.to_bits()).collect()
}

fn adapter_bits(m: &Transformer) -> Vec<(Vec<u32>, Vec<u32>, u64)> {
    lora::adapters(m).into_iter().map(|(_, a, b, s)| (bits(a), bits(b), s.to_bits())).collect()
}

type MomentBits = Vec<Option<(Vec<u32>, Vec<u32>)>>;

fn moment_bits(opt: &AdamW) -> MomentBits {
    opt.moments.iter().map(|s| s.as_ref().map(|s| (bits(s.m.clone()), bits(s.v.clone())))).collect()
}

/// A run mid-training: non-zero adapter, moments for all parameters but the last (the
/// `None` path), advanced RNGs and an arbitrary sampler state.
struct Run {
    model: Transformer,
    spec: LoraSpec,
    opt: AdamW,
    state: TrainerState,
}

fn run(base: &Transformer, seed: u64, step: u64, metric: Option<f64>) -> Run {
    let spec = LoraSpec { rank: 4, alpha: 8.0, dropout: 0.0, targets: vec!["down_proj".into(), "q_proj".into(), "v_proj".into()] };
    let mut rng = Rng::new(seed);
    let model = lora::attach(base.clone(), &spec, seed, &Device::flex());
    let values = lora::adapters(&model).into_iter().map(|(role, a, b, _)| (role, a, random(&mut rng, b.dims()))).collect();
    let model = lora::set_adapters(model, values);
    let shapes: Vec<[usize; 2]> = lora::adapters(&model).iter().flat_map(|(_, a, b, _)| [a.dims(), b.dims()]).collect();
    let mut opt = AdamW::new(shapes.len(), 0.01);
    opt.step = 2 * step + 1;
    opt.beta2 = 0.987_654_321_012_345_6;
    for (slot, &dims) in opt.moments.iter_mut().zip(&shapes).take(shapes.len() - 1) {
        *slot = Some(Moments { m: random(&mut rng, dims), v: random(&mut rng, dims).abs() });
    }
    let mut trainer = Rng::new(seed ^ 7);
    for _ in 0..step {
        trainer.next_u64();
    }
    let state = TrainerState {
        step,
        rngs: BTreeMap::from([("trainer".to_string(), trainer), ("sampler".to_string(), Rng::new(seed + 1))]),
        sampler: serde_json::json!({ "epoch": 2, "order": [3, 1, 2], "cursor": step }),
        metrics_offset: 1000 * step + 17,
        config_hash: config_hash("{\"lr\":1e-5}"),
        metric,
    };
    Run { model, spec, opt, state }
}

fn save(store: &CheckpointStore, r: &Run) -> CheckpointInfo {
    store.save(&r.model, &r.spec, &r.opt, &r.state, "tiny-llama").unwrap()
}

fn ids(store: &CheckpointStore) -> Vec<String> {
    store.list().unwrap().into_iter().map(|i| i.id).collect()
}

fn latest_id(store: &CheckpointStore) -> Option<String> {
    store.latest_valid().unwrap().map(|i| i.id)
}

fn leftovers(dir: &Path) -> Vec<String> {
    let names = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned());
    names.filter(|n| n.starts_with(".tmp-")).collect()
}

#[test]
fn save_then_load_restores_adapter_optimizer_and_state_bit_for_bit() {
    let tmp = tempfile::tempdir().unwrap();
    let store = CheckpointStore::open(tmp.path().join("checkpoints"), 3).unwrap();
    let b = base();
    let r = run(&b, 1, 7, Some(0.5));
    let info = save(&store, &r);
    assert_eq!(info.id, "step-000007");
    assert!(info.valid && info.is_latest && info.is_best && info.size_bytes > 0, "{info:?}");

    let back = store.load(&info.id, b, &Device::flex()).unwrap();
    assert_eq!(adapter_bits(&back.model), adapter_bits(&r.model));
    assert_eq!(back.spec, r.spec);
    assert_eq!(moment_bits(&back.optimizer), moment_bits(&r.opt));
    assert!(back.optimizer.moments.last().unwrap().is_none());
    let scalars = |o: &AdamW| (o.step, o.beta1.to_bits(), o.beta2.to_bits(), o.eps.to_bits(), o.weight_decay.to_bits());
    assert_eq!(scalars(&back.optimizer), scalars(&r.opt));
    assert_eq!(back.state, r.state);
    let (mut resumed, mut original) = (back.state.rngs["trainer"].clone(), r.state.rngs["trainer"].clone());
    assert_eq!((resumed.next_u64(), resumed.next_u64()), (original.next_u64(), original.next_u64()));
}

#[test]
fn optimizer_before_its_first_step_round_trips() {
    let tmp = tempfile::tempdir().unwrap();
    let store = CheckpointStore::open(tmp.path(), 3).unwrap();
    let b = base();
    let mut r = run(&b, 2, 0, None);
    r.opt = AdamW::new(r.opt.moments.len(), 0.0);
    save(&store, &r);
    let back = store.load("step-000000", b, &Device::flex()).unwrap();
    assert!(back.optimizer.moments.iter().all(Option::is_none));
    assert_eq!((back.optimizer.step, back.optimizer.moments.len()), (0, r.opt.moments.len()));
}

#[test]
fn corrupt_truncated_or_unfinished_checkpoints_are_skipped_for_older_ones() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("checkpoints");
    let store = CheckpointStore::open(&dir, 10).unwrap();
    let b = base();
    let runs: Vec<Run> = (1..=4).map(|s| run(&b, s, s, None)).collect();
    for r in &runs {
        save(&store, r);
    }
    assert_eq!(latest_id(&store).as_deref(), Some("step-000004"));

    // One flipped byte keeps the size: only the checksum can tell.
    let path = dir.join("step-000004/adapter/adapter_model.safetensors");
    let mut bytes = std::fs::read(&path).unwrap();
    let n = bytes.len();
    bytes[n - 3] ^= 0x40;
    std::fs::write(&path, bytes).unwrap();
    assert_eq!(latest_id(&store).as_deref(), Some("step-000003"));
    assert!(matches!(store.load("step-000004", b.clone(), &Device::flex()), Err(CheckpointError::Invalid { .. })));

    let path = dir.join("step-000003/trainer_state.json");
    let text = std::fs::read(&path).unwrap();
    std::fs::write(&path, &text[..text.len() / 2]).unwrap();
    assert_eq!(latest_id(&store).as_deref(), Some("step-000002"));

    std::fs::remove_file(dir.join("step-000002/manifest.json")).unwrap();
    assert_eq!(latest_id(&store).as_deref(), Some("step-000001"));
    // A pointer that names nothing is ignored the same way.
    std::fs::write(dir.join("latest"), "../../etc\n").unwrap(); // repo-path: not a path
    assert_eq!(latest_id(&store).as_deref(), Some("step-000001"));

    let valid: BTreeMap<String, bool> = store.list().unwrap().into_iter().map(|i| (i.id, i.valid)).collect();
    let want = [("step-000001", true), ("step-000002", false), ("step-000003", false), ("step-000004", true)];
    assert_eq!(valid, want.iter().map(|(k, v)| (k.to_string(), *v)).collect(), "list checks sizes, not checksums");
    let back = store.load("step-000001", b, &Device::flex()).unwrap();
    assert_eq!(back.state, runs[0].state);
    assert_eq!(adapter_bits(&back.model), adapter_bits(&runs[0].model));
}

#[test]
fn open_removes_leftovers_of_dead_writers_only() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("checkpoints");
    let ours = dir.join(format!(".tmp-step-000005-{}", std::process::id()));
    let dead = dir.join(".tmp-old-step-000006-2147483646"); // above any pid_max
    let live = dir.join(".tmp-step-000007-1"); // pid 1 always exists
    for d in [&ours, &dead, &live] {
        std::fs::create_dir_all(d.join("adapter")).unwrap();
        std::fs::write(d.join("adapter/adapter_config.json"), "{}").unwrap();
    }
    std::fs::write(dir.join(".tmp-latest-2147483646"), "step-000005\n").unwrap();
    let store = CheckpointStore::open(&dir, 3).unwrap();
    assert_eq!(leftovers(&dir), vec![".tmp-step-000007-1".to_string()]);
    assert!(ids(&store).is_empty());
    assert_eq!(latest_id(&store), None);
}

#[test]
fn a_crash_before_the_rename_leaves_the_previous_checkpoint_latest() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("checkpoints");
    let b = base();
    let (r1, r2) = (run(&b, 1, 1, None), run(&b, 2, 2, None));
    let store = CheckpointStore::open(&dir, 3).unwrap();
    save(&store, &r1);
    let staged = store.stage("step-000002", 2, &r2.model, &r2.spec, &r2.opt, &r2.state, "tiny-llama").unwrap();
    let staging = staged.0.clone().unwrap();
    assert!(staging.join("manifest.json").is_file(), "everything but the rename was done");
    std::mem::forget(staged); // kill -9: no destructor runs
    drop(store);

    let store = CheckpointStore::open(&dir, 3).unwrap();
    assert!(!staging.exists() && leftovers(&dir).is_empty());
    assert_eq!(ids(&store), ["step-000001"]);
    assert_eq!(latest_id(&store).as_deref(), Some("step-000001"));
    assert_eq!(store.load("step-000001", b.clone(), &Device::flex()).unwrap().state, r1.state);

    // A save that fails half way cleans up after itself and changes nothing.
    let mut bad = run(&b, 3, 3, None);
    bad.opt.moments.pop();
    assert!(store.save(&bad.model, &bad.spec, &bad.opt, &bad.state, "tiny-llama").is_err());
    assert!(leftovers(&dir).is_empty());
    assert_eq!(ids(&store), ["step-000001"]);
    assert_eq!(latest_id(&store).as_deref(), Some("step-000001"));
}

#[test]
fn retention_keeps_the_last_k_the_best_and_the_latest() {
    let b = base();
    let tmp = tempfile::tempdir().unwrap();
    let store = CheckpointStore::open(tmp.path().join("a"), 2).unwrap();
    for (step, metric) in (1..).zip([0.1, 0.9, 0.2, 0.3, 0.4, 0.5]) {
        save(&store, &run(&b, step, step, Some(metric)));
    }
    assert_eq!(ids(&store), ["step-000002", "step-000005", "step-000006"]);
    let best: Vec<String> = store.list().unwrap().into_iter().filter(|i| i.is_best).map(|i| i.id).collect();
    assert_eq!(best, ["step-000002"]);

    let dir = tmp.path().join("b");
    let store = CheckpointStore::open(&dir, 4).unwrap();
    for (step, metric) in (1..).zip([0.5, 0.1, 0.9, 0.2, 0.3]) {
        save(&store, &run(&b, step, step, Some(metric)));
    }
    assert_eq!(ids(&store), ["step-000002", "step-000003", "step-000004", "step-000005"]);
    store.rollback("step-000002").unwrap();
    let store = CheckpointStore::open(&dir, 1).unwrap();
    assert_eq!(store.prune().unwrap(), ["step-000004"], "newest (5), best (3) and latest (2) stay");
    assert_eq!(ids(&store), ["step-000002", "step-000003", "step-000005"]);
}

#[test]
fn rollback_moves_latest_and_a_revisited_step_replaces_the_old_one() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("checkpoints");
    let store = CheckpointStore::open(&dir, 5).unwrap();
    let b = base();
    for s in 1..=3 {
        save(&store, &run(&b, s, s, None));
    }
    assert_eq!(latest_id(&store).as_deref(), Some("step-000003"));

    let info = store.rollback("step-000001").unwrap();
    assert!(info.is_latest);
    assert_eq!(latest_id(&store).as_deref(), Some("step-000001"));
    let latest: Vec<String> = store.list().unwrap().into_iter().filter(|i| i.is_latest).map(|i| i.id).collect();
    assert_eq!(latest, ["step-000001"]);
    assert!(matches!(store.rollback("step-000009"), Err(CheckpointError::NotFound { .. })));
    let bad_ids = ["../step-000001", "step-", "latest", "step-1/../../x"]; // repo-path: not a path
    for bad in bad_ids {
        assert!(matches!(store.rollback(bad), Err(CheckpointError::BadId { .. })), "{bad}");
    }

    // The run continues from step 1 and saves step 2 again: the new state wins.
    let again = run(&b, 20, 2, None);
    save(&store, &again);
    assert_eq!(latest_id(&store).as_deref(), Some("step-000002"));
    assert_eq!(ids(&store), ["step-000001", "step-000003", "step-000002"], "ordered by save, not by step");
    let back = store.load("step-000002", b, &Device::flex()).unwrap();
    assert_eq!(back.state, again.state);
    assert_eq!(adapter_bits(&back.model), adapter_bits(&again.model));
    assert!(leftovers(&dir).is_empty());
}

#[test]
fn export_writes_a_peft_directory_that_loads_back() {
    let tmp = tempfile::tempdir().unwrap();
    let store = CheckpointStore::open(tmp.path().join("checkpoints"), 3).unwrap();
    let b = base();
    let r = run(&b, 3, 5, None);
    let info = save(&store, &r);
    let out = tmp.path().join("export/adapter");
    store.export(&info.id, &out).unwrap();
    let (m, spec) = lora::load_peft(b, &out, &Device::flex()).unwrap();
    assert_eq!(spec, r.spec);
    assert_eq!(adapter_bits(&m), adapter_bits(&r.model));
    assert!(matches!(store.export("step-000099", &out), Err(CheckpointError::NotFound { .. })));
}

#[test]
fn config_hash_is_fnv1a_64() {
    // Reference values of FNV-1a 64 (Fowler/Noll/Vo test vectors).
    assert_eq!(config_hash(""), "cbf29ce484222325");
    assert_eq!(config_hash("a"), "af63dc4c8601ec8c");
    assert_eq!(config_hash("foobar"), "85944171f73967e8");
}

/// Exports create a new directory and nothing else: an existing directory or file, a
/// symlink (even a dangling one) is refused and left as it was.
#[test]
fn export_refuses_existing_targets_and_symlinks() {
    let tmp = tempfile::tempdir().unwrap();
    let store = CheckpointStore::open(tmp.path().join("checkpoints"), 3).unwrap();
    let info = save(&store, &run(&base(), 3, 5, None));
    let existing = tmp.path().join("existing");
    std::fs::create_dir(&existing).unwrap();
    std::fs::write(existing.join("keep.txt"), "mine").unwrap();
    let victim = tmp.path().join("victim");
    std::fs::create_dir(&victim).unwrap();
    let link = tmp.path().join("link");
    std::os::unix::fs::symlink(&victim, &link).unwrap();
    let dangling = tmp.path().join("dangling");
    std::os::unix::fs::symlink(tmp.path().join("nowhere"), &dangling).unwrap();
    for (target, why) in [(&existing, "already exists"), (&link, "symbolic link"), (&dangling, "symbolic link")] {
        let err = store.export(&info.id, target).unwrap_err();
        assert!(matches!(err, CheckpointError::ExportTarget { .. }) && err.to_string().contains(why), "{}: {err}", target.display());
    }
    assert_eq!(std::fs::read_dir(&victim).unwrap().count(), 0, "nothing written through the link");
    assert!(!tmp.path().join("nowhere").exists());
    assert_eq!(std::fs::read_to_string(existing.join("keep.txt")).unwrap(), "mine");
    // A new path works, and no temporary directory is left beside it.
    let fresh = tmp.path().join("out/adapter");
    store.export(&info.id, &fresh).unwrap();
    assert!(fresh.join("adapter_config.json").is_file());
    let names: Vec<String> = std::fs::read_dir(tmp.path().join("out")).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert_eq!(names, ["adapter"]);
}

/// A run that cannot resume moves the checkpoints aside, whole, and the store starts
/// empty: nothing of the earlier run is deleted or overwritten.
#[test]
fn set_aside_keeps_every_checkpoint_and_empties_the_store() {
    let tmp = tempfile::tempdir().unwrap();
    let store = CheckpointStore::open(tmp.path().join("checkpoints"), 3).unwrap();
    let info = save(&store, &run(&base(), 3, 5, None));
    let aside = store.set_aside().unwrap();
    assert!(aside.file_name().unwrap().to_string_lossy().starts_with("checkpoints.unusable-"));
    assert!(aside.join(&info.id).join("manifest.json").is_file() || aside.join(&info.id).is_dir());
    assert!(store.list().unwrap().is_empty());
    assert!(store.latest_valid().unwrap().is_none());
    // A second set-aside in the same second gets its own name.
    save(&store, &run(&base(), 3, 6, None));
    let again = store.set_aside().unwrap();
    assert_ne!(again, aside);
    assert!(aside.is_dir() && again.is_dir());
}
