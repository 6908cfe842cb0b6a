//! One evaluation from start to end: the rules run over the body, then, only if none was broken,
//! the diff: the changes, and the resulting state (the current one with the changes written in)
//! and the actor's view of it, both built when first asked for.

use std::cell::Cell;
use std::sync::Arc;

use super::evaluation::{Evaluation, Outcome, Without};
use super::rules::Cx;
use super::{Engine, Position};
use crate::auth::Actor;
use crate::diff::{After, Diff};
use crate::limits::MAX_SUGGESTIONS;
use crate::object::Object;
use crate::text::Text;
use crate::value::State;
use crate::violation::{sort_violations, sort_warnings, Authorization, Warning};

impl Engine {
    /// The evaluation proper, on the object's normalised state (shared with the result).
    pub(super) fn evaluate_state(
        &self,
        object: &Object,
        state: Arc<State>,
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
        // The resulting state is built when first asked for, from the current one (shared, not
        // copied) and the changes. The actor's view leaves out
        // the sets it may not read: those of the current state and of the changes (the
        // resulting state holds no other), named as the resulting state names them.
        let hidden = match actor {
            None => Vec::new(),
            Some(a) => {
                let can_read = |set: &str| a.can_read_assignments(&object.kind, set);
                let mut hidden: Vec<Text> = Vec::new();
                let mut last: Option<&str> = None;
                let names = state
                    .sets
                    .iter()
                    .map(|s| &s.name)
                    .chain(changes.iter().map(|c| &c.attribute_set));
                for name in names {
                    // Changes come set by set: a set is asked about once per run.
                    if last == Some(&**name) {
                        continue;
                    }
                    last = Some(name);
                    if !can_read(name) && !hidden.contains(name) {
                        hidden.push(name.clone());
                    }
                }
                hidden
            }
        };
        Evaluation {
            authorization,
            warnings,
            outcome: Outcome::Accepted {
                diff: Diff {
                    changes,
                    after: After::new(state),
                },
                visible: Without::new(hidden),
            },
        }
    }
}
