//! `csa search` (and, with the filter capability, `csa filter`) as a user runs them: exit codes,
//! the JSON printed, and what an actor's scope hides.
#![cfg(feature = "cli")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod cli_harness;
use cli_harness::*;

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
