//! Which sandbox wraps each run, and the exact command line for it.
//!
//! Modes (`[sandbox] isolation`): `bwrap`, the default and the only one that hides the
//! host (network, PID, IPC, UTS and mount namespaces; the root is an empty tmpfs with
//! the system directories, the interpreter's prefixes and `allow_paths` bound
//! read-only, and a size-capped tmpfs as the run's cwd: no $HOME, no state or task
//! dir, no /run and no host sockets); `unshare --user --net --pid` (network and PID
//! namespaces, host filesystem protected only by file permissions); `none` (rlimits
//! and the uid only). There is no silent fallback: the mode asked for is probed once
//! at startup with a real run and the verifier refuses to start when it fails.
//!
//! Root daemon: RLIMIT_NPROC does not bind uid 0 (the kernel exempts INIT_USER) and
//! root may write anywhere, so every run gets its own unprivileged uid
//! (`SANDBOX_UID_BASE + run % SANDBOX_UIDS`, no passwd entry needed): the process
//! limit then contains a fork bomb, runs cannot signal or starve each other, and the
//! state dir and $HOME are not writable. With bwrap the drop is done inside the
//! sandbox by `setpriv`, because bwrap needs root to build it; an interpreter under a
//! directory other users cannot enter (pyenv in /root) is reachable because bwrap
//! creates its parents afresh (mode 0755) in the sandbox's own root.
//!
//! Residual risks: without a PID namespace (mode none) a process that calls setsid
//! escapes the final killpg and lives on until it exits; a non-root daemon without
//! namespaces shares its uid with candidates, which can then signal it.

use std::ffi::OsString;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::sandbox::LaunchSpec;
use super::VerifierError;
use crate::config::{IsolationMode, SandboxConfig};

/// First uid handed to sandboxed runs of a root daemon (0x70000000: above the ranges
/// systemd allocates to users, dynamic users and containers).
pub const SANDBOX_UID_BASE: u32 = 0x7000_0000;
/// Number of distinct sandbox uids, reused round-robin.
pub const SANDBOX_UIDS: u64 = 4096;
/// Where the run's private tmpfs is mounted inside bwrap (also its $HOME and cwd).
const BWRAP_RUN_DIR: &str = "/tmp/run";
/// Where the compiled scripts are bound read-only inside bwrap.
const BWRAP_HARNESS_DIR: &str = "/rlvrd";

/// Network isolation in force, as reported by `status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Isolation {
    Bwrap,
    Unshare,
    None,
}

impl std::fmt::Display for Isolation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Isolation::Bwrap => "bwrap",
            Isolation::Unshare => "unshare",
            Isolation::None => "none",
        })
    }
}

/// The resolved interpreter (a pyenv shim or venv wrapper resolves to the real file).
#[derive(Debug, Clone)]
pub(crate) struct PythonInfo {
    pub executable: PathBuf,
    /// sys.prefix and sys.base_prefix: what must be readable for the stdlib.
    pub prefixes: Vec<PathBuf>,
    /// Where pip puts console scripts for this interpreter (used to find ruff).
    pub scripts: PathBuf,
    pub version: String,
}

const PROBE: &str = "import json, sys, sysconfig\nprint(json.dumps([sys.executable, sys.prefix, \
                     sys.base_prefix, sysconfig.get_path('scripts'), '%d.%d' % sys.version_info[:2]]))";

/// Ask the configured interpreter, with the daemon's own environment (shims need it),
/// where it really lives.
pub(crate) async fn probe_python(configured: &Path) -> Result<PythonInfo, VerifierError> {
    let bad = |detail: String| VerifierError::PythonProbe { path: configured.into(), detail };
    let out = tokio::process::Command::new(configured)
        .args(["-S", "-c", PROBE])
        .stdin(std::process::Stdio::null())
        .output()
        .await
        .map_err(|source| VerifierError::PythonMissing { path: configured.into(), source })?;
    if !out.status.success() {
        return Err(bad(format!("{}: {}", out.status, String::from_utf8_lossy(&out.stderr).trim())));
    }
    let (exe, prefix, base, scripts, version): (PathBuf, PathBuf, PathBuf, PathBuf, String) =
        serde_json::from_slice(&out.stdout).map_err(|e| bad(format!("unexpected probe output: {e}")))?;
    let major_minor: Vec<u32> = version.split('.').filter_map(|p| p.parse().ok()).collect();
    if major_minor < vec![3, 8] {
        return Err(bad(format!("python {version} is too old (need >= 3.8)")));
    }
    let executable = std::fs::canonicalize(&exe).map_err(|e| bad(format!("{}: {e}", exe.display())))?;
    Ok(PythonInfo { executable, prefixes: vec![prefix, base], scripts, version })
}

