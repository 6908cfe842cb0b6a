//! `csa search`: the portal's search on one object.

use std::fmt::Write as _;

use clap::Args;
use csa::commands::Search;
use csa::Document;

use crate::args::{edit, ActorArg, CatalogArg, Format, FormatArg, ObjectArg, PolicyArg};
use crate::error::Error;
use crate::input::{self, Files};
use crate::output::{compact, json, Outcome};
use crate::render::count_matches;

#[derive(Debug, Args)]
#[command(mut_args(edit("actor", |a| a.help(
    "The searcher's role assignments and permissions (default: search everything)"
))))]
pub struct SearchArgs {
    #[command(flatten)]
    pub catalog: CatalogArg,
    #[command(flatten)]
    pub object: ObjectArg,
    /// What attribute names or values start with (case-insensitive; empty lists everything).
    #[arg(long, value_name = "PREFIX", allow_hyphen_values = true)]
    pub text: String,
    /// Only attribute sets whose name starts with this (case-insensitive).
    #[arg(long = "set", value_name = "PREFIX")]
    pub set_prefix: Option<String>,
    #[command(flatten)]
    pub actor: ActorArg,
    #[command(flatten)]
    pub policy: PolicyArg,
    #[command(flatten)]
    pub format: FormatArg,
}

pub fn run(args: &SearchArgs) -> Result<Outcome, Error> {
    let mut files = Files::new(&[
        Some(args.catalog.catalog.as_path()),
        Some(args.object.object.as_path()),
        args.actor.path(),
        args.policy.path(),
    ])?;
    let (policy, limits) = files.policy(args.policy.path())?;
    let cap = input::cap(&limits);
    let catalog = files.read(&args.catalog.catalog, "catalog", Document::Catalog, cap);
    let object = files.read(&args.object.object, "object", Document::Object, cap);
    let actor = files.read_optional(args.actor.path(), "actor", Document::Actor, cap);

    let mut search = Search::new(files.bytes(catalog), files.bytes(object), &args.text);
    if let Some(prefix) = &args.set_prefix {
        search = search.set(prefix);
    }
    if let Some(actor) = actor {
        search = search.actor(files.bytes(actor));
    }
    if let Some(policy) = policy {
        search = search.policy(files.bytes(policy));
    }
    let report = search.run();
    let report = files.settle(report)?;

    let stdout = match args.format.format {
        Format::Json => json(&report),
        Format::Text => {
            let mut s = count_matches(report.matches().len());
            s.push('\n');
            for m in report.matches() {
                let _ = writeln!(s, "  {}: {}", m.attribute(), compact(m.value()));
            }
            s
        }
    };
    Ok(Outcome::ok(stdout, true))
}
