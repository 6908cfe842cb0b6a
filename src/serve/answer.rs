//! What the server sends: a status, Graph's headers and a body. Refusals carry Graph's error
//! body, `{"error": {"code", "message", "innerError": {"date", "request-id",
//! "client-request-id"}}}`, with the code and message the engine decided ([`GraphAnswer`]) or,
//! for what the engine does not decide (authentication, routing), the ones Graph gives.

use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::Serialize;

use crate::commands::GraphAnswer;

/// Graph's content type for JSON bodies.
pub(super) const JSON: &str =
    "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8";

/// What one request is answered with, before it is written.
#[derive(Debug)]
pub(super) struct Reply {
    pub status: u16,
    pub body: Option<Vec<u8>>,
    /// `WWW-Authenticate` on a 401.
    pub authenticate: bool,
}

impl Reply {
    /// A status with no body (`204 No Content`).
    pub fn empty(status: u16) -> Self {
        Reply {
            status,
            body: None,
            authenticate: false,
        }
    }

    /// A JSON body.
    pub fn json(status: u16, body: Vec<u8>) -> Self {
        Reply {
            status,
            body: Some(body),
            authenticate: false,
        }
    }

    /// Graph's error body.
    pub fn error(status: u16, code: &str, message: &str, ids: &Ids) -> Self {
        #[derive(Serialize)]
        struct Body<'a> {
            error: Error<'a>,
        }
        #[derive(Serialize)]
        struct Error<'a> {
            code: &'a str,
            message: &'a str,
            #[serde(rename = "innerError")]
            inner: Inner<'a>,
        }
        #[derive(Serialize)]
        struct Inner<'a> {
            date: &'a str,
            #[serde(rename = "request-id")]
            request_id: &'a str,
            #[serde(rename = "client-request-id")]
            client_request_id: &'a str,
        }
        let body = Body {
            error: Error {
                code,
                message,
                inner: Inner {
                    date: &ids.date,
                    request_id: &ids.request_id,
                    client_request_id: &ids.client_request_id,
                },
            },
        };
        Reply::json(status, serde_json::to_vec(&body).unwrap_or_default())
    }

    /// The engine's answer as Graph sends it: a refusal gets `innerError` added to its error
    /// body; anything else is sent as the engine wrote it.
    pub fn graph(answer: &GraphAnswer<'_>, ids: &Ids) -> Self {
        let status = answer.status();
        if status >= 400 {
            let body = answer.body_json().unwrap_or_default();
            let error = body.get("error");
            let field = |k: &str| {
                error
                    .and_then(|e| e.get(k))
                    .and_then(serde_json::Value::as_str)
                    .unwrap_or_default()
                    .to_owned()
            };
            return Reply::error(status, &field("code"), &field("message"), ids);
        }
        match answer.body_bytes() {
            Some(body) => Reply::json(status, body),
            None => Reply::empty(status),
        }
    }

    /// `401 Unauthorized`: no bearer token, or one the tokens file does not hold.
    pub fn unauthorized(given: bool, ids: &Ids) -> Self {
        let message = if given {
            "Access token validation failure. Invalid audience."
        } else {
            "Access token is empty."
        };
        let mut reply = Reply::error(401, "InvalidAuthenticationToken", message, ids);
        reply.authenticate = true;
        reply
    }

    /// `405 Method Not Allowed` on a resource csa serves, for a method it does not.
    pub fn method_not_allowed(ids: &Ids) -> Self {
        Reply::error(
            405,
            "Request_BadRequest",
            "Specified HTTP method is not allowed for the request target.",
            ids,
        )
    }

    /// `404 Not Found` for an object id the tenant does not hold.
    pub fn no_such_object(id: &str, ids: &Ids) -> Self {
        Reply::error(
            404,
            "Request_ResourceNotFound",
            &format!(
                "Resource '{id}' does not exist or one of its queried reference-property objects are not present."
            ),
            ids,
        )
    }

    /// `400 Bad Request` for a path segment Graph does not know here, as Graph words it.
    pub fn no_such_segment(segment: &str, ids: &Ids) -> Self {
        Reply::error(
            400,
            "BadRequest",
            &format!("Resource not found for the segment '{segment}'."),
            ids,
        )
    }

    /// `400 Bad Request` for a path outside `/v1.0` and `/beta`.
    pub fn invalid_version(version: &str, ids: &Ids) -> Self {
        Reply::error(
            400,
            "BadRequest",
            &format!("Invalid version: {version}"),
            ids,
        )
    }

    /// `400 Bad Request` for a body that could not be received (a broken chunked encoding, a
    /// client that went away).
    pub fn unreadable_body(ids: &Ids) -> Self {
        Reply::error(
            400,
            "BadRequest",
            "The request body could not be read.",
            ids,
        )
    }

    /// `500`: the state could not be written to the data directory; nothing was applied.
    pub fn not_persisted(ids: &Ids) -> Self {
        Reply::error(
            500,
            "generalException",
            "The change could not be written to the data directory; nothing was applied.",
            ids,
        )
    }
}

