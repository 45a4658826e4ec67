//! The four plots of a report: which series each shows, and how they are coloured.

use plotters::prelude::*;

use super::data::{completions, top_keys, RunData, PASS};
use super::draw::{chart, dashed, dots, legend, line, render, y_range, Area, DrawResult, Drawn, Mark, LEGEND_W, PANEL_H, TITLE_H, WIDTH};
use super::ReportError;
use crate::metrics::StepRecord;

/// Eval series drawn per plot; more adapters would make the legend unreadable.
const MAX_ADAPTERS: usize = 6;
/// Outcomes drawn individually in the outcome mix; the rest are summed as "other".
const TOP_OUTCOMES: usize = 6;

const TRAIN: RGBColor = RGBColor(78, 121, 167);
const GREEN: RGBColor = RGBColor(89, 161, 79);
const GRAY: RGBColor = RGBColor(160, 160, 160);
const PALETTE: [RGBColor; 8] = [
    RGBColor(225, 87, 89),
    RGBColor(242, 142, 43),
    RGBColor(176, 122, 161),
    RGBColor(118, 183, 178),
    RGBColor(237, 201, 72),
    RGBColor(156, 117, 95),
    RGBColor(255, 157, 167),
    RGBColor(78, 121, 167),
];

fn adapter_color(name: &str, index: usize) -> RGBColor {
    match name {
        "base" => RGBColor(90, 90, 90),
        "serving" => RGBColor(242, 142, 43),
        "latest" => GREEN,
        _ => PALETTE[(index + 2) % PALETTE.len()],
    }
}

fn severity_color(name: &str, index: usize) -> RGBColor {
    match name {
        "error" => RGBColor(225, 87, 89),
        "warning" => RGBColor(242, 142, 43),
        "info" => TRAIN,
        "convention" => GRAY,
        _ => PALETTE[(index + 2) % PALETTE.len()],
    }
}

/// Plot 1: mean reward (and its components) over steps; training pass rate with greedy
/// eval pass@1 per adapter.
pub fn reward(d: &RunData<'_>) -> Result<Drawn, ReportError> {
    let panels = if d.steps.is_empty() { 1 } else { 2 };
    render("reward.svg", TITLE_H + PANEL_H * panels, "Reward and pass rate", |body| {
        let areas = body.split_evenly((panels as usize, 1));
        if !d.steps.is_empty() {
            reward_panel(&areas[0], d)?;
        }
        pass_panel(&areas[panels as usize - 1], d)
    })
}

fn reward_panel(area: &Area<'_>, d: &RunData<'_>) -> DrawResult {
    let (plot, side) = area.split_horizontally(WIDTH - LEGEND_W);
    let mean = step_points(d, |s| Some(s.mean_reward));
    let mut components: Vec<&str> = vec![];
    for s in &d.steps {
        for k in s.reward_components.keys() {
            if !components.contains(&k.as_str()) {
                components.push(k);
            }
        }
    }
    let comp_points: Vec<Vec<(f64, f64)>> = components.iter().map(|k| step_points(d, |s| s.reward_components.get(*k).copied())).collect();
    let y = y_range(mean.iter().chain(comp_points.iter().flatten()).map(|p| p.1), false);
    let mut c = chart(&plot, "Mean reward per step", d.step_range(), y, "reward")?;
    let mut legend_entries = vec![];
    for (i, (k, pts)) in components.iter().zip(comp_points).enumerate() {
        let color = PALETTE[(i + 2) % PALETTE.len()];
        line(&mut c, pts, color.stroke_width(2))?;
        legend_entries.push((format!("component: {k}"), Mark::Thin(color)));
    }
    line(&mut c, mean, TRAIN.stroke_width(3))?;
    legend_entries.insert(0, ("mean reward".to_string(), Mark::Line(TRAIN)));
    legend(&side, &legend_entries)
}

