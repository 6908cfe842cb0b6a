//! What a user expects of any command-line tool: the nearest command suggested for a misspelt
//! one, shell completions and a man page, and colour on a terminal only.
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

// ---------------------------------------------------------------------------------------------
// Shell completions and the man page

/// The subcommands `csa --help` lists (clap's `help` aside).
fn subcommands() -> Vec<String> {
    let r = csa(&["--help"]).run();
    r.expect_code(0);
    let names: Vec<String> = r
        .stdout
        .lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .filter_map(|l| l.split_whitespace().next())
        .filter(|name| *name != "help")
        .map(str::to_owned)
        .collect();
    for expected in ["check", "plan", "demo", "completions", "man"] {
        assert!(names.iter().any(|n| n == expected), "{names:?}");
    }
    names
}

/// The bash script completes every subcommand, and bash accepts it.
#[test]
fn completions_bash_covers_every_subcommand_and_is_valid_bash() {
    let r = csa(&["completions", "bash"]).run();
    r.expect_code(0);
    assert_eq!(r.stderr, "");
    for name in subcommands() {
        assert!(
            r.stdout.contains(&format!("csa,{name})"))
                && r.stdout.contains(&format!("csa__subcmd__{name})")),
            "no completion of `csa {name}`"
        );
    }
    let scratch = Scratch::new("bash");
    let script = scratch.file("csa.bash", &r.stdout);
    let bash = std::process::Command::new("bash")
        .args(["-n", &script])
        .output()
        .expect("bash runs");
    assert!(
        bash.status.success(),
        "bash -n: {}",
        String::from_utf8_lossy(&bash.stderr)
    );
}

/// zsh, fish and PowerShell have their scripts too; an unknown shell is a usage error.
#[test]
fn completions_for_other_shells_and_an_unknown_one() {
    for (shell, marker) in [
        ("zsh", "#compdef csa"),
        ("fish", "complete -c csa"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let r = csa(&["completions", shell]).run();
        r.expect_code(0);
        assert!(r.stdout.contains(marker), "{shell}: {}", r.stdout);
        assert!(r.stdout.contains("check"), "{shell}");
    }
    let r = csa(&["completions", "tcsh"]).run();
    r.expect_input_error();
    assert!(r.stderr.contains("invalid value 'tcsh'"), "{}", r.stderr);
}

/// The man page: a title first, and a section of its own for each subcommand, with its
/// options.
#[test]
fn man_page_has_a_title_and_a_section_per_subcommand() {
    let r = csa(&["man"]).run();
    r.expect_code(0);
    assert_eq!(r.stderr, "");
    assert!(r.stdout.starts_with(".TH csa 1 "), "{}", r.stdout);
    assert!(r.stdout.lines().filter(|l| l.starts_with(".TH")).count() == 1);
    for name in subcommands() {
        let heading = format!(".SH \"CSA {}\"", name.to_uppercase());
        assert!(r.stdout.contains(&heading), "no {heading}");
    }
    assert!(
        r.stdout.contains("\\fB\\-\\-catalog\\fR"),
        "options are listed"
    );
}

// ---------------------------------------------------------------------------------------------
// Colour

/// The text without its escape sequences (`ESC [ ... letter`).
fn strip(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

const ESC: char = '\u{1b}';

/// A refused check: a wrong removal, with a hint and a caret.
fn refused_check(scratch: &Scratch) -> Csa {
    let patch = scratch.file(
        "patch.json",
        r##"{"customSecurityAttributes": {"Engineering": {
  "@odata.type": "#Microsoft.DirectoryServices.CustomSecurityAttributeValue",
  "NumVendors": []}}}"##,
    );
    csa(&["check"]).catalog(&sample_catalog()).patch(&patch)
}

