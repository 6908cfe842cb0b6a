//! Target objects: their kind, sync status and current `customSecurityAttributes`.

use std::fmt;

use crate::json::{self, IntText, Kind, Node};
use crate::names::NameIndex;
use crate::reader::{is_odata_key, Diag};
use crate::text::Text;
use crate::value::{Assignment, SetAssignments, State, Value};
use crate::violation::{Code, Document, InputError, Pointer, Violation};

/// The kind of directory object a PATCH targets.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ObjectKind {
    /// A user (member or guest).
    User,
    /// A service principal (enterprise application).
    ServicePrincipal,
    /// A device (only when the policy enables it).
    Device,
    /// A managed identity (only when the policy enables it).
    ManagedIdentity,
    /// Any other kind (group, application, ...): never supported.
    Other(String),
}

impl ObjectKind {
    /// Reads `user`, `servicePrincipal`, `device`, `managedIdentity` (case-insensitive) or a
    /// Graph `@odata.type` such as `#microsoft.graph.user`; anything else is [`ObjectKind::Other`].
    pub fn from_name(s: &str) -> Option<ObjectKind> {
        let bare = s
            .strip_prefix('#')
            .map(|t| {
                t.strip_prefix("microsoft.graph.")
                    .or_else(|| t.strip_prefix("Microsoft.Graph."))
                    .unwrap_or(t)
            })
            .unwrap_or(s);
        if bare.is_empty() {
            return None;
        }
        Some(match bare.to_ascii_lowercase().as_str() {
            "user" => ObjectKind::User,
            "serviceprincipal" => ObjectKind::ServicePrincipal,
            "device" => ObjectKind::Device,
            "managedidentity" => ObjectKind::ManagedIdentity,
            _ => ObjectKind::Other(bare.to_owned()),
        })
    }

    /// The kind's name as the CLI and policy write it.
    pub fn as_str(&self) -> &str {
        match self {
            ObjectKind::User => "user",
            ObjectKind::ServicePrincipal => "servicePrincipal",
            ObjectKind::Device => "device",
            ObjectKind::ManagedIdentity => "managedIdentity",
            ObjectKind::Other(s) => s,
        }
    }

    /// The resource segment of role actions (`microsoft.directory/{K}/customSecurityAttributes/...`).
    pub(crate) fn resource(&self) -> Option<&'static str> {
        match self {
            ObjectKind::User => Some("users"),
            ObjectKind::ServicePrincipal => Some("servicePrincipals"),
            ObjectKind::Device => Some("devices"),
            ObjectKind::ManagedIdentity => Some("azureManagedIdentities"),
            ObjectKind::Other(_) => None,
        }
    }
}

impl fmt::Display for ObjectKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A directory object as Graph returns it, reduced to what the rules need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Object {
    pub(crate) id: Option<String>,
    pub(crate) kind: ObjectKind,
    pub(crate) display_name: Option<String>,
    pub(crate) user_type: Option<String>,
    pub(crate) on_premises_sync_enabled: bool,
    pub(crate) state: State,
}

impl Default for Object {
    fn default() -> Self {
        Self::new(ObjectKind::User)
    }
}

impl Object {
    /// A cloud-only object of `kind` with nothing assigned.
    pub fn new(kind: ObjectKind) -> Self {
        Self {
            id: None,
            kind,
            display_name: None,
            user_type: None,
            on_premises_sync_enabled: false,
            state: State::new(),
        }
    }

    /// Replaces the current assignments.
    #[must_use]
    pub fn with_state(mut self, state: State) -> Self {
        self.state = state;
        self
    }

    /// Marks the object as synchronised from on-premises (or not).
    #[must_use]
    pub fn with_sync(mut self, synced: bool) -> Self {
        self.on_premises_sync_enabled = synced;
        self
    }

    /// Sets the object's kind.
    #[must_use]
    pub fn with_kind(mut self, kind: ObjectKind) -> Self {
        self.kind = kind;
        self
    }

    /// Sets the object's id.
    #[must_use]
    pub fn with_id(mut self, id: impl Into<String>) -> Self {
        self.id = Some(id.into());
        self
    }

