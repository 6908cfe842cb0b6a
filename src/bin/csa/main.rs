//! `csa`: the command-line tool over the csa library.
//!
//! A thin layer: it reads files (or standard input), hands the bytes to the library's commands
//! (`csa::commands`), and prints what they decided as text, JSON or Graph's own answer. No
//! rule is decided here.
//!
//! ```text
//! csa check  --catalog FILE --patch FILE [--object FILE] [--actor FILE] [--policy FILE]
//!            [--object-type user|servicePrincipal|device|managedIdentity] [--allow-synced]
//!            [--audit] [--format text|json|graph]
//! csa check  --catalog FILE --batch FILE.jsonl [--jobs N] [--actor FILE] [--policy FILE] ...
//! csa view   --catalog FILE --object FILE [--actor FILE] [--policy FILE]
//!            [--format text|json|graph]
//! csa lint   --catalog FILE [--policy FILE] [--format text|json]
//! csa define --catalog FILE --method GET|POST|PATCH|DELETE --path GRAPH_PATH [--body FILE]
//!            [--actor FILE] [--policy FILE] [--out FILE] [--format text|json|graph]
//! csa evolve --from FILE --to FILE [--objects FILE.jsonl] [--policy FILE] [--format text|json]
//! csa search --catalog FILE --object FILE --text PREFIX [--set PREFIX] [--actor FILE]
//!            [--policy FILE] [--format text|json]
//! csa filter --catalog FILE --objects FILE (--filter EXPR [--count] [--select LIST] [--top N]
//!            | --query RAW_QUERY_STRING) [--consistency-level LEVEL]
//!            [--object-type user|servicePrincipal|device|managedIdentity] [--actor FILE]
//!            [--policy FILE] [--format text|json|graph]
//! csa plan   --catalog FILE (--object FILE --desired FILE | --batch FILE.jsonl [--jobs N])
//!            [--exclusive] [--actor FILE] [--policy FILE] [--allow-synced] [--audit]
//!            [--format text|json]
//! csa apply  --catalog FILE --object FILE --changes FILE [--policy FILE] [--format text|json]
//! csa demo
//! csa completions bash|zsh|fish|powershell|elvish
//! csa man
//! csa serve  --tokens FILE [--catalog FILE --objects FILE] [--policy FILE] [--allow-synced]
//!            [--listen ADDRESS] [--data DIR]                        (feature `serve`)
//! ```
//!
//! Any FILE may be `-` for standard input (at most one per call). Exit codes: 0 accepted /
//! valid, 1 refused / invalid, 2 usage or input error. `--color auto|always|never` (any
//! subcommand) colours text output and messages; JSON is never coloured.

mod apply;
mod args;
mod batch;
mod check;
mod define;
mod demo;
mod error;
mod evolve;
mod filter;
mod generate;
mod input;
mod lint;
mod output;
mod plan;
mod progress;
mod render;
mod search;
#[cfg(feature = "serve")]
mod serve;
mod style;
mod view;

use std::process::ExitCode;

use std::ffi::OsString;

use clap::{ColorChoice, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};

use crate::error::Error;
use crate::output::Outcome;

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
    /// When to colour text output and messages: `auto` on a terminal unless NO_COLOR is set.
    /// JSON is never coloured.
    #[arg(long, global = true, value_enum, value_name = "WHEN", default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check a PATCH body against a catalog, an object and (optionally) an actor.
    Check(check::CheckArgs),
    /// Show an object's customSecurityAttributes as an actor may read them.
    View(view::ViewArgs),
    /// Validate a catalog and report every violation and warning.
    Lint(lint::LintArgs),
    /// Decide a Graph definition request (attribute sets, definitions, allowed values).
    Define(define::DefineArgs),
    /// Classify every difference between two catalogs and list the assignments it affects.
    Evolve(evolve::EvolveArgs),
    /// Portal search on one object: attribute names and values starting with a text.
    Search(search::SearchArgs),
    /// Run a Graph `$filter` query over many objects, as Graph would answer it.
    Filter(filter::FilterArgs),
    /// Plan the minimal PATCH from an object's current state to a desired state.
    Plan(plan::PlanArgs),
    /// Apply changes (from check or plan) to an object, refusing if it changed meanwhile.
    Apply(apply::ApplyArgs),
    /// Run documented Graph examples against the sample catalog (reads no files).
    Demo,
    /// Print the shell completion script of csa for a shell.
    Completions(generate::CompletionsArgs),
    /// Print the man page of csa and every subcommand (roff).
    Man,
    /// Serve a local Microsoft Graph for custom security attributes (docs/SERVE.md).
    #[cfg(feature = "serve")]
    Serve(serve::ServeArgs),
}

