//! Requests to answers: authentication, the routes, reading bodies, and the handlers, each of
//! which hands the request to the library's commands and sends what they decide.
//!
//! | path (under `/v1.0` and `/beta`)                  | methods     | decided by                 |
//! | ------------------------------------------------- | ----------- | -------------------------- |
//! | `/users`, `/servicePrincipals`, `/devices`         | GET         | [`Engine::query`] (`csa filter`) |
//! | `/users/{id}`, ... (also `/users('{id}')`)         | GET         | [`Engine::view`] (`csa view`) |
//! | `/users/{id}`, ...                                 | PATCH       | [`Engine::evaluate`] (`csa check`) |
//! | `/directory/...` (sets, definitions, values)       | any         | [`Catalog::define_with`] (`csa define`) |
//! | `/$csa/health` (no version, no token)              | GET         | the server                 |

use std::sync::Arc;
use std::time::{Instant, SystemTime};

use http_body_util::{BodyExt, Full, LengthLimitError, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::header::{HeaderMap, AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE, WWW_AUTHENTICATE};
use hyper::{Request, Response};
use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;
use serde_json::value::RawValue;

use super::answer::{Ids, Reply, JSON};
use super::log::{masked_path, option_names, timing, Line};
use super::state::{Shared, Slot, Tenant, CSA};
use crate::auth::Actor;
use crate::catalog::{DefinitionRequest, Method};
use crate::commands::{DefineReport, GraphAnswer};
use crate::engine::Engine;
use crate::object::ObjectKind;
use crate::query::GraphQuery;
use crate::value::State;
use crate::violation::{Document, Violation};

/// What a request's log line says besides the request itself.
#[derive(Debug, Default)]
struct Facts {
    token: Option<usize>,
    catalog: Option<u64>,
    seq: Option<u64>,
}

/// Answers one request, and logs it. Never fails: every problem is an HTTP answer.
pub(super) async fn handle(shared: Arc<Shared>, req: Request<Incoming>) -> Response<Full<Bytes>> {
    let (started, clock) = (SystemTime::now(), Instant::now());
    let ids = Ids::new(header(req.headers(), "client-request-id"));
    let method = req.method().as_str().to_owned();
    let path = req.uri().path().to_owned();
    let query = req.uri().query().map(str::to_owned);
    let mut facts = Facts::default();
    let reply = route(&shared, req, &ids, &mut facts).await;
    let (ts, ms) = timing(started, clock.elapsed());
    let tenant = shared.tenant();
    Line {
        ts,
        method: &method,
        path: masked_path(&path, tenant.engine.catalog(), &shared.policy),
        query: option_names(query.as_deref()),
        status: reply.status,
        ms,
        token: facts.token,
        request_id: &ids.request_id,
        client_request_id: &ids.client_request_id,
        catalog: facts.catalog,
        seq: facts.seq,
    }
    .write();
    respond(reply, &ids)
}

/// The collections of objects, and the kind each holds.
const COLLECTIONS: [(&str, ObjectKind); 3] = [
    ("users", ObjectKind::User),
    ("servicePrincipals", ObjectKind::ServicePrincipal),
    ("devices", ObjectKind::Device),
];

async fn route(shared: &Shared, req: Request<Incoming>, ids: &Ids, facts: &mut Facts) -> Reply {
    let path = req.uri().path().to_owned();
    let query = req.uri().query().map(str::to_owned);
    if decode(&path).is_some_and(|p| p.eq_ignore_ascii_case("/$csa/health")) {
        return match *req.method() {
            hyper::Method::GET => health(shared),
            _ => Reply::method_not_allowed(ids),
        };
    }
    let Some((version, rest)) = strip_version(&path) else {
        let first = path.trim_start_matches('/').split('/').next();
        let first = first.unwrap_or_default();
        return Reply::invalid_version(&decode(first).unwrap_or_else(|| first.to_owned()), ids);
    };

    // Authentication, before anything is said about the path.
    let token = bearer(req.headers());
    let Some(position) = token.and_then(|t| shared.token(t)) else {
        return Reply::unauthorized(token.is_some(), ids);
    };
    facts.token = Some(position);
    let actor = shared.actor(position);

    let Some(segments) = segments(rest) else {
        return Reply::no_such_segment(rest.trim_start_matches('/'), ids);
    };
    let is = |s: &String, name: &str| s.eq_ignore_ascii_case(name);
    let collection = segments
        .first()
        .and_then(|s| COLLECTIONS.iter().find(|(name, _)| is(s, name)))
        .map(|(_, kind)| kind);
    let method = req.method().clone();
    match (collection, segments.as_slice()) {
        (Some(kind), [_]) => match method {
            hyper::Method::GET => {
                let consistency = header(req.headers(), "ConsistencyLevel");
                list(
                    shared,
                    kind,
                    query.as_deref(),
                    consistency,
                    actor,
                    ids,
                    facts,
                )
            }
            _ => Reply::method_not_allowed(ids),
        },
        (Some(kind), [_, id]) => {
            let Some(slot) = shared.object(kind, id) else {
                return Reply::no_such_object(id, ids);
            };
            match method {
                hyper::Method::GET => {
                    get(shared, slot, kind, version, query.as_deref(), actor, facts)
                }
                hyper::Method::PATCH => {
                    let max = shared.policy.max_body_bytes;
                    match read_body(req, max).await {
                        Ok(body) => patch(shared, slot, &body, actor, ids, facts).await,
                        Err(BodyError::TooLarge(len)) => too_large(Document::Body, len, max, ids),
                        Err(BodyError::Unreadable) => Reply::unreadable_body(ids),
                    }
                }
                _ => Reply::method_not_allowed(ids),
            }
        }
        (Some(_), [_, _, next, ..]) => Reply::no_such_segment(next, ids),
        (None, [first, ..]) if is(first, "directory") => {
            let Some(method) = definition_method(&method) else {
                return Reply::method_not_allowed(ids);
            };
            let path = match &query {
                Some(q) => format!("{rest}?{q}"),
                None => rest.to_owned(),
            };
            let body = if matches!(method, Method::Post | Method::Patch | Method::Put) {
                let max = shared.policy.max_body_bytes;
                match read_body(req, max).await {
                    Ok(body) => Some(body),
                    Err(BodyError::TooLarge(len)) => {
                        return too_large(Document::Definition, len, max, ids)
                    }
                    Err(BodyError::Unreadable) => return Reply::unreadable_body(ids),
                }
            } else {
                None
            };
            define(shared, method, &path, body.as_deref(), actor, ids, facts).await
        }
        (_, [first, ..]) => Reply::no_such_segment(first, ids),
        (_, []) => Reply::no_such_segment("", ids),
    }
}

/// `GET /$csa/health`.
fn health(shared: &Shared) -> Reply {
    let tenant = shared.tenant();
    let body = serde_json::json!({
        "status": "ok",
        "objects": shared.len(),
        "catalogVersion": tenant.version,
        "persistent": shared.store.is_some(),
    });
    Reply::json(200, serde_json::to_vec(&body).unwrap_or_default())
}

/// `GET /users?$filter=...`: `csa filter`'s answer over the objects as they are now.
fn list(
    shared: &Shared,
    kind: &ObjectKind,
    query: Option<&str>,
    consistency: Option<&str>,
    actor: Option<&Actor>,
    ids: &Ids,
    facts: &mut Facts,
) -> Reply {
    let tenant = shared.tenant();
    facts.catalog = Some(tenant.version);
    let objects: Vec<_> = shared
        .objects
        .iter()
        .map(|slot| slot.current().object.clone())
        .collect();
    let query = GraphQuery::from_query_string(query.unwrap_or_default())
        .consistency_level(consistency)
        .kind(kind.clone());
    let outcome = tenant.engine.query(&objects, actor, &query);
    Reply::graph(&GraphAnswer::query(&outcome), ids)
}

/// `GET /users/{id}`: the stored object's properties (`$select` picks them, any case), its
/// `customSecurityAttributes` as the caller may read them (`csa view`); without `$select`,
/// every stored property but the attributes, which Graph returns only when selected.
fn get(
    shared: &Shared,
    slot: &Slot,
    kind: &ObjectKind,
    version: &str,
    query: Option<&str>,
    actor: Option<&Actor>,
    facts: &mut Facts,
) -> Reply {
    let tenant = shared.tenant();
    facts.catalog = Some(tenant.version);
    let stored = slot.current();
    let select = select_option(query);
    let set = entity_set(kind);
    let view = select
        .iter()
        .flatten()
        .any(|n| n.eq_ignore_ascii_case(CSA))
        .then(|| tenant.engine.view(&stored.object, actor));
    let body = match &select {
        None => Entity {
            context: format!("https://graph.microsoft.com/{version}/$metadata#{set}/$entity"),
            members: stored
                .members
                .iter()
                .filter(|(k, _)| k != CSA && !k.starts_with("@odata."))
                .map(|(k, v)| (k.clone(), Member::Raw(v)))
                .collect(),
        },
        Some(names) => {
            let members = names
                .iter()
                .map(|name| match (&view, stored.member(name)) {
                    (Some(view), _) if name.eq_ignore_ascii_case(CSA) => {
                        (CSA.to_owned(), Member::State(view))
                    }
                    (_, Some((stored_name, raw))) => (stored_name.to_owned(), Member::Raw(raw)),
                    (_, None) => (name.clone(), Member::Null),
                })
                .collect();
            Entity {
                context: format!(
                    "https://graph.microsoft.com/{version}/$metadata#{set}({})/$entity",
                    names.join(",")
                ),
                members,
            }
        }
    };
    Reply::json(200, serde_json::to_vec(&body).unwrap_or_default())
}

/// `PATCH /users/{id}`: decided on the object as the PATCH before it left it, and on the
/// catalog in force; an accepted one is written to the data directory, then made the object,
/// before it is answered. Never half-applied: a refusal, or a failed write, changes nothing.
async fn patch(
    shared: &Shared,
    slot: &Slot,
    body: &[u8],
    actor: Option<&Actor>,
    ids: &Ids,
    facts: &mut Facts,
) -> Reply {
    let _write = slot.write.lock().await;
    let tenant = shared.tenant();
    facts.catalog = Some(tenant.version);
    let current = slot.current();
    let evaluation = tenant.engine.evaluate(&current.object, actor, body);
    if let Some(diff) = evaluation.diff() {
        let next = Arc::new(current.with_state(diff.after().clone()));
        if let Some(store) = &shared.store {
            let (store, written) = (Arc::clone(store), Arc::clone(&next));
            let done = tokio::task::spawn_blocking(move || store.write_object(&written)).await;
            if let Some(error) = failed(done) {
                log_error(&error, ids);
                return Reply::not_persisted(ids);
            }
        }
        slot.publish(next);
        facts.seq = Some(shared.next_seq());
    }
    Reply::graph(&GraphAnswer::of_evaluation(&evaluation), ids)
}

/// A request on attribute sets, definitions or allowed values, as `csa define` decides it. A
/// write is decided on the catalog the write before it left (one at a time); an accepted one is
/// written to the data directory, then swapped in whole: requests already under way finish on
/// the catalog they started with.
async fn define(
    shared: &Shared,
    method: Method,
    path: &str,
    body: Option<&[u8]>,
    actor: Option<&Actor>,
    ids: &Ids,
    facts: &mut Facts,
) -> Reply {
    let mut request = DefinitionRequest::new(method, path);
    if let Some(body) = body {
        request = request.with_body(body);
    }
    let _write = match method {
        Method::Get => None,
        _ => Some(shared.catalog_write.lock().await),
    };
    let tenant = shared.tenant();
    facts.catalog = Some(tenant.version);
    let outcome = tenant
        .engine
        .catalog()
        .define_with(&request, actor, &shared.policy);
    if let Some(catalog) = outcome.catalog() {
        let catalog = catalog.clone();
        if let Some(store) = &shared.store {
            let store = Arc::clone(store);
            let bytes = serde_json::to_vec(&catalog).unwrap_or_default();
            let done = tokio::task::spawn_blocking(move || store.write_catalog(&bytes)).await;
            if let Some(error) = failed(done) {
                log_error(&error, ids);
                return Reply::not_persisted(ids);
            }
        }
        shared.swap(Tenant {
            engine: Engine::new(catalog, shared.policy.clone()),
            version: tenant.version + 1,
        });
        facts.seq = Some(shared.next_seq());
    }
    Reply::graph(&DefineReport::of(outcome).graph_answer(), ids)
}

/// The engine's `payload_too_large` for a body refused before it was read whole.
fn too_large(document: Document, len: Option<usize>, max: usize, ids: &Ids) -> Reply {
    let violation = Violation::payload_too_large(document, len, max);
    Reply::graph(&GraphAnswer::refusal(&violation), ids)
}

/// The error of a write to the data directory, if it failed.
fn failed(done: Result<Result<(), super::ServeError>, tokio::task::JoinError>) -> Option<String> {
    match done {
        Ok(Ok(())) => None,
        Ok(Err(e)) => Some(e.to_string()),
        Err(e) => Some(e.to_string()),
    }
}

fn log_error(error: &str, ids: &Ids) {
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct ErrorLine<'a> {
        ts: String,
        error: &'a str,
        request_id: &'a str,
    }
    let line = ErrorLine {
        ts: super::answer::utc(SystemTime::now(), true),
        error,
        request_id: &ids.request_id,
    };
    let mut text = serde_json::to_vec(&line).unwrap_or_default();
    text.push(b'\n');
    let _ = std::io::Write::write_all(&mut std::io::stderr().lock(), &text);
}

