//! Activation checkpointing for one GRPO group: the update's memory no longer grows
//! with the number of layers.
//!
//! The plain update ([`super::logprobs::group_token_logprobs`] then one backward) keeps
//! every block's activations for the backward pass: attention scores and MLP
//! intermediates of 30 blocks, about 1.3 GB per two 256-token sequences of SmolLM2 in
//! f32, which made the update the daemon's peak (3.4 GB at micro-batch 2). Here the
//! forward runs without a graph and keeps only each block's input (prompt [1, p,
//! hidden] and completions [rows, len, hidden]: ~1 MB per block per sequence); the top
//! (final norm, log-probs, loss) is differentiated with respect to the last block's
//! output, then blocks are recomputed one at a time from the top down, each with its
//! own small graph, and back-propagated with the gradient that arrived from above.
//! Value and gradients are those of the plain path (tested); the cost is one more
//! forward of the blocks.

use burn::tensor::{Int, Tensor, TensorData};

use super::logprobs::{completion_grid, picked_logprobs};
use crate::model::cache::LayerCache;
use crate::model::layers::AdapterUse;
use crate::model::lora;
use crate::model::rope::Rope;
use crate::model::transformer::Transformer;

/// What one group's checkpointed forward/backward produced.
pub struct GroupBackward {
    /// The loss value `loss_of` returned.
    pub loss: f64,
    /// Adapter gradients in the order of [`lora::adapters`], A then B per adapter
    /// (`None`: the loss did not reach that parameter).
    pub grads: Vec<Option<Tensor<2>>>,
    /// Largest |recomputed - stored| completion block output relative to that
    /// output's largest entry: float rounding (~1e-6) unless the recomputation drew
    /// other dropout masks than the forward, which would make the gradients those of
    /// another function.
    pub recompute_gap: f32,
}

/// The block inputs of a group: the shared prompt and the completion tokens after it.
struct Stored {
    prompt: Vec<Tensor<3>>,
    completions: Vec<Option<Tensor<3>>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    /// Block `i` runs forward next (no graph).
    Forward(usize),
    /// The final norm, log-probs and loss are differentiated next.
    Top,
    /// Block `i` is recomputed and back-propagated next.
    Backward(usize),
    Done,
}

/// A group's checkpointed forward/backward in resumable pieces of one block each, so
/// the engine can answer completion requests between them (a piece of SmolLM2 at
/// 4 x 256 tokens takes about a second on 2 cores; the whole group tens of seconds).
///
/// `policy` is the model without autodiff and `train` its autodiff copy (same adapter
/// values); both must stay the same for the life of the pass. `seed`: with adapter
/// dropout, each block's masks come from a seed derived from it, drawn identically in
/// the forward and the recomputation.
pub struct GroupPass {
    rows: usize,
    prompt_len: usize,
    /// Completion token ids [rows, max_len] (0-padded) and their mask.
    ids: Vec<i64>,
    mask: Vec<f32>,
    adapter: AdapterUse,
    seed: Option<u64>,
    stored: Stored,
    stage: Stage,
    g_prompt: Option<Tensor<3>>,
    g_comp: Option<Tensor<3>>,
    params: Vec<Tensor<2>>,
    grads: Vec<Option<Tensor<2>>>,
    gap: f32,
    loss: f64,
}

