//! The shapes the store answers queries in: a page of task summaries and the outcome
//! of a reload. They serialise as they are, for the RPC layer to wrap.

use serde::Serialize;

use super::stats::TaskStats;
use super::task::{SourceRef, Split, TaskFormat, TaskId};

/// A page of `list`: which tasks and which part of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListQuery {
    pub offset: usize,
    /// At most this many items (0 = none, only `total`).
    pub limit: usize,
    /// Only tasks of this split.
    pub split: Option<Split>,
}

/// One task in a listing: what identifies it, not its content.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TaskSummary {
    pub id: TaskId,
    pub split: Split,
    pub format: TaskFormat,
    pub source: SourceRef,
    pub weight: f64,
    pub tags: Vec<String>,
    pub stats: TaskStats,
}

/// A page of tasks in id order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TaskPage {
    /// Tasks matching the filter, over all pages.
    pub total: usize,
    pub offset: usize,
    pub items: Vec<TaskSummary>,
    /// The store generation the page was read at.
    pub generation: u64,
}

/// Outcome of a reload, for `tasks reload` and the logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ReloadSummary {
    pub tasks: usize,
    pub errors: usize,
    pub generation: u64,
}