/// Why a body was not read.
enum BodyError {
    /// Over the policy's `maxBodyBytes`: the declared length, or `None` when reading stopped
    /// past the limit.
    TooLarge(Option<usize>),
    /// The client sent something that is not a body (or went away).
    Unreadable,
}

/// Reads a request body of at most `max` bytes; a larger one is refused by its declared length
/// before a byte is read, or as soon as `max` is passed.
async fn read_body(req: Request<Incoming>, max: usize) -> Result<Vec<u8>, BodyError> {
    let declared = header(req.headers(), CONTENT_LENGTH.as_str()).and_then(|n| n.parse().ok());
    if let Some(len) = declared.filter(|&len: &usize| len > max) {
        return Err(BodyError::TooLarge(Some(len)));
    }
    match Limited::new(req.into_body(), max).collect().await {
        Ok(collected) => Ok(collected.to_bytes().to_vec()),
        Err(e) if e.downcast_ref::<LengthLimitError>().is_some() => Err(BodyError::TooLarge(None)),
        Err(_) => Err(BodyError::Unreadable),
    }
}

/// The reply as an HTTP response, with Graph's headers.
fn respond(reply: Reply, ids: &Ids) -> Response<Full<Bytes>> {
    let mut builder = Response::builder()
        .status(reply.status)
        .header("request-id", ids.request_id.as_str())
        .header("client-request-id", ids.client_request_id.as_str());
    if reply.authenticate {
        builder = builder.header(
            WWW_AUTHENTICATE,
            "Bearer realm=\"\", authorization_uri=\"https://login.microsoftonline.com/common/oauth2/authorize\", client_id=\"00000003-0000-0000-c000-000000000000\"",
        );
    }
    let body = match reply.body {
        Some(body) => {
            builder = builder
                .header(CONTENT_TYPE, JSON)
                .header("OData-Version", "4.0");
            Full::new(Bytes::from(body))
        }
        None => Full::new(Bytes::new()),
    };
    match builder.body(body) {
        Ok(response) => response,
        Err(_) => {
            let mut response = Response::new(Full::new(Bytes::new()));
            *response.status_mut() = hyper::StatusCode::INTERNAL_SERVER_ERROR;
            response
        }
    }
}

