//! The verifier: runs model-written Python against a task's tests in a sandbox, lints
//! it with Ruff, classifies what happened, and turns it into a reward.
//!
//! - [`extract`]: code out of a completion (fences, chat noise), documented rules.
//! - `candidate.py` runs the candidate alone in its sandboxed process; `trusted.py`
//!   runs the tests in another one and reaches the candidate only through plain data
//!   (`wire.py`): the reward is computed where candidate code never runs.
//! - `protocol`: the job sent to the trusted runner and the event stream it sends back.
//! - `sandbox`: one run: two process groups, rlimits, timeout, bounded capture, kill.
//! - `isolation`: bwrap / unshare / none, uid drop for a root daemon, probing.
//! - [`ruff`]: the real ruff, diagnostics, our severity mapping.
//! - [`outcome`]: the outcome taxonomy; [`rewards`]: the formulas (`REWARDS.md`).
//!
//! [`Verifier`] ties them together behind a bounded pool of concurrent runs.

mod error;
pub mod extract;
mod isolation;
pub mod outcome;
mod protocol;
pub mod rewards;
pub mod ruff;
mod sandbox;
mod scratch;
#[cfg(test)]
mod tests;
mod zygote;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::sync::Semaphore;

pub use error::VerifierError;
pub use isolation::{Isolation, SANDBOX_UIDS, SANDBOX_UID_BASE};
pub use outcome::{Outcome, TestResult};
pub use rewards::RewardBreakdown;
pub use ruff::{Diagnostic, RuffReport, Severity, SeverityProfile};

use crate::config::{RewardConfig, SandboxConfig};
use isolation::Launcher;
use protocol::{Assembled, Job};
use ruff::Ruff;
use sandbox::{Capture, Limits, RawRun, Start};
pub(crate) use scratch::unique_suffix;
use scratch::{next_seq, Scratch};

/// The candidate's side of a run.
const CANDIDATE: &str = concat!(include_str!("wire.py"), include_str!("candidate.py"));
/// The trusted test runner.
const TRUSTED: &str = concat!(include_str!("wire.py"), include_str!("trusted.py"));
/// File names of the compiled scripts in the harness directory.
const CANDIDATE_PYC: &str = "candidate.pyc";
const TRUSTED_PYC: &str = "trusted.pyc";
/// The pre-started interpreter that forks runs (zygote.rs).
const ZYGOTE: &str = include_str!("zygote.py");

/// What a candidate is run against: its code first, then `setup`, then `tests`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TestProgram {
    /// Task code run after the candidate (MBPP `test_setup_code`), may be empty.
    pub setup: String,
    pub tests: Vec<TestSource>,
}

/// One source of tests.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TestSource {
    /// One statement (an MBPP assert): one test.
    Assert(String),
    /// A test file, run without pytest: each top-level assert and each `test_*`
    /// function is a test; other top-level statements run as its setup.
    File { name: String, source: String },
}

impl TestProgram {
    /// MBPP shape: setup code and a list of assert statements.
    pub fn from_asserts(setup: impl Into<String>, asserts: impl IntoIterator<Item = impl Into<String>>) -> Self {
        TestProgram { setup: setup.into(), tests: asserts.into_iter().map(|a| TestSource::Assert(a.into())).collect() }
    }
}

/// A bounded excerpt of a captured stream.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Excerpt {
    pub text: String,
    /// Bytes the candidate wrote in all.
    pub bytes: u64,
    pub truncated: bool,
}

impl From<&Capture> for Excerpt {
    fn from(c: &Capture) -> Self {
        Excerpt { text: String::from_utf8_lossy(&c.bytes).into_owned(), bytes: c.total, truncated: c.total > c.bytes.len() as u64 }
    }
}

