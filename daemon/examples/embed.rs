//! Embedding rlvrd in a Rust program: start the daemon in-process (no RPC endpoint),
//! train two steps on a task directory of its own, ask the adapter for a completion,
//! and shut down (which writes the final checkpoint and releases the state dir).
//!
//! ```text
//! cargo run -p rlvrd --example embed                # the embedded default (SmolLM2)
//! cargo run -p rlvrd --example embed -- MODEL_PATH  # a .gguf or a HF snapshot directory
//! ```
//!
//! The default model is the one `scripts/setup.sh` fetches. The tests run this
//! example with the tiny random model in `tests/fixtures/tiny-llama`.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use rlvr_client::{CompleteParams, TrainEvent, TrainState};
use rlvrd::{Config, Daemon, TrainCmd};

/// Two small tasks in the per-task folder format (`task.toml` + `test_task.py`).
fn write_tasks(root: &Path) -> anyhow::Result<()> {
    for (name, prompt, tests) in [
        ("add", "Write a function add(a, b) that returns the sum of a and b.", "assert add(1, 2) == 3\nassert add(-1, 1) == 0\n"),
        ("first", "Write a function first(xs) that returns the first element of the list xs.", "assert first([3, 4]) == 3\nassert first(['a']) == 'a'\n"),
    ] {
        let dir = root.join(name);
        std::fs::create_dir_all(&dir)?;
        std::fs::write(dir.join("task.toml"), format!("id = \"{name}\"\nprompt = \"{prompt}\"\nsplit = \"train\"\n"))?;
        std::fs::write(dir.join("test_task.py"), tests)?;
    }
    Ok(())
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    let model = match std::env::args_os().nth(1) {
        // Relative paths in a config are relative to the config's directory: make it absolute.
        Some(p) => std::path::absolute(PathBuf::from(p))?,
        None => rlvrd::config::default_cache_dir().join("models/SmolLM2-135M-Instruct.Q4_1.gguf"),
    };
    let work = tempfile::tempdir()?;
    let tasks = work.path().join("tasks");
    write_tasks(&tasks)?;
    // A config is TOML whether it comes from a file or from code; every key not given
    // keeps its default, and the same validation applies.
    let toml = format!(
        "state_dir = {state:?}\n\
         [model]\npath = {model:?}\nmax_seq_len = 512\n\
         [tasks]\ndir = {tasks:?}\nwatch = false\n\
         [rl]\ngroup_size = 2\ntasks_per_step = 1\nmax_new_tokens = 16\nwarmup_steps = 0\n",
        state = work.path().join("state").display().to_string(),
        model = model.display().to_string(),
        tasks = tasks.display().to_string(),
    );
    let config = Config::from_toml(&toml, "embed.toml", work.path()).context("config")?;

    let daemon = Daemon::builder(config).rpc(false).autostart(false).spawn().await?;
    // Subscribe before starting, so no step is missed.
    let mut events = daemon.events();
    let started = daemon.train(TrainCmd::Start).await?;
    println!("training from step {} on {} tasks", started.step, started.train_tasks);
    let mut steps = 0;
    while steps < 2 {
        match events.recv().await? {
            TrainEvent::Step { record } => {
                steps += 1;
                println!(
                    "step {}: mean reward {:.3}, pass rate {:.2}, {:.1} s generating",
                    record.step, record.mean_reward, record.pass_rate, record.generate_s
                );
            }
            TrainEvent::State { state: TrainState::Paused } => {
                bail!("training paused: {}", daemon.status().error.unwrap_or_default());
            }
            _ => {}
        }
    }
    daemon.train(TrainCmd::Pause).await?;

    let params = CompleteParams { prefix: "def add(a, b):\n".into(), max_tokens: Some(16), ..Default::default() };
    let done = daemon.complete(params).await?;
    println!("completion ({}, {} tokens, adapter {}): {:?}", done.finish_reason, done.completion_tokens, done.adapter, done.text);

    let saved = daemon.checkpoint_save().await?;
    println!("checkpoint {} at step {}", saved.id, saved.step);
    daemon.shutdown().await;
    println!("stopped; state in {}", work.path().join("state").display());
    Ok(())
}