impl GroupPass {
    pub fn new(policy: &Transformer, train: &Transformer, prompt: &[u32], completions: &[Vec<u32>], adapter: AdapterUse, seed: Option<u64>) -> GroupPass {
        let device = policy.embed.val().device();
        let rows = completions.len();
        let (ids, mask, max_len) = completion_grid(completions);
        let p = prompt.len();
        // Completion tokens 0..max_len-1 go in after the prompt; position j predicts
        // token j + 1.
        let pids = Tensor::<2, Int>::from_data(TensorData::new(prompt.iter().map(|&x| x as i64).collect::<Vec<_>>(), [1, p]), &device);
        let completion_input = (max_len > 1).then(|| {
            let inp = Tensor::<2, Int>::from_data(TensorData::new(ids.clone(), [rows, max_len]), &device).narrow(1, 0, max_len - 1);
            policy.embed_tokens(inp)
        });
        let params: Vec<Tensor<2>> = lora::adapters(train).into_iter().flat_map(|(_, a, b, _)| [a, b]).collect();
        GroupPass {
            rows,
            prompt_len: p,
            ids,
            mask,
            adapter,
            seed,
            stored: Stored { prompt: vec![policy.embed_tokens(pids)], completions: vec![completion_input] },
            stage: Stage::Forward(0),
            g_prompt: None,
            g_comp: None,
            grads: vec![None; params.len()],
            params,
            gap: 0.0,
            loss: f64::NAN,
        }
    }

    pub fn is_done(&self) -> bool {
        self.stage == Stage::Done
    }

    /// Do the next piece: one block forward, the top (where `loss_of(new, mask)` turns
    /// the completions' log-probs [rows, max_len] (column j = completion token j) and
    /// their mask into the loss; it is called exactly once per pass, and dropped
    /// unused by the other pieces), or one block backward. Returns true when the pass
    /// is done.
    pub fn step(
        &mut self,
        policy: &Transformer,
        train: &Transformer,
        rope: &Rope,
        temperature: f32,
        loss_of: impl FnOnce(Tensor<2>, Vec<f32>) -> Tensor<1>,
    ) -> bool {
        let n_layers = policy.layers.len();
        match self.stage {
            Stage::Forward(i) if i < n_layers => {
                self.reseed(policy, i);
                let (yp, yc) =
                    block_pair(policy, i, rope, self.prompt_len, self.rows, self.stored.prompt[i].clone(), self.stored.completions[i].clone(), self.adapter);
                self.stored.prompt.push(yp);
                self.stored.completions.push(yc);
                self.stage = if i + 1 < n_layers { Stage::Forward(i + 1) } else { Stage::Top };
            }
            Stage::Forward(_) | Stage::Top => self.top(train, temperature, n_layers, loss_of),
            Stage::Backward(i) => self.backward_block(train, rope, i),
            Stage::Done => {}
        }
        self.is_done()
    }

    /// The final norm, log-probs and the loss, differentiated with respect to the last
    /// block's outputs.
    fn top(&mut self, train: &Transformer, temperature: f32, n_layers: usize, loss_of: impl FnOnce(Tensor<2>, Vec<f32>) -> Tensor<1>) {
        let (p, rows) = (self.prompt_len, self.rows);
        let top_p = self.stored.prompt[n_layers].clone().autodiff().require_grad();
        let top_c = self.stored.completions[n_layers].clone().map(|t| t.autodiff().require_grad());
        let first = train.final_norm(top_p.clone().narrow(1, p - 1, 1)).repeat_dim(0, rows); // predicts token 0
        let h = match &top_c {
            Some(c) => Tensor::cat(vec![first, train.final_norm(c.clone())], 1),
            None => first,
        };
        let new = picked_logprobs(h, &self.ids, train.head(), temperature, &train.embed.val().device());
        let loss = loss_of(new, self.mask.clone());
        self.loss = scalar(loss.clone());
        let grads = loss.backward();
        self.g_prompt = top_p.grad(&grads);
        self.g_comp = top_c.as_ref().and_then(|c| c.grad(&grads));
        self.stage = if n_layers > 0 { Stage::Backward(n_layers - 1) } else { Stage::Done };
    }

