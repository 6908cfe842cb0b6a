//! The arguments several subcommands share, each defined once and flattened into them
//! (`#[command(flatten)]`). A subcommand that says more about one in its help does so with
//! `#[command(mut_args(edit(...)))]`.

use std::path::{Path, PathBuf};

use clap::{Arg, Args, ValueEnum};
use csa::ObjectKind;

/// For `#[command(mut_args(...))]`: `f` applied to argument `id` of one subcommand, in place
/// (`mut_arg` would move the argument last, and the usage line's order with it).
pub fn edit(id: &'static str, f: impl Fn(Arg) -> Arg) -> impl FnMut(Arg) -> Arg {
    move |a| if a.get_id() == id { f(a) } else { a }
}

// `//` comments, not `///`, on the groups themselves: clap would take a doc comment on a
// flattened struct as the subcommand's own description.

// --catalog
#[derive(Debug, Args)]
pub struct CatalogArg {
    /// The catalog (`-` = stdin).
    #[arg(long, value_name = "FILE")]
    pub catalog: PathBuf,
}

// --object, when the subcommand needs one.
#[derive(Debug, Args)]
pub struct ObjectArg {
    /// The object as Graph returns it.
    #[arg(long, value_name = "FILE")]
    pub object: PathBuf,
}

// --actor
#[derive(Debug, Args)]
pub struct ActorArg {
    /// The caller's role assignments and permissions (default: authorization is not checked).
    #[arg(long, value_name = "FILE")]
    pub actor: Option<PathBuf>,
}

impl ActorArg {
    pub fn path(&self) -> Option<&Path> {
        self.actor.as_deref()
    }
}

// --policy
#[derive(Debug, Args)]
pub struct PolicyArg {
    /// Policy knobs (allowSyncedObjects, objectTypes, maxBodyBytes, maxCatalogBytes,
    /// redactSets, ...).
    #[arg(long, value_name = "FILE")]
    pub policy: Option<PathBuf>,
}

impl PolicyArg {
    pub fn path(&self) -> Option<&Path> {
        self.policy.as_deref()
    }
}

// --allow-synced, wherever a PATCH is decided.
#[derive(Debug, Args)]
pub struct AllowSyncedArg {
    /// Accept directory-synced objects (sets allowSyncedObjects on top of --policy).
    #[arg(long)]
    pub allow_synced: bool,
}

// --audit, wherever a PATCH is decided.
#[derive(Debug, Args)]
pub struct AuditArg {
    /// Add the audit record of an accepted request (`redactSets` values masked).
    #[arg(long)]
    pub audit: bool,
}

// --format text|json
#[derive(Debug, Args)]
pub struct FormatArg {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

impl FormatArg {
    pub fn is_json(&self) -> bool {
        self.format == Format::Json
    }
}

// --format text|json|graph
#[derive(Debug, Args)]
pub struct GraphFormatArg {
    /// Output format.
    #[arg(long, value_enum, default_value_t = GraphFormat::Text)]
    pub format: GraphFormat,
}

impl GraphFormatArg {
    pub fn is_json(&self) -> bool {
        self.format != GraphFormat::Text
    }
}

/// The output of a command that prints a report: for people, or its JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// For people.
    Text,
    /// One JSON object.
    Json,
}

/// The output of a command that can also print what Microsoft Graph would answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GraphFormat {
    /// For people.
    Text,
    /// One JSON object (docs/RULES.md, Output documents).
    Json,
    /// What Microsoft Graph would answer.
    Graph,
}

/// `--object-type`: the kinds of object Graph assigns attributes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum KindArg {
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
    pub fn kind(self) -> ObjectKind {
        match self {
            KindArg::User => ObjectKind::User,
            KindArg::ServicePrincipal => ObjectKind::ServicePrincipal,
            KindArg::Device => ObjectKind::Device,
            KindArg::ManagedIdentity => ObjectKind::ManagedIdentity,
        }
    }
}

// --jobs, wherever a --batch is decided.
#[derive(Debug, Args)]
pub struct JobsArg {
    /// Decide a batch on N threads (default: the machine's available parallelism); output
    /// stays in input order.
    #[arg(long, value_name = "N")]
    pub jobs: Option<std::num::NonZeroUsize>,
}

impl JobsArg {
    /// A usage error when --jobs is given without a batch to run.
    pub fn only_with_batch(&self, batch: bool) -> Result<(), crate::error::Error> {
        if self.jobs.is_some() && !batch {
            return Err(crate::error::Error::usage("--jobs needs --batch"));
        }
        Ok(())
    }

    pub fn jobs(&self) -> std::num::NonZeroUsize {
        self.jobs.unwrap_or_else(|| {
            std::thread::available_parallelism().unwrap_or(std::num::NonZeroUsize::MIN)
        })
    }
}
