use super::super::diagnostics::{top_codes, WindowDiagnostics};
use super::super::evaluator::{summarise, Target, TaskResult};
use super::super::EvalConfig;
use super::verifier;
use crate::model::generate::{Completion, FinishReason};
use crate::reward::TestProgram;
use crate::train::trainer::Group;

fn add_program() -> TestProgram {
    TestProgram::from_asserts("", ["assert add(1, 2) == 3", "assert add(2, 2) == 4"])
}

/// (completion, tokens, truncated, expected outcome, non-blank lines)
const FIXED: [(&str, usize, bool, &str, usize); 6] = [
    ("```python\ndef add(a, b):\n    return a + b\n```\n", 10, false, "pass", 4),
    ("def add(a, b):\n    x = 1\n    return a + b\n", 14, false, "pass", 3),
    ("import os\ndef add(a, b):\n    return a - b\n", 12, false, "assertion_failure", 3),
    ("def add(a, b):\n\n    return c\n", 8, false, "name_error", 2),
    ("Sure, I can help with that.", 6, false, "no_code", 1),
    ("def add(a, b):\n    return (a +", 96, true, "syntax_error", 2),
];

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fixed_completions_give_the_expected_diagnostics() {
    let v = verifier().await;
    let group: Vec<(String, bool)> = FIXED.iter().map(|(c, _, t, ..)| (c.to_string(), *t)).collect();
    let verdicts = v.verify_group(&add_program(), &group).await.unwrap();
    let tasks: Vec<TaskResult> = FIXED
        .iter()
        .zip(&verdicts)
        .enumerate()
        .map(|(i, ((text, tokens, truncated, want, _), verdict))| {
            assert_eq!(verdict.outcome.as_str(), *want, "completion {i}: {verdict:?}");
            // Sampled counts for pass@k: task i has 4 samples, i of them (capped) passing.
            TaskResult {
                id: format!("t{i}"),
                prompt_tokens: 50,
                text: text.to_string(),
                tokens: *tokens,
                truncated: *truncated,
                verdict: verdict.clone(),
                samples: 4,
                samples_passed: i.min(4),
            }
        })
        .collect();
    let opts = EvalConfig { ks: vec![1, 2, 8], ..EvalConfig::default() };
    let report = summarise(&Target::adapter("fixed", 7), tasks, &opts, 1.5);
    let r = &report.record;
    assert_eq!((r.adapter.as_str(), r.step, r.tasks), ("fixed", 7, 6));
    assert!(close(r.pass_at_1, 2.0 / 6.0));
    assert_eq!(r.per_task.values().filter(|&&p| p).count(), 2);
    assert!(r.per_task["t0"] && r.per_task["t1"] && !r.per_task["t2"]);
    // pass@1 over samples: mean of c/4 with c = 0,1,2,3,4,4 -> 14/24.
    assert!(close(r.pass_at_k["1"], 14.0 / 24.0), "{:?}", r.pass_at_k);
    // pass@2: 1 - C(4-c,2)/C(4,2) = 0, 1/2, 5/6, 1, 1, 1.
    assert!(close(r.pass_at_k["2"], (0.0 + 0.5 + 5.0 / 6.0 + 3.0) / 6.0), "{:?}", r.pass_at_k);
    assert!(!r.pass_at_k.contains_key("8"), "k > samples is skipped");

    // tokens [6, 8, 10, 12, 14, 96]; lines [1, 2, 2, 3, 3, 4]
    let l = &r.completion_length;
    assert!(close(l.mean_tokens, 146.0 / 6.0) && close(l.median_tokens, 11.0) && close(l.p90_tokens, 55.0), "{l:?}");
    assert!(close(l.mean_lines, 2.5) && close(l.median_lines, 2.5) && close(l.p90_lines, 3.5), "{l:?}");
    assert!(close(r.truncated_frac, 1.0 / 6.0));

    let want_types: Vec<(&str, u64)> = vec![("assertion_failure", 1), ("name_error", 1), ("no_code", 1), ("pass", 2), ("syntax_error", 1)];
    assert_eq!(r.error_types.iter().map(|(k, v)| (k.as_str(), *v)).collect::<Vec<_>>(), want_types);

    let sev: Vec<(&str, u64)> = r.ruff.by_severity.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    assert_eq!(sev, vec![("convention", 0), ("error", 2), ("info", 0), ("warning", 2)], "{:?}", r.ruff);
    let codes: Vec<(&str, u64)> = r.ruff.by_code.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    assert_eq!(codes, vec![("F401", 1), ("F821", 1), ("F841", 1), ("invalid-syntax", 1)]);
    assert_eq!(top_codes(&r.ruff, 2), vec![("F401".to_string(), 1), ("F821".to_string(), 1)]);
    assert_eq!(report.diagnostics.completions, 6);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn training_window_fills_the_step_record() {
    let v = verifier().await;
    let completion = |text: &str, n: usize, finish| Completion { tokens: vec![1; n], logprobs: vec![-1.0; n], text: text.into(), finish };
    let good = FIXED[0].0;
    let bad = FIXED[3].0;
    let groups = vec![
        Group { task_id: "a".into(), prompt_ids: vec![1], completions: vec![completion(good, 10, FinishReason::Eos); 3] },
        Group {
            task_id: "b".into(),
            prompt_ids: vec![1],
            completions: vec![
                completion(good, 10, FinishReason::Eos),
                completion(bad, 20, FinishReason::Eos),
                completion(FIXED[5].0, 30, FinishReason::Length),
            ],
        },
    ];
    let mut verdicts = Vec::new();
    for g in &groups {
        let texts: Vec<(String, bool)> = g.completions.iter().map(|c| (c.text.clone(), c.finish == FinishReason::Length)).collect();
        verdicts.push(v.verify_group(&add_program(), &texts).await.unwrap());
    }
    let w = WindowDiagnostics::from_groups(&groups, &verdicts);
    assert!(close(w.zero_variance_frac, 0.5), "{w:?}");
    assert!(close(w.pass_rate, 4.0 / 6.0));
    assert!(close(w.reward_components["tests"], 4.0 / 6.0));
    // Default reward: combined, ruff weight 0.2, no penalties. Clean passes lint 1.0, the
    // F821 one 1 - 1/2, the syntax error 1 - 1/2.
    assert!(close(w.reward_components["ruff"], (4.0 + 0.5 + 0.5) / 6.0), "{:?}", w.reward_components);
    assert!(close(w.reward_components["penalty"], 0.0));
    assert!(close(w.mean_reward, 4.0 / 6.0 + 0.2 * 5.0 / 6.0));
    let mut rec = rlvr_client::metrics::StepRecord { step: 3, ..Default::default() };
    w.apply(&mut rec);
    assert_eq!(rec.step, 3);
    assert!(close(rec.truncated_frac, 1.0 / 6.0));
    assert!(close(rec.completion_length.mean_tokens, 90.0 / 6.0));
    assert_eq!(rec.error_types["pass"], 4);
    assert_eq!(rec.ruff.by_severity["error"], 2);
}
