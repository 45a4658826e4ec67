//! JSON task records: MBPP (`mbpp.jsonl`), sanitized MBPP (a JSON array) and
//! HumanEval-style JSON Lines. The record's keys decide its format, so one file may
//! mix them and a `.json` array may hold any of them.
//!
//! The MBPP standard split is applied only to MBPP records in files whose name
//! contains `mbpp`: a user's own MBPP-shaped file with ids 1-10 should not silently
//! become few-shot examples.

use std::collections::HashMap;

use serde::de::IgnoredAny;
use serde::Deserialize;

use super::{check_entry_point, check_python, check_weight, choose_split, humaneval_test_file, norm};
use super::{Loaded, ParseOptions};
use crate::tasks::error::{ErrorReason, TaskError};
use crate::tasks::task::{infer_entry_point, SourceRef, Split, Task, TaskFormat, TaskId, TestSpec};

/// Every key any supported record may have; unknown keys are ignored so that extra
/// metadata in published data sets does not break loading.
#[derive(Debug, Default, Deserialize)]
struct RawRecord {
    task_id: Option<serde_json::Value>,
    text: Option<String>,
    prompt: Option<String>,
    code: Option<String>,
    test_setup_code: Option<String>,
    test_imports: Option<Vec<String>>,
    test_list: Option<Vec<String>>,
    /// MBPP's harder extra tests; standard MBPP scoring does not use them.
    #[allow(dead_code)]
    challenge_test_list: Option<IgnoredAny>,
    entry_point: Option<String>,
    test: Option<String>,
    canonical_solution: Option<String>,
    split: Option<String>,
    weight: Option<f64>,
    tags: Option<Vec<String>>,
}

/// Where a record sits, for ids and messages.
struct Place<'a> {
    rel: &'a str,
    line: Option<usize>,
    /// `line 12` / `record 3`, used when the record has no usable task_id.
    label: String,
    /// The file's name says it is MBPP (see the module doc).
    mbpp_file: bool,
}

/// A JSON Lines file: one record per non-blank line; a bad line is reported with its
/// number and skipped.
pub fn parse_jsonl(rel: &str, text: &str, opts: ParseOptions) -> Loaded {
    let mut out = Loaded::default();
    let mut seen = HashMap::new();
    for (i, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let place = Place { rel, line: Some(i + 1), label: format!("line {}", i + 1), mbpp_file: is_mbpp_name(rel) };
        let record = match serde_json::from_str::<RawRecord>(line) {
            Ok(r) => r,
            Err(e) => {
                out.errors.push(TaskError::new(rel, Some(i + 1), ErrorReason::Json(json_message(&e))));
                continue;
            }
        };
        push(&mut out, &mut seen, record_to_task(record, &place, opts), i + 1);
    }
    out
}

/// A JSON file holding an array of records (the sanitized MBPP layout) or a single
/// record object.
pub fn parse_json_array(rel: &str, text: &str, opts: ParseOptions) -> Loaded {
    let mut out = Loaded::default();
    let values = match serde_json::from_str::<serde_json::Value>(text) {
        Ok(serde_json::Value::Array(values)) => values,
        Ok(value @ serde_json::Value::Object(_)) => vec![value],
        Ok(_) => {
            let reason = ErrorReason::Json("expected an array of task records".into());
            return Loaded::error(TaskError::new(rel, Some(1), reason));
        }
        Err(e) => return Loaded::error(TaskError::new(rel, Some(e.line()), ErrorReason::Json(json_message(&e)))),
    };
    let mut seen = HashMap::new();
    for (i, value) in values.into_iter().enumerate() {
        let place = Place { rel, line: None, label: format!("record {}", i + 1), mbpp_file: is_mbpp_name(rel) };
        let result = RawRecord::deserialize(value)
            .map_err(|e| TaskError::new(rel, None, ErrorReason::Json(e.to_string())))
            .and_then(|record| record_to_task(record, &place, opts))
            .map_err(|mut e| {
                // Every problem of an array record says which record it is.
                if e.line.is_none() {
                    e.record = Some(i + 1);
                }
                e
            });
        // Records of an array have no line; their index stands in for duplicate reports.
        push(&mut out, &mut seen, result, i + 1);
    }
    out
}

/// Add a parsed record, refusing a second task with the same id.
fn push(out: &mut Loaded, seen: &mut HashMap<TaskId, usize>, result: Result<Task, TaskError>, at: usize) {
    match result {
        Err(e) => out.errors.push(e),
        Ok(task) => match seen.get(&task.id) {
            Some(&first_line) => {
                let reason = ErrorReason::DuplicateId { id: task.local_id.clone(), first_line };
                out.errors.push(TaskError::new(task.source.path.clone(), task.source.line, reason));
            }
            None => {
                seen.insert(task.id.clone(), at);
                out.tasks.push(task);
            }
        },
    }
}

fn is_mbpp_name(rel: &str) -> bool {
    super::super::files::file_name(rel).to_ascii_lowercase().contains("mbpp")
}

/// serde_json's message without its position suffix (a JSON Lines record is one
/// line, so the column is what locates the problem).
fn json_message(e: &serde_json::Error) -> String {
    let full = e.to_string();
    let msg = full.rfind(" at line ").map_or(full.as_str(), |i| &full[..i]);
    format!("{msg} (column {})", e.column())
}

