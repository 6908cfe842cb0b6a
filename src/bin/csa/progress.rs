//! A progress line on standard error for long runs (a batch, a big `filter`), only when
//! standard error is a terminal: never in piped or redirected output, never on stdout.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};

/// A progress line, or nothing when standard error is not a terminal.
pub struct Progress(Option<ProgressBar>);

impl Progress {
    /// A count of batch lines answered, with the rate and how many were refused. Not when
    /// standard output is a terminal too: the lines printed there show the progress, and a
    /// progress line redrawn between them would garble them.
    pub fn lines() -> Self {
        if std::io::stdout().is_terminal() {
            return Self(None);
        }
        Self::new(|bar| {
            let style = ProgressStyle::with_template(
                "{spinner} {human_pos} lines answered ({rate}, {elapsed}) {msg}",
            );
            if let Ok(style) = style {
                bar.set_style(style.with_key(
                    "rate",
                    |state: &ProgressState, w: &mut dyn std::fmt::Write| {
                        let _ = write!(w, "{:.0}/s", state.per_sec());
                    },
                ));
            }
        })
    }

    /// A spinner while one long step runs (`what`: "filtering 120000 objects").
    pub fn step(what: &str) -> Self {
        Self::new(|bar| {
            if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} ({elapsed})") {
                bar.set_style(style);
            }
            bar.set_message(what.to_owned());
            bar.enable_steady_tick(Duration::from_millis(120));
        })
    }

    fn new(setup: impl FnOnce(&ProgressBar)) -> Self {
        if !std::io::stderr().is_terminal() {
            return Self(None);
        }
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        setup(&bar);
        Self(Some(bar))
    }

    /// One more line answered; `refused` so far.
    pub fn line(&self, refused: usize) {
        if let Some(bar) = &self.0 {
            bar.inc(1);
            if refused > 0 {
                bar.set_message(format!("{refused} refused"));
            }
        }
    }
}

impl Drop for Progress {
    /// The progress line is erased when the run ends, whatever its outcome.
    fn drop(&mut self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}
