//! Grouped-query self-attention with RoPE, optional per-head q/k RMSNorm (Qwen3) and
//! a KV cache.

use burn::module::Module;
use burn::tensor::activation::softmax;
use burn::tensor::{Tensor, TensorData};

use super::cache::LayerCache;
use super::layers::{AdapterUse, Proj, RmsNorm};
use super::rope::Rope;

#[derive(Module, Debug)]
pub struct Attention {
    pub q: Proj,
    pub k: Proj,
    pub v: Proj,
    pub o: Proj,
    /// Qwen3: RMSNorm over head_dim applied to q and k before RoPE.
    pub q_norm: Option<RmsNorm>,
    pub k_norm: Option<RmsNorm>,
    pub n_heads: usize,
    pub n_kv_heads: usize,
    pub head_dim: usize,
}

impl Attention {
    /// x [batch, seq, hidden] at positions `pos0..pos0+seq` -> [batch, seq, hidden].
    /// Sequences are right-padded when lengths differ: causal masking alone keeps
    /// real tokens from seeing padding.
    pub fn forward(&self, x: Tensor<3>, rope: &Rope, pos0: usize, cache: Option<&mut LayerCache>, adapter: AdapterUse) -> Tensor<3> {
        let [b, t, _] = x.dims();
        let (nh, nkv, hd) = (self.n_heads, self.n_kv_heads, self.head_dim);
        let heads = |y: Tensor<3>, n: usize| y.reshape([b, t, n, hd]);
        let mut q = heads(self.q.forward(x.clone(), adapter), nh);
        let mut k = heads(self.k.forward(x.clone(), adapter), nkv);
        let v = heads(self.v.forward(x, adapter), nkv).swap_dims(1, 2);
        if let Some(n) = &self.q_norm {
            q = n.forward(q);
        }
        if let Some(n) = &self.k_norm {
            k = n.forward(k);
        }
        // [batch, heads, seq, head_dim]
        let q = rope.apply(q.swap_dims(1, 2), pos0);
        let k = rope.apply(k.swap_dims(1, 2), pos0);
        let (k, v) = match cache {
            Some(c) => c.append(k, v),
            None => (k, v),
        };
        let tk = k.dims()[2];
        // Grouped-query attention without copying K/V: fold the `rep` query heads that
        // share a kv head into the row dimension. [b, nkv, rep*t, hd]
        let rep = nh / nkv;
        let qg = q.reshape([b, nkv, rep * t, hd]);
        let scale = 1.0 / (hd as f64).sqrt();
        let mut scores = qg.matmul(k.swap_dims(2, 3)).mul_scalar(scale); // [b, nkv, rep*t, tk]
        if t > 1 {
            let mask = causal_mask(rep, t, tk, pos0, &scores.device());
            scores = scores + mask;
        }
        let probs = softmax(scores, 3);
        let out = probs.matmul(v); // [b, nkv, rep*t, hd]
        let out = out.reshape([b, nh, t, hd]).swap_dims(1, 2).reshape([b, t, nh * hd]);
        self.o.forward(out, adapter)
    }
}

/// Additive mask [1, 1, rep*t, tk]: row r*t + i is query position pos0 + i and may
/// see keys 0..=pos0+i.
fn causal_mask(rep: usize, t: usize, tk: usize, pos0: usize, device: &burn::tensor::Device) -> Tensor<4> {
    let mut m = vec![0f32; rep * t * tk];
    for r in 0..rep {
        for i in 0..t {
            let row = &mut m[(r * t + i) * tk..(r * t + i + 1) * tk];
            for (j, x) in row.iter_mut().enumerate() {
                if j > pos0 + i {
                    *x = -1e9;
                }
            }
        }
    }
    Tensor::from_data(TensorData::new(m, [1, 1, rep * t, tk]), device)
}
