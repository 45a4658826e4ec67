//! `rlvrctl watch`: live training progress over the `train_subscribe` subscription
//! (WebSocket): one line per step with a reward sparkline, plus checkpoints, evals
//! and state changes as they happen.

use std::collections::VecDeque;

use rlvr_client::client::Connection;
use rlvr_client::{RlvrApiClient, TrainEvent};

use crate::output::describe;
use crate::Ctx;

const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// Unicode sparkline of `v` scaled to its own min..max.
pub fn sparkline(v: &VecDeque<f64>) -> String {
    let (lo, hi) = v.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &x| (a.min(x), b.max(x)));
    v.iter()
        .map(|&x| {
            let t = if hi > lo { (x - lo) / (hi - lo) } else { 0.5 };
            BARS[((t * 7.0).round() as usize).min(7)]
        })
        .collect()
}

fn bar(done: u64, total: u64, width: usize) -> String {
    let filled = if total == 0 { 0 } else { ((done as f64 / total as f64) * width as f64).round() as usize };
    format!("[{}{}]", "#".repeat(filled.min(width)), ".".repeat(width - filled.min(width)))
}

pub async fn run(ctx: &Ctx, token: Option<&str>, count: Option<usize>) -> Result<(), String> {
    let ws_url = ctx.url.replacen("http://", "ws://", 1);
    let conn = Connection::open(&ws_url, token, std::time::Duration::from_secs(30)).await.map_err(|e| e.to_string())?;
    let Connection::Ws(client) = &conn else { return Err("watch needs a WebSocket connection".into()) };
    let status = client.train_status().await.map_err(|e| describe(&ctx.url, e))?;
    let every = status.next_checkpoint_step.map(|n| n.saturating_sub(status.step)).unwrap_or(0);
    eprintln!("watching rlvrd at {ws_url}: {:?} at step {} ({}); Ctrl-C to stop", status.state, status.step, status.phase);
    let mut sub = client.train_subscribe().await.map_err(|e| describe(&ctx.url, e))?;
    let mut rewards: VecDeque<f64> = VecDeque::new();
    let mut seen = 0usize;
    let ckpt_every = if every > 0 { status.next_checkpoint_step.unwrap_or(0) } else { 0 };
    let _ = ckpt_every;
    while let Some(ev) = sub.next().await {
        let ev = ev.map_err(|e| format!("subscription ended: {e}"))?;
        if ctx.json {
            println!("{}", serde_json::to_string(&ev).unwrap_or_default());
        } else {
            match &ev {
                TrainEvent::Step { record: r } => {
                    rewards.push_back(r.mean_reward);
                    if rewards.len() > 30 {
                        rewards.pop_front();
                    }
                    let cycle = if every > 0 { r.step % every } else { 0 };
                    println!(
                        "step {:>5}  reward {:>6.3} {:<30}  pass {:>3.0}%  len {:>4.0}  zero-var {:>3.0}%  {:>5.1}s {}",
                        r.step,
                        r.mean_reward,
                        sparkline(&rewards),
                        r.pass_rate * 100.0,
                        r.completion_length.mean_tokens,
                        r.zero_variance_frac * 100.0,
                        r.generate_s + r.verify_s + r.update_s,
                        if every > 0 { bar(cycle, every, 10) } else { String::new() },
                    );
                }
                TrainEvent::Checkpoint { id, step } => println!("checkpoint {id} saved at step {step}"),
                TrainEvent::Eval { record: e } => println!("eval of {} at step {}: pass@1 {:.1}% on {} tasks", e.adapter, e.step, e.pass_at_1 * 100.0, e.tasks),
                TrainEvent::Promotion { promoted, adapter, reasons } => {
                    println!("{} {adapter}: {}", if *promoted { "promoted" } else { "not promoted" }, reasons.join("; "))
                }
                TrainEvent::TaskErrors { count, first } => println!("task errors: {count} ({})", first.clone().unwrap_or_default()),
                TrainEvent::State { state } => println!("training {state:?}"),
            }
        }
        if matches!(ev, TrainEvent::Step { .. }) {
            seen += 1;
            if count.is_some_and(|c| seen >= c) {
                break;
            }
        }
    }
    Ok(())
}
