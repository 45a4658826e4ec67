//! The paper's diagnostics, computed the same way for an eval and for a training
//! window: completion length (tokens and lines: mean, median, p90), the fraction cut
//! at the token budget, the verifier outcome distribution and the Ruff severity profile.
//! Training windows add the mean reward components and the zero-variance group fraction.

use std::collections::BTreeMap;

use rlvr_client::metrics::{LengthStats, RuffProfile, StepRecord};
use serde::{Deserialize, Serialize};

use crate::model::generate::FinishReason;
use crate::reward::Verdict;
use crate::train::advantages::is_zero_variance;
use crate::train::trainer::Group;

/// Severity class names, as `RuffProfile::by_severity` keys (always all four).
pub const SEVERITIES: [&str; 4] = ["error", "warning", "info", "convention"];

/// One verified completion.
#[derive(Debug, Clone, Copy)]
pub struct Sample<'a> {
    /// Generated tokens (an EOS token included).
    pub tokens: usize,
    /// The completion text as generated.
    pub text: &'a str,
    /// Cut at max_new_tokens.
    pub truncated: bool,
    pub verdict: &'a Verdict,
}

/// Diagnostics of a set of completions.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Diagnostics {
    pub completions: usize,
    pub lengths: LengthStats,
    pub truncated_frac: f64,
    /// Verifier outcome (`pass` included) -> completions.
    pub error_types: BTreeMap<String, u64>,
    pub ruff: RuffProfile,
}

impl Diagnostics {
    pub fn from_samples(samples: &[Sample<'_>]) -> Diagnostics {
        let tokens: Vec<f64> = samples.iter().map(|s| s.tokens as f64).collect();
        let lines: Vec<f64> = samples.iter().map(|s| line_count(s.text) as f64).collect();
        let verdicts: Vec<&Verdict> = samples.iter().map(|s| s.verdict).collect();
        Diagnostics {
            completions: samples.len(),
            lengths: length_stats(&tokens, &lines),
            truncated_frac: fraction(samples.iter().filter(|s| s.truncated).count(), samples.len()),
            error_types: error_types(&verdicts),
            ruff: ruff_profile(&verdicts),
        }
    }
}

/// Lines of a completion: non-blank lines of its text (prose and fences included, as
/// the model wrote them; a trailing newline is not a line).
pub fn line_count(text: &str) -> usize {
    text.lines().filter(|l| !l.trim().is_empty()).count()
}

/// Mean, median and p90 of token and line counts (zeros when empty).
pub fn length_stats(tokens: &[f64], lines: &[f64]) -> LengthStats {
    let (mean_tokens, median_tokens, p90_tokens) = summary(tokens);
    let (mean_lines, median_lines, p90_lines) = summary(lines);
    LengthStats { mean_tokens, median_tokens, p90_tokens, mean_lines, median_lines, p90_lines }
}

fn summary(xs: &[f64]) -> (f64, f64, f64) {
    if xs.is_empty() {
        return (0.0, 0.0, 0.0);
    }
    let mut s = xs.to_vec();
    s.sort_by(f64::total_cmp);
    (s.iter().sum::<f64>() / s.len() as f64, percentile(&s, 0.5), percentile(&s, 0.9))
}

/// Percentile `q` in [0, 1] of sorted values, interpolating linearly between closest
/// ranks (numpy's default), so the median of an even count is the midpoint.
pub fn percentile(sorted: &[f64], q: f64) -> f64 {
    match sorted.len() {
        0 => 0.0,
        n => {
            let pos = q.clamp(0.0, 1.0) * (n - 1) as f64;
            let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
            sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo as f64)
        }
    }
}

/// Outcome name -> count.
pub fn error_types(verdicts: &[&Verdict]) -> BTreeMap<String, u64> {
    let mut m = BTreeMap::new();
    for v in verdicts {
        *m.entry(v.outcome.as_str().to_string()).or_default() += 1;
    }
    m
}