    /// Its id, when known.
    pub fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }
    /// Its display name, when known.
    pub fn display_name(&self) -> Option<&str> {
        self.display_name.as_deref()
    }
    /// Its kind.
    pub fn kind(&self) -> &ObjectKind {
        &self.kind
    }
    /// `Member` or `Guest` for users, when known.
    pub fn user_type(&self) -> Option<&str> {
        self.user_type.as_deref()
    }
    /// Whether it is synchronised from on-premises Active Directory.
    pub fn on_premises_sync_enabled(&self) -> bool {
        self.on_premises_sync_enabled
    }
    /// Its current assignments.
    pub fn state(&self) -> &State {
        &self.state
    }

    /// Reads an object as Graph returns it. Its kind comes from `@odata.type`, else `user`.
    pub fn from_json(bytes: &[u8]) -> Result<Object, InputError> {
        let mut d = Diag::for_doc(Document::Object);
        let Some(root) = d.parse(bytes, "object") else {
            return Err(d.into_error());
        };
        let obj = Self::from_node(&root, &Pointer::root(), &mut d);
        match obj {
            Some(o) if d.violations.is_empty() => Ok(o),
            _ => Err(d.into_error()),
        }
    }

    /// Reads many objects: one Graph list response (`{"value": [...]}`), a JSON array, one
    /// object, or JSON Lines (one Graph object per line; blank lines skipped). The first object that cannot be
    /// read is the error, its [`InputError::item`] saying which (`item 2`, `line 3`; counted
    /// from 1), its pointers relative to that object.
    pub fn list_from_json(bytes: &[u8]) -> Result<Vec<Object>, InputError> {
        let whole = json::parse(bytes, crate::limits::MAX_JSON_DEPTH).ok();
        let items = whole.as_ref().and_then(|root| match &root.kind {
            Kind::Array(items) => Some(items.as_slice()),
            // Anything but a list response is read as one object, to say what is wrong with it.
            Kind::Object(_) => root
                .get("value")
                .and_then(Node::as_array)
                .or(Some(std::slice::from_ref(root))),
            _ => None,
        });
        if let Some(items) = items {
            return items
                .iter()
                .enumerate()
                .map(|(i, item)| {
                    let mut d = Diag::for_doc(Document::Object);
                    match Self::from_node(item, &Pointer::root(), &mut d) {
                        Some(o) if d.violations.is_empty() => Ok(o),
                        _ => Err(d.into_error().in_item(format!("item {}", i + 1))),
                    }
                })
                .collect();
        }
        let mut objects = Vec::new();
        // Where each line starts: an error's spans are made to count from the document's start.
        let mut start = 0usize;
        for (n, line) in bytes.split(|&b| b == b'\n').enumerate() {
            let line_start = start;
            start = start.saturating_add(line.len()).saturating_add(1);
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let object = Object::from_json(line)
                .map_err(|e| e.in_item(format!("line {}", n + 1)).shifted(line_start))?;
            objects.push(object);
        }
        Ok(objects)
    }

    pub(crate) fn from_node(root: &Node<'_>, ptr: &Pointer, d: &mut Diag) -> Option<Object> {
        let Some(members) = root.as_object() else {
            d.push(Violation::new(
                Code::InvalidJson,
                ptr,
                format!("an object must be a JSON object, not {}", root.kind_name()),
            ));
            return None;
        };
        let mut obj = Object::new(ObjectKind::User);
        // A file given in the wrong place is said once, by the first property that shows it.
        let foreign = members
            .iter()
            .find_map(|m| other_document(&m.key).map(|kind| (m, kind)));
        if let Some((m, kind)) = foreign {
            d.push(
                Violation::new(
                    Code::InvalidShape,
                    ptr.key(&m.key),
                    format!(
                        "this looks like {kind}, not an object: it has `{}`, which an object does not",
                        m.key
                    ),
                )
                .with_hint(OBJECT_HINT)
                .span(m.key_start..m.key_end),
            );
        } else if !members
            .iter()
            .any(|m| OBJECT_PROPS.contains(&m.key.as_ref()))
        {
            d.push(
                Violation::new(
                    Code::InvalidShape,
                    ptr,
                    format!(
                        "this does not look like an object: it has none of an object's properties ({})",
                        OBJECT_PROPS.map(|k| format!("`{k}`")).join(", ")
                    ),
                )
                .with_hint(OBJECT_HINT)
                .span(root.start..root.start.saturating_add(1)),
            );
        }
        for m in members {
            let p = ptr.key(&m.key);
            match m.key.as_ref() {
                "@odata.type" => match m.value.as_str().and_then(ObjectKind::from_name) {
                    Some(k) => obj.kind = k,
                    None => d.push(
                        Violation::new(
                            Code::InvalidProperty,
                            p,
                            "`@odata.type` must name the object's type, like `#microsoft.graph.user`",
                        )
                        .span(m.value.start..m.value.end),
                    ),
                },
                "id" => obj.id = m.value.as_str().map(str::to_owned),
                "displayName" => obj.display_name = m.value.as_str().map(str::to_owned),
                "userType" => obj.user_type = m.value.as_str().map(str::to_owned),
                "onPremisesSyncEnabled" => match &m.value.kind {
                    Kind::Null => {}
                    Kind::Bool(b) => obj.on_premises_sync_enabled = *b,
                    _ => d.push(
                        Violation::new(
                            Code::InvalidProperty,
                            p,
                            "`onPremisesSyncEnabled` must be a Boolean or null",
                        )
                        .span(m.value.start..m.value.end),
                    ),
                },
                "customSecurityAttributes" => {
                    if let Some(s) = parse_state(&m.value, &p, d) {
                        obj.state = s;
                    }
                }
                _ => {}
            }
        }
        Some(obj)
    }
}

