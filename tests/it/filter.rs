//! `$filter` and Graph list queries (docs/RULES.md, Graph $filter): the documented queries Q01–Q03
//! on their documented data, every refusal next to an accepted neighbour, and property tests (a
//! naive reference evaluator, printer/parser round trip, parser robustness, no leak of unreadable
//! sets).

// Helpers outside `#[test]` functions unwrap too: `cfg(test)` lets clippy.toml cover them.
#![cfg(test)]

use crate::common::{catalog_from, engine, read_json, sample_catalog_json, AAA, AAR, ADR};
use csa::{
    Actor, AttrPath, Catalog, Code, CompareOp, Engine, Expr, Filter, FilterError, FilterErrorKind,
    GraphQuery, Literal, Object, ObjectKind, Policy, QueryOutcome,
};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use serde_json::{json, Value as J};

// ---------------------------------------------------------------------------------------------
// The documented queries

/// The query part of a documented request URL.
fn query_part(example: &J) -> &str {
    let url = example["request"]["url"].as_str().unwrap();
    url.split_once('?').unwrap().1
}

/// The documented request (query string and `ConsistencyLevel` header) as a `GraphQuery`.
fn documented_query(example: &J) -> GraphQuery {
    GraphQuery::from_query_string(query_part(example))
        .consistency_level(example["request"]["headers"]["ConsistencyLevel"].as_str())
}

