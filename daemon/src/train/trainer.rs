//! One RL step on the engine thread: roll out G completions per task with the
//! current adapter, take rewards (computed by the caller: the verifier, or a toy
//! function in tests), compute advantages, then optimizer updates over micro-batches
//! with gradient accumulation. The old log-probs stored at generation time make the
//! importance ratios correct when the update is off-policy.

use burn::module::Module;
use burn::tensor::{Tensor, TensorData};
use serde::{Deserialize, Serialize};

use super::advantages::{advantages, is_zero_variance};
use super::logprobs::group_token_logprobs;
use super::losses::{policy_loss, LossInputs, LossParams, LossStats};
use super::optimizer::{clip_grad_norm, lr_at, AdamW};
use super::recompute::GroupPass;
use crate::config::{LossKind, RlConfig};
use crate::model::generate::{Completion, FinishReason, GenerateError, GenerateRequest};
use crate::model::layers::AdapterUse;
use crate::model::lora::{self, LoraSpec};
use crate::model::sampling::{Rng, SamplingParams};
use crate::model::LoadedModel;

/// The completions of one task.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Group {
    pub task_id: String,
    pub prompt_ids: Vec<u32>,
    pub completions: Vec<Completion>,
}

/// What one optimizer phase did.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct UpdateMetrics {
    pub loss: f64,
    pub lr: f64,
    pub grad_norm: f64,
    /// Fraction of tokens (sequences for GSPO) outside the clip range.
    pub clip_frac: f64,
    /// Mean k3 KL to the base model per token (0 when beta = 0).
    pub kl: f64,
    /// Mean -log pi of sampled tokens: an entropy estimate.
    pub entropy: f64,
    pub zero_variance_groups: usize,
    pub groups: usize,
    pub sequences: usize,
    pub tokens: usize,
}

/// Trainer state that is not the adapter itself (checkpointed with it).
pub struct Trainer {
    pub rl: RlConfig,
    pub spec: LoraSpec,
    pub opt: AdamW,
    /// Trainer steps completed.
    pub step: u64,
    pub rng: Rng,
}

/// One sequence prepared for the loss.
struct Seq {
    prompt: Vec<u32>,
    tokens: Vec<u32>,
    logprobs: Vec<f32>,
    adv: f64,
}

/// An optimizer phase in progress: the engine runs it in short pieces (a micro-batch,
/// or with activation checkpointing one block of one group) so a completion request
/// never waits for a whole update.
pub struct UpdateJob {
    seqs: Vec<Seq>,
    params: LossParams,
    pub metrics: UpdateMetrics,
    epoch: usize,
    next: usize,
    grads: Vec<Option<Tensor<2>>>,
    stats: LossStats,
    loss: f64,
    /// The checkpointed group pass in progress over `seqs[lo..hi]`.
    run: Option<Run>,
}

/// Sequences `lo..hi` (one prompt) going through a [`GroupPass`].
struct Run {
    lo: usize,
    hi: usize,
    train: crate::model::transformer::Transformer,
    pass: GroupPass,
    reference: Option<Tensor<2>>,
}

impl UpdateJob {
    /// Micro-batches left in this phase.
    pub fn remaining(&self, micro: usize, epochs: usize) -> usize {
        let per_epoch = self.seqs.len().div_ceil(micro.max(1));
        (epochs - self.epoch).saturating_sub(1) * per_epoch + per_epoch.saturating_sub(self.next / micro.max(1))
    }
}

impl Trainer {
    pub fn new(rl: RlConfig, spec: LoraSpec, n_adapter_params: usize) -> Self {
        let rng = Rng::new(rl.seed ^ 0x5E_ED0F_7241_4E45);
        let opt = AdamW::new(n_adapter_params, rl.weight_decay);
        Trainer { rl, spec, opt, step: 0, rng }
    }

    /// The request for one task's group (seeded from the trainer's RNG).
    pub fn group_request(&mut self, prompt_ids: Vec<u32>) -> GenerateRequest {
        GenerateRequest {
            prompt_ids,
            n: self.rl.group_size,
            max_new_tokens: self.rl.max_new_tokens,
            sampling: SamplingParams { temperature: self.rl.temperature as f32, top_p: self.rl.top_p as f32, top_k: self.rl.top_k },
            stop: vec![],
            seed: self.rng.next_u64(),
            adapter: true,
            ignore_eos: false,
            cache_prompt: false,
        }
    }