/// A request header as text.
fn header<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
}

/// The bearer token of the `Authorization` header.
fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = header(headers, AUTHORIZATION.as_str())?;
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// The API version (`v1.0` or `beta`, any case) and the path after it.
fn strip_version(path: &str) -> Option<(&'static str, &str)> {
    for version in ["v1.0", "beta"] {
        let Some(rest) = path
            .strip_prefix('/')
            .and_then(|p| {
                p.get(..version.len())
                    .filter(|h| h.eq_ignore_ascii_case(version))
            })
            .and_then(|_| path.get(version.len() + 1..))
        else {
            continue;
        };
        if rest.is_empty() || rest.starts_with('/') {
            return Some((version, rest));
        }
    }
    None
}

/// The path's segments, percent-decoded, with Graph's key syntax (`users('id')`) read as two
/// segments; `None` when a segment is not valid percent-encoded UTF-8.
fn segments(rest: &str) -> Option<Vec<String>> {
    let trimmed = rest.trim_start_matches('/');
    let trimmed = trimmed.strip_suffix('/').unwrap_or(trimmed);
    if trimmed.is_empty() {
        return Some(Vec::new());
    }
    let mut out = Vec::new();
    for raw in trimmed.split('/') {
        let keyed = raw
            .strip_suffix(')')
            .and_then(|r| r.split_once('('))
            .map(|(name, key)| (name, key.trim_matches('\'')));
        match keyed {
            Some((name, key)) if !name.is_empty() => {
                out.push(decode(name)?);
                out.push(decode(key)?.replace("''", "'"));
            }
            _ => out.push(decode(raw)?),
        }
    }
    Some(out)
}

