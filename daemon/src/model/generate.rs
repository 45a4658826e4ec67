//! Batched generation with a KV cache: one prefill of the prompt shared by a group of
//! `n` completions, then decoding of the group together. Several requests (different
//! prompts, e.g. eval tasks) can share one batch, prefilled together and decoded in
//! lockstep ([`LoadedModel::start_many`]). On the CPU backend this runs on the CPU
//! inference path ([`super::cpu`]: a cache per row, no padding); on a GPU on the burn
//! model (prompts left-padded to one length). Returns token ids, per-token log-probs of
//! the sampled tokens, finish reasons and timings.

use std::sync::Arc;
use std::time::Instant;

use burn::tensor::{Int, Tensor, TensorData};
use serde::{Deserialize, Serialize};

use super::cache::KvCache;
use super::cpu::{self, Adapters, SeqCache, Workspace};
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
    /// Keep this prompt's prefill for later requests that start the same way, and use
    /// such a kept prefill (CPU path; [`super::prompt_cache`]). Serving sets it; training
    /// and eval prompts are seen once per adapter and would only evict an editor's.
    #[serde(default)]
    pub cache_prompt: bool,
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
    /// Index of the request this row belongs to.
    req: usize,
    max_new: usize,
    rng: Rng,
    tokens: Vec<u32>,
    logprobs: Vec<f32>,
    finish: Option<FinishReason>,
    text: String,
}

/// The decoding state of the batch, per compute path.
enum State {
    /// burn tensors (the GPU): one left-padded cache for the batch.
    Burn(KvCache),
    /// The CPU path: a cache per active row (a group shares its prompt's), the adapter
    /// copies used for this batch, and buffers reused every step.
    Cpu { seqs: Vec<SeqCache>, adapters: Option<Arc<Adapters>>, ws: Box<Workspace> },
}

/// A generation in progress: the engine advances it a chunk of tokens at a time so
/// other work (an editor's completion) can run in between.
pub struct Decoding {
    reqs: Vec<GenerateRequest>,
    rows: Vec<Row>,
    state: State,
    /// `active[j]` = the row batch position j holds.
    active: Vec<usize>,
    /// Logits of the next token of each active row, [active, vocab].
    row_logits: Vec<f32>,
    vocab: usize,
    step: usize,
    prefill_s: f64,
    decode_s: f64,
}

impl Decoding {
    pub fn is_done(&self) -> bool {
        self.active.is_empty()
    }

    /// The prompt of the first (for [`LoadedModel::start`], the only) request.
    pub fn prompt_ids(&self) -> &[u32] {
        &self.reqs[0].prompt_ids
    }

    /// Tokens generated so far by row `r` (for streaming).
    pub fn tokens(&self, r: usize) -> &[u32] {
        &self.rows[r].tokens
    }

    /// Whether every row of request `i` has finished (its answer can go out while the
    /// rest of the batch decodes on).
    pub fn request_done(&self, i: usize) -> bool {
        self.rows.iter().filter(|r| r.req == i).all(|r| r.finish.is_some())
    }
}

impl LoadedModel {
    /// Generate `req.n` completions of one prompt (prefill once, decode to the end).
    pub fn generate(&self, req: &GenerateRequest) -> Result<GenerateOutput, GenerateError> {
        let mut d = self.start(req.clone())?;
        while !d.is_done() {
            self.advance(&mut d, usize::MAX)?;
        }
        Ok(self.finish(d))
    }

    /// Generate several requests in one batch (see the module doc); outputs in order.
    pub fn generate_many(&self, reqs: Vec<GenerateRequest>) -> Result<Vec<GenerateOutput>, GenerateError> {
        let mut d = self.start_many(reqs)?;
        while !d.is_done() {
            self.advance(&mut d, usize::MAX)?;
        }
        Ok(self.finish_many(d))
    }

    /// Prefill the prompt (batch 1) and share its cache across the group.
    pub fn start(&self, req: GenerateRequest) -> Result<Decoding, GenerateError> {
        self.start_many(vec![req])
    }

    /// Whether `ids` can be generated from: not empty, and shorter than the context.
    /// Callers batching several prompts check each first, so one bad prompt is refused
    /// alone instead of failing the batch.
    pub fn check_prompt(&self, ids: &[u32]) -> Result<(), GenerateError> {
        if ids.is_empty() {
            return Err(GenerateError::EmptyPrompt);
        }
        if ids.len() >= self.max_seq_len {
            return Err(GenerateError::TooLong { prompt: ids.len(), limit: self.max_seq_len });
        }
        Ok(())
    }

