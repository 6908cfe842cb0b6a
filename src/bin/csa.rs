//! `csa`: the command-line tool over the csa library.
//!
//! A thin layer: it reads files (or standard input), hands the bytes to the library, and prints
//! what the library decided as text, JSON or Graph's own answer. No rule is decided here.
//!
//! ```text
//! csa check --catalog FILE [--object FILE] [--actor FILE] --patch FILE [--policy FILE]
//!           [--object-type user|servicePrincipal|device|managedIdentity] [--allow-synced]
//!           [--format text|json|graph]
//! csa view  --catalog FILE --object FILE [--actor FILE] [--format text|json|graph]
//! csa lint  --catalog FILE [--format text|json]
//! csa demo
//! ```
//!
//! Exit codes: 0 accepted / valid, 1 refused / invalid, 2 usage or input error.

use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use csa::{
    changes_from_json, Actor, AuditRecord, Authorization, Catalog, DefineOutcome, DefinitionChange,
    DefinitionRequest, Document, Engine, Evaluation, Evolution, GraphQuery, Impact, Method, Object,
    ObjectKind, PlanMode, Policy, SearchMatch, State, Violation, Warning,
};
use serde_json::{json, Value as Json};

/// Offline checks of Microsoft Entra ID custom security attribute requests.
#[derive(Debug, Parser)]
#[command(
    name = "csa",
    version,
    about,
    long_about = None,
    after_help = "Any FILE may be `-` for standard input (at most one per call).\nExit codes: 0 accepted/valid, 1 refused/invalid, 2 usage or input error."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check a PATCH body against a catalog, an object and (optionally) an actor.
    Check(CheckArgs),
    /// Show an object's customSecurityAttributes as an actor may read them.
    View(ViewArgs),
    /// Validate a catalog and report every violation and warning.
    Lint(LintArgs),
    /// Decide a Graph definition request (attribute sets, definitions, allowed values).
    Define(DefineArgs),
    /// Classify every difference between two catalogs and list the assignments it affects.
    Evolve(EvolveArgs),
    /// Portal search on one object: attribute names and values starting with a text.
    Search(SearchArgs),
    /// Run a Graph `$filter` query over many objects, as Graph would answer it.
    Filter(FilterArgs),
    /// Plan the minimal PATCH from an object's current state to a desired state.
    Plan(PlanArgs),
    /// Apply changes (from check or plan) to an object, refusing if it changed meanwhile.
    Apply(ApplyArgs),
    /// Run documented Graph examples against the sample catalog (reads no files).
    Demo,
}

#[derive(Debug, Args)]
struct CheckArgs {
    /// The catalog: {"attributeSets": ..., "customSecurityAttributeDefinitions": ...} (`-` = stdin).
    #[arg(long, value_name = "FILE")]
    catalog: PathBuf,
    /// The target object as Graph returns it (default: a cloud-only user with nothing assigned).
    #[arg(long, value_name = "FILE")]
    object: Option<PathBuf>,
    /// The caller's role assignments and permissions (default: authorization is not checked).
    #[arg(long, value_name = "FILE")]
    actor: Option<PathBuf>,
    /// The PATCH body (`-` = stdin; it may be anything: a body that is not JSON is refused).
    #[arg(long, value_name = "FILE")]
    patch: PathBuf,
    /// Policy knobs (allowSyncedObjects, objectTypes, maxBodyBytes, ...).
    #[arg(long, value_name = "FILE")]
    policy: Option<PathBuf>,
    /// The object's kind; overrides the object's `@odata.type` (default: user).
    #[arg(long, value_enum, value_name = "KIND")]
    object_type: Option<KindArg>,
    /// Accept directory-synced objects (sets allowSyncedObjects on top of --policy).
    #[arg(long)]
    allow_synced: bool,
    /// Add the audit record of an accepted request (`redactSets` values masked).
    #[arg(long)]
    audit: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

#[derive(Debug, Args)]
struct ViewArgs {
    /// The catalog (`-` = stdin).
    #[arg(long, value_name = "FILE")]
    catalog: PathBuf,
    /// The object as Graph returns it.
    #[arg(long, value_name = "FILE")]
    object: PathBuf,
    /// The reader's role assignments and permissions (default: show everything).
    #[arg(long, value_name = "FILE")]
    actor: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

#[derive(Debug, Args)]
struct LintArgs {
    /// The catalog (`-` = stdin).
    #[arg(long, value_name = "FILE")]
    catalog: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = LintFormat::Text)]
    format: LintFormat,
}

#[derive(Debug, Args)]
struct DefineArgs {
    /// The catalog the request applies to (`-` = stdin).
    #[arg(long, value_name = "FILE")]
    catalog: PathBuf,
    /// The HTTP method: GET, POST, PATCH or DELETE (any letter case).
    #[arg(long, value_name = "METHOD", value_parser = parse_method)]
    method: Method,
    /// The Graph path or URL (`/directory/customSecurityAttributeDefinitions/Engineering_Project`).
    #[arg(long, value_name = "GRAPH_PATH")]
    path: String,
    /// The request body, for POST and PATCH (`-` = stdin).
    #[arg(long, value_name = "FILE")]
    body: Option<PathBuf>,
    /// The caller's role assignments and permissions (default: authorization is not checked).
    #[arg(long, value_name = "FILE")]
    actor: Option<PathBuf>,
    /// Where to write the new catalog when a write is accepted (nothing is written otherwise).
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

fn parse_method(s: &str) -> Result<Method, String> {
    s.parse::<Method>().map_err(|e| e.to_string())
}

#[derive(Debug, Args)]
struct SearchArgs {
    /// The catalog (`-` = stdin).
    #[arg(long, value_name = "FILE")]
    catalog: PathBuf,
    /// The object as Graph returns it.
    #[arg(long, value_name = "FILE")]
    object: PathBuf,
    /// What attribute names or values start with (case-insensitive; empty lists everything).
    #[arg(long, value_name = "PREFIX", allow_hyphen_values = true)]
    text: String,
    /// Only attribute sets whose name starts with this (case-insensitive).
    #[arg(long = "set", value_name = "PREFIX")]
    set_prefix: Option<String>,
    /// The searcher's role assignments and permissions (default: search everything).
    #[arg(long, value_name = "FILE")]
    actor: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = LintFormat::Text)]
    format: LintFormat,
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("what").required(true).args(["filter", "query"])))]
struct FilterArgs {
    /// The catalog (`-` = stdin).
    #[arg(long, value_name = "FILE")]
    catalog: PathBuf,
    /// The objects: JSON lines, one Graph object each, or a Graph list response.
    #[arg(long, value_name = "FILE")]
    objects: PathBuf,
    /// The `$filter` text, taken literally (`-` = read it from stdin, which spares shell quoting).
    #[arg(long, value_name = "EXPR", allow_hyphen_values = true)]
    filter: Option<String>,
    /// A raw query string (`$count=true&$select=...&$filter=...`), URL-decoded as Graph does
    /// (`-` = read it from stdin).
    #[arg(long, value_name = "RAW_QUERY_STRING", conflicts_with_all = ["count", "select", "top"])]
    query: Option<String>,
    /// Ask for `@odata.count` (`$count=true`; Graph needs it for these filters).
    #[arg(long)]
    count: bool,
    /// `$select`: comma-separated properties (default id,displayName,customSecurityAttributes).
    #[arg(long, value_name = "LIST")]
    select: Option<String>,
    /// `$top`: return at most N objects (the count still counts every match).
    #[arg(long, value_name = "N")]
    top: Option<usize>,
    /// The `ConsistencyLevel` header (Graph needs `eventual` for these filters).
    #[arg(long, value_name = "LEVEL")]
    consistency_level: Option<String>,
    /// The objects' kind (the Graph collection queried).
    #[arg(long, value_enum, value_name = "KIND", default_value_t = KindArg::User)]
    object_type: KindArg,
    /// The caller's role assignments and permissions (default: everything is readable).
    #[arg(long, value_name = "FILE")]
    actor: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("input").required(true).args(["desired", "batch"])))]
