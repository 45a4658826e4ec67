//! rlvrd binary: parse arguments, load the config, hand over to the library.
//!
//! Exit codes: 0 clean stop, 1 runtime failure, 2 bad configuration or arguments.

mod commands;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use rlvrd::config::Config;
use tokio_util::sync::CancellationToken;

#[derive(Parser)]
#[command(name = "rlvrd", version, about = "Verifier-in-the-loop RL fine-tuning daemon")]
struct Cli {
    /// Config file. Default: $XDG_CONFIG_HOME/rlvrd/config.toml, then
    /// /etc/rlvrd/config.toml, else built-in defaults.
    #[arg(long, short, global = true)]
    config: Option<PathBuf>,
    #[command(subcommand)]
    cmd: Option<Cmd>,
}

#[derive(Subcommand)]
enum Cmd {
    /// Run the daemon (the default).
    Run,
    /// Validate a config file and print the resolved configuration.
    CheckConfig {
        /// The file to check.
        path: PathBuf,
    },
    /// Generate a completion once from the command line (no daemon).
    Generate(GenerateArgs),
    /// Verify a candidate solution: run its tests in the sandbox, lint it with Ruff and
    /// print outcome, per-test results, diagnostics and reward components.
    Verify(commands::verify::VerifyOpts),
    /// Run N trainer steps in the foreground (no RPC server), one metrics line per step.
    Train(commands::train::TrainOpts),
    /// Evaluate the base model or a PEFT adapter directory on the eval tasks (or any
    /// MBPP file and id range).
    Eval(commands::eval::EvalOpts),
    /// Paired comparison of two eval results (`rlvrd eval --json` or `--out` files):
    /// pass@1 with 95% Wilson intervals, tasks gained / lost, exact McNemar p-value.
    Compare(commands::eval::CompareOpts),
    /// Benchmarks; each prints JSON.
    #[command(subcommand)]
    Bench(BenchCmd),
}

#[derive(clap::Args)]
struct GenerateArgs {
    /// Prompt text (the user turn; the chat template is applied unless --raw).
    #[arg(long, conflicts_with = "prompt_file", required_unless_present = "prompt_file")]
    prompt: Option<String>,
    /// Read the prompt from a file.
    #[arg(long)]
    prompt_file: Option<PathBuf>,
    /// Greedy decoding (deterministic).
    #[arg(long)]
    greedy: bool,
    #[arg(long, default_value_t = 128)]
    max_tokens: usize,
    #[arg(long, default_value_t = 0.7)]
    temperature: f32,
    #[arg(long, default_value_t = 0.95)]
    top_p: f32,
    #[arg(long, default_value_t = 0)]
    top_k: usize,
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Completions to sample from the same prompt.
    #[arg(long, default_value_t = 1)]
    n: usize,
    /// Send the prompt as is, without the chat template.
    #[arg(long)]
    raw: bool,
    /// Stop strings (repeatable).
    #[arg(long)]
    stop: Vec<String>,
    /// Print prompt ids, generated ids, text, log-probs and timings as JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Subcommand)]
enum BenchCmd {
    /// Prefill / decode tokens per second and peak RSS.
    Generate {
        /// Use seeded random weights shaped by this HF config.json (no checkpoint needed).
        #[arg(long)]
        synthetic: Option<PathBuf>,
        /// Override `[backend] kind`.
        #[arg(long)]
        backend: Option<rlvrd::config::BackendKind>,
        #[arg(long, default_value_t = 128)]
        prompt_tokens: usize,
        #[arg(long, default_value_t = 64)]
        new_tokens: usize,
        /// Batches for the decode measurement, comma-separated (8 = a GRPO group).
        #[arg(long, value_delimiter = ',', default_value = "1,8,32")]
        batch: Vec<usize>,
        /// Prompt tokens of the time-to-first-token measurement (0 = skip).
        #[arg(long, default_value_t = 1500)]
        ttft_tokens: usize,
        /// Override `[model] inference_weights` (auto, q8_0, f32, off).
        #[arg(long)]
        inference_weights: Option<rlvrd::model::cpu::InferenceWeights>,
        #[arg(long, default_value_t = 3)]
        repeats: usize,
    },
    /// Seconds per trainer step (generate / verify / update) and peak RSS.
    Train {
        #[arg(long, default_value_t = 8)]
        group: usize,
        #[arg(long, default_value_t = 4)]
        prompts: usize,
        #[arg(long, default_value_t = 128)]
        new_tokens: usize,
        #[arg(long, default_value_t = 1)]
        steps: u64,
        /// Sequences per forward/backward in the update (default: the group size).
        #[arg(long)]
        micro_batch: Option<usize>,
        /// Keep every block's activations in the update instead of recomputing them
        /// (`rl.checkpoint_activations = false`).
        #[arg(long)]
        no_checkpoint_activations: bool,
        /// Override `[backend] kind`.
        #[arg(long)]
        backend: Option<rlvrd::config::BackendKind>,
    },
    /// `complete` latency under concurrent load against a running daemon.
    Serve(commands::bench_serve::BenchServeOpts),
    /// Sandboxed runs per second on MBPP reference solutions, and Ruff time per candidate.
    Verify(commands::bench_verify::BenchVerifyOpts),
    /// wgpu vs CPU backend vs transformers reference logits.
    Parity {
        /// Folder with the tiny-llama / tiny-qwen3 fixtures.
        #[arg(long, default_value = "tests/fixtures")]
        fixtures: PathBuf,
        /// Also compare a full-size model with random weights shaped by this config.json.
        #[arg(long)]
        synthetic: Option<PathBuf>,
    },
}

/// Run a one-shot command with the config loaded; errors print as one message, exit 1.
fn one_shot(config: Option<&PathBuf>, f: impl FnOnce(&Config) -> anyhow::Result<()>) -> ExitCode {
    let (cfg, _) = match load(config) {
        Ok(c) => c,
        Err(code) => return code,
    };
    if std::env::var_os("RUST_LOG").is_some() {
        rlvrd::init_logging(&cfg.logging);
    }
    match f(&cfg) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("rlvrd: {e:#}");
            ExitCode::from(1)
        }
    }
}

