//! `--policy` as every subcommand that reads a document takes it, and `--allow-synced` as every
//! subcommand that decides a PATCH takes it: the same policy gives the same answer whichever
//! command reads it.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use super::harness::*;

use serde_json::{json, Value};

/// A policy the sample catalog (6,751 bytes) is too large for.
fn small_catalogs(s: &Scratch) -> String {
    s.json("small-catalogs.json", &json!({"maxCatalogBytes": 1000}))
}

/// A documented PATCH body (A01: assign Engineering_ProjectDate).
fn patch(s: &Scratch) -> String {
    s.json(
        "patch.json",
        &example("assignments/A01-user-string.json")["request"]["body"],
    )
}

fn user() -> Value {
    json!({"id": "u1", "displayName": "Adele", "customSecurityAttributes": {
        "Engineering": {"@odata.type": RESPONSE_SET_TYPE, "ProjectDate": "2022-10-01"}}})
}

/// `{"error": "invalid_catalog", "violations": [payload_too_large]}`, exit 2: the catalog is
/// over the policy's `maxCatalogBytes`.
fn expect_catalog_too_large(r: &Run) {
    r.expect_code(2);
    let out = r.json();
    assert_eq!(out["error"], "invalid_catalog", "{out}");
    assert_eq!(codes(&out["violations"]), ["payload_too_large"], "{out}");
    assert!(
        r.stderr.starts_with("csa: invalid catalog `"),
        "{}",
        r.stderr
    );
}

#[test]
fn check_and_lint_agree_about_a_catalog_over_max_catalog_bytes() {
    let s = Scratch::new("agree");
    let policy = small_catalogs(&s);
    let check = csa(&["check"])
        .catalog(&sample_catalog())
        .patch(&patch(&s))
        .policy(&policy)
        .format("json")
        .run();
    expect_catalog_too_large(&check);
    let lint = csa(&["lint"])
        .catalog(&sample_catalog())
        .policy(&policy)
        .format("json")
        .run();
    lint.expect_code(1);
    assert_eq!(lint.json()["valid"], json!(false));
    assert_eq!(lint.json()["violations"], check.json()["violations"]);
    // The text says the same.
    let lint = csa(&["lint"])
        .catalog(&sample_catalog())
        .policy(&policy)
        .run();
    lint.expect_code(1);
    assert!(
        lint.stdout
            .starts_with("invalid (1 violation, 0 warnings)\nerror: payload_too_large: "),
        "{}",
        lint.stdout
    );
    // Under a policy that admits it, both accept it.
    let roomy = s.json("roomy.json", &json!({"maxCatalogBytes": 100_000}));
    csa(&["check"])
        .catalog(&sample_catalog())
        .patch(&patch(&s))
        .policy(&roomy)
        .run()
        .expect_code(0);
    let lint = csa(&["lint"])
        .catalog(&sample_catalog())
        .policy(&roomy)
        .format("json")
        .run();
    lint.expect_code(0);
    assert_eq!(lint.json()["valid"], json!(true));
}

#[test]
fn view_honours_the_policy() {
    let s = Scratch::new("view");
    let object = s.json("user.json", &user());
    let view = || csa(&["view"]).catalog(&sample_catalog()).object(&object);
    view().run().expect_code(0);
    expect_catalog_too_large(&view().policy(&small_catalogs(&s)).format("json").run());
}

#[test]
fn define_honours_the_policy() {
    let s = Scratch::new("define");
    let body = s.json(
        "new-set.json",
        &json!({"id": "Security", "description": "Attributes for the security team",
                "maxAttributesPerSet": 25}),
    );
    let define = || {
        csa(&["define"])
            .catalog(&sample_catalog())
            .method("POST")
            .path("/directory/attributeSets")
            .body(&body)
            .format("json")
    };
    define().run().expect_code(0);
    // The body is over the policy's maxBodyBytes: Graph's 413, not an input error.
    let small = s.json("small-bodies.json", &json!({"maxBodyBytes": 40}));
    let r = define().policy(&small).run();
    r.expect_code(1);
    assert_eq!(codes(&r.json()["violations"]), ["payload_too_large"]);
    expect_catalog_too_large(&define().policy(&small_catalogs(&s)).run());
}

