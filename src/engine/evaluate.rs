//! One evaluation from start to end: the rules run over the body, then, only if none was broken,
//! the resulting state is the current one with the changes written in.

use std::borrow::Cow;
use std::cell::Cell;

use smallvec::SmallVec;

use super::evaluation::{Evaluation, Outcome};
use super::rules::Cx;
use super::{Engine, Position};
use crate::auth::Actor;
use crate::diff::Diff;
use crate::limits::MAX_SUGGESTIONS;
use crate::object::Object;
use crate::value::State;
use crate::violation::{sort_violations, sort_warnings, Authorization, Warning};

impl Engine {
    /// The evaluation proper, on the object's normalised state (which becomes the result).
    pub(super) fn evaluate_state(
        &self,
        object: &Object,
        state: Cow<'_, State>,
        (held, value_count): (&[(usize, Position)], usize),
        state_warnings: Vec<Warning>,
        actor: Option<&Actor>,
        (body, max_depth): (&[u8], usize),
    ) -> Evaluation {
        let mut cx = Cx {
            engine: self,
            object,
            actor,
            held,
            value_count,
            violations: Vec::new(),
            warnings: Vec::new(),
            held_at: SmallVec::new(),
            suggestions_left: Cell::new(MAX_SUGGESTIONS),
        };
        let changes = cx.run(&state, body, max_depth);
        let authorization = if actor.is_some() {
            Authorization::Checked
        } else {
            Authorization::NotChecked
        };
        let mut warnings = cx.warnings;
        if let Some(a) = actor {
            warnings.extend(a.warnings().iter().cloned());
        }
        // Warnings about the object only matter for attributes the actor may read.
        warnings.extend(state_warnings.into_iter().filter(|w| {
            let set = w
                .attribute()
                .and_then(|a| a.split_once('_'))
                .map(|(s, _)| s);
            match (actor, set) {
                (Some(a), Some(set)) => a.can_read_assignments(&object.kind, set),
                _ => true,
            }
        }));
        sort_warnings(&mut warnings);
        let mut violations = cx.violations;
        if !violations.is_empty() {
            sort_violations(&mut violations);
            return Evaluation {
                authorization,
                warnings,
                outcome: Outcome::Refused(violations),
            };
        }
        // The resulting state: the current one (copied only now, with room for the additions)
        // changed in place.
        let held_at = cx.held_at;
        debug_assert_eq!(held_at.len(), changes.len(), "one position per change");
        let mut state = match state {
            Cow::Owned(mut s) => {
                s.reserve(changes.len());
                s
            }
            // A value about to be replaced is not copied (it would be dropped at once); the
            // replacement below puts the new one there.
            Cow::Borrowed(s) => s.clone_with_room(changes.len(), |p| {
                held_at
                    .iter()
                    .zip(&changes)
                    .any(|(at, c)| *at == Some(p) && c.after.is_some())
            }),
        };
        // Replacements keep their place, so they go straight to where the check found the
        // attribute (the state is still laid out as it was then); additions and removals follow,
        // in order, which gives what applying every change in order gives.
        // One path: the positions were taken from this very state (`Cx::held_at` checks each in
        // debug builds) and `clone_with_room` keeps its layout, so every replacement lands; and
        // every defined attribute the state holds has its position, and a body changes an
        // attribute once, so an attribute without one is new to the state.
        for (c, at) in changes.iter().zip(&held_at) {
            if let (Some(v), Some(p)) = (&c.after, *at) {
                state.replace_at(p, v.clone());
            }
        }
        for (c, at) in changes.iter().zip(&held_at) {
            match (&c.after, at) {
                (Some(_), Some(_)) => {}
                (Some(v), None) => state.push_new(&c.attribute_set, &c.name, v.clone()),
                (None, _) => {
                    state.remove(&c.attribute_set, &c.name);
                }
            }
        }
        // The actor's view is a separate copy only when some set is hidden from it.
        let visible = actor
            .filter(|a| {
                !state
                    .sets
                    .iter()
                    .all(|s| a.can_read_assignments(&object.kind, &s.name))
            })
            .map(|a| {
                let mut v = state.clone();
                v.retain_sets(|set| a.can_read_assignments(&object.kind, set));
                v
            });
        Evaluation {
            authorization,
            warnings,
            outcome: Outcome::Accepted {
                diff: Diff {
                    changes,
                    after: state,
                },
                visible,
            },
        }
    }
}
