//! The outcome taxonomy, per test and per candidate, shared by the harness protocol,
//! the rewards and the diagnostics. Serialized as the harness spells it: snake_case.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Outcome of one test or of a whole candidate.
///
/// Exceptions map to the nearest builtin exception class in their MRO (so candidate
/// classes cannot grow the taxonomy), in snake_case: the common ones have variants,
/// the rest (`recursion_error`, `system_exit`, `module_not_found_error`...) are
/// [`Outcome::Other`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(from = "String", into = "String")]
pub enum Outcome {
    Pass,
    AssertionFailure,
    SyntaxError,
    NameError,
    TypeError,
    IndexError,
    KeyError,
    ValueError,
    AttributeError,
    ZeroDivisionError,
    /// Wall-clock timeout or CPU-time limit (SIGXCPU).
    Timeout,
    /// MemoryError under RLIMIT_AS.
    MemoryLimit,
    /// The run ended without reporting this test: a signal, `os._exit`, a killed parent.
    Killed,
    /// Nothing extractable in the completion.
    NoCode,
    /// Any other exception class, snake_case.
    Other(String),
}

const NAMED: [(Outcome, &str); 14] = [
    (Outcome::Pass, "pass"),
    (Outcome::AssertionFailure, "assertion_failure"),
    (Outcome::SyntaxError, "syntax_error"),
    (Outcome::NameError, "name_error"),
    (Outcome::TypeError, "type_error"),
    (Outcome::IndexError, "index_error"),
    (Outcome::KeyError, "key_error"),
    (Outcome::ValueError, "value_error"),
    (Outcome::AttributeError, "attribute_error"),
    (Outcome::ZeroDivisionError, "zero_division_error"),
    (Outcome::Timeout, "timeout"),
    (Outcome::MemoryLimit, "memory_limit"),
    (Outcome::Killed, "killed"),
    (Outcome::NoCode, "no_code"),
];

impl Outcome {
    pub fn as_str(&self) -> &str {
        match self {
            Outcome::Other(s) => s,
            known => NAMED.iter().find(|(o, _)| o == known).map(|(_, s)| *s).unwrap_or("?"),
        }
    }

    pub fn is_pass(&self) -> bool {
        *self == Outcome::Pass
    }
}

impl From<String> for Outcome {
    fn from(s: String) -> Self {
        NAMED.iter().find(|(_, n)| *n == s).map(|(o, _)| o.clone()).unwrap_or(Outcome::Other(s))
    }
}

impl From<Outcome> for String {
    fn from(o: Outcome) -> Self {
        o.as_str().to_string()
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Result of one test (an assert or a test function).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TestResult {
    /// `assert_3`, `test_x.py:12` (a top-level assert) or `test_x.py::test_name`.
    pub name: String,
    /// The test's source, truncated.
    pub source: String,
    pub outcome: Outcome,
    /// Short explanation (`AssertionError: got 2, expected 3`), empty on pass.
    pub detail: String,
}

/// Candidate-level outcome: the first failing test's class, `pass` only if every test
/// passed and there was at least one.
pub fn candidate_outcome(tests: &[TestResult]) -> Outcome {
    match tests.iter().find(|t| !t.outcome.is_pass()) {
        Some(t) => t.outcome.clone(),
        None if tests.is_empty() => Outcome::Other("no_tests".into()),
        None => Outcome::Pass,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for (o, s) in NAMED.iter() {
            assert_eq!(o.as_str(), *s);
            assert_eq!(Outcome::from(s.to_string()), *o);
        }
        assert_eq!(Outcome::from("recursion_error".to_string()), Outcome::Other("recursion_error".into()));
        let json = serde_json::to_string(&Outcome::ZeroDivisionError).unwrap();
        assert_eq!(json, "\"zero_division_error\"");
    }

    #[test]
    fn candidate_outcome_is_first_failure() {
        let t = |o: Outcome| TestResult { name: String::new(), source: String::new(), outcome: o, detail: String::new() };
        assert_eq!(candidate_outcome(&[t(Outcome::Pass), t(Outcome::NameError), t(Outcome::Timeout)]), Outcome::NameError);
        assert_eq!(candidate_outcome(&[t(Outcome::Pass), t(Outcome::Pass)]), Outcome::Pass);
        assert!(!candidate_outcome(&[]).is_pass());
    }
}
