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
    /// mbpp.jsonl; default: the copy bundled into the binary.
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

/// The MBPP tasks of `explicit`, or of the copy bundled into the binary.
pub fn load_mbpp(explicit: Option<&Path>) -> anyhow::Result<(String, Vec<MbppTask>)> {
    let (name, text) = match explicit {
        Some(path) => {
            let text = std::fs::read_to_string(path).with_context(|| format!("cannot read MBPP file {}", path.display()))?;
            (path.display().to_string(), text)
        }
        None => (crate::tasks::bundled::MBPP_JSONL_NAME.to_string(), crate::tasks::bundled::MBPP_JSONL.to_string()),
    };
    let tasks = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| serde_json::from_str(l).with_context(|| format!("{name}:{}: not an MBPP task", i + 1)))
        .collect::<anyhow::Result<_>>()?;
    Ok((name, tasks))
}

pub fn run(cfg: &Config, opts: &VerifyOpts) -> anyhow::Result<()> {
    let (name, tasks) = load_mbpp(opts.mbpp_file.as_deref())?;
    let Some(task) = tasks.into_iter().find(|t| t.task_id == opts.mbpp_id) else {
        bail!("no MBPP task {} in {name}", opts.mbpp_id);
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
