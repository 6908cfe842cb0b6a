//! Any bytes as a catalog: parsing must not panic, and a valid catalog must serialise back into
//! an equal one.
#![no_main]

use csa::{Catalog, Policy};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let lint = Catalog::lint(bytes, &Policy::default());
    match Catalog::from_json(bytes) {
        Ok(catalog) => {
            assert!(lint.is_valid());
            let again = Catalog::from_json(&serde_json::to_vec(&catalog).expect("serialisable"))
                .expect("a serialised catalog is valid");
            assert_eq!(again.definitions(), catalog.definitions());
            assert_eq!(again.attribute_sets(), catalog.attribute_sets());
        }
        Err(e) => {
            assert!(!lint.is_valid());
            assert!(!e.violations().is_empty());
        }
    }
});
