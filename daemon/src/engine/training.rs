//! The training loop as a state machine the engine advances one small unit at a
//! time (one prefill, one decode chunk, one micro-batch), so serving requests never
//! wait for a whole step. Verification of a finished group runs on the verifier pool
//! (tokio) while the engine generates the next group.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use rlvr_client::metrics::StepRecord;
use rlvr_client::{TrainEvent, TrainState};
use tokio::sync::oneshot;

use crate::config::PromptConfig;
use crate::config::{Config, RewardKind};
use crate::eval::diagnostics::WindowDiagnostics;
use crate::model::generate::Decoding;
use crate::model::LoadedModel;
use crate::reward::{Verdict, Verifier, VerifierError};
use crate::tasks::Problem;
use crate::tasks::{Split, Task, TaskId, TaskStore};
use crate::train::trainer::{Group, Trainer, UpdateJob};

/// Tokens decoded per unit of work: the longest a completion request waits behind a
/// rollout.
pub const DECODE_CHUNK: usize = 8;

type VerifyReply = oneshot::Receiver<Result<Vec<Verdict>, VerifierError>>;

/// A batch being decoded: (task index, prompt ids) per request, in order.
type Batch = (Vec<(usize, Vec<u32>)>, Decoding);

/// The step's rollout: its groups are generated (all tasks in one batch; replacements
/// for groups without reward variance in later batches), then verified.
struct Rollout {
    tasks: Vec<(Arc<Task>, Problem)>,
    /// Tasks before `next` have been started (or skipped).
    next: usize,
    /// The batch being decoded: (task index, prompt ids) per request, in order.
    current: Option<Batch>,
    groups: Vec<Option<Group>>,
    pending: Vec<(usize, VerifyReply)>,
    verdicts: Vec<Option<Vec<Verdict>>>,
    generate_s: f64,
    started: Instant,
    verify_started: Option<Instant>,
}

enum Phase {
    /// Between steps.
    Idle,
    /// Generating the step's groups, then verifying them.
    Rollout(Box<Rollout>),
    /// Optimizer phase, one micro-batch per unit.
    Update { job: Box<UpdateJob>, record: Box<StepRecord>, started: Instant, step_started: Instant },
}

/// What a unit of work produced that the engine must act on.
pub enum Outcome {
    /// Nothing to do now (idle, paused, or waiting for the verifier).
    Waiting,
    /// Did some work; more to come.
    Progress,
    /// A trainer step finished.
    StepDone(Box<StepRecord>),
    /// Training cannot continue (verifier failure, no tasks): paused with this error.
    Failed(String),
}

/// The training loop's state.
pub struct Training {
    pub state: TrainState,
    pub trainer: Trainer,
    phase: Phase,
    pub tasks_seen: u64,
    pub last: Option<StepRecord>,
    step_seconds: VecDeque<f64>,
    prompt: PromptConfig,
    pub tests_weight: f64,
    pub ruff_weight: f64,
    reward_kind: RewardKind,
    /// Which tasks are worth sampling now (saved in checkpoints).
    pub curriculum: crate::train::curriculum::Curriculum,
    curriculum_cfg: crate::config::CurriculumConfig,
    /// This step's group outcomes (task, completions, passes), applied to the
    /// curriculum when the step completes: an abandoned step leaves no trace, so a
    /// resumed run samples exactly as the uninterrupted one.
    step_outcomes: Vec<(String, u64, u64)>,
    /// Groups added to this step to replace ones without reward variance, and how many
    /// of the step's groups have been looked at for that.
    refills: usize,
    refill_checked: usize,
}

fn now_unix() -> f64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs_f64()).unwrap_or(0.0)
}

/// Draw `n` task indices from `weights` with replacement (weights > 0).
fn weighted_sample(weights: &[f64], n: usize, rng: &mut crate::model::sampling::Rng) -> Vec<usize> {
    let total: f64 = weights.iter().sum();
    (0..n)
        .map(|_| {
            let mut u = rng.next_f64() * total;
            for (i, w) in weights.iter().enumerate() {
                u -= w;
                if u <= 0.0 {
                    return i;
                }
            }
            weights.len() - 1
        })
        .collect()
}

