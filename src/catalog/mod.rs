//! The catalog: attribute sets, attribute definitions and their allowed values (docs/RULES.md,
//! Catalogs), parsed from Graph's JSON, validated once, then indexed for case-insensitive hash
//! lookups.
//!
//! This file owns [`Catalog`]: reading one ([`Catalog::from_json`]), its indexes and lookups, and
//! its Graph JSON form. The rest of the concept, lowest first:
//!
//! - [`model`]: the items ([`AttributeSet`], [`AttributeDefinition`], [`AllowedValue`],
//!   [`Status`]) and a definition's allowed-value indexes;
//! - [`parse`]: Graph's JSON read into items, with every rule on one item;
//! - [`validate`]: the rules across items (uniqueness, set existence, limits) and
//!   [`Catalog::lint`];
//! - [`evolve`]: [`Catalog::evolve`] and [`Catalog::impact`], the differences between two
//!   catalogs as Entra treats them;
//! - [`define`]: [`Catalog::define`], Graph's definition requests, which read bodies with
//!   [`parse`], check the new catalog with [`validate`] and take their changes from [`evolve`];
//! - [`path`]: Graph's paths and URLs, which `define` reads and `evolve` writes.
//!
//! Where the codes of docs/RULES.md, Catalogs and Definition requests and catalog evolution, are
//! decided:
//!
//! - `parse.rs`: `invalid_json`, `payload_too_large` (a catalog), `missing_property`,
//!   `invalid_property`, `invalid_name`, `description_too_long`, `id_mismatch`, `invalid_type`,
//!   `invalid_status`, `boolean_collection`, `boolean_predefined`, `invalid_allowed_value`,
//!   `too_many_allowed_values` and `duplicate_name` among a definition's allowed values;
//! - `validate.rs`: `duplicate_name` among sets and among a set's attributes,
//!   `unknown_attribute_set`, `limit_exceeded`;
//! - `evolve.rs`: `immutable_changed`, `predefined_only_enabled` and `deleted` in a diff;
//! - `define/`: the same rules for request bodies, and what only requests have:
//!   `unsupported_request` (`mod.rs`), `not_found` and `permission_denied` (`access.rs`),
//!   `immutable_changed` (`body.rs`), `predefined_only_enabled` (`definition.rs`),
//!   `limit_exceeded` on `maxAttributesPerSet` (`set.rs`), `too_many_allowed_values` and
//!   `duplicate_name` of added values (`value.rs`), `deleted` (`delete.rs`).

mod define;
mod evolve;
mod model;
mod parse;
mod path;
mod validate;

pub use define::{DefineOutcome, DefinitionRequest, Method, UnknownMethod};
pub use evolve::{ChangeKind, DefinitionChange, Evolution, Impact, ImpactEffect};
pub use model::{AllowedValue, AttributeDefinition, AttributeSet, Status};
pub(crate) use validate::set_hint;
pub use validate::LintReport;

use hashbrown::HashMap;
use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

use self::path::{list_context, DEFINITIONS, SETS, VALUES};
use crate::names::{Name, NameRef};
use crate::policy::Policy;
use crate::reader::Diag;
use crate::violation::{sort_warnings, InputError, Warning};

/// A validated, indexed, immutable catalog. Cheap to share across threads (`Send + Sync`).
#[derive(Debug, Clone)]
pub struct Catalog {
    pub(crate) sets: Vec<AttributeSet>,
    pub(crate) definitions: Vec<AttributeDefinition>,
    set_index: HashMap<Name, usize>,
    /// Per set (parallel to `sets`): attribute name → index in `definitions`.
    def_index: Vec<HashMap<Name, usize>>,
    warnings: Vec<Warning>,
    /// Which build this is: positions taken from one catalog (by [`crate::Engine::prepare`])
    /// are only used with the same catalog or a clone of it. A catalog is never changed after
    /// it is built, so clones share the id and the content.
    pub(crate) build_id: u64,
}

impl Catalog {
    /// Parses and validates a catalog with the default policy.
    pub fn from_json(bytes: &[u8]) -> Result<Catalog, InputError> {
        Self::from_json_with(bytes, &Policy::default())
    }