struct PlanArgs {
    /// The catalog (`-` = stdin).
    #[arg(long, value_name = "FILE")]
    catalog: PathBuf,
    /// The object as Graph returns it (its current state).
    #[arg(
        long,
        value_name = "FILE",
        requires = "desired",
        conflicts_with = "batch"
    )]
    object: Option<PathBuf>,
    /// The desired state, in Graph's response form (`{"customSecurityAttributes": ...}`, the
    /// object, or the sets map).
    #[arg(long, value_name = "FILE", requires = "object")]
    desired: Option<PathBuf>,
    /// Many objects: JSON lines of `{"object": {...}, "desired": {...}}`, one plan line out per
    /// line in.
    #[arg(long, value_name = "FILE.jsonl")]
    batch: Option<PathBuf>,
    /// Also remove every readable defined attribute the desired state does not hold, in sets
    /// it does not name.
    #[arg(long)]
    exclusive: bool,
    /// The caller's role assignments and permissions (default: authorization is not checked).
    #[arg(long, value_name = "FILE")]
    actor: Option<PathBuf>,
    /// Policy knobs (allowSyncedObjects, objectTypes, maxBodyBytes, redactSets, ...).
    #[arg(long, value_name = "FILE")]
    policy: Option<PathBuf>,
    /// Add the audit record of an accepted plan (`redactSets` values masked).
    #[arg(long)]
    audit: bool,
    /// Output format (a batch always prints JSON lines).
    #[arg(long, value_enum, default_value_t = LintFormat::Text, conflicts_with = "batch")]
    format: LintFormat,
}

#[derive(Debug, Args)]
struct ApplyArgs {
    /// The catalog (`-` = stdin).
    #[arg(long, value_name = "FILE")]
    catalog: PathBuf,
    /// The object as Graph returns it now.
    #[arg(long, value_name = "FILE")]
    object: PathBuf,
    /// The JSON output of `csa check` or `csa plan`, or just its `changes` array.
    #[arg(long, value_name = "FILE")]
    changes: PathBuf,
    /// Policy knobs (`redactSets` masks values in conflict messages).
    #[arg(long, value_name = "FILE")]
    policy: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = LintFormat::Text)]
    format: LintFormat,
}

#[derive(Debug, Args)]
struct EvolveArgs {
    /// The catalog as it is (`-` = stdin).
    #[arg(long, value_name = "FILE")]
    from: PathBuf,
    /// The catalog as it would become.
    #[arg(long, value_name = "FILE")]
    to: PathBuf,
    /// The tenant's objects, one Graph object per line (or a Graph list response), for the
    /// impact on their assignments.
    #[arg(long, value_name = "FILE.jsonl")]
    objects: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = LintFormat::Text)]
    format: LintFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// For people.
    Text,
    /// One JSON object (RULES.md §9).
    Json,
    /// What Microsoft Graph would answer.
    Graph,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum LintFormat {
    /// For people.
    Text,
    /// One JSON object.
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum KindArg {
    /// A user.
    #[value(name = "user")]
    User,
    /// A service principal.
    #[value(name = "servicePrincipal")]
    ServicePrincipal,
    /// A device (the policy must enable it).
    #[value(name = "device")]
    Device,
    /// A managed identity (the policy must enable it).
    #[value(name = "managedIdentity")]
    ManagedIdentity,
}

impl KindArg {
    fn kind(self) -> ObjectKind {
        match self {
            KindArg::User => ObjectKind::User,
            KindArg::ServicePrincipal => ObjectKind::ServicePrincipal,
            KindArg::Device => ObjectKind::Device,
            KindArg::ManagedIdentity => ObjectKind::ManagedIdentity,
        }
    }
}

/// What a run prints and how it exits.
struct Outcome {
    stdout: String,
    /// One line for standard error, when there is something to say.
    stderr: Option<String>,
    code: u8,
}

impl Outcome {
    fn ok(stdout: String, success: bool) -> Self {
        Self {
            stdout,
            stderr: None,
            code: if success { 0 } else { 1 },
        }
    }

    /// Exit 2 with nothing on stdout.
    fn input_error(reason: impl Into<String>) -> Self {
        Self {
            stdout: String::new(),
            stderr: Some(reason.into()),
            code: 2,
        }
    }
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            if !e.use_stderr() {
                // --help and --version: clap prints them on stdout and exits 0.
                e.exit();
            }
            let reason = clap_reason(&e);
            return finish(Outcome::input_error(reason));
        }
    };
    let outcome = match cli.command {
        Command::Check(args) => check(&args),
        Command::View(args) => view(&args),
        Command::Lint(args) => lint(&args),
        Command::Define(args) => define(&args),
        Command::Evolve(args) => evolve(&args),
        Command::Search(args) => search(&args),
        Command::Filter(args) => filter(&args),
        Command::Plan(args) => plan(&args),
        Command::Apply(args) => apply(&args),
        Command::Demo => Outcome::ok(demo(), true),
    };
    finish(outcome)
}

/// Clap's error as one line: its message (without usage and tips), lines joined.
fn clap_reason(e: &clap::Error) -> String {
    use clap::error::ErrorKind;
    if e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
        return "usage error: no subcommand given: use check, view, lint, define, evolve, search, filter, plan, apply or demo (see `csa --help`)"
            .to_owned();
    }
    let text = e.render().to_string();
    let message: Vec<&str> = text
        .lines()
        .map(str::trim)
        .take_while(|l| !l.starts_with("Usage:") && !l.starts_with("For more information"))
        .filter(|l| !l.is_empty() && !l.starts_with("tip:"))
        .collect();
    let message = message.join(" ");
    let message = message.strip_prefix("error: ").unwrap_or(&message);
    format!("usage error: {message} (see `csa --help`)")
}

fn finish(outcome: Outcome) -> ExitCode {
    let mut out = std::io::stdout().lock();
    // A closed pipe is not worth a panic: the exit code still tells the outcome.
    let _ = out.write_all(outcome.stdout.as_bytes());
    let _ = out.flush();
    if let Some(reason) = outcome.stderr {
        let _ = writeln!(std::io::stderr().lock(), "csa: {reason}");
    }
    ExitCode::from(outcome.code)
}

// ---------------------------------------------------------------------------------------------
// Inputs

/// One input file, read whole.
struct Input {
    /// How outputs name it (`patch.json`, `<stdin>`).
    label: String,
    bytes: Vec<u8>,
}

fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// At most one FILE may be `-`.
fn check_stdin_once(paths: &[Option<&Path>]) -> Result<(), Outcome> {
    let n = paths.iter().flatten().filter(|p| is_stdin(p)).count();
    if n > 1 {
        return Err(Outcome::input_error(format!(
            "usage error: standard input (`-`) can stand for only one FILE, but {n} were given"
        )));
    }
    Ok(())
}

/// The most csa reads of any one input file: the largest document the policy admits (a
/// catalog; 64 MiB by default). Reading stops there, so a huge or endless input (`/dev/zero`)
/// costs at most this much memory; the library's own, smaller bounds then apply to what was read.
fn input_cap(policy: &Policy) -> usize {
    policy.max_catalog_bytes.max(policy.max_body_bytes)
}

/// A file, or standard input for `-`, opened for buffered reading, with the label outputs use.
fn open_input(path: &Path, what: &str) -> Result<(String, Box<dyn BufRead>), Outcome> {
    if is_stdin(path) {
        return Ok(("<stdin>".to_owned(), Box::new(std::io::stdin().lock())));
    }
    match std::fs::File::open(path) {
        Ok(file) => Ok((path.display().to_string(), Box::new(BufReader::new(file)))),
        Err(e) => Err(read_error(path, what, &e)),
    }
}

fn read_error(path: &Path, what: &str, e: &std::io::Error) -> Outcome {
    Outcome::input_error(if is_stdin(path) {
        format!("cannot read the {what} from standard input: {e}")
    } else {
        format!("cannot read the {what} file `{}`: {e}", path.display())
    })
}

