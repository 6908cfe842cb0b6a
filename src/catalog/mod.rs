//! The catalog: attribute sets, attribute definitions and their allowed values (RULES.md §2),
//! parsed from Graph's JSON, validated once, then indexed for case-insensitive hash lookups.

mod define;
mod evolve;

pub use define::{DefineOutcome, DefinitionRequest, Method, UnknownMethod};
pub use evolve::{ChangeKind, DefinitionChange, Evolution, Impact, ImpactEffect};

use std::fmt;

use hashbrown::HashMap;
use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

use crate::json::{self, IntText, Kind, Node};
use crate::limits::{
    MAX_ACTIVE_DEFINITIONS, MAX_ALLOWED_VALUES, MAX_ALLOWED_VALUE_LEN, MAX_ATTRIBUTES_PER_SET,
    MAX_ATTRIBUTE_SETS,
};
use crate::names::{names_eq, utf16_len, Name, NameRef};
use crate::policy::Policy;
use crate::reader::{check_name_at, is_odata_key, span, Diag, Props};
use crate::text::bytes_eq;
use crate::value::AttributeType;
use crate::violation::{
    sort_violations, sort_warnings, Code, InputError, Pointer, Verdict, Violation, Warning,
    WarningCode,
};

/// Whether a definition can be assigned anew.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Status {
    /// Active: can be assigned.
    Available,
    /// Deactivated: existing assignments stay, nothing new can be set.
    Deprecated,
}

impl Status {
    /// Graph's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Available => "Available",
            Status::Deprecated => "Deprecated",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Status {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// An attribute set (`microsoft.graph.attributeSet`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttributeSet {
    pub(crate) id: Name,
    pub(crate) description: Option<String>,
    pub(crate) max_attributes_per_set: Option<u32>,
}

impl AttributeSet {
    /// The set's name, as stored.
    pub fn id(&self) -> &str {
        self.id.as_str()
    }
    /// Its description.
    pub fn description(&self) -> Option<&str> {
        self.description.as_deref()
    }
    /// The most active definitions it may hold, when limited.
    pub fn max_attributes_per_set(&self) -> Option<u32> {
        self.max_attributes_per_set
    }
}

impl Serialize for AttributeSet {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(3))?;
        m.serialize_entry("id", &self.id)?;
        m.serialize_entry("description", &self.description)?;
        m.serialize_entry("maxAttributesPerSet", &self.max_attributes_per_set)?;
        m.end()
    }
}

/// A predefined value of a definition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllowedValue {
    pub(crate) id: String,
    pub(crate) is_active: bool,
}

impl AllowedValue {
    /// The value (case-sensitive).
    pub fn id(&self) -> &str {
        &self.id
    }
    /// Whether it can be assigned anew.
    pub fn is_active(&self) -> bool {
        self.is_active
    }
}

impl Serialize for AllowedValue {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(2))?;
        m.serialize_entry("id", &self.id)?;
        m.serialize_entry("isActive", &self.is_active)?;
        m.end()
    }
}

/// An attribute definition (`microsoft.graph.customSecurityAttributeDefinition`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttributeDefinition {
    /// `{attributeSet}_{name}`, kept so lookups and messages need not format it.
    pub(crate) id: Box<str>,
    pub(crate) attribute_set: Name,
    pub(crate) name: Name,
    pub(crate) description: Option<String>,
    pub(crate) attribute_type: AttributeType,
    pub(crate) is_collection: bool,
    pub(crate) is_searchable: bool,
    pub(crate) status: Status,
    pub(crate) use_predefined_values_only: bool,
    pub(crate) allowed_values: Vec<AllowedValue>,
    /// Allowed value id → index in `allowed_values` (case-sensitive; Integer ids are canonical).
    pub(crate) value_index: HashMap<Box<str>, usize>,
    /// For an Integer attribute, the entries of `value_index` whose id is a canonical Int32,
    /// by value (sorted): an integer is looked up without writing it in decimal and hashing it.
    pub(crate) int_index: Vec<(i32, usize)>,
}

