//! Graph's list query emulated over many objects (docs/RULES.md, Search and filter): [`GraphQuery`]
//! (the options of `GET /users?...`, set one by one or read from a raw query string) and
//! [`Engine::query`] → [`QueryOutcome`]. Around the compiled filter it adds what Graph adds: the
//! advanced-query options (`$count=true`, `ConsistencyLevel: eventual`), `$top`, `$select`,
//! `@odata.count` and the actor's projection of each match.

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

use super::filter::{invalid_filter, refused_clause, AttrPath, Filter};
use crate::auth::Actor;
use crate::engine::Engine;
use crate::object::{Object, ObjectKind};
use crate::value::{ResponseForm, State};
use crate::violation::{sort_violations, Verdict, Violation};

impl Engine {
    /// Answers a Graph list query (`GET /users?$filter=...`) over `objects` as `actor` would
    /// be answered: refused (`invalid_filter`) for bad options, for a filter Graph refuses (its
    /// first problem), or for a filter sent without `$count=true` or without `ConsistencyLevel:
    /// eventual` (header or query option); otherwise the objects of the query's kind that match
    /// (all of that kind when there is no filter), in input order, at most `$top` of them in
    /// `value`, each projected per `$select` with `customSecurityAttributes` as the actor may
    /// read them.
    pub fn query(
        &self,
        objects: &[Object],
        actor: Option<&Actor>,
        query: &GraphQuery,
    ) -> QueryOutcome {
        let mut violations = query.problems.clone();
        let mut compiled = None;
        if let Some(text) = &query.filter {
            let parsed = Filter::parse(text);
            let first = parsed
                .as_ref()
                .ok()
                .and_then(|f| f.paths().first().map(|p| (*p).clone()));
            match parsed.and_then(|f| self.compile_filter(&f, actor, &query.kind)) {
                Ok(c) => compiled = Some(c),
                Err(e) => violations.push(e.to_violation()),
            }
            if query.count != Some(true) {
                violations.push(advanced_query(first.as_ref(), "$count", "`$count=true`"));
            }
            let eventual = |v: &Option<String>| {
                v.as_deref()
                    .is_some_and(|v| v.eq_ignore_ascii_case("eventual"))
            };
            if !eventual(&query.consistency_header) && !eventual(&query.consistency_param) {
                violations.push(advanced_query(
                    first.as_ref(),
                    "ConsistencyLevel",
                    "the header `ConsistencyLevel: eventual`",
                ));
            }
        }
        if !violations.is_empty() {
            sort_violations(&mut violations);
            return QueryOutcome {
                inner: Err(violations),
            };
        }
        let matches: Vec<usize> = objects
            .iter()
            .enumerate()
            .filter(|(_, o)| match &compiled {
                Some(c) => c.matches(o),
                None => o.kind == query.kind,
            })
            .map(|(i, _)| i)
            .collect();
        let select = query.properties();
        let wants_csa = select.contains(&Property::CustomSecurityAttributes);
        let shown = query.top.map_or(matches.len(), |t| t.min(matches.len()));
        let rows = matches
            .iter()
            .take(shown)
            .filter_map(|&i| objects.get(i))
            .map(|o| Row {
                id: o.id.clone(),
                display_name: o.display_name.clone(),
                user_type: o.user_type.clone(),
                synced: o.on_premises_sync_enabled,
                csa: wants_csa.then(|| self.view(o, actor)),
            })
            .collect();
        QueryOutcome {
            inner: Ok(Listing {
                context: context_url(&query.kind, &select),
                count: query.count == Some(true),
                matches,
                shown,
                select,
                rows,
            }),
        }
    }
}

/// The refusal for a filter sent without `$count=true` or `ConsistencyLevel: eventual`: Graph's
/// message names the (first) property filtered on; csa's hint says what is missing.
fn advanced_query(first: Option<&AttrPath>, option: &str, missing: &str) -> Violation {
    let why =
        format!("a filter on custom security attributes is an advanced query and needs {missing}");
    match first {
        Some(path) => refused_clause(option, path.property(), why, path.span()),
        // No path to point at: the offset is the start of the filter.
        None => invalid_filter(option, why, 0),
    }
}

/// The properties a query can select (others are omitted).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Property {
    Id,
    DisplayName,
    UserType,
    OnPremisesSyncEnabled,
    CustomSecurityAttributes,
}

