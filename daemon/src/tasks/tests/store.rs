//! The store on a temp dir, driven by explicit reloads (the watcher is tested apart).

use std::os::unix::fs::symlink;

use super::*;
use crate::tasks::error::ErrorReason;
use crate::tasks::listing::ListQuery;
use crate::tasks::task::Split;

const TOML: &str = "prompt = 'Add.'\nsplit = 'train'\n";

fn reasons(store: &TaskStore) -> Vec<(String, ErrorReason)> {
    store.errors().into_iter().map(|e| (e.file, e.reason)).collect()
}

#[test]
fn incremental_reloads_follow_each_change() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let store = store_at(root);
    store.reload_all();
    assert_eq!((store.len(), store.generation()), (0, 0));

    write(root, "a/task.toml", TOML);
    write(root, "a/test_a.py", "assert add(1, 1) == 2\n");
    store.reload_path(&root.join("a"));
    assert_eq!(store.get("a").unwrap().tests.len(), 1);
    assert_eq!(store.generation(), 1);

    write(root, "a/test_a.py", "assert add(1, 1) == 2\nassert add(2, 2) == 4\n");
    store.reload_path(&root.join("a/test_a.py"));
    assert_eq!(store.get("a").unwrap().tests.len(), 2);
    store.reload_path(&root.join("a/test_a.py"));
    assert_eq!(store.generation(), 2, "an unchanged reload is not a change");

    std::fs::rename(root.join("a"), root.join("b")).unwrap();
    store.reload_paths([root.join("a"), root.join("b")]);
    assert!(store.get("a").is_none() && store.get("b").is_some());

    std::fs::remove_file(root.join("b/test_a.py")).unwrap();
    store.reload_path(&root.join("b/test_a.py"));
    assert!(store.get("b").is_none());
    assert_eq!(reasons(&store), [("b/task.toml".to_owned(), ErrorReason::NoTests)]);

    std::fs::remove_dir_all(root.join("b")).unwrap();
    store.remove_path(&root.join("b"));
    assert_eq!((store.len(), store.errors().len()), (0, 0));
}

#[test]
fn orphan_test_files_become_a_task_when_task_toml_appears() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let store = store_at(root);
    write(root, "t/test_x.py", "assert f()\n");
    store.reload_all();
    assert_eq!(reasons(&store), [("t/test_x.py".to_owned(), ErrorReason::OrphanTestFile)]);
    write(root, "t/task.toml", TOML);
    store.reload_path(&root.join("t/task.toml"));
    assert_eq!(store.errors(), vec![]);
    assert!(store.get("t").is_some());
    std::fs::remove_file(root.join("t/task.toml")).unwrap();
    store.reload_path(&root.join("t/task.toml"));
    assert_eq!(reasons(&store), [("t/test_x.py".to_owned(), ErrorReason::OrphanTestFile)]);
}

#[test]
fn hostile_files_are_refused_and_the_rest_stays_available() {
    let dir = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "good/task.toml", TOML);
    write(root, "good/test_g.py", "assert g()\n");
    std::fs::write(root.join("binary.jsonl"), b"{\"a\": 1}\n\xff\xfe\x00garbage").unwrap();
    std::fs::write(root.join("huge.jsonl"), vec![b' '; (1 << 20) + 1]).unwrap();
    write(outside.path(), "secret.jsonl", "{}\n");
    symlink(outside.path().join("secret.jsonl"), root.join("escape.jsonl")).unwrap();
    symlink(outside.path(), root.join("escape-dir")).unwrap();
    symlink(root.join("loop.jsonl"), root.join("loop.jsonl")).unwrap();
    symlink(root, root.join("good-alias")).unwrap();
    symlink(root.join("nowhere"), root.join("dangling.json")).unwrap();
    write(root, "stray/test_s.py", "assert s()\n");
    unsafe_fifo(&root.join("fifo.jsonl"));
    write(root, ".hidden/x.jsonl", "garbage");
    write(root, "a/.test_a.py.swp", "garbage");
    write(root, "a/__pycache__/x.json", "garbage");

    let store = store_at(root);
    store.reload_all();
    assert_eq!(store.len(), 1, "the good task survives");
    let got = reasons(&store);
    let want = [
        ("binary.jsonl", ErrorReason::NotUtf8),
        ("dangling.json", ErrorReason::DanglingSymlink),
        ("escape-dir", ErrorReason::OutsideRoot { target: canon(outside.path()) }),
        ("escape.jsonl", ErrorReason::OutsideRoot { target: canon(&outside.path().join("secret.jsonl")) }),
        ("fifo.jsonl", ErrorReason::Io("not a regular file".into())),
        ("good-alias", ErrorReason::SymlinkLoop),
        ("huge.jsonl", ErrorReason::TooLarge { size: (1 << 20) + 1, max: 1 << 20 }),
        ("loop.jsonl", ErrorReason::SymlinkLoop),
        ("stray/test_s.py", ErrorReason::OrphanTestFile),
    ];
    let want: Vec<(String, ErrorReason)> = want.into_iter().map(|(f, r)| (f.to_owned(), r)).collect();
    assert_eq!(got, want);
    let binary = store.errors().into_iter().find(|e| e.file == "binary.jsonl").unwrap();
    assert_eq!(binary.line, Some(2), "the line of the first bad byte");
}

