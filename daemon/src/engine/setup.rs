//! Engine start-up: open the device, load the model, attach the adapter, create the
//! trainer, and resume exactly from the newest valid checkpoint.

use rlvr_client::TrainState;

use super::training::Training;
use super::{Engine, EngineDeps};
use crate::backend;
use crate::checkpoint::config_hash as hash_text;
use crate::config::Config;
use crate::model::lora::{self, LoraSpec};
use crate::model::LoadedModel;
use crate::train::trainer::Trainer;

/// Hash of the settings that define what is being trained (model, adapter shape,
/// loss); a checkpoint from another configuration is still loaded but warned about.
pub fn config_hash(cfg: &Config) -> String {
    let key = serde_json::json!({
        "model": cfg.model.path,
        "lora": cfg.lora,
        "loss": cfg.rl.loss,
        "reward": cfg.reward.kind,
    });
    hash_text(&key.to_string())
}

pub fn spec_of(cfg: &Config) -> LoraSpec {
    LoraSpec { rank: cfg.lora.rank, alpha: cfg.lora.alpha, dropout: cfg.lora.dropout, targets: cfg.lora.targets.clone() }
}

/// Load everything; on failure hand the deps back with the reason. (Runs once at
/// startup: the large `Err` is moved once, not worth a box.)
#[allow(clippy::result_large_err)]
pub fn load(deps: EngineDeps) -> Result<Engine, (EngineDeps, String)> {
    let cfg = deps.cfg.clone();
    let loaded = backend::select(&cfg.backend).map_err(|e| e.to_string()).and_then(|dev| {
        deps.shared.set_backend(dev.info.clone());
        let t = std::time::Instant::now();
        let m = LoadedModel::load_with(&cfg.model.path, cfg.model.max_seq_len, &dev.device, cfg.model.inference_weights).map_err(|e| e.to_string())?;
        tracing::info!(path = %cfg.model.path.display(), secs = t.elapsed().as_secs_f64(), params = m.cfg.parameter_count(), "model loaded");
        Ok(m)
    });
    let mut model = match loaded {
        Ok(m) => m,
        Err(e) => return Err((deps, e)),
    };
    deps.shared.set_model(Some(model.info()));
    let spec = spec_of(&cfg);
    model.model = lora::attach(model.model, &spec, cfg.rl.seed, &model.device);
    let n = lora::adapters(&model.model).len() * 2;
    let trainer = Trainer::new(cfg.rl.clone(), spec, n);
    let mut engine = Engine {
        training: Training::new(&cfg, trainer),
        model,
        checkpointed_step: 0,
        serving: None,
        evals: Default::default(),
        base_eval: None,
        serving_eval: None,
        latest_eval: None,
        deps,
    };
    match engine.deps.checkpoints.latest_valid() {
        Ok(Some(info)) => {
            if let Err(e) = restore(&mut engine, &info.id) {
                // Never lose the earlier run: its checkpoints move aside before the fresh
                // run saves (and prunes) its own.
                match engine.deps.checkpoints.set_aside() {
                    Ok(aside) => {
                        let msg = format!(
                            "cannot resume from checkpoint {}: {e}; its checkpoints were moved to {} and training starts a fresh adapter",
                            info.id,
                            aside.display()
                        );
                        tracing::error!("{msg}");
                        engine.deps.shared.set_error(Some(msg));
                    }
                    Err(move_err) => {
                        tracing::error!(checkpoint = %info.id, error = %e, "cannot resume from checkpoint, nor move the checkpoints aside ({move_err}); starting fresh");
                    }
                }
            }
        }
        Ok(None) => tracing::info!("no checkpoint: starting a fresh adapter"),
        Err(e) => tracing::warn!(error = %e, "cannot list checkpoints; starting a fresh adapter"),
    }
    if cfg.rl.autostart && engine.deps.verifier.is_ok() {
        engine.training.state = TrainState::Running;
    }
    Ok(engine)
}

/// Why a checkpoint could not be loaded into the engine.
#[derive(Debug, thiserror::Error)]
pub enum RestoreError {
    #[error(transparent)]
    Checkpoint(#[from] crate::checkpoint::CheckpointError),
    #[error("checkpoint {id}: task sampler state: {source}")]
    Sampler { id: String, source: serde_json::Error },
    #[error(transparent)]
    History(#[from] crate::history::HistoryError),
}

/// Load checkpoint `id` into the engine: adapter, optimizer, step, RNG, and the
/// metrics history cut back to the checkpoint.
pub fn restore(e: &mut Engine, id: &str) -> Result<(), RestoreError> {
    let base = lora::detach_all(e.model.model.clone());
    let r = e.deps.checkpoints.load(id, base, &e.model.device)?;
    if r.state.config_hash != config_hash(&e.deps.cfg) {
        tracing::warn!(checkpoint = %id, "checkpoint was trained under a different model/adapter/loss configuration");
    }
    e.model.model = r.model;
    let t = &mut e.training.trainer;
    t.spec = r.spec;
    t.opt = r.optimizer;
    t.step = r.state.step;
    if let Some(rng) = r.state.rngs.get("trainer") {
        t.rng = rng.clone();
    }
    e.training.curriculum =
        crate::train::curriculum::Curriculum::from_json(&r.state.sampler).map_err(|source| RestoreError::Sampler { id: id.to_string(), source })?;
    e.checkpointed_step = r.state.step;
    e.deps.history.truncate_to(r.state.metrics_offset)?;
    tracing::info!(checkpoint = %id, step = r.state.step, "resumed from checkpoint");
    Ok(())
}

impl Engine {
    pub(crate) fn cfg(&self) -> &Config {
        &self.deps.cfg
    }
}