/// `name` if it has a slash, else its first match on $PATH.
pub(crate) fn find_program(name: &Path) -> Option<PathBuf> {
    if name.components().count() > 1 {
        return name.is_file().then(|| name.to_path_buf());
    }
    let path = std::env::var_os("PATH").unwrap_or_else(|| "/usr/bin:/bin".into());
    std::env::split_paths(&path).map(|d| d.join(name)).find(|p| p.is_file())
}

fn running_as_root() -> bool {
    // SAFETY: geteuid cannot fail.
    unsafe { libc::geteuid() == 0 }
}

/// How runs are launched: fixed at startup, per-run parts filled by `prepare`.
#[derive(Debug, Clone)]
pub(crate) struct Launcher {
    pub isolation: Isolation,
    python: PathBuf,
    /// bwrap or unshare.
    wrapper: Option<PathBuf>,
    /// setpriv, for the uid drop inside bwrap.
    setpriv: Option<PathBuf>,
    /// Give each run its own unprivileged uid (daemon is root).
    drop_uid: bool,
    /// Directories bound read-only into a bwrap sandbox besides the system ones: the
    /// interpreter's prefixes and `allow_paths`.
    visible: Vec<PathBuf>,
    tmpfs_bytes: u64,
    /// Host directory holding the compiled scripts (`Verifier::new` fills it in).
    pub harness: PathBuf,
}

/// The launcher for the configured mode, or why it cannot exist here.
pub(crate) fn launcher(cfg: &SandboxConfig, py: &PythonInfo) -> Result<Launcher, VerifierError> {
    launcher_in(cfg, py, find_program)
}

/// [`launcher`] with the program lookup given (tests: a machine without bwrap).
pub(crate) fn launcher_in(cfg: &SandboxConfig, py: &PythonInfo, find_program: impl Fn(&Path) -> Option<PathBuf>) -> Result<Launcher, VerifierError> {
    let root = running_as_root();
    let mode = cfg.isolation_mode();
    let base = Launcher {
        isolation: Isolation::None,
        python: py.executable.clone(),
        wrapper: None,
        setpriv: None,
        drop_uid: root,
        visible: Vec::new(),
        tmpfs_bytes: cfg.file_size_mb.max(1) << 20,
        harness: PathBuf::new(),
    };
    let missing = |what: &str, install: &str| VerifierError::IsolationUnavailable { mode, detail: format!("{what} is not installed ({install})") };
    match mode {
        IsolationMode::Bwrap => {
            let bwrap =
                find_program(Path::new("bwrap")).ok_or_else(|| missing("bwrap", "Debian/Ubuntu: apt install bubblewrap; Fedora: dnf install bubblewrap"))?;
            let setpriv = find_program(Path::new("setpriv"));
            if root && setpriv.is_none() {
                return Err(missing("setpriv (needed to drop root inside the sandbox)", "Debian/Ubuntu: apt install util-linux"));
            }
            let mut visible: Vec<PathBuf> = py.prefixes.clone();
            visible.extend(py.executable.parent().map(Path::to_path_buf));
            for p in &cfg.allow_paths {
                let real = std::fs::canonicalize(p).map_err(|e| VerifierError::AllowPath { path: p.clone(), source: e })?;
                visible.push(real);
            }
            // System dirs are bound anyway; a directory inside another is bound once.
            visible.retain(|d| !SYSTEM_DIRS.iter().any(|s| d.starts_with(s)));
            visible.sort();
            visible.dedup();
            let mut outer: Vec<PathBuf> = Vec::new();
            for d in visible {
                if !outer.iter().any(|o| d.starts_with(o)) {
                    outer.push(d);
                }
            }
            Ok(Launcher { isolation: Isolation::Bwrap, wrapper: Some(bwrap), setpriv, visible: outer, ..base })
        }
        IsolationMode::Unshare => {
            let unshare = find_program(Path::new("unshare")).ok_or_else(|| missing("unshare", "Debian/Ubuntu: apt install util-linux"))?;
            Ok(Launcher { isolation: Isolation::Unshare, wrapper: Some(unshare), ..base })
        }
        IsolationMode::None => Ok(base),
    }
}

/// System directories every run sees read-only (bwrap): what a dynamically linked
/// interpreter needs. Symlinks among them (merged /usr) are recreated as symlinks.
const SYSTEM_DIRS: [&str; 6] = ["/usr", "/bin", "/sbin", "/lib", "/lib64", "/lib32"];
/// Single files from /etc the loader and `time` use.
const SYSTEM_FILES: [&str; 2] = ["/etc/ld.so.cache", "/etc/localtime"];

