//! The CPU inference path: the decoder on compact weights with fused
//! dequantize-and-multiply kernels, used for every generation (rollouts, eval, serving)
//! when the backend is the CPU. Training keeps the burn model (f32, autodiff); the two
//! compute the same function from the same weight values, so rollout log-probs and the
//! update's scoring agree (tested).
//!
//! The kernels and the decoder live in the `rlvrd-cpu` crate (daemon/cpu), compiled
//! optimized in every profile; this module builds its weights from a GGUF file or the
//! burn model and copies the LoRA adapter out for it.
//!
//! Why hand-written kernels instead of a crate's: candle's quantized CPU matmul (the
//! natural candidate) quantizes the activations to 8 bits, which would make rollout
//! log-probs differ from the f32 training forward by ~1e-2 and break the on-policy
//! ratio; the `gemm` crate packs its operands on every call, which is what made decoding
//! slow. Dequantizing a tile into L1 and multiplying in f32 keeps the numerics of the
//! f32 model and reads the weights once in their compact form.

use std::sync::Arc;

use burn::tensor::Tensor;

pub use rlvrd_cpu::{decoder, kernels, qmatrix};
pub use rlvrd_cpu::{Adapters, CpuModel, Format, KvBlock, Layer, LoraHost, QMatrix, QMatrixError, SeqCache, Shape, Workspace, PROJ_SLOTS};

use super::config::{ArchConfig, Family};
use super::gguf::{GgmlType, GgufError, GgufFile};
use super::transformer::Transformer;
use super::weights::{gguf_name, Role};

pub use crate::config::InferenceWeights;