impl Property {
    const ALL: [Property; 5] = [
        Property::Id,
        Property::DisplayName,
        Property::UserType,
        Property::OnPremisesSyncEnabled,
        Property::CustomSecurityAttributes,
    ];
    /// What every documented example selects.
    const DEFAULT: [Property; 3] = [
        Property::Id,
        Property::DisplayName,
        Property::CustomSecurityAttributes,
    ];

    fn as_str(self) -> &'static str {
        match self {
            Property::Id => "id",
            Property::DisplayName => "displayName",
            Property::UserType => "userType",
            Property::OnPremisesSyncEnabled => "onPremisesSyncEnabled",
            Property::CustomSecurityAttributes => "customSecurityAttributes",
        }
    }

    fn from_name(s: &str) -> Option<Property> {
        Property::ALL
            .into_iter()
            .find(|p| p.as_str().eq_ignore_ascii_case(s))
    }
}

fn context_url(kind: &ObjectKind, select: &[Property]) -> String {
    let collection = match kind {
        ObjectKind::User => "users",
        ObjectKind::ServicePrincipal => "servicePrincipals",
        ObjectKind::Device => "devices",
        other => other.as_str(),
    };
    let props: Vec<&str> = select.iter().map(|p| p.as_str()).collect();
    format!(
        "https://graph.microsoft.com/v1.0/$metadata#{collection}({})",
        props.join(",")
    )
}

/// A Graph list query: `$filter`, `$count`, `$select`, `$top` and the `ConsistencyLevel` header,
/// for one collection (users unless [`GraphQuery::kind`] says otherwise).
///
/// ```
/// use csa::GraphQuery;
///
/// // From a raw query string: split on `&`, then each value URL-decoded.
/// let q = GraphQuery::from_query_string(
///     "$count=true&$filter=customSecurityAttributes/Sales/Region%20eq%20'A%26B'",
/// )
/// .consistency_level(Some("eventual"));
/// assert_eq!(q.filter_text(), Some("customSecurityAttributes/Sales/Region eq 'A&B'"));
///
/// // Built: a filter given on its own is taken literally.
/// let q = GraphQuery::new().filter("customSecurityAttributes/Sales/Region eq 'A%26B'").count(true);
/// assert_eq!(q.filter_text(), Some("customSecurityAttributes/Sales/Region eq 'A%26B'"));
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct GraphQuery {
    filter: Option<String>,
    count: Option<bool>,
    select: Option<Vec<String>>,
    top: Option<usize>,
    consistency_header: Option<String>,
    /// `ConsistencyLevel=eventual` given in the query string, which Graph also accepts.
    consistency_param: Option<String>,
    kind: ObjectKind,
    /// Problems with the query string, reported by [`Engine::query`].
    problems: Vec<Violation>,
}

impl Default for GraphQuery {
    fn default() -> Self {
        Self::new()
    }
}

impl GraphQuery {
    /// A query over users with no option.
    pub fn new() -> Self {
        Self {
            filter: None,
            count: None,
            select: None,
            top: None,
            consistency_header: None,
            consistency_param: None,
            kind: ObjectKind::User,
            problems: Vec::new(),
        }
    }

