//! Where a span of an input text is, for people: its line and column, and the line itself with
//! a caret under the span. The one implementation behind the CLI's messages and
//! [`crate::FilterError::render`].

use std::fmt::{self, Write as _};
use std::ops::Range;

/// Longest source line shown whole; longer ones are clipped to a window around the caret.
const MAX_SHOWN_CHARS: usize = 100;
/// Characters kept before the caret in a clipped line.
const CONTEXT_BEFORE: usize = 40;

/// A 1-based line and column (columns count characters, not bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Location {
    line: usize,
    column: usize,
}

impl Location {
    /// Where byte `offset` of `text` is. An offset past the end is the end; one inside a
    /// multi-byte character is that character.
    pub fn of(text: &[u8], offset: usize) -> Location {
        let at = char_start(text, offset);
        let before = text.get(..at).unwrap_or_default();
        let line_start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let column = String::from_utf8_lossy(before.get(line_start..).unwrap_or_default())
            .chars()
            .count()
            + 1;
        Location { line, column }
    }

    /// [`Location::of`] each of `offsets` (sorted), in one pass over `text` when it is UTF-8:
    /// many violations in a large document cost one reading of it, not one each.
    pub(crate) fn of_sorted(text: &[u8], offsets: &[usize]) -> Vec<Location> {
        let Ok(s) = std::str::from_utf8(text) else {
            return offsets.iter().map(|&o| Location::of(text, o)).collect();
        };
        let mut out = Vec::with_capacity(offsets.len());
        let (mut pos, mut line, mut column) = (0, 1, 1);
        for &offset in offsets {
            let at = char_start(text, offset);
            let Some(seg) = s.get(pos..at) else {
                // Not sorted after all: from the start.
                out.push(Location::of(text, offset));
                continue;
            };
            match seg.rfind('\n') {
                Some(i) => {
                    line += seg.bytes().filter(|&b| b == b'\n').count();
                    column = seg.get(i + 1..).unwrap_or_default().chars().count() + 1;
                }
                None => column += seg.chars().count(),
            }
            pos = at;
            out.push(Location { line, column });
        }
        out
    }

    /// The line, from 1.
    pub fn line(&self) -> usize {
        self.line
    }

