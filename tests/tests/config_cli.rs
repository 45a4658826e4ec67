//! `rlvrd check-config` and start-up with bad configs: exit code 2, messages naming
//! the file, the key and the line.

use std::process::Command;

use rlvr_tests::{repo_root, rlvrd_bin};

fn check(text: &str) -> (Option<i32>, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.toml");
    std::fs::write(&path, text).unwrap();
    let out = Command::new(rlvrd_bin()).arg("check-config").arg(&path).output().unwrap();
    (out.status.code(), String::from_utf8_lossy(&out.stdout).into(), String::from_utf8_lossy(&out.stderr).into())
}

#[test]
fn shipped_configs_are_valid() {
    for entry in std::fs::read_dir(repo_root().join("configs")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "toml") {
            let out = Command::new(rlvrd_bin()).arg("check-config").arg(&path).output().unwrap();
            assert!(out.status.success(), "{}: {}", path.display(), String::from_utf8_lossy(&out.stderr));
            let resolved = String::from_utf8_lossy(&out.stdout);
            assert!(resolved.contains("[rl]") && resolved.contains("state_dir"), "{resolved}");
        }
    }
}

#[test]
fn unknown_key() {
    let (code, _, err) = check("[rpc]\nlisten = \"127.0.0.1:0\"\nlisen = 3\n");
    assert_eq!(code, Some(2));
    assert!(err.contains("bad.toml:3") && err.contains("lisen"), "{err}");
}

#[test]
fn wrong_type() {
    let (code, _, err) = check("[sandbox]\ntimeout_s = \"ten\"\n");
    assert_eq!(code, Some(2));
    assert!(err.contains("bad.toml:2") && err.contains("sandbox.timeout_s"), "{err}");
}

#[test]
fn out_of_range() {
    let (code, _, err) = check("[rl]\n# comment\ngroup_size = 0\n");
    assert_eq!(code, Some(2));
    assert!(err.contains("bad.toml:3") && err.contains("rl.group_size"), "{err}");
}

#[test]
fn missing_file_at_start() {
    let out = Command::new(rlvrd_bin()).args(["--config", "/nonexistent/dir/rlvrd.toml"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("/nonexistent/dir/rlvrd.toml"), "{err}");
}

#[test]
fn bad_config_at_start_is_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.toml");
    std::fs::write(&path, "[backend]\nkind = \"tpu\"\n").unwrap();
    let out = Command::new(rlvrd_bin()).arg("--config").arg(&path).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad.toml:2") && err.contains("backend.kind"), "{err}");
}
