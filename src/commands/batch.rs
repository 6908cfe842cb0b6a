//! `--batch`: one JSON line in, one JSON line out.

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};
use serde_json::value::RawValue;

use super::CheckReport;
use crate::auth::Actor;
use crate::engine::Engine;
use crate::object::{Object, ObjectKind};
use crate::plan::PlanMode;
use crate::violation::{Code, InputError, Verdict, Violation, Warning};

/// One line of a batch's output, for line `line` of the input (counted from 1):
///
/// - decided: `{"line", "objectId", ...the report}`, the report being what the single-object
///   command prints with `--format json` ([`CheckReport`]);
/// - not decidable: `{"line", "objectId", "error", "violations"}`, the [`InputError`] of the
///   line's object or actor (`"error": "invalid_object"`, `"invalid_actor"`), or `"error":
///   "invalid_line"` for a line that is not the JSON object expected (`invalid_json`,
///   `invalid_shape`) or is longer than `maxBodyBytes` (`payload_too_large`).
///
/// `objectId` is the object's `id` when the line names one (`null` otherwise). A bad line never
/// stops a batch.
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
pub struct BatchLine {
    line: usize,
    object_id: Option<String>,
    outcome: Line,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Line {
    Decided(CheckReport),
    /// The line's object or actor is not one.
    Input(InputError),
    /// The line itself is not what the command reads.
    Invalid(Vec<Violation>),
}

/// The documents of a `check --batch` line, as they are in the line.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct CheckParts<'a> {
    #[serde(borrow)]
    object: &'a RawValue,
    #[serde(borrow)]
    patch: &'a RawValue,
    #[serde(borrow, default)]
    actor: Option<&'a RawValue>,
}

/// The documents of a `plan --batch` line, as they are in the line (raw), so the plan sees the
/// desired state's own bytes and key order.
#[derive(serde::Deserialize)]
struct PlanParts<'a> {
    #[serde(borrow)]
    object: &'a RawValue,
    #[serde(borrow)]
    desired: &'a RawValue,
}

impl BatchLine {
    /// `csa check --batch`: line number `line` (counted from 1), `{"object": {...}, "patch":
    /// {...}, "actor"?: {...}}`, the PATCH body evaluated on `engine` for the object (its kind
    /// replaced by `kind` when given) as the line's own actor, else `actor`. `None` for a blank
    /// line.
    pub fn check(
        engine: &Engine,
        actor: Option<&Actor>,
        (line, text): (usize, &[u8]),
        kind: Option<ObjectKind>,
        audit: bool,
    ) -> Option<BatchLine> {
        if is_blank(text) {
            return None;
        }
        let parts = match serde_json::from_slice::<CheckParts<'_>>(text) {
            Ok(parts) => parts,
            Err(e) => return Some(Self::not_a_line(line, &e, CHECK_LINE)),
        };
        let mut object = match read_object(line, parts.object) {
            Ok(object) => object,
            Err(failed) => return Some(*failed),
        };
        if let Some(kind) = kind {
            object = object.with_kind(kind);
        }
        let own_actor = match parts.actor.map(|a| Actor::from_json(a.get().as_bytes())) {
            None => None,
            Some(Ok(a)) => Some(a),
            Some(Err(e)) => return Some(Self::input(line, object.id(), e)),
        };
        let actor = own_actor.as_ref().or(actor);
        let evaluation = engine.evaluate(&object, actor, parts.patch.get().as_bytes());
        Some(Self::decided(
            line,
            &object,
            CheckReport::new(engine, &object, actor, evaluation, audit),
        ))
    }

    /// `csa plan --batch`: line number `line` (counted from 1), `{"object": {...}, "desired":
    /// {...}}`, planned on `engine` as `actor`. `None` for a blank line.
    pub fn plan(
        engine: &Engine,
        actor: Option<&Actor>,
        (line, text): (usize, &[u8]),
        mode: PlanMode,
        audit: bool,
    ) -> Option<BatchLine> {
        if is_blank(text) {
            return None;
        }
        let parts = match serde_json::from_slice::<PlanParts<'_>>(text) {
            Ok(parts) => parts,
            Err(e) => return Some(Self::not_a_line(line, &e, PLAN_LINE)),
        };
        let object = match read_object(line, parts.object) {
            Ok(object) => object,
            Err(failed) => return Some(*failed),
        };
        let evaluation = engine.plan(&object, actor, parts.desired.get().as_bytes(), mode);
        Some(Self::decided(
            line,
            &object,
            CheckReport::new(engine, &object, actor, evaluation, audit),
        ))
    }

    /// The error line for line `line`, `len` bytes long, over the `max` bytes allowed (its
    /// text is never kept).
    pub fn too_long(line: usize, len: usize, max: usize) -> BatchLine {
        Self::invalid(
            line,
            Violation::new(
                Code::PayloadTooLarge,
                "",
                format!(
                    "the line is {len} bytes, more than the {max} bytes allowed (maxBodyBytes)"
                ),
            ),
        )
    }

    fn decided(line: usize, object: &Object, report: CheckReport) -> BatchLine {
        BatchLine {
            line,
            object_id: object.id().map(str::to_owned),
            outcome: Line::Decided(report),
        }
    }

    fn input(line: usize, object_id: Option<&str>, error: InputError) -> BatchLine {
        BatchLine {
            line,
            object_id: object_id.map(str::to_owned),
            outcome: Line::Input(error),
        }
    }

    fn invalid(line: usize, violation: Violation) -> BatchLine {
        BatchLine {
            line,
            object_id: None,
            outcome: Line::Invalid(vec![violation]),
        }
    }

    /// The line is not JSON (`invalid_json`), or not the object `expected` (`invalid_shape`).
    fn not_a_line(line: usize, error: &serde_json::Error, expected: &str) -> BatchLine {
        let violation = if error.is_data() {
            Violation::new(
                Code::InvalidShape,
                "",
                format!("the line is not {expected}: {error}"),
            )
        } else {
            Violation::new(
                Code::InvalidJson,
                "",
                format!("the line is not JSON: {error}"),
            )
        };
        Self::invalid(
            line,
            violation.with_hint(format!("each line is {expected}")),
        )
    }

    /// The input line's number, counted from 1.
    pub fn line(&self) -> usize {
        self.line
    }

    /// The object's id, when the line names one.
    pub fn object_id(&self) -> Option<&str> {
        self.object_id.as_deref()
    }

    /// The line's report, when it could be decided.
    pub fn report(&self) -> Option<&CheckReport> {
        match &self.outcome {
            Line::Decided(r) => Some(r),
            Line::Input(_) | Line::Invalid(_) => None,
        }
    }

    /// Whether the line was decided and accepted.
    pub fn is_allowed(&self) -> bool {
        self.report().is_some_and(CheckReport::is_allowed)
    }
}

