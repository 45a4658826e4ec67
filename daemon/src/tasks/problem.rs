//! [`Problem`]: a task as the model and the verifier see it (the text, the asserts a
//! prompt may show, the program the verifier runs), independent of where it was
//! loaded from. Training, evaluation and `rlvrd verify` all work on problems.

use serde::{Deserialize, Serialize};

use super::task::{Split, Task, TestSpec};
use crate::reward::{TestProgram, TestSource};

/// One problem.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Problem {
    /// Stable id (the task id); the key of `EvalRecord::per_task`, so paired
    /// comparisons rely on it.
    pub id: String,
    /// The task text (MBPP `text`).
    pub text: String,
    /// Assert statements a prompt may show (a subset of the tests, in order).
    pub asserts_shown: Vec<String>,
    /// What the verifier runs.
    pub program: TestProgram,
}

impl Problem {
    /// Every assert test may be shown; test files never are.
    pub fn from_task(task: &Task) -> Problem {
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
        Problem { id: task.id.0.clone(), text: task.prompt.clone(), asserts_shown, program: TestProgram { setup: task.setup.clone(), tests } }
    }
}

/// The held-out eval split of the store's tasks, ordered by id (numerically where the
/// local ids are numbers, so MBPP runs 11, 12, ... 510).
pub fn eval_split<'a>(tasks: impl IntoIterator<Item = &'a Task>) -> Vec<Problem> {
    let mut held: Vec<&Task> = tasks.into_iter().filter(|t| t.split == Split::Eval).collect();
    held.sort_by(|a, b| {
        let key = |t: &Task| (t.source.path.clone(), t.local_id.parse::<u64>().ok(), t.local_id.clone());
        key(a).cmp(&key(b))
    });
    held.into_iter().map(Problem::from_task).collect()
}

/// Tasks whose numeric id is in `ids` (inclusive), in id order: an MBPP range.
pub fn mbpp_range(tasks: &[Task], ids: (u32, u32)) -> Vec<Problem> {
    let mut sel: Vec<(u32, &Task)> =
        tasks.iter().filter_map(|t| t.local_id.parse::<u32>().ok().map(|n| (n, t))).filter(|(n, _)| (ids.0..=ids.1).contains(n)).collect();
    sel.sort_by_key(|(n, _)| *n);
    sel.into_iter().map(|(_, t)| Problem::from_task(t)).collect()
}