impl Training {
    pub fn new(cfg: &Config, trainer: Trainer) -> Training {
        Training {
            state: TrainState::Stopped,
            trainer,
            phase: Phase::Idle,
            tasks_seen: 0,
            last: None,
            step_seconds: VecDeque::new(),
            prompt: cfg.eval.prompt.clone(),
            tests_weight: cfg.reward.tests_weight,
            ruff_weight: cfg.reward.ruff_weight,
            reward_kind: cfg.reward.kind,
            curriculum: Default::default(),
            curriculum_cfg: cfg.curriculum,
            step_outcomes: Vec::new(),
            refills: 0,
            refill_checked: 0,
        }
    }

    /// Human-readable phase for `train_status`.
    pub fn phase_name(&self) -> String {
        match &self.phase {
            Phase::Idle => "idle".into(),
            Phase::Rollout(r) if r.next >= r.tasks.len() => {
                format!("verify ({} groups pending)", r.pending.len())
            }
            Phase::Rollout(r) => format!("rollout {}/{}", r.next + 1, r.tasks.len()),
            Phase::Update { job, .. } => {
                format!("update ({} micro-batches left)", job.remaining(self.trainer.rl.micro_batch, self.trainer.rl.updates_per_batch))
            }
        }
    }

    /// Mean seconds per step over the last few steps.
    pub fn seconds_per_step(&self) -> Option<f64> {
        (!self.step_seconds.is_empty()).then(|| self.step_seconds.iter().sum::<f64>() / self.step_seconds.len() as f64)
    }

    /// Drop the step in progress (stop, rollback): its rollouts are discarded.
    pub fn abandon_step(&mut self) {
        self.phase = Phase::Idle;
        self.step_outcomes.clear();
        self.refills = 0;
        self.refill_checked = 0;
    }

    pub fn event(&self) -> TrainEvent {
        TrainEvent::State { state: self.state }
    }

    /// Reward of one verdict with the current (run-time adjustable) weights.
    fn reward(&self, v: &Verdict) -> f64 {
        let r = &v.reward;
        crate::reward::rewards::mix(self.reward_kind, self.tests_weight, self.ruff_weight, r.tests, r.ruff) + r.penalty
    }

    /// Advance by one unit of work.
    pub fn unit(&mut self, m: &mut LoadedModel, store: &TaskStore, verifier: &Verifier, rt: &tokio::runtime::Handle) -> Outcome {
        if self.state != TrainState::Running {
            return Outcome::Waiting;
        }
        match std::mem::replace(&mut self.phase, Phase::Idle) {
            Phase::Idle => self.begin_step(store),
            Phase::Rollout(r) => self.rollout_unit(m, store, verifier, rt, *r),
            Phase::Update { mut job, record, started, step_started } => {
                if !self.trainer.update_micro(m, &mut job) {
                    self.phase = Phase::Update { job, record, started, step_started };
                    return Outcome::Progress;
                }
                let mut record = record;
                let u = &job.metrics;
                record.step = self.trainer.step;
                record.loss = u.loss;
                record.lr = u.lr;
                record.grad_norm = u.grad_norm;
                record.clip_frac = u.clip_frac;
                record.kl = u.kl;
                record.entropy = u.entropy;
                record.update_s = started.elapsed().as_secs_f64();
                record.update_peak_rss_bytes = super::memory::peak_rss_bytes().unwrap_or(0);
                let took = step_started.elapsed().as_secs_f64();
                self.step_seconds.push_back(took);
                if self.step_seconds.len() > 10 {
                    self.step_seconds.pop_front();
                }
                self.last = Some((*record).clone());
                for (id, n, passes) in self.step_outcomes.drain(..) {
                    self.curriculum.record(&id, record.step, n, passes);
                }
                // Older evidence fades once per step.
                self.curriculum.decay(&self.curriculum_cfg);
                let (cur, cfg) = (&self.curriculum, &self.curriculum_cfg);
                store.set_sampler_views(|id, weight| cur.view(cfg, id, weight));
                Outcome::StepDone(record)
            }
        }
    }

    /// Draw `n` of the train tasks `weights` (from the store, with replacement) by
    /// their weights and the curriculum.
    fn sample_tasks(&mut self, store: &TaskStore, weights: &[(TaskId, f64)], n: usize) -> Vec<(Arc<Task>, Problem)> {
        if weights.is_empty() {
            return Vec::new();
        }
        let cur = &self.curriculum;
        let w: Vec<f64> = weights.iter().map(|(id, w)| cur.weight(&self.curriculum_cfg, id.as_str(), *w).max(1e-9)).collect();
        let picks = weighted_sample(&w, n, &mut self.trainer.rng);
        // A task deleted since the weights were read is simply skipped.
        picks.into_iter().filter_map(|i| store.get(weights[i].0.as_str())).map(|t| (t.clone(), Problem::from_task(&t))).collect()
    }

