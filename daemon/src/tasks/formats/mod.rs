//! Parsing of the on-disk formats into [`Task`]s: JSON records (MBPP, sanitized MBPP,
//! HumanEval) in `records`, per-task folders in `folder`. Also the rules every format
//! shares (split, weight, entry point, code checks), so that the same task written in
//! any format comes out identical.

mod folder;
mod records;

pub use records::{parse_json_array, parse_jsonl};

use super::error::{ErrorReason, TaskError};
use super::files::{Found, Tree};
use super::python;
use super::split::{hash_split, mbpp_split};
use super::task::{Split, Task, TaskId};

/// What loading one unit (file or folder) produced. Both lists can be non-empty: a
/// JSON Lines file with one bad line still yields its other tasks.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Loaded {
    pub tasks: Vec<Task>,
    pub errors: Vec<TaskError>,
}

impl Loaded {
    fn error(e: TaskError) -> Self {
        Loaded { tasks: Vec::new(), errors: vec![e] }
    }
}

/// Load settings that change what a task looks like.
#[derive(Debug, Clone, Copy)]
pub struct ParseOptions {
    /// Share of tasks without a split (and outside the MBPP rule) put in `Eval`.
    pub eval_fraction: f64,
}

/// Read and parse one unit found by the walk. Never panics; every problem is in
/// `errors`.
pub fn load(tree: &Tree, found: &Found, opts: ParseOptions) -> Loaded {
    match found {
        Found::Problem(e) => Loaded::error(e.clone()),
        Found::Orphan(rel) => Loaded::error(TaskError::new(rel.as_str(), None, ErrorReason::OrphanTestFile)),
        Found::Folder(rel) => folder::load(tree, rel, opts),
        Found::DataFile(rel) => match tree.read_text(rel) {
            Err(e) => Loaded::error(e),
            Ok(text) if rel.ends_with(".jsonl") => parse_jsonl(rel, &text, opts),
            Ok(text) => parse_json_array(rel, &text, opts),
        },
    }
}

/// The split of a task: the explicit one, else the MBPP range (when `mbpp_id` is given),
/// else the hash of its id.
fn choose_split(explicit: Option<Split>, mbpp_id: Option<u64>, id: &TaskId, opts: ParseOptions) -> Split {
    explicit.or_else(|| mbpp_id.and_then(mbpp_split)).unwrap_or_else(|| hash_split(id.as_str(), opts.eval_fraction))
}

/// Sampling weights must be usable as-is by the trainer.
fn check_weight(weight: Option<f64>) -> Result<f64, String> {
    match weight {
        None => Ok(1.0),
        Some(w) if w.is_finite() && w >= 0.0 => Ok(w),
        Some(w) => Err(format!("weight must be a finite number >= 0, got {w}")),
    }
}

/// The entry point is pasted into test code (`check(<entry_point>)`), so it must be a
/// plain identifier, nothing more.
fn check_entry_point(name: &str) -> Result<(), String> {
    let mut chars = name.chars();
    let first_ok = chars.next().is_some_and(|c| c == '_' || c.is_ascii_alphabetic());
    if first_ok && chars.all(|c| c == '_' || c.is_ascii_alphanumeric()) {
        Ok(())
    } else {
        Err(format!("entry_point `{name}` is not a Python identifier"))
    }
}

/// Lexical check of a piece of Python (see `python`); the error line is relative to
/// the snippet.
fn check_python(what: &str, code: &str) -> Result<python::Summary, (usize, ErrorReason)> {
    python::check(code).map_err(|e| (e.line, ErrorReason::PythonSyntax(format!("{what}: {}", e.message))))
}

/// Text fields as stored in the task: Windows line endings folded, so a task reads
/// the same whichever editor or format wrote it.
fn norm(s: &str) -> String {
    s.replace("\r\n", "\n")
}

/// The test file a HumanEval record becomes: its `check(candidate)` definition and a
/// call of it on the entry point. A folder task with this file is the same task.
pub fn humaneval_test_file(test: &str, entry_point: &str) -> (String, String) {
    let source = format!("{}\n\n\ncheck({entry_point})\n", norm(test).trim_end());
    (HUMANEVAL_TEST_FILE.to_owned(), source)
}

/// File name given to HumanEval tests.
pub const HUMANEVAL_TEST_FILE: &str = "test_check.py";

/// If `source` is nothing but one-line top-level asserts (and comments), those
/// asserts; a task written that way is the same as an MBPP record with that
/// `test_list`, and each assert scores on its own.
pub fn plain_asserts(source: &str) -> Option<Vec<String>> {
    let mut asserts = Vec::new();
    for line in source.lines() {
        let trimmed = line.trim();
        if trimmed.is_empty() || line.starts_with('#') {
            continue;
        }
        let is_assert = line.strip_prefix("assert").is_some_and(|r| r.starts_with([' ', '\t', '(']));
        if !is_assert || trimmed.ends_with('\\') || python::check(trimmed).is_err() {
            return None;
        }
        asserts.push(trimmed.to_owned());
    }
    (!asserts.is_empty()).then_some(asserts)
}
