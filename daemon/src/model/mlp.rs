//! SwiGLU feed-forward: down(silu(gate(x)) * up(x)).

use burn::module::Module;
use burn::tensor::activation::silu;
use burn::tensor::Tensor;

use super::layers::{AdapterUse, Proj};

#[derive(Module, Debug)]
pub struct Mlp {
    pub gate: Proj,
    pub up: Proj,
    pub down: Proj,
}

impl Mlp {
    /// [batch, seq, hidden] -> [batch, seq, hidden]
    pub fn forward(&self, x: Tensor<3>, adapter: AdapterUse) -> Tensor<3> {
        let g = silu(self.gate.forward(x.clone(), adapter));
        self.down.forward(g * self.up.forward(x, adapter), adapter)
    }
}
