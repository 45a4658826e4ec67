//! Fuzz-ish: random bytes, byte flips and every truncation of a valid file of each
//! format go through the parsers; none may panic. Deterministic (fixed-seed xorshift)
//! so a failure reproduces.

use super::*;
use crate::tasks::formats::{parse_json_array, parse_jsonl};
use crate::tasks::python;

struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const MBPP: &str = r#"{"text": "Write a function to add.", "code": "def add(a, b):\r\n    return a + b", "task_id": 700, "test_setup_code": "", "test_list": ["assert add(1, 2) == 3", "assert add(\"(\", ')') == '()'"], "challenge_test_list": []}
{"text": "Second.", "code": "def f():\n  return 1", "task_id": 701, "test_setup_code": "import math", "test_list": ["assert f() == 1"], "challenge_test_list": [], "split": "eval", "weight": 2.5, "tags": ["a"]}
"#;
const SANITIZED: &str = r#"[{"source_file": "x", "task_id": 2, "prompt": "Shared elements.", "code": "def s(a, b):\n  return set(a) & set(b)", "test_imports": ["import math"], "test_list": ["assert set(s((3, 4),(4, 5))) == set((4,))"]}]"#;
const HUMANEVAL: &str = r#"{"task_id": "HumanEval/0", "prompt": "def add(a, b):\n    \"\"\"Add.\"\"\"\n", "entry_point": "add", "canonical_solution": "    return a + b\n", "test": "def check(candidate):\n    assert candidate(1, 2) == 3\n"}
"#;
const TOML: &str = "id = 7\nprompt = '''\nAdd two numbers.\n'''\nentry_point = \"add\"\nsolution = \"def add(a, b): return a + b\"\nsetup = \"import math\"\nsplit = \"train\"\nweight = 2.0\ntags = [\"x\", \"y\"]\n";
const TEST_PY: &str = "import math\n\ndef test_add():\n    assert add(1, 2) == 3, \"1 + 2\"\n    s = '''multi\n(line'''\n\nassert add(0, 0) == 0  # plain\n";

/// Every parser on one input. None may panic, and every error must say where: its
/// file, and a line within the input (JSONL, JSON syntax) or the record's number
/// (records of a JSON array).
fn parse_all(text: &str) {
    let lines = text.lines().count().max(1);
    for rel in ["f.jsonl", "mbpp.jsonl"] {
        for e in parse_jsonl(rel, text, OPTS).errors {
            assert_eq!(e.file, rel, "{e:?}");
            let line = e.line.unwrap_or_else(|| panic!("a JSONL error names its line: {e:?} for {text:?}"));
            assert!((1..=lines).contains(&line), "line {line} of {lines}: {e:?}");
        }
    }
    for e in parse_json_array("f.json", text, OPTS).errors {
        assert_eq!(e.file, "f.json", "{e:?}");
        match e.line {
            Some(line) => assert!((1..=lines + 1).contains(&line), "line {line} of {lines}: {e:?}"),
            None => assert!(e.record.is_some() && e.to_string().contains("record "), "an array error names its record: {e:?}"),
        }
    }
    let _ = python::check(text);
    let _ = crate::tasks::formats::plain_asserts(text);
}

/// A folder task with `toml` and `test` as its files, loaded through the store's path.
fn load_folder_with(root: &Path, toml: &[u8], test: &[u8]) -> Loaded {
    std::fs::create_dir_all(root.join("t")).unwrap();
    std::fs::write(root.join("t/task.toml"), toml).unwrap();
    std::fs::write(root.join("t/test_t.py"), test).unwrap();
    load_folder(root, "t")
}

#[test]
fn the_valid_samples_are_valid() {
    assert_eq!(parse_jsonl("mbpp.jsonl", MBPP, OPTS).tasks.len(), 2);
    assert_eq!(parse_json_array("f.json", SANITIZED, OPTS).tasks.len(), 1);
    assert_eq!(parse_jsonl("f.jsonl", HUMANEVAL, OPTS).tasks.len(), 1);
    let dir = tempfile::tempdir().unwrap();
    let loaded = load_folder_with(dir.path(), TOML.as_bytes(), TEST_PY.as_bytes());
    assert_eq!((loaded.tasks.len(), loaded.errors.len()), (1, 0), "{:?}", loaded.errors);
}

#[test]
fn every_truncation_of_every_format_is_handled() {
    for sample in [MBPP, SANITIZED, HUMANEVAL, TOML, TEST_PY] {
        for cut in (0..sample.len()).filter(|&i| sample.is_char_boundary(i)) {
            parse_all(&sample[..cut]);
        }
    }
    let dir = tempfile::tempdir().unwrap();
    for cut in 0..TOML.len() {
        let _ = load_folder_with(dir.path(), &TOML.as_bytes()[..cut], TEST_PY.as_bytes());
    }
    for cut in 0..TEST_PY.len() {
        let loaded = load_folder_with(dir.path(), TOML.as_bytes(), &TEST_PY.as_bytes()[..cut]);
        assert_eq!(loaded.tasks.len() + loaded.errors.len().min(1), 1, "a task or its errors, cut at {cut}");
    }
}

#[test]
fn random_bytes_and_byte_flips_are_handled() {
    let mut rng = XorShift(0x9e37_79b9_7f4a_7c15);
    for _ in 0..3000 {
        let len = rng.below(300);
        let bytes: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
        parse_all(&String::from_utf8_lossy(&bytes));
    }
    // Flips keep most of the structure, so they reach deeper than random bytes.
    let alphabet = b"{}[]()\"'\\:,#\n\t 0aZ=.-";
    for sample in [MBPP, SANITIZED, HUMANEVAL, TOML, TEST_PY] {
        for _ in 0..2000 {
            let mut bytes = sample.as_bytes().to_vec();
            for _ in 0..1 + rng.below(3) {
                let at = rng.below(bytes.len());
                bytes[at] = alphabet[rng.below(alphabet.len())];
            }
            parse_all(&String::from_utf8_lossy(&bytes));
        }
    }
    let dir = tempfile::tempdir().unwrap();
    for _ in 0..200 {
        let garbage: Vec<u8> = (0..rng.below(200)).map(|_| rng.next() as u8).collect();
        let _ = load_folder_with(dir.path(), &garbage, &garbage);
        let _ = load_folder_with(dir.path(), TOML.as_bytes(), &garbage);
    }
}
