//! `csa plan`: the minimal PATCH from an object's current state to a desired state, for one
//! object or, streamed, for a batch of them.

use std::io::{BufRead, Read, Write};
use std::path::{Path, PathBuf};

use clap::Args;
use csa::commands::{BatchLine, CheckReport};
use csa::{Actor, Catalog, Document, Engine, Object, PlanMode};

use crate::args::{
    edit, ActorArg, AllowSyncedArg, AuditArg, CatalogArg, Format, FormatArg, PolicyArg,
};
use crate::error::Error;
use crate::input::{self, Files};
use crate::output::{json, json_line, Outcome};
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
    let (_, mut policy) = files.policy(args.policy.path())?;
    if args.allow_synced.allow_synced {
        policy.allow_synced_objects = true;
    }
    let cap = input::cap(&policy);
    let catalog = files.read(&args.catalog.catalog, "catalog", Document::Catalog, cap);
    let catalog = Catalog::from_json_with(files.bytes(catalog), &policy);
    let catalog = files.settle(catalog)?;
    let actor = files.read_optional(args.actor.path(), "actor", Document::Actor, cap);
    let actor = actor.map(|a| Actor::from_json(files.bytes(a))).transpose();
    let actor = files.settle(actor)?;
    let engine = Engine::new(catalog, policy);
    let mode = if args.exclusive {
        PlanMode::Exclusive
    } else {
        PlanMode::Managed
    };
    if let Some(batch) = &args.batch {
        return plan_batch(&engine, batch, actor.as_ref(), (mode, args.audit.audit));
    }
    let (Some(object_path), Some(desired_path)) = (&args.object, &args.desired) else {
        return Err(Error::usage("give --object and --desired, or --batch"));
    };
    let object = files.read(object_path, "object", Document::Object, cap);
    let object = Object::from_json(files.bytes(object));
    let object = files.settle(object)?;
    let desired = files.read(desired_path, "desired state", Document::Desired, cap);
    files.all_read()?;

    let evaluation = engine.plan(&object, actor.as_ref(), files.bytes(desired), mode);
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

/// One plan line per input line ([`BatchLine`]); a bad line never stops the batch. The batch
/// is read and answered a line at a time (stdout is written as it goes), so memory is bounded
/// by the longest line kept, `maxBodyBytes`, however many lines there are.
fn plan_batch(
    engine: &Engine,
    path: &Path,
    actor: Option<&Actor>,
    (mode, audit): (PlanMode, bool),
) -> Result<Outcome, Error> {
    let (_, mut reader) = input::open(path, "batch")?;
    let mut stdout = std::io::stdout().lock();
    let mut all_planned = true;
    let max = engine.policy().max_body_bytes;
    let mut buf = Vec::new();
    let mut line_no = 0;
    loop {
        line_no += 1;
        let next = next_line(&mut reader, max, &mut buf);
        let planned = match next.map_err(|e| input::read_error(path, "batch", e))? {
            None => break,
            Some(Ok(line)) => BatchLine::plan(engine, actor, (line_no, line), mode, audit),
            Some(Err(len)) => Some(BatchLine::too_long(line_no, len, max)),
        };
        if let Some(planned) = planned {
            all_planned &= planned.is_allowed();
            stdout
                .write_all(json_line(&planned).as_bytes())
                .map_err(unwritable)?;
        }
    }
    stdout.flush().map_err(unwritable)?;
    Ok(Outcome::ok(String::new(), all_planned))
}

/// An output that went away (a closed pipe) ends the batch.
fn unwritable(error: std::io::Error) -> Error {
    Error::Unwritable { path: None, error }
}

/// The next line of `reader` without its newline: `Ok` when it is at most `max` bytes, else
/// `Err(its length)`, its rest read and dropped without being kept; `None` at the end.
fn next_line<'b>(
    reader: &mut dyn BufRead,
    max: usize,
    buf: &'b mut Vec<u8>,
) -> std::io::Result<Option<Result<&'b [u8], usize>>> {
    buf.clear();
    let limit = u64::try_from(max).unwrap_or(u64::MAX).saturating_add(1);
    if reader.take(limit).read_until(b'\n', buf)? == 0 {
        return Ok(None);
    }
    if buf.last() == Some(&b'\n') {
        buf.pop();
    } else if buf.len() > max {
        let mut len = buf.len();
        loop {
            let chunk = reader.fill_buf()?;
            if chunk.is_empty() {
                break;
            }
            let (used, done) = match chunk.iter().position(|&b| b == b'\n') {
                Some(i) => (i + 1, true),
                None => (chunk.len(), false),
            };
            len += used - usize::from(done);
            reader.consume(used);
            if done {
                break;
            }
        }
        return Ok(Some(Err(len)));
    }
    Ok(Some(Ok(buf.as_slice())))
}