/// The users a documented response lists, read as Graph objects.
fn documented_users(example: &J) -> Vec<Object> {
    example["response"]["body"]["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(object)
        .collect()
}

fn object(j: &J) -> Object {
    Object::from_json(&serde_json::to_vec(j).unwrap()).unwrap()
}

fn ids(objects: &[Object], indices: &[usize]) -> Vec<String> {
    indices
        .iter()
        .map(|&i| objects[i].id().unwrap().to_owned())
        .collect()
}

fn documented_ids(example: &J) -> Vec<String> {
    example["response"]["body"]["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["id"].as_str().unwrap().to_owned())
        .collect()
}

fn run(objects: &[Object], query: &GraphQuery, actor: Option<&Actor>) -> QueryOutcome {
    engine().query(objects, actor, query)
}

#[test]
fn q01_eq_on_a_collection_matches_any_element() {
    let q = read_json("filters/Q01-users-eq-multivalued.json");
    assert_eq!(
        GraphQuery::from_query_string(query_part(&q)).filter_text(),
        q["decoded_filter"].as_str()
    );
    // Preconditions: User #1 ["India","Canada"], User #2 ["Canada","Mexico"]: the two users
    // of the response. A third user whose collection lacks Canada must not match.
    let mut users = documented_users(&q);
    users.push(object(
        &json!({"id": "no-canada", "customSecurityAttributes": {
        "Marketing": {"AppCountry": ["India", "Mexico", "canada"]}}}),
    ));
    let out = run(&users, &documented_query(&q), None);
    assert!(out.is_allowed(), "{:?}", out.violations());
    assert_eq!(ids(&users, out.matches()), documented_ids(&q));
    assert_eq!(
        out.count(),
        q["response"]["body"]["@odata.count"]
            .as_u64()
            .map(|n| n as usize)
    );
    assert_eq!(out.body(), q["response"]["body"]);
}

#[test]
fn q02_starts_with_is_a_case_sensitive_prefix() {
    let q = read_json("filters/Q02-users-startswith.json");
    // Preconditions: User #1 EmployeeId "KX19476" (not listed), User #2 "GS46982" (listed).
    assert!(q["preconditions"].as_str().unwrap().contains("\"KX19476\""));
    let mut users = vec![object(&json!({"id": "user-1", "displayName": "User 1",
        "customSecurityAttributes": {"Marketing": {"EmployeeId": "KX19476"}}}))];
    users.extend(documented_users(&q));
    users.push(object(
        &json!({"id": "lowercase", "customSecurityAttributes": {
        "Marketing": {"EmployeeId": "gs12345"}}}),
    ));
    let out = run(&users, &documented_query(&q), None);
    assert_eq!(ids(&users, out.matches()), documented_ids(&q));
    assert_eq!(out.count(), Some(1));
    assert_eq!(out.body(), q["response"]["body"]);
}

/// Q03's 32 users: the five the response lists, then 27 that lack `Marketing/AppCountry`
/// ("All other users – AppCountry attribute not added").
fn q03_users(q: &J) -> Vec<Object> {
    let mut users = documented_users(q);
    for i in 0..27 {
        let csa = match i % 3 {
            0 => J::Null,
            1 => json!({"Marketing": {"EmployeeId": format!("EM{i:05}")}}),
            _ => json!({"Engineering": {"Project": ["Alpine"]}}),
        };
        users.push(object(
            &json!({"id": format!("other-{i}"), "displayName": format!("Other {i}"),
            "customSecurityAttributes": csa}),
        ));
    }
    users
}

#[test]
fn q03_ne_matches_objects_without_the_attribute() {
    let q = read_json("filters/Q03-users-ne.json");
    let users = q03_users(&q);
    let out = run(&users, &documented_query(&q), None);
    assert!(out.is_allowed(), "{:?}", out.violations());
    let documented = q["response"]["body"]["@odata.count"].as_u64().unwrap() as usize;
    assert_eq!(out.count(), Some(documented));
    // The response is truncated in the docs: compare the users it lists (they come first).
    let listed = documented_ids(&q);
    assert_eq!(ids(&users, &out.matches()[..listed.len()]), listed);
    let body = out.body();
    assert_eq!(
        body["@odata.context"],
        q["response"]["body"]["@odata.context"]
    );
    assert_eq!(body["@odata.count"], q["response"]["body"]["@odata.count"]);
    // Joe's `Project3` is not in the catalog: it is carried as it is.
    assert_eq!(
        body["value"].as_array().unwrap()[..listed.len()],
        q["response"]["body"]["value"].as_array().unwrap()[..]
    );
}

#[test]
fn ne_excludes_holders_and_eq_is_exact_over_the_documented_users() {
    let q01 = read_json("filters/Q01-users-eq-multivalued.json");
    let q03 = read_json("filters/Q03-users-ne.json");
    let mut users = documented_users(&q01);
    users.extend(q03_users(&q03));
    let out = run(&users, &documented_query(&q03), None);
    // Jiya and Jana hold Canada; all 32 others match `ne`.
    assert_eq!(out.count(), Some(32));
    assert!(!out.matches().contains(&0) && !out.matches().contains(&1));
    let out = run(&users, &documented_query(&q01), None);
    assert_eq!(ids(&users, out.matches()), documented_ids(&q01));
    let lower = GraphQuery::from_query_string(&query_part(&q01).replace("'Canada'", "'canada'"))
        .consistency_level(Some("eventual"));
    assert_eq!(
        run(&users, &lower, None).count(),
        Some(0),
        "values compare case-sensitively"
    );
}

// ---------------------------------------------------------------------------------------------
// Refusals, each beside an accepted neighbour

const COUNTRY: &str = "customSecurityAttributes/Marketing/AppCountry";

fn graph_text(property: &str) -> String {
    format!("Unsupported or invalid query filter clause specified for property '{property}' of resource 'CustomSecurityAttributeValue'.")
}

fn compile(engine: &Engine, text: &str, actor: Option<&Actor>) -> Result<(), FilterError> {
    let f = Filter::parse(text)?;
    engine
        .compile_filter(&f, actor, &ObjectKind::User)
        .map(|_| ())
}

fn refused(text: &str) -> FilterError {
    compile(&engine(), text, None).expect_err(text)
}

fn accepted(text: &str) {
    if let Err(e) = compile(&engine(), text, None) {
        panic!("{text}: {e}");
    }
}

#[test]
fn syntax_error_has_offset_caret_and_violation() {
    let text = format!("{COUNTRY} eq Canada");
    let e = refused(&text);
    assert_eq!(e.kind(), FilterErrorKind::Syntax);
    assert_eq!(e.offset(), COUNTRY.len() + 4);
    assert_eq!(
        e.render(&text),
        format!("{text}\n{}^", " ".repeat(COUNTRY.len() + 4))
    );
    let v = serde_json::to_value(e.to_violation()).unwrap();
    assert_eq!(v["code"], "invalid_filter");
    assert_eq!(v["status"], 400);
    assert_eq!(v["graphError"], "Request_UnsupportedQuery");
    assert_eq!(v["offset"], COUNTRY.len() + 4);
    assert_eq!(v["pointer"], "/$filter");
    assert_eq!(v["attribute"], J::Null);
    accepted(&format!("{COUNTRY} eq 'Canada'"));
}

#[test]
fn not_takes_only_a_parenthesised_expression_or_a_call() {
    let e = refused(&format!("not {COUNTRY} eq 'Canada'"));
    assert_eq!((e.kind(), e.offset()), (FilterErrorKind::Syntax, 4));
    accepted(&format!("not ({COUNTRY} eq 'Canada')"));
    accepted(&format!("NOT({COUNTRY} eq 'Canada')"));
    accepted("not startsWith(customSecurityAttributes/Marketing/EmployeeId,'GS')");
}

#[test]
fn unknown_set_is_refused_with_graphs_message() {
    let e = refused("customSecurityAttributes/Marketin/AppCountry eq 'Canada'");
    assert_eq!(e.kind(), FilterErrorKind::UnknownAttributeSet);
    assert_eq!(e.property(), Some("Marketin_AppCountry"));
    let v = e.to_violation();
    assert_eq!(v.message(), graph_text("Marketin_AppCountry"));
    // Under the set's name.
    assert_eq!(v.offset(), Some("customSecurityAttributes/".len()));
    assert!(
        v.hint().unwrap().contains("did you mean `Marketing`?"),
        "{:?}",
        v.hint()
    );
    accepted("customSecurityAttributes/MARKETING/AppCountry eq 'Canada'");
}

#[test]
fn unknown_attribute_is_refused() {
    let e = refused("customSecurityAttributes/marketing/AppCountri eq 'Canada'");
    assert_eq!(e.kind(), FilterErrorKind::UnknownAttribute);
    assert_eq!(
        e.to_violation().message(),
        graph_text("Marketing_AppCountri")
    );
    accepted("customSecurityAttributes/Marketing/appcountry eq 'Canada'");
}

#[test]
fn literal_types_must_fit_the_definition() {
    let eng = "customSecurityAttributes/Engineering";
    for (bad, good) in [
        (
            format!("{eng}/NumVendors eq '8'"),
            format!("{eng}/NumVendors eq 8"),
        ),
        (
            format!("{eng}/CostCenter ne true"),
            format!("{eng}/CostCenter ne 1001"),
        ),
        (
            format!("{eng}/NumVendors eq 2147483648"),
            format!("{eng}/NumVendors eq 2147483647"),
        ),
        (
            format!("{eng}/NumVendors eq -2147483649"),
            format!("{eng}/NumVendors eq -2147483648"),
        ),
        (
            format!("{eng}/Certification eq 'true'"),
            format!("{eng}/Certification eq true"),
        ),
        (
            format!("{eng}/ProjectDate eq 5"),
            format!("{eng}/ProjectDate eq '5'"),
        ),
        (
            format!("{eng}/Project eq false"),
            format!("{eng}/Project eq null"),
        ),
    ] {
        let e = refused(&bad);
        assert_eq!(e.kind(), FilterErrorKind::LiteralType, "{bad}");
        assert_eq!(e.offset(), 0);
        accepted(&good);
    }
    accepted(&format!(
        "{eng}/Certification ne null and {eng}/NumVendors eq null"
    ));
}

#[test]
fn starts_with_needs_a_string_attribute() {
    let e = refused("startsWith(customSecurityAttributes/Engineering/NumVendors,'1')");
    assert_eq!((e.kind(), e.offset()), (FilterErrorKind::NotString, 11));
    assert_eq!(
        e.to_violation().message(),
        graph_text("Engineering_NumVendors")
    );
    accepted("startsWith(customSecurityAttributes/Engineering/Project,'Al')");
}

#[test]
fn non_searchable_attributes_are_refused() {
    let mut cat = sample_catalog_json();
    crate::common::definition_mut(&mut cat, "Marketing_EmployeeId")["isSearchable"] = false.into();
    let eng = Engine::new(catalog_from(&cat), Policy::default());
    let e = compile(
        &eng,
        "startsWith(customSecurityAttributes/Marketing/EmployeeId,'GS')",
        None,
    )
    .unwrap_err();
    assert_eq!(e.kind(), FilterErrorKind::NotSearchable);
    assert_eq!(
        e.to_violation().message(),
        graph_text("Marketing_EmployeeId")
    );
    compile(&eng, &format!("{COUNTRY} eq 'Canada'"), None).unwrap();
}

#[test]
fn deprecated_attributes_filter_like_others() {
    let eng = Engine::new(
        crate::common::catalog_with_deprecated("Marketing_AppCountry"),
        Policy::default(),
    );
    let users = [crate::common::user_with(
        json!({"Marketing": {"AppCountry": ["Canada"]}}),
    )];
    let q = GraphQuery::new()
        .filter(format!("{COUNTRY} eq 'Canada'"))
        .count(true)
        .consistency_level(Some("eventual"));
    assert_eq!(eng.query(&users, None, &q).matches(), &[0]);
}

#[test]
fn an_unreadable_set_is_refused_exactly_like_an_unknown_one() {
    let marketing_reader = Actor::new().with_role(AAR, "/attributeSets/Marketing");
    let text = "customSecurityAttributes/Engineering/Project eq 'Baker'";
    let unreadable = compile(&engine(), text, Some(&marketing_reader)).unwrap_err();
    // The same catalog without the Engineering set.
    let mut cat = sample_catalog_json();
    cat["attributeSets"]["value"]
        .as_array_mut()
        .unwrap()
        .retain(|s| s["id"] != "Engineering");
    cat["customSecurityAttributeDefinitions"]["value"]
        .as_array_mut()
        .unwrap()
        .retain(|d| d["attributeSet"] != "Engineering");
    let without = Engine::new(catalog_from(&cat), Policy::default());
    let unknown = compile(&without, text, Some(&marketing_reader)).unwrap_err();
    assert_eq!(unreadable, unknown);
    assert_eq!(
        serde_json::to_value(unreadable.to_violation()).unwrap(),
        serde_json::to_value(unknown.to_violation()).unwrap()
    );
    assert_eq!(unreadable.kind(), FilterErrorKind::UnknownAttributeSet);
    // A role that reads only definitions does not let the actor filter either.
    let defs_reader = Actor::new().with_role(ADR, "/");
    assert_eq!(
        compile(&engine(), text, Some(&defs_reader)).unwrap_err(),
        unknown
    );
    compile(
        &engine(),
        &format!("{COUNTRY} eq 'Canada'"),
        Some(&marketing_reader),
    )
    .unwrap();
}

fn q01_objects() -> Vec<Object> {
    documented_users(&read_json("filters/Q01-users-eq-multivalued.json"))
}

fn advanced(filter: &str) -> GraphQuery {
    GraphQuery::new()
        .filter(filter)
        .count(true)
        .consistency_level(Some("eventual"))
}

#[test]
fn a_filter_needs_count_and_consistency_level() {
    let users = q01_objects();
    let filter = format!("{COUNTRY} eq 'Canada'");
    let no_count = GraphQuery::new()
        .filter(&filter)
        .consistency_level(Some("eventual"));
    let out = run(&users, &no_count, None);
    assert!(!out.is_allowed());
    let [v] = out.violations() else {
        panic!("{:?}", out.violations())
    };
    assert_eq!((v.code(), v.pointer()), (Code::InvalidFilter, "/$count"));
    assert_eq!(v.message(), graph_text("Marketing_AppCountry"));
    assert!(v.hint().unwrap().contains("`$count=true`"));
    assert_eq!(
        serde_json::to_value(&out).unwrap()["violations"][0]["offset"],
        0
    );

    let no_header = GraphQuery::new().filter(&filter).count(true);
    let out = run(&users, &no_header, None);
    let [v] = out.violations() else {
        panic!("{:?}", out.violations())
    };
    assert_eq!(v.pointer(), "/ConsistencyLevel");
    assert!(v.hint().unwrap().contains("ConsistencyLevel: eventual"));

    let neither = run(
        &users,
        &GraphQuery::new().filter(&filter).count(false),
        None,
    );
    assert_eq!(neither.violations().len(), 2);
    assert_eq!(neither.body()["violations"].as_array().unwrap().len(), 2);
    assert_eq!(neither.count(), None);

    assert_eq!(run(&users, &advanced(&filter), None).count(), Some(2));
    // Graph also takes `ConsistencyLevel=eventual` in the query string.
    let in_query = GraphQuery::from_query_string(&format!(
        "$count=true&ConsistencyLevel=eventual&$filter={filter}"
    ));
    assert_eq!(run(&users, &in_query, None).count(), Some(2));
    // Without a filter nothing advanced is needed.
    assert_eq!(run(&users, &GraphQuery::new(), None).count(), Some(2));
}

#[test]
fn too_long_and_too_deep_are_refused_at_the_limit() {
    let base = format!("{COUNTRY} eq 'Canada'");
    let fits = format!(
        "{base}{}",
        " ".repeat(csa::limits::MAX_FILTER_BYTES - base.len())
    );
    accepted(&fits);
    let e = refused(&format!("{fits} "));
    assert_eq!(
        (e.kind(), e.offset()),
        (FilterErrorKind::TooLong, csa::limits::MAX_FILTER_BYTES)
    );

    let nest = |n: usize| format!("{}{base}{}", "(".repeat(n), ")".repeat(n));
    accepted(&nest(csa::limits::MAX_FILTER_DEPTH));
    let e = refused(&nest(csa::limits::MAX_FILTER_DEPTH + 1));
    assert_eq!(
        (e.kind(), e.offset()),
        (FilterErrorKind::TooDeep, csa::limits::MAX_FILTER_DEPTH)
    );
    let nots = |n: usize| format!("{}{base}{}", "not(".repeat(n), ")".repeat(n));
    accepted(&nots(csa::limits::MAX_FILTER_DEPTH));
    assert_eq!(
        refused(&nots(csa::limits::MAX_FILTER_DEPTH + 1)).kind(),
        FilterErrorKind::TooDeep
    );
    // Far deeper than the stack could take recursively: still an error, within the length limit.
    assert_eq!(
        refused(&"(".repeat(csa::limits::MAX_FILTER_BYTES)).kind(),
        FilterErrorKind::TooDeep
    );
    assert_eq!(
        refused(&"(".repeat(1 << 20)).kind(),
        FilterErrorKind::TooLong
    );
}

#[test]
fn query_strings_are_split_then_decoded() {
    let users: Vec<Object> = ["A&B", "A%26B", "A B", "A+B"]
        .iter()
        .enumerate()
        .map(|(i, v)| {
            object(&json!({"id": format!("u{i}"), "customSecurityAttributes":
            {"Marketing": {"EmployeeId": v}}}))
        })
        .collect();
    let emp = "customSecurityAttributes/Marketing/EmployeeId";
    let raw = |value: &str| {
        GraphQuery::from_query_string(&format!(
            "$count=true&$filter={emp}%20eq%20'{value}'&ConsistencyLevel=eventual"
        ))
    };
    assert_eq!(run(&users, &raw("A%26B"), None).matches(), &[0]);
    assert_eq!(run(&users, &raw("A+B"), None).matches(), &[2]);
    assert_eq!(run(&users, &raw("A%2BB"), None).matches(), &[3]);
    // Given on its own, a filter is taken literally.
    assert_eq!(
        run(&users, &advanced(&format!("{emp} eq 'A%26B'")), None).matches(),
        &[1]
    );
    // An unescaped `&` ends the filter: what follows is another (unknown) option.
    let out = run(&users, &raw("A&B"), None);
    assert!(
        out.violations().iter().any(|v| v.pointer() == "/B'"),
        "{:?}",
        out.violations()
    );
}

#[test]
fn bad_query_options_are_refused_naming_the_option() {
    let users = q01_objects();
    let base = format!("$count=true&ConsistencyLevel=eventual&$filter={COUNTRY} eq 'Canada'");
    for (extra, pointer) in [
        ("&$orderby=displayName", "/$orderby"),
        ("&$top=-1", "/$top"),
        ("&$top=ten", "/$top"),
        ("&$count=yes", "/$count"),
        ("&$filter=x", "/$filter"),
        ("&$select=%zz", "/$select"),
    ] {
        let out = run(
            &users,
            &GraphQuery::from_query_string(&format!("{base}{extra}")),
            None,
        );
        assert!(!out.is_allowed(), "{extra}");
        assert!(
            out.violations()
                .iter()
                .any(|v| v.pointer() == pointer && v.code() == Code::InvalidFilter),
            "{extra}: {:?}",
            out.violations()
        );
        if extra.starts_with("&$orderby") {
            assert!(out.violations()[0].message().contains("`$orderby`"));
        }
    }
    let ok = GraphQuery::from_query_string(&format!("?{base}&$top=1&$SELECT=id&filter_unused="));
    assert!(ok
        .problems()
        .iter()
        .any(|v| v.pointer() == "/filter_unused"));
    let ok = GraphQuery::from_query_string(&format!("?{base}&$top=1&$SELECT=id"));
    assert!(run(&users, &ok, None).is_allowed());
}

#[test]
fn top_limits_the_value_list_but_not_the_count() {
    let users = q01_objects();
    let out = run(
        &users,
        &advanced(&format!("{COUNTRY} eq 'Canada'")).top(1),
        None,
    );
    assert_eq!(out.count(), Some(2));
    assert_eq!(out.returned(), &[0]);
    let body = out.body();
    assert_eq!(body["@odata.count"], 2);
    assert_eq!(body["value"].as_array().unwrap().len(), 1);
    let no_count = GraphQuery::new().top(0);
    let body = run(&users, &no_count, None).body();
    assert!(body.get("@odata.count").is_none(), "only when asked");
    assert_eq!(body["value"], json!([]));
}

#[test]
fn select_projects_known_properties_in_the_order_asked() {
    let users = vec![object(
        &json!({"id": "u1", "displayName": "Jana", "userType": "Guest",
        "onPremisesSyncEnabled": null, "mail": "jana@example.com",
        "customSecurityAttributes": {"Marketing": {"AppCountry": ["Canada"]}}}),
    )];
    let q = advanced(&format!("{COUNTRY} eq 'Canada'")).select(["userType", "ID", "mail", "id"]);
    let out = run(&users, &q, None);
    assert_eq!(
        serde_json::to_string(&out).unwrap(),
        r#"{"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#users(userType,id)","@odata.count":1,"value":[{"userType":"Guest","id":"u1"}]}"#
    );
    let q = advanced(&format!("{COUNTRY} eq 'Canada'")).select(["onPremisesSyncEnabled"]);
    assert_eq!(
        run(&users, &q, None).body()["value"],
        json!([{"onPremisesSyncEnabled": false}])
    );
}

#[test]
fn matches_are_projected_as_the_actor_may_read_them() {
    let users = q01_objects();
    let reader = Actor::new().with_role(AAR, "/attributeSets/Marketing");
    let out = run(
        &users,
        &advanced(&format!("{COUNTRY} eq 'Canada'")),
        Some(&reader),
    );
    let body = out.body();
    // Jiya also holds Engineering/Datacenter, which the reader may not see.
    assert_eq!(
        body["value"][0]["customSecurityAttributes"]["Engineering"],
        J::Null
    );
    assert_eq!(
        body["value"][0]["customSecurityAttributes"]["Marketing"]["EmployeeId"],
        "KX19476"
    );
    assert!(!serde_json::to_string(&out).unwrap().contains("Datacenter"));
    // A match whose readable sets are all empty shows `null`.
    let q = advanced(&format!("{COUNTRY} ne 'Canada'"));
    let eng_only = [object(&json!({"id": "e", "customSecurityAttributes": {
        "Engineering": {"Datacenter": ["India"]}}}))];
    let body = run(&eng_only, &q, Some(&reader)).body();
    assert_eq!(
        body["value"],
        json!([{"id": "e", "displayName": null, "customSecurityAttributes": null}])
    );
    // Tenant-wide readers see everything.
    let admin = Actor::new().with_role(AAA, "/");
    let body = run(
        &users,
        &advanced(&format!("{COUNTRY} eq 'Canada'")),
        Some(&admin),
    )
    .body();
    assert_eq!(
        body["value"][0]["customSecurityAttributes"]["Engineering"]["Datacenter"],
        json!(["India"])
    );
}

#[test]
fn a_query_runs_over_one_kind_of_object() {
    let sp = object(
        &json!({"@odata.type": "#microsoft.graph.servicePrincipal", "id": "sp",
        "customSecurityAttributes": {"Engineering": {"Project": ["Baker"]}}}),
    );
    let user = object(&json!({"id": "user", "customSecurityAttributes": {
        "Engineering": {"Project": ["Baker"]}}}));
    let objects = [sp, user];
    let q = advanced("customSecurityAttributes/Engineering/Project eq 'Baker'");
    assert_eq!(run(&objects, &q, None).matches(), &[1]);
    let q = q.kind(ObjectKind::ServicePrincipal);
    let out = run(&objects, &q, None);
    assert_eq!(out.matches(), &[0]);
    assert_eq!(
        out.body()["@odata.context"],
        "https://graph.microsoft.com/v1.0/$metadata#servicePrincipals(id,displayName,customSecurityAttributes)"
    );
}

#[test]
fn eq_null_and_ne_null_test_presence() {
    let users = q01_objects();
    let eng = "customSecurityAttributes/Engineering/Datacenter";
    assert_eq!(
        run(&users, &advanced(&format!("{eng} ne null")), None).matches(),
        &[0]
    );
    assert_eq!(
        run(&users, &advanced(&format!("{eng} eq null")), None).matches(),
        &[1]
    );
    let both = format!("{eng} eq null or not ({eng} eq null) and {COUNTRY} eq 'India'");
    assert_eq!(run(&users, &advanced(&both), None).matches(), &[0, 1]);
}

#[test]
fn an_empty_collection_is_no_assignment() {
    // Objects read from JSON drop `[]`, and no empty collection can be built in code.
    assert_eq!(csa::Value::strings(Vec::<&str>::new()), None);
    let users = [Object::from_json(
        br#"{"id": "empty", "customSecurityAttributes": {"Marketing": {"AppCountry": []}}}"#,
    )
    .unwrap()];
    assert_eq!(
        run(&users, &advanced(&format!("{COUNTRY} eq null")), None).matches(),
        &[0]
    );
    assert_eq!(
        run(&users, &advanced(&format!("{COUNTRY} ne null")), None).count(),
        Some(0)
    );
}

// ---------------------------------------------------------------------------------------------
// Property tests: vocabulary and generators
//
// Set and attribute names are ASCII so that the reference compares them with
// `eq_ignore_ascii_case`; casing is chosen per use.

const SETS: [&str; 4] = ["Alpha", "Bravo", "Charlie", "Delta"];
/// A set no generated catalog defines (objects may still hold it).
const GHOST: &str = "Ghost";
const ATTRS: [&str; 5] = ["Proj", "Level", "Cost", "Flag", "Code"];
/// An attribute no generated catalog defines.
const NOPE: &str = "Nope";
const STRS: [&str; 7] = ["Alpine", "alpine", "Al", "Baker", "It's", "Zürich", "B a"];
const PREFIXES: [&str; 7] = ["", "A", "Al", "al", "B", "It'", "Zü"];
const INTS: [i64; 8] = [
    -1,
    0,
    1,
    7,
    2147483647,
    -2147483648,
    2147483648,
    -9_000_000_000,
];
/// Integers objects may hold (Int32).
const HELD_INTS: [i64; 5] = [-1, 0, 1, 7, 2147483647];

#[derive(Debug, Clone, Copy, PartialEq)]
enum Ty {
    String,
    Integer,
    Boolean,
}

#[derive(Debug, Clone)]
struct Def {
    name: &'static str,
    ty: Ty,
    multi: bool,
    searchable: bool,
    deprecated: bool,
}

#[derive(Debug, Clone)]
struct SetDef {
    name: &'static str,
    defs: Vec<Def>,
}

type Cat = Vec<SetDef>;

fn cat_strategy() -> impl Strategy<Value = Cat> {
    let def = (
        0u8..3,
        any::<bool>(),
        prop::bool::weighted(0.92),
        prop::bool::weighted(0.2),
    );
    proptest::sample::subsequence(SETS.to_vec(), 1..=4).prop_flat_map(move |sets| {
        let n = sets.len();
        (
            Just(sets),
            vec(
                (
                    proptest::sample::subsequence(ATTRS.to_vec(), 1..=5),
                    vec(def.clone(), 5),
                ),
                n,
            ),
        )
            .prop_map(|(sets, per_set)| {
                sets.into_iter()
                    .zip(per_set)
                    .map(|(name, (attrs, raw))| SetDef {
                        name,
                        defs: attrs
                            .into_iter()
                            .zip(raw)
                            .map(|(name, (ty, multi, searchable, deprecated))| {
                                let ty = [Ty::String, Ty::Integer, Ty::Boolean][ty as usize];
                                Def {
                                    name,
                                    ty,
                                    multi: multi && ty != Ty::Boolean,
                                    searchable,
                                    deprecated,
                                }
                            })
                            .collect(),
                    })
                    .collect()
            })
    })
}

/// The catalog JSON, without the sets `skip` names.
fn cat_json(cat: &Cat, skip: &[&str]) -> J {
    let sets: Vec<&SetDef> = cat.iter().filter(|s| !skip.contains(&s.name)).collect();
    json!({
        "attributeSets": sets.iter().map(|s| json!({"id": s.name})).collect::<Vec<_>>(),
        "customSecurityAttributeDefinitions": sets.iter().flat_map(|s| s.defs.iter().map(move |d| json!({
            "attributeSet": s.name, "name": d.name,
            "type": match d.ty { Ty::String => "String", Ty::Integer => "Integer", Ty::Boolean => "Boolean" },
            "isCollection": d.multi, "isSearchable": d.searchable,
            "status": if d.deprecated { "Deprecated" } else { "Available" },
            "usePreDefinedValuesOnly": false,
        }))).collect::<Vec<_>>(),
    })
}

fn find_def<'c>(cat: &'c Cat, set: &str, attr: &str) -> Option<&'c Def> {
    cat.iter()
        .find(|s| s.name.eq_ignore_ascii_case(set))?
        .defs
        .iter()
        .find(|d| d.name.eq_ignore_ascii_case(attr))
}