    /// Prefill every request's prompt in one batch, then share (CPU path) or repeat
    /// (burn) each prompt's cache across its `n` completions.
    pub fn start_many(&self, reqs: Vec<GenerateRequest>) -> Result<Decoding, GenerateError> {
        if reqs.is_empty() {
            return Err(GenerateError::EmptyPrompt);
        }
        for r in &reqs {
            self.check_prompt(&r.prompt_ids)?;
        }
        let width = reqs.iter().map(|r| r.prompt_ids.len()).max().unwrap_or(0);
        let mut rows = Vec::new();
        for (i, req) in reqs.iter().enumerate() {
            let mut seed_rng = Rng::new(req.seed);
            let max_new = req.max_new_tokens.min(self.max_seq_len - width);
            for _ in 0..req.n.max(1) {
                rows.push(Row { req: i, max_new, rng: seed_rng.fork(), tokens: vec![], logprobs: vec![], finish: None, text: String::new() });
            }
        }
        let t0 = Instant::now();
        let (state, first, vocab) = match &self.cpu {
            Some(c) => self.prefill_cpu(c, &reqs, &rows)?,
            None => self.prefill_burn(&reqs, &rows, width)?,
        };
        let active: Vec<usize> = (0..rows.len()).filter(|&r| rows[r].max_new > 0).collect();
        let row_logits = active.iter().flat_map(|&r| first[rows[r].req * vocab..(rows[r].req + 1) * vocab].iter().copied()).collect();
        Ok(Decoding { row_logits, vocab, reqs, rows, state, active, step: 0, prefill_s: t0.elapsed().as_secs_f64(), decode_s: 0.0 })
    }

    /// CPU path: prefill every prompt in one forward, then fork each prompt's cache
    /// (shared, not copied) into its group's rows. Returns the state and each
    /// request's logits.
    fn prefill_cpu(&self, c: &cpu::CpuModel, reqs: &[GenerateRequest], rows: &[Row]) -> Result<(State, Vec<f32>, usize), GenerateError> {
        let adapters = if reqs[0].adapter { self.cpu_adapters() } else { None };
        let key = if reqs[0].adapter { cpu::adapter_key(&self.model) } else { None };
        let mut ws = Box::<Workspace>::default();
        // A kept prefill of the same start: only the rest of the prompt is computed.
        let mut cache = self.prompt_cache.lock().unwrap_or_else(|p| p.into_inner());
        let reuse: Vec<Option<super::prompt_cache::Reuse>> =
            reqs.iter().map(|r| if r.cache_prompt { cache.lookup(key, &r.prompt_ids) } else { None }).collect();
        drop(cache);
        let mut prompts: Vec<SeqCache> = reqs
            .iter()
            .zip(&reuse)
            .map(|(r, hit)| match hit {
                Some(hit) => SeqCache::fork(c, hit.block.clone(), r.prompt_ids.len() - hit.len),
                None => SeqCache::new(c, r.prompt_ids.len()),
            })
            .collect();
        let tokens: Vec<&[u32]> = reqs.iter().zip(&reuse).map(|(r, hit)| &r.prompt_ids[hit.as_ref().map_or(0, |h| h.len)..]).collect();
        let mut first = Vec::new();
        c.forward(&mut prompts.iter_mut().collect::<Vec<_>>(), &tokens, adapters.as_deref(), &mut ws, &mut first);
        let prefixes: Vec<Arc<cpu::KvBlock>> = prompts.into_iter().map(|p| Arc::new(p.flatten())).collect();
        let mut cache = self.prompt_cache.lock().unwrap_or_else(|p| p.into_inner());
        for ((r, hit), block) in reqs.iter().zip(&reuse).zip(&prefixes) {
            if r.cache_prompt {
                let reused = hit.as_ref().map_or(0, |h| h.len);
                cache.reused_tokens += reused as u64;
                cache.prefilled_tokens += (r.prompt_ids.len() - reused) as u64;
                cache.insert(key, r.prompt_ids.clone(), block.clone());
            }
        }
        drop(cache);
        let seqs = rows.iter().filter(|r| r.max_new > 0).map(|r| SeqCache::fork(c, prefixes[r.req].clone(), r.max_new)).collect();
        Ok((State::Cpu { seqs, adapters, ws }, first, c.cfg.vocab_size))
    }

    /// burn path: prefill the left-padded prompts together, then repeat each prompt's
    /// cache row across its group.
    fn prefill_burn(&self, reqs: &[GenerateRequest], rows: &[Row], width: usize) -> Result<(State, Vec<f32>, usize), GenerateError> {
        let pad: Vec<usize> = reqs.iter().map(|r| width - r.prompt_ids.len()).collect();
        let mut ids = Vec::with_capacity(reqs.len() * width);
        for (req, &p) in reqs.iter().zip(&pad) {
            // Padding repeats the first real token; masked out, so any valid id works.
            ids.extend(std::iter::repeat_n(req.prompt_ids[0], p));
            ids.extend_from_slice(&req.prompt_ids);
        }
        let mut cache = KvCache::with_padding(self.cfg.num_layers, pad);
        let ids = self.ids_tensor(&ids, reqs.len(), width);
        // One adapter setting per batch: requests that differ cannot share it.
        let adapter = reqs[0].adapter;
        debug_assert!(reqs.iter().all(|r| r.adapter == adapter), "requests in one batch share the adapter setting");
        let logits = self.model.forward(ids, &self.rope, Some(&mut cache), adapter, Logits::Last);
        let (first, vocab) = self.host_rows(logits)?;
        // One cache row per active row (rows with no room to generate get none).
        let expand: Vec<usize> = rows.iter().filter(|r| r.max_new > 0).map(|r| r.req).collect();
        if expand.len() != reqs.len() || expand.iter().enumerate().any(|(j, &i)| j != i) {
            cache.select_rows(&expand, &self.device);
        }
        Ok((State::Burn(cache), first, vocab))
    }

