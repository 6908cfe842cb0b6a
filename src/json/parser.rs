//! The reader's steps: open an object or array, read a key, the next member or item, a
//! shallow value; the tree of [`super::parse`] is built from them.

use std::borrow::Cow;

use super::{error, Kind, Member, Node, ParseError, Shallow, ShallowKind};

/// Recursive-descent state over already UTF-8-validated input.
///
/// Besides building a [`Node`] tree, it offers the steps a tree is built from (open an object,
/// read a key, move to the next member, ...), so that a reader that knows its document's shape
/// can read it in one pass without a tree and still report exactly the errors, at exactly the
/// offsets, that [`parse`](super::parse) would.
pub(crate) struct Parser<'a> {
    /// The input as text, for borrowing string and number slices.
    src: &'a str,
    /// The same input as bytes, for scanning.
    bytes: &'a [u8],
    /// Current byte offset.
    pos: usize,
    /// Maximum number of nested arrays/objects.
    max_depth: usize,
    /// The elements of the arrays being built, innermost last: each array takes its own off
    /// the end into a vector of exactly its length, so no vector grows one element at a time.
    items: Vec<Node<'a>>,
    /// Likewise for the members of the objects being built.
    members: Vec<Member<'a>>,
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
            items: Vec::new(),
            members: Vec::new(),
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
        // Counted, then skipped at once: bounded by the input, whatever the step.
        let rest = self.bytes.get(self.pos..).unwrap_or_default();
        self.pos += rest
            .iter()
            .take_while(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
            .count();
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
    pub(super) fn value(&mut self, depth: usize) -> Result<Node<'a>, ParseError> {
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
    #[inline]
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
    #[inline]
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
    #[inline]
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
    #[inline]
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
    #[inline]
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
        let mark = self.items.len();
        if self.open_array(depth)? {
            loop {
                let item = self.value(depth + 1)?;
                self.items.push(item);
                if !self.next_item()? {
                    break;
                }
            }
        }
        let items: Vec<Node<'a>> = self.items.drain(mark..).collect();
        Ok(Node {
            start,
            end: self.pos,
            kind: Kind::Array(items),
        })
    }

    /// Parses an object; the cursor is on `{`.
    fn object(&mut self, depth: usize) -> Result<Node<'a>, ParseError> {
        let start = self.pos;
        let mark = self.members.len();
        if self.open_object(depth)? {
            loop {
                let (key, key_start, key_end) = self.member_key()?;
                let value = self.value(depth + 1)?;
                self.members.push(Member {
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
        let members: Vec<Member<'a>> = self.members.drain(mark..).collect();
        Ok(Node {
            start,
            end: self.pos,
            kind: Kind::Object(members),
        })
    }

    /// Advances over ASCII digits.
    #[inline]
    fn digits(&mut self) {
        // Counted, then skipped at once, like whitespace.
        let rest = self.bytes.get(self.pos..).unwrap_or_default();
        self.pos += rest.iter().take_while(|b| b.is_ascii_digit()).count();
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
        // Each round consumes an escape (two bytes at least), so the string or the input ends
        // within fewer rounds than the input has bytes: an escape that failed to advance would
        // be an error here, not a loop that grows `out` forever.
        for _ in 0..self.bytes.len() {
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
        Err(error(i, "escapes that do not advance"))
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
