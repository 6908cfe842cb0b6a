//! Rules across a catalog's items (docs/RULES.md, Catalogs), checked once every item is read: names
//! unique (`duplicate_name`: sets in the tenant, attributes in a set), a definition's set exists
//! (`unknown_attribute_set`), and the limits (`limit_exceeded`: 500 sets, 500 `Available`
//! definitions, a set's `maxAttributesPerSet`). Definition requests check the catalog a write would
//! give with the same function. Also [`Catalog::lint`], which reports them all.

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

/// Cross-item rules: uniqueness, set existence, tenant and per-set limits.
pub(crate) fn validate_catalog(
    sets: &[(AttributeSet, Pointer)],
    defs: &[(AttributeDefinition, Pointer)],
    d: &mut Diag,
) {
    let mut seen: HashMap<Name, usize> = HashMap::new();
    for (i, (s, p)) in sets.iter().enumerate() {
        if let Some(&first) = seen.get(&s.id) {
            let other = sets
                .get(first)
                .map(|(o, _)| o.id.as_str())
                .unwrap_or_default();
            d.push(
                Violation::new(
                    Code::DuplicateName,
                    p.key("id"),
                    format!(
                        "the attribute set `{}` is defined twice (as `{other}` before)",
                        s.id
                    ),
                )
                .with_hint("attribute set names are case-insensitive: keep one of them"),
            );
        } else {
            seen.insert(s.id.clone(), i);
        }
    }
    if sets.len() > MAX_ATTRIBUTE_SETS {
        if let Some((_, p)) = sets.get(MAX_ATTRIBUTE_SETS) {
            d.push(Violation::new(
                Code::LimitExceeded,
                p,
                format!(
                    "the tenant has {} attribute sets, more than {MAX_ATTRIBUTE_SETS}",
                    sets.len()
                ),
            ));
        }
    }
    let mut defs_seen: HashMap<(Name, Name), ()> = HashMap::new();
    let mut active_per_set: HashMap<Name, u32> = HashMap::new();
    let mut active = 0usize;
    for (def, p) in defs {
        let Some(&si) = seen.get(&def.attribute_set) else {
            d.push(
                Violation::new(
                    Code::UnknownAttributeSet,
                    p.key("attributeSet"),
                    format!("the attribute set `{}` does not exist", def.attribute_set),
                )
                .maybe_hint(set_hint(
                    def.attribute_set.as_str(),
                    sets.iter().map(|(s, _)| s.id.as_str()),
                ))
                .attr(def.id()),
            );
            continue;
        };
        let key = (def.attribute_set.clone(), def.name.clone());
        if defs_seen.contains_key(&key) {
            d.push(
                Violation::new(
                    Code::DuplicateName,
                    p.key("name"),
                    format!(
                        "the attribute `{}` is defined twice in `{}`",
                        def.name, def.attribute_set
                    ),
                )
                .with_hint(
                    "attribute names are case-insensitive and unique per set: keep one of them",
                )
                .attr(def.id()),
            );
            continue;
        }
        defs_seen.insert(key, ());
        if def.status != Status::Available {
            continue;
        }
        active += 1;
        if active == MAX_ACTIVE_DEFINITIONS + 1 {
            d.push(
                Violation::new(
                    Code::LimitExceeded,
                    p.key("status"),
                    format!("the tenant has more than {MAX_ACTIVE_DEFINITIONS} active definitions"),
                )
                .with_hint(
                    "deactivate definitions (`status: Deprecated`) that are no longer needed",
                )
                .attr(def.id()),
            );
        }
        let count = active_per_set.entry(def.attribute_set.clone()).or_insert(0);
        *count += 1;
        let max = sets.get(si).and_then(|(s, _)| s.max_attributes_per_set);
        if let Some(max) = max {
            if *count == max + 1 {
                d.push(
                    Violation::new(
                        Code::LimitExceeded,
                        p.key("status"),
                        format!(
                            "the attribute set `{}` has more than {max} active definitions (its `maxAttributesPerSet`)",
                            def.attribute_set
                        ),
                    )
                    .with_hint("raise the set's `maxAttributesPerSet` or deactivate definitions")
                    .attr(def.id()),
                );
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
