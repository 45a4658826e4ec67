//! Small building blocks: RMSNorm and a bias-free projection with an optional LoRA
//! adapter (the only trainable parameters of the model).

use burn::module::{Module, Param};
use burn::tensor::{Distribution, Tensor};

/// Root-mean-square norm: `x / sqrt(mean(x^2) + eps) * weight`.
#[derive(Module, Debug)]
pub struct RmsNorm {
    /// [dim]
    pub weight: Param<Tensor<1>>,
    pub eps: f64,
}

impl RmsNorm {
    pub fn new(weight: Tensor<1>, eps: f64) -> Self {
        Self { weight: Param::from_tensor(weight).set_require_grad(false), eps }
    }

    /// Normalizes over the last dimension. [..., dim] -> [..., dim]
    pub fn forward<const D: usize>(&self, x: Tensor<D>) -> Tensor<D> {
        let ms = x.clone().powi_scalar(2).mean_dim(D - 1);
        let inv = ms.add_scalar(self.eps).sqrt().recip();
        x * inv * self.weight.val().unsqueeze::<D>()
    }
}

/// Low-rank adapter of one projection: x -> (x A) B * scale, with A [in, r] and
/// B [r, out] (PEFT stores the transposes: lora_A [r, in], lora_B [out, r]).
#[derive(Module, Debug)]
pub struct Lora {
    /// [in, r]
    pub a: Param<Tensor<2>>,
    /// [r, out]
    pub b: Param<Tensor<2>>,
    /// alpha / r
    pub scale: f64,
}

/// How a forward pass uses the attached LoRA adapters.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum AdapterUse {
    /// The base model, even when adapters are attached (the KL reference policy).
    Off,
    /// Adapters on, deterministic: generation, evaluation, serving.
    On,
    /// Adapters on with PEFT's `lora_dropout` on each adapter's input: the trainer's
    /// policy forward. Masks come from the device RNG, which the trainer seeds per
    /// micro-batch so a resumed run draws the same masks.
    Train { dropout: f64 },
}

impl From<bool> for AdapterUse {
    fn from(on: bool) -> Self {
        if on {
            AdapterUse::On
        } else {
            AdapterUse::Off
        }
    }
}

/// A linear map without bias, `x W^T` with W [out, in] (the checkpoint layout), plus
/// an optional adapter.
///
/// Why [out, in] and `(W x^T)^T`: the CPU GEMM tiles the M dimension by 32 rows; with
/// tokens as M a decode step (M = 1..8) wastes most of every tile, while with the
/// weight's `out` as M the tiles are full and only the small token count is padded.
#[derive(Module, Debug)]
pub struct Proj {
    /// [out, in], frozen.
    pub weight: Param<Tensor<2>>,
    pub lora: Option<Lora>,
}

/// `x W^T` for x [rows, in] and W [out, in], oriented for the GEMM (see [`Proj`]).
pub fn matmul_wt(x: Tensor<2>, w: Tensor<2>) -> Tensor<2> {
    w.matmul(x.transpose()).transpose()
}

impl Proj {
    pub fn new(weight: Tensor<2>) -> Self {
        Self { weight: Param::from_tensor(weight).set_require_grad(false), lora: None }
    }

    /// [batch, seq, in] -> [batch, seq, out], with the adapter used as `adapter` says.
    pub fn forward(&self, x: Tensor<3>, adapter: AdapterUse) -> Tensor<3> {
        let [b, t, d_in] = x.dims();
        let x2 = x.reshape([b * t, d_in]);
        let w = self.weight.val();
        let d_out = w.dims()[0];
        let mut y = matmul_wt(x2.clone(), w);
        if let Some(l) = &self.lora {
            let input = match adapter {
                AdapterUse::Off => None,
                AdapterUse::Train { dropout } if dropout > 0.0 => {
                    // Inverted dropout: keep with probability 1 - p, scale kept values by
                    // 1 / (1 - p) so the expected input equals the deterministic one.
                    let keep = Tensor::<2>::random([b * t, d_in], Distribution::Bernoulli(1.0 - dropout), &x2.device());
                    Some(x2 * keep.div_scalar(1.0 - dropout))
                }
                AdapterUse::On | AdapterUse::Train { .. } => Some(x2),
            };
            if let Some(x2) = input {
                // (x A) B costs r(in + out) per token instead of building the dense delta.
                y = y + x2.matmul(l.a.val()).matmul(l.b.val()).mul_scalar(l.scale);
            }
        }
        y.reshape([b, t, d_out])
    }
}
