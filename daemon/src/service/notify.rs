//! systemd `Type=notify` support: READY=1 once listening, STOPPING=1 on shutdown,
//! WATCHDOG=1 pings when the unit sets `WatchdogSec=`. A no-op outside systemd.
//!
//! The protocol is one datagram per message to `$NOTIFY_SOCKET`; a leading `@`
//! means the Linux abstract namespace.

use std::os::linux::net::SocketAddrExt;
use std::os::unix::net::{SocketAddr, UnixDatagram};
use std::time::Duration;

/// Send `msg` (e.g. `READY=1`) to systemd if we run under it.
pub fn notify(msg: &str) {
    let Some(path) = std::env::var_os("NOTIFY_SOCKET") else { return };
    let path = path.to_string_lossy().into_owned();
    let result = (|| -> std::io::Result<()> {
        let sock = UnixDatagram::unbound()?;
        let addr = match path.strip_prefix('@') {
            Some(name) => SocketAddr::from_abstract_name(name.as_bytes())?,
            None => SocketAddr::from_pathname(&path)?,
        };
        sock.send_to_addr(msg.as_bytes(), &addr)?;
        Ok(())
    })();
    if let Err(e) = result {
        tracing::warn!(socket = %path, error = %e, "cannot notify systemd");
    }
}

/// The watchdog ping interval (half of `WatchdogSec`), when systemd asked for one
/// and it is meant for this process.
pub fn watchdog_interval() -> Option<Duration> {
    let usec: u64 = std::env::var("WATCHDOG_USEC").ok()?.parse().ok()?;
    if let Ok(pid) = std::env::var("WATCHDOG_PID") {
        if pid.parse::<u32>().ok()? != std::process::id() {
            return None;
        }
    }
    (usec > 0).then(|| Duration::from_micros(usec / 2))
}