fn recase(s: &str, bits: u32) -> String {
    if bits % 3 == 0 {
        return s.to_owned();
    }
    s.chars()
        .enumerate()
        .map(|(i, c)| {
            if (bits >> (i % 28 + 2)) & 1 == 1 {
                c.to_ascii_uppercase()
            } else {
                c.to_ascii_lowercase()
            }
        })
        .collect()
}

/// Raw choices for one held attribute: set and attribute picks, casings, a value.
#[derive(Debug, Clone)]
struct HeldRaw {
    /// < 8: a set and attribute the catalog defines.
    known: u8,
    set: usize,
    attr: usize,
    case: u32,
    value: ValRaw,
}

#[derive(Debug, Clone)]
struct ValRaw {
    /// < 8: the definition's type; 8: another type; 9: null; 10: an empty collection.
    kind: u8,
    picks: Vec<usize>,
    flag: bool,
}

fn val_raw() -> impl Strategy<Value = ValRaw> {
    (0u8..11, vec(0usize..64, 1..=3), any::<bool>()).prop_map(|(kind, picks, flag)| ValRaw {
        kind,
        picks,
        flag,
    })
}

fn objects_strategy() -> impl Strategy<Value = Vec<Vec<HeldRaw>>> {
    vec(
        vec(
            (0u8..10, 0usize..64, 0usize..64, any::<u32>(), val_raw()).prop_map(
                |(known, set, attr, case, value)| HeldRaw {
                    known,
                    set,
                    attr,
                    case,
                    value,
                },
            ),
            0..=8,
        ),
        1..=8,
    )
}

