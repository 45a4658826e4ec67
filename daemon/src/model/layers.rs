//! Small building blocks: RMSNorm and a bias-free projection with an optional LoRA
//! adapter (the only trainable parameters of the model).

use burn::module::{Module, Param};
use burn::tensor::Tensor;

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

/// Low-rank adapter of one projection: delta W = A B * scale, with A [in, r] and
/// B [r, out] (burn keeps linear weights as [in, out]; PEFT's are transposed).
#[derive(Module, Debug)]
pub struct Lora {
    /// [in, r]
    pub a: Param<Tensor<2>>,
    /// [r, out]
    pub b: Param<Tensor<2>>,
    /// alpha / r
    pub scale: f64,
}

/// A linear map without bias, `x W` with W [in, out], plus an optional adapter.
#[derive(Module, Debug)]
pub struct Proj {
    /// [in, out], frozen.
    pub weight: Param<Tensor<2>>,
    pub lora: Option<Lora>,
}

impl Proj {
    pub fn new(weight: Tensor<2>) -> Self {
        Self { weight: Param::from_tensor(weight).set_require_grad(false), lora: None }
    }

    /// [batch, seq, in] -> [batch, seq, out]. `adapter = false` is the base model
    /// (the KL reference policy) even when an adapter is attached.
    pub fn forward(&self, x: Tensor<3>, adapter: bool) -> Tensor<3> {
        let [b, t, d_in] = x.dims();
        let x2 = x.reshape([b * t, d_in]);
        let w = self.weight.val();
        let d_out = w.dims()[1];
        let mut y = x2.clone().matmul(w);
        if let (true, Some(l)) = (adapter, &self.lora) {
            // (x A) B costs r(in + out) per token instead of building the dense delta.
            y = y + x2.matmul(l.a.val()).matmul(l.b.val()).mul_scalar(l.scale);
        }
        y.reshape([b, t, d_out])
    }
}
