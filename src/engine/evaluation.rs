//! [`Evaluation`]: what deciding one PATCH gives, and its JSON form.

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

use crate::diff::Diff;
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

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Outcome {
    /// `visible` is `None` when the actor sees the whole resulting state.
    Accepted {
        diff: Diff,
        visible: Option<State>,
    },
    Refused(Vec<Violation>),
}

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
            Outcome::Accepted { diff, visible } => Some(visible.as_ref().unwrap_or(&diff.after)),
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
                let visible = visible.as_ref().unwrap_or(&diff.after);
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