impl Launcher {
    /// The uid of run number `seq` (a root daemon's runs), else None.
    pub(crate) fn run_uid(&self, seq: u64) -> Option<u32> {
        self.drop_uid.then(|| SANDBOX_UID_BASE + (seq % SANDBOX_UIDS) as u32)
    }

    /// The command line of a zygote running `script` (zygote.rs), when this launcher
    /// can use one: bwrap with a per-run uid (a root daemon). The zygote stays root of
    /// its sandbox so that it can hand each child its own uid.
    pub(crate) fn zygote_spec(&self, script: &str) -> Option<LaunchSpec> {
        if self.isolation != Isolation::Bwrap || !self.drop_uid || self.setpriv.is_none() {
            return None;
        }
        let mut args = self.bwrap_args_for(true);
        args.push(self.python.clone().into());
        for a in ["-S", "-s", "-B"] {
            args.push(a.into());
        }
        args.push(Path::new(BWRAP_HARNESS_DIR).join("zygote.pyc").into_os_string());
        args.push(Path::new(BWRAP_HARNESS_DIR).join(script).into_os_string());
        Some(LaunchSpec {
            program: self.wrapper.clone().expect("bwrap launcher has bwrap"),
            args,
            cwd: None,
            uid: None,
            shares_daemon_uid: false,
            env: vec![
                ("PATH", "/usr/bin:/bin".to_string()),
                ("LANG", "C.UTF-8".to_string()),
                ("HOME", "/tmp".to_string()),
                ("TMPDIR", "/tmp".to_string()),
                ("PYTHONDONTWRITEBYTECODE", "1".to_string()),
                ("PYTHONHASHSEED", "0".to_string()),
            ],
        })
    }

    /// Command line and (outside bwrap) the run's host directory for run number `seq`,
    /// running the compiled script `script` (a file name in `self.harness`).
    pub(crate) fn prepare(&self, scratch: &Path, seq: u64, script: &str) -> Result<(LaunchSpec, Option<RunDir>), VerifierError> {
        let uid = self.run_uid(seq);
        // -S: no site import (~30 ms with pyenv; the stdlib is still importable).
        // Not -I: it implies -E, which would ignore PYTHONHASHSEED below, and the
        // environment is ours anyway; the scripts drop their own directory from
        // sys.path as -I would. A compiled script, not `-c source`: compiling the
        // runner took 9 ms of every run.
        let script_path = if self.isolation == Isolation::Bwrap { Path::new(BWRAP_HARNESS_DIR).join(script) } else { self.harness.join(script) };
        let mut python_args: Vec<OsString> = ["-S", "-s", "-B"].iter().map(OsString::from).collect();
        python_args.push(script_path.into_os_string());
        let env = |home: &str| {
            vec![
                ("PATH", "/usr/bin:/bin".to_string()),
                ("LANG", "C.UTF-8".to_string()),
                ("HOME", home.to_string()),
                ("TMPDIR", home.to_string()),
                ("PYTHONDONTWRITEBYTECODE", "1".to_string()),
                // Reproducible str hashing, hence set order: same verdict on rerun.
                ("PYTHONHASHSEED", "0".to_string()),
            ]
        };
        if self.isolation == Isolation::Bwrap {
            let mut args = self.bwrap_args();
            if let (Some(uid), Some(setpriv)) = (uid, &self.setpriv) {
                args.push(setpriv.into());
                let id = uid.to_string();
                for a in ["--reuid", &id, "--regid", &id, "--clear-groups", "--bounding-set=-all", "--inh-caps=-all", "--no-new-privs", "--"] {
                    args.push(a.into());
                }
            }
            args.push(self.python.clone().into());
            args.extend(python_args);
            let spec = LaunchSpec {
                program: self.wrapper.clone().expect("bwrap launcher has bwrap"),
                args,
                cwd: None,
                uid: None,
                shares_daemon_uid: !self.drop_uid,
                env: env(BWRAP_RUN_DIR),
            };
            return Ok((spec, None));
        }
        let dir = RunDir::create(scratch, seq, uid)?;
        let home = dir.0.display().to_string();
        let (program, args) = match &self.wrapper {
            Some(unshare) => {
                let mut args: Vec<OsString> = ["--user", "--net", "--pid", "--fork", "--kill-child", "--"].iter().map(OsString::from).collect();
                args.push(self.python.clone().into());
                args.extend(python_args);
                (unshare.clone(), args)
            }
            None => (self.python.clone(), python_args),
        };
        let spec = LaunchSpec { program, args, cwd: Some(dir.0.clone()), uid, shares_daemon_uid: !self.drop_uid, env: env(&home) };
        Ok((spec, Some(dir)))
    }

