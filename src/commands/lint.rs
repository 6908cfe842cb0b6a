//! `csa lint`: every problem of a catalog.

use super::{located, read_policy, Input};
use crate::catalog::{Catalog, LintReport};
use crate::violation::{Document, InputError};

/// `csa lint`: a catalog validated, every violation and warning reported
/// ([`LintReport`] is what it prints with `--format json`).
#[derive(Debug, Clone)]
#[must_use]
pub struct Lint<'a> {
    catalog: Input<'a>,
    policy: Option<Input<'a>>,
}

impl<'a> Lint<'a> {
    /// Lints `catalog` (any bytes: what is wrong with them is the report).
    pub fn new(catalog: impl Into<Input<'a>>) -> Self {
        Self {
            catalog: catalog.into(),
            policy: None,
        }
    }
    document!(
        /// The policy knobs (`--policy`; its `maxCatalogBytes` bounds the catalog).
        'a, policy
    );
    /// Reads the policy, then lints. Only an unreadable policy is an error.
    pub fn run(&self) -> Result<LintReport, InputError> {
        let policy = read_policy(self.policy)?;
        let report = Catalog::lint(self.catalog.bytes(), &policy);
        Ok(located(report, &[(Document::Catalog, Some(self.catalog))]))
    }
}
