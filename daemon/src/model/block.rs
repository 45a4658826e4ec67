//! One pre-norm decoder block: x + attn(norm(x)), then + mlp(norm(.)).

use burn::module::Module;
use burn::tensor::Tensor;

use super::attention::Attention;
use super::cache::LayerCache;
use super::layers::{AdapterUse, RmsNorm};
use super::mlp::Mlp;
use super::rope::Rope;

#[derive(Module, Debug)]
pub struct Block {
    pub attn_norm: RmsNorm,
    pub attn: Attention,
    pub mlp_norm: RmsNorm,
    pub mlp: Mlp,
}

impl Block {
    /// [batch, seq, hidden] -> [batch, seq, hidden]
    pub fn forward(&self, x: Tensor<3>, rope: &Rope, pos0: usize, cache: Option<&mut LayerCache>, mask: Option<&Tensor<4>>, adapter: AdapterUse) -> Tensor<3> {
        let h = x.clone() + self.attn.forward(self.attn_norm.forward(x), rope, pos0, cache, mask, adapter);
        h.clone() + self.mlp.forward(self.mlp_norm.forward(h), adapter)
    }
}