/// Reads a whole input of at most `cap` bytes; a longer one is refused (exit 2) after reading
/// `cap + 1` bytes of it, never more.
fn read_input(path: &Path, what: &str, cap: usize) -> Result<Input, Outcome> {
    let (label, reader) = open_input(path, what)?;
    let mut bytes = Vec::new();
    let limit = u64::try_from(cap).unwrap_or(u64::MAX).saturating_add(1);
    reader
        .take(limit)
        .read_to_end(&mut bytes)
        .map_err(|e| read_error(path, what, &e))?;
    if bytes.len() > cap {
        return Err(Outcome::input_error(format!(
            "the {what} `{label}` is larger than {cap} bytes, the most csa reads of one input \
             (raise `maxCatalogBytes` in the policy if the input is trusted)"
        )));
    }
    Ok(Input { label, bytes })
}

fn read_optional(path: Option<&PathBuf>, what: &str, cap: usize) -> Result<Option<Input>, Outcome> {
    path.map(|p| read_input(p, what, cap)).transpose()
}

/// An optional actor file, read and parsed; an invalid one is an input error (exit 2).
fn read_actor(
    path: Option<&PathBuf>,
    cap: usize,
) -> Result<(Option<Input>, Option<Actor>), Outcome> {
    let Some(input) = read_optional(path, "actor", cap)? else {
        return Ok((None, None));
    };
    let actor = Actor::from_json(&input.bytes)
        .map_err(|e| invalid_file("actor", &input, e.violations()))?;
    Ok((Some(input), Some(actor)))
}

/// An optional policy file, read and parsed (the default policy without one).
fn read_policy(path: Option<&PathBuf>) -> Result<(Option<Input>, Policy), Outcome> {
    // Read before any policy is known: bounded by the default one.
    let Some(input) = read_optional(path, "policy", input_cap(&Policy::default()))? else {
        return Ok((None, Policy::default()));
    };
    let policy = Policy::from_json(&input.bytes)
        .map_err(|e| invalid_file("policy", &input, e.violations()))?;
    Ok((Some(input), policy))
}

/// The catalog file, read and validated under `policy`; an invalid catalog is an input error
/// that prints its violations in `format`.
fn read_catalog(path: &Path, policy: &Policy, format: Format) -> Result<(Input, Catalog), Outcome> {
    let input = read_input(path, "catalog", input_cap(policy))?;
    let catalog = Catalog::from_json_with(&input.bytes, policy)
        .map_err(|e| invalid_catalog(format, &input, e.violations()))?;
    Ok((input, catalog))
}

/// An object file, read and parsed; an invalid one is an input error.
fn read_object(path: &Path, cap: usize) -> Result<(Input, Object), Outcome> {
    let input = read_input(path, "object", cap)?;
    let object = Object::from_json(&input.bytes)
        .map_err(|e| invalid_file("object", &input, e.violations()))?;
    Ok((input, object))
}

impl From<LintFormat> for Format {
    fn from(f: LintFormat) -> Format {
        match f {
            LintFormat::Json => Format::Json,
            LintFormat::Text => Format::Text,
        }
    }
}

/// Exit 2 for an object, actor or policy file the library refuses: one line on stderr.
fn invalid_file(what: &str, input: &Input, violations: &[Violation]) -> Outcome {
    let first = violations.first().map_or_else(
        || "no detail given".to_owned(),
        |v| {
            let at = if v.pointer().is_empty() {
                String::new()
            } else {
                format!(" at {}", v.pointer())
            };
            format!("{}{at}: {}", v.code(), v.message())
        },
    );
    let more = match violations.len() {
        0 | 1 => String::new(),
        n => format!(" (and {} more)", n - 1),
    };
    Outcome::input_error(format!(
        "invalid {what} file `{}`: {first}{more}",
        input.label
    ))
}

/// Exit 2 for an invalid catalog given to check/view: its violations on stdout, a line on stderr.
fn invalid_catalog(format: Format, input: &Input, violations: &[Violation]) -> Outcome {
    let stdout = match format {
        Format::Json | Format::Graph => {
            // A struct, not `json!`, so the violations keep csa's key order (RULES.md §9).
            #[derive(serde::Serialize)]
            struct InvalidCatalog<'a> {
                error: &'static str,
                violations: &'a [Violation],
            }
            to_json_text(&InvalidCatalog {
                error: "invalid_catalog",
                violations,
            })
        }
        Format::Text => {
            let sources = Sources {
                catalog: Some(input),
                ..Sources::default()
            };
            let mut s = format!(
                "invalid catalog: {}\n",
                count(violations.len(), "violation")
            );
            for v in violations {
                render_violation(&mut s, v, &sources);
            }
            s
        }
    };
    Outcome {
        stdout,
        stderr: Some(format!(
            "invalid catalog `{}`: {}",
            input.label,
            count(violations.len(), "violation")
        )),
        code: 2,
    }
}

fn count(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

/// Pretty JSON written straight from the library's serde form, so key order is the one csa
/// writes (a `serde_json::Value` would sort keys).
fn to_json_text<T: serde::Serialize + ?Sized>(value: &T) -> String {
    let mut s = serde_json::to_string_pretty(value).unwrap_or_else(|_| "null".to_owned());
    s.push('\n');
    s
}

// ---------------------------------------------------------------------------------------------
// check

fn check(args: &CheckArgs) -> Outcome {
    match try_check(args) {
        Ok(o) | Err(o) => o,
    }
}

fn try_check(args: &CheckArgs) -> Result<Outcome, Outcome> {
    check_stdin_once(&[
        Some(args.catalog.as_path()),
        args.object.as_deref(),
        args.actor.as_deref(),
        Some(args.patch.as_path()),
        args.policy.as_deref(),
    ])?;
    let (policy_input, mut policy) = read_policy(args.policy.as_ref())?;
    if args.allow_synced {
        policy.allow_synced_objects = true;
    }
    let (catalog_input, catalog) = read_catalog(&args.catalog, &policy, args.format)?;
    let object_input = read_optional(args.object.as_ref(), "object", input_cap(&policy))?;
    let mut object = match &object_input {
        Some(input) => Object::from_json(&input.bytes)
            .map_err(|e| invalid_file("object", input, e.violations()))?,
        None => Object::default(),
    };
    if let Some(kind) = args.object_type {
        object = object.with_kind(kind.kind());
    }
    let (actor_input, actor) = read_actor(args.actor.as_ref(), input_cap(&policy))?;
    let patch = read_input(&args.patch, "patch", input_cap(&policy))?;

    let engine = Engine::new(catalog, policy);
    let evaluation = engine.evaluate(&object, actor.as_ref(), &patch.bytes);
    let audit = args
        .audit
        .then(|| evaluation.audit(&object, actor.as_ref(), engine.policy()))
        .flatten();
    let stdout = match args.format {
        Format::Json => to_json_text(&WithAudit {
            evaluation: &evaluation,
            audit: audit.as_ref(),
        }),
        Format::Graph => graph_answer(&evaluation),
        Format::Text => {
            let sources = Sources {
                body: Some(&patch),
                catalog: Some(&catalog_input),
                object: object_input.as_ref(),
                actor: actor_input.as_ref(),
                policy: policy_input.as_ref(),
                definition: None,
                filter: None,
                desired: None,
            };
            let mut s = check_text(&evaluation, &sources);
            push_audit_line(&mut s, audit.as_ref());
            s
        }
    };
    Ok(Outcome::ok(stdout, evaluation.is_allowed()))
}

/// An evaluation's JSON with its audit record (`--audit`), when there is one.
#[derive(serde::Serialize)]
struct WithAudit<'a> {
    #[serde(flatten)]
    evaluation: &'a Evaluation,
    #[serde(skip_serializing_if = "Option::is_none")]
    audit: Option<&'a AuditRecord>,
}

