//! `rlvrd train --steps N`: the training loop in the foreground without the RPC
//! server — the same engine, stores and checkpoints the daemon uses — printing one
//! metrics line per step (and appending JSON Lines to the state dir's metrics.jsonl
//! and optionally to `--metrics-out`).

use std::io::Write;
use std::path::PathBuf;

use rlvr_client::metrics::StepRecord;
use rlvr_client::{TrainEvent, TrainState};
use rlvrd::{Config, Daemon, DaemonHandle, TrainCmd};
use tokio_util::sync::CancellationToken;

#[derive(clap::Args)]
pub struct TrainOpts {
    #[arg(long)]
    pub steps: u64,
    /// Also stop after the step that ends past this wall-clock budget (minutes; the
    /// learning-curve benchmark trains for a fixed budget).
    #[arg(long)]
    pub max_minutes: Option<f64>,
    /// Also append each step's metrics as JSON Lines to this file.
    #[arg(long)]
    pub metrics_out: Option<PathBuf>,
    /// Print JSON Lines instead of the human summary.
    #[arg(long)]
    pub json: bool,
    /// Print nothing per step (benchmarks).
    #[arg(skip)]
    pub quiet: bool,
}

/// Train `o.steps` steps (for benchmarks: own runtime, no signal handling) and return
/// their records.
pub fn run_steps(cfg: &Config, o: &TrainOpts) -> anyhow::Result<Vec<StepRecord>> {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
    rt.block_on(train(cfg.clone(), o, CancellationToken::new()))
}

/// Train until `o.steps` more steps, `o.max_minutes` or `shutdown`; the daemon without
/// its endpoint, through the same library API an embedder uses.
pub async fn train(cfg: Config, o: &TrainOpts, shutdown: CancellationToken) -> anyhow::Result<Vec<StepRecord>> {
    // Everything that can fail before training is opened first: once the daemon runs,
    // every way out goes through its shutdown (final checkpoint, engine joined, lock
    // released).
    let mut out = match &o.metrics_out {
        Some(p) => Some(std::fs::OpenOptions::new().create(true).append(true).open(p).map_err(|e| anyhow::anyhow!("cannot open {}: {e}", p.display()))?),
        None => None,
    };
    // Started below, once subscribed, so no step is missed.
    let daemon = Daemon::builder(cfg).rpc(false).autostart(false).shutdown_on(shutdown.clone()).spawn().await?;
    let result = follow(&daemon, o, &shutdown, out.as_mut()).await;
    // Stopping writes the final checkpoint; shutdown joins the engine and unlocks.
    let _ = daemon.train(TrainCmd::Stop).await;
    daemon.shutdown().await;
    if result.is_ok() && shutdown.is_cancelled() {
        // Not a finished run: scripts driving `rlvrd train` must not count it as one.
        anyhow::bail!("interrupted; the final checkpoint was written and the next run resumes from it");
    }
    result
}

/// Start training and print its steps until a stop condition.
async fn follow(daemon: &DaemonHandle, o: &TrainOpts, shutdown: &CancellationToken, mut out: Option<&mut std::fs::File>) -> anyhow::Result<Vec<StepRecord>> {
    let state_dir = daemon.state_dir().to_path_buf();
    let mut events = daemon.events();
    let start = daemon.train(TrainCmd::Start).await?;
    let target = start.step + o.steps;
    eprintln!("training from step {} to {target} on {} train tasks (state in {})", start.step, start.train_tasks, state_dir.display());
    let mut records = Vec::new();
    let deadline = o.max_minutes.map(|m| std::time::Instant::now() + std::time::Duration::from_secs_f64(m.max(0.0) * 60.0));
    loop {
        tokio::select! {
            _ = shutdown.cancelled() => break,
            ev = events.recv() => match ev {
                Ok(TrainEvent::Step { record: r }) => {
                    if let Some(f) = out.as_deref_mut() {
                        writeln!(f, "{}", serde_json::to_string(&r)?)?;
                    }
                    records.push(r.clone());
                    if o.json && !o.quiet {
                        println!("{}", serde_json::to_string(&r)?);
                    } else if !o.quiet {
                        println!(
                            "step {:>5}  reward {:>6.3} (tests {:.3}, ruff {:.3})  pass {:>5.1}%  len {:>5.1}  zero-var {:>4.0}%  clip {:.3}  kl {:.4}  grad {:.3}  lr {:.1e}  gen {:.1}s  verify {:.1}s  update {:.1}s",
                            r.step, r.mean_reward,
                            r.reward_components.get("tests").copied().unwrap_or(0.0),
                            r.reward_components.get("ruff").copied().unwrap_or(0.0),
                            r.pass_rate * 100.0, r.completion_length.mean_tokens, r.zero_variance_frac * 100.0,
                            r.clip_frac, r.kl, r.grad_norm, r.lr, r.generate_s, r.verify_s, r.update_s
                        );
                    }
                    if r.step >= target || deadline.is_some_and(|d| std::time::Instant::now() >= d) {
                        break;
                    }
                }
                Ok(TrainEvent::State { state: TrainState::Paused }) => {
                    // The engine records why it paused; name it instead of pointing at a log.
                    let why = daemon.status().error.unwrap_or_else(|| "see the log".to_string());
                    anyhow::bail!("training paused by an error: {why}");
                }
                Ok(_) => {}
                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                Err(_) => break,
            }
        }
    }
    Ok(records)
}
