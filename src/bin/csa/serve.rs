//! `csa serve`: a local Microsoft Graph for custom security attributes (feature `serve`;
//! docs/SERVE.md). Reads the files as the other subcommands do, then hands them to
//! `csa::serve`; the first line of standard output is the address, the request log goes to
//! standard error.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Args;
use csa::serve::{Config, ServeError, Server};
use csa::Document;

use crate::args::{AllowSyncedArg, PolicyArg};
use crate::error::Error;
use crate::input::{self, Files};
use crate::output::Outcome;

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The catalog the tenant starts with (not read when --data holds state).
    #[arg(long, value_name = "FILE")]
    pub catalog: Option<PathBuf>,
    /// The objects: a JSON array, a Graph list response or JSON lines, each with `id`
    /// (not read when --data holds state).
    #[arg(long, value_name = "FILE")]
    pub objects: Option<PathBuf>,
    /// Bearer tokens and their actors: `{"<token>": <actor document> | null}`.
    #[arg(long, value_name = "FILE")]
    pub tokens: PathBuf,
    #[command(flatten)]
    pub policy: PolicyArg,
    #[command(flatten)]
    pub allow_synced: AllowSyncedArg,
    /// The address to listen on (port 0: a free port, printed on the first line).
    #[arg(long, value_name = "ADDRESS", default_value = "127.0.0.1:0")]
    pub listen: SocketAddr,
    /// Keep the state in DIR, written before each write is answered; a DIR holding state is
    /// resumed (over --catalog and --objects), an empty one is seeded from them.
    #[arg(long, value_name = "DIR")]
    pub data: Option<PathBuf>,
}

pub fn run(args: &ServeArgs) -> Result<Outcome, Error> {
    let mut files = Files::new(&[
        args.catalog.as_deref(),
        args.objects.as_deref(),
        Some(args.tokens.as_path()),
        args.policy.path(),
    ])?;
    let (policy, limits) = files.policy(args.policy.path())?;
    let cap = input::cap(&limits);
    // A data directory holding state is resumed: the seed files are not read.
    let resume = args.data.as_deref().is_some_and(csa::serve::holds_state);
    let (catalog, objects) = match resume {
        true => (None, None),
        false => (args.catalog.as_deref(), args.objects.as_deref()),
    };
    let catalog = files.read_optional(catalog, "catalog", Document::Catalog, cap);
    let objects = files.read_optional(objects, "objects", Document::Object, cap);
    let tokens = files.read(&args.tokens, "tokens", Document::Actor, cap);
    files.all_read()?;

    let mut config = Config::new(files.bytes(tokens).to_vec())
        .allow_synced(args.allow_synced.allow_synced)
        .listen(args.listen);
    if let Some(slot) = catalog {
        config = config.catalog(files.bytes(slot).to_vec());
    }
    if let Some(slot) = objects {
        config = config.objects(files.bytes(slot).to_vec());
    }
    if let Some(slot) = policy {
        config = config.policy(files.bytes(slot).to_vec());
    }
    if let Some(dir) = &args.data {
        config = config.data(dir);
    }
    let server = match Server::bind(config) {
        Ok(server) => server,
        Err(ServeError::Input(error)) => return files.settle(Err(error)),
        Err(ServeError::Missing(what)) => {
            return Err(Error::usage(format_args!(
                "--{what} is needed: {}",
                match &args.data {
                    Some(dir) => format!("`{}` holds no state to resume", dir.display()),
                    None => "there is no --data directory to resume".to_owned(),
                }
            )))
        }
        Err(other) => return Ok(failed(&other)),
    };
    let address = server.local_addr();
    let from = match (&args.data, server.resumed()) {
        (Some(dir), true) => format!("resumed from `{}`", dir.display()),
        (Some(dir), false) => format!("seeded `{}`", dir.display()),
        (None, _) => "state in memory".to_owned(),
    };
    // On stderr before the address on stdout: whoever waits for the address finds it written.
    eprintln!(
        "csa serve: {} objects, {from}; Graph at http://{address}/v1.0 and /beta",
        server.objects()
    );
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "listening on http://{address}");
    let _ = out.flush();
    drop(out);
    match server.serve_until_signal() {
        Ok(()) => Ok(Outcome::ok(String::new(), true)),
        Err(error) => Ok(failed(&error)),
    }
}

/// A server that cannot start or go on: one line on stderr, exit code 2.
fn failed(error: &ServeError) -> Outcome {
    Outcome {
        stdout: String::new(),
        stderr: Some(error.to_string()),
        code: 2,
    }
}