/// The ids and date of one request: Graph's `request-id` (new for each request), the
/// `client-request-id` the client sent (or the request id), and the date.
#[derive(Debug, Clone)]
pub(super) struct Ids {
    pub request_id: String,
    pub client_request_id: String,
    /// `2024-05-01T12:00:00`, UTC, as Graph writes `innerError.date`.
    pub date: String,
}

impl Ids {
    /// The ids of a new request, with the client's `client-request-id` when it sent one.
    pub fn new(client_request_id: Option<&str>) -> Self {
        let request_id = guid();
        Ids {
            client_request_id: client_request_id
                .filter(|c| !c.is_empty() && c.len() <= 128)
                .map_or_else(|| request_id.clone(), str::to_owned),
            request_id,
            date: utc(SystemTime::now(), false),
        }
    }
}

/// A fresh GUID-shaped id (version 4 layout): the process's random hasher keys over a counter.
/// Unique within the process, unpredictable across runs; not cryptographic.
pub(super) fn guid() -> String {
    static KEYS: OnceLock<RandomState> = OnceLock::new();
    static N: AtomicU64 = AtomicU64::new(0);
    let keys = KEYS.get_or_init(RandomState::new);
    let n = N.fetch_add(1, Ordering::Relaxed);
    let a = keys.hash_one((n, 0u8));
    let b = keys.hash_one((n, 1u8));
    format!(
        "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0x0fff,
        0x8000 | ((b >> 48) & 0x3fff),
        b & 0xffff_ffff_ffff
    )
}

/// `time` in UTC as `YYYY-MM-DDTHH:MM:SS` (Graph's `innerError.date`), or with milliseconds
/// and `Z` (the log's timestamps).
pub(super) fn utc(time: SystemTime, millis: bool) -> String {
    let since = time.duration_since(UNIX_EPOCH).unwrap_or_default();
    let secs = since.as_secs();
    let days = i64::try_from(secs / 86_400).unwrap_or_default();
    let rem = secs % 86_400;
    let (y, m, d) = civil(days);
    let (hh, mm, ss) = (rem / 3600, rem % 3600 / 60, rem % 60);
    if millis {
        format!(
            "{y:04}-{m:02}-{d:02}T{hh:02}:{mm:02}:{ss:02}.{:03}Z",
            since.subsec_millis()
        )
    } else {
        format!("{y:04}-{m:02}-{d:02}T{hh:02}:{mm:02}:{ss:02}")
    }
}

/// Year, month, day of the day `days` after 1970-01-01 (Howard Hinnant's `civil_from_days`).
fn civil(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn dates_are_utc() {
        let t = UNIX_EPOCH + Duration::from_millis(1_714_564_800_123);
        assert_eq!(utc(t, false), "2024-05-01T12:00:00");
        assert_eq!(utc(t, true), "2024-05-01T12:00:00.123Z");
        assert_eq!(utc(UNIX_EPOCH, false), "1970-01-01T00:00:00");
        let leap = UNIX_EPOCH + Duration::from_secs(951_782_400); // 2000-02-29
        assert_eq!(utc(leap, false), "2000-02-29T00:00:00");
    }

    #[test]
    fn guids_are_shaped_and_distinct() {
        let (a, b) = (guid(), guid());
        assert_ne!(a, b);
        assert_eq!(a.len(), 36);
        assert_eq!(a.as_bytes()[14], b'4');
        assert!(a.split('-').map(str::len).eq([8, 4, 4, 4, 12]));
    }
}
