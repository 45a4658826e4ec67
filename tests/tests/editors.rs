//! The editor protocols (OpenAI, llama.cpp `/infill`, Ollama, LSP) against a real
//! daemon, driven by the clients editors use: the official `openai` and `ollama` Python
//! packages, the exact request llama.vim sends (tests/editors/clients.py), and pygls's
//! LSP client talking to `rlvrctl lsp` (tests/editors/lsp_client.py). The
//! daemon trains on the tiny random model meanwhile, and must still be training after
//! every bad request the script throws at it.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use rlvr_tests::{http_post, repo_root, Daemon};
use serde_json::Value;

fn write_task(root: &Path, name: &str, func: &str) {
    let dir = root.join(name);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("task.toml"), format!("id = \"{name}\"\nprompt = \"Write a function {func}(x) that returns x.\"\nsplit = \"train\"\n")).unwrap();
    std::fs::write(dir.join("test_task.py"), format!("assert {func}(1) == 1\n")).unwrap();
}

/// `train_status` over JSON-RPC.
fn status(d: &Daemon) -> Value {
    let body = br#"{"jsonrpc":"2.0","id":1,"method":"train_status","params":[]}"#;
    let reply = http_post(&d.host_port(), body, &[("Authorization", &d.bearer())]);
    assert_eq!(reply.status, 200, "{}", reply.body);
    let v: Value = serde_json::from_str(&reply.body).unwrap();
    v["result"].clone()
}

#[test]
fn editor_clients_work_and_bad_requests_do_not_stop_training() {
    let dir = tempfile::tempdir().unwrap();
    let tasks = dir.path().join("tasks");
    write_task(&tasks, "ident", "ident");
    write_task(&tasks, "same", "same");
    let model = repo_root().join("tests/fixtures/tiny-llama");
    let cfg = format!(
        "[model]\npath = \"{}\"\nchat_template = \"none\"\nmax_seq_len = 256\n\
         [tasks]\ndir = \"{}\"\n\
         [rl]\ngroup_size = 2\ntasks_per_step = 1\nmax_new_tokens = 8\nautostart = true\nseed = 7\n\
         [sandbox]\ntimeout_s = 5.0\n\
         [rpc]\nlisten = \"127.0.0.1:0\"\n",
        model.display(),
        tasks.display()
    );
    let d = Daemon::start_in(dir, &cfg);
    let deadline = Instant::now() + Duration::from_secs(120);
    while status(&d)["step"].as_u64().unwrap_or(0) < 1 {
        assert!(Instant::now() < deadline, "no training step within 120 s: {}", status(&d));
        std::thread::sleep(Duration::from_millis(200));
    }

    let script = repo_root().join("tests/editors/clients.py");
    let out = Command::new("python3").arg(&script).arg(&d.url).arg(d.token()).output().expect("python3");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "editor client checks failed:\n{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    let summary: Value = serde_json::from_str(stdout.lines().last().unwrap_or("")).unwrap();
    // Every check in the script ran (it stops at the first failure).
    assert!(summary["checks"].as_u64().unwrap() >= 36, "{summary}");

    // The LSP server (`rlvrctl lsp`) through a real LSP client library.
    let token_file = d.state_dir().join("rpc.token");
    let lsp = repo_root().join("tests/editors/lsp_client.py");
    let out = Command::new("python3").arg(&lsp).arg(rlvr_tests::rlvrctl_bin()).arg(&d.url).arg(&token_file).output().expect("python3");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "LSP checks failed:\n{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    let summary: Value = serde_json::from_str(stdout.lines().last().unwrap_or("")).unwrap();
    assert!(summary["checks"].as_u64().unwrap() >= 9, "{summary}");

    // Still training: the step count moves on after all of that.
    let step = status(&d)["step"].as_u64().unwrap();
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let st = status(&d);
        assert_eq!(st["state"], "running", "{st}");
        if st["step"].as_u64().unwrap() > step {
            break;
        }
        assert!(Instant::now() < deadline, "training stopped after the editor requests: {st}");
        std::thread::sleep(Duration::from_millis(200));
    }
}
