//! `csa check --batch` and `--jobs` on `check` and `plan`, as a user runs them: one JSON line
//! out per line in, in input order whatever the number of threads; a bad line is its own error
//! line; exit 0 / 1 / 2; standard input; no progress line when standard error is not a terminal.
// clippy.toml allows these in `#[test]` functions; the helpers here are test code too.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use super::harness::*;

use serde_json::{json, Value};

/// A `check --batch` line.
fn line(object: &Value, patch: &Value) -> String {
    json!({"object": object, "patch": patch}).to_string()
}

/// A PATCH body setting Engineering's `attribute` to `value`.
fn patch(attribute: &str, value: Value) -> Value {
    json!({"customSecurityAttributes": {"Engineering": {
        "@odata.type": REQUEST_SET_TYPE, attribute: value}}})
}

/// `csa check --batch` of `lines`, written newline-terminated.
fn check_batch(s: &Scratch, lines: &[String]) -> Csa {
    let mut text = lines.join("\n");
    text.push('\n');
    csa(&["check"])
        .catalog(&sample_catalog())
        .batch(&s.file("batch.jsonl", &text))
}

/// 48 lines of varied cost (some padded with 200 kB of whitespace, some refused, some not
/// JSON), each naming its index in its object's id.
fn varied() -> Vec<String> {
    (0..48)
        .map(|i| {
            let object = json!({"id": format!("u{i}")});
            match i % 6 {
                0 => line(&object, &patch("ProjectDate", json!("2022-10-01"))),
                1 => {
                    let l = line(&object, &patch("NumVendors", json!(i)));
                    // Whitespace inside the JSON: a line that takes longer to read.
                    format!("{{{}{}", " ".repeat(200_000), &l[1..])
                }
                2 => line(&object, &patch("Project", json!(["Alpine", "Nope"]))),
                3 => format!("{{\"object\": {{\"id\": \"u{i}\"}}, oops"),
                4 => line(
                    &object,
                    &patch(
                        "Datacenter",
                        json!((0..40).map(|d| format!("dc{d}")).collect::<Vec<_>>()),
                    ),
                ),
                _ => line(&object, &json!({"customSecurityAttributes": 5})),
            }
        })
        .collect()
}

#[test]
fn lines_come_out_in_input_order_with_1_and_4_jobs() {
    let s = Scratch::new("order");
    let input = varied();
    let one = check_batch(&s, &input).jobs(1).run();
    one.expect_code(1);
    assert_eq!(one.stderr, "");
    let out = one.json_lines();
    assert_eq!(out.len(), 48);
    for (i, l) in out.iter().enumerate() {
        assert_eq!(l["line"], i + 1, "{l}");
        if i % 6 != 3 {
            assert_eq!(l["objectId"], format!("u{i}"), "{l}");
        }
        let expected = match i % 6 {
            0 | 1 | 4 => Some(true),
            2 | 5 => Some(false),
            _ => None,
        };
        assert_eq!(l["allowed"].as_bool(), expected, "{l}");
    }
    for jobs in [2, 4] {
        let r = check_batch(&s, &input).jobs(jobs).run();
        r.expect_code(1);
        assert_eq!(
            r.stdout, one.stdout,
            "--jobs {jobs}: the same bytes as --jobs 1"
        );
    }
    // The default (the machine's parallelism) too.
    assert_eq!(check_batch(&s, &input).run().stdout, one.stdout);
}

#[test]
fn a_line_is_check_format_json_with_line_and_object_id() {
    let s = Scratch::new("same");
    let object = json!({"id": "u7", "customSecurityAttributes": null});
    let eng = s.json("eng.json", &actor(AAA_NAME, "/attributeSets/Engineering"));
    for body in [
        patch("ProjectDate", json!("2022-10-01")),
        patch("Project", json!(["Alpine", "Nope"])),
        json!({"customSecurityAttributes": {"Marketing": {
            "@odata.type": REQUEST_SET_TYPE, "EmployeeId": "X"}}}),
    ] {
        let r = check_batch(&s, &[line(&object, &body)])
            .actor(&eng)
            .flag("--audit")
            .run();
        let mut got = r.json_lines().remove(0);
        let single = csa(&["check"])
            .catalog(&sample_catalog())
            .object(&s.json("object.json", &object))
            .patch(&s.json("patch.json", &body))
            .actor(&eng)
            .flag("--audit")
            .format("json")
            .run();
        r.expect_code(single.code);
        let fields = got.as_object_mut().unwrap();
        assert_eq!(fields.remove("line"), Some(json!(1)));
        assert_eq!(fields.remove("objectId"), Some(json!("u7")));
        // The documents of a line are parts of it: no places, where the files have them.
        assert_eq!(got, without_positions(&single.json()));
    }
}

