//! A plugin author can depend on the protocol crate alone: without its `cli` feature,
//! `rlvr-client` pulls in neither clap nor plotters (the rlvrctl CLI and the report
//! plots need them), and the daemon depends on it that way.

use std::process::Command;

use rlvr_tests::repo_root;

/// Package names in `cargo tree` for rlvr-client with `args` (normal dependencies only).
fn tree(args: &[&str]) -> Vec<String> {
    let out = Command::new(env!("CARGO"))
        .args(["tree", "-p", "rlvr-client", "-e", "normal", "--prefix", "none", "--offline"])
        .args(args)
        .current_dir(repo_root())
        .output()
        .expect("cargo tree");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).lines().filter_map(|l| l.split_whitespace().next()).map(str::to_string).collect()
}

#[test]
fn without_the_cli_feature_the_client_is_small() {
    let small = tree(&["--no-default-features"]);
    assert!(small.iter().any(|p| p == "jsonrpsee"), "{small:?}");
    for heavy in ["clap", "plotters"] {
        assert!(!small.iter().any(|p| p == heavy), "{heavy} without the cli feature: {small:?}");
    }
    // The check can fail: with the default features both are there.
    let full = tree(&[]);
    for heavy in ["clap", "plotters"] {
        assert!(full.iter().any(|p| p == heavy), "{heavy} with the cli feature: {full:?}");
    }
}
