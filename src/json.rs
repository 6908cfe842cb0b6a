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
    pub(crate) fn as_str(&self) -> Option<&str> {
        match &self.kind {
            Kind::String(s) => Some(s),
            _ => None,
        }
    }

    /// The members, for [`Kind::Object`].
    pub(crate) fn as_object(&self) -> Option<&[Member<'a>]> {
        match &self.kind {
            Kind::Object(members) => Some(members),
            _ => None,
        }
    }

    /// The elements, for [`Kind::Array`].
    pub(crate) fn as_array(&self) -> Option<&[Node<'a>]> {
        match &self.kind {
            Kind::Array(items) => Some(items),
            _ => None,
        }
    }

    /// The value, for [`Kind::Bool`].
    pub(crate) fn as_bool(&self) -> Option<bool> {
        match self.kind {
            Kind::Bool(b) => Some(b),
            _ => None,
        }
    }

    /// Whether this is `null`.
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

/// Recursive-descent state over already UTF-8-validated input.
///
/// Besides building a [`Node`] tree, it offers the steps a tree is built from (open an object,
/// read a key, move to the next member, ...), so that a reader that knows its document's shape
/// can read it in one pass without a tree and still report exactly the errors, at exactly the
/// offsets, that [`parse`] would.
pub(crate) struct Parser<'a> {
    /// The input as text, for borrowing string and number slices.
    src: &'a str,
    /// The same input as bytes, for scanning.
    bytes: &'a [u8],
    /// Current byte offset.
    pos: usize,
    /// Maximum number of nested arrays/objects.
    max_depth: usize,
}

impl<'a> Parser<'a> {
    /// A parser at the start of `input`, which must be UTF-8.
    pub(crate) fn new(input: &'a [u8], max_depth: usize) -> Result<Self, ParseError> {
        // Validating once up front lets every later slice be taken from `&str`
        // without re-checking, and makes the error offset exact.
        let src =
            std::str::from_utf8(input).map_err(|e| error(e.valid_up_to(), "invalid UTF-8"))?;
        Ok(Parser {
            src,
            bytes: input,
            pos: 0,
            max_depth,
        })
    }

    /// Checks that only whitespace follows the document's value.
    pub(crate) fn finish(&mut self) -> Result<(), ParseError> {
        self.skip_ws();
        if self.pos < self.bytes.len() {
            return Err(error(self.pos, "trailing characters after the JSON value"));
        }
        Ok(())
    }

    /// The current byte offset.
    #[inline]
    pub(crate) fn pos(&self) -> usize {
        self.pos
    }

    /// The byte at the cursor, if any.
    #[inline]
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    /// Skips whitespace up to the next value and returns its first byte.
    #[inline]
    pub(crate) fn peek_value(&mut self) -> Result<u8, ParseError> {
        self.skip_ws();
        self.peek().ok_or_else(|| self.eof())
    }

    /// Skips JSON whitespace (space, tab, line feed, carriage return only).
    #[inline]
    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    /// Error for input that stops where more was required.
    fn eof(&self) -> ParseError {
        error(self.bytes.len(), "unexpected end of input")
    }

    /// Error at the cursor, or end-of-input if the cursor is past the end.
    fn error_here(&self, message: &str) -> ParseError {
        if self.pos >= self.bytes.len() {
            self.eof()
        } else {
            error(self.pos, message)
        }
    }