fn pass_panel(area: &Area<'_>, d: &RunData<'_>) -> DrawResult {
    let (plot, side) = area.split_horizontally(WIDTH - LEGEND_W);
    let x = d.step_range();
    let caption = "Pass rate: training samples and greedy eval pass@1";
    let mut c = chart(&plot, caption, x, (0.0, 1.02), "fraction passing")?;
    let mut entries = vec![];
    if !d.steps.is_empty() {
        line(&mut c, step_points(d, |s| Some(s.pass_rate)), TRAIN.stroke_width(3))?;
        entries.push(("train pass rate".to_string(), Mark::Line(TRAIN)));
    }
    for (i, adapter) in d.plotted_adapters(MAX_ADAPTERS).into_iter().enumerate() {
        let color = adapter_color(adapter, i);
        if adapter == "base" {
            // The base model is one fixed point (step 0); a reference line across the run
            // is what the eye compares the trained adapters against.
            if let Some(e) = d.latest_eval(adapter) {
                dashed(&mut c, vec![(x.0, e.pass_at_1), (x.1, e.pass_at_1)], color.stroke_width(2))?;
                entries.push(("base pass@1 (reference)".to_string(), Mark::Dashed(color)));
            }
        }
        let pts: Vec<(f64, f64)> = d.evals_by_step(adapter).iter().map(|e| (e.step as f64, e.pass_at_1)).collect();
        if pts.len() > 1 {
            line(&mut c, pts.clone(), color.mix(0.6).stroke_width(1))?;
        }
        dots(&mut c, &pts, color, false)?;
        entries.push((format!("{adapter} eval pass@1"), Mark::Dot(color)));
    }
    legend(&side, &entries)
}

/// Plot 2: completion length (mean and p90 tokens) for training and evals.
pub fn length(d: &RunData<'_>) -> Result<Drawn, ReportError> {
    render("length.svg", TITLE_H + PANEL_H, "Completion length", |body| {
        let (plot, side) = body.split_horizontally(WIDTH - LEGEND_W);
        let mean = step_points(d, |s| Some(s.completion_length.mean_tokens));
        let p90 = step_points(d, |s| Some(s.completion_length.p90_tokens));
        let adapters = d.plotted_adapters(MAX_ADAPTERS);
        let eval_values = adapters.iter().flat_map(|a| d.evals_by_step(a)).flat_map(|e| [e.completion_length.mean_tokens, e.completion_length.p90_tokens]);
        let y = y_range(mean.iter().chain(&p90).map(|p| p.1).chain(eval_values), true);
        let mut c = chart(&plot, "Completion length in tokens", d.step_range(), y, "tokens")?;
        let mut entries = vec![];
        if !d.steps.is_empty() {
            line(&mut c, mean, TRAIN.stroke_width(3))?;
            dashed(&mut c, p90, TRAIN.stroke_width(2))?;
            entries.push(("train mean".to_string(), Mark::Line(TRAIN)));
            entries.push(("train p90".to_string(), Mark::Dashed(TRAIN)));
        }
        for (i, adapter) in adapters.iter().enumerate() {
            let color = adapter_color(adapter, i);
            let evals = d.evals_by_step(adapter);
            let pts =
                |f: fn(&crate::metrics::LengthStats) -> f64| -> Vec<(f64, f64)> { evals.iter().map(|e| (e.step as f64, f(&e.completion_length))).collect() };
            dots(&mut c, &pts(|l| l.mean_tokens), color, false)?;
            dots(&mut c, &pts(|l| l.p90_tokens), color, true)?;
            entries.push((format!("{adapter} eval mean"), Mark::Dot(color)));
        }
        if !adapters.is_empty() {
            entries.push(("eval p90 (hollow)".to_string(), Mark::Ring(GRAY)));
        }
        legend(&side, &entries)
    })
}

/// Plot 3: Ruff diagnostics per severity over training steps, per completion when every
/// step knows its completion count.
pub fn ruff(d: &RunData<'_>) -> Result<Drawn, ReportError> {
    if d.steps.is_empty() {
        return Ok(Drawn::Skipped("no training steps recorded (evaluation Ruff counts are in the adapter table)".into()));
    }
    let per_completion = d.steps.iter().all(|s| completions(&s.error_types) > 0);
    let severities = d.step_severities();
    let series: Vec<Vec<(f64, f64)>> = severities
        .iter()
        .map(|sev| {
            step_points(d, |s| {
                let n = s.ruff.by_severity.get(sev).copied().unwrap_or(0) as f64;
                Some(if per_completion { n / completions(&s.error_types) as f64 } else { n })
            })
        })
        .collect();
    let (caption, y_desc) = if per_completion {
        ("Ruff diagnostics per completion, by severity", "diagnostics per completion")
    } else {
        ("Ruff diagnostics per step, by severity", "diagnostics per step")
    };
    render("ruff.svg", TITLE_H + PANEL_H, "Ruff severity mix", |body| {
        let (plot, side) = body.split_horizontally(WIDTH - LEGEND_W);
        let y = y_range(series.iter().flatten().map(|p| p.1), true);
        let mut c = chart(&plot, caption, d.step_range(), y, y_desc)?;
        let mut entries = vec![];
        for (i, (sev, pts)) in severities.iter().zip(&series).enumerate() {
            let color = severity_color(sev, i);
            line(&mut c, pts.clone(), color.stroke_width(2))?;
            entries.push((sev.clone(), Mark::Line(color)));
        }
        legend(&side, &entries)
    })
}

