//! rlvrd's protocol and its client side.
//!
//! - [`api`]: the one `#[rpc(server, client)]` trait that *is* the protocol, shared by
//!   the daemon (server impl) and every client; plus the wire types it carries.
//! - [`client`]: a typed connection (HTTP or WebSocket) that adds the bearer token.
//! - [`errors`]: the stable JSON-RPC error codes the daemon answers with.
//! - [`metrics`]: the metrics history records; `report` (feature `cli`): plots and a
//!   summary from them.
//! - [`units`]: human-readable durations and dates shared by the CLI, the report and
//!   the daemon.
//!
//! The `rlvrctl` binary (one file per subcommand under `src/bin/rlvrctl/`, feature
//! `cli`, on by default) is built on these.

pub mod api;
pub mod client;
pub mod errors;
pub mod metrics;
#[cfg(feature = "cli")]
pub mod report;
pub mod units;

pub use api::*;
pub use client::{ConnectError, Connection};
