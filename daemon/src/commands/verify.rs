//! `rlvrd verify --mbpp-id N --code FILE [--json]`: run one piece of code against an
//! MBPP task through the real verifier and print the outcome, per-test results, Ruff
//! diagnostics and the reward components.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use serde::Deserialize;

use crate::config::Config;
use crate::reward::{TestProgram, Verdict, Verifier};

/// Options of `rlvrd verify`.
pub struct VerifyOpts {
    /// MBPP task id (1..=974).
    pub mbpp_id: u32,
    /// File with the completion (fences and chat noise are stripped as in training).
    pub code: PathBuf,
    /// mbpp.jsonl; default: see [`default_mbpp_path`].
    pub mbpp_file: Option<PathBuf>,
    /// The completion was cut at max_new_tokens (applies `overlong_penalty`).
    pub truncated: bool,
    pub json: bool,
}

/// One line of MBPP's `mbpp.jsonl`.
#[derive(Debug, Clone, Deserialize)]
pub struct MbppTask {
    pub task_id: u32,
    pub text: String,
    pub code: String,
    pub test_setup_code: String,
    pub test_list: Vec<String>,
}

impl MbppTask {
    /// Run order for a verdict: solution, then `test_setup_code`, then the asserts.
    pub fn program(&self) -> TestProgram {
        TestProgram::from_asserts(self.test_setup_code.clone(), self.test_list.clone())
    }
}

/// `$RLVRD_MBPP`, else `shared/data/mbpp/mbpp.jsonl` next to the current directory or
/// next to the source checkout.
pub fn default_mbpp_path() -> Option<PathBuf> {
    let candidates = [
        std::env::var_os("RLVRD_MBPP").map(PathBuf::from),
        Some(PathBuf::from("../shared/data/mbpp/mbpp.jsonl")),
        Some(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/data/mbpp/mbpp.jsonl")),
    ];
    candidates.into_iter().flatten().find(|p| p.is_file())
}

pub fn load_mbpp(path: &Path) -> anyhow::Result<Vec<MbppTask>> {
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| serde_json::from_str(l).with_context(|| format!("{}:{}: not an MBPP task", path.display(), i + 1)))
        .collect()
}

pub(crate) fn mbpp_file(explicit: &Option<PathBuf>) -> anyhow::Result<PathBuf> {
    match explicit.clone().or_else(default_mbpp_path) {
        Some(p) => Ok(p),
        None => bail!("mbpp.jsonl not found: pass its path or set RLVRD_MBPP"),
    }
}

pub fn run(cfg: &Config, opts: &VerifyOpts) -> anyhow::Result<()> {
    let path = mbpp_file(&opts.mbpp_file)?;
    let tasks = load_mbpp(&path)?;
    let Some(task) = tasks.into_iter().find(|t| t.task_id == opts.mbpp_id) else {
        bail!("no MBPP task {} in {}", opts.mbpp_id, path.display());
    };
    let completion = std::fs::read_to_string(&opts.code).with_context(|| format!("cannot read {}", opts.code.display()))?;
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    let (verdict, isolation) = rt.block_on(async {
        let verifier = Verifier::new(&cfg.sandbox, &cfg.reward).await?;
        let verdict = verifier.verify(&task.program(), &completion, opts.truncated).await?;
        anyhow::Ok((verdict, verifier.isolation()))
    })?;
    if opts.json {
        println!("{}", serde_json::to_string_pretty(&verdict)?);
    } else {
        print_human(&task, &verdict, &isolation.to_string());
    }
    Ok(())
}

fn print_human(task: &MbppTask, v: &Verdict, isolation: &str) {
    println!("task {}: {}", task.task_id, task.text);
    println!("outcome: {}  ({}/{} tests passed, {:.2} s, isolation {isolation})", v.outcome, v.passed, v.total, v.wall_s);
    for t in &v.tests {
        let detail = if t.detail.is_empty() { String::new() } else { format!("  {}", t.detail) };
        println!("  {:<18} {:<12} {}{detail}", t.outcome.as_str(), t.name, t.source.lines().next().unwrap_or(""));
    }
    match &v.ruff {
        None => println!("ruff: no code"),
        Some(r) if r.diagnostics.is_empty() => println!("ruff: clean"),
        Some(r) => {
            println!("ruff: {} error, {} warning, {} info, {} convention", r.profile.error, r.profile.warning, r.profile.info, r.profile.convention);
            for d in &r.diagnostics {
                println!("  {}:{} {:<14} {:?} {}", d.row, d.col, d.code, d.severity, d.message);
            }
        }
    }
    let r = &v.reward;
    println!(
        "reward ({:?}): {:.4} = tests {:.4}, ruff {:.4} (weighted diagnostics {:.2}), penalty {:.4}",
        r.kind, r.total, r.tests, r.ruff, r.ruff_weighted, r.penalty
    );
    for (name, e) in [("stdout", &v.stdout), ("stderr", &v.stderr)] {
        if e.bytes > 0 {
            let more = if e.truncated { format!(" (first {} of {} bytes)", e.text.len(), e.bytes) } else { String::new() };
            println!("{name}{more}:\n{}", e.text.trim_end());
        }
    }
}
