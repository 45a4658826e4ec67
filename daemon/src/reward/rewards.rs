//! Reward formulations (`[reward] kind`): verifier results to one scalar, returned
//! with every component so diagnostics can show why. The formulas are documented in
//! `REWARDS.md` next to this file; keep both in sync.

use serde::{Deserialize, Serialize};

use super::outcome::Outcome;
use super::ruff::SeverityProfile;
use crate::config::{RewardConfig, RewardKind};

/// Ruff penalty weight per severity class: an error (syntax, undefined name) costs as
/// much as two likely bugs, ten style issues or twenty convention nits.
pub const WEIGHT_ERROR: f64 = 1.0;
pub const WEIGHT_WARNING: f64 = 0.5;
pub const WEIGHT_INFO: f64 = 0.1;
pub const WEIGHT_CONVENTION: f64 = 0.05;
/// Weighted diagnostic count at which the Ruff reward reaches 0. Capped rather than
/// normalized by code length: a per-line rate would pay the policy for padding.
pub const RUFF_CAP: f64 = 2.0;

/// What the formulas look at.
#[derive(Debug, Clone, Copy)]
pub struct RewardInput<'a> {
    /// Candidate-level outcome.
    pub outcome: &'a Outcome,
    /// Outcome of executing the candidate code itself (syntax errors live here).
    pub code_outcome: &'a Outcome,
    pub passed: usize,
    pub total: usize,
    /// None when there was no code to lint.
    pub lint: Option<&'a SeverityProfile>,
    /// The completion hit max_new_tokens.
    pub truncated: bool,
}

/// A reward and its parts: `total = tests_weight*tests + ruff_weight*ruff + penalty`
/// for `combined`, `tests + penalty` or `ruff + penalty` for the others.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RewardBreakdown {
    pub kind: RewardKind,
    pub total: f64,
    /// Tests component in [0, 1].
    pub tests: f64,
    /// Ruff component in [0, 1].
    pub ruff: f64,
    /// Sum of the penalties below (<= 0).
    pub penalty: f64,
    pub syntax_error_penalty: f64,
    pub timeout_penalty: f64,
    pub overlong_penalty: f64,
    pub passed: usize,
    pub total_tests: usize,
    /// Severity-weighted diagnostic count behind `ruff`.
    pub ruff_weighted: f64,
}

/// Tests component: all-or-nothing, or the fraction passed with partial credit.
pub fn tests_reward(partial_credit: bool, outcome: &Outcome, passed: usize, total: usize) -> f64 {
    if total == 0 {
        0.0
    } else if partial_credit {
        passed as f64 / total as f64
    } else if outcome.is_pass() {
        1.0
    } else {
        0.0
    }
}

/// Severity-weighted diagnostic count.
pub fn ruff_weighted(p: &SeverityProfile) -> f64 {
    WEIGHT_ERROR * p.error as f64 + WEIGHT_WARNING * p.warning as f64 + WEIGHT_INFO * p.info as f64 + WEIGHT_CONVENTION * p.convention as f64
}

/// Ruff component: 1 - min(1, W / RUFF_CAP); 0 without code, so that an empty answer
/// does not lint clean.
pub fn ruff_reward(lint: Option<&SeverityProfile>) -> f64 {
    lint.map_or(0.0, |p| 1.0 - (ruff_weighted(p) / RUFF_CAP).min(1.0))
}

/// The components mixed as `kind` says, before penalties. The trainer mixes a verdict's
/// components again with this when `train_set` changes the weights at run time.
pub fn mix(kind: RewardKind, tests_weight: f64, ruff_weight: f64, tests: f64, ruff: f64) -> f64 {
    match kind {
        RewardKind::Tests => tests,
        RewardKind::Ruff => ruff,
        RewardKind::Combined => tests_weight * tests + ruff_weight * ruff,
    }
}

