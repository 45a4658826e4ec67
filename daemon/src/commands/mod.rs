//! One-shot subcommands of the `rlvrd` binary (everything but running the daemon):
//! each parses nothing itself, takes typed options from `main.rs`, and prints.

pub mod bench;
pub mod bench_serve;
pub mod bench_verify;
pub mod eval;
pub mod generate;
pub mod train;
pub mod verify;

use rlvrd::backend::{self, SelectedDevice};
use rlvrd::config::{ChatTemplateMode, Config};
use rlvrd::model::LoadedModel;

/// Load the configured model on the configured device, timing the load.
pub fn load_model(cfg: &Config) -> anyhow::Result<(LoadedModel, SelectedDevice, f64)> {
    load_model_or_synthetic(cfg, None)
}

/// Like [`load_model`], or a seeded random model shaped like `synthetic` (a HF
/// config.json) when given.
pub fn load_model_or_synthetic(cfg: &Config, synthetic: Option<&std::path::Path>) -> anyhow::Result<(LoadedModel, SelectedDevice, f64)> {
    backend::configure_threads(&cfg.backend);
    let dev = backend::select(&cfg.backend)?;
    let t = std::time::Instant::now();
    let m = match synthetic {
        Some(c) => LoadedModel::synthetic(c, 0, cfg.model.max_seq_len, &dev.device, cfg.model.inference_weights)?,
        None => LoadedModel::load_with(&cfg.model.path, cfg.model.max_seq_len, &dev.device, cfg.model.inference_weights)?,
    };
    Ok((m, dev, t.elapsed().as_secs_f64()))
}

/// Whether prompts get the chat template under this config.
pub fn use_chat(cfg: &Config) -> bool {
    cfg.model.chat_template == ChatTemplateMode::Auto
}

pub use rlvrd::engine::memory::peak_rss_bytes;
