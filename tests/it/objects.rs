//! Reading objects and states as Graph returns them (`Object::from_json`, `State::from_json`):
//! what a set's value may be, and repeated names among many.

// Helpers outside `#[test]` functions unwrap too: `cfg(test)` lets clippy.toml cover them.
#![cfg(test)]

use csa::{InputError, Object, State, Value};

/// `(code, pointer)` of each violation.
fn located(e: &InputError) -> Vec<(&'static str, &str)> {
    e.violations()
        .iter()
        .map(|v| (v.code().as_str(), v.pointer()))
        .collect()
}

/// An object whose `customSecurityAttributes` is the JSON text `state`.
fn object(state: &str) -> Result<Object, InputError> {
    Object::from_json(format!(r#"{{"id": "u1", "customSecurityAttributes": {state}}}"#).as_bytes())
}

fn many(n: usize, item: impl Fn(usize) -> String) -> String {
    (0..n).map(item).collect::<Vec<_>>().join(", ")
}

#[test]
fn a_set_of_null_holds_nothing_and_a_set_of_another_kind_is_refused() {
    let state = r#"{"Marketing": null, "Engineering": {"NumVendors": 4}}"#;
    let o = object(state).unwrap();
    assert_eq!(o.state().value_count(), 1);
    assert_eq!(o.state().get("Marketing", "EmployeeId"), None);
    assert_eq!(
        o.state().get("Engineering", "NumVendors"),
        Some(&Value::Integer(4))
    );
    assert_eq!(State::from_json(state.as_bytes()).unwrap(), *o.state());

    for value in ["5", r#""x""#, "[]", "true"] {
        let state = format!(r#"{{"Marketing": {value}, "Engineering": {{"NumVendors": 4}}}}"#);
        let e = object(&state).unwrap_err();
        assert_eq!(
            located(&e),
            [("invalid_shape", "/customSecurityAttributes/Marketing")],
            "{value}"
        );
        let e = State::from_json(state.as_bytes()).unwrap_err();
        assert_eq!(located(&e), [("invalid_shape", "/Marketing")], "{value}");
    }
}

/// Past the eighth name, a state's names are found through a hash index, not a scan: a set or
/// an attribute repeated (in another case) after a dozen others is refused, in an object and in
/// a bare state, and a dozen distinct names are read.
#[test]
fn repeated_names_are_found_among_many() {
    let sets = many(12, |i| format!(r#""Set{i}": {{"A": "x"}}"#));
    let attrs = many(12, |i| format!(r#""A{i}": "x""#));
    for (state, pointer) in [
        (format!(r#"{{{sets}, "set3": {{"A": "y"}}}}"#), "/set3"),
        (
            format!(r#"{{"Engineering": {{{attrs}, "a3": "y"}}}}"#),
            "/Engineering/a3",
        ),
    ] {
        let e = object(&state).unwrap_err();
        assert_eq!(
            located(&e),
            [(
                "duplicate_key",
                &*format!("/customSecurityAttributes{pointer}")
            )],
            "{state}"
        );
        let e = State::from_json(state.as_bytes()).unwrap_err();
        assert_eq!(located(&e), [("duplicate_key", pointer)], "{state}");
    }
    let o = object(&format!(r#"{{{sets}, "Engineering": {{{attrs}}}}}"#)).unwrap();
    assert_eq!(o.state().value_count(), 24);
    assert_eq!(
        o.state().get("set11", "a"),
        Some(&Value::String("x".into()))
    );
    assert_eq!(
        o.state().get("ENGINEERING", "a11"),
        Some(&Value::String("x".into()))
    );
}
