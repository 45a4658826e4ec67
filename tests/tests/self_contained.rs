//! A clone must be all a user needs: no source, script or config may name a path outside
//! the repository (a sibling checkout, a developer's home, a mount). Data the product
//! needs lives in the repository or is installed by `scripts/setup.sh` into the user's
//! cache (`~/.cache/rlvrd`), which is named as such and is allowed.
//!
//! The check reads every file of the kinds that can name a path and flags:
//! - a relative `../` chain that climbs above the repository root from the directory it
//!   is resolved against: a config file's own directory (rlvrd resolves config paths
//!   that way), a Rust crate's directory (`CARGO_MANIFEST_DIR`, what tests join onto)
//!   or the source file's directory for `include_str!` / `include_bytes!`, and a script's
//!   own directory;
//! - in scripts, a path that starts with `../` (relative to the working directory, which
//!   the scripts set to the repository root);
//! - an absolute path under a developer's machine layout (`/work/`, `/home/`, `/root/`,
//!   `/mnt/`);
//! - anywhere, docs included, the development workspace's sibling folder of notes and
//!   data.
//!
//! A line that must hold such a string as data (a path-traversal input in a test) says
//! so with the marker `repo-path: not a path`.

use std::path::{Path, PathBuf};

use rlvr_tests::repo_root;

const MARKER: &str = concat!("repo-path", ": not a path");

/// This file: its strings are the check's own test inputs.
const SELF: &str = "tests/tests/self_contained.rs";

/// Directories that hold data, not code (task trees, MBPP, fixtures), or build output.
const SKIP_DIRS: [&str; 6] = [".git", "target", "examples/tasks", "examples/eval", "examples/data", "tests/fixtures/tiny-llama-peft"];

#[derive(Clone, Copy, PartialEq, Debug)]
enum Kind {
    Rust,
    Config,
    Script,
    Doc,
}

fn kind_of(rel: &Path) -> Option<Kind> {
    let name = rel.file_name()?.to_str()?;
    if rel.starts_with(".ci") {
        return Some(Kind::Script);
    }
    match rel.extension().and_then(|e| e.to_str()) {
        Some("rs") => Some(Kind::Rust),
        Some("toml" | "service" | "json" | "txt") => Some(Kind::Config),
        Some("sh" | "py") => Some(Kind::Script),
        Some("md") => Some(Kind::Doc),
        _ if name == "run" || name.starts_with("before-") => Some(Kind::Script),
        _ => None,
    }
}

fn walk(root: &Path, dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let rel = path.strip_prefix(root).unwrap().to_path_buf();
        if SKIP_DIRS.iter().any(|s| rel == Path::new(s)) || rel == Path::new(SELF) {
            continue;
        }
        if path.is_dir() {
            walk(root, &path, out);
        } else if kind_of(&rel).is_some() {
            out.push(rel);
        }
    }
}

/// The nearest directory at or above `rel`'s parent holding a Cargo.toml.
fn crate_dir(root: &Path, rel: &Path) -> PathBuf {
    let mut dir = rel.parent().unwrap_or(Path::new("")).to_path_buf();
    loop {
        if root.join(&dir).join("Cargo.toml").is_file() || dir.as_os_str().is_empty() {
            return dir;
        }
        dir = dir.parent().unwrap_or(Path::new("")).to_path_buf();
    }
}

/// Each run of `../` in `line`: (byte offset, number of `..` steps). A run inside a
/// longer path (`a/../../x`) counts from its start, which over-counts the climb: such a
/// line either gets rewritten or carries the marker.
fn up_chains(line: &str) -> Vec<(usize, usize)> {
    let b = line.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i + 3 <= b.len() {
        if &b[i..i + 3] != b"../" || (i > 0 && b[i - 1] == b'.') {
            i += 1;
            continue;
        }
        let start = i;
        while i + 3 <= b.len() && &b[i..i + 3] == b"../" {
            i += 3;
        }
        out.push((start, (i - start) / 3));
    }
    out
}

fn depth(p: &Path) -> usize {
    p.components().count()
}