impl AttributeDefinition {
    /// The set it belongs to, in catalog casing.
    pub fn attribute_set(&self) -> &str {
        self.attribute_set.as_str()
    }
    /// Its name, in catalog casing.
    pub fn name(&self) -> &str {
        self.name.as_str()
    }
    /// `{attributeSet}_{name}`.
    pub fn id(&self) -> &str {
        &self.id
    }
    /// Its description.
    pub fn description(&self) -> Option<&str> {
        self.description.as_deref()
    }
    /// Its data type.
    pub fn attribute_type(&self) -> AttributeType {
        self.attribute_type
    }
    /// Whether it is multi-valued.
    pub fn is_collection(&self) -> bool {
        self.is_collection
    }
    /// Whether `$filter` may use it.
    pub fn is_searchable(&self) -> bool {
        self.is_searchable
    }
    /// Active or deactivated.
    pub fn status(&self) -> Status {
        self.status
    }
    /// Whether only allowed values may be assigned.
    pub fn use_predefined_values_only(&self) -> bool {
        self.use_predefined_values_only
    }
    /// Its allowed values, active and inactive.
    pub fn allowed_values(&self) -> &[AllowedValue] {
        &self.allowed_values
    }
    /// The allowed value with exactly this id (case-sensitive).
    pub fn allowed_value(&self, id: &str) -> Option<&AllowedValue> {
        self.value_index
            .get(&ExactRef(id))
            .and_then(|&i| self.allowed_values.get(i))
    }

    /// The allowed value whose id is `n` in canonical decimal, for an Integer attribute: the
    /// same as [`AttributeDefinition::allowed_value`] of that text.
    /// What its values are, for messages: `single-valued string`, `multi-valued integer`, ...
    pub(crate) fn describe(&self) -> String {
        let card = if self.is_collection {
            "multi-valued"
        } else {
            "single-valued"
        };
        format!("{card} {}", self.attribute_type().noun())
    }

    /// Whether `v` has this definition's type and cardinality.
    pub(crate) fn fits(&self, v: &crate::value::Value) -> bool {
        v.attribute_type() == self.attribute_type() && v.is_collection() == self.is_collection()
    }

    pub(crate) fn allowed_int(&self, n: i32) -> Option<&AllowedValue> {
        let at = self.int_index.binary_search_by_key(&n, |&(v, _)| v).ok()?;
        let &(_, i) = self.int_index.get(at)?;
        self.allowed_values.get(i)
    }

    pub(crate) fn rebuild_value_index(&mut self) {
        self.value_index = self
            .allowed_values
            .iter()
            .enumerate()
            .map(|(i, v)| (Box::from(v.id.as_str()), i))
            .collect();
        self.rebuild_int_index();
    }

    /// The integer index, from the id index.
    fn rebuild_int_index(&mut self) {
        // Built from the id index, so that both agree on which of two equal ids is found.
        self.int_index = if self.attribute_type == AttributeType::Integer {
            let mut ints: Vec<(i32, usize)> = self
                .value_index
                .iter()
                .filter(|(id, _)| is_canonical_int32(id))
                .filter_map(|(id, &i)| Some((id.parse().ok()?, i)))
                .collect();
            ints.sort_unstable();
            ints
        } else {
            Vec::new()
        };
    }
}

/// An allowed value id looked up in [`AttributeDefinition::value_index`]: hashed as the key
/// is, compared without a `memcmp` call for short ids.
#[derive(Hash)]
struct ExactRef<'a>(&'a str);

impl hashbrown::Equivalent<Box<str>> for ExactRef<'_> {
    fn equivalent(&self, key: &Box<str>) -> bool {
        bytes_eq(self.0.as_bytes(), key.as_bytes())
    }
}