/// `--color always`: the verdict and the error red, the hint cyan, the carets bold red; the same
/// text as without colour once the escapes are dropped.
#[test]
fn color_always_styles_errors_hints_and_carets() {
    let scratch = Scratch::new("always");
    let plain = refused_check(&scratch).run();
    plain.expect_code(1);
    let r = refused_check(&scratch).opt("--color", "always").run();
    r.expect_code(1);
    let red = "\u{1b}[1m\u{1b}[31m";
    assert!(
        r.stdout.starts_with(&format!("{red}refused\u{1b}[0m")),
        "{:?}",
        r.stdout
    );
    assert!(r
        .stdout
        .contains(&format!("{red}error: wrong_removal:\u{1b}[0m")));
    assert!(r.stdout.contains("\u{1b}[36m  hint:") || r.stdout.contains("  \u{1b}[36mhint:"));
    assert!(
        r.stdout.contains(&format!("{red}^^\u{1b}[0m")),
        "{:?}",
        r.stdout
    );
    assert_eq!(strip(&r.stdout), plain.stdout);
    assert!(!plain.stdout.contains(ESC));
}

/// `--color never`, output to a pipe (the default `auto`), and `NO_COLOR` under `auto`: no
/// escapes. An explicit `--color always` wins over `NO_COLOR`.
#[test]
fn no_color_unless_asked_or_on_a_terminal() {
    let scratch = Scratch::new("never");
    for run in [
        refused_check(&scratch).opt("--color", "never"),
        refused_check(&scratch),
        // CLICOLOR_FORCE stands for a terminal: `auto` colours then, unless NO_COLOR is set.
        refused_check(&scratch)
            .env("CLICOLOR_FORCE", "1")
            .env("NO_COLOR", "1"),
        refused_check(&scratch)
            .env("CLICOLOR_FORCE", "1")
            .opt("--color", "never"),
    ] {
        let r = run.run();
        r.expect_code(1);
        assert!(!r.stdout.contains(ESC), "{:?}: {:?}", r.args, r.stdout);
    }
    let forced = refused_check(&scratch).env("CLICOLOR_FORCE", "1").run();
    assert!(forced.stdout.contains(ESC));
    let explicit = refused_check(&scratch)
        .env("NO_COLOR", "1")
        .opt("--color", "always")
        .run();
    assert!(explicit.stdout.contains(ESC));
}

/// JSON and Graph's answer never hold an escape, whatever `--color` says.
#[test]
fn json_and_graph_formats_are_never_coloured() {
    let scratch = Scratch::new("json");
    for format in ["json", "graph"] {
        let r = refused_check(&scratch)
            .format(format)
            .opt("--color", "always")
            .run();
        r.expect_code(1);
        assert!(!r.stdout.contains(ESC), "{format}: {:?}", r.stdout);
        r.json();
    }
    // An invalid catalog given to check is shown as JSON too.
    let bad = scratch.file("bad-catalog.json", INVALID_CATALOG);
    for args in [&["lint"][..], &["check", "--patch", "-"][..]] {
        let r = csa(args)
            .catalog(&bad)
            .format("json")
            .opt("--color", "always")
            .stdin("{}")
            .run();
        assert!(!r.stdout.contains(ESC), "{args:?}: {:?}", r.stdout);
        r.json();
    }
}

/// The error line on stderr and clap's own help follow `--color` too, wherever it is given.
#[test]
fn color_applies_to_errors_and_help() {
    let r = csa(&["chek", "--color", "always"]).run();
    r.expect_code(2);
    assert!(
        r.stderr
            .starts_with("\u{1b}[1m\u{1b}[31mcsa:\u{1b}[0m usage error"),
        "{:?}",
        r.stderr
    );
    assert_eq!(
        strip(&r.stderr),
        "csa: usage error: unrecognized subcommand 'chek'; did you mean 'check'? (see `csa --help`)\n"
    );
    let r = csa(&["--color=always", "check", "--help"]).run();
    r.expect_code(0);
    assert!(r.stdout.contains(ESC));
    let r = csa(&["check", "--help", "--color", "never"]).run();
    r.expect_code(0);
    assert!(!r.stdout.contains(ESC));
    assert!(r.stdout.contains("--color <WHEN>"), "{}", r.stdout);
}
