//! `line`, `column` and `offset` in `--format json`, as a user reads them: the same place the
//! text format's `--> file:line:column` shows, for every command that reads the file, and none
//! for the documents of a `--batch` line.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use super::harness::*;

use serde_json::Value;

/// A refused body over several lines, with non-ASCII text before what is at fault.
const BODY: &str = "{\"customSecurityAttributes\": {\"Engineering\": {\n  \"@odata.type\": \"#Microsoft.DirectoryServices.CustomSecurityAttributeValue\",\n  \"ProjectDate\": \"Zürich\", \"Projet\": \"é\",\n  \"NumVendors\": []}}}\n";

/// The desired state of a plan, refused: a string for an integer on line 3.
const DESIRED: &str =
    "{\"Engineering\": {\n  \"Project\": [\"Alpine\"],\n  \"NumVendors\": \"eight\"}}\n";

/// `(line, column)` of each finding of `json` (violations, then warnings).
fn places(json: &Value) -> Vec<(u64, u64)> {
    ["violations", "warnings"]
        .iter()
        .flat_map(|k| json[*k].as_array().cloned().unwrap_or_default())
        .map(|v| {
            let at = |k: &str| v[k].as_u64().unwrap_or_else(|| panic!("no {k} in {v}"));
            (at("line"), at("column"))
        })
        .collect()
}

/// `(line, column)` of each `--> file:line:column` of the text output, in order.
fn arrows(stdout: &str, file: &str) -> Vec<(u64, u64)> {
    stdout
        .lines()
        .filter_map(|l| l.trim().strip_prefix("--> "))
        .filter_map(|at| at.strip_prefix(file)?.strip_prefix(':'))
        .map(|lc| {
            let (l, c) = lc.split_once(':').unwrap();
            (l.parse().unwrap(), c.parse().unwrap())
        })
        .collect()
}

/// `--format json` of the refused `command`, after checking that each finding's `line` and
/// `column` are those of the text format's `--> file:line:column`, in order.
fn placed_as_the_text_shows(command: &Csa, file: &str) -> Value {
    let json = command.clone().format("json").run();
    json.expect_code(1);
    let json = json.json();
    let text = command.clone().format("text").run();
    text.expect_code(1);
    let shown = arrows(&text.stdout, file);
    assert!(!shown.is_empty(), "{}", text.stdout);
    assert_eq!(places(&json), shown, "{json:#}\n{}", text.stdout);
    json
}

#[test]
fn check_of_a_refused_body_file_has_line_and_column_as_the_text_caret() {
    let s = Scratch::new("positions-check");
    let body = s.file("body.json", BODY);
    let catalog = sample_catalog();
    let json = placed_as_the_text_shows(&csa(&["check"]).catalog(&catalog).patch(&body), &body);
    assert!(places(&json).len() >= 2, "{json:#}");
    // Violations also say the byte offset of the place.
    let projet = json["violations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["code"] == "unknown_attribute")
        .unwrap();
    assert_eq!(projet["offset"], BODY.find("\"Projet\"").unwrap());
    assert_eq!(
        (&projet["line"], &projet["column"]),
        (&3.into(), &28.into())
    );
}

#[test]
fn plan_of_a_refused_desired_file_has_line_and_column_as_the_text_caret() {
    let s = Scratch::new("positions-plan");
    let object = s.file("object.json", "{\"id\": \"u1\"}");
    let desired = s.file("desired.json", DESIRED);
    let catalog = sample_catalog();
    let plan = csa(&["plan"])
        .catalog(&catalog)
        .object(&object)
        .desired(&desired);
    let json = placed_as_the_text_shows(&plan, &desired);
    assert_eq!(places(&json)[0], (3, 17));
}

#[test]
fn an_invalid_catalog_of_plan_and_batches_is_placed_in_its_file() {
    let s = Scratch::new("positions-catalog");
    let catalog = s.file("bad-catalog.json", INVALID_CATALOG);
    let object = s.file("object.json", "{\"id\": \"u1\"}");
    let desired = s.file("desired.json", DESIRED);
    let batch = s.file("batch.jsonl", "{\"object\": {}, \"patch\": {}}\n");
    for (run, code) in [
        (
            csa(&["plan"])
                .catalog(&catalog)
                .object(&object)
                .desired(&desired)
                .format("json")
                .run(),
            2,
        ),
        (csa(&["check"]).catalog(&catalog).batch(&batch).run(), 2),
        (csa(&["lint"]).catalog(&catalog).format("json").run(), 1),
    ] {
        run.expect_code(code);
        let v = &run.json()["violations"][0];
        assert_eq!((&v["line"], &v["column"]), (&3.into(), &78.into()), "{v}");
    }
}

#[test]
fn the_documents_of_a_batch_line_have_no_place() {
    let s = Scratch::new("positions-batch");
    let catalog = sample_catalog();
    let line = format!(
        "{{\"object\": {{\"id\": \"u1\"}}, \"patch\": {}}}\n",
        BODY.replace('\n', " ")
    );
    let batch = s.file("batch.jsonl", &line);
    let out = csa(&["check"]).catalog(&catalog).batch(&batch).run();
    out.expect_code(1);
    let out = &out.json_lines()[0];
    assert_eq!(out["line"], 1);
    for v in ["violations", "warnings"]
        .iter()
        .flat_map(|k| out[*k].as_array().cloned().unwrap_or_default())
    {
        let o = v.as_object().unwrap();
        assert!(
            !o.contains_key("line") && !o.contains_key("column") && !o.contains_key("offset"),
            "{v}"
        );
    }
}
