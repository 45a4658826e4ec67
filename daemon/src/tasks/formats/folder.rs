//! The per-task folder: `task.toml` beside one or more `test_*.py`. A folder with any
//! problem (bad manifest, a broken test file) is not loaded at all: running a task
//! with some of its tests silently missing would change its reward unnoticed.

use std::fs;

use serde::Deserialize;

use super::{check_entry_point, check_python, check_weight, choose_split, norm, plain_asserts};
use super::{Loaded, ParseOptions};
use crate::tasks::error::{line_of, ErrorReason, TaskError};
use crate::tasks::files::{classify, file_name, io_reason, is_ignored_name, FileKind, Tree, TASK_TOML};
use crate::tasks::task::{SourceRef, Split, Task, TaskFormat, TaskId, TestSpec};

/// `task.toml`. Unknown keys are errors: a typo (`promt`) must not pass silently.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Manifest {
    /// Display id; default: the folder name. The stable id is the folder path.
    id: Option<LocalId>,
    prompt: String,
    entry_point: Option<String>,
    solution: Option<String>,
    /// Code run after the solution and before the tests.
    setup: Option<String>,
    split: Option<Split>,
    weight: Option<f64>,
    tags: Option<Vec<String>>,
}

/// `id = 601` and `id = "601"` are both fine.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum LocalId {
    Int(i64),
    Str(String),
}

/// Load the folder task at `rel` (a folder relative to the root).
pub fn load(tree: &Tree, rel: &str, opts: ParseOptions) -> Loaded {
    let manifest_rel = format!("{rel}/{TASK_TOML}");
    let mut errors = Vec::new();
    let manifest = tree.read_text(&manifest_rel).and_then(|text| parse_manifest(&manifest_rel, &text));
    let manifest = manifest.map_err(|e| errors.push(e)).ok();
    let tests = load_tests(tree, rel, &mut errors);
    if tests.is_empty() && errors.is_empty() {
        errors.push(TaskError::new(manifest_rel.as_str(), None, ErrorReason::NoTests));
    }
    match manifest {
        Some(m) if errors.is_empty() => match build(m, rel, &manifest_rel, tests, opts) {
            Ok(task) => Loaded { tasks: vec![task], errors },
            Err(e) => Loaded { tasks: Vec::new(), errors: vec![e] },
        },
        _ => Loaded { tasks: Vec::new(), errors },
    }
}

fn parse_manifest(rel: &str, text: &str) -> Result<Manifest, TaskError> {
    toml::from_str::<Manifest>(text).map_err(|e| {
        let line = e.span().map(|span| line_of(text, span.start));
        TaskError::new(rel, line, ErrorReason::Toml(e.message().trim().to_owned()))
    })
}

/// Check the manifest's fields and assemble the task.
fn build(m: Manifest, rel: &str, manifest_rel: &str, tests: Vec<TestSpec>, opts: ParseOptions) -> Result<Task, TaskError> {
    let invalid = |message| TaskError::new(manifest_rel, None, ErrorReason::InvalidField { record: TASK_TOML.to_owned(), message });
    if m.prompt.trim().is_empty() {
        return Err(invalid("prompt is empty".to_owned()));
    }
    if let Some(ep) = &m.entry_point {
        check_entry_point(ep).map_err(invalid)?;
    }
    let setup = m.setup.as_deref().map(norm).unwrap_or_default();
    check_python("setup", &setup).map_err(|(_, reason)| TaskError::new(manifest_rel, None, reason))?;
    let weight = check_weight(m.weight).map_err(invalid)?;
    let id = TaskId::folder(rel);
    let local_id = match m.id {
        Some(LocalId::Int(n)) => n.to_string(),
        Some(LocalId::Str(s)) if !s.trim().is_empty() => s,
        _ => file_name(rel).to_owned(),
    };
    Ok(Task {
        split: choose_split(m.split, None, &id, opts),
        id,
        local_id,
        format: TaskFormat::Folder,
        source: SourceRef { path: manifest_rel.to_owned(), line: None },
        prompt: norm(&m.prompt),
        entry_point: m.entry_point,
        solution: m.solution.as_deref().map(norm),
        setup,
        tests,
        weight,
        tags: m.tags.unwrap_or_default(),
    })
}

/// The folder's `test_*.py` files, in name order. A file of one-line asserts becomes
/// one [`TestSpec::Assert`] per line; anything else is run as a whole file.
fn load_tests(tree: &Tree, rel: &str, errors: &mut Vec<TaskError>) -> Vec<TestSpec> {
    let names = match fs::read_dir(tree.abs(rel)) {
        Ok(entries) => {
            let mut names: Vec<String> = entries
                .filter_map(Result::ok)
                .filter_map(|e| e.file_name().into_string().ok())
                .filter(|n| !is_ignored_name(n) && classify(n) == FileKind::Test)
                .collect();
            names.sort();
            names
        }
        Err(e) => {
            errors.push(TaskError::new(rel, None, io_reason(&e)));
            return Vec::new();
        }
    };
    let mut tests = Vec::new();
    for name in names {
        let file_rel = format!("{rel}/{name}");
        match tree.read_text(&file_rel).and_then(|source| check_test_file(&file_rel, source)) {
            Ok(source) => match plain_asserts(&source) {
                Some(asserts) => tests.extend(asserts.into_iter().map(TestSpec::Assert)),
                None => tests.push(TestSpec::File { name, source }),
            },
            Err(e) => errors.push(e),
        }
    }
    tests
}

/// The checks a test file must pass before the verifier ever sees it.
fn check_test_file(rel: &str, source: String) -> Result<String, TaskError> {
    if source.trim().is_empty() {
        return Err(TaskError::new(rel, None, ErrorReason::EmptyTestFile));
    }
    let summary = check_python("test file", &source).map_err(|(line, reason)| TaskError::new(rel, Some(line), reason))?;
    if !summary.has_assert && !summary.has_test_def {
        return Err(TaskError::new(rel, None, ErrorReason::NoAsserts));
    }
    Ok(source)
}
