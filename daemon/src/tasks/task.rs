//! The internal task: what every on-disk format is parsed into, and what the trainer,
//! the verifier and the RPC layer see. Nothing here knows about files or formats.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Stable task id: the path of the source relative to the task root (always `/`
/// separated), plus `#<in-file id>` for tasks that share a file.
///
/// Examples: `mbpp.jsonl#601`, `humaneval.jsonl#HumanEval/0`, `my-task` (a folder task).
/// The id survives edits of the task's content, so statistics survive them too; it
/// changes when the file or folder is renamed.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct TaskId(pub String);

impl TaskId {
    /// Id of a task inside a multi-task file (`path#local`).
    pub fn in_file(rel_path: &str, local_id: &str) -> Self {
        TaskId(format!("{rel_path}#{local_id}"))
    }

    /// Id of a folder task: the folder itself.
    pub fn folder(rel_path: &str) -> Self {
        TaskId(rel_path.to_owned())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for TaskId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for TaskId {
    fn from(s: &str) -> Self {
        TaskId(s.to_owned())
    }
}

/// One test the verifier runs against a candidate solution. Identical in shape to
/// `reward::TestSource`; kept separate until the two modules are unified, so that
/// neither depends on the other.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TestSpec {
    /// One `assert` statement on one line (an MBPP `test_list` entry). Each assert is
    /// run and scored on its own, so a solution gets partial credit.
    Assert(String),
    /// A whole test file: plain top-level asserts, or pytest-style `def test_*():`
    /// functions (the verifier calls them itself; pytest is not required).
    File { name: String, source: String },
}

/// Which part of the data a task belongs to. Only [`Split::Train`] is sampled for
/// training; the others are held out.
///
/// For MBPP files (`mbpp.jsonl`, the sanitized JSON) the standard split by `task_id`
/// is used unless a record names its own: 1-10 [`Split::FewShot`] (prompt examples),
/// 11-510 [`Split::Eval`] (the MBPP "test" split), 511-600 [`Split::Validation`],
/// 601-974 [`Split::Train`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Split {
    /// Sampled by the trainer.
    Train,
    /// Held out for evaluation (MBPP's "test" split).
    #[serde(alias = "test")]
    Eval,
    /// Held out for model selection / hyper-parameter tuning.
    #[serde(alias = "valid")]
    Validation,
    /// Examples meant for few-shot prompts, never trained or scored on.
    #[serde(alias = "fewshot", alias = "prompt")]
    FewShot,
}

impl Split {
    pub const ALL: [Split; 4] = [Split::Train, Split::Eval, Split::Validation, Split::FewShot];

    pub fn as_str(self) -> &'static str {
        match self {
            Split::Train => "train",
            Split::Eval => "eval",
            Split::Validation => "validation",
            Split::FewShot => "few-shot",
        }
    }
}

impl fmt::Display for Split {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Split {
    type Err = String;

    /// Accepts the canonical names and the aliases of the serde form.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "train" => Ok(Split::Train),
            "eval" | "test" => Ok(Split::Eval),
            "validation" | "valid" => Ok(Split::Validation),
            "few-shot" | "fewshot" | "prompt" => Ok(Split::FewShot),
            _ => Err(format!("unknown split `{s}` (expected train, eval, validation or few-shot)")),
        }
    }
}

/// The on-disk format a task came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TaskFormat {
    /// A JSON Lines record with MBPP keys (`text`, `test_list`, ...).
    Mbpp,
    /// A record of the sanitized MBPP JSON array (`prompt`, `test_imports`, ...).
    MbppSanitized,
    /// A JSON Lines record with HumanEval keys (`prompt`, `entry_point`, `test`).
    HumanEval,
    /// A folder with `task.toml` and `test_*.py` files.
    Folder,
}

/// Where a task was read from, for error messages and `tasks show`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceRef {
    /// File (or, for folder tasks, the `task.toml`) relative to the task root.
    pub path: String,
    /// 1-based line of the record in a JSON Lines file.
    pub line: Option<usize>,
}

/// A task, independent of the format it was written in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Task {
    pub id: TaskId,
    /// The id inside its source: the record's `task_id`, or `id` from `task.toml`
    /// (default: the folder name).
    pub local_id: String,
    pub format: TaskFormat,
    pub source: SourceRef,
    /// The raw task text (MBPP `text`, HumanEval `prompt`). The trainer builds the
    /// model prompt from it (adding, for instance, the first assert as an example).
    pub prompt: String,
    /// Name of the function the tests call, when known.
    pub entry_point: Option<String>,
    /// A reference solution, when the source has one (never shown to the model).
    pub solution: Option<String>,
    /// Code run after the candidate solution and before the tests (imports, fixtures).
    pub setup: String,
    /// The tests, in order. Never empty for a loaded task.
    pub tests: Vec<TestSpec>,
    pub split: Split,
    /// Relative sampling weight (finite, >= 0; default 1).
    pub weight: f64,
    pub tags: Vec<String>,
}

impl Task {
    /// The first assert statement, for showing the expected call shape in a prompt.
    pub fn first_assert(&self) -> Option<&str> {
        self.tests.iter().find_map(|t| match t {
            TestSpec::Assert(a) => Some(a.as_str()),
            TestSpec::File { .. } => None,
        })
    }
}

/// Name of the first top-level `def` of `code` whose call appears earliest in `test`:
/// the function an MBPP assert exercises (`assert set(similar_elements(...))` gives
/// `similar_elements`, not `set`). `examples/make_mbpp_tasks.py` mirrors this rule.
pub fn infer_entry_point(code: &str, test: &str) -> Option<String> {
    let mut best: Option<(usize, &str)> = None;
    for name in code.lines().filter_map(top_level_def) {
        if let Some(pos) = find_call(test, name) {
            if best.is_none_or(|(p, _)| pos < p) {
                best = Some((pos, name));
            }
        }
    }
    best.map(|(_, name)| name.to_owned())
}

fn is_ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// `def name(` at column 0 (spaces or tabs allowed around the name).
fn top_level_def(line: &str) -> Option<&str> {
    let rest = line.strip_prefix("def")?;
    let trimmed = rest.trim_start_matches([' ', '\t']);
    if trimmed.len() == rest.len() {
        return None;
    }
    let end = trimmed.find(|c: char| !is_ident_char(c)).unwrap_or(trimmed.len());
    let (name, after) = trimmed.split_at(end);
    let starts_ok = name.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    (starts_ok && after.trim_start_matches([' ', '\t']).starts_with('(')).then_some(name)
}

/// Byte offset of the first `name(` in `text` that is not the tail of a longer name.
fn find_call(text: &str, name: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(off) = text[from..].find(name) {
        let pos = from + off;
        let before_ok = !text[..pos].chars().next_back().is_some_and(is_ident_char);
        let after = &text[pos + name.len()..];
        if before_ok && after.trim_start_matches([' ', '\t']).starts_with('(') {
            return Some(pos);
        }
        from = pos + name.len();
    }
    None
}
