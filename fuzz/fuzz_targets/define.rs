//! Definition requests on the documented sample catalog: the first line is `METHOD PATH`, the rest
//! the body. No input may panic; an accepted write must give a valid catalog whose evolution from
//! the start is legal and equals the changes the request reported; a refusal must say why.
#![no_main]

use csa::{Catalog, DefinitionRequest, Method, Policy};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

static SAMPLE: &[u8] = include_bytes!("../../tests/data/graph-examples/sample-catalog.json");

fn sample() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| Catalog::from_json(SAMPLE).expect("the sample catalog is valid"))
}

fuzz_target!(|bytes: &[u8]| {
    let (head, body) = match bytes.iter().position(|&b| b == b'\n') {
        Some(i) => (&bytes[..i], Some(&bytes[i + 1..])),
        None => (bytes, None),
    };
    let Ok(head) = std::str::from_utf8(head) else {
        return;
    };
    let (method, path) = head.split_once(' ').unwrap_or((head, ""));
    let Ok(method) = method.parse::<Method>() else {
        return;
    };
    let mut request = DefinitionRequest::new(method, path);
    if let Some(b) = body {
        request = request.with_body(b);
    }
    let catalog = sample();
    let outcome = catalog.define(&request, None);
    match outcome.catalog() {
        Some(new) => {
            assert!(outcome.is_allowed());
            let evolution = catalog.evolve(new);
            assert!(evolution.is_legal(), "{:?}", evolution.changes());
            assert_eq!(evolution.changes(), outcome.changes());
            let bytes = serde_json::to_vec(new).expect("serialisable");
            assert!(Catalog::lint(&bytes, &Policy::default()).is_valid());
        }
        None if outcome.is_allowed() => assert!(outcome.is_read()),
        None => assert!(!outcome.violations().is_empty()),
    }
    let _ = serde_json::to_vec(&outcome).expect("serialisable");
});
