//! Helpers for rlvrd's integration tests: locate the built binaries, run a real daemon
//! in a temporary state directory, and speak raw HTTP to it.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Directory holding the workspace's built binaries (`target/<profile>`), found from
/// the running test executable (`target/<profile>/deps/<test>`).
pub fn bin_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("current_exe");
    let dir = exe.parent().and_then(Path::parent).expect("target/<profile>").to_path_buf();
    for b in ["rlvrd", "rlvrctl"] {
        assert!(dir.join(b).is_file(), "{} not built in {}: run `cargo build --bins` before the tests (scripts/test.sh does)", b, dir.display());
    }
    dir
}

pub fn rlvrd_bin() -> PathBuf {
    bin_dir().join("rlvrd")
}

pub fn rlvrctl_bin() -> PathBuf {
    bin_dir().join("rlvrctl")
}

/// The repository root (for configs/, systemd/, fixtures).
///
/// Read at run time (cargo test sets CARGO_MANIFEST_DIR): with a target directory shared
/// between checkouts (CI keeps it under ~/.cache), an unchanged test binary built in
/// another clone would otherwise carry that clone's path.
pub fn repo_root() -> PathBuf {
    let dir = std::env::var_os("CARGO_MANIFEST_DIR").map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")), PathBuf::from);
    dir.parent().expect("repo root").to_path_buf()
}

/// A daemon process in its own temp dir, killed on drop if still running.
pub struct Daemon {
    pub child: Child,
    pub dir: tempfile::TempDir,
    pub url: String,
    pub config_path: PathBuf,
}

impl Daemon {
    /// Write `extra_toml` (plus state_dir and a port-0 listen address) to a config and
    /// start `rlvrd --config` on it; returns once the RPC address file appears.
    pub fn start(extra_toml: &str) -> Daemon {
        let dir = tempfile::tempdir().expect("tempdir");
        Self::start_in(dir, extra_toml)
    }

    pub fn start_in(dir: tempfile::TempDir, extra_toml: &str) -> Daemon {
        Self::start_env(dir, extra_toml, &[])
    }

    /// Like [`Daemon::start_in`], with extra environment variables for the daemon.
    pub fn start_env(dir: tempfile::TempDir, extra_toml: &str, env: &[(&str, &str)]) -> Daemon {
        let config_path = dir.path().join("rlvrd.toml");
        let state = dir.path().join("state");
        let mut text = format!("state_dir = \"{}\"\n", state.display());
        text.push_str(extra_toml);
        if !extra_toml.contains("[model]") {
            // Lifecycle tests need no model: a missing one is reported in status.
            text.push_str(&format!("\n[model]\npath = \"{}\"\n", dir.path().join("no-model.gguf").display()));
        }
        if !extra_toml.contains("[rpc]") {
            text.push_str("\n[rpc]\nlisten = \"127.0.0.1:0\"\n");
        }
        std::fs::write(&config_path, text).expect("write config");
        let child = Command::new(rlvrd_bin())
            .arg("--config")
            .arg(&config_path)
            .env("RUST_LOG", "info")
            .envs(env.iter().copied())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn rlvrd");
        let addr_file = state.join("rpc.addr");
        // A daemon killed with -9 leaves its address behind: never mistake it for ours.
        let _ = std::fs::remove_file(&addr_file);
        let mut d = Daemon { child, dir, url: String::new(), config_path };
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Ok(s) = std::fs::read_to_string(&addr_file) {
                if s.ends_with('\n') {
                    d.url = s.trim().to_string();
                    return d;
                }
            }
            if let Ok(Some(status)) = d.child.try_wait() {
                let mut err = String::new();
                d.child.stderr.take().map(|mut e| e.read_to_string(&mut err));
                panic!("rlvrd exited early with {status}: {err}");
            }
            assert!(Instant::now() < deadline, "rlvrd did not start listening within 60 s");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn state_dir(&self) -> PathBuf {
        self.dir.path().join("state")
    }

    /// `host:port` of the endpoint.
    pub fn host_port(&self) -> String {
        self.url.trim_start_matches("http://").to_string()
    }

    /// Send SIGTERM and wait up to `limit` for the exit status.
    pub fn terminate(&mut self, limit: Duration) -> Option<std::process::ExitStatus> {
        // SAFETY: plain kill(2) on our own child's pid.
        unsafe { libc::kill(self.child.id() as i32, libc::SIGTERM) };
        self.wait_exit(limit)
    }

    pub fn wait_exit(&mut self, limit: Duration) -> Option<std::process::ExitStatus> {
        let deadline = Instant::now() + limit;
        while Instant::now() < deadline {
            if let Ok(Some(s)) = self.child.try_wait() {
                return Some(s);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }

    /// Everything the daemon wrote to stderr (call after it exited).
    pub fn stderr(&mut self) -> String {
        let mut s = String::new();
        if let Some(mut e) = self.child.stderr.take() {
            let _ = e.read_to_string(&mut s);
        }
        s
    }

    /// Run `rlvrctl --url <url> args...`.
    /// rlvrctl against this daemon; it finds the token in the daemon's state directory
    /// (through `RLVRD_STATE_DIR`) as it would in the default one.
    pub fn ctl(&self, args: &[&str]) -> Output {
        Command::new(rlvrctl_bin()).env("RLVRD_STATE_DIR", self.dir.path().join("state")).arg("--url").arg(&self.url).args(args).output().expect("run rlvrctl")
    }

    /// The token the daemon created in its state directory (the default `rpc.auth`).
    pub fn token(&self) -> String {
        let path = self.dir.path().join("state").join("rpc.token");
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())).trim().to_string()
    }

    /// `Authorization` header value for raw HTTP calls.
    pub fn bearer(&self) -> String {
        format!("Bearer {}", self.token())
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// A raw HTTP/1.1 response.
pub struct HttpReply {
    pub status: u16,
    pub body: String,
}

impl HttpReply {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", self.body))
    }
}

/// POST `body` to `host_port` with optional extra headers, over a fresh connection.
pub fn http_post(host_port: &str, body: &[u8], headers: &[(&str, &str)]) -> HttpReply {
    let mut s = TcpStream::connect(host_port).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    // A caller-given Host replaces the default one (tests of the Host check).
    let host = headers.iter().find(|(k, _)| k.eq_ignore_ascii_case("host")).map_or(host_port, |(_, v)| *v);
    let mut req = format!("POST / HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n", body.len());
    for (k, v) in headers.iter().filter(|(k, _)| !k.eq_ignore_ascii_case("host")) {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    s.write_all(req.as_bytes()).unwrap();
    // The server may answer (413) and close before reading a huge body: ignore EPIPE.
    let _ = s.write_all(body);
    let mut raw = Vec::new();
    let _ = s.read_to_end(&mut raw);
    let text = String::from_utf8_lossy(&raw).to_string();
    let status = text.split_whitespace().nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
    let body = match text.split_once("\r\n\r\n") {
        Some((head, rest)) if head.to_ascii_lowercase().contains("transfer-encoding: chunked") => dechunk(rest),
        Some((_, rest)) => rest.to_string(),
        None => String::new(),
    };
    HttpReply { status, body }
}

fn dechunk(mut s: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = s.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 || rest.len() < n {
            break;
        }
        out.push_str(&rest[..n]);
        s = rest[n..].trim_start_matches("\r\n");
    }
    out
}

/// One JSON-RPC call over raw HTTP.
pub fn rpc_call(host_port: &str, method: &str, params: serde_json::Value, headers: &[(&str, &str)]) -> HttpReply {
    let body = serde_json::json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params});
    http_post(host_port, body.to_string().as_bytes(), headers)
}
