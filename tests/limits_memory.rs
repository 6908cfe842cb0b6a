//! Memory stays proportional to the input (docs/PERFORMANCE.md, "Limits"): for hostile inputs of
//! growing size, and for inputs that state huge numbers (limits, counts, `$top`, integers), the
//! bytes every reader allocates stay within a fixed multiple of the input's length. Nothing is
//! allocated ahead from a number the input states.
//!
//! One test in its own binary: the counting allocator is process-wide, so no other test may
//! run beside it.

// Helpers outside `#[test]` functions unwrap too: `cfg(test)` lets clippy.toml cover them.
#![cfg(test)]

use std::alloc::System;

use csa::{
    changes_from_json, Actor, Catalog, DefinitionRequest, Engine, Filter, GraphQuery, Method,
    Object, PlanMode, Policy,
};
use stats_alloc::{Region, StatsAlloc, INSTRUMENTED_SYSTEM};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// Bytes allocated while `f` runs (reallocations count their growth), the result dropped.
fn allocated<T>(f: impl FnOnce() -> T) -> usize {
    let region = Region::new(GLOBAL);
    drop(f());
    let stats = region.change();
    stats.bytes_allocated + usize::try_from(stats.bytes_reallocated.max(0)).unwrap_or(0)
}

/// The bound every case must keep: a fixed multiple of the input, plus a constant for the
/// fixed-size tables a reader starts with. The worst case measured is a body of unknown
/// attributes (about 12 bytes each, each answered by a violation with its pointer, message and
/// hint: about 100 bytes allocated per input byte).
const PER_INPUT_BYTE: usize = 128;
const FIXED: usize = 256 << 10;

fn sample() -> Catalog {
    Catalog::from_json(include_bytes!("data/graph-examples/sample-catalog.json")).unwrap()
}

fn repeat(item: &str, n: usize) -> String {
    vec![item; n].join(",")
}