    /// The column, from 1, in characters.
    pub fn column(&self) -> usize {
        self.column
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// `offset`, clamped to `text`, moved back to the start of the UTF-8 character it falls in (a
/// stray continuation byte, in text that is not UTF-8, is a character of its own).
fn char_start(text: &[u8], offset: usize) -> usize {
    let at = offset.min(text.len());
    let continuation = |i: usize| text.get(i).is_some_and(|&b| b & 0xC0 == 0x80);
    if !continuation(at) {
        return at;
    }
    // A lead byte at most three bytes back whose character reaches `at`.
    for back in 1..=3 {
        let Some(start) = at.checked_sub(back) else {
            break;
        };
        match text.get(start) {
            Some(&b) if b & 0xC0 == 0x80 => continue,
            Some(&b) => {
                let len = match b {
                    0xC0..=0xDF => 2,
                    0xE0..=0xEF => 3,
                    0xF0..=0xF7 => 4,
                    _ => 1,
                };
                return if back < len { start } else { at };
            }
            None => break,
        }
    }
    at
}

/// The line of a text that holds a span, and a caret under the span.
///
/// ```
/// use csa::Snippet;
///
/// let text = br#"{"customSecurityAttributes": {"Engineering": {"Project": "X"}}}"#;
/// let snippet = Snippet::new(text, 47..56);
/// assert_eq!(snippet.location().to_string(), "1:48");
/// assert_eq!(
///     snippet.render("patch.json"),
///     format!(
///         "  --> patch.json:1:48\n    |\n  1 | {}\n    | {}^^^^^^^^^\n",
///         String::from_utf8_lossy(text),
///         " ".repeat(47)
///     )
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snippet {
    location: Location,
    /// The characters shown (control characters other than tabs made spaces).
    shown: String,
    clipped_before: bool,
    clipped_after: bool,
    /// What goes under the shown text before the caret: a space per character, a tab per tab.
    pad: String,
    caret_width: usize,
}

impl Snippet {
    /// The line of `text` holding `span.start`, with `span` (its part on that line, at least
    /// one character) marked.
    pub fn new(text: &[u8], span: Range<usize>) -> Snippet {
        let start = char_start(text, span.start);
        let location = Location::of(text, start);
        let before = text.get(..start).unwrap_or_default();
        let line_start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        let mut line_end = text
            .get(start..)
            .and_then(|rest| rest.iter().position(|&b| b == b'\n'))
            .map_or(text.len(), |i| start + i);
        if line_end > line_start && text.get(line_end - 1) == Some(&b'\r') {
            line_end -= 1;
        }
        let chars = |r: Range<usize>| -> Vec<char> {
            String::from_utf8_lossy(text.get(r).unwrap_or_default())
                .chars()
                .map(|c| if c.is_control() && c != '\t' { ' ' } else { c })
                .collect()
        };
        let line = chars(line_start..line_end);
        let col = chars(line_start..start.min(line_end)).len();
        let span_end = span.end.clamp(start, line_end.max(start));
        let width = chars(start.min(line_end)..span_end).len().max(1);

        // Long lines: a window around the caret.
        let (first, last) = if line.len() <= MAX_SHOWN_CHARS {
            (0, line.len())
        } else {
            let first = col.saturating_sub(CONTEXT_BEFORE).min(line.len());
            (first, (first + MAX_SHOWN_CHARS).min(line.len()))
        };
        let clipped_before = first > 0;
        let pad: String = line
            .get(first..col.min(line.len()))
            .unwrap_or_default()
            .iter()
            .map(|&c| if c == '\t' { '\t' } else { ' ' })
            .chain(std::iter::repeat_n(' ', col.saturating_sub(line.len())))
            .collect();
        let pad = if clipped_before {
            format!("   {pad}")
        } else {
            pad
        };
        let visible_end = last.max(col + 1);
        Snippet {
            location,
            shown: line.get(first..last).unwrap_or_default().iter().collect(),
            clipped_before,
            clipped_after: last < line.len(),
            pad,
            caret_width: width.min(visible_end.saturating_sub(col)).max(1),
        }
    }

    /// Where the span starts.
    pub fn location(&self) -> Location {
        self.location
    }

    /// The line and the caret under it, nothing else: `line\n   ^^^`.
    pub fn render_plain(&self) -> String {
        let mut s = self.line_text();
        s.push('\n');
        s.push_str(&self.pad);
        s.push_str(&"^".repeat(self.caret_width));
        s
    }

    /// As `csa` prints it under a violation, the text named `label`:
    ///
    /// ```text
    ///   --> patch.json:3:18
    ///    |
    ///  3 |       "Project": null
    ///    |                  ^^^^
    /// ```
    pub fn render(&self, label: &str) -> String {
        let number = self.location.line.to_string();
        let gutter = " ".repeat(number.len());
        let mut s = String::new();
        let _ = writeln!(s, "  --> {label}:{}", self.location);
        let _ = writeln!(s, "  {gutter} |");
        let _ = writeln!(s, "  {number} | {}", self.line_text());
        let _ = writeln!(
            s,
            "  {gutter} | {}{}",
            self.pad,
            "^".repeat(self.caret_width)
        );
        s
    }

    fn line_text(&self) -> String {
        format!(
            "{}{}{}",
            if self.clipped_before { "..." } else { "" },
            self.shown,
            if self.clipped_after { "..." } else { "" }
        )
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn of_sorted_agrees_with_of() {
        let text = "{\n  \"é\": [1,\n\t\"😀x\"], \"a\": 2}\n".as_bytes();
        let offsets: Vec<usize> = (0..=text.len() + 2).collect();
        let one_by_one: Vec<Location> = offsets.iter().map(|&o| Location::of(text, o)).collect();
        assert_eq!(super::Location::of_sorted(text, &offsets), one_by_one);
        let bad = b"{\"a\xff\":\n 1}";
        let offsets: Vec<usize> = (0..bad.len()).collect();
        let one_by_one: Vec<Location> = offsets.iter().map(|&o| Location::of(bad, o)).collect();
        assert_eq!(Location::of_sorted(bad, &offsets), one_by_one);
    }

    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn any_span_of_any_bytes_renders(text in proptest::collection::vec(any::<u8>(), 0..40),
                                         start in 0usize..50, len in 0usize..50) {
            let s = Snippet::new(&text, start..start + len);
            prop_assert!(s.location().line() >= 1 && s.location().column() >= 1);
            prop_assert!(s.render_plain().contains('^'));
            prop_assert!(s.render("x").contains("--> x:"));
        }
    }

    #[test]
    fn locations_count_lines_and_characters_from_one() {
        let s = "ab\ncdé\nf".as_bytes();
        let at = |o| {
            let l = Location::of(s, o);
            (l.line(), l.column())
        };
        assert_eq!(at(0), (1, 1));
        assert_eq!(at(2), (1, 3));
        assert_eq!(at(3), (2, 1));
        assert_eq!(at(5), (2, 3));
        assert_eq!(at(6), (2, 3), "inside é: moved back to its start");
        assert_eq!(at(7), (2, 4));
        assert_eq!(at(8), (3, 1));
        assert_eq!(at(9), (3, 2));
        assert_eq!(at(999), (3, 2), "clamped to the end");
        assert_eq!(Location::of(b"", 5).to_string(), "1:1");
        // A stray continuation byte (text that is not UTF-8) is a character of its own.
        assert_eq!(Location::of(b"G\xa0\xb2x", 1).column(), 2);
        assert_eq!(Location::of(b"G\xa0\xb2x", 2).column(), 3);
        assert_eq!(
            Snippet::new(b"G\xa0\xb2x", 1..2).render_plain(),
            "G\u{fffd}\u{fffd}x\n ^"
        );
    }

    #[test]
    fn a_snippet_marks_the_span_on_its_line_only() {
        let text = b"{\n  \"a\": nul,\n  \"b\": 1\n}";
        let s = Snippet::new(text, 9..12);
        assert_eq!(s.location().to_string(), "2:8");
        assert_eq!(s.render_plain(), "  \"a\": nul,\n       ^^^");
        // A span running past its line is cut at the line's end.
        assert_eq!(
            Snippet::new(text, 9..40).render_plain(),
            "  \"a\": nul,\n       ^^^^"
        );
        // An empty span still gets a caret; CRLF ends are not shown.
        assert_eq!(Snippet::new(b"ab\r\ncd", 1..1).render_plain(), "ab\n ^");
    }

    #[test]
    fn tabs_stay_tabs_and_long_lines_are_clipped_around_the_caret() {
        assert_eq!(
            Snippet::new(b"\tand y", 1..2).render_plain(),
            "\tand y\n\t^"
        );
        let long = format!("{}X{}", "a".repeat(150), "b".repeat(150));
        let s = Snippet::new(long.as_bytes(), 150..151);
        let plain = s.render_plain();
        let (line, caret) = plain.split_once('\n').unwrap();
        assert!(line.starts_with("...") && line.ends_with("..."), "{line}");
        assert_eq!(line.chars().count(), 106);
        assert_eq!(
            line.chars().nth(caret.len() - 1),
            Some('X'),
            "the caret is under X"
        );
        assert_eq!(s.location().column(), 151);
    }
}
