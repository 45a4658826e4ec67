//! [`EvalTask`]: what the evaluator needs of a task, independent of the task store
//! (text, the asserts a prompt may show, the program the verifier runs), with
//! conversions from store tasks and from raw MBPP records.

use serde::{Deserialize, Serialize};

use crate::commands::verify::MbppTask;
use crate::reward::{TestProgram, TestSource};
use crate::tasks::{Split, Task, TaskId, TestSpec};

/// One eval task.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvalTask {
    /// Stable id; the key of `EvalRecord::per_task` (paired comparisons rely on it).
    pub id: String,
    /// The task text (MBPP `text`).
    pub text: String,
    /// Assert statements a prompt may show (a subset of the tests, in order).
    pub asserts_shown: Vec<String>,
    /// What the verifier runs.
    pub program: TestProgram,
}

impl EvalTask {
    /// From a task of the store. Every assert test may be shown; test files never are.
    pub fn from_task(task: &Task) -> EvalTask {
        let tests: Vec<TestSource> = task
            .tests
            .iter()
            .map(|t| match t {
                TestSpec::Assert(a) => TestSource::Assert(a.clone()),
                TestSpec::File { name, source } => TestSource::File { name: name.clone(), source: source.clone() },
            })
            .collect();
        let asserts_shown = task
            .tests
            .iter()
            .filter_map(|t| match t {
                TestSpec::Assert(a) => Some(a.clone()),
                TestSpec::File { .. } => None,
            })
            .collect();
        EvalTask { id: task.id.0.clone(), text: task.prompt.clone(), asserts_shown, program: TestProgram { setup: task.setup.clone(), tests } }
    }

    /// From a raw `mbpp.jsonl` record; the id is the one the task store gives a record
    /// of `mbpp.jsonl` at the task root (`mbpp.jsonl#<task_id>`).
    pub fn from_mbpp(t: &MbppTask) -> EvalTask {
        EvalTask { id: TaskId::in_file("mbpp.jsonl", &t.task_id.to_string()).0, text: t.text.clone(), asserts_shown: t.test_list.clone(), program: t.program() }
    }
}

/// The held-out eval split of the store's tasks, ordered by id (numerically where the
/// local ids are numbers, so MBPP runs 11, 12, ... 510).
pub fn eval_split<'a>(tasks: impl IntoIterator<Item = &'a Task>) -> Vec<EvalTask> {
    let mut held: Vec<&Task> = tasks.into_iter().filter(|t| t.split == Split::Eval).collect();
    held.sort_by(|a, b| {
        let key = |t: &Task| (t.source.path.clone(), t.local_id.parse::<u64>().ok(), t.local_id.clone());
        key(a).cmp(&key(b))
    });
    held.into_iter().map(EvalTask::from_task).collect()
}

/// MBPP records with `task_id` in `ids` (inclusive), in id order.
pub fn mbpp_range(records: &[MbppTask], ids: (u32, u32)) -> Vec<EvalTask> {
    let mut sel: Vec<&MbppTask> = records.iter().filter(|t| (ids.0..=ids.1).contains(&t.task_id)).collect();
    sel.sort_by_key(|t| t.task_id);
    sel.into_iter().map(EvalTask::from_mbpp).collect()
}