    fn begin_step(&mut self, store: &TaskStore) -> Outcome {
        let weights = store.sampling_weights(Split::Train);
        if weights.is_empty() {
            self.state = TrainState::Paused;
            return Outcome::Failed(format!("no train tasks in {}", store.root().display()));
        }
        self.curriculum.retain(|id| store.get(id).is_some());
        self.refills = 0;
        self.refill_checked = 0;
        let tasks = self.sample_tasks(store, &weights, self.trainer.rl.tasks_per_step);
        if tasks.is_empty() {
            return Outcome::Progress;
        }
        self.tasks_seen += tasks.len() as u64;
        let n = tasks.len();
        super::memory::reset_peak_rss();
        self.phase = Phase::Rollout(Box::new(Rollout {
            tasks,
            next: 0,
            current: None,
            groups: vec![None; n],
            pending: Vec::new(),
            verdicts: vec![None; n],
            generate_s: 0.0,
            started: Instant::now(),
            verify_started: None,
        }));
        Outcome::Progress
    }

    fn rollout_unit(&mut self, m: &mut LoadedModel, store: &TaskStore, verifier: &Verifier, rt: &tokio::runtime::Handle, r: Rollout) -> Outcome {
        let Rollout { tasks, mut next, mut current, mut groups, mut pending, mut verdicts, mut generate_s, started, mut verify_started } = r;
        let t = Instant::now();
        let mut progressed = false;
        if current.is_none() && next < tasks.len() {
            // Every group of the step decodes in one batch: batch 8 decodes far more
            // tokens per second than two batches of 4 one after the other.
            let mut reqs = Vec::new();
            let mut batch = Vec::new();
            for (i, (_, et)) in tasks.iter().enumerate().skip(next) {
                let ids = crate::tasks::prompt::render(&self.prompt, m, et)
                    .map_err(|e| e.to_string())
                    .and_then(|text| m.tokenizer.encode(&text, true).map_err(|e| e.to_string()))
                    .and_then(|ids| m.check_prompt(&ids).map(|()| ids).map_err(|e| e.to_string()));
                match ids {
                    Ok(ids) => {
                        reqs.push(self.trainer.group_request(ids.clone()));
                        batch.push((i, ids));
                    }
                    Err(e) => {
                        tracing::warn!(task = %et.id, error = %e, "cannot start rollout; skipping task");
                        verdicts[i] = Some(vec![]);
                        groups[i] = Some(Group { task_id: et.id.clone(), prompt_ids: vec![], completions: vec![] });
                    }
                }
            }
            next = tasks.len();
            if !reqs.is_empty() {
                match m.start_many(reqs) {
                    Ok(d) => current = Some((batch, d)),
                    Err(e) => return Outcome::Failed(format!("generation failed: {e}")),
                }
            }
            progressed = true;
        } else if let Some((batch, mut d)) = current.take() {
            if let Err(e) = m.advance(&mut d, DECODE_CHUNK) {
                return Outcome::Failed(format!("generation failed: {e}"));
            }
            if d.is_done() {
                for ((i, prompt_ids), out) in batch.into_iter().zip(m.finish_many(d)) {
                    let group = Group { task_id: tasks[i].1.id.clone(), prompt_ids, completions: out.completions };
                    let items: Vec<(String, bool)> =
                        group.completions.iter().map(|c| (c.text.clone(), c.finish == crate::model::generate::FinishReason::Length)).collect();
                    let (tx, rx) = oneshot::channel();
                    let v = verifier.clone();
                    let program = tasks[i].1.program.clone();
                    rt.spawn(async move {
                        let _ = tx.send(v.verify_group(&program, &items).await);
                    });
                    pending.push((i, rx));
                    groups[i] = Some(group);
                }
                verify_started = Some(Instant::now());
            } else {
                current = Some((batch, d));
            }
            progressed = true;
        }
        generate_s += t.elapsed().as_secs_f64();
        // Collect finished verifications without blocking.
        let mut still = Vec::new();
        for (i, mut rx) in pending {
            match rx.try_recv() {
                Ok(Ok(v)) => verdicts[i] = Some(v),
                Ok(Err(e)) => {
                    self.state = TrainState::Paused;
                    return Outcome::Failed(format!("verifier failed: {e}"));
                }
                Err(oneshot::error::TryRecvError::Empty) => still.push((i, rx)),
                Err(oneshot::error::TryRecvError::Closed) => {
                    self.state = TrainState::Paused;
                    return Outcome::Failed("verifier task ended without an answer".into());
                }
            }
        }
        let pending = still;
        if next >= tasks.len() && current.is_none() && pending.is_empty() {
            // DAPO-style dynamic sampling: a group whose rewards are all equal teaches
            // nothing; replace it with another task's group, within the step's budget.
            let fresh = &verdicts[self.refill_checked..];
            let useless =
                fresh.iter().flatten().filter(|vs| crate::train::advantages::is_zero_variance(&vs.iter().map(|v| self.reward(v)).collect::<Vec<_>>())).count();
            self.refill_checked = verdicts.len();
            let n = useless.min(self.curriculum_cfg.refill_budget.saturating_sub(self.refills));
            let more = if n > 0 { self.sample_tasks(store, &store.sampling_weights(Split::Train), n) } else { Vec::new() };
            if more.is_empty() {
                return self.begin_update(store, Rollout { tasks, next, current, groups, pending, verdicts, generate_s, started, verify_started });
            }
            self.refills += more.len();
            self.tasks_seen += more.len() as u64;
            let mut tasks = tasks;
            groups.extend(more.iter().map(|_| None));
            verdicts.extend(more.iter().map(|_| None));
            tasks.extend(more);
            self.phase = Phase::Rollout(Box::new(Rollout { tasks, next, current, groups, pending, verdicts, generate_s, started, verify_started }));
            return Outcome::Progress;
        }
        self.phase = Phase::Rollout(Box::new(Rollout { tasks, next, current, groups, pending, verdicts, generate_s, started, verify_started }));
        if progressed {
            Outcome::Progress
        } else {
            Outcome::Waiting
        }
    }

