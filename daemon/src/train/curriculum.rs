//! Learnability-aware task sampling. A group teaches the policy something only when
//! its rewards differ (GRPO's advantages are zero otherwise), which is most likely for
//! tasks the current adapter passes about half of the time. Per task, a Beta
//! posterior over the pass rate of recent groups (evidence decayed every step, since
//! the adapter keeps changing) gives p; the sampling weight is the task's own weight
//! times max(`min_weight`, 4 p (1 - p)), and a task never tried gets `unseen_weight`
//! (exploration: new and edited tasks get tried soon). `min_weight` keeps mastered
//! and too-hard tasks coming back now and then, so a forgotten or newly learnable
//! task is noticed.
//!
//! The state is integers (evidence in millionths), so a checkpoint round trip through
//! JSON is exact and a resumed run draws the same tasks.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::config::CurriculumConfig;

/// Evidence unit: one completion = `UNIT`.
const UNIT: u64 = 1_000_000;

/// What the sampler knows about one task.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskStats {
    /// Decayed passing / failing completions, in millionths.
    pub passes: u64,
    pub fails: u64,
    /// Groups sampled from this task, ever.
    pub groups: u64,
    /// Step of the last group.
    pub last_step: u64,
}

/// Where a task stands for the current adapter.
pub use rlvr_client::SamplerState as TaskState;

impl TaskStats {
    /// Posterior mean pass rate, Beta(1 + passes, 1 + fails).
    pub fn pass_rate(&self) -> f64 {
        (UNIT + self.passes) as f64 / (2 * UNIT + self.passes + self.fails) as f64
    }

    pub fn state(&self) -> TaskState {
        let p = self.pass_rate();
        match self.groups {
            0 => TaskState::Unseen,
            _ if p >= 0.9 => TaskState::Mastered,
            _ if p <= 0.1 => TaskState::TooHard,
            _ => TaskState::Learning,
        }
    }
}

pub use rlvr_client::TaskStates as CurriculumSummary;

/// The sampler's state: statistics per task id.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Curriculum {
    pub tasks: BTreeMap<String, TaskStats>,
}

impl Curriculum {
    /// Sampling weight of a task whose configured weight is `base`.
    pub fn weight(&self, cfg: &CurriculumConfig, id: &str, base: f64) -> f64 {
        if !cfg.enabled {
            return base;
        }
        let factor = match self.tasks.get(id) {
            None => cfg.unseen_weight,
            Some(s) if s.groups == 0 => cfg.unseen_weight,
            Some(s) => {
                let p = s.pass_rate();
                (4.0 * p * (1.0 - p)).max(cfg.min_weight)
            }
        };
        base * factor
    }

    /// One verified group of `completions`, `passes` of which passed every test.
    pub fn record(&mut self, id: &str, step: u64, completions: u64, passes: u64) {
        let s = self.tasks.entry(id.to_string()).or_default();
        s.passes += passes * UNIT;
        s.fails += completions.saturating_sub(passes) * UNIT;
        s.groups += 1;
        s.last_step = step;
    }

    /// End of a step: older evidence counts less (`decay` per step, exact in integers).
    pub fn decay(&mut self, cfg: &CurriculumConfig) {
        let keep = (cfg.decay.clamp(0.0, 1.0) * UNIT as f64).round() as u128;
        for s in self.tasks.values_mut() {
            s.passes = (s.passes as u128 * keep / UNIT as u128) as u64;
            s.fails = (s.fails as u128 * keep / UNIT as u128) as u64;
        }
    }

    /// Forget tasks that are gone from the store (deleted or renamed).
    pub fn retain(&mut self, exists: impl Fn(&str) -> bool) {
        self.tasks.retain(|id, _| exists(id));
    }

    /// The sampler's view of a task whose configured weight is `base`.
    pub fn view(&self, cfg: &CurriculumConfig, id: &str, base: f64) -> rlvr_client::SamplerView {
        let stats = self.tasks.get(id).cloned().unwrap_or_default();
        rlvr_client::SamplerView { state: stats.state(), pass_rate: stats.pass_rate(), weight: self.weight(cfg, id, base) }
    }