    /// Sample `group_size` completions per prompt with the adapter on, every prompt in
    /// one batch (as the engine does).
    pub fn rollout(&mut self, m: &LoadedModel, prompts: &[(String, Vec<u32>)]) -> Result<Vec<Group>, GenerateError> {
        let reqs = prompts.iter().map(|(_, ids)| self.group_request(ids.clone())).collect();
        let outs = m.generate_many(reqs)?;
        Ok(prompts
            .iter()
            .zip(outs)
            .map(|((task_id, ids), out)| Group { task_id: task_id.clone(), prompt_ids: ids.clone(), completions: out.completions })
            .collect())
    }

    /// Advantages and the whole optimizer phase at once.
    pub fn update(&mut self, m: &mut LoadedModel, groups: &[Group], rewards: &[Vec<f64>]) -> UpdateMetrics {
        let mut job = self.begin_update(groups, rewards);
        while !self.update_micro(m, &mut job) {}
        job.metrics
    }

    /// Advantages and the sequences that enter the loss. `rewards[g][i]` belongs to
    /// completion i of group g. Zero-variance groups contribute nothing (and are
    /// dropped for DAPO).
    pub fn begin_update(&mut self, groups: &[Group], rewards: &[Vec<f64>]) -> UpdateJob {
        let adv = advantages(rewards, self.rl.advantage_scaling);
        let zero_var = rewards.iter().filter(|r| is_zero_variance(r)).count();
        let mut seqs = Vec::new();
        for ((g, a), r) in groups.iter().zip(&adv).zip(rewards) {
            if self.rl.loss == LossKind::Dapo && is_zero_variance(r) {
                continue; // dynamic sampling: no signal, not even in the normaliser
            }
            for (c, &adv) in g.completions.iter().zip(a) {
                let truncated = c.finish == FinishReason::Length;
                if c.tokens.is_empty() || (self.rl.mask_truncated && truncated) {
                    continue;
                }
                seqs.push(Seq { prompt: g.prompt_ids.clone(), tokens: c.tokens.clone(), logprobs: c.logprobs.clone(), adv });
            }
        }
        let tokens: usize = seqs.iter().map(|s| s.tokens.len()).sum();
        let metrics = UpdateMetrics {
            lr: lr_at(&self.rl, self.opt.step),
            zero_variance_groups: zero_var,
            groups: groups.len(),
            sequences: seqs.len(),
            tokens,
            ..Default::default()
        };
        let params = LossParams {
            kind: self.rl.loss,
            eps_low: self.rl.clip_eps,
            eps_high: self.rl.clip_eps_high.unwrap_or(self.rl.clip_eps),
            beta: self.rl.beta,
            seqs: seqs.len() as f64,
            tokens: tokens as f64,
            l_max: self.rl.max_new_tokens as f64,
        };
        // Nothing to learn: no sequences, or all advantages zero and no KL term.
        if seqs.iter().all(|s| s.adv == 0.0) && self.rl.beta == 0.0 {
            seqs.clear();
        }
        UpdateJob { seqs, params, metrics, epoch: 0, next: 0, grads: Vec::new(), stats: LossStats::default(), loss: 0.0, run: None }
    }

    /// Run one piece of the update (a micro-batch, or with activation checkpointing
    /// one block of one group); at the end of an epoch clip and apply the optimizer
    /// step. Returns true when the job is finished (the trainer step is then complete).
    pub fn update_micro(&mut self, m: &mut LoadedModel, job: &mut UpdateJob) -> bool {
        if job.seqs.is_empty() {
            self.step += 1;
            return true;
        }
        if self.rl.checkpoint_activations {
            if !self.checkpointed_piece(m, job) {
                return false;
            }
        } else {
            let micro = self.rl.micro_batch.max(1);
            let end = (job.next + micro).min(job.seqs.len());
            self.micro_batch(m, job, job.next, end);
            job.next = end;
        }
        if job.next < job.seqs.len() {
            return false;
        }
        // End of an epoch over the rollout batch: one optimizer step.
        let mut grads: Vec<Tensor<2>> = job.grads.drain(..).map(|g| g.expect("every adapter has a gradient")).collect();
        job.metrics.grad_norm = clip_grad_norm(&mut grads, self.rl.max_grad_norm);
        job.metrics.loss = job.loss;
        self.apply(m, grads, job.metrics.lr);
        let tokens = job.metrics.tokens.max(1) as f64;
        job.metrics.clip_frac = job.stats.clipped / job.stats.counted.max(1.0);
        job.metrics.kl = job.stats.kl_sum / tokens;
        job.metrics.entropy = job.stats.neg_logp_sum / tokens;
        job.epoch += 1;
        job.next = 0;
        job.loss = 0.0;
        job.stats = LossStats::default();
        if job.epoch < self.rl.updates_per_batch.max(1) {
            return false;
        }
        self.step += 1;
        true
    }

