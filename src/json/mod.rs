//! A small, strict, one-pass JSON parser (RFC 8259) producing a borrowed tree
//! with byte spans.
//!
//! Graph PATCH bodies, catalogs and objects are parsed with it so that errors
//! can point at exact byte offsets, duplicate keys stay visible to the caller,
//! and unescaped strings are borrowed from the input instead of copied.
//! It never panics: every access goes through `get`, and recursion is bounded
//! by the caller-supplied maximum depth.

use std::borrow::Cow;
use std::num::IntErrorKind;

/// One JSON value with the byte span it occupies in the input.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Node<'a> {
    /// Byte offset of the first byte of the value.
    pub(crate) start: usize,
    /// Byte offset one past the last byte of the value.
    pub(crate) end: usize,
    /// What the value is.
    pub(crate) kind: Kind<'a>,
}

/// The kind and content of a [`Node`].
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Kind<'a> {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// The number's exact source text, already validated against the JSON number grammar.
    Number(&'a str),
    /// A string, borrowed from the input when it contains no escapes.
    String(Cow<'a, str>),
    /// Elements in document order.
    Array(Vec<Node<'a>>),
    /// Members in document order; duplicate keys are KEPT (the caller detects them).
    Object(Vec<Member<'a>>),
}

/// One `"key": value` member of an object.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Member<'a> {
    /// The unescaped key.
    pub(crate) key: Cow<'a, str>,
    /// Byte offset of the key's opening quote.
    pub(crate) key_start: usize,
    /// Byte offset one past the key's closing quote.
    pub(crate) key_end: usize,
    /// The member's value.
    pub(crate) value: Node<'a>,
}

/// A value read without keeping a container's content: scalars whole, arrays and objects
/// only as their kind and span (their content is still fully checked against the grammar).
/// Readers that know their document's shape use it to avoid building a tree.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Shallow<'a> {
    /// Byte offset of the first byte of the value.
    pub(crate) start: usize,
    /// Byte offset one past the last byte of the value.
    pub(crate) end: usize,
    /// What the value is.
    pub(crate) kind: ShallowKind<'a>,
}

/// The kind and content of a [`Shallow`] value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum ShallowKind<'a> {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// The number's exact source text, already validated against the JSON number grammar.
    Number(&'a str),
    /// A string, borrowed from the input when it contains no escapes.
    String(Cow<'a, str>),
    /// An array, content not kept.
    Array,
    /// An object, content not kept.
    Object,
}

impl Shallow<'_> {
    /// The string's content, for [`ShallowKind::String`].
    #[inline]
    pub(crate) fn as_str(&self) -> Option<&str> {
        match &self.kind {
            ShallowKind::String(s) => Some(s),
            _ => None,
        }
    }

    /// The kind with an article, for messages; the same words as [`Node::kind_name`].
    pub(crate) fn kind_name(&self) -> &'static str {
        match self.kind {
            ShallowKind::Null => "null",
            ShallowKind::Bool(_) => "a Boolean",
            ShallowKind::Number(_) => "a number",
            ShallowKind::String(_) => "a string",
            ShallowKind::Array => "an array",
            ShallowKind::Object => "an object",
        }
    }
}

/// Why and where a document was rejected. Boxed, as errors are rare: a one-word error keeps
/// every `Result` the parser returns small, so reading a valid document copies less.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ParseError(Box<ParseErrorAt>);

/// What a [`ParseError`] says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ParseErrorAt {
    /// Byte offset where the problem was found.
    pub(crate) offset: usize,
    /// Lowercase description without a final period.
    pub(crate) message: String,
}

impl std::ops::Deref for ParseError {
    type Target = ParseErrorAt;
    fn deref(&self) -> &ParseErrorAt {
        &self.0
    }
}

/// Classification of a JSON number's text as an `i64`, see [`int_text`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum IntText {
    /// Written as an integer and fits in `i64`.
    Int(i64),
    /// Written as an integer but outside `i64`.
    TooBig,
    /// Has a fraction or an exponent (or is not a number at all).
    NotInteger,
}

/// Parses one JSON document (leading/trailing JSON whitespace allowed, nothing else after it).
///
/// Arrays and objects count one level each; `max_depth` levels are allowed and
/// one more is an error. Recursion depth is bounded by `max_depth`, so keep it
/// modest (the crate uses [`crate::limits::MAX_JSON_DEPTH`]).
pub(crate) fn parse(input: &[u8], max_depth: usize) -> Result<Node<'_>, ParseError> {
    let mut parser = Parser::new(input, max_depth)?;
    let node = parser.value(0)?;
    parser.finish()?;
    Ok(node)
}

/// Integer value of a JSON number's text, if it is written as an integer (no
/// fraction, no exponent) and fits in `i64`.
#[inline]
pub(crate) fn int_text(number_text: &str) -> IntText {
    if number_text.bytes().any(|b| matches!(b, b'.' | b'e' | b'E')) {
        return IntText::NotInteger;
    }
    match number_text.parse::<i64>() {
        Ok(v) => IntText::Int(v),
        Err(e) => match e.kind() {
            IntErrorKind::PosOverflow | IntErrorKind::NegOverflow => IntText::TooBig,
            _ => IntText::NotInteger,
        },
    }
}

impl<'a> Node<'a> {
    /// The string's content, for [`Kind::String`].
    #[inline]
    pub(crate) fn as_str(&self) -> Option<&str> {
        match &self.kind {
            Kind::String(s) => Some(s),
            _ => None,
        }
    }

    /// The members, for [`Kind::Object`].
    #[inline]
    pub(crate) fn as_object(&self) -> Option<&[Member<'a>]> {
        match &self.kind {
            Kind::Object(members) => Some(members),
            _ => None,
        }
    }

    /// The elements, for [`Kind::Array`].
    #[inline]
    pub(crate) fn as_array(&self) -> Option<&[Node<'a>]> {
        match &self.kind {
            Kind::Array(items) => Some(items),
            _ => None,
        }
    }

    /// The value, for [`Kind::Bool`].
    #[inline]
    pub(crate) fn as_bool(&self) -> Option<bool> {
        match self.kind {
            Kind::Bool(b) => Some(b),
            _ => None,
        }
    }

    /// Whether this is `null`.
    #[inline]
    pub(crate) fn is_null(&self) -> bool {
        matches!(self.kind, Kind::Null)
    }

    /// The kind with an article, for messages ("a string", "an object", ...).
    pub(crate) fn kind_name(&self) -> &'static str {
        match self.kind {
            Kind::Null => "null",
            Kind::Bool(_) => "a Boolean",
            Kind::Number(_) => "a number",
            Kind::String(_) => "a string",
            Kind::Array(_) => "an array",
            Kind::Object(_) => "an object",
        }
    }

    /// The value of the first member with exactly this key, for objects.
    #[inline]
    pub(crate) fn get(&self, key: &str) -> Option<&Node<'a>> {
        self.as_object()?
            .iter()
            .find(|m| m.key == key)
            .map(|m| &m.value)
    }
}

/// Builds a [`ParseError`].
#[cold]
fn error(offset: usize, message: impl Into<String>) -> ParseError {
    ParseError(Box::new(ParseErrorAt {
        offset,
        message: message.into(),
    }))
}

mod parser;
#[cfg(test)]
mod tests;

pub(crate) use parser::Parser;
