//! The `$filter` language Graph accepts on `customSecurityAttributes` (RULES.md §5), as its own
//! AST with its own parser.
//!
//! Grammar (keywords, the `customSecurityAttributes` segment and function names compare
//! ASCII-case-insensitively, as OData 4.01 allows; set and attribute names are kept as written
//! and resolved against the catalog later, by [`crate::Engine::compile_filter`]):
//!
//! ```text
//! filter     = BWS or BWS
//! or         = and *( RWS "or" RWS and )
//! and        = unary *( RWS "and" RWS unary )
//! unary      = "not" BWS paren / "not" RWS call / paren / call / comparison
//! paren      = "(" BWS or BWS ")"
//! call       = "startsWith(" BWS path BWS "," BWS string BWS ")"
//! comparison = path RWS ( "eq" / "ne" ) RWS literal
//! path       = "customSecurityAttributes/" name "/" name
//! literal    = string / integer / "true" / "false" / "null"
//! string     = "'" *( any character but "'" / "''" ) "'"
//! integer    = [ "-" ] 1*DIGIT              (an i64)
//! name       = 1*( any character allowed in a name, RULES.md §1 )
//! BWS / RWS  = zero / one or more of space, tab, CR, LF
//! ```
//!
//! `not` takes only a parenthesised expression or a function call, so `not path eq 'x'` is an
//! error (write `not (path eq 'x')`). Input is bounded: at most [`MAX_FILTER_BYTES`] bytes and
//! [`MAX_FILTER_DEPTH`] nested parentheses, so parsing never recurses deeper than that.
//!
//! The terminals are nom parsers; the grammar above them is recursive descent, which keeps every
//! error at an exact byte offset with a message written for it.

use std::fmt;
use std::ops::Range;
use std::str::FromStr;

use nom::bytes::complete::{tag_no_case, take_while, take_while1};
use nom::character::complete::{char, digit1};
use nom::combinator::{opt, recognize};
use nom::sequence::pair;
use nom::{IResult, Parser as _};

use crate::limits::{MAX_FILTER_BYTES, MAX_FILTER_DEPTH};
use crate::names::{check_name, is_name_char, NameError};
use crate::violation::{Code, Pointer, Violation};

/// The segment every filter path starts with.
const CSA: &str = "customSecurityAttributes";

/// A parsed `$filter`: an expression over `customSecurityAttributes/{Set}/{Attr}` paths.
///
/// ```
/// use csa::{Expr, Filter};
///
/// let f: Filter = "not (customSecurityAttributes/Marketing/AppCountry eq 'it''s')".parse()?;
/// assert!(matches!(f.expr(), Expr::Not(_)));
/// assert_eq!(
///     f.to_string(),
///     "not(customSecurityAttributes/Marketing/AppCountry eq 'it''s')"
/// );
/// assert_eq!(Filter::parse(&f.to_string())?, f);
/// # Ok::<(), csa::FilterError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filter {
    expr: Expr,
}

impl Filter {
    /// Parses a filter text (taken literally: no URL decoding).
    pub fn parse(text: &str) -> Result<Filter, FilterError> {
        if text.len() > MAX_FILTER_BYTES {
            return Err(FilterError::new(
                FilterErrorKind::TooLong,
                MAX_FILTER_BYTES,
                format!(
                    "the filter is {} bytes long; at most {MAX_FILTER_BYTES} are allowed",
                    text.len()
                ),
            ));
        }
        let p = Grammar::new(text);
        let (rest, _) = ws(text);
        if rest.is_empty() {
            return Err(p.syntax(rest, "the filter is empty"));
        }
        let (rest, expr) = p.or_expr(rest, 0)?;
        let (rest, _) = ws(rest);
        if !rest.is_empty() {
            let msg = if rest.starts_with(')') {
                "found `)` without a matching `(`".to_owned()
            } else {
                format!(
                    "expected `and`, `or` or the end of the filter, found {}",
                    found(rest)
                )
            };
            return Err(p.syntax(rest, msg));
        }
        Ok(Filter { expr })
    }

