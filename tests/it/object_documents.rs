//! Object documents: a file given as the object that is not one (a catalog, an actor, a
//! policy, `csa check` output, or a document with none of an object's properties) is an
//! `InputError` saying what the file looks like, not an object with nothing assigned.

#![cfg(test)]

use csa::{Code, Document, Object};

/// The one violation of reading `text` as an object.
fn refused(text: &str) -> csa::Violation {
    let e = Object::from_json(text.as_bytes()).expect_err(text);
    assert_eq!(e.document(), Document::Object, "{text}");
    assert_eq!(e.violations().len(), 1, "{text}: {:#?}", e.violations());
    e.violations()[0].clone()
}

#[test]
fn another_kind_of_document_given_as_the_object_is_named() {
    for (text, kind, key) in [
        (
            r#"{"attributeSets": [], "customSecurityAttributeDefinitions": []}"#,
            "a catalog",
            "attributeSets",
        ),
        (
            r#"{"customSecurityAttributeDefinitions": []}"#,
            "a catalog",
            "customSecurityAttributeDefinitions",
        ),
        (r#"{"roleAssignments": []}"#, "an actor", "roleAssignments"),
        (r#"{"appPermissions": []}"#, "an actor", "appPermissions"),
        (
            r#"{"allowSyncedObjects": true}"#,
            "a policy",
            "allowSyncedObjects",
        ),
        (
            r#"{"allowed": true, "changes": []}"#,
            "`csa check`",
            "allowed",
        ),
        // Beside an object's own properties too.
        (
            r#"{"id": "u1", "roleAssignments": []}"#,
            "an actor",
            "roleAssignments",
        ),
    ] {
        let v = refused(text);
        assert_eq!(v.code(), Code::InvalidShape, "{text}");
        assert_eq!(v.pointer(), format!("/{key}"), "{text}");
        assert!(
            v.message().contains(&format!("looks like {kind}")) || v.message().contains(kind),
            "{text}: {}",
            v.message()
        );
        assert!(v.message().contains(key), "{text}: {}", v.message());
        let span = v.byte_span().expect("a span");
        assert_eq!(&text[span], format!("\"{key}\""), "{text}");
    }
}

#[test]
fn a_document_with_none_of_an_objects_properties_is_refused() {
    for text in [
        "{}",
        r#"{"displayName": "Ana"}"#,
        r#"{"userType": "Guest"}"#,
    ] {
        let v = refused(text);
        assert_eq!(v.code(), Code::InvalidShape, "{text}");
        assert_eq!(v.pointer(), "", "{text}");
        assert!(
            v.message().contains("does not look like an object")
                && v.message().contains("`customSecurityAttributes`"),
            "{text}: {}",
            v.message()
        );
    }
}

#[test]
fn any_one_of_an_objects_properties_makes_an_object() {
    for text in [
        r#"{"id": "u1"}"#,
        r##"{"@odata.type": "#microsoft.graph.user"}"##,
        r#"{"onPremisesSyncEnabled": null, "displayName": "Ana"}"#,
        r#"{"customSecurityAttributes": {}}"#,
    ] {
        assert!(Object::from_json(text.as_bytes()).is_ok(), "{text}");
    }
}

#[test]
fn a_list_of_objects_says_which_item_is_not_an_object() {
    let e = Object::list_from_json(br#"[{"id": "u1"}, {"roleAssignments": []}]"#)
        .expect_err("an actor in the list");
    assert_eq!(e.item(), Some("item 2"));
    assert!(e.violations()[0].message().contains("an actor"));
    // A catalog written over many lines is read as one document, not as JSON Lines.
    let catalog = "{\"attributeSets\": [\n  {\"id\": \"Eng\"}\n],\n \"customSecurityAttributeDefinitions\": []}";
    let e = Object::list_from_json(catalog.as_bytes()).expect_err("a catalog");
    assert_eq!(e.violations()[0].code(), Code::InvalidShape);
    assert!(e.violations()[0].message().contains("a catalog"));
    // One object over many lines is a list of one.
    let one = Object::list_from_json(b"{\n \"id\": \"u1\"\n}").expect("one object");
    assert_eq!(one.len(), 1);
}
