//! Names and places for sandbox runs: random nonces and suffixes from the kernel, the
//! process-wide run counter (it picks a root daemon's per-run uid), and the verifier's
//! private scratch directory.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};

use super::VerifierError;

/// Run number, process-wide and starting at a random point: it picks the run's uid
/// (root daemon), so two verifiers in one process, or two daemons, do not hand the
/// same uid (and RLIMIT_NPROC budget) to concurrent runs.
pub(crate) fn next_seq() -> u64 {
    static SEQ: std::sync::OnceLock<AtomicU64> = std::sync::OnceLock::new();
    let seq = SEQ.get_or_init(|| AtomicU64::new(u64::from_str_radix(&random_hex(2), 16).unwrap_or(0)));
    seq.fetch_add(1, Ordering::Relaxed)
}

/// Hex of `n` random bytes from the kernel (run nonces, unique names).
pub(crate) fn random_hex(n: usize) -> String {
    let mut buf = vec![0u8; n];
    let mut filled = 0;
    while filled < n {
        // SAFETY: the pointer and length describe the unfilled tail of `buf`.
        let r = unsafe { libc::getrandom(buf[filled..].as_mut_ptr().cast(), n - filled, 0) };
        if r > 0 {
            filled += r as usize;
        } else if std::io::Error::last_os_error().kind() != std::io::ErrorKind::Interrupted {
            panic!("getrandom failed: {}", std::io::Error::last_os_error());
        }
    }
    buf.iter().map(|b| format!("{b:02x}")).collect()
}

pub(crate) fn unique_suffix() -> String {
    random_hex(6)
}

/// The verifier's private scratch dir (run dirs, ruff files), mode 0711: other users
/// may enter their own run dir but not list or create entries. Removed on drop.
pub(crate) struct Scratch(pub PathBuf);

impl Scratch {
    pub(crate) fn create() -> Result<Self, VerifierError> {
        use std::os::unix::fs::PermissionsExt;
        let path = std::env::temp_dir().join(format!("rlvrd-verifier-{}-{}", std::process::id(), unique_suffix()));
        std::fs::create_dir(&path).map_err(|e| VerifierError::io("create scratch dir", &path, e))?;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o711)).map_err(|e| VerifierError::io("chmod", &path, e))?;
        Ok(Scratch(path))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
