//! The tenant a server holds: the catalog (an engine, swapped whole on each accepted definition
//! write), the objects (each behind its own write lock, read without waiting), and the bearer
//! tokens with their actors.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, PoisonError, RwLock};

use serde::de::{Deserializer, MapAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;

use super::store::Store;
use super::ServeError;
use crate::auth::Actor;
use crate::engine::Engine;
use crate::object::{Object, ObjectKind};
use crate::policy::Policy;
use crate::value::State;

/// The catalog in force, compiled with the policy, and its version (1 for the catalog the
/// server started with, one more for each accepted definition write).
#[derive(Debug)]
pub(super) struct Tenant {
    pub engine: Engine,
    pub version: u64,
}

/// One object as the server holds it: what the rules read, and its whole JSON (the top-level
/// members in their order; `customSecurityAttributes` is always written from `object`'s state).
#[derive(Debug, Clone)]
pub(super) struct Stored {
    pub object: Object,
    pub members: Vec<(String, Box<RawValue>)>,
}

/// The key of the attribute member.
pub(super) const CSA: &str = "customSecurityAttributes";

impl Stored {
    /// Reads one object of the objects file or the data directory.
    pub fn from_raw(raw: &RawValue) -> Result<Stored, ServeError> {
        let object = Object::from_json(raw.get().as_bytes()).map_err(ServeError::Input)?;
        let members = serde_json::from_str::<Members>(raw.get())
            .map_err(|e| ServeError::Objects(format!("an object is not a JSON object: {e}")))?
            .0;
        Ok(Stored { object, members })
    }

    /// The object's id (every stored object has one).
    pub fn id(&self) -> &str {
        self.object.id().unwrap_or_default()
    }

    /// The same object with `state` as its attributes.
    pub fn with_state(&self, state: State) -> Stored {
        Stored {
            object: self.object.clone().with_state(state),
            members: self.members.clone(),
        }
    }

    /// A member by name (any case, as Graph reads `$select`): its name as stored and value.
    pub fn member(&self, name: &str) -> Option<(&str, &RawValue)> {
        self.members
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(k, v)| (k.as_str(), &**v))
    }

    /// The whole object as JSON, its attributes in Graph's response form.
    pub fn to_json(&self) -> Vec<u8> {
        struct Whole<'a>(&'a Stored);
        impl serde::Serialize for Whole<'_> {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                use serde::ser::SerializeMap;
                let mut m = s.serialize_map(None)?;
                let state = self.0.object.state().response_form();
                let mut written = false;
                for (k, v) in &self.0.members {
                    if k == CSA {
                        m.serialize_entry(k, &state)?;
                        written = true;
                    } else {
                        m.serialize_entry(k, v)?;
                    }
                }
                if !written {
                    m.serialize_entry(CSA, &state)?;
                }
                m.end()
            }
        }
        serde_json::to_vec(&Whole(self)).unwrap_or_default()
    }
}

/// A JSON object's members in document order, each value as written.
pub(super) struct Members(pub Vec<(String, Box<RawValue>)>);

impl<'de> Deserialize<'de> for Members {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Members;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Members, A::Error> {
                let mut members = Vec::new();
                while let Some((k, v)) = map.next_entry::<String, Box<RawValue>>()? {
                    members.push((k, v));
                }
                Ok(Members(members))
            }
        }
        d.deserialize_map(V)
    }
}

/// One object, swapped whole by each accepted PATCH: readers clone the `Arc` and never wait for
/// a write; writers hold `write` from the decision to the answer, so two PATCHes of one object
/// never interleave.
#[derive(Debug)]
pub(super) struct Slot {
    pub write: tokio::sync::Mutex<()>,
    current: RwLock<Arc<Stored>>,
}

impl Slot {
    fn new(stored: Stored) -> Self {
        Slot {
            write: tokio::sync::Mutex::new(()),
            current: RwLock::new(Arc::new(stored)),
        }
    }

    /// The object as it is now.
    pub fn current(&self) -> Arc<Stored> {
        Arc::clone(&self.current.read().unwrap_or_else(PoisonError::into_inner))
    }

    /// Makes `stored` the object (the caller holds `write`).
    pub fn publish(&self, stored: Arc<Stored>) {
        *self.current.write().unwrap_or_else(PoisonError::into_inner) = stored;
    }
}

