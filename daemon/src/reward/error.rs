//! The verifier's error type. A verifier failure (python or ruff missing, sandbox
//! unusable, harness protocol broken) is always an `Err`, never a zero reward: a
//! broken verifier must stop training, not teach the policy that everything fails.

use std::path::PathBuf;

/// Why the verifier could not produce a verdict.
#[derive(Debug, thiserror::Error)]
pub enum VerifierError {
    #[error("python interpreter {path:?} cannot be started: {source}")]
    PythonMissing { path: PathBuf, source: std::io::Error },
    #[error("python interpreter {path:?} failed its probe: {detail}")]
    PythonProbe { path: PathBuf, detail: String },
    #[error("ruff {path:?} cannot be started: {source} (install it: python3 -m pip install ruff)")]
    RuffMissing { path: PathBuf, source: std::io::Error },
    #[error("ruff {path:?} failed: {detail}")]
    RuffFailed { path: PathBuf, detail: String },
    #[error("cannot parse ruff's JSON output: {source}")]
    RuffOutput { source: serde_json::Error },
    #[error(
        "the sandbox ([sandbox] isolation = \"{mode:?}\") cannot run here: {detail}. Generated code is \
         never run without the isolation asked for; to run it with rlimits only, set [sandbox] \
         isolation = \"none\" (then any candidate can read your files)"
    )]
    IsolationUnavailable { mode: crate::config::IsolationMode, detail: String },
    #[error("[sandbox] allow_paths entry {path:?} cannot be used: {source}")]
    AllowPath { path: PathBuf, source: std::io::Error },
    #[error("cannot {what} {path:?}: {source}")]
    Io { what: &'static str, path: PathBuf, source: std::io::Error },
    #[error("cannot spawn {program:?}: {source}")]
    Spawn { program: PathBuf, source: std::io::Error },
    #[error("sandbox harness failed before running the candidate ({detail}); stderr: {stderr}")]
    Harness { detail: String, stderr: String },
    #[error("the test program has no tests")]
    NoTests,
    #[error("verifier task panicked or was cancelled: {0}")]
    Join(String),
}

impl VerifierError {
    pub(crate) fn io(what: &'static str, path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Self::Io { what, path: path.into(), source }
    }
}
