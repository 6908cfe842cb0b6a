//! Rules across a catalog's items (docs/RULES.md, Catalogs), checked once every item is read: names
//! unique (`duplicate_name`: sets in the tenant, attributes in a set), a definition's set exists
//! (`unknown_attribute_set`), and the limits (`limit_exceeded`: 500 sets, 500 `Available`
//! definitions, a set's `maxAttributesPerSet`). Definition requests check the catalog a write would
//! give with the same function. Also [`Catalog::lint`], which reports them all.

use std::ops::Range;

use hashbrown::HashMap;
use serde::Serialize;

use super::model::{AttributeDefinition, AttributeSet, Status};
use super::Catalog;
use crate::limits::{MAX_ACTIVE_DEFINITIONS, MAX_ATTRIBUTE_SETS};
use crate::names::Name;
use crate::policy::Policy;
use crate::reader::Diag;
use crate::violation::{Code, Pointer, Verdict, Violation, Warning};

/// What `csa lint` reports: validity, every violation and every warning.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[must_use]
pub struct LintReport {
    valid: bool,
    violations: Vec<Violation>,
    warnings: Vec<Warning>,
}

impl LintReport {
    /// Whether the catalog is valid.
    pub fn is_valid(&self) -> bool {
        self.valid
    }
    /// Every violation.
    pub fn violations(&self) -> &[Violation] {
        &self.violations
    }
    /// Every warning.
    pub fn warnings(&self) -> &[Warning] {
        &self.warnings
    }
}

impl Verdict for LintReport {
    fn violations(&self) -> &[Violation] {
        &self.violations
    }
    fn warnings(&self) -> &[Warning] {
        &self.warnings
    }
}

impl crate::violation::Parts for LintReport {
    fn parts_mut(&mut self) -> (&mut [Violation], &mut [Warning]) {
        (&mut self.violations, &mut self.warnings)
    }
}

impl Catalog {
    /// Validates a catalog and reports everything (what `csa lint` prints).
    pub fn lint(bytes: &[u8], policy: &Policy) -> LintReport {
        match Self::from_json_with(bytes, policy) {
            Ok(c) => LintReport {
                valid: true,
                violations: Vec::new(),
                warnings: c.warnings,
            },
            Err(e) => LintReport {
                valid: false,
                warnings: e.warnings().to_vec(),
                violations: e.into_violations(),
            },
        }
    }
}

/// What the rules across items read of an attribute set: as much as could be read of it, so
/// that a set broken in itself (a description too long, say) still exists for its definitions.
/// Spans are where the item is in the catalog's text (none for items of a definition request's
/// catalog, which has no text).
#[derive(Debug, Clone)]
pub(crate) struct SetKey {
    /// Its id, when it is a valid name, and the span of its value.
    pub(crate) id: Option<(Name, Option<Range<usize>>)>,
    /// Its `maxAttributesPerSet`, when set and readable.
    pub(crate) max: Option<u32>,
    pub(crate) ptr: Pointer,
    pub(crate) span: Option<Range<usize>>,
}

impl SetKey {
    /// The key of a set read whole, with no span.
    pub(crate) fn of(set: &AttributeSet, ptr: Pointer) -> Self {
        Self {
            id: Some((set.id.clone(), None)),
            max: set.max_attributes_per_set,
            ptr,
            span: None,
        }
    }
}

/// What the rules across items read of a definition: its set, name and status when each could
/// be read (names only when valid), with the spans of their values.
#[derive(Debug, Clone)]
pub(crate) struct DefKey {
    pub(crate) set: Option<(Name, Option<Range<usize>>)>,
    pub(crate) name: Option<(Name, Option<Range<usize>>)>,
    pub(crate) status: Option<(Status, Option<Range<usize>>)>,
    pub(crate) ptr: Pointer,
}

impl DefKey {
    /// The key of a definition read whole, with no span.
    pub(crate) fn of(def: &AttributeDefinition, ptr: Pointer) -> Self {
        Self {
            set: Some((def.attribute_set.clone(), None)),
            name: Some((def.name.clone(), None)),
            status: Some((def.status, None)),
            ptr,
        }
    }
}

/// `v` with the span, when there is one.
fn spanned(v: Violation, span: Option<&Range<usize>>) -> Violation {
    match span {
        Some(span) => v.span(span.clone()),
        None => v,
    }
}