    /// A slice of the source; the bounds always sit on ASCII bytes, so this
    /// only fails on an internal bug, which is reported rather than panicking.
    fn slice(&self, start: usize, end: usize) -> Result<&'a str, ParseError> {
        self.src
            .get(start..end)
            .ok_or_else(|| error(start, "invalid UTF-8"))
    }

    /// Parses any value at `depth` enclosing arrays/objects.
    fn value(&mut self, depth: usize) -> Result<Node<'a>, ParseError> {
        let b = self.peek_value()?;
        let start = self.pos;
        let kind = match b {
            b'{' => return self.object(depth),
            b'[' => return self.array(depth),
            b'"' => Kind::String(self.string()?),
            b't' => {
                self.literal(b"true")?;
                Kind::Bool(true)
            }
            b'f' => {
                self.literal(b"false")?;
                Kind::Bool(false)
            }
            b'n' => {
                self.literal(b"null")?;
                Kind::Null
            }
            b'-' | b'0'..=b'9' => Kind::Number(self.number()?),
            _ => return Err(error(start, "expected a JSON value")),
        };
        Ok(Node {
            start,
            end: self.pos,
            kind,
        })
    }

    /// Reads the value at `depth` enclosing arrays/objects, keeping scalars and only the kind
    /// and span of arrays and objects.
    pub(crate) fn shallow(&mut self, depth: usize) -> Result<Shallow<'a>, ParseError> {
        let b = self.peek_value()?;
        let start = self.pos;
        let kind = match b {
            b'{' => {
                if self.open_object(depth)? {
                    loop {
                        self.member_key()?;
                        self.shallow(depth + 1)?;
                        if !self.next_member()? {
                            break;
                        }
                    }
                }
                ShallowKind::Object
            }
            b'[' => {
                if self.open_array(depth)? {
                    loop {
                        self.shallow(depth + 1)?;
                        if !self.next_item()? {
                            break;
                        }
                    }
                }
                ShallowKind::Array
            }
            b'"' => ShallowKind::String(self.string()?),
            b't' => {
                self.literal(b"true")?;
                ShallowKind::Bool(true)
            }
            b'f' => {
                self.literal(b"false")?;
                ShallowKind::Bool(false)
            }
            b'n' => {
                self.literal(b"null")?;
                ShallowKind::Null
            }
            b'-' | b'0'..=b'9' => ShallowKind::Number(self.number()?),
            _ => return Err(error(start, "expected a JSON value")),
        };
        Ok(Shallow {
            start,
            end: self.pos,
            kind,
        })
    }

    /// Matches the keyword `lit` at the cursor.
    fn literal(&mut self, lit: &[u8]) -> Result<(), ParseError> {
        let end = self.pos + lit.len();
        if self.bytes.get(self.pos..end) == Some(lit) {
            self.pos = end;
            return Ok(());
        }
        // Point at the first byte that differs from the keyword.
        let rest = self.bytes.get(self.pos..).unwrap_or(&[]);
        let same = rest.iter().zip(lit).take_while(|(a, b)| a == b).count();
        self.pos += same;
        Err(self.error_here("expected a JSON value"))
    }

    /// Checks the nesting limit before entering an array or object.
    fn enter(&self, depth: usize) -> Result<(), ParseError> {
        if depth >= self.max_depth {
            return Err(error(
                self.pos,
                format!("nesting deeper than {} levels", self.max_depth),
            ));
        }
        Ok(())
    }

    /// Opens the array at the cursor (on `[`), `depth` levels deep; `false` when it is empty
    /// (and then already closed). Otherwise read each element, then call [`Parser::next_item`].
    pub(crate) fn open_array(&mut self, depth: usize) -> Result<bool, ParseError> {
        self.enter(depth)?;
        self.pos += 1;
        self.skip_ws();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(false);
        }
        Ok(true)
    }

    /// After an array element: `true` when another follows, `false` at the closing `]`.
    pub(crate) fn next_item(&mut self) -> Result<bool, ParseError> {
        self.skip_ws();
        match self.peek() {
            Some(b',') => {
                self.pos += 1;
                self.skip_ws();
                if self.peek() == Some(b']') {
                    return Err(error(self.pos, "trailing comma before `]`"));
                }
                Ok(true)
            }
            Some(b']') => {
                self.pos += 1;
                Ok(false)
            }
            _ => Err(self.error_here("expected `,` or `]` after an array element")),
        }
    }

    /// Opens the object at the cursor (on `{`), `depth` levels deep; `false` when it is empty
    /// (and then already closed). Otherwise read each member with [`Parser::member_key`] and a
    /// value, then call [`Parser::next_member`].
    pub(crate) fn open_object(&mut self, depth: usize) -> Result<bool, ParseError> {
        self.enter(depth)?;
        self.pos += 1;
        self.skip_ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(false);
        }
        Ok(true)
    }

    /// A member's key with its span (quotes included), and the `:` after it.
    pub(crate) fn member_key(&mut self) -> Result<(Cow<'a, str>, usize, usize), ParseError> {
        let key_start = self.pos;
        if self.peek() != Some(b'"') {
            return Err(self.error_here("expected a string key"));
        }
        let key = self.string()?;
        let key_end = self.pos;
        self.skip_ws();
        if self.peek() != Some(b':') {
            return Err(self.error_here("expected `:` after an object key"));
        }
        self.pos += 1;
        Ok((key, key_start, key_end))
    }

    /// After a member's value: `true` when another member follows, `false` at the closing `}`.
    pub(crate) fn next_member(&mut self) -> Result<bool, ParseError> {
        self.skip_ws();
        match self.peek() {
            Some(b',') => {
                self.pos += 1;
                self.skip_ws();
                if self.peek() == Some(b'}') {
                    return Err(error(self.pos, "trailing comma before `}`"));
                }
                Ok(true)
            }
            Some(b'}') => {
                self.pos += 1;
                Ok(false)
            }
            _ => Err(self.error_here("expected `,` or `}` after an object member")),
        }
    }

    /// Parses an array; the cursor is on `[`.
    fn array(&mut self, depth: usize) -> Result<Node<'a>, ParseError> {
        let start = self.pos;
        let mut items = Vec::new();
        if self.open_array(depth)? {
            loop {
                items.push(self.value(depth + 1)?);
                if !self.next_item()? {
                    break;
                }
            }
        }
        Ok(Node {
            start,
            end: self.pos,
            kind: Kind::Array(items),
        })
    }

    /// Parses an object; the cursor is on `{`.
    fn object(&mut self, depth: usize) -> Result<Node<'a>, ParseError> {
        let start = self.pos;
        let mut members = Vec::new();
        if self.open_object(depth)? {
            loop {
                let (key, key_start, key_end) = self.member_key()?;
                let value = self.value(depth + 1)?;
                members.push(Member {
                    key,
                    key_start,
                    key_end,
                    value,
                });
                if !self.next_member()? {
                    break;
                }
            }
        }
        Ok(Node {
            start,
            end: self.pos,
            kind: Kind::Object(members),
        })
    }

    /// Advances over ASCII digits.
    #[inline]
    fn digits(&mut self) {
        while let Some(b'0'..=b'9') = self.peek() {
            self.pos += 1;
        }
    }

    /// Requires at least one digit, then advances over the rest.
    fn required_digits(&mut self, message: &str) -> Result<(), ParseError> {
        match self.peek() {
            Some(b'0'..=b'9') => {
                self.digits();
                Ok(())
            }
            _ => Err(self.error_here(message)),
        }
    }

    /// Parses a number and returns its text; the cursor is on `-` or a digit.
    fn number(&mut self) -> Result<&'a str, ParseError> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => {
                self.pos += 1;
                if let Some(b'0'..=b'9') = self.peek() {
                    return Err(error(self.pos - 1, "leading zeros are not allowed"));
                }
            }
            Some(b'1'..=b'9') => self.digits(),
            _ => return Err(self.error_here("expected a digit after `-`")),
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            self.required_digits("expected a digit after the decimal point")?;
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            self.required_digits("expected a digit in the exponent")?;
        }
        self.slice(start, self.pos)
    }

    /// Parses a string; the cursor is on the opening quote and ends past the
    /// closing one. Strings without escapes are borrowed.
    #[inline(always)]
    fn string(&mut self) -> Result<Cow<'a, str>, ParseError> {
        let body = self.pos + 1;
        // Fast path, inlined into the callers (the result then stays in registers): a string
        // that is one plain run, borrowed.
        let i = self.run_end(body);
        if let Some(b'"') = self.bytes.get(i) {
            self.pos = i + 1;
            return self.slice(body, i).map(Cow::Borrowed);
        }
        self.string_rest(body, i)
    }

    /// [`Parser::string`] past its first plain run, which ends at `i` (not on a quote).
    fn string_rest(&mut self, body: usize, i: usize) -> Result<Cow<'a, str>, ParseError> {
        let mut i = i;
        match self.bytes.get(i) {
            None => return Err(self.eof()),
            Some(b'\\') => {}
            Some(_) => return Err(error(i, "control character in string")),
        }
        // Slow path: the string has escapes, so it is rebuilt.
        let mut out = String::with_capacity(i - body + 16);
        out.push_str(self.slice(body, i)?);
        loop {
            // `i` is on a backslash here.
            i = self.escape(i, &mut out)?;
            let run = i;
            i = self.run_end(run);
            out.push_str(self.slice(run, i)?);
            match self.bytes.get(i) {
                None => return Err(self.eof()),
                Some(b'"') => {
                    self.pos = i + 1;
                    return Ok(Cow::Owned(out));
                }
                Some(b'\\') => {}
                Some(_) => return Err(error(i, "control character in string")),
            }
        }
    }

    /// Offset of the first `"`, `\\` or control character at or after `from`
    /// (the input length if there is none).
    #[inline]
    fn run_end(&self, from: usize) -> usize {
        const LO: u64 = 0x0101_0101_0101_0101;
        const HI: u64 = 0x8080_8080_8080_8080;
        // The high bit of each byte of `v` that is zero (resp. below 0x20). Bits above the
        // first such byte may be wrong (borrows), but the lowest set bit is exact, which is
        // all that is used.
        let has_zero = |v: u64| v.wrapping_sub(LO) & !v & HI;
        let rest = self.bytes.get(from..).unwrap_or(&[]);
        // Plain runs are most of a body: skip them eight bytes at a time.
        let mut chunks = rest.chunks_exact(8);
        let mut skipped = 0;
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            let w = u64::from_le_bytes(word);
            let special = has_zero(w ^ (LO * u64::from(b'"')))
                | has_zero(w ^ (LO * u64::from(b'\\')))
                | (w.wrapping_sub(LO * 0x20) & !w & HI);
            if special != 0 {
                return from + skipped + (special.trailing_zeros() / 8) as usize;
            }
            skipped += 8;
        }
        let tail = chunks.remainder();
        let len = tail
            .iter()
            .position(|&b| b == b'"' || b == b'\\' || b < 0x20)
            .unwrap_or(tail.len());
        from + skipped + len
    }

    /// Decodes the escape whose backslash is at `at`, appends it to `out`, and
    /// returns the offset just past it.
    fn escape(&self, at: usize, out: &mut String) -> Result<usize, ParseError> {
        let Some(&kind) = self.bytes.get(at + 1) else {
            return Err(self.eof());
        };
        let c = match kind {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => return self.unicode_escape(at, out),
            _ => return Err(error(at, "invalid escape sequence")),
        };
        out.push(c);
        Ok(at + 2)
    }

    /// Decodes `\uXXXX` at `at`, combining a surrogate pair when present.
    fn unicode_escape(&self, at: usize, out: &mut String) -> Result<usize, ParseError> {
        let first = self.hex4(at)?;
        let (code, end) = match first {
            0xD800..=0xDBFF => {
                let next = at + 6;
                match (self.bytes.get(next), self.bytes.get(next + 1)) {
                    (None, _) | (Some(b'\\'), None) => return Err(self.eof()),
                    (Some(b'\\'), Some(b'u')) => {}
                    _ => return Err(error(at, "lone surrogate in \\u escape")),
                }
                let second = self.hex4(next)?;
                if !(0xDC00..=0xDFFF).contains(&second) {
                    return Err(error(at, "lone surrogate in \\u escape"));
                }
                (
                    0x1_0000 + ((first - 0xD800) << 10) + (second - 0xDC00),
                    next + 6,
                )
            }
            0xDC00..=0xDFFF => return Err(error(at, "lone surrogate in \\u escape")),
            _ => (first, at + 6),
        };
        let c = char::from_u32(code).ok_or_else(|| error(at, "lone surrogate in \\u escape"))?;
        out.push(c);
        Ok(end)
    }

    /// Reads the four hex digits of the `\u` escape whose backslash is at `at`.
    fn hex4(&self, at: usize) -> Result<u32, ParseError> {
        let mut code = 0;
        for k in 0..4 {
            let i = at + 2 + k;
            let Some(&b) = self.bytes.get(i) else {
                return Err(self.eof());
            };
            let Some(d) = char::from(b).to_digit(16) else {
                return Err(error(at, "invalid escape sequence"));
            };
            code = code * 16 + d;
        }
        Ok(code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The tree as a `serde_json::Value`, to compare with serde_json's reading of the same
    /// bytes. Numbers go through serde_json's own number parsing of the text; a number
    /// serde_json cannot represent (e.g. `1e400`) is kept as a string of its text. For
    /// duplicate keys the last one wins, as in serde_json.
    fn to_value(node: &Node<'_>) -> serde_json::Value {
        use serde_json::Value;
        match &node.kind {
            Kind::Null => Value::Null,
            Kind::Bool(b) => Value::Bool(*b),
            Kind::Number(text) => number_value(text),
            Kind::String(s) => Value::String(s.as_ref().to_owned()),
            Kind::Array(items) => Value::Array(items.iter().map(to_value).collect()),
            Kind::Object(members) => {
                let mut map = serde_json::Map::new();
                for member in members {
                    map.insert(member.key.as_ref().to_owned(), to_value(&member.value));
                }
                Value::Object(map)
            }
        }
    }

    /// Converts validated number text the way serde_json would, never failing.
    fn number_value(text: &str) -> serde_json::Value {
        match text.parse::<serde_json::Number>() {
            Ok(n) => serde_json::Value::Number(n),
            // Only out-of-range numbers get here; f64 overflows to infinity, which
            // serde_json cannot hold, so the text itself is kept.
            Err(_) => text
                .parse::<f64>()
                .ok()
                .and_then(serde_json::Number::from_f64)
                .map_or_else(
                    || serde_json::Value::String(text.to_owned()),
                    serde_json::Value::Number,
                ),
        }
    }
    use proptest::prelude::*;

    fn ok(s: &str) -> Node<'_> {
        match parse(s.as_bytes(), crate::limits::MAX_JSON_DEPTH) {
            Ok(n) => n,
            Err(e) => panic!("{s:?} rejected: {e:?}"),
        }
    }

    fn err(s: &[u8]) -> ParseError {
        match parse(s, crate::limits::MAX_JSON_DEPTH) {
            Ok(n) => panic!("{s:?} accepted: {n:?}"),
            Err(e) => e,
        }
    }

    fn err_at(s: &str, offset: usize, message: &str) {
        let e = err(s.as_bytes());
        assert_eq!(
            (e.offset, e.message.as_str()),
            (offset, message),
            "for {s:?}"
        );
    }

    #[test]
    fn scalars_with_spans() {
        let n = ok("  null ");
        assert_eq!((n.start, n.end, n.kind), (2, 6, Kind::Null));
        assert_eq!(ok("true").kind, Kind::Bool(true));
        assert_eq!(ok("false").as_bool(), Some(false));
        assert!(ok("null").is_null());
        for num in [
            "0", "-0", "12", "-5", "1.5", "1e5", "1E+5", "1e-5", "-0.0e0", "10",
        ] {
            let n = ok(num);
            assert_eq!((n.start, n.end, n.kind), (0, num.len(), Kind::Number(num)));
        }
        let n = ok("\t\"héllo\"\n");
        assert_eq!((n.start, n.end), (1, 9));
        assert_eq!(n.as_str(), Some("héllo"));
        assert!(matches!(n.kind, Kind::String(Cow::Borrowed(_))));
    }

    #[test]
    fn escapes() {
        let n = ok(r#""a\"b\\c\/d\be\ff\ng\rh\ti\u0041\u00e9\ud83d\ude00""#);
        assert_eq!(n.as_str(), Some("a\"b\\c/d\u{8}e\u{c}f\ng\rh\ti\u{41}é😀"));
        assert!(matches!(n.kind, Kind::String(Cow::Owned(_))));
        assert_eq!(ok(r#""\uD83D\uDE00""#).as_str(), Some("😀"));
        assert_eq!(ok(r#""x\n""#).as_str(), Some("x\n"));
    }

    #[test]
    fn containers_with_spans() {
        let src = r#"{"a": [1, {"b": null}], "c": "d", "a": true}"#;
        let n = ok(src);
        assert_eq!((n.start, n.end), (0, src.len()));
        let members = n.as_object().unwrap();
        assert_eq!(members.len(), 3, "duplicate key kept");
        assert_eq!(members[0].key, "a");
        assert_eq!((members[0].key_start, members[0].key_end), (1, 4));
        let arr = &members[0].value;
        assert_eq!((arr.start, arr.end), (6, 22));
        let items = arr.as_array().unwrap();
        assert_eq!((items[0].start, items[0].end), (7, 8));
        assert_eq!((items[1].start, items[1].end), (10, 21));
        assert_eq!(items[1].get("b").map(Node::is_null), Some(true));
        assert_eq!(members[2].key, "a");
        assert_eq!(members[2].value.as_bool(), Some(true));
        // `get` returns the first; `to_value` keeps the last, as serde_json.
        assert_eq!(n.get("a").map(Node::kind_name), Some("an array"));
        assert_eq!(n.get("zz"), None);
        assert_eq!(to_value(&n)["a"], serde_json::json!(true));
        assert_eq!(ok("[]").as_array().map(<[_]>::len), Some(0));
        assert_eq!(ok("{ }").as_object().map(<[_]>::len), Some(0));
        let k = ok(r#"{"\u0061":1}"#);
        assert_eq!(k.as_object().unwrap()[0].key, "a");
        assert_eq!(k.as_object().unwrap()[0].key_end, 9);
    }

    #[test]
    fn kind_names() {
        let names: Vec<_> = ok(r#"[null, true, 1, "s", [], {}]"#)
            .as_array()
            .unwrap()
            .iter()
            .map(Node::kind_name)
            .collect();
        assert_eq!(
            names,
            [
                "null",
                "a Boolean",
                "a number",
                "a string",
                "an array",
                "an object"
            ]
        );
    }

    #[test]
    fn to_value_numbers() {
        let v = to_value(&ok("[1, -1, 1.5, 18446744073709551615, 1e400, -0]"));
        let expected: serde_json::Value =
            serde_json::from_str("[1, -1, 1.5, 18446744073709551615, \"1e400\", -0]").unwrap();
        assert_eq!(v, expected);
    }

    #[test]
    fn structural_errors() {
        err_at("", 0, "unexpected end of input");
        err_at("   ", 3, "unexpected end of input");
        err_at("[1,", 3, "unexpected end of input");
        err_at("[1", 2, "unexpected end of input");
        err_at("{\"a\"", 4, "unexpected end of input");
        err_at("\"abc", 4, "unexpected end of input");
        err_at("[1 2]", 3, "expected `,` or `]` after an array element");
        err_at(
            "{\"a\":1 \"b\":2}",
            7,
            "expected `,` or `}` after an object member",
        );
        err_at("{\"a\" 1}", 5, "expected `:` after an object key");
        err_at("{a:1}", 1, "expected a string key");
        err_at("{1:1}", 1, "expected a string key");
        err_at("[1,]", 3, "trailing comma before `]`");
        err_at("{\"a\":1,}", 7, "trailing comma before `}`");
        err_at("1 2", 2, "trailing characters after the JSON value");
        err_at("{} x", 3, "trailing characters after the JSON value");
        err_at("// c\n1", 0, "expected a JSON value");
        err_at(
            "[1 /* c */]",
            3,
            "expected `,` or `]` after an array element",
        );
        err_at("NaN", 0, "expected a JSON value");
        err_at("Infinity", 0, "expected a JSON value");
        err_at("'a'", 0, "expected a JSON value");
        err_at("tru", 3, "unexpected end of input");
        err_at("trUe", 2, "expected a JSON value");
        err_at("nul1", 3, "expected a JSON value");
        err_at("truex", 4, "trailing characters after the JSON value");
        err_at("\u{a0}1", 0, "expected a JSON value");
    }

    #[test]
    fn number_errors() {
        err_at("012", 0, "leading zeros are not allowed");
        err_at("-01", 1, "leading zeros are not allowed");
        err_at("-", 1, "unexpected end of input");
        err_at("-a", 1, "expected a digit after `-`");
        err_at("- 1", 1, "expected a digit after `-`");
        err_at("1.", 2, "unexpected end of input");
        err_at("[1.]", 3, "expected a digit after the decimal point");
        err_at(".5", 0, "expected a JSON value");
        err_at("+1", 0, "expected a JSON value");
        err_at("[1e]", 3, "expected a digit in the exponent");
        err_at("[1e+]", 4, "expected a digit in the exponent");
        err_at("1.5.3", 3, "trailing characters after the JSON value");
        err_at("0x10", 1, "trailing characters after the JSON value");
    }

    #[test]
    fn string_errors() {
        err_at(r#""a\x""#, 2, "invalid escape sequence");
        err_at(r#""\u12G4""#, 1, "invalid escape sequence");
        err_at(r#""\u12"#, 5, "unexpected end of input");
        err_at(r#""\"#, 2, "unexpected end of input");
        err_at(r#""\ud800""#, 1, "lone surrogate in \\u escape");
        err_at(r#""ab\ud800x""#, 3, "lone surrogate in \\u escape");
        err_at(r#""\ud800\n""#, 1, "lone surrogate in \\u escape");
        err_at(r#""\ud800\u0041""#, 1, "lone surrogate in \\u escape");
        err_at(r#""\ud800\ud800""#, 1, "lone surrogate in \\u escape");
        err_at(r#""\udc00""#, 1, "lone surrogate in \\u escape");
        err_at(r#""\ud800\uZZZZ""#, 7, "invalid escape sequence");
        err_at("\"\\ud800", 7, "unexpected end of input");
        err_at("\"a\tb\"", 2, "control character in string");
        err_at("\"a\\n\u{0}\"", 4, "control character in string");
        err_at("\"\u{1f}\"", 1, "control character in string");
        // DEL and non-ASCII are fine raw.
        assert_eq!(ok("\"\u{7f}\u{2028}\"").as_str(), Some("\u{7f}\u{2028}"));
    }

    #[test]
    fn utf8_errors() {
        let e = err(b"[\"ab\xff\"]");
        assert_eq!((e.offset, e.message.as_str()), (4, "invalid UTF-8"));
        let e = err(b"\"\xe2\x82\"");
        assert_eq!((e.offset, e.message.as_str()), (1, "invalid UTF-8"));
        let e = err(b"\"\xe2\x82");
        assert_eq!((e.offset, e.message.as_str()), (1, "invalid UTF-8"));
        // A BOM is not JSON whitespace; serde_json rejects it too.
        assert_eq!(err(b"\xef\xbb\xbf1").offset, 0);
    }

    fn nested(levels: usize) -> String {
        "[".repeat(levels) + &"]".repeat(levels)
    }

    #[test]
    fn depth_limit() {
        assert!(parse(nested(128).as_bytes(), 128).is_ok());
        let e = parse(nested(129).as_bytes(), 128).unwrap_err();
        assert_eq!(
            (e.offset, e.message.as_str()),
            (128, "nesting deeper than 128 levels")
        );
        let objects = "{\"a\":".repeat(129) + "1" + &"}".repeat(129);
        assert!(parse(objects.as_bytes(), 129).is_ok());
        assert!(parse(objects.as_bytes(), 128).is_err());
        assert!(parse(b"1", 0).is_ok());
        assert!(parse(b"[]", 0).is_err());
        assert!(parse(b"[]", 1).is_ok());
        // Deep nesting far beyond the limit is rejected without recursing.
        assert!(parse(nested(1_000_000).as_bytes(), crate::limits::MAX_JSON_DEPTH).is_err());
    }

    #[test]
    fn int_text_cases() {
        assert_eq!(int_text("12"), IntText::Int(12));
        assert_eq!(int_text("-5"), IntText::Int(-5));
        assert_eq!(int_text("0"), IntText::Int(0));
        assert_eq!(int_text("-0"), IntText::Int(0));
        assert_eq!(int_text("12.0"), IntText::NotInteger);
        assert_eq!(int_text("1e1"), IntText::NotInteger);
        assert_eq!(int_text("1E1"), IntText::NotInteger);
        assert_eq!(int_text("99999999999999999999"), IntText::TooBig);
        assert_eq!(int_text("-99999999999999999999"), IntText::TooBig);
        assert_eq!(int_text("9223372036854775807"), IntText::Int(i64::MAX));
        assert_eq!(int_text("9223372036854775808"), IntText::TooBig);
        assert_eq!(int_text("-9223372036854775808"), IntText::Int(i64::MIN));
        assert_eq!(int_text(""), IntText::NotInteger);
    }

    /// Greatest array/object nesting in a tree.
    fn depth_of(n: &Node<'_>) -> usize {
        match &n.kind {
            Kind::Array(items) => 1 + items.iter().map(depth_of).max().unwrap_or(0),
            Kind::Object(ms) => 1 + ms.iter().map(|m| depth_of(&m.value)).max().unwrap_or(0),
            _ => 0,
        }
    }

    /// Whether some number in the tree is out of serde_json's range.
    fn has_unrepresentable_number(n: &Node<'_>) -> bool {
        match &n.kind {
            Kind::Number(t) => t.parse::<serde_json::Number>().is_err(),
            Kind::Array(items) => items.iter().any(has_unrepresentable_number),
            Kind::Object(ms) => ms.iter().any(|m| has_unrepresentable_number(&m.value)),
            _ => false,
        }
    }

    /// Checks `parse` against `serde_json::from_slice::<Value>`.
    ///
    /// Known, justified differences (both are cases where serde_json rejects a
    /// document this parser accepts):
    /// - numbers that overflow f64 (e.g. `1e400`): serde_json reports "number
    ///   out of range"; they are valid JSON grammar, and `to_value` keeps them
    ///   as their text;
    /// - exactly 128 nested arrays/objects: serde_json's limit of 128 actually
    ///   rejects the 128th level, while `max_depth` 128 allows 128 levels.
    fn check_against_serde(bytes: &[u8]) -> Result<(), TestCaseError> {
        let ours = parse(bytes, crate::limits::MAX_JSON_DEPTH);
        // The shallow reader sees the same document: the same error at the same offset, or
        // the same value with containers reduced to their kind.
        let shallow = Parser::new(bytes, crate::limits::MAX_JSON_DEPTH).and_then(|mut p| {
            let v = p.shallow(0)?;
            p.finish()?;
            Ok(v)
        });
        match (&ours, &shallow) {
            (Ok(n), Ok(s)) => {
                prop_assert_eq!(
                    (n.start, n.end, n.kind_name()),
                    (s.start, s.end, s.kind_name())
                );
                let same_scalar = match (&n.kind, &s.kind) {
                    (Kind::String(a), ShallowKind::String(b)) => a == b,
                    (Kind::Number(a), ShallowKind::Number(b)) => a == b,
                    (Kind::Bool(a), ShallowKind::Bool(b)) => a == b,
                    _ => true,
                };
                prop_assert!(same_scalar, "{:?} read as {:?}", n, s);
            }
            (Err(a), Err(b)) => prop_assert_eq!(a, b),
            _ => prop_assert!(false, "tree {:?}, shallow {:?}", ours, shallow),
        }
        let theirs = serde_json::from_slice::<serde_json::Value>(bytes);
        match (&ours, &theirs) {
            (Ok(node), Ok(value)) => {
                prop_assert_eq!(&to_value(node), value);
                prop_assert_eq!(
                    (node.start <= node.end, node.end <= bytes.len()),
                    (true, true)
                );
            }
            (Err(e), Err(_)) => prop_assert!(e.offset <= bytes.len()),
            (Ok(node), Err(e)) => {
                let msg = e.to_string();
                let justified = (msg.starts_with("number out of range")
                    && has_unrepresentable_number(node))
                    || (msg.starts_with("recursion limit exceeded") && depth_of(node) == 128);
                prop_assert!(justified, "we accept, serde_json rejects: {}", msg);
            }
            (Err(e), Ok(_)) => prop_assert!(false, "we reject ({:?}), serde_json accepts", e),
        }
        Ok(())
    }

    fn arb_value() -> impl Strategy<Value = serde_json::Value> {
        use serde_json::Value;
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<u64>().prop_map(Value::from),
            any::<f64>()
                .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
            any::<String>().prop_map(Value::String),
            "[a-z\"\\\\/\u{0}-\u{1f}é😀]{0,8}".prop_map(Value::String),
        ];
        leaf.prop_recursive(6, 64, 8, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
                prop::collection::btree_map("[a-c\"\\\\é]{0,3}", inner, 0..8)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    /// Text built from JSON's own tokens, so that broken documents and
    /// escape edge cases are common.
    fn json_ish() -> impl Strategy<Value = String> {
        let token = prop_oneof![
            Just("[".to_owned()),
            Just("]".to_owned()),
            Just("{".to_owned()),
            Just("}".to_owned()),
            Just(",".to_owned()),
            Just(":".to_owned()),
            Just("\"".to_owned()),
            Just(" ".to_owned()),
            Just("\\".to_owned()),
            Just("true".to_owned()),
            Just("null".to_owned()),
            "-?(0|[1-9][0-9]{0,25})(\\.[0-9]{1,5})?([eE][+-]?[0-9]{1,4})?",
            "[-+.eE0-9]{1,4}",
            "\"([a-z]|\\\\[\"\\\\/bfnrtux]|\\\\u[0-9a-fA-F]{4}|\\\\u[dD][89a-fA-F][0-9a-f]{2}|[\u{0}-\u{1f}])*\"",
            "[\t\n\r /a-z\u{80}-\u{10ffff}]",
        ];
        prop::collection::vec(token, 0..24).prop_map(|t| t.concat())
    }

    /// JSON text from a grammar that is valid most of the time: numbers up to
    /// out-of-range exponents, every escape form, surrogate pairs, and
    /// occasional junk (bad numbers, lone surrogates, control characters,
    /// non-JSON whitespace, missing separators).
    fn json_text() -> impl Strategy<Value = String> {
        let ws = prop_oneof![
            8 => "[ \t\n\r]{0,2}",
            1 => "[ \u{a0}\u{feff}\u{b}\u{c}]",
        ];
        let string = prop_oneof![
            8 => "\"([a-zé😀 \u{7f}]|\\\\[\"\\\\/bfnrt]|\\\\u[0-9a-fA-F]{4}|\\\\u[dD][89abAB][0-9a-f]{2}\\\\u[dD][c-fC-F][0-9a-f]{2}){0,6}\"",
            1 => "\"([a-z]|\\\\[\"\\\\/bfnrtux0]|\\\\u[dD][89a-fA-F][0-9a-f]{2}|\\\\u[0-9a-g]{0,4}|[\u{0}-\u{1f}]){0,4}\"?",
        ];
        let leaf = prop_oneof![
            6 => "-?(0|[1-9][0-9]{0,25})(\\.[0-9]{1,5})?([eE][+-]?[0-9]{1,4})?",
            1 => "[-+.eE0-9]{1,4}",
            1 => "true|false|null|tru|nul|NaN|Infinity",
            6 => string.clone(),
        ];
        let sep = prop_oneof![20 => Just(","), 1 => Just(""), 1 => Just(",,")];
        leaf.prop_recursive(5, 48, 6, move |inner| {
            let item = (ws.clone(), inner.clone(), ws.clone(), sep.clone())
                .prop_map(|(a, v, b, s)| format!("{a}{v}{b}{s}"));
            let member = (string.clone(), ws.clone(), inner, ws.clone(), sep.clone())
                .prop_map(|(k, a, v, b, s)| format!("{k}{a}:{v}{b}{s}"));
            prop_oneof![
                (
                    prop::collection::vec(item, 0..5),
                    prop::bool::weighted(0.05)
                )
                    .prop_map(|(items, trailing)| close(items, trailing, "[", "]")),
                (
                    prop::collection::vec(member, 0..5),
                    prop::bool::weighted(0.05)
                )
                    .prop_map(|(items, trailing)| close(items, trailing, "{", "}")),
            ]
        })
    }

    /// Joins container items whose separators are attached, dropping the
    /// last separator unless a trailing one is wanted.
    fn close(items: Vec<String>, trailing: bool, open: &str, end: &str) -> String {
        let mut text = items.concat();
        if !trailing && text.ends_with(',') {
            text.pop();
        }
        format!("{open}{text}{end}")
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2048))]

        #[test]
        fn arbitrary_bytes_agree_with_serde(bytes in prop::collection::vec(any::<u8>(), 0..64)) {
            check_against_serde(&bytes)?;
        }

        #[test]
        fn json_ish_text_agrees_with_serde(text in json_ish()) {
            check_against_serde(text.as_bytes())?;
        }

        #[test]
        fn grammar_text_agrees_with_serde(text in json_text()) {
            check_against_serde(text.as_bytes())?;
        }

        #[test]
        fn generated_json_agrees_with_serde(value in arb_value(), pretty in any::<bool>()) {
            let text = if pretty {
                serde_json::to_string_pretty(&value)
            } else {
                serde_json::to_string(&value)
            };
            let text = text.unwrap();
            let node = parse(text.as_bytes(), crate::limits::MAX_JSON_DEPTH);
            prop_assert!(node.is_ok(), "{:?} rejected: {:?}", text, node);
            check_against_serde(text.as_bytes())?;
        }

        #[test]
        fn mutated_json_agrees_with_serde(
            value in arb_value(),
            at in any::<prop::sample::Index>(),
            byte in prop_oneof![
                any::<u8>(),
                prop::sample::select(b"[]{},:\"\\ 0-.eE+tfnu\t\n\x00\x1f/".to_vec()),
            ],
            insert in any::<bool>(),
        ) {
            let mut bytes = serde_json::to_vec(&value).unwrap();
            let i = at.index(bytes.len() + 1);
            if insert || i == bytes.len() {
                bytes.insert(i, byte);
            } else {
                bytes[i] = byte;
            }
            check_against_serde(&bytes)?;
        }
    }

    #[test]
    fn depth_boundary_matches_serde_convention_note() {
        // serde_json accepts 127 levels and rejects 128 (see `check_against_serde`).
        assert!(serde_json::from_str::<serde_json::Value>(&nested(127)).is_ok());
        assert!(serde_json::from_str::<serde_json::Value>(&nested(128)).is_err());
        assert!(parse(nested(127).as_bytes(), crate::limits::MAX_JSON_DEPTH).is_ok());
    }
}
