//! rlvrctl: command-line control of a running rlvrd.
//!
//! Exit codes: 0 success, 1 the daemon is unreachable or refused the request,
//! 2 bad command line (clap's convention).

mod adapters;
mod checkpoints;
mod complete;
mod lsp;
mod output;
mod report;
mod shutdown;
mod status;
mod tasks;
mod train;
mod watch;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};
use rlvr_client::client::{default_token_file, read_token, Connection};

/// Default address of a local rlvrd (matches `rpc.listen` in configs/default.toml).
pub const DEFAULT_URL: &str = "http://127.0.0.1:7433";

#[derive(Parser)]
#[command(name = "rlvrctl", version, about = "Control and query a running rlvrd")]
struct Cli {
    /// Daemon URL (http:// or ws://).
    #[arg(long, global = true, env = "RLVRD_URL", default_value = DEFAULT_URL)]
    url: String,
    /// File holding the daemon's bearer token (default: `rpc.token` in
    /// `$RLVRD_STATE_DIR`, else in the default state directory ~/.local/state/rlvrd).
    #[arg(long, global = true, env = "RLVRD_TOKEN_FILE")]
    token_file: Option<PathBuf>,
    /// Print machine-readable JSON instead of human text.
    #[arg(long, global = true)]
    json: bool,
    /// Per-request timeout in seconds.
    #[arg(long, global = true, default_value_t = 30.0)]
    timeout: f64,
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Show version, uptime, backend, model, state and training progress.
    Status,
    /// Ask the daemon to shut down gracefully (it checkpoints first).
    Shutdown,
    /// Start training (resumes from the newest checkpoint).
    Start,
    /// Stop training (writes a checkpoint; serving continues).
    Stop,
    /// Pause training after the current unit of work.
    Pause,
    /// Resume paused training.
    Resume,
    /// Change run-time training settings.
    Set {
        #[arg(long)]
        lr: Option<f64>,
        #[arg(long)]
        tests_weight: Option<f64>,
        #[arg(long)]
        ruff_weight: Option<f64>,
        #[arg(long)]
        group_size: Option<usize>,
    },
    /// Follow training live (per-step metrics, checkpoints, evals).
    Watch {
        /// Stop after this many steps.
        #[arg(long)]
        count: Option<usize>,
    },
    /// Complete code: the prefix comes from --prefix or stdin.
    Complete {
        #[arg(long)]
        prefix: Option<String>,
        #[arg(long)]
        suffix: Option<String>,
        #[arg(long)]
        max_tokens: Option<usize>,
        #[arg(long)]
        temperature: Option<f64>,
        #[arg(long)]
        stop: Vec<String>,
        /// serving (default), latest or base.
        #[arg(long, default_value = "serving")]
        adapter: String,
        /// Print the text as it is generated.
        #[arg(long)]
        stream: bool,
    },
    /// A language server on stdio: inline completions (LSP 3.18
    /// textDocument/inlineCompletion) from the daemon, for editors with an LSP client.
    Lsp,
    /// Plots (SVG) and a Markdown summary of the metrics history.
    Report {
        /// Output directory.
        #[arg(long, default_value = "rlvrd-report")]
        out: PathBuf,
        /// Read a metrics.jsonl instead of asking the daemon.
        #[arg(long)]
        from_file: Option<PathBuf>,
    },
    /// Serving vs latest adapter and their last evaluations.
    Adapters,
    /// Evaluate the latest adapter (then the promotion gate), or the base model.
    Eval {
        #[arg(long)]
        base: bool,
        /// Only the first N eval tasks.
        #[arg(long)]
        limit: Option<usize>,
    },
    /// The task tree.
    Tasks {
        #[command(subcommand)]
        cmd: Option<TasksSub>,
    },
    /// Checkpoints on disk.
    Checkpoints {
        #[command(subcommand)]
        cmd: Option<CheckpointsSub>,
    },
}

#[derive(Subcommand)]
enum TasksSub {
    /// List tasks (default).
    List {
        #[arg(long)]
        split: Option<String>,
        #[arg(long, default_value_t = 0)]
        offset: usize,
        #[arg(long, default_value_t = 50)]
        limit: usize,
    },
    /// Show one task in full.
    Show { id: String },
    /// Files that could not be loaded, with line and reason.
    Errors,
    /// Re-read the whole task tree.
    Reload,
}