/// Everything the verifier found out about one completion.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Verdict {
    /// Candidate-level outcome: the first failing test's class, or `pass`.
    pub outcome: Outcome,
    /// Outcome of executing the candidate code itself, before setup and tests.
    pub code_outcome: Outcome,
    pub tests: Vec<TestResult>,
    pub passed: usize,
    pub total: usize,
    /// The code that was run; None when nothing was extractable (`no_code`).
    pub code: Option<String>,
    pub stdout: Excerpt,
    pub stderr: Excerpt,
    /// Ruff's findings; None without code.
    pub ruff: Option<RuffReport>,
    pub reward: RewardBreakdown,
    /// The completion was cut at max_new_tokens.
    pub truncated: bool,
    /// Wall time of the sandboxed run, seconds.
    pub wall_s: f64,
}

/// What `status` shows about the verifier.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VerifierInfo {
    pub isolation: Isolation,
    pub python: PathBuf,
    pub python_version: String,
    pub ruff: PathBuf,
    pub ruff_version: String,
    pub workers: usize,
    /// Runs get their own unprivileged uid (the daemon runs as root).
    pub per_run_uid: bool,
}

/// The verifier. Cheap to clone; clones share the pool.
#[derive(Clone)]
pub struct Verifier {
    inner: Arc<Inner>,
}

struct Inner {
    reward: RewardConfig,
    limits: Limits,
    launcher: Launcher,
    ruff: Ruff,
    pool: Semaphore,
    /// Pre-started interpreters (candidate side, trusted side), where usable.
    zygotes: Option<(zygote::Zygote, zygote::Zygote)>,
    scratch: Scratch,
    info: VerifierInfo,
}

/// One sandboxed run's raw and parsed results.
struct Executed {
    raw: RawRun,
    assembled: Assembled,
}

impl Verifier {
    /// Find python and ruff, and pick the best sandbox that actually works here by
    /// running a trivial candidate in each. Missing tools are errors, not zero rewards.
    pub async fn new(sandbox: &SandboxConfig, reward: &RewardConfig) -> Result<Verifier, VerifierError> {
        let py = isolation::probe_python(&sandbox.python).await?;
        let ruff = Ruff::locate(&sandbox.ruff, &py.scripts, &reward.ruff_select, &py.version).await?;
        let scratch = Scratch::create()?;
        let limits = limits(sandbox);
        let mut launcher = isolation::launcher(sandbox, &py)?;
        launcher.harness = compile_harness(&py.executable, &scratch.0).await?;
        let zygotes = match (sandbox.prestart, launcher.zygote_spec(CANDIDATE_PYC), launcher.zygote_spec(TRUSTED_PYC)) {
            (true, Some(c), Some(t)) => Some((zygote::Zygote::new(c), zygote::Zygote::new(t))),
            _ => None,
        };
        // One probe, on the path runs will take (zygotes when there are any).
        if let Err(e) = probe(&launcher, zygotes.as_ref(), &scratch.0, &limits).await {
            return Err(VerifierError::IsolationUnavailable { mode: sandbox.isolation_mode(), detail: format!("a trivial candidate did not pass: {e}") });
        }
        if sandbox.network.is_some() {
            tracing::warn!(
                "[sandbox] network is replaced by [sandbox] isolation (bwrap | unshare | none); `network = \"off\"` is read as isolation = \"none\""
            );
        }
        match launcher.isolation {
            Isolation::Bwrap => {}
            Isolation::Unshare => tracing::warn!("sandbox isolation is `unshare`: no network, but generated code can read every file your user can"),
            Isolation::None => {
                tracing::warn!("sandbox isolation is `none`: generated code runs with rlimits only and can read (and with a non-root daemon, write) your files")
            }
        }
        // 0: one run per core. Two per core measured ~30% more runs/s (the two
        // processes of a run take turns), but then a CPU-heavy candidate hits the
        // wall-clock timeout at half its CPU limit, and outcomes would depend on load.
        let workers = if sandbox.workers == 0 { std::thread::available_parallelism().map_or(1, |n| n.get()) } else { sandbox.workers };
        let info = VerifierInfo {
            isolation: launcher.isolation,
            python: py.executable.clone(),
            python_version: py.version.clone(),
            ruff: ruff.path.clone(),
            ruff_version: ruff.version.clone(),
            workers,
            // SAFETY: geteuid cannot fail.
            per_run_uid: unsafe { libc::geteuid() } == 0,
        };
        tracing::info!(isolation = %info.isolation, python = %info.python.display(), ruff = %info.ruff_version, workers, "verifier ready");
        let inner = Inner { reward: reward.clone(), limits, launcher, ruff, pool: Semaphore::new(workers), zygotes, scratch, info };
        Ok(Verifier { inner: Arc::new(inner) })
    }

