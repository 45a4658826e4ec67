//! The task store: every loaded task by stable id, the problems found, and per-task
//! statistics, behind a cheap clonable handle. Loading happens outside the lock; the
//! lock (a std `RwLock`, never held across `.await`) is taken only to swap results in,
//! so RPC handlers and the trainer read without waiting on disk I/O.
//!
//! The store is organised by *units*: a data file or a task folder, keyed by its path
//! relative to the root. A reload of any path recomputes the units at or below it,
//! which is what makes incremental updates from the watcher simple and exact.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

use tokio::sync::watch;

use super::error::{ErrorReason, TaskError};
use super::files::{parent_key, rel_key, Found, Tree, TASK_TOML};
use super::formats::{self, Loaded, ParseOptions};
use super::listing::{ListQuery, ReloadSummary, TaskPage, TaskSummary};
use super::stats::TaskStats;
use super::task::{Split, Task, TaskId};
use crate::config::TasksConfig;

/// Where tasks come from and the limits on reading them.
#[derive(Debug, Clone)]
pub struct StoreOptions {
    /// Root of the task tree.
    pub root: PathBuf,
    /// Larger files are refused.
    pub max_file_bytes: u64,
    /// Share of tasks put in `Eval` by the hash split.
    pub eval_fraction: f64,
}

impl From<&TasksConfig> for StoreOptions {
    fn from(c: &TasksConfig) -> Self {
        StoreOptions { root: c.dir.clone(), max_file_bytes: c.max_file_bytes, eval_fraction: c.eval_fraction }
    }
}

/// Thread-safe handle to the tasks; clone it freely.
#[derive(Clone)]
pub struct TaskStore {
    inner: Arc<Inner>,
}

struct Inner {
    tree: Tree,
    parse: ParseOptions,
    state: RwLock<State>,
    /// Serialises reloads: two overlapping reloads must not apply stale reads last.
    reload_lock: Mutex<()>,
    generation: watch::Sender<u64>,
    /// Units (files, folders) loaded since start; lets tests count reloads.
    loads: AtomicU64,
}

#[derive(Default)]
struct State {
    units: BTreeMap<String, Unit>,
    tasks: BTreeMap<TaskId, Arc<Task>>,
    stats: HashMap<TaskId, TaskStats>,
}

/// What one unit contributed.
#[derive(Debug, Clone, PartialEq)]
struct Unit {
    folder: bool,
    tasks: Vec<Arc<Task>>,
    errors: Vec<TaskError>,
}

impl TaskStore {
    /// A store over `opts.root`, empty until [`TaskStore::reload_all`].
    pub fn new(opts: StoreOptions) -> Self {
        // A root that does not exist yet stays as given; the walk reports it.
        let root = std::fs::canonicalize(&opts.root).unwrap_or_else(|_| std::path::absolute(&opts.root).unwrap_or(opts.root.clone()));
        let inner = Inner {
            tree: Tree { root, max_file_bytes: opts.max_file_bytes },
            parse: ParseOptions { eval_fraction: opts.eval_fraction },
            state: RwLock::new(State::default()),
            reload_lock: Mutex::new(()),
            generation: watch::channel(0).0,
            loads: AtomicU64::new(0),
        };
        TaskStore { inner: Arc::new(inner) }
    }

    /// A store over the configured directory, loaded.
    pub fn open(config: &TasksConfig) -> Self {
        let store = TaskStore::new(config.into());
        store.reload_all();
        store
    }

    /// The canonical root (paths from the watcher are relative to it).
    pub fn root(&self) -> &Path {
        &self.inner.tree.root
    }

    /// Bumped whenever the set of tasks or errors changes (not on statistics).
    pub fn generation(&self) -> u64 {
        *self.inner.generation.borrow()
    }

    /// Wait for generation changes with `changed().await`.
    pub fn subscribe(&self) -> watch::Receiver<u64> {
        self.inner.generation.subscribe()
    }

    /// Units (files and folders) read since start.
    pub fn load_count(&self) -> u64 {
        self.inner.loads.load(Ordering::Relaxed)
    }

    pub fn get(&self, id: &str) -> Option<Arc<Task>> {
        self.read().tasks.get(&TaskId::from(id)).cloned()
    }

    pub fn stats(&self, id: &str) -> Option<TaskStats> {
        let state = self.read();
        let id = TaskId::from(id);
        state.tasks.contains_key(&id).then(|| state.stats.get(&id).copied().unwrap_or_default())
    }

    /// Number of tasks per split, in [`Split::ALL`] order.
    pub fn counts(&self) -> [(Split, usize); 4] {
        let state = self.read();
        Split::ALL.map(|s| (s, state.tasks.values().filter(|t| t.split == s).count()))
    }