    /// The expression.
    pub fn expr(&self) -> &Expr {
        &self.expr
    }

    /// Every attribute path, in the order the text names them.
    pub fn paths(&self) -> Vec<&AttrPath> {
        let mut out = Vec::new();
        self.expr.collect_paths(&mut out);
        out
    }
}

impl FromStr for Filter {
    type Err = FilterError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Filter::parse(s)
    }
}

/// Prints the canonical text: lowercase keywords, single spaces, `startsWith`, parentheses only
/// where the tree needs them, `not(...)`. It parses back to an equal filter and is never longer
/// than the text it was parsed from, so it stays within the limits that text met.
impl fmt::Display for Filter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.expr.fmt(f)
    }
}

/// A filter expression. `and` and `or` are binary and left-associative, as parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Expr {
    /// `a or b`.
    Or(Box<Expr>, Box<Expr>),
    /// `a and b`.
    And(Box<Expr>, Box<Expr>),
    /// `not (a)` or `not startsWith(...)`.
    Not(Box<Expr>),
    /// `path eq literal` / `path ne literal`.
    Compare {
        /// The attribute compared.
        path: AttrPath,
        /// `eq` or `ne`.
        op: CompareOp,
        /// What it is compared with.
        value: Literal,
    },
    /// `startsWith(path,'prefix')`.
    StartsWith {
        /// The attribute tested.
        path: AttrPath,
        /// The prefix (case-sensitive).
        prefix: String,
    },
}

impl Expr {
    fn collect_paths<'e>(&'e self, out: &mut Vec<&'e AttrPath>) {
        match self {
            Expr::Or(a, b) | Expr::And(a, b) => {
                a.collect_paths(out);
                b.collect_paths(out);
            }
            Expr::Not(a) => a.collect_paths(out),
            Expr::Compare { path, .. } | Expr::StartsWith { path, .. } => out.push(path),
        }
    }

    /// Binding strength: `or` 1, `and` 2, anything else 3.
    fn precedence(&self) -> u8 {
        match self {
            Expr::Or(..) => 1,
            Expr::And(..) => 2,
            _ => 3,
        }
    }

    /// Writes `e`, in parentheses when it binds weaker than `min`.
    fn fmt_operand(e: &Expr, min: u8, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if e.precedence() < min {
            write!(f, "({e})")
        } else {
            write!(f, "{e}")
        }
    }
}

/// The canonical text of the expression (see [`Filter`]'s `Display`).
impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            // Left-associative: a right operand of the same operator needs parentheses to
            // keep its grouping.
            Expr::Or(a, b) => {
                Expr::fmt_operand(a, 1, f)?;
                f.write_str(" or ")?;
                Expr::fmt_operand(b, 2, f)
            }
            Expr::And(a, b) => {
                Expr::fmt_operand(a, 2, f)?;
                f.write_str(" and ")?;
                Expr::fmt_operand(b, 3, f)
            }
            Expr::Not(e) => match &**e {
                Expr::StartsWith { .. } => write!(f, "not {e}"),
                _ => write!(f, "not({e})"),
            },
            Expr::Compare { path, op, value } => write!(f, "{path} {op} {value}"),
            Expr::StartsWith { path, prefix } => {
                write!(f, "startsWith({path},")?;
                write_string(prefix, f)?;
                f.write_str(")")
            }
        }
    }
}

/// `customSecurityAttributes/{Set}/{Attr}`: names as written, and where the path is in the text.
/// Two paths are equal when their names are (exactly, as written); the span is not compared.
#[derive(Debug, Clone)]
pub struct AttrPath {
    set: String,
    attribute: String,
    span: Range<usize>,
}

impl AttrPath {
    /// A path to `set`/`attribute`, both valid names (RULES.md §1), with an empty span.
    pub fn new(set: &str, attribute: &str) -> Result<AttrPath, NameError> {
        check_name(set)?;
        check_name(attribute)?;
        Ok(AttrPath {
            set: set.to_owned(),
            attribute: attribute.to_owned(),
            span: 0..0,
        })
    }

