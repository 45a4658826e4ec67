//! rlvrd's protocol and its client side.
//!
//! - [`api`]: the one `#[rpc(server, client)]` trait that *is* the protocol, shared by
//!   the daemon (server impl) and every client; plus the wire types it carries.
//! - [`client`]: a typed connection (HTTP or WebSocket) that adds the bearer token.
//! - [`errors`]: the stable JSON-RPC error codes the daemon answers with.
//! - [`metrics`]: the metrics history records; [`report`]: plots and a summary from them.
//! - [`units`]: human-readable durations shared by the CLI and the report.
//!
//! The `rlvrctl` binary (one file per subcommand under `src/bin/rlvrctl/`) is built on these.

pub mod api;
pub mod client;
pub mod errors;
pub mod metrics;
pub mod report;
pub mod units;

pub use api::*;
pub use client::{ConnectError, Connection};