fn value_json(ty: Ty, multi: bool, raw: &ValRaw) -> J {
    let one = |p: usize| match ty {
        Ty::String => J::from(STRS[p % STRS.len()]),
        Ty::Integer => J::from(HELD_INTS[p % HELD_INTS.len()]),
        Ty::Boolean => J::from(p % 2 == 0),
    };
    match raw.kind {
        9 => J::Null,
        10 => json!([]),
        8 => {
            let other = match ty {
                Ty::String => Ty::Integer,
                _ => Ty::String,
            };
            value_json(
                other,
                raw.flag,
                &ValRaw {
                    kind: 0,
                    ..raw.clone()
                },
            )
        }
        _ if multi && ty != Ty::Boolean => J::Array(raw.picks.iter().map(|&p| one(p)).collect()),
        _ => one(raw.picks[0]),
    }
}

/// An object's `customSecurityAttributes` from raw choices: names in any casing, each set and
/// attribute once (case-insensitively), values mostly of the definition's type.
fn state_json(cat: &Cat, held: &[HeldRaw]) -> J {
    let mut sets = serde_json::Map::new();
    let set_names: Vec<&str> = SETS.iter().copied().chain([GHOST]).collect();
    for h in held {
        let defined = cat.get(h.set % cat.len()).filter(|_| h.known < 8);
        let (base_set, base_attr) = match defined {
            Some(s) => (s.name, s.defs[h.attr % s.defs.len()].name),
            None => (
                set_names[h.set % set_names.len()],
                if h.attr % 6 == 5 {
                    NOPE
                } else {
                    ATTRS[h.attr % 5]
                },
            ),
        };
        let def = find_def(cat, base_set, base_attr);
        let (ty, multi) = def.map_or((Ty::String, h.value.flag), |d| (d.ty, d.multi));
        let set_key = sets
            .keys()
            .find(|k| k.eq_ignore_ascii_case(base_set))
            .cloned()
            .unwrap_or_else(|| recase(base_set, h.case));
        let entry = sets
            .entry(set_key)
            .or_insert_with(|| json!({}))
            .as_object_mut()
            .unwrap();
        if entry.keys().any(|k| k.eq_ignore_ascii_case(base_attr)) {
            continue;
        }
        entry.insert(
            recase(base_attr, h.case.rotate_left(7)),
            value_json(ty, multi, &h.value),
        );
    }
    J::Object(sets)
}

