//! Reports from a synthetic but realistic history: 30 GRPO steps that learn, evals of
//! base / latest / serving, and histories that are empty, partial or damaged.

use std::collections::BTreeMap;
use std::io::Cursor;
use std::path::Path;

use super::*;
use crate::metrics::{EvalRecord, LengthStats, MetricsRecord, RuffProfile, StepRecord};

const T0: f64 = 1_709_210_096.0; // 2024-02-29 12:34:56 UTC

fn counts(pairs: &[(&str, u64)]) -> BTreeMap<String, u64> {
    pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect()
}

fn lengths(mean: f64, p90: f64) -> LengthStats {
    LengthStats { mean_tokens: mean, median_tokens: mean * 0.9, p90_tokens: p90, mean_lines: mean / 9.0, median_lines: mean / 10.0, p90_lines: p90 / 9.0 }
}

/// Step `i` of 30: reward and pass rate rise, completions shorten, syntax errors fade.
fn step(i: u64) -> StepRecord {
    let t = i as f64 / 30.0;
    let pass = (8.0 + 14.0 * t).round() as u64; // of 32 completions
    let syntax = (6.0 * (1.0 - t)).round() as u64;
    let timeout = u64::from(i.is_multiple_of(7));
    let name = 3;
    let key = u64::from(i.is_multiple_of(5));
    let type_error = u64::from(i.is_multiple_of(4));
    let index = u64::from(i.is_multiple_of(9));
    let assertion = 32 - pass - syntax - timeout - name - key - type_error - index;
    StepRecord {
        step: i,
        time: T0 + 42.0 * i as f64,
        loss_kind: "grpo".into(),
        reward_kind: "tests_plus_ruff".into(),
        mean_reward: -0.2 + 0.9 * t + 0.03 * ((i % 3) as f64 - 1.0),
        reward_components: [("tests".to_string(), 0.7 * t), ("ruff".to_string(), -0.1 + 0.05 * t)].into(),
        pass_rate: pass as f64 / 32.0,
        kl: 0.002 * i as f64,
        loss: 0.1 - 0.002 * i as f64,
        completion_length: lengths(240.0 - 3.0 * i as f64, 420.0 - 5.0 * i as f64),
        truncated_frac: 0.05 * (1.0 - t),
        error_types: counts(&[
            ("pass", pass),
            ("assertion_failure", assertion),
            ("syntax_error", syntax),
            ("timeout", timeout),
            ("name_error", name),
            ("key_error", key),
            ("type_error", type_error),
            ("index_error", index),
        ]),
        ruff: RuffProfile {
            by_severity: counts(&[("error", syntax), ("warning", 20 - i / 2), ("info", 12), ("convention", 4)]),
            by_code: counts(&[("F401", 20 - i / 2)]),
        },
        tasks: vec![format!("task-{}", i % 8)],
        ..Default::default()
    }
}

fn eval(adapter: &str, step: u64, pass_at_1: f64, mean_tokens: f64) -> EvalRecord {
    EvalRecord {
        step,
        time: T0 + 42.0 * step as f64 + 10.0,
        adapter: adapter.into(),
        tasks: 20,
        pass_at_1,
        pass_at_k: [("1".to_string(), pass_at_1), ("4".to_string(), pass_at_1 + 0.15), ("10".to_string(), pass_at_1 + 0.2)].into(),
        completion_length: lengths(mean_tokens, mean_tokens * 1.8),
        truncated_frac: 0.025,
        error_types: counts(&[("pass", (pass_at_1 * 20.0) as u64), ("assertion_failure", 6), ("syntax_error", 2)]),
        ruff: RuffProfile { by_severity: counts(&[("error", 2), ("warning", 7)]), by_code: BTreeMap::new() },
        per_task: (0..20).map(|t| (format!("task-{t}"), t < (pass_at_1 * 20.0) as usize)).collect(),
        seconds: 12.5,
    }
}

fn history() -> Vec<MetricsRecord> {
    let mut h = vec![MetricsRecord::Eval(eval("base", 0, 0.25, 260.0))];
    for i in 1..=30 {
        h.push(MetricsRecord::Step(step(i)));
        match i {
            10 => h.push(MetricsRecord::Eval(eval("latest", 10, 0.35, 230.0))),
            20 => {
                h.push(MetricsRecord::Eval(eval("latest", 20, 0.45, 200.0)));
                h.push(MetricsRecord::Eval(eval("serving", 20, 0.40, 205.0)));
            }
            30 => h.push(MetricsRecord::Eval(eval("latest", 30, 0.55, 180.0))),
            _ => {}
        }
    }
    h
}

