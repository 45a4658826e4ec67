//! Teacher-forced log-probabilities of given completion tokens under the current
//! policy (or the base model with the adapter off): one batched forward, right padding,
//! a mask for the real completion tokens.

use burn::tensor::{Device, Int, Tensor, TensorData};

use crate::model::layers::AdapterUse;
use crate::model::rope::Rope;
use crate::model::transformer::{Logits, Transformer};

/// Sequences to score: each is `prompt ++ completion`.
pub struct ScoreBatch {
    /// [rows, window] padded completion-aligned layout is built from these.
    pub prompts: Vec<Vec<u32>>,
    pub completions: Vec<Vec<u32>>,
}

/// Where the scored tokens sit: the log-prob tensors below are [rows, window] with
/// `window` positions starting at absolute position `start` (predicting token
/// `start + w + 1`); `mask` marks completion tokens.
pub struct Layout {
    pub start: usize,
    pub window: usize,
    /// [rows, window] 1.0 for completion tokens.
    pub mask: Vec<f32>,
    /// Completion token j of row i lives at column `offset[i] + j`.
    pub offset: Vec<usize>,
}

impl ScoreBatch {
    pub fn rows(&self) -> usize {
        self.prompts.len()
    }

    /// The padded id matrix [rows, total] and its layout.
    pub fn layout(&self) -> (Vec<i64>, usize, Layout) {
        let total = self.prompts.iter().zip(&self.completions).map(|(p, c)| p.len() + c.len()).max().unwrap_or(1);
        let start = self.prompts.iter().map(|p| p.len()).min().unwrap_or(1).max(1) - 1;
        let window = total - 1 - start;
        let rows = self.rows();
        let mut ids = vec![0i64; rows * total];
        let mut mask = vec![0f32; rows * window];
        let mut offset = Vec::with_capacity(rows);
        for (i, (p, c)) in self.prompts.iter().zip(&self.completions).enumerate() {
            for (j, &t) in p.iter().chain(c.iter()).enumerate() {
                ids[i * total + j] = t as i64;
            }
            let off = p.len() - 1 - start;
            offset.push(off);
            for j in 0..c.len() {
                mask[i * window + off + j] = 1.0;
            }
        }
        (ids, total, Layout { start, window, mask, offset })
    }
}

/// log pi(token) at every window position, [rows, window] (garbage where mask = 0).
/// Differentiable with respect to the adapter when `model` is in training mode.
pub fn token_logprobs(model: &Transformer, rope: &Rope, batch: &ScoreBatch, temperature: f32, adapter: impl Into<AdapterUse>, device: &Device) -> (Tensor<2>, Layout) {
    let (ids, total, layout) = batch.layout();
    let rows = batch.rows();
    let ids_t = Tensor::<2, Int>::from_data(TensorData::new(ids.clone(), [rows, total]), device);
    let logits = model.forward(ids_t, rope, None, adapter, Logits::From(layout.start));
    let logits = logits.narrow(1, 0, layout.window); // drop the last position (predicts nothing)
    let t = if temperature > 0.0 { temperature as f64 } else { 1.0 };
    let logits = logits.div_scalar(t);
    // log_softmax(x)[y] = x[y] - logsumexp(x), computed stably.
    let max = logits.clone().max_dim(2).detach();
    let lse = (logits.clone() - max.clone()).exp().sum_dim(2).log() + max; // [rows, window, 1]
    let targets: Vec<i64> = (0..rows)
        .flat_map(|i| (0..layout.window).map(move |w| (i, w)))
        .map(|(i, w)| ids[i * total + layout.start + w + 1])
        .collect();
    let targets = Tensor::<3, Int>::from_data(TensorData::new(targets, [rows, layout.window, 1]), device);
    let picked = logits.gather(2, targets);
    ((picked - lse).squeeze_dim::<2>(2), layout)
}

/// Log-probs of `completions` that all share `prompt` (a GRPO group), computing the
/// prompt once: prefill it at batch 1 into a KV cache, repeat the cache over the
/// group (differentiably: the adapter's effect on the prompt still gets its gradient),
/// then run only the completion tokens. About 2x less work than [`token_logprobs`]
/// when the prompt is as long as the completions. Returns [rows, max_len] log-probs
/// where column j is completion token j, and the mask (1.0 for real tokens).
pub fn group_token_logprobs(
    model: &Transformer,
    rope: &Rope,
    prompt: &[u32],
    completions: &[Vec<u32>],
    temperature: f32,
    adapter: impl Into<AdapterUse>,
    device: &Device,
) -> (Tensor<2>, Vec<f32>) {
    let adapter = adapter.into();
    let rows = completions.len();
    let max_len = completions.iter().map(|c| c.len()).max().unwrap_or(1).max(1);
    let p = prompt.len();
    let t = if temperature > 0.0 { temperature as f64 } else { 1.0 };
    let mut cache = crate::model::cache::KvCache::new(model.layers.len());
    let pids = Tensor::<2, Int>::from_data(TensorData::new(prompt.iter().map(|&x| x as i64).collect::<Vec<_>>(), [1, p]), device);
    let first = model.forward(pids, rope, Some(&mut cache), adapter, Logits::Last).div_scalar(t); // [1, 1, vocab]
    let mut cache = cache.expand(rows);
    // Completion tokens 0..max_len-1 go in; position j predicts token j + 1.
    let mut ids = vec![0i64; rows * max_len];
    let mut mask = vec![0f32; rows * max_len];
    for (i, c) in completions.iter().enumerate() {
        for (j, &tok) in c.iter().enumerate() {
            ids[i * max_len + j] = tok as i64;
            mask[i * max_len + j] = 1.0;
        }
    }
    let first = first.repeat_dim(0, rows); // [rows, 1, vocab]: predicts token 0
    let logits = if max_len > 1 {
        let inp = Tensor::<2, Int>::from_data(TensorData::new(ids.clone(), [rows, max_len]), device).narrow(1, 0, max_len - 1);
        let rest = model.forward(inp, rope, Some(&mut cache), adapter, Logits::All).div_scalar(t); // [rows, max_len-1, vocab]
        Tensor::cat(vec![first, rest], 1)
    } else {
        first
    };
    let max = logits.clone().max_dim(2).detach();
    let lse = (logits.clone() - max.clone()).exp().sum_dim(2).log() + max;
    let targets = Tensor::<3, Int>::from_data(TensorData::new(ids, [rows, max_len, 1]), device);
    let picked = logits.gather(2, targets);
    ((picked - lse).squeeze_dim::<2>(2), mask)
}
