//! `csa apply`: changes computed by `check` or `plan`, applied to an object if it has not
//! changed meanwhile.

use std::path::PathBuf;

use clap::Args;
use csa::commands::Apply;
use csa::Document;

use crate::args::{edit, CatalogArg, Format, FormatArg, ObjectArg, PolicyArg};
use crate::error::Error;
use crate::input::{self, Files};
use crate::output::{json, Outcome};
use crate::render::{self, count};
use crate::style::{paint, ERROR, PASS};

#[derive(Debug, Args)]
#[command(mut_args(edit("object", |a| a.help("The object as Graph returns it now"))))]
#[command(mut_args(edit("policy", |a| a.help(
    "Policy knobs (`redactSets` masks values in conflict messages)"
))))]
pub struct ApplyArgs {
    #[command(flatten)]
    pub catalog: CatalogArg,
    #[command(flatten)]
    pub object: ObjectArg,
    /// The JSON output of `csa check` or `csa plan`, or just its `changes` array.
    #[arg(long, value_name = "FILE")]
    pub changes: PathBuf,
    #[command(flatten)]
    pub policy: PolicyArg,
    #[command(flatten)]
    pub format: FormatArg,
}

pub fn run(args: &ApplyArgs) -> Result<Outcome, Error> {
    let mut files = Files::new(&[
        Some(args.catalog.catalog.as_path()),
        Some(args.object.object.as_path()),
        Some(args.changes.as_path()),
        args.policy.path(),
    ])?;
    let (policy, limits) = files.policy(args.policy.path())?;
    let cap = input::cap(&limits);
    let catalog = files.read(&args.catalog.catalog, "catalog", Document::Catalog, cap);
    let object = files.read(&args.object.object, "object", Document::Object, cap);
    let changes = files.read(&args.changes, "changes", Document::Changes, cap);

    let mut apply = Apply::new(
        files.bytes(catalog),
        files.bytes(object),
        files.bytes(changes),
    );
    if let Some(policy) = policy {
        apply = apply.policy(files.bytes(policy));
    }
    let applied = apply.run();
    let applied = files.settle(applied)?;

    let stdout = match (applied.result(), args.format.format) {
        (_, Format::Json) => json(&applied),
        (Ok(state), Format::Text) => {
            let mut s = format!(
                "{} ({})\n",
                paint(PASS, "applied"),
                count(applied.applied_changes(), "change")
            );
            // The view's lines without its first (which speaks of an actor apply has none of).
            for line in render::view(state, false).lines().skip(1) {
                s.push_str(line);
                s.push('\n');
            }
            s
        }
        (Err(violations), Format::Text) => {
            let sources = files.sources(&[Document::Object]);
            let mut s = format!(
                "{} ({})\n",
                paint(ERROR, "refused"),
                count(violations.len(), "violation")
            );
            for v in violations {
                render::violation(&mut s, v, &sources);
            }
            s
        }
    };
    Ok(Outcome::ok(stdout, applied.is_allowed()))
}
