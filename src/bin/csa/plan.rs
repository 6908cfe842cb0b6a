//! `csa plan`: the minimal PATCH from an object's current state to a desired state, for one
//! object or, streamed, for a batch of them.

use std::path::PathBuf;

use clap::Args;
use csa::commands::{BatchLine, CheckReport};
use csa::{Document, Locate, Object, PlanMode};

use crate::args::{
    edit, ActorArg, AllowSyncedArg, AuditArg, CatalogArg, Format, FormatArg, JobsArg, PolicyArg,
};
use crate::error::Error;
use crate::input::{self, Files};
use crate::output::{json, Outcome};
use crate::render;

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("input").required(true).args(["desired", "batch"])))]
#[command(mut_args(edit("policy", |a| a.help(
    "Policy knobs (allowSyncedObjects, objectTypes, maxBodyBytes, redactSets, ...)"
))))]
#[command(mut_args(edit("audit", |a| a.help(
    "Add the audit record of an accepted plan (`redactSets` values masked)"
))))]
#[command(mut_args(edit("format", |a| a.help(
    "Output format (a batch always prints JSON lines)"
).conflicts_with("batch"))))]
pub struct PlanArgs {
    #[command(flatten)]
    pub catalog: CatalogArg,
    /// The object as Graph returns it (its current state).
    #[arg(
        long,
        value_name = "FILE",
        requires = "desired",
        conflicts_with = "batch"
    )]
    pub object: Option<PathBuf>,
    /// The desired state, in Graph's response form (`{"customSecurityAttributes": ...}`, the
    /// object, or the sets map).
    #[arg(long, value_name = "FILE", requires = "object")]
    pub desired: Option<PathBuf>,
    /// Many objects: JSON lines of `{"object": {...}, "desired": {...}}`, one plan line out per
    /// line in.
    #[arg(long, value_name = "FILE.jsonl")]
    pub batch: Option<PathBuf>,
    #[command(flatten)]
    pub jobs: JobsArg,
    /// Also remove every readable defined attribute the desired state does not hold, in sets
    /// it does not name.
    #[arg(long)]
    pub exclusive: bool,
    #[command(flatten)]
    pub actor: ActorArg,
    #[command(flatten)]
    pub policy: PolicyArg,
    #[command(flatten)]
    pub allow_synced: AllowSyncedArg,
    #[command(flatten)]
    pub audit: AuditArg,
    #[command(flatten)]
    pub format: FormatArg,
}

pub fn run(args: &PlanArgs) -> Result<Outcome, Error> {
    args.jobs.only_with_batch(args.batch.is_some())?;
    let mut files = Files::new(&[
        Some(args.catalog.catalog.as_path()),
        args.object.as_deref(),
        args.desired.as_deref(),
        args.batch.as_deref(),
        args.actor.path(),
        args.policy.path(),
    ])?;
    // One engine for the plan or every line of the batch (`BatchLine::plan` takes it), with
    // `--allow-synced` on top of the policy (`commands::Plan` has no such option).
    let (engine, actor) = crate::batch::engine(
        &mut files,
        &args.catalog.catalog,
        args.actor.path(),
        args.policy.path(),
        args.allow_synced.allow_synced,
    )?;
    let cap = input::cap(engine.policy());
    let mode = if args.exclusive {
        PlanMode::Exclusive
    } else {
        PlanMode::Managed
    };
    if let Some(batch) = &args.batch {
        let (actor, audit) = (actor.as_ref(), args.audit.audit);
        let max = engine.policy().max_body_bytes;
        return crate::batch::run(batch, max, args.jobs.jobs(), |n, line| {
            BatchLine::plan(&engine, actor, (n, line), mode, audit)
        });
    }
    let (Some(object_path), Some(desired_path)) = (&args.object, &args.desired) else {
        return Err(Error::usage("give --object and --desired, or --batch"));
    };
    let object_slot = files.read(object_path, "object", Document::Object, cap);
    let object = Object::from_json(files.bytes(object_slot));
    let object = files.settle(object)?;
    let desired = files.read(desired_path, "desired state", Document::Desired, cap);
    files.all_read()?;

    let mut evaluation = engine.plan(&object, actor.as_ref(), files.bytes(desired), mode);
    evaluation.locate(Document::Desired, files.bytes(desired));
    evaluation.locate(Document::Object, files.bytes(object_slot));
    let report = CheckReport::new(
        &engine,
        &object,
        actor.as_ref(),
        evaluation,
        args.audit.audit,
    );
    let stdout = match args.format.format {
        Format::Json => json(&report),
        Format::Text => {
            let sources = files.sources(&[
                Document::Desired,
                Document::Catalog,
                Document::Object,
                Document::Actor,
                Document::Policy,
            ]);
            let mut s = render::evaluation(report.evaluation(), &sources);
            if let Some(diff) = report.evaluation().diff() {
                if !diff.is_empty() {
                    s.push_str("request:\n");
                    s.push_str(&json(&diff.request()));
                }
            }
            render::audit(&mut s, report.audit());
            s
        }
    };
    Ok(Outcome::ok(stdout, report.is_allowed()))
}
