//! Policy knobs (docs/RULES.md, Policy knobs). Defaults follow the source page.

use crate::json::{self, IntText, Kind};
use crate::limits::{DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_CATALOG_BYTES};
use crate::names::{names_eq, Name};
use crate::object::ObjectKind;
use crate::reader::{Diag, Props};
use crate::violation::{Code, Document, InputError, Pointer, Violation};

/// What a redacted value is replaced with in messages and hints.
pub const REDACTED: &str = "***";

/// How the engine is configured. `Policy::default()` is the source page's behaviour.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Policy {
    /// Accept directory-synced objects (`onPremisesSyncEnabled: true`). Default `false`.
    pub allow_synced_objects: bool,
    /// Object kinds that may hold attributes. Default user and service principal.
    pub object_types: Vec<ObjectKind>,
    /// Largest PATCH or definition body, in bytes.
    pub max_body_bytes: usize,
    /// Largest catalog, in bytes.
    pub max_catalog_bytes: usize,
    /// Make `missing_annotation` an error instead of a warning.
    pub strict_annotations: bool,
    /// Sets whose values are masked in messages and hints.
    pub redact_sets: Vec<Name>,
    /// Refuse a PATCH body without `customSecurityAttributes` (`invalid_shape`). Default
    /// `false`: Graph answers such a body (a plain `User` update) with 204, so csa accepts it
    /// with no changes and a `no_custom_security_attributes` warning.
    pub require_custom_security_attributes: bool,
}

impl Default for Policy {
    fn default() -> Self {
        Self {
            allow_synced_objects: false,
            object_types: vec![ObjectKind::User, ObjectKind::ServicePrincipal],
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            max_catalog_bytes: DEFAULT_MAX_CATALOG_BYTES,
            strict_annotations: false,
            redact_sets: Vec::new(),
            require_custom_security_attributes: false,
        }
    }
}

const KEYS: &[&str] = &[
    "allowSyncedObjects",
    "objectTypes",
    "maxBodyBytes",
    "maxCatalogBytes",
    "strictAnnotations",
    "redactSets",
    "requireCustomSecurityAttributes",
];

impl Policy {
    /// Whether `kind` may hold attributes under this policy.
    pub fn accepts(&self, kind: &ObjectKind) -> bool {
        self.object_types.contains(kind)
    }

    /// Whether values of `set` are masked.
    pub fn is_redacted(&self, set: &str) -> bool {
        self.redact_sets.iter().any(|s| names_eq(s.as_str(), set))
    }

    /// Reads a policy file: a JSON object with the keys of docs/RULES.md, Policy knobs; missing
    /// keys keep their defaults.
    pub fn from_json(bytes: &[u8]) -> Result<Policy, InputError> {
        let mut d = Diag::for_doc(Document::Policy);
        let mut policy = Policy::default();
        let fail = Diag::into_error;

        let Some(root) = d.parse(bytes, "policy") else {
            return Err(fail(d));
        };
        let root_ptr = Pointer::root();
        let Some(p) = Props::new(&root, &root_ptr, "a policy", &mut d) else {
            return Err(fail(d));
        };
        for m in p.members {
            if !KEYS.contains(&m.key.as_ref()) && !crate::reader::is_odata_key(&m.key) {
                d.push(
                    Violation::new(
                        Code::InvalidProperty,
                        root_ptr.key(&m.key),
                        format!("`{}` is not a policy setting", m.key),
                    )
                    .with_hint(format!("the settings are {}", KEYS.join(", "))),
                );
            }
        }
        p.check_unknown(KEYS, "a policy", &mut d);
        d.warnings.clear();
        for key in [
            "allowSyncedObjects",
            "strictAnnotations",
            "requireCustomSecurityAttributes",
        ] {
            if let Some(n) = p.get(key) {
                if let Some(b) = p.boolean(key, n, &mut d) {
                    match key {
                        "allowSyncedObjects" => policy.allow_synced_objects = b,
                        "strictAnnotations" => policy.strict_annotations = b,
                        _ => policy.require_custom_security_attributes = b,
                    }
                }
            }
        }
        for key in ["maxBodyBytes", "maxCatalogBytes"] {
            let Some(n) = p.get(key) else { continue };
            let v = match &n.kind {
                Kind::Number(t) => match json::int_text(t) {
                    IntText::Int(v) if v > 0 => usize::try_from(v).ok(),
                    _ => None,
                },
                _ => None,
            };
            match v {
                Some(v) if key == "maxBodyBytes" => policy.max_body_bytes = v,
                Some(v) => policy.max_catalog_bytes = v,
                None => d.push(Violation::new(
                    Code::InvalidProperty,
                    root_ptr.key(key),
                    format!("`{key}` must be a positive integer (bytes)"),
                )),
            }
        }
        if let Some(n) = p.get("objectTypes") {
            match n.as_array() {
                Some(items) => {
                    let mut kinds = Vec::new();
                    for (i, item) in items.iter().enumerate() {
                        match item.as_str().and_then(ObjectKind::from_name) {
                            Some(k) if !matches!(k, ObjectKind::Other(_)) => {
                                if !kinds.contains(&k) {
                                    kinds.push(k);
                                }
                            }
                            _ => d.push(Violation::new(
                                Code::InvalidProperty,
                                root_ptr.key("objectTypes").index(i),
                                "object types are `user`, `servicePrincipal`, `device` and `managedIdentity`",
                            )),
                        }
                    }
                    policy.object_types = kinds;
                }
                None => d.push(Violation::new(
                    Code::InvalidProperty,
                    root_ptr.key("objectTypes"),
                    "`objectTypes` must be an array of object kinds",
                )),
            }
        }
        if let Some(n) = p.get("redactSets") {
            match n.as_array() {
                Some(items) => {
                    for (i, item) in items.iter().enumerate() {
                        match item.as_str() {
                            Some(s) => policy.redact_sets.push(Name::unchecked(s)),
                            None => d.push(Violation::new(
                                Code::InvalidProperty,
                                root_ptr.key("redactSets").index(i),
                                "`redactSets` must list attribute set names",
                            )),
                        }
                    }
                }
                None => d.push(Violation::new(
                    Code::InvalidProperty,
                    root_ptr.key("redactSets"),
                    "`redactSets` must be an array of attribute set names",
                )),
            }
        }
        if d.violations.is_empty() {
            Ok(policy)
        } else {
            Err(fail(d))
        }
    }
}
