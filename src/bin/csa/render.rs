//! Text output, for people: violations and warnings (with the offending line and a caret),
//! changes, counts, and the texts several commands share.

use std::fmt::Write as _;

use csa::{
    AuditRecord, Authorization, DefinitionChange, Document, Evaluation, Snippet, State, Violation,
    Warning,
};

use crate::input::Input;
use crate::output::compact;
use crate::style::{self, paint, verdict};

/// `1 violation`, `2 violations`.
pub fn count(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

/// `1 match`, `2 matches`.
pub fn count_matches(n: usize) -> String {
    match n {
        1 => "1 match".to_owned(),
        n => format!("{n} matches"),
    }
}

/// The input texts a violation or warning may point into.
#[derive(Default)]
pub struct Sources<'a> {
    inputs: Vec<(Document, &'a Input)>,
}

impl<'a> Sources<'a> {
    /// These sources and `input`, the text of `document`.
    pub fn with(mut self, document: Document, input: &'a Input) -> Self {
        self.inputs.push((document, input));
        self
    }

    fn get(&self, document: Document) -> Option<&'a Input> {
        self.inputs
            .iter()
            .find(|(d, _)| *d == document)
            .map(|(_, input)| *input)
    }
}

/// `error: code: message`, where, the offending line with a caret, and the hint.
pub fn violation(s: &mut String, v: &Violation, sources: &Sources<'_>) {
    let label = paint(style::ERROR, format_args!("error: {}:", v.code()));
    let _ = writeln!(s, "{label} {}", v.message());
    location(s, v.pointer(), v.attribute());
    if let (Some(span), Some(input)) = (v.byte_span(), sources.get(v.document())) {
        let snippet = Snippet::new(&input.bytes, span).render(&input.label);
        s.push_str(&style::snippet(&snippet, style::ERROR));
    }
    if let Some(hint) = v.hint() {
        let _ = writeln!(s, "  {}", paint(style::HINT, format_args!("hint: {hint}")));
    }
}

/// `warning: code: message`, where, and the offending line with a caret.
pub fn warning(s: &mut String, w: &Warning, sources: &Sources<'_>) {
    let label = paint(style::WARNING, format_args!("warning: {}:", w.code()));
    let _ = writeln!(s, "{label} {}", w.message());
    location(s, w.pointer(), w.attribute());
    if let (Some(span), Some(input)) = (w.byte_span(), sources.get(w.document())) {
        let snippet = Snippet::new(&input.bytes, span).render(&input.label);
        s.push_str(&style::snippet(&snippet, style::WARNING));
    }
}

fn location(s: &mut String, pointer: &str, attribute: Option<&str>) {
    if pointer.is_empty() {
        s.push_str("  at: the whole document");
    } else {
        let _ = write!(s, "  at: {pointer}");
    }
    if let Some(a) = attribute {
        let _ = write!(s, " ({a})");
    }
    s.push('\n');
}

/// A decided PATCH (`check`, `plan`): the verdict, each change, each violation and warning.
pub fn evaluation(evaluation: &Evaluation, sources: &Sources<'_>) -> String {
    let mut s = String::new();
    let verdict = verdict(evaluation.is_allowed(), "allowed", "refused");
    let auth = match evaluation.authorization() {
        Authorization::Checked => "authorization checked",
        _ => "authorization not checked: no actor given",
    };
    let _ = writeln!(s, "{verdict} ({auth})");
    if let Some(diff) = evaluation.diff() {
        if diff.is_empty() {
            s.push_str("no changes\n");
        }
        for c in diff.changes() {
            let _ = writeln!(
                s,
                "{} {}: {} -> {}",
                c.op(),
                c.attribute(),
                compact(&c.before()),
                compact(&c.after())
            );
        }
    }
    for v in evaluation.violations() {
        violation(&mut s, v, sources);
    }
    for w in evaluation.warnings() {
        warning(&mut s, w, sources);
    }
    s
}

/// The `audit:` line of an accepted request (`--audit`).
pub fn audit(s: &mut String, audit: Option<&AuditRecord>) {
    if let Some(a) = audit {
        let _ = writeln!(s, "audit: {}", compact(a));
    }
}

/// An object's attributes (`view`, `apply`): whose they are, then one line each.
pub fn view(state: &State, with_actor: bool) -> String {
    let mut s = String::new();
    s.push_str(if with_actor {
        "authorization checked: only the sets the actor may read\n"
    } else {
        "authorization not checked: no actor given, every set shown\n"
    });
    if state.is_empty() {
        s.push_str("no custom security attributes (customSecurityAttributes: null)\n");
    }
    for (set, name, value) in state.iter() {
        let _ = writeln!(s, "{set}_{name}: {}", compact(value));
    }
    s
}

/// One line per definition change (`define`, `evolve`): what, where, and the code when refused.
pub fn definition_change(s: &mut String, c: &DefinitionChange) {
    let what = match c.property() {
        Some(p) => format!(
            "{} {} {p}: {} -> {}",
            c.kind().as_str(),
            c.path(),
            compact(&c.before()),
            compact(&c.after())
        ),
        None => format!("{} {}", c.kind().as_str(), c.path()),
    };
    match c.code() {
        Some(code) if !c.is_allowed() => {
            let illegal = paint(style::ERROR, "illegal");
            let _ = writeln!(s, "  {illegal} {what} ({})", paint(style::ERROR, code));
        }
        _ => {
            let _ = writeln!(s, "  {what}");
        }
    }
}
