//! The routes of objects and the errors of every route, each compared with what the library's
//! commands decide for the same request (`csa check`, `view`, `filter`), and the request log.

use serde_json::{json, Value};

use super::*;
use csa::commands::{Check, Filter, View};

#[test]
fn health_needs_no_token() {
    let s = Scratch::new("health");
    let d = double(&s);
    let a = d.call("GET", "/$csa/health", None, &[], None);
    assert_eq!(a.status, 200);
    assert_eq!(a.body["status"], "ok");
    assert_eq!(a.body["objects"], 9);
    assert_eq!(a.body["persistent"], false);
    assert_eq!(
        d.call("POST", "/$csa/health", None, &[], Some(b"{}"))
            .status,
        405
    );
}

#[test]
fn no_or_unknown_token_is_401() {
    let s = Scratch::new("401");
    let d = double(&s);
    let path = format!("/v1.0/users/{JIYA}?$select=customSecurityAttributes");
    let none = d.call("GET", &path, None, &[], None);
    assert_eq!(none.status, 401);
    assert_eq!(none.code(), "InvalidAuthenticationToken");
    assert_eq!(none.message(), "Access token is empty.");
    assert!(none
        .header("www-authenticate")
        .unwrap()
        .starts_with("Bearer"));
    has_inner_error(&none);
    let unknown = d.get(&path, "not-a-token");
    assert_eq!(unknown.status, 401);
    assert_eq!(unknown.code(), "InvalidAuthenticationToken");
    // Another scheme is no bearer token; nothing is said about the path before the token.
    let basic = d.call(
        "GET",
        "/v1.0/nothing",
        None,
        &[("Authorization", "Basic YTpi")],
        None,
    );
    assert_eq!(basic.status, 401);
    // The client's request id is echoed.
    let echoed = d.call(
        "GET",
        &path,
        None,
        &[("client-request-id", "my-id-1")],
        None,
    );
    assert_eq!(
        echoed.body["error"]["innerError"]["client-request-id"],
        "my-id-1"
    );
    assert_eq!(echoed.header("client-request-id"), Some("my-id-1"));
}

#[test]
fn get_selects_the_callers_view_and_stored_properties() {
    let s = Scratch::new("get");
    let d = double(&s);
    let catalog = catalog_bytes();
    for (token, version) in [("admin", "v1.0"), ("mkt-reader", "beta"), ("eng", "v1.0")] {
        let a = d.get(
            &format!("/{version}/users/{JIYA}?$select=customSecurityAttributes"),
            token,
        );
        assert_eq!(a.status, 200, "{}", a.text);
        let user = sample_user(JIYA);
        let mut view = View::new(&catalog, &user);
        let actor = actor_of(token);
        if let Some(actor) = &actor {
            view = view.actor(actor);
        }
        let expected = view.run().unwrap().graph_answer().body_json().unwrap();
        assert_eq!(
            a.body["customSecurityAttributes"], expected["customSecurityAttributes"],
            "{token}"
        );
        assert_eq!(
            a.body["@odata.context"],
            format!("https://graph.microsoft.com/{version}/$metadata#users(customSecurityAttributes)/$entity")
        );
    }
    // The reader of Marketing sees Marketing only.
    let a = d.get(
        &format!("/v1.0/users/{JIYA}?$select=customSecurityAttributes"),
        "mkt-reader",
    );
    let sets: Vec<&String> = a.body["customSecurityAttributes"]
        .as_object()
        .unwrap()
        .keys()
        .collect();
    assert_eq!(sets, ["Marketing"]);
    // Nothing readable: null, as Graph answers (R02).
    let a = d.get(
        &format!("/v1.0/users/{JIYA}?$select=customSecurityAttributes"),
        "nobody",
    );
    assert_eq!(a.body["customSecurityAttributes"], Value::Null);

    // Other selected properties come from the stored object, any case; unknown ones are null.
    let a = d.get(
        &format!("/v1.0/users/{JIYA}?%24select=ID,displayname,jobTitle"),
        "admin",
    );
    assert_eq!(
        a.body,
        json!({
            "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users(ID,displayname,jobTitle)/$entity",
            "id": JIYA, "displayName": "Jiya", "jobTitle": null
        })
    );
    // Without $select: the stored properties, never the attributes.
    let a = d.get(&format!("/v1.0/users/{JIYA}"), "admin");
    assert_eq!(a.body["displayName"], "Jiya");
    assert!(a.body.get("customSecurityAttributes").is_none());
    assert!(a.body.get("@odata.type").is_none());
    // Ids in any case, and Graph's key syntax.
    let upper = JIYA.to_ascii_uppercase();
    assert_eq!(d.get(&format!("/v1.0/users/{upper}"), "admin").status, 200);
    assert_eq!(
        d.get(&format!("/v1.0/users('{JIYA}')"), "admin").status,
        200
    );
    // A service principal, under its own collection only.
    let a = d.get(
        "/v1.0/servicePrincipals/sp-1?$select=appId,customSecurityAttributes",
        "admin",
    );
    assert_eq!(a.status, 200);
    assert_eq!(a.body["appId"], "0000-app");
    assert_eq!(a.body["customSecurityAttributes"], Value::Null);
    let a = d.get("/v1.0/users/sp-1", "admin");
    assert_eq!(a.status, 404);
}

