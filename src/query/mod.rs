//! Querying objects by their custom security attributes (docs/RULES.md, Search and filter): the
//! `$filter` language, its compilation against a catalog, Graph's list query and the portal's
//! search.
//!
//! - [`filter`]: the `$filter` text as a [`Filter`] (AST, parser, canonical printing) and
//!   [`FilterError`]; it knows nothing of catalogs or engines.
//! - `compile`: [`crate::Engine::compile_filter`] → [`CompiledFilter`], the filter resolved
//!   against a catalog and an actor (where a filter that parses is refused for what it names).
//! - `graph`: [`GraphQuery`] (the options of `GET /users?...`, or a raw query string) and
//!   [`crate::Engine::query`] → [`QueryOutcome`], Graph's list body or its refusal.
//! - `search`: [`crate::Engine::search`] → [`SearchMatch`], the portal's search on one object.

mod compile;
pub(crate) mod filter;
mod graph;
mod search;

pub use compile::CompiledFilter;
pub use filter::{AttrPath, CompareOp, Expr, Filter, FilterError, FilterErrorKind, Literal};
pub use graph::{GraphQuery, QueryOutcome};
pub use search::SearchMatch;
