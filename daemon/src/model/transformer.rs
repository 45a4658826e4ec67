//! The decoder-only transformer: embeddings, blocks, final norm, lm_head (tied or not).

use burn::module::{Module, Param};
use burn::tensor::{Int, Tensor};

use super::attention::attention_mask;
use super::block::Block;
use super::cache::{KvCache, LayerCache};
use super::layers::{matmul_wt, AdapterUse, RmsNorm};
use super::rope::Rope;

#[derive(Module, Debug)]
pub struct Transformer {
    /// [vocab, hidden]
    pub embed: Param<Tensor<2>>,
    pub layers: Vec<Block>,
    pub norm: RmsNorm,
    /// [vocab, hidden]; `None` when tied to `embed`.
    pub lm_head: Option<Param<Tensor<2>>>,
}

/// Which positions to project to the vocabulary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Logits {
    /// Every position: [batch, seq, vocab] (training, scoring).
    All,
    /// Only the last position: [batch, 1, vocab] (generation).
    Last,
    /// Positions `start..seq`: [batch, seq - start, vocab] (scoring completions
    /// without paying the vocabulary projection over the prompt).
    From(usize),
}

impl Transformer {
    /// ids [batch, seq] at positions `pos0..` -> logits per `which`. `adapter`: a bool
    /// (adapters on / off) or an [`AdapterUse`].
    pub fn forward(&self, ids: Tensor<2, Int>, rope: &Rope, cache: Option<&mut KvCache>, adapter: impl Into<AdapterUse>, which: Logits) -> Tensor<3> {
        let x = self.hidden(ids, rope, cache, adapter, which);
        let [b, t, hidden] = x.dims();
        let logits = matmul_wt(x.reshape([b * t, hidden]), self.head());
        let vocab = logits.dims()[1];
        logits.reshape([b, t, vocab])
    }

    /// The final-normed hidden states at the positions `which` selects, [batch, t,
    /// hidden]: what the head projects to logits. Scoring uses it to avoid holding
    /// full-vocabulary logits for every position (see `train::logprobs`).
    pub fn hidden(&self, ids: Tensor<2, Int>, rope: &Rope, mut cache: Option<&mut KvCache>, adapter: impl Into<AdapterUse>, which: Logits) -> Tensor<3> {
        let adapter = adapter.into();
        let [b, t] = ids.dims();
        let pos0 = cache.as_ref().map(|c| c.len).unwrap_or(0);
        let mut x = self.embed_tokens(ids);
        let pad = cache.as_ref().map(|c| c.pad.clone()).unwrap_or_default();
        debug_assert!(pad.is_empty() || pad.len() == b, "one padding entry per batch row");
        let rep = self.layers.first().map_or(1, |l| l.attn.n_heads / l.attn.n_kv_heads);
        let mask = attention_mask(&pad, rep, t, pos0, &x.device());
        for (i, layer) in self.layers.iter().enumerate() {
            let lc = cache.as_deref_mut().map(|c| &mut c.layers[i]);
            x = layer.forward(x, rope, pos0, lc, mask.as_ref(), adapter);
        }
        if let Some(c) = cache {
            c.len += t;
        }
        match which {
            Logits::Last if t > 1 => x = x.narrow(1, t - 1, 1),
            Logits::From(start) if start > 0 => x = x.narrow(1, start, t - start),
            _ => {}
        }
        self.norm.forward(x)
    }

    /// Token embeddings, [batch, seq] -> [batch, seq, hidden].
    pub fn embed_tokens(&self, ids: Tensor<2, Int>) -> Tensor<3> {
        let [b, t] = ids.dims();
        let embed = self.embed.val();
        let hidden = embed.dims()[1];
        embed.select(0, ids.reshape([b * t])).reshape([b, t, hidden])
    }

    /// Block `i` alone on unpadded rows at positions `pos0..`, appending to `cache`:
    /// the unit activation checkpointing stores inputs for and recomputes
    /// (`train::recompute`). [`Transformer::hidden`] is these blocks in sequence.
    pub fn block(&self, i: usize, x: Tensor<3>, rope: &Rope, pos0: usize, cache: &mut LayerCache, adapter: AdapterUse) -> Tensor<3> {
        let layer = &self.layers[i];
        let mask = attention_mask(&[], layer.attn.n_heads / layer.attn.n_kv_heads, x.dims()[1], pos0, &x.device());
        layer.forward(x, rope, pos0, Some(cache), mask.as_ref(), adapter)
    }

    /// The final RMSNorm (what [`Transformer::hidden`] ends with).
    pub fn final_norm(&self, x: Tensor<3>) -> Tensor<3> {
        self.norm.forward(x)
    }

    /// The output projection [vocab, hidden] (the embedding when tied). Frozen.
    pub fn head(&self) -> Tensor<2> {
        match &self.lm_head {
            Some(w) => w.val(),
            None => self.embed.val(),
        }
    }
}