    pub fn len(&self) -> usize {
        self.read().tasks.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Tasks in id order, one page of them.
    pub fn list(&self, q: &ListQuery) -> TaskPage {
        let state = self.read();
        let matching = state.tasks.values().filter(|t| q.split.is_none_or(|s| t.split == s));
        let total = matching.clone().count();
        let items = matching
            .skip(q.offset)
            .take(q.limit)
            .map(|t| TaskSummary {
                id: t.id.clone(),
                split: t.split,
                format: t.format,
                source: t.source.clone(),
                weight: t.weight,
                tags: t.tags.clone(),
                stats: state.stats.get(&t.id).copied().unwrap_or_default(),
            })
            .collect();
        TaskPage { total, offset: q.offset, items, generation: self.generation() }
    }

    /// Every problem in the tree, by file then line.
    pub fn errors(&self) -> Vec<TaskError> {
        let mut errors: Vec<TaskError> = self.read().units.values().flat_map(|u| u.errors.iter().cloned()).collect();
        errors.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
        errors
    }

    /// Tasks of `split` with a positive weight, and that weight. Shaping it by
    /// statistics (curricula) is the trainer's business.
    pub fn sampling_weights(&self, split: Split) -> Vec<(TaskId, f64)> {
        let state = self.read();
        state.tasks.values().filter(|t| t.split == split && t.weight > 0.0).map(|t| (t.id.clone(), t.weight)).collect()
    }

    /// Record `attempts` scored samples of task `id`, `passes` of which passed.
    /// Returns the updated statistics, or `None` if the task is gone (it may have been
    /// deleted while the samples were being scored).
    /// Publish the task sampler's view of each task (`views(id)`), for listings.
    pub fn set_sampler_views(&self, views: impl Fn(&str, f64) -> rlvr_client::SamplerView) {
        let mut state = self.write();
        let ids: Vec<(TaskId, f64)> = state.tasks.iter().map(|(id, t)| (id.clone(), t.weight)).collect();
        for (id, weight) in ids {
            let view = views(id.as_str(), weight);
            state.stats.entry(id).or_default().sampler = Some(view);
        }
    }

    pub fn record_attempts(&self, id: &str, attempts: u64, passes: u64) -> Option<TaskStats> {
        let mut state = self.write();
        let id = TaskId::from(id);
        if !state.tasks.contains_key(&id) {
            return None;
        }
        let stats = state.stats.entry(id).or_default();
        stats.record(attempts, passes);
        Some(*stats)
    }

    /// Read the whole tree again.
    pub fn reload_all(&self) -> ReloadSummary {
        self.rescan("");
        let state = self.read();
        let errors = state.units.values().map(|u| u.errors.len()).sum();
        ReloadSummary { tasks: state.tasks.len(), errors, generation: self.generation() }
    }

    /// Bring the store up to date with whatever is now on disk at `path` (absolute,
    /// or relative to the root): created, modified, deleted or renamed, file or
    /// folder. Ignored names (editor temp files, hidden files) do nothing.
    pub fn reload_path(&self, path: &Path) {
        self.reload_paths([path]);
    }

    /// [`TaskStore::reload_path`] for many paths at once, reading each affected unit
    /// once however many of its files changed (what the watcher's debouncing hands
    /// over).
    pub fn reload_paths<P: AsRef<Path>>(&self, paths: impl IntoIterator<Item = P>) {
        let scopes: BTreeSet<String> = paths.into_iter().filter_map(|p| self.rel(p.as_ref())).map(|rel| self.scope_of(&rel)).collect();
        if scopes.contains("") {
            self.reload_all();
            return;
        }
        // BTreeSet order puts `a` before `a/b`: skip scopes inside one already done.
        let mut done: Vec<&str> = Vec::new();
        for scope in &scopes {
            if !done.iter().any(|d| in_scope(scope, d)) {
                self.rescan(scope);
                done.push(scope);
            }
        }
    }

    /// Forget what was loaded from `path` without reading it (it is known to be gone).
    /// Inside a task folder, the folder is reloaded instead: deleting a test file
    /// changes that task, it does not remove it.
    pub fn remove_path(&self, path: &Path) {
        let Some(rel) = self.rel(path) else { return };
        let scope = self.scope_of(&rel);
        if scope == rel {
            let _serial = self.inner.reload_lock.lock().unwrap_or_else(PoisonError::into_inner);
            self.apply(&scope, Vec::new());
        } else {
            self.rescan(&scope);
        }
    }

    fn rel(&self, path: &Path) -> Option<String> {
        let abs = if path.is_absolute() { path.to_path_buf() } else { self.inner.tree.root.join(path) };
        rel_key(&self.inner.tree.root, &abs)
    }

    /// The unit a change at `rel` belongs to: the outermost enclosing task folder
    /// (now, or before the change), else `rel` itself.
    fn scope_of(&self, rel: &str) -> String {
        let mut ancestors = Vec::new();
        let mut dir = parent_key(rel);
        while !dir.is_empty() {
            ancestors.push(dir);
            dir = parent_key(dir);
        }
        // Look up what was loaded first, then stat the disk without holding the lock.
        let known: Vec<bool> = {
            let state = self.read();
            ancestors.iter().map(|d| state.units.get(*d).is_some_and(|u| u.folder)).collect()
        };
        // `ancestors` runs inner to outer; the outermost task folder owns the change.
        let outermost = ancestors.iter().zip(known).rev().find(|(d, known)| *known || self.inner.tree.abs(d).join(TASK_TOML).exists()).map(|(d, _)| *d);
        let scope = match outermost {
            Some(folder) => folder,
            // A manifest that just vanished from a folder not yet loaded as one.
            None if rel.ends_with(&format!("/{TASK_TOML}")) => parent_key(rel),
            None => rel,
        };
        scope.to_owned()
    }

    /// Re-read every unit at or below `scope` (`""`: everything) and swap them in.
    fn rescan(&self, scope: &str) {
        let _serial = self.inner.reload_lock.lock().unwrap_or_else(PoisonError::into_inner);
        let tree = &self.inner.tree;
        let fresh: Vec<(String, Unit)> = tree
            .walk(scope)
            .into_iter()
            .map(|found| {
                self.inner.loads.fetch_add(1, Ordering::Relaxed);
                let Loaded { tasks, errors } = formats::load(tree, &found, self.inner.parse);
                let unit = Unit { folder: matches!(found, Found::Folder(_)), tasks: tasks.into_iter().map(Arc::new).collect(), errors };
                (found.key().to_owned(), unit)
            })
            .collect();
        self.apply(scope, fresh);
    }

    /// Replace the units in `scope` by `fresh`; warn once about each new problem and
    /// bump the generation if anything changed.
    fn apply(&self, scope: &str, mut fresh: Vec<(String, Unit)>) {
        let (changed, new_errors) = {
            let mut state = self.write();
            let old = take_scope(&mut state, scope);
            let known: HashSet<&TaskError> = old.values().flat_map(|u| u.errors.iter()).collect();
            let new_errors: Vec<TaskError> = insert_units(&mut state, &mut fresh).into_iter().filter(|e| !known.contains(e)).collect();
            let changed = old.len() != fresh.len() || fresh.iter().any(|(k, u)| old.get(k) != Some(u));
            (changed, new_errors)
        };
        for e in &new_errors {
            tracing::warn!(file = %e.file, line = e.line, reason = %e.reason, "task not loaded: {e}");
        }
        if changed {
            self.inner.generation.send_modify(|g| *g += 1);
            tracing::debug!(scope, generation = self.generation(), "tasks updated");
        }
    }

    fn read(&self) -> RwLockReadGuard<'_, State> {
        // A panic elsewhere while holding the lock leaves consistent maps (every write
        // is a handful of inserts); keep serving rather than propagate the panic.
        self.inner.state.read().unwrap_or_else(PoisonError::into_inner)
    }