#[test]
fn unknown_objects_and_paths() {
    let s = Scratch::new("404");
    let d = double(&s);
    let a = d.get("/v1.0/users/no-such-user", "admin");
    assert_eq!(a.status, 404);
    assert_eq!(a.code(), "Request_ResourceNotFound");
    assert_eq!(
        a.message(),
        "Resource 'no-such-user' does not exist or one of its queried reference-property objects are not present."
    );
    has_inner_error(&a);
    let a = d.patch("/v1.0/users/no-such-user", "admin", &example_body("A01"));
    assert_eq!(a.status, 404);

    let a = d.get("/v1.0/groups", "admin");
    assert_eq!((a.status, a.code()), (400, "BadRequest"));
    assert_eq!(a.message(), "Resource not found for the segment 'groups'.");
    let a = d.get(&format!("/v1.0/users/{JIYA}/manager"), "admin");
    assert_eq!(a.message(), "Resource not found for the segment 'manager'.");
    let a = d.get("/v2.0/users", "admin");
    assert_eq!((a.status, a.message()), (400, "Invalid version: v2.0"));
    let a = d.get("/", "admin");
    assert_eq!(a.status, 400);
    let a = d.get("/v1.0/users/%FF%FE", "admin");
    assert_eq!(a.status, 400);

    // Methods the resources do not offer here: 405, Graph's body.
    for (method, path) in [
        ("DELETE", format!("/v1.0/users/{JIYA}")),
        ("PUT", format!("/v1.0/users/{JIYA}")),
        ("POST", "/v1.0/users".to_owned()),
        ("PATCH", "/beta/servicePrincipals".to_owned()),
        ("OPTIONS", "/v1.0/directory/attributeSets".to_owned()),
    ] {
        let a = d.call(method, &path, Some("admin"), &[], Some(b"{}"));
        assert_eq!(a.status, 405, "{method} {path}");
        assert_eq!(a.code(), "Request_BadRequest");
        assert_eq!(
            a.message(),
            "Specified HTTP method is not allowed for the request target."
        );
        has_inner_error(&a);
    }
}