    /// Dropout masks come from a seed that is a function of (run seed, step, epoch,
    /// first sequence): a run resumed from a checkpoint draws the same masks.
    fn dropout_seed(&self, epoch: usize, lo: usize) -> Option<u64> {
        let key = [self.step, epoch as u64, lo as u64];
        (self.spec.dropout > 0.0).then(|| key.iter().fold(self.rl.seed ^ 0xD8090u64, |h, &k| h.rotate_left(17) ^ k.wrapping_mul(0x9E37_79B9_7F4A_7C15)))
    }

    /// One piece of the checkpointed update: start the next group slice (up to
    /// `micro_batch` sequences with one prompt) or advance the one in progress by a
    /// block. Returns true when a slice was finished (its gradients are in the job).
    fn checkpointed_piece(&self, m: &LoadedModel, job: &mut UpdateJob) -> bool {
        let temp = self.rl.temperature as f32;
        let Some(run) = job.run.as_mut() else {
            let lo = job.next;
            let micro = self.rl.micro_batch.max(1);
            let mut hi = lo + 1;
            while hi < job.seqs.len() && hi - lo < micro && job.seqs[hi].prompt == job.seqs[lo].prompt {
                hi += 1;
            }
            let part = &job.seqs[lo..hi];
            let comps: Vec<Vec<u32>> = part.iter().map(|s| s.tokens.clone()).collect();
            let train = m.model.clone().train();
            let policy = AdapterUse::Train { dropout: self.spec.dropout };
            let pass = GroupPass::new(&m.model, &train, &part[0].prompt, &comps, policy, self.dropout_seed(job.epoch, lo));
            let reference = (self.rl.beta > 0.0).then(|| group_token_logprobs(&m.model, &m.rope, &part[0].prompt, &comps, temp, false, &m.device).0);
            job.run = Some(Run { lo, hi, train, pass, reference });
            return false;
        };
        let rescore = self.rescores(m, job.epoch);
        let (params, stats, seqs) = (&job.params, &mut job.stats, &mut job.seqs);
        let device = run.train.embed.val().device();
        let part = &mut seqs[run.lo..run.hi];
        let reference = &mut run.reference;
        let done = run.pass.step(&m.model, &run.train, &m.rope, temp, |new, mask| run_loss(new, mask, part, params, rescore, reference.take(), &device, stats));
        if !done {
            return false;
        }
        let run = job.run.take().expect("a run in progress");
        let out = run.pass.finish();
        if out.recompute_gap > 1e-3 {
            tracing::warn!(gap = out.recompute_gap, "recomputed blocks differ from the forward (dropout masks?); set rl.checkpoint_activations = false");
        }
        job.loss += out.loss;
        accumulate(job, m, out.grads);
        job.next = run.hi;
        true
    }

    /// The rollouts came from quantized weights the f32 policy does not have: in the
    /// first epoch the old policy is the f32 forward before any step on this batch.
    fn rescores(&self, m: &LoadedModel, epoch: usize) -> bool {
        epoch == 0 && m.cpu.as_ref().is_some_and(|c| !c.lossless)
    }

