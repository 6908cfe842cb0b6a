//! `csa lint`: every violation and warning of a catalog.

use std::fmt::Write as _;

use clap::Args;
use csa::commands::Lint;
use csa::Document;

use crate::args::{CatalogArg, Format, FormatArg, PolicyArg};
use crate::error::Error;
use crate::input::{self, Files};
use crate::output::{json, Outcome};
use crate::render::{self, count};
use crate::style::verdict;

#[derive(Debug, Args)]
pub struct LintArgs {
    #[command(flatten)]
    pub catalog: CatalogArg,
    #[command(flatten)]
    pub policy: PolicyArg,
    #[command(flatten)]
    pub format: FormatArg,
}

pub fn run(args: &LintArgs) -> Result<Outcome, Error> {
    let mut files = Files::new(&[Some(args.catalog.catalog.as_path()), args.policy.path()])?;
    let (policy, limits) = files.policy(args.policy.path())?;
    // Not `Document::Catalog`: what is wrong with the catalog is the report, not an error.
    let catalog = files.read(&args.catalog.catalog, "catalog", None, input::cap(&limits));

    let mut lint = Lint::new(files.bytes(catalog));
    if let Some(policy) = policy {
        lint = lint.policy(files.bytes(policy));
    }
    let report = lint.run();
    let report = files.settle(report)?;

    let stdout = match args.format.format {
        Format::Json => json(&report),
        Format::Text => {
            let sources = render::Sources::default().with(Document::Catalog, files.input(catalog));
            let mut s = String::new();
            let _ = writeln!(
                s,
                "{} ({}, {})",
                verdict(report.is_valid(), "valid", "invalid"),
                count(report.violations().len(), "violation"),
                count(report.warnings().len(), "warning")
            );
            for v in report.violations() {
                render::violation(&mut s, v, &sources);
            }
            for w in report.warnings() {
                render::warning(&mut s, w, &sources);
            }
            s
        }
    };
    Ok(Outcome::ok(stdout, report.is_valid()))
}