#[test]
fn patch_is_decided_as_csa_check_decides_it() {
    let s = Scratch::new("patch");
    let d = double(&s);
    let catalog = catalog_bytes();
    let path = format!("/v1.0/users/{ALAIN}");
    let select = format!("{path}?$select=customSecurityAttributes");

    // A01, A03, A04, A06: accepted, 204, the state updated.
    for id in ["A01", "A03", "A04", "A06"] {
        let a = d.patch(&path, "eng", &example_body(id));
        assert_eq!((a.status, a.text.as_str()), (204, ""), "{id}");
        assert!(a.header("content-type").is_none());
    }
    let after = d.get(&select, "admin");
    let engineering = &after.body["customSecurityAttributes"]["Engineering"];
    assert_eq!(engineering["ProjectDate"], "2022-10-01");
    assert_eq!(engineering["Project"], json!(["Baker", "Cascade"]));
    assert_eq!(engineering["NumVendors"], 4);
    assert_eq!(engineering["Certification"], true);

    // A refusal says what `csa check --format graph` says, with innerError; nothing changes,
    // not even the attribute the body got right.
    let stored = serde_json::to_vec(
        &json!({"id": ALAIN, "customSecurityAttributes": after.body["customSecurityAttributes"]}),
    )
    .unwrap();
    for body in [
        assign("Engineering", json!({"NumVendors": 9, "Nope": "x"})),
        assign(
            "Engineering",
            json!({"Project@odata.type": "#Collection(String)", "Project": ["alpine"]}),
        ),
        assign("Marketing", json!({"EmployeeId": ""})),
        json!({"customSecurityAttributes": "not an object"}),
    ] {
        let bytes = serde_json::to_vec(&body).unwrap();
        let a = d.patch(&path, "admin", &body);
        let check = Check::new(&catalog, &bytes).object(&stored).run().unwrap();
        let graph = check.graph_answer();
        assert_eq!(a.status, graph.status(), "{body}");
        let expected_body = graph.body_json().unwrap();
        assert_eq!(a.code(), expected_body["error"]["code"]);
        assert_eq!(a.message(), expected_body["error"]["message"]);
        has_inner_error(&a);
    }
    assert_eq!(d.get(&select, "admin").body, after.body);

    // Invalid JSON: the engine's invalid_json.
    let a = d.call(
        "PATCH",
        &path,
        Some("admin"),
        &[],
        Some(b"{\"customSecurityAttributes\": {"),
    );
    assert_eq!(a.status, 400);
    assert!(
        a.message().contains("JSON") || a.message().contains("json"),
        "{}",
        a.text
    );

    // No role: 403, Graph's fixed message.
    let a = d.patch(&path, "nobody", &example_body("A01"));
    assert_eq!((a.status, a.code()), (403, "Authorization_RequestDenied"));
    assert_eq!(
        a.message(),
        "Insufficient privileges to complete the operation."
    );
    // A set outside the actor's scope.
    let a = d.patch(
        &path,
        "eng",
        &assign("Marketing", json!({"EmployeeId": "E1"})),
    );
    assert_eq!(a.status, 403);

    // Update and removals: A07 (4 → 8), A10 (null), A11 ([]).
    assert_eq!(d.patch(&path, "eng", &example_body("A07")).status, 204);
    assert_eq!(d.patch(&path, "eng", &example_body("A10")).status, 204);
    assert_eq!(d.patch(&path, "eng", &example_body("A11")).status, 204);
    let engineering =
        d.get(&select, "admin").body["customSecurityAttributes"]["Engineering"].clone();
    assert_eq!(engineering["NumVendors"], 8);
    assert!(engineering.get("ProjectDate").is_none());
    assert!(engineering.get("Project").is_none());

    // A service principal (A02), in /beta.
    let a = d.patch("/beta/servicePrincipals/sp-1", "eng", &example_body("A02"));
    assert_eq!(a.status, 204, "{}", a.text);
}