/// The properties that make a document an object: one of them at least.
const OBJECT_PROPS: [&str; 4] = [
    "id",
    "@odata.type",
    "onPremisesSyncEnabled",
    "customSecurityAttributes",
];

const OBJECT_HINT: &str = "give the object as Graph returns it, like `{\"id\": \"...\", \"@odata.type\": \"#microsoft.graph.user\", \"customSecurityAttributes\": {...}}`";

/// The kind of document a property belongs to, when it is a property of another kind of
/// document than an object (a file given in the wrong place).
fn other_document(key: &str) -> Option<&'static str> {
    match key {
        "attributeSets" | "customSecurityAttributeDefinitions" => Some("a catalog"),
        "roleAssignments" | "roleDefinitions" | "appPermissions" => Some("an actor"),
        "allowSyncedObjects" | "objectTypes" | "maxBodyBytes" | "maxCatalogBytes"
        | "strictAnnotations" | "redactSets" => Some("a policy"),
        "changes" | "allowed" => Some("the output of `csa check` or `csa plan`"),
        "value" => Some("a list of objects"),
        _ => None,
    }
}

/// Reads a current state in request or response form. Annotations are not checked here:
/// current states come from Graph and are never held to annotation rules.
pub(crate) fn parse_state(node: &Node<'_>, ptr: &Pointer, d: &mut Diag) -> Option<State> {
    let mut state = State::new();
    if node.is_null() {
        return Some(state);
    }
    let Some(sets) = node.as_object() else {
        d.push(Violation::new(
            Code::InvalidShape,
            ptr,
            format!(
                "`customSecurityAttributes` must be an object or null, not {}",
                node.kind_name()
            ),
        ));
        return None;
    };
    let before = d.violations.len();
    let mut set_names = NameIndex::default();
    let set_at = |i: usize| sets.get(i).map(|m| &*m.key);
    for (i, set) in sets.iter().enumerate() {
        if is_odata_key(&set.key) {
            continue;
        }
        let sp = ptr.key(&set.key);
        if set_names.first(i, set_at, &set.key).is_some() {
            d.push(Violation::new(
                Code::DuplicateKey,
                sp,
                format!("the attribute set `{}` appears more than once", set.key),
            ));
            continue;
        }
        let Some(attrs) = set.value.as_object() else {
            if !set.value.is_null() {
                d.push(Violation::new(
                    Code::InvalidShape,
                    sp,
                    format!(
                        "an attribute set's value must be an object, not {}",
                        set.value.kind_name()
                    ),
                ));
            }
            continue;
        };
        let mut attr_names = NameIndex::default();
        let mut held = Vec::new();
        let attr_at = |i: usize| attrs.get(i).map(|m| &*m.key).filter(|k| !k.contains('@'));
        for (j, a) in attrs.iter().enumerate() {
            if a.key.contains('@') {
                continue;
            }
            let ap = sp.key(&a.key);
            if attr_names.first(j, attr_at, &a.key).is_some() {
                d.push(Violation::new(
                    Code::DuplicateKey,
                    ap,
                    format!("the attribute `{}` appears more than once", a.key),
                ));
                continue;
            }
            match stored_value(&a.value) {
                Ok(Some(value)) => held.push(Assignment {
                    name: Text::new(&a.key),
                    value,
                }),
                Ok(None) => {}
                Err(msg) => d.push(Violation::new(Code::InvalidProperty, ap, msg)),
            }
        }
        // Sets and attributes are known to be distinct here: pushed, not searched for.
        if !held.is_empty() {
            state.sets.push(SetAssignments {
                name: Text::new(&set.key),
                attributes: held,
            });
        }
    }
    (d.violations.len() == before).then_some(state)
}

