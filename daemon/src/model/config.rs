//! Architecture hyper-parameters, read from the checkpoint (HF `config.json` or GGUF
//! metadata), never hard-coded. One struct covers Llama-3.x / SmolLM2 and Qwen3.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::gguf::{GgufError, GgufFile, Value};

/// Model family: decides q/k norms and the GGUF rotary layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// Llama-3.x, SmolLM2 (LlamaForCausalLM).
    Llama,
    /// Qwen3 (per-head RMSNorm on q and k).
    Qwen3,
}

impl Family {
    pub fn name(self) -> &'static str {
        match self {
            Family::Llama => "llama",
            Family::Qwen3 => "qwen3",
        }
    }
}

/// RoPE frequency scaling.
#[derive(Debug, Clone, PartialEq)]
pub enum RopeScaling {
    /// Llama-3 "llama3" rope_type: piecewise rescaling of the low frequencies.
    Llama3 { factor: f64, low_freq_factor: f64, high_freq_factor: f64, original_max_position_embeddings: f64 },
    /// Per-frequency divisors as stored by llama.cpp in `rope_freqs.weight`.
    Factors(Vec<f32>),
}

/// Everything the transformer needs to know about its shape.
#[derive(Debug, Clone, PartialEq)]
pub struct ArchConfig {
    pub family: Family,
    pub vocab_size: usize,
    pub hidden_size: usize,
    pub intermediate_size: usize,
    pub num_layers: usize,
    pub num_heads: usize,
    pub num_kv_heads: usize,
    /// Per-head width (explicit in Qwen3; hidden/heads otherwise).
    pub head_dim: usize,
    pub rms_norm_eps: f64,
    pub rope_theta: f64,
    pub rope_scaling: Option<RopeScaling>,
    /// lm_head shares the embedding matrix.
    pub tie_word_embeddings: bool,
    pub max_position_embeddings: usize,
}

/// Errors reading an architecture description.
#[derive(Debug, thiserror::Error)]
pub enum ArchError {
    #[error("{path}: cannot read: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{path}: invalid config.json: {source}")]
    Json { path: PathBuf, source: serde_json::Error },
    #[error("{path}: unsupported architecture `{arch}` (supported: LlamaForCausalLM, Qwen3ForCausalLM / GGUF llama, qwen3)")]
    Unsupported { path: PathBuf, arch: String },
    #[error("{path}: inconsistent shape: {what}")]
    Shape { path: PathBuf, what: String },
    #[error(transparent)]
    Gguf(#[from] GgufError),
}

#[derive(Deserialize)]
struct HfConfig {
    #[serde(default)]
    architectures: Vec<String>,
    #[serde(default)]
    model_type: Option<String>,
    vocab_size: usize,
    hidden_size: usize,
    intermediate_size: usize,
    num_hidden_layers: usize,
    num_attention_heads: usize,
    num_key_value_heads: Option<usize>,
    head_dim: Option<usize>,
    rms_norm_eps: f64,
    rope_theta: Option<f64>,
    rope_scaling: Option<serde_json::Value>,
    /// transformers >= 5 writes `rope_parameters` (theta + scaling) instead.
    rope_parameters: Option<serde_json::Value>,
    #[serde(default)]
    tie_word_embeddings: bool,
    #[serde(default = "default_max_pos")]
    max_position_embeddings: usize,
}

fn default_max_pos() -> usize {
    2048
}

impl ArchConfig {
    /// From a Hugging Face `config.json`.
    pub fn from_hf_config(path: &Path) -> Result<ArchConfig, ArchError> {
        let text = std::fs::read_to_string(path).map_err(|source| ArchError::Io { path: path.into(), source })?;
        let hf: HfConfig = serde_json::from_str(&text).map_err(|source| ArchError::Json { path: path.into(), source })?;
        let arch = hf.architectures.first().cloned().or(hf.model_type.clone()).unwrap_or_default();
        let family = match arch.as_str() {
            "LlamaForCausalLM" | "llama" => Family::Llama,
            "Qwen3ForCausalLM" | "qwen3" => Family::Qwen3,
            _ => return Err(ArchError::Unsupported { path: path.into(), arch }),
        };
        let params = hf.rope_parameters.clone().unwrap_or(serde_json::Value::Null);
        let rope_theta = hf.rope_theta.or_else(|| params.get("rope_theta").and_then(|v| v.as_f64())).unwrap_or(10_000.0);
        let scaling = match &hf.rope_scaling {
            Some(v) if !v.is_null() => Some(v.clone()),
            _ if params.is_object() => Some(params.clone()),
            _ => None,
        };
        let rope_scaling = match &scaling {
            None | Some(serde_json::Value::Null) => None,
            Some(v) => {
                let kind = v.get("rope_type").or_else(|| v.get("type")).and_then(|t| t.as_str()).unwrap_or("");
                let num = |k: &str| v.get(k).and_then(|x| x.as_f64());
                match kind {
                    "llama3" => Some(RopeScaling::Llama3 {
                        factor: num("factor").unwrap_or(8.0),
                        low_freq_factor: num("low_freq_factor").unwrap_or(1.0),
                        high_freq_factor: num("high_freq_factor").unwrap_or(4.0),
                        original_max_position_embeddings: num("original_max_position_embeddings").unwrap_or(8192.0),
                    }),
                    "default" | "" => None,
                    other => return Err(ArchError::Unsupported { path: path.into(), arch: format!("rope_scaling {other}") }),
                }
            }
        };
        let cfg = ArchConfig {
            family,
            vocab_size: hf.vocab_size,
            hidden_size: hf.hidden_size,
            intermediate_size: hf.intermediate_size,
            num_layers: hf.num_hidden_layers,
            num_heads: hf.num_attention_heads,
            num_kv_heads: hf.num_key_value_heads.unwrap_or(hf.num_attention_heads),
            head_dim: hf.head_dim.unwrap_or(hf.hidden_size / hf.num_attention_heads.max(1)),
            rms_norm_eps: hf.rms_norm_eps,
            rope_theta,
            rope_scaling,
            tie_word_embeddings: hf.tie_word_embeddings,
            max_position_embeddings: hf.max_position_embeddings,
        };
        cfg.check(path)?;
        Ok(cfg)
    }

