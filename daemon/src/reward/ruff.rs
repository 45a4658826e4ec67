//! Runs the real `ruff` on candidate code and maps its diagnostics to our own
//! severity classes (Ruff has no user-facing severity). One ruff process checks a
//! whole group of candidates, one temp file each, to pay its start-up once.
//!
//! | class        | rule codes                                   | why                           |
//! |--------------|----------------------------------------------|-------------------------------|
//! | `error`      | syntax errors (`invalid-syntax`, no code, E9), F63, F7, F82 | cannot run / undefined names |
//! | `warning`    | every other `F` (pyflakes), `B` (bugbear)    | likely bugs (unused, shadowed) |
//! | `info`       | `E`, `W` (pycodestyle)                       | style                          |
//! | `convention` | everything else selected                     | conventions                    |
//!
//! Ruff runs outside the sandbox: it parses code, it never executes it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::VerifierError;

/// A hung ruff is a verifier failure, not a slow reward.
const RUFF_TIMEOUT: Duration = Duration::from_secs(60);

/// Our severity class of a diagnostic (see the module table).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
    Convention,
}

/// Severity class of a rule code. Syntax errors come with code `invalid-syntax`
/// (ruff >= 0.12) or no code (older ruff, passed here as "").
pub fn severity_of(code: &str) -> Severity {
    let starts = |p: &str| code.starts_with(p);
    if code.is_empty() || code == "invalid-syntax" || starts("E9") || starts("F63") || starts("F7") || starts("F82") {
        Severity::Error
    } else if starts("F") || starts("B") {
        Severity::Warning
    } else if starts("E") || starts("W") {
        Severity::Info
    } else {
        Severity::Convention
    }
}

/// One ruff diagnostic, positions 1-based as ruff reports them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Diagnostic {
    pub code: String,
    pub message: String,
    pub row: u32,
    pub col: u32,
    pub severity: Severity,
}

/// Diagnostic counts per severity class and per rule code.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SeverityProfile {
    pub error: u32,
    pub warning: u32,
    pub info: u32,
    pub convention: u32,
    pub by_code: BTreeMap<String, u32>,
}

impl SeverityProfile {
    pub fn from_diagnostics(diags: &[Diagnostic]) -> Self {
        let mut p = SeverityProfile::default();
        for d in diags {
            *match d.severity {
                Severity::Error => &mut p.error,
                Severity::Warning => &mut p.warning,
                Severity::Info => &mut p.info,
                Severity::Convention => &mut p.convention,
            } += 1;
            *p.by_code.entry(d.code.clone()).or_default() += 1;
        }
        p
    }
}

/// Ruff's verdict on one candidate.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RuffReport {
    pub diagnostics: Vec<Diagnostic>,
    pub profile: SeverityProfile,
}

#[derive(Deserialize)]
struct RawDiagnostic {
    code: Option<String>,
    message: String,
    location: RawLocation,
    filename: String,
}

#[derive(Deserialize)]
struct RawLocation {
    row: u32,
    column: u32,
}

/// A located, working ruff binary and the fixed arguments of every check.
#[derive(Debug, Clone)]
pub struct Ruff {
    pub path: PathBuf,
    pub version: String,
    select: String,
    target: String,
}

impl Ruff {
    /// Find ruff and check that it runs. A bare name is looked up on $PATH; when that
    /// finds a script wrapper (a pyenv shim costs ~50 ms per call) and the verifier's
    /// python has a real ruff binary among its console scripts, that one is used.
    pub(crate) async fn locate(configured: &Path, scripts: &Path, select: &[String], python_version: &str) -> Result<Self, VerifierError> {
        let missing = |source| VerifierError::RuffMissing { path: configured.into(), source };
        let mut path =
            super::isolation::find_program(configured).ok_or_else(|| missing(std::io::Error::new(std::io::ErrorKind::NotFound, "not found on PATH")))?;
        let sibling = scripts.join("ruff");
        if configured.components().count() == 1 && is_script(&path) && sibling.is_file() && !is_script(&sibling) {
            path = sibling;
        }
        let out = tokio::process::Command::new(&path).arg("--version").output().await.map_err(missing)?;
        if !out.status.success() {
            return Err(VerifierError::RuffFailed { path, detail: format!("--version: {}", out.status) });
        }
        let version = String::from_utf8_lossy(&out.stdout).trim().to_string();
        let target = format!("py{}", python_version.replace('.', ""));
        Ok(Ruff { path, version, select: select.join(","), target })
    }

