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

use super::logprobs::picked_logprobs;
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

/// Forward and backward of a group that shares `prompt`, one block at a time.
///
/// `policy` is the model without autodiff and `train` its autodiff copy (same
/// adapter values). `loss_of(new, mask)` turns the completions' log-probs [rows,
/// max_len] (column j = completion token j) and their mask into the loss; it is
/// called once. `seed`: with adapter dropout, each block's masks come from a seed
/// derived from it, drawn identically in the forward and the recomputation.
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
    let device = policy.embed.val().device();
    let rows = completions.len();
    let max_len = completions.iter().map(|c| c.len()).max().unwrap_or(1).max(1);
    let p = prompt.len();
    let n_layers = policy.layers.len();
    let mut ids = vec![0i64; rows * max_len];
    let mut mask = vec![0f32; rows * max_len];
    for (i, c) in completions.iter().enumerate() {
        for (j, &tok) in c.iter().enumerate() {
            ids[i * max_len + j] = tok as i64;
            mask[i * max_len + j] = 1.0;
        }
    }
    let reseed = |layer: usize| {
        if let Some(s) = seed {
            device.seed(s ^ (layer as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15));
        }
    };

    // Forward without a graph, keeping each block's inputs. Completion tokens
    // 0..max_len-1 go in after the prompt; position j predicts token j + 1.
    let pids = Tensor::<2, Int>::from_data(TensorData::new(prompt.iter().map(|&x| x as i64).collect::<Vec<_>>(), [1, p]), &device);
    let mut stored = Stored { prompt: vec![policy.embed_tokens(pids)], completions: Vec::with_capacity(n_layers + 1) };
    stored.completions.push((max_len > 1).then(|| {
        let inp = Tensor::<2, Int>::from_data(TensorData::new(ids.clone(), [rows, max_len]), &device).narrow(1, 0, max_len - 1);
        policy.embed_tokens(inp)
    }));
    for i in 0..n_layers {
        reseed(i);
        let (yp, yc) = block_pair(policy, i, rope, p, rows, stored.prompt[i].clone(), stored.completions[i].clone(), adapter);
        stored.prompt.push(yp);
        stored.completions.push(yc);
    }

    // The top: final norm, log-probs and the loss, differentiated with respect to the
    // last block's outputs.
    let top_p = stored.prompt[n_layers].clone().autodiff().require_grad();
    let top_c = stored.completions[n_layers].clone().map(|t| t.autodiff().require_grad());
    let first = train.final_norm(top_p.clone().narrow(1, p - 1, 1)).repeat_dim(0, rows); // predicts token 0
    let h = match &top_c {
        Some(c) => Tensor::cat(vec![first, train.final_norm(c.clone())], 1),
        None => first,
    };
    let new = picked_logprobs(h, &ids, train.head(), temperature, &train.embed.val().device());
    let loss = loss_of(new, mask);
    let value = scalar(loss.clone());
    let grads = loss.backward();
    let mut g_prompt = top_p.grad(&grads);
    let mut g_comp = top_c.as_ref().and_then(|c| c.grad(&grads));
    drop(grads);

    let params: Vec<Tensor<2>> = lora::adapters(train).into_iter().flat_map(|(_, a, b, _)| [a, b]).collect();
    let mut out: Vec<Option<Tensor<2>>> = vec![None; params.len()];
    let mut gap = 0f32;
    for i in (0..n_layers).rev() {
        if g_prompt.is_none() && g_comp.is_none() {
            break; // nothing above depends on the adapter
        }
        reseed(i);
        // Block 0's input is the frozen embedding: no gradient needed there.
        let leaf = |t: Tensor<3>| if i > 0 { t.autodiff().require_grad() } else { t.autodiff() };
        let xp = leaf(stored.prompt[i].clone());
        let xc = stored.completions[i].clone().map(leaf);
        let (yp, yc) = block_pair(train, i, rope, p, rows, xp.clone(), xc.clone(), adapter);
        if let (Some(y), Some(want)) = (&yc, &stored.completions[i + 1]) {
            let diff = scalar((y.clone().detach().inner() - want.clone()).abs().max());
            gap = gap.max((diff / scalar(want.clone().abs().max()).max(1e-30)) as f32);
        }
        let mut surrogate = None;
        if let Some(g) = g_prompt.take() {
            surrogate = Some((yp * g).sum());
        }
        if let (Some(y), Some(g)) = (yc, g_comp.take()) {
            let s = (y * g).sum();
            surrogate = Some(match surrogate {
                Some(t) => t + s,
                None => s,
            });
        }
        let Some(surrogate) = surrogate else { break };
        let grads = surrogate.backward();
        for (slot, param) in params.iter().enumerate() {
            if let Some(g) = param.grad(&grads) {
                out[slot] = Some(match out[slot].take() {
                    Some(acc) => acc + g,
                    None => g,
                });
            }
        }
        if i > 0 {
            g_prompt = xp.grad(&grads);
            g_comp = xc.as_ref().and_then(|c| c.grad(&grads));
        }
        // The stored outputs of this block are no longer needed.
        stored.prompt.truncate(i + 1);
        stored.completions.truncate(i + 1);
    }
    GroupBackward { loss: value, grads: out, recompute_gap: gap }
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
