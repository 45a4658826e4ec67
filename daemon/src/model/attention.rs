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
    /// `mask`: additive [batch or 1, 1, rep*seq, keys] from [`attention_mask`] (None:
    /// every key visible, as in a one-token decode step without padding).
    pub fn forward(&self, x: Tensor<3>, rope: &Rope, pos0: usize, cache: Option<&mut LayerCache>, mask: Option<&Tensor<4>>, adapter: AdapterUse) -> Tensor<3> {
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
        if let Some(mask) = mask {
            debug_assert_eq!(mask.dims()[3], tk);
            scores = scores + mask.clone();
        }
        let probs = softmax(scores, 3);
        let out = probs.matmul(v); // [b, nkv, rep*t, hd]
        let out = out.reshape([b, nh, t, hd]).swap_dims(1, 2).reshape([b, t, nh * hd]);
        self.o.forward(out, adapter)
    }
}

/// Additive attention mask for a forward of `t` new positions after `pos0` cached
/// ones, built once per forward and shared by every layer: [rows, 1, rep*t, pos0+t]
/// with rows = `pad.len()` (1 without padding). Query row r*t + i (head r of a kv
/// group, position pos0 + i) sees keys pad..=pos0+i of its batch row. None when
/// nothing needs masking (a one-token step without padding).
pub fn attention_mask(pad: &[usize], rep: usize, t: usize, pos0: usize, device: &burn::tensor::Device) -> Option<Tensor<4>> {
    if t == 1 && pad.iter().all(|&p| p == 0) {
        return None;
    }
    let tk = pos0 + t;
    let rows = pad.len().max(1);
    let mut m = vec![0f32; rows * rep * t * tk];
    for (b, block) in m.chunks_mut(rep * t * tk).enumerate() {
        let first = pad.get(b).copied().unwrap_or(0);
        for (q, row) in block.chunks_mut(tk).enumerate() {
            let last = pos0 + q % t;
            for (j, x) in row.iter_mut().enumerate() {
                if j < first || j > last {
                    *x = -1e9;
                }
            }
        }
    }
    Some(Tensor::from_data(TensorData::new(m, [rows, 1, rep * t, tk]), device))
}

#[cfg(test)]
mod tests {
    use burn::tensor::Device;

    use super::attention_mask;

    fn visible(m: &[f32]) -> Vec<u8> {
        m.iter().map(|&x| u8::from(x == 0.0)).collect()
    }

    #[test]
    fn mask_combines_causality_with_left_padding() {
        let d = Device::flex();
        assert!(attention_mask(&[], 2, 1, 5, &d).is_none(), "a decode step without padding sees every key");
        assert!(attention_mask(&[0, 0], 2, 1, 5, &d).is_none());
        // Prefill of 3 positions, rows padded by 0 and 2, two query heads per kv head.
        let m: Vec<f32> = attention_mask(&[0, 2], 2, 3, 0, &d).unwrap().into_data().try_to_vec().unwrap();
        assert_eq!(m.len(), 2 * 2 * 3 * 3);
        let rows: Vec<Vec<u8>> = m.chunks(3).map(visible).collect();
        // Row 0 (no padding), both heads: plain causal.
        for h in 0..2 {
            assert_eq!(&rows[h * 3..h * 3 + 3], &[vec![1, 0, 0], vec![1, 1, 0], vec![1, 1, 1]]);
        }
        // Row 1: keys 0 and 1 are padding; its one real token sees only itself. The
        // padding queries see nothing (their outputs are never used).
        for h in 0..2 {
            assert_eq!(&rows[6 + h * 3..6 + h * 3 + 3], &[vec![0, 0, 0], vec![0, 0, 0], vec![0, 0, 1]]);
        }
        // A decode step after 3 cached positions: the padded row still skips its pad.
        let m: Vec<f32> = attention_mask(&[0, 2], 1, 1, 3, &d).unwrap().into_data().try_to_vec().unwrap();
        assert_eq!(visible(&m), vec![1, 1, 1, 1, 0, 0, 1, 1]);
    }
}