    fn bwrap_args(&self) -> Vec<OsString> {
        self.bwrap_args_for(false)
    }

    /// `zygote`: one sandbox for many runs, each in its own `/tmp/run-<id>` (all runs
    /// together within 8 runs' worth of tmpfs), instead of one run's `/tmp/run`.
    fn bwrap_args_for(&self, zygote: bool) -> Vec<OsString> {
        let mut a: Vec<OsString> = Vec::new();
        let push = |a: &mut Vec<OsString>, xs: &[&str]| a.extend(xs.iter().map(OsString::from));
        push(&mut a, &["--unshare-net", "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try", "--die-with-parent"]);
        if !self.drop_uid {
            push(&mut a, &["--unshare-user"]);
        }
        // The root is bwrap's empty tmpfs: only what is bound below exists.
        for dir in SYSTEM_DIRS {
            let path = Path::new(dir);
            match std::fs::symlink_metadata(path) {
                Ok(m) if m.file_type().is_symlink() => {
                    if let Ok(target) = std::fs::read_link(path) {
                        a.extend(["--symlink".into(), target.into_os_string(), dir.into()]);
                    }
                }
                Ok(m) if m.is_dir() => push(&mut a, &["--ro-bind", dir, dir]),
                _ => {}
            }
        }
        for file in SYSTEM_FILES {
            push(&mut a, &["--ro-bind-try", file, file]);
        }
        // The parents of a bound directory are created by bwrap, mode 0700 as root
        // would make them: create them 0755 first, so a run under its own uid can
        // reach an interpreter installed under root's home (pyenv).
        let mut parents: Vec<PathBuf> = Vec::new();
        for dir in &self.visible {
            for p in dir.ancestors().skip(1).filter(|p| p.parent().is_some()) {
                if !parents.iter().any(|q| q == p) {
                    parents.push(p.to_path_buf());
                }
            }
        }
        parents.sort_by_key(|p| p.components().count());
        for p in parents {
            a.extend(["--perms".into(), "0755".into(), "--dir".into(), p.into_os_string()]);
        }
        for dir in &self.visible {
            a.extend(["--ro-bind".into(), dir.clone().into_os_string(), dir.clone().into_os_string()]);
        }
        a.extend(["--ro-bind".into(), self.harness.clone().into_os_string(), BWRAP_HARNESS_DIR.into()]);
        if zygote {
            let size = (self.tmpfs_bytes * 8).to_string();
            push(&mut a, &["--dev", "/dev", "--proc", "/proc", "--size", &size, "--tmpfs", "/tmp", "--chdir", "/tmp", "--"]);
            return a;
        }
        let size = self.tmpfs_bytes.to_string();
        push(&mut a, &["--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp"]);
        // World-writable is fine: only this run's processes can see this tmpfs.
        push(&mut a, &["--perms", "01777", "--size", &size, "--tmpfs", BWRAP_RUN_DIR, "--chdir", BWRAP_RUN_DIR, "--"]);
        a
    }
}

/// A run's host directory (modes unshare and none), removed on drop. Created 0700
/// inside the verifier's scratch dir (0711, owned by the daemon), so a candidate can
/// empty it but cannot remove or replace it.
#[derive(Debug)]
pub(crate) struct RunDir(pub PathBuf);

impl RunDir {
    fn create(scratch: &Path, seq: u64, uid: Option<u32>) -> Result<Self, VerifierError> {
        let path = scratch.join(format!("run-{seq}"));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir(&path).map_err(|e| VerifierError::io("create run dir", &path, e))?;
        let dir = RunDir(path);
        std::fs::set_permissions(&dir.0, std::fs::Permissions::from_mode(0o700)).map_err(|e| VerifierError::io("chmod", &dir.0, e))?;
        if let Some(uid) = uid {
            std::os::unix::fs::chown(&dir.0, Some(uid), Some(uid)).map_err(|e| VerifierError::io("chown", &dir.0, e))?;
        }
        Ok(dir)
    }
}

impl Drop for RunDir {
    fn drop(&mut self) {
        if std::fs::remove_dir_all(&self.0).is_err() && std::fs::metadata(&self.0).is_ok() {
            // A same-uid candidate may have chmod'ed subdirectories to 0: restore
            // owner access (the daemon owns the dir or is root) and retry.
            restore_access(&self.0);
            if let Err(e) = std::fs::remove_dir_all(&self.0) {
                tracing::warn!(dir = %self.0.display(), "cannot remove sandbox run dir: {e}");
            }
        }
    }
}

fn restore_access(dir: &Path) {
    let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700));
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            if e.file_type().map(|t| t.is_dir()).unwrap_or(false) {
                restore_access(&e.path());
            }
        }
    }
}