/// Plot 4: verifier outcomes as stacked fractions of each step's completions.
pub fn outcomes(d: &RunData<'_>) -> Result<Drawn, ReportError> {
    if d.steps.is_empty() {
        return Ok(Drawn::Skipped("no training steps recorded".into()));
    }
    let steps: Vec<&StepRecord> = d.steps.iter().copied().filter(|s| completions(&s.error_types) > 0).collect();
    if steps.is_empty() {
        return Ok(Drawn::Skipped("no verifier outcomes recorded in the training steps".into()));
    }
    let layers = outcome_layers(&steps);
    render("outcomes.svg", TITLE_H + PANEL_H, "Verifier outcome mix", |body| {
        let (plot, side) = body.split_horizontally(WIDTH - LEGEND_W);
        let caption = "Fraction of completions per outcome (stacked)";
        let mut c = chart(&plot, caption, d.step_range(), (0.0, 1.0), "fraction of completions")?;
        // Cumulative tops, bottom layer first; drawn top-down so each layer's fill
        // covers the part of the one above that lies below its own top.
        let mut cumulative = vec![0.0; steps.len()];
        let mut tops = vec![];
        for (_, fracs) in &layers {
            for (acc, f) in cumulative.iter_mut().zip(fracs) {
                *acc += f;
            }
            tops.push(cumulative.clone());
        }
        let mut entries = vec![];
        for (i, ((name, _), top)) in layers.iter().zip(&tops).enumerate().rev() {
            let color = outcome_color(name, i);
            let pts: Vec<(f64, f64)> = steps.iter().zip(top).map(|(s, t)| (s.step as f64, *t)).collect();
            if pts.len() == 1 {
                // One step: an area needs two points, so draw a stacked bar instead.
                let (x, t) = pts[0];
                c.draw_series(std::iter::once(Rectangle::new([(x - 0.3, 0.0), (x + 0.3, t)], color.filled())))?;
            } else {
                c.draw_series(AreaSeries::new(pts, 0.0, color.mix(0.9)).border_style(color.stroke_width(1)))?;
            }
            entries.push((name.clone(), Mark::Block(color)));
        }
        legend(&side, &entries)
    })
}

/// Per-outcome fractions per step: `pass` first (bottom of the stack), then the other
/// top outcomes by total, then `other`.
fn outcome_layers(steps: &[&StepRecord]) -> Vec<(String, Vec<f64>)> {
    let mut top = top_keys(steps.iter().map(|s| &s.error_types), TOP_OUTCOMES);
    if let Some(i) = top.iter().position(|k| k == PASS) {
        let pass = top.remove(i);
        top.insert(0, pass);
    }
    let frac = |s: &StepRecord, n: u64| n as f64 / completions(&s.error_types) as f64;
    let mut layers: Vec<(String, Vec<f64>)> =
        top.iter().map(|k| (k.clone(), steps.iter().map(|s| frac(s, s.error_types.get(k).copied().unwrap_or(0))).collect())).collect();
    let rest: Vec<f64> = steps.iter().map(|s| frac(s, s.error_types.iter().filter(|(k, _)| !top.contains(k)).map(|(_, v)| v).sum())).collect();
    if rest.iter().any(|f| *f > 0.0) {
        layers.push(("other".to_string(), rest));
    }
    layers
}

fn outcome_color(name: &str, index: usize) -> RGBColor {
    match name {
        PASS => GREEN,
        "other" => RGBColor(200, 200, 200),
        _ => PALETTE[index % PALETTE.len()],
    }
}

fn step_points(d: &RunData<'_>, f: impl Fn(&StepRecord) -> Option<f64>) -> Vec<(f64, f64)> {
    d.steps.iter().filter_map(|s| f(s).filter(|v| v.is_finite()).map(|v| (s.step as f64, v))).collect()
}
