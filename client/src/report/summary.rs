//! The Markdown summary: run overview, the base / serving / latest comparison, links to
//! the plots and the last few steps.

use std::fmt::Write;

use super::data::{completions, pass_at_k_keys, top_keys, RunData, COMPARED, PASS, SEVERITIES};
use super::PlotLink;
use crate::metrics::EvalRecord;
use crate::units::human_duration;

/// Rows in the "last steps" table.
const LAST_STEPS: usize = 10;
/// Error types listed per adapter.
const TOP_ERRORS: usize = 3;

pub(super) fn render(d: &RunData<'_>, plots: &[PlotLink], skipped: &[String]) -> String {
    let mut md = String::from("# rlvrd training report\n\n");
    if d.is_empty() {
        md.push_str(
            "No data: the metrics history holds no step or evaluation records yet, so there is \
             nothing to plot or compare.\n",
        );
        return md;
    }
    overview(&mut md, d);
    adapters(&mut md, d);
    plot_links(&mut md, plots, skipped);
    last_steps(&mut md, d);
    md
}

fn overview(md: &mut String, d: &RunData<'_>) {
    md.push_str("## Run\n\n| | |\n|---|---|\n");
    match (d.steps.first(), d.steps.last()) {
        (Some(first), Some(last)) => {
            row(md, "trainer steps", &[format!("{} (step {} – {})", d.steps.len(), first.step, last.step)]);
            row(md, "reward kind", &[kinds(d.steps.iter().map(|s| s.reward_kind.as_str()))]);
            row(md, "loss kind", &[kinds(d.steps.iter().map(|s| s.loss_kind.as_str()))]);
            row(md, "last step", &[format!("mean reward {:.3}, pass rate {:.3}", last.mean_reward, last.pass_rate)]);
        }
        _ => row(md, "trainer steps", &["none recorded".to_string()]),
    }
    if let Some((lo, hi)) = d.time_span() {
        row(md, "time span", &[format!("{} → {} UTC ({})", utc(lo), utc(hi), human_duration(hi - lo))]);
    }
    let n_evals: usize = d.evals.values().map(Vec::len).sum();
    let names: Vec<String> = d.evals.keys().map(|a| format!("`{}`", cell(a))).collect();
    let evals = if n_evals == 0 { "none".to_string() } else { format!("{n_evals} ({})", names.join(", ")) };
    row(md, "evaluations", &[evals]);
    md.push('\n');
}

/// Distinct values in order of appearance, e.g. `grpo → dr_grpo` after a config change.
fn kinds<'s>(values: impl Iterator<Item = &'s str>) -> String {
    let mut seen: Vec<&str> = vec![];
    for v in values {
        if !v.is_empty() && seen.last() != Some(&v) {
            seen.push(v);
        }
    }
    if seen.is_empty() {
        "—".to_string()
    } else {
        cell(&seen.join(" → "))
    }
}

fn adapters(md: &mut String, d: &RunData<'_>) {
    let evals: Vec<Option<&EvalRecord>> = COMPARED.iter().map(|a| d.latest_eval(a)).collect();
    md.push_str("## Adapters\n\nThe most recent evaluation of each adapter.\n\n");
    md.push_str("| | base | serving | latest |\n|---|---:|---:|---:|\n");
    let base = evals[0];
    let each = |f: &dyn Fn(&EvalRecord) -> String| -> Vec<String> { evals.iter().map(|e| e.map_or_else(|| "—".to_string(), f)).collect() };
    row(md, "evaluated at step", &each(&|e| e.step.to_string()));
    row(md, "evaluated (UTC)", &each(&|e| if e.time > 0.0 { utc(e.time) } else { "—".into() }));
    row(md, "tasks", &each(&|e| e.tasks.to_string()));
    row(md, "pass@1 (greedy)", &each(&|e| format!("{:.3}", e.pass_at_1)));
    if let Some(b) = base {
        row(md, "Δ pass@1 vs base", &each(&|e| format!("{:+.3}", e.pass_at_1 - b.pass_at_1)));
        if !b.per_task.is_empty() {
            row(md, "tasks fixed / broken vs base", &each(&|e| paired(b, e)));
        }
    }
    for k in pass_at_k_keys(evals.iter().flatten().copied()) {
        let value = |e: &EvalRecord| e.pass_at_k.get(&k).map_or("—".to_string(), |v| format!("{v:.3}"));
        row(md, &format!("pass@{} (sampled)", cell(&k)), &each(&value));
    }
    row(md, "tokens mean / p90", &each(&|e| format!("{:.0} / {:.0}", e.completion_length.mean_tokens, e.completion_length.p90_tokens)));
    row(md, "truncated", &each(&|e| format!("{:.3}", e.truncated_frac)));
    let mut severities: Vec<String> = SEVERITIES.iter().map(|s| s.to_string()).collect();
    for k in evals.iter().flatten().flat_map(|e| e.ruff.by_severity.keys()) {
        if !severities.contains(k) {
            severities.push(k.clone());
        }
    }
    for sev in &severities {
        let value = |e: &EvalRecord| e.ruff.by_severity.get(sev).copied().unwrap_or(0).to_string();
        row(md, &format!("Ruff {}", cell(sev)), &each(&value));
    }
    row(md, "top error types", &each(&top_errors));
    md.push('\n');
    let missing: Vec<&str> = COMPARED.iter().zip(&evals).filter(|(_, e)| e.is_none()).map(|(a, _)| *a).collect();
    if !missing.is_empty() {
        let names: Vec<String> = missing.iter().map(|a| format!("`{a}`")).collect();
        let _ = writeln!(md, "No evaluation recorded for {}.\n", names.join(", "));
    }
}

