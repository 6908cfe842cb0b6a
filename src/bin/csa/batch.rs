//! `--batch` of `check` and `plan`: JSON lines read from a file or stdin on this thread,
//! decided on `--jobs` threads by the library ([`csa::commands::Batch`]), and printed one JSON
//! line each, in input order, as soon as they are ready.

use std::io::{BufRead, Read, Write};
use std::num::NonZeroUsize;
use std::path::Path;

use csa::commands::{Batch, BatchLine};
use csa::{Actor, Catalog, Document, Engine};

use crate::error::Error;
use crate::input::{self, Files};
use crate::output::{json_line, Outcome};
use crate::progress::Progress;

/// The engine of `plan` and of `check --batch`: the policy (with `--allow-synced` on top), the
/// catalog and the actor read in that order, then one engine for every request.
pub fn engine(
    files: &mut Files,
    catalog: &Path,
    actor: Option<&Path>,
    policy: Option<&Path>,
    allow_synced: bool,
) -> Result<(Engine, Option<Actor>), Error> {
    let (_, mut policy) = files.policy(policy)?;
    policy.allow_synced_objects |= allow_synced;
    let cap = input::cap(&policy);
    let catalog = files.read(catalog, "catalog", Document::Catalog, cap);
    let catalog = Catalog::from_json_with(files.bytes(catalog), &policy);
    let catalog = files.settle(catalog)?;
    let actor = files.read_optional(actor, "actor", Document::Actor, cap);
    let actor = actor.map(|a| Actor::from_json(files.bytes(a))).transpose();
    let actor = files.settle(actor)?;
    Ok((Engine::new(catalog, policy), actor))
}

/// Decides every line of the batch at `path` with `decide` (line number, line text) on `jobs`
/// threads; a line over `max` bytes is its own error line. Exit 0 if every line was decided and
/// accepted, 1 otherwise.
///
/// Memory is bounded by the window of lines in flight (32 per job), each at most `max` bytes;
/// a longer line is read past without being kept.
pub fn run(
    path: &Path,
    max: usize,
    jobs: NonZeroUsize,
    decide: impl Fn(usize, &[u8]) -> Option<BatchLine> + Sync,
) -> Result<Outcome, Error> {
    let (_, mut reader) = input::open(path, "batch")?;
    let mut read_error = None;
    let mut buf = Vec::new();
    let mut line_no = 0usize;
    let lines = std::iter::from_fn(|| {
        line_no = line_no.saturating_add(1);
        match next_line(&mut reader, max, &mut buf) {
            Ok(None) => None,
            Ok(Some(line)) => Some((line_no, line.map(<[u8]>::to_vec))),
            Err(e) => {
                read_error = Some(e);
                None
            }
        }
    });
    let mut stdout = std::io::stdout().lock();
    let progress = Progress::lines();
    let mut refused = 0usize;
    let mut all_allowed = true;
    Batch::new(jobs)
        .run(
            lines,
            |(n, line)| match line {
                Ok(text) => decide(n, &text),
                Err(len) => Some(BatchLine::too_long(n, len, max)),
            },
            |answer| {
                let Some(answer) = answer else {
                    return Ok(()); // a blank line
                };
                if !answer.is_allowed() {
                    all_allowed = false;
                    refused = refused.saturating_add(1);
                }
                progress.line(refused);
                stdout.write_all(json_line(&answer).as_bytes())
            },
        )
        .map_err(unwritable)?;
    drop(progress);
    if let Some(e) = read_error {
        return Err(input::read_error(path, "batch", e));
    }
    stdout.flush().map_err(unwritable)?;
    Ok(Outcome::ok(String::new(), all_allowed))
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