    pub fn summary(&self, ids: impl Iterator<Item = impl AsRef<str>>) -> CurriculumSummary {
        let mut out = CurriculumSummary::default();
        for id in ids {
            match self.tasks.get(id.as_ref()).map_or(TaskState::Unseen, TaskStats::state) {
                TaskState::Unseen => out.unseen += 1,
                TaskState::Learning => out.learning += 1,
                TaskState::Mastered => out.mastered += 1,
                TaskState::TooHard => out.too_hard += 1,
            }
        }
        out
    }

    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).expect("curriculum serializes")
    }

    /// The state saved by [`to_json`](Self::to_json); `null` (older checkpoints) is empty.
    pub fn from_json(v: &serde_json::Value) -> Result<Curriculum, serde_json::Error> {
        if v.is_null() {
            return Ok(Curriculum::default());
        }
        serde_json::from_value(v.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg() -> CurriculumConfig {
        CurriculumConfig::default()
    }

    #[test]
    fn informative_tasks_weigh_most_and_extremes_keep_a_floor() {
        let c = cfg();
        let mut cur = Curriculum::default();
        for _ in 0..3 {
            cur.record("half", 1, 8, 4);
            cur.record("solved", 1, 8, 8);
            cur.record("hopeless", 1, 8, 0);
        }
        let w = |id: &str| cur.weight(&c, id, 1.0);
        assert!(w("half") > 0.95, "{}", w("half"));
        // 24 of 24 passed: p = 25/26, weight 4p(1-p) = 0.15; the more evidence, the
        // lower, down to the floor.
        assert!((w("solved") - 4.0 * 25.0 / 26.0 / 26.0).abs() < 1e-9, "{}", w("solved"));
        assert!((w("solved") - w("hopeless")).abs() < 1e-12);
        let mut more = cur.clone();
        for _ in 0..30 {
            more.record("solved", 2, 8, 8);
        }
        assert_eq!(more.weight(&c, "solved", 1.0), c.min_weight);
        assert_eq!(w("never-seen"), c.unseen_weight);
        assert_eq!(cur.tasks["solved"].state(), TaskState::Mastered);
        assert_eq!(cur.tasks["hopeless"].state(), TaskState::TooHard);
        assert_eq!(cur.tasks["half"].state(), TaskState::Learning);
        // The task's own weight scales the factor; disabled, only it counts.
        assert!((cur.weight(&c, "half", 2.0) - 2.0 * w("half")).abs() < 1e-12);
        assert_eq!(cur.weight(&CurriculumConfig { enabled: false, ..c }, "solved", 3.0), 3.0);
    }

    #[test]
    fn decay_forgets_so_a_mastered_task_comes_back_to_learning() {
        let c = CurriculumConfig { decay: 0.5, ..cfg() };
        let mut cur = Curriculum::default();
        cur.record("t", 1, 8, 8);
        cur.record("t", 2, 8, 8);
        assert_eq!(cur.tasks["t"].state(), TaskState::Mastered);
        for _ in 0..10 {
            cur.decay(&c);
        }
        // Evidence gone: back near the prior, informative again.
        assert!(cur.weight(&c, "t", 1.0) > 0.9);
        assert_eq!(cur.tasks["t"].groups, 2, "history counts are kept");
    }

    #[test]
    fn json_round_trip_is_exact() {
        let c = CurriculumConfig { decay: 0.97, ..cfg() };
        let mut cur = Curriculum::default();
        for step in 0..50 {
            cur.record(&format!("t{}", step % 7), step, 8, step % 9);
            cur.decay(&c);
        }
        let back = Curriculum::from_json(&serde_json::from_str(&cur.to_json().to_string()).unwrap()).unwrap();
        assert_eq!(back, cur);
        assert_eq!(Curriculum::from_json(&serde_json::Value::Null).unwrap(), Curriculum::default());
    }

    #[test]
    fn sampling_favours_tasks_with_reward_variance() {
        // Three tasks the policy solves with p = 0, 0.5, 1 (simulated), 300 steps of one
        // group each: with the sampler on, the informative task gets most groups, and
        // the share of groups with reward variance rises well above uniform sampling.
        let truth = [("never", 0.0), ("half", 0.5), ("always", 1.0)];
        let run = |enabled: bool| {
            let c = CurriculumConfig { enabled, ..cfg() };
            let mut cur = Curriculum::default();
            let mut rng = crate::model::sampling::Rng::new(11);
            let (mut informative, mut picks) = (0, BTreeMap::<&str, usize>::new());
            for step in 0..300u64 {
                let w: Vec<f64> = truth.iter().map(|(id, _)| cur.weight(&c, id, 1.0)).collect();
                let mut u = rng.next_f64() * w.iter().sum::<f64>();
                let i = w.iter().position(|x| {
                    u -= x;
                    u <= 0.0
                });
                let (id, p) = truth[i.unwrap_or(2)];
                let passes = (0..8).filter(|_| rng.next_f64() < p).count() as u64;
                informative += usize::from(passes > 0 && passes < 8);
                *picks.entry(id).or_default() += 1;
                cur.record(id, step, 8, passes);
                cur.decay(&c);
            }
            (informative as f64 / 300.0, picks)
        };
        let (on, picks) = run(true);
        let (off, picks_off) = run(false);
        eprintln!("informative groups: sampler on {on:.2} {picks:?}, off {off:.2} {picks_off:?}");
        assert!(picks["half"] > 200, "{picks:?}");
        assert!(on > 0.6 && on > off + 0.2, "informative share with the sampler {on:.2}, without {off:.2}");
    }
}
