//! The live watcher on a temp dir: every kind of change shows within 2 s, and editor
//! save patterns cost one reload.

use std::io::Write;
use std::time::{Duration, Instant};

use tokio_util::sync::CancellationToken;

use super::*;
use crate::tasks::watch::{watch, WatchOptions};

const TOML: &str = "prompt = 'Add.'\nsplit = 'train'\n";

/// Poll until `pred` holds; fail after 2 s naming `what`.
async fn within_2s(store: &TaskStore, what: &str, pred: impl Fn(&TaskStore) -> bool) {
    let start = Instant::now();
    while !pred(store) {
        assert!(start.elapsed() < Duration::from_secs(2), "not reflected within 2 s: {what}; errors: {:?}", store.errors());
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn tests_of(store: &TaskStore, id: &str) -> Option<usize> {
    store.get(id).map(|t| t.tests.len())
}

struct Running {
    store: TaskStore,
    token: CancellationToken,
    handle: tokio::task::JoinHandle<Result<(), crate::tasks::WatchError>>,
}

async fn start(root: &Path) -> Running {
    let store = store_at(root);
    let token = CancellationToken::new();
    let handle = tokio::spawn(watch(store.clone(), WatchOptions::default(), token.clone()));
    // The watcher's first act is a full reload; wait for it so counts start clean.
    within_2s(&store, "initial load", |s| s.load_count() > 0 || s.root().read_dir().unwrap().next().is_none()).await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    Running { store, token, handle }
}

impl Running {
    async fn stop(self) {
        self.token.cancel();
        let result = tokio::time::timeout(Duration::from_secs(2), self.handle).await;
        assert!(matches!(result, Ok(Ok(Ok(())))), "watcher did not stop cleanly: {result:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_change_shows_within_two_seconds() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let w = start(root).await;
    let s = &w.store;

    write(root, "t1/task.toml", TOML);
    write(root, "t1/test_a.py", "assert add(1, 1) == 2\n");
    within_2s(s, "add a task folder", |s| tests_of(s, "t1") == Some(1)).await;

    write(root, "t1/test_a.py", "assert add(1, 1) == 2\nassert add(2, 2) == 4\n");
    within_2s(s, "edit its test file", |s| tests_of(s, "t1") == Some(2)).await;

    std::fs::rename(root.join("t1"), root.join("t2")).unwrap();
    within_2s(s, "rename it", |s| s.get("t1").is_none() && tests_of(s, "t2") == Some(2)).await;

    write(root, "t2/test_a.py", "assert add(3, 3) == 6\n");
    within_2s(s, "edit in the renamed folder", |s| tests_of(s, "t2") == Some(1)).await;

    std::fs::remove_dir_all(root.join("t2")).unwrap();
    within_2s(s, "delete it", |s| s.is_empty()).await;

    write(root, "sub/bad.jsonl", "{\"task_id\": 1, \"text\": \"x\", \"test_list\": [\"assert f()\"]}\n{oops\n");
    within_2s(s, "malformed file", |s| s.errors().iter().any(|e| e.file == "sub/bad.jsonl" && e.line == Some(2))).await;
    assert_eq!(s.len(), 1, "the good line of the file still loads");

    std::fs::remove_dir_all(root.join("sub")).unwrap();
    within_2s(s, "delete a folder of files", |s| s.is_empty() && s.errors().is_empty()).await;
    w.stop().await;
}

/// Run `edit`, wait for `done`, let stragglers arrive, and return the reloads it cost.
async fn reloads_for(w: &Running, what: &str, edit: impl FnOnce(), done: impl Fn(&TaskStore) -> bool) -> u64 {
    let before = w.store.load_count();
    edit();
    within_2s(&w.store, what, done).await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    w.store.load_count() - before
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn editor_saves_and_bursts_cost_one_reload() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().to_path_buf();
    write(&root, "t/task.toml", TOML);
    write(&root, "t/test_a.py", "assert f(0)\n");
    let w = start(&root).await;
    let test = root.join("t/test_a.py");
    let has = |n: usize| move |s: &TaskStore| s.get("t").and_then(|t| t.first_assert().map(|a| a == format!("assert f({n})"))) == Some(true);

    let n = reloads_for(
        &w,
        "temp + rename",
        || {
            write(&root, "t/.test_a.py.swp", "vim swap");
            write(&root, "t/test_a.py.new", "assert f(1)\n");
            std::fs::rename(root.join("t/test_a.py.new"), &test).unwrap();
            std::fs::remove_file(root.join("t/.test_a.py.swp")).unwrap();
        },
        has(1),
    )
    .await;
    assert_eq!(n, 1, "temp + rename");

    let n = reloads_for(
        &w,
        "truncate + write",
        || {
            let mut f = std::fs::File::create(&test).unwrap();
            f.write_all(b"assert ").unwrap();
            f.flush().unwrap();
            std::thread::sleep(Duration::from_millis(30));
            f.write_all(b"f(2)\n").unwrap();
        },
        has(2),
    )
    .await;
    assert_eq!(n, 1, "truncate + write");

    let n = reloads_for(
        &w,
        "burst of 20 writes",
        || {
            for i in 3..23 {
                std::fs::write(&test, format!("assert f({i})\n")).unwrap();
                std::thread::sleep(Duration::from_millis(15));
            }
        },
        has(22),
    )
    .await;
    assert!(n <= 2, "a burst of 20 writes caused {n} reloads");
    w.stop().await;
}