    /// Recompute block `i` with a graph from its stored input and back-propagate the
    /// gradient that arrived from above.
    fn backward_block(&mut self, train: &Transformer, rope: &Rope, i: usize) {
        if self.g_prompt.is_none() && self.g_comp.is_none() {
            self.stage = Stage::Done; // nothing above depends on the adapter
            return;
        }
        self.reseed(train, i);
        // Block 0's input is the frozen embedding: no gradient needed there.
        let leaf = |t: Tensor<3>| if i > 0 { t.autodiff().require_grad() } else { t.autodiff() };
        let xp = leaf(self.stored.prompt[i].clone());
        let xc = self.stored.completions[i].clone().map(leaf);
        let (yp, yc) = block_pair(train, i, rope, self.prompt_len, self.rows, xp.clone(), xc.clone(), self.adapter);
        if let (Some(y), Some(want)) = (&yc, &self.stored.completions[i + 1]) {
            let diff = scalar((y.clone().detach().inner() - want.clone()).abs().max());
            self.gap = self.gap.max((diff / scalar(want.clone().abs().max()).max(1e-30)) as f32);
        }
        let mut surrogate = self.g_prompt.take().map(|g| (yp * g).sum());
        if let (Some(y), Some(g)) = (yc, self.g_comp.take()) {
            let s = (y * g).sum();
            surrogate = Some(match surrogate {
                Some(t) => t + s,
                None => s,
            });
        }
        let Some(surrogate) = surrogate else {
            self.stage = Stage::Done;
            return;
        };
        let grads = surrogate.backward();
        for (slot, param) in self.params.iter().enumerate() {
            if let Some(g) = param.grad(&grads) {
                self.grads[slot] = Some(match self.grads[slot].take() {
                    Some(acc) => acc + g,
                    None => g,
                });
            }
        }
        if i > 0 {
            self.g_prompt = xp.grad(&grads);
            self.g_comp = xc.as_ref().and_then(|c| c.grad(&grads));
        }
        // This block's outputs are no longer needed.
        self.stored.prompt.truncate(i + 1);
        self.stored.completions.truncate(i + 1);
        self.stage = if i > 0 { Stage::Backward(i - 1) } else { Stage::Done };
    }

    fn reseed(&self, model: &Transformer, layer: usize) {
        if let Some(s) = self.seed {
            model.embed.val().device().seed(s ^ (layer as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15));
        }
    }

    /// What the pass produced (call when [`GroupPass::is_done`]).
    pub fn finish(self) -> GroupBackward {
        GroupBackward { loss: self.loss, grads: self.grads, recompute_gap: self.gap }
    }
}

/// Forward and backward of a group that shares `prompt` in one go (see [`GroupPass`]).
#[allow(clippy::too_many_arguments)]
pub fn group_backward(
    policy: &Transformer,
    train: &Transformer,
    rope: &Rope,
    prompt: &[u32],
    completions: &[Vec<u32>],
    temperature: f32,
    adapter: AdapterUse,
    seed: Option<u64>,
    loss_of: impl FnOnce(Tensor<2>, Vec<f32>) -> Tensor<1>,
) -> GroupBackward {
    let mut pass = GroupPass::new(policy, train, prompt, completions, adapter, seed);
    let mut loss_of = Some(loss_of);
    while !pass.step(policy, train, rope, temperature, |new, mask| (loss_of.take().expect("the loss is asked for once"))(new, mask)) {}
    pass.finish()
}

/// Block `i` over the prompt (fresh cache, positions 0..p) and then over the
/// completions, which attend to the prompt's keys repeated over the group.
#[allow(clippy::too_many_arguments)]
fn block_pair(
    model: &Transformer,
    i: usize,
    rope: &Rope,
    p: usize,
    rows: usize,
    prompt: Tensor<3>,
    completions: Option<Tensor<3>>,
    adapter: AdapterUse,
) -> (Tensor<3>, Option<Tensor<3>>) {
    let mut cache = LayerCache::default();
    let yp = model.block(i, prompt, rope, 0, &mut cache, adapter);
    let yc = completions.map(|x| {
        let mut group = cache.expand(rows);
        model.block(i, x, rope, p, &mut group, adapter)
    });
    (yp, yc)
}

fn scalar(t: Tensor<1>) -> f64 {
    t.into_data().convert::<f32>().try_to_vec::<f32>().map(|v| v[0] as f64).unwrap_or(f64::NAN)
}
