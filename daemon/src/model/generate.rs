//! Batched generation with a KV cache: one prefill of the prompt shared by a group of
//! `n` completions, then decoding of the group together. Returns token ids, per-token
//! log-probs of the sampled tokens, finish reasons and timings.

use std::time::Instant;

use burn::tensor::{Int, Tensor, TensorData};
use serde::{Deserialize, Serialize};

use super::cache::KvCache;
use super::sampling::{sample, Rng, SamplingParams};
use super::transformer::Logits;
use super::LoadedModel;

/// Why a completion ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FinishReason {
    /// An end-of-sequence token was sampled (it is kept in `tokens`).
    Eos,
    /// A stop string appeared (text is cut before it).
    Stop,
    /// `max_new_tokens` reached.
    Length,
}

/// One generation request.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct GenerateRequest {
    pub prompt_ids: Vec<u32>,
    /// Completions sharing the prompt (a GRPO group).
    pub n: usize,
    pub max_new_tokens: usize,
    pub sampling: SamplingParams,
    pub stop: Vec<String>,
    pub seed: u64,
    /// Use the LoRA adapter if one is attached.
    pub adapter: bool,
    /// Keep going past EOS (benchmarks, fixed-length references).
    #[serde(default)]
    pub ignore_eos: bool,
}

/// One finished completion.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Completion {
    pub tokens: Vec<u32>,
    /// log pi(token) of each sampled token (temperature-scaled, unfiltered).
    pub logprobs: Vec<f32>,
    pub text: String,
    pub finish: FinishReason,
}

/// A group's completions and where the time went.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct GenerateOutput {
    pub completions: Vec<Completion>,
    pub prompt_tokens: usize,
    pub prefill_s: f64,
    pub decode_s: f64,
    /// Decode steps run (longest completion).
    pub decode_steps: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum GenerateError {
    #[error("prompt is empty")]
    EmptyPrompt,
    #[error("prompt has {prompt} tokens; the context limit is {limit}")]
    TooLong { prompt: usize, limit: usize },
    #[error("tensor backend failed: {0}")]
    Backend(String),
}

struct Row {
    rng: Rng,
    tokens: Vec<u32>,
    logprobs: Vec<f32>,
    finish: Option<FinishReason>,
    text: String,
}

impl LoadedModel {
    /// Generate `req.n` completions of one prompt.
    pub fn generate(&self, req: &GenerateRequest) -> Result<GenerateOutput, GenerateError> {
        let p = req.prompt_ids.len();
        if p == 0 {
            return Err(GenerateError::EmptyPrompt);
        }
        if p >= self.max_seq_len {
            return Err(GenerateError::TooLong { prompt: p, limit: self.max_seq_len });
        }
        let max_new = req.max_new_tokens.min(self.max_seq_len - p);
        let n = req.n.max(1);
        let mut seed_rng = Rng::new(req.seed);
        let mut rows: Vec<Row> = (0..n)
            .map(|_| Row { rng: seed_rng.fork(), tokens: vec![], logprobs: vec![], finish: None, text: String::new() })
            .collect();

        let t0 = Instant::now();
        let mut cache = KvCache::new(self.cfg.num_layers);
        let ids = self.ids_tensor(&req.prompt_ids, 1, p);
        let logits = self.model.forward(ids, &self.rope, Some(&mut cache), req.adapter, Logits::Last);
        let first = self.host_rows(logits)?;
        let prefill_s = t0.elapsed().as_secs_f64();

        let t1 = Instant::now();
        let mut cache = if n > 1 { cache.expand(n) } else { cache };
        // `active[j]` = which row batch position j holds.
        let mut active: Vec<usize> = (0..n).collect();
        let mut row_logits: Vec<Vec<f32>> = vec![first[0].clone(); n];
        let mut steps = 0;
        for step in 0..max_new {
            let mut next = Vec::with_capacity(active.len());
            for (j, &r) in active.iter().enumerate() {
                let row = &mut rows[r];
                let (tok, lp) = sample(&row_logits[j], &req.sampling, &mut row.rng);
                row.tokens.push(tok);
                row.logprobs.push(lp);
                if !req.ignore_eos && self.tokenizer.eos.contains(&tok) {
                    row.finish = Some(FinishReason::Eos);
                } else if !req.stop.is_empty() {
                    let text = self.tokenizer.decode(&row.tokens);
                    if let Some(cut) = req.stop.iter().filter_map(|s| text.find(s.as_str())).min() {
                        row.text = text[..cut].to_string();
                        row.finish = Some(FinishReason::Stop);
                    }
                }
                if row.finish.is_none() && step + 1 == max_new {
                    row.finish = Some(FinishReason::Length);
                }
                next.push(tok);
            }
            steps = step + 1;
            // Drop finished rows from the batch so no compute is spent on them.
            let keep: Vec<usize> = (0..active.len()).filter(|&j| rows[active[j]].finish.is_none()).collect();
            if keep.is_empty() {
                break;
            }
            if keep.len() != active.len() {
                cache.select_rows(&keep, &self.device);
                active = keep.iter().map(|&j| active[j]).collect();
                next = keep.iter().map(|&j| next[j]).collect();
            }
            let ids = self.ids_tensor(&next, active.len(), 1);
            let logits = self.model.forward(ids, &self.rope, Some(&mut cache), req.adapter, Logits::Last);
            row_logits = self.host_rows(logits)?;
        }
        let decode_s = t1.elapsed().as_secs_f64();

        let completions = rows
            .into_iter()
            .map(|r| {
                let finish = r.finish.unwrap_or(FinishReason::Length);
                let text = if finish == FinishReason::Stop { r.text } else { self.tokenizer.decode(&r.tokens) };
                Completion { tokens: r.tokens, logprobs: r.logprobs, text, finish }
            })
            .collect();
        Ok(GenerateOutput { completions, prompt_tokens: p, prefill_s, decode_s, decode_steps: steps })
    }

    /// ids [rows, cols] on the model's device.
    pub fn ids_tensor(&self, ids: &[u32], rows: usize, cols: usize) -> Tensor<2, Int> {
        let data: Vec<i64> = ids.iter().map(|&x| x as i64).collect();
        Tensor::from_data(TensorData::new(data, [rows, cols]), &self.device)
    }

    /// [batch, 1, vocab] logits -> one Vec per batch row, on the host.
    fn host_rows(&self, logits: Tensor<3>) -> Result<Vec<Vec<f32>>, GenerateError> {
        let [b, t, v] = logits.dims();
        debug_assert_eq!(t, 1);
        let data = logits.into_data();
        let flat: Vec<f32> = data.try_to_vec::<f32>().map_err(|e| GenerateError::Backend(format!("{e:?}")))?;
        Ok(flat.chunks(v).take(b).map(|c| c.to_vec()).collect())
    }
}