    /// Pids of the running zygotes (tests).
    #[cfg(test)]
    pub(crate) fn zygote_pids(&self) -> Vec<u32> {
        self.inner.zygotes.iter().flat_map(|(c, t)| [c.pid(), t.pid()]).flatten().collect()
    }

    /// Network isolation in force.
    pub fn isolation(&self) -> Isolation {
        self.inner.info.isolation
    }

    pub fn info(&self) -> &VerifierInfo {
        &self.inner.info
    }

    /// Ruff alone on several code strings (one ruff process), reports in input order.
    pub async fn lint(&self, codes: &[&str]) -> Result<Vec<RuffReport>, VerifierError> {
        self.inner.ruff.check(codes, &self.inner.scratch.0).await
    }

    /// Verify one completion (code is extracted first, see [`extract`]).
    pub async fn verify(&self, program: &TestProgram, completion: &str, truncated: bool) -> Result<Verdict, VerifierError> {
        self.verify_extracted(program, extract::extract_code(completion), truncated).await
    }

    /// Verify code as is, without extraction.
    pub async fn verify_code(&self, program: &TestProgram, code: &str, truncated: bool) -> Result<Verdict, VerifierError> {
        let code = (!code.trim().is_empty()).then(|| code.to_string());
        self.verify_extracted(program, code, truncated).await
    }

    async fn verify_extracted(&self, program: &TestProgram, code: Option<String>, truncated: bool) -> Result<Verdict, VerifierError> {
        if program.tests.is_empty() {
            return Err(VerifierError::NoTests);
        }
        let Some(code) = code else { return Ok(self.no_code(truncated)) };
        let one = [code.as_str()];
        let (lint, run) = tokio::join!(self.inner.ruff.check(&one, &self.inner.scratch.0), self.run_pooled(program, &code));
        let lint = lint?.pop().unwrap_or_default();
        Ok(self.verdict(code, run?, lint, truncated))
    }

    /// Verify a group of completions `(text, truncated)` of the same task; verdicts
    /// come back in input order. Runs share the pool; Ruff runs once for the group.
    pub async fn verify_group(&self, program: &TestProgram, completions: &[(String, bool)]) -> Result<Vec<Verdict>, VerifierError> {
        if program.tests.is_empty() {
            return Err(VerifierError::NoTests);
        }
        let codes: Vec<Option<String>> = completions.iter().map(|(c, _)| extract::extract_code(c)).collect();
        let present: Vec<&str> = codes.iter().flatten().map(String::as_str).collect();
        let program = Arc::new(program.clone());
        let mut set = tokio::task::JoinSet::new();
        for (i, code) in codes.iter().enumerate() {
            if let Some(code) = code.clone() {
                let (this, program) = (self.clone(), program.clone());
                set.spawn(async move { (i, this.run_pooled(&program, &code).await) });
            }
        }
        let runs = async {
            let mut runs: Vec<Option<Executed>> = (0..codes.len()).map(|_| None).collect();
            while let Some(joined) = set.join_next().await {
                let (i, run) = joined.map_err(|e| VerifierError::Join(e.to_string()))?;
                runs[i] = Some(run?);
            }
            Ok::<_, VerifierError>(runs)
        };
        let (lints, runs) = tokio::join!(self.inner.ruff.check(&present, &self.inner.scratch.0), runs);
        let (mut lints, runs) = (lints?.into_iter(), runs?);
        let verdicts = codes
            .into_iter()
            .zip(runs)
            .zip(completions)
            .map(|((code, run), (_, truncated))| match (code, run) {
                (Some(code), Some(run)) => self.verdict(code, run, lints.next().unwrap_or_default(), *truncated),
                _ => self.no_code(*truncated),
            })
            .collect();
        Ok(verdicts)
    }