/// `%XX` decoded (and `+` kept: in a path it is a plus); `None` if not valid UTF-8 after.
pub(super) fn decode(s: &str) -> Option<String> {
    let mut out = Vec::with_capacity(s.len());
    let mut bytes = s.bytes();
    while let Some(b) = bytes.next() {
        if b == b'%' {
            let hi = bytes.next().and_then(|h| char::from(h).to_digit(16))?;
            let lo = bytes.next().and_then(|l| char::from(l).to_digit(16))?;
            out.push(u8::try_from(hi * 16 + lo).ok()?);
        } else {
            out.push(b);
        }
    }
    String::from_utf8(out).ok()
}

/// The `$select` option of a query string (`$select`, `%24select` or `select`, any case): its
/// property names, each once, in order; `None` without one (or an empty one).
fn select_option(query: Option<&str>) -> Option<Vec<String>> {
    let mut names: Vec<String> = Vec::new();
    for part in query.unwrap_or_default().split('&') {
        let (k, v) = part.split_once('=').unwrap_or((part, ""));
        let key = decode(&k.replace('+', " ")).unwrap_or_default();
        if !key.trim_start_matches('$').eq_ignore_ascii_case("select") {
            continue;
        }
        let value = decode(&v.replace('+', " ")).unwrap_or_default();
        for name in value.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            if !names.iter().any(|n| n.eq_ignore_ascii_case(name)) {
                names.push(name.to_owned());
            }
        }
    }
    (!names.is_empty()).then_some(names)
}

