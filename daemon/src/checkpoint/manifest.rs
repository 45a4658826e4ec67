//! The manifest: written last into a checkpoint, it is both the completeness marker
//! and the index `list` reads (step, time, metric) without opening the tensors.

use std::path::{Component, Path};

use serde::{Deserialize, Serialize};

use super::fsio::{self, io_err};
use super::{CheckpointError, Result};

pub(crate) const MANIFEST: &str = "manifest.json";
pub(crate) const ADAPTER_DIR: &str = "adapter";
pub(crate) const OPTIMIZER: &str = "optimizer.safetensors";
pub(crate) const TRAINER_STATE: &str = "trainer_state.json";
/// Files every checkpoint must list: a manifest that omits one is not trusted even if
/// the files it does list check out.
pub(crate) const REQUIRED: [&str; 4] = ["adapter/adapter_config.json", "adapter/adapter_model.safetensors", OPTIMIZER, TRAINER_STATE];

/// Bumped on any incompatible change of the layout.
pub(crate) const FORMAT: u32 = 1;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Manifest {
    pub format: u32,
    pub id: String,
    pub step: u64,
    /// Save order within the store. Steps are not monotonic in time (after a rollback
    /// the run revisits them), so "newest" means highest `seq`.
    pub seq: u64,
    pub saved_at_unix_ms: u64,
    pub metric: Option<f64>,
    pub rlvrd_version: String,
    pub files: Vec<FileEntry>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct FileEntry {
    /// Relative to the checkpoint directory, `/`-separated.
    pub path: String,
    pub size: u64,
    pub fnv1a64: String,
}

/// How thoroughly to check a checkpoint against its manifest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Check {
    /// Presence and sizes: catches partial and truncated writes without reading data.
    Sizes,
    /// Also every checksum (reads every byte): used before trusting a checkpoint.
    Contents,
}

/// Why a directory is not a valid checkpoint.
#[derive(Debug)]
pub(crate) enum Problem {
    /// Damaged or incomplete: safe to delete.
    Broken(CheckpointError),
    /// Written by a newer rlvrd: not ours to judge or delete.
    NewerFormat(CheckpointError),
}

impl Problem {
    pub(crate) fn error(&self) -> &CheckpointError {
        match self {
            Problem::Broken(e) | Problem::NewerFormat(e) => e,
        }
    }

    pub(crate) fn into_error(self) -> CheckpointError {
        match self {
            Problem::Broken(e) | Problem::NewerFormat(e) => e,
        }
    }
}

impl Manifest {
    /// Hash the files `rel_paths` (relative to `dir`) into the entries of a manifest.
    pub(crate) fn entries(dir: &Path, rel_paths: &[&str]) -> Result<Vec<FileEntry>> {
        rel_paths
            .iter()
            .map(|rel| {
                let (size, fnv1a64) = fsio::hash_file(&dir.join(rel))?;
                Ok(FileEntry { path: rel.to_string(), size, fnv1a64 })
            })
            .collect()
    }

    /// Write the manifest into `dir` and fsync it.
    pub(crate) fn write(&self, dir: &Path) -> Result<()> {
        let text = serde_json::to_string_pretty(self).expect("manifest serializes");
        fsio::write_synced(&dir.join(MANIFEST), text.as_bytes())
    }

    /// Read the manifest of checkpoint directory `dir` (named `id`) and check the files
    /// against it.
    pub(crate) fn check(dir: &Path, id: &str, how: Check) -> Result<Manifest, Problem> {
        let path = dir.join(MANIFEST);
        let broken = |reason: String| Problem::Broken(CheckpointError::Invalid { path: path.clone(), reason });
        let text = std::fs::read_to_string(&path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => broken("missing (the write did not finish)".into()),
            _ => Problem::Broken(io_err(&path)(e)),
        })?;
        let value: serde_json::Value = serde_json::from_str(&text).map_err(|e| broken(format!("not JSON: {e}")))?;
        let format = value.get("format").and_then(|f| f.as_u64()).unwrap_or(0);
        if format > FORMAT as u64 {
            let reason = format!("format {format} is newer than this rlvrd understands ({FORMAT})");
            return Err(Problem::NewerFormat(CheckpointError::Invalid { path, reason }));
        }
        let m: Manifest = serde_json::from_value(value).map_err(|e| broken(format!("malformed: {e}")))?;
        if m.id != id {
            return Err(broken(format!("belongs to `{}`, found in `{id}`", m.id)));
        }
        for req in REQUIRED {
            if !m.files.iter().any(|f| f.path == req) {
                return Err(broken(format!("does not list `{req}`")));
            }
        }
        for f in &m.files {
            check_file(dir, f, how).map_err(Problem::Broken)?;
        }
        Ok(m)
    }
}

fn check_file(dir: &Path, f: &FileEntry, how: Check) -> Result<()> {
    let rel = Path::new(&f.path);
    // A manifest is data read from disk: it must not steer reads outside the checkpoint.
    if !rel.components().all(|c| matches!(c, Component::Normal(_))) {
        let reason = format!("manifest lists unsafe path `{}`", f.path);
        return Err(CheckpointError::Invalid { path: dir.join(MANIFEST), reason });
    }
    let path = dir.join(rel);
    let invalid = |reason: String| CheckpointError::Invalid { path: path.clone(), reason };
    let size = match std::fs::metadata(&path) {
        Ok(m) => m.len(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(invalid("missing".into())),
        Err(e) => return Err(io_err(&path)(e)),
    };
    if size != f.size {
        return Err(invalid(format!("{size} bytes, manifest says {}", f.size)));
    }
    if how == Check::Contents {
        let (_, hash) = fsio::hash_file(&path)?;
        if hash != f.fnv1a64 {
            return Err(invalid(format!("checksum {hash}, manifest says {} (corrupt)", f.fnv1a64)));
        }
    }
    Ok(())
}
