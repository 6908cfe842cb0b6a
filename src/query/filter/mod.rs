//! The `$filter` language Graph accepts on `customSecurityAttributes` (docs/RULES.md, Search and
//! filter): a [`Filter`] is parsed from text (`grammar`, where syntax errors and the input limits
//! are decided) into an AST (`ast`, which also prints the canonical text); a [`FilterError`]
//! (`error`) says what is wrong and where. Set and attribute names are kept as written: whether
//! they name anything is decided against a catalog, in [`crate::Engine::compile_filter`].
//!
//! This module knows nothing of catalogs, engines or objects.

use std::fmt;
use std::str::FromStr;

mod ast;
mod error;
mod grammar;

pub use ast::{AttrPath, CompareOp, Expr, Literal};
pub(crate) use error::{invalid_filter, refused_clause};
pub use error::{FilterError, FilterErrorKind};

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
        grammar::parse(text).map(|expr| Filter { expr })
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
