//! The eval prompt, fixed in config so every adapter is scored on the same text. The
//! default is the original MBPP prompt (Austin et al. 2021): the task text and the
//! asserts the solution must pass, which also tell the model the function's name and
//! signature. The result is wrapped in the model's chat template.

use serde::{Deserialize, Serialize};

use super::task::EvalTask;
use crate::model::{LoadedModel, ModelError};

/// The MBPP paper's prompt. `{text}` is the task text, `{tests}` the asserts, one a line.
pub const MBPP_TEMPLATE: &str = "You are an expert Python programmer, and here is your task: {text} Your code should pass these tests:\n\n{tests}\n";

/// Which of a task's asserts the prompt shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AssertsShown {
    /// Every assert (the MBPP standard).
    All,
    /// Only the first: the call shape, without the other expected values.
    First,
}

/// `[eval.prompt]`: the prompt format.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PromptConfig {
    /// User message for a task with asserts to show; `{text}` and `{tests}` are replaced.
    pub template: String,
    /// User message for a task without asserts (test files, HumanEval); `{text}` is replaced.
    pub template_no_tests: String,
    /// Which asserts `{tests}` lists.
    pub asserts: AssertsShown,
    /// System message, if any.
    pub system: Option<String>,
    /// Wrap the message in the model's chat template (when it has one).
    pub chat: bool,
}

impl Default for PromptConfig {
    fn default() -> Self {
        PromptConfig {
            template: MBPP_TEMPLATE.into(),
            template_no_tests: "You are an expert Python programmer, and here is your task:\n{text}".into(),
            asserts: AssertsShown::All,
            system: None,
            chat: true,
        }
    }
}

impl PromptConfig {
    /// The user message for `task` (before the chat template).
    pub fn user_message(&self, task: &EvalTask) -> String {
        let shown: &[String] = match self.asserts {
            AssertsShown::All => &task.asserts_shown,
            AssertsShown::First => &task.asserts_shown[..task.asserts_shown.len().min(1)],
        };
        let tests = shown.join("\n");
        let template = if shown.is_empty() { &self.template_no_tests } else { &self.template };
        fill(template, task.text.trim(), &tests)
    }

    /// The full prompt text for `model` (chat template applied when configured).
    pub fn render(&self, model: &LoadedModel, task: &EvalTask) -> Result<String, ModelError> {
        model.format_prompt(&self.user_message(task), self.system.as_deref(), self.chat)
    }
}

/// Replace `{text}` and `{tests}` in one pass, so placeholders inside the task's own
/// text or asserts stay as written.
fn fill(template: &str, text: &str, tests: &str) -> String {
    let mut out = String::with_capacity(template.len() + text.len() + tests.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let tail = &rest[open..];
        if let Some(after) = tail.strip_prefix("{text}") {
            out.push_str(text);
            rest = after;
        } else if let Some(after) = tail.strip_prefix("{tests}") {
            out.push_str(tests);
            rest = after;
        } else {
            out.push('{');
            rest = &tail[1..];
        }
    }
    out.push_str(rest);
    out
}
