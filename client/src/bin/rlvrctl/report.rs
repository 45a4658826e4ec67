//! `rlvrctl report`: plots and a Markdown summary of the metrics history.

use std::path::{Path, PathBuf};

use rlvr_client::metrics::MetricsRecord;
use rlvr_client::report::{load_history, write_report};

use crate::output::print_json;
use crate::Ctx;

/// Write the report for the history in `from_file` (a `metrics.jsonl`), or the
/// daemon's whole history (`metrics_history`) without it, into `out`.
pub async fn run(ctx: &Ctx, out: PathBuf, from_file: Option<PathBuf>) -> Result<(), String> {
    let records = match from_file {
        Some(path) => records_from_file(&path)?,
        None => rlvr_client::call!(ctx.conn, metrics_history(None, None, None)).map_err(|e| crate::output::describe(&ctx.url, e))?,
    };
    let files = write_report(&records, &out).map_err(|e| e.to_string())?;
    if ctx.json {
        return print_json(&files);
    }
    println!("report for {} record(s) in {}", records.len(), out.display());
    println!("  summary  {}", files.summary.display());
    for p in &files.plots {
        println!("  plot     {}", p.display());
    }
    for s in &files.skipped {
        println!("  skipped  {s}");
    }
    Ok(())
}

fn records_from_file(path: &Path) -> Result<Vec<MetricsRecord>, String> {
    let history = load_history(path).map_err(|e| e.to_string())?;
    if let Some(w) = history.warning() {
        // stderr, so `--json` output on stdout stays parseable.
        eprintln!("rlvrctl: {}: {w}", path.display());
    }
    Ok(history.records)
}
