//! Teacher-forced log-probabilities of given completion tokens under the current
//! policy (or the base model with the adapter off): one batched forward, right padding,
//! a mask for the real completion tokens.
//!
//! Memory: full-vocabulary logits for every position of a micro-batch (8 rows x 400
//! positions x 49,152 entries = 630 MB in f32, several copies of it kept for the
//! backward pass) were most of the trainer's peak RSS. [`picked_logprobs`] never keeps
//! them: the normalizer and the softmax-weighted head row are computed in chunks
//! outside the autodiff graph, and the differentiable part is a product with the
//! hidden states whose value and gradient equal those of log-softmax.

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
pub fn token_logprobs(
    model: &Transformer,
    rope: &Rope,
    batch: &ScoreBatch,
    temperature: f32,
    adapter: impl Into<AdapterUse>,
    device: &Device,
) -> (Tensor<2>, Layout) {
    let (ids, total, layout) = batch.layout();
    let rows = batch.rows();
    let ids_t = Tensor::<2, Int>::from_data(TensorData::new(ids.clone(), [rows, total]), device);
    let h = model.hidden(ids_t, rope, None, adapter, Logits::From(layout.start));
    let h = h.narrow(1, 0, layout.window); // drop the last position (predicts nothing)
    let targets: Vec<i64> = (0..rows).flat_map(|i| (0..layout.window).map(move |w| (i, w))).map(|(i, w)| ids[i * total + layout.start + w + 1]).collect();
    (picked_logprobs(h, &targets, model.head(), temperature, device), layout)
}

/// Rows of the chunks the normalizer is computed in: 128 x 49,152 x 4 B = 25 MB.
const VOCAB_CHUNK_ROWS: usize = 128;

/// `log softmax(h W^T / t)[target]` for hidden states `h` [rows, w, hidden] and one
/// target per position, [rows, w]; differentiable with respect to `h`.
///
/// With p = softmax(h W^T / t), the value is (h . w_y) / t - lse and the gradient
/// with respect to h is (w_y - E_p[w]) / t. Both lse and E_p[w] = p W are computed
/// chunk by chunk on detached values, so no [positions, vocab] tensor outlives its
/// chunk; then
///   (h . w_y - h . E_p[w]) / t + stop_grad((h . E_p[w]) / t - lse)
/// has exactly that value and that gradient. `head` is frozen (no gradient needed).
pub fn picked_logprobs(h: Tensor<3>, targets: &[i64], head: Tensor<2>, temperature: f32, device: &Device) -> Tensor<2> {
    let [rows, w, hidden] = h.dims();
    let n = rows * w;
    assert_eq!(targets.len(), n, "one target per position");
    let t = if temperature > 0.0 { temperature as f64 } else { 1.0 };
    let head = head.detach();
    let h = h.reshape([n, hidden]);
    let fixed = h.clone().detach();
    let (mut lse, mut expected) = (Vec::new(), Vec::new());
    let mut at = 0;
    while at < n {
        let len = VOCAB_CHUNK_ROWS.min(n - at);
        let logits = crate::model::layers::matmul_wt(fixed.clone().narrow(0, at, len), head.clone()).div_scalar(t); // [len, vocab]
        let max = logits.clone().max_dim(1);
        let e = (logits - max.clone()).exp();
        let sum = e.clone().sum_dim(1); // [len, 1]
        lse.push(sum.clone().log() + max);
        expected.push((e / sum).matmul(head.clone())); // [len, hidden]
        at += len;
    }
    let lse = Tensor::cat(lse, 0); // [n, 1]
    let expected = Tensor::cat(expected, 0); // [n, hidden]
    let ids = Tensor::<1, Int>::from_data(TensorData::new(targets.to_vec(), [n]), device);
    let w_y = head.select(0, ids); // [n, hidden]
    let dot_y = (h.clone() * w_y).sum_dim(1).div_scalar(t);
    let dot_e = (h * expected).sum_dim(1).div_scalar(t);
    let constant = dot_e.clone().detach() - lse;
    (dot_y - dot_e + constant).reshape([rows, w])
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
    let (ids, mask, max_len) = completion_grid(completions);
    let p = prompt.len();
    let mut cache = crate::model::cache::KvCache::new(model.layers.len());
    let pids = Tensor::<2, Int>::from_data(TensorData::new(prompt.iter().map(|&x| x as i64).collect::<Vec<_>>(), [1, p]), device);
    let first = model.hidden(pids, rope, Some(&mut cache), adapter, Logits::Last); // [1, 1, hidden]
    let mut cache = cache.expand(rows);
    // Completion tokens 0..max_len-1 go in; position j predicts token j + 1.
    let first = first.repeat_dim(0, rows); // [rows, 1, hidden]: predicts token 0
    let h = if max_len > 1 {
        let inp = Tensor::<2, Int>::from_data(TensorData::new(ids.clone(), [rows, max_len]), device).narrow(1, 0, max_len - 1);
        let rest = model.hidden(inp, rope, Some(&mut cache), adapter, Logits::All); // [rows, max_len-1, hidden]
        Tensor::cat(vec![first, rest], 1)
    } else {
        first
    };
    (picked_logprobs(h, &ids, model.head(), temperature, device), mask)
}

/// The completions of a group as a 0-padded id grid [rows, max_len], its mask (1.0 for
/// real tokens) and max_len (at least 1).
pub fn completion_grid(completions: &[Vec<u32>]) -> (Vec<i64>, Vec<f32>, usize) {
    let rows = completions.len();
    let max_len = completions.iter().map(|c| c.len()).max().unwrap_or(1).max(1);
    let mut ids = vec![0i64; rows * max_len];
    let mut mask = vec![0f32; rows * max_len];
    for (i, c) in completions.iter().enumerate() {
        for (j, &tok) in c.iter().enumerate() {
            ids[i * max_len + j] = tok as i64;
            mask[i * max_len + j] = 1.0;
        }
    }
    (ids, mask, max_len)
}
