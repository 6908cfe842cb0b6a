#![doc = include_str!("../README.md")]

mod audit;
mod auth;
mod catalog;
pub mod commands;
mod diff;
mod engine;
mod json;
pub mod limits;
mod names;
mod object;
mod plan;
mod policy;
mod query;
mod reader;
#[cfg(feature = "serve")]
pub mod serve;
mod snippet;
mod text;
mod value;
mod violation;

pub use audit::{ActorScope, AuditChange, AuditRecord, AuditValue};
pub use auth::{Actor, CustomRole, RoleAssignment, Scope};
pub use catalog::{
    AllowedValue, AttributeDefinition, AttributeSet, Catalog, ChangeKind, DefineOutcome,
    DefinitionChange, DefinitionRequest, Evolution, Impact, ImpactEffect, LintReport, Method,
    Status, UnknownMethod,
};
pub use diff::{
    apply, apply_checked, apply_checked_with, changes_from_json, Applied, Change, Diff, Op,
    RequestBody,
};
pub use engine::{Engine, Evaluation, PreparedObject};
pub use names::{check_name, names_eq, utf16_len, Name, NameError};
pub use object::{Object, ObjectKind};
pub use plan::PlanMode;
pub use policy::{Policy, REDACTED};
pub use query::{
    AttrPath, CompareOp, CompiledFilter, Expr, Filter, FilterError, FilterErrorKind, GraphQuery,
    Literal, QueryOutcome, SearchMatch,
};
pub use snippet::{Location, Snippet};
pub use text::Text;
pub use value::{Assignment, AttributeType, Collection, SetAssignments, State, Value};
pub use violation::{
    Authorization, Code, Document, InputError, Locate, Verdict, Violation, Warning, WarningCode,
};

/// The compiled forms are shared across threads: an engine, a catalog or a compiled filter is
/// built once and used from every thread (a batch, a server). Checked at compile time.
const _: () = {
    const fn shared<T: Send + Sync>() {}
    shared::<Engine>();
    shared::<Catalog>();
    shared::<CompiledFilter>();
    shared::<Actor>();
    shared::<Object>();
    shared::<PreparedObject>();
    shared::<Policy>();
    shared::<Evaluation>();
    // What a batch's threads send back (`commands::Batch`).
    shared::<commands::BatchLine>();
};