/// Errors building the CPU path.
#[derive(Debug, thiserror::Error)]
pub enum CpuPathError {
    #[error(transparent)]
    Gguf(#[from] GgufError),
    #[error("{tensor}: {source}")]
    Matrix { tensor: String, source: QMatrixError },
    #[error("{tensor}: shape {got:?}, expected {want:?}")]
    Shape { tensor: String, got: Vec<usize>, want: Vec<usize> },
}

fn matrix(tensor: &str, r: Result<QMatrix, QMatrixError>) -> Result<QMatrix, CpuPathError> {
    r.map_err(|source| CpuPathError::Matrix { tensor: tensor.into(), source })
}

/// Row order that undoes llama.cpp's rotary permutation of attn_q / attn_k (the
/// same mapping as [`super::gguf::unpermute_rotary`], on whole rows).
fn unpermute_rows(n_heads: usize, rows: usize) -> Vec<usize> {
    let head_dim = rows / n_heads;
    let half = head_dim / 2;
    let mut src = vec![0; rows];
    for h in 0..n_heads {
        for j in 0..half {
            for s in 0..2 {
                src[h * head_dim + s * half + j] = h * head_dim + 2 * j + s;
            }
        }
    }
    src
}

/// Build from a GGUF file, keeping its quantized blocks.
pub fn from_gguf(g: &GgufFile, cfg: &ArchConfig, positions: usize, weights: InferenceWeights) -> Result<CpuModel, CpuPathError> {
    let requantized = std::cell::Cell::new(false);
    let get = |role: Role, want: [usize; 2]| -> Result<QMatrix, CpuPathError> {
        let name = gguf_name(role);
        let (shape, kind, raw) = g.tensor_raw(&name)?;
        if shape != want {
            return Err(CpuPathError::Shape { tensor: name, got: shape, want: want.to_vec() });
        }
        let [rows, cols] = want;
        let m = match (kind, weights) {
            (GgmlType::Q4_0, InferenceWeights::Auto | InferenceWeights::Q8_0) => matrix(&name, QMatrix::from_raw(Format::Q4_0, rows, cols, raw.to_vec()))?,
            (GgmlType::Q4_1, InferenceWeights::Auto | InferenceWeights::Q8_0) => matrix(&name, QMatrix::from_raw(Format::Q4_1, rows, cols, raw.to_vec()))?,
            (GgmlType::Q8_0, InferenceWeights::Auto | InferenceWeights::Q8_0) => matrix(&name, QMatrix::from_raw(Format::Q8_0, rows, cols, raw.to_vec()))?,
            (_, InferenceWeights::Q8_0) => {
                let (_, values) = g.tensor_f32(&name)?;
                requantized.set(true);
                matrix(&name, QMatrix::quantize_q8_0(rows, cols, &values))?
            }
            _ => {
                let (_, values) = g.tensor_f32(&name)?;
                QMatrix::from_f32(rows, cols, &values)
            }
        };
        Ok(match (cfg.family, role) {
            (Family::Llama, Role::Q(_)) => m.permute_rows(&unpermute_rows(cfg.num_heads, rows)),
            (Family::Llama, Role::K(_)) => m.permute_rows(&unpermute_rows(cfg.num_kv_heads, rows)),
            _ => m,
        })
    };
    let vector = |role: Role| -> Result<Vec<f32>, CpuPathError> { Ok(g.tensor_f32(&gguf_name(role))?.1) };
    let mut m = build(cfg, positions, get, vector)?;
    m.lossless = !requantized.get();
    Ok(m)
}

/// Build from the burn model's f32 weights (safetensors checkpoints, test models).
pub fn from_transformer(m: &Transformer, cfg: &ArchConfig, positions: usize, weights: InferenceWeights) -> Result<CpuModel, CpuPathError> {
    let host = |t: Tensor<2>| -> (usize, usize, Vec<f32>) {
        let [r, c] = t.dims();
        (r, c, t.into_data().convert::<f32>().try_to_vec::<f32>().expect("f32 weights"))
    };
    let get = |role: Role, want: [usize; 2]| -> Result<QMatrix, CpuPathError> {
        let t = match role {
            Role::Embed => m.embed.val(),
            Role::LmHead => m.lm_head.as_ref().expect("untied head").val(),
            _ => super::lora::proj(m, role).weight.val(),
        };
        let (rows, cols, values) = host(t);
        if [rows, cols] != want {
            return Err(CpuPathError::Shape { tensor: format!("{role:?}"), got: vec![rows, cols], want: want.to_vec() });
        }
        Ok(match weights {
            InferenceWeights::Q8_0 if cols % 32 == 0 => matrix(&format!("{role:?}"), QMatrix::quantize_q8_0(rows, cols, &values))?,
            _ => QMatrix::from_f32(rows, cols, &values),
        })
    };
    let vector = |role: Role| -> Result<Vec<f32>, CpuPathError> {
        let t = match role {
            Role::FinalNorm => m.norm.weight.val(),
            Role::AttnNorm(l) => m.layers[l].attn_norm.weight.val(),
            Role::MlpNorm(l) => m.layers[l].mlp_norm.weight.val(),
            Role::QNorm(l) => m.layers[l].attn.q_norm.as_ref().expect("q norm").weight.val(),
            Role::KNorm(l) => m.layers[l].attn.k_norm.as_ref().expect("k norm").weight.val(),
            other => unreachable!("{other:?} is not a vector"),
        };
        Ok(t.into_data().convert::<f32>().try_to_vec::<f32>().expect("f32 weights"))
    };
    let mut m = build(cfg, positions, get, vector)?;
    m.lossless = weights != InferenceWeights::Q8_0;
    Ok(m)
}

fn build(
    cfg: &ArchConfig,
    positions: usize,
    get: impl Fn(Role, [usize; 2]) -> Result<QMatrix, CpuPathError>,
    vector: impl Fn(Role) -> Result<Vec<f32>, CpuPathError>,
) -> Result<CpuModel, CpuPathError> {
    let (h, v, i) = (cfg.hidden_size, cfg.vocab_size, cfg.intermediate_size);
    let (qd, kvd) = (cfg.num_heads * cfg.head_dim, cfg.num_kv_heads * cfg.head_dim);
    let qk_norm = cfg.family == Family::Qwen3;
    let mut layers = Vec::with_capacity(cfg.num_layers);
    for l in 0..cfg.num_layers {
        let (q, k, vv) = (get(Role::Q(l), [qd, h])?, get(Role::K(l), [kvd, h])?, get(Role::V(l), [kvd, h])?);
        let (gate, up) = (get(Role::Gate(l), [i, h])?, get(Role::Up(l), [i, h])?);
        layers.push(Layer {
            attn_norm: vector(Role::AttnNorm(l))?,
            qkv: stack(&[&q, &k, &vv]),
            o: get(Role::O(l), [h, qd])?,
            q_norm: if qk_norm { Some(vector(Role::QNorm(l))?) } else { None },
            k_norm: if qk_norm { Some(vector(Role::KNorm(l))?) } else { None },
            mlp_norm: vector(Role::MlpNorm(l))?,
            gate_up: stack(&[&gate, &up]),
            down: get(Role::Down(l), [h, i])?,
        });
    }
    let embed = get(Role::Embed, [v, h])?;
    let lm_head = if cfg.tie_word_embeddings { None } else { Some(get(Role::LmHead, [v, h])?) };
    let (cos, sin) = super::rope::tables(cfg, positions);
    let shape = Shape {
        vocab_size: cfg.vocab_size,
        hidden_size: cfg.hidden_size,
        intermediate_size: cfg.intermediate_size,
        num_layers: cfg.num_layers,
        num_heads: cfg.num_heads,
        num_kv_heads: cfg.num_kv_heads,
        head_dim: cfg.head_dim,
        rms_norm_eps: cfg.rms_norm_eps,
    };
    Ok(CpuModel::new(shape, embed, lm_head, vector(Role::FinalNorm)?, layers, cos, sin))
}

/// Stack matrices that share an input (one pass over it). A GGUF may store the parts in
/// different formats (v in Q8_0 beside q in Q4_1, say); such a stack is kept in f32,
/// which costs memory but never precision.
fn stack(parts: &[&QMatrix]) -> QMatrix {
    if parts.iter().all(|p| p.format == parts[0].format) {
        return QMatrix::concat_rows(parts);
    }
    let f32s: Vec<QMatrix> = parts.iter().map(|p| QMatrix::from_f32(p.rows, p.cols, &p.to_f32())).collect();
    QMatrix::concat_rows(&f32s.iter().collect::<Vec<_>>())
}

/// Identity of the adapters attached to `m`: a hash of their parameters' ids, which
/// change whenever adapters are attached, loaded or stepped (every replacement makes
/// new parameters). None when there are none.
pub fn adapter_key(m: &Transformer) -> Option<u64> {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    let mut any = false;
    for l in &m.layers {
        for p in [&l.attn.q, &l.attn.k, &l.attn.v, &l.attn.o, &l.mlp.gate, &l.mlp.up, &l.mlp.down] {
            if let Some(lo) = &p.lora {
                lo.a.id.hash(&mut h);
                lo.b.id.hash(&mut h);
                any = true;
            }
        }
    }
    any.then(|| h.finish())
}

/// Host copies of the adapters attached to `m` (None when it has none).
pub fn adapters(m: &Transformer) -> Option<Arc<Adapters>> {
    let list = super::lora::adapters(m);
    if list.is_empty() {
        return None;
    }
    let mut layers: Vec<[Option<LoraHost>; PROJ_SLOTS]> = (0..m.layers.len()).map(|_| Default::default()).collect();
    for (role, a, b, scale) in list {
        let (l, slot) = match role {
            Role::Q(l) => (l, 0),
            Role::K(l) => (l, 1),
            Role::V(l) => (l, 2),
            Role::O(l) => (l, 3),
            Role::Gate(l) => (l, 4),
            Role::Up(l) => (l, 5),
            Role::Down(l) => (l, 6),
            other => unreachable!("{other:?} has no adapter"),
        };
        let [d_in, r] = a.dims();
        let [_, d_out] = b.dims();
        // A [in, r] -> A^T [r, in]; B [r, out] -> B^T [out, r]: rows the kernels dot with.
        let at = a.transpose().into_data().convert::<f32>().try_to_vec::<f32>().expect("f32 adapter");
        let bt = b.transpose().into_data().convert::<f32>().try_to_vec::<f32>().expect("f32 adapter");
        debug_assert_eq!((at.len(), bt.len()), (r * d_in, d_out * r));
        layers[l][slot] = Some(LoraHost { r, at, bt, scale: scale as f32 });
    }
    Some(Arc::new(Adapters { layers }))
}

#[cfg(test)]
mod tests;