/// Everything the request handlers share.
#[derive(Debug)]
pub(super) struct Shared {
    tenant: RwLock<Arc<Tenant>>,
    /// Held by definition writes, from the decision to the swap: each is decided on the
    /// catalog the one before it left.
    pub catalog_write: tokio::sync::Mutex<()>,
    /// The objects, in the order of the objects file.
    pub objects: Vec<Slot>,
    /// Lower-cased id → position in `objects`.
    index: HashMap<String, usize>,
    /// Bearer token → its position in the tokens file (from 1).
    tokens: HashMap<String, usize>,
    /// The actor of each token, by position − 1 (`None`: permissions are not checked).
    actors: Vec<Option<Actor>>,
    pub policy: Policy,
    pub store: Option<Arc<Store>>,
    /// The number of the last accepted write (logged as `seq`).
    seq: AtomicU64,
}

impl Shared {
    /// The tenant the server starts with: `index` is [`index`] of `objects`.
    pub fn new(
        engine: Engine,
        objects: Vec<Stored>,
        index: HashMap<String, usize>,
        tokens: Tokens,
        store: Option<Store>,
    ) -> Shared {
        Shared {
            policy: engine.policy().clone(),
            tenant: RwLock::new(Arc::new(Tenant { engine, version: 1 })),
            catalog_write: tokio::sync::Mutex::new(()),
            objects: objects.into_iter().map(Slot::new).collect(),
            index,
            tokens: tokens.positions,
            actors: tokens.actors,
            store: store.map(Arc::new),
            seq: AtomicU64::new(0),
        }
    }

    /// The catalog in force (the lock is held only to clone the `Arc`).
    pub fn tenant(&self) -> Arc<Tenant> {
        Arc::clone(&self.tenant.read().unwrap_or_else(PoisonError::into_inner))
    }

    /// Makes `tenant` the catalog in force (the caller holds `catalog_write`).
    pub fn swap(&self, tenant: Tenant) {
        *self.tenant.write().unwrap_or_else(PoisonError::into_inner) = Arc::new(tenant);
    }

    /// The object with `id` (any case) in the collection of `kind`.
    pub fn object(&self, kind: &ObjectKind, id: &str) -> Option<&Slot> {
        let slot = self
            .index
            .get(&id.to_ascii_lowercase())
            .and_then(|&i| self.objects.get(i))?;
        let held = slot.current();
        let same = match (held.object.kind(), kind) {
            (ObjectKind::ManagedIdentity, ObjectKind::ServicePrincipal) => true,
            (held, kind) => held == kind,
        };
        same.then_some(slot)
    }

    /// The position (from 1) of a bearer token in the tokens file.
    pub fn token(&self, token: &str) -> Option<usize> {
        self.tokens.get(token).copied()
    }

    /// The actor of the token at `position`.
    pub fn actor(&self, position: usize) -> Option<&Actor> {
        self.actors
            .get(position.wrapping_sub(1))
            .and_then(Option::as_ref)
    }

    /// The number of the next accepted write.
    pub fn next_seq(&self) -> u64 {
        self.seq.fetch_add(1, Ordering::SeqCst) + 1
    }

    /// How many objects the tenant holds.
    pub fn len(&self) -> usize {
        self.objects.len()
    }
}

/// The objects by lower-cased id: every object has an id, and no two the same (any case, as
/// Graph's ids are compared).
pub(super) fn index(objects: &[Stored]) -> Result<HashMap<String, usize>, ServeError> {
    let mut index = HashMap::with_capacity(objects.len());
    for (i, stored) in objects.iter().enumerate() {
        if stored.id().is_empty() {
            return Err(ServeError::Objects(format!(
                "object {} has no `id`: the server finds objects by id",
                i + 1
            )));
        }
        if let Some(before) = index.insert(stored.id().to_ascii_lowercase(), i) {
            return Err(ServeError::Objects(format!(
                "objects {} and {} have the same id `{}`",
                before + 1,
                i + 1,
                stored.id()
            )));
        }
    }
    Ok(index)
}

/// The tokens file: `{"<bearer token>": <actor document> | null, ...}`.
#[derive(Debug, Default)]
pub(super) struct Tokens {
    positions: HashMap<String, usize>,
    actors: Vec<Option<Actor>>,
}

