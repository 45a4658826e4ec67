//! The wire format between the Rust side and `trusted.py`: the job written to the
//! trusted runner's stdin, the JSON event lines it streams on fd 3, and how those
//! events plus the way the run ended become per-test results. Only the trusted runner
//! holds fd 3: the candidate, in its own process, cannot write there (candidate.py).

use serde::Deserialize;

use super::outcome::{Outcome, TestResult};
use super::sandbox::RunEnd;
use super::{TestProgram, TestSource};

/// What the trusted runner reads from stdin: length-prefixed UTF-8 fields
/// `<len>\n<bytes>` (setup, test count, then kind, name, source per test). Not JSON:
/// the runner would have to import `json`, whose `re` dependency costs ~8 ms per run.
/// The candidate's process gets its code alone, as raw bytes.
pub(crate) struct Job<'a> {
    program: &'a TestProgram,
}

impl<'a> Job<'a> {
    pub(crate) fn new(program: &'a TestProgram) -> Self {
        Job { program }
    }

    pub(crate) fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        let mut field = |s: &str| {
            out.extend_from_slice(format!("{}\n", s.len()).as_bytes());
            out.extend_from_slice(s.as_bytes());
        };
        field(&self.program.setup);
        field(&self.program.tests.len().to_string());
        for t in &self.program.tests {
            let (kind, name, source) = match t {
                TestSource::Assert(source) => ("assert", "", source.as_str()),
                TestSource::File { name, source } => ("file", name.as_str(), source.as_str()),
            };
            field(kind);
            field(name);
            field(source);
        }
        out
    }
}

#[derive(Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
enum Event {
    Plan {
        tests: Vec<PlanEntry>,
    },
    Phase {
        phase: String,
        outcome: Outcome,
    },
    Test {
        index: usize,
        outcome: Outcome,
        #[serde(default)]
        detail: String,
    },
    Done,
}

#[derive(Deserialize)]
struct PlanEntry {
    name: String,
    source: String,
}

/// Per-test results of one run, before rewards.
#[derive(Debug)]
pub(crate) struct Assembled {
    pub tests: Vec<TestResult>,
    /// Outcome of executing the candidate code itself (before setup and tests).
    pub code_outcome: Outcome,
    /// Lines on fd 3 that did not parse.
    pub rejected_lines: usize,
}

/// Parse the result stream and fill the gaps the process left: a test never reported
/// was cut off by the timeout (`timeout`) or by the process dying (`killed`, or
/// `timeout` when the signal was the CPU limit's SIGXCPU).
pub(crate) fn assemble(results: &[u8], end: &RunEnd, stderr: &str) -> Result<Assembled, super::VerifierError> {
    let mut plan: Option<Vec<PlanEntry>> = None;
    let mut reported: Vec<Option<(Outcome, String)>> = Vec::new();
    let mut code_phase: Option<Outcome> = None;
    let mut rejected = 0;
    for raw in results.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
        let Ok(event) = serde_json::from_slice::<Event>(raw) else {
            rejected += 1;
            continue;
        };
        match event {
            Event::Plan { tests } if plan.is_none() => {
                reported = vec![None; tests.len()];
                plan = Some(tests);
            }
            Event::Phase { phase, outcome, .. } if phase == "code" && code_phase.is_none() => code_phase = Some(outcome),
            Event::Test { index, outcome, detail } => {
                // First report wins: nothing later may overwrite a result.
                if let Some(slot @ None) = reported.get_mut(index) {
                    *slot = Some((outcome, detail));
                }
            }
            _ => {}
        }
    }
    let Some(plan) = plan else {
        return Err(super::VerifierError::Harness { detail: format!("no test plan received; run {end}"), stderr: stderr.into() });
    };
    let (gap, gap_detail) = match end.cut_off_outcome() {
        Outcome::Timeout => (Outcome::Timeout, format!("not reported: {end}")),
        other => (other, format!("not reported: run {end}")),
    };
    let tests = plan
        .into_iter()
        .zip(reported)
        .map(|(entry, got)| {
            let (outcome, detail) = got.unwrap_or_else(|| (gap.clone(), gap_detail.clone()));
            TestResult { name: entry.name, source: entry.source, outcome, detail }
        })
        .collect();
    Ok(Assembled { tests, code_outcome: code_phase.unwrap_or(gap), rejected_lines: rejected })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(events: &[&str]) -> Vec<u8> {
        events.iter().map(|e| format!("{{{e}}}\n")).collect::<String>().into_bytes()
    }

    #[test]
    fn job_fields_are_length_prefixed_in_bytes() {
        let program = TestProgram::from_asserts("import math", ["assert f('é') == 1"]);
        let bytes = Job::new(&program).to_bytes();
        // 'é' is two bytes: the lengths count bytes, as the runner slices bytes.
        let want = "11\nimport math1\n16\nassert0\n19\nassert f('é') == 1";
        assert_eq!(String::from_utf8(bytes).unwrap(), want);
    }

    #[test]
    fn gaps_after_timeout_are_timeouts_and_garbage_is_ignored() {
        let mut bytes = lines(&[
            r#""event":"plan","tests":[{"name":"a","source":"assert 1"},{"name":"b","source":"x"}]"#,
            r#""event":"phase","phase":"code","outcome":"pass""#,
            r#""event":"test","index":0,"outcome":"pass""#,
            r#""event":"test","index":0,"outcome":"type_error""#,
        ]);
        bytes.extend(b"garbage\n");
        let a = assemble(&bytes, &RunEnd::TimedOut { after_s: 2.0 }, "").unwrap();
        // First report wins.
        assert_eq!(a.tests[0].outcome, Outcome::Pass);
        assert_eq!(a.tests[1].outcome, Outcome::Timeout);
        assert_eq!(a.code_outcome, Outcome::Pass);
        assert_eq!(a.rejected_lines, 1);
    }

    #[test]
    fn death_is_killed_and_no_plan_is_an_error() {
        let bytes = lines(&[r#""event":"plan","tests":[{"name":"a","source":""}]"#]);
        let a = assemble(&bytes, &RunEnd::Signaled(9), "").unwrap();
        assert_eq!(a.tests[0].outcome, Outcome::Killed);
        assert_eq!(a.code_outcome, Outcome::Killed);
        assert!(assemble(b"", &RunEnd::Exited(1), "boom").is_err());
    }
}
