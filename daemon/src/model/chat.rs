//! Prompt formatting: the checkpoint's own Jinja chat template (rendered with
//! minijinja, with Python string methods as HF templates expect), or the raw prompt
//! for base models.

use serde::{Deserialize, Serialize};

use super::tokenizer::TextTokenizer;

/// One chat turn.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    /// `system`, `user` or `assistant`.
    pub role: String,
    pub content: String,
}

impl Message {
    pub fn user(text: &str) -> Self {
        Message { role: "user".into(), content: text.into() }
    }
    pub fn system(text: &str) -> Self {
        Message { role: "system".into(), content: text.into() }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ChatError {
    #[error("chat template of the checkpoint cannot be rendered: {0}")]
    Render(String),
}

/// Render `messages` into prompt text, ending with the assistant turn's opening when
/// `add_generation_prompt`. `None` template -> the contents joined (raw mode).
pub fn render(tok: &TextTokenizer, template: Option<&str>, messages: &[Message], add_generation_prompt: bool) -> Result<String, ChatError> {
    let Some(template) = template else {
        return Ok(messages.iter().map(|m| m.content.as_str()).collect::<Vec<_>>().join("\n\n"));
    };
    let mut env = minijinja::Environment::new();
    minijinja_contrib::add_to_environment(&mut env);
    env.set_unknown_method_callback(minijinja_contrib::pycompat::unknown_method_callback);
    // HF templates call raise_exception() to reject bad role orders.
    env.add_function("raise_exception", |msg: String| -> Result<String, minijinja::Error> {
        Err(minijinja::Error::new(minijinja::ErrorKind::InvalidOperation, msg))
    });
    env.add_template("chat", template).map_err(|e| ChatError::Render(e.to_string()))?;
    let tmpl = env.get_template("chat").map_err(|e| ChatError::Render(e.to_string()))?;
    tmpl.render(minijinja::context! {
        messages => messages,
        add_generation_prompt => add_generation_prompt,
        bos_token => tok.bos_token.clone(),
        eos_token => tok.eos_token.clone(),
    })
    .map_err(|e| ChatError::Render(format!("{e:#}")))
}
