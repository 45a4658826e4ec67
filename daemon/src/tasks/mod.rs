//! The task directory: the formats tasks are written in (MBPP and HumanEval JSON,
//! per-task folders), the [`TaskStore`] holding them by stable id with splits, weights
//! and statistics, and the [`watch`]er that keeps the store in step with the tree as
//! the user edits it. Bad input is reported ([`TaskStore::errors`]), never fatal.
//!
//! [`Problem`] is a task as the model and verifier see it (training, eval and `rlvrd
//! verify` all use it) and [`prompt`] the text it is shown with.
//!
//! The formats are documented for users in `README-tasks.md` beside this file.
//!
//! Typical wiring:
//! ```ignore
//! let store = TaskStore::open(&config.tasks);
//! if config.tasks.watch {
//!     tracker.spawn(tasks::watch(store.clone(), WatchOptions::default(), shutdown.child_token()));
//! }
//! ```

pub mod bundled;
mod error;
mod file;
mod files;
mod formats;
mod listing;
mod problem;
pub mod prompt;
mod python;
mod split;
mod stats;
mod store;
mod task;
mod watch;

#[cfg(test)]
mod tests;

pub use error::{ErrorReason, TaskError};
pub use file::{bundled_mbpp, mbpp_tasks, read_task_file, TaskFileError};
pub use formats::{humaneval_test_file, parse_json_array, parse_jsonl, Loaded, ParseOptions, HUMANEVAL_TEST_FILE};
pub use listing::{ListQuery, ReloadSummary, TaskPage, TaskSummary};
pub use problem::{eval_split, mbpp_range, Problem};
pub use split::{fnv1a64, hash_split, mbpp_split};
pub use stats::{TaskStats, PASS_RATE_ALPHA};
pub use store::{StoreOptions, TaskStore};
pub use task::{infer_entry_point, SourceRef, Split, Task, TaskFormat, TaskId, TestSpec};
pub use watch::{watch, WatchError, WatchOptions};
