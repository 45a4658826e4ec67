//! Tasks of one JSON Lines or JSON file outside the watched tree: eval sets, the
//! `rlvrd verify` / `bench verify` inputs, and the copy of MBPP bundled into the
//! binary. The same parser as the tree ([`super::formats`]); unlike the tree, where a
//! bad record is reported and skipped, here any bad record is an error naming the
//! file and line, because a silently smaller eval set would change every number.

use std::path::{Path, PathBuf};

use super::bundled::{MBPP_JSONL, MBPP_JSONL_NAME};
use super::error::TaskError;
use super::formats::{parse_json_array, parse_jsonl, ParseOptions};
use super::task::Task;

/// Why a task file gave no usable tasks.
#[derive(Debug, thiserror::Error)]
pub enum TaskFileError {
    #[error("cannot read task file {}: {source}", path.display())]
    Read { path: PathBuf, source: std::io::Error },
    #[error("{}: {} bad record(s), the first: {}", path.display(), errors.len(), errors[0])]
    Invalid { path: PathBuf, errors: Vec<TaskError> },
    #[error("{}: no task with {what}", path.display())]
    NoneSelected { path: PathBuf, what: String },
}

/// Split and weight do not matter outside the tree; the MBPP split rule still applies
/// to files named like MBPP.
const OPTIONS: ParseOptions = ParseOptions { eval_fraction: 0.0 };

/// Every task of `path` (`.jsonl`: one record per line; otherwise a JSON array or one
/// record). Ids are `<id_name>#<task_id>`, so they do not depend on where the file is.
pub fn read_task_file(path: &Path, id_name: &str) -> Result<Vec<Task>, TaskFileError> {
    let text = std::fs::read_to_string(path).map_err(|source| TaskFileError::Read { path: path.to_path_buf(), source })?;
    let loaded = if path.extension().is_some_and(|e| e == "jsonl") { parse_jsonl(id_name, &text, OPTIONS) } else { parse_json_array(id_name, &text, OPTIONS) };
    if !loaded.errors.is_empty() {
        // Name the real file in messages, not the id name.
        let errors = loaded.errors.into_iter().map(|mut e| {
            e.file = path.display().to_string();
            e
        });
        return Err(TaskFileError::Invalid { path: path.to_path_buf(), errors: errors.collect() });
    }
    Ok(loaded.tasks)
}

/// The 974 MBPP tasks bundled into the binary, ids `mbpp.jsonl#<task_id>`.
pub fn bundled_mbpp() -> Vec<Task> {
    let loaded = parse_jsonl("mbpp.jsonl", MBPP_JSONL, OPTIONS);
    // Compiled-in data, checked by a test: a bad record is a build defect, not input.
    assert!(loaded.errors.is_empty(), "{MBPP_JSONL_NAME}: {:?}", loaded.errors.first());
    loaded.tasks
}

/// The MBPP tasks of `explicit`, or the bundled copy; with the name used in messages.
pub fn mbpp_tasks(explicit: Option<&Path>) -> Result<(String, Vec<Task>), TaskFileError> {
    match explicit {
        Some(path) => Ok((path.display().to_string(), read_task_file(path, "mbpp.jsonl")?)),
        None => Ok((MBPP_JSONL_NAME.to_string(), bundled_mbpp())),
    }
}