    /// One sandboxed run, waiting for a pool slot first.
    async fn run_pooled(&self, program: &TestProgram, code: &str) -> Result<Executed, VerifierError> {
        let _permit = self.inner.pool.acquire().await.expect("the pool semaphore is never closed");
        execute(&self.inner.launcher, self.inner.zygotes.as_ref(), &self.inner.scratch.0, &self.inner.limits, program, code).await
    }

    fn verdict(&self, code: String, run: Executed, lint: RuffReport, truncated: bool) -> Verdict {
        let Executed { raw, assembled } = run;
        let tests = assembled.tests;
        let outcome = outcome::candidate_outcome(&tests);
        let passed = tests.iter().filter(|t| t.outcome.is_pass()).count();
        let total = tests.len();
        let input = rewards::RewardInput { outcome: &outcome, code_outcome: &assembled.code_outcome, passed, total, lint: Some(&lint.profile), truncated };
        let reward = rewards::compute(&self.inner.reward, &input);
        if assembled.rejected_lines > 0 {
            tracing::debug!(lines = assembled.rejected_lines, "ignored result lines without this run's nonce");
        }
        Verdict {
            outcome,
            code_outcome: assembled.code_outcome,
            tests,
            passed,
            total,
            code: Some(code),
            stdout: Excerpt::from(&raw.stdout),
            stderr: Excerpt::from(&raw.stderr),
            ruff: Some(lint),
            reward,
            truncated,
            wall_s: raw.wall.as_secs_f64(),
        }
    }

    fn no_code(&self, truncated: bool) -> Verdict {
        let o = Outcome::NoCode;
        let input = rewards::RewardInput { outcome: &o, code_outcome: &o, passed: 0, total: 0, lint: None, truncated };
        Verdict {
            outcome: o.clone(),
            code_outcome: o.clone(),
            tests: Vec::new(),
            passed: 0,
            total: 0,
            code: None,
            stdout: Excerpt::default(),
            stderr: Excerpt::default(),
            ruff: None,
            reward: rewards::compute(&self.inner.reward, &input),
            truncated,
            wall_s: 0.0,
        }
    }
}

fn limits(cfg: &SandboxConfig) -> Limits {
    Limits {
        timeout: Duration::from_secs_f64(cfg.timeout_s.max(0.1)),
        cpu_s: cfg.cpu_s.max(1),
        memory_bytes: cfg.memory_mb << 20,
        file_size_bytes: cfg.file_size_mb << 20,
        max_processes: cfg.max_processes,
        max_open_files: cfg.max_open_files,
        max_output_bytes: cfg.max_output_bytes,
    }
}

async fn execute(
    launcher: &Launcher,
    zygotes: Option<&(zygote::Zygote, zygote::Zygote)>,
    scratch: &Path,
    limits: &Limits,
    program: &TestProgram,
    code: &str,
) -> Result<Executed, VerifierError> {
    // Two sequence numbers: the two sides get different uids (root daemon), so the
    // candidate cannot signal or trace the runner even without namespaces.
    let seq = next_seq();
    let job = Job::new(program).to_bytes();
    let raw = match (zygotes, launcher.run_uid(2 * seq), launcher.run_uid(2 * seq + 1)) {
        (Some((cz, tz)), Some(cuid), Some(tuid)) => {
            let (c, t) = (Start::Fork { zygote: cz, uid: cuid }, Start::Fork { zygote: tz, uid: tuid });
            sandbox::run_pair(c, code.as_bytes(), t, &job, limits).await?
        }
        _ => {
            // The run dirs (modes other than bwrap) live until the run is over.
            let (candidate, _candidate_dir) = launcher.prepare(scratch, 2 * seq, CANDIDATE_PYC)?;
            let (trusted, _trusted_dir) = launcher.prepare(scratch, 2 * seq + 1, TRUSTED_PYC)?;
            sandbox::run_pair(Start::Spawn(&candidate), code.as_bytes(), Start::Spawn(&trusted), &job, limits).await?
        }
    };
    let stderr = String::from_utf8_lossy(&raw.trusted_stderr.bytes[..raw.trusted_stderr.bytes.len().min(2000)]).into_owned();
    let assembled = protocol::assemble(&raw.results, &raw.end, &stderr)?;
    Ok(Executed { raw, assembled })
}