impl Serialize for AttributeDefinition {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(10))?;
        m.serialize_entry("id", self.id())?;
        m.serialize_entry("attributeSet", &self.attribute_set)?;
        m.serialize_entry("name", &self.name)?;
        m.serialize_entry("description", &self.description)?;
        m.serialize_entry("type", &self.attribute_type)?;
        m.serialize_entry("isCollection", &self.is_collection)?;
        m.serialize_entry("isSearchable", &self.is_searchable)?;
        m.serialize_entry("status", &self.status)?;
        m.serialize_entry("usePreDefinedValuesOnly", &self.use_predefined_values_only)?;
        m.serialize_entry("allowedValues", &self.allowed_values)?;
        m.end()
    }
}

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
    /// Parses and validates a catalog with the default policy.
    pub fn from_json(bytes: &[u8]) -> Result<Catalog, InputError> {
        Self::from_json_with(bytes, &Policy::default())
    }

    /// Parses and validates a catalog, refusing inputs over `policy.max_catalog_bytes`.
    pub fn from_json_with(bytes: &[u8], policy: &Policy) -> Result<Catalog, InputError> {
        let mut d = Diag::default();
        let parsed = parse_catalog(bytes, policy, &mut d);
        sort_violations(&mut d.violations);
        sort_warnings(&mut d.warnings);
        match parsed {
            Some((sets, defs)) if d.violations.is_empty() => {
                let mut c = Catalog::build(sets, defs);
                c.warnings = d.warnings;
                Ok(c)
            }
            _ => Err(d.into_error()),
        }
    }

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
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
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
        m.serialize_entry(
            "attributeSets",
            &List(
                "https://graph.microsoft.com/v1.0/$metadata#directory/attributeSets",
                &self.sets,
            ),
        )?;
        m.serialize_entry(
            "customSecurityAttributeDefinitions",
            &List(
                "https://graph.microsoft.com/v1.0/$metadata#directory/customSecurityAttributeDefinitions(allowedValues())",
                &self.definitions,
            ),
        )?;
        m.end()
    }
}

// ---------------------------------------------------------------------------------------------
// Parsing and validation

fn parse_catalog(
    bytes: &[u8],
    policy: &Policy,
    d: &mut Diag,
) -> Option<(Vec<AttributeSet>, Vec<AttributeDefinition>)> {
    if bytes.len() > policy.max_catalog_bytes {
        d.push(
            Violation::new(
                Code::PayloadTooLarge,
                "",
                format!(
                    "the catalog is {} bytes, more than the {} bytes allowed",
                    bytes.len(),
                    policy.max_catalog_bytes
                ),
            )
            .with_hint("raise `maxCatalogBytes` in the policy if this catalog is trusted"),
        );
        return None;
    }
    let root = d.parse(bytes, "catalog")?;
    let root_ptr = Pointer::root();
    let Some(members) = root.as_object() else {
        d.err(
            Code::InvalidJson,
            &root_ptr,
            span(&root),
            format!(
                "the catalog must be a JSON object, not {}",
                root.kind_name()
            ),
        );
        return None;
    };
    let mut set_list = None;
    let mut def_list = None;
    for m in members {
        match m.key.as_ref() {
            "attributeSets" => set_list = Some(m),
            "customSecurityAttributeDefinitions" => def_list = Some(m),
            k if is_odata_key(k) => {}
            k => d.warn(
                Warning::new(
                    WarningCode::IgnoredProperty,
                    root_ptr.key(k),
                    format!("the property `{k}` is not part of a catalog and was ignored"),
                )
                .span(m.key_start..m.key_end),
            ),
        }
    }
    let mut sets = Vec::new();
    let mut defs = Vec::new();
    for (key, member) in [
        ("attributeSets", set_list),
        ("customSecurityAttributeDefinitions", def_list),
    ] {
        let Some(member) = member else {
            d.err(
                Code::MissingProperty,
                &root_ptr,
                span(&root),
                format!("the catalog has no `{key}`"),
            );
            continue;
        };
        let ptr = root_ptr.key(key);
        let Some((items, list_ptr)) = list_items(&member.value, &ptr, d) else {
            continue;
        };
        for (i, item) in items.iter().enumerate() {
            let p = list_ptr.index(i);
            if key == "attributeSets" {
                if let Some(s) = parse_set(item, &p, d) {
                    sets.push((s, p));
                }
            } else if let Some(def) = parse_definition(item, &p, d) {
                defs.push((def, p));
            }
        }
    }
    validate_catalog(&sets, &defs, d);
    Some((
        sets.into_iter().map(|(s, _)| s).collect(),
        defs.into_iter().map(|(x, _)| x).collect(),
    ))
}