impl Command {
    /// Whether the command prints JSON (`--format json` or `graph`, or JSON lines for a
    /// `--batch`): an invalid catalog is then shown as JSON too.
    fn prints_json(&self) -> bool {
        match self {
            Command::Check(a) => a.format.is_json() || a.batch.is_some(),
            Command::View(a) => a.format.is_json(),
            Command::Lint(a) => a.format.is_json(),
            Command::Define(a) => a.format.is_json(),
            Command::Evolve(a) => a.format.is_json(),
            Command::Search(a) => a.format.is_json(),
            Command::Filter(a) => a.format.is_json(),
            Command::Plan(a) => a.format.is_json() || a.batch.is_some(),
            Command::Apply(a) => a.format.is_json(),
            Command::Demo | Command::Completions(_) | Command::Man => false,
            #[cfg(feature = "serve")]
            Command::Serve(_) => false,
        }
    }
}

fn main() -> ExitCode {
    // Read before clap parses the line, so that its help and errors follow `--color` too.
    let color = color_arg(std::env::args_os());
    let cli = match Cli::command()
        .color(color)
        .try_get_matches()
        .and_then(|matches| Cli::from_arg_matches(&matches))
    {
        Ok(cli) => cli,
        Err(e) if !e.use_stderr() => {
            // --help and --version: clap prints them on stdout and exits 0.
            e.exit();
        }
        Err(e) => return output::finish(Error::from(&e).outcome(false), color),
    };
    let color = cli.color;
    let json = cli.command.prints_json();
    let result = match cli.command {
        Command::Check(args) => check::run(&args),
        Command::View(args) => view::run(&args),
        Command::Lint(args) => lint::run(&args),
        Command::Define(args) => define::run(&args),
        Command::Evolve(args) => evolve::run(&args),
        Command::Search(args) => search::run(&args),
        Command::Filter(args) => filter::run(&args),
        Command::Plan(args) => plan::run(&args),
        Command::Apply(args) => apply::run(&args),
        Command::Demo => Ok(Outcome::ok(demo::run(), true)),
        Command::Completions(args) => Ok(generate::completions(&args, Cli::command())),
        Command::Man => generate::man(Cli::command()),
        #[cfg(feature = "serve")]
        Command::Serve(args) => serve::run(&args),
    };
    output::finish(result.unwrap_or_else(|e| e.outcome(json)), color)
}

/// The last `--color WHEN` (or `--color=WHEN`) of the command line before any `--`; `auto`
/// without one, or for a value clap will refuse.
fn color_arg(args: impl IntoIterator<Item = OsString>) -> ColorChoice {
    let mut choice = ColorChoice::Auto;
    let mut args = args.into_iter().skip(1);
    while let Some(arg) = args.next() {
        let value = match arg.to_str() {
            Some("--") => break,
            Some("--color") => args.next(),
            Some(arg) => match arg.strip_prefix("--color=") {
                Some(value) => Some(OsString::from(value)),
                None => continue,
            },
            None => continue,
        };
        if let Some(c) = value
            .as_ref()
            .and_then(|v| v.to_str())
            .and_then(|v| ColorChoice::from_str(v, false).ok())
        {
            choice = c;
        }
    }
    choice
}
