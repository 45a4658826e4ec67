//! Verifier tests against the real python3 and ruff: the MBPP reference solutions,
//! hostile candidates (each contained and classified, the next run normal), Ruff
//! classes, groups and test files. Unit tests of the parts live next to them.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::scratch::random_hex;
use super::*;
use crate::config::{IsolationMode, RewardConfig, SandboxConfig};

const GOOD: &str = "def add(a, b):\n    return a + b\n";

fn add_program() -> TestProgram {
    TestProgram::from_asserts("", ["assert add(1, 2) == 3", "assert add(2, 2) == 4"])
}

fn sandbox_cfg(timeout_s: f64) -> SandboxConfig {
    SandboxConfig { timeout_s, cpu_s: 5, ..SandboxConfig::default() }
}

async fn verifier(timeout_s: f64) -> Verifier {
    Verifier::new(&sandbox_cfg(timeout_s), &RewardConfig { partial_credit: true, ..RewardConfig::default() })
        .await
        .expect("verifier (needs python3 and ruff: python3 -m pip install ruff)")
}

/// A hostile candidate then a normal one: the first must not pass (unless `may_pass`),
/// the second must.
async fn hostile(v: &Verifier, code: &str) -> Verdict {
    let verdict = v.verify_code(&add_program(), code, false).await.expect("hostile run is a verdict, not an error");
    eprintln!("{:>16} passed {}/{} in {:.2}s: {:?}", verdict.outcome.as_str(), verdict.passed, verdict.total, verdict.wall_s, first_line(code));
    let next = v.verify_code(&add_program(), GOOD, false).await.unwrap();
    assert_eq!(next.outcome, Outcome::Pass, "run after {code:?} is not normal: {next:?}");
    verdict
}

fn first_line(code: &str) -> &str {
    code.lines().find(|l| !l.starts_with("import") && !l.starts_with("def") && !l.starts_with("    return")).unwrap_or("")
}

#[derive(serde::Deserialize)]
struct MbppTask {
    task_id: u32,
    code: String,
    test_setup_code: String,
    test_list: Vec<String>,
}