/// Write the two scripts into `<scratch>/harness` and compile them with the verifier's
/// own interpreter (so the bytecode matches it); every run then loads bytecode instead
/// of compiling ~600 lines. World-readable: a root daemon's runs use other uids.
async fn compile_harness(python: &Path, scratch: &Path) -> Result<PathBuf, VerifierError> {
    use std::os::unix::fs::PermissionsExt;
    let dir = scratch.join("harness");
    std::fs::create_dir_all(&dir).map_err(|e| VerifierError::io("create", &dir, e))?;
    let mut args: Vec<std::ffi::OsString> = vec!["-S".into(), "-s".into(), "-c".into(), COMPILE.into()];
    for (name, source, pyc) in [("candidate.py", CANDIDATE, CANDIDATE_PYC), ("trusted.py", TRUSTED, TRUSTED_PYC), ("zygote.py", ZYGOTE, "zygote.pyc")] {
        let src = dir.join(name);
        std::fs::write(&src, source).map_err(|e| VerifierError::io("write", &src, e))?;
        args.extend([src.into_os_string(), dir.join(pyc).into_os_string(), name.into()]);
    }
    let out = tokio::process::Command::new(python)
        .args(&args)
        .stdin(std::process::Stdio::null())
        .output()
        .await
        .map_err(|source| VerifierError::Spawn { program: python.into(), source })?;
    if !out.status.success() {
        return Err(VerifierError::Harness {
            detail: format!("compiling the sandbox scripts failed ({})", out.status),
            stderr: String::from_utf8_lossy(&out.stderr).chars().take(2000).collect(),
        });
    }
    for entry in [dir.join(CANDIDATE_PYC), dir.join(TRUSTED_PYC), dir.join("zygote.pyc")] {
        std::fs::set_permissions(&entry, std::fs::Permissions::from_mode(0o644)).map_err(|e| VerifierError::io("chmod", &entry, e))?;
    }
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).map_err(|e| VerifierError::io("chmod", &dir, e))?;
    Ok(dir)
}

/// Compiles (source, pyc, display name) triples given as arguments.
const COMPILE: &str = "import py_compile, sys\na = sys.argv[1:]\nfor i in range(0, len(a), 3):\n    \
                       py_compile.compile(a[i], cfile=a[i + 1], dfile=a[i + 2], doraise=True)\n";

/// A launcher works if a trivial correct candidate passes under it.
async fn probe(launcher: &Launcher, zygotes: Option<&(zygote::Zygote, zygote::Zygote)>, scratch: &Path, limits: &Limits) -> Result<(), VerifierError> {
    let program = TestProgram::from_asserts("", ["assert f() == 1"]);
    let run = execute(launcher, zygotes, scratch, limits, &program, "def f():\n    return 1\n").await?;
    match run.assembled.tests.first() {
        Some(t) if t.outcome.is_pass() => Ok(()),
        other => Err(VerifierError::Harness {
            detail: format!("probe candidate did not pass: {:?}, run {}", other.map(|t| &t.detail), run.raw.end),
            stderr: format!(
                "candidate: {}; tests: {}",
                String::from_utf8_lossy(&run.raw.stderr.bytes).chars().take(500).collect::<String>(),
                String::from_utf8_lossy(&run.raw.trusted_stderr.bytes).chars().take(500).collect::<String>()
            ),
        }),
    }
}