    /// Parses and validates a catalog, refusing inputs over `policy.max_catalog_bytes`.
    pub fn from_json_with(bytes: &[u8], policy: &Policy) -> Result<Catalog, InputError> {
        let mut d = Diag::default();
        let Some((sets, defs)) = parse::parse_catalog(bytes, policy, &mut d) else {
            return Err(d.into_error());
        };
        // The rules across items see every item, as far as it could be read.
        let (sets, set_keys): (Vec<_>, Vec<_>) = sets.into_iter().unzip();
        let (defs, def_keys): (Vec<_>, Vec<_>) = defs.into_iter().unzip();
        validate::validate_catalog(&set_keys, &def_keys, &mut d);
        sort_warnings(&mut d.warnings);
        // Every item was read whole when there is no violation.
        let sets: Option<Vec<_>> = sets.into_iter().collect();
        let defs: Option<Vec<_>> = defs.into_iter().collect();
        match (sets, defs) {
            (Some(sets), Some(defs)) if d.violations.is_empty() => {
                let mut c = Catalog::build(sets, defs);
                c.warnings = d.warnings;
                Ok(c)
            }
            _ => Err(d.into_error()),
        }
    }

    /// Builds the indexes. The inputs must be valid (names unique, sets exist).
    pub(crate) fn build(
        sets: Vec<AttributeSet>,
        mut definitions: Vec<AttributeDefinition>,
    ) -> Self {
        let mut set_index = HashMap::with_capacity(sets.len());
        for (i, s) in sets.iter().enumerate() {
            set_index.entry(s.id.clone()).or_insert(i);
        }
        let mut def_index: Vec<HashMap<Name, usize>> = vec![HashMap::new(); sets.len()];
        for (i, d) in definitions.iter_mut().enumerate() {
            // Value indexes are built where a definition is made or changed (parse_definition,
            // define's write_definition), not again here.
            debug_assert_eq!(d.value_index.len(), d.allowed_values.len(), "{}", d.id);
            let Some(&si) = set_index.get(&NameRef(d.attribute_set.as_str())) else {
                continue;
            };
            // A definition may name its set in another casing; outputs use the set's own.
            if let Some(set) = sets.get(si) {
                if set.id.as_str() != d.attribute_set.as_str() {
                    d.attribute_set = set.id.clone();
                    d.id = format!("{}_{}", set.id, d.name).into();
                }
            }
            if let Some(map) = def_index.get_mut(si) {
                map.entry(d.name.clone()).or_insert(i);
            }
        }
        static BUILDS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        Catalog {
            sets,
            definitions,
            set_index,
            def_index,
            warnings: Vec::new(),
            build_id: BUILDS.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
        }
    }

    /// An empty catalog.
    pub fn empty() -> Self {
        Self::build(Vec::new(), Vec::new())
    }

    /// Warnings found while parsing.
    pub fn warnings(&self) -> &[Warning] {
        &self.warnings
    }

    /// All attribute sets, in input order.
    pub fn attribute_sets(&self) -> &[AttributeSet] {
        &self.sets
    }

    /// All definitions, in input order.
    pub fn definitions(&self) -> &[AttributeDefinition] {
        &self.definitions
    }

    /// The set with this name (case-insensitive).
    pub fn attribute_set(&self, name: &str) -> Option<&AttributeSet> {
        self.set_index
            .get(&NameRef(name))
            .and_then(|&i| self.sets.get(i))
    }

    pub(crate) fn set_position(&self, name: &str) -> Option<usize> {
        self.set_index.get(&NameRef(name)).copied()
    }

    /// The definition `set`/`name` (case-insensitive).
    pub fn definition(&self, set: &str, name: &str) -> Option<&AttributeDefinition> {
        let si = self.set_position(set)?;
        self.definition_in(si, name)
    }

    pub(crate) fn definition_in(&self, set_pos: usize, name: &str) -> Option<&AttributeDefinition> {
        self.definitions
            .get(self.definition_index_in(set_pos, name)?)
    }

    /// Where [`Catalog::definition_in`]'s definition is in [`Catalog::definitions`].
    pub(crate) fn definition_index_in(&self, set_pos: usize, name: &str) -> Option<usize> {
        self.def_index.get(set_pos)?.get(&NameRef(name)).copied()
    }

    /// The definition with id `{set}_{name}` (case-insensitive).
    pub fn definition_by_id(&self, id: &str) -> Option<&AttributeDefinition> {
        let (set, name) = id.split_once('_')?;
        self.definition(set, name)
    }