#[test]
fn synced_objects_follow_the_policy() {
    let s = Scratch::new("synced");
    let d = double(&s);
    let a = d.patch("/v1.0/users/synced-1", "admin", &example_body("A01"));
    assert_eq!(a.status, 400);
    let catalog = catalog_bytes();
    let body = serde_json::to_vec(&example_body("A01")).unwrap();
    let check = Check::new(&catalog, &body)
        .object(br#"{"id": "synced-1", "onPremisesSyncEnabled": true}"#)
        .run()
        .unwrap();
    assert_eq!(
        a.message(),
        check.graph_answer().body_json().unwrap()["error"]["message"]
    );
    drop(d);
    let objects = objects(&s);
    let d = Double::start_with(
        &s,
        Start {
            objects: Some(objects),
            allow_synced: true,
            ..Start::default()
        },
    );
    assert_eq!(
        d.patch("/v1.0/users/synced-1", "admin", &example_body("A01"))
            .status,
        204
    );
}

#[test]
fn bodies_over_the_limit_are_refused_unread() {
    let s = Scratch::new("large");
    let objects = objects(&s);
    let d = Double::start_with(
        &s,
        Start {
            objects: Some(objects),
            policy: Some(r#"{"maxBodyBytes": 1000}"#),
            ..Start::default()
        },
    );
    // Declared larger: answered at once, and the 5 MB never sent.
    let head = format!(
        "PATCH /v1.0/users/{ALAIN} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer admin\r\nContent-Type: application/json\r\nContent-Length: 5000000\r\n\r\n{{"
    );
    let reply = d.raw(head.as_bytes());
    assert!(reply.starts_with("HTTP/1.1 400"), "{reply}");
    assert!(
        reply.contains("the body is 5000000 bytes, more than the 1000 bytes allowed"),
        "{reply}"
    );
    // Chunked, with no length: refused once past the limit.
    let chunk = "x".repeat(1500);
    let req = format!(
        "POST /v1.0/directory/attributeSets HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer admin\r\nTransfer-Encoding: chunked\r\n\r\n{:x}\r\n{chunk}\r\n0\r\n\r\n",
        chunk.len()
    );
    let reply = d.raw(req.as_bytes());
    assert!(reply.starts_with("HTTP/1.1 400"), "{reply}");
    assert!(
        reply.contains("the body is more than the 1000 bytes allowed"),
        "{reply}"
    );
    // Under the limit: decided.
    let a = d.patch(
        &format!("/v1.0/users/{ALAIN}"),
        "admin",
        &example_body("A01"),
    );
    assert_eq!(a.status, 204);
}

#[test]
fn malformed_requests_do_not_stop_the_server() {
    let s = Scratch::new("malformed");
    let d = double(&s);
    for junk in [
        &b"\x00\x01\x02garbage\r\n\r\n"[..],
        b"GET\r\n\r\n",
        b"GET /v1.0/users HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n",
        b"PATCH /v1.0/users/x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nAuthorization: Bearer admin\r\n\r\nzz\r\n",
        b"GET /v1.0/users HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \xff\xfe\r\n\r\n",
        b"GET /v1.0/users/%ZZ HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer admin\r\n\r\n",
    ] {
        let reply = d.raw(junk);
        assert!(
            reply.is_empty() || reply.starts_with("HTTP/1.1 4"),
            "{:?} → {reply}",
            String::from_utf8_lossy(junk)
        );
    }
    // A PATCH whose chunked body breaks off: 400, nothing applied.
    let reply = d.raw(
        format!("PATCH /v1.0/users/{ALAIN} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer admin\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{{\"cu\r\nzz\r\n").as_bytes(),
    );
    assert!(
        reply.is_empty() || reply.starts_with("HTTP/1.1 400"),
        "{reply}"
    );
    assert_eq!(d.call("GET", "/$csa/health", None, &[], None).status, 200);
    let a = d.get(
        &format!("/v1.0/users/{ALAIN}?$select=customSecurityAttributes"),
        "admin",
    );
    assert_eq!(a.body["customSecurityAttributes"], Value::Null);
}

#[test]
fn lists_are_answered_as_csa_filter_answers() {
    let s = Scratch::new("list");
    let d = double(&s);
    let catalog = catalog_bytes();
    let objects = std::fs::read(objects(&s)).unwrap();
    let eventual = [("ConsistencyLevel", "eventual")];
    for (token, query, consistency) in [
        ("admin", "$count=true&$filter=customSecurityAttributes/Marketing/AppCountry%20eq%20'Canada'", Some("eventual")),
        ("admin", "%24count=true&%24filter=startswith(customSecurityAttributes/Marketing/EmployeeId,'G')&%24select=id,customSecurityAttributes", Some("eventual")),
        ("mkt-reader", "$count=true&$filter=customSecurityAttributes/Marketing/AppCountry%20ne%20'India'&$top=2", Some("eventual")),
        ("admin", "$filter=customSecurityAttributes/Marketing/AppCountry%20eq%20'Canada'", Some("eventual")),
        ("admin", "$count=true&$filter=customSecurityAttributes/Marketing/AppCountry%20eq%20'Canada'", None),
        ("eng", "$count=true&$filter=customSecurityAttributes/Marketing/AppCountry%20eq%20'Canada'", Some("eventual")),
        ("admin", "$select=id,displayName&$top=3", None),
        ("admin", "$orderby=displayName", None),
        ("admin", "$count=true&$filter=customSecurityAttributes/Marketing/Nope%20eq%20'x'", Some("eventual")),
    ] {
        let headers: &[(&str, &str)] = if consistency.is_some() { &eventual } else { &[] };
        let a = d.call("GET", &format!("/v1.0/users?{query}"), Some(token), headers, None);
        let mut filter = Filter::new(&catalog, &objects).query(query);
        if let Some(level) = consistency {
            filter = filter.consistency_level(level);
        }
        let actor = actor_of(token);
        if let Some(actor) = &actor {
            filter = filter.actor(actor);
        }
        let report = filter.run().unwrap();
        let graph = report.graph_answer();
        assert_eq!(a.status, graph.status(), "{token} {query}: {}", a.text);
        let expected = graph.body_json().unwrap();
        if a.status == 200 {
            assert_eq!(a.body, expected, "{token} {query}");
        } else {
            assert_eq!(a.code(), expected["error"]["code"], "{query}");
            assert_eq!(a.message(), expected["error"]["message"], "{query}");
            has_inner_error(&a);
        }
    }
    // Service principals: their own collection.
    let a = d.get("/v1.0/servicePrincipals?$select=id", "admin");
    assert_eq!(a.body["value"], json!([{"id": "sp-1"}]));
    // A list follows the writes.
    let path = format!("/v1.0/users/{ALAIN}");
    assert_eq!(
        d.patch(
            &path,
            "admin",
            &assign("Marketing", json!({"EmployeeId": "ZZ1"}))
        )
        .status,
        204
    );
    let a = d.call(
        "GET",
        "/v1.0/users?$count=true&$filter=customSecurityAttributes/Marketing/EmployeeId%20eq%20'ZZ1'&$select=id",
        Some("admin"),
        &eventual,
        None,
    );
    assert_eq!(a.body["@odata.count"], 1);
    assert_eq!(a.body["value"], json!([{"id": ALAIN}]));
}

#[test]
fn the_log_has_a_line_per_request_and_no_secret() {
    let s = Scratch::new("log");
    let policy = r#"{"redactSets": ["Engineering"]}"#;
    let objects = objects(&s);
    let d = Double::start_with(
        &s,
        Start {
            objects: Some(objects),
            policy: Some(policy),
            ..Start::default()
        },
    );
    d.patch(
        &format!("/v1.0/users/{ALAIN}"),
        "eng",
        &assign("Engineering", json!({"ProjectDate": "SecretDate"})),
    );
    d.call(
        "GET",
        "/v1.0/users?$count=true&$filter=customSecurityAttributes/Engineering/ProjectDate%20eq%20'SecretDate'",
        Some("admin"),
        &[("ConsistencyLevel", "eventual"), ("client-request-id", "c-1")],
        None,
    );
    d.get("/v1.0/directory/customSecurityAttributeDefinitions/Engineering_Project/allowedValues/Alpine", "admin");
    d.get("/v1.0/directory/customSecurityAttributeDefinitions/Marketing_AppCountry/allowedValues/Canada", "admin");
    d.call("GET", "/v1.0/users", None, &[], None);
    let text = d.log_text();
    assert!(!text.contains("SecretDate"), "{text}");
    assert!(!text.contains("Alpine"), "{text}");
    assert!(text.contains("Canada"), "{text}");
    assert!(
        !text.contains("Bearer") && !text.contains("\"eng\"") && !text.contains("admin"),
        "{text}"
    );
    let lines: Vec<Value> = d
        .log_lines()
        .into_iter()
        .filter(|l| l.get("method").is_some())
        .collect();
    assert_eq!(lines.len(), 5, "{text}");
    let patch = &lines[0];
    assert_eq!(patch["method"], "PATCH");
    assert_eq!(patch["status"], 204);
    // The token's position in the tokens file (never the token).
    let eng = tokens()
        .as_object()
        .unwrap()
        .keys()
        .position(|k| k == "eng")
        .unwrap()
        + 1;
    assert_eq!(patch["token"], eng);
    assert_eq!(patch["seq"], 1);
    assert_eq!(patch["catalog"], 1);
    assert!(patch["ms"].as_f64().unwrap() >= 0.0);
    assert_eq!(lines[1]["query"], json!(["$count", "$filter"]));
    assert_eq!(lines[1]["clientRequestId"], "c-1");
    assert!(lines[1].get("seq").is_none());
    assert_eq!(
        lines[2]["path"],
        "/v1.0/directory/customSecurityAttributeDefinitions/Engineering_Project/allowedValues/***"
    );
    assert_eq!(lines[4]["status"], 401);
    assert_eq!(lines[4]["token"], Value::Null);
}
