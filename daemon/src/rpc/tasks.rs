//! Task store views for the `tasks_*` methods (wire types live in rlvr-client).

use jsonrpsee::core::RpcResult;
use rlvr_client::{TaskDetail, TaskErrorInfo, TaskPage, TaskSummary};

use super::errors::{invalid, not_found};
use crate::tasks::{ListQuery, Split, Task, TaskStats, TaskStore, TestSpec};

const PAGE_LIMIT: usize = 1000;

fn summary(t: &Task, stats: TaskStats) -> TaskSummary {
    let preview: String = t.prompt.chars().take(100).collect();
    TaskSummary {
        id: t.id.as_str().to_string(),
        split: t.split.as_str().to_string(),
        format: format!("{:?}", t.format).to_lowercase(),
        source: match t.source.line {
            Some(l) => format!("{}:{l}", t.source.path),
            None => t.source.path.clone(),
        },
        prompt_preview: preview,
        tests: t.tests.len(),
        attempts: stats.attempts,
        passes: stats.passes,
        recent_pass_rate: stats.recent_pass_rate,
        sampler: stats.sampler,
    }
}

pub fn list(store: &TaskStore, offset: Option<usize>, limit: Option<usize>, split: Option<String>) -> RpcResult<TaskPage> {
    let split = match split {
        Some(s) => Some(s.parse::<Split>().map_err(invalid)?),
        None => None,
    };
    let q = ListQuery { offset: offset.unwrap_or(0), limit: limit.unwrap_or(100).min(PAGE_LIMIT), split };
    let page = store.list(&q);
    let items = page.items.iter().filter_map(|s| store.get(s.id.as_str()).map(|t| summary(&t, s.stats))).collect();
    Ok(TaskPage { total: page.total, offset: page.offset, items })
}

pub fn get(store: &TaskStore, id: &str) -> RpcResult<TaskDetail> {
    let t = store.get(id).ok_or_else(|| not_found(format!("no task `{id}` (see tasks_list)")))?;
    let stats = store.stats(id).unwrap_or_default();
    Ok(TaskDetail {
        summary: summary(&t, stats),
        prompt: t.prompt.clone(),
        entry_point: t.entry_point.clone(),
        setup: t.setup.clone(),
        tests: t
            .tests
            .iter()
            .map(|s| match s {
                TestSpec::Assert(a) => a.clone(),
                TestSpec::File { name, source } => format!("# {name}\n{source}"),
            })
            .collect(),
        solution: t.solution.clone(),
        tags: t.tags.clone(),
    })
}

pub fn errors(store: &TaskStore) -> Vec<TaskErrorInfo> {
    store.errors().into_iter().map(|e| TaskErrorInfo { file: e.file, line: e.line, reason: e.reason.to_string() }).collect()
}
