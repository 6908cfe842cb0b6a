//! `csa evolve`: every difference between two catalogs, and the assignments it affects.

use std::fmt::Write as _;
use std::path::PathBuf;

use clap::Args;
use csa::commands::Evolve;
use csa::Document;

use crate::args::{Format, FormatArg, PolicyArg};
use crate::error::Error;
use crate::input::{self, Files};
use crate::output::{compact, json, Outcome};
use crate::render::{self, count};
use crate::style::verdict;

#[derive(Debug, Args)]
pub struct EvolveArgs {
    /// The catalog as it is (`-` = stdin).
    #[arg(long, value_name = "FILE")]
    pub from: PathBuf,
    /// The catalog as it would become.
    #[arg(long, value_name = "FILE")]
    pub to: PathBuf,
    /// The tenant's objects, one Graph object per line (or a Graph list response), for the
    /// impact on their assignments.
    #[arg(long, value_name = "FILE.jsonl")]
    pub objects: Option<PathBuf>,
    #[command(flatten)]
    pub policy: PolicyArg,
    #[command(flatten)]
    pub format: FormatArg,
}

pub fn run(args: &EvolveArgs) -> Result<Outcome, Error> {
    let mut files = Files::new(&[
        Some(args.from.as_path()),
        Some(args.to.as_path()),
        args.objects.as_deref(),
        args.policy.path(),
    ])?;
    let (policy, limits) = files.policy(args.policy.path())?;
    let cap = input::cap(&limits);
    let from = files.read(&args.from, "--from catalog", Document::Catalog, cap);
    // An invalid target is an illegal evolution, not an input error (docs/RULES.md, Output
    // documents).
    let to = files.read(&args.to, "--to catalog", None, cap);
    let objects = files.read_optional(args.objects.as_deref(), "objects", Document::Object, cap);

    let mut evolve = Evolve::new(files.bytes(from), files.bytes(to));
    if let Some(objects) = objects {
        evolve = evolve.objects(files.bytes(objects));
    }
    if let Some(policy) = policy {
        evolve = evolve.policy(files.bytes(policy));
    }
    let report = evolve.run();
    let report = files.settle(report)?;

    let stdout = match args.format.format {
        Format::Json => json(&report),
        Format::Text => {
            let evolution = report.evolution();
            let mut s = String::new();
            let illegal = evolution
                .changes()
                .iter()
                .filter(|c| !c.is_allowed())
                .count();
            let _ = writeln!(
                s,
                "{} ({}, {} illegal, {})",
                verdict(evolution.is_legal(), "legal", "illegal"),
                count(evolution.changes().len(), "change"),
                illegal,
                count(report.impact().len(), "affected assignment")
            );
            for c in evolution.changes() {
                render::definition_change(&mut s, c);
            }
            for i in report.impact() {
                let _ = writeln!(
                    s,
                    "  impact {} {} {}: {}",
                    if i.object_id().is_empty() {
                        "(no id)"
                    } else {
                        i.object_id()
                    },
                    i.attribute(),
                    i.effect().as_str(),
                    compact(i.value())
                );
            }
            s
        }
    };
    Ok(Outcome::ok(stdout, report.is_legal()))
}