impl Tokens {
    /// Reads the tokens file. A token's actor is read as `--actor` files are (`null`: the
    /// token's requests are not checked for permissions); errors name the token by position.
    pub fn from_json(bytes: &[u8]) -> Result<Tokens, ServeError> {
        let members = serde_json::from_slice::<Members>(bytes)
            .map_err(|e| {
                ServeError::Tokens(format!(
                    "the tokens file must be a JSON object of bearer tokens and actor documents ({e})"
                ))
            })?
            .0;
        let mut tokens = Tokens::default();
        for (i, (token, raw)) in members.into_iter().enumerate() {
            let n = i + 1;
            if token.is_empty() || token.chars().any(|c| c.is_whitespace() || c.is_control()) {
                return Err(ServeError::Tokens(format!(
                    "token {n} is empty or holds a space or a control character"
                )));
            }
            if let Some(before) = tokens.positions.insert(token, n) {
                return Err(ServeError::Tokens(format!(
                    "tokens {before} and {n} are the same token"
                )));
            }
            let actor = if raw.get().trim() == "null" {
                None
            } else {
                let actor = Actor::from_json(raw.get().as_bytes())
                    .map_err(|e| ServeError::Input(e.in_item(format!("token {n}"))))?;
                Some(actor)
            };
            tokens.actors.push(actor);
        }
        Ok(tokens)
    }
}

/// Reads the objects file: a JSON array, a Graph list response or JSON Lines, as `csa filter`
/// reads it ([`Object::list_from_json`], which also words the errors), each object kept whole.
///
/// Graph writes no `@odata.type` on the items of a list response: their kind is the entity set
/// its `@odata.context` names (`#servicePrincipals(id,customSecurityAttributes)`), written into
/// each such item so that the data directory keeps it.
pub(super) fn read_objects(bytes: &[u8]) -> Result<Vec<Stored>, ServeError> {
    let objects = Object::list_from_json(bytes).map_err(ServeError::Input)?;
    let (raw, set) = raw_items(bytes)?;
    if raw.len() != objects.len() {
        return Err(ServeError::Objects(format!(
            "the objects file holds {} objects as csa reads it but {} as JSON",
            objects.len(),
            raw.len()
        )));
    }
    let kind = set.as_deref().and_then(set_kind);
    raw.iter()
        .zip(objects)
        .map(|(raw, object)| {
            let mut members = serde_json::from_str::<Members>(raw.get())
                .map_err(|e| ServeError::Objects(format!("an object is not a JSON object: {e}")))?
                .0;
            let typed = members.iter().any(|(k, _)| k == ODATA_TYPE);
            match &kind {
                Some((kind, odata_type)) if !typed => {
                    let value = RawValue::from_string(format!("\"{odata_type}\""))
                        .map_err(|e| ServeError::Objects(e.to_string()))?;
                    members.insert(0, (ODATA_TYPE.to_owned(), value));
                    let object = object.with_kind(kind.clone());
                    Ok(Stored { object, members })
                }
                _ => Ok(Stored { object, members }),
            }
        })
        .collect()
}

const ODATA_TYPE: &str = "@odata.type";

/// The kind of the objects of an entity set named by a list response's `@odata.context`
/// (`https://graph.microsoft.com/v1.0/$metadata#servicePrincipals(id)`), and its `@odata.type`.
fn set_kind(context: &str) -> Option<(ObjectKind, &'static str)> {
    let (_, set) = context.rsplit_once('#')?;
    let set = set.split(['(', '/']).next().unwrap_or_default();
    [
        ("users", ObjectKind::User, "#microsoft.graph.user"),
        (
            "servicePrincipals",
            ObjectKind::ServicePrincipal,
            "#microsoft.graph.servicePrincipal",
        ),
        ("devices", ObjectKind::Device, "#microsoft.graph.device"),
    ]
    .into_iter()
    .find(|(name, ..)| name.eq_ignore_ascii_case(set))
    .map(|(_, kind, odata_type)| (kind, odata_type))
}

/// The items of an objects document, each as written, and the `@odata.context` of a list
/// response.
fn raw_items(bytes: &[u8]) -> Result<(Vec<Box<RawValue>>, Option<String>), ServeError> {
    #[derive(Deserialize)]
    struct List {
        #[serde(rename = "@odata.context")]
        context: Option<String>,
        value: Vec<Box<RawValue>>,
    }
    if let Ok(items) = serde_json::from_slice::<Vec<Box<RawValue>>>(bytes) {
        return Ok((items, None));
    }
    if let Ok(list) = serde_json::from_slice::<List>(bytes) {
        return Ok((list.value, list.context));
    }
    let lines = bytes
        .split(|&b| b == b'\n')
        .filter(|line| !line.iter().all(u8::is_ascii_whitespace))
        .map(|line| {
            serde_json::from_slice::<Box<RawValue>>(line)
                .map_err(|e| ServeError::Objects(format!("a line of the objects file: {e}")))
        })
        .collect::<Result<_, _>>()?;
    Ok((lines, None))
}
