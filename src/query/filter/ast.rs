//! The `$filter` AST ([`Expr`], [`AttrPath`], [`CompareOp`], [`Literal`]) and its canonical
//! printing: `Display` writes lowercase keywords, single spaces, `startsWith`, parentheses only
//! where the tree needs them and `not(...)`, text that parses back to an equal tree.

use std::fmt;
use std::ops::Range;

use crate::names::{check_name, NameError};

/// The segment every filter path starts with.
pub(super) const CSA: &str = "customSecurityAttributes";

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
    /// Appends every attribute path, in the order the text names them.
    pub(super) fn collect_paths<'e>(&'e self, out: &mut Vec<&'e AttrPath>) {
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

/// The canonical text of the expression (see [`Filter`](super::Filter)'s `Display`).
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
    /// Where the set name starts in the text.
    set_at: usize,
    /// Where the attribute name starts in the text.
    attribute_at: usize,
}

impl AttrPath {
    /// A path to `set`/`attribute`, both valid names (docs/RULES.md, Names), with an empty span.
    pub fn new(set: &str, attribute: &str) -> Result<AttrPath, NameError> {
        check_name(set)?;
        check_name(attribute)?;
        Ok(AttrPath {
            set: set.to_owned(),
            attribute: attribute.to_owned(),
            span: 0..0,
            set_at: 0,
            attribute_at: 0,
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
    /// Byte range of the attribute set name in the filter text (empty for a path not parsed).
    pub fn set_span(&self) -> Range<usize> {
        self.name_span(self.set_at, &self.set)
    }
    /// Byte range of the attribute name in the filter text (empty for a path not parsed).
    pub fn attribute_span(&self) -> Range<usize> {
        self.name_span(self.attribute_at, &self.attribute)
    }
    fn name_span(&self, at: usize, name: &str) -> Range<usize> {
        if self.span.is_empty() {
            return self.span.clone();
        }
        at..at.saturating_add(name.len())
    }
    /// `{Set}_{Attr}` as written: the property name Graph's error message uses.
    pub fn property(&self) -> String {
        format!("{}_{}", self.set, self.attribute)
    }

    /// A path as the parser read it: names as written with where each starts, `span` where the
    /// whole path is in the text.
    pub(super) fn parsed(
        (set, set_at): (&str, usize),
        (attribute, attribute_at): (&str, usize),
        span: Range<usize>,
    ) -> AttrPath {
        AttrPath {
            set: set.to_owned(),
            attribute: attribute.to_owned(),
            span,
            set_at,
            attribute_at,
        }
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

#[cfg(test)]
mod tests {
    use super::super::Filter;

    const A: &str = "customSecurityAttributes/Marketing/AppCountry";

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
}
