//! `Source`: Python text built line by line, indented by nesting level.

use std::fmt::Write as _;

/// Spaces per indentation level (PEP 8).
const INDENT: usize = 4;

/// A Python source file being written.
///
/// Lines are pushed at the current depth; [`Source::indent`] and
/// [`Source::dedent`] move it. Blank lines carry no trailing spaces, and
/// runs of blank lines are never longer than two (PEP 8's limit between
/// top-level definitions).
#[derive(Debug, Default)]
pub(crate) struct Source {
    text: String,
    depth: usize,
}

impl Source {
    /// An empty file.
    pub(crate) fn new() -> Source {
        Source::default()
    }

    /// Appends one line at the current depth. `line` may hold several
    /// lines; each is indented, and empty ones are kept as they are.
    pub(crate) fn line(&mut self, line: impl AsRef<str>) {
        for part in line.as_ref().split('\n') {
            if part.is_empty() {
                self.text.push('\n');
            } else {
                let _ = writeln!(
                    self.text,
                    "{:width$}{part}",
                    "",
                    width = self.depth * INDENT
                );
            }
        }
    }

    /// Appends a blank line, unless one already ends the text or it is
    /// empty.
    pub(crate) fn blank(&mut self) {
        if !self.text.is_empty() && !self.text.ends_with("\n\n") {
            self.text.push('\n');
        }
    }

    /// Appends blank lines until `n` (at most 2) end the text.
    pub(crate) fn blanks(&mut self, n: usize) {
        while !self.text.is_empty() && !self.text.ends_with(&"\n".repeat(n + 1)) {
            self.text.push('\n');
        }
    }

    /// Goes one level deeper.
    pub(crate) fn indent(&mut self) {
        self.depth += 1;
    }

    /// Goes one level back.
    pub(crate) fn dedent(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    /// The text, ending in exactly one newline.
    pub(crate) fn finish(self) -> String {
        let mut text = self.text.trim_end().to_string();
        text.push('\n');
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indents_and_limits_blank_lines() {
        let mut src = Source::new();
        src.blank();
        src.line("class A:");
        src.indent();
        src.line("x: int\ny: str");
        src.blank();
        src.blank();
        src.line("z: int");
        src.dedent();
        src.dedent();
        src.blanks(2);
        src.blanks(2);
        src.line("B = 1");
        assert_eq!(
            src.finish(),
            "class A:\n    x: int\n    y: str\n\n    z: int\n\n\nB = 1\n"
        );
    }
}
