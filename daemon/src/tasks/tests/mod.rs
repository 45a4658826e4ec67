//! Tests of the task directory as a whole: formats against each other, the real MBPP
//! data and the shipped example tree, the store on a temp dir, the live watcher, and
//! fuzzing of the parsers.

mod data;
mod formats;
mod fuzz;
mod store;
mod watch;

use std::path::{Path, PathBuf};

use super::files::{Found, Tree};
use super::formats::{load, Loaded, ParseOptions};
use super::store::{StoreOptions, TaskStore};
use super::task::{Task, TestSpec};

const OPTS: ParseOptions = ParseOptions { eval_fraction: 0.1 };

/// Write `content` at `rel` under `root`, creating folders.
fn write(root: &Path, rel: &str, content: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, content).unwrap();
}

fn store_at(root: &Path) -> TaskStore {
    TaskStore::new(StoreOptions { root: root.to_path_buf(), max_file_bytes: 1 << 20, eval_fraction: 0.1 })
}

/// Load one folder task (`rel` under `root`).
fn load_folder(root: &Path, rel: &str) -> Loaded {
    let tree = Tree { root: std::fs::canonicalize(root).unwrap(), max_file_bytes: 1 << 20 };
    load(&tree, &Found::Folder(rel.to_owned()), OPTS)
}

/// What makes two tasks "the same task" whatever format they came from.
fn content(t: &Task) -> (&str, Option<&str>, Option<&str>, &str, &[TestSpec]) {
    (&t.prompt, t.entry_point.as_deref(), t.solution.as_deref(), &t.setup, &t.tests)
}

/// The MBPP files kept in the repository.
fn mbpp_dir() -> PathBuf {
    repo_path("examples/data/mbpp")
}

fn repo_path(rel: &str) -> PathBuf {
    crate::manifest_dir().join("..").join(rel)
}
