//! Rotary position embedding tables (state, not parameters) and their application in
//! the rotate-half (Hugging Face) layout.

use burn::tensor::{Device, Tensor, TensorData};

use super::config::{ArchConfig, RopeScaling};

/// cos / sin tables for positions `0..len`, each [len, head_dim].
pub struct Rope {
    cos: Tensor<2>,
    sin: Tensor<2>,
    len: usize,
}

/// Inverse frequencies (head_dim / 2 of them), with the checkpoint's scaling, in f32
/// as the reference implementation computes them.
pub fn inv_freq(cfg: &ArchConfig) -> Vec<f32> {
    let d = cfg.head_dim;
    let mut f: Vec<f32> = (0..d / 2).map(|i| 1.0 / (cfg.rope_theta as f32).powf((2 * i) as f32 / d as f32)).collect();
    match &cfg.rope_scaling {
        None => {}
        Some(RopeScaling::Factors(div)) => {
            for (x, s) in f.iter_mut().zip(div) {
                *x /= s;
            }
        }
        Some(RopeScaling::Llama3 { factor, low_freq_factor, high_freq_factor, original_max_position_embeddings }) => {
            let (factor, low, high, old) = (*factor, *low_freq_factor, *high_freq_factor, *original_max_position_embeddings);
            let low_wavelen = old / low;
            let high_wavelen = old / high;
            for x in f.iter_mut() {
                let freq = *x as f64;
                let wavelen = 2.0 * std::f64::consts::PI / freq;
                let scaled = if wavelen < high_wavelen {
                    freq
                } else if wavelen > low_wavelen {
                    freq / factor
                } else {
                    let smooth = (old / wavelen - low) / (high - low);
                    (1.0 - smooth) * freq / factor + smooth * freq
                };
                *x = scaled as f32;
            }
        }
    }
    f
}

/// cos / sin for positions `0..len`, each [len, head_dim] row-major. Both halves of a
/// head use the same frequency (emb = cat(freqs, freqs)).
pub fn tables(cfg: &ArchConfig, len: usize) -> (Vec<f32>, Vec<f32>) {
    let inv = inv_freq(cfg);
    let d = cfg.head_dim;
    let mut cos = Vec::with_capacity(len * d);
    let mut sin = Vec::with_capacity(len * d);
    for p in 0..len {
        for _half in 0..2 {
            for &f in &inv {
                let a = p as f32 * f;
                cos.push(a.cos());
                sin.push(a.sin());
            }
        }
    }
    (cos, sin)
}

impl Rope {
    pub fn new(cfg: &ArchConfig, len: usize, device: &burn::tensor::Device) -> Rope {
        let d = cfg.head_dim;
        let (cos, sin) = tables(cfg, len);
        let t = |v: Vec<f32>, dev: &Device| Tensor::<2>::from_data(TensorData::new(v, [len, d]), dev);
        Rope { cos: t(cos, device), sin: t(sin, device), len }
    }

    /// Positions the tables cover.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Rotate `x` [batch, heads, seq, head_dim] for positions `pos0..pos0+seq`.
    pub fn apply(&self, x: Tensor<4>, pos0: usize) -> Tensor<4> {
        let [_, _, t, d] = x.dims();
        assert!(pos0 + t <= self.len, "position {} beyond rope table {}", pos0 + t, self.len);
        let cos = self.cos.clone().slice([pos0..pos0 + t, 0..d]).unsqueeze::<4>();
        let sin = self.sin.clone().slice([pos0..pos0 + t, 0..d]).unsqueeze::<4>();
        let half = d / 2;
        let x1 = x.clone().narrow(3, 0, half);
        let x2 = x.clone().narrow(3, half, half);
        let rotated = Tensor::cat(vec![x2.neg(), x1], 3);
        x * cos + rotated * sin
    }
}
