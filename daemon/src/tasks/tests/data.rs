//! The real MBPP files and the example tree shipped in the repo.

use super::*;
use crate::tasks::formats::{parse_json_array, parse_jsonl};
use crate::tasks::task::Split;

fn split_counts(tasks: &[Task]) -> [usize; 4] {
    Split::ALL.map(|s| tasks.iter().filter(|t| t.split == s).count())
}

#[test]
fn mbpp_jsonl_loads_all_974_tasks_with_the_standard_split() {
    let text = std::fs::read_to_string(mbpp_dir().join("mbpp.jsonl")).unwrap();
    let loaded = parse_jsonl("mbpp.jsonl", &text, OPTS);
    assert_eq!(loaded.errors, vec![]);
    assert_eq!(loaded.tasks.len(), 974);
    // [Train, Eval, Validation, FewShot]
    assert_eq!(split_counts(&loaded.tasks), [374, 500, 90, 10]);
    assert!(loaded.tasks.iter().all(|t| t.entry_point.is_some() && t.tests.len() >= 3 && t.solution.is_some()));
    let t367 = loaded.tasks.iter().find(|t| t.local_id == "367").unwrap();
    assert!(t367.setup.starts_with("root = Node(1)") && !t367.setup.contains('\r'), "setup kept, CRLF folded");
    let t2 = &loaded.tasks[1];
    assert_eq!(t2.prompt, "Write a function to find the similar elements from the given two tuple lists.");
    assert_eq!(t2.first_assert(), Some("assert similar_elements((3, 4, 5, 6),(5, 7, 4, 10)) == (4, 5)"));
    assert_eq!(t2.entry_point.as_deref(), Some("similar_elements"));
}

#[test]
fn sanitized_mbpp_loads_its_427_tasks() {
    let text = std::fs::read_to_string(mbpp_dir().join("sanitized-mbpp.json")).unwrap();
    let loaded = parse_json_array("sanitized-mbpp.json", &text, OPTS);
    assert_eq!(loaded.errors, vec![]);
    assert_eq!(loaded.tasks.len(), 427);
    assert_eq!(split_counts(&loaded.tasks), [120, 257, 43, 7]);
    let t2 = &loaded.tasks[0];
    assert_eq!(t2.entry_point.as_deref(), Some("similar_elements"), "not `set`, which the assert calls first");
}

#[test]
fn both_mbpp_files_load_through_the_store() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("mbpp")).unwrap();
    for name in ["mbpp.jsonl", "sanitized-mbpp.json"] {
        std::fs::copy(mbpp_dir().join(name), dir.path().join("mbpp").join(name)).unwrap();
    }
    let store = store_at(dir.path());
    let summary = store.reload_all();
    assert_eq!((summary.tasks, summary.errors), (974 + 427, 0));
    assert!(store.get("mbpp/mbpp.jsonl#601").is_some());
    assert!(store.get("mbpp/sanitized-mbpp.json#2").is_some());
}

#[test]
fn example_tree_has_the_374_mbpp_train_tasks_and_no_errors() {
    let store = store_at(&repo_path("examples/tasks"));
    let summary = store.reload_all();
    assert_eq!(store.errors(), vec![]);
    assert_eq!(summary.tasks, 374);
    assert_eq!(store.counts().map(|(_, n)| n), [374, 0, 0, 0]);
}

#[test]
fn example_tasks_equal_their_mbpp_records() {
    let text = std::fs::read_to_string(mbpp_dir().join("mbpp.jsonl")).unwrap();
    let mbpp = parse_jsonl("mbpp.jsonl", &text, OPTS);
    let store = store_at(&repo_path("examples/tasks"));
    store.reload_all();
    let mut compared = 0;
    for record in mbpp.tasks.iter().filter(|t| t.split == Split::Train) {
        let folder = store.get(&format!("mbpp-train/{}", record.local_id)).expect("every train task has a folder");
        assert_eq!(content(&folder), content(record), "task {}", record.local_id);
        assert_eq!(folder.local_id, record.local_id);
        compared += 1;
    }
    assert_eq!(compared, 374);
}

#[test]
fn example_eval_file_holds_the_500_mbpp_test_tasks() {
    let text = std::fs::read_to_string(repo_path("examples/eval/mbpp-test.jsonl")).unwrap();
    let loaded = parse_jsonl("mbpp-test.jsonl", &text, OPTS);
    assert_eq!(loaded.errors, vec![]);
    assert_eq!(split_counts(&loaded.tasks), [0, 500, 0, 0]);
}

#[test]
fn the_bundled_mbpp_parses_completely_into_problems() {
    let tasks = crate::tasks::bundled_mbpp();
    assert_eq!(tasks.len(), 974, "every record of the bundled mbpp.jsonl is a task");
    let test_split = crate::tasks::mbpp_range(&tasks, (11, 510));
    assert_eq!(test_split.len(), 500);
    assert_eq!(test_split[0].id, "mbpp.jsonl#11", "eval ids do not depend on the file's name");
    assert_eq!(test_split[499].id, "mbpp.jsonl#510");
    assert!(test_split.iter().all(|p| !p.asserts_shown.is_empty() && p.program.tests.len() == p.asserts_shown.len()));
}

#[test]
fn a_bad_record_in_a_task_file_is_an_error_naming_file_and_line() {
    use crate::tasks::{read_task_file, TaskFileError};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("evalset.jsonl");
    let good = r#"{"task_id": 1, "text": "Add.", "code": "def add(a, b):\n    return a + b", "test_setup_code": "", "test_list": ["assert add(1, 2) == 3"]}"#;
    std::fs::write(&path, format!("{good}\n{{\"task_id\": 2, \"text\": \"x\"\n")).unwrap();
    match read_task_file(&path, "mbpp.jsonl") {
        Err(TaskFileError::Invalid { errors, .. }) => {
            let msg = errors[0].to_string();
            assert!(msg.contains("evalset.jsonl:2"), "{msg}");
        }
        other => panic!("expected Invalid, got {other:?}"),
    }
    std::fs::write(&path, format!("{good}\n")).unwrap();
    let tasks = read_task_file(&path, "mbpp.jsonl").unwrap();
    assert_eq!(tasks[0].id.as_str(), "mbpp.jsonl#1");
    assert!(matches!(read_task_file(&dir.path().join("missing.jsonl"), "mbpp.jsonl"), Err(TaskFileError::Read { .. })));
}