    fn begin_update(&mut self, store: &TaskStore, r: Rollout) -> Outcome {
        let Rollout { tasks, groups, verdicts, generate_s, started, verify_started, .. } = r;
        let groups: Vec<Group> = groups.into_iter().map(|g| g.expect("every group generated")).collect();
        let verdicts: Vec<Vec<Verdict>> = verdicts.into_iter().map(|v| v.expect("every group verified")).collect();
        let rewards: Vec<Vec<f64>> = verdicts.iter().map(|vs| vs.iter().map(|v| self.reward(v)).collect()).collect();
        for ((t, _), vs) in tasks.iter().zip(&verdicts) {
            let passes = vs.iter().filter(|v| v.outcome.is_pass()).count() as u64;
            store.record_attempts(t.id.as_str(), vs.len() as u64, passes);
            self.step_outcomes.push((t.id.as_str().to_string(), vs.len() as u64, passes));
        }
        let mut record = StepRecord {
            time: now_unix(),
            loss_kind: format!("{:?}", self.trainer.rl.loss).to_lowercase(),
            reward_kind: format!("{:?}", self.reward_kind).to_lowercase(),
            generate_s,
            verify_s: verify_started.map(|t| t.elapsed().as_secs_f64()).unwrap_or(0.0),
            tasks: tasks.iter().map(|(t, _)| t.id.as_str().to_string()).collect(),
            ..Default::default()
        };
        let n: usize = rewards.iter().map(|r| r.len()).sum();
        record.mean_reward = rewards.iter().flatten().sum::<f64>() / n.max(1) as f64;
        let zero_var = rewards.iter().filter(|r| crate::train::advantages::is_zero_variance(r)).count();
        WindowDiagnostics::from_groups(&groups, &verdicts).apply(&mut record);
        record.zero_variance_frac = zero_var as f64 / rewards.len().max(1) as f64;
        record.refilled_groups = self.refills as u64;
        record.rollout_peak_rss_bytes = super::memory::peak_rss_bytes().unwrap_or(0);
        super::memory::reset_peak_rss();
        let job = self.trainer.begin_update(&groups, &rewards);
        self.phase = Phase::Update { job: Box::new(job), record: Box::new(record), started: Instant::now(), step_started: started };
        Outcome::Progress
    }
}
