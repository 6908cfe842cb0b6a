//! `--batch`: one JSON line in, one JSON line out.

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

use super::CheckReport;
use crate::auth::Actor;
use crate::engine::Engine;
use crate::object::Object;
use crate::plan::PlanMode;
use crate::violation::{Verdict, Violation};

/// One line of a batch's output: the line's report with the object's id
/// (`{"objectId", ...the report}`), or why the line could not be decided
/// (`{"objectId", "line", "error", "violations"}`). A bad line never stops a batch.
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
pub struct BatchLine {
    object_id: Option<String>,
    outcome: Line,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Line {
    Decided(CheckReport),
    Failed {
        line: usize,
        error: String,
        violations: Vec<Violation>,
    },
}

impl BatchLine {
    /// `csa plan --batch`: line number `line` (counted from 1), `{"object": {...}, "desired":
    /// {...}}`, planned on `engine` as `actor`. `None` for a blank line.
    pub fn plan(
        engine: &Engine,
        actor: Option<&Actor>,
        (line, text): (usize, &[u8]),
        mode: PlanMode,
        audit: bool,
    ) -> Option<BatchLine> {
        if text.iter().all(u8::is_ascii_whitespace) {
            return None;
        }
        // The two documents as they are in the line (raw), so the plan sees the desired
        // state's own bytes and key order.
        #[derive(serde::Deserialize)]
        struct Parts<'a> {
            #[serde(borrow)]
            object: &'a serde_json::value::RawValue,
            #[serde(borrow)]
            desired: &'a serde_json::value::RawValue,
        }
        let Ok(parts) = serde_json::from_slice::<Parts<'_>>(text) else {
            return Some(Self::failed(
                None,
                line,
                "the line is not {\"object\": {...}, \"desired\": {...}}",
                Vec::new(),
            ));
        };
        let object = match Object::from_json(parts.object.get().as_bytes()) {
            Ok(o) => o,
            Err(e) => {
                // The object is not one; its id, if it has a readable one, still names the line.
                #[derive(serde::Deserialize)]
                struct Id {
                    id: Option<String>,
                }
                let id = serde_json::from_str::<Id>(parts.object.get())
                    .ok()
                    .and_then(|i| i.id);
                return Some(Self::failed(
                    id,
                    line,
                    "invalid object",
                    e.into_violations(),
                ));
            }
        };
        let evaluation = engine.plan(&object, actor, parts.desired.get().as_bytes(), mode);
        Some(BatchLine {
            object_id: object.id().map(str::to_owned),
            outcome: Line::Decided(CheckReport::new(engine, &object, actor, evaluation, audit)),
        })
    }

    /// The error line for line `line`, `len` bytes long, over the `max` bytes allowed (its
    /// text is never kept).
    pub fn too_long(line: usize, len: usize, max: usize) -> BatchLine {
        Self::failed(
            None,
            line,
            &format!(
                "the line is {len} bytes, more than the {max} bytes allowed (payload_too_large)"
            ),
            Vec::new(),
        )
    }

    fn failed(
        object_id: Option<String>,
        line: usize,
        error: &str,
        violations: Vec<Violation>,
    ) -> BatchLine {
        BatchLine {
            object_id,
            outcome: Line::Failed {
                line,
                error: error.to_owned(),
                violations,
            },
        }
    }

    /// The object's id, when the line names one.
    pub fn object_id(&self) -> Option<&str> {
        self.object_id.as_deref()
    }

    /// The line's report, when it could be decided.
    pub fn report(&self) -> Option<&CheckReport> {
        match &self.outcome {
            Line::Decided(r) => Some(r),
            Line::Failed { .. } => None,
        }
    }

    /// Whether the line was decided and accepted.
    pub fn is_allowed(&self) -> bool {
        self.report().is_some_and(CheckReport::is_allowed)
    }
}

impl Serialize for BatchLine {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match &self.outcome {
            Line::Decided(report) => {
                #[derive(Serialize)]
                struct Decided<'a> {
                    #[serde(rename = "objectId")]
                    object_id: Option<&'a str>,
                    #[serde(flatten)]
                    report: &'a CheckReport,
                }
                Decided {
                    object_id: self.object_id.as_deref(),
                    report,
                }
                .serialize(s)
            }
            Line::Failed {
                line,
                error,
                violations,
            } => {
                let mut m = s.serialize_map(Some(4))?;
                m.serialize_entry("objectId", &self.object_id)?;
                m.serialize_entry("line", line)?;
                m.serialize_entry("error", error)?;
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
            Line::Failed { violations, .. } => violations,
        }
    }
    fn warnings(&self) -> &[crate::violation::Warning] {
        self.report().map_or(&[], |r| r.warnings())
    }
}
