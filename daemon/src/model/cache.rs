//! Key/value cache for incremental decoding. Plain state, outside the module tree.

use burn::tensor::Tensor;

/// Cached keys and values of one layer, each [batch, kv_heads, seq, head_dim].
#[derive(Clone, Default)]
pub struct LayerCache {
    pub k: Option<Tensor<4>>,
    pub v: Option<Tensor<4>>,
}

impl LayerCache {
    /// Append this step's keys/values and return the full ones.
    pub fn append(&mut self, k: Tensor<4>, v: Tensor<4>) -> (Tensor<4>, Tensor<4>) {
        let k = match self.k.take() {
            Some(prev) => Tensor::cat(vec![prev, k], 2),
            None => k,
        };
        let v = match self.v.take() {
            Some(prev) => Tensor::cat(vec![prev, v], 2),
            None => v,
        };
        self.k = Some(k.clone());
        self.v = Some(v.clone());
        (k, v)
    }

    /// This cache repeated `n` times along the batch (differentiably).
    pub fn expand(&self, n: usize) -> LayerCache {
        let rep = |t: &Option<Tensor<4>>| t.as_ref().map(|t| t.clone().repeat_dim(0, n));
        LayerCache { k: rep(&self.k), v: rep(&self.v) }
    }
}

/// The cache of a whole model plus the number of positions it holds.
#[derive(Clone, Default)]
pub struct KvCache {
    pub layers: Vec<LayerCache>,
    pub len: usize,
    /// Left padding of each batch row (empty: none). Rows with prompts of different
    /// lengths share one batch by padding on the left: every row then decodes at the
    /// same position, and RoPE, being relative, gives the real tokens the attention
    /// they would have unpadded. Padded keys are masked out.
    pub pad: Vec<usize>,
}

impl KvCache {
    pub fn new(num_layers: usize) -> Self {
        Self { layers: vec![LayerCache::default(); num_layers], len: 0, pad: Vec::new() }
    }

    /// A cache for a batch whose row i starts with `pad[i]` padding positions.
    pub fn with_padding(num_layers: usize, pad: Vec<usize>) -> Self {
        let pad = if pad.iter().all(|&p| p == 0) { Vec::new() } else { pad };
        Self { pad, ..Self::new(num_layers) }
    }

    /// Repeat a batch-1 cache `n` times along the batch: a group of completions
    /// shares one prompt prefill.
    pub fn expand(&self, n: usize) -> KvCache {
        KvCache { layers: self.layers.iter().map(|l| l.expand(n)).collect(), len: self.len, pad: (0..n).flat_map(|_| self.pad.iter().copied()).collect() }
    }

    /// Keep the batch rows in `rows`, in that order (finished sequences dropped; a row
    /// listed twice is duplicated, which is how a prompt's prefill feeds its group).
    pub fn select_rows(&mut self, rows: &[usize], device: &burn::tensor::Device) {
        if !self.pad.is_empty() {
            self.pad = rows.iter().map(|&r| self.pad[r]).collect();
        }
        let idx =
            Tensor::<1, burn::tensor::Int>::from_data(burn::tensor::TensorData::new(rows.iter().map(|&r| r as i64).collect::<Vec<_>>(), [rows.len()]), device);
        for l in &mut self.layers {
            l.k = l.k.take().map(|t| t.select(0, idx.clone()));
            l.v = l.v.take().map(|t| t.select(0, idx.clone()));
        }
    }
}
