//! Runs an evaluation: for each task, one greedy completion (pass@1 and every
//! diagnostic) and optionally `samples` sampled ones (pass@k), verified by the real
//! verifier, summarised as an [`EvalRecord`].
//!
//! Threading: [`evaluate`] is a plain function meant for the engine thread, which owns
//! the model and is not a tokio worker. It generates on the calling thread and hands
//! each task's verification to the runtime behind `rt` (spawned, so task i is verified
//! while task i+1 is generated), then waits for the verdicts with `rt.block_on`. It
//! must therefore not be called from inside an async context (block_on would panic);
//! async callers send the engine a message instead, or use `spawn_blocking`.

use std::time::{Instant, SystemTime, UNIX_EPOCH};

use rlvr_client::metrics::EvalRecord;
use serde::{Deserialize, Serialize};
use tokio::runtime::Handle;
use tokio::task::JoinHandle;

use super::diagnostics::{top_codes, Diagnostics, Sample};
use super::passk::mean_pass_at_k;
use crate::config::EvalConfig;
use crate::model::generate::{FinishReason, GenerateError, GenerateRequest};
use crate::model::sampling::SamplingParams;
use crate::model::tokenizer::TokenizerError;
use crate::model::{LoadedModel, ModelError};
use crate::reward::{Verdict, Verifier, VerifierError};
use crate::tasks::Problem;

/// What is evaluated: the base model or the attached adapter, and how to label it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Target {
    /// Generate with the LoRA adapter (false: the base model).
    pub adapter: bool,
    /// `EvalRecord::adapter`: `base`, `latest`, `serving`, a checkpoint id...
    pub label: String,
    /// Trainer step of the adapter.
    pub step: u64,
}

impl Target {
    pub fn base() -> Target {
        Target { adapter: false, label: "base".into(), step: 0 }
    }

    pub fn adapter(label: impl Into<String>, step: u64) -> Target {
        Target { adapter: true, label: label.into(), step }
    }
}

/// One task's results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskResult {
    pub id: String,
    pub prompt_tokens: usize,
    /// The greedy completion.
    pub text: String,
    pub tokens: usize,
    pub truncated: bool,
    pub verdict: Verdict,
    /// Sampled completions and how many passed.
    pub samples: usize,
    pub samples_passed: usize,
}

/// An evaluation: the metrics record, per-task results and the diagnostics.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvalReport {
    pub record: EvalRecord,
    pub tasks: Vec<TaskResult>,
    pub diagnostics: Diagnostics,
}

#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    #[error("no tasks to evaluate")]
    NoTasks,
    #[error("task {task}: cannot build the prompt: {source}")]
    Prompt { task: String, source: Box<ModelError> },
    #[error("task {task}: cannot tokenize the prompt: {source}")]
    Tokenize { task: String, source: TokenizerError },
    #[error("task {task}: generation failed: {source}")]
    Generate { task: String, source: GenerateError },
    #[error("task {task}: verification failed: {source}")]
    Verify { task: String, source: Box<VerifierError> },
    #[error("task {task}: verification task died: {detail}")]
    Join { task: String, detail: String },
}

/// Generated completions of one task, verified in the background.
struct Pending {
    prompt_tokens: usize,
    /// (text, tokens, truncated): the greedy completion first, then the samples.
    completions: Vec<(String, usize, bool)>,
    verdicts: JoinHandle<Result<Vec<Verdict>, VerifierError>>,
}

/// Evaluate `target` on `tasks` (the first `opts.limit`, if set). See the module doc
/// for the threading contract.
pub fn evaluate(model: &LoadedModel, target: &Target, verifier: &Verifier, tasks: &[Problem], opts: &EvalConfig, rt: &Handle) -> Result<EvalReport, EvalError> {
    let started = Instant::now();
    let tasks = if opts.limit > 0 { &tasks[..tasks.len().min(opts.limit)] } else { tasks };
    if tasks.is_empty() {
        return Err(EvalError::NoTasks);
    }
    let mut pending = Vec::with_capacity(tasks.len());
    for chunk in tasks.chunks(opts.batch.max(1)) {
        for (task, p) in chunk.iter().zip(generate_chunk(model, target, chunk, opts)?) {
            let (v, program) = (verifier.clone(), task.program.clone());
            let group: Vec<(String, bool)> = p.0.iter().map(|(text, _, t)| (text.clone(), *t)).collect();
            let verdicts = rt.spawn(async move { v.verify_group(&program, &group).await });
            pending.push(Pending { prompt_tokens: p.1, completions: p.0, verdicts });
        }
    }
    let mut results = Vec::with_capacity(tasks.len());
    for (task, p) in tasks.iter().zip(pending) {
        let task_id = || task.id.clone();
        let verdicts = rt
            .block_on(p.verdicts)
            .map_err(|e| EvalError::Join { task: task_id(), detail: e.to_string() })?
            .map_err(|source| EvalError::Verify { task: task_id(), source: Box::new(source) })?;
        results.push(task_result(task, p.prompt_tokens, p.completions, verdicts));
    }
    let report = summarise(target, results, opts, started.elapsed().as_secs_f64());
    log_report(&report);
    Ok(report)
}

type Generated = (Vec<(String, usize, bool)>, usize);