    /// The attribute set name, as written.
    pub fn set(&self) -> &str {
        &self.set
    }
    /// The attribute name, as written.
    pub fn attribute(&self) -> &str {
        &self.attribute
    }
    /// Byte range of the whole path in the filter text it was parsed from.
    pub fn span(&self) -> Range<usize> {
        self.span.clone()
    }
    /// `{Set}_{Attr}` as written: the property name Graph's error message uses.
    pub fn property(&self) -> String {
        format!("{}_{}", self.set, self.attribute)
    }
}

impl PartialEq for AttrPath {
    fn eq(&self, other: &Self) -> bool {
        self.set == other.set && self.attribute == other.attribute
    }
}
impl Eq for AttrPath {}

impl fmt::Display for AttrPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{CSA}/{}/{}", self.set, self.attribute)
    }
}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CompareOp {
    /// `eq`: equal (on a collection: some element is equal).
    Eq,
    /// `ne`: `not (eq)`, so objects without the attribute match.
    Ne,
}

impl CompareOp {
    /// `eq` / `ne`.
    pub fn as_str(self) -> &'static str {
        match self {
            CompareOp::Eq => "eq",
            CompareOp::Ne => "ne",
        }
    }
}

impl fmt::Display for CompareOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A literal on the right of `eq` / `ne`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Literal {
    /// `'text'` (`''` inside stands for `'`).
    String(String),
    /// A decimal integer; whether it fits the attribute (Int32) is decided when compiling.
    Integer(i64),
    /// `true` / `false`.
    Boolean(bool),
    /// `null`: `eq null` matches objects without the attribute.
    Null,
}

impl fmt::Display for Literal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Literal::String(s) => write_string(s, f),
            Literal::Integer(i) => write!(f, "{i}"),
            Literal::Boolean(b) => write!(f, "{b}"),
            Literal::Null => f.write_str("null"),
        }
    }
}

/// An OData string literal: in single quotes, `'` doubled.
fn write_string(s: &str, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    f.write_str("'")?;
    for (i, part) in s.split('\'').enumerate() {
        if i > 0 {
            f.write_str("''")?;
        }
        f.write_str(part)?;
    }
    f.write_str("'")
}

/// What kind of problem a [`FilterError`] is. An attribute set the actor may not read is
/// [`FilterErrorKind::UnknownAttributeSet`], exactly like one that does not exist.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FilterErrorKind {
    /// The text does not follow the grammar.
    Syntax,
    /// The text is longer than [`MAX_FILTER_BYTES`].
    TooLong,
    /// Parentheses nest deeper than [`MAX_FILTER_DEPTH`].
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
    message: String,
    property: Option<String>,
    hint: Option<String>,
}

/// Graph's message for a filter clause it refuses on a custom security attribute.
pub(crate) fn graph_message(property: &str) -> String {
    format!(
        "Unsupported or invalid query filter clause specified for property '{property}' of resource 'CustomSecurityAttributeValue'."
    )
}

impl FilterError {
    pub(crate) fn new(kind: FilterErrorKind, offset: usize, message: impl Into<String>) -> Self {
        Self {
            kind,
            offset,
            message: message.into(),
            property: None,
            hint: None,
        }
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
        crate::snippet::Snippet::new(text.as_bytes(), at..at.saturating_add(1)).render_plain()
    }

    /// The violation Graph's refusal maps to (`invalid_filter`, 400 `Request_UnsupportedQuery`).
    /// Where a property is involved the message is Graph's own text and csa's reason is the hint.
    pub fn to_violation(&self) -> Violation {
        let ptr = Pointer::root().key("$filter");
        let v = match &self.property {
            Some(p) => {
                let hint = match &self.hint {
                    Some(h) => format!("{}; {h}", self.message),
                    None => self.message.clone(),
                };
                Violation::new(Code::InvalidFilter, ptr, graph_message(p))
                    .attr(p.clone())
                    .with_hint(hint)
            }
            None => Violation::new(Code::InvalidFilter, ptr, self.message.clone())
                .maybe_hint(self.hint.clone()),
        };
        v.at_offset(self.offset)
    }
}

// ---------------------------------------------------------------------------------------------
// Terminals (nom)

