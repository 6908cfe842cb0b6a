//! Line and column of violations and warnings, for documents given as text: computed once a
//! command has decided, only for what it reports, in one pass over each document.

use super::{Document, InputError, Violation, Warning};
use crate::snippet::Location;

mod sealed {
    use super::{Violation, Warning};

    /// The violations and warnings of an outcome, to be located (implemented in this crate
    /// only: what a report holds is its own business).
    pub trait Parts {
        /// Its violations and warnings.
        fn parts_mut(&mut self) -> (&mut [Violation], &mut [Warning]);
    }
}
pub(crate) use sealed::Parts;

/// An outcome whose violations and warnings can be given their line and column (and, for a
/// violation, its byte `offset`) in the text of the document they are about: an
/// [`crate::Evaluation`], an [`InputError`], a lint, define, filter or apply outcome.
///
/// The commands ([`crate::commands`]) do it for every document they are given as text
/// ([`crate::commands::Input::locate`] skips documents given as data); a caller that drives an
/// [`crate::Engine`] itself calls it with the text it gave the engine. Only what is reported is
/// located, in one pass over the text.
pub trait Locate: sealed::Parts {
    /// Gives every violation and warning about `document` that has a span its line and
    /// column in `text` (the document as it was written). Calling it again with the same text
    /// changes nothing.
    fn locate(&mut self, document: Document, text: &[u8]) {
        let (violations, warnings) = self.parts_mut();
        let mut at: Vec<(usize, &mut Option<Location>)> = Vec::new();
        for v in violations.iter_mut().filter(|v| v.document == document) {
            if let Some(span) = &v.span {
                at.push((span.start, &mut v.location));
            }
        }
        for w in warnings.iter_mut().filter(|w| w.document == document) {
            if let Some(span) = &w.span {
                at.push((span.start, &mut w.location));
            }
        }
        if at.is_empty() {
            return;
        }
        at.sort_by_key(|(offset, _)| *offset);
        let offsets: Vec<usize> = at.iter().map(|(o, _)| *o).collect();
        for ((_, slot), location) in at.into_iter().zip(Location::of_sorted(text, &offsets)) {
            *slot = Some(location);
        }
    }
}

impl<T: sealed::Parts + ?Sized> Locate for T {}

/// The parts of an outcome that is a result or every violation.
pub(crate) fn result_parts<T>(
    r: &mut Result<T, Vec<Violation>>,
) -> (&mut [Violation], &mut [Warning]) {
    match r {
        Err(v) => (v, &mut []),
        Ok(_) => (&mut [], &mut []),
    }
}

impl sealed::Parts for InputError {
    fn parts_mut(&mut self) -> (&mut [Violation], &mut [Warning]) {
        (&mut self.violations, &mut self.warnings)
    }
}

impl InputError {
    /// The error with its spans moved by `by` bytes: an error about a part of a document
    /// (a line of JSON Lines) made to count from the document's start.
    pub(crate) fn shifted(mut self, by: usize) -> Self {
        let (violations, warnings) = self.parts_mut();
        let shift = |s: &mut Option<std::ops::Range<usize>>| {
            if let Some(r) = s {
                *r = r.start.saturating_add(by)..r.end.saturating_add(by);
            }
        };
        violations.iter_mut().for_each(|v| shift(&mut v.span));
        warnings.iter_mut().for_each(|w| shift(&mut w.span));
        self
    }

    /// The error with line and column on what it says about its document, `text` (that
    /// document as it was written): [`Locate::locate`] on [`InputError::document`].
    #[must_use]
    pub fn located(mut self, text: &[u8]) -> Self {
        self.locate(self.document, text);
        self
    }
}