#[test]
fn a_lines_own_actor_overrides_the_batch_actor() {
    let s = Scratch::new("actor");
    let object = json!({"id": "u1"});
    let body = patch("ProjectDate", json!("2022-10-01"));
    let marketing = s.json("mkt.json", &actor(AAA_NAME, "/attributeSets/Marketing"));
    let own = json!({"object": object, "patch": body,
        "actor": actor(AAA_NAME, "/attributeSets/Engineering")});
    let r = check_batch(&s, &[line(&object, &body), own.to_string()])
        .actor(&marketing)
        .run();
    r.expect_code(1);
    let out = r.json_lines();
    assert_eq!(codes(&out[0]["violations"]), ["permission_denied"]);
    assert_eq!(out[1]["allowed"], true, "{}", out[1]);
}

#[test]
fn bad_lines_are_error_lines_and_the_batch_goes_on() {
    let s = Scratch::new("errors");
    let good = line(
        &json!({"id": "g"}),
        &patch("ProjectDate", json!("2022-10-01")),
    );
    let input = vec![
        good.clone(),
        "not json".to_owned(),
        String::new(),
        r#"{"object": {"id": "x"}}"#.to_owned(),
        r#"{"object": {"id": "bad", "customSecurityAttributes": 1}, "patch": {}}"#.to_owned(),
        r#"{"object": {"id": "a"}, "patch": {}, "actor": {"roleAssignments": 1}}"#.to_owned(),
        good,
    ];
    let r = check_batch(&s, &input).jobs(3).run();
    r.expect_code(1);
    assert_eq!(r.stderr, "");
    let out = r.json_lines();
    assert_eq!(out.len(), 6, "no line for the blank line:\n{}", r.stdout);
    let summary: Vec<(i64, &str, &str)> = out
        .iter()
        .skip(1)
        .take(4)
        .map(|l| {
            assert_eq!(keys(l), ["error", "line", "objectId", "violations"], "{l}");
            (
                l["line"].as_i64().unwrap(),
                l["error"].as_str().unwrap(),
                l["violations"][0]["code"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (2, "invalid_line", "invalid_json"),
            (4, "invalid_line", "invalid_shape"),
            (5, "invalid_object", "invalid_shape"),
            (6, "invalid_actor", "invalid_property"),
        ]
    );
    assert_eq!(out[3]["objectId"], "bad");
    assert_eq!(out[5]["line"], 7);
    assert_eq!(out[5]["allowed"], true);
}

#[test]
fn a_line_over_max_body_bytes_is_skipped_without_being_kept() {
    let s = Scratch::new("big");
    let policy = s.json("small.json", &json!({"maxBodyBytes": 300}));
    let good = line(&json!({"id": "s"}), &patch("NumVendors", json!(2)));
    let big = line(
        &json!({"id": "big", "displayName": "x".repeat(400)}),
        &json!({}),
    );
    let r = check_batch(&s, &[good.clone(), big, good])
        .policy(&policy)
        .jobs(2)
        .run();
    r.expect_code(1);
    let out = r.json_lines();
    assert_eq!(out.len(), 3);
    assert_eq!(
        (&out[0]["allowed"], &out[2]["allowed"]),
        (&json!(true), &json!(true))
    );
    assert_eq!(out[1]["line"], 2);
    assert_eq!(out[1]["error"], "invalid_line");
    assert_eq!(codes(&out[1]["violations"]), ["payload_too_large"]);
}

#[test]
fn exit_0_when_every_line_is_accepted_and_stdin_works() {
    let s = Scratch::new("ok");
    let input: Vec<String> = (0..5)
        .map(|i| {
            line(
                &json!({"id": format!("u{i}")}),
                &patch("NumVendors", json!(i)),
            )
        })
        .collect();
    let from_file = check_batch(&s, &input).run();
    from_file.expect_code(0);
    // Standard input, the last line without its newline.
    let r = csa(&["check"])
        .catalog(&sample_catalog())
        .batch("-")
        .jobs(4)
        .stdin(&input.join("\n"))
        .run();
    r.expect_code(0);
    assert_eq!(r.stdout, from_file.stdout);
    assert_eq!(r.json_lines().len(), 5);
    // An empty batch decides nothing and refuses nothing.
    let r = csa(&["check"])
        .catalog(&sample_catalog())
        .batch("-")
        .stdin("\n")
        .run();
    r.expect_code(0);
    assert_eq!(r.stdout, "");
}

#[test]
fn usage_and_input_errors_exit_2() {
    let s = Scratch::new("usage");
    let batch = s.file("b.jsonl", "{}\n");
    let patch_file = s.json("p.json", &json!({}));
    let runs = [
        // --jobs without a batch, 0 jobs, both --patch and --batch, --format with a batch,
        // --object with a batch, neither --patch nor --batch.
        csa(&["check"])
            .catalog(&sample_catalog())
            .patch(&patch_file)
            .jobs(2),
        csa(&["check"])
            .catalog(&sample_catalog())
            .batch(&batch)
            .opt("--jobs", "0"),
        csa(&["check"])
            .catalog(&sample_catalog())
            .batch(&batch)
            .patch(&patch_file),
        csa(&["check"])
            .catalog(&sample_catalog())
            .batch(&batch)
            .format("json"),
        csa(&["check"])
            .catalog(&sample_catalog())
            .batch(&batch)
            .object(&patch_file),
        csa(&["check"]).catalog(&sample_catalog()),
        // An unreadable batch, an invalid catalog, two standard inputs.
        csa(&["check"])
            .catalog(&sample_catalog())
            .batch(&s.path("missing.jsonl")),
        csa(&["check"]).catalog("-").batch("-"),
        // plan: --jobs without a batch.
        csa(&["plan"])
            .catalog(&sample_catalog())
            .object(&patch_file)
            .desired(&patch_file)
            .jobs(2),
    ];
    for run in runs {
        run.run().expect_input_error();
    }
    // An invalid catalog: exit 2, and since a batch prints JSON, the error is JSON too.
    let bad = s.file("bad.json", INVALID_CATALOG);
    for command in ["check", "plan"] {
        let r = csa(&[command]).catalog(&bad).batch(&batch).run();
        r.expect_code(2);
        let error = r.json();
        assert_eq!(error["error"], "invalid_catalog");
        assert_eq!(codes(&error["violations"]), ["boolean_collection"]);
    }
}

#[test]
fn plan_batch_takes_jobs_and_keeps_input_order() {
    let s = Scratch::new("plan-jobs");
    let input: Vec<String> = (0..30)
        .map(|i| {
            let desired = if i % 3 == 0 {
                json!({"Engineering": {"Project": ["Alpine", "Nope"]}})
            } else {
                json!({"Engineering": {"NumVendors": i}})
            };
            json!({"object": {"id": format!("p{i}")}, "desired": desired}).to_string()
        })
        .collect();
    let mut text = input.join("\n");
    text.push('\n');
    let file = s.file("plan.jsonl", &text);
    let run = |jobs: usize| {
        csa(&["plan"])
            .catalog(&sample_catalog())
            .batch(&file)
            .jobs(jobs)
            .run()
    };
    let one = run(1);
    one.expect_code(1);
    let out = one.json_lines();
    let ids: Vec<String> = out
        .iter()
        .map(|l| l["objectId"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids, (0..30).map(|i| format!("p{i}")).collect::<Vec<_>>());
    assert_eq!(run(4).stdout, one.stdout);
}

#[test]
fn piped_runs_print_no_progress() {
    // Standard error is a pipe here, as in any script: not a byte of progress on it, whether
    // the run succeeds or refuses, for a batch and for a big filter.
    let s = Scratch::new("progress");
    let r = check_batch(&s, &varied()).jobs(2).run();
    r.expect_code(1);
    assert_eq!(r.stderr, "");
    let objects: String = (0..25_000)
        .map(|i| format!("{{\"id\": \"u{i}\", \"displayName\": \"User number {i}\"}}\n"))
        .collect();
    assert!(objects.len() > 1 << 20, "big enough for the progress line");
    let r = csa(&["filter"])
        .catalog(&sample_catalog())
        .objects(&s.file("objects.jsonl", &objects))
        .opt(
            "--filter",
            "customSecurityAttributes/Engineering/NumVendors eq 3",
        )
        .flag("--count")
        .opt("--consistency-level", "eventual")
        .format("json")
        .run();
    r.expect_code(0);
    assert_eq!(r.stderr, "");
    assert_eq!(r.json()["@odata.count"], 0);
}

/// Every error docs/schema/check-batch.json (with the schemas it refers to) finds in `line`.
fn schema_errors(line: &Value) -> Vec<String> {
    crate::schema::schema_errors("check-batch.json", line)
        .into_iter()
        .collect()
}

#[test]
fn every_output_line_matches_the_documented_schema() {
    let s = Scratch::new("schema");
    let policy = s.json(
        "p.json",
        &json!({"redactSets": ["Engineering"], "maxBodyBytes": 250_000}),
    );
    let tenant = actor(AAA_NAME, "/");
    let mut input = varied();
    input.extend([
        json!({"object": {"id": "a"}, "patch": patch("Datacenter", json!(["x", "y"])),
            "actor": tenant})
        .to_string(),
        json!({"object": {"id": "b"}, "patch": {}, "actor": {"roleAssignments": 1}}).to_string(),
        json!({"object": {"id": "o", "customSecurityAttributes": []}, "patch": {}}).to_string(),
        json!({"object": {"id": "c", "customSecurityAttributes": {"Engineering": {
            "@odata.type": RESPONSE_SET_TYPE, "ProjectDate": "2020-01-01"}}},
            "patch": {"customSecurityAttributes": {"Engineering": {
            "@odata.type": REQUEST_SET_TYPE, "ProjectDate": null}}}})
        .to_string(),
        "x".repeat(300_000),
    ]);
    let eng = s.json("eng.json", &actor(AAA_NAME, "/attributeSets/Engineering"));
    let runs = [
        check_batch(&s, &input).run(),
        check_batch(&s, &input)
            .actor(&eng)
            .policy(&policy)
            .flag("--audit")
            .run(),
    ];
    let mut errors = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for r in &runs {
        r.expect_code(1);
        for line in r.json_lines() {
            seen.insert(match (&line["allowed"], &line["error"]) {
                (Value::Bool(true), _) if line.get("audit").is_some() => {
                    "accepted+audit".to_owned()
                }
                (Value::Bool(b), _) => format!("allowed={b}"),
                (_, e) => e.as_str().unwrap().to_owned(),
            });
            for e in schema_errors(&line) {
                errors.push(format!("line {}: {e}\n  {line}", line["line"]));
            }
        }
    }
    assert_eq!(errors, Vec::<String>::new());
    // Every kind of line was there to be checked.
    assert_eq!(
        seen.into_iter().collect::<Vec<_>>(),
        [
            "accepted+audit",
            "allowed=false",
            "allowed=true",
            "invalid_actor",
            "invalid_line",
            "invalid_object"
        ]
    );
    // plan --batch prints the same lines.
    let plan = csa(&["plan"])
        .catalog(&sample_catalog())
        .batch(&s.file(
            "plan.jsonl",
            &format!(
                "{}\n{}\nnope\n",
                json!({"object": {"id": "p"}, "desired": {"Engineering": {"NumVendors": 3}}}),
                json!({"object": {"id": "q"}, "desired": {"Engineering": {"Nope": 3}}})
            ),
        ))
        .flag("--audit")
        .run();
    for line in plan.json_lines() {
        assert_eq!(schema_errors(&line), Vec::<String>::new(), "{line}");
    }
}

#[test]
fn the_schema_is_strict() {
    let s = Scratch::new("strict");
    let r = check_batch(
        &s,
        &[
            line(
                &json!({"id": "u"}),
                &patch("ProjectDate", json!("2022-10-01")),
            ),
            "nope".to_owned(),
        ],
    )
    .run();
    let out = r.json_lines();
    let valid = |doc: &Value| schema_errors(doc).is_empty();
    for good in &out {
        assert!(valid(good), "{good}");
    }
    for original in &out {
        let fields: Vec<String> = original.as_object().unwrap().keys().cloned().collect();
        for field in &fields {
            let mut without = original.clone();
            without.as_object_mut().unwrap().remove(field);
            assert!(!valid(&without), "required: {field}");
        }
        let mut extra = original.clone();
        extra["surprise"] = json!(1);
        assert!(!valid(&extra), "no other property: {extra}");
    }
    let mut bad = out[0].clone();
    bad["changes"][0]["op"] = json!("upsert");
    assert!(!valid(&bad));
    let mut bad = out[1].clone();
    bad["violations"][0]["extra"] = json!(true);
    assert!(!valid(&bad));
}

#[test]
fn a_single_check_document_matches_check_json_and_not_a_batch_line() {
    let s = Scratch::new("single");
    let eng = s.json("eng.json", &actor(AAA_NAME, "/attributeSets/Engineering"));
    for body in [
        patch("ProjectDate", json!("2022-10-01")),
        patch("Project", json!(["Alpine", "Nope"])),
        json!({"nope": 1}),
    ] {
        let r = csa(&["check"])
            .catalog(&sample_catalog())
            .patch(&s.json("patch.json", &body))
            .actor(&eng)
            .flag("--audit")
            .format("json")
            .run();
        let out = r.json();
        assert_eq!(
            crate::schema::schema_errors("check.json", &out),
            None,
            "{out}"
        );
        assert!(
            !schema_errors(&out).is_empty(),
            "a single document has no line"
        );
        let mut extra = out.clone();
        extra["line"] = json!(1);
        assert!(
            crate::schema::schema_errors("check.json", &extra).is_some(),
            "check.json has no line"
        );
    }
}