    /// Decode up to `chunk` more tokens per row. Returns the number of steps taken.
    pub fn advance(&self, d: &mut Decoding, chunk: usize) -> Result<usize, GenerateError> {
        let t = Instant::now();
        let mut taken = 0;
        while !d.active.is_empty() && taken < chunk {
            let next = self.sample_step(d);
            taken += 1;
            // Drop finished rows from the batch so no compute is spent on them.
            let keep: Vec<usize> = (0..d.active.len()).filter(|&j| d.rows[d.active[j]].finish.is_none()).collect();
            if keep.is_empty() {
                d.active.clear();
                break;
            }
            let next: Vec<u32> = if keep.len() != d.active.len() {
                match &mut d.state {
                    State::Burn(cache) => cache.select_rows(&keep, &self.device),
                    State::Cpu { seqs, .. } => {
                        let mut old: Vec<Option<SeqCache>> = seqs.drain(..).map(Some).collect();
                        seqs.extend(keep.iter().map(|&j| old[j].take().expect("each row kept once")));
                    }
                }
                d.active = keep.iter().map(|&j| d.active[j]).collect();
                keep.iter().map(|&j| next[j]).collect()
            } else {
                next
            };
            match &mut d.state {
                State::Burn(cache) => {
                    let ids = self.ids_tensor(&next, d.active.len(), 1);
                    let logits = self.model.forward(ids, &self.rope, Some(cache), d.reqs[0].adapter, Logits::Last);
                    d.row_logits = self.host_rows(logits)?.0;
                }
                State::Cpu { seqs, adapters, ws } => {
                    let c = self.cpu.as_ref().expect("a CPU decoding runs on the CPU path");
                    let tokens: Vec<&[u32]> = next.iter().map(std::slice::from_ref).collect();
                    c.forward(&mut seqs.iter_mut().collect::<Vec<_>>(), &tokens, adapters.as_deref(), ws, &mut d.row_logits);
                }
            }
        }
        d.decode_s += t.elapsed().as_secs_f64();
        Ok(taken)
    }

    /// Sample one token for every active row and update finish states.
    fn sample_step(&self, d: &mut Decoding) -> Vec<u32> {
        let mut next = Vec::with_capacity(d.active.len());
        for (j, &r) in d.active.iter().enumerate() {
            let row = &mut d.rows[r];
            let req = &d.reqs[row.req];
            let (tok, lp) = sample(&d.row_logits[j * d.vocab..(j + 1) * d.vocab], &req.sampling, &mut row.rng);
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
            if row.finish.is_none() && row.tokens.len() >= row.max_new {
                row.finish = Some(FinishReason::Length);
            }
            next.push(tok);
        }
        d.step += 1;
        next
    }

    /// Decode texts and package the completions (of the first request).
    pub fn finish(&self, d: Decoding) -> GenerateOutput {
        self.finish_many(d).swap_remove(0)
    }

    /// Decode texts and package each request's completions, in request order.
    pub fn finish_many(&self, d: Decoding) -> Vec<GenerateOutput> {
        (0..d.reqs.len()).map(|i| self.output_of(&d, i)).collect()
    }

    /// Request `i`'s completions as they stand (final once [`Decoding::request_done`]),
    /// without ending the batch.
    pub fn output_of(&self, d: &Decoding, i: usize) -> GenerateOutput {
        let rows: Vec<&Row> = d.rows.iter().filter(|r| r.req == i).collect();
        let completions = rows
            .iter()
            .map(|r| {
                let finish = r.finish.unwrap_or(FinishReason::Length);
                let text = if finish == FinishReason::Stop { r.text.clone() } else { self.tokenizer.decode(&r.tokens) };
                Completion { tokens: r.tokens.clone(), logprobs: r.logprobs.clone(), text, finish }
            })
            .collect();
        GenerateOutput {
            completions,
            prompt_tokens: d.reqs[i].prompt_ids.len(),
            prefill_s: d.prefill_s,
            decode_s: d.decode_s,
            decode_steps: rows.iter().map(|r| r.tokens.len()).max().unwrap_or(0),
        }
    }

    /// ids [rows, cols] on the model's device.
    pub fn ids_tensor(&self, ids: &[u32], rows: usize, cols: usize) -> Tensor<2, Int> {
        let data: Vec<i64> = ids.iter().map(|&x| x as i64).collect();
        Tensor::from_data(TensorData::new(data, [rows, cols]), &self.device)
    }

    /// [batch, 1, vocab] logits -> [batch * vocab] on the host, and vocab.
    fn host_rows(&self, logits: Tensor<3>) -> Result<(Vec<f32>, usize), GenerateError> {
        let [_, t, v] = logits.dims();
        debug_assert_eq!(t, 1);
        let flat: Vec<f32> = logits.into_data().try_to_vec::<f32>().map_err(|e| GenerateError::Backend(format!("{e:?}")))?;
        Ok((flat, v))
    }
}
