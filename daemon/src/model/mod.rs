//! The model: a decoder-only transformer in burn for the Llama-3 / SmolLM2 and Qwen3
//! families, its loaders (HF safetensors, GGUF), tokenizer, chat template and sampling.
//!
//! - [`config`]: architecture hyper-parameters from the checkpoint.
//! - [`weights`]: loading, and the one table of checkpoint tensor names.
//! - [`gguf`]: the GGUF reader and dequantizers.
//! - [`layers`], [`rope`], [`attention`], [`mlp`], [`block`], [`transformer`]: the network.
//! - [`cache`]: KV cache (state, not parameters).
//! - [`tokenizer`], [`chat`]: text in and out.
//! - [`sampling`], [`generate`]: picking tokens; batched generation.
//! - [`cpu`]: the CPU inference path (compact weights, fused kernels) generation uses
//!   on the CPU backend.

pub mod attention;
pub mod block;
pub mod cache;
pub mod chat;
pub mod config;
pub mod cpu;
pub mod generate;
pub mod gguf;
pub mod layers;
pub mod lora;
pub mod mlp;
pub mod prompt_cache;
pub mod rope;
pub mod sampling;
pub mod tokenizer;
pub mod transformer;
pub mod weights;

use std::path::{Path, PathBuf};

use burn::tensor::Device;

use self::chat::{ChatError, Message};
use self::config::ArchConfig;
use self::rope::Rope;
use self::tokenizer::{TextTokenizer, TokenizerError};
use self::transformer::Transformer;
use self::weights::WeightsError;

