//! Parsing a `$filter` text into an [`Expr`]: every syntax error, the length limit and the
//! nesting limit are decided here, each at an exact byte offset (docs/RULES.md, Search and filter).
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
//! name       = 1*( any character allowed in a name, docs/RULES.md, Names )
//! BWS / RWS  = zero / one or more of space, tab, CR, LF
//! ```
//!
//! `not` takes only a parenthesised expression or a function call, so `not path eq 'x'` is an
//! error (write `not (path eq 'x')`). Input is bounded: at most [`MAX_FILTER_BYTES`] bytes and
//! [`MAX_FILTER_DEPTH`] nested parentheses, so parsing never recurses deeper than that.
//!
//! The terminals are nom parsers; the grammar above them is recursive descent, which keeps every
//! error at an exact byte offset with a message written for it.

use nom::bytes::complete::{tag_no_case, take_while, take_while1};
use nom::character::complete::{char, digit1};
use nom::combinator::{opt, recognize};
use nom::sequence::pair;
use nom::{IResult, Parser as _};

use super::ast::{AttrPath, CompareOp, Expr, Literal, CSA};
use super::error::{FilterError, FilterErrorKind};
use crate::limits::{MAX_FILTER_BYTES, MAX_FILTER_DEPTH};
use crate::names::is_name_char;

/// The expression `text` holds, or the first problem in it.
pub(super) fn parse(text: &str) -> Result<Expr, FilterError> {
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
    Ok(expr)
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

    /// `operand *( RWS kw RWS operand )`, joined left-associatively with `join`.
    fn chain(
        &self,
        i: &'a str,
        kw: &str,
        join: fn(Box<Expr>, Box<Expr>) -> Expr,
        operand: impl Fn(&'a str) -> PResult<'a, Expr>,
    ) -> PResult<'a, Expr> {
        let (mut i, mut left) = operand(i)?;
        while let Some(next) = self.binary(i, kw)? {
            let (rest, right) = operand(next)?;
            left = join(Box::new(left), Box::new(right));
            i = rest;
        }
        Ok((i, left))
    }

    fn or_expr(&self, i: &'a str, depth: usize) -> PResult<'a, Expr> {
        self.chain(i, "or", Expr::Or, |i| self.and_expr(i, depth))
    }

    fn and_expr(&self, i: &'a str, depth: usize) -> PResult<'a, Expr> {
        self.chain(i, "and", Expr::And, |i| self.unary(i, depth))
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
        if !rest.starts_with('\'') {
            return Err(self.syntax(
                rest,
                format!(
                    "`startsWith` takes a string in single quotes as its second argument, found {}",
                    found(rest)
                ),
            ));
        }
        let (rest, prefix) = self.string(rest)?;
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
        let set_at = self.offset(after);
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
        let attribute_at = self.offset(after);
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
            AttrPath::parsed(
                (set, set_at),
                (attribute, attribute_at),
                start..self.offset(rest),
            ),
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

    /// A string literal, `'` doubled inside; `i` starts with its opening quote.
    fn string(&self, i: &'a str) -> PResult<'a, String> {
        let body = i.get(1..).unwrap_or("");
        string_body(body).ok_or_else(|| self.syntax(i, "unterminated string: no closing `'`"))
    }

    fn literal(&self, i: &'a str) -> PResult<'a, Literal> {
        let expected =
            "expected a literal: a string in single quotes, an integer, `true`, `false` or `null`";
        if i.starts_with('\'') {
            return self.string(i).map(|(rest, s)| (rest, Literal::String(s)));
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
        parse(s).unwrap()
    }

    fn err(s: &str) -> (FilterErrorKind, usize, String) {
        let e = parse(s).unwrap_err();
        (e.kind(), e.offset(), e.message().to_owned())
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
}