fn build_object(i: usize, csa: &J) -> Object {
    object(&json!({"id": format!("o{i}"), "customSecurityAttributes": csa}))
}

/// A filter's shape with raw choices for names, casing, spacing and literals.
#[derive(Debug, Clone)]
enum F {
    Or(Box<F>, Box<F>),
    And(Box<F>, Box<F>),
    Not(Box<F>, u8),
    Cmp {
        path: PathRaw,
        ne: bool,
        lit: LitRaw,
        style: u8,
    },
    Sw {
        path: PathRaw,
        prefix: usize,
        style: u8,
    },
    Paren(Box<F>),
}

#[derive(Debug, Clone)]
struct PathRaw {
    /// < 18: a set (among the preferred ones) and attribute the catalog defines.
    known: u8,
    set: usize,
    attr: usize,
    case: u32,
}

#[derive(Debug, Clone)]
struct LitRaw {
    /// < 16: fits the definition; 16, 17: null; 18, 19: any type.
    kind: u8,
    pick: usize,
}

fn path_raw() -> impl Strategy<Value = PathRaw> {
    (0u8..20, 0usize..64, 0usize..64, any::<u32>()).prop_map(|(known, set, attr, case)| PathRaw {
        known,
        set,
        attr,
        case,
    })
}

fn f_strategy() -> impl Strategy<Value = F> {
    let leaf = prop_oneof![
        3 => (path_raw(), any::<bool>(), (0u8..20, 0usize..64), any::<u8>()).prop_map(
            |(path, ne, (kind, pick), style)| F::Cmp { path, ne, lit: LitRaw { kind, pick }, style }
        ),
        1 => (path_raw(), 0usize..PREFIXES.len(), any::<u8>())
            .prop_map(|(path, prefix, style)| F::Sw { path, prefix, style }),
    ];
    leaf.prop_recursive(4, 16, 2, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(a, b)| F::Or(Box::new(a), Box::new(b))),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| F::And(Box::new(a), Box::new(b))),
            (inner.clone(), any::<u8>()).prop_map(|(a, s)| F::Not(Box::new(a), s)),
            inner.prop_map(|a| F::Paren(Box::new(a))),
        ]
    })
}

/// What paths are drawn from: the catalog, and the sets to prefer (those the actor may read).
struct Cx<'c> {
    cat: &'c Cat,
    prefer: Vec<&'c SetDef>,
}

impl<'c> Cx<'c> {
    fn new(cat: &'c Cat, grants: Option<&[Grant]>) -> Self {
        let prefer = cat
            .iter()
            .filter(|s| reference_readable(grants, s.name))
            .collect();
        Cx { cat, prefer }
    }
}

/// A path's names as written: mostly a defined attribute of a preferred set (a String one for
/// `startsWith` when the set has one), otherwise any names, defined or not.
fn path_names(cx: &Cx, p: &PathRaw, string: bool) -> (String, String) {
    let (set, attr) = match cx.prefer.get(p.set % cx.prefer.len().max(1)) {
        Some(s) if p.known < 18 => {
            let strings: Vec<&Def> = s.defs.iter().filter(|d| d.ty == Ty::String).collect();
            let defs: Vec<&Def> = if string && !strings.is_empty() {
                strings
            } else {
                s.defs.iter().collect()
            };
            (s.name, defs[p.attr % defs.len()].name)
        }
        _ => {
            let set = if p.set % 5 == 4 {
                GHOST
            } else {
                SETS[p.set % 5]
            };
            let attr = if p.attr % 6 == 5 {
                NOPE
            } else {
                ATTRS[p.attr % 6]
            };
            (set, attr)
        }
    };
    (recase(set, p.case), recase(attr, p.case.rotate_left(11)))
}

