//! `rlvrd bench verify`: sandboxed runs per second over the MBPP reference solutions
//! with the configured pool, and Ruff's time per candidate, printed as JSON.

use std::path::PathBuf;
use std::time::Instant;

use serde_json::json;

use rlvrd::config::Config;
use rlvrd::reward::{Outcome, TestProgram, Verifier};
use rlvrd::tasks::{mbpp_tasks, Problem};

/// Options of `rlvrd bench verify`.
#[derive(clap::Args)]
pub struct BenchVerifyOpts {
    /// MBPP JSON Lines file (default: the bundled copy).
    #[arg(long)]
    pub mbpp_file: Option<PathBuf>,
    /// Only the first N tasks (all when None).
    #[arg(long)]
    pub limit: Option<usize>,
}

pub fn run(cfg: &Config, o: &BenchVerifyOpts) -> anyhow::Result<()> {
    let (_, all) = mbpp_tasks(o.mbpp_file.as_deref())?;
    // (program, reference solution) of every task that has one.
    let mut tasks: Vec<Reference> = all.iter().filter_map(|t| Some(Reference { program: Problem::from_task(t).program, code: t.solution.clone()? })).collect();
    if let Some(n) = o.limit {
        tasks.truncate(n);
    }
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    let v = rt.block_on(async move {
        let verifier = Verifier::new(&cfg.sandbox, &cfg.reward).await?;
        // Warm-up: page cache, first bwrap/python start.
        verifier.verify_code(&tasks[0].program, &tasks[0].code, false).await?;

        let started = Instant::now();
        let mut set = tokio::task::JoinSet::new();
        for t in tasks.iter().cloned() {
            let verifier = verifier.clone();
            set.spawn(async move { verifier.verify_code(&t.program, &t.code, false).await });
        }
        let (mut passed, mut runs) = (0usize, 0usize);
        while let Some(r) = set.join_next().await {
            let verdict = r??;
            runs += 1;
            passed += usize::from(verdict.outcome == Outcome::Pass);
        }
        let secs = started.elapsed().as_secs_f64();

        // What training does: a group of 8 completions of one task, Ruff once for the
        // group, the runs sharing the pool. 8 copies of each reference solution.
        let grouped: Vec<_> = tasks.iter().take(128).cloned().collect();
        let t = Instant::now();
        let mut set = tokio::task::JoinSet::new();
        for task in grouped.iter().cloned() {
            let verifier = verifier.clone();
            set.spawn(async move {
                let completions = vec![(task.code.clone(), false); 8];
                verifier.verify_group(&task.program, &completions).await
            });
        }
        let mut group_runs = 0usize;
        while let Some(r) = set.join_next().await {
            group_runs += r??.len();
        }
        let group_secs = t.elapsed().as_secs_f64();

        // Ruff alone: one process per candidate, and one per GRPO-sized group of 8.
        let codes: Vec<&str> = tasks.iter().map(|t| t.code.as_str()).take(200).collect();
        let t = Instant::now();
        for c in &codes {
            verifier.lint(&[c]).await?;
        }
        let ruff_single_ms = t.elapsed().as_secs_f64() * 1e3 / codes.len() as f64;
        let t = Instant::now();
        for group in codes.chunks(8) {
            verifier.lint(group).await?;
        }
        let ruff_group_ms = t.elapsed().as_secs_f64() * 1e3 / codes.len() as f64;

        let info = verifier.info();
        anyhow::Ok(json!({
            "bench": "verify",
            "runs": runs,
            "passed": passed,
            "seconds": secs,
            "runs_per_s": runs as f64 / secs,
            "group_runs": group_runs,
            "runs_per_s_in_groups_of_8": group_runs as f64 / group_secs,
            "workers": info.workers,
            "isolation": info.isolation,
            "python": info.python_version,
            "ruff": info.ruff_version,
            "ruff_ms_per_candidate": ruff_single_ms,
            "ruff_ms_per_candidate_in_groups_of_8": ruff_group_ms,
        }))
    })?;
    println!("{}", serde_json::to_string_pretty(&v)?);
    Ok(())
}

/// A task's tests and its reference solution.
#[derive(Clone)]
struct Reference {
    program: TestProgram,
    code: String,
}