/// Paired comparison on the tasks both evaluations ran: `+fixed / -broken`.
fn paired(base: &EvalRecord, e: &EvalRecord) -> String {
    let (mut fixed, mut broken) = (0, 0);
    for (task, passed) in &e.per_task {
        match base.per_task.get(task) {
            Some(false) if *passed => fixed += 1,
            Some(true) if !*passed => broken += 1,
            _ => {}
        }
    }
    format!("+{fixed} / −{broken}")
}

/// The most frequent failure outcomes with their share of completions.
fn top_errors(e: &EvalRecord) -> String {
    let total = completions(&e.error_types);
    let mut failures = e.error_types.clone();
    failures.remove(PASS);
    let top = top_keys(std::iter::once(&failures), TOP_ERRORS);
    if top.is_empty() {
        return "none".to_string();
    }
    let parts: Vec<String> = top.iter().map(|k| format!("{} {:.0}%", cell(k), 100.0 * failures[k] as f64 / total.max(1) as f64)).collect();
    parts.join(", ")
}

fn plot_links(md: &mut String, plots: &[PlotLink], skipped: &[String]) {
    md.push_str("## Plots\n\n");
    for p in plots {
        let _ = writeln!(md, "### {}\n\n![{}]({})\n", p.title, p.title, p.file);
    }
    for s in skipped {
        let _ = writeln!(md, "- Not drawn: {s}");
    }
    if !skipped.is_empty() {
        md.push('\n');
    }
}

fn last_steps(md: &mut String, d: &RunData<'_>) {
    if d.steps.is_empty() {
        return;
    }
    let from = d.steps.len().saturating_sub(LAST_STEPS);
    let _ = writeln!(md, "## Last {} steps\n", d.steps.len() - from);
    md.push_str(
        "| step | reward | pass rate | tokens mean / p90 | truncated | KL | loss | top failure |\n\
         |---:|---:|---:|---:|---:|---:|---:|---|\n",
    );
    for s in &d.steps[from..] {
        let mut failures = s.error_types.clone();
        failures.remove(PASS);
        let top = top_keys(std::iter::once(&failures), 1).pop().map_or("—".to_string(), |k| cell(&k));
        let _ = writeln!(
            md,
            "| {} | {:.3} | {:.3} | {:.0} / {:.0} | {:.3} | {:.4} | {:.4} | {} |",
            s.step, s.mean_reward, s.pass_rate, s.completion_length.mean_tokens, s.completion_length.p90_tokens, s.truncated_frac, s.kl, s.loss, top
        );
    }
}

fn row(md: &mut String, label: &str, values: &[String]) {
    let _ = writeln!(md, "| {label} | {} |", values.join(" | "));
}

/// Text made safe for a table cell.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// `YYYY-MM-DD HH:MM` in UTC, from Unix seconds.
fn utc(t: f64) -> String {
    let (year, month, day, hour, minute, _) = crate::units::utc_parts(t.max(0.0) as i64);
    format!("{year:04}-{month:02}-{day:02} {hour:02}:{minute:02}")
}

#[cfg(test)]
mod tests {
    #[test]
    fn utc_dates() {
        assert_eq!(super::utc(0.0), "1970-01-01 00:00");
        // 2024-02-29 12:34:56 UTC, a leap day.
        assert_eq!(super::utc(1_709_210_096.0), "2024-02-29 12:34");
        assert_eq!(super::utc(951_782_400.0), "2000-02-29 00:00");
    }
}