    /// The definitions of one set, in input order.
    pub fn definitions_in<'c>(
        &'c self,
        set: &str,
    ) -> impl Iterator<Item = &'c AttributeDefinition> + 'c {
        let set = self.attribute_set(set).map(|s| s.id.clone());
        self.definitions
            .iter()
            .filter(move |d| set.as_ref().is_some_and(|s| *s == d.attribute_set))
    }

    /// The names of the `Available` definitions of the set at `set_pos`, in no particular
    /// order: what a "did you mean" may suggest (a deactivated attribute cannot be assigned),
    /// found through the set's index rather than a pass over every definition.
    pub(crate) fn active_names_in(&self, set_pos: usize) -> impl Iterator<Item = &str> + '_ {
        self.def_index
            .get(set_pos)
            .into_iter()
            .flat_map(|names| names.values())
            .filter_map(|&i| self.definitions.get(i))
            .filter(|d| d.status() == Status::Available)
            .map(|d| d.name())
    }

    /// The catalog in Graph's list-response form, as `csa` reads it.
    pub fn to_json(&self) -> serde_json::Value {
        model::to_json(self)
    }
}

impl Serialize for Catalog {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        struct List<'a, T>(&'a str, &'a [T]);
        impl<T: Serialize> Serialize for List<'_, T> {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let mut m = s.serialize_map(Some(2))?;
                m.serialize_entry("@odata.context", self.0)?;
                m.serialize_entry("value", self.1)?;
                m.end()
            }
        }
        let mut m = s.serialize_map(Some(2))?;
        let expanded = format!("{DEFINITIONS}({VALUES}())");
        m.serialize_entry(SETS, &List(&list_context(SETS), &self.sets))?;
        m.serialize_entry(
            DEFINITIONS,
            &List(&list_context(&expanded), &self.definitions),
        )?;
        m.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::violation::WarningCode;

    const SAMPLE: &str = include_str!("../../tests/data/graph-examples/sample-catalog.json");

    #[test]
    fn sample_catalog_is_valid() {
        let c = Catalog::from_json(SAMPLE.as_bytes()).unwrap();
        assert_eq!(c.attribute_sets().len(), 5);
        assert_eq!(c.definitions().len(), 11);
        let d = c.definition("engineering", "PROJECT").unwrap();
        assert_eq!(d.id(), "Engineering_Project");
        assert!(d.allowed_value("Baker").is_some());
        assert!(d.allowed_value("baker").is_none());
        assert!(c.definition_by_id("operations_project").is_some());
        // The sample's top-level `description` is not part of a catalog.
        assert_eq!(c.warnings().len(), 1);
        assert_eq!(c.warnings()[0].code(), WarningCode::IgnoredProperty);
    }

    #[test]
    fn catalog_is_send_sync() {
        fn check<T: Send + Sync>() {}
        check::<Catalog>();
    }

    #[test]
    fn definitions_take_their_sets_casing() {
        let c = Catalog::from_json(
            br#"{"attributeSets":[{"id":"Engineering"}],"customSecurityAttributeDefinitions":[
            {"attributeSet":"engineering","name":"Project","type":"String","isCollection":false,
             "isSearchable":true,"status":"Available","usePreDefinedValuesOnly":false}]}"#,
        )
        .unwrap();
        let d = c.definition("ENGINEERING", "project").unwrap();
        assert_eq!(d.attribute_set(), "Engineering");
        assert_eq!(d.id(), "Engineering_Project");
    }

    #[test]
    fn serialises_back_to_a_valid_catalog() {
        let c = Catalog::from_json(SAMPLE.as_bytes()).unwrap();
        let bytes = serde_json::to_vec(&c).unwrap();
        let again = Catalog::from_json(&bytes).unwrap();
        assert_eq!(again.definitions(), c.definitions());
        assert!(again.warnings().is_empty());
    }

    /// The lists carry Graph's own `@odata.context`, as a list response does.
    #[test]
    fn serialises_as_graph_list_responses() {
        let json = Catalog::from_json(SAMPLE.as_bytes()).unwrap().to_json();
        assert_eq!(
            json["attributeSets"]["@odata.context"],
            "https://graph.microsoft.com/v1.0/$metadata#directory/attributeSets"
        );
        assert_eq!(
            json["customSecurityAttributeDefinitions"]["@odata.context"],
            "https://graph.microsoft.com/v1.0/$metadata#directory/customSecurityAttributeDefinitions(allowedValues())"
        );
    }
}
