//! rlvrctl: command-line control of a running rlvrd.
//!
//! Exit codes: 0 success, 1 the daemon is unreachable or refused the request,
//! 2 bad command line (clap's convention).

mod output;
mod shutdown;
mod status;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};
use rlvr_client::client::{read_token, Connection};

/// Default address of a local rlvrd (matches `rpc.listen` in configs/default.toml).
pub const DEFAULT_URL: &str = "http://127.0.0.1:7433";

#[derive(Parser)]
#[command(name = "rlvrctl", version, about = "Control and query a running rlvrd")]
struct Cli {
    /// Daemon URL (http:// or ws://).
    #[arg(long, global = true, env = "RLVRD_URL", default_value = DEFAULT_URL)]
    url: String,
    /// File holding the bearer token (when the daemon sets rpc.auth_token_file).
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
    /// Show version, uptime, backend, model and state.
    Status,
    /// Ask the daemon to shut down gracefully.
    Shutdown,
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
    let token = match &cli.token_file {
        Some(p) => Some(read_token(p).map_err(|e| e.to_string())?),
        None => None,
    };
    let timeout = Duration::from_secs_f64(cli.timeout.max(0.1));
    let conn = Connection::open(&cli.url, token.as_deref(), timeout)
        .await
        .map_err(|e| e.to_string())?;
    let ctx = Ctx { conn, json: cli.json, url: cli.url };
    match cli.cmd {
        Cmd::Status => status::run(&ctx).await,
        Cmd::Shutdown => shutdown::run(&ctx).await,
    }
}
