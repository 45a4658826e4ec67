//! Training reports: turns a metrics history (see [`crate::metrics`]) into four SVG plots
//! and a Markdown summary that compares the `base`, `serving` and `latest` adapters.
//! Owns reading `metrics.jsonl` leniently ([`read_history`]) and writing the report
//! directory ([`write_report`]); `rlvrctl report` is a thin wrapper around both.
//!
//! Plots are SVG on purpose: plotters' SVG backend emits text as `<text>` elements, so
//! nothing here needs font files, which a headless server usually lacks.

mod data;
mod draw;
mod history;
mod plots;
mod summary;
#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::metrics::MetricsRecord;
use data::RunData;
use draw::Drawn;

pub use history::{load_history, parse_history, read_history, History, SkippedLine};

/// File name of the Markdown summary inside the report directory.
pub const SUMMARY_FILE: &str = "summary.md";

/// Errors while reading a history or writing a report.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("cannot read metrics history {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error(
        "{path} holds no metrics record: all {skipped} non-empty line(s) are malformed \
         (line {first_line}: {first_error})"
    )]
    NoValidRecords { path: PathBuf, skipped: usize, first_line: usize, first_error: String },
    #[error("cannot create report directory {path}: {source}")]
    CreateDir { path: PathBuf, source: std::io::Error },
    #[error("cannot write {path}: {source}")]
    Write { path: PathBuf, source: std::io::Error },
    #[error("cannot draw plot {plot}: {message}")]
    Plot { plot: &'static str, message: String },
}

/// What [`write_report`] wrote.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReportFiles {
    /// The Markdown summary (always written).
    pub summary: PathBuf,
    /// The SVG plots that had data, in the order the summary lists them.
    pub plots: Vec<PathBuf>,
    /// One line per plot that was skipped, saying why (also in the summary).
    pub skipped: Vec<String>,
}

/// One plot of the report: its file name, its title and how to draw it.
struct PlotDef {
    file: &'static str,
    title: &'static str,
    draw: fn(&RunData<'_>) -> Result<Drawn, ReportError>,
}

const PLOTS: [PlotDef; 4] = [
    PlotDef { file: "reward.svg", title: "Reward and pass rate", draw: plots::reward },
    PlotDef { file: "length.svg", title: "Completion length", draw: plots::length },
    PlotDef { file: "ruff.svg", title: "Ruff severity mix", draw: plots::ruff },
    PlotDef { file: "outcomes.svg", title: "Verifier outcome mix", draw: plots::outcomes },
];

/// A plot as the summary links it.
struct PlotLink {
    file: &'static str,
    title: &'static str,
}

/// Write the SVG plots and `summary.md` for `records` into `out` (created if missing).
///
/// Plots without data are skipped (and a stale file of the same name removed, so the
/// directory never shows an old run's picture); the summary says why. An empty history
/// yields a summary saying there is no data.
pub fn write_report(records: &[MetricsRecord], out: &Path) -> Result<ReportFiles, ReportError> {
    std::fs::create_dir_all(out).map_err(|source| ReportError::CreateDir { path: out.to_path_buf(), source })?;
    let data = RunData::new(records);
    let mut files = ReportFiles { summary: out.join(SUMMARY_FILE), plots: vec![], skipped: vec![] };
    let mut links = vec![];
    for def in &PLOTS {
        let path = out.join(def.file);
        let drawn = if data.is_empty() { Drawn::Skipped("no records".into()) } else { (def.draw)(&data)? };
        match drawn {
            Drawn::Svg(svg) => {
                write_atomic(&path, svg.as_bytes())?;
                files.plots.push(path);
                links.push(PlotLink { file: def.file, title: def.title });
            }
            Drawn::Skipped(why) => {
                remove_stale(&path)?;
                if !data.is_empty() {
                    files.skipped.push(format!("{} ({}): {why}", def.title, def.file));
                }
            }
        }
    }
    let md = summary::render(&data, &links, &files.skipped);
    write_atomic(&files.summary, md.as_bytes())?;
    Ok(files)
}

/// Write through a temporary file and rename, so a reader never sees half a file.
fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), ReportError> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    std::fs::write(&tmp, bytes).and_then(|()| std::fs::rename(&tmp, path)).map_err(|source| ReportError::Write { path: path.to_path_buf(), source })
}

fn remove_stale(path: &Path) -> Result<(), ReportError> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(ReportError::Write { path: path.to_path_buf(), source: e }),
        _ => Ok(()),
    }
}
