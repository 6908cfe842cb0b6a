//! `csa define`: a Graph request on attribute sets, definitions and allowed values.

use std::fmt::Write as _;
use std::path::PathBuf;

use clap::Args;
use csa::commands::{Define, DefineReport};
use csa::{Authorization, Document, Method};

use crate::args::{edit, ActorArg, CatalogArg, GraphFormat, GraphFormatArg, PolicyArg};
use crate::error::Error;
use crate::input::{self, is_stdin, Files};
use crate::output::{json, Outcome};
use crate::render::{self, count, Sources};
use crate::style::{paint, ERROR, PASS};

#[derive(Debug, Args)]
#[command(mut_args(edit("catalog", |a| a.help(
    "The catalog the request applies to (`-` = stdin)"
))))]
pub struct DefineArgs {
    #[command(flatten)]
    pub catalog: CatalogArg,
    /// The HTTP method: GET, POST, PATCH or DELETE (any letter case).
    #[arg(long, value_name = "METHOD", value_parser = parse_method)]
    pub method: Method,
    /// The Graph path or URL (`/directory/customSecurityAttributeDefinitions/Engineering_Project`).
    #[arg(long, value_name = "GRAPH_PATH")]
    pub path: String,
    /// The request body, for POST and PATCH (`-` = stdin).
    #[arg(long, value_name = "FILE")]
    pub body: Option<PathBuf>,
    #[command(flatten)]
    pub actor: ActorArg,
    #[command(flatten)]
    pub policy: PolicyArg,
    /// Where to write the new catalog when a write is accepted (nothing is written otherwise).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub format: GraphFormatArg,
}

fn parse_method(s: &str) -> Result<Method, String> {
    s.parse::<Method>().map_err(|e| e.to_string())
}

pub fn run(args: &DefineArgs) -> Result<Outcome, Error> {
    let mut files = Files::new(&[
        Some(args.catalog.catalog.as_path()),
        args.body.as_deref(),
        args.actor.path(),
        args.policy.path(),
    ])?;
    let (policy, limits) = files.policy(args.policy.path())?;
    let cap = input::cap(&limits);
    let catalog = files.read(&args.catalog.catalog, "catalog", Document::Catalog, cap);
    let actor = files.read_optional(args.actor.path(), "actor", Document::Actor, cap);
    if args.out.as_deref().is_some_and(is_stdin) {
        files.fail(Error::usage(
            "`--out -`: standard output carries the result; give a file for the new catalog",
        ));
    }
    let body = files.read_optional(args.body.as_deref(), "body", Document::Definition, cap);

    let mut define = Define::new(files.bytes(catalog), args.method, &args.path);
    if let Some(body) = body {
        define = define.body(files.bytes(body));
    }
    if let Some(actor) = actor {
        define = define.actor(files.bytes(actor));
    }
    if let Some(policy) = policy {
        define = define.policy(files.bytes(policy));
    }
    let report = define.run();
    let report = files.settle(report)?;

    if let (Some(out), Some(new)) = (&args.out, report.catalog()) {
        std::fs::write(out, json(new)).map_err(|error| Error::Unwritable {
            path: Some(out.clone()),
            error,
        })?;
    }
    let stdout = match args.format.format {
        GraphFormat::Json => json(&report),
        GraphFormat::Graph => json(&report.graph_answer()),
        GraphFormat::Text => {
            let sources = files.sources(&[
                Document::Definition,
                Document::Actor,
                Document::Catalog,
                Document::Policy,
            ]);
            text(&report, &sources)
        }
    };
    Ok(Outcome::ok(stdout, report.is_allowed()))
}

fn text(report: &DefineReport, sources: &Sources<'_>) -> String {
    let outcome = report.outcome();
    let mut s = String::new();
    if outcome.is_read() {
        // Graph's response body, which is what the report is for a read.
        s.push_str(&json(report));
    } else if outcome.is_allowed() {
        let _ = writeln!(
            s,
            "{}: {} ({})",
            paint(PASS, "allowed"),
            outcome.status(),
            count(outcome.changes().len(), "change")
        );
        for c in outcome.changes() {
            render::definition_change(&mut s, c);
        }
    } else {
        let _ = writeln!(
            s,
            "{} ({})",
            paint(ERROR, "refused"),
            count(outcome.violations().len(), "violation")
        );
        for v in outcome.violations() {
            render::violation(&mut s, v, sources);
        }
    }
    for w in outcome.warnings() {
        render::warning(&mut s, w, sources);
    }
    if outcome.authorization() == Authorization::NotChecked {
        s.push_str("note: no --actor given: permissions were not checked\n");
    }
    s
}
