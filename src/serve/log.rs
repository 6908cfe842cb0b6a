//! One structured line per request on standard error (JSON):
//!
//! ```text
//! {"ts":"2024-05-01T12:00:00.123Z","method":"PATCH","path":"/v1.0/users/u1","query":[],
//!  "status":204,"ms":1.234,"token":2,"requestId":"…","clientRequestId":"…","catalog":1,"seq":17}
//! ```
//!
//! `token` is the bearer token's position in the tokens file (never the token); `query` names
//! the query options sent, never their values; `catalog` is the version of the catalog the
//! request was decided on; `seq` numbers the accepted writes in the order they were applied.
//! Nothing of a body is logged, and an allowed value's id in a path is masked when its set is
//! one of the policy's `redactSets`.

use std::io::Write;
use std::time::{Duration, SystemTime};

use serde::Serialize;

use super::answer::utc;
use crate::catalog::Catalog;
use crate::policy::{Policy, REDACTED};

/// What one request's line says.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Line<'a> {
    pub ts: String,
    pub method: &'a str,
    pub path: String,
    pub query: Vec<String>,
    pub status: u16,
    pub ms: f64,
    pub token: Option<usize>,
    pub request_id: &'a str,
    pub client_request_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub catalog: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seq: Option<u64>,
}

impl Line<'_> {
    /// Writes the line to standard error.
    pub fn write(&self) {
        let mut line = serde_json::to_vec(self).unwrap_or_default();
        line.push(b'\n');
        let _ = std::io::stderr().lock().write_all(&line);
    }
}

/// A line's timestamp and duration.
pub(super) fn timing(started: SystemTime, took: Duration) -> (String, f64) {
    let ms = (took.as_secs_f64() * 1_000_000.0).round() / 1000.0;
    (utc(started, true), ms)
}

/// The names of the query options of `query`, without their values.
pub(super) fn option_names(query: Option<&str>) -> Vec<String> {
    query
        .unwrap_or_default()
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let name = p.split_once('=').map_or(p, |(k, _)| k);
            super::routes::decode(name).unwrap_or_else(|| name.to_owned())
        })
        .take(32)
        .collect()
}

/// `path` as logged: an allowed value's id after `allowedValues` is masked when the
/// definition's set is redacted (or cannot be told).
pub(super) fn masked_path(path: &str, catalog: &Catalog, policy: &Policy) -> String {
    if policy.redact_sets.is_empty() {
        return path.to_owned();
    }
    let lower = path.to_ascii_lowercase();
    let Some(at) = lower.find("allowedvalues") else {
        return path.to_owned();
    };
    let head = path.get(..at).unwrap_or_default();
    let tail = path.get(at + "allowedvalues".len()..).unwrap_or_default();
    if tail.trim_matches(['/', '(', ')']).is_empty() {
        return path.to_owned();
    }
    // The definition's id: the segment (or key) before `allowedValues`.
    let def = head
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or_default();
    let def = def
        .split_once('(')
        .map_or(def, |(_, key)| key)
        .trim_matches(['(', ')', '\''])
        .to_owned();
    let def = super::routes::decode(&def).unwrap_or(def);
    let redacted = catalog
        .definition_by_id(&def)
        .is_none_or(|d| policy.is_redacted(d.attribute_set()));
    if redacted {
        format!("{head}allowedValues/{REDACTED}")
    } else {
        path.to_owned()
    }
}
