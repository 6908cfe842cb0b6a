//! The integration tests, in one test binary: each module was a file of its own under `tests/`,
//! now linked once instead of nineteen times. `tests/limits_memory.rs` stays a target of its own:
//! it installs a counting global allocator, which would count every other test's allocations.
//!
//! The module files keep their names, so the docs' test citations (`file::function`, checked by
//! `docs.rs`) still name them. `cargo test --test it FILE::` runs one file's tests.

mod common;

mod apply;
mod assignment_rules;
mod audit;
mod authorization;
mod batch;
mod catalog_rules;
mod define;
mod docs;
mod evolve;
mod examples;
mod filter;
mod layout;
mod limits;
mod object_documents;
mod objects;
mod plan;
mod positions;
mod properties;
mod schema;
mod search;

/// The `csa` command line, run as a user runs it; it needs the binary, built only with `cli`.
#[cfg(feature = "cli")]
mod cli;

/// `csa serve` over HTTP: it needs the binary built with `serve`.
#[cfg(feature = "serve")]
mod serve;