/// Checks that the file is a complete SVG document with drawn lines or areas.
fn assert_svg(path: &Path) {
    let svg = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert!(svg.trim_start().starts_with("<svg"), "{} does not start with <svg", path.display());
    assert!(svg.trim_end().ends_with("</svg>"), "{} is not closed", path.display());
    assert!(svg.contains("<polyline") || svg.contains("<path") || svg.contains("<polygon"), "{}: nothing drawn", path.display());
    assert!(svg.contains("trainer step"), "{}: no x axis label", path.display());
    assert_eq!(svg.matches("<svg").count(), 1);
}

/// The text content of every `<text>` element.
fn svg_texts(svg: &str) -> Vec<String> {
    svg.split("<text")
        .skip(1)
        .filter_map(|t| {
            let body = &t[t.find('>')? + 1..];
            Some(body[..body.find("</text>")?].trim().to_string())
        })
        .collect()
}

fn summary_row<'s>(md: &'s str, label: &str) -> &'s str {
    md.lines().find(|l| l.starts_with(&format!("| {label} |"))).unwrap_or_else(|| panic!("no row {label:?} in\n{md}"))
}

#[test]
fn full_history_writes_four_plots_and_a_comparison() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report");
    let files = write_report(&history(), &out).unwrap();
    let names: Vec<_> = files.plots.iter().map(|p| p.file_name().unwrap().to_str().unwrap()).collect();
    assert_eq!(names, ["reward.svg", "length.svg", "ruff.svg", "outcomes.svg"]);
    assert!(files.skipped.is_empty(), "{:?}", files.skipped);
    for p in &files.plots {
        assert_svg(p);
    }
    let outcomes = std::fs::read_to_string(out.join("outcomes.svg")).unwrap();
    assert!(outcomes.contains("<polygon"), "the outcome mix is stacked areas");
    let legend = svg_texts(&outcomes);
    // Top six outcomes by count, the two rarest (timeout: 4, index_error: 3) as "other".
    for label in ["pass", "assertion_failure", "syntax_error", "name_error", "type_error", "key_error", "other"] {
        assert!(legend.iter().any(|t| t == label), "legend lacks {label}: {legend:?}");
    }
    assert!(!legend.iter().any(|t| t == "timeout" || t == "index_error"), "{legend:?}");
    let reward = svg_texts(&std::fs::read_to_string(out.join("reward.svg")).unwrap());
    for label in ["mean reward", "train pass rate", "base eval pass@1", "serving eval pass@1", "latest eval pass@1"] {
        assert!(reward.iter().any(|t| t == label), "reward legend lacks {label}: {reward:?}");
    }

    let md = std::fs::read_to_string(&files.summary).unwrap();
    assert_eq!(files.summary, out.join("summary.md"));
    assert!(md.contains("| trainer steps | 30 (step 1 – 30) |"), "{md}");
    assert!(md.contains("| reward kind | tests_plus_ruff |"));
    assert!(md.contains("| loss kind | grpo |"));
    assert!(md.contains("2024-02-29 12:35 → 2024-02-29 12:56 UTC (21m 00s)"), "{md}");
    // The latest adapter is its most recent eval (step 30), not the step-10 or -20 one.
    assert_eq!(summary_row(&md, "evaluated at step"), "| evaluated at step | 0 | 20 | 30 |");
    assert_eq!(summary_row(&md, "pass@1 (greedy)"), "| pass@1 (greedy) | 0.250 | 0.400 | 0.550 |");
    assert_eq!(summary_row(&md, "Δ pass@1 vs base"), "| Δ pass@1 vs base | +0.000 | +0.150 | +0.300 |");
    assert_eq!(summary_row(&md, "tasks fixed / broken vs base"), "| tasks fixed / broken vs base | +0 / −0 | +3 / −0 | +6 / −0 |");
    // pass@k keys ordered numerically.
    let k4 = md.find("| pass@4 (sampled) |").unwrap();
    assert!(k4 < md.find("| pass@10 (sampled) |").unwrap());
    assert_eq!(summary_row(&md, "pass@10 (sampled)"), "| pass@10 (sampled) | 0.450 | 0.600 | 0.750 |");
    assert_eq!(summary_row(&md, "tokens mean / p90"), "| tokens mean / p90 | 260 / 468 | 205 / 369 | 180 / 324 |");
    assert_eq!(summary_row(&md, "Ruff warning"), "| Ruff warning | 7 | 7 | 7 |");
    assert_eq!(summary_row(&md, "Ruff info"), "| Ruff info | 0 | 0 | 0 |");
    assert_eq!(
        summary_row(&md, "top error types"),
        concat!(
            "| top error types | assertion_failure 46%, syntax_error 15% ",
            "| assertion_failure 38%, syntax_error 12% | assertion_failure 32%, syntax_error 11% |"
        )
    );
    for f in ["reward.svg", "length.svg", "ruff.svg", "outcomes.svg"] {
        assert!(md.contains(&format!("]({f})")), "no link to {f}");
    }
    assert!(md.contains("## Last 10 steps"));
    assert!(summary_row(&md, "30").starts_with("| 30 | 0.670 | 0.688 | 150 / 270 |"), "{md}");
    assert!(!md.contains("| 20 | 0.4"), "step 20 is not among the last 10");
}

