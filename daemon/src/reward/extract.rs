//! Code extraction from a model completion. Rules, in order:
//!
//! 1. Chat noise: `\r\n` becomes `\n`; everything from the first end-of-turn marker
//!    (`<|im_end|>`, `<|endoftext|>`, `<|eot_id|>`, `<|end|>`, `</s>`, `<|im_start|>`)
//!    is dropped; `<think>...</think>` blocks are dropped (an unclosed `<think>` drops
//!    the rest).
//! 2. Fenced blocks: every block fenced by ```` ``` ```` whose info string is empty or
//!    `python`, `py`, `python3` (any case) is kept; blocks tagged with another language
//!    (```` ```bash ````, ```` ```text ````, ```` ```output ````) are skipped. Kept blocks are
//!    joined with a blank line, in order: a solution split over blocks works, and code
//!    cannot be hidden from the tests in a second block. A block left open by a
//!    truncated completion runs to the end. If the text before the first fence has
//!    code-like lines and that fence is a bare ```` ``` ````, the text is a block whose
//!    opening fence was in the prompt.
//! 3. Bare code (no fences): leading prose lines before the first code-like line are
//!    dropped, and so is everything from the first later unindented prose line.
//!    A code-like line starts with a Python keyword or `@`/`#`, or contains `=` or `(`;
//!    a prose line is unindented text of words that is not code-like.
//! 4. Nothing left but whitespace: `None` (outcome `no_code`).

const END_MARKERS: [&str; 6] = ["<|im_end|>", "<|endoftext|>", "<|eot_id|>", "<|end|>", "</s>", "<|im_start|>"];
const PYTHON_TAGS: [&str; 4] = ["", "python", "py", "python3"];
const KEYWORDS: [&str; 27] = [
    "def", "class", "import", "from", "return", "if", "elif", "else", "for", "while", "try", "except", "finally", "with", "assert", "async", "await", "raise",
    "pass", "lambda", "global", "nonlocal", "del", "yield", "print", "match", "case",
];

/// The code in `completion`, or None when there is nothing to run.
pub fn extract_code(completion: &str) -> Option<String> {
    let text = strip_noise(completion);
    let code = match fenced_blocks(&text) {
        Some(blocks) => blocks.join("\n\n"),
        None => bare_code(&text),
    };
    let code = code.trim_matches('\n').to_string();
    (!code.trim().is_empty()).then(|| code + "\n")
}

fn strip_noise(completion: &str) -> String {
    let mut text = completion.replace("\r\n", "\n");
    if let Some(cut) = END_MARKERS.iter().filter_map(|m| text.find(m)).min() {
        text.truncate(cut);
    }
    while let Some(start) = text.find("<think>") {
        match text[start..].find("</think>") {
            Some(len) => text.replace_range(start..start + len + "</think>".len(), ""),
            None => text.truncate(start),
        }
    }
    text
}

/// Python blocks of a fenced completion, or None when it has no fence at all.
fn fenced_blocks(text: &str) -> Option<Vec<String>> {
    let lines: Vec<&str> = text.lines().collect();
    let fences: Vec<usize> = lines.iter().enumerate().filter(|(_, l)| l.trim_start().starts_with("```")).map(|(i, _)| i).collect();
    let first = *fences.first()?;
    let mut blocks = Vec::new();
    let mut i = 0;
    if lines[first].trim() == "```" && lines[..first].iter().any(|l| is_code_like(l)) {
        blocks.push(lines[..first].join("\n"));
        i = first + 1;
    }
    while i < lines.len() {
        let Some(open) = (i..lines.len()).find(|&j| lines[j].trim_start().starts_with("```")) else { break };
        let tag = lines[open].trim().trim_start_matches('`').trim().to_ascii_lowercase();
        let close = (open + 1..lines.len()).find(|&j| lines[j].trim() == "```").unwrap_or(lines.len());
        if PYTHON_TAGS.contains(&tag.as_str()) {
            blocks.push(lines[open + 1..close].join("\n"));
        }
        i = close + 1;
    }
    Some(blocks)
}

fn bare_code(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let Some(start) = lines.iter().position(|l| is_code_like(l)) else { return String::new() };
    let end = (start + 1..lines.len()).find(|&i| is_prose(lines[i])).unwrap_or(lines.len());
    lines[start..end].join("\n")
}

fn first_word(line: &str) -> &str {
    let t = line.trim_start();
    let end = t.find(|c: char| !(c.is_alphanumeric() || c == '_')).unwrap_or(t.len());
    &t[..end]
}

fn is_code_like(line: &str) -> bool {
    let t = line.trim_start();
    if t.is_empty() {
        return false;
    }
    t.starts_with('@') || t.starts_with('#') || KEYWORDS.contains(&first_word(t)) || t.contains('=') || t.contains('(')
}

/// Unindented words that are not code ("This function returns the sum.").
fn is_prose(line: &str) -> bool {
    let starts_with_letter = line.chars().next().is_some_and(|c| c.is_alphabetic());
    starts_with_letter && line.contains(' ') && !is_code_like(line) && !line.trim_end().ends_with(['\\', ',', '[', '{'])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fenced_python_blocks_are_joined_and_others_skipped() {
        let c = "Here is the solution:\n```python\nimport math\n```\nand the function:\n```py\ndef f(x):\n    return math.sqrt(x)\n```\nOutput:\n```text\n2.0\n```\n";
        assert_eq!(extract_code(c).unwrap(), "import math\n\ndef f(x):\n    return math.sqrt(x)\n");
    }

    #[test]
    fn untagged_and_unclosed_fences() {
        assert_eq!(extract_code("```\nx = 1\n```").unwrap(), "x = 1\n");
        assert_eq!(extract_code("Sure!\n```Python\ndef f():\n    return 1").unwrap(), "def f():\n    return 1\n");
    }

    #[test]
    fn fence_opened_in_the_prompt() {
        let c = "def f(a, b):\n    return a + b\n```\nThis adds two numbers.";
        assert_eq!(extract_code(c).unwrap(), "def f(a, b):\n    return a + b\n");
    }

    #[test]
    fn chat_noise_is_stripped() {
        let c = "<think>\nlet me think\n</think>\n\n```python\ndef f():\n    return 1\n```<|im_end|>\n<|im_start|>user\n```python\nboom()\n```";
        assert_eq!(extract_code(c).unwrap(), "def f():\n    return 1\n");
        assert_eq!(extract_code("x = 1\r\ny = 2\r\n<|endoftext|>junk").unwrap(), "x = 1\ny = 2\n");
        assert_eq!(extract_code("<think>still thinking about def f("), None);
    }

    #[test]
    fn bare_code_loses_leading_and_trailing_prose() {
        let c = "Here is a function that adds numbers\ndef add(a, b):\n    # sum\n    return a + b\n\nThis function returns the sum of a and b.\nIt is simple.";
        assert_eq!(extract_code(c).unwrap(), "def add(a, b):\n    # sum\n    return a + b\n");
        // Code that merely contains capitalised assignments is kept whole.
        let c = "R = 3\nC = 3\ndef f():\n    return R * C\nprint(f())";
        assert_eq!(extract_code(c).unwrap(), "R = 3\nC = 3\ndef f():\n    return R * C\nprint(f())\n");
    }

    #[test]
    fn nothing_to_run_is_none() {
        assert_eq!(extract_code(""), None);
        assert_eq!(extract_code("   \n\n"), None);
        assert_eq!(extract_code("I do not know how to solve this task"), None);
        assert_eq!(extract_code("```bash\nls -la\n```"), None);
        assert_eq!(extract_code("```python\n```"), None);
    }
}