fn leaf_names(cx: &Cx, leaf: &F) -> (String, String) {
    match leaf {
        F::Cmp { path, .. } => path_names(cx, path, false),
        F::Sw { path, .. } => path_names(cx, path, true),
        _ => unreachable!(),
    }
}

/// The literal a raw choice stands for, given the attribute's definition.
fn literal(cx: &Cx, path: &PathRaw, lit: &LitRaw) -> Literal {
    let (set, attr) = path_names(cx, path, false);
    let ty = match (lit.kind, find_def(cx.cat, &set, &attr)) {
        (16 | 17, _) => return Literal::Null,
        (0..=15, Some(d)) => d.ty,
        _ => [Ty::String, Ty::Integer, Ty::Boolean][lit.pick % 3],
    };
    match ty {
        Ty::String => Literal::String(STRS[lit.pick % STRS.len()].to_owned()),
        Ty::Integer => Literal::Integer(INTS[lit.pick % INTS.len()]),
        Ty::Boolean => Literal::Boolean(lit.pick % 2 == 0),
    }
}

fn spaces(style: u8) -> &'static str {
    ["  ", "\t", " \n "][style as usize % 3]
}

fn kw(word: &str, style: u8) -> String {
    if style & 8 == 8 {
        word.to_ascii_uppercase()
    } else {
        word.to_owned()
    }
}

/// Renders `f` as filter text (valid, in varied spelling), recording each path's offset.
fn render(cx: &Cx, f: &F, out: &mut String, offsets: &mut Vec<usize>) {
    let ws = |style: u8| {
        if style & 1 == 1 {
            " "
        } else {
            spaces(style >> 4)
        }
    };
    match f {
        F::Or(a, b) | F::And(a, b) => {
            let op = if matches!(f, F::Or(..)) { "or" } else { "and" };
            for (i, side) in [a, b].into_iter().enumerate() {
                if i == 1 {
                    out.push_str(&format!(" {op} "));
                }
                // Operands that bind weaker, or that would regroup on the right, get parentheses.
                let weaker = matches!((f, side.as_ref()), (F::And(..), F::Or(..)));
                let regroup = i == 1
                    && matches!(
                        (f, side.as_ref()),
                        (F::Or(..), F::Or(..)) | (F::And(..), F::And(..))
                    );
                if weaker || regroup {
                    out.push('(');
                    render(cx, side, out, offsets);
                    out.push(')');
                } else {
                    render(cx, side, out, offsets);
                }
            }
        }
        F::Paren(a) => {
            out.push('(');
            render(cx, a, out, offsets);
            out.push(')');
        }
        F::Not(a, style) => {
            out.push_str(&kw("not", *style));
            if matches!(**a, F::Sw { .. }) && style & 2 == 2 {
                out.push(' ');
                render(cx, a, out, offsets);
            } else {
                out.push_str(if style & 1 == 1 { " (" } else { "(" });
                render(cx, a, out, offsets);
                out.push(')');
            }
        }
        F::Cmp {
            path,
            ne,
            lit,
            style,
        } => {
            let (set, attr) = leaf_names(cx, f);
            offsets.push(out.len());
            out.push_str(&format!(
                "{}/{set}/{attr}",
                kw("customSecurityAttributes", *style)
            ));
            out.push_str(ws(*style));
            out.push_str(&kw(if *ne { "ne" } else { "eq" }, *style >> 1));
            out.push_str(ws(*style >> 2));
            let text = match literal(cx, path, lit) {
                Literal::Null => kw("null", *style >> 3),
                Literal::Boolean(b) => kw(&b.to_string(), *style >> 3),
                other => other.to_string(),
            };
            out.push_str(&text);
        }
        F::Sw { prefix, style, .. } => {
            let (set, attr) = leaf_names(cx, f);
            out.push_str(if style & 1 == 1 {
                "STARTSWITH("
            } else {
                "startswith( "
            });
            offsets.push(out.len());
            out.push_str(&format!("customSecurityAttributes/{set}/{attr}"));
            out.push_str(if style & 2 == 2 { " , " } else { "," });
            out.push_str(&Literal::String(PREFIXES[*prefix].to_owned()).to_string());
            out.push(')');
        }
    }
}

/// The leaves of `f` in text order.
fn leaves<'f>(f: &'f F, out: &mut Vec<&'f F>) {
    match f {
        F::Or(a, b) | F::And(a, b) => {
            leaves(a, out);
            leaves(b, out);
        }
        F::Not(a, _) | F::Paren(a) => leaves(a, out),
        leaf => out.push(leaf),
    }
}

/// Which sets an actor may read (the reference's model of docs/RULES.md, Authorization, for this
/// test: the two assignment roles at the tenant or at a set grant reading; the definition reader
/// does not).
#[derive(Debug, Clone)]
struct Grant {
    role: usize,
    scope: Option<usize>,
    case: u32,
}

fn actor_strategy() -> impl Strategy<Value = Option<Vec<Grant>>> {
    prop::option::weighted(
        0.6,
        vec(
            (
                0usize..3,
                prop::option::weighted(0.8, 0usize..5),
                any::<u32>(),
            )
                .prop_map(|(role, scope, case)| Grant { role, scope, case }),
            0..=3,
        ),
    )
}

fn build_actor(grants: &[Grant]) -> Actor {
    grants.iter().fold(Actor::new(), |a, g| {
        let role = [AAR, AAA, ADR][g.role];
        match g.scope {
            None => a.with_role(role, "/"),
            Some(s) => {
                let set = if s == 4 { GHOST } else { SETS[s] };
                a.with_role(role, &format!("/attributeSets/{}", recase(set, g.case)))
            }
        }
    })
}

fn reference_readable(grants: Option<&[Grant]>, set: &str) -> bool {
    grants.is_none_or(|gs| {
        gs.iter().any(|g| {
            g.role < 2
                && g.scope.is_none_or(|s| {
                    let name = if s == 4 { GHOST } else { SETS[s] };
                    name.eq_ignore_ascii_case(set)
                })
        })
    })
}

/// The reference's decision for compiling: the first leaf (in text order) that docs/RULES.md, Graph
/// $filter, refuses, with its kind.
fn reference_error(cx: &Cx, grants: Option<&[Grant]>, f: &F) -> Option<(usize, FilterErrorKind)> {
    let cat = cx.cat;
    let mut ls = Vec::new();
    leaves(f, &mut ls);
    for (i, leaf) in ls.into_iter().enumerate() {
        let (set, attr) = leaf_names(cx, leaf);
        let kind = if !cat.iter().any(|s| s.name.eq_ignore_ascii_case(&set))
            || !reference_readable(grants, &set)
        {
            Some(FilterErrorKind::UnknownAttributeSet)
        } else if let Some(d) = find_def(cat, &set, &attr) {
            if !d.searchable {
                Some(FilterErrorKind::NotSearchable)
            } else {
                match leaf {
                    F::Sw { .. } if d.ty != Ty::String => Some(FilterErrorKind::NotString),
                    F::Cmp { path, lit, .. } => match (literal(cx, path, lit), d.ty) {
                        (Literal::Null, _)
                        | (Literal::String(_), Ty::String)
                        | (Literal::Boolean(_), Ty::Boolean) => None,
                        (Literal::Integer(n), Ty::Integer) if i32::try_from(n).is_ok() => None,
                        _ => Some(FilterErrorKind::LiteralType),
                    },
                    _ => None,
                }
            }
        } else {
            Some(FilterErrorKind::UnknownAttribute)
        };
        if let Some(k) = kind {
            return Some((i, k));
        }
    }
    None
}

