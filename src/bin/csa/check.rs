//! `csa check`: a PATCH body against a catalog, an object and an actor.

use std::path::PathBuf;

use clap::Args;
use csa::commands::Check;
use csa::Document;

use crate::args::{
    edit, ActorArg, AllowSyncedArg, AuditArg, CatalogArg, GraphFormat, GraphFormatArg, KindArg,
    PolicyArg,
};
use crate::error::Error;
use crate::input::{self, Files};
use crate::output::{json, Outcome};
use crate::render;

#[derive(Debug, Args)]
#[command(mut_args(edit("catalog", |a| a.help(
    "The catalog: {\"attributeSets\": ..., \"customSecurityAttributeDefinitions\": ...} (`-` = stdin)"
))))]
#[command(mut_args(edit("policy", |a| a.help(
    "Policy knobs (allowSyncedObjects, objectTypes, maxBodyBytes, ...)"
))))]
pub struct CheckArgs {
    #[command(flatten)]
    pub catalog: CatalogArg,
    /// The target object as Graph returns it (default: a cloud-only user with nothing assigned).
    #[arg(long, value_name = "FILE")]
    pub object: Option<PathBuf>,
    #[command(flatten)]
    pub actor: ActorArg,
    /// The PATCH body (`-` = stdin; it may be anything: a body that is not JSON is refused).
    #[arg(long, value_name = "FILE")]
    pub patch: PathBuf,
    #[command(flatten)]
    pub policy: PolicyArg,
    /// The object's kind; overrides the object's `@odata.type` (default: user).
    #[arg(long, value_enum, value_name = "KIND")]
    pub object_type: Option<KindArg>,
    #[command(flatten)]
    pub allow_synced: AllowSyncedArg,
    #[command(flatten)]
    pub audit: AuditArg,
    #[command(flatten)]
    pub format: GraphFormatArg,
}

pub fn run(args: &CheckArgs) -> Result<Outcome, Error> {
    let mut files = Files::new(&[
        Some(args.catalog.catalog.as_path()),
        args.object.as_deref(),
        args.actor.path(),
        Some(args.patch.as_path()),
        args.policy.path(),
    ])?;
    let (policy, limits) = files.policy(args.policy.path())?;
    let cap = input::cap(&limits);
    let catalog = files.read(&args.catalog.catalog, "catalog", Document::Catalog, cap);
    let object = files.read_optional(args.object.as_deref(), "object", Document::Object, cap);
    let actor = files.read_optional(args.actor.path(), "actor", Document::Actor, cap);
    let patch = files.read(&args.patch, "patch", Document::Body, cap);

    let mut check = Check::new(files.bytes(catalog), files.bytes(patch))
        .allow_synced(args.allow_synced.allow_synced)
        .audit(args.audit.audit);
    if let Some(object) = object {
        check = check.object(files.bytes(object));
    }
    if let Some(actor) = actor {
        check = check.actor(files.bytes(actor));
    }
    if let Some(policy) = policy {
        check = check.policy(files.bytes(policy));
    }
    if let Some(kind) = args.object_type {
        check = check.object_type(kind.kind());
    }
    let report = check.run();
    let report = files.settle(report)?;

    let stdout = match args.format.format {
        GraphFormat::Json => json(&report),
        GraphFormat::Graph => json(&report.graph_answer()),
        GraphFormat::Text => {
            let sources = files.sources(&[
                Document::Body,
                Document::Catalog,
                Document::Object,
                Document::Actor,
                Document::Policy,
            ]);
            let mut s = render::evaluation(report.evaluation(), &sources);
            render::audit(&mut s, report.audit());
            s
        }
    };
    Ok(Outcome::ok(stdout, report.is_allowed()))
}