/// Compute the configured reward.
pub fn compute(cfg: &RewardConfig, inp: &RewardInput<'_>) -> RewardBreakdown {
    let tests = tests_reward(cfg.partial_credit, inp.outcome, inp.passed, inp.total);
    let ruff = ruff_reward(inp.lint);
    let when = |cond: bool, p: f64| if cond { p } else { 0.0 };
    let syntax_error_penalty = when(*inp.code_outcome == Outcome::SyntaxError, cfg.syntax_error_penalty);
    let timeout_penalty = when(*inp.outcome == Outcome::Timeout, cfg.timeout_penalty);
    let overlong_penalty = when(inp.truncated, cfg.overlong_penalty);
    let penalty = syntax_error_penalty + timeout_penalty + overlong_penalty;
    let base = mix(cfg.kind, cfg.tests_weight, cfg.ruff_weight, tests, ruff);
    RewardBreakdown {
        kind: cfg.kind,
        total: base + penalty,
        tests,
        ruff,
        penalty,
        syntax_error_penalty,
        timeout_penalty,
        overlong_penalty,
        passed: inp.passed,
        total_tests: inp.total,
        ruff_weighted: inp.lint.map_or(0.0, ruff_weighted),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(kind: RewardKind, partial: bool) -> RewardConfig {
        RewardConfig { kind, partial_credit: partial, ..RewardConfig::default() }
    }

    fn profile(error: u32, warning: u32, info: u32, convention: u32) -> SeverityProfile {
        SeverityProfile { error, warning, info, convention, ..Default::default() }
    }

    fn input<'a>(outcome: &'a Outcome, code: &'a Outcome, passed: usize, total: usize, lint: Option<&'a SeverityProfile>) -> RewardInput<'a> {
        RewardInput { outcome, code_outcome: code, passed, total, lint, truncated: false }
    }

    const EPS: f64 = 1e-12;

    #[test]
    fn tests_all_or_nothing_and_partial() {
        let (fail, ok) = (Outcome::AssertionFailure, Outcome::Pass);
        assert_eq!(compute(&cfg(RewardKind::Tests, false), &input(&fail, &ok, 2, 3, None)).total, 0.0);
        assert_eq!(compute(&cfg(RewardKind::Tests, false), &input(&ok, &ok, 3, 3, None)).total, 1.0);
        let r = compute(&cfg(RewardKind::Tests, true), &input(&fail, &ok, 2, 3, None));
        assert!((r.total - 2.0 / 3.0).abs() < EPS);
        assert_eq!(compute(&cfg(RewardKind::Tests, true), &input(&Outcome::NoCode, &Outcome::NoCode, 0, 0, None)).total, 0.0);
    }

    #[test]
    fn ruff_weighting_and_cap() {
        let ok = Outcome::Pass;
        // W = 1*0 + 0.5*1 + 0.1*2 + 0.05*2 = 0.8 -> 1 - 0.8/2 = 0.6
        let p = profile(0, 1, 2, 2);
        let r = compute(&cfg(RewardKind::Ruff, false), &input(&ok, &ok, 3, 3, Some(&p)));
        assert!((r.ruff_weighted - 0.8).abs() < EPS);
        assert!((r.total - 0.6).abs() < EPS);
        // An undefined name and an unused import: W = 1.5 -> 0.25.
        let p = profile(1, 1, 0, 0);
        assert!((compute(&cfg(RewardKind::Ruff, false), &input(&ok, &ok, 0, 3, Some(&p))).total - 0.25).abs() < EPS);
        // Capped at 0, and no code is 0, not a clean 1.
        let p = profile(3, 0, 0, 0);
        assert_eq!(compute(&cfg(RewardKind::Ruff, false), &input(&ok, &ok, 0, 3, Some(&p))).total, 0.0);
        let clean = profile(0, 0, 0, 0);
        assert_eq!(compute(&cfg(RewardKind::Ruff, false), &input(&ok, &ok, 0, 3, Some(&clean))).total, 1.0);
        assert_eq!(compute(&cfg(RewardKind::Ruff, false), &input(&Outcome::NoCode, &Outcome::NoCode, 0, 3, None)).total, 0.0);
    }

    #[test]
    fn combined_weights_and_penalties() {
        let mut c = cfg(RewardKind::Combined, true);
        c.syntax_error_penalty = -0.5;
        c.timeout_penalty = -0.25;
        c.overlong_penalty = -0.1;
        let (fail, ok) = (Outcome::AssertionFailure, Outcome::Pass);
        // 1.0 * 1/4 + 0.2 * (1 - 0.5/2) = 0.25 + 0.15 = 0.4
        let p = profile(0, 1, 0, 0);
        let r = compute(&c, &input(&fail, &ok, 1, 4, Some(&p)));
        assert!((r.total - 0.4).abs() < EPS, "{r:?}");
        assert_eq!(r.penalty, 0.0);
        // Syntax error: tests 0, ruff 1 - min(1, 2/2) = 0, penalty -0.5, truncated -0.1.
        let se = Outcome::SyntaxError;
        let p = profile(2, 0, 0, 0);
        let mut inp = input(&se, &se, 0, 4, Some(&p));
        inp.truncated = true;
        let r = compute(&c, &inp);
        assert!((r.total - (-0.6)).abs() < EPS, "{r:?}");
        assert_eq!((r.syntax_error_penalty, r.overlong_penalty, r.timeout_penalty), (-0.5, -0.1, 0.0));
        // Timeout after 2 of 4 passed, clean code: 0.5 + 0.2 - 0.25 = 0.45.
        let to = Outcome::Timeout;
        let clean = profile(0, 0, 0, 0);
        let r = compute(&c, &input(&to, &ok, 2, 4, Some(&clean)));
        assert!((r.total - 0.45).abs() < EPS, "{r:?}");
    }
}