    /// Reads a raw query string (`$count=true&$filter=...`, a leading `?` allowed): split on
    /// `&` first, then keys and values URL-decoded (`%XX`, `+` as a space). Known keys:
    /// `$filter`, `$count`, `$select`, `$top` (the `$` optional and any case, as Graph
    /// allows) and `ConsistencyLevel` (Graph accepts it in the query string too). An unknown,
    /// repeated or malformed option is remembered and refuses the query in [`Engine::query`].
    pub fn from_query_string(raw: &str) -> Self {
        let mut q = Self::new();
        let raw = raw.strip_prefix('?').unwrap_or(raw);
        let mut seen: Vec<String> = Vec::new();
        for part in raw.split('&').filter(|p| !p.is_empty()) {
            let (k, v) = part.split_once('=').unwrap_or((part, ""));
            let key = match percent_decode(k) {
                Ok(key) => key,
                Err(why) => {
                    q.problem(k, format!("the query option name `{k}` {why}"));
                    continue;
                }
            };
            let value = match percent_decode(v) {
                Ok(value) => value,
                Err(why) => {
                    q.problem(&key, format!("the value of `{key}` {why}"));
                    continue;
                }
            };
            let option = if key.eq_ignore_ascii_case("ConsistencyLevel") {
                "ConsistencyLevel".to_owned()
            } else {
                format!(
                    "${}",
                    key.strip_prefix('$').unwrap_or(&key).to_ascii_lowercase()
                )
            };
            if seen.contains(&option) {
                q.problem(
                    &key,
                    format!("the query option `{key}` is given more than once"),
                );
                continue;
            }
            seen.push(option.clone());
            match option.as_str() {
                "$filter" => q.filter = Some(value),
                "$count" => match value.as_str() {
                    "true" => q.count = Some(true),
                    "false" => q.count = Some(false),
                    _ => q.problem(&key, format!("`{key}` must be `true` or `false`, not `{value}`")),
                },
                "$select" => {
                    q.select = Some(value.split(',').map(|s| s.trim().to_owned()).collect());
                }
                "$top" => match value.parse::<usize>() {
                    Ok(n) if !value.starts_with('+') => q.top = Some(n),
                    _ => q.problem(
                        &key,
                        format!("`{key}` must be a non-negative integer, not `{value}`"),
                    ),
                },
                "ConsistencyLevel" => q.consistency_param = Some(value),
                _ => q.problem(
                    &key,
                    format!(
                        "unknown query option `{key}`: csa knows `$filter`, `$count`, `$select`, `$top` and `ConsistencyLevel`"
                    ),
                ),
            }
        }
        q
    }

    fn problem(&mut self, key: &str, message: String) {
        // A query option is not in the filter text: offset 0.
        self.problems.push(invalid_filter(key, message, 0));
    }

    /// Sets `$filter`, taken literally (no URL decoding).
    pub fn filter(mut self, text: impl Into<String>) -> Self {
        self.filter = Some(text.into());
        self
    }

    /// Sets `$count`.
    pub fn count(mut self, count: bool) -> Self {
        self.count = Some(count);
        self
    }

    /// Sets `$select` (property names, any case; unknown ones are omitted from the result).
    pub fn select<I, S>(mut self, properties: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.select = Some(
            properties
                .into_iter()
                .map(|p| p.as_ref().trim().to_owned())
                .collect(),
        );
        self
    }

    /// Sets `$top`: at most `n` objects in `value` (`@odata.count` still counts every match).
    pub fn top(mut self, n: usize) -> Self {
        self.top = Some(n);
        self
    }

    /// Sets (or, with `None`, clears) the `ConsistencyLevel` request header.
    pub fn consistency_level(mut self, level: Option<&str>) -> Self {
        self.consistency_header = level.map(str::to_owned);
        self
    }

    /// The collection queried: users (the default), service principals, ...
    pub fn kind(mut self, kind: ObjectKind) -> Self {
        self.kind = kind;
        self
    }

    /// The `$filter` text (decoded, when read from a query string): what error offsets refer to.
    pub fn filter_text(&self) -> Option<&str> {
        self.filter.as_deref()
    }

    /// What is wrong with the query options, if anything ([`Engine::query`] refuses with these).
    pub fn problems(&self) -> &[Violation] {
        &self.problems
    }

    /// The selected properties csa knows, in the order asked, each once.
    fn properties(&self) -> Vec<Property> {
        let Some(names) = self
            .select
            .as_ref()
            .filter(|s| s.iter().any(|n| !n.is_empty()))
        else {
            return Property::DEFAULT.to_vec();
        };
        let mut out = Vec::new();
        for p in names.iter().filter_map(|n| Property::from_name(n)) {
            if !out.contains(&p) {
                out.push(p);
            }
        }
        out
    }
}

/// `%XX` and `+` decoded; the result must be UTF-8.
fn percent_decode(s: &str) -> Result<String, &'static str> {
    fn hex(b: u8) -> Option<u8> {
        char::from(b)
            .to_digit(16)
            .and_then(|d| u8::try_from(d).ok())
    }
    let mut out = Vec::with_capacity(s.len());
    let mut bytes = s.bytes();
    while let Some(b) = bytes.next() {
        match b {
            b'+' => out.push(b' '),
            b'%' => match (bytes.next().and_then(hex), bytes.next().and_then(hex)) {
                (Some(h), Some(l)) => out.push(h * 16 + l),
                _ => return Err("has a `%` not followed by two hexadecimal digits"),
            },
            b => out.push(b),
        }
    }
    String::from_utf8(out).map_err(|_| "is not UTF-8 once decoded")
}