fn push_audit_line(s: &mut String, audit: Option<&AuditRecord>) {
    if let Some(a) = audit {
        let _ = writeln!(s, "audit: {}", serde_json::to_string(a).unwrap_or_default());
    }
}

/// What Graph answers (RULES.md §9): 204, or the first violation's status and error body.
fn graph_answer(evaluation: &Evaluation) -> String {
    #[derive(serde::Serialize)]
    struct Status {
        status: u16,
    }
    match evaluation.violations().first() {
        None if evaluation.is_allowed() => to_json_text(&Status { status: 204 }),
        None => to_json_text(&Status { status: 400 }),
        Some(v) => graph_refusal(v),
    }
}

/// Graph's answer to a refused request: the violation's status and Graph's error body.
fn graph_refusal(v: &Violation) -> String {
    #[derive(serde::Serialize)]
    struct GraphError<'a> {
        code: &'a str,
        message: &'a str,
    }
    #[derive(serde::Serialize)]
    struct ErrorBody<'a> {
        error: GraphError<'a>,
    }
    to_json_text(&GraphAnswer {
        status: v.status(),
        body: ErrorBody {
            error: GraphError {
                code: v.graph_error(),
                message: v.graph_message(),
            },
        },
    })
}

/// `check --format text`.
fn check_text(evaluation: &Evaluation, sources: &Sources<'_>) -> String {
    let mut s = String::new();
    let verdict = if evaluation.is_allowed() {
        "allowed"
    } else {
        "refused"
    };
    let auth = match evaluation.authorization() {
        Authorization::Checked => "authorization checked",
        _ => "authorization not checked: no actor given",
    };
    let _ = writeln!(s, "{verdict} ({auth})");
    if let Some(diff) = evaluation.diff() {
        if diff.is_empty() {
            s.push_str("no changes\n");
        }
        for c in diff.changes() {
            let _ = writeln!(
                s,
                "{} {}: {} -> {}",
                c.op(),
                c.attribute(),
                compact(c.before()),
                compact(c.after())
            );
        }
    }
    for v in evaluation.violations() {
        render_violation(&mut s, v, sources);
    }
    for w in evaluation.warnings() {
        render_warning(&mut s, w, sources);
    }
    s
}

fn compact<T: serde::Serialize>(value: Option<&T>) -> String {
    serde_json::to_string(&value).unwrap_or_else(|_| "?".to_owned())
}

// ---------------------------------------------------------------------------------------------
// view

fn view(args: &ViewArgs) -> Outcome {
    match try_view(args) {
        Ok(o) | Err(o) => o,
    }
}

fn try_view(args: &ViewArgs) -> Result<Outcome, Outcome> {
    check_stdin_once(&[
        Some(args.catalog.as_path()),
        Some(args.object.as_path()),
        args.actor.as_deref(),
    ])?;
    let policy = Policy::default();
    let (_, catalog) = read_catalog(&args.catalog, &policy, args.format)?;
    let (_, object) = read_object(&args.object, input_cap(&policy))?;
    let (_, actor) = read_actor(args.actor.as_ref(), input_cap(&policy))?;
    let engine = Engine::new(catalog, policy);
    let state = engine.view(&object, actor.as_ref());
    let visible = state.response_form();
    let stdout = match args.format {
        Format::Json => to_json_text(&ViewJson {
            custom_security_attributes: &visible,
        }),
        Format::Graph => to_json_text(&GraphAnswer {
            status: 200,
            body: ViewGraphBody {
                odata_context: format!(
                    "https://graph.microsoft.com/v1.0/$metadata#{}(customSecurityAttributes)/$entity",
                    entity_set(object.kind())
                ),
                custom_security_attributes: &visible,
            },
        }),
        Format::Text => view_text(&state, actor.is_some()),
    };
    Ok(Outcome::ok(stdout, true))
}

/// `view --format json`.
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct ViewJson<T> {
    custom_security_attributes: T,
}

/// `--format graph`: the status and body Graph would answer with.
#[derive(serde::Serialize)]
struct GraphAnswer<B> {
    status: u16,
    body: B,
}

/// The body of Graph's answer to `GET ...?$select=customSecurityAttributes`.
#[derive(serde::Serialize)]
struct ViewGraphBody<T> {
    #[serde(rename = "@odata.context")]
    odata_context: String,
    #[serde(rename = "customSecurityAttributes")]
    custom_security_attributes: T,
}

/// The Graph entity set of a kind: `users`, `servicePrincipals`, ...
fn entity_set(kind: &ObjectKind) -> String {
    match kind {
        ObjectKind::User => "users".to_owned(),
        ObjectKind::ServicePrincipal => "servicePrincipals".to_owned(),
        ObjectKind::Device => "devices".to_owned(),
        ObjectKind::ManagedIdentity => "managedIdentities".to_owned(),
        other => format!("{}s", other.as_str()),
    }
}

fn view_text(state: &State, with_actor: bool) -> String {
    let mut s = String::new();
    s.push_str(if with_actor {
        "authorization checked: only the sets the actor may read\n"
    } else {
        "authorization not checked: no actor given, every set shown\n"
    });
    if state.is_empty() {
        s.push_str("no custom security attributes (customSecurityAttributes: null)\n");
    }
    for (set, name, value) in state.iter() {
        let _ = writeln!(s, "{set}_{name}: {}", compact(Some(value)));
    }
    s
}

// ---------------------------------------------------------------------------------------------
// lint

fn lint(args: &LintArgs) -> Outcome {
    let catalog_input = match read_input(&args.catalog, "catalog", input_cap(&Policy::default())) {
        Ok(i) => i,
        Err(o) => return o,
    };
    let report = Catalog::lint(&catalog_input.bytes, &Policy::default());
    let stdout = match args.format {
        LintFormat::Json => to_json_text(&report),
        LintFormat::Text => {
            let sources = Sources {
                catalog: Some(&catalog_input),
                ..Sources::default()
            };
            let mut s = String::new();
            let _ = writeln!(
                s,
                "{} ({}, {})",
                if report.is_valid() {
                    "valid"
                } else {
                    "invalid"
                },
                count(report.violations().len(), "violation"),
                count(report.warnings().len(), "warning")
            );
            for v in report.violations() {
                render_violation(&mut s, v, &sources);
            }
            for w in report.warnings() {
                render_warning(&mut s, w, &sources);
            }
            s
        }
    };
    Outcome::ok(stdout, report.is_valid())
}

// ---------------------------------------------------------------------------------------------
// define

fn define(args: &DefineArgs) -> Outcome {
    match try_define(args) {
        Ok(o) | Err(o) => o,
    }
}

fn try_define(args: &DefineArgs) -> Result<Outcome, Outcome> {
    check_stdin_once(&[
        Some(args.catalog.as_path()),
        args.body.as_deref(),
        args.actor.as_deref(),
    ])?;
    let (catalog_input, catalog) = read_catalog(&args.catalog, &Policy::default(), args.format)?;
    let (actor_input, actor) = read_actor(args.actor.as_ref(), input_cap(&Policy::default()))?;
    if args.out.as_deref().is_some_and(is_stdin) {
        return Err(Outcome::input_error(
            "usage error: `--out -`: standard output carries the result; give a file for the new catalog",
        ));
    }
    let body = read_optional(args.body.as_ref(), "body", input_cap(&Policy::default()))?;
    let mut request = DefinitionRequest::new(args.method, &args.path);
    if let Some(b) = &body {
        request = request.with_body(&b.bytes);
    }
    let outcome = catalog.define(&request, actor.as_ref());
    if let (Some(out), Some(new)) = (&args.out, outcome.catalog()) {
        std::fs::write(out, to_json_text(new)).map_err(|e| {
            Outcome::input_error(format!(
                "cannot write the new catalog to `{}`: {e}",
                out.display()
            ))
        })?;
    }
    let stdout = match args.format {
        Format::Json if outcome.is_read() => {
            to_json_text(outcome.response_body().unwrap_or(&Json::Null))
        }
        Format::Json => to_json_text(&outcome),
        Format::Graph => define_graph(&outcome),
        Format::Text => {
            let sources = Sources {
                definition: body.as_ref(),
                actor: actor_input.as_ref(),
                catalog: Some(&catalog_input),
                ..Sources::default()
            };
            define_text(&outcome, &sources)
        }
    };
    Ok(Outcome::ok(stdout, outcome.is_allowed()))
}

