//! Every format yields the same task; each kind of bad input yields its error.

use super::*;
use crate::tasks::error::ErrorReason;
use crate::tasks::formats::{parse_json_array, parse_jsonl, plain_asserts};
use crate::tasks::task::{Split, TaskFormat};

const MBPP_LINE: &str = r#"{"text": "Write a function to add two numbers.", "code": "import math\r\ndef add(a, b):\r\n    return a + b", "task_id": 700, "test_setup_code": "import math", "test_list": ["assert add(1, 2) == 3", "assert add(0, 0) == 0 "], "challenge_test_list": []}"#;

const SANITIZED: &str = r#"[{"source_file": "x.ipynb", "task_id": 700, "prompt": "Write a function to add two numbers.", "code": "import math\ndef add(a, b):\n    return a + b", "test_imports": ["import math"], "test_list": ["assert add(1, 2) == 3", "assert add(0, 0) == 0"]}]"#;

const MBPP_TOML: &str = r#"
id = 700
prompt = "Write a function to add two numbers."
entry_point = "add"
solution = '''
import math
def add(a, b):
    return a + b'''
setup = "import math"
split = "train"
"#;

const MBPP_TEST_PY: &str = "# from MBPP\nassert add(1, 2) == 3\n\nassert add(0, 0) == 0\n";

const HUMANEVAL_LINE: &str = r#"{"task_id": "HumanEval/0", "prompt": "def add(a, b):\n    \"\"\"Add two numbers.\"\"\"\n", "entry_point": "add", "canonical_solution": "    return a + b\n", "test": "\n\nMETADATA = {}\n\ndef check(candidate):\n    assert candidate(1, 2) == 3\n    assert candidate(0, 0) == 0\n"}"#;

const HUMANEVAL_TOML: &str = r#"
prompt = '''
def add(a, b):
    """Add two numbers."""
'''
entry_point = "add"
solution = '''
def add(a, b):
    """Add two numbers."""
    return a + b
'''
"#;

const HUMANEVAL_TEST_PY: &str =
    "\n\nMETADATA = {}\n\ndef check(candidate):\n    assert candidate(1, 2) == 3\n    assert candidate(0, 0) == 0\n\n\ncheck(add)\n";

fn one(loaded: Loaded) -> Task {
    assert!(loaded.errors.is_empty(), "unexpected errors: {:?}", loaded.errors);
    assert_eq!(loaded.tasks.len(), 1, "expected one task");
    loaded.tasks.into_iter().next().unwrap()
}

#[test]
fn mbpp_sanitized_and_folder_give_the_same_task() {
    let jsonl = one(parse_jsonl("mbpp.jsonl", MBPP_LINE, OPTS));
    let array = one(parse_json_array("sanitized-mbpp.json", SANITIZED, OPTS));
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "add/task.toml", MBPP_TOML);
    write(dir.path(), "add/test_add.py", MBPP_TEST_PY);
    let folder = one(load_folder(dir.path(), "add"));

    assert_eq!(content(&jsonl), content(&array));
    assert_eq!(content(&jsonl), content(&folder));
    assert_eq!(jsonl.first_assert(), Some("assert add(1, 2) == 3"));
    assert_eq!(jsonl.entry_point.as_deref(), Some("add"), "inferred from code + first assert");
    assert_eq!((jsonl.split, array.split, folder.split), (Split::Train, Split::Train, Split::Train));
    assert_eq!((jsonl.format, array.format, folder.format), (TaskFormat::Mbpp, TaskFormat::MbppSanitized, TaskFormat::Folder));
    assert_eq!((jsonl.id.as_str(), array.id.as_str(), folder.id.as_str()), ("mbpp.jsonl#700", "sanitized-mbpp.json#700", "add"));
    assert_eq!((jsonl.local_id.as_str(), folder.local_id.as_str()), ("700", "700"));
    assert_eq!(jsonl.source.line, Some(1));
}

#[test]
fn humaneval_and_folder_give_the_same_task() {
    let jsonl = one(parse_jsonl("humaneval.jsonl", HUMANEVAL_LINE, OPTS));
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "he/add/task.toml", HUMANEVAL_TOML);
    write(dir.path(), "he/add/test_check.py", HUMANEVAL_TEST_PY);
    let folder = one(load_folder(dir.path(), "he/add"));
    assert_eq!(content(&jsonl), content(&folder));
    assert_eq!(jsonl.id.as_str(), "humaneval.jsonl#HumanEval/0");
    assert_eq!(folder.id.as_str(), "he/add");
    assert_eq!(folder.local_id, "add", "default id is the folder name");
    assert!(matches!(&jsonl.tests[..], [TestSpec::File { name, .. }] if name == "test_check.py"));
}

