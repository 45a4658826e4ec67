//! Reading a metrics history (JSON lines) leniently: a malformed line (a torn write at a
//! crash, a record kind from a newer daemon) is skipped and remembered, not fatal.

use std::io::BufRead;
use std::path::Path;

use super::ReportError;
use crate::metrics::MetricsRecord;

/// A parsed history and the lines that could not be parsed.
#[derive(Debug, Clone, Default)]
pub struct History {
    pub records: Vec<MetricsRecord>,
    pub skipped: Vec<SkippedLine>,
}

/// A line that was skipped.
#[derive(Debug, Clone, PartialEq)]
pub struct SkippedLine {
    /// 1-based line number.
    pub line: usize,
    pub error: String,
}

impl History {
    /// One line summarising the skipped lines, e.g. `skipped 2 malformed line(s): line 3
    /// (expected value at column 1), line 9 (...)`; `None` when nothing was skipped.
    pub fn warning(&self) -> Option<String> {
        const SHOWN: usize = 5;
        if self.skipped.is_empty() {
            return None;
        }
        let mut parts: Vec<String> = self.skipped.iter().take(SHOWN).map(|s| format!("line {} ({})", s.line, s.error)).collect();
        if self.skipped.len() > SHOWN {
            parts.push(format!("and {} more", self.skipped.len() - SHOWN));
        }
        Some(format!("skipped {} malformed line(s): {}", self.skipped.len(), parts.join(", ")))
    }
}

/// Parse JSON lines from `reader`. Blank lines are ignored; lines that are not a valid
/// [`MetricsRecord`] are skipped and listed with their line numbers. Only an I/O error
/// fails (reported against `path`).
pub fn parse_history(reader: impl BufRead, path: &Path) -> Result<History, ReportError> {
    let mut history = History::default();
    for (i, line) in reader.lines().enumerate() {
        let line = line.map_err(|source| ReportError::Read { path: path.to_path_buf(), source })?;
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<MetricsRecord>(&line) {
            Ok(r) => history.records.push(r),
            Err(e) => history.skipped.push(SkippedLine { line: i + 1, error: e.to_string() }),
        }
    }
    Ok(history)
}

/// Read a history file, keeping the list of skipped lines (see [`History::warning`]).
///
/// A file whose non-empty lines are *all* malformed is an error: it is almost certainly
/// not a metrics history, and an empty report would hide that.
pub fn load_history(path: &Path) -> Result<History, ReportError> {
    let file = std::fs::File::open(path).map_err(|source| ReportError::Read { path: path.to_path_buf(), source })?;
    let history = parse_history(std::io::BufReader::new(file), path)?;
    if history.records.is_empty() {
        if let Some(first) = history.skipped.first() {
            return Err(ReportError::NoValidRecords {
                path: path.to_path_buf(),
                skipped: history.skipped.len(),
                first_line: first.line,
                first_error: first.error.clone(),
            });
        }
    }
    Ok(history)
}

/// Read a history file's records, dropping malformed lines (use [`load_history`] to learn
/// which lines were dropped).
pub fn read_history(path: &Path) -> Result<Vec<MetricsRecord>, ReportError> {
    load_history(path).map(|h| h.records)
}