/// Cross-item rules: uniqueness, set existence, tenant and per-set limits, on what was read of
/// each item. Nothing is said from what could not be read: a definition whose set or name is
/// unreadable takes part in no rule, a status that is unreadable counts toward no limit, and
/// while some attribute set's id is unreadable no definition is called `unknown_attribute_set`
/// (that set may be the one it names).
pub(crate) fn validate_catalog(sets: &[SetKey], defs: &[DefKey], d: &mut Diag) {
    let mut seen: HashMap<Name, usize> = HashMap::new();
    let mut named_sets = 0usize;
    for (i, s) in sets.iter().enumerate() {
        let Some((id, id_span)) = &s.id else {
            continue;
        };
        named_sets += 1;
        if let Some(&first) = seen.get(id) {
            let other = sets
                .get(first)
                .and_then(|o| o.id.as_ref())
                .map(|(o, _)| o.as_str())
                .unwrap_or_default();
            d.push(spanned(
                Violation::new(
                    Code::DuplicateName,
                    s.ptr.key("id"),
                    format!("the attribute set `{id}` is defined twice (as `{other}` before)"),
                )
                .with_hint("attribute set names are case-insensitive: keep one of them"),
                id_span.as_ref(),
            ));
        } else {
            seen.insert(id.clone(), i);
        }
        if named_sets == MAX_ATTRIBUTE_SETS + 1 {
            d.push(spanned(
                Violation::new(
                    Code::LimitExceeded,
                    &s.ptr,
                    format!(
                        "the tenant has {} attribute sets, more than {MAX_ATTRIBUTE_SETS}",
                        sets.iter().filter(|s| s.id.is_some()).count()
                    ),
                ),
                s.span.as_ref(),
            ));
        }
    }
    let every_set_read = named_sets == sets.len();
    let mut defs_seen: HashMap<(Name, Name), ()> = HashMap::new();
    let mut active_per_set: HashMap<Name, u32> = HashMap::new();
    let mut active = 0usize;
    for def in defs {
        let (Some((set, set_span)), Some((name, name_span))) = (&def.set, &def.name) else {
            continue;
        };
        let id = format!("{set}_{name}");
        let Some(&si) = seen.get(set) else {
            if every_set_read {
                d.push(spanned(
                    Violation::new(
                        Code::UnknownAttributeSet,
                        def.ptr.key("attributeSet"),
                        format!("the attribute set `{set}` does not exist"),
                    )
                    .maybe_hint(set_hint(
                        set.as_str(),
                        sets.iter()
                            .filter_map(|s| s.id.as_ref())
                            .map(|(s, _)| s.as_str()),
                    ))
                    .attr(id),
                    set_span.as_ref(),
                ));
            }
            continue;
        };
        let key = (set.clone(), name.clone());
        if defs_seen.contains_key(&key) {
            d.push(spanned(
                Violation::new(
                    Code::DuplicateName,
                    def.ptr.key("name"),
                    format!("the attribute `{name}` is defined twice in `{set}`"),
                )
                .with_hint(
                    "attribute names are case-insensitive and unique per set: keep one of them",
                )
                .attr(id),
                name_span.as_ref(),
            ));
            continue;
        }
        defs_seen.insert(key, ());
        let Some((Status::Available, status_span)) = &def.status else {
            continue;
        };
        active += 1;
        if active == MAX_ACTIVE_DEFINITIONS + 1 {
            d.push(spanned(
                Violation::new(
                    Code::LimitExceeded,
                    def.ptr.key("status"),
                    format!("the tenant has more than {MAX_ACTIVE_DEFINITIONS} active definitions"),
                )
                .with_hint(
                    "deactivate definitions (`status: Deprecated`) that are no longer needed",
                )
                .attr(id.clone()),
                status_span.as_ref(),
            ));
        }
        let count = active_per_set.entry(set.clone()).or_insert(0);
        *count += 1;
        let max = sets.get(si).and_then(|s| s.max);
        if let Some(max) = max {
            if *count == max + 1 {
                d.push(spanned(
                    Violation::new(
                        Code::LimitExceeded,
                        def.ptr.key("status"),
                        format!(
                            "the attribute set `{set}` has more than {max} active definitions (its `maxAttributesPerSet`)"
                        ),
                    )
                    .with_hint("raise the set's `maxAttributesPerSet` or deactivate definitions")
                    .attr(id),
                    status_span.as_ref(),
                ));
            }
        }
    }
}

/// "did you mean" for a set name, among the given candidates.
pub(crate) fn set_hint<'c>(
    wanted: &str,
    candidates: impl IntoIterator<Item = &'c str>,
) -> Option<String> {
    crate::names::closest(wanted, candidates).map(|c| format!("did you mean `{c}`?"))
}
