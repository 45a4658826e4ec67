//! The shipped systemd units pass `systemd-analyze verify` (with ExecStart pointed at
//! the freshly built binary, since verify checks that it exists).

use std::process::Command;

use rlvr_tests::{repo_root, rlvrd_bin};

fn verify(unit: &str, user: bool) {
    let text = std::fs::read_to_string(repo_root().join("systemd").join(unit)).unwrap();
    assert!(text.contains("Type=notify"), "{unit} is Type=notify");
    assert!(text.contains("StateDirectory=rlvrd"), "{unit} sets StateDirectory");
    assert!(text.contains("Restart=on-failure"));
    let bin = rlvrd_bin();
    let patched: String = text
        .lines()
        .map(|l| match l.strip_prefix("ExecStart=") {
            Some(rest) => {
                let args = rest.split_once(' ').map(|(_, a)| a).unwrap_or("");
                format!("ExecStart={} {args}\n", bin.display())
            }
            None => format!("{l}\n"),
        })
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let name = if user { "rlvrd.service" } else { unit };
    let path = dir.path().join(name);
    std::fs::write(&path, patched).unwrap();
    let mut cmd = Command::new("systemd-analyze");
    let runtime = tempfile::tempdir().unwrap();
    if user {
        // A user manager needs a runtime dir; CI has no login session to provide one.
        cmd.arg("--user").env("XDG_RUNTIME_DIR", runtime.path());
    }
    let out = cmd
        .arg("verify")
        .arg(&path)
        .env("SYSTEMD_LOG_LEVEL", "warning")
        .output()
        .expect("systemd-analyze not found: install the `systemd` package (scripts/setup.sh does)");
    let err = String::from_utf8_lossy(&out.stderr);
    // Lines about our unit only: verify also loads unrelated system units.
    let ours: Vec<&str> = err.lines().filter(|l| l.contains(name) || l.contains(&*bin.to_string_lossy())).collect();
    assert!(out.status.success() && ours.is_empty(), "{unit}: status {:?}\n{err}", out.status);
}

#[test]
fn system_unit_verifies() {
    verify("rlvrd.service", false);
}

#[test]
fn user_unit_verifies() {
    verify("rlvrd.user.service", true);
}