const CHECK_LINE: &str = r#"{"object": {...}, "patch": {...}, "actor"?: {...}}"#;
const PLAN_LINE: &str = r#"{"object": {...}, "desired": {...}}"#;

fn is_blank(text: &[u8]) -> bool {
    text.iter().all(u8::is_ascii_whitespace)
}

/// The line's object, or its error line (named by the object's id if it has a readable one).
fn read_object(line: usize, object: &RawValue) -> Result<Object, Box<BatchLine>> {
    Object::from_json(object.get().as_bytes()).map_err(|e| {
        #[derive(serde::Deserialize)]
        struct Id {
            id: Option<String>,
        }
        let id = serde_json::from_str::<Id>(object.get())
            .ok()
            .and_then(|i| i.id);
        Box::new(BatchLine::input(line, id.as_deref(), e))
    })
}

impl Serialize for BatchLine {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Out<'a, T: Serialize> {
            line: usize,
            #[serde(rename = "objectId")]
            object_id: Option<&'a str>,
            #[serde(flatten)]
            outcome: &'a T,
        }
        match &self.outcome {
            Line::Decided(report) => Out {
                line: self.line,
                object_id: self.object_id.as_deref(),
                outcome: report,
            }
            .serialize(s),
            Line::Input(error) => Out {
                line: self.line,
                object_id: self.object_id.as_deref(),
                outcome: error,
            }
            .serialize(s),
            Line::Invalid(violations) => {
                let mut m = s.serialize_map(Some(4))?;
                m.serialize_entry("line", &self.line)?;
                m.serialize_entry("objectId", &self.object_id)?;
                m.serialize_entry("error", "invalid_line")?;
                m.serialize_entry("violations", violations)?;
                m.end()
            }
        }
    }
}

impl Verdict for BatchLine {
    fn violations(&self) -> &[Violation] {
        match &self.outcome {
            Line::Decided(r) => r.violations(),
            Line::Input(e) => e.violations(),
            Line::Invalid(violations) => violations,
        }
    }
    fn warnings(&self) -> &[Warning] {
        match &self.outcome {
            Line::Decided(r) => r.warnings(),
            Line::Input(e) => e.warnings(),
            Line::Invalid(_) => &[],
        }
    }
}