/// A list bare or as a list response (`{"value": [...]}`).
fn list_items<'n, 'a>(
    node: &'n Node<'a>,
    ptr: &Pointer,
    d: &mut Diag,
) -> Option<(&'n [Node<'a>], Pointer)> {
    if let Some(items) = node.as_array() {
        return Some((items, ptr.clone()));
    }
    if let Some(members) = node.as_object() {
        let mut value = None;
        for m in members {
            match m.key.as_ref() {
                "value" => value = Some(&m.value),
                k if is_odata_key(k) => {}
                k => d.warn(
                    Warning::new(
                        WarningCode::IgnoredProperty,
                        ptr.key(k),
                        format!(
                            "the property `{k}` is not part of a list response and was ignored"
                        ),
                    )
                    .span(m.key_start..m.key_end),
                ),
            }
        }
        let vp = ptr.key("value");
        return match value.map(|v| (v, v.as_array())) {
            Some((_, Some(items))) => Some((items, vp)),
            Some((v, None)) => {
                d.err(
                    Code::InvalidProperty,
                    &vp,
                    span(v),
                    format!("`value` must be an array, not {}", v.kind_name()),
                );
                None
            }
            None => {
                d.err(
                    Code::MissingProperty,
                    ptr,
                    span(node),
                    "a list response needs `value`".to_owned(),
                );
                None
            }
        };
    }
    d.err(
        Code::InvalidProperty,
        ptr,
        span(node),
        format!(
            "expected an array or a list response, not {}",
            node.kind_name()
        ),
    );
    None
}

