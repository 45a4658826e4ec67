//! Durable file primitives for the store: fsynced writes, directory fsync, atomic
//! replacement by rename, and the FNV-1a 64 checksum recorded in manifests.

use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use super::{CheckpointError, Result};

/// Prefix of every in-progress (or crash-orphaned) entry in the store directory.
pub(crate) const TMP_PREFIX: &str = ".tmp-";

pub(crate) fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> CheckpointError + '_ {
    move |source| CheckpointError::Io { path: path.to_path_buf(), source }
}

/// FNV-1a, 64-bit. Not cryptographic: it detects truncation, torn writes and bit rot,
/// which is all a manifest has to do, and needs no dependency.
pub(crate) struct Fnv64(u64);

impl Fnv64 {
    pub(crate) fn new() -> Self {
        Fnv64(0xcbf2_9ce4_8422_2325)
    }

    pub(crate) fn update(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= b as u64;
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }

    pub(crate) fn finish(&self) -> u64 {
        self.0
    }
}

/// Size and FNV-1a 64 (hex) of the file at `path`, streamed so adapters of any size
/// hash in constant memory.
pub(crate) fn hash_file(path: &Path) -> Result<(u64, String)> {
    let mut f = File::open(path).map_err(io_err(path))?;
    let mut h = Fnv64::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut size = 0u64;
    loop {
        let n = f.read(&mut buf).map_err(io_err(path))?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
        size += n as u64;
    }
    Ok((size, format!("{:016x}", h.finish())))
}

/// Create (or truncate) `path` with `bytes` and fsync it.
pub(crate) fn write_synced(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut f = File::create(path).map_err(io_err(path))?;
    f.write_all(bytes).and_then(|_| f.sync_all()).map_err(io_err(path))
}

/// fsync a file or a directory. A directory must be synced for the names created,
/// renamed or removed in it to survive a power loss, not just the file contents.
pub(crate) fn sync_path(path: &Path) -> Result<()> {
    File::open(path).and_then(|f| f.sync_all()).map_err(io_err(path))
}

/// fsync every regular file directly in `dir`, then `dir` itself (for files written
/// by code that does not sync, such as `lora::save_peft`).
pub(crate) fn sync_dir_tree(dir: &Path) -> Result<()> {
    for entry in std::fs::read_dir(dir).map_err(io_err(dir))? {
        let path = entry.map_err(io_err(dir))?.path();
        if path.is_file() {
            sync_path(&path)?;
        }
    }
    sync_path(dir)
}

/// Replace `path` with `bytes` atomically: readers (and a restart after a crash) see
/// either the old or the new contents.
pub(crate) fn replace_file(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    // The pid suffix lets a later open tell a crashed writer's leftover from a live one.
    let tmp = dir.join(format!("{TMP_PREFIX}{name}-{}", std::process::id()));
    write_synced(&tmp, bytes)?;
    std::fs::rename(&tmp, path).map_err(io_err(path))?;
    sync_path(dir)
}

/// Total size of the regular files under `dir` (for listing checkpoints whose manifest
/// cannot be trusted).
pub(crate) fn tree_size(dir: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(dir) else { return 0 };
    entries
        .flatten()
        .map(|e| match e.file_type() {
            Ok(t) if t.is_dir() => tree_size(&e.path()),
            Ok(t) if t.is_file() => e.metadata().map(|m| m.len()).unwrap_or(0),
            _ => 0,
        })
        .sum()
}

/// Whether a `.tmp-…-<pid>` entry may belong to a write still in progress in another
/// live process (then it must not be deleted). Our own pid counts as stale: within one
/// process the store serializes writes, so a leftover of ours is from a failed save.
pub(crate) fn owned_by_live_process(name: &str) -> bool {
    let Some(pid) = name.rsplit('-').next().and_then(|p| p.parse::<i32>().ok()) else {
        return false;
    };
    if pid <= 0 || pid as u32 == std::process::id() {
        return false;
    }
    // Signal 0 checks existence only; EPERM means it exists but belongs to another user.
    // SAFETY: kill with signal 0 sends nothing and has no memory effects.
    let rc = unsafe { libc::kill(pid, 0) };
    rc == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

/// Remove a file or directory tree; a name that is already gone is not an error.
pub(crate) fn remove_any(path: &Path) -> Result<()> {
    let res = match std::fs::symlink_metadata(path) {
        Ok(m) if m.is_dir() => std::fs::remove_dir_all(path),
        Ok(_) => std::fs::remove_file(path),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    };
    res.map_err(io_err(path))
}

/// Removes a staging directory when dropped unless disarmed: a save that fails half
/// way leaves nothing behind (a crash, which runs no destructors, is handled on open).
pub(crate) struct RemoveOnDrop(pub(crate) Option<PathBuf>);

impl RemoveOnDrop {
    pub(crate) fn disarm(mut self) -> PathBuf {
        self.0.take().expect("armed")
    }
}

impl Drop for RemoveOnDrop {
    fn drop(&mut self) {
        if let Some(p) = self.0.take() {
            if let Err(e) = remove_any(&p) {
                tracing::warn!("cannot remove unfinished checkpoint: {e}");
            }
        }
    }
}
