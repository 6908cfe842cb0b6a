//! `csa view`: an object's `customSecurityAttributes` as an actor may read them.

use clap::Args;
use csa::commands::View;
use csa::{Authorization, Document};

use crate::args::{edit, ActorArg, CatalogArg, GraphFormat, GraphFormatArg, ObjectArg, PolicyArg};
use crate::error::Error;
use crate::input::{self, Files};
use crate::output::{json, Outcome};
use crate::render;

#[derive(Debug, Args)]
#[command(mut_args(edit("actor", |a| a.help(
    "The reader's role assignments and permissions (default: show everything)"
))))]
pub struct ViewArgs {
    #[command(flatten)]
    pub catalog: CatalogArg,
    #[command(flatten)]
    pub object: ObjectArg,
    #[command(flatten)]
    pub actor: ActorArg,
    #[command(flatten)]
    pub policy: PolicyArg,
    #[command(flatten)]
    pub format: GraphFormatArg,
}

pub fn run(args: &ViewArgs) -> Result<Outcome, Error> {
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

    let mut view = View::new(files.bytes(catalog), files.bytes(object));
    if let Some(actor) = actor {
        view = view.actor(files.bytes(actor));
    }
    if let Some(policy) = policy {
        view = view.policy(files.bytes(policy));
    }
    let report = view.run();
    let report = files.settle(report)?;

    let stdout = match args.format.format {
        GraphFormat::Json => json(&report),
        GraphFormat::Graph => json(&report.graph_answer()),
        GraphFormat::Text => render::view(
            report.state(),
            report.authorization() == Authorization::Checked,
        ),
    };
    Ok(Outcome::ok(stdout, true))
}