/// Decide the record's format by its keys and build the task.
fn record_to_task(r: RawRecord, place: &Place, opts: ParseOptions) -> Result<Task, TaskError> {
    let err = |reason| TaskError::new(place.rel, place.line, reason);
    let record = place.label.clone();
    let local_id = match &r.task_id {
        Some(serde_json::Value::Number(n)) => n.to_string(),
        Some(serde_json::Value::String(s)) if !s.trim().is_empty() => s.clone(),
        Some(_) => return Err(err(ErrorReason::InvalidField { record, message: "task_id must be a number or a non-empty string".into() })),
        None if r.test_list.is_some() || r.test.is_some() => return Err(err(ErrorReason::MissingField { record, field: "task_id" })),
        None => return Err(err(ErrorReason::UnknownRecord { record })),
    };
    let record = format!("task_id {local_id}");
    let mut task = if r.test_list.is_some() {
        mbpp_task(&r, place, &record)?
    } else if r.test.is_some() || r.entry_point.is_some() {
        humaneval_task(&r, place, &record)?
    } else {
        return Err(err(ErrorReason::UnknownRecord { record }));
    };
    let invalid = |message| err(ErrorReason::InvalidField { record: record.clone(), message });
    task.id = TaskId::in_file(place.rel, &local_id);
    task.source = SourceRef { path: place.rel.to_owned(), line: place.line };
    task.weight = check_weight(r.weight).map_err(invalid)?;
    task.tags = r.tags.unwrap_or_default();
    let explicit = r.split.as_deref().map(str::parse::<Split>).transpose().map_err(invalid)?;
    let mbpp_id = match (&r.task_id, task.format, place.mbpp_file) {
        (Some(serde_json::Value::Number(n)), TaskFormat::Mbpp | TaskFormat::MbppSanitized, true) => n.as_u64(),
        _ => None,
    };
    task.split = choose_split(explicit, mbpp_id, &task.id, opts);
    task.local_id = local_id;
    Ok(task)
}

/// A task with every field that depends on the record's place still unset.
fn blank_task(format: TaskFormat, prompt: String) -> Task {
    Task {
        id: TaskId(String::new()),
        local_id: String::new(),
        format,
        source: SourceRef { path: String::new(), line: None },
        prompt,
        entry_point: None,
        solution: None,
        setup: String::new(),
        tests: Vec::new(),
        split: Split::Train,
        weight: 1.0,
        tags: Vec::new(),
    }
}

/// MBPP (`text`, `test_setup_code`) or sanitized MBPP (`prompt`, `test_imports`).
fn mbpp_task(r: &RawRecord, place: &Place, record: &str) -> Result<Task, TaskError> {
    let err = |reason| TaskError::new(place.rel, place.line, reason);
    let missing = |field| err(ErrorReason::MissingField { record: record.to_owned(), field });
    let (format, prompt) = match (&r.text, &r.prompt) {
        (Some(text), _) => (TaskFormat::Mbpp, text),
        (None, Some(prompt)) => (TaskFormat::MbppSanitized, prompt),
        (None, None) => return Err(missing("text")),
    };
    let tests: Vec<String> = r.test_list.iter().flatten().map(|t| norm(t.trim())).filter(|t| !t.is_empty()).collect();
    if tests.is_empty() {
        return Err(err(ErrorReason::NoTests));
    }
    let mut setup_parts: Vec<String> = r.test_imports.iter().flatten().map(|s| norm(s)).collect();
    setup_parts.extend(r.test_setup_code.as_deref().map(norm).filter(|s| !s.trim().is_empty()));
    let setup = setup_parts.join("\n");
    for (what, code) in std::iter::once(("setup", setup.as_str())).chain(tests.iter().map(|t| ("test", t.as_str()))) {
        check_python(what, code).map_err(|(_, reason)| err(reason))?;
    }
    let solution = r.code.as_deref().map(norm);
    let mut task = blank_task(format, norm(prompt));
    task.entry_point = match &r.entry_point {
        Some(ep) => Some(ep.clone()),
        None => solution.as_deref().and_then(|code| infer_entry_point(code, &tests[0])),
    };
    if let Some(ep) = &task.entry_point {
        check_entry_point(ep).map_err(|message| err(ErrorReason::InvalidField { record: record.to_owned(), message }))?;
    }
    task.solution = solution;
    task.setup = setup;
    task.tests = tests.into_iter().map(TestSpec::Assert).collect();
    Ok(task)
}

/// HumanEval: the prompt is code (signature + docstring), the test defines
/// `check(candidate)`.
fn humaneval_task(r: &RawRecord, place: &Place, record: &str) -> Result<Task, TaskError> {
    let bare = |reason| TaskError::new(place.rel, place.line, reason);
    let missing = |field| bare(ErrorReason::MissingField { record: record.to_owned(), field });
    let prompt = r.prompt.as_deref().ok_or_else(|| missing("prompt"))?;
    let entry_point = r.entry_point.as_deref().ok_or_else(|| missing("entry_point"))?;
    let test = r.test.as_deref().ok_or_else(|| missing("test"))?;
    check_entry_point(entry_point).map_err(|message| bare(ErrorReason::InvalidField { record: record.to_owned(), message }))?;
    let (name, source) = humaneval_test_file(test, entry_point);
    let summary = check_python("test", &source).map_err(|(_, reason)| bare(reason))?;
    if !summary.has_assert {
        return Err(bare(ErrorReason::NoAsserts));
    }
    let mut task = blank_task(TaskFormat::HumanEval, norm(prompt));
    task.entry_point = Some(entry_point.to_owned());
    // HumanEval's canonical solution is the body that continues the prompt.
    task.solution = r.canonical_solution.as_deref().map(|body| norm(&format!("{prompt}{body}")));
    task.tests = vec![TestSpec::File { name, source }];
    Ok(task)
}