    /// From GGUF metadata (`general.architecture` and `<arch>.*` keys).
    pub fn from_gguf(g: &GgufFile) -> Result<ArchConfig, ArchError> {
        let arch = g.require("general.architecture")?.as_str().unwrap_or_default().to_string();
        let family = match arch.as_str() {
            "llama" => Family::Llama,
            "qwen3" => Family::Qwen3,
            _ => return Err(ArchError::Unsupported { path: g.path.clone(), arch }),
        };
        let key = |k: &str| format!("{arch}.{k}");
        let u = |k: &str| g.require_u64(&key(k)).map(|v| v as usize);
        let vocab = match g.meta(&key("vocab_size")).and_then(Value::as_u64) {
            Some(v) => v as usize,
            None => g.require("tokenizer.ggml.tokens")?.as_array().map(|a| a.len()).unwrap_or(0),
        };
        let hidden = u("embedding_length")?;
        let heads = u("attention.head_count")?;
        let head_dim = match g.meta(&key("attention.key_length")).and_then(Value::as_u64) {
            Some(v) => v as usize,
            None => hidden / heads.max(1),
        };
        let rope_scaling = match g.tensors.contains_key("rope_freqs.weight") {
            true => Some(RopeScaling::Factors(g.tensor_f32("rope_freqs.weight")?.1)),
            false => None,
        };
        let cfg = ArchConfig {
            family,
            vocab_size: vocab,
            hidden_size: hidden,
            intermediate_size: u("feed_forward_length")?,
            num_layers: u("block_count")?,
            num_heads: heads,
            num_kv_heads: g.meta(&key("attention.head_count_kv")).and_then(Value::as_u64).map(|v| v as usize).unwrap_or(heads),
            head_dim,
            rms_norm_eps: g.require_f64(&key("attention.layer_norm_rms_epsilon"))?,
            rope_theta: g.meta(&key("rope.freq_base")).and_then(Value::as_f64).unwrap_or(10_000.0),
            rope_scaling,
            tie_word_embeddings: !g.tensors.contains_key("output.weight"),
            max_position_embeddings: u("context_length")?,
        };
        cfg.check(&g.path)?;
        Ok(cfg)
    }

    fn check(&self, path: &Path) -> Result<(), ArchError> {
        let bad = |what: String| Err(ArchError::Shape { path: path.into(), what });
        if self.num_heads == 0 || self.num_kv_heads == 0 || !self.num_heads.is_multiple_of(self.num_kv_heads) {
            return bad(format!("{} heads not a multiple of {} kv heads", self.num_heads, self.num_kv_heads));
        }
        if self.head_dim == 0 || !self.head_dim.is_multiple_of(2) {
            return bad(format!("head_dim {} must be even", self.head_dim));
        }
        if self.vocab_size == 0 || self.hidden_size == 0 || self.num_layers == 0 || self.intermediate_size == 0 {
            return bad("zero-sized dimension".into());
        }
        Ok(())
    }

    /// Parameters of the base model (embeddings counted once when tied).
    pub fn parameter_count(&self) -> u64 {
        let (h, i, v) = (self.hidden_size as u64, self.intermediate_size as u64, self.vocab_size as u64);
        let (q, kv) = ((self.num_heads * self.head_dim) as u64, (self.num_kv_heads * self.head_dim) as u64);
        let qk_norm = if self.family == Family::Qwen3 { 2 * self.head_dim as u64 } else { 0 };
        let layer = h * q + 2 * h * kv + q * h + 3 * h * i + 2 * h + qk_norm;
        let head = if self.tie_word_embeddings { 0 } else { v * h };
        v * h + self.num_layers as u64 * layer + h + head
    }
}
