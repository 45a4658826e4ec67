//! Checkpoint loading: Hugging Face safetensors (single or sharded) and GGUF, into the
//! burn [`Transformer`]. This file holds the ONE table of checkpoint tensor names.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use burn::module::Param;
use burn::tensor::{Device, Tensor, TensorData};

use super::attention::Attention;
use super::block::Block;
use super::config::{ArchConfig, ArchError, Family};
use super::gguf::{unpermute_rotary, GgufError, GgufFile};
use super::layers::{Proj, RmsNorm};
use super::mlp::Mlp;
use super::sampling::Rng;
use super::transformer::Transformer;

/// Errors loading weights; each names the file and, where relevant, the tensor.
#[derive(Debug, thiserror::Error)]
pub enum WeightsError {
    #[error("{path}: cannot read: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{path}: invalid safetensors: {reason}")]
    Safetensors { path: PathBuf, reason: String },
    #[error("{path}: invalid {what}: {reason}")]
    Index { path: PathBuf, what: &'static str, reason: String },
    #[error("{path}: tensor `{tensor}` is missing")]
    Missing { path: PathBuf, tensor: String },
    #[error("{path}: tensor `{tensor}` has shape {got:?}, expected {want:?}")]
    Shape { path: PathBuf, tensor: String, got: Vec<usize>, want: Vec<usize> },
    #[error("{path}: tensor `{tensor}` has unsupported dtype {dtype} (supported: F32, F16, BF16)")]
    Dtype { path: PathBuf, tensor: String, dtype: String },
    #[error(transparent)]
    Gguf(#[from] GgufError),
    #[error(transparent)]
    Arch(#[from] ArchError),
}

/// What a checkpoint tensor is, independent of naming scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Embed,
    FinalNorm,
    LmHead,
    AttnNorm(usize),
    Q(usize),
    K(usize),
    V(usize),
    O(usize),
    QNorm(usize),
    KNorm(usize),
    MlpNorm(usize),
    Gate(usize),
    Up(usize),
    Down(usize),
}

// The name table. Columns: role | Hugging Face (transformers) | GGUF (llama.cpp).
//   Embed      model.embed_tokens.weight                     token_embd.weight
//   FinalNorm  model.norm.weight                             output_norm.weight
//   LmHead     lm_head.weight                                output.weight
//   AttnNorm   model.layers.{i}.input_layernorm.weight       blk.{i}.attn_norm.weight
//   Q/K/V/O    model.layers.{i}.self_attn.{q,k,v,o}_proj.weight   blk.{i}.attn_{q,k,v,output}.weight
//   QNorm/KNorm model.layers.{i}.self_attn.{q,k}_norm.weight blk.{i}.attn_{q,k}_norm.weight
//   MlpNorm    model.layers.{i}.post_attention_layernorm.weight  blk.{i}.ffn_norm.weight
//   Gate/Up/Down model.layers.{i}.mlp.{gate,up,down}_proj.weight blk.{i}.ffn_{gate,up,down}.weight
// PEFT adapter keys are the HF projection names under `base_model.model.` with
// `.lora_A.weight` / `.lora_B.weight` in place of `.weight` (see `peft_key`).

/// The HF projection module path of a LoRA-able role (without `.weight`).
pub fn hf_module(role: Role) -> Option<String> {
    let (i, rest) = match role {
        Role::Q(i) => (i, "self_attn.q_proj"),
        Role::K(i) => (i, "self_attn.k_proj"),
        Role::V(i) => (i, "self_attn.v_proj"),
        Role::O(i) => (i, "self_attn.o_proj"),
        Role::Gate(i) => (i, "mlp.gate_proj"),
        Role::Up(i) => (i, "mlp.up_proj"),
        Role::Down(i) => (i, "mlp.down_proj"),
        _ => return None,
    };
    Some(format!("model.layers.{i}.{rest}"))
}

/// PEFT key of a LoRA matrix (`which` = "lora_A" or "lora_B").
pub fn peft_key(role: Role, which: &str) -> Option<String> {
    hf_module(role).map(|m| format!("base_model.model.{m}.{which}.weight"))
}

pub fn hf_name(role: Role) -> String {
    match role {
        Role::Embed => "model.embed_tokens.weight".into(),
        Role::FinalNorm => "model.norm.weight".into(),
        Role::LmHead => "lm_head.weight".into(),
        Role::AttnNorm(i) => format!("model.layers.{i}.input_layernorm.weight"),
        Role::QNorm(i) => format!("model.layers.{i}.self_attn.q_norm.weight"),
        Role::KNorm(i) => format!("model.layers.{i}.self_attn.k_norm.weight"),
        Role::MlpNorm(i) => format!("model.layers.{i}.post_attention_layernorm.weight"),
        other => format!("{}.weight", hf_module(other).expect("projection role")),
    }
}

pub fn gguf_name(role: Role) -> String {
    match role {
        Role::Embed => "token_embd.weight".into(),
        Role::FinalNorm => "output_norm.weight".into(),
        Role::LmHead => "output.weight".into(),
        Role::AttnNorm(i) => format!("blk.{i}.attn_norm.weight"),
        Role::Q(i) => format!("blk.{i}.attn_q.weight"),
        Role::K(i) => format!("blk.{i}.attn_k.weight"),
        Role::V(i) => format!("blk.{i}.attn_v.weight"),
        Role::O(i) => format!("blk.{i}.attn_output.weight"),
        Role::QNorm(i) => format!("blk.{i}.attn_q_norm.weight"),
        Role::KNorm(i) => format!("blk.{i}.attn_k_norm.weight"),
        Role::MlpNorm(i) => format!("blk.{i}.ffn_norm.weight"),
        Role::Gate(i) => format!("blk.{i}.ffn_gate.weight"),
        Role::Up(i) => format!("blk.{i}.ffn_up.weight"),
        Role::Down(i) => format!("blk.{i}.ffn_down.weight"),
    }
}

/// Somewhere tensors come from, in row-major PyTorch layout as f32.
trait Source {
    /// `want` is the shape the model expects (checked by the caller; a generator uses it).
    fn get(&self, role: Role, want: &[usize]) -> Result<(Vec<usize>, Vec<f32>), WeightsError>;
}

/// safetensors files of a HF snapshot (one, or shards listed by the index).
struct HfSource {
    /// tensor name -> file
    files: HashMap<String, PathBuf>,
    /// loaded file bytes, one at a time is enough for sequential access
    cache: std::cell::RefCell<Option<(PathBuf, Vec<u8>)>>,
    dir: PathBuf,
}

impl HfSource {
    fn open(dir: &Path) -> Result<HfSource, WeightsError> {
        let index = dir.join("model.safetensors.index.json");
        let mut files = HashMap::new();
        if index.is_file() {
            let text = std::fs::read_to_string(&index).map_err(|source| WeightsError::Io { path: index.clone(), source })?;
            let v: serde_json::Value =
                serde_json::from_str(&text).map_err(|e| WeightsError::Index { path: index.clone(), what: "index", reason: e.to_string() })?;
            let map = v.get("weight_map").and_then(|m| m.as_object()).ok_or_else(|| WeightsError::Index {
                path: index.clone(),
                what: "index",
                reason: "no weight_map object".into(),
            })?;
            for (name, file) in map {
                let f = file.as_str().unwrap_or_default();
                files.insert(name.clone(), dir.join(f));
            }
        } else {
            let single = dir.join("model.safetensors");
            let bytes = std::fs::read(&single).map_err(|source| WeightsError::Io { path: single.clone(), source })?;
            let st = safetensors::SafeTensors::deserialize(&bytes).map_err(|e| WeightsError::Safetensors { path: single.clone(), reason: e.to_string() })?;
            for name in st.names() {
                files.insert(name.to_string(), single.clone());
            }
            return Ok(HfSource { files, cache: std::cell::RefCell::new(Some((single, bytes))), dir: dir.into() });
        }
        Ok(HfSource { files, cache: std::cell::RefCell::new(None), dir: dir.into() })
    }
}

/// Decode a safetensors tensor view to f32.
pub fn view_to_f32(path: &Path, name: &str, view: &safetensors::tensor::TensorView<'_>) -> Result<Vec<f32>, WeightsError> {
    use safetensors::Dtype;
    let d = view.data();
    Ok(match view.dtype() {
        Dtype::F32 => d.chunks_exact(4).map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect(),
        Dtype::F16 => d.chunks_exact(2).map(|c| half::f16::from_le_bytes([c[0], c[1]]).to_f32()).collect(),
        Dtype::BF16 => d.chunks_exact(2).map(|c| half::bf16::from_le_bytes([c[0], c[1]]).to_f32()).collect(),
        other => return Err(WeightsError::Dtype { path: path.into(), tensor: name.into(), dtype: format!("{other:?}") }),
    })
}

impl Source for HfSource {
    fn get(&self, role: Role, _want: &[usize]) -> Result<(Vec<usize>, Vec<f32>), WeightsError> {
        let name = hf_name(role);
        let file = self.files.get(&name).ok_or_else(|| WeightsError::Missing { path: self.dir.clone(), tensor: name.clone() })?.clone();
        let mut cache = self.cache.borrow_mut();
        if cache.as_ref().map(|(p, _)| p != &file).unwrap_or(true) {
            let bytes = std::fs::read(&file).map_err(|source| WeightsError::Io { path: file.clone(), source })?;
            *cache = Some((file.clone(), bytes));
        }
        let (_, bytes) = cache.as_ref().expect("just loaded");
        let st = safetensors::SafeTensors::deserialize(bytes).map_err(|e| WeightsError::Safetensors { path: file.clone(), reason: e.to_string() })?;
        let view = st.tensor(&name).map_err(|_| WeightsError::Missing { path: file.clone(), tensor: name.clone() })?;
        Ok((view.shape().to_vec(), view_to_f32(&file, &name, &view)?))
    }
}

struct GgufSource<'a> {
    g: &'a GgufFile,
    cfg: &'a ArchConfig,
}

impl Source for GgufSource<'_> {
    fn get(&self, role: Role, _want: &[usize]) -> Result<(Vec<usize>, Vec<f32>), WeightsError> {
        let (shape, data) = self.g.tensor_f32(&gguf_name(role))?;
        // llama.cpp permutes q/k rows of Llama-family models for its interleaved rotary
        // kernel; Qwen models keep the HF layout (NEOX rotary).
        let data = match (self.cfg.family, role) {
            (Family::Llama, Role::Q(_)) => unpermute_rotary(&data, self.cfg.num_heads, shape[0], shape[1]),
            (Family::Llama, Role::K(_)) => unpermute_rotary(&data, self.cfg.num_kv_heads, shape[0], shape[1]),
            _ => data,
        };
        Ok((shape, data))
    }
}

