//! [`FilterError`]: a filter Graph would refuse, why ([`FilterErrorKind`]) and where (a byte
//! offset), shown with a caret ([`FilterError::render`]) or as an `invalid_filter` violation
//! ([`FilterError::to_violation`]) in Graph's words. The grammar raises the syntax and limit
//! kinds; [`crate::Engine::compile_filter`] the kinds about what a path names.

use std::ops::Range;

use crate::snippet::Snippet;
use crate::violation::{Code, Pointer, Violation};

/// What kind of problem a [`FilterError`] is. An attribute set the actor may not read is
/// [`FilterErrorKind::UnknownAttributeSet`], exactly like one that does not exist.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FilterErrorKind {
    /// The text does not follow the grammar.
    Syntax,
    /// The text is longer than [`MAX_FILTER_BYTES`](crate::limits::MAX_FILTER_BYTES).
    TooLong,
    /// Parentheses nest deeper than [`MAX_FILTER_DEPTH`](crate::limits::MAX_FILTER_DEPTH).
    TooDeep,
    /// The attribute set is not defined, or the actor may not read it.
    UnknownAttributeSet,
    /// The attribute set has no such attribute.
    UnknownAttribute,
    /// The literal's type does not fit the attribute (or an integer is outside Int32).
    LiteralType,
    /// `startsWith` on an attribute that is not a String.
    NotString,
    /// The attribute has `isSearchable = false`.
    NotSearchable,
}

/// A filter Graph would refuse (`invalid_filter`): where in the text, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid filter at byte {offset}: {message}")]
pub struct FilterError {
    kind: FilterErrorKind,
    offset: usize,
    /// The bytes at fault: one byte at `offset`, or the name or path a problem is about.
    span: Range<usize>,
    message: String,
    property: Option<String>,
    hint: Option<String>,
}

/// An `invalid_filter` violation (400 `Request_UnsupportedQuery`) on the query option `option`
/// (`$filter`, `$count`, ...), at byte `offset` of the filter text: 0 for a problem that is not
/// in the text, as docs/RULES.md (Output documents) wants an offset on every `invalid_filter`.
pub(crate) fn invalid_filter(option: &str, message: String, offset: usize) -> Violation {
    Violation::new(Code::InvalidFilter, Pointer::root().key(option), message).at_offset(offset)
}

/// [`invalid_filter`] for a clause on the custom security attribute `property` (`{Set}_{Attr}`):
/// the message is Graph's own, csa's `reason` is the hint.
pub(crate) fn refused_clause(
    option: &str,
    property: String,
    reason: String,
    span: Range<usize>,
) -> Violation {
    let graph = format!(
        "Unsupported or invalid query filter clause specified for property '{property}' of resource 'CustomSecurityAttributeValue'."
    );
    Violation::new(Code::InvalidFilter, Pointer::root().key(option), graph)
        .at_span(span)
        .attr(property)
        .with_hint(reason)
}

impl FilterError {
    pub(crate) fn new(kind: FilterErrorKind, offset: usize, message: impl Into<String>) -> Self {
        Self {
            kind,
            offset,
            span: offset..offset.saturating_add(1),
            message: message.into(),
            property: None,
            hint: None,
        }
    }

    /// The error on `span` (a name or a path), not one byte.
    pub(crate) fn on(mut self, span: Range<usize>) -> Self {
        self.offset = span.start;
        self.span = span;
        self
    }

    pub(crate) fn with_property(mut self, property: String) -> Self {
        self.property = Some(property);
        self
    }

    pub(crate) fn with_hint(mut self, hint: Option<String>) -> Self {
        self.hint = hint;
        self
    }

    /// What kind of problem this is.
    pub fn kind(&self) -> FilterErrorKind {
        self.kind
    }
    /// Byte offset into the filter text where the problem is.
    pub fn offset(&self) -> usize {
        self.offset
    }
    /// Byte range of what is at fault in the filter text: the misspelt name, the path, or the
    /// one byte at [`FilterError::offset`] for a syntax error.
    pub fn span(&self) -> Range<usize> {
        self.span.clone()
    }
    /// What is wrong, in csa's words (lowercase, no final period).
    pub fn message(&self) -> &str {
        &self.message
    }
    /// The `{Set}_{Attr}` property involved, when there is one.
    pub fn property(&self) -> Option<&str> {
        self.property.as_deref()
    }
    /// How to fix it, when csa knows.
    pub fn hint(&self) -> Option<&str> {
        self.hint.as_deref()
    }

    /// The line of `text` holding the offset, and a caret under it on the next line.
    ///
    /// ```
    /// let text = "customSecurityAttributes/Marketing/AppCountry eq Canada";
    /// let e = csa::Filter::parse(text).unwrap_err();
    /// assert_eq!(e.render(text), format!("{text}\n{}^", " ".repeat(49)));
    /// ```
    pub fn render(&self, text: &str) -> String {
        let at = self.offset.min(text.len());
        let end = self
            .span
            .end
            .clamp(at.saturating_add(1), text.len().max(at.saturating_add(1)));
        Snippet::new(text.as_bytes(), at..end).render_plain()
    }

    /// The violation Graph's refusal maps to (`invalid_filter`, 400 `Request_UnsupportedQuery`).
    /// Where a property is involved the message is Graph's own text and csa's reason is the hint.
    pub fn to_violation(&self) -> Violation {
        match &self.property {
            Some(p) => {
                let reason = match &self.hint {
                    Some(h) => format!("{}; {h}", self.message),
                    None => self.message.clone(),
                };
                refused_clause("$filter", p.clone(), reason, self.span.clone())
            }
            None => invalid_filter("$filter", self.message.clone(), self.offset)
                .at_span(self.span.clone())
                .maybe_hint(self.hint.clone()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn render_points_under_the_offset_on_its_line() {
        let text = "x eq 1\n\tand y";
        let e = FilterError::new(FilterErrorKind::Syntax, 8, "m");
        assert_eq!(e.render(text), "\tand y\n\t^");
        let e = FilterError::new(FilterErrorKind::Syntax, 99, "m");
        assert_eq!(e.render("ab"), "ab\n  ^");
    }
}
