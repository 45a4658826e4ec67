//! The live watcher: notify events on the task tree, debounced, turned into
//! incremental store reloads. Editors save in bursts (write a temp file and rename it,
//! or truncate and write in pieces); waiting for a quiet period and then reloading
//! each affected unit once turns a burst into one reload.
//!
//! Not seen live (a `tasks reload` catches them): changes inside a symlinked folder,
//! and permission-only changes (metadata events are dropped, because merely reading a
//! file can update its access time and would make every reload trigger another one).

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use notify::{Event, EventKind, RecursiveMode, Watcher};
use tokio::sync::mpsc;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use super::files::rel_key;
use super::store::TaskStore;

/// Debounce timing.
#[derive(Debug, Clone, Copy)]
pub struct WatchOptions {
    /// Reload once no event arrived for this long.
    pub quiet: Duration,
    /// ...but never later than this after the first event of a burst, so a tree that
    /// never stops changing (a generator writing files) still updates.
    pub max_delay: Duration,
}

impl Default for WatchOptions {
    fn default() -> Self {
        WatchOptions { quiet: Duration::from_millis(300), max_delay: Duration::from_millis(1000) }
    }
}

/// The watcher could not start (the daemon keeps running without live updates).
#[derive(Debug, thiserror::Error)]
pub enum WatchError {
    #[error("cannot watch task directory {path}: {source}")]
    Start { path: String, source: notify::Error },
}

/// What the notify thread hands to the debounce loop.
enum Msg {
    Paths(Vec<PathBuf>),
    /// Events were lost (kernel queue overflow): only a full reload is exact.
    Rescan,
}

/// Events buffered between notify's thread and the debounce loop; on overflow the
/// loop does a full reload instead of blocking notify.
const CHANNEL_CAPACITY: usize = 4096;

/// Watch the store's root until `shutdown` is cancelled. Starts with a full reload,
/// after the watch is in place, so nothing changed during startup is missed.
pub async fn watch(store: TaskStore, opts: WatchOptions, shutdown: CancellationToken) -> Result<(), WatchError> {
    let root = store.root().to_path_buf();
    let (tx, mut rx) = mpsc::channel(CHANNEL_CAPACITY);
    let overflow = Arc::new(AtomicBool::new(false));
    let handler = event_handler(root.clone(), tx, overflow.clone());
    let start_err = |source| WatchError::Start { path: root.display().to_string(), source };
    let mut watcher = notify::recommended_watcher(handler).map_err(start_err)?;
    watcher.watch(&root, RecursiveMode::Recursive).map_err(start_err)?;
    tracing::info!(dir = %root.display(), "watching task directory");
    reload(&store, Pending { all: true, paths: HashSet::new() }).await;

    while let Some(pending) = next_burst(&mut rx, &overflow, opts, &shutdown).await {
        reload(&store, pending).await;
    }
    drop(watcher);
    tracing::debug!("task watcher stopped");
    Ok(())
}

/// Turn notify's callback into channel messages, dropping what can never matter.
fn event_handler(root: PathBuf, tx: mpsc::Sender<Msg>, overflow: Arc<AtomicBool>) -> impl FnMut(notify::Result<Event>) + Send + 'static {
    move |res| {
        let msg = match res {
            Ok(event) if event.need_rescan() => Msg::Rescan,
            Ok(event) if matters(&event.kind) => {
                // Ignored names (editor swap files, hidden dirs) never reach the loop.
                let paths: Vec<PathBuf> = event.paths.into_iter().filter(|p| rel_key(&root, p).is_some()).collect();
                if paths.is_empty() {
                    return;
                }
                Msg::Paths(paths)
            }
            Ok(_) => return,
            Err(e) => {
                tracing::warn!(error = %e, "task watcher error; will reload everything");
                Msg::Rescan
            }
        };
        if tx.try_send(msg).is_err() {
            overflow.store(true, Ordering::Relaxed);
        }
    }
}

/// Content and name changes. Opens and closes are our own reads as often as not;
/// metadata: see the module doc.
fn matters(kind: &EventKind) -> bool {
    !matches!(kind, EventKind::Access(_) | EventKind::Modify(notify::event::ModifyKind::Metadata(_)))
}

/// Paths changed during one burst.
struct Pending {
    all: bool,
    paths: HashSet<PathBuf>,
}

impl Pending {
    fn add(&mut self, msg: Msg) {
        match msg {
            Msg::Paths(paths) => self.paths.extend(paths),
            Msg::Rescan => self.all = true,
        }
    }
}

/// Wait for the first event, then gather more until `opts.quiet` passes without one
/// (or `opts.max_delay` since the first). `None` on shutdown.
async fn next_burst(rx: &mut mpsc::Receiver<Msg>, overflow: &AtomicBool, opts: WatchOptions, shutdown: &CancellationToken) -> Option<Pending> {
    let mut pending = Pending { all: false, paths: HashSet::new() };
    tokio::select! {
        _ = shutdown.cancelled() => return None,
        msg = rx.recv() => pending.add(msg?),
    }
    let deadline = Instant::now() + opts.max_delay;
    loop {
        let wake = (Instant::now() + opts.quiet).min(deadline);
        tokio::select! {
            _ = shutdown.cancelled() => return None,
            msg = rx.recv() => pending.add(msg?),
            _ = tokio::time::sleep_until(wake) => break,
        }
    }
    // Anything dropped while the channel was full: the paths are unknown.
    if overflow.swap(false, Ordering::Relaxed) {
        pending.all = true;
    }
    Some(pending)
}

/// Apply a burst to the store off the async threads (it reads files).
async fn reload(store: &TaskStore, pending: Pending) {
    let store = store.clone();
    let result = tokio::task::spawn_blocking(move || {
        if pending.all {
            let summary = store.reload_all();
            tracing::info!(tasks = summary.tasks, errors = summary.errors, "task directory reloaded");
        } else {
            store.reload_paths(&pending.paths);
        }
    })
    .await;
    if let Err(e) = result {
        // The store never panics on input; if it does anyway, keep watching.
        tracing::error!(error = %e, "task reload panicked");
    }
}
