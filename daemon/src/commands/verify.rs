//! `rlvrd verify --mbpp-id N --code FILE [--json]`: run one piece of code against an
//! MBPP task through the real verifier and print the outcome, per-test results, Ruff
//! diagnostics and the reward components.

use std::path::PathBuf;

use anyhow::{bail, Context};

use rlvrd::config::Config;
use rlvrd::reward::{Verdict, Verifier};
use rlvrd::tasks::{mbpp_tasks, Problem};

/// Options of `rlvrd verify`.
#[derive(clap::Args)]
pub struct VerifyOpts {
    /// MBPP task id whose tests to run (1..=974).
    #[arg(long)]
    pub mbpp_id: u32,
    /// File with the candidate (a completion: fenced code or bare code; chat noise is
    /// stripped as in training).
    #[arg(long)]
    pub code: PathBuf,
    /// MBPP JSON Lines file (default: the copy bundled into rlvrd, examples/data/mbpp/mbpp.jsonl).
    #[arg(long)]
    pub mbpp_file: Option<PathBuf>,
    /// Treat the candidate as truncated at the token budget (overlong penalty).
    #[arg(long)]
    pub truncated: bool,
    #[arg(long)]
    pub json: bool,
}

pub fn run(cfg: &Config, opts: &VerifyOpts) -> anyhow::Result<()> {
    let (name, tasks) = mbpp_tasks(opts.mbpp_file.as_deref())?;
    let Some(task) = tasks.into_iter().find(|t| t.local_id == opts.mbpp_id.to_string()) else {
        bail!("no MBPP task {} in {name}", opts.mbpp_id);
    };
    let problem = Problem::from_task(&task);
    let completion = std::fs::read_to_string(&opts.code).with_context(|| format!("cannot read {}", opts.code.display()))?;
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    let (verdict, isolation) = rt.block_on(async {
        let verifier = Verifier::new(&cfg.sandbox, &cfg.reward).await?;
        let verdict = verifier.verify(&problem.program, &completion, opts.truncated).await?;
        anyhow::Ok((verdict, verifier.isolation()))
    })?;
    if opts.json {
        println!("{}", serde_json::to_string_pretty(&verdict)?);
    } else {
        print_human(&task.local_id, &problem.text, &verdict, &isolation.to_string());
    }
    Ok(())
}

fn print_human(id: &str, text: &str, v: &Verdict, isolation: &str) {
    println!("task {id}: {text}");
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
