//! A cheap lexical check of Python test code, run on every load. Starting a Python
//! interpreter per file on every edit would be slow, so this catches what breaks most
//! often by hand (an unclosed bracket or string, a file cut short) and whether a file
//! tests anything at all. It is not a parser: real `SyntaxError`s are reported by the
//! verifier when it runs the tests.

/// What the lexer saw outside strings and comments.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    /// An `assert` keyword.
    pub has_assert: bool,
    /// A `def test...` function (pytest or unittest style).
    pub has_test_def: bool,
}

/// A lexical error: 1-based line and message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LexError {
    pub line: usize,
    pub message: String,
}

/// Check brackets and string literals of `src`; see the module doc for what is not
/// checked.
pub fn check(src: &str) -> Result<Summary, LexError> {
    Lexer { src: src.as_bytes(), pos: 0, line: 1, summary: Summary::default() }.run()
}

struct Lexer<'a> {
    src: &'a [u8],
    pos: usize,
    line: usize,
    summary: Summary,
}

impl<'a> Lexer<'a> {
    fn run(mut self) -> Result<Summary, LexError> {
        let mut brackets: Vec<(u8, usize)> = Vec::new();
        let mut prev_ident: &'a [u8] = b"";
        while let Some(&c) = self.src.get(self.pos) {
            match c {
                b'\n' => self.line += 1,
                b'#' => self.skip_comment(),
                // Line continuation: the newline after it is not a token.
                b'\\' => self.step_escaped(),
                b'\'' | b'"' => {
                    self.string(c)?;
                    prev_ident = b"";
                    continue;
                }
                b'(' | b'[' | b'{' => brackets.push((c, self.line)),
                b')' | b']' | b'}' => self.close(c, brackets.pop())?,
                c if c == b'_' || c.is_ascii_alphabetic() || c >= 0x80 => {
                    let ident = self.ident();
                    self.note(prev_ident, ident);
                    prev_ident = ident;
                    continue;
                }
                _ => {}
            }
            if !c.is_ascii_whitespace() {
                prev_ident = b"";
            }
            self.pos += 1;
        }
        match brackets.last() {
            Some(&(open, line)) => Err(LexError { line, message: format!("`{}` is never closed", open as char) }),
            None => Ok(self.summary),
        }
    }

    fn note(&mut self, prev: &[u8], ident: &[u8]) {
        if ident == b"assert" {
            self.summary.has_assert = true;
        }
        if prev == b"def" && ident.starts_with(b"test") {
            self.summary.has_test_def = true;
        }
    }

    fn close(&self, c: u8, open: Option<(u8, usize)>) -> Result<(), LexError> {
        let expected = match c {
            b')' => b'(',
            b']' => b'[',
            _ => b'{',
        };
        match open {
            Some((o, _)) if o == expected => Ok(()),
            Some((o, line)) => Err(LexError { line: self.line, message: format!("`{}` closes the `{}` opened on line {line}", c as char, o as char) }),
            None => Err(LexError { line: self.line, message: format!("unmatched `{}`", c as char) }),
        }
    }

    fn skip_comment(&mut self) {
        while self.src.get(self.pos + 1).is_some_and(|&b| b != b'\n') {
            self.pos += 1;
        }
    }

    /// Step over a backslash and the byte it escapes, counting a newline.
    fn step_escaped(&mut self) {
        if self.src.get(self.pos + 1) == Some(&b'\n') {
            self.line += 1;
        }
        self.pos += 1;
    }

    fn ident(&mut self) -> &'a [u8] {
        let start = self.pos;
        while self.src.get(self.pos).is_some_and(|&b| b == b'_' || b.is_ascii_alphanumeric() || b >= 0x80) {
            self.pos += 1;
        }
        let src = self.src;
        &src[start..self.pos]
    }

    /// Consume a string literal starting at the quote `q`; leaves `pos` after it.
    /// A backslash escapes the next byte in every kind of literal (raw ones too, as far
    /// as finding the end is concerned).
    fn string(&mut self, q: u8) -> Result<(), LexError> {
        let start_line = self.line;
        let triple = self.src.get(self.pos + 1) == Some(&q) && self.src.get(self.pos + 2) == Some(&q);
        self.pos += if triple { 3 } else { 1 };
        let unterminated = |line| LexError { line, message: "unterminated string literal".to_owned() };
        loop {
            let Some(&c) = self.src.get(self.pos) else { return Err(unterminated(start_line)) };
            match c {
                b'\\' => self.step_escaped(),
                b'\n' if !triple => return Err(unterminated(start_line)),
                b'\n' => self.line += 1,
                c if c == q && !triple => {
                    self.pos += 1;
                    return Ok(());
                }
                c if c == q && self.src.get(self.pos + 1) == Some(&q) && self.src.get(self.pos + 2) == Some(&q) => {
                    self.pos += 3;
                    return Ok(());
                }
                _ => {}
            }
            self.pos += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_valid_code_and_reports_what_it_tests() {
        let src = "import math\n# a (comment\ndef test_area():\n    s = 'it''s ( \\' \"'\n    assert f(\"\"\"a\n)\"\"\", [1, {2: 3}]) == r'\\d'\n";
        assert_eq!(check(src), Ok(Summary { has_assert: true, has_test_def: true }));
        let src = "x = (1,\n  2) \\\n + 3\nassert_equal(x)\n";
        assert_eq!(check(src), Ok(Summary { has_assert: false, has_test_def: false }));
        assert_eq!(check("def  test_x(self): pass").map(|s| s.has_test_def), Ok(true));
    }

    #[test]
    fn finds_unclosed_brackets_and_strings_with_their_line() {
        assert_eq!(check("a = 1\nassert f(1, [2) == 3").unwrap_err().line, 2);
        assert_eq!(check("assert f(1,\n 2 == 3\n").unwrap_err().line, 1);
        assert_eq!(check("x = 1\ny = 'abc\n").unwrap_err().line, 2);
        assert_eq!(check("s = \"\"\"never\nclosed\n").unwrap_err().line, 1);
        assert_eq!(check("assert f(1)) == 2").unwrap_err().message, "unmatched `)`");
        assert_eq!(check("x = 'ends in backslash\\").unwrap_err().line, 1);
    }
}
