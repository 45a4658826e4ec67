//! Problems found in the task tree. Each one names the file (relative to the task
//! root), the line when known, and a reason a user can act on. They are data, not
//! failures: the store lists them (`tasks.errors`) and keeps serving the other tasks.

use serde::Serialize;

/// One problem with one file (or one record of a file).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, thiserror::Error)]
#[error("{file}{}{}: {reason}", .line.map(|l| format!(":{l}")).unwrap_or_default(), .record.map(|r| format!(" record {r}")).unwrap_or_default())]
pub struct TaskError {
    /// Path relative to the task root (`/` separated); the root itself is `.`.
    pub file: String,
    /// 1-based line, when the problem has one.
    pub line: Option<usize>,
    /// 1-based record number inside a JSON array file (whose records have no line).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub record: Option<usize>,
    pub reason: ErrorReason,
}

impl TaskError {
    pub fn new(file: impl Into<String>, line: Option<usize>, reason: ErrorReason) -> Self {
        TaskError { file: file.into(), line, record: None, reason }
    }
}

/// Why a file (or record) was not loaded.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, thiserror::Error)]
#[serde(tag = "kind", content = "detail", rename_all = "snake_case")]
pub enum ErrorReason {
    #[error("file is {size} bytes, larger than tasks.max_file_bytes = {max}; refused")]
    TooLarge { size: u64, max: u64 },
    #[error("not UTF-8 text (binary file?)")]
    NotUtf8,
    #[error("symlink loop")]
    SymlinkLoop,
    #[error("symlink points outside the task directory, to {target}; refused")]
    OutsideRoot { target: String },
    #[error("dangling symlink")]
    DanglingSymlink,
    #[error("file vanished while being read")]
    Vanished,
    #[error("file name is not valid UTF-8")]
    BadFileName,
    #[error("cannot read: {0}")]
    Io(String),
    #[error("the task directory does not exist")]
    MissingRoot,
    #[error("invalid JSON: {0}")]
    Json(String),
    #[error("invalid task.toml: {0}")]
    Toml(String),
    #[error("{record}: missing field `{field}`")]
    MissingField { record: String, field: &'static str },
    #[error("{record}: {message}")]
    InvalidField { record: String, message: String },
    #[error("{record}: not a known task record (expected MBPP keys `text`/`prompt` + `test_list`, or HumanEval keys `prompt` + `entry_point` + `test`)")]
    UnknownRecord { record: String },
    #[error("duplicate task id `{id}` (first defined at line {first_line})")]
    DuplicateId { id: String, first_line: usize },
    #[error("task has no tests (add a test_*.py file beside task.toml)")]
    NoTests,
    #[error("test file has no assert statement and no `def test_*` function")]
    NoAsserts,
    #[error("test file is empty")]
    EmptyTestFile,
    #[error("task.toml at the root of the task directory; put each task in its own folder")]
    ManifestAtRoot,
    #[error("test file without a task.toml in its folder")]
    OrphanTestFile,
    #[error("Python syntax: {0}")]
    PythonSyntax(String),
}

/// 1-based line of byte offset `pos` in `text`.
pub(crate) fn line_of(text: &str, pos: usize) -> usize {
    let pos = pos.min(text.len());
    text.as_bytes()[..pos].iter().filter(|&&b| b == b'\n').count() + 1
}
