//! Per-task statistics the trainer records after scoring a task's samples, and the
//! store reads back for sampling and for `tasks list`. They are keyed by task id and
//! outlive reloads of the task (an edited test keeps its history; a renamed task
//! starts afresh, since its id changed).

use serde::Serialize;

/// Weight of the newest attempt in [`TaskStats::recent_pass_rate`]. 0.1 means roughly
/// the last 10-20 attempts dominate.
pub const PASS_RATE_ALPHA: f64 = 0.1;

/// Attempts and passes of one task.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct TaskStats {
    /// Samples scored, ever.
    pub attempts: u64,
    /// Samples that passed every test, ever.
    pub passes: u64,
    /// Exponential moving average of the pass rate over attempts (`None` before the
    /// first attempt).
    pub recent_pass_rate: Option<f64>,
    /// The task sampler's view, published by the trainer after each step.
    pub sampler: Option<rlvr_client::SamplerView>,
}

impl TaskStats {
    /// Add a batch of `attempts` samples of which `passes` passed.
    ///
    /// The batch moves the average as `attempts` single updates would if the passes
    /// were spread evenly through it: by `1 - (1 - alpha)^attempts` of the distance
    /// to the batch's rate. So a group of 8 samples counts as 8 attempts, whatever
    /// order they finished in.
    pub fn record(&mut self, attempts: u64, passes: u64) {
        if attempts == 0 {
            return;
        }
        let passes = passes.min(attempts);
        let rate = passes as f64 / attempts as f64;
        self.recent_pass_rate = Some(match self.recent_pass_rate {
            None => rate,
            Some(ema) => {
                let step = 1.0 - (1.0 - PASS_RATE_ALPHA).powf(attempts as f64);
                ema + step * (rate - ema)
            }
        });
        self.attempts += attempts;
        self.passes += passes;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batch_update_equals_repeated_single_updates_of_the_same_rate() {
        let mut batch = TaskStats::default();
        batch.record(4, 4);
        batch.record(8, 0);
        let mut single = TaskStats::default();
        single.record(4, 4);
        for _ in 0..8 {
            single.record(1, 0);
        }
        assert_eq!((batch.attempts, batch.passes), (12, 4));
        assert!((batch.recent_pass_rate.unwrap() - single.recent_pass_rate.unwrap()).abs() < 1e-12);
        assert!((batch.recent_pass_rate.unwrap() - 0.9f64.powi(8)).abs() < 1e-12);
    }

    #[test]
    fn empty_and_overfull_batches_are_harmless() {
        let mut s = TaskStats::default();
        s.record(0, 5);
        assert_eq!(s, TaskStats::default());
        s.record(2, 9);
        assert_eq!((s.attempts, s.passes, s.recent_pass_rate), (2, 2, Some(1.0)));
    }
}
