//! Bounds on hostile input (docs/PERFORMANCE.md, "Limits"):
//! - JSON nesting, the bound every document shares: every reader of the library reads a document
//!   128 levels deep and refuses one 129 levels deep with `invalid_json` and nothing else;
//! - no hang: for the input shapes that used to cost quadratic time (thousands of unknown or
//!   repeated names, each checked against all the others or searched for a "did you mean"),
//!   four times the input costs about four times the time, not sixteen.

// Helpers outside `#[test]` functions unwrap too: `cfg(test)` lets clippy.toml cover them.
#![cfg(test)]

use crate::common::codes;
use csa::{
    changes_from_json, Actor, Catalog, DefinitionRequest, Engine, Method, Object, PlanMode, Policy,
};

fn sample() -> Catalog {
    let bytes = include_bytes!("../data/graph-examples/sample-catalog.json");
    Catalog::from_json(bytes).unwrap()
}

/// A JSON object whose `extra` member is `levels - 1` nested arrays: `levels` levels in all.
fn deep(levels: usize) -> Vec<u8> {
    let inner = levels - 1;
    format!(r#"{{"extra": {}{}}}"#, "[".repeat(inner), "]".repeat(inner)).into_bytes()
}

/// A reader of the library, as the codes it answers for a document (empty: accepted).
type Reader = Box<dyn Fn(&[u8]) -> Vec<&'static str>>;

/// Every reader of the library.
fn readers() -> Vec<(&'static str, Reader)> {
    let engine = Engine::new(sample(), Policy::default());
    let engine2 = Engine::new(sample(), Policy::default());
    let catalog = sample();
    let admin = Actor::new().with_role("Attribute Definition Administrator", "/");
    vec![
        (
            "catalog",
            Box::new(|b: &[u8]| {
                Catalog::from_json(b)
                    .err()
                    .map_or_else(Vec::new, |e| codes(e.violations()))
            }),
        ),
        (
            "object",
            Box::new(|b: &[u8]| {
                Object::from_json(b)
                    .err()
                    .map_or_else(Vec::new, |e| codes(e.violations()))
            }),
        ),
        (
            "actor",
            Box::new(|b: &[u8]| {
                Actor::from_json(b)
                    .err()
                    .map_or_else(Vec::new, |e| codes(e.violations()))
            }),
        ),
        (
            "policy",
            Box::new(|b: &[u8]| {
                Policy::from_json(b)
                    .err()
                    .map_or_else(Vec::new, |e| codes(e.violations()))
            }),
        ),
        (
            "state",
            Box::new(|b: &[u8]| {
                csa::State::from_json(b)
                    .err()
                    .map_or_else(Vec::new, |e| codes(e.violations()))
            }),
        ),
        (
            "changes",
            Box::new(|b: &[u8]| {
                changes_from_json(b)
                    .err()
                    .map_or_else(Vec::new, |e| codes(e.violations()))
            }),
        ),
        (
            "PATCH body",
            Box::new(move |b: &[u8]| {
                codes(engine.evaluate(&Object::default(), None, b).violations())
            }),
        ),
        (
            "desired state",
            Box::new(move |b: &[u8]| {
                codes(
                    engine2
                        .plan(&Object::default(), None, b, PlanMode::Managed)
                        .violations(),
                )
            }),
        ),
        (
            "definition request body",
            Box::new(move |b: &[u8]| {
                let request =
                    DefinitionRequest::new(Method::Post, "/directory/attributeSets").with_body(b);
                codes(catalog.define(&request, Some(&admin)).violations())
            }),
        ),
    ]
}

#[test]
fn every_document_is_read_at_128_levels_and_refused_at_129() {
    for (what, read) in readers() {
        let at_limit = read(&deep(128));
        assert!(
            !at_limit.contains(&"invalid_json"),
            "{what}: 128 levels must be read, got {at_limit:?}"
        );
        assert_eq!(read(&deep(129)), ["invalid_json"], "{what}: 129 levels");
        // Far deeper input costs no stack: refused the same way.
        assert_eq!(
            read(&deep(100_000)),
            ["invalid_json"],
            "{what}: 100,000 levels"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// No hang: work grows linearly with the input

/// The fastest of three runs of `f`, in seconds.
fn fastest(f: &dyn Fn()) -> f64 {
    (0..3)
        .map(|_| {
            let t = std::time::Instant::now();
            f();
            t.elapsed().as_secs_f64()
        })
        .fold(f64::INFINITY, f64::min)
}

fn join(n: usize, item: impl Fn(usize) -> String) -> String {
    (0..n).map(item).collect::<Vec<_>>().join(",")
}

/// Hostile inputs of `n` repeated parts, each the shape that used to cost O(n²): duplicate
/// checks by scanning, and a "did you mean" search per unknown name.
fn hostile(n: usize) -> Vec<(&'static str, String)> {
    let set = "\"@odata.type\": \"#Microsoft.DirectoryServices.CustomSecurityAttributeValue\"";
    vec![
        (
            "body: unknown attributes",
            format!(
                r#"{{"customSecurityAttributes": {{"Engineering": {{{set}, {}}}}}}}"#,
                join(n, |i| format!(r#""Projekt{i}": "x""#))
            ),
        ),
        (
            "body: unknown sets",
            format!(
                r#"{{"customSecurityAttributes": {{{}}}}}"#,
                join(n, |i| format!(r#""Enginering{i}": {{}}"#))
            ),
        ),
        (
            "body: one attribute named again and again",
            format!(
                r#"{{"customSecurityAttributes": {{"Engineering": {{{set}, {}}}}}}}"#,
                join(n, |_| r#""ProjectDate": "x""#.to_owned())
            ),
        ),
        (
            "body: root keys",
            format!("{{{}}}", join(n, |i| format!(r#""k{i}": 0"#))),
        ),
        (
            "body: values not in the predefined list",
            format!(
                r#"{{"customSecurityAttributes": {{"Engineering": {{{set}, "Project@odata.type": "\#Collection(String)", "Project": [{}]}}}}}}"#,
                join(n, |i| format!(r#""Alpin{i}""#))
            ),
        ),
    ]
}

#[test]
fn hostile_bodies_cost_linear_time() {
    let engine = Engine::new(sample(), Policy::default());
    let user = Object::default();
    let (small, large) = (hostile(2_000), hostile(8_000));
    for ((what, a), (_, b)) in small.iter().zip(&large) {
        assert!(b.len() < 1 << 20, "{what}: under maxBodyBytes");
        let cost = |body: &str| fastest(&|| drop(engine.evaluate(&user, None, body.as_bytes())));
        let plan = |body: &str| {
            let desired = body.trim_start_matches(r#"{"customSecurityAttributes": "#);
            fastest(&|| drop(engine.plan(&user, None, desired.as_bytes(), PlanMode::Exclusive)))
        };
        for (how, t) in [("evaluate", cost(a), cost(b)), ("plan", plan(a), plan(b))]
            .map(|(how, ta, tb)| (how, (ta, tb)))
        {
            // Four times the input: about four times the time when linear, sixteen when
            // quadratic; ten leaves room for a noisy machine.
            let (ta, tb) = t;
            assert!(
                tb < 10.0 * ta + 0.05,
                "{what} ({how}): {ta:.4} s for {} bytes, {tb:.4} s for {} bytes",
                a.len(),
                b.len()
            );
        }
    }
}

#[test]
fn hostile_documents_cost_linear_time() {
    let object = |n: usize| {
        format!(
            r#"{{"id": "u", "customSecurityAttributes": {{"Engineering": {{{}}}, {}}}}}"#,
            join(n, |i| format!(r#""A{i}": "x""#)),
            join(n, |i| format!(r#""S{i}": {{"A": "x"}}"#))
        )
    };
    let values = |n: usize| {
        format!(
            r#"{{"attributeSets": [{{"id": "S"}}], "customSecurityAttributeDefinitions": [{{"id": "S_A", "attributeSet": "S", "name": "A", "type": "String", "isCollection": true, "isSearchable": true, "status": "Available", "usePreDefinedValuesOnly": true, "allowedValues": [{}]}}]}}"#,
            join(n, |i| format!(r#"{{"id": "v{i}", "isActive": true}}"#))
        )
    };
    let keys = |n: usize| {
        format!(
            r#"{{"attributeSets": [{{{}}}], "customSecurityAttributeDefinitions": []}}"#,
            join(n, |_| r#""id": "S""#.to_owned())
        )
    };
    let changes = |n: usize| {
        format!(
            "[{}]",
            join(n, |i| format!(
                r#"{{"op": "add", "attribute": "Engineering_A{i}", "before": null, "after": "x"}}"#
            ))
        )
    };
    type Case = (&'static str, Box<dyn Fn(usize) -> String>, fn(&[u8]));
    let cases: Vec<Case> = vec![
        ("object: many attributes and sets", Box::new(object), |b| {
            drop(Object::from_json(b))
        }),
        ("catalog: many allowed values", Box::new(values), |b| {
            drop(Catalog::lint(b, &Policy::default()))
        }),
        ("catalog: one key many times", Box::new(keys), |b| {
            drop(Catalog::lint(b, &Policy::default()))
        }),
        ("changes: many attributes", Box::new(changes), |b| {
            drop(changes_from_json(b))
        }),
    ];
    for (what, make, read) in cases {
        let (a, b) = (make(2_000), make(8_000));
        let (ta, tb) = (
            fastest(&|| read(a.as_bytes())),
            fastest(&|| read(b.as_bytes())),
        );
        assert!(
            tb < 10.0 * ta + 0.05,
            "{what}: {ta:.4} s for {} bytes, {tb:.4} s for {} bytes",
            a.len(),
            b.len()
        );
    }
}

// ---------------------------------------------------------------------------------------------
// "Did you mean": bounded, and only what may be assigned

fn hints_for(catalog: Catalog, body: &str) -> Vec<String> {
    let engine = Engine::new(catalog, Policy::default());
    engine
        .evaluate(&Object::default(), None, body.as_bytes())
        .violations()
        .iter()
        .filter(|v| v.code().as_str() == "unknown_attribute")
        .map(|v| v.hint().unwrap_or_default().to_owned())
        .collect()
}

#[test]
fn an_evaluation_makes_at_most_32_did_you_mean_searches() {
    // 40 unknown attributes, each one letter from ProjectDate: the first 32 get the suggestion,
    // the rest the generic hint; every one is still reported.
    let attrs = join(40, |i| {
        let c = char::from(b'a' + u8::try_from(i % 26).unwrap());
        format!(r#""ProjectDat{c}{}": "x""#, i / 26)
    });
    let body = format!(
        r#"{{"customSecurityAttributes": {{"Engineering": {{"@odata.type": "{}", {attrs}}}}}}}"#,
        "#Microsoft.DirectoryServices.CustomSecurityAttributeValue"
    );
    let hints = hints_for(sample(), &body);
    assert_eq!(hints.len(), 40);
    let suggested = hints
        .iter()
        .filter(|h| h.contains("did you mean `ProjectDate`"))
        .count();
    assert_eq!(suggested, 32, "{hints:?}");
    let generic = hints
        .iter()
        .filter(|h| h.contains("check the attribute names"))
        .count();
    assert_eq!(generic, 8, "{hints:?}");
}

#[test]
fn did_you_mean_offers_only_available_attributes() {
    let catalog = |status: &str| {
        let text = format!(
            r#"{{"attributeSets": [{{"id": "S"}}], "customSecurityAttributeDefinitions": [
                {{"id": "S_Project", "attributeSet": "S", "name": "Project", "type": "String", "isCollection": false, "isSearchable": true, "status": "{status}", "usePreDefinedValuesOnly": false}},
                {{"id": "S_Other", "attributeSet": "S", "name": "Other", "type": "String", "isCollection": false, "isSearchable": true, "status": "Available", "usePreDefinedValuesOnly": false}}]}}"#
        );
        Catalog::from_json(text.as_bytes()).unwrap()
    };
    let body = r##"{"customSecurityAttributes": {"S": {"@odata.type": "#Microsoft.DirectoryServices.CustomSecurityAttributeValue", "Projct": "x"}}}"##;
    let available = hints_for(catalog("Available"), body);
    assert!(
        available[0].contains("did you mean `Project`"),
        "{available:?}"
    );
    // Deactivated, it cannot be assigned: not offered.
    let deprecated = hints_for(catalog("Deprecated"), body);
    assert!(!deprecated[0].contains("Project`"), "{deprecated:?}");
}