fn canon(p: &Path) -> String {
    std::fs::canonicalize(p).unwrap().display().to_string()
}

/// A named pipe: opening it for reading would block forever without O_NONBLOCK.
fn unsafe_fifo(path: &Path) {
    use std::os::unix::ffi::OsStrExt;
    let c = std::ffi::CString::new(path.as_os_str().as_bytes()).unwrap();
    // SAFETY: a valid NUL-terminated path; mkfifo only creates a file.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
}

#[test]
fn a_file_vanishing_before_it_is_read_is_reported_not_fatal() {
    let dir = tempfile::tempdir().unwrap();
    let tree = Tree { root: std::fs::canonicalize(dir.path()).unwrap(), max_file_bytes: 100 };
    let loaded = load(&tree, &Found::DataFile("gone.jsonl".into()), OPTS);
    assert_eq!(loaded.errors.len(), 1);
    assert_eq!((loaded.errors[0].file.as_str(), &loaded.errors[0].reason), ("gone.jsonl", &ErrorReason::Vanished));
}

#[test]
fn list_pages_filters_and_keeps_stats_across_reloads() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let lines: Vec<String> = (0..25)
        .map(|i| {
            let split = if i % 5 == 1 { "eval" } else { "train" };
            format!(r#"{{"task_id": {i}, "text": "t{i}", "test_list": ["assert f({i})"], "split": "{split}", "weight": {i}}}"#)
        })
        .collect();
    write(root, "mine.jsonl", &lines.join("\n"));
    let store = store_at(root);
    store.reload_all();
    let page = store.list(&ListQuery { offset: 10, limit: 8, split: Some(Split::Train) });
    assert_eq!((page.total, page.offset, page.items.len()), (20, 10, 8));
    let all = store.list(&ListQuery { offset: 0, limit: 100, split: None });
    assert_eq!(all.total, 25);
    assert!(all.items.windows(2).all(|w| w[0].id < w[1].id), "id order");
    assert_eq!(store.list(&ListQuery { offset: 30, limit: 5, split: None }).items.len(), 0);

    let weights = store.sampling_weights(Split::Train);
    assert_eq!(weights.len(), 19, "task 0 has weight 0 and is never sampled");
    assert!(weights.iter().all(|(_, w)| *w > 0.0));
    let stats = store.record_attempts("mine.jsonl#3", 8, 2).unwrap();
    assert_eq!((stats.attempts, stats.passes, stats.recent_pass_rate), (8, 2, Some(0.25)));
    assert_eq!(store.record_attempts("mine.jsonl#nope", 1, 1), None);
    write(root, "mine.jsonl", &lines[..10].join("\n"));
    store.reload_path(Path::new("mine.jsonl"));
    assert_eq!(store.len(), 10);
    assert_eq!(store.stats("mine.jsonl#3").unwrap().attempts, 8, "stats survive a reload");
}
