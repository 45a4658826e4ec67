//! Figure primitives on plotters' SVG backend: one figure per SVG string, charts over
//! trainer steps, series helpers, and the legend panel drawn right of each chart so a
//! legend never hides data.

use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::*;

use super::ReportError;

/// What a plot function produced.
pub(super) enum Drawn {
    Svg(String),
    /// Not enough data for this plot; the reason goes into the summary.
    Skipped(String),
}

pub(super) type Area<'b> = DrawingArea<SVGBackend<'b>, Shift>;
pub(super) type Chart<'a, 'b> = ChartContext<'a, SVGBackend<'b>, Cartesian2d<RangedCoordf64, RangedCoordf64>>;
pub(super) type DrawResult<T = ()> = Result<T, Box<dyn std::error::Error>>;

pub(super) const WIDTH: u32 = 1100;
pub(super) const PANEL_H: u32 = 420;
pub(super) const TITLE_H: u32 = 50;
pub(super) const LEGEND_W: u32 = 260;
pub(super) const FONT: &str = "sans-serif";

/// Legend marks, matching how each series is drawn.
pub(super) enum Mark {
    Line(RGBColor),
    Thin(RGBColor),
    Dashed(RGBColor),
    Dot(RGBColor),
    Ring(RGBColor),
    Block(RGBColor),
}

/// Draw one figure into an SVG string. `plot` names it in errors.
pub(super) fn render(plot: &'static str, height: u32, title: &str, draw: impl FnOnce(&Area<'_>) -> DrawResult) -> Result<Drawn, ReportError> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, height)).into_drawing_area();
        let result = (|| -> DrawResult {
            root.fill(&WHITE)?;
            let body = root.titled(title, (FONT, 26))?;
            draw(&body)?;
            root.present()?;
            Ok(())
        })();
        result.map_err(|e| ReportError::Plot { plot, message: e.to_string() })?;
    }
    Ok(Drawn::Svg(svg))
}

/// A chart over trainer steps with a light grid and labelled axes.
pub(super) fn chart<'a, 'b>(area: &'a Area<'b>, caption: &str, x: (f64, f64), y: (f64, f64), y_desc: &str) -> DrawResult<Chart<'a, 'b>> {
    let mut c =
        ChartBuilder::on(area).caption(caption, (FONT, 20)).margin(12).x_label_area_size(48).y_label_area_size(72).build_cartesian_2d(x.0..x.1, y.0..y.1)?;
    let span = (x.1 - x.0).round().max(1.0) as usize;
    c.configure_mesh()
        .x_desc("trainer step")
        .y_desc(y_desc)
        .x_labels(span.min(10) + 1)
        .y_labels(8)
        // Steps are non-negative integers: a fractional tick, or one in the margin left
        // of step 0, gets no label rather than a duplicate or a nonsense one.
        .x_label_formatter(&|v| {
            let step = v.round();
            if (v - step).abs() < 1e-6 && step >= 0.0 {
                format!("{}", step as u64)
            } else {
                String::new()
            }
        })
        .y_label_formatter(&|v| tick(*v))
        .label_style((FONT, 15))
        .axis_desc_style((FONT, 17))
        .light_line_style(BLACK.mix(0.04))
        .bold_line_style(BLACK.mix(0.12))
        .draw()?;
    Ok(c)
}

/// The legend panel: one row per entry, top-aligned with the chart.
pub(super) fn legend(area: &Area<'_>, entries: &[(String, Mark)]) -> DrawResult {
    let x = 8;
    let mut y = 44;
    for (label, mark) in entries {
        let cy = y + 8;
        let seg = |x0: i32, x1: i32| vec![(x0, cy), (x1, cy)];
        match *mark {
            Mark::Line(c) => area.draw(&PathElement::new(seg(x, x + 28), c.stroke_width(3)))?,
            Mark::Thin(c) => area.draw(&PathElement::new(seg(x, x + 28), c.stroke_width(2)))?,
            Mark::Dashed(c) => {
                for i in 0..3 {
                    area.draw(&PathElement::new(seg(x + i * 11, x + i * 11 + 7), c.stroke_width(2)))?;
                }
            }
            Mark::Dot(c) => area.draw(&Circle::new((x + 14, cy), 5, c.filled()))?,
            Mark::Ring(c) => area.draw(&Circle::new((x + 14, cy), 5, c.stroke_width(2)))?,
            Mark::Block(c) => area.draw(&Rectangle::new([(x + 2, cy - 7), (x + 26, cy + 7)], c.filled()))?,
        }
        area.draw(&Text::new(label.clone(), (x + 38, y), (FONT, 17).into_font()))?;
        y += 24;
    }
    Ok(())
}

/// A line; a single point is drawn as a dot, since a one-point line is invisible.
pub(super) fn line(c: &mut Chart<'_, '_>, pts: Vec<(f64, f64)>, style: ShapeStyle) -> DrawResult {
    if pts.len() == 1 {
        c.draw_series(pts.iter().map(|&p| Circle::new(p, 4, style.filled())))?;
    } else {
        c.draw_series(LineSeries::new(pts, style))?;
    }
    Ok(())
}

pub(super) fn dashed(c: &mut Chart<'_, '_>, pts: Vec<(f64, f64)>, style: ShapeStyle) -> DrawResult {
    if pts.len() > 1 {
        c.draw_series(DashedLineSeries::new(pts, 8, 5, style))?;
    }
    Ok(())
}

pub(super) fn dots(c: &mut Chart<'_, '_>, pts: &[(f64, f64)], color: RGBColor, hollow: bool) -> DrawResult {
    let style = if hollow { color.stroke_width(2) } else { color.filled() };
    c.draw_series(pts.iter().filter(|p| p.1.is_finite()).map(|&p| Circle::new(p, 5, style)))?;
    Ok(())
}

/// Value range with a little headroom; `from_zero` anchors non-negative data at 0.
pub(super) fn y_range(values: impl Iterator<Item = f64>, from_zero: bool) -> (f64, f64) {
    let (mut lo, mut hi) = values.filter(|v| v.is_finite()).fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| (lo.min(v), hi.max(v)));
    if lo > hi {
        return (0.0, 1.0);
    }
    if from_zero {
        lo = lo.min(0.0);
        hi = hi.max(0.0);
    }
    let pad = if hi > lo { (hi - lo) * 0.08 } else { (hi.abs() * 0.1).max(0.5) };
    let lo = if from_zero && lo >= 0.0 { 0.0 } else { lo - pad };
    (lo, hi + pad)
}

/// A y-axis tick: at most three decimals, trailing zeros dropped.
fn tick(v: f64) -> String {
    let s = format!("{v:.3}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".to_string()
    } else {
        s.to_string()
    }
}