/// The greedy completion and the samples of each task of a chunk: the chunk's greedy
/// requests decode as one batch, then its sampled ones (prompts of different lengths
/// share a batch, see `model::generate`).
fn generate_chunk(model: &LoadedModel, target: &Target, tasks: &[Problem], opts: &EvalConfig) -> Result<Vec<Generated>, EvalError> {
    let mut greedy = Vec::with_capacity(tasks.len());
    for task in tasks {
        let prompt =
            crate::tasks::prompt::render(&opts.prompt, model, task).map_err(|source| EvalError::Prompt { task: task.id.clone(), source: Box::new(source) })?;
        let ids = model.tokenizer.encode(&prompt, true).map_err(|source| EvalError::Tokenize { task: task.id.clone(), source })?;
        model.check_prompt(&ids).map_err(|source| EvalError::Generate { task: task.id.clone(), source })?;
        greedy.push(GenerateRequest {
            prompt_ids: ids,
            n: 1,
            max_new_tokens: opts.max_new_tokens,
            sampling: SamplingParams::greedy(),
            stop: vec![],
            seed: 0,
            adapter: target.adapter,
            ignore_eos: false,
            cache_prompt: false,
        });
    }
    // Prompts were checked one by one above; a backend failure here fails the batch
    // as a whole and names its first task.
    let gen = |reqs: Vec<GenerateRequest>| model.generate_many(reqs).map_err(|source| EvalError::Generate { task: tasks[0].id.clone(), source });
    let sampled: Vec<GenerateRequest> = if opts.samples > 0 {
        tasks
            .iter()
            .zip(&greedy)
            .map(|(task, g)| GenerateRequest {
                n: opts.samples,
                sampling: SamplingParams { temperature: opts.temperature as f32, top_p: opts.top_p as f32, top_k: 0 },
                // Per task, not per run: every adapter draws from the same seeds (paired samples).
                seed: opts.seed ^ crate::tasks::fnv1a64(task.id.as_bytes()),
                ..g.clone()
            })
            .collect()
    } else {
        Vec::new()
    };
    let prompt_tokens: Vec<usize> = greedy.iter().map(|r| r.prompt_ids.len()).collect();
    let mut outs: Vec<Vec<_>> = gen(greedy)?.into_iter().map(|o| o.completions).collect();
    if !sampled.is_empty() {
        for (out, s) in outs.iter_mut().zip(gen(sampled)?) {
            out.extend(s.completions);
        }
    }
    Ok(outs
        .into_iter()
        .zip(prompt_tokens)
        .map(|(out, p)| (out.into_iter().map(|c| (c.text, c.tokens.len(), c.finish == FinishReason::Length)).collect(), p))
        .collect())
}

fn task_result(task: &Problem, prompt_tokens: usize, completions: Vec<(String, usize, bool)>, verdicts: Vec<Verdict>) -> TaskResult {
    let samples_passed = verdicts.iter().skip(1).filter(|v| v.outcome.is_pass()).count();
    let mut it = completions.into_iter().zip(verdicts);
    let ((text, tokens, truncated), verdict) = it.next().expect("the greedy completion is always there");
    TaskResult { id: task.id.clone(), prompt_tokens, text, tokens, truncated, verdict, samples: it.len(), samples_passed }
}

/// The record of an evaluation from its per-task results.
pub fn summarise(target: &Target, tasks: Vec<TaskResult>, opts: &EvalConfig, seconds: f64) -> EvalReport {
    let samples: Vec<Sample> = tasks.iter().map(|t| Sample { tokens: t.tokens, text: &t.text, truncated: t.truncated, verdict: &t.verdict }).collect();
    let diagnostics = Diagnostics::from_samples(&samples);
    let n = tasks.len();
    let passed = tasks.iter().filter(|t| t.verdict.outcome.is_pass()).count();
    let counts: Vec<(usize, usize)> = tasks.iter().filter(|t| t.samples > 0).map(|t| (t.samples, t.samples_passed)).collect();
    let pass_at_k = opts.ks.iter().filter_map(|&k| mean_pass_at_k(&counts, k).map(|p| (k.to_string(), p))).collect();
    let record = EvalRecord {
        step: target.step,
        time: SystemTime::now().duration_since(UNIX_EPOCH).map_or(0.0, |d| d.as_secs_f64()),
        adapter: target.label.clone(),
        tasks: n,
        pass_at_1: if n == 0 { 0.0 } else { passed as f64 / n as f64 },
        pass_at_k,
        completion_length: diagnostics.lengths.clone(),
        truncated_frac: diagnostics.truncated_frac,
        error_types: diagnostics.error_types.clone(),
        ruff: diagnostics.ruff.clone(),
        per_task: tasks.iter().map(|t| (t.id.clone(), t.verdict.outcome.is_pass())).collect(),
        seconds,
    };
    EvalReport { record, tasks, diagnostics }
}

fn log_report(r: &EvalReport) {
    let rec = &r.record;
    tracing::info!(
        adapter = %rec.adapter,
        step = rec.step,
        tasks = rec.tasks,
        pass_at_1 = rec.pass_at_1,
        pass_at_k = ?rec.pass_at_k,
        mean_tokens = rec.completion_length.mean_tokens,
        median_tokens = rec.completion_length.median_tokens,
        p90_tokens = rec.completion_length.p90_tokens,
        mean_lines = rec.completion_length.mean_lines,
        truncated_frac = rec.truncated_frac,
        error_types = ?rec.error_types,
        ruff_by_severity = ?rec.ruff.by_severity,
        ruff_top_codes = ?top_codes(&rec.ruff, 5),
        seconds = rec.seconds,
        "evaluation"
    );
}