fn load_mbpp() -> Vec<MbppTask> {
    // The copy bundled into the binary (examples/data/mbpp/mbpp.jsonl).
    crate::tasks::bundled::MBPP_JSONL.lines().filter(|l| !l.trim().is_empty()).map(|l| serde_json::from_str(l).unwrap()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn all_mbpp_reference_solutions_pass() {
    let tasks = load_mbpp();
    assert_eq!(tasks.len(), 974);
    // Generous limits: this checks correctness, not speed. Task 123's reference
    // solution alone needs ~6 s of CPU on a 2-core Xeon VM (more when the rest of the
    // suite runs beside it); the limits have tests of their own.
    let cfg = SandboxConfig { timeout_s: 60.0, cpu_s: 60, ..SandboxConfig::default() };
    let v = Verifier::new(&cfg, &RewardConfig { partial_credit: true, ..RewardConfig::default() }).await.expect("verifier");
    let started = Instant::now();
    let mut set = tokio::task::JoinSet::new();
    for t in tasks {
        let v = v.clone();
        set.spawn(async move {
            let program = TestProgram::from_asserts(t.test_setup_code, t.test_list);
            // Through extraction: bare reference code must come out unchanged.
            (t.task_id, v.verify(&program, &t.code, false).await.unwrap())
        });
    }
    let mut failures = Vec::new();
    let mut n = 0;
    while let Some(r) = set.join_next().await {
        let (id, verdict) = r.unwrap();
        n += 1;
        if verdict.outcome != Outcome::Pass {
            failures.push(format!("task {id}: {} {:?}", verdict.outcome, verdict.tests.iter().find(|t| !t.outcome.is_pass())));
        }
    }
    let secs = started.elapsed().as_secs_f64();
    eprintln!("MBPP: {n} reference solutions in {secs:.1} s = {:.1} runs/s (isolation {}, {} workers)", n as f64 / secs, v.isolation(), v.info().workers);
    assert!(failures.is_empty(), "{} reference solutions failed:\n{}", failures.len(), failures.join("\n"));
}

#[tokio::test]
async fn wrong_solution_is_an_assertion_failure() {
    let v = verifier(5.0).await;
    let verdict = v.verify_code(&add_program(), "def add(a, b):\n    return 3 if a == 1 else 1\n", false).await.unwrap();
    assert_eq!(verdict.outcome, Outcome::AssertionFailure);
    assert_eq!((verdict.passed, verdict.total), (1, 2));
    assert_eq!(verdict.tests[1].detail, "AssertionError: got 1, expected 4");
    assert_eq!(verdict.reward.tests, 0.5);
}

#[tokio::test]
async fn error_classes() {
    let v = verifier(5.0).await;
    let cases = [
        ("def add(a, b)\n    return a + b\n", Outcome::SyntaxError),
        ("def plus(a, b):\n    return a + b\n", Outcome::NameError),
        ("def add(a, b):\n    return a + None\n", Outcome::TypeError),
        ("def add(a, b):\n    return [][a]\n", Outcome::IndexError),
        ("def add(a, b):\n    return {}[a]\n", Outcome::KeyError),
        ("def add(a, b):\n    return int('x')\n", Outcome::ValueError),
        ("def add(a, b):\n    return a.foo\n", Outcome::AttributeError),
        ("def add(a, b):\n    return a / 0\n", Outcome::ZeroDivisionError),
        ("def add(a, b):\n    return add(a, b)\n", Outcome::Other("recursion_error".into())),
        ("class E(ValueError):\n    pass\ndef add(a, b):\n    raise E()\n", Outcome::ValueError),
        // "Always equal" objects do not pass asserts against builtin values.
        ("class X:\n    def __eq__(self, o):\n        return True\ndef add(a, b):\n    return X()\n", Outcome::AssertionFailure),
    ];
    for (code, want) in cases {
        let verdict = v.verify_code(&add_program(), code, false).await.unwrap();
        assert_eq!(verdict.outcome, want, "{code}: {:?}", verdict.tests);
    }
}

#[tokio::test]
async fn infinite_loop_times_out_and_earlier_passes_count() {
    let v = verifier(2.0).await;
    let t = Instant::now();
    let verdict = hostile(&v, "while True:\n    pass\n").await;
    assert_eq!(verdict.outcome, Outcome::Timeout);
    assert!(t.elapsed() < Duration::from_secs(6));
    // Streaming: the first assert passes before the second hangs.
    let code = "def add(a, b):\n    while a == 2:\n        pass\n    return a + b\n";
    let verdict = v.verify_code(&add_program(), code, false).await.unwrap();
    assert_eq!(verdict.outcome, Outcome::Timeout);
    assert_eq!(verdict.tests[0].outcome, Outcome::Pass);
    assert_eq!(verdict.passed, 1);
}

#[tokio::test]
async fn fork_bomb_is_contained() {
    let v = verifier(2.0).await;
    let bomb = "import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass\n";
    let verdict = hostile(&v, bomb).await;
    assert!(!verdict.outcome.is_pass());
    let naive = hostile(&v, "import os\nwhile True:\n    os.fork()\n").await;
    assert!(!naive.outcome.is_pass());
}

#[tokio::test]
async fn huge_allocation_is_a_memory_limit() {
    let v = verifier(5.0).await;
    let verdict = hostile(&v, "x = bytearray(10 * 1024 ** 3)\n").await;
    assert_eq!(verdict.outcome, Outcome::MemoryLimit);
}

#[tokio::test]
async fn writes_outside_the_run_dir_fail() {
    let v = verifier(5.0).await;
    let state = tempfile::tempdir().unwrap();
    let home = PathBuf::from(std::env::var("HOME").unwrap());
    let marker = format!("rlvrd-pwned-{}", random_hex(4));
    let targets = [state.path().join(&marker), home.join(&marker), PathBuf::from("/tmp").join(&marker)];
    let mut code = String::from("import os\ndef add(a, b):\n    return a + b\nopen('own-dir-is-fine', 'w').write('x')\n");
    for t in &targets {
        code += &format!("try:\n    open({:?}, 'w').write('x')\nexcept OSError:\n    pass\n", t.display().to_string());
    }
    let verdict = hostile(&v, &code).await;
    assert_eq!(verdict.outcome, Outcome::Pass, "{verdict:?}");
    for t in &targets {
        assert!(!t.exists(), "the candidate wrote {}", t.display());
    }
    let verdict = v.verify_code(&add_program(), &format!("open({:?}, 'w')\n", targets[0].display().to_string()), false).await.unwrap();
    assert!(matches!(verdict.outcome.as_str(), "os_error" | "permission_error" | "file_not_found_error"), "{verdict:?}");
}

#[tokio::test]
async fn network_is_denied_when_isolated() {
    let v = verifier(5.0).await;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let port = listener.local_addr().unwrap().port();
    for addr in [format!("('127.0.0.1', {port})"), "('1.1.1.1', 53)".to_string()] {
        let code = format!("import socket\ndef add(a, b):\n    return a + b\nsocket.create_connection({addr}, timeout=2).close()\n");
        let verdict = hostile(&v, &code).await;
        assert!(!verdict.outcome.is_pass(), "connected to {addr} under {}", v.isolation());
    }
    assert_eq!(v.isolation(), Isolation::Bwrap, "the default isolation is bwrap (scripts/setup.sh installs it)");
    assert!(listener.accept().is_err(), "the listener got a connection from the sandbox");
}

#[tokio::test]
async fn killing_the_parent_does_not_reach_the_daemon() {
    let v = verifier(5.0).await;
    let verdict = hostile(&v, "import os\nos.kill(os.getppid(), 9)\ndef add(a, b):\n    return a + b\n").await;
    // Under bwrap the parent is the namespace's init, which ignores it; otherwise the
    // kill is refused (other uid) or kills only the sandbox's own processes.
    eprintln!("kill parent: {} ({:?})", verdict.outcome, verdict.tests.first().map(|t| &t.detail));
    let verdict = hostile(&v, "import os, signal\nos.killpg(0, signal.SIGKILL)\n").await;
    assert_eq!(verdict.outcome, Outcome::Killed);
}

#[tokio::test]
async fn flooding_stdout_is_truncated() {
    let v = verifier(10.0).await;
    let code = "import sys\nsys.stdout.write('x' * 100_000_000)\nsys.stderr.write('e' * 1000)\ndef add(a, b):\n    return a + b\n";
    let verdict = hostile(&v, code).await;
    assert_eq!(verdict.outcome, Outcome::Pass);
    assert_eq!(verdict.stdout.bytes, 100_000_000);
    assert!(verdict.stdout.truncated);
    assert_eq!(verdict.stdout.text.len(), SandboxConfig::default().max_output_bytes);
    assert_eq!((verdict.stderr.bytes, verdict.stderr.truncated), (1000, false));
}

#[tokio::test]
async fn exiting_early_is_never_a_pass() {
    let v = verifier(5.0).await;
    for (code, want) in [
        ("import sys\nsys.exit(0)\n", "system_exit"),
        ("exit(0)\n", "system_exit"),
        ("def add(a, b):\n    raise SystemExit(0)\n", "system_exit"),
        ("import os\nos._exit(0)\n", "killed"),
    ] {
        let verdict = hostile(&v, code).await;
        assert_eq!(verdict.outcome.as_str(), want, "{code}");
        assert_eq!(verdict.passed, 0);
        assert_eq!(verdict.reward.tests, 0.0);
    }
}

#[tokio::test]
async fn deleting_the_run_dir_is_harmless() {
    let v = verifier(5.0).await;
    let code = "import os, shutil\ndef add(a, b):\n    return a + b\nhere = os.getcwd()\nshutil.rmtree(here, ignore_errors=True)\ntry:\n    os.rmdir(here)\nexcept OSError:\n    pass\n";
    let verdict = hostile(&v, code).await;
    assert_eq!(verdict.outcome, Outcome::Pass);
}

#[tokio::test]
async fn background_children_die_with_the_run() {
    let v = verifier(5.0).await;
    let marker = format!("rlvrd-escapee-{}", random_hex(6));
    let code = format!(
        "import os, sys\ndef add(a, b):\n    return a + b\nif os.fork() == 0:\n    os.setsid()\n    if os.fork() == 0:\n        \
         os.execv(sys.executable, [sys.executable, '-c', 'import time; time.sleep(30)', {marker:?}])\n    os._exit(0)\n"
    );
    let verdict = hostile(&v, &code).await;
    assert_eq!(verdict.outcome, Outcome::Pass, "{verdict:?}");
    assert_eq!(v.isolation(), Isolation::Bwrap);
    let deadline = Instant::now() + Duration::from_secs(1);
    while processes_with(&marker) > 0 {
        assert!(Instant::now() < deadline, "a background child outlived its run");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn processes_with(marker: &str) -> usize {
    let Ok(entries) = std::fs::read_dir("/proc") else { return 0 };
    entries.flatten().filter_map(|e| std::fs::read(e.path().join("cmdline")).ok()).filter(|c| String::from_utf8_lossy(c).contains(marker)).count()
}

#[tokio::test]
async fn ruff_severity_classes() {
    let v = verifier(5.0).await;
    let clean = v.verify_code(&add_program(), GOOD, false).await.unwrap();
    let report = clean.ruff.unwrap();
    assert!(report.diagnostics.is_empty(), "{report:?}");
    assert_eq!(clean.reward.ruff, 1.0);
    let dirty = v.verify_code(&add_program(), "import os\n\n\ndef add(a, b):\n    return a + c\n", false).await.unwrap();
    let report = dirty.ruff.unwrap();
    let classes: Vec<(&str, Severity)> = report.diagnostics.iter().map(|d| (d.code.as_str(), d.severity)).collect();
    assert_eq!(classes, vec![("F401", Severity::Warning), ("F821", Severity::Error)]);
    assert_eq!((report.profile.error, report.profile.warning), (1, 1));
    assert_eq!(dirty.reward.ruff, 0.25);
}

#[tokio::test]
async fn groups_keep_input_order() {
    let v = verifier(5.0).await;
    let completions: Vec<(String, bool)> = vec![
        (format!("```python\n{GOOD}```"), false),
        ("def add(a, b):\n    return 0\n".into(), false),
        ("I cannot answer that.".into(), true),
        ("def add(a, b:\n    return a\n".into(), false),
        (GOOD.into(), false),
    ];
    let verdicts = v.verify_group(&add_program(), &completions).await.unwrap();
    let outcomes: Vec<&str> = verdicts.iter().map(|v| v.outcome.as_str()).collect();
    assert_eq!(outcomes, ["pass", "assertion_failure", "no_code", "syntax_error", "pass"]);
    assert_eq!(verdicts[2].reward.total, 0.0);
    assert!(verdicts[2].truncated);
    assert!(verdicts[3].ruff.as_ref().unwrap().profile.error > 0);
    assert!(verdicts[0].ruff.as_ref().unwrap().diagnostics.is_empty());
}

#[tokio::test]
async fn test_files_run_asserts_and_functions_without_pytest() {
    let v = verifier(5.0).await;
    let file = "from solution import add\nimport math\n\nassert add(1, 1) == 2\n\n\
                def helper():\n    return 40\n\ndef test_big():\n    assert add(helper(), 2) == 42\n\n\
                def test_wrong():\n    assert add(1, 1) == 3\n";
    let program = TestProgram { setup: String::new(), tests: vec![TestSource::File { name: "test_add.py".into(), source: file.into() }] };
    let verdict = v.verify_code(&program, GOOD, false).await.unwrap();
    let got: Vec<(&str, &str)> = verdict.tests.iter().map(|t| (t.name.as_str(), t.outcome.as_str())).collect();
    assert_eq!(got, [("test_add.py:4", "pass"), ("test_add.py::test_big", "pass"), ("test_add.py::test_wrong", "assertion_failure")]);
    assert_eq!(verdict.outcome, Outcome::AssertionFailure);
}

#[tokio::test]
async fn empty_programs_are_errors_and_missing_tools_are_clear() {
    let v = verifier(5.0).await;
    let empty = TestProgram { setup: String::new(), tests: vec![] };
    assert!(matches!(v.verify_code(&empty, GOOD, false).await, Err(VerifierError::NoTests)));
    let mut cfg = sandbox_cfg(5.0);
    cfg.ruff = "/nonexistent/ruff".into();
    let err = Verifier::new(&cfg, &RewardConfig::default()).await.err().expect("missing ruff must be an error");
    assert!(matches!(err, VerifierError::RuffMissing { .. }), "{err}");
    let mut cfg = sandbox_cfg(5.0);
    cfg.python = "/nonexistent/python3".into();
    let err = Verifier::new(&cfg, &RewardConfig::default()).await.err().expect("missing python must be an error");
    assert!(matches!(err, VerifierError::PythonMissing { .. }), "{err}");
}

/// Mode `none` (`isolation = "none"`): rlimits and, for a root daemon, the per-run uid.
/// Needs an interpreter the sandbox uid can read: Debian's /usr/bin/python3, which
/// scripts/setup.sh installs.
#[tokio::test]
async fn without_namespaces_rlimits_and_uid_still_contain() {
    let python = PathBuf::from("/usr/bin/python3");
    assert!(python.is_file(), "needs /usr/bin/python3 (scripts/setup.sh installs python3)");
    let cfg = SandboxConfig { python, isolation: IsolationMode::None, ..sandbox_cfg(2.0) };
    let v = Verifier::new(&cfg, &RewardConfig::default()).await.unwrap();
    assert_eq!(v.isolation(), Isolation::None);
    let bomb = hostile(&v, "import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass\n").await;
    assert!(!bomb.outcome.is_pass());
    assert_eq!(hostile(&v, "x = bytearray(10 * 1024 ** 3)\n").await.outcome, Outcome::MemoryLimit);
    if v.info().per_run_uid {
        let state = tempfile::tempdir().unwrap();
        let target = state.path().join("pwned");
        let code = format!("def add(a, b):\n    return a + b\nopen({:?}, 'w')\n", target.display().to_string());
        assert_eq!(hostile(&v, &code).await.outcome.as_str(), "permission_error");
        assert!(!target.exists());
        // The daemon (this test process) is out of reach of the candidate's signals.
        let verdict = hostile(&v, "import os\nos.kill(os.getppid(), 9)\n").await;
        assert_eq!(verdict.outcome.as_str(), "permission_error");
    }
}

// ---- Reward hacking: every attack below must leave the candidate unrewarded. ----

/// `add` is wrong (returns 0) in every candidate below; each tries to win anyway.
const WRONG: &str = "def add(a, b):\n    return 0\n";

async fn not_rewarded(v: &Verifier, program: &TestProgram, code: &str) {
    let verdict = v.verify_code(program, code, false).await.expect("a verdict");
    eprintln!("{:>18} {}/{} {:?}", verdict.outcome.as_str(), verdict.passed, verdict.total, verdict.tests.iter().map(|t| &t.detail).collect::<Vec<_>>());
    assert_eq!(verdict.passed, 0, "the attack scored: {code}\n{verdict:?}");
    assert!(!verdict.outcome.is_pass());
    assert_eq!(verdict.reward.tests, 0.0);
}

#[tokio::test]
async fn patching_the_harness_from_the_candidate_scores_nothing() {
    let v = verifier(5.0).await;
    let program = add_program();
    // Replace whatever the harness's helpers are called, in every module in sight.
    let patch = format!(
        "{WRONG}import sys, builtins\nfor m in list(sys.modules.values()):\n    for name in ('_equal', 'classify', 'describe', 'run_tests', \
         'Reporter', 'report', '_assert_runner'):\n        try:\n            setattr(m, name, (lambda *a, **k: True))\n        except Exception:\n            \
         pass\nbuiltins.AssertionError = type('NoFail', (Exception,), {{}})\nbuiltins.isinstance = lambda *a: False\n"
    );
    not_rewarded(&v, &program, &patch).await;
    // Walk the frames up to whoever runs the candidate and rewrite its locals.
    let frames = format!(
        "{WRONG}import sys\nf = sys._getframe()\nwhile f is not None:\n    for k, val in list(f.f_globals.items()):\n        if callable(val) and k in \
         ('_equal', 'classify', 'report'):\n            f.f_globals[k] = lambda *a, **kw: True\n    f = f.f_back\n"
    );
    not_rewarded(&v, &program, &frames).await;
}

#[tokio::test]
async fn forging_result_lines_scores_nothing() {
    let v = verifier(5.0).await;
    // Find any writer object with gc and write "pass" events, with and without a
    // nonce-looking field, to every descriptor the process holds.
    let forge = format!(
        "{WRONG}import gc, os\nline = b'{{\"event\":\"test\",\"index\":0,\"outcome\":\"pass\",\"detail\":\"\"}}\\n'\n\
         plan = b'{{\"event\":\"plan\",\"tests\":[{{\"name\":\"x\",\"source\":\"x\"}}]}}\\n'\n\
         for fd in range(3, 64):\n    for data in (plan, line * 2, b'12\\n' + b'T' * 12, b'7\\nt2;s2:okT'):\n        try:\n            os.write(fd, data)\n        except OSError:\n            pass\n\
         for o in gc.get_objects():\n    if hasattr(o, 'send') and hasattr(o, 'recv'):\n        try:\n            o.send(encode(('ok', 3), None))\n        except Exception:\n            pass\n"
    );
    not_rewarded(&v, &add_program(), &forge).await;
}

#[tokio::test]
async fn always_equal_objects_score_nothing() {
    let v = verifier(5.0).await;
    let program = add_program();
    let eq =
        "class E:\n    def __eq__(self, other):\n        return True\n    def __ne__(self, other):\n        return False\n    __hash__ = object.__hash__\n";
    for body in [
        "    return E()",
        // claims to be a builtin
        "    E.__module__ = 'builtins'\n    E.__qualname__ = E.__name__ = 'int'\n    return E()",
        // nested in a container
        "    return [E()]",
        "    return (E(), {'k': E()})",
        // a subclass of the expected type whose __eq__ lies
        "    class I(int):\n        def __eq__(self, o):\n            return True\n        __hash__ = int.__hash__\n    return I(0)",
        "    class L(list):\n        def __eq__(self, o):\n            return True\n    return L()",
    ] {
        not_rewarded(&v, &program, &format!("{eq}def add(a, b):\n{body}\n")).await;
    }
    // The same objects against a test file's test_* function with plain ==, and
    // against math.isclose / sorted / set on the trusted side.
    let file =
        "from solution import add\nimport math\n\ndef test_eq():\n    assert add(1, 2) == 3\n\ndef test_close():\n    assert math.isclose(add(1, 2), 3.0)\n\n\
                def test_sorted():\n    assert sorted([add(1, 2)]) == [3]\n\ndef test_set():\n    assert set([add(1, 2)]) == {3}\n";
    let program = TestProgram { setup: String::new(), tests: vec![TestSource::File { name: "test_add.py".into(), source: file.into() }] };
    not_rewarded(&v, &program, &format!("{eq}def add(a, b):\n    return E()\n")).await;
    // An honest candidate still passes all four.
    let verdict = v.verify_code(&program, GOOD, false).await.unwrap();
    assert_eq!((verdict.passed, verdict.total), (4, 4), "{verdict:?}");
}

#[tokio::test]
async fn candidate_objects_work_through_handles() {
    // Tests that build the candidate's own objects (MBPP 601's Pair, 367's Node) and
    // iterate what it returns still work: calls and attributes go over the wire.
    let v = verifier(5.0).await;
    let program = TestProgram::from_asserts(
        "root = Node(1)\nroot.left = Node(2)\nroot.left.left = Node(3)\n",
        [
            "assert depth(root) == 3",
            "assert total([Pair(1, 2), Pair(3, 4)]) == 6",
            "assert list(squares(3)) == [0, 1, 4]",
            "assert str(Pair(1, 2)) == 'Pair(1, 2)'",
            "assert Pair(1, 2) != Pair(1, 2)",
        ],
    );
    let code = "class Node:\n    def __init__(self, d):\n        self.d, self.left, self.right = d, None, None\n\
                def depth(n):\n    return 0 if n is None else 1 + max(depth(n.left), depth(n.right))\n\
                class Pair:\n    def __init__(self, a, b):\n        self.a, self.b = a, b\n    def __str__(self):\n        return f'Pair({self.a}, {self.b})'\n\
                def total(ps):\n    return sum(p.b for p in ps)\n\
                def squares(n):\n    for i in range(n):\n        yield i * i\n";
    let verdict = v.verify_code(&program, code, false).await.unwrap();
    let got: Vec<&str> = verdict.tests.iter().map(|t| t.outcome.as_str()).collect();
    assert_eq!(got, ["pass"; 5], "{verdict:?}");
}

/// Files the sandbox must not show: one in $HOME, an RPC-token-like file in a state
/// dir, the task tree, and host Unix sockets (a path one and an abstract one).
#[tokio::test]
async fn the_sandbox_hides_the_users_files_and_sockets() {
    let v = verifier(5.0).await;
    assert_eq!(v.isolation(), Isolation::Bwrap, "the default isolation is bwrap (scripts/setup.sh installs it)");
    let home = PathBuf::from(std::env::var("HOME").unwrap());
    let secret = home.join(format!(".rlvrd-secret-{}", random_hex(4)));
    std::fs::write(&secret, "s3cret").unwrap();
    let _cleanup = scopeguard(secret.clone());
    let state = tempfile::tempdir_in(&home).unwrap();
    let token = state.path().join("rpc.token");
    std::fs::write(&token, "tok").unwrap();
    let tasks = tempfile::tempdir_in(&home).unwrap();
    let test_file = tasks.path().join("test_task.py");
    std::fs::write(&test_file, "assert add(1, 2) == 3\n").unwrap();
    let sock_dir = tempfile::tempdir_in(&home).unwrap();
    let sock_path = sock_dir.path().join("s.sock");
    let _path_listener = std::os::unix::net::UnixListener::bind(&sock_path).unwrap();
    let abstract_name = format!("rlvrd-test-{}", random_hex(4));
    let _abstract_listener = {
        use std::os::linux::net::SocketAddrExt;
        let addr = std::os::unix::net::SocketAddr::from_abstract_name(abstract_name.as_bytes()).unwrap();
        std::os::unix::net::UnixListener::bind_addr(&addr).unwrap()
    };
    let code = "import os, socket\n\
                def read(p):\n    try:\n        open(p).read()\n        return 'read'\n    except OSError:\n        return 'denied'\n\
                def write(p):\n    try:\n        open(p, 'a').write('x')\n        return 'written'\n    except OSError:\n        return 'denied'\n\
                def listdir(p):\n    try:\n        os.listdir(p)\n        return 'listed'\n    except OSError:\n        return 'denied'\n\
                def names(p):\n    try:\n        return sorted(os.listdir(p))\n    except OSError:\n        return []\n\
                def connect(addr):\n    s = socket.socket(socket.AF_UNIX)\n    try:\n        s.connect(addr)\n        return 'connected'\n    except OSError:\n        return 'denied'\n";
    let q = |p: &Path| format!("{:?}", p.display().to_string());
    let asserts = vec![
        format!("assert read({}) == 'denied'", q(&secret)),
        format!("assert read({}) == 'denied'", q(&token)),
        format!("assert read({}) == 'denied'", q(&test_file)),
        format!("assert write({}) == 'denied'", q(&test_file)),
        // $HOME may exist as an empty skeleton (the interpreter lives under it) but
        // shows none of the user's files.
        format!("assert {:?} not in names({})", secret.file_name().unwrap().to_string_lossy(), q(&home)),
        format!("assert names({}) == []", q(state.path())),
        "assert listdir('/run') == 'denied'".to_string(),
        format!("assert connect({}) == 'denied'", q(&sock_path)),
        format!("assert connect('\\0{abstract_name}') == 'denied'"),
        // The run's own directory works.
        "assert write('own-file') == 'written'".to_string(),
    ];
    let program = TestProgram::from_asserts("", asserts);
    let verdict = v.verify_code(&program, code, false).await.unwrap();
    for t in &verdict.tests {
        assert_eq!(t.outcome, Outcome::Pass, "{}: {}", t.source, t.detail);
    }
    assert_eq!(std::fs::read_to_string(&test_file).unwrap(), "assert add(1, 2) == 3\n");
}

/// Removes a file when dropped.
fn scopeguard(path: PathBuf) -> impl Drop {
    struct Guard(PathBuf);
    impl Drop for Guard {
        fn drop(&mut self) {
            let _ = std::fs::remove_file(&self.0);
        }
    }
    Guard(path)
}

#[tokio::test]
async fn a_missing_sandbox_is_refused_not_bypassed() {
    // A config asking for bwrap on a machine where it cannot be found must fail to
    // start, naming what to install; it must never fall back to no isolation.
    let dir = tempfile::tempdir().unwrap();
    let cfg = SandboxConfig { allow_paths: vec![dir.path().join("missing")], ..sandbox_cfg(2.0) };
    let err = Verifier::new(&cfg, &RewardConfig::default()).await.err().expect("a missing allow_path is an error");
    assert!(matches!(err, VerifierError::AllowPath { .. }), "{err}");
    // Without bwrap on this machine.
    let python = isolation::probe_python(Path::new("python3")).await.unwrap();
    let result = isolation::launcher_in(&SandboxConfig::default(), &python, |_| None);
    let err = result.expect_err("no bwrap must be an error");
    let msg = err.to_string();
    assert!(msg.contains("bubblewrap") && msg.contains("isolation = \"none\""), "{msg}");
}

/// Runs forked from the pre-started interpreters (the default for a root daemon) and
/// runs that each start their own sandbox behave the same.
#[tokio::test]
async fn spawned_and_forked_runs_agree() {
    let forked = verifier(2.0).await;
    let spawned =
        Verifier::new(&SandboxConfig { prestart: false, ..sandbox_cfg(2.0) }, &RewardConfig { partial_credit: true, ..RewardConfig::default() }).await.unwrap();
    assert!(spawned.zygote_pids().is_empty());
    let cases = [
        (GOOD, "pass"),
        (WRONG, "assertion_failure"),
        ("class E:\n    def __eq__(s, o):\n        return True\ndef add(a, b):\n    return E()\n", "assertion_failure"),
        ("import os\nos._exit(0)\n", "killed"),
        ("def add(a, b):\n    while True:\n        pass\n", "timeout"),
        ("def add(a, b):\n    raise KeyError(a)\n", "key_error"),
    ];
    for v in [&forked, &spawned] {
        for (code, want) in cases {
            let verdict = v.verify_code(&add_program(), code, false).await.unwrap();
            assert_eq!(verdict.outcome.as_str(), want, "{code} (zygotes: {:?})", v.zygote_pids());
        }
    }
    if unsafe { libc::geteuid() } == 0 {
        assert_eq!(forked.zygote_pids().len(), 2, "a root daemon under bwrap forks runs from zygotes");
    }
}

/// A zygote that dies is replaced by the next run; the run that found it dead is an
/// error (never a verdict), and nothing is rewarded in between.
#[tokio::test]
async fn a_dead_zygote_is_restarted() {
    let v = verifier(5.0).await;
    if v.zygote_pids().is_empty() {
        assert_ne!(unsafe { libc::geteuid() }, 0, "a root daemon under bwrap must use zygotes");
        return; // a non-root daemon spawns every run (nothing to restart)
    }
    let before = v.zygote_pids();
    for pid in &before {
        unsafe { libc::kill(*pid as libc::pid_t, libc::SIGKILL) };
    }
    let mut ok = None;
    for _ in 0..3 {
        match v.verify_code(&add_program(), GOOD, false).await {
            Ok(verdict) => {
                ok = Some(verdict);
                break;
            }
            Err(e) => eprintln!("run while the zygote was dead: {e}"),
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(ok.expect("a run succeeds after the restart").outcome, Outcome::Pass);
    let after = v.zygote_pids();
    assert_eq!(after.len(), 2);
    assert!(after.iter().all(|p| !before.contains(p)), "{before:?} -> {after:?}");
}
