//! The history arranged for plotting and tabulating: one record per trainer step,
//! evaluations grouped by adapter, and the small aggregations both outputs share.

use std::collections::{BTreeMap, HashMap};

use crate::metrics::{EvalRecord, MetricsRecord, StepRecord};

/// The adapters the summary compares side by side, in column order.
pub const COMPARED: [&str; 3] = ["base", "serving", "latest"];

/// Severity classes the daemon assigns to Ruff diagnostics, in display order. Shown even
/// when zero: "no errors" is worth seeing.
pub const SEVERITIES: [&str; 4] = ["error", "warning", "info", "convention"];

/// The outcome of a completion that passed all its tests.
pub const PASS: &str = "pass";

pub struct RunData<'a> {
    /// One record per step number, ascending. After a resume the daemon may log a step
    /// again; the later line wins.
    pub steps: Vec<&'a StepRecord>,
    /// Evaluations per adapter, in history order.
    pub evals: BTreeMap<&'a str, Vec<&'a EvalRecord>>,
}

impl<'a> RunData<'a> {
    pub fn new(records: &'a [MetricsRecord]) -> Self {
        let mut steps = BTreeMap::new();
        let mut evals: BTreeMap<&str, Vec<&EvalRecord>> = BTreeMap::new();
        for r in records {
            match r {
                MetricsRecord::Step(s) => {
                    steps.insert(s.step, s);
                }
                MetricsRecord::Eval(e) => evals.entry(e.adapter.as_str()).or_default().push(e),
            }
        }
        RunData { steps: steps.into_values().collect(), evals }
    }

    pub fn is_empty(&self) -> bool {
        self.steps.is_empty() && self.evals.is_empty()
    }

    /// The most recent evaluation of `adapter` (latest `time`; the later line on a tie).
    pub fn latest_eval(&self, adapter: &str) -> Option<&'a EvalRecord> {
        let list = self.evals.get(adapter)?;
        list.iter().copied().reduce(|best, e| if e.time >= best.time { e } else { best })
    }

    /// Adapters to draw in eval series: the compared ones first, then others by name,
    /// at most `max` in all.
    pub fn plotted_adapters(&self, max: usize) -> Vec<&'a str> {
        let mut out: Vec<&str> = self.evals.keys().copied().filter(|a| COMPARED.contains(a)).collect();
        out.sort_by_key(|a| COMPARED.iter().position(|c| c == a));
        out.extend(self.evals.keys().copied().filter(|a| !COMPARED.contains(a)));
        out.truncate(max);
        out
    }

    /// Evaluations of `adapter` ordered by step (then time), for drawing.
    pub fn evals_by_step(&self, adapter: &str) -> Vec<&'a EvalRecord> {
        let mut list = self.evals.get(adapter).cloned().unwrap_or_default();
        list.sort_by(|a, b| a.step.cmp(&b.step).then(a.time.total_cmp(&b.time)));
        list
    }

    /// The step axis: covers training steps and evaluated steps, never zero-width, with
    /// a margin so that points (and single-step bars) on the ends are drawn whole.
    pub fn step_range(&self) -> (f64, f64) {
        let all = self.steps.iter().map(|s| s.step).chain(self.evals.values().flatten().map(|e| e.step));
        let (lo, hi) = all.fold((u64::MAX, 0), |(lo, hi), s| (lo.min(s), hi.max(s)));
        if lo > hi {
            return (0.0, 1.0);
        }
        let (lo, hi) = (lo as f64, hi as f64);
        let pad = ((hi - lo) * 0.02).max(0.5);
        (lo - pad, hi + pad)
    }

    /// Unix-time span of all records, if any has a positive time.
    pub fn time_span(&self) -> Option<(f64, f64)> {
        let times = self.steps.iter().map(|s| s.time).chain(self.evals.values().flatten().map(|e| e.time));
        let (lo, hi) = times.filter(|t| t.is_finite() && *t > 0.0).fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), t| (lo.min(t), hi.max(t)));
        (lo <= hi).then_some((lo, hi))
    }

    /// Severities to show for training steps: the standard four, then any other seen.
    pub fn step_severities(&self) -> Vec<String> {
        let mut out: Vec<String> = SEVERITIES.iter().map(|s| s.to_string()).collect();
        for s in &self.steps {
            for k in s.ruff.by_severity.keys() {
                if !out.contains(k) {
                    out.push(k.clone());
                }
            }
        }
        out
    }
}

/// Number of completions behind a record: every completion gets exactly one outcome.
pub fn completions(outcomes: &BTreeMap<String, u64>) -> u64 {
    outcomes.values().sum()
}

/// The `n` keys with the largest totals over `maps` (ties by name), zero totals left out.
pub fn top_keys<'m>(maps: impl Iterator<Item = &'m BTreeMap<String, u64>>, n: usize) -> Vec<String> {
    let mut totals: HashMap<&str, u64> = HashMap::new();
    for m in maps {
        for (k, v) in m {
            *totals.entry(k).or_default() += v;
        }
    }
    let mut keys: Vec<(&str, u64)> = totals.into_iter().filter(|(_, v)| *v > 0).collect();
    keys.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    keys.into_iter().take(n).map(|(k, _)| k.to_string()).collect()
}

/// Distinct values of all pass@k keys, ordered by k numerically (`"2"` before `"10"`).
pub fn pass_at_k_keys<'e>(evals: impl Iterator<Item = &'e EvalRecord>) -> Vec<String> {
    let mut keys: Vec<String> = vec![];
    for e in evals {
        for k in e.pass_at_k.keys() {
            if !keys.contains(k) {
                keys.push(k.clone());
            }
        }
    }
    keys.sort_by_key(|k| (k.parse::<u64>().unwrap_or(u64::MAX), k.clone()));
    keys
}