/// What is wrong with one line of `rel`, if anything.
fn problems(root: &Path, rel: &Path, kind: Kind, line: &str) -> Vec<String> {
    let mut found = Vec::new();
    if line.contains(MARKER) {
        return found;
    }
    let sibling = ["..", "/shared"].concat();
    let sibling_data = ["shared", "/data/mbpp"].concat();
    let sibling_docs = ["shared", "/docs/"].concat();
    for banned in [&sibling, &sibling_data, &sibling_docs] {
        if line.contains(banned.as_str()) {
            found.push(format!("names the development workspace ({banned})"));
        }
    }
    if kind == Kind::Doc {
        return found;
    }
    for abs in ["/work/", "/home/", "/root/", "/mnt/"] {
        let quoted = [format!("\"{abs}"), format!("'{abs}"), format!(" {abs}"), format!("={abs}")];
        if quoted.iter().any(|q| line.contains(q.as_str())) || line.starts_with(abs) {
            found.push(format!("absolute path under {abs}"));
        }
    }
    let file_dir = rel.parent().unwrap_or(Path::new("")).to_path_buf();
    for (at, n) in up_chains(line) {
        let before = &line[..at];
        let base = match kind {
            Kind::Rust if before.contains("include_str!(") || before.contains("include_bytes!(") => file_dir.clone(),
            Kind::Rust => crate_dir(root, rel),
            Kind::Config | Kind::Script | Kind::Doc => file_dir.clone(),
        };
        if n > depth(&base) {
            found.push(format!("`{}` climbs {n} levels from {}/, above the repository root", &line[at..], base.display()));
        }
        let starts_path = at == 0 || matches!(line.as_bytes()[at - 1], b'"' | b'\'' | b' ' | b'=' | b'(');
        if kind == Kind::Script && starts_path {
            found.push(format!("`{}` is relative to the working directory (the repository root): outside it", &line[at..]));
        }
    }
    found
}

#[test]
fn no_file_names_a_path_outside_the_repository() {
    let root = repo_root();
    let mut files = Vec::new();
    walk(&root, &root, &mut files);
    assert!(files.len() > 100, "walked only {} files under {}", files.len(), root.display());
    let mut report = Vec::new();
    for rel in &files {
        let kind = kind_of(rel).unwrap();
        let Ok(text) = std::fs::read_to_string(root.join(rel)) else { continue };
        for (i, line) in text.lines().enumerate() {
            for p in problems(&root, rel, kind, line) {
                report.push(format!("{}:{}: {p}", rel.display(), i + 1));
            }
        }
    }
    assert!(report.is_empty(), "paths outside the repository:\n{}", report.join("\n"));
}

/// The check itself: each rule catches what it is for and lets the ordinary cases pass.
#[test]
fn the_check_flags_escapes_and_passes_paths_inside() {
    let root = repo_root();
    let flagged = |rel: &str, line: &str| {
        let rel = Path::new(rel);
        !problems(&root, rel, kind_of(rel).unwrap(), line).is_empty()
    };
    let sibling = ["..", "/shared/data/mbpp/mbpp.jsonl"].concat();
    // Rust: joined onto CARGO_MANIFEST_DIR (daemon/): one level up is the root.
    assert!(flagged("daemon/src/x/tests.rs", &format!("manifest_dir().join(\"../{sibling}\")")));
    assert!(flagged("daemon/src/x/tests.rs", "manifest_dir().join(\"../../data/x\")"));
    assert!(!flagged("daemon/src/x/tests.rs", "manifest_dir().join(\"../tests/fixtures\")"));
    // include_str! resolves from the source file's directory.
    assert!(!flagged("daemon/src/tasks/bundled.rs", "include_str!(\"../../../examples/data/mbpp/mbpp.jsonl\")"));
    assert!(flagged("daemon/src/tasks/bundled.rs", "include_str!(\"../../../../outside.txt\")"));
    // Configs resolve from their own directory.
    assert!(!flagged("configs/default.toml", "dir = \"../examples/tasks\""));
    assert!(flagged("configs/default.toml", "dir = \"../../elsewhere/tasks\""));
    assert!(!flagged("configs/matrix/a.toml", "dir = \"../../examples/tasks\""));
    // Scripts run from the repository root.
    assert!(flagged("scripts/x.sh", &format!("cp {sibling} .")));
    assert!(flagged("scripts/x.sh", "cat \"../notes.txt\""));
    assert!(!flagged("scripts/x.sh", "cd \"$(dirname \"$0\")/..\""));
    assert!(!flagged("scripts/x.sh", "python3 \"$(dirname \"$0\")/../examples/make_mbpp_tasks.py\""));
    // Absolute developer paths, and the workspace's name in docs.
    assert!(flagged("daemon/src/a.rs", "let p = \"/work/main/x\";"));
    assert!(flagged("scripts/x.sh", "export RLVRD_MBPP=/root/data/mbpp.jsonl"));
    assert!(!flagged("scripts/x.sh", "export X=\"$HOME/.cache/rlvrd\""));
    assert!(flagged("README.md", &format!("see {sibling}")));
    assert!(!flagged("README.md", "`../examples/eval/mbpp-test.jsonl`"));
    // The marker exempts a line that holds such a string as data.
    assert!(!flagged("daemon/src/x/tests.rs", &format!("write(\"../../etc\") // {MARKER}")));
}
