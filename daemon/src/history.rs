//! The metrics history: `<state_dir>/metrics.jsonl`, one [`MetricsRecord`] per line
//! (every trainer step and every evaluation). Appends are flushed per record; a resume
//! truncates the file back to the offset stored in the checkpoint so records of steps
//! that a crash undid are not kept twice.

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rlvr_client::metrics::MetricsRecord;

#[derive(Debug, thiserror::Error)]
#[error("metrics history {path}: {source}")]
pub struct HistoryError {
    pub path: PathBuf,
    pub source: std::io::Error,
}

/// Append-only JSON Lines file of metrics records.
pub struct History {
    path: PathBuf,
    file: Mutex<File>,
}

impl History {
    pub const FILE: &'static str = "metrics.jsonl";

    pub fn open(state_dir: &Path) -> Result<History, HistoryError> {
        let path = state_dir.join(Self::FILE);
        let file = OpenOptions::new().create(true).append(true).read(true).open(&path).map_err(|source| HistoryError { path: path.clone(), source })?;
        Ok(History { path, file: Mutex::new(file) })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Append one record; returns the file length after it (a resume offset).
    pub fn append(&self, rec: &MetricsRecord) -> Result<u64, HistoryError> {
        let err = |source| HistoryError { path: self.path.clone(), source };
        let mut line = serde_json::to_string(rec).map_err(|e| err(std::io::Error::other(e)))?;
        line.push('\n');
        let mut f = self.file.lock().unwrap_or_else(|e| e.into_inner());
        f.write_all(line.as_bytes()).map_err(err)?;
        f.flush().map_err(err)?;
        f.metadata().map(|m| m.len()).map_err(err)
    }

    /// Current length in bytes (stored in checkpoints).
    pub fn offset(&self) -> u64 {
        let f = self.file.lock().unwrap_or_else(|e| e.into_inner());
        f.metadata().map(|m| m.len()).unwrap_or(0)
    }

    /// Drop everything after `offset` (records of steps undone by a resume).
    pub fn truncate_to(&self, offset: u64) -> Result<(), HistoryError> {
        let f = self.file.lock().unwrap_or_else(|e| e.into_inner());
        let len = f.metadata().map(|m| m.len()).unwrap_or(0);
        if offset < len {
            tracing::info!(path = %self.path.display(), from = len, to = offset, "truncating metrics history to the checkpoint");
            f.set_len(offset).map_err(|source| HistoryError { path: self.path.clone(), source })?;
        }
        Ok(())
    }

    /// Records with `from <= step <= to`, oldest first, at most `limit` (the newest
    /// ones when there are more). Malformed lines are skipped.
    pub fn read(&self, from: Option<u64>, to: Option<u64>, limit: usize) -> Vec<MetricsRecord> {
        let Ok(f) = File::open(&self.path) else { return vec![] };
        let mut out: Vec<MetricsRecord> = BufReader::new(f)
            .lines()
            .map_while(Result::ok)
            .filter_map(|l| serde_json::from_str::<MetricsRecord>(&l).ok())
            .filter(|r| {
                let s = match r {
                    MetricsRecord::Step(s) => s.step,
                    MetricsRecord::Eval(e) => e.step,
                };
                from.is_none_or(|f| s >= f) && to.is_none_or(|t| s <= t)
            })
            .collect();
        if out.len() > limit {
            out.drain(..out.len() - limit);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rlvr_client::metrics::StepRecord;

    fn step(n: u64) -> MetricsRecord {
        MetricsRecord::Step(StepRecord { step: n, mean_reward: n as f64 / 10.0, ..Default::default() })
    }

    #[test]
    fn append_read_range_and_truncate() {
        let dir = tempfile::tempdir().unwrap();
        let h = History::open(dir.path()).unwrap();
        let mut offsets = vec![];
        for n in 1..=5 {
            offsets.push(h.append(&step(n)).unwrap());
        }
        assert_eq!(h.read(Some(2), Some(4), 100).len(), 3);
        assert_eq!(h.read(None, None, 2), vec![step(4), step(5)]);
        h.truncate_to(offsets[2]).unwrap();
        assert_eq!(h.read(None, None, 100).len(), 3);
        std::fs::OpenOptions::new().append(true).open(h.path()).unwrap().write_all(b"garbage\n").unwrap();
        h.append(&step(9)).unwrap();
        assert_eq!(h.read(None, None, 100).len(), 4, "malformed line skipped");
    }
}