/// Ruff diagnostics summed over completions (completions without code add nothing).
pub fn ruff_profile(verdicts: &[&Verdict]) -> RuffProfile {
    let mut p = RuffProfile { by_severity: SEVERITIES.iter().map(|s| (s.to_string(), 0)).collect(), by_code: BTreeMap::new() };
    for r in verdicts.iter().filter_map(|v| v.ruff.as_ref()) {
        let q = &r.profile;
        for (name, n) in SEVERITIES.iter().zip([q.error, q.warning, q.info, q.convention]) {
            *p.by_severity.entry(name.to_string()).or_default() += n as u64;
        }
        for (code, n) in &q.by_code {
            *p.by_code.entry(code.clone()).or_default() += *n as u64;
        }
    }
    p
}

/// The `n` most frequent rule codes, most frequent first (ties by code).
pub fn top_codes(p: &RuffProfile, n: usize) -> Vec<(String, u64)> {
    let mut v: Vec<(String, u64)> = p.by_code.iter().map(|(c, k)| (c.clone(), *k)).collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    v.truncate(n);
    v
}

fn fraction(k: usize, n: usize) -> f64 {
    if n == 0 {
        0.0
    } else {
        k as f64 / n as f64
    }
}

/// Diagnostics of a training window (one or more trainer steps' groups).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct WindowDiagnostics {
    pub diagnostics: Diagnostics,
    pub mean_reward: f64,
    /// Mean of each reward component: `tests`, `ruff`, `penalty`.
    pub reward_components: BTreeMap<String, f64>,
    /// Fraction of completions that passed all their tests.
    pub pass_rate: f64,
    /// Fraction of groups whose rewards are all equal (no learning signal).
    pub zero_variance_frac: f64,
}

impl WindowDiagnostics {
    /// From rollout groups and their verdicts (`verdicts[g][i]` for completion i of
    /// group g; extra or missing entries are ignored).
    pub fn from_groups(groups: &[Group], verdicts: &[Vec<Verdict>]) -> WindowDiagnostics {
        let mut samples = Vec::new();
        let mut zero_var = 0;
        for (g, vs) in groups.iter().zip(verdicts) {
            let rewards: Vec<f64> = vs.iter().map(|v| v.reward.total).collect();
            zero_var += usize::from(is_zero_variance(&rewards));
            for (c, v) in g.completions.iter().zip(vs) {
                samples.push(Sample { tokens: c.tokens.len(), text: &c.text, truncated: c.finish == FinishReason::Length, verdict: v });
            }
        }
        let n_groups = groups.len().min(verdicts.len());
        Self::from_samples(&samples, fraction(zero_var, n_groups))
    }

    /// From samples already flattened, with the zero-variance fraction computed by the caller.
    pub fn from_samples(samples: &[Sample<'_>], zero_variance_frac: f64) -> WindowDiagnostics {
        let n = samples.len();
        let mean = |f: &dyn Fn(&Verdict) -> f64| if n == 0 { 0.0 } else { samples.iter().map(|s| f(s.verdict)).sum::<f64>() / n as f64 };
        let reward_components = [("tests", mean(&|v| v.reward.tests)), ("ruff", mean(&|v| v.reward.ruff)), ("penalty", mean(&|v| v.reward.penalty))]
            .into_iter()
            .map(|(k, x)| (k.to_string(), x))
            .collect();
        WindowDiagnostics {
            diagnostics: Diagnostics::from_samples(samples),
            mean_reward: mean(&|v| v.reward.total),
            reward_components,
            pass_rate: fraction(samples.iter().filter(|s| s.verdict.outcome.is_pass()).count(), n),
            zero_variance_frac,
        }
    }

    /// Fill the diagnostic fields of a step record (the trainer fills the rest).
    pub fn apply(&self, rec: &mut StepRecord) {
        rec.mean_reward = self.mean_reward;
        rec.reward_components = self.reward_components.clone();
        rec.pass_rate = self.pass_rate;
        rec.zero_variance_frac = self.zero_variance_frac;
        rec.completion_length = self.diagnostics.lengths.clone();
        rec.truncated_frac = self.diagnostics.truncated_frac;
        rec.error_types = self.diagnostics.error_types.clone();
        rec.ruff = self.diagnostics.ruff.clone();
    }
}