/// What Graph answers to a definition request (RULES.md §9).
fn define_graph(outcome: &DefineOutcome) -> String {
    if let Some(v) = outcome.violations().first() {
        return graph_refusal(v);
    }
    match outcome.response_body() {
        Some(body) => to_json_text(&GraphAnswer {
            status: outcome.status(),
            body,
        }),
        None => to_json_text(&json!({ "status": outcome.status() })),
    }
}

fn define_text(outcome: &DefineOutcome, sources: &Sources<'_>) -> String {
    let mut s = String::new();
    if outcome.is_read() {
        let _ = write!(
            s,
            "{}",
            to_json_text(outcome.response_body().unwrap_or(&Json::Null))
        );
    } else if outcome.is_allowed() {
        let _ = writeln!(
            s,
            "allowed: {} ({})",
            outcome.status(),
            count(outcome.changes().len(), "change")
        );
        for c in outcome.changes() {
            render_definition_change(&mut s, c);
        }
    } else {
        let _ = writeln!(
            s,
            "refused ({})",
            count(outcome.violations().len(), "violation")
        );
        for v in outcome.violations() {
            render_violation(&mut s, v, sources);
        }
    }
    for w in outcome.warnings() {
        render_warning(&mut s, w, sources);
    }
    if outcome.authorization() == Authorization::NotChecked {
        s.push_str("note: no --actor given: permissions were not checked\n");
    }
    s
}

/// One line per definition change: what, where, and the verdict when refused.
fn render_definition_change(s: &mut String, c: &DefinitionChange) {
    let compact = |v: Option<&Json>| v.map_or_else(|| "null".to_owned(), Json::to_string);
    let what = match c.property() {
        Some(p) => format!(
            "{} {} {p}: {} -> {}",
            c.kind().as_str(),
            c.path(),
            compact(c.before()),
            compact(c.after())
        ),
        None => format!("{} {}", c.kind().as_str(), c.path()),
    };
    match c.code() {
        Some(code) if !c.is_allowed() => {
            let _ = writeln!(s, "  illegal {what} ({code})");
        }
        _ => {
            let _ = writeln!(s, "  {what}");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// search

fn search(args: &SearchArgs) -> Outcome {
    match try_search(args) {
        Ok(o) | Err(o) => o,
    }
}

fn try_search(args: &SearchArgs) -> Result<Outcome, Outcome> {
    check_stdin_once(&[
        Some(args.catalog.as_path()),
        Some(args.object.as_path()),
        args.actor.as_deref(),
    ])?;
    let format = Format::from(args.format);
    let policy = Policy::default();
    let (_, catalog) = read_catalog(&args.catalog, &policy, format)?;
    let (_, object) = read_object(&args.object, input_cap(&policy))?;
    let (_, actor) = read_actor(args.actor.as_ref(), input_cap(&policy))?;
    let engine = Engine::new(catalog, policy);
    let matches = engine.search(
        &object,
        actor.as_ref(),
        &args.text,
        args.set_prefix.as_deref(),
    );
    #[derive(serde::Serialize)]
    struct Report<'a> {
        matches: &'a [SearchMatch],
    }
    let stdout = match args.format {
        LintFormat::Json => to_json_text(&Report { matches: &matches }),
        LintFormat::Text => {
            let mut s = count_matches(matches.len());
            s.push('\n');
            for m in &matches {
                let _ = writeln!(
                    s,
                    "  {}: {}",
                    m.attribute(),
                    serde_json::to_string(m.value()).unwrap_or_default()
                );
            }
            s
        }
    };
    Ok(Outcome::ok(stdout, true))
}

// ---------------------------------------------------------------------------------------------
// filter

fn filter(args: &FilterArgs) -> Outcome {
    match try_filter(args) {
        Ok(o) | Err(o) => o,
    }
}

fn try_filter(args: &FilterArgs) -> Result<Outcome, Outcome> {
    let text_arg = args.query.as_ref().or(args.filter.as_ref());
    let text_from_stdin = text_arg.is_some_and(|t| t == "-");
    check_stdin_once(&[
        Some(args.catalog.as_path()),
        Some(args.objects.as_path()),
        args.actor.as_deref(),
        text_from_stdin.then(|| Path::new("-")),
    ])?;
    // The filter or query text itself may come from stdin: one line, its newline dropped.
    let stdin_text = if text_from_stdin {
        let input = read_input(Path::new("-"), "filter", input_cap(&Policy::default()))?;
        let text = String::from_utf8(input.bytes).map_err(|_| {
            Outcome::input_error("the filter read from standard input is not UTF-8")
        })?;
        Some(text.trim_end_matches(['\n', '\r']).to_owned())
    } else {
        None
    };
    let policy = Policy::default();
    let (_, catalog) = read_catalog(&args.catalog, &policy, args.format)?;
    let objects_input = read_input(&args.objects, "objects", input_cap(&policy))?;
    let objects = read_objects(&objects_input)?;
    let (_, actor) = read_actor(args.actor.as_ref(), input_cap(&policy))?;
    let given = |arg: &String| stdin_text.clone().unwrap_or_else(|| arg.clone());
    let mut query = match (&args.query, &args.filter) {
        (Some(raw), _) => GraphQuery::from_query_string(&given(raw)),
        (None, Some(text)) => {
            let mut q = GraphQuery::new().filter(given(text)).count(args.count);
            if let Some(list) = &args.select {
                q = q.select(list.split(',').map(str::trim));
            }
            if let Some(n) = args.top {
                q = q.top(n);
            }
            q
        }
        (None, None) => GraphQuery::new(),
    };
    query = query
        .consistency_level(args.consistency_level.as_deref())
        .kind(args.object_type.kind());
    let engine = Engine::new(catalog, policy);
    let outcome = engine.query(&objects, actor.as_ref(), &query);
    let filter_input = query.filter_text().map(|text| Input {
        label: "$filter".to_owned(),
        bytes: text.as_bytes().to_vec(),
    });
    let stdout = match args.format {
        Format::Json => to_json_text(&outcome),
        Format::Graph => match outcome.violations().first() {
            Some(v) => graph_refusal(v),
            None => to_json_text(&GraphAnswer {
                status: 200,
                body: &outcome,
            }),
        },
        Format::Text => {
            let mut s = String::new();
            if outcome.is_allowed() {
                let count = outcome.count().unwrap_or_default();
                let shown = outcome.returned().len();
                let _ = write!(s, "{}", count_matches(count));
                if shown < count {
                    let _ = write!(s, " ({shown} returned)");
                }
                s.push('\n');
                for &i in outcome.returned() {
                    let o = objects.get(i);
                    let _ = writeln!(
                        s,
                        "  {} {}",
                        o.and_then(Object::id).unwrap_or("(no id)"),
                        o.and_then(Object::display_name).unwrap_or("")
                    );
                }
            } else {
                let sources = Sources {
                    filter: filter_input.as_ref(),
                    ..Sources::default()
                };
                let _ = writeln!(
                    s,
                    "refused ({})",
                    count(outcome.violations().len(), "violation")
                );
                for v in outcome.violations() {
                    render_violation(&mut s, v, &sources);
                }
            }
            s
        }
    };
    Ok(Outcome::ok(stdout, outcome.is_allowed()))
}

fn count_matches(n: usize) -> String {
    match n {
        1 => "1 match".to_owned(),
        n => format!("{n} matches"),
    }
}

// ---------------------------------------------------------------------------------------------
// plan

fn plan(args: &PlanArgs) -> Outcome {
    match try_plan(args) {
        Ok(o) | Err(o) => o,
    }
}

fn try_plan(args: &PlanArgs) -> Result<Outcome, Outcome> {
    check_stdin_once(&[
        Some(args.catalog.as_path()),
        args.object.as_deref(),
        args.desired.as_deref(),
        args.batch.as_deref(),
        args.actor.as_deref(),
        args.policy.as_deref(),
    ])?;
    let format = Format::from(args.format);
    let (policy_input, policy) = read_policy(args.policy.as_ref())?;
    let (catalog_input, catalog) = read_catalog(&args.catalog, &policy, format)?;
    let (actor_input, actor) = read_actor(args.actor.as_ref(), input_cap(&policy))?;
    let mode = if args.exclusive {
        PlanMode::Exclusive
    } else {
        PlanMode::Managed
    };
    let engine = Engine::new(catalog, policy);
    if let Some(batch) = &args.batch {
        let (_, reader) = open_input(batch, "batch")?;
        return plan_batch(&engine, (batch, reader), actor.as_ref(), (mode, args.audit));
    }
    let (Some(object_path), Some(desired_path)) = (&args.object, &args.desired) else {
        return Err(Outcome::input_error(
            "usage error: give --object and --desired, or --batch",
        ));
    };
    let (object_input, object) = read_object(object_path, input_cap(engine.policy()))?;
    let desired = read_input(desired_path, "desired state", input_cap(engine.policy()))?;
    let evaluation = engine.plan(&object, actor.as_ref(), &desired.bytes, mode);
    let audit = args
        .audit
        .then(|| evaluation.audit(&object, actor.as_ref(), engine.policy()))
        .flatten();
    let stdout = match args.format {
        LintFormat::Json => to_json_text(&WithAudit {
            evaluation: &evaluation,
            audit: audit.as_ref(),
        }),
        LintFormat::Text => {
            let sources = Sources {
                desired: Some(&desired),
                catalog: Some(&catalog_input),
                object: Some(&object_input),
                actor: actor_input.as_ref(),
                policy: policy_input.as_ref(),
                ..Sources::default()
            };
            let mut s = check_text(&evaluation, &sources);
            if let Some(diff) = evaluation.diff() {
                if !diff.is_empty() {
                    s.push_str("request:\n");
                    s.push_str(&to_json_text(&diff.request()));
                }
            }
            push_audit_line(&mut s, audit.as_ref());
            s
        }
    };
    Ok(Outcome::ok(stdout, evaluation.is_allowed()))
}

/// One plan line per input line: the plan's JSON (compact) with the object's id, or an error
/// line for a line that cannot be planned; a bad line never stops the batch. The batch is read
/// and answered a line at a time (stdout is written as it goes), so memory is bounded by the
/// longest line kept, `maxBodyBytes`, however many lines there are.
fn plan_batch(
    engine: &Engine,
    (path, mut reader): (&Path, Box<dyn BufRead>),
    actor: Option<&Actor>,
    (mode, audit): (PlanMode, bool),
) -> Result<Outcome, Outcome> {
    #[derive(serde::Serialize)]
    struct Planned<'a> {
        #[serde(rename = "objectId")]
        object_id: Option<&'a str>,
        #[serde(flatten)]
        evaluation: WithAudit<'a>,
    }
    let mut stdout = std::io::stdout().lock();
    let mut all_planned = true;
    let max = engine.policy().max_body_bytes;
    let mut buf = Vec::new();
    let mut line_no = 0;
    loop {
        line_no += 1;
        let next = next_line(&mut reader, max, &mut buf);
        let line = match next.map_err(|e| read_error(path, "batch", &e))? {
            None => break,
            Some(Ok(line)) => line,
            Some(Err(len)) => {
                all_planned = false;
                let error = format!(
                    "the line is {len} bytes, more than the {max} bytes allowed (payload_too_large)"
                );
                write_line(&mut stdout, &failed(None, line_no, &error, &[]))?;
                continue;
            }
        };
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let mut fail = |id: Option<&str>, error: &str, violations: &[Violation]| {
            all_planned = false;
            write_line(&mut stdout, &failed(id, line_no, error, violations))
        };
        // The two documents as they are in the line (raw), so the plan sees the desired
        // state's own bytes and key order.
        #[derive(serde::Deserialize)]
        struct Line<'a> {
            #[serde(borrow)]
            object: &'a serde_json::value::RawValue,
            #[serde(borrow)]
            desired: &'a serde_json::value::RawValue,
        }
        #[derive(serde::Deserialize)]
        struct Id {
            id: Option<String>,
        }
        let Ok(parsed) = serde_json::from_slice::<Line<'_>>(line) else {
            fail(
                None,
                "the line is not {\"object\": {...}, \"desired\": {...}}",
                &[],
            )?;
            continue;
        };
        let object = match Object::from_json(parsed.object.get().as_bytes()) {
            Ok(o) => o,
            Err(e) => {
                // The object is not one; its id, if it has a readable one, still names the line.
                let id = serde_json::from_str::<Id>(parsed.object.get())
                    .ok()
                    .and_then(|i| i.id);
                fail(id.as_deref(), "invalid object", e.violations())?;
                continue;
            }
        };
        let id = object.id();
        let evaluation = engine.plan(&object, actor, parsed.desired.get().as_bytes(), mode);
        all_planned &= evaluation.is_allowed();
        let audit = audit
            .then(|| evaluation.audit(&object, actor, engine.policy()))
            .flatten();
        let planned = Planned {
            object_id: id,
            evaluation: WithAudit {
                evaluation: &evaluation,
                audit: audit.as_ref(),
            },
        };
        write_line(&mut stdout, &compact_line(&planned))?;
    }
    stdout.flush().map_err(|e| write_error(&e))?;
    Ok(Outcome::ok(String::new(), all_planned))
}

