//! The resulting state of a [`super::Diff`], built the first time it is asked for: most
//! evaluations are only asked whether they pass and what changes, so the copy of the object's
//! state with the changes written in is not made for them.

use std::fmt;
use std::sync::{Arc, OnceLock};

use super::Change;
use crate::value::State;

/// The state after some changes: the state before (shared, not copied) until the result is
/// first asked for.
#[derive(Clone)]
pub(crate) struct After {
    before: Arc<State>,
    built: OnceLock<State>,
}

impl After {
    /// The state `before` with changes to be written in.
    pub(crate) fn new(before: Arc<State>) -> Self {
        Self {
            before,
            built: OnceLock::new(),
        }
    }

    /// The resulting state, built on the first call.
    pub(crate) fn get(&self, changes: &[Change]) -> &State {
        self.built.get_or_init(|| self.build(changes))
    }

    /// The state before with each change written in, in order ([`super::apply`]):
    /// replacements keep their place, additions go last in their set (a new set last), and a
    /// set left empty disappears.
    fn build(&self, changes: &[Change]) -> State {
        super::apply(&self.before, changes)
    }
}

impl fmt::Debug for After {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("After")
            .field("before", &self.before)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::apply;
    use crate::value::Value;

    /// Built when asked for, the state is what applying the changes in order gives: a
    /// replacement keeps its place, an addition to a held set goes last in it, a new set goes
    /// last, and a set left empty disappears.
    #[test]
    fn built_state_is_the_changes_applied_in_order() {
        let mut before = State::new();
        before.insert("Engineering", "Project", Value::String("A".into()));
        before.insert("Engineering", "Level", Value::Integer(1));
        before.insert("Marketing", "Region", Value::String("EU".into()));
        let changes: Vec<Change> = [
            Change::between(
                "Engineering",
                "Project",
                Some(Value::String("A".into())),
                Some(Value::String("B".into())),
            ),
            Change::between("Engineering", "Cost", None, Some(Value::Integer(7))),
            Change::between(
                "Marketing",
                "Region",
                Some(Value::String("EU".into())),
                None,
            ),
            Change::between("Sales", "Quota", None, Some(Value::Integer(3))),
        ]
        .into_iter()
        .flatten()
        .collect();
        let after = After::new(Arc::new(before.clone()));
        let built = after.get(&changes);
        assert_eq!(*built, apply(&before, &changes));
        let order: Vec<(&str, &str)> = built.iter().map(|(s, a, _)| (s, a)).collect();
        assert_eq!(
            order,
            [
                ("Engineering", "Project"),
                ("Engineering", "Level"),
                ("Engineering", "Cost"),
                ("Sales", "Quota"),
            ]
        );
        // Asked again, the same state (built once).
        assert!(std::ptr::eq(built, after.get(&changes)));
    }
}