/// The typed value of a stored attribute (`None` for `null` and `[]`, which mean "absent").
pub(crate) fn stored_value(n: &Node<'_>) -> Result<Option<Value>, String> {
    let int = |t: &str| match json::int_text(t) {
        IntText::Int(v) => i32::try_from(v).ok(),
        _ => None,
    };
    match &n.kind {
        Kind::Null => Ok(None),
        Kind::Bool(b) => Ok(Some(Value::Boolean(*b))),
        Kind::String(s) => Ok(Some(Value::String(Text::new(s)))),
        Kind::Number(t) => int(t)
            .map(|v| Some(Value::Integer(v)))
            .ok_or_else(|| format!("`{t}` is not an Int32")),
        Kind::Array(items) => {
            if items.is_empty() {
                return Ok(None);
            }
            if items.iter().all(|i| i.as_str().is_some()) {
                return Ok(Value::strings(
                    items.iter().filter_map(|i| i.as_str().map(Text::new)),
                ));
            }
            let ints: Option<Vec<i32>> = items
                .iter()
                .map(|i| match &i.kind {
                    Kind::Number(t) => int(t),
                    _ => None,
                })
                .collect();
            ints.map(Value::integers).ok_or_else(|| {
                "a stored collection must hold only strings or only Int32s".to_owned()
            })
        }
        Kind::Object(_) => Err("a stored value cannot be an object".to_owned()),
    }
}

impl State {
    /// Reads a bare `customSecurityAttributes` value: the state alone, in request or response
    /// form (`{"Engineering": {"Project": ["Alpine"]}}`), or `null` for no assignments.
    pub fn from_json(bytes: &[u8]) -> Result<State, InputError> {
        let mut d = Diag::for_doc(Document::Object);
        let Some(root) = d.parse(bytes, "state") else {
            return Err(d.into_error());
        };
        match parse_state(&root, &Pointer::root(), &mut d) {
            Some(s) if d.violations.is_empty() => Ok(s),
            _ => Err(d.into_error()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds() {
        assert_eq!(
            ObjectKind::from_name("#microsoft.graph.user"),
            Some(ObjectKind::User)
        );
        assert_eq!(
            ObjectKind::from_name("#microsoft.graph.servicePrincipal"),
            Some(ObjectKind::ServicePrincipal)
        );
        assert_eq!(
            ObjectKind::from_name("#microsoft.graph.group"),
            Some(ObjectKind::Other("group".into()))
        );
        assert_eq!(
            ObjectKind::from_name("managedIdentity"),
            Some(ObjectKind::ManagedIdentity)
        );
    }

    #[test]
    fn reads_response_form() {
        let o = Object::from_json(
            br##"{"@odata.type":"#microsoft.graph.user","id":"u1","onPremisesSyncEnabled":null,
            "customSecurityAttributes":{"Engineering":{"@odata.type":"#microsoft.graph.customSecurityAttributeValue",
            "Project@odata.type":"#Collection(String)","Project":["Baker","Cascade"],"NumVendors":8,"Gone":[]}}}"##,
        )
        .unwrap();
        assert_eq!(o.kind, ObjectKind::User);
        assert_eq!(o.state.value_count(), 3);
        assert_eq!(
            o.state.get("engineering", "numvendors"),
            Some(&Value::Integer(8))
        );
        assert_eq!(o.state.get("Engineering", "Gone"), None);
    }

    #[test]
    fn rejects_unreadable_state() {
        assert!(Object::from_json(br#"{"customSecurityAttributes":{"E":{"A":1.5}}}"#).is_err());
        assert!(
            Object::from_json(br#"{"customSecurityAttributes":{"E":{"A":1},"e":{}}}"#).is_err()
        );
        assert!(Object::from_json(br#"{"customSecurityAttributes":[]}"#).is_err());
    }
}
