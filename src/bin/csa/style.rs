//! The styles of text output on a terminal, one per kind of thing, so every command colours
//! alike: errors and refusals red, warnings yellow, hints cyan, verdicts that pass green, and
//! the snippet's gutter blue with its carets in the colour of what they point at.
//!
//! Text is always written with its styles; `output::finish` writes it through
//! `anstream`, which drops them unless `--color` (or, by default, a terminal without
//! `NO_COLOR`) asks for them. JSON is never styled.

use std::fmt::Display;

use anstyle::{AnsiColor, Style};

/// `error: code:`, `refused`, `invalid`, `illegal`, and the `csa:` of an error line.
pub const ERROR: Style = AnsiColor::Red.on_default().bold();
/// `warning: code:`.
pub const WARNING: Style = AnsiColor::Yellow.on_default().bold();
/// `hint: ...`.
pub const HINT: Style = AnsiColor::Cyan.on_default();
/// `allowed`, `valid`, `legal`, `applied`.
pub const PASS: Style = AnsiColor::Green.on_default().bold();
/// The snippet's `-->`, line numbers and `|`.
pub const GUTTER: Style = AnsiColor::Blue.on_default().bold();

/// `text` in `style`, then the style reset.
pub fn paint(style: Style, text: impl Display) -> String {
    format!("{style}{text}{style:#}")
}

/// A verdict word: `pass` in green when it holds, `fail` in red when not.
pub fn verdict(holds: bool, pass: &str, fail: &str) -> String {
    if holds {
        paint(PASS, pass)
    } else {
        paint(ERROR, fail)
    }
}

/// A snippet as `Snippet::render` writes it (`  --> file:line:col`, the gutter, the line, the
/// carets), with the gutter in [`GUTTER`] and the carets in bold `level` (the colour of the
/// violation or warning). The shown line itself is left as it is.
pub fn snippet(rendered: &str, level: Style) -> String {
    let lines: Vec<&str> = rendered.lines().collect();
    let last = lines.len().saturating_sub(1);
    let mut s = String::with_capacity(rendered.len() + 64);
    for (i, line) in lines.iter().enumerate() {
        if let Some(at) = line.strip_prefix("  --> ") {
            s.push_str(&format!("  {} {at}", paint(GUTTER, "-->")));
        } else if let Some(bar) = line.find('|') {
            let (gutter, rest) = line.split_at(bar);
            let rest = rest.get(1..).unwrap_or_default();
            s.push_str(&paint(GUTTER, format!("{gutter}|")));
            if i == last {
                match rest.find('^') {
                    Some(caret) => {
                        let (pad, carets) = rest.split_at(caret);
                        s.push_str(pad);
                        s.push_str(&paint(level, carets));
                    }
                    None => s.push_str(rest),
                }
            } else {
                s.push_str(rest);
            }
        } else {
            s.push_str(line);
        }
        s.push('\n');
    }
    s
}
