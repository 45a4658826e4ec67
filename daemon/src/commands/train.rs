//! `rlvrd train --steps N`: the training loop in the foreground without the RPC
//! server — the same engine, stores and checkpoints the daemon uses — printing one
//! metrics line per step (and appending JSON Lines to the state dir's metrics.jsonl
//! and optionally to `--metrics-out`).

use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;

use rlvr_client::metrics::StepRecord;
use rlvr_client::{TrainEvent, TrainState};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::config::Config;
use crate::engine::TrainCmd;
use crate::service::lock::StateLock;
use crate::shared::Shared;

pub struct TrainOpts {
    pub steps: u64,
    pub metrics_out: Option<PathBuf>,
    pub json: bool,
    /// Print nothing per step (benchmarks).
    pub quiet: bool,
}

pub fn run(cfg: &Config, o: &TrainOpts) -> anyhow::Result<()> {
    run_steps(cfg, o).map(|_| ())
}

/// Train `o.steps` steps and return their records.
pub fn run_steps(cfg: &Config, o: &TrainOpts) -> anyhow::Result<Vec<StepRecord>> {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
    rt.block_on(train(cfg.clone(), o))
}

async fn train(mut cfg: Config, o: &TrainOpts) -> anyhow::Result<Vec<StepRecord>> {
    cfg.rl.autostart = false; // started below, once subscribed, so no step is missed
    let state_dir = cfg.state_dir();
    let _lock = StateLock::acquire(&state_dir)?;
    let shutdown = CancellationToken::new();
    crate::cancel_on_signals(shutdown.clone());
    let shared = Arc::new(Shared::new(state_dir.clone(), crate::backend::describe(&cfg.backend), shutdown.clone()));
    let tracker = TaskTracker::new();
    let (services, engine_thread) = crate::start_engine(&cfg, shared.clone(), &shutdown, &tracker).await?;
    let mut events = services.events.subscribe();
    let start = services.engine.train(TrainCmd::Start).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    let target = start.step + o.steps;
    eprintln!("training from step {} to {target} on {} train tasks (state in {})", start.step, start.train_tasks, state_dir.display());
    let mut out = match &o.metrics_out {
        Some(p) => Some(std::fs::OpenOptions::new().create(true).append(true).open(p)?),
        None => None,
    };
    let mut failed = None;
    let mut records = Vec::new();
    loop {
        tokio::select! {
            _ = shutdown.cancelled() => break,
            ev = events.recv() => match ev {
                Ok(TrainEvent::Step { record: r }) => {
                    if let Some(f) = out.as_mut() {
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
                    if r.step >= target {
                        break;
                    }
                }
                Ok(TrainEvent::State { state: TrainState::Paused }) => {
                    // The engine records why it paused; name it instead of pointing at a log.
                    let why = shared.status().error.unwrap_or_else(|| "see the log".to_string());
                    failed = Some(format!("training paused by an error: {why}"));
                    break;
                }
                Ok(_) => {}
                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                Err(_) => break,
            }
        }
    }
    // Stopping writes the final checkpoint.
    let _ = services.engine.train(TrainCmd::Stop).await;
    shutdown.cancel();
    drop(services);
    let _ = tokio::task::spawn_blocking(move || engine_thread.join()).await;
    tracker.close();
    tracker.wait().await;
    match failed {
        Some(e) => anyhow::bail!(e),
        None => Ok(records),
    }
}