/// A batch's error line.
fn failed(id: Option<&str>, line: usize, error: &str, violations: &[Violation]) -> String {
    #[derive(serde::Serialize)]
    struct Failed<'a> {
        #[serde(rename = "objectId")]
        object_id: Option<&'a str>,
        line: usize,
        error: &'a str,
        violations: &'a [Violation],
    }
    compact_line(&Failed {
        object_id: id,
        line,
        error,
        violations,
    })
}

/// Writes one output line; an output that went away (a closed pipe) ends the batch.
fn write_line(out: &mut impl Write, line: &str) -> Result<(), Outcome> {
    out.write_all(line.as_bytes()).map_err(|e| write_error(&e))
}

fn write_error(e: &std::io::Error) -> Outcome {
    Outcome::input_error(format!("cannot write the output: {e}"))
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

/// One JSON value on one line.
fn compact_line<T: serde::Serialize>(value: &T) -> String {
    let mut s = serde_json::to_string(value).unwrap_or_else(|_| "null".to_owned());
    s.push('\n');
    s
}

// ---------------------------------------------------------------------------------------------
// apply

fn apply(args: &ApplyArgs) -> Outcome {
    match try_apply(args) {
        Ok(o) | Err(o) => o,
    }
}

fn try_apply(args: &ApplyArgs) -> Result<Outcome, Outcome> {
    check_stdin_once(&[
        Some(args.catalog.as_path()),
        Some(args.object.as_path()),
        Some(args.changes.as_path()),
        args.policy.as_deref(),
    ])?;
    let format = Format::from(args.format);
    let (_, policy) = read_policy(args.policy.as_ref())?;
    let (_, catalog) = read_catalog(&args.catalog, &policy, format)?;
    let (object_input, object) = read_object(&args.object, input_cap(&policy))?;
    let changes_input = read_input(&args.changes, "changes", input_cap(&policy))?;
    // A changes document is a check or plan output: bounded like a PATCH body.
    if changes_input.bytes.len() > policy.max_body_bytes {
        return Err(Outcome::input_error(format!(
            "the changes file `{}` is {} bytes, more than the {} bytes allowed",
            changes_input.label,
            changes_input.bytes.len(),
            policy.max_body_bytes
        )));
    }
    let changes = changes_from_json(&changes_input.bytes)
        .map_err(|e| invalid_file("changes", &changes_input, e.violations()))?;
    let engine = Engine::new(catalog, policy);
    // Checked against the catalog, then against the object's current state (preconditions).
    let result = engine.apply_changes(&object, &changes).into_result();
    #[derive(serde::Serialize)]
    struct Refused<'a> {
        violations: &'a [Violation],
    }
    let stdout = match (&result, args.format) {
        (Ok(state), LintFormat::Json) => to_json_text(&ViewJson {
            custom_security_attributes: &state.response_form(),
        }),
        (Ok(state), LintFormat::Text) => {
            let mut s = format!("applied ({})\n", count(changes.len(), "change"));
            // The view's lines without its first (which speaks of an actor apply has none of).
            for line in view_text(state, false).lines().skip(1) {
                s.push_str(line);
                s.push('\n');
            }
            s
        }
        (Err(violations), LintFormat::Json) => to_json_text(&Refused { violations }),
        (Err(violations), LintFormat::Text) => {
            let sources = Sources {
                object: Some(&object_input),
                ..Sources::default()
            };
            let mut s = format!("refused ({})\n", count(violations.len(), "violation"));
            for v in violations {
                render_violation(&mut s, v, &sources);
            }
            s
        }
    };
    Ok(Outcome::ok(stdout, result.is_ok()))
}

