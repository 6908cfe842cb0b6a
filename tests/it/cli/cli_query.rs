//! `csa search` (and, with the filter capability, `csa filter`) as a user runs them: exit codes,
//! the JSON printed, and what an actor's scope hides.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use super::harness::*;

use serde_json::{json, Value};

/// A user holding values in two sets, in Graph's response form.
fn user() -> Value {
    json!({
        "id": "u1", "displayName": "Adele",
        "customSecurityAttributes": {
            "Engineering": {"@odata.type": RESPONSE_SET_TYPE,
                "Project@odata.type": "#Collection(String)", "Project": ["Alpine", "Baker"],
                "NumVendors@odata.type": "#Int32", "NumVendors": 12, "Certification": true},
            "Marketing": {"@odata.type": RESPONSE_SET_TYPE, "EmployeeId": "BA1234"}
        }
    })
}

fn search(s: &Scratch, text: &str) -> Csa {
    let object = s.json("user.json", &user());
    csa(&["search"])
        .catalog(&sample_catalog())
        .object(&object)
        .opt("--text", text)
}

#[test]
fn search_json_lists_name_and_value_matches() {
    let s = Scratch::new("search-json");
    let r = search(&s, "ba").format("json").run();
    r.expect_code(0);
    assert_eq!(
        r.json(),
        json!({"matches": [
            {"attribute": "Engineering_Project", "attributeSet": "Engineering", "name": "Project", "value": "Baker"},
            {"attribute": "Marketing_EmployeeId", "attributeSet": "Marketing", "name": "EmployeeId", "value": "BA1234"}
        ]})
    );
    // A name match gives the whole value; integers are searched by their text.
    let r = search(&s, "PROJ").format("json").run();
    assert_eq!(r.json()["matches"][0]["value"], json!(["Alpine", "Baker"]));
    let r = search(&s, "1").format("json").run();
    assert_eq!(
        r.json()["matches"][0]["attribute"],
        "Engineering_NumVendors"
    );
}

#[test]
fn search_with_no_match_exits_0() {
    let s = Scratch::new("search-none");
    let r = search(&s, "zzz").format("json").run();
    r.expect_code(0);
    assert_eq!(r.json(), json!({"matches": []}));
    let r = search(&s, "zzz").run();
    r.expect_code(0);
    assert_eq!(r.stdout, "0 matches\n");
}

#[test]
fn search_set_prefix_and_text_output() {
    let s = Scratch::new("search-set");
    let r = search(&s, "b").opt("--set", "MARK").run();
    r.expect_code(0);
    assert_eq!(r.stdout, "1 match\n  Marketing_EmployeeId: \"BA1234\"\n");
}

