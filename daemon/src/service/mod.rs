//! Process-level plumbing of the daemon: the state-directory lock, systemd
//! notifications and logging set-up.

pub mod lock;
pub mod logging;
pub mod notify;