    /// Forward/backward of sequences `lo..hi` keeping every block's activations,
    /// gradients summed into the job. The sequences of one group share their prompt,
    /// which is computed once ([`group_token_logprobs`]).
    fn micro_batch(&self, m: &LoadedModel, job: &mut UpdateJob, lo: usize, hi: usize) {
        let train = m.model.clone().train();
        let device = train.embed.val().device();
        if let Some(s) = self.dropout_seed(job.epoch, lo) {
            device.seed(s);
        }
        // Runs of consecutive sequences with the same prompt.
        let mut runs: Vec<(usize, usize)> = Vec::new();
        for i in lo..hi {
            match runs.last_mut() {
                Some((a, b)) if job.seqs[*a].prompt == job.seqs[i].prompt => *b = i + 1,
                _ => runs.push((i, i + 1)),
            }
        }
        let rescore = self.rescores(m, job.epoch);
        let temp = self.rl.temperature as f32;
        let policy = AdapterUse::Train { dropout: self.spec.dropout };
        let mut total: Option<Tensor<1>> = None;
        for (a, b) in runs {
            let part = &mut job.seqs[a..b];
            let comps: Vec<Vec<u32>> = part.iter().map(|s| s.tokens.clone()).collect();
            let reference = (self.rl.beta > 0.0).then(|| group_token_logprobs(&m.model, &m.rope, &part[0].prompt, &comps, temp, false, &m.device).0);
            let (new, mask) = group_token_logprobs(&train, &m.rope, &part[0].prompt, &comps, temp, policy, &device);
            let loss = run_loss(new, mask, part, &job.params, rescore, reference, &device, &mut job.stats);
            total = Some(match total {
                Some(t) => t + loss,
                None => loss,
            });
        }
        let Some(loss) = total else { return };
        job.loss += loss.clone().into_data().try_to_vec::<f32>().map(|v| v[0] as f64).unwrap_or(f64::NAN);
        let grads = loss.backward();
        let grads = lora::adapters(&train).iter().flat_map(|(_, a, b, _)| [a.grad(&grads), b.grad(&grads)]).collect();
        accumulate(job, m, grads);
    }

    fn apply(&mut self, m: &mut LoadedModel, grads: Vec<Tensor<2>>, lr: f64) {
        let current = lora::adapters(&m.model);
        let params: Vec<Tensor<2>> = current.iter().flat_map(|(_, a, b, _)| [a.clone(), b.clone()]).collect();
        let mut updated = self.opt.step(params, grads, lr).into_iter();
        let values = current.iter().map(|(role, _, _, _)| (*role, updated.next().expect("a"), updated.next().expect("b"))).collect();
        m.model = lora::set_adapters(m.model.clone(), values);
    }
}

/// Add one piece's adapter gradients (in [`lora::adapters`] order, A then B) into the
/// job's sums; a parameter the piece did not reach adds zeros.
fn accumulate(job: &mut UpdateJob, m: &LoadedModel, mut grads: Vec<Option<Tensor<2>>>) {
    let adapters = lora::adapters(&m.model);
    if job.grads.is_empty() {
        job.grads = vec![None; adapters.len() * 2];
    }
    grads.resize(job.grads.len(), None);
    for (k, (_, a, b, _)) in adapters.iter().enumerate() {
        for (slot, p) in [(2 * k, a), (2 * k + 1, b)] {
            let g = grads[slot].take().map(|g| Tensor::<2>::from_data(g.into_data(), &m.device)).unwrap_or_else(|| p.zeros_like());
            job.grads[slot] = Some(match job.grads[slot].take() {
                Some(acc) => acc + g,
                None => g,
            });
        }
    }
}

/// The loss of one group slice from its log-probs `new` [rows, w] under the policy
/// being trained. With `rescore` the old log-probs are `new` itself (detached) and are
/// stored in `part` for the later epochs.
#[allow(clippy::too_many_arguments)]
fn run_loss(
    new: Tensor<2>,
    mask: Vec<f32>,
    part: &mut [Seq],
    params: &LossParams,
    rescore: bool,
    reference: Option<Tensor<2>>,
    device: &burn::tensor::Device,
    stats: &mut LossStats,
) -> Tensor<1> {
    let rows = part.len();
    let w = new.dims()[1];
    let mut old = vec![0f32; rows * w];
    if rescore {
        old = new.clone().detach().into_data().convert::<f32>().try_to_vec::<f32>().expect("f32 log-probs");
        for (i, s) in part.iter_mut().enumerate() {
            s.logprobs = old[i * w..i * w + s.tokens.len()].to_vec();
        }
    } else {
        for (i, s) in part.iter().enumerate() {
            old[i * w..i * w + s.logprobs.len()].copy_from_slice(&s.logprobs);
        }
    }
    let t2 = |v: Vec<f32>, cols: usize| Tensor::<2>::from_data(TensorData::new(v, [rows, cols]), device);
    let reference = reference.map(|r| Tensor::<2>::from_data(r.into_data(), device));
    let inputs = LossInputs { new, old: t2(old, w), reference, mask: t2(mask, w), adv: t2(part.iter().map(|s| s.adv as f32).collect(), 1) };
    let (loss, s) = policy_loss(inputs, params);
    stats.clipped += s.clipped;
    stats.counted += s.counted;
    stats.kl_sum += s.kl_sum;
    stats.neg_logp_sum += s.neg_logp_sum;
    loss
}