#[test]
fn evolve_honours_the_policy() {
    let s = Scratch::new("evolve");
    let catalog = std::fs::read_to_string(sample_catalog()).unwrap();
    // The same catalog, padded past maxCatalogBytes: no change, unless the policy bounds it.
    let from = s.file("from.json", &catalog);
    let to = s.file("to.json", &format!("{catalog}{}", " ".repeat(2_000)));
    let policy = s.json(
        "policy.json",
        &json!({"maxCatalogBytes": catalog.len() + 1_000}),
    );
    let evolve = || csa(&["evolve"]).from(&from).to(&to).format("json");
    let r = evolve().run();
    r.expect_code(0);
    assert_eq!(r.json()["changes"], json!([]));
    // The target over maxCatalogBytes is an illegal evolution.
    let r = evolve().policy(&policy).run();
    r.expect_code(1);
    assert_eq!(r.json()["legal"], json!(false));
    assert_eq!(r.json()["changes"][0]["code"], "payload_too_large");
    // The source over it cannot be compared at all.
    expect_catalog_too_large(&evolve().policy(&small_catalogs(&s)).run());
}

#[test]
fn search_honours_the_policy() {
    let s = Scratch::new("search");
    let object = s.json("user.json", &user());
    let search = || {
        csa(&["search"])
            .catalog(&sample_catalog())
            .object(&object)
            .opt("--text", "2022")
            .format("json")
    };
    let r = search().run();
    r.expect_code(0);
    assert_eq!(
        r.json()["matches"][0]["attribute"],
        "Engineering_ProjectDate"
    );
    expect_catalog_too_large(&search().policy(&small_catalogs(&s)).run());
}

#[test]
fn filter_honours_the_policy() {
    let s = Scratch::new("filter");
    let objects = s.file("users.jsonl", &format!("{}\n", user()));
    let filter = || {
        csa(&["filter"])
            .catalog(&sample_catalog())
            .objects(&objects)
            .opt(
                "--filter",
                "customSecurityAttributes/Engineering/ProjectDate eq '2022-10-01'",
            )
            .flag("--count")
            .opt("--consistency-level", "eventual")
            .format("json")
    };
    let r = filter().run();
    r.expect_code(0);
    assert_eq!(r.json()["@odata.count"], json!(1));
    expect_catalog_too_large(&filter().policy(&small_catalogs(&s)).run());
}

#[test]
fn check_and_plan_agree_about_allow_synced() {
    let s = Scratch::new("synced");
    let synced = json!({"@odata.type": "#microsoft.graph.user", "onPremisesSyncEnabled": true});
    let object = s.json("synced.json", &synced);
    // The state A01 leads to, as a desired state.
    let desired = s.json(
        "desired.json",
        &json!({"Engineering": {"@odata.type": RESPONSE_SET_TYPE, "ProjectDate": "2022-10-01"}}),
    );
    let check = || {
        csa(&["check"])
            .catalog(&sample_catalog())
            .object(&object)
            .patch(&patch(&s))
            .format("json")
    };
    let plan = || {
        csa(&["plan"])
            .catalog(&sample_catalog())
            .object(&object)
            .desired(&desired)
            .format("json")
    };
    // Refused alike without the flag...
    let (c, p) = (check().run(), plan().run());
    c.expect_code(1);
    p.expect_code(1);
    assert_eq!(c.json()["violations"], p.json()["violations"]);
    // ...and accepted alike with it, or with the policy that says the same.
    let allow = s.json("allow.json", &json!({"allowSyncedObjects": true}));
    for (c, p) in [
        (
            check().flag("--allow-synced").run(),
            plan().flag("--allow-synced").run(),
        ),
        (check().policy(&allow).run(), plan().policy(&allow).run()),
    ] {
        c.expect_code(0);
        p.expect_code(0);
        assert_eq!(c.json()["changes"], p.json()["changes"]);
    }
    // A batch takes the flag too.
    let batch = s.file(
        "batch.jsonl",
        &format!(
            "{}\n",
            json!({"object": synced, "desired": std::fs::read_to_string(&desired)
                .map(|t| serde_json::from_str::<Value>(&t).unwrap())
                .unwrap()})
        ),
    );
    let line = |r: &Run| serde_json::from_str::<Value>(r.stdout.trim_end()).unwrap();
    let refused = csa(&["plan"])
        .catalog(&sample_catalog())
        .batch(&batch)
        .run();
    refused.expect_code(1);
    assert_eq!(line(&refused)["allowed"], json!(false));
    let allowed = csa(&["plan"])
        .catalog(&sample_catalog())
        .batch(&batch)
        .flag("--allow-synced")
        .run();
    allowed.expect_code(0);
    assert_eq!(line(&allowed)["allowed"], json!(true));
}

