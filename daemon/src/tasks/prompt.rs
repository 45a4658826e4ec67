//! The prompt a problem is shown with, fixed in config (`[eval.prompt]`) so every
//! adapter is scored, and trained, on the same text. The default is the original MBPP
//! prompt (Austin et al. 2021): the task text and the asserts the solution must pass,
//! which also tell the model the function's name and signature. The result is wrapped
//! in the model's chat template.

use super::problem::Problem;
use crate::config::{AssertsShown, PromptConfig};
use crate::model::{LoadedModel, ModelError};

/// The user message for `problem` (before the chat template).
pub fn user_message(cfg: &PromptConfig, problem: &Problem) -> String {
    let shown: &[String] = match cfg.asserts {
        AssertsShown::All => &problem.asserts_shown,
        AssertsShown::First => &problem.asserts_shown[..problem.asserts_shown.len().min(1)],
    };
    let tests = shown.join("\n");
    let template = if shown.is_empty() { &cfg.template_no_tests } else { &cfg.template };
    fill(template, problem.text.trim(), &tests)
}

/// The full prompt text for `model` (chat template applied when configured).
pub fn render(cfg: &PromptConfig, model: &LoadedModel, problem: &Problem) -> Result<String, ModelError> {
    model.format_prompt(&user_message(cfg, problem), cfg.system.as_deref(), cfg.chat)
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