    /// Lint each code string; reports come back in input order. `scratch` is a private
    /// directory for the temp files.
    pub(crate) async fn check(&self, codes: &[&str], scratch: &Path) -> Result<Vec<RuffReport>, VerifierError> {
        if codes.is_empty() {
            return Ok(Vec::new());
        }
        let dir = scratch.join(format!("ruff-{}", super::unique_suffix()));
        std::fs::create_dir(&dir).map_err(|e| VerifierError::io("create ruff dir", &dir, e))?;
        let _cleanup = RemoveOnDrop(&dir);
        let mut files = Vec::with_capacity(codes.len());
        for (i, code) in codes.iter().enumerate() {
            let f = dir.join(format!("c{i}.py"));
            std::fs::write(&f, code).map_err(|e| VerifierError::io("write", &f, e))?;
            files.push(f);
        }
        let mut cmd = tokio::process::Command::new(&self.path);
        cmd.args(["check", "--output-format", "json", "--no-cache", "--isolated", "--exit-zero"])
            .args(["--select", &self.select, "--target-version", &self.target])
            .args(&files)
            .stdin(std::process::Stdio::null())
            .kill_on_drop(true);
        let failed = |detail: String| VerifierError::RuffFailed { path: self.path.clone(), detail };
        let out = tokio::time::timeout(RUFF_TIMEOUT, cmd.output())
            .await
            .map_err(|_| failed(format!("no answer within {RUFF_TIMEOUT:?}")))?
            .map_err(|source| VerifierError::RuffMissing { path: self.path.clone(), source })?;
        if !out.status.success() {
            return Err(failed(format!("{}: {}", out.status, String::from_utf8_lossy(&out.stderr).trim())));
        }
        parse_output(&out.stdout, codes.len())
    }
}

/// Split ruff's JSON array by file (`c{i}.py`) into per-candidate reports.
fn parse_output(json: &[u8], n: usize) -> Result<Vec<RuffReport>, VerifierError> {
    let raw: Vec<RawDiagnostic> = serde_json::from_slice(json).map_err(|source| VerifierError::RuffOutput { source })?;
    let mut diags: Vec<Vec<Diagnostic>> = vec![Vec::new(); n];
    for d in raw {
        let index = Path::new(&d.filename)
            .file_stem()
            .and_then(|s| s.to_str())
            .and_then(|s| s.strip_prefix('c'))
            .and_then(|s| s.parse::<usize>().ok())
            .filter(|&i| i < n);
        let Some(i) = index else { continue };
        let code = d.code.unwrap_or_default();
        let severity = severity_of(&code);
        let code = if code.is_empty() { "invalid-syntax".to_string() } else { code };
        diags[i].push(Diagnostic { code, message: d.message, row: d.location.row, col: d.location.column, severity });
    }
    Ok(diags.into_iter().map(|diagnostics| RuffReport { profile: SeverityProfile::from_diagnostics(&diagnostics), diagnostics }).collect())
}

fn is_script(path: &Path) -> bool {
    use std::io::Read;
    let mut head = [0u8; 2];
    std::fs::File::open(path).and_then(|mut f| f.read_exact(&mut head)).map(|_| &head == b"#!").unwrap_or(false)
}

struct RemoveOnDrop<'a>(&'a Path);

impl Drop for RemoveOnDrop<'_> {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(self.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severity_table() {
        assert_eq!(severity_of("invalid-syntax"), Severity::Error);
        assert_eq!(severity_of(""), Severity::Error);
        assert_eq!(severity_of("E999"), Severity::Error);
        assert_eq!(severity_of("F821"), Severity::Error);
        assert_eq!(severity_of("F632"), Severity::Error);
        assert_eq!(severity_of("F706"), Severity::Error);
        assert_eq!(severity_of("F401"), Severity::Warning);
        assert_eq!(severity_of("B006"), Severity::Warning);
        assert_eq!(severity_of("E501"), Severity::Info);
        assert_eq!(severity_of("W291"), Severity::Info);
        assert_eq!(severity_of("N802"), Severity::Convention);
    }

    #[test]
    fn output_is_split_by_file() {
        let json = br#"[{"code":"F401","message":"m","location":{"row":1,"column":8},"filename":"/x/c1.py"},
                        {"code":null,"message":"bad","location":{"row":2,"column":1},"filename":"/x/c0.py"}]"#;
        let r = parse_output(json, 2).unwrap();
        assert_eq!(r[0].diagnostics[0].code, "invalid-syntax");
        assert_eq!(r[0].profile.error, 1);
        assert_eq!(r[1].profile.warning, 1);
        assert_eq!(r[1].profile.by_code["F401"], 1);
    }
}