#[test]
fn every_subcommand_that_reads_a_document_refuses_an_invalid_policy() {
    let s = Scratch::new("bad-policy");
    let policy = s.file("bad-policy.json", r#"{"maxBodyBytes": "big"}"#);
    let catalog = sample_catalog();
    let object = s.json("user.json", &user());
    let objects = s.file("users.jsonl", &format!("{}\n", user()));
    let changes = s.json("changes.json", &json!([]));
    let commands = [
        csa(&["check"]).catalog(&catalog).patch(&patch(&s)),
        csa(&["view"]).catalog(&catalog).object(&object),
        csa(&["lint"]).catalog(&catalog),
        csa(&["define"])
            .catalog(&catalog)
            .method("GET")
            .path("/directory/attributeSets"),
        csa(&["evolve"]).from(&catalog).to(&catalog),
        csa(&["search"])
            .catalog(&catalog)
            .object(&object)
            .opt("--text", ""),
        csa(&["filter"])
            .catalog(&catalog)
            .objects(&objects)
            .opt("--filter", "id eq 'u1'"),
        csa(&["plan"])
            .catalog(&catalog)
            .object(&object)
            .desired(&object),
        csa(&["apply"])
            .catalog(&catalog)
            .object(&object)
            .changes(&changes),
    ];
    for command in commands {
        let r = command.policy(&policy).run();
        r.expect_input_error();
        assert!(
            r.stderr.starts_with("csa: invalid policy file `"),
            "{:?}: {}",
            r.args,
            r.stderr
        );
    }
}

/// A plain `User` update (no `customSecurityAttributes`) is accepted with a warning, and
/// refused under `requireCustomSecurityAttributes`, read from the policy file.
#[test]
fn require_custom_security_attributes_refuses_a_body_without_them() {
    let s = Scratch::new("require-csa");
    let body = s.json("user-update.json", &json!({"displayName": "Ana"}));
    let r = csa(&["check"])
        .catalog(&sample_catalog())
        .patch(&body)
        .format("json")
        .run();
    r.expect_code(0);
    let out = r.json();
    assert_eq!(out["changes"], json!([]), "{out}");
    assert_eq!(codes(&out["warnings"]), ["no_custom_security_attributes"]);
    let policy = s.json(
        "require.json",
        &json!({"requireCustomSecurityAttributes": true}),
    );
    let r = csa(&["check"])
        .catalog(&sample_catalog())
        .patch(&body)
        .policy(&policy)
        .format("json")
        .run();
    r.expect_code(1);
    assert_eq!(codes(&r.json()["violations"]), ["invalid_shape"]);
    let bad = s.json(
        "bad.json",
        &json!({"requireCustomSecurityAttributes": "yes"}),
    );
    csa(&["check"])
        .catalog(&sample_catalog())
        .patch(&body)
        .policy(&bad)
        .run()
        .expect_input_error();
}