/// Errors loading a model; each names the path.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    #[error("model path {path} does not exist (run scripts/setup.sh to fetch the default model, or set [model] path)")]
    NotFound { path: PathBuf },
    #[error("{path}: not a model: expected a .gguf file or a directory with config.json")]
    NotAModel { path: PathBuf },
    #[error(transparent)]
    Weights(#[from] WeightsError),
    #[error(transparent)]
    Tokenizer(#[from] TokenizerError),
    #[error(transparent)]
    Gguf(#[from] gguf::GgufError),
    #[error(transparent)]
    Chat(#[from] ChatError),
    #[error("{path}: CPU inference weights: {source}")]
    CpuPath { path: PathBuf, source: cpu::CpuPathError },
}

/// A model ready to run: network, tokenizer and rope tables on one device.
pub struct LoadedModel {
    pub cfg: ArchConfig,
    pub model: Transformer,
    pub tokenizer: TextTokenizer,
    pub rope: Rope,
    pub device: Device,
    pub path: PathBuf,
    /// Context used by the engine (config limit clipped to the model's).
    pub max_seq_len: usize,
    /// The CPU inference path generation runs on (None on a GPU, or when turned off).
    pub cpu: Option<cpu::CpuModel>,
    /// The CPU path's copy of the attached adapters, with the key of the version it
    /// was made from (see [`LoadedModel::cpu_adapters`]).
    cpu_adapters: std::sync::Mutex<Option<(u64, std::sync::Arc<cpu::Adapters>)>>,
    /// Prompt prefills kept for requests that start the same way (CPU path).
    pub prompt_cache: std::sync::Mutex<prompt_cache::PromptCache>,
}

/// Whether `device` is the CPU backend (where the CPU inference path applies).
pub fn is_cpu(device: &Device) -> bool {
    *device == Device::flex()
}

impl LoadedModel {
    /// Load a `.gguf` file or a HF snapshot directory, with the default CPU path.
    pub fn load(path: &Path, max_seq_len: usize, device: &Device) -> Result<LoadedModel, ModelError> {
        Self::load_with(path, max_seq_len, device, cpu::InferenceWeights::Auto)
    }

    /// Load, keeping the CPU path's weights as `weights` says.
    pub fn load_with(path: &Path, max_seq_len: usize, device: &Device, weights: cpu::InferenceWeights) -> Result<LoadedModel, ModelError> {
        if !path.exists() {
            return Err(ModelError::NotFound { path: path.into() });
        }
        let (m, g) = if path.is_dir() {
            if !path.join("config.json").is_file() {
                return Err(ModelError::NotAModel { path: path.into() });
            }
            let (cfg, model) = weights::load_hf(path, device)?;
            (Self::assemble(cfg, model, TextTokenizer::from_hf_dir(path)?, max_seq_len, device, path), None)
        } else {
            let g = gguf::GgufFile::open(path)?;
            let (cfg, model) = weights::load_gguf(&g, device)?;
            let tok = TextTokenizer::from_gguf(&g)?;
            (Self::assemble(cfg, model, tok, max_seq_len, device, path), Some(g))
        };
        m.with_cpu_path(weights, g.as_ref())
    }

    fn assemble(cfg: ArchConfig, model: Transformer, tokenizer: TextTokenizer, max_seq_len: usize, device: &Device, path: &Path) -> LoadedModel {
        let max_seq_len = max_seq_len.min(cfg.max_position_embeddings).max(16);
        let rope = Rope::new(&cfg, max_seq_len, device);
        LoadedModel {
            cfg,
            model,
            tokenizer,
            rope,
            device: device.clone(),
            path: path.into(),
            max_seq_len,
            cpu: None,
            cpu_adapters: Default::default(),
            prompt_cache: Default::default(),
        }
    }

    /// Build the CPU inference path (on the CPU backend only): from the GGUF's own
    /// blocks when `gguf` is given, else from the burn model's weights.
    pub fn with_cpu_path(mut self, weights: cpu::InferenceWeights, gguf: Option<&gguf::GgufFile>) -> Result<LoadedModel, ModelError> {
        self.cpu = None;
        if weights == cpu::InferenceWeights::Off || !is_cpu(&self.device) {
            return Ok(self);
        }
        let built = match gguf {
            Some(g) => cpu::from_gguf(g, &self.cfg, self.max_seq_len, weights),
            None => cpu::from_transformer(&self.model, &self.cfg, self.max_seq_len, weights),
        };
        self.cpu = Some(built.map_err(|source| ModelError::CpuPath { path: self.path.clone(), source })?);
        Ok(self)
    }

    /// The attached adapters as the CPU path uses them; copied out of the model once per
    /// adapter version (a copy of SmolLM2's r=16 adapters takes ~30 ms, too much to
    /// repeat for every editor completion). None when no adapters are attached.
    pub fn cpu_adapters(&self) -> Option<std::sync::Arc<cpu::Adapters>> {
        let key = cpu::adapter_key(&self.model)?;
        let mut cached = self.cpu_adapters.lock().unwrap_or_else(|p| p.into_inner());
        match &*cached {
            Some((k, a)) if *k == key => Some(a.clone()),
            _ => {
                let a = cpu::adapters(&self.model)?;
                *cached = Some((key, a.clone()));
                Some(a)
            }
        }
    }

    /// Assemble from parts (tiny test models with a synthetic tokenizer).
    pub fn from_parts(cfg: ArchConfig, model: Transformer, tokenizer: TextTokenizer, max_seq_len: usize, device: &Device) -> LoadedModel {
        let m = Self::assemble(cfg, model, tokenizer, max_seq_len, device, Path::new("<parts>"));
        m.with_cpu_path(cpu::InferenceWeights::Auto, None).expect("f32 CPU path of an in-memory model")
    }

    /// A model with the architecture of a HF `config.json` and seeded random weights,
    /// with a synthetic word-level tokenizer. For benchmarks and backend parity where
    /// the checkpoint is not available; never for serving.
    pub fn synthetic(config_json: &Path, seed: u64, max_seq_len: usize, device: &Device, weights: cpu::InferenceWeights) -> Result<LoadedModel, ModelError> {
        let cfg = config::ArchConfig::from_hf_config(config_json).map_err(WeightsError::from)?;
        let model = weights::load_random(&cfg, seed, device)?;
        let tokenizer = TextTokenizer::synthetic(cfg.vocab_size)?;
        Self::assemble(cfg, model, tokenizer, max_seq_len, device, config_json).with_cpu_path(weights, None)
    }

    /// Prompt text for a user message: the checkpoint's chat template when `chat` and
    /// it has one, else the raw text.
    pub fn format_prompt(&self, user: &str, system: Option<&str>, chat: bool) -> Result<String, ModelError> {
        if !chat || self.tokenizer.chat_template.is_none() {
            return Ok(user.to_string());
        }
        let mut msgs = Vec::new();
        if let Some(s) = system {
            msgs.push(Message::system(s));
        }
        msgs.push(Message::user(user));
        Ok(chat::render(&self.tokenizer, self.tokenizer.chat_template.as_deref(), &msgs, true)?)
    }

    /// Description for `status`.
    pub fn info(&self) -> rlvr_client::ModelInfo {
        rlvr_client::ModelInfo {
            path: self.path.display().to_string(),
            architecture: self.cfg.family.name().into(),
            parameters: self.cfg.parameter_count(),
            layers: self.cfg.num_layers,
            hidden_size: self.cfg.hidden_size,
            vocab_size: self.cfg.vocab_size,
            max_seq_len: self.max_seq_len,
        }
    }
}

#[cfg(test)]
pub(crate) mod tests;