#[test]
fn readers_allocate_in_proportion_to_their_input() {
    let engine = Engine::new(sample(), Policy::default());
    let catalog = sample();
    let admin = Actor::new().with_role("Attribute Definition Administrator", "/");
    let user = Object::default();
    let users = vec![user.clone(); 100];
    let mut worst: (f64, String) = (0.0, String::new());
    for n in [1_000, 10_000, 50_000] {
        // (what, input, reader)
        type Reader<'a> = Box<dyn Fn(&[u8]) + 'a>;
        let cases: Vec<(&str, String, Reader<'_>)> = vec![
            (
                "PATCH body: a long collection",
                format!(
                    r#"{{"customSecurityAttributes": {{"Engineering": {{"Project@odata.type": "\#Collection(String)", "Project": [{}]}}}}}}"#,
                    repeat(r#""Alpine""#, n)
                ),
                Box::new(|b| drop(engine.evaluate(&user, None, b))),
            ),
            (
                "PATCH body: many unknown attributes",
                format!(
                    r#"{{"customSecurityAttributes": {{"Engineering": {{{}}}}}}}"#,
                    (0..n)
                        .map(|i| format!(r#""A{i}": {i}"#))
                        .collect::<Vec<_>>()
                        .join(",")
                ),
                Box::new(|b| drop(engine.evaluate(&user, None, b))),
            ),
            (
                "PATCH body: huge integers",
                format!(
                    r#"{{"customSecurityAttributes": {{"Engineering": {{"CostCenter@odata.type": "\#Collection(Int32)", "CostCenter": [{}]}}}}}}"#,
                    repeat("4294967295000000000000", n)
                ),
                Box::new(|b| drop(engine.evaluate(&user, None, b))),
            ),
            (
                "desired state: a long collection",
                format!(
                    r#"{{"Engineering": {{"Project@odata.type": "\#Collection(String)", "Project": [{}]}}}}"#,
                    repeat(r#""Alpine""#, n)
                ),
                Box::new(|b| drop(engine.plan(&user, None, b, PlanMode::Exclusive))),
            ),
            (
                "catalog: stated limits of 2^32 and a long value list",
                format!(
                    r#"{{"attributeSets": [{{"id": "S", "maxAttributesPerSet": 4294967295}}], "customSecurityAttributeDefinitions": [{{"id": "S_A", "attributeSet": "S", "name": "A", "type": "String", "isCollection": true, "isSearchable": true, "status": "Available", "usePreDefinedValuesOnly": true, "allowedValues": [{}]}}]}}"#,
                    (0..n)
                        .map(|i| format!(r#"{{"id": "v{i}", "isActive": true}}"#))
                        .collect::<Vec<_>>()
                        .join(",")
                ),
                Box::new(|b| drop(Catalog::from_json(b))),
            ),
            (
                "object: a long state",
                format!(
                    r#"{{"id": "u", "customSecurityAttributes": {{"Engineering": {{"@odata.type": "\#Microsoft.DirectoryServices.CustomSecurityAttributeValue", "Project@odata.type": "\#Collection(String)", "Project": [{}]}}}}}}"#,
                    repeat(r#""Alpine""#, n)
                ),
                Box::new(|b| drop(Object::from_json(b))),
            ),
            (
                "state: escaped strings",
                format!(
                    r#"{{"Engineering": {{"Project@odata.type": "\#Collection(String)", "Project": [{}]}}}}"#,
                    repeat(r#""\u00e9\ud83d\ude00""#, n)
                ),
                Box::new(|b| drop(csa::State::from_json(b))),
            ),
            (
                "actor: many role assignments",
                format!(
                    r#"{{"roleAssignments": [{}]}}"#,
                    repeat(
                        r#"{"roleDefinitionId": "58a13ea3-c632-46ae-9ee0-9c0d43cd7f3d", "directoryScopeId": "/"}"#,
                        n
                    )
                ),
                Box::new(|b| drop(Actor::from_json(b))),
            ),
            (
                "policy: stated bounds of 2^64 - 1",
                format!(
                    r#"{{"maxBodyBytes": 18446744073709551615, "maxCatalogBytes": 18446744073709551615, "redactSets": [{}]}}"#,
                    repeat(r#""Engineering""#, n)
                ),
                Box::new(|b| drop(Policy::from_json(b))),
            ),
            (
                "changes document",
                format!(
                    r#"[{}]"#,
                    repeat(
                        r#"{"op": "add", "attribute": "Engineering_Project", "before": null, "after": ["Alpine"]}"#,
                        n
                    )
                ),
                Box::new(|b| drop(changes_from_json(b))),
            ),
            (
                "definition request body",
                format!(
                    r#"{{"id": "New", "description": "x", "maxAttributesPerSet": 4294967295, "extra": [{}]}}"#,
                    repeat("0", n)
                ),
                Box::new(|b| {
                    let request = DefinitionRequest::new(Method::Post, "/directory/attributeSets")
                        .with_body(b);
                    drop(catalog.define(&request, Some(&admin)))
                }),
            ),
            (
                "query: $top of 2^64 - 1 and a long filter",
                format!(
                    "$count=true&$top=18446744073709551615&$filter={}",
                    vec![
                        "customSecurityAttributes/Engineering/Project eq 'Alpine'";
                        (n / 60).clamp(1, 60)
                    ]
                    .join(" or ")
                ),
                Box::new(|b| {
                    let text = std::str::from_utf8(b).unwrap();
                    let query =
                        GraphQuery::from_query_string(text).consistency_level(Some("eventual"));
                    drop(engine.query(&users, None, &query));
                    let filter = text.split_once("$filter=").map_or("", |(_, f)| f);
                    drop(Filter::parse(filter));
                }),
            ),
        ];
        for (what, input, read) in &cases {
            let bytes = allocated(|| read(input.as_bytes()));
            let ratio = bytes as f64 / input.len() as f64;

            if ratio > worst.0 && input.len() > FIXED {
                worst = (ratio, format!("{what} ({} bytes)", input.len()));
            }
            assert!(
                bytes <= PER_INPUT_BYTE * input.len() + FIXED,
                "{what}: {bytes} bytes allocated for {} bytes of input",
                input.len()
            );
        }
    }
    eprintln!(
        "largest allocation per input byte: {:.1} for {}",
        worst.0, worst.1
    );
}