/// For an update body: warns about unknown members (via [`Props::check_unknown`]) and refuses
/// every member naming a property that cannot change (`immutable_changed`), even when it
/// carries the stored value: Graph's update accepts only the `known` properties.
pub(crate) fn check_unknown_and_immutable(
    p: &Props<'_, '_>,
    (known, refused): (&[&str], &[&str]),
    immutable: &[&str],
    what: &str,
    d: &mut Diag,
) {
    // `refused`: known properties the caller refuses itself (not warned about as unknown).
    let all: Vec<&str> = known
        .iter()
        .chain(refused)
        .chain(immutable)
        .copied()
        .collect();
    p.check_unknown(&all, what, d);
    for m in p.members {
        let k = m.key.as_ref();
        if immutable.contains(&k) {
            d.push(
                Violation::new(
                    Code::ImmutableChanged,
                    p.ptr.key(k),
                    format!(
                        "`{k}` cannot be changed: {what} accepts only {}",
                        known
                            .iter()
                            .map(|k| format!("`{k}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                )
                .with_hint(format!("remove `{k}` from the body"))
                .span(m.key_start..m.key_end),
            );
        }
    }
}

pub(crate) const SET_PROPS: &[&str] = &["id", "description", "maxAttributesPerSet"];

/// Parses `maxAttributesPerSet` (absent or `null` is `None`).
pub(crate) fn parse_max_attributes(p: &Props<'_, '_>, d: &mut Diag) -> Result<Option<u32>, ()> {
    let Some(n) = p.get("maxAttributesPerSet") else {
        return Ok(None);
    };
    if n.is_null() {
        return Ok(None);
    }
    let ok = match &n.kind {
        Kind::Number(t) => match json::int_text(t) {
            IntText::Int(v) => u32::try_from(v)
                .ok()
                .filter(|v| (1..=MAX_ATTRIBUTES_PER_SET).contains(v)),
            _ => None,
        },
        _ => None,
    };
    match ok {
        Some(v) => Ok(Some(v)),
        None => {
            d.err(
                Code::InvalidProperty,
                &p.ptr.key("maxAttributesPerSet"),
                span(n),
                format!(
                    "`maxAttributesPerSet` must be an integer from 1 to {MAX_ATTRIBUTES_PER_SET}"
                ),
            );
            Err(())
        }
    }
}

pub(crate) fn parse_set(node: &Node<'_>, ptr: &Pointer, d: &mut Diag) -> Option<AttributeSet> {
    let p = Props::new(node, ptr, "an attribute set", d)?;
    p.check_unknown(SET_PROPS, "an attribute set", d);
    let id = p
        .required("id", "an attribute set", d)
        .and_then(|n| p.string("id", n, d).map(|s| (s, n)));
    let description = p.description(d);
    let max = parse_max_attributes(&p, d);
    let (id, id_node) = id?;
    let valid = check_name_at(id, &ptr.key("id"), id_node, "attribute set", d);
    if !valid {
        return None;
    }
    Some(AttributeSet {
        id: Name::unchecked(id),
        description: description.ok()?,
        max_attributes_per_set: max.ok()?,
    })
}

pub(crate) const DEF_PROPS: &[&str] = &[
    "id",
    "attributeSet",
    "name",
    "description",
    "type",
    "isCollection",
    "isSearchable",
    "status",
    "usePreDefinedValuesOnly",
    "allowedValues",
];

pub(crate) fn parse_type(s: &str) -> Option<AttributeType> {
    match s {
        "String" => Some(AttributeType::String),
        "Integer" => Some(AttributeType::Integer),
        "Boolean" => Some(AttributeType::Boolean),
        _ => None,
    }
}

pub(crate) fn parse_status(s: &str) -> Option<Status> {
    match s {
        "Available" => Some(Status::Available),
        "Deprecated" => Some(Status::Deprecated),
        _ => None,
    }
}

/// Parses one definition with its inline allowed values, checking every per-definition rule.
pub(crate) fn parse_definition(
    node: &Node<'_>,
    ptr: &Pointer,
    d: &mut Diag,
) -> Option<AttributeDefinition> {
    let what = "a definition";
    let p = Props::new(node, ptr, what, d)?;
    let before = d.violations.len();
    let warnings_before = d.warnings.len();
    p.check_unknown(DEF_PROPS, what, d);

    let set = p
        .required("attributeSet", what, d)
        .and_then(|n| p.string("attributeSet", n, d).map(|s| (s, n)));
    let name = p
        .required("name", what, d)
        .and_then(|n| p.string("name", n, d).map(|s| (s, n)));
    let ty_node = p.required("type", what, d);
    let ty = ty_node.and_then(|n| {
        let s = p.string("type", n, d)?;
        let t = parse_type(s);
        if t.is_none() {
            d.err(
                Code::InvalidType,
                &ptr.key("type"),
                span(n),
                format!("`{s}` is not a type; use `String`, `Integer` or `Boolean`"),
            );
        }
        t
    });
    let flag = |key: &str, d: &mut Diag| {
        p.required(key, what, d)
            .and_then(|n| p.boolean(key, n, d).map(|b| (b, n)))
    };
    let is_collection = flag("isCollection", d);
    let is_searchable = flag("isSearchable", d);
    let predefined = flag("usePreDefinedValuesOnly", d);
    let status = p.required("status", what, d).and_then(|n| {
        let s = p.string("status", n, d)?;
        let st = parse_status(s);
        if st.is_none() {
            d.err(
                Code::InvalidStatus,
                &ptr.key("status"),
                span(n),
                format!("`{s}` is not a status; use `Available` or `Deprecated`"),
            );
        }
        st
    });
    let description = p.description(d);

    if let Some((s, n)) = set {
        check_name_at(s, &ptr.key("attributeSet"), n, "attribute set", d);
    }
    if let Some((s, n)) = name {
        check_name_at(s, &ptr.key("name"), n, "attribute", d);
    }
    if let (Some((set_s, _)), Some((name_s, _)), Some(id_node)) = (set, name, p.get("id")) {
        if !id_node.is_null() {
            if let Some(id) = p.string("id", id_node, d) {
                let expected = format!("{set_s}_{name_s}");
                if !names_eq(id, &expected) {
                    d.push(
                        Violation::new(
                            Code::IdMismatch,
                            ptr.key("id"),
                            format!("the id `{id}` does not match its set and name"),
                        )
                        .with_hint(format!("the id of `{name_s}` in `{set_s}` is `{expected}`"))
                        .span(id_node.start..id_node.end),
                    );
                }
            }
        }
    }
    if ty == Some(AttributeType::Boolean) {
        if let Some((true, n)) = is_collection {
            d.err(
                Code::BooleanCollection,
                &ptr.key("isCollection"),
                span(n),
                "a Boolean attribute cannot be multi-valued".to_owned(),
            );
        }
        if let Some((true, n)) = predefined {
            d.err(
                Code::BooleanPredefined,
                &ptr.key("usePreDefinedValuesOnly"),
                span(n),
                "a Boolean attribute cannot be limited to predefined values".to_owned(),
            );
        }
    }

    let (allowed, value_index) = parse_allowed_values(&p, ty, d);

    // Every problem and warning of this definition names it, when its set and name are read.
    if let (Some((set_s, _)), Some((name_s, _))) = (set, name) {
        let id = format!("{set_s}_{name_s}");
        for v in d.violations.iter_mut().skip(before) {
            v.attribute.get_or_insert_with(|| id.clone());
        }
        for w in d.warnings.iter_mut().skip(warnings_before) {
            w.attribute.get_or_insert_with(|| id.clone());
        }
    }
    if d.violations.len() != before {
        return None;
    }
    let (set, name) = (set?.0, name?.0);
    let mut def = AttributeDefinition {
        id: format!("{set}_{name}").into(),
        attribute_set: Name::unchecked(set),
        name: Name::unchecked(name),
        description: description.ok()?,
        attribute_type: ty?,
        is_collection: is_collection?.0,
        is_searchable: is_searchable?.0,
        status: status?,
        use_predefined_values_only: predefined?.0,
        allowed_values: allowed,
        value_index,
        int_index: Vec::new(),
    };
    def.rebuild_int_index();
    Some(def)
}

/// The allowed values, and their id index (the definition's `value_index`): built while
/// reading, so that finding a repeated id and indexing the ids are one hash table, whatever
/// the number of values.
fn parse_allowed_values(
    p: &Props<'_, '_>,
    ty: Option<AttributeType>,
    d: &mut Diag,
) -> (Vec<AllowedValue>, HashMap<Box<str>, usize>) {
    let mut out: Vec<AllowedValue> = Vec::new();
    let mut index: HashMap<Box<str>, usize> = HashMap::new();
    let Some(node) = p.get("allowedValues") else {
        return (out, index);
    };
    if node.is_null() {
        return (out, index);
    }
    let lp = p.ptr.key("allowedValues");
    let Some(items) = node.as_array() else {
        d.err(
            Code::InvalidProperty,
            &lp,
            span(node),
            format!("`allowedValues` must be an array, not {}", node.kind_name()),
        );
        return (out, index);
    };
    if ty == Some(AttributeType::Boolean) && !items.is_empty() {
        d.err(
            Code::InvalidAllowedValue,
            &lp,
            span(node),
            "a Boolean attribute has no predefined values".to_owned(),
        );
        return (out, index);
    }
    if items.len() > MAX_ALLOWED_VALUES {
        d.err(
            Code::TooManyAllowedValues,
            &lp,
            span(node),
            format!(
                "the definition has {} allowed values, more than {MAX_ALLOWED_VALUES}",
                items.len()
            ),
        );
    }
    index.reserve(items.len().min(MAX_ALLOWED_VALUES));
    for (i, item) in items.iter().enumerate() {
        let ip = lp.index(i);
        let Some(v) = parse_allowed_value(item, &ip, ty, d) else {
            continue;
        };
        if index.contains_key(v.id.as_str()) {
            d.err(
                Code::DuplicateName,
                &ip.key("id"),
                span(item),
                format!("the allowed value `{}` is defined twice", v.id),
            );
            continue;
        }
        index.insert(Box::from(v.id.as_str()), out.len());
        out.push(v);
    }
    (out, index)
}

pub(crate) const VALUE_PROPS: &[&str] = &["id", "isActive"];

/// Checks an allowed value id for a definition of type `ty`; `Err` holds the reason.
pub(crate) fn check_allowed_value_id(id: &str, ty: Option<AttributeType>) -> Result<(), String> {
    let len = utf16_len(id);
    if len == 0 {
        return Err("an allowed value cannot be empty".to_owned());
    }
    if len > MAX_ALLOWED_VALUE_LEN {
        return Err(format!(
            "the allowed value is {len} characters long, more than {MAX_ALLOWED_VALUE_LEN}"
        ));
    }
    if id.chars().any(char::is_control) {
        return Err("an allowed value cannot contain control characters".to_owned());
    }
    match ty {
        Some(AttributeType::Integer) if !is_canonical_int32(id) => Err(format!(
            "`{id}` is not an Int32 written in canonical decimal (like `12` or `-5`)"
        )),
        Some(AttributeType::Boolean) => {
            Err("a Boolean attribute has no predefined values".to_owned())
        }
        _ => Ok(()),
    }
}

/// `12`, `-5`, `0`; not `012`, `+1`, `-0`, `1.0`, or anything outside Int32.
pub(crate) fn is_canonical_int32(s: &str) -> bool {
    match s.parse::<i32>() {
        Ok(v) => v.to_string() == s,
        Err(_) => false,
    }
}

pub(crate) fn parse_allowed_value(
    node: &Node<'_>,
    ptr: &Pointer,
    ty: Option<AttributeType>,
    d: &mut Diag,
) -> Option<AllowedValue> {
    let what = "an allowed value";
    let p = Props::new(node, ptr, what, d)?;
    p.check_unknown(VALUE_PROPS, what, d);
    let id = p
        .required("id", what, d)
        .and_then(|n| p.string("id", n, d).map(|s| (s, n)));
    let active = p
        .required("isActive", what, d)
        .and_then(|n| p.boolean("isActive", n, d));
    let (id, id_node) = id?;
    if let Err(reason) = check_allowed_value_id(id, ty) {
        d.err(
            Code::InvalidAllowedValue,
            &ptr.key("id"),
            span(id_node),
            reason,
        );
        return None;
    }
    Some(AllowedValue {
        id: id.to_owned(),
        is_active: active?,
    })
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

#[cfg(test)]
mod tests {
    use super::*;

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

    /// Integers are looked up by value; that finds what looking up their decimal text finds.
    #[test]
    fn integer_allowed_values_are_found_by_value_as_by_text() {
        let ids = [
            "-2147483648",
            "-5",
            "0",
            "1",
            "7",
            "12",
            "1001",
            "2147483647",
        ];
        let allowed: Vec<String> = ids
            .iter()
            .enumerate()
            .map(|(i, id)| format!(r#"{{"id":"{id}","isActive":{}}}"#, i % 3 != 0))
            .collect();
        let json = format!(
            r#"{{"attributeSets":[{{"id":"Ops"}}],"customSecurityAttributeDefinitions":[{{"attributeSet":"Ops","name":"Level","type":"Integer","isCollection":true,"isSearchable":true,"status":"Available","usePreDefinedValuesOnly":true,"allowedValues":[{}]}}]}}"#,
            allowed.join(",")
        );
        let c = Catalog::from_json(json.as_bytes()).unwrap();
        let d = c.definition("Ops", "Level").unwrap();
        let mut found = 0;
        for n in (-20..=1010).chain([i32::MIN, i32::MIN + 1, 2_147_483_646, i32::MAX]) {
            let by_value = d.allowed_int(n).map(AllowedValue::id);
            assert_eq!(
                by_value,
                d.allowed_value(&n.to_string()).map(AllowedValue::id),
                "{n}"
            );
            found += usize::from(by_value.is_some());
        }
        assert_eq!(
            found,
            ids.len(),
            "every id is in the range looked at, and found"
        );
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
    fn canonical_int32() {
        assert!(is_canonical_int32("12"));
        assert!(is_canonical_int32("-5"));
        assert!(is_canonical_int32("0"));
        assert!(!is_canonical_int32("012"));
        assert!(!is_canonical_int32("+1"));
        assert!(!is_canonical_int32("-0"));
        assert!(!is_canonical_int32("1.0"));
        assert!(!is_canonical_int32("2147483648"));
    }

    #[test]
    fn serialises_back_to_a_valid_catalog() {
        let c = Catalog::from_json(SAMPLE.as_bytes()).unwrap();
        let bytes = serde_json::to_vec(&c).unwrap();
        let again = Catalog::from_json(&bytes).unwrap();
        assert_eq!(again.definitions(), c.definitions());
        assert!(again.warnings().is_empty());
    }
}
