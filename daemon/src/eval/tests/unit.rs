use std::collections::BTreeMap;

use rlvr_client::metrics::{EvalRecord, LengthStats};

use super::super::gate::{decide, sign_test};
use super::super::passk::{mean_pass_at_k, pass_at_k};
use crate::config::GateConfig;
use crate::config::{AssertsShown, PromptConfig};
use crate::reward::TestProgram;
use crate::tasks::prompt::user_message;
use crate::tasks::Problem;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-12
}

#[test]
fn pass_at_k_matches_hand_computed_values() {
    // 1 - C(n-c, k) / C(n, k)
    assert!(close(pass_at_k(5, 2, 1).unwrap(), 0.4));
    assert!(close(pass_at_k(5, 2, 2).unwrap(), 0.7)); // 1 - 3/10
    assert!(close(pass_at_k(5, 2, 3).unwrap(), 0.9)); // 1 - 1/10
    assert!(close(pass_at_k(5, 2, 4).unwrap(), 1.0)); // every 4-subset has a correct one
    assert!(close(pass_at_k(10, 3, 5).unwrap(), 1.0 - 21.0 / 252.0));
    assert!(close(pass_at_k(5, 0, 1).unwrap(), 0.0));
    assert!(close(pass_at_k(5, 0, 5).unwrap(), 0.0));
    assert!(close(pass_at_k(5, 5, 1).unwrap(), 1.0));
    assert!(close(pass_at_k(1, 1, 1).unwrap(), 1.0));
    // Large n without overflow: C(199,100)/C(200,100) = 100/200.
    assert!((pass_at_k(200, 1, 100).unwrap() - 0.5).abs() < 1e-12);
    assert!(close(pass_at_k(200, 1, 1).unwrap(), 0.005));
    assert_eq!(pass_at_k(3, 1, 4), None);
    assert_eq!(pass_at_k(3, 1, 0), None);
    let mean = mean_pass_at_k(&[(5, 2), (5, 0), (5, 5), (2, 1)], 3).unwrap();
    assert!(close(mean, (0.9 + 0.0 + 1.0) / 3.0), "n < k tasks are left out: {mean}");
    assert_eq!(mean_pass_at_k(&[(2, 1)], 3), None);
}

#[test]
fn sign_test_matches_hand_computed_values() {
    assert!(close(sign_test(0, 0), 1.0));
    assert!(close(sign_test(0, 8), 2.0 / 256.0));
    assert!(close(sign_test(8, 0), 2.0 / 256.0));
    assert!(close(sign_test(2, 8), 2.0 * 56.0 / 1024.0)); // (1 + 10 + 45) / 2^10
    assert!(close(sign_test(1, 1), 1.0));
    let big = sign_test(600, 400);
    assert!(big > 0.0 && big < 1e-9, "{big}");
}

fn task(asserts: &[&str]) -> Problem {
    Problem {
        id: "t".into(),
        text: "Write a function to add {text} two numbers. ".into(),
        asserts_shown: asserts.iter().map(|s| s.to_string()).collect(),
        program: TestProgram::from_asserts("", asserts.iter().copied()),
    }
}

#[test]
fn prompt_is_the_mbpp_format() {
    let t = task(&["assert add(1, 2) == 3", "assert add(2, 2) == 4"]);
    let all = user_message(&PromptConfig::default(), &t);
    assert_eq!(
        all,
        "You are an expert Python programmer, and here is your task: Write a function to add {text} two numbers. \
         Your code should pass these tests:\n\nassert add(1, 2) == 3\nassert add(2, 2) == 4\n"
    );
    let first = user_message(&PromptConfig { asserts: AssertsShown::First, ..PromptConfig::default() }, &t);
    assert!(first.ends_with("tests:\n\nassert add(1, 2) == 3\n"), "{first:?}");
    let none = user_message(&PromptConfig::default(), &task(&[]));
    assert!(!none.contains("tests"), "{none:?}");
}

fn record(name: &str, passes: &[bool], mean_tokens: f64, truncated_frac: f64) -> EvalRecord {
    let per_task: BTreeMap<String, bool> = passes.iter().enumerate().map(|(i, &p)| (format!("t{i}"), p)).collect();
    EvalRecord {
        adapter: name.into(),
        tasks: passes.len(),
        pass_at_1: passes.iter().filter(|&&p| p).count() as f64 / passes.len() as f64,
        completion_length: LengthStats { mean_tokens, ..Default::default() },
        truncated_frac,
        per_task,
        ..Default::default()
    }
}

fn pattern(n: usize, passing: &[usize]) -> Vec<bool> {
    (0..n).map(|i| passing.contains(&i)).collect()
}