/// The attribute's value in an object's `customSecurityAttributes` JSON; `null` and `[]` are
/// no value.
fn held<'j>(csa: &'j J, set: &str, attr: &str) -> Option<&'j J> {
    let (_, attrs) = csa
        .as_object()?
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(set))?;
    let (_, v) = attrs
        .as_object()?
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(attr))?;
    match v {
        J::Null => None,
        J::Array(a) if a.is_empty() => None,
        v => Some(v),
    }
}

/// docs/RULES.md, Graph $filter, read literally, over JSON: values compare case-sensitively; on a
/// collection `eq`/`startsWith` hold when any element does; `ne x` is `not (eq x)`; `eq null` holds
/// when the attribute is absent.
fn reference_eval(cx: &Cx, f: &F, csa: &J) -> bool {
    match f {
        F::Or(a, b) => reference_eval(cx, a, csa) || reference_eval(cx, b, csa),
        F::And(a, b) => reference_eval(cx, a, csa) && reference_eval(cx, b, csa),
        F::Not(a, _) => !reference_eval(cx, a, csa),
        F::Paren(a) => reference_eval(cx, a, csa),
        F::Cmp { path, ne, lit, .. } => {
            let (set, attr) = leaf_names(cx, f);
            let v = held(csa, &set, &attr);
            let eq = match literal(cx, path, lit) {
                Literal::Null => v.is_none(),
                Literal::String(s) => {
                    v.is_some_and(|v| any_element(v, |x| x.as_str() == Some(s.as_str())))
                }
                Literal::Integer(n) => v.is_some_and(|v| any_element(v, |x| x.as_i64() == Some(n))),
                Literal::Boolean(b) => {
                    v.is_some_and(|v| any_element(v, |x| x.as_bool() == Some(b)))
                }
                _ => unreachable!(),
            };
            eq != *ne
        }
        F::Sw { prefix, .. } => {
            let (set, attr) = leaf_names(cx, f);
            held(csa, &set, &attr).is_some_and(|v| {
                any_element(v, |x| {
                    x.as_str().is_some_and(|s| s.starts_with(PREFIXES[*prefix]))
                })
            })
        }
    }
}

fn any_element(v: &J, test: impl Fn(&J) -> bool) -> bool {
    match v {
        J::Array(items) => items.iter().any(test),
        v => test(v),
    }
}

/// A random `csa::Expr` for the round trip, names and strings from wider alphabets.
fn expr_strategy() -> impl Strategy<Value = Expr> {
    let name = "[A-Za-z\u{e0}-\u{ff}\u{3b1}-\u{3c9}][A-Za-z0-9\u{e0}-\u{ff}]{0,10}";
    let path = (name, name).prop_map(|(s, a)| AttrPath::new(&s, &a).unwrap());
    let lit = prop_oneof![
        "[^\u{0}]{0,12}".prop_map(Literal::String),
        "('|'')*[a-z' ]{0,6}".prop_map(Literal::String),
        any::<i64>().prop_map(Literal::Integer),
        any::<bool>().prop_map(Literal::Boolean),
        Just(Literal::Null),
    ];
    let leaf = prop_oneof![
        (path.clone(), any::<bool>(), lit).prop_map(|(path, ne, value)| Expr::Compare {
            path,
            op: if ne { CompareOp::Ne } else { CompareOp::Eq },
            value,
        }),
        (path, ".{0,8}").prop_map(|(path, prefix)| Expr::StartsWith { path, prefix }),
    ];
    leaf.prop_recursive(6, 40, 2, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(a, b)| Expr::Or(Box::new(a), Box::new(b))),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| Expr::And(Box::new(a), Box::new(b))),
            inner.prop_map(|a| Expr::Not(Box::new(a))),
        ]
    })
}

/// Strings made of filter pieces, for the robustness property.
fn filterish() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("customSecurityAttributes/"),
        Just("Alpha/Proj"),
        Just("/"),
        Just("("),
        Just(")"),
        Just("'"),
        Just("''"),
        Just(" eq "),
        Just(" ne "),
        Just(" and "),
        Just(" or "),
        Just("not"),
        Just("startsWith("),
        Just(","),
        Just("-"),
        Just("12"),
        Just("true"),
        Just("null"),
        Just(" "),
        Just("é"),
        Just("\u{0}"),
    ];
    vec(piece, 0..40).prop_map(|ps| ps.concat())
}

fn config() -> ProptestConfig {
    // 1024 cases by default (about 3 s in all; at 256 the differential property missed a
    // planted "first element only" bug one run in three); `PROPTEST_CASES=N` runs more.
    crate::common::proptest_config("proptest-regressions/filter.txt", 1024)
}

