//! Shared output helpers: JSON printing and turning RPC errors into one clear line.

use jsonrpsee::core::client::Error as RpcError;
use serde::Serialize;

/// Print `value` as pretty JSON on stdout.
pub fn print_json<T: Serialize>(value: &T) -> Result<(), String> {
    let s = serde_json::to_string_pretty(value).map_err(|e| format!("cannot encode JSON: {e}"))?;
    println!("{s}");
    Ok(())
}

/// One line saying what went wrong, never a backtrace.
pub fn describe(url: &str, err: RpcError) -> String {
    match err {
        RpcError::Call(obj) => {
            format!("rlvrd refused the request: {} (code {})", obj.message(), obj.code())
        }
        RpcError::Transport(e) => {
            let cause = root_cause(&*e);
            // The daemon answers a missing/wrong bearer token with HTTP 401 before any
            // JSON-RPC processing, which the HTTP client reports as a transport error.
            if cause.contains("401") {
                format!("rlvrd at {url} refused the request: unauthorized (pass the right --token-file)")
            } else {
                format!("rlvrd is not reachable at {url}: {cause} (is the daemon running?)")
            }
        }
        RpcError::RequestTimeout => format!("rlvrd at {url} did not answer in time"),
        other => format!("request to rlvrd at {url} failed: {other}"),
    }
}

fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cur = e;
    while let Some(next) = cur.source() {
        cur = next;
    }
    cur.to_string()
}