// ---------------------------------------------------------------------------------------------
// evolve

fn evolve(args: &EvolveArgs) -> Outcome {
    match try_evolve(args) {
        Ok(o) | Err(o) => o,
    }
}

fn try_evolve(args: &EvolveArgs) -> Result<Outcome, Outcome> {
    check_stdin_once(&[
        Some(args.from.as_path()),
        Some(args.to.as_path()),
        args.objects.as_deref(),
    ])?;
    let format = Format::from(args.format);
    let from_input = read_input(&args.from, "--from catalog", input_cap(&Policy::default()))?;
    let from = Catalog::from_json(&from_input.bytes)
        .map_err(|e| invalid_catalog(format, &from_input, e.violations()))?;
    let to_input = read_input(&args.to, "--to catalog", input_cap(&Policy::default()))?;
    let objects = match read_optional(
        args.objects.as_ref(),
        "objects",
        input_cap(&Policy::default()),
    )? {
        Some(input) => read_objects(&input)?,
        None => Vec::new(),
    };
    let (evolution, impact) = match Catalog::from_json(&to_input.bytes) {
        Ok(to) => (from.evolve(&to), from.impact(&to, &objects)),
        // An invalid target is an illegal evolution, not an input error (RULES.md §9).
        Err(e) => (Evolution::from_invalid(e.violations()), Vec::new()),
    };
    #[derive(serde::Serialize)]
    struct Report<'a> {
        legal: bool,
        changes: &'a [DefinitionChange],
        impact: &'a [Impact],
    }
    let stdout = match args.format {
        LintFormat::Json => to_json_text(&Report {
            legal: evolution.is_legal(),
            changes: evolution.changes(),
            impact: &impact,
        }),
        LintFormat::Text => {
            let mut s = String::new();
            let illegal = evolution
                .changes()
                .iter()
                .filter(|c| !c.is_allowed())
                .count();
            let _ = writeln!(
                s,
                "{} ({}, {} illegal, {})",
                if evolution.is_legal() {
                    "legal"
                } else {
                    "illegal"
                },
                count(evolution.changes().len(), "change"),
                illegal,
                count(impact.len(), "affected assignment")
            );
            for c in evolution.changes() {
                render_definition_change(&mut s, c);
            }
            for i in &impact {
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
                    serde_json::to_string(i.value()).unwrap_or_default()
                );
            }
            s
        }
    };
    Ok(Outcome::ok(stdout, evolution.is_legal()))
}

/// Objects as JSON lines (blank lines skipped), or one Graph list response.
fn read_objects(input: &Input) -> Result<Vec<Object>, Outcome> {
    if let Ok(Json::Object(list)) = serde_json::from_slice::<Json>(&input.bytes) {
        if let Some(Json::Array(items)) = list.get("value") {
            return items
                .iter()
                .enumerate()
                .map(|(i, item)| {
                    let bytes = serde_json::to_vec(item).unwrap_or_default();
                    Object::from_json(&bytes).map_err(|e| {
                        invalid_file(&format!("objects (item {})", i + 1), input, e.violations())
                    })
                })
                .collect();
        }
    }
    let mut objects = Vec::new();
    for (n, line) in input.bytes.split(|&b| b == b'\n').enumerate() {
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let object = Object::from_json(line).map_err(|e| {
            invalid_file(&format!("objects (line {})", n + 1), input, e.violations())
        })?;
        objects.push(object);
    }
    Ok(objects)
}

// ---------------------------------------------------------------------------------------------
// Text rendering of violations and warnings, with the offending line and a caret

/// The input texts a violation or warning may point into.
#[derive(Default)]
struct Sources<'a> {
    body: Option<&'a Input>,
    catalog: Option<&'a Input>,
    object: Option<&'a Input>,
    actor: Option<&'a Input>,
    policy: Option<&'a Input>,
    definition: Option<&'a Input>,
    filter: Option<&'a Input>,
    desired: Option<&'a Input>,
}

impl Sources<'_> {
    fn get(&self, document: Document) -> Option<&Input> {
        match document {
            Document::Body => self.body,
            Document::Catalog => self.catalog,
            Document::Object => self.object,
            Document::Actor => self.actor,
            Document::Policy => self.policy,
            Document::Definition => self.definition,
            Document::Filter => self.filter,
            Document::Desired => self.desired,
            _ => None,
        }
    }
}

fn render_violation(s: &mut String, v: &Violation, sources: &Sources<'_>) {
    let _ = writeln!(s, "error: {}: {}", v.code(), v.message());
    render_location(s, v.pointer(), v.attribute());
    if let (Some(span), Some(input)) = (v.byte_span(), sources.get(v.document())) {
        render_snippet(s, input, span);
    }
    if let Some(hint) = v.hint() {
        let _ = writeln!(s, "  hint: {hint}");
    }
}

fn render_warning(s: &mut String, w: &Warning, sources: &Sources<'_>) {
    let _ = writeln!(s, "warning: {}: {}", w.code(), w.message());
    render_location(s, w.pointer(), w.attribute());
    if let (Some(span), Some(input)) = (w.byte_span(), sources.get(w.document())) {
        render_snippet(s, input, span);
    }
}

fn render_location(s: &mut String, pointer: &str, attribute: Option<&str>) {
    if pointer.is_empty() {
        s.push_str("  at: the whole document");
    } else {
        let _ = write!(s, "  at: {pointer}");
    }
    if let Some(a) = attribute {
        let _ = write!(s, " ({a})");
    }
    s.push('\n');
}

/// Longest source line shown whole; longer ones are clipped to a window around the caret.
const MAX_SHOWN_CHARS: usize = 100;
/// Characters kept before the caret in a clipped line.
const CONTEXT_BEFORE: usize = 40;