#[derive(Subcommand)]
enum CheckpointsSub {
    /// List checkpoints (default).
    List,
    /// Write a checkpoint now.
    Save,
    /// Continue training from checkpoint ID.
    Rollback { id: String },
    /// Copy checkpoint ID's adapter (PEFT layout) into DIR.
    Export { id: String, dir: PathBuf },
}

/// What a subcommand needs: an open connection and the output mode.
pub struct Ctx {
    pub conn: Connection,
    pub json: bool,
    pub url: String,
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("rlvrctl: {e}");
            ExitCode::from(1)
        }
    }
}

async fn run(cli: Cli) -> Result<(), String> {
    let token = match cli.token_file.clone().or_else(default_token_file) {
        Some(p) => Some(read_token(&p).map_err(|e| e.to_string())?),
        None => None,
    };
    let timeout = Duration::from_secs_f64(cli.timeout.max(0.1));
    if let Cmd::Lsp = cli.cmd {
        return lsp::run(&cli.url, token.as_deref()).await;
    }
    let conn = Connection::open(&cli.url, token.as_deref(), timeout).await.map_err(|e| e.to_string())?;
    let ctx = Ctx { conn, json: cli.json, url: cli.url };
    match cli.cmd {
        Cmd::Lsp => unreachable!("handled before connecting"),
        Cmd::Status => status::run(&ctx).await,
        Cmd::Shutdown => shutdown::run(&ctx).await,
        Cmd::Start => train::run(&ctx, train::Control::Start).await,
        Cmd::Stop => train::run(&ctx, train::Control::Stop).await,
        Cmd::Pause => train::run(&ctx, train::Control::Pause).await,
        Cmd::Resume => train::run(&ctx, train::Control::Resume).await,
        Cmd::Set { lr, tests_weight, ruff_weight, group_size } => {
            train::run(&ctx, train::Control::Set(rlvr_client::TrainSet { lr, tests_weight, ruff_weight, group_size })).await
        }
        Cmd::Watch { count } => watch::run(&ctx, token.as_deref(), count).await,
        Cmd::Complete { prefix, suffix, max_tokens, temperature, stop, adapter, stream } => {
            let adapter = match adapter.as_str() {
                "serving" => rlvr_client::AdapterChoice::Serving,
                "latest" => rlvr_client::AdapterChoice::Latest,
                "base" => rlvr_client::AdapterChoice::Base,
                other => return Err(format!("--adapter {other}: expected serving, latest or base")),
            };
            complete::run(&ctx, complete::CompleteArgs { prefix, suffix, max_tokens, temperature, stop, adapter, stream }, token.as_deref()).await
        }
        Cmd::Report { out, from_file } => report::run(&ctx, out, from_file).await,
        Cmd::Adapters => adapters::adapters(&ctx).await,
        Cmd::Eval { base, limit } => adapters::eval(&ctx, base, limit).await,
        Cmd::Tasks { cmd } => {
            let cmd = match cmd.unwrap_or(TasksSub::List { split: None, offset: 0, limit: 50 }) {
                TasksSub::List { split, offset, limit } => tasks::TasksCmd::List { split, offset, limit },
                TasksSub::Show { id } => tasks::TasksCmd::Show { id },
                TasksSub::Errors => tasks::TasksCmd::Errors,
                TasksSub::Reload => tasks::TasksCmd::Reload,
            };
            tasks::run(&ctx, cmd).await
        }
        Cmd::Checkpoints { cmd } => {
            let cmd = match cmd.unwrap_or(CheckpointsSub::List) {
                CheckpointsSub::List => checkpoints::CheckpointsCmd::List,
                CheckpointsSub::Save => checkpoints::CheckpointsCmd::Save,
                CheckpointsSub::Rollback { id } => checkpoints::CheckpointsCmd::Rollback { id },
                CheckpointsSub::Export { id, dir } => checkpoints::CheckpointsCmd::Export { id, dir },
            };
            checkpoints::run(&ctx, cmd).await
        }
    }
}
