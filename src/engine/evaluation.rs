//! [`Evaluation`]: what deciding one PATCH gives, and its JSON form.

use std::fmt;
use std::sync::OnceLock;

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

use crate::diff::Diff;
use crate::text::Text;
use crate::value::{ResponseForm, State};
use crate::violation::{
    sort_violations, sort_warnings, Authorization, Verdict, Violation, Warning,
};

/// The result of evaluating one PATCH: a diff, or every violation. Warnings either way.
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
pub struct Evaluation {
    pub(super) authorization: Authorization,
    pub(super) warnings: Vec<Warning>,
    pub(super) outcome: Outcome,
}

#[derive(Debug, Clone)]
pub(super) enum Outcome {
    /// `visible`: the resulting state as the actor may read it.
    Accepted {
        diff: Diff,
        visible: Without,
    },
    Refused(Vec<Violation>),
}

/// Equal when they say the same: the views are compared by what they show.
impl PartialEq for Outcome {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (
                Outcome::Accepted { diff, visible },
                Outcome::Accepted {
                    diff: d,
                    visible: v,
                },
            ) => diff == d && visible.of(diff.after()) == v.of(d.after()),
            (Outcome::Refused(a), Outcome::Refused(b)) => a == b,
            _ => false,
        }
    }
}

impl Eq for Outcome {}

impl crate::violation::Parts for Evaluation {
    fn parts_mut(&mut self) -> (&mut [Violation], &mut [Warning]) {
        let violations: &mut [Violation] = match &mut self.outcome {
            Outcome::Refused(v) => v,
            Outcome::Accepted { .. } => &mut [],
        };
        (violations, &mut self.warnings)
    }
}

impl Evaluation {
    /// Whether the PATCH is accepted.
    pub fn is_allowed(&self) -> bool {
        matches!(self.outcome, Outcome::Accepted { .. })
    }
    /// Whether the actor's permissions were checked.
    pub fn authorization(&self) -> Authorization {
        self.authorization
    }
    /// The diff, when accepted.
    pub fn diff(&self) -> Option<&Diff> {
        match &self.outcome {
            Outcome::Accepted { diff, .. } => Some(diff),
            Outcome::Refused(_) => None,
        }
    }
    /// The resulting state as the actor may read it (the whole state without an actor).
    pub fn visible_state(&self) -> Option<&State> {
        match &self.outcome {
            Outcome::Accepted { diff, visible } => Some(visible.of(diff.after())),
            Outcome::Refused(_) => None,
        }
    }
    /// Every violation (empty when accepted), ordered by pointer then code.
    pub fn violations(&self) -> &[Violation] {
        match &self.outcome {
            Outcome::Refused(v) => v,
            Outcome::Accepted { .. } => &[],
        }
    }
    /// Warnings, ordered by pointer then code.
    pub fn warnings(&self) -> &[Warning] {
        &self.warnings
    }
    /// The outcome as a `Result`.
    pub fn result(&self) -> Result<&Diff, &[Violation]> {
        match &self.outcome {
            Outcome::Accepted { diff, .. } => Ok(diff),
            Outcome::Refused(v) => Err(v),
        }
    }

    /// The same evaluation with every violation and warning passed through `violation` and
    /// `warning` (a plan points them back into its desired document), in order again after.
    pub(crate) fn repoint(
        mut self,
        violation: impl FnMut(&mut Violation),
        warning: impl FnMut(&mut Warning),
    ) -> Evaluation {
        if let Outcome::Refused(v) = &mut self.outcome {
            v.iter_mut().for_each(violation);
            sort_violations(v);
        }
        self.warnings.iter_mut().for_each(warning);
        sort_warnings(&mut self.warnings);
        self
    }

    /// The same evaluation refused, with `extra` added to its violations (a plan whose desired
    /// document cannot be read still reports what is wrong with the object).
    pub(crate) fn refuse(mut self, extra: Vec<Violation>) -> Evaluation {
        debug_assert!(!extra.is_empty(), "a refusal says why");
        let mut violations = match self.outcome {
            Outcome::Refused(v) => v,
            Outcome::Accepted { .. } => Vec::new(),
        };
        violations.extend(extra);
        sort_violations(&mut violations);
        self.outcome = Outcome::Refused(violations);
        self
    }
}

impl Verdict for Evaluation {
    fn violations(&self) -> &[Violation] {
        Evaluation::violations(self)
    }
    fn warnings(&self) -> &[Warning] {
        Evaluation::warnings(self)
    }
}

/// Serialises as `csa check --format json` prints it (docs/RULES.md, Output documents).
impl Serialize for Evaluation {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("allowed", &self.is_allowed())?;
        m.serialize_entry("authorization", &self.authorization)?;
        match &self.outcome {
            Outcome::Accepted { diff, visible } => {
                m.serialize_entry("changes", &diff.changes)?;
                m.serialize_entry("warnings", &self.warnings)?;
                let visible = visible.of(diff.after());
                m.serialize_entry("customSecurityAttributes", &ResponseForm(visible))?;
                m.serialize_entry("request", &diff.request())?;
            }
            Outcome::Refused(v) => {
                m.serialize_entry("violations", v)?;
                m.serialize_entry("warnings", &self.warnings)?;
            }
        }
        m.end()
    }
}

/// A view of a resulting state without some of its sets (those an actor may not read), built
/// the first time it is asked for.
#[derive(Clone, Default)]
pub(crate) struct Without {
    /// The names of the sets left out, as the resulting state spells them (empty: the view is
    /// the whole state).
    hidden: Vec<Text>,
    built: OnceLock<State>,
}

impl Without {
    /// A view without the sets named in `hidden`.
    pub(crate) fn new(hidden: Vec<Text>) -> Self {
        Self {
            hidden,
            built: OnceLock::new(),
        }
    }

    /// The view of `whole`: `whole` itself when nothing is hidden, else a copy without the
    /// hidden sets, made on the first call.
    pub(crate) fn of<'s>(&'s self, whole: &'s State) -> &'s State {
        if self.hidden.is_empty() {
            return whole;
        }
        self.built.get_or_init(|| {
            let mut v = whole.clone();
            v.retain_sets(|set| !self.hidden.iter().any(|h| **h == *set));
            v
        })
    }
}

impl fmt::Debug for Without {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Without")
            .field("hidden", &self.hidden)
            .finish_non_exhaustive()
    }
}
