//! The state-directory lock: one daemon per state directory.
//!
//! `flock` on `<state_dir>/rlvrd.lock` holding our pid. flock (not the file's mere
//! existence) is the lock, so a file left by a crashed daemon never blocks a restart;
//! the kernel drops the lock when the process dies.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::os::fd::AsRawFd;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error("cannot create state directory {path}: {source}")]
    CreateDir { path: String, source: std::io::Error },
    #[error("cannot open lock file {path}: {source}")]
    Open { path: String, source: std::io::Error },
    #[error("state directory {dir} is in use by another rlvrd (pid {pid}); stop it first or use another state_dir")]
    Busy { dir: String, pid: String },
}

/// Held for the daemon's lifetime; removes the lock file when dropped.
pub struct StateLock {
    file: File,
    path: PathBuf,
}

impl StateLock {
    /// Create `dir` if needed and take its lock.
    pub fn acquire(dir: &Path) -> Result<StateLock, LockError> {
        std::fs::create_dir_all(dir).map_err(|source| LockError::CreateDir { path: dir.display().to_string(), source })?;
        let path = dir.join("rlvrd.lock");
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|source| LockError::Open { path: path.display().to_string(), source })?;
        // SAFETY: flock on a valid, owned fd; no memory is involved.
        let rc = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
        if rc != 0 {
            let mut pid = String::new();
            let _ = file.read_to_string(&mut pid);
            let pid = pid.trim();
            return Err(LockError::Busy { dir: dir.display().to_string(), pid: if pid.is_empty() { "unknown".into() } else { pid.to_string() } });
        }
        file.set_len(0).and_then(|_| file.seek(SeekFrom::Start(0))).ok();
        let _ = writeln!(file, "{}", std::process::id());
        let _ = file.sync_all();
        Ok(StateLock { file, path })
    }

    #[cfg(test)]
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for StateLock {
    fn drop(&mut self) {
        // Remove while still holding the lock so a starting daemon never sees a
        // half-released file; the lock itself goes with the fd.
        let _ = std::fs::remove_file(&self.path);
        let _ = &self.file;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn second_lock_on_same_dir_is_refused_and_file_removed_after() {
        let dir = tempfile::tempdir().unwrap();
        let first = StateLock::acquire(dir.path()).unwrap();
        let err = StateLock::acquire(dir.path()).err().expect("second lock must fail");
        let msg = err.to_string();
        assert!(msg.contains("in use by another rlvrd"), "{msg}");
        assert!(msg.contains(&std::process::id().to_string()), "{msg}");
        let path = first.path().to_path_buf();
        drop(first);
        assert!(!path.exists());
        StateLock::acquire(dir.path()).expect("lock is free again");
    }
}
