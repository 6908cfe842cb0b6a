//! Reading Graph's JSON into catalog items (docs/RULES.md, Catalogs), one item at a time, with
//! every per-item rule: the document's size and shape (`payload_too_large`, `invalid_json`),
//! required and typed properties (`missing_property`, `invalid_property`), names (`invalid_name`),
//! `id_mismatch`, `invalid_type`, `invalid_status`, the Boolean rules (`boolean_collection`,
//! `boolean_predefined`), allowed values (`invalid_allowed_value`, `too_many_allowed_values`,
//! `duplicate_name` within a definition). Definition requests read their bodies with the same item
//! parsers. Rules across items are in `validate.rs`.

use hashbrown::HashMap;

use super::model::{is_canonical_int32, AllowedValue, AttributeDefinition, AttributeSet, Status};
use super::validate::{DefKey, SetKey};
use crate::json::{self, IntText, Kind, Node};
use crate::limits::{MAX_ALLOWED_VALUES, MAX_ALLOWED_VALUE_LEN, MAX_ATTRIBUTES_PER_SET};
use crate::names::{names_eq, Name};
use crate::policy::Policy;
use crate::reader::{check_name_at, is_odata_key, span, Diag, Props};
use crate::text::Text;
use crate::value::check::{check_string, StringProblem};
use crate::value::AttributeType;
use crate::violation::{Code, Pointer, Violation, Warning, WarningCode};

/// The items of a catalog: each item read whole (`None` when it has a violation of its own) and
/// what the rules across items read of it, even when it is broken.
pub(crate) type Items = (
    Vec<(Option<AttributeSet>, SetKey)>,
    Vec<(Option<AttributeDefinition>, DefKey)>,
);

/// Reads a whole catalog: its two lists, each item checked on its own. `None` when the input is
/// too large, not JSON or not an object; otherwise every item, as far as it could be read.
pub(crate) fn parse_catalog(bytes: &[u8], policy: &Policy, d: &mut Diag) -> Option<Items> {
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
                sets.push(read_set(item, p, d));
            } else {
                defs.push(read_definition(item, p, d));
            }
        }
    }
    Some((sets, defs))
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

/// The required string `key` of `p`, with its node (for the spans of later checks).
fn required_string<'n, 'a>(
    p: &Props<'n, 'a>,
    key: &str,
    what: &str,
    d: &mut Diag,
) -> Option<(&'n str, &'n Node<'a>)> {
    p.required(key, what, d)
        .and_then(|n| p.string(key, n, d).map(|s| (s, n)))
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
    read_set(node, ptr.clone(), d).0
}

