//! `csa completions SHELL` and `csa man`: the shell completion script and the roff man page,
//! both generated from the clap definitions (`clap_complete`, `clap_mangen`), so neither can
//! drift from what the parser accepts.

use clap::{Args, Command};
use clap_complete::Shell;
use clap_mangen::roff::{bold, roman, Roff};
use clap_mangen::Man;

use crate::error::Error;
use crate::output::Outcome;

/// `csa completions SHELL`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell the script is for.
    #[arg(value_enum)]
    pub shell: Shell,
}

/// The completion script of `csa` for a shell, on stdout.
pub fn completions(args: &CompletionsArgs, mut cmd: Command) -> Outcome {
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "csa", &mut script);
    Outcome::ok(String::from_utf8_lossy(&script).into_owned(), true)
}

/// The man page of `csa` with every subcommand: csa's own sections (name, synopsis,
/// description, options), a list of the subcommands, then one section per subcommand (its
/// description, synopsis and options), the notes after `--help` and the version.
pub fn man(mut cmd: Command) -> Result<Outcome, Error> {
    // Built, the subcommands know their full name (`csa check`) for their synopsis.
    cmd.build();
    let page = Page::new(&cmd)
        .and_then(|mut page| {
            for sub in subcommands(&cmd) {
                page.subcommand(sub)?;
            }
            page.end(&cmd)
        })
        .map_err(|error| Error::Unwritable { path: None, error })?;
    Ok(Outcome::ok(page, true))
}

/// The subcommands a user runs (not clap's `help`).
fn subcommands(cmd: &Command) -> impl Iterator<Item = &Command> {
    cmd.get_subcommands()
        .filter(|sub| !sub.is_hide_set() && sub.get_name() != "help")
}

/// A man page being written: clap_mangen's sections, each rendered on its own, joined.
struct Page {
    text: String,
}

impl Page {
    /// The title, and csa's own sections up to the list of subcommands.
    fn new(cmd: &Command) -> std::io::Result<Page> {
        let man = Man::new(cmd.clone());
        let mut page = Page {
            text: String::new(),
        };
        page.push(|w| man.render_title(w))?;
        // After the title, so that the page starts with `.TH` as man pages do: the definition
        // of `\*(Aq`, the apostrophe the text is written with.
        page.text.push_str(&Roff::new().render());
        page.push(|w| man.render_name_section(w))?;
        page.push(|w| man.render_synopsis_section(w))?;
        page.push(|w| man.render_description_section(w))?;
        page.push(|w| man.render_options_section(w))?;
        let mut list = Roff::new();
        list.control("SH", ["SUBCOMMANDS"]);
        for sub in subcommands(cmd) {
            list.control("TP", []).text([bold(full_name(sub))]);
            if let Some(about) = sub.get_about() {
                list.text([roman(about.to_string())]);
            }
        }
        page.push_roff(&list);
        Ok(page)
    }

    /// A section `CSA CHECK`: the subcommand's description, then its synopsis and options as
    /// subsections.
    fn subcommand(&mut self, sub: &Command) -> std::io::Result<()> {
        let name = full_name(sub);
        let mut heading = Roff::new();
        heading.control("SH", [name.to_uppercase().as_str()]);
        self.push_roff(&heading);
        let man = Man::new(sub.clone());
        let description = rendered(|w| man.render_description_section(w))?;
        // Its text without the DESCRIPTION heading: the section's own heading says what it is.
        self.text
            .push_str(&demote(&description).replacen(".SS DESCRIPTION\n", "", 1));
        self.push_demoted(|w| man.render_synopsis_section(w))?;
        self.push_demoted(|w| man.render_options_section(w))
    }

    /// The notes shown after `--help` and the version; the page's text.
    fn end(mut self, cmd: &Command) -> std::io::Result<String> {
        let man = Man::new(cmd.clone());
        if cmd.get_after_help().is_some() {
            let notes = rendered(|w| man.render_extra_section(w))?;
            let notes = notes.replacen(".SH EXTRA", ".SH NOTES", 1);
            self.text.push_str(without_preamble(&notes));
        }
        self.push(|w| man.render_version_section(w))?;
        Ok(self.text)
    }

    /// A section rendered by `render`, without the preamble every rendering starts with.
    fn push(
        &mut self,
        render: impl FnOnce(&mut Vec<u8>) -> std::io::Result<()>,
    ) -> std::io::Result<()> {
        self.text.push_str(without_preamble(&rendered(render)?));
        Ok(())
    }

    /// A section rendered by `render`, its `.SH` headings made subsection headings (`.SS`).
    fn push_demoted(
        &mut self,
        render: impl FnOnce(&mut Vec<u8>) -> std::io::Result<()>,
    ) -> std::io::Result<()> {
        self.text.push_str(&demote(&rendered(render)?));
        Ok(())
    }

    fn push_roff(&mut self, roff: &Roff) {
        self.text.push_str(without_preamble(&roff.render()));
    }
}

/// What `render` writes, as text.
fn rendered(render: impl FnOnce(&mut Vec<u8>) -> std::io::Result<()>) -> std::io::Result<String> {
    let mut text = Vec::new();
    render(&mut text)?;
    Ok(String::from_utf8_lossy(&text).into_owned())
}

/// `csa check`.
fn full_name(sub: &Command) -> String {
    sub.get_bin_name()
        .map_or_else(|| format!("csa {}", sub.get_name()), str::to_owned)
}

/// Roff text without the preamble `Roff::render` starts every text with (the page has it once,
/// at the top).
fn without_preamble(text: &str) -> &str {
    let preamble = Roff::new().render();
    text.strip_prefix(preamble.as_str()).unwrap_or(text)
}

/// Roff text without its preamble, each section heading (`.SH`) made a subsection heading
/// (`.SS`). Roff escapes a text line that starts with a dot, so only headings match.
fn demote(text: &str) -> String {
    without_preamble(text)
        .lines()
        .map(|line| match line.strip_prefix(".SH ") {
            Some(title) => format!(".SS {title}\n"),
            None => format!("{line}\n"),
        })
        .collect()
}