#[test]
fn gate_refuses_worse_and_collapsed_and_accepts_equal_or_better() {
    let cfg = GateConfig { tolerance_pp: 1.0, min_length_fraction: 0.5, max_truncated_increase: 0.25, min_tasks: 20 };
    let serving = record("serving", &pattern(100, &(0..40).collect::<Vec<_>>()), 80.0, 0.05);
    let base = record("base", &pattern(100, &(0..30).collect::<Vec<_>>()), 100.0, 0.05);

    // Same pass count but 3 losses and 1 win: -2 pp.
    let mut worse_tasks: Vec<usize> = (3..40).collect();
    worse_tasks.push(50);
    let worse = record("worse", &pattern(100, &worse_tasks), 80.0, 0.05);
    let d = decide(&worse, &serving, Some(&base), &cfg);
    assert!(!d.promote, "{d:?}");
    assert_eq!((d.numbers.wins, d.numbers.losses, d.numbers.paired_tasks), (1, 3, 100));
    assert!(close(d.numbers.delta_pp, -2.0), "{}", d.numbers.delta_pp);
    assert!(close(d.numbers.p_value, 2.0 * 5.0 / 16.0));

    let equal = record("equal", &pattern(100, &(0..40).collect::<Vec<_>>()), 75.0, 0.05);
    let d = decide(&equal, &serving, Some(&base), &cfg);
    assert!(d.promote, "{d:?}");
    assert!(close(d.numbers.delta_pp, 0.0) && close(d.numbers.p_value, 1.0));

    // -1 pp is within the 1 pp tolerance; +5 pp is better.
    let slightly = record("slightly", &pattern(100, &(1..40).collect::<Vec<_>>()), 80.0, 0.05);
    assert!(decide(&slightly, &serving, Some(&base), &cfg).promote);
    let better = record("better", &pattern(100, &(0..45).collect::<Vec<_>>()), 90.0, 0.05);
    assert!(decide(&better, &serving, Some(&base), &cfg).promote);

    // Better pass@1 but completions collapsed to 40% of the base model's length.
    let short = record("short", &pattern(100, &(0..45).collect::<Vec<_>>()), 40.0, 0.0);
    let d = decide(&short, &serving, Some(&base), &cfg);
    assert!(!d.promote && d.reasons[0].contains("length collapse"), "{d:?}");
    assert!(close(d.numbers.length_ratio.unwrap(), 0.4));
    // Without a base eval the serving adapter is the length reference (40/80 = 0.5: ok).
    assert!(decide(&short, &serving, None, &cfg).promote);

    // Runaway: most completions cut at the budget.
    let runaway = record("runaway", &pattern(100, &(0..40).collect::<Vec<_>>()), 300.0, 0.6);
    assert!(!decide(&runaway, &serving, Some(&base), &cfg).promote);

    // Pairing uses only the shared task ids; too few of them is a refusal.
    let mut other = record("other", &pattern(100, &(0..40).collect::<Vec<_>>()), 80.0, 0.05);
    other.per_task = other.per_task.into_iter().map(|(k, v)| (format!("x{k}"), v)).collect();
    let d = decide(&other, &serving, Some(&base), &cfg);
    assert!(!d.promote && d.numbers.paired_tasks == 0, "{d:?}");
}

#[test]
fn wilson_interval_matches_hand_computed_values() {
    use super::super::compare::wilson;
    // k = 0: [0, z^2 / (n + z^2)] = [0, 3.8415 / 13.8415] for n = 10.
    let z2 = 1.959_963_984_540_054f64.powi(2);
    let i = wilson(0, 10);
    assert!(close(i.value, 0.0) && close(i.low, 0.0));
    assert!((i.high - z2 / (10.0 + z2)).abs() < 1e-12, "{i:?}");
    // k = n mirrors k = 0.
    let j = wilson(10, 10);
    assert!((j.low - 10.0 / (10.0 + z2)).abs() < 1e-12 && close(j.high, 1.0), "{j:?}");
    // 20 / 100: the textbook 95% Wilson interval is [0.1333, 0.2888].
    let m = wilson(20, 100);
    assert!((m.low - 0.1333).abs() < 5e-4 && (m.high - 0.2888).abs() < 5e-4, "{m:?}");
    // No trials: the whole range.
    assert_eq!((wilson(0, 0).low, wilson(0, 0).high), (0.0, 1.0));
}

#[test]
fn paired_comparison_counts_gains_losses_and_the_exact_mcnemar_p() {
    use super::super::compare::compare;
    // 12 paired tasks: both pass 1, gained 7, lost 1, neither 3; task "x" only in the
    // candidate is not paired.
    let mut base = record("base", &[true], 100.0, 0.0);
    let mut cand = record("step-10", &[true], 80.0, 0.0);
    for i in 0..7 {
        base.per_task.insert(format!("g{i}"), false);
        cand.per_task.insert(format!("g{i}"), true);
    }
    base.per_task.insert("l".into(), true);
    cand.per_task.insert("l".into(), false);
    for i in 0..3 {
        base.per_task.insert(format!("n{i}"), false);
        cand.per_task.insert(format!("n{i}"), false);
    }
    cand.per_task.insert("x".into(), true);
    let c = compare(&base, &cand);
    assert_eq!((c.paired_tasks, c.gained, c.lost), (12, 7, 1));
    // P = 2 * P(X <= 1), X ~ Bin(8, 1/2) = 2 * (1 + 8) / 256.
    assert!(close(c.mcnemar_p, 18.0 / 256.0), "{}", c.mcnemar_p);
    assert!(close(c.reference.pass_at_1.value, 2.0 / 12.0) && close(c.candidate.pass_at_1.value, 8.0 / 12.0));
    assert!(close(c.delta_pp, 50.0));
    assert!(close(c.length_ratio.unwrap(), 0.8));
}