/// Seeded random weights of the right shapes: for benchmarks and backend parity on
/// machines that do not have the checkpoint (speed does not depend on the values).
struct RandomSource {
    seed: u64,
}

impl Source for RandomSource {
    fn get(&self, role: Role, want: &[usize]) -> Result<(Vec<usize>, Vec<f32>), WeightsError> {
        let mut rng = Rng::new(self.seed ^ fxhash(&format!("{role:?}")));
        let n: usize = want.iter().product();
        let mut normal = || {
            // Box-Muller from two uniforms.
            let (u1, u2) = (rng.next_f64().max(1e-12), rng.next_f64());
            ((-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()) as f32
        };
        let data: Vec<f32> = if want.len() == 1 {
            (0..n).map(|_| 1.0 + 0.1 * normal()).collect()
        } else {
            let std = 1.0 / (want[1] as f32).sqrt();
            (0..n).map(|_| std * normal()).collect()
        };
        Ok((want.to_vec(), data))
    }
}

fn fxhash(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ b as u64).wrapping_mul(0x0100_0000_01b3))
}

struct Builder<'a> {
    src: &'a dyn Source,
    device: &'a Device,
    path: &'a Path,
}

impl Builder<'_> {
    fn fetch(&self, role: Role, want: &[usize]) -> Result<Vec<f32>, WeightsError> {
        let (shape, data) = self.src.get(role, want)?;
        if shape != want {
            return Err(WeightsError::Shape { path: self.path.into(), tensor: format!("{role:?}"), got: shape, want: want.to_vec() });
        }
        Ok(data)
    }

    fn vector(&self, role: Role, n: usize) -> Result<Tensor<1>, WeightsError> {
        Ok(Tensor::from_data(TensorData::new(self.fetch(role, &[n])?, [n]), self.device))
    }

    /// Checkpoint layout [out, in], kept as is (see `Proj` for why).
    fn linear(&self, role: Role, d_out: usize, d_in: usize) -> Result<Tensor<2>, WeightsError> {
        Ok(Tensor::from_data(TensorData::new(self.fetch(role, &[d_out, d_in])?, [d_out, d_in]), self.device))
    }

    fn proj(&self, role: Role, d_out: usize, d_in: usize) -> Result<Proj, WeightsError> {
        Ok(Proj::new(self.linear(role, d_out, d_in)?))
    }

    fn build(&self, cfg: &ArchConfig) -> Result<Transformer, WeightsError> {
        let (h, v, i) = (cfg.hidden_size, cfg.vocab_size, cfg.intermediate_size);
        let (q_dim, kv_dim) = (cfg.num_heads * cfg.head_dim, cfg.num_kv_heads * cfg.head_dim);
        let eps = cfg.rms_norm_eps;
        let embed = Tensor::from_data(TensorData::new(self.fetch(Role::Embed, &[v, h])?, [v, h]), self.device);
        let mut layers = Vec::with_capacity(cfg.num_layers);
        for l in 0..cfg.num_layers {
            let qk_norm = cfg.family == Family::Qwen3;
            let norm =
                |role| -> Result<Option<RmsNorm>, WeightsError> { Ok(if qk_norm { Some(RmsNorm::new(self.vector(role, cfg.head_dim)?, eps)) } else { None }) };
            layers.push(Block {
                attn_norm: RmsNorm::new(self.vector(Role::AttnNorm(l), h)?, eps),
                attn: Attention {
                    q: self.proj(Role::Q(l), q_dim, h)?,
                    k: self.proj(Role::K(l), kv_dim, h)?,
                    v: self.proj(Role::V(l), kv_dim, h)?,
                    o: self.proj(Role::O(l), h, q_dim)?,
                    q_norm: norm(Role::QNorm(l))?,
                    k_norm: norm(Role::KNorm(l))?,
                    n_heads: cfg.num_heads,
                    n_kv_heads: cfg.num_kv_heads,
                    head_dim: cfg.head_dim,
                },
                mlp_norm: RmsNorm::new(self.vector(Role::MlpNorm(l), h)?, eps),
                mlp: Mlp { gate: self.proj(Role::Gate(l), i, h)?, up: self.proj(Role::Up(l), i, h)?, down: self.proj(Role::Down(l), h, i)? },
            });
        }
        let lm_head = if cfg.tie_word_embeddings { None } else { Some(Param::from_tensor(self.linear(Role::LmHead, v, h)?).set_require_grad(false)) };
        Ok(Transformer { embed: Param::from_tensor(embed).set_require_grad(false), layers, norm: RmsNorm::new(self.vector(Role::FinalNorm, h)?, eps), lm_head })
    }
}

/// Load a HF snapshot directory (config.json + safetensors).
pub fn load_hf(dir: &Path, device: &Device) -> Result<(ArchConfig, Transformer), WeightsError> {
    let cfg = ArchConfig::from_hf_config(&dir.join("config.json"))?;
    let src = HfSource::open(dir)?;
    let model = Builder { src: &src, device, path: dir }.build(&cfg)?;
    Ok((cfg, model))
}

/// A model of architecture `cfg` with seeded random weights (see [`RandomSource`]).
pub fn load_random(cfg: &ArchConfig, seed: u64, device: &Device) -> Result<Transformer, WeightsError> {
    Builder { src: &RandomSource { seed }, device, path: Path::new("<random>") }.build(cfg)
}

/// Load weights from an opened GGUF file.
pub fn load_gguf(g: &GgufFile, device: &Device) -> Result<(ArchConfig, Transformer), WeightsError> {
    let cfg = ArchConfig::from_gguf(g)?;
    let src = GgufSource { g, cfg: &cfg };
    let model = Builder { src: &src, device, path: &g.path }.build(&cfg)?;
    Ok((cfg, model))
}
