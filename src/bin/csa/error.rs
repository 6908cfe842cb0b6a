//! The one place an error becomes what `csa` prints and exit code 2: a usage error, a file
//! that cannot be read or written, or a document the library cannot use ([`InputError`]).

use std::path::PathBuf;

use csa::{Code, Document, InputError};

use crate::input::{is_stdin, Input};
use crate::output::{self, Outcome};
use crate::render::{self, Sources};
use crate::style::{self, paint};

/// Why a run stops with exit code 2.
pub enum Error {
    /// A usage error: clap's, or one of csa's own rules about its arguments.
    Usage(String),
    /// A file that cannot be read (`path` is `-` for standard input).
    Unreadable {
        what: String,
        path: PathBuf,
        error: std::io::Error,
    },
    /// An input longer than the most csa reads of one.
    TooLarge {
        what: String,
        label: String,
        cap: usize,
    },
    /// The `$filter` or query text given on standard input is not UTF-8.
    NotUtf8,
    /// An output that cannot be written: the new catalog of `define --out` (`Some(path)`), or
    /// standard output.
    Unwritable {
        path: Option<PathBuf>,
        error: std::io::Error,
    },
    /// A document the library cannot use, with the file it was read from.
    Invalid(Box<Invalid>),
}

/// A document the library cannot use, with the file it was read from.
pub struct Invalid {
    pub error: InputError,
    /// What the command line calls the file: `object`, `--to catalog`, `objects`, ...
    pub what: String,
    /// The file (its bytes, for an invalid catalog's text).
    pub source: Input,
}

impl Error {
    pub fn usage(reason: impl std::fmt::Display) -> Self {
        Error::Usage(reason.to_string())
    }

    /// What is printed, and exit code 2. An invalid catalog shows its violations on stdout (as
    /// JSON when the command prints JSON); anything else is one line on stderr.
    pub fn outcome(self, json: bool) -> Outcome {
        let reason = match self {
            Error::Usage(reason) => format!("usage error: {reason}"),
            Error::Unreadable { what, path, error } if is_stdin(&path) => {
                format!("cannot read the {what} from standard input: {error}")
            }
            Error::Unreadable { what, path, error } => {
                format!("cannot read the {what} file `{}`: {error}", path.display())
            }
            Error::TooLarge { what, label, cap } => format!(
                "the {what} `{label}` is larger than {cap} bytes, the most csa reads of one input \
                 (raise `maxCatalogBytes` in the policy if the input is trusted)"
            ),
            Error::NotUtf8 => "the filter read from standard input is not UTF-8".to_owned(),
            Error::Unwritable {
                path: Some(path),
                error,
            } => format!(
                "cannot write the new catalog to `{}`: {error}",
                path.display()
            ),
            Error::Unwritable { path: None, error } => {
                format!("cannot write the output: {error}")
            }
            Error::Invalid(invalid) => {
                let Invalid {
                    error,
                    what,
                    source,
                } = *invalid;
                if error.document() == Document::Catalog {
                    return invalid_catalog(&error, &source, json);
                }
                invalid_file(&error, &what, &source.label)
            }
        };
        Outcome {
            stdout: String::new(),
            stderr: Some(reason),
            code: 2,
        }
    }
}

/// An invalid catalog: its violations on stdout, a line on stderr.
fn invalid_catalog(error: &InputError, source: &Input, json: bool) -> Outcome {
    let violations = error.violations();
    let stdout = if json {
        output::json(error)
    } else {
        let sources = Sources::default().with(Document::Catalog, source);
        let mut s = format!(
            "{}: {}\n",
            paint(style::ERROR, "invalid catalog"),
            render::count(violations.len(), "violation")
        );
        for v in violations {
            render::violation(&mut s, v, &sources);
        }
        s
    };
    Outcome {
        stdout,
        stderr: Some(format!(
            "invalid catalog `{}`: {}",
            source.label,
            render::count(violations.len(), "violation")
        )),
        code: 2,
    }
}

/// The stderr line for an object, actor, policy or changes file the library refuses.
fn invalid_file(error: &InputError, what: &str, label: &str) -> String {
    // A changes document over maxBodyBytes is refused for its size, not its content.
    if let [v] = error.violations() {
        if error.document() == Document::Changes && v.code() == Code::PayloadTooLarge {
            let what = format!("the changes file `{label}`");
            return v.message().replacen("the changes document", &what, 1);
        }
    }
    let what = match error.item() {
        Some(item) => format!("{what} ({item})"),
        None => what.to_owned(),
    };
    format!("invalid {what} file `{label}`: {}", error.summary())
}

/// Clap's error as one line: its message (without usage and tips), lines joined.
impl From<&clap::Error> for Error {
    fn from(e: &clap::Error) -> Self {
        use clap::error::ErrorKind;
        if e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
            return Error::usage(
                "no subcommand given: use check, view, lint, define, evolve, search, filter, plan, apply or demo (see `csa --help`)",
            );
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
        match suggestion(e) {
            Some(did_you_mean) => Error::Usage(format!(
                "{message}; did you mean {did_you_mean}? (see `csa --help`)"
            )),
            None => Error::Usage(format!("{message} (see `csa --help`)")),
        }
    }
}

/// Clap's nearest subcommand, argument or value to a misspelt one (its `tip:` line, which the
/// one-line message leaves out): `'check'`, or `one of 'a', 'b'`.
fn suggestion(e: &clap::Error) -> Option<String> {
    use clap::error::{ContextKind, ContextValue};
    let suggested = [
        ContextKind::SuggestedSubcommand,
        ContextKind::SuggestedArg,
        ContextKind::SuggestedValue,
    ]
    .into_iter()
    .find_map(|kind| e.get(kind))?;
    let names = match suggested {
        ContextValue::String(name) => vec![name.clone()],
        ContextValue::Strings(names) => names.clone(),
        _ => return None,
    };
    let quoted: Vec<String> = names.iter().map(|n| format!("'{n}'")).collect();
    match quoted.as_slice() {
        [] => None,
        [one] => Some(one.clone()),
        many => Some(format!("one of {}", many.join(", "))),
    }
}
