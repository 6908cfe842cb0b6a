//! The `csa` command line as a user runs it (the binary needs the `cli` feature, and
//! `main.rs` includes this module only with it). `harness` is the shared harness; each other
//! module was a test file of its own and keeps its name.

mod harness;

// `cli::cli`: the file keeps its name, which the docs cite (`cli::function`).
#[allow(clippy::module_inception)]
mod cli;
mod cli_batch;
mod cli_conventions;
mod cli_define;
mod cli_docs;
mod cli_plan;
mod cli_policy;
mod cli_positions;
mod cli_query;
mod sessions;