/// What [`Engine::query`] answers: Graph's list response, or the refusal.
///
/// Serialises as Graph's body, `{"@odata.context": ..., "@odata.count": N, "value": [...]}`
/// (the count only when `$count=true`), or `{"violations": [...]}` when refused.
#[derive(Debug, Clone)]
#[must_use]
pub struct QueryOutcome {
    inner: Result<Listing, Vec<Violation>>,
}

impl crate::violation::Parts for QueryOutcome {
    fn parts_mut(&mut self) -> (&mut [Violation], &mut [crate::violation::Warning]) {
        crate::violation::result_parts(&mut self.inner)
    }
}

#[derive(Debug, Clone)]
struct Listing {
    context: String,
    /// Whether `@odata.count` was asked for.
    count: bool,
    matches: Vec<usize>,
    /// How many of `matches` are in `value` (`$top`).
    shown: usize,
    select: Vec<Property>,
    rows: Vec<Row>,
}

/// One object in `value`, with what `$select` can ask for.
#[derive(Debug, Clone)]
struct Row {
    id: Option<String>,
    display_name: Option<String>,
    user_type: Option<String>,
    synced: bool,
    /// The actor's view, when selected.
    csa: Option<State>,
}

impl QueryOutcome {
    /// Whether Graph would answer (rather than refuse).
    pub fn is_allowed(&self) -> bool {
        self.inner.is_ok()
    }
    /// Why it is refused (empty when answered), ordered by pointer then code.
    pub fn violations(&self) -> &[Violation] {
        match &self.inner {
            Ok(_) => &[],
            Err(v) => v,
        }
    }
    /// How many objects match (what `@odata.count` says), when answered.
    pub fn count(&self) -> Option<usize> {
        self.inner.as_ref().ok().map(|l| l.matches.len())
    }
    /// The positions in the input of every matching object, in input order (empty when refused).
    pub fn matches(&self) -> &[usize] {
        self.inner.as_ref().map_or(&[], |l| &l.matches)
    }
    /// The positions of the objects in `value`: the first `$top` matches.
    pub fn returned(&self) -> &[usize] {
        self.inner
            .as_ref()
            .map_or(&[], |l| l.matches.get(..l.shown).unwrap_or(&l.matches))
    }
    /// The body as JSON. A `serde_json::Value` sorts its keys; serialise `self` to keep Graph's
    /// order.
    pub fn body(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }
}

impl Verdict for QueryOutcome {
    fn violations(&self) -> &[Violation] {
        QueryOutcome::violations(self)
    }
    fn warnings(&self) -> &[crate::violation::Warning] {
        &[]
    }
}

impl Serialize for QueryOutcome {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        match &self.inner {
            Err(v) => m.serialize_entry("violations", v)?,
            Ok(l) => {
                m.serialize_entry("@odata.context", &l.context)?;
                if l.count {
                    m.serialize_entry("@odata.count", &l.matches.len())?;
                }
                let rows: Vec<RowView<'_>> = l
                    .rows
                    .iter()
                    .map(|row| RowView {
                        row,
                        select: &l.select,
                    })
                    .collect();
                m.serialize_entry("value", &rows)?;
            }
        }
        m.end()
    }
}

struct RowView<'a> {
    row: &'a Row,
    select: &'a [Property],
}

impl Serialize for RowView<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.select.len()))?;
        let r = self.row;
        for p in self.select {
            match p {
                Property::Id => m.serialize_entry("id", &r.id)?,
                Property::DisplayName => m.serialize_entry("displayName", &r.display_name)?,
                Property::UserType => m.serialize_entry("userType", &r.user_type)?,
                Property::OnPremisesSyncEnabled => {
                    m.serialize_entry("onPremisesSyncEnabled", &r.synced)?
                }
                Property::CustomSecurityAttributes => match &r.csa {
                    Some(state) => {
                        m.serialize_entry("customSecurityAttributes", &ResponseForm(state))?
                    }
                    None => m.serialize_entry("customSecurityAttributes", &())?,
                },
            }
        }
        m.end()
    }
}