type Lex<'a, O> = IResult<&'a str, O>;

/// Whitespace, possibly none.
fn ws(i: &str) -> (&str, &str) {
    let r: Lex<'_, &str> = take_while(|c| matches!(c, ' ' | '\t' | '\r' | '\n')).parse(i);
    r.unwrap_or((i, ""))
}

/// The name-like word at the start of `i` (keywords, names, function names), if any.
fn word(i: &str) -> Option<(&str, &str)> {
    let r: Lex<'_, &str> = take_while1(is_name_char).parse(i);
    r.ok()
}

/// `i` starts with the keyword `kw` (any ASCII case) as a whole word.
fn keyword<'a>(i: &'a str, kw: &str) -> Option<&'a str> {
    match word(i) {
        Some((rest, w)) if w.eq_ignore_ascii_case(kw) => Some(rest),
        _ => None,
    }
}

/// `-`? digits, as written.
fn integer_text(i: &str) -> Lex<'_, &str> {
    recognize(pair(opt(char('-')), digit1)).parse(i)
}

/// The body of a string literal after its opening quote, up to and including the closing one.
/// `None` when the text ends first.
fn string_body(mut i: &str) -> Option<(&str, String)> {
    let mut out = String::new();
    loop {
        let r: Lex<'_, &str> = take_while(|c| c != '\'').parse(i);
        let (rest, chunk) = r.ok()?;
        out.push_str(chunk);
        let rest = rest.strip_prefix('\'')?;
        match rest.strip_prefix('\'') {
            Some(more) => {
                out.push('\'');
                i = more;
            }
            None => return Some((rest, out)),
        }
    }
}

/// `the end of the filter` or the next token in backticks, for messages.
fn found(i: &str) -> String {
    if i.is_empty() {
        return "the end of the filter".to_owned();
    }
    let token = match word(i) {
        Some((_, w)) => w,
        None => i
            .char_indices()
            .nth(1)
            .and_then(|(n, _)| i.get(..n))
            .unwrap_or(i),
    };
    let shown: String = token.chars().take(24).collect();
    if shown.len() < token.len() {
        format!("`{shown}…`")
    } else {
        format!("`{shown}`")
    }
}

// ---------------------------------------------------------------------------------------------
// Grammar (recursive descent over the terminals)

type PResult<'a, T> = Result<(&'a str, T), FilterError>;

struct Grammar<'a> {
    text: &'a str,
}

impl<'a> Grammar<'a> {
    fn new(text: &'a str) -> Self {
        Self { text }
    }

    fn offset(&self, rest: &str) -> usize {
        self.text.len().saturating_sub(rest.len())
    }

    fn syntax(&self, rest: &str, message: impl Into<String>) -> FilterError {
        FilterError::new(FilterErrorKind::Syntax, self.offset(rest), message)
    }

