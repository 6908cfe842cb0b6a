//! What a user expects of any command-line tool: the nearest command suggested for a misspelt
//! one.
// clippy.toml allows these in `#[test]` functions; the helpers here are test code too.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use super::harness::*;

// ---------------------------------------------------------------------------------------------
// Misspelt subcommands, options and values

/// A misspelt subcommand names the nearest one, on the one usage-error line, exit 2.
#[test]
fn a_misspelt_subcommand_suggests_the_nearest_one() {
    let r = csa(&["chek"]).run();
    r.expect_input_error();
    assert_eq!(
        r.stderr,
        "csa: usage error: unrecognized subcommand 'chek'; did you mean 'check'? (see `csa --help`)\n"
    );
    let r = csa(&["pla"]).run();
    r.expect_input_error();
    assert!(r.stderr.contains("did you mean 'plan'?"), "{}", r.stderr);
}

/// Nothing near: no suggestion.
#[test]
fn an_unknown_subcommand_far_from_any_suggests_nothing() {
    let r = csa(&["xyzzy"]).run();
    r.expect_input_error();
    assert_eq!(
        r.stderr,
        "csa: usage error: unrecognized subcommand 'xyzzy' (see `csa --help`)\n"
    );
}

/// Misspelt options and values get the nearest one too.
#[test]
fn a_misspelt_option_or_value_suggests_the_nearest_one() {
    let r = csa(&["check", "--catalg", "x"]).run();
    r.expect_input_error();
    assert!(
        r.stderr.contains("did you mean '--catalog'?"),
        "{}",
        r.stderr
    );
    let r = csa(&["lint", "--catalog", "x", "--format", "jsn"]).run();
    r.expect_input_error();
    assert!(r.stderr.contains("did you mean 'json'?"), "{}", r.stderr);
}
