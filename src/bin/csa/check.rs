//! `csa check`: a PATCH body against a catalog, an object and an actor.

use std::path::{Path, PathBuf};

use clap::Args;
use csa::commands::{BatchLine, Check};
use csa::Document;

use crate::args::{
    edit, ActorArg, AllowSyncedArg, AuditArg, CatalogArg, GraphFormat, GraphFormatArg, JobsArg,
    KindArg, PolicyArg,
};
use crate::error::Error;
use crate::input::{self, Files};
use crate::output::{json, Outcome};
use crate::render;

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("input").required(true).args(["patch", "batch"])))]
#[command(mut_args(edit("format", |a| a.help(
    "Output format (a batch always prints JSON lines)"
).conflicts_with("batch"))))]
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
    #[arg(long, value_name = "FILE", conflicts_with = "batch")]
    pub object: Option<PathBuf>,
    #[command(flatten)]
    pub actor: ActorArg,
    /// The PATCH body (`-` = stdin; it may be anything: a body that is not JSON is refused).
    #[arg(long, value_name = "FILE")]
    pub patch: Option<PathBuf>,
    /// Many requests: JSON lines of `{"object": {...}, "patch": {...}, "actor"?: {...}}` (`-` =
    /// stdin), one result line out per line in, in input order (a line's actor overrides
    /// --actor).
    #[arg(long, value_name = "FILE.jsonl", conflicts_with = "patch")]
    pub batch: Option<PathBuf>,
    #[command(flatten)]
    pub jobs: JobsArg,
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
        args.patch.as_deref(),
        args.batch.as_deref(),
        args.policy.path(),
    ])?;
    args.jobs.only_with_batch(args.batch.is_some())?;
    if let Some(batch) = &args.batch {
        return check_batch(args, files, batch);
    }
    let Some(patch) = &args.patch else {
        return Err(Error::usage("give --patch, or --batch"));
    };
    let (policy, limits) = files.policy(args.policy.path())?;
    let cap = input::cap(&limits);
    let catalog = files.read(&args.catalog.catalog, "catalog", Document::Catalog, cap);
    let object = files.read_optional(args.object.as_deref(), "object", Document::Object, cap);
    let actor = files.read_optional(args.actor.path(), "actor", Document::Actor, cap);
    let patch = files.read(patch, "patch", Document::Body, cap);

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

/// `--batch`: one engine for every line (`--policy` and `--allow-synced` once, the catalog
/// once), each line's object, PATCH body and optional actor read from the line.
fn check_batch(args: &CheckArgs, mut files: Files, batch: &Path) -> Result<Outcome, Error> {
    let (engine, actor) = crate::batch::engine(
        &mut files,
        &args.catalog.catalog,
        args.actor.path(),
        args.policy.path(),
        args.allow_synced.allow_synced,
    )?;
    let (actor, audit) = (actor.as_ref(), args.audit.audit);
    let kind = args.object_type.map(KindArg::kind);
    let max = engine.policy().max_body_bytes;
    crate::batch::run(batch, max, args.jobs.jobs(), |n, line| {
        BatchLine::check(&engine, actor, (n, line), kind.clone(), audit)
    })
}