/// The HTTP method of a definition request.
fn definition_method(method: &hyper::Method) -> Option<Method> {
    Some(match *method {
        hyper::Method::GET => Method::Get,
        hyper::Method::POST => Method::Post,
        hyper::Method::PATCH => Method::Patch,
        hyper::Method::PUT => Method::Put,
        hyper::Method::DELETE => Method::Delete,
        _ => return None,
    })
}

/// The entity set of a kind, for `@odata.context`.
fn entity_set(kind: &ObjectKind) -> &'static str {
    match kind {
        ObjectKind::ServicePrincipal | ObjectKind::ManagedIdentity => "servicePrincipals",
        ObjectKind::Device => "devices",
        _ => "users",
    }
}

/// One entity in a GET answer: `@odata.context`, then its members in order.
struct Entity<'a> {
    context: String,
    members: Vec<(String, Member<'a>)>,
}

enum Member<'a> {
    Raw(&'a RawValue),
    State(&'a State),
    Null,
}

impl Serialize for Entity<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.members.len() + 1))?;
        m.serialize_entry("@odata.context", &self.context)?;
        for (k, v) in &self.members {
            match v {
                Member::Raw(raw) => m.serialize_entry(k, raw)?,
                Member::State(state) => m.serialize_entry(k, &state.response_form())?,
                Member::Null => m.serialize_entry(k, &())?,
            }
        }
        m.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_and_segments() {
        assert_eq!(strip_version("/v1.0/users"), Some(("v1.0", "/users")));
        assert_eq!(strip_version("/BETA"), Some(("beta", "")));
        assert_eq!(strip_version("/v1.00/users"), None);
        assert_eq!(strip_version("/"), None);
        assert_eq!(strip_version(""), None);
        assert_eq!(
            segments("/users('a%20b')/").unwrap(),
            vec!["users".to_owned(), "a b".to_owned()]
        );
        assert_eq!(segments("/users/%ZZ"), None);
        assert_eq!(segments("").unwrap(), Vec::<String>::new());
    }

    #[test]
    fn select_is_read_in_any_spelling() {
        assert_eq!(
            select_option(Some("%24select=id,customSecurityAttributes&x=1")),
            Some(vec!["id".to_owned(), "customSecurityAttributes".to_owned()])
        );
        assert_eq!(
            select_option(Some("$SELECT=id,ID")),
            Some(vec!["id".to_owned()])
        );
        assert_eq!(select_option(Some("$select=")), None);
        assert_eq!(select_option(None), None);
    }

    #[test]
    fn bearer_tokens() {
        let mut h = HeaderMap::new();
        assert_eq!(bearer(&h), None);
        h.insert(AUTHORIZATION, "Bearer  abc ".parse().unwrap());
        assert_eq!(bearer(&h), Some("abc"));
        h.insert(AUTHORIZATION, "Basic abc".parse().unwrap());
        assert_eq!(bearer(&h), None);
    }
}
