//! Evaluations on the engine thread, one task per unit of work so serving requests
//! interleave, followed (for the latest adapter) by the promotion gate. Training waits
//! while an evaluation runs: the adapter must not change under it.

use std::time::Instant;

use rlvr_client::metrics::{EvalRecord, MetricsRecord};
use rlvr_client::TrainEvent;

use super::serve::ServingAdapter;
use super::Engine;
use super::EngineError;
use crate::eval::decide;
use crate::eval::evaluator::{evaluate, summarise, Target, TaskResult};
use crate::model::lora;
use crate::tasks::Problem;

pub struct EvalJob {
    pub target: Target,
    tasks: Vec<Problem>,
    next: usize,
    results: Vec<TaskResult>,
    started: Instant,
    /// Run the promotion gate on the result.
    gate: bool,
}

impl EvalJob {
    pub fn new(target: Target, mut tasks: Vec<Problem>, limit: usize, gate: bool) -> EvalJob {
        if limit > 0 {
            tasks.truncate(limit);
        }
        EvalJob { target, tasks, next: 0, results: vec![], started: Instant::now(), gate }
    }

    pub fn progress(&self) -> String {
        format!("eval {} {}/{}", self.target.label, self.next, self.tasks.len())
    }
}

impl Engine {
    /// Queue a base evaluation (once) and one of the latest adapter with the gate.
    pub(crate) fn queue_scheduled_eval(&mut self, limit: usize) -> Result<String, EngineError> {
        let tasks = crate::eval::eval_tasks(&self.deps.cfg.eval)?;
        let limit = if limit > 0 { limit } else { self.deps.cfg.eval.limit };
        if self.base_eval.is_none() && !self.evals.iter().any(|j| j.target.label == "base") {
            self.evals.push_back(EvalJob::new(Target::base(), tasks.clone(), limit, false));
        }
        let step = self.training.trainer.step;
        self.evals.push_back(EvalJob::new(Target::adapter("latest", step), tasks, limit, true));
        Ok(format!("queued evaluation of the latest adapter (step {step}) on {} tasks", if limit > 0 { limit.to_string() } else { "all".into() }))
    }

    /// Queue an on-demand evaluation of `base` or `latest` (no gate for base).
    pub(crate) fn queue_eval(&mut self, which: &str, limit: usize) -> Result<String, EngineError> {
        match which {
            "latest" => self.queue_scheduled_eval(limit),
            "base" => {
                let tasks = crate::eval::eval_tasks(&self.deps.cfg.eval)?;
                self.evals.push_back(EvalJob::new(Target::base(), tasks, if limit > 0 { limit } else { self.deps.cfg.eval.limit }, false));
                Ok("queued evaluation of the base model".into())
            }
            other => Err(EngineError::InvalidParams(format!("unknown eval target `{other}` (base or latest)"))),
        }
    }

    /// Evaluate the next task of the front job; finish it when done.
    pub(crate) fn eval_unit(&mut self) {
        let Some(mut job) = self.evals.pop_front() else { return };
        let opts = &self.deps.cfg.eval;
        let Ok(verifier) = self.deps.verifier.clone() else {
            tracing::error!("evaluation dropped: the verifier is unavailable");
            return;
        };
        if job.next < job.tasks.len() {
            // One batch of tasks per engine unit (`eval.batch`).
            let end = (job.next + opts.batch.max(1)).min(job.tasks.len());
            let chunk = &job.tasks[job.next..end];
            match evaluate(&self.model, &job.target, &verifier, chunk, opts, &self.deps.rt) {
                Ok(report) => job.results.extend(report.tasks),
                Err(e) => tracing::warn!(first_task = %chunk[0].id, tasks = chunk.len(), error = %e, "evaluation of a batch of tasks failed; skipped"),
            }
            job.next = end;
        }
        if job.next < job.tasks.len() {
            self.evals.push_front(job);
            return;
        }
        let report = summarise(&job.target, job.results, opts, job.started.elapsed().as_secs_f64());
        self.finish_eval(report.record, job.gate);
    }

    fn finish_eval(&mut self, record: EvalRecord, gate: bool) {
        tracing::info!(adapter = %record.adapter, step = record.step, pass_at_1 = record.pass_at_1, tasks = record.tasks, secs = record.seconds, "evaluation finished");
        if let Err(e) = self.deps.history.append(&MetricsRecord::Eval(record.clone())) {
            tracing::warn!(error = %e, "cannot append to the metrics history");
        }
        let _ = self.deps.events.send(TrainEvent::Eval { record: record.clone() });
        if record.adapter == "base" {
            self.base_eval = Some(record.clone());
        }
        if !gate {
            return;
        }
        let reference = self.serving_eval.clone().or_else(|| self.base_eval.clone());
        let Some(reference) = reference else {
            tracing::warn!("no reference evaluation for the gate; not promoting");
            return;
        };
        let decision = decide(&record, &reference, self.base_eval.as_ref(), &self.deps.cfg.eval.gate);
        let label = format!("step-{:06}", record.step);
        if decision.promote {
            let values = lora::adapters(&self.model.model).into_iter().map(|(r, a, b, _)| (r, a, b)).collect();
            self.serving = Some(ServingAdapter { label: label.clone(), values });
            self.serving_eval = Some(record.clone());
        }
        self.latest_eval = Some(record);
        let _ = self.deps.events.send(TrainEvent::Promotion { promoted: decision.promote, adapter: label, reasons: decision.reasons });
    }
}
