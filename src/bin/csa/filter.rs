//! `csa filter`: Graph's list query with `$filter` over many objects.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use clap::Args;
use csa::commands::{Filter, FilterReport};
use csa::{Document, Object, Verdict};

use crate::args::{edit, ActorArg, CatalogArg, GraphFormat, GraphFormatArg, KindArg, PolicyArg};
use crate::error::Error;
use crate::input::{self, Files, Input};
use crate::output::{json, Outcome};
use crate::progress::Progress;
use crate::render::{self, count, count_matches, Sources};
use crate::style::{paint, ERROR};

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("what").required(true).args(["filter", "query"])))]
#[command(mut_args(edit("actor", |a| a.help(
    "The caller's role assignments and permissions (default: everything is readable)"
))))]
pub struct FilterArgs {
    #[command(flatten)]
    pub catalog: CatalogArg,
    /// The objects: JSON lines, one Graph object each, or a Graph list response.
    #[arg(long, value_name = "FILE")]
    pub objects: PathBuf,
    /// The `$filter` text, taken literally (`-` = read it from stdin, which spares shell quoting).
    #[arg(long, value_name = "EXPR", allow_hyphen_values = true)]
    pub filter: Option<String>,
    /// A raw query string (`$count=true&$select=...&$filter=...`), URL-decoded as Graph does
    /// (`-` = read it from stdin).
    #[arg(long, value_name = "RAW_QUERY_STRING", conflicts_with_all = ["count", "select", "top"])]
    pub query: Option<String>,
    /// Ask for `@odata.count` (`$count=true`; Graph needs it for these filters).
    #[arg(long)]
    pub count: bool,
    /// `$select`: comma-separated properties (default id,displayName,customSecurityAttributes).
    #[arg(long, value_name = "LIST")]
    pub select: Option<String>,
    /// `$top`: return at most N objects (the count still counts every match).
    #[arg(long, value_name = "N")]
    pub top: Option<usize>,
    /// The `ConsistencyLevel` header (Graph needs `eventual` for these filters).
    #[arg(long, value_name = "LEVEL")]
    pub consistency_level: Option<String>,
    /// The objects' kind (the Graph collection queried).
    #[arg(long, value_enum, value_name = "KIND", default_value_t = KindArg::User)]
    pub object_type: KindArg,
    #[command(flatten)]
    pub actor: ActorArg,
    #[command(flatten)]
    pub policy: PolicyArg,
    #[command(flatten)]
    pub format: GraphFormatArg,
}

/// An objects file this large (1 MiB, thousands of objects) gets a progress line.
const BIG_OBJECTS: usize = 1 << 20;

pub fn run(args: &FilterArgs) -> Result<Outcome, Error> {
    let from_stdin = args
        .query
        .as_ref()
        .or(args.filter.as_ref())
        .is_some_and(|t| t == "-");
    let mut files = Files::new(&[
        Some(args.catalog.catalog.as_path()),
        Some(args.objects.as_path()),
        args.actor.path(),
        from_stdin.then(|| Path::new("-")),
        args.policy.path(),
    ])?;
    let (policy, limits) = files.policy(args.policy.path())?;
    let cap = input::cap(&limits);
    // The filter or query text itself may come from stdin: one line, its newline dropped.
    let stdin_text = if from_stdin {
        let input = input::read(Path::new("-"), "filter", cap)?;
        let text = String::from_utf8(input.bytes).map_err(|_| Error::NotUtf8)?;
        Some(text.trim_end_matches(['\n', '\r']).to_owned())
    } else {
        None
    };
    let query = args
        .query
        .as_deref()
        .map(|q| stdin_text.as_deref().unwrap_or(q));
    let filter_text = args
        .filter
        .as_deref()
        .map(|f| stdin_text.as_deref().unwrap_or(f));
    let catalog = files.read(&args.catalog.catalog, "catalog", Document::Catalog, cap);
    let objects = files.read(&args.objects, "objects", Document::Object, cap);
    let actor = files.read_optional(args.actor.path(), "actor", Document::Actor, cap);

    let mut filter = Filter::new(files.bytes(catalog), files.bytes(objects))
        .object_type(args.object_type.kind());
    match query {
        Some(raw) => filter = filter.query(raw),
        None => {
            if let Some(text) = filter_text {
                filter = filter.filter(text);
            }
            filter = filter.count(args.count);
            if let Some(list) = &args.select {
                filter = filter.select(list.split(','));
            }
            if let Some(n) = args.top {
                filter = filter.top(n);
            }
        }
    }
    if let Some(level) = &args.consistency_level {
        filter = filter.consistency_level(level);
    }
    if let Some(actor) = actor {
        filter = filter.actor(files.bytes(actor));
    }
    if let Some(policy) = policy {
        filter = filter.policy(files.bytes(policy));
    }
    // A big objects file takes seconds to read and query: a spinner meanwhile (on a terminal).
    let progress = (files.bytes(objects).len() >= BIG_OBJECTS)
        .then(|| Progress::step(&format!("filtering {}", args.objects.display())));
    let report = filter.run();
    drop(progress);
    let report = files.settle(report)?;

    let stdout = match args.format.format {
        GraphFormat::Json => json(&report),
        GraphFormat::Graph => json(&report.graph_answer()),
        GraphFormat::Text => text_output(&report),
    };
    Ok(Outcome::ok(stdout, report.is_allowed()))
}

fn text_output(report: &FilterReport) -> String {
    let outcome = report.outcome();
    let mut s = String::new();
    if outcome.is_allowed() {
        let count = outcome.count().unwrap_or_default();
        let shown = outcome.returned().len();
        s.push_str(&count_matches(count));
        if shown < count {
            let _ = write!(s, " ({shown} returned)");
        }
        s.push('\n');
        for &i in outcome.returned() {
            let o = report.objects().get(i);
            let _ = writeln!(
                s,
                "  {} {}",
                o.and_then(Object::id).unwrap_or("(no id)"),
                o.and_then(Object::display_name).unwrap_or("")
            );
        }
    } else {
        let filter = report.filter_text().map(|text| Input {
            label: "$filter".to_owned(),
            bytes: text.as_bytes().to_vec(),
        });
        let sources = match &filter {
            Some(input) => Sources::default().with(Document::Filter, input),
            None => Sources::default(),
        };
        let _ = writeln!(
            s,
            "{} ({})",
            paint(ERROR, "refused"),
            count(report.violations().len(), "violation")
        );
        for v in report.violations() {
            render::violation(&mut s, v, &sources);
        }
    }
    s
}