#[test]
fn a_pytest_style_file_stays_one_file_test() {
    let src = "import math\n\ndef test_add():\n    assert add(1, 2) == 3\n";
    assert_eq!(plain_asserts(src), None);
    assert_eq!(plain_asserts("assert f(1,\n  2)\n"), None, "multi-line assert");
    assert_eq!(plain_asserts("x = 1\nassert f(x)\n"), None);
    assert_eq!(plain_asserts("assert f(1)\nassert(g(2))\n"), Some(vec!["assert f(1)".into(), "assert(g(2))".into()]));
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "t/task.toml", "prompt = 'Add.'\n");
    write(dir.path(), "t/test_b.py", src);
    write(dir.path(), "t/test_a.py", "assert add(2, 2) == 4\n");
    let task = one(load_folder(dir.path(), "t"));
    let expected = vec![TestSpec::Assert("assert add(2, 2) == 4".into()), TestSpec::File { name: "test_b.py".into(), source: src.into() }];
    assert_eq!(task.tests, expected, "files in name order, asserts split");
}

#[test]
fn explicit_split_wins_and_other_files_use_the_hash() {
    let line = MBPP_LINE.replace(r#""task_id": 700"#, r#""task_id": 700, "split": "eval""#);
    assert_eq!(one(parse_jsonl("mbpp.jsonl", &line, OPTS)).split, Split::Eval);
    let line = MBPP_LINE.replace(r#""task_id": 700"#, r#""task_id": 5"#);
    assert_eq!(one(parse_jsonl("mbpp.jsonl", &line, OPTS)).split, Split::FewShot);
    // Not named like MBPP: its ids mean nothing, so the hash decides.
    let task = one(parse_jsonl("mine.jsonl", &line, OPTS));
    assert_eq!(task.split, crate::tasks::split::hash_split("mine.jsonl#5", 0.1));
    let all_eval = ParseOptions { eval_fraction: 1.0 };
    assert_eq!(one(parse_jsonl("mine.jsonl", &line, all_eval)).split, Split::Eval);
}

fn reasons(l: &Loaded) -> Vec<(String, Option<usize>, ErrorReason)> {
    l.errors.iter().map(|e| (e.file.clone(), e.line, e.reason.clone())).collect()
}

#[test]
fn bad_records_are_reported_by_line_and_the_rest_load() {
    let text = [
        MBPP_LINE.to_owned(),
        "{not json".to_owned(),
        String::new(),
        MBPP_LINE.replace("700", "701").replace(r#""text": "Write a function to add two numbers.", "#, ""),
        r#"{"task_id": 9, "foo": 1}"#.to_owned(),
        MBPP_LINE.to_owned(),
        MBPP_LINE.replace("700", "702").replace("\"assert add(1, 2) == 3\"", "\"assert add(1, 2 == 3\""),
        MBPP_LINE.replace("700", "703").replace(r#""task_id": 703"#, r#""task_id": 703, "weight": -1"#),
        HUMANEVAL_LINE.replace(r#""entry_point": "add""#, r#""entry_point": "add); import os; (""#),
    ]
    .join("\n");
    let loaded = parse_jsonl("mbpp.jsonl", &text, OPTS);
    assert_eq!(loaded.tasks.len(), 1);
    let r = reasons(&loaded);
    assert_eq!(r.len(), 7, "{r:#?}");
    assert!(matches!(&r[0], (f, Some(2), ErrorReason::Json(_)) if f == "mbpp.jsonl"));
    assert!(matches!(&r[1], (_, Some(4), ErrorReason::MissingField { field: "text", .. })));
    assert!(matches!(&r[2], (_, Some(5), ErrorReason::UnknownRecord { .. })));
    assert!(matches!(&r[3], (_, Some(6), ErrorReason::DuplicateId { first_line: 1, .. })));
    assert!(matches!(&r[4], (_, Some(7), ErrorReason::PythonSyntax(_))));
    assert!(matches!(&r[5], (_, Some(8), ErrorReason::InvalidField { .. })));
    assert!(matches!(&r[6], (_, Some(9), ErrorReason::InvalidField { .. })), "entry point must be an identifier");
    assert_eq!(loaded.errors[0].to_string().split(':').take(2).collect::<Vec<_>>(), ["mbpp.jsonl", "2"]);
}

#[test]
fn bad_folders_are_reported_and_not_loaded() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let cases: &[(&str, &str, &str)] = &[
        ("no-prompt", "id = 'x'\n", "assert f()\n"),
        ("typo", "prompt = 'p'\npromt = 'p'\n", "assert f()\n"),
        ("bad-toml", "prompt = 'p\n", "assert f()\n"),
        ("empty-test", "prompt = 'p'\n", "  \n"),
        ("no-assert", "prompt = 'p'\n", "print(1)\n"),
        ("syntax", "prompt = 'p'\n", "def test_x():\n    assert f(1, [2) == 3\n"),
        ("bad-split", "prompt = 'p'\nsplit = 'trian'\n", "assert f()\n"),
        ("bad-weight", "prompt = 'p'\nweight = nan\n", "assert f()\n"),
    ];
    for (name, toml, test) in cases {
        write(root, &format!("{name}/task.toml"), toml);
        write(root, &format!("{name}/test_it.py"), test);
    }
    write(root, "no-tests/task.toml", "prompt = 'p'\n");
    let expect = |name: &str, file: &str, line: Option<usize>, ok: fn(&ErrorReason) -> bool| {
        let loaded = load_folder(root, name);
        assert!(loaded.tasks.is_empty(), "{name} loaded");
        let r = reasons(&loaded);
        assert_eq!(r.len(), 1, "{name}: {r:?}");
        assert_eq!((r[0].0.as_str(), r[0].1), (format!("{name}/{file}").as_str(), line), "{name}: {r:?}");
        assert!(ok(&r[0].2), "{name}: {r:?}");
    };
    expect("no-prompt", "task.toml", Some(1), |r| matches!(r, ErrorReason::Toml(m) if m.contains("prompt")));
    expect("typo", "task.toml", Some(2), |r| matches!(r, ErrorReason::Toml(m) if m.contains("promt")));
    expect("bad-toml", "task.toml", Some(1), |r| matches!(r, ErrorReason::Toml(_)));
    expect("empty-test", "test_it.py", None, |r| *r == ErrorReason::EmptyTestFile);
    expect("no-assert", "test_it.py", None, |r| *r == ErrorReason::NoAsserts);
    expect("syntax", "test_it.py", Some(2), |r| matches!(r, ErrorReason::PythonSyntax(_)));
    expect("bad-split", "task.toml", Some(2), |r| matches!(r, ErrorReason::Toml(m) if m.contains("trian")));
    expect("bad-weight", "task.toml", None, |r| matches!(r, ErrorReason::InvalidField { .. }));
    expect("no-tests", "task.toml", None, |r| *r == ErrorReason::NoTests);
}

/// The code blocks of README-tasks.md, in order, as (language, body).
fn readme_blocks() -> Vec<(String, String)> {
    let readme = include_str!("../README-tasks.md");
    let mut blocks = Vec::new();
    let mut lines = readme.lines();
    while let Some(line) = lines.next() {
        if let Some(lang) = line.strip_prefix("```").filter(|l| !l.is_empty()) {
            let body: Vec<&str> = lines.by_ref().take_while(|l| *l != "```").collect();
            blocks.push((lang.to_owned(), body.join("\n") + "\n"));
        }
    }
    blocks
}

#[test]
fn the_examples_in_the_readme_load() {
    let blocks = readme_blocks();
    let of = |lang: &str| blocks.iter().filter(|(l, _)| l == lang).map(|(_, b)| b.as_str()).collect::<Vec<_>>();
    let (toml, python, json) = (of("toml"), of("python"), of("json"));
    assert_eq!((toml.len(), python.len(), json.len()), (1, 2, 3));

    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "fizzbuzz/task.toml", toml[0]);
    write(dir.path(), "fizzbuzz/test_basic.py", python[0]);
    write(dir.path(), "fizzbuzz/test_edge_cases.py", python[1]);
    let task = one(load_folder(dir.path(), "fizzbuzz"));
    assert_eq!((task.tests.len(), task.split, task.entry_point.as_deref()), (4, Split::Train, Some("fizzbuzz")));

    assert_eq!(one(parse_jsonl("mbpp.jsonl", json[0], OPTS)).split, Split::FewShot);
    assert_eq!(one(parse_json_array("sanitized-mbpp.json", json[1], OPTS)).entry_point.as_deref(), Some("similar_elements"));
    assert_eq!(one(parse_jsonl("he.jsonl", json[2], OPTS)).id.as_str(), "he.jsonl#HumanEval/0");
}
