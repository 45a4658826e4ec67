//! What is in the store: the scan of checkpoint directories, what `list` reports about
//! each, which one is best, and the `latest` pointer.

use std::path::{Path, PathBuf};

use serde::Serialize;

use super::fsio::{self, io_err};
use super::manifest::{Check, Manifest, Problem};
use super::{parse_id, CheckpointError, Result};

/// Name of the pointer file holding the id to resume from.
pub(super) const LATEST: &str = "latest";

/// One checkpoint as listed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CheckpointInfo {
    pub id: String,
    pub step: u64,
    /// Save order within the store (0 when the manifest is unreadable).
    pub seq: u64,
    pub saved_at_unix_ms: Option<u64>,
    pub metric: Option<f64>,
    /// Complete: manifest present, every file there with its recorded size. Contents
    /// are checksummed only by `verify`, `latest_valid`, `load`, `rollback`, `export`.
    pub valid: bool,
    /// Why it is not valid.
    pub problem: Option<String>,
    /// `latest` names it: a restart resumes from it.
    pub is_latest: bool,
    /// Highest metric among the valid ones: retention keeps it.
    pub is_best: bool,
    pub size_bytes: u64,
}

/// A checkpoint directory found by a scan, checked cheaply.
pub(super) struct Entry {
    pub(super) id: String,
    pub(super) step: u64,
    pub(super) path: PathBuf,
    pub(super) manifest: std::result::Result<Manifest, Problem>,
}

pub(super) fn scan(dir: &Path) -> Result<Vec<Entry>> {
    let mut entries = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io_err(dir))? {
        let entry = entry.map_err(io_err(dir))?;
        let id = entry.file_name().to_string_lossy().into_owned();
        let Some(step) = parse_id(&id) else { continue };
        if !entry.file_type().map_err(io_err(&entry.path()))?.is_dir() {
            continue;
        }
        let manifest = Manifest::check(&entry.path(), &id, Check::Sizes);
        entries.push(Entry { id, step, path: entry.path(), manifest });
    }
    entries.sort_by_key(|e| (e.manifest.as_ref().map_or(0, |m| m.seq), e.step));
    Ok(entries)
}

pub(super) fn infos(dir: &Path, entries: &[Entry]) -> Vec<CheckpointInfo> {
    let (latest, best) = (read_pointer(dir), best_id(entries));
    entries
        .iter()
        .map(|e| {
            let mut info = match &e.manifest {
                Ok(m) => CheckpointInfo {
                    id: e.id.clone(),
                    step: m.step,
                    seq: m.seq,
                    saved_at_unix_ms: Some(m.saved_at_unix_ms),
                    metric: m.metric,
                    valid: true,
                    problem: None,
                    is_latest: false,
                    is_best: false,
                    size_bytes: m.files.iter().map(|f| f.size).sum(),
                },
                Err(p) => CheckpointInfo {
                    id: e.id.clone(),
                    step: e.step,
                    seq: 0,
                    saved_at_unix_ms: None,
                    metric: None,
                    valid: false,
                    problem: Some(p.error().to_string()),
                    is_latest: false,
                    is_best: false,
                    size_bytes: fsio::tree_size(&e.path),
                },
            };
            info.is_latest = latest.as_deref() == Some(e.id.as_str());
            info.is_best = best == Some(e.id.as_str());
            info
        })
        .collect()
}

pub(super) fn info(dir: &Path, id: &str) -> Result<CheckpointInfo> {
    let not_found = || CheckpointError::NotFound { id: id.to_string(), dir: dir.to_path_buf() };
    infos(dir, &scan(dir)?).into_iter().find(|i| i.id == id).ok_or_else(not_found)
}

pub(super) fn read_pointer(dir: &Path) -> Option<String> {
    let path = dir.join(LATEST);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
        Err(e) => {
            tracing::warn!(path = %path.display(), "cannot read the latest-checkpoint pointer: {e}");
            return None;
        }
    };
    let id = text.trim();
    if parse_id(id).is_none() {
        tracing::warn!(path = %path.display(), "ignoring a latest-checkpoint pointer that names no checkpoint: {id:?}");
        return None;
    }
    Some(id.to_string())
}

pub(super) fn write_pointer(dir: &Path, id: &str) -> Result<()> {
    fsio::replace_file(&dir.join(LATEST), format!("{id}\n").as_bytes())
}

/// The valid checkpoint with the highest metric (the newer one on a tie).
pub(super) fn best_id(entries: &[Entry]) -> Option<&str> {
    entries
        .iter()
        .filter_map(|e| e.manifest.as_ref().ok().and_then(|m| Some((m.metric.filter(|x| x.is_finite())?, m.seq, &e.id))))
        .max_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)))
        .map(|(_, _, id)| id.as_str())
}