#[test]
fn empty_history_says_no_data() {
    let dir = tempfile::tempdir().unwrap();
    // A plot left from an earlier report must not survive next to a "no data" summary.
    std::fs::write(dir.path().join("reward.svg"), "<svg></svg>").unwrap();
    let files = write_report(&[], dir.path()).unwrap();
    assert!(files.plots.is_empty());
    assert!(!dir.path().join("reward.svg").exists());
    let md = std::fs::read_to_string(&files.summary).unwrap();
    assert!(md.contains("No data"), "{md}");
}

#[test]
fn evals_only_skip_the_training_plots_and_say_so() {
    let dir = tempfile::tempdir().unwrap();
    let records = vec![MetricsRecord::Eval(eval("base", 0, 0.25, 260.0))];
    let files = write_report(&records, dir.path()).unwrap();
    let names: Vec<_> = files.plots.iter().map(|p| p.file_name().unwrap().to_str().unwrap()).collect();
    assert_eq!(names, ["reward.svg", "length.svg"]);
    files.plots.iter().for_each(|p| assert_svg(p));
    let md = std::fs::read_to_string(&files.summary).unwrap();
    assert!(md.contains("Not drawn: Ruff severity mix (ruff.svg): no training steps"), "{md}");
    assert!(md.contains("No evaluation recorded for `serving`, `latest`."), "{md}");
    assert!(md.contains("| trainer steps | none recorded |"));
}

#[test]
fn single_step_without_outcomes_still_draws() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = step(1);
    s.error_types.clear();
    let files = write_report(&[MetricsRecord::Step(s)], dir.path()).unwrap();
    // No outcome counts: the outcome mix is skipped, Ruff falls back to counts per step.
    assert_eq!(files.plots.len(), 3);
    assert_eq!(files.skipped.len(), 1, "{:?}", files.skipped);
    let ruff = std::fs::read_to_string(dir.path().join("ruff.svg")).unwrap();
    assert!(ruff.contains("diagnostics per step"));
    files.plots.iter().for_each(|p| assert_svg(p));
}

#[test]
fn malformed_lines_are_skipped_and_counted() {
    let good: Vec<String> = history().iter().take(3).map(|r| serde_json::to_string(r).unwrap()).collect();
    let text = format!("{}\n{{\"kind\": \"step\", \"step\": 2, \"time\n\n{}\nnot json\n{{\"kind\": \"future_kind\"}}\n{}\n", good[0], good[1], good[2]);
    let h = parse_history(Cursor::new(text), Path::new("metrics.jsonl")).unwrap();
    assert_eq!(h.records.len(), 3);
    let lines: Vec<usize> = h.skipped.iter().map(|s| s.line).collect();
    assert_eq!(lines, [2, 5, 6], "blank line 3 is not counted");
    let warning = h.warning().unwrap();
    assert!(warning.starts_with("skipped 3 malformed line(s): line 2 ("), "{warning}");

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("metrics.jsonl");
    std::fs::write(&path, format!("{}\ngarbage\n", good[0])).unwrap();
    assert_eq!(read_history(&path).unwrap().len(), 1);
    let loaded = load_history(&path).unwrap();
    assert_eq!(loaded.skipped.len(), 1);
    assert_eq!(loaded.skipped[0].line, 2);
}

#[test]
fn a_file_of_only_garbage_is_an_error_and_a_missing_file_names_its_path() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("metrics.jsonl");
    std::fs::write(&path, "\nhello\nworld\n").unwrap();
    let err = read_history(&path).unwrap_err();
    assert!(matches!(err, ReportError::NoValidRecords { skipped: 2, first_line: 2, .. }), "{err}");
    let err = read_history(&dir.path().join("absent.jsonl")).unwrap_err().to_string();
    assert!(err.contains("absent.jsonl"), "{err}");
    // An empty file is an empty history, not an error.
    std::fs::write(&path, "").unwrap();
    assert!(read_history(&path).unwrap().is_empty());
}

#[test]
fn round_trip_through_jsonl() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("metrics.jsonl");
    let lines: Vec<String> = history().iter().map(|r| serde_json::to_string(r).unwrap()).collect();
    std::fs::write(&path, lines.join("\n")).unwrap();
    let back = read_history(&path).unwrap();
    // serde_json's default float parsing may differ in the last bit, so compare shape.
    assert_eq!(back.len(), history().len());
    let steps = |h: &[MetricsRecord]| -> Vec<(bool, u64)> {
        h.iter()
            .map(|r| match r {
                MetricsRecord::Step(s) => (true, s.step),
                MetricsRecord::Eval(e) => (false, e.step),
            })
            .collect()
    };
    assert_eq!(steps(&back), steps(&history()));
}