/// `--> file:line:column`, the line, and `^^^` under the span (columns in characters).
fn render_snippet(s: &mut String, input: &Input, span: std::ops::Range<usize>) {
    let bytes = input.bytes.as_slice();
    if span.start > bytes.len() {
        return;
    }
    let start = span.start;
    let before = bytes.get(..start).unwrap_or_default();
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let line_end = bytes
        .get(start..)
        .and_then(|rest| rest.iter().position(|&b| b == b'\n'))
        .map_or(bytes.len(), |i| start + i);
    let line_no = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let mut line: Vec<char> =
        String::from_utf8_lossy(bytes.get(line_start..line_end).unwrap_or_default())
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
    if bytes.get(line_end.saturating_sub(1)) == Some(&b'\r') && line_end > line_start {
        line.pop();
    }
    let col = String::from_utf8_lossy(bytes.get(line_start..start).unwrap_or_default())
        .chars()
        .count();
    let span_end = span.end.clamp(start, line_end);
    let width = String::from_utf8_lossy(bytes.get(start..span_end).unwrap_or_default())
        .chars()
        .count()
        .max(1);

    // Clip long lines to a window around the caret.
    let (first, last) = if line.len() <= MAX_SHOWN_CHARS {
        (0, line.len())
    } else {
        let first = col.saturating_sub(CONTEXT_BEFORE).min(line.len());
        let last = (first + MAX_SHOWN_CHARS).min(line.len());
        (first, last)
    };
    let clipped_before = first > 0;
    let clipped_after = last < line.len();
    let shown: String = line.get(first..last).unwrap_or_default().iter().collect();
    let caret_col = col.saturating_sub(first) + if clipped_before { 3 } else { 0 };
    let visible_end = last.max(col + 1);
    let caret_width = width.min(visible_end.saturating_sub(col)).max(1);

    let number = line_no.to_string();
    let pad = " ".repeat(number.len());
    let _ = writeln!(s, "  --> {}:{}:{}", input.label, line_no, col + 1);
    let _ = writeln!(s, "  {pad} |");
    let _ = writeln!(
        s,
        "  {number} | {}{shown}{}",
        if clipped_before { "..." } else { "" },
        if clipped_after { "..." } else { "" }
    );
    let _ = writeln!(
        s,
        "  {pad} | {}{}",
        " ".repeat(caret_col),
        "^".repeat(caret_width)
    );
}

// ---------------------------------------------------------------------------------------------
// demo

const SAMPLE_CATALOG: &[u8] = include_bytes!("../../tests/data/graph-examples/sample-catalog.json");
const A01: &str = include_str!("../../tests/data/graph-examples/assignments/A01-user-string.json");
const A03: &str =
    include_str!("../../tests/data/graph-examples/assignments/A03-user-multistring.json");
const A04: &str = include_str!("../../tests/data/graph-examples/assignments/A04-user-integer.json");
const A07: &str =
    include_str!("../../tests/data/graph-examples/assignments/A07-user-update-integer.json");
const A09: &str =
    include_str!("../../tests/data/graph-examples/assignments/A09-user-update-multistring.json");
const A10: &str =
    include_str!("../../tests/data/graph-examples/assignments/A10-user-remove-single.json");
const A11: &str =
    include_str!("../../tests/data/graph-examples/assignments/A11-user-remove-multi.json");

/// A PATCH body of the demo: a documented example's `request.body`, or csa's own.
enum DemoBody {
    Documented(&'static str),
    Own(&'static str),
}

struct Step {
    title: &'static str,
    body: DemoBody,
    /// Checked as this actor instead of the Engineering-scoped administrator.
    other_actor: bool,
}

const NOT_PREDEFINED: &str = r##"{
  "customSecurityAttributes": {
    "Engineering": {
      "@odata.type": "#Microsoft.DirectoryServices.CustomSecurityAttributeValue",
      "Project@odata.type": "#Collection(String)",
      "Project": ["Cascade", "baker", "Denali"]
    }
  }
}
"##;

const WRONG_REMOVAL: &str = r##"{
  "customSecurityAttributes": {
    "Engineering": {
      "@odata.type": "#Microsoft.DirectoryServices.CustomSecurityAttributeValue",
      "Project": null
    }
  }
}
"##;

const OTHER_SET: &str = r##"{
  "customSecurityAttributes": {
    "Marketing": {
      "@odata.type": "#Microsoft.DirectoryServices.CustomSecurityAttributeValue",
      "EmployeeId": "QN26904"
    }
  }
}
"##;

const STEPS: &[Step] = &[
    Step {
        title: "A01: assign a single-valued String (Engineering_ProjectDate)",
        body: DemoBody::Documented(A01),
        other_actor: false,
    },
    Step {
        title: "A03: assign a multi-valued, predefined String (Engineering_Project)",
        body: DemoBody::Documented(A03),
        other_actor: false,
    },
    Step {
        title: "refused: values that are not predefined (they are case-sensitive)",
        body: DemoBody::Own(NOT_PREDEFINED),
        other_actor: false,
    },
    Step {
        title: "A04: assign a single-valued Integer (Engineering_NumVendors)",
        body: DemoBody::Documented(A04),
        other_actor: false,
    },
    Step {
        title: "A07: update the Integer from 4 to 8",
        body: DemoBody::Documented(A07),
        other_actor: false,
    },
    Step {
        title: "A09: replace the whole multi-valued Project",
        body: DemoBody::Documented(A09),
        other_actor: false,
    },
    Step {
        title: "refused: a multi-valued attribute is removed with [], not null",
        body: DemoBody::Own(WRONG_REMOVAL),
        other_actor: false,
    },
    Step {
        title: "refused: the Engineering-scoped administrator writes to Marketing",
        body: DemoBody::Own(OTHER_SET),
        other_actor: false,
    },
    Step {
        title: "refused: A10 sent by a Global Administrator (no attribute role is implied)",
        body: DemoBody::Documented(A10),
        other_actor: true,
    },
    Step {
        title: "A10: remove the single-valued ProjectDate with null",
        body: DemoBody::Documented(A10),
        other_actor: false,
    },
    Step {
        title: "A11: remove the multi-valued Project with []",
        body: DemoBody::Documented(A11),
        other_actor: false,
    },
];

/// A documented example's `request.body`, pretty-printed.
fn documented_body(envelope: &str) -> String {
    let body = serde_json::from_str::<Json>(envelope)
        .ok()
        .and_then(|e| e.get("request").and_then(|r| r.get("body")).cloned())
        .unwrap_or(Json::Null);
    let mut s = serde_json::to_string_pretty(&body).unwrap_or_default();
    s.push('\n');
    s
}

fn demo() -> String {
    let mut out = String::new();
    let catalog = match Catalog::from_json(SAMPLE_CATALOG) {
        Ok(c) => c,
        Err(e) => {
            let _ = writeln!(out, "the embedded sample catalog is invalid: {e}");
            return out;
        }
    };
    let engine = Engine::new(catalog, Policy::default());
    let admin = Actor::new().with_role(
        "Attribute Assignment Administrator",
        "/attributeSets/Engineering",
    );
    let global_admin = Actor::new().with_role("Global Administrator", "/");
    let catalog_input = Input {
        label: "sample-catalog.json".to_owned(),
        bytes: SAMPLE_CATALOG.to_vec(),
    };
    out.push_str(
        "csa demo: documented Graph PATCH examples against the sample catalog\n\
         (tests/data/graph-examples/sample-catalog.json), on one cloud-only user that starts with\n\
         nothing assigned. Each PATCH is checked as an Attribute Assignment Administrator scoped\n\
         to the Engineering attribute set (unless said otherwise); an allowed one is applied to\n\
         the state the previous ones left, a refused one changes nothing.\n",
    );
    let mut object = Object::default();
    for step in STEPS {
        let body = match step.body {
            DemoBody::Documented(envelope) => documented_body(envelope),
            DemoBody::Own(text) => text.to_owned(),
        };
        let actor = if step.other_actor {
            &global_admin
        } else {
            &admin
        };
        let _ = writeln!(out, "\n== {} ==", step.title);
        let _ = writeln!(out, "PATCH /users/{{id}}");
        out.push_str(&body);
        out.push_str("-- csa check --format text:\n");
        let patch = Input {
            label: "patch".to_owned(),
            bytes: body.into_bytes(),
        };
        let evaluation = engine.evaluate(&object, Some(actor), &patch.bytes);
        let sources = Sources {
            body: Some(&patch),
            catalog: Some(&catalog_input),
            ..Sources::default()
        };
        out.push_str(&check_text(&evaluation, &sources));
        if let Some(diff) = evaluation.diff() {
            object = Object::default().with_state(diff.after().clone());
        }
    }
    out.push_str("\n== the user's customSecurityAttributes now (csa view) ==\n");
    out.push_str(&view_text(&engine.view(&object, Some(&admin)), true));
    out
}
