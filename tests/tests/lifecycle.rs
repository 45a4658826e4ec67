//! The real rlvrd binary: status over RPC, SIGTERM, the state-dir lock, auth, and
//! malformed JSON-RPC.

use std::process::Command;
use std::time::Duration;

use rlvr_tests::{http_post, rlvrd_bin, rpc_call, Daemon};
use serde_json::{json, Value};

#[test]
fn status_then_sigterm_exits_cleanly_and_removes_lock() {
    let mut d = Daemon::start("");
    let out = d.ctl(&["status", "--json"]);
    assert!(out.status.success(), "rlvrctl failed: {}", String::from_utf8_lossy(&out.stderr));
    let st: Value = serde_json::from_slice(&out.stdout).expect("status JSON");
    assert_eq!(st["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(st["pid"].as_u64(), Some(d.child.id() as u64));
    assert!(st["uptime_s"].as_f64().unwrap() >= 0.0);
    assert_eq!(st["backend"]["kind"], "cpu");
    assert!(st["backend"]["device"].as_str().unwrap().contains("flex"));
    assert!(st["state"].is_string());
    // No model at the configured path: the daemon keeps serving and says why.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    let st = loop {
        let out = d.ctl(&["status", "--json"]);
        let st: Value = serde_json::from_slice(&out.stdout).unwrap();
        if st["state"] == "failed" || std::time::Instant::now() > deadline {
            break st;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(st["state"], "failed");
    assert!(st["error"].as_str().unwrap().contains("no-model.gguf"), "{st}");
    assert!(st.get("model").is_some(), "model field present (null until loaded)");
    assert_eq!(st["state_dir"], d.state_dir().display().to_string());

    let human = d.ctl(&["status"]);
    let text = String::from_utf8_lossy(&human.stdout);
    assert!(text.contains("backend") && text.contains("state"), "{text}");

    let lock = d.state_dir().join("rlvrd.lock");
    assert!(lock.exists());
    let status = d.terminate(Duration::from_secs(5)).expect("exit within 5 s of SIGTERM");
    assert!(status.success(), "exit status {status}: {}", d.stderr());
    assert!(!lock.exists(), "lock file removed on exit");
    assert!(!d.state_dir().join("rpc.addr").exists());
}

#[test]
fn second_daemon_on_same_state_dir_is_refused() {
    let mut first = Daemon::start("");
    let out = Command::new(rlvrd_bin()).arg("--config").arg(&first.config_path).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("in use by another rlvrd"), "{err}");
    assert!(err.contains(&first.child.id().to_string()), "names the pid: {err}");
    // The first one is unharmed.
    assert!(first.ctl(&["status"]).status.success());
    assert!(first.terminate(Duration::from_secs(5)).unwrap().success());
}

#[test]
fn shutdown_rpc_stops_the_daemon() {
    let mut d = Daemon::start("");
    let out = d.ctl(&["shutdown"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let status = d.wait_exit(Duration::from_secs(5)).expect("exits after shutdown");
    assert!(status.success());
}

#[test]
fn unreachable_daemon_is_one_clear_line_and_exit_1() {
    // A port nobody listens on: bind then drop.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let out = Command::new(rlvr_tests::rlvrctl_bin()).args(["--url", &format!("http://127.0.0.1:{port}"), "status"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim().lines().count(), 1, "one line: {err}");
    assert!(err.contains("not reachable"), "{err}");
}

/// Out of the box a token is required: the daemon creates `<state_dir>/rpc.token`
/// (0600) on first start, refuses calls without it, and rlvrctl finds it by itself.
#[test]
fn a_token_is_required_by_default_and_rlvrctl_finds_it() {
    let d = Daemon::start("");
    let path = d.dir.path().join("state/rpc.token");
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(std::fs::metadata(&path).expect("token created").permissions().mode() & 0o777, 0o600);
    let r = rpc_call(&d.host_port(), "shutdown", json!([]), &[]);
    assert_eq!(r.status, 401, "{}", r.body);
    assert_eq!(r.json()["error"]["code"], rlvr_client::errors::UNAUTHORIZED);
    let ok = d.ctl(&["status", "--json"]);
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
    // `rpc.auth = "none"` turns it off explicitly.
    let open = Daemon::start("[rpc]\nlisten = \"127.0.0.1:0\"\nauth = \"none\"\n");
    assert_eq!(rpc_call(&open.host_port(), "status", json!([]), &[]).status, 200);
    assert!(!open.dir.path().join("state/rpc.token").exists());
}

#[test]
fn auth_token_is_required_when_configured() {
    let dir = tempfile::tempdir().unwrap();
    let token_path = dir.path().join("secrets/token");
    let cfg = format!("[rpc]\nlisten = \"127.0.0.1:0\"\nauth_token_file = \"{}\"\n", token_path.display());
    let d = Daemon::start_in(dir, &cfg);
    let token = std::fs::read_to_string(&token_path).expect("token file created").trim().to_string();
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(std::fs::metadata(&token_path).unwrap().permissions().mode() & 0o777, 0o600);

    // No token, wrong token: refused with a JSON-RPC error.
    for headers in [vec![], vec![("Authorization", "Bearer not-the-token")]] {
        let r = rpc_call(&d.host_port(), "status", json!([]), &headers);
        assert_eq!(r.status, 401);
        assert_eq!(r.json()["error"]["code"], rlvr_client::errors::UNAUTHORIZED);
    }
    let no_token = d.ctl(&["status"]);
    assert_eq!(no_token.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&no_token.stderr).contains("unauthorized"));

    // Right token: served, over raw HTTP and through rlvrctl.
    let bearer = format!("Bearer {token}");
    let r = rpc_call(&d.host_port(), "status", json!([]), &[("Authorization", &bearer)]);
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["result"]["version"], env!("CARGO_PKG_VERSION"));
    let ok = d.ctl(&["--token-file", token_path.to_str().unwrap(), "status", "--json"]);
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
}

/// A web page cannot drive the daemon: requests with a browser `Origin` (plain POST or
/// WebSocket handshake) and requests naming a foreign `Host` (DNS rebinding) are refused
/// before any method runs, while local tools keep working.
#[test]
fn browser_origins_and_foreign_hosts_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let d = Daemon::start_in(dir, "[rpc]\nlisten = \"127.0.0.1:0\"\n");
    let port = d.host_port().rsplit_once(':').unwrap().1.to_string();
    let rebinding = format!("attacker.example:{port}");
    for headers in [vec![("Origin", "http://attacker.example")], vec![("Origin", "null")], vec![("Host", rebinding.as_str())]] {
        let r = rpc_call(&d.host_port(), "shutdown", json!([]), &headers);
        assert_eq!(r.status, 403, "{headers:?}: {}", r.body);
        assert_eq!(r.json()["error"]["code"], rlvr_client::errors::FORBIDDEN, "{headers:?}");
    }
    // The WebSocket handshake a page would open.
    let mut s = std::net::TcpStream::connect(d.host_port()).unwrap();
    let hs = format!(
        "GET / HTTP/1.1\r\nHost: {}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nOrigin: http://attacker.example\r\n\r\n",
        d.host_port()
    );
    std::io::Write::write_all(&mut s, hs.as_bytes()).unwrap();
    let mut head = [0u8; 64];
    let n = std::io::Read::read(&mut s, &mut head).unwrap();
    assert!(String::from_utf8_lossy(&head[..n]).starts_with("HTTP/1.1 403"), "{}", String::from_utf8_lossy(&head[..n]));
    // Nothing was shut down; a local client is served.
    let r = rpc_call(&d.host_port(), "status", json!([]), &[("Host", &format!("localhost:{port}")), ("Authorization", &d.bearer())]);
    assert_eq!(r.status, 200, "{}", r.body);
    let ok = d.ctl(&["status", "--json"]);
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
}

#[test]
fn websocket_client_works_and_honours_auth() {
    let dir = tempfile::tempdir().unwrap();
    let token_path = dir.path().join("token");
    let cfg = format!("[rpc]\nlisten = \"127.0.0.1:0\"\nauth_token_file = \"{}\"\n", token_path.display());
    let d = Daemon::start_in(dir, &cfg);
    let ws = d.url.replace("http://", "ws://");
    let ok = Command::new(rlvr_tests::rlvrctl_bin()).args(["--url", &ws, "--token-file", token_path.to_str().unwrap(), "status", "--json"]).output().unwrap();
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
    let refused = Command::new(rlvr_tests::rlvrctl_bin()).args(["--url", &ws, "status"]).output().unwrap();
    assert_eq!(refused.status.code(), Some(1));
    // Refused for the missing token, not for any other reason (an unreachable URL or a
    // crash also exit 1).
    let err = String::from_utf8_lossy(&refused.stderr).to_lowercase();
    assert!(err.contains("unauthorized") || err.contains("401"), "{err}");
}

#[test]
fn malformed_requests_get_standard_errors_and_daemon_keeps_serving() {
    let d = Daemon::start("[rpc]\nlisten = \"127.0.0.1:0\"\nmax_request_bytes = 4096\n");
    let hp = d.host_port();
    let auth = d.bearer();

    let r = http_post(&hp, b"{this is not json", &[("Authorization", &auth)]);
    assert_eq!(r.json()["error"]["code"], -32700, "parse error: {}", r.body);

    let r = rpc_call(&hp, "no_such_method", json!([]), &[("Authorization", &auth)]);
    assert_eq!(r.json()["error"]["code"], -32601, "method not found: {}", r.body);

    let r = rpc_call(&hp, "config", json!([42]), &[("Authorization", &auth)]);
    assert_eq!(r.json()["error"]["code"], -32602, "invalid params: {}", r.body);
    let r = rpc_call(&hp, "config", json!(["rpc"]), &[("Authorization", &auth)]);
    assert_eq!(r.json()["result"]["max_request_bytes"], 4096, "{}", r.body);
    let r = rpc_call(&hp, "config", json!(["nope"]), &[("Authorization", &auth)]);
    assert_eq!(r.json()["error"]["code"], rlvr_client::errors::NOT_FOUND, "{}", r.body);

    let big = json!({"jsonrpc": "2.0", "id": 1, "method": "status", "params": ["x".repeat(10_000)]});
    let r = http_post(&hp, big.to_string().as_bytes(), &[("Authorization", &auth)]);
    assert!(r.status == 413 || r.json()["error"]["code"] == -32007, "oversized: {} {}", r.status, r.body);

    let r = http_post(&hp, b"[]", &[("Authorization", &auth)]);
    assert!(r.json()["error"]["code"].is_i64(), "empty batch gets an error: {}", r.body);

    let r = rpc_call(&hp, "status", json!([]), &[("Authorization", &auth)]);
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["result"]["pid"].as_u64(), Some(d.child.id() as u64));
}