    fn write(&self) -> RwLockWriteGuard<'_, State> {
        self.inner.state.write().unwrap_or_else(PoisonError::into_inner)
    }
}

// RPC handlers and the trainer share the store across threads.
const _: () = {
    const fn send_sync<T: Send + Sync>() {}
    send_sync::<TaskStore>();
};

fn in_scope(key: &str, scope: &str) -> bool {
    scope.is_empty() || key == scope || key.strip_prefix(scope).is_some_and(|rest| rest.starts_with('/'))
}

/// Remove the units of `scope` (and their tasks) from `state`.
fn take_scope(state: &mut State, scope: &str) -> BTreeMap<String, Unit> {
    let keys: Vec<String> = state.units.keys().filter(|k| in_scope(k, scope)).cloned().collect();
    let mut old = BTreeMap::new();
    for key in keys {
        if let Some(unit) = state.units.remove(&key) {
            for task in &unit.tasks {
                state.tasks.remove(&task.id);
            }
            old.insert(key, unit);
        }
    }
    old
}

/// Add `fresh` units; a task whose id another unit already holds becomes an error of
/// its own unit. Returns every error of the inserted units.
fn insert_units(state: &mut State, fresh: &mut [(String, Unit)]) -> Vec<TaskError> {
    let mut errors = Vec::new();
    for (key, unit) in fresh.iter_mut() {
        let mut kept = Vec::with_capacity(unit.tasks.len());
        for task in unit.tasks.drain(..) {
            if state.tasks.contains_key(&task.id) {
                let reason = ErrorReason::InvalidField { record: task.id.to_string(), message: "another file already defines a task with this id".into() };
                unit.errors.push(TaskError::new(key.as_str(), task.source.line, reason));
            } else {
                state.tasks.insert(task.id.clone(), task.clone());
                kept.push(task);
            }
        }
        unit.tasks = kept;
        errors.extend(unit.errors.iter().cloned());
        state.units.insert(key.clone(), unit.clone());
    }
    errors
}