#[test]
fn search_sees_only_what_the_actor_may_read() {
    let s = Scratch::new("search-actor");
    let reader = s.json(
        "reader.json",
        &actor("Attribute Assignment Reader", "/attributeSets/Marketing"),
    );
    let r = search(&s, "b").actor(&reader).format("json").run();
    r.expect_code(0);
    let attrs: Vec<String> = r.json()["matches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["attribute"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(attrs, ["Marketing_EmployeeId"]);
    // Nothing at all from an unreadable set, also when it is asked for by name.
    let r = search(&s, "")
        .opt("--set", "Eng")
        .actor(&reader)
        .format("json")
        .run();
    assert_eq!(r.json(), json!({"matches": []}));
}

#[test]
fn search_reads_the_object_from_stdin_and_takes_hyphen_text() {
    let r = csa(&["search"])
        .catalog(&sample_catalog())
        .opt("--object", "-")
        .opt("--text", "-1")
        .format("json")
        .stdin(&user().to_string())
        .run();
    r.expect_code(0);
    assert_eq!(r.json(), json!({"matches": []}));
}

#[test]
fn search_usage_and_input_errors_exit_2() {
    let s = Scratch::new("search-errors");
    let object = s.json("user.json", &user());
    let bad = s.file("bad.json", INVALID_CATALOG);
    csa(&["search"])
        .catalog(&sample_catalog())
        .object(&object)
        .run()
        .expect_input_error();
    csa(&["search"])
        .catalog(&sample_catalog())
        .object(&s.path("missing.json"))
        .opt("--text", "a")
        .run()
        .expect_input_error();
    let r = csa(&["search"])
        .catalog(&bad)
        .object(&object)
        .opt("--text", "a")
        .format("json")
        .run();
    r.expect_code(2);
    assert_eq!(r.json()["error"], "invalid_catalog");
}

// ---------------------------------------------------------------------------------------------
// csa filter

/// The users the documented filter examples show (Q01–Q03), as JSON lines.
fn tenant(s: &Scratch) -> String {
    let mut seen = Vec::new();
    let mut lines = String::new();
    for q in [
        "Q01-users-eq-multivalued.json",
        "Q02-users-startswith.json",
        "Q03-users-ne.json",
    ] {
        let e = example(&format!("filters/{q}"));
        for u in e["response"]["body"]["value"].as_array().unwrap() {
            if !seen.contains(&u["id"]) {
                seen.push(u["id"].clone());
                lines.push_str(&u.to_string());
                lines.push('\n');
            }
        }
    }
    s.file("tenant.jsonl", &lines)
}

fn filter(s: &Scratch) -> Csa {
    csa(&["filter"])
        .catalog(&sample_catalog())
        .objects(&tenant(s))
}

fn ids(body: &Value) -> Vec<String> {
    body["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["displayName"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn filter_json_is_graphs_list_body() {
    let s = Scratch::new("filter-json");
    let r = filter(&s)
        .opt(
            "--filter",
            "customSecurityAttributes/Marketing/AppCountry eq 'Canada'",
        )
        .flag("--count")
        .opt("--consistency-level", "eventual")
        .format("json")
        .run();
    r.expect_code(0);
    let q01 = example("filters/Q01-users-eq-multivalued.json");
    assert_eq!(r.json(), q01["response"]["body"], "Q01 as documented");
}

#[test]
fn filter_query_string_is_url_decoded_and_ne_matches_absent_attributes() {
    let s = Scratch::new("filter-query");
    let r = filter(&s)
        .opt(
            "--query",
            "$count=true&$select=id,displayName&$filter=customSecurityAttributes/Marketing/AppCountry%20ne%20'Canada'",
        )
        .opt("--consistency-level", "eventual")
        .format("json")
        .run();
    r.expect_code(0);
    let body = r.json();
    assert_eq!(body["@odata.count"], 5);
    assert_eq!(ids(&body), ["Alain", "Joe", "Isabella", "Dara", "Chandra"]);
    assert!(body["value"][0].get("customSecurityAttributes").is_none());
}

#[test]
fn filter_top_limits_value_not_count_and_text_says_so() {
    let s = Scratch::new("filter-top");
    let f = || {
        filter(&s)
            .opt(
                "--filter",
                "customSecurityAttributes/Marketing/AppCountry ne 'Canada'",
            )
            .flag("--count")
            .opt("--top", "2")
            .opt("--consistency-level", "eventual")
    };
    let body = f().format("json").run().json();
    assert_eq!(body["@odata.count"], 5);
    assert_eq!(ids(&body).len(), 2);
    let r = f().run();
    r.expect_code(0);
    assert_eq!(r.first_line(), "5 matches (2 returned)");
}

#[test]
fn filter_refusals_exit_1_with_offsets() {
    let s = Scratch::new("filter-refused");
    let text = "customSecurityAttributes/Marketing/AppCountry eq Canada";
    let r = filter(&s)
        .opt("--filter", text)
        .flag("--count")
        .opt("--consistency-level", "eventual")
        .format("json")
        .run();
    r.expect_code(1);
    let v = &r.json()["violations"];
    assert_eq!(codes(v), ["invalid_filter"]);
    assert_eq!(v[0]["offset"], text.find("Canada").unwrap());
    // Without the advanced-query options Graph refuses, naming both.
    let r = filter(&s)
        .opt(
            "--filter",
            "customSecurityAttributes/Marketing/AppCountry eq 'Canada'",
        )
        .format("json")
        .run();
    r.expect_code(1);
    let v = &r.json()["violations"];
    assert_eq!(codes(v), ["invalid_filter", "invalid_filter"]);
    // Text: the filter with a caret under the offset.
    let r = filter(&s)
        .opt("--filter", text)
        .flag("--count")
        .opt("--consistency-level", "eventual")
        .run();
    let (_, marked) = caret_target(&r.stdout, "AppCountry eq Canada");
    assert_eq!(marked, "C");
}

#[test]
fn filter_graph_format_and_unreadable_sets() {
    let s = Scratch::new("filter-graph");
    let reader = s.json(
        "reader.json",
        &actor("Attribute Assignment Reader", "/attributeSets/Engineering"),
    );
    let f = |text: &str| {
        filter(&s)
            .opt("--filter", text)
            .flag("--count")
            .opt("--consistency-level", "eventual")
            .actor(&reader)
            .format("graph")
    };
    // A set the actor cannot read is refused like one that does not exist.
    let unreadable = f("customSecurityAttributes/Marketing/AppCountry eq 'Canada'").run();
    let unknown = f("customSecurityAttributes/Marketingx/AppCountry eq 'Canada'").run();
    unreadable.expect_code(1);
    let (a, b) = (unreadable.json(), unknown.json());
    assert_eq!(a["status"], 400);
    assert_eq!(a["body"]["error"]["code"], "Request_UnsupportedQuery");
    assert_eq!(
        a["body"]["error"]["message"]
            .as_str()
            .unwrap()
            .replace("Marketing_", ""),
        b["body"]["error"]["message"]
            .as_str()
            .unwrap()
            .replace("Marketingx_", "")
    );
    // A readable set answers 200, with only readable sets in the objects.
    let ok = f("startsWith(customSecurityAttributes/Engineering/ProjectDate,'2023')").run();
    ok.expect_code(0);
    let body = ok.json();
    assert_eq!(body["status"], 200);
    for u in body["body"]["value"].as_array().unwrap() {
        if let Some(sets) = u["customSecurityAttributes"].as_object() {
            assert!(sets.keys().all(|k| k == "Engineering"), "{u}");
        }
    }
}

#[test]
fn filter_usage_and_input_errors_exit_2() {
    let s = Scratch::new("filter-errors");
    // Neither or both of --filter and --query; --query with --count.
    filter(&s).run().expect_input_error();
    filter(&s)
        .opt("--filter", "x")
        .opt("--query", "$filter=x")
        .run()
        .expect_input_error();
    filter(&s)
        .opt("--query", "$filter=x")
        .flag("--count")
        .run()
        .expect_input_error();
    let bad = s.file("bad.jsonl", "{\"id\": 1}\nnot json\n");
    csa(&["filter"])
        .catalog(&sample_catalog())
        .objects(&bad)
        .opt(
            "--filter",
            "customSecurityAttributes/Marketing/AppCountry eq 'Canada'",
        )
        .run()
        .expect_input_error();
}

#[test]
fn filter_text_and_query_string_can_come_from_stdin() {
    let s = Scratch::new("filter-stdin");
    let r = filter(&s)
        .opt("--filter", "-")
        .flag("--count")
        .opt("--consistency-level", "eventual")
        .format("json")
        .stdin("customSecurityAttributes/Marketing/AppCountry eq 'Canada'\n")
        .run();
    r.expect_code(0);
    assert_eq!(r.json()["@odata.count"], 2);
    let r = filter(&s)
        .opt("--query", "-")
        .opt("--consistency-level", "eventual")
        .format("json")
        .stdin("$count=true&$filter=customSecurityAttributes/Marketing/AppCountry%20eq%20'Canada'")
        .run();
    r.expect_code(0);
    assert_eq!(r.json()["@odata.count"], 2);
    // Standard input can stand for one input only.
    filter(&s)
        .opt("--filter", "-")
        .opt("--actor", "-")
        .stdin("x")
        .run()
        .expect_input_error();
}
