//! Line and column in JSON output: every violation and warning with a span into a document given
//! as text carries `offset` (violations), `line` and `column`, the same the text format's caret
//! shows; a document given as data (parsed, then serialised) carries none.

#![cfg(test)]

use csa::commands::{Check, Filter, Input, Lint};
use csa::{Snippet, Verdict};
use serde_json::{json, Value};

use crate::common::*;

const CATALOG: &str = include_str!("../data/graph-examples/sample-catalog.json");

/// A body over several lines, with non-ASCII text before what is at fault.
const BODY: &str = "{\"customSecurityAttributes\": {\"Engineering\": {\n  \"@odata.type\": \"#Microsoft.DirectoryServices.CustomSecurityAttributeValue\",\n  \"ProjectDate\": \"Zürich\", \"Projet\": \"é\",\n  \"NumVendors\": []}}, \"displayName\": \"Ana\"}";

#[test]
fn violations_and_warnings_of_a_text_document_have_line_and_column() {
    let report = Check::new(CATALOG, BODY).run().unwrap();
    assert!(!report.is_allowed());
    let json = serde_json::to_value(&report).unwrap();
    let items: Vec<&Value> = json["violations"]
        .as_array()
        .unwrap()
        .iter()
        .chain(json["warnings"].as_array().unwrap())
        .collect();
    assert!(items.len() >= 3, "{json:#}");
    let all = Verdict::violations(&report)
        .iter()
        .map(|v| (v.byte_span(), v.location()))
        .chain(
            Verdict::warnings(&report)
                .iter()
                .map(|w| (w.byte_span(), w.location())),
        );
    for ((span, location), item) in all.zip(&items) {
        let span = span.expect("a span");
        let shown = Snippet::new(BODY.as_bytes(), span.clone()).location();
        assert_eq!(location, Some(shown), "{item}");
        assert_eq!(item["line"], json!(shown.line()), "{item}");
        assert_eq!(item["column"], json!(shown.column()), "{item}");
    }
    // Violations also say the byte offset; the keys keep their order, the new ones last.
    let text = serde_json::to_string(&report).unwrap();
    let order = |keys: &[&str]| {
        let at: Vec<usize> = keys
            .iter()
            .map(|k| text.find(&format!("\"{k}\":")).unwrap())
            .collect();
        assert!(at.windows(2).all(|w| w[0] < w[1]), "{keys:?} in {text}");
    };
    order(&[
        "code",
        "pointer",
        "attribute",
        "message",
        "hint",
        "status",
        "graphError",
        "offset",
        "line",
        "column",
    ]);
    let warning = &text[text.find("\"warnings\"").unwrap()..];
    for (a, b) in [("message", "line"), ("line", "column")] {
        assert!(
            warning.find(&format!("\"{a}\":")) < warning.find(&format!("\"{b}\":")),
            "{warning}"
        );
    }
    assert!(!warning.contains("\"offset\""), "{warning}");
    // `Projet` is on line 3, after a non-ASCII character: columns count characters.
    let projet = json["violations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["code"] == "unknown_attribute")
        .unwrap();
    assert_eq!(
        (projet["line"].clone(), projet["column"].clone()),
        (json!(3), json!(28))
    );
    assert_eq!(projet["offset"], json!(BODY.find("\"Projet\"").unwrap()));
}

#[test]
fn a_document_given_as_data_has_no_line_or_column() {
    let report = Check::new(CATALOG, Input::data(BODY.as_bytes()))
        .run()
        .unwrap();
    let json = serde_json::to_value(&report).unwrap();
    for item in json["violations"]
        .as_array()
        .unwrap()
        .iter()
        .chain(json["warnings"].as_array().unwrap())
    {
        let o = item.as_object().unwrap();
        assert!(
            !o.contains_key("line") && !o.contains_key("column") && !o.contains_key("offset"),
            "{item}"
        );
    }
}

#[test]
fn input_errors_lint_and_filters_are_located_too() {
    let lint = Lint::new(
        "{\"customSecurityAttributeDefinitions\": [], \"attributeSets\": [\n {\"id\": \"A B\"}]}",
    )
    .run()
    .unwrap();
    let v = &serde_json::to_value(&lint).unwrap()["violations"][0];
    assert_eq!(
        (v["line"].clone(), v["column"].clone()),
        (json!(2), json!(9)),
        "{v}"
    );

    let e = Check::new(CATALOG, "{}")
        .object("{\"id\": \"u1\",\n \"onPremisesSyncEnabled\": 3}")
        .run()
        .unwrap_err();
    let v = &e.violations()[0];
    assert_eq!(v.location().map(|l| (l.line(), l.column())), Some((2, 27)));

    // JSON Lines: the line of the object that is wrong, not of the line read alone.
    let objects = "{\"id\": \"u1\"}\n{\"id\": \"u2\", \"onPremisesSyncEnabled\": 3}\n";
    let e = Filter::new(CATALOG, objects).run().unwrap_err();
    let v = &e.violations()[0];
    assert_eq!(v.location().map(|l| (l.line(), l.column())), Some((2, 39)));

    let text = "customSecurityAttributes/Engineering/Projet eq 'x'";
    let report = Filter::new(CATALOG, "")
        .filter(text)
        .count(true)
        .consistency_level("eventual")
        .run()
        .unwrap();
    let v = &serde_json::to_value(&report).unwrap()["violations"][0];
    assert_eq!(
        (v["line"].clone(), v["column"].clone()),
        (json!(1), json!(38)),
        "{v}"
    );
    let _ = sample_catalog_json();
}

#[test]
fn a_caller_driving_the_engine_places_what_it_reports_as_the_commands_do() {
    use csa::commands::CheckReport;
    use csa::{Catalog, Document, Engine, Locate, Object, Policy};

    let engine = Engine::new(
        Catalog::from_json(CATALOG.as_bytes()).unwrap(),
        Policy::default(),
    );
    let object = Object::default();
    let report = |input: Input<'_>| {
        let mut evaluation = engine.evaluate(&object, None, input.bytes());
        input.locate(Document::Body, &mut evaluation);
        serde_json::to_value(CheckReport::new(&engine, &object, None, evaluation, false)).unwrap()
    };
    let command = serde_json::to_value(Check::new(CATALOG, BODY).run().unwrap()).unwrap();
    assert_eq!(report(Input::text(BODY.as_bytes())), command);
    let data = serde_json::to_value(
        Check::new(CATALOG, Input::data(BODY.as_bytes()))
            .run()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(report(Input::data(BODY.as_bytes())), data);
    assert_ne!(data, command);

    // `Locate` itself, on text the caller holds; again, it changes nothing.
    let mut evaluation = engine.evaluate(&object, None, BODY.as_bytes());
    evaluation.locate(Document::Body, BODY.as_bytes());
    evaluation.locate(Document::Body, BODY.as_bytes());
    let located = CheckReport::new(&engine, &object, None, evaluation, false);
    assert_eq!(serde_json::to_value(located).unwrap(), command);

    // An input error, placed in the text it is about.
    let bad = "{\"id\": \"u1\",\n \"onPremisesSyncEnabled\": 3}";
    let e =
        Input::text(bad.as_bytes()).locate_error(Object::from_json(bad.as_bytes()).unwrap_err());
    let v = &e.violations()[0];
    assert_eq!(v.location().map(|l| (l.line(), l.column())), Some((2, 27)));
    let e =
        Input::data(bad.as_bytes()).locate_error(Object::from_json(bad.as_bytes()).unwrap_err());
    assert_eq!(e.violations()[0].location(), None);
}