proptest! {
    #![proptest_config(config())]

    /// (a) The compiled filter decides exactly what the naive reference decides: the same
    /// refusal (kind and offset of the first faulty path) or the same match on every object.
    #[test]
    fn compiled_filters_agree_with_the_reference(
        cat in cat_strategy(),
        objects in objects_strategy(),
        f in f_strategy(),
        grants in actor_strategy(),
    ) {
        let engine = Engine::new(catalog_from(&cat_json(&cat, &[])), Policy::default());
        let actor = grants.as_deref().map(build_actor);
        let cx = Cx::new(&cat, grants.as_deref());
        let (mut text, mut offsets) = (String::new(), Vec::new());
        render(&cx, &f, &mut text, &mut offsets);
        let filter = Filter::parse(&text);
        prop_assert!(filter.is_ok(), "{text}: {:?}", filter.err());
        let filter = filter.unwrap();
        let compiled = engine.compile_filter(&filter, actor.as_ref(), &ObjectKind::User);
        match (reference_error(&cx, grants.as_deref(), &f), compiled) {
            (None, Ok(c)) => {
                for (i, raw) in objects.iter().enumerate() {
                    let csa = state_json(&cat, raw);
                    let o = build_object(i, &csa);
                    prop_assert_eq!(c.matches(&o), reference_eval(&cx, &f, &csa),
                        "{} on {}", text, csa);
                }
            }
            (Some((leaf, kind)), Err(e)) => {
                // The error is on the faulty path: at or after its start, before the next one.
                let (start, at) = (offsets[leaf], e.offset());
                prop_assert_eq!(e.kind(), kind, "{}: {}", text, e);
                prop_assert!(
                    start <= at && !offsets.iter().any(|o| start < *o && *o <= at),
                    "{}: {} is not on the path at {}", text, e, start
                );
                prop_assert_eq!(e.to_violation().code(), Code::InvalidFilter);
            }
            (want, got) => prop_assert!(false, "{text}: reference {want:?}, csa {:?}", got.err()),
        }
    }

    /// (b) `Display` prints a filter that parses back to an equal AST, for any AST.
    #[test]
    fn display_then_parse_round_trips(e in expr_strategy()) {
        let text = e.to_string();
        let parsed = Filter::parse(&text);
        prop_assert!(parsed.is_ok(), "{text}: {:?}", parsed.err());
        let parsed = parsed.unwrap();
        prop_assert_eq!(parsed.expr(), &e, "{}", text);
    }

    /// (b) ...and for what the parser reads from varied spellings, the canonical text is no
    /// longer than the original.
    #[test]
    fn parsed_filters_print_canonically(cat in cat_strategy(), f in f_strategy()) {
        let (mut text, mut offsets) = (String::new(), Vec::new());
        render(&Cx::new(&cat, None), &f, &mut text, &mut offsets);
        let parsed = Filter::parse(&text).unwrap();
        let canonical = parsed.to_string();
        prop_assert!(canonical.len() <= text.len(), "{} -> {}", text, canonical);
        prop_assert_eq!(&Filter::parse(&canonical).unwrap(), &parsed);
        prop_assert_eq!(Filter::parse(&canonical).unwrap().to_string(), canonical);
    }

    /// (c) The parser never panics; errors are `invalid_filter` at an offset within the text.
    #[test]
    fn the_parser_never_panics(text in prop_oneof![any::<String>(), filterish()]) {
        if let Err(e) = Filter::parse(&text) {
            prop_assert!(e.offset() <= text.len().min(csa::limits::MAX_FILTER_BYTES));
            let v = e.to_violation();
            prop_assert_eq!(v.code(), Code::InvalidFilter);
            prop_assert_eq!(v.offset(), Some(e.offset()));
            let rendered = e.render(&text);
            prop_assert!(rendered.ends_with('^'));
        }
    }

    /// (c) Nesting beyond the limit is refused as too deep (or too long), never overflowing.
    #[test]
    fn over_deep_input_is_refused(n in 0usize..3000, not in any::<bool>(), close in any::<bool>()) {
        let base = "customSecurityAttributes/Alpha/Proj eq 1";
        let open = if not { "not(" } else { "(" };
        let text = format!("{}{base}{}", open.repeat(n), if close { ")".repeat(n) } else { String::new() });
        match Filter::parse(&text) {
            Ok(_) => prop_assert!(n <= csa::limits::MAX_FILTER_DEPTH && (close || n == 0)),
            Err(e) => {
                let expected = if text.len() > csa::limits::MAX_FILTER_BYTES {
                    FilterErrorKind::TooLong
                } else if n > csa::limits::MAX_FILTER_DEPTH {
                    FilterErrorKind::TooDeep
                } else {
                    FilterErrorKind::Syntax
                };
                prop_assert_eq!(e.kind(), expected);
                prop_assert_eq!(e.to_violation().code(), Code::InvalidFilter);
            }
        }
    }

    /// (d) Sets the actor may not read make no difference at all: the catalog without them
    /// gives the same refusal (text, offset, violation) or the same matches; and changing what
    /// objects hold in those sets changes no match and shows in no body.
    #[test]
    fn unreadable_sets_leak_nothing(
        cat in cat_strategy(),
        objects in objects_strategy(),
        others in objects_strategy(),
        f in f_strategy(),
        grants in vec(
            (0usize..3, prop::option::weighted(0.85, 0usize..5), any::<u32>())
                .prop_map(|(role, scope, case)| Grant { role, scope, case }),
            0..=3,
        ),
    ) {
        let actor = build_actor(&grants);
        let hidden: Vec<&str> = cat
            .iter()
            .map(|s| s.name)
            .filter(|s| !reference_readable(Some(&grants), s))
            .collect();
        let full = Engine::new(catalog_from(&cat_json(&cat, &[])), Policy::default());
        let visible = Engine::new(catalog_from(&cat_json(&cat, &hidden)), Policy::default());
        let (mut text, mut offsets) = (String::new(), Vec::new());
        render(&Cx::new(&cat, Some(&grants)), &f, &mut text, &mut offsets);
        let filter = Filter::parse(&text).unwrap();
        let a = full.compile_filter(&filter, Some(&actor), &ObjectKind::User);
        let b = visible.compile_filter(&filter, Some(&actor), &ObjectKind::User);
        match (a, b) {
            (Err(a), Err(b)) => {
                prop_assert_eq!(&a, &b);
                prop_assert_eq!(
                    serde_json::to_value(a.to_violation()).unwrap(),
                    serde_json::to_value(b.to_violation()).unwrap()
                );
            }
            (Ok(a), Ok(b)) => {
                for (i, raw) in objects.iter().enumerate() {
                    let csa = state_json(&cat, raw);
                    // The same object with other content in every hidden set.
                    let other = state_json(&cat, &others[i % others.len()]);
                    let mut mixed = csa.as_object().unwrap().clone();
                    mixed.retain(|k, _| !hidden.iter().any(|h| h.eq_ignore_ascii_case(k)));
                    for (k, v) in other.as_object().unwrap() {
                        if hidden.iter().any(|h| h.eq_ignore_ascii_case(k)) {
                            mixed.insert(k.clone(), v.clone());
                        }
                    }
                    let o = build_object(i, &csa);
                    let m = build_object(i, &J::Object(mixed));
                    prop_assert_eq!(a.matches(&o), b.matches(&o));
                    prop_assert_eq!(a.matches(&o), a.matches(&m), "{} on {}", text, csa);
                }
                let objs: Vec<Object> = objects
                    .iter()
                    .enumerate()
                    .map(|(i, raw)| build_object(i, &state_json(&cat, raw)))
                    .collect();
                let q = GraphQuery::new().filter(&text).count(true).consistency_level(Some("eventual"));
                let body = serde_json::to_string(&full.query(&objs, Some(&actor), &q)).unwrap();
                for h in &hidden {
                    prop_assert!(!body.to_ascii_lowercase().contains(&format!("\"{}\"", h.to_ascii_lowercase())), "{}", body);
                }
            }
            (a, b) => prop_assert!(false, "{text}: {:?} vs {:?}", a.err(), b.err()),
        }
    }
}

#[test]
fn generated_catalogs_are_valid() {
    // The generators above only mean something over valid catalogs; a fixed sample of them.
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    for _ in 0..64 {
        let cat = cat_strategy().new_tree(&mut runner).unwrap().current();
        assert!(Catalog::from_json(&serde_json::to_vec(&cat_json(&cat, &[])).unwrap()).is_ok());
    }
}

/// A problem with what a path names marks the name at fault (the set, the attribute), and one
/// about the whole clause (a missing `$count` or `ConsistencyLevel`, a wrong literal) the path:
/// not the start of the filter.
#[test]
fn property_problems_mark_the_name_at_fault() {
    let text = "customSecurityAttributes/Marketing/AppCountry eq 'Canada' and customSecurityAttributes/Engineering/Projet eq 'Baker'";
    let e = refused(text);
    assert_eq!(e.kind(), FilterErrorKind::UnknownAttribute);
    assert_eq!(&text[e.span()], "Projet");
    assert_eq!(e.offset(), e.span().start);
    let v = e.to_violation();
    assert_eq!(v.offset(), Some(e.span().start));
    assert_eq!(v.byte_span(), Some(e.span()));
    assert!(
        e.render(text).ends_with(&"^".repeat(6)),
        "{}",
        e.render(text)
    );

    let text = "customSecurityAttributes/Marketing/AppCountry eq 'Canada' or customSecurityAttributes/Enginering/Project eq 'Baker'";
    let e = refused(text);
    assert_eq!(e.kind(), FilterErrorKind::UnknownAttributeSet);
    assert_eq!(&text[e.span()], "Enginering");

    let mut cat = sample_catalog_json();
    crate::common::definition_mut(&mut cat, "Marketing_EmployeeId")["isSearchable"] = false.into();
    let eng = Engine::new(catalog_from(&cat), Policy::default());
    let text = "startsWith(customSecurityAttributes/Marketing/EmployeeId,'GS')";
    let e = compile(&eng, text, None).unwrap_err();
    assert_eq!(&text[e.span()], "EmployeeId");

    let text = "not (customSecurityAttributes/Engineering/NumVendors eq 'x')";
    let e = refused(text);
    assert_eq!(e.kind(), FilterErrorKind::LiteralType);
    assert_eq!(
        &text[e.span()],
        "customSecurityAttributes/Engineering/NumVendors"
    );

    // Without `$count` and `ConsistencyLevel`: both under the first path.
    let text = "not (customSecurityAttributes/Engineering/Project eq 'Baker')";
    let q = GraphQuery::new().filter(text);
    let out = run(&[], &q, None);
    assert_eq!(out.violations().len(), 2, "{:?}", out.violations());
    for v in out.violations() {
        let span = v.byte_span().expect("a span");
        assert_eq!(
            &text[span],
            "customSecurityAttributes/Engineering/Project",
            "{}",
            v.pointer()
        );
        assert_eq!(v.offset(), Some(5));
    }
}