/// One attribute set read whole (`None` when it has a violation), and what the rules across
/// items read of it.
fn read_set(node: &Node<'_>, ptr: Pointer, d: &mut Diag) -> (Option<AttributeSet>, SetKey) {
    let mut key = SetKey {
        id: None,
        max: None,
        span: Some(node.start..node.end),
        ptr,
    };
    let Some(p) = Props::new(node, &key.ptr, "an attribute set", d) else {
        return (None, key);
    };
    p.check_unknown(SET_PROPS, "an attribute set", d);
    let id = required_string(&p, "id", "an attribute set", d);
    let description = p.description(d);
    let max = parse_max_attributes(&p, d);
    key.max = max.ok().flatten();
    let Some((id, id_node)) = id else {
        return (None, key);
    };
    if !check_name_at(id, &key.ptr.key("id"), id_node, "attribute set", d) {
        return (None, key);
    }
    key.id = Some((Name::unchecked(id), Some(id_node.start..id_node.end)));
    let set = match (description, max) {
        (Ok(description), Ok(max_attributes_per_set)) => Some(AttributeSet {
            id: Name::unchecked(id),
            description,
            max_attributes_per_set,
        }),
        _ => None,
    };
    (set, key)
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

/// Reads `status` (its node `n`, a member of `p`): `Available` or `Deprecated`, else
/// `invalid_status`. Definition updates read it with this too.
pub(crate) fn parse_status(p: &Props<'_, '_>, n: &Node<'_>, d: &mut Diag) -> Option<Status> {
    let s = p.string("status", n, d)?;
    let status = match s {
        "Available" => Some(Status::Available),
        "Deprecated" => Some(Status::Deprecated),
        _ => None,
    };
    if status.is_none() {
        d.err(
            Code::InvalidStatus,
            &p.ptr.key("status"),
            span(n),
            format!("`{s}` is not a status; use `Available` or `Deprecated`"),
        );
    }
    status
}

/// Parses one definition with its inline allowed values, checking every per-definition rule.
pub(crate) fn parse_definition(
    node: &Node<'_>,
    ptr: &Pointer,
    d: &mut Diag,
) -> Option<AttributeDefinition> {
    read_definition(node, ptr.clone(), d).0
}

/// One definition read whole (`None` when it has a violation), and what the rules across
/// items read of it.
fn read_definition(
    node: &Node<'_>,
    ptr: Pointer,
    d: &mut Diag,
) -> (Option<AttributeDefinition>, DefKey) {
    let mut key = DefKey {
        set: None,
        name: None,
        status: None,
        ptr,
    };
    let def = definition(node, &mut key, d);
    (def, key)
}

/// [`read_definition`]'s work: the definition, with `key` filled in as it is read.
fn definition(node: &Node<'_>, key: &mut DefKey, d: &mut Diag) -> Option<AttributeDefinition> {
    let what = "a definition";
    let ptr = &key.ptr.clone();
    let p = Props::new(node, ptr, what, d)?;
    let before = d.violations.len();
    let warnings_before = d.warnings.len();
    p.check_unknown(DEF_PROPS, what, d);

    let set = required_string(&p, "attributeSet", what, d);
    let name = required_string(&p, "name", what, d);
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
    let status_node = p.required("status", what, d);
    let status = status_node.and_then(|n| parse_status(&p, n, d));
    let description = p.description(d);

    let named = |s: &str, n: &Node<'_>| Some((Name::unchecked(s), Some(n.start..n.end)));
    if let Some((s, n)) = set {
        if check_name_at(s, &ptr.key("attributeSet"), n, "attribute set", d) {
            key.set = named(s, n);
        }
    }
    if let Some((s, n)) = name {
        if check_name_at(s, &ptr.key("name"), n, "attribute", d) {
            key.name = named(s, n);
        }
    }
    if let (Some(status), Some(n)) = (status, status_node) {
        key.status = Some((status, Some(n.start..n.end)));
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
        name_attribute(d, (before, warnings_before), &format!("{set_s}_{name_s}"));
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

/// Names the attribute `id` on every violation and warning of `d` from the given positions on
/// (violations, warnings) that names none yet: what is found in one definition is about it.
pub(crate) fn name_attribute(d: &mut Diag, (violations, warnings): (usize, usize), id: &str) {
    for v in d.violations.iter_mut().skip(violations) {
        v.attribute.get_or_insert_with(|| id.to_owned());
    }
    for w in d.warnings.iter_mut().skip(warnings) {
        w.attribute.get_or_insert_with(|| id.to_owned());
    }
}

/// The allowed values, and their id index (the definition's `value_index`): built while
/// reading, so that finding a repeated id and indexing the ids are one hash table, whatever
/// the number of values.
fn parse_allowed_values(
    p: &Props<'_, '_>,
    ty: Option<AttributeType>,
    d: &mut Diag,
) -> (Vec<AllowedValue>, HashMap<Text, usize>) {
    let mut out: Vec<AllowedValue> = Vec::new();
    let mut index: HashMap<Text, usize> = HashMap::new();
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
    let room = items.len().min(MAX_ALLOWED_VALUES);
    out.reserve(room);
    index.reserve(room);
    for (i, item) in items.iter().enumerate() {
        // A value's pointer is written only when something is said about it.
        let v = match plain_allowed_value(item, ty) {
            Some(v) => v,
            None => match parse_allowed_value(item, &lp.index(i), ty, d) {
                Some(v) => v,
                None => continue,
            },
        };
        if index.contains_key(v.id.as_str()) {
            d.err(
                Code::DuplicateName,
                &lp.index(i).key("id"),
                span(item),
                format!("the allowed value `{}` is defined twice", v.id),
            );
            continue;
        }
        index.insert(v.id.clone(), out.len());
        out.push(v);
    }
    (out, index)
}

pub(crate) const VALUE_PROPS: &[&str] = &["id", "isActive"];

// An allowed value id is bounded as a string value is: `check_string` applies to both.
const _: () = assert!(MAX_ALLOWED_VALUE_LEN == crate::limits::MAX_VALUE_LEN);

/// Checks an allowed value id for a definition of type `ty`; `Err` holds the reason.
pub(crate) fn check_allowed_value_id(id: &str, ty: Option<AttributeType>) -> Result<(), String> {
    match check_string(id) {
        Ok(()) => {}
        Err(StringProblem::Empty) => return Err("an allowed value cannot be empty".to_owned()),
        Err(StringProblem::TooLong { units }) => {
            return Err(format!(
                "the allowed value is {units} UTF-16 code units long, more than {MAX_ALLOWED_VALUE_LEN}"
            ))
        }
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

/// An allowed value in the form Graph writes it (`id` and `isActive`, in either order, nothing
/// else) that no rule refuses, read without a pointer or a property reader; `None` for
/// anything else, which [`parse_allowed_value`] reads and reports on. What both accept, they
/// read alike.
fn plain_allowed_value(node: &Node<'_>, ty: Option<AttributeType>) -> Option<AllowedValue> {
    let [a, b] = node.as_object()? else {
        return None;
    };
    let (id, active) = match (a.key.as_ref(), b.key.as_ref()) {
        ("id", "isActive") => (a, b),
        ("isActive", "id") => (b, a),
        _ => return None,
    };
    let (id, is_active) = (id.value.as_str()?, active.value.as_bool()?);
    check_allowed_value_id(id, ty).ok()?;
    Some(AllowedValue {
        id: Text::new(id),
        is_active,
    })
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
    let id = required_string(&p, "id", what, d);
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
        id: Text::new(id),
        is_active: active?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Values in Graph's own form (read without a pointer) and in any other accepted form
    /// (read by the property reader) give the same items, and a repeat is reported at its own
    /// pointer either way.
    #[test]
    fn allowed_values_read_alike_in_every_form() {
        let catalog = |values: &str| {
            format!(
                r#"{{"attributeSets":[{{"id":"Ops"}}],"customSecurityAttributeDefinitions":[{{"attributeSet":"Ops","name":"Level","type":"Integer","isCollection":true,"isSearchable":true,"status":"Available","usePreDefinedValuesOnly":true,"allowedValues":[{values}]}}]}}"#
            )
        };
        let plain = catalog(r#"{"id":"1","isActive":true},{"isActive":false,"id":"2"}"#);
        let other = catalog(
            r#"{"id":"1","isActive":"true"},{"@odata.type":"x","isActive":false,"id":"2"}"#,
        );
        let read = |json: &str| {
            let c = crate::catalog::Catalog::from_json(json.as_bytes()).unwrap();
            c.definitions()[0].allowed_values().to_vec()
        };
        assert_eq!(read(&plain), read(&other));
        assert_eq!(read(&plain).len(), 2);
        for values in [
            r#"{"id":"1","isActive":true},{"id":"7","isActive":true},{"id":"7","isActive":false}"#,
            r#"{"id":"1","isActive":true},{"id":"7","isActive":true},{"id":"7","isActive":"false"}"#,
        ] {
            let err = crate::catalog::Catalog::from_json(catalog(values).as_bytes()).unwrap_err();
            let v = &err.violations()[0];
            assert_eq!(v.code(), Code::DuplicateName);
            assert_eq!(
                v.pointer(),
                "/customSecurityAttributeDefinitions/0/allowedValues/2/id"
            );
        }
        let err = crate::catalog::Catalog::from_json(
            catalog(r#"{"id":"07","isActive":true}"#).as_bytes(),
        )
        .unwrap_err();
        assert_eq!(err.violations()[0].code(), Code::InvalidAllowedValue);
        assert_eq!(
            err.violations()[0].pointer(),
            "/customSecurityAttributeDefinitions/0/allowedValues/0/id"
        );
    }

    /// The messages `invalid_allowed_value` carries, one per reason.
    #[test]
    fn allowed_value_ids_and_their_reasons() {
        let check = |id: &str, ty| check_allowed_value_id(id, ty).err();
        let string = Some(AttributeType::String);
        assert_eq!(check("Alpine", string), None);
        assert_eq!(check(&"é".repeat(64), string), None);
        assert_eq!(
            check("", string).as_deref(),
            Some("an allowed value cannot be empty")
        );
        assert_eq!(
            check(&"\u{1D400}".repeat(33), string).as_deref(),
            Some("the allowed value is 66 UTF-16 code units long, more than 64")
        );
        assert_eq!(
            check("a\tb", string).as_deref(),
            Some("an allowed value cannot contain control characters")
        );
        let integer = Some(AttributeType::Integer);
        assert_eq!(check("-5", integer), None);
        assert_eq!(
            check("012", integer).as_deref(),
            Some("`012` is not an Int32 written in canonical decimal (like `12` or `-5`)")
        );
        assert_eq!(
            check("true", Some(AttributeType::Boolean)).as_deref(),
            Some("a Boolean attribute has no predefined values")
        );
        assert_eq!(check("anything", None), None);
    }
}