fn default_config_path() -> Option<PathBuf> {
    let user = std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))
        .map(|d| d.join("rlvrd/config.toml"));
    [user, Some(PathBuf::from("/etc/rlvrd/config.toml"))].into_iter().flatten().find(|p| p.is_file())
}

fn load(path: Option<&PathBuf>) -> Result<(Config, String), ExitCode> {
    let chosen = path.cloned().or_else(default_config_path);
    match &chosen {
        Some(p) => match Config::load(p) {
            Ok(c) => Ok((c, p.display().to_string())),
            Err(e) => {
                eprintln!("rlvrd: invalid configuration:\n{e}");
                Err(ExitCode::from(2))
            }
        },
        None => Ok((Config::default(), "(built-in defaults)".into())),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.cmd.unwrap_or(Cmd::Run) {
        Cmd::CheckConfig { path } => match load(Some(&path)) {
            Ok((cfg, _)) => {
                print!("{}", cfg.to_toml());
                eprintln!("rlvrd: {} is valid", path.display());
                ExitCode::SUCCESS
            }
            Err(code) => code,
        },
        Cmd::Generate(a) => one_shot(cli.config.as_ref(), |cfg| {
            let prompt = match (&a.prompt, &a.prompt_file) {
                (Some(p), _) => p.clone(),
                (None, Some(f)) => std::fs::read_to_string(f).map_err(|e| anyhow::anyhow!("cannot read prompt file {}: {e}", f.display()))?,
                (None, None) => unreachable!("clap requires one"),
            };
            let o = commands::generate::GenerateOpts {
                prompt,
                greedy: a.greedy,
                max_tokens: a.max_tokens,
                temperature: a.temperature,
                top_p: a.top_p,
                top_k: a.top_k,
                seed: a.seed,
                n: a.n,
                raw: a.raw,
                stop: a.stop.clone(),
                json: a.json,
            };
            commands::generate::run(cfg, &o)
        }),
        Cmd::Bench(BenchCmd::Generate { synthetic, backend, prompt_tokens, new_tokens, batch, ttft_tokens, inference_weights, repeats }) => {
            one_shot(cli.config.as_ref(), |cfg| {
                let mut cfg = cfg.clone();
                if let Some(kind) = backend {
                    cfg.backend.kind = kind;
                }
                if let Some(w) = inference_weights {
                    cfg.model.inference_weights = w;
                }
                let o = commands::bench::BenchGenerateOpts { synthetic, prompt_tokens, new_tokens, batches: batch.clone(), ttft_tokens, repeats };
                commands::bench::generate(&cfg, &o)
            })
        }
        Cmd::Train(o) => one_shot(cli.config.as_ref(), |cfg| {
            rlvrd::init_logging(&cfg.logging);
            let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
            rt.block_on(async {
                let shutdown = CancellationToken::new();
                cancel_on_signals(shutdown.clone());
                commands::train::train(cfg.clone(), &o, shutdown).await.map(|_| ())
            })
        }),
        Cmd::Eval(o) => one_shot(cli.config.as_ref(), |cfg| commands::eval::run(cfg, &o)),
        Cmd::Compare(o) => match commands::eval::compare_files(&o) {
            Ok(_) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("rlvrd: {e:#}");
                ExitCode::from(1)
            }
        },
        Cmd::Verify(o) => one_shot(cli.config.as_ref(), |cfg| commands::verify::run(cfg, &o)),
        Cmd::Bench(BenchCmd::Verify(o)) => one_shot(cli.config.as_ref(), |cfg| commands::bench_verify::run(cfg, &o)),
        Cmd::Bench(BenchCmd::Train { group, prompts, new_tokens, steps, micro_batch, no_checkpoint_activations, backend }) => {
            one_shot(cli.config.as_ref(), |cfg| {
                let mut cfg = cfg.clone();
                if let Some(kind) = backend {
                    cfg.backend.kind = kind;
                }
                commands::bench::train(&cfg, group, prompts, new_tokens, steps, micro_batch.unwrap_or(group), !no_checkpoint_activations)
            })
        }
        Cmd::Bench(BenchCmd::Serve(o)) => match commands::bench_serve::run(&o) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("rlvrd: {e:#}");
                ExitCode::from(1)
            }
        },
        Cmd::Bench(BenchCmd::Parity { fixtures, synthetic }) => one_shot(cli.config.as_ref(), |_| commands::bench::parity(&fixtures, synthetic.as_deref())),
        Cmd::Run => {
            let (cfg, source) = match load(cli.config.as_ref()) {
                Ok(c) => c,
                Err(code) => return code,
            };
            rlvrd::init_logging(&cfg.logging);
            rlvrd::backend::configure_threads(&cfg.backend);
            tracing::info!(config = %source, "configuration loaded");
            let rt = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
                Ok(rt) => rt,
                Err(e) => {
                    eprintln!("rlvrd: cannot start the async runtime: {e}");
                    return ExitCode::from(1);
                }
            };
            let result = rt.block_on(async {
                let shutdown = CancellationToken::new();
                cancel_on_signals(shutdown.clone());
                rlvrd::run(cfg, shutdown).await
            });
            match result {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    tracing::error!("{e}");
                    eprintln!("rlvrd: {e}");
                    ExitCode::from(1)
                }
            }
        }
    }
}

/// Cancel `token` on SIGINT or SIGTERM; a second signal exits at once (exit 130).
/// Signals belong to the binary: an embedder decides its own.
fn cancel_on_signals(token: CancellationToken) {
    tokio::spawn(async move {
        use tokio::signal::unix::{signal, SignalKind};
        let (Ok(mut term), Ok(mut int)) = (signal(SignalKind::terminate()), signal(SignalKind::interrupt())) else {
            tracing::error!("cannot install signal handlers");
            return;
        };
        let name = tokio::select! { _ = term.recv() => "SIGTERM", _ = int.recv() => "SIGINT" };
        tracing::info!(signal = name, "received signal");
        token.cancel();
        tokio::select! { _ = term.recv() => {}, _ = int.recv() => {} }
        tracing::warn!("second signal: exiting without cleanup");
        std::process::exit(130);
    });
}
