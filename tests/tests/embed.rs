//! The library API as an embedder uses it: `daemon/examples/embed.rs` (built with the
//! workspace) starts rlvrd in-process on the tiny random model, trains two steps on
//! its own task directory with real python3 and ruff, asks for a completion, saves a
//! checkpoint and shuts down cleanly.

use std::process::Command;

use rlvr_tests::{bin_dir, repo_root};

#[test]
fn the_embed_example_trains_two_steps_and_completes() {
    let exe = bin_dir().join("examples/embed");
    assert!(exe.is_file(), "{} not built: `cargo build --workspace --examples` (scripts/test.sh does)", exe.display());
    let out = Command::new(&exe).arg(repo_root().join("tests/fixtures/tiny-llama")).output().expect("run the embed example");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "embed example failed ({}):\n{stdout}\n{stderr}", out.status);
    for want in ["training from step 0 on 2 tasks", "step 1:", "step 2:", "completion (", "checkpoint step-", "stopped; state in"] {
        assert!(stdout.contains(want), "missing `{want}` in the example's output:\n{stdout}");
    }
}