    /// After an operand: whitespace, the binary keyword `kw` and whitespace, or `None` (nothing
    /// consumed) when `kw` does not come next.
    fn binary(&self, i: &'a str, kw: &str) -> Result<Option<&'a str>, FilterError> {
        let (at, space) = ws(i);
        let Some(after) = keyword(at, kw) else {
            return Ok(None);
        };
        if space.is_empty() {
            return Err(self.syntax(at, format!("expected a space before `{kw}`")));
        }
        let (next, space) = ws(after);
        if space.is_empty() {
            return Err(self.syntax(after, format!("expected a space after `{kw}`")));
        }
        Ok(Some(next))
    }

    fn or_expr(&self, i: &'a str, depth: usize) -> PResult<'a, Expr> {
        let (mut i, mut left) = self.and_expr(i, depth)?;
        while let Some(next) = self.binary(i, "or")? {
            let (rest, right) = self.and_expr(next, depth)?;
            left = Expr::Or(Box::new(left), Box::new(right));
            i = rest;
        }
        Ok((i, left))
    }

    fn and_expr(&self, i: &'a str, depth: usize) -> PResult<'a, Expr> {
        let (mut i, mut left) = self.unary(i, depth)?;
        while let Some(next) = self.binary(i, "and")? {
            let (rest, right) = self.unary(next, depth)?;
            left = Expr::And(Box::new(left), Box::new(right));
            i = rest;
        }
        Ok((i, left))
    }

    fn unary(&self, i: &'a str, depth: usize) -> PResult<'a, Expr> {
        if let Some(after) = keyword(i, "not") {
            let (at, space) = ws(after);
            if at.starts_with('(') {
                let (rest, e) = self.paren(at, depth)?;
                return Ok((rest, Expr::Not(Box::new(e))));
            }
            if !space.is_empty() && keyword(at, "startsWith").is_some() {
                let (rest, e) = self.call(at)?;
                return Ok((rest, Expr::Not(Box::new(e))));
            }
            return Err(self
                .syntax(
                    at,
                    format!(
                        "`not` applies only to a parenthesised expression or a function call, found {}",
                        found(at)
                    ),
                )
                .with_hint(Some("write `not (…)` around what it negates".to_owned())));
        }
        if i.starts_with('(') {
            return self.paren(i, depth);
        }
        match word(i) {
            Some((_, w)) if w.eq_ignore_ascii_case("startsWith") => self.call(i),
            Some((_, w)) if w.eq_ignore_ascii_case(CSA) => self.comparison(i),
            Some((after, w)) if after.starts_with('(') => Err(self.syntax(
                i,
                format!("unsupported function `{w}`: only `startsWith` is supported"),
            )),
            Some((_, w)) => Err(self.syntax(
                i,
                format!("only `{CSA}/{{set}}/{{attribute}}` can be filtered here, not `{w}`"),
            )),
            None => Err(self.syntax(
                i,
                format!(
                    "expected a comparison, `startsWith(…)`, `not` or `(`, found {}",
                    found(i)
                ),
            )),
        }
    }

    /// `( or )`; `i` starts with `(`.
    fn paren(&self, i: &'a str, depth: usize) -> PResult<'a, Expr> {
        let open = self.offset(i);
        if depth >= MAX_FILTER_DEPTH {
            return Err(FilterError::new(
                FilterErrorKind::TooDeep,
                open,
                format!("parentheses nest more than {MAX_FILTER_DEPTH} levels deep"),
            ));
        }
        let (inner, _) = ws(i.get(1..).unwrap_or(""));
        let (rest, e) = self.or_expr(inner, depth + 1)?;
        let (rest, _) = ws(rest);
        match rest.strip_prefix(')') {
            Some(after) => Ok((after, e)),
            None => Err(self.syntax(
                rest,
                format!(
                    "expected `)` to close the `(` at byte {open}, or `and`/`or`, found {}",
                    found(rest)
                ),
            )),
        }
    }

    /// `startsWith(path,'prefix')`; `i` starts with the function name.
    fn call(&self, i: &'a str) -> PResult<'a, Expr> {
        let r: Lex<'_, &str> = tag_no_case("startsWith").parse(i);
        let after = r.map(|(rest, _)| rest).unwrap_or(i);
        let Some(args) = after.strip_prefix('(') else {
            return Err(self.syntax(after, "expected `(` right after `startsWith`"));
        };
        let (args, _) = ws(args);
        let (rest, path) = self.path(args)?;
        let (rest, _) = ws(rest);
        let Some(rest) = rest.strip_prefix(',') else {
            return Err(self.syntax(
                rest,
                format!(
                    "expected `,` after the attribute path, found {}",
                    found(rest)
                ),
            ));
        };
        let (rest, _) = ws(rest);
        let Some(body) = rest.strip_prefix('\'') else {
            return Err(self.syntax(
                rest,
                format!(
                    "`startsWith` takes a string in single quotes as its second argument, found {}",
                    found(rest)
                ),
            ));
        };
        let Some((rest, prefix)) = string_body(body) else {
            return Err(self.syntax(rest, "unterminated string: no closing `'`"));
        };
        let (rest, _) = ws(rest);
        match rest.strip_prefix(')') {
            Some(after) => Ok((after, Expr::StartsWith { path, prefix })),
            None => Err(self.syntax(
                rest,
                format!("expected `)` to close `startsWith(`, found {}", found(rest)),
            )),
        }
    }

    /// `customSecurityAttributes/{Set}/{Attr}`.
    fn path(&self, i: &'a str) -> PResult<'a, AttrPath> {
        let start = self.offset(i);
        let shape = format!("`{CSA}/{{set}}/{{attribute}}`");
        let Some(after) = keyword(i, CSA) else {
            return Err(self.syntax(i, format!("expected {shape}, found {}", found(i))));
        };
        let Some(after) = after.strip_prefix('/') else {
            return Err(self.syntax(after, format!("expected {shape}")));
        };
        let Some((after, set)) = word(after) else {
            return Err(self.syntax(
                after,
                format!("expected an attribute set name, found {}", found(after)),
            ));
        };
        let Some(after) = after.strip_prefix('/') else {
            return Err(self.syntax(
                after,
                format!("expected `/` and an attribute name after the attribute set `{set}`"),
            ));
        };
        let Some((rest, attribute)) = word(after) else {
            return Err(self.syntax(
                after,
                format!("expected an attribute name, found {}", found(after)),
            ));
        };
        if rest.starts_with('/') {
            return Err(self.syntax(rest, format!("a path has exactly three segments: {shape}")));
        }
        Ok((
            rest,
            AttrPath {
                set: set.to_owned(),
                attribute: attribute.to_owned(),
                span: start..self.offset(rest),
            },
        ))
    }

    /// `path eq literal` / `path ne literal`.
    fn comparison(&self, i: &'a str) -> PResult<'a, Expr> {
        let (rest, path) = self.path(i)?;
        let (at, space) = ws(rest);
        let op = match word(at) {
            Some((after, w)) if w.eq_ignore_ascii_case("eq") => Some((after, CompareOp::Eq)),
            Some((after, w)) if w.eq_ignore_ascii_case("ne") => Some((after, CompareOp::Ne)),
            _ => None,
        };
        let Some((after, op)) = op.filter(|_| !space.is_empty()) else {
            return Err(self.syntax(
                at,
                format!(
                    "expected ` eq ` or ` ne ` after the attribute path, found {}",
                    found(at)
                ),
            ));
        };
        let (lit, space) = ws(after);
        if space.is_empty() {
            return Err(self.syntax(after, format!("expected a space after `{op}`")));
        }
        let (rest, value) = self.literal(lit)?;
        Ok((rest, Expr::Compare { path, op, value }))
    }

    fn literal(&self, i: &'a str) -> PResult<'a, Literal> {
        let expected =
            "expected a literal: a string in single quotes, an integer, `true`, `false` or `null`";
        if let Some(body) = i.strip_prefix('\'') {
            return match string_body(body) {
                Some((rest, s)) => Ok((rest, Literal::String(s))),
                None => Err(self.syntax(i, "unterminated string: no closing `'`")),
            };
        }
        if let Ok((rest, digits)) = integer_text(i) {
            if rest.starts_with(|c: char| is_name_char(c) || c == '.') {
                return Err(self.syntax(
                    i,
                    format!("`{}` is not an integer; {expected}", number_token(i)),
                ));
            }
            return match digits.parse::<i64>() {
                Ok(n) => Ok((rest, Literal::Integer(n))),
                Err(_) => Err(self.syntax(
                    i,
                    format!("the integer `{digits}` is too large for any attribute"),
                )),
            };
        }
        match word(i) {
            Some((rest, w)) if w.eq_ignore_ascii_case("true") => Ok((rest, Literal::Boolean(true))),
            Some((rest, w)) if w.eq_ignore_ascii_case("false") => {
                Ok((rest, Literal::Boolean(false)))
            }
            Some((rest, w)) if w.eq_ignore_ascii_case("null") => Ok((rest, Literal::Null)),
            _ => Err(self.syntax(i, format!("{expected}, found {}", found(i)))),
        }
    }
}

/// The number-like token at the start of `i` (digits, letters, dots), for messages: at most
/// 24 characters of it.
fn number_token(i: &str) -> &str {
    let end = i
        .char_indices()
        .skip(1)
        .take(24)
        .find(|&(_, c)| !(is_name_char(c) || c == '.'))
        .map_or_else(
            || i.char_indices().nth(24).map_or(i.len(), |(n, _)| n),
            |(n, _)| n,
        );
    i.get(..end).unwrap_or(i)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Expr {
        Filter::parse(s).unwrap().expr
    }

    fn err(s: &str) -> (FilterErrorKind, usize, String) {
        let e = Filter::parse(s).unwrap_err();
        (e.kind, e.offset, e.message)
    }

    const A: &str = "customSecurityAttributes/Marketing/AppCountry";

    #[test]
    fn precedence_not_and_or() {
        let e = p(&format!("{A} eq 'a' or {A} eq 'b' and not ({A} eq 'c')"));
        let Expr::Or(_, right) = e else {
            panic!("or binds weakest: {e:?}")
        };
        let Expr::And(_, not) = *right else {
            panic!("and binds tighter than or")
        };
        assert!(matches!(*not, Expr::Not(_)));
    }

    #[test]
    fn keywords_ignore_case_names_kept_as_written() {
        let e = p("NOT StartsWith(CUSTOMSECURITYATTRIBUTES/marketing/employeeID, 'G''S')");
        let Expr::Not(inner) = e else { panic!() };
        let Expr::StartsWith { path, prefix } = *inner else {
            panic!()
        };
        assert_eq!((path.set(), path.attribute()), ("marketing", "employeeID"));
        assert_eq!(prefix, "G'S");
        assert_eq!(path.span(), 15..60);
    }

    #[test]
    fn syntax_errors_point_at_the_fault() {
        let text = format!("not {A} eq 'x'");
        assert_eq!(err(&text).1, 4);
        assert_eq!(err(&format!("{A} eq 'x")).1, A.len() + 4);
        assert_eq!(err(&format!("{A} gt 1")).1, A.len() + 1);
        assert_eq!(err(&format!("{A} eq 1.5")).1, A.len() + 4);
        assert_eq!(err(&format!("{A} eq 'x'and {A} eq 'y'")).1, A.len() + 7);
        assert_eq!(err(&format!("({A} eq 'x'")).1, A.len() + 8);
        assert_eq!(err("  ").1, 2);
        assert_eq!(err(&format!("{A}/x eq 1")).1, A.len());
        assert_eq!(
            err("endsWith(x,'a')").2,
            "unsupported function `endsWith`: only `startsWith` is supported"
        );
        assert_eq!(
            err(&format!("{A} eq 99999999999999999999")).0,
            FilterErrorKind::Syntax
        );
        let long = err(&format!("{A} eq 1{}", "x".repeat(3000))).2;
        assert!(
            long.starts_with(&format!("`1{}` is not an integer", "x".repeat(23))),
            "{long}"
        );
    }

    #[test]
    fn display_is_canonical_and_minimal() {
        for (input, canonical) in [
            (
                format!("({A} eq 'a' or {A} eq 'b') and {A} ne null"),
                format!("({A} eq 'a' or {A} eq 'b') and {A} ne null"),
            ),
            (
                format!("{A} eq 1 or ({A} eq 2 or {A} eq true)"),
                format!("{A} eq 1 or ({A} eq 2 or {A} eq true)"),
            ),
            (format!("((({A} EQ -007)))"), format!("{A} eq -7")),
            (
                format!("not (startswith({A},'x'))"),
                format!("not startsWith({A},'x')"),
            ),
        ] {
            let f = Filter::parse(&input).unwrap();
            assert_eq!(f.to_string(), canonical);
            assert_eq!(Filter::parse(&canonical).unwrap(), f);
        }
    }

    #[test]
    fn render_points_under_the_offset_on_its_line() {
        let text = "x eq 1\n\tand y";
        let e = FilterError::new(FilterErrorKind::Syntax, 8, "m");
        assert_eq!(e.render(text), "\tand y\n\t^");
        let e = FilterError::new(FilterErrorKind::Syntax, 99, "m");
        assert_eq!(e.render("ab"), "ab\n  ^");
    }
}
