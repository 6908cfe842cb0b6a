//! Authorization of assignments (docs/RULES.md, Authorization): the four actions at a scope
//! covering every set named in the body, tenant and set scopes, built-in and custom roles, app
//! permissions, object kinds, the no-leak rules, and the read projection of `Engine::view`.

// Helpers outside `#[test]` functions unwrap too: `cfg(test)` lets clippy.toml cover them.
#![cfg(test)]

use crate::common::*;
use csa::{Actor, Authorization, CustomRole, Evaluation, Object, ObjectKind, Policy, Scope};
use serde_json::json;

const SETS_READ: &str = "microsoft.directory/attributeSets/allProperties/read";
const DEFS_READ: &str = "microsoft.directory/customSecurityAttributeDefinitions/allProperties/read";
const USERS_READ: &str = "microsoft.directory/users/customSecurityAttributes/read";
const USERS_UPDATE: &str = "microsoft.directory/users/customSecurityAttributes/update";
const SP_READ: &str = "microsoft.directory/servicePrincipals/customSecurityAttributes/read";
const SP_UPDATE: &str = "microsoft.directory/servicePrincipals/customSecurityAttributes/update";
const DEVICES_READ: &str = "microsoft.directory/devices/customSecurityAttributes/read";
const DEVICES_UPDATE: &str = "microsoft.directory/devices/customSecurityAttributes/update";
const MI_UPDATE: &str =
    "microsoft.directory/azureManagedIdentities/customSecurityAttributes/update";

const ENG: &str = "/customSecurityAttributes/Engineering";
const MKT: &str = "/customSecurityAttributes/Marketing";

/// A1's body: Engineering/ProjectDate.
fn eng_body() -> Vec<u8> {
    eng(r#""ProjectDate": "2022-10-01""#)
}

/// A body naming Marketing only.
fn mkt_body() -> Vec<u8> {
    set_body("Marketing", r#""EmployeeId": "QN26904""#)
}

/// A body naming Engineering and Marketing.
fn eng_and_mkt_body() -> Vec<u8> {
    format!(
        r#"{{"customSecurityAttributes": {{
            "Engineering": {{"@odata.type": "{REQUEST_SET_TYPE}", "ProjectDate": "2022-10-01"}},
            "Marketing": {{"@odata.type": "{REQUEST_SET_TYPE}", "EmployeeId": "QN26904"}}}}}}"#
    )
    .into_bytes()
}

/// An enabled custom role with these actions.
fn custom_role(id: &str, actions: &[&str]) -> CustomRole {
    CustomRole::new(id).with_allowed_actions(actions.iter().copied())
}

/// An actor holding exactly `actions` at `scope` through one custom role.
fn with_actions(actions: &[&str], scope: &str) -> Actor {
    Actor::new()
        .with_custom_role(custom_role("custom-1", actions))
        .with_role("custom-1", scope)
}

fn as_actor(object: &Object, actor: &Actor, body: &[u8]) -> Evaluation {
    engine().evaluate(object, Some(actor), body)
}

fn on_user(actor: &Actor, body: &[u8]) -> Evaluation {
    as_actor(&user(), actor, body)
}

/// Asserts a single `permission_denied` on `pointer` whose message names every action in
/// `missing` and none in `held`; returns the message.
#[track_caller]
fn assert_denied(eval: &Evaluation, pointer: &str, missing: &[&str], held: &[&str]) -> String {
    let v = assert_refused(eval, "permission_denied", pointer, None);
    assert_eq!(v.status(), 403);
    assert_eq!(v.graph_error(), "Authorization_RequestDenied");
    let set = pointer.rsplit('/').next().unwrap();
    assert!(v.message().contains(set), "{}", v.message());
    for m in missing {
        assert!(v.message().contains(m), "{m} not in {}", v.message());
    }
    for h in held {
        assert!(!v.message().contains(h), "{h} in {}", v.message());
    }
    v.message().to_owned()
}

// ---------------------------------------------------------------------------------------------
// the four required actions

#[test]
fn four_actions_at_tenant_scope_allow_assignment() {
    let actor = with_actions(&[SETS_READ, DEFS_READ, USERS_READ, USERS_UPDATE], "/");
    let eval = on_user(&actor, &eng_body());
    assert_accepted(&eval);
    assert_eq!(eval.authorization(), Authorization::Checked);
}

#[test]
fn missing_attribute_sets_read_is_permission_denied() {
    let actor = with_actions(&[DEFS_READ, USERS_READ, USERS_UPDATE], "/");
    assert_denied(
        &on_user(&actor, &eng_body()),
        ENG,
        &[SETS_READ],
        &[DEFS_READ, USERS_READ, USERS_UPDATE],
    );
}

#[test]
fn missing_definitions_read_is_permission_denied() {
    let actor = with_actions(&[SETS_READ, USERS_READ, USERS_UPDATE], "/");
    assert_denied(
        &on_user(&actor, &eng_body()),
        ENG,
        &[DEFS_READ],
        &[SETS_READ, USERS_READ, USERS_UPDATE],
    );
}

#[test]
fn missing_assignment_read_is_permission_denied() {
    let actor = with_actions(&[SETS_READ, DEFS_READ, USERS_UPDATE], "/");
    assert_denied(
        &on_user(&actor, &eng_body()),
        ENG,
        &[USERS_READ],
        &[SETS_READ, DEFS_READ, USERS_UPDATE],
    );
}

#[test]
fn missing_assignment_update_is_permission_denied() {
    let actor = with_actions(&[SETS_READ, DEFS_READ, USERS_READ], "/");
    assert_denied(
        &on_user(&actor, &eng_body()),
        ENG,
        &[USERS_UPDATE],
        &[SETS_READ, DEFS_READ, USERS_READ],
    );
}

#[test]
fn actions_compare_case_insensitively() {
    let lower: Vec<String> = [SETS_READ, DEFS_READ, USERS_READ, USERS_UPDATE]
        .iter()
        .map(|a| a.to_ascii_lowercase())
        .collect();
    let refs: Vec<&str> = lower.iter().map(String::as_str).collect();
    assert_accepted(&on_user(&with_actions(&refs, "/"), &eng_body()));
}

#[test]
fn all_tasks_includes_read() {
    let actor = with_actions(
        &[
            "microsoft.directory/attributeSets/allProperties/allTasks",
            "microsoft.directory/customSecurityAttributeDefinitions/allProperties/allTasks",
            USERS_READ,
            USERS_UPDATE,
        ],
        "/",
    );
    assert_accepted(&on_user(&actor, &eng_body()));
}

// ---------------------------------------------------------------------------------------------
// every set named in the body

#[test]
fn every_set_named_needs_scope_even_when_its_set_object_is_empty() {
    let body = format!(
        r#"{{"customSecurityAttributes": {{
            "Engineering": {{"@odata.type": "{REQUEST_SET_TYPE}", "ProjectDate": "2022-10-01"}},
            "Marketing": {{"@odata.type": "{REQUEST_SET_TYPE}"}}}}}}"#
    );
    let eval = on_user(&set_admin("Engineering"), body.as_bytes());
    assert_denied(&eval, MKT, &[USERS_UPDATE], &[]);
}

#[test]
fn every_set_named_needs_scope_even_when_its_values_do_not_change() {
    // Removing what is not assigned changes nothing, but Marketing is still named.
    let body = format!(
        r#"{{"customSecurityAttributes": {{
            "Engineering": {{"@odata.type": "{REQUEST_SET_TYPE}", "ProjectDate": "2022-10-01"}},
            "Marketing": {{"@odata.type": "{REQUEST_SET_TYPE}", "EmployeeId": null}}}}}}"#
    );
    let eval = on_user(&set_admin("Engineering"), body.as_bytes());
    assert_denied(&eval, MKT, &[USERS_UPDATE], &[]);
}

#[test]
fn every_set_named_neighbour_only_the_scoped_set_is_accepted() {
    assert_accepted(&on_user(&set_admin("Engineering"), &eng_body()));
}

#[test]
fn tenant_scope_covers_every_set() {
    let body = format!(
        r#"{{"customSecurityAttributes": {{
            "Engineering": {{"@odata.type": "{REQUEST_SET_TYPE}", "ProjectDate": "2022-10-01"}},
            "Marketing": {{"@odata.type": "{REQUEST_SET_TYPE}", "EmployeeId": "QN26904"}},
            "Operations": {{"@odata.type": "{REQUEST_SET_TYPE}", "Level": "Preview"}}}}}}"#
    );
    let eval = on_user(&tenant_admin(), body.as_bytes());
    assert_accepted(&eval);
    assert_eq!(eval.diff().unwrap().changes().len(), 3);
}

#[test]
fn set_scope_allows_that_set() {
    assert_accepted(&on_user(&set_admin("Marketing"), &mkt_body()));
}

#[test]
fn set_scope_refuses_another_set() {
    assert_denied(
        &on_user(&set_admin("Marketing"), &eng_body()),
        ENG,
        &[SETS_READ, DEFS_READ, USERS_READ, USERS_UPDATE],
        &[],
    );
}

#[test]
fn set_scope_refuses_only_the_sets_outside_it() {
    let eval = on_user(&set_admin("Engineering"), &eng_and_mkt_body());
    assert_denied(&eval, MKT, &[USERS_UPDATE], &[]);
}

#[test]
fn set_scope_two_sets_allow_both() {
    let actor = Actor::new()
        .with_role(AAA, "/attributeSets/Engineering")
        .with_role(AAA, "/attributeSets/Marketing");
    let eval = on_user(&actor, &eng_and_mkt_body());
    assert_accepted(&eval);
    assert_eq!(eval.diff().unwrap().changes().len(), 2);
}

#[test]
fn set_scope_names_the_set_case_insensitively() {
    let actor = Actor::new().with_role(AAA, "/attributeSets/ENGINEERING");
    assert_accepted(&on_user(&actor, &eng_body()));
    // And the body's casing does not matter either.
    let body = set_body("engineering", r#""ProjectDate": "2022-10-01""#);
    assert_accepted(&on_user(&set_admin("Engineering"), &body));
}

#[test]
fn permissions_add_up_across_assignments_at_one_set() {
    let readers = custom_role("readers", &[SETS_READ, DEFS_READ]);
    let writers = custom_role("writers", &[USERS_READ, USERS_UPDATE]);
    let both = Actor::new()
        .with_custom_role(readers.clone())
        .with_custom_role(writers.clone())
        .with_role("readers", "/attributeSets/Engineering")
        .with_role("writers", "/attributeSets/Engineering");
    assert_accepted(&on_user(&both, &eng_body()));

    let only_readers = Actor::new()
        .with_custom_role(readers)
        .with_role("readers", "/attributeSets/Engineering");
    assert_denied(
        &on_user(&only_readers, &eng_body()),
        ENG,
        &[USERS_READ, USERS_UPDATE],
        &[SETS_READ, DEFS_READ],
    );
    let only_writers = Actor::new()
        .with_custom_role(writers)
        .with_role("writers", "/attributeSets/Engineering");
    assert_denied(
        &on_user(&only_writers, &eng_body()),
        ENG,
        &[SETS_READ, DEFS_READ],
        &[USERS_READ, USERS_UPDATE],
    );
}

#[test]
fn permissions_add_up_across_tenant_and_set_scope() {
    // Definition reading tenant-wide, assignment rights on Engineering only.
    let actor = Actor::new()
        .with_role(ADR, "/")
        .with_custom_role(custom_role("writers", &[USERS_READ, USERS_UPDATE]))
        .with_role("writers", "/attributeSets/Engineering");
    assert_accepted(&on_user(&actor, &eng_body()));
    assert_denied(
        &on_user(&actor, &mkt_body()),
        MKT,
        &[USERS_READ, USERS_UPDATE],
        &[SETS_READ, DEFS_READ],
    );
}

// ---------------------------------------------------------------------------------------------
// naming roles

#[test]
fn role_by_template_id() {
    assert_accepted(&on_user(&Actor::new().with_role(AAA, "/"), &eng_body()));
}

#[test]
fn role_by_display_name() {
    let actor = Actor::new().with_role("Attribute Assignment Administrator", "/");
    assert_accepted(&on_user(&actor, &eng_body()));
}

#[test]
fn role_by_custom_role_id_with_role_permissions() {
    let doc = json!({
        "roleDefinitions": [{
            "id": "d5f0c2a1-0000-4000-8000-000000000001",
            "displayName": "Engineering attribute writers",
            "isEnabled": true,
            "rolePermissions": [{"allowedResourceActions": [SETS_READ, DEFS_READ, USERS_READ, USERS_UPDATE]}]
        }],
        "roleAssignments": [{
            "roleDefinitionId": "d5f0c2a1-0000-4000-8000-000000000001",
            "directoryScopeId": "/attributeSets/Engineering"
        }]
    });
    let actor = Actor::from_json(&serde_json::to_vec(&doc).unwrap()).unwrap();
    assert_accepted(&on_user(&actor, &eng_body()));
    assert_denied(&on_user(&actor, &mkt_body()), MKT, &[USERS_UPDATE], &[]);
}

#[test]
fn role_by_custom_role_id_neighbour_without_the_update_action_is_refused() {
    let doc = json!({
        "roleDefinitions": [{
            "id": "d5f0c2a1-0000-4000-8000-000000000001",
            "rolePermissions": [{"allowedResourceActions": [SETS_READ, DEFS_READ, USERS_READ]}]
        }],
        "roleAssignments": [{
            "roleDefinitionId": "d5f0c2a1-0000-4000-8000-000000000001",
            "directoryScopeId": "/"
        }]
    });
    let actor = Actor::from_json(&serde_json::to_vec(&doc).unwrap()).unwrap();
    assert_denied(
        &on_user(&actor, &eng_body()),
        ENG,
        &[USERS_UPDATE],
        &[USERS_READ],
    );
}

#[test]
fn role_id_without_a_definition_grants_nothing() {
    let actor = Actor::new().with_role("d5f0c2a1-0000-4000-8000-00000000ffff", "/");
    assert_denied(
        &on_user(&actor, &eng_body()),
        ENG,
        &[SETS_READ, DEFS_READ, USERS_READ, USERS_UPDATE],
        &[],
    );
}

// ---------------------------------------------------------------------------------------------
// app permissions

#[test]
fn app_permission_readwrite_all_allows() {
    let actor = Actor::new().with_app_permission(APP_ASSIGN_RW);
    assert_accepted(&on_user(&actor, &eng_and_mkt_body()));
    assert_accepted(&as_actor(&service_principal(), &actor, &eng_body()));
}

#[test]
fn app_permission_read_all_refuses_naming_the_update_action() {
    let actor = Actor::new().with_app_permission(APP_ASSIGN_R);
    assert_denied(
        &on_user(&actor, &eng_body()),
        ENG,
        &[USERS_UPDATE],
        &[SETS_READ, DEFS_READ, USERS_READ],
    );
}

#[test]
fn app_permission_definition_readwrite_does_not_allow_assignment() {
    let actor = Actor::new().with_app_permission("CustomSecAttributeDefinition.ReadWrite.All");
    assert_denied(
        &on_user(&actor, &eng_body()),
        ENG,
        &[USERS_READ, USERS_UPDATE],
        &[SETS_READ, DEFS_READ],
    );
}

// ---------------------------------------------------------------------------------------------
// no role implied

#[test]
fn global_administrator_grants_nothing() {
    let actor = Actor::new().with_role(GLOBAL_ADMIN, "/");
    assert_denied(
        &on_user(&actor, &eng_body()),
        ENG,
        &[SETS_READ, DEFS_READ, USERS_READ, USERS_UPDATE],
        &[],
    );
}

#[test]
fn user_administrator_grants_nothing() {
    let actor = Actor::new().with_role(USER_ADMIN, "/");
    assert_denied(
        &on_user(&actor, &eng_body()),
        ENG,
        &[SETS_READ, DEFS_READ, USERS_READ, USERS_UPDATE],
        &[],
    );
}

#[test]
fn actor_with_nothing_may_do_nothing() {
    assert_denied(
        &on_user(&Actor::new(), &eng_body()),
        ENG,
        &[SETS_READ, DEFS_READ, USERS_READ, USERS_UPDATE],
        &[],
    );
}

#[test]
fn unknown_scope_form_warns_and_grants_nothing() {
    let actor = Actor::new().with_role(
        AAA,
        "/administrativeUnits/4f3c6d1e-0000-0000-0000-000000000000",
    );
    assert!(matches!(
        actor.role_assignments()[0].scope(),
        Scope::Other(_)
    ));
    let eval = on_user(&actor, &eng_body());
    assert_denied(
        &eval,
        ENG,
        &[SETS_READ, DEFS_READ, USERS_READ, USERS_UPDATE],
        &[],
    );
    assert_eq!(warning_codes(&eval), ["ignored_role_assignment"]);
    assert_eq!(
        eval.warnings()[0].pointer(),
        "/roleAssignments/0/directoryScopeId"
    );
}

#[test]
fn unknown_scope_form_neighbour_tenant_scope_has_no_warning() {
    let eval = on_user(&Actor::new().with_role(AAA, "/"), &eng_body());
    assert_accepted(&eval);
    assert!(eval.warnings().is_empty());
}

#[test]
fn scope_below_an_attribute_set_is_not_a_set_scope() {
    let actor = Actor::new().with_role(AAA, "/attributeSets/Engineering/ProjectDate");
    assert!(matches!(
        actor.role_assignments()[0].scope(),
        Scope::Other(_)
    ));
    assert_eq!(actor.warnings().len(), 1);
    assert_eq!(codes(&on_user(&actor, &eng_body())), ["permission_denied"]);
}

#[test]
fn attribute_assignment_reader_cannot_update() {
    assert_denied(
        &on_user(&tenant_reader(), &eng_body()),
        ENG,
        &[USERS_UPDATE],
        &[SETS_READ, DEFS_READ, USERS_READ],
    );
}

#[test]
fn attribute_definition_administrator_cannot_assign() {
    let actor = Actor::new().with_role(ADA, "/");
    assert_denied(
        &on_user(&actor, &eng_body()),
        ENG,
        &[USERS_READ, USERS_UPDATE],
        &[SETS_READ, DEFS_READ],
    );
}

#[test]
fn attribute_log_administrator_cannot_assign() {
    let actor = Actor::new().with_role("Attribute Log Administrator", "/");
    assert_denied(
        &on_user(&actor, &eng_body()),
        ENG,
        &[SETS_READ, DEFS_READ, USERS_READ, USERS_UPDATE],
        &[],
    );
}

// ---------------------------------------------------------------------------------------------
// object kinds use their own actions

#[test]
fn service_principal_needs_service_principal_actions() {
    let users_only = with_actions(&[SETS_READ, DEFS_READ, USERS_READ, USERS_UPDATE], "/");
    assert_denied(
        &as_actor(&service_principal(), &users_only, &eng_body()),
        ENG,
        &[SP_READ, SP_UPDATE],
        &[USERS_READ, USERS_UPDATE],
    );
}

#[test]
fn service_principal_actions_allow_service_principals_only() {
    let sp_only = with_actions(&[SETS_READ, DEFS_READ, SP_READ, SP_UPDATE], "/");
    assert_accepted(&as_actor(&service_principal(), &sp_only, &eng_body()));
    assert_denied(
        &as_actor(&user(), &sp_only, &eng_body()),
        ENG,
        &[USERS_READ, USERS_UPDATE],
        &[SP_READ, SP_UPDATE],
    );
}

fn device_engine() -> csa::Engine {
    let mut p = Policy::default();
    p.object_types.push(ObjectKind::Device);
    p.object_types.push(ObjectKind::ManagedIdentity);
    engine_with_policy(p)
}

#[test]
fn device_needs_device_actions() {
    let device = Object::new(ObjectKind::Device);
    let users_only = with_actions(&[SETS_READ, DEFS_READ, USERS_READ, USERS_UPDATE], "/");
    let eval = device_engine().evaluate(&device, Some(&users_only), &eng_body());
    assert_denied(&eval, ENG, &[DEVICES_READ, DEVICES_UPDATE], &[USERS_UPDATE]);
    let devices = with_actions(&[SETS_READ, DEFS_READ, DEVICES_READ, DEVICES_UPDATE], "/");
    assert_accepted(&device_engine().evaluate(&device, Some(&devices), &eng_body()));
}

#[test]
fn managed_identity_needs_azure_managed_identity_actions() {
    let mi = Object::new(ObjectKind::ManagedIdentity);
    let users_only = with_actions(&[SETS_READ, DEFS_READ, USERS_READ, USERS_UPDATE], "/");
    let eval = device_engine().evaluate(&mi, Some(&users_only), &eng_body());
    assert_denied(&eval, ENG, &[MI_UPDATE], &[USERS_UPDATE]);
}

#[test]
fn assignment_administrator_covers_every_kind() {
    let engine = device_engine();
    for kind in [
        ObjectKind::User,
        ObjectKind::ServicePrincipal,
        ObjectKind::Device,
        ObjectKind::ManagedIdentity,
    ] {
        let eval = engine.evaluate(
            &Object::new(kind.clone()),
            Some(&tenant_admin()),
            &eng_body(),
        );
        assert!(eval.is_allowed(), "{kind}: {:?}", eval.violations());
    }
}

// ---------------------------------------------------------------------------------------------
// without an actor

#[test]
fn without_an_actor_authorization_is_not_checked() {
    let eval = engine().evaluate(&user(), None, &eng_and_mkt_body());
    assert_accepted(&eval);
    assert_eq!(eval.authorization(), Authorization::NotChecked);
    assert_eq!(eval_json(&eval)["authorization"], "not_checked");
}

#[test]
fn with_an_actor_authorization_is_checked() {
    let eval = on_user(&tenant_admin(), &eng_body());
    assert_eq!(eval.authorization(), Authorization::Checked);
    assert_eq!(eval_json(&eval)["authorization"], "checked");
    let refused = on_user(&Actor::new(), &eng_body());
    assert_eq!(refused.authorization(), Authorization::Checked);
}

// ---------------------------------------------------------------------------------------------
// no leaks

#[test]
fn set_outside_scope_reports_only_permission_denied_despite_errors_inside() {
    // Marketing's set object has no @odata.type, an unknown attribute and a wrong value.
    let body = format!(
        r#"{{"customSecurityAttributes": {{
            "Engineering": {{"@odata.type": "{REQUEST_SET_TYPE}", "ProjectDate": "2022-10-01"}},
            "Marketing": {{"EmployeeId": 12, "EmployeeID": "x", "Nope": "y", "AppCountry": "Narnia"}}}}}}"#
    );
    let eval = on_user(&set_admin("Engineering"), body.as_bytes());
    assert_denied(&eval, MKT, &[USERS_UPDATE], &[]);
}

#[test]
fn set_outside_scope_null_gives_only_permission_denied() {
    let body = br#"{"customSecurityAttributes": {"Marketing": null}}"#;
    let eval = on_user(&set_admin("Engineering"), body);
    assert_denied(&eval, MKT, &[USERS_UPDATE], &[]);
}

#[test]
fn set_outside_scope_gets_no_warnings_either() {
    // Nothing but `permission_denied` is said about a set outside the actor's scope: not even
    // the warnings its set object would give (an ignored instance annotation, a missing
    // annotation).
    let body = format!(
        r#"{{"customSecurityAttributes": {{"Marketing": {{"@odata.type": "{REQUEST_SET_TYPE}",
            "EmployeeId@custom.note": "x", "AppCountry": ["Canada"]}}}}}}"#
    );
    let eval = on_user(&set_admin("Engineering"), body.as_bytes());
    assert_denied(&eval, MKT, &[USERS_UPDATE], &[]);
    assert!(eval.warnings().is_empty(), "{:?}", eval.warnings());
}

#[test]
fn set_outside_scope_neighbour_within_scope_gives_the_warnings() {
    let body = format!(
        r#"{{"customSecurityAttributes": {{"Marketing": {{"@odata.type": "{REQUEST_SET_TYPE}",
            "EmployeeId@custom.note": "x", "AppCountry": ["Canada"]}}}}}}"#
    );
    let eval = on_user(&set_admin("Marketing"), body.as_bytes());
    assert_accepted(&eval);
    assert_eq!(
        warning_codes(&eval),
        ["missing_annotation", "ignored_property"]
    );
}

#[test]
fn set_outside_scope_neighbour_within_scope_reports_the_errors() {
    let body = format!(
        r#"{{"customSecurityAttributes": {{
            "Engineering": {{"@odata.type": "{REQUEST_SET_TYPE}", "ProjectDate": "2022-10-01"}},
            "Marketing": {{"EmployeeId": 12, "Nope": "y"}}}}}}"#
    );
    let eval = on_user(&tenant_admin(), body.as_bytes());
    assert_eq!(
        codes(&eval),
        ["missing_odata_type", "type_mismatch", "unknown_attribute"]
    );
}

#[test]
fn unknown_set_outside_scope_reports_only_permission_denied() {
    let body = set_body("Finance", r#""CostCode": "x""#);
    let eval = on_user(&set_admin("Engineering"), &body);
    assert_denied(
        &eval,
        "/customSecurityAttributes/Finance",
        &[SETS_READ, DEFS_READ, USERS_READ, USERS_UPDATE],
        &[],
    );
}

#[test]
fn unknown_and_unreadable_sets_are_refused_identically() {
    let actor = set_admin("Engineering");
    let existing = on_user(&actor, &set_body("Marketing", r#""EmployeeId": "x""#));
    let missing = on_user(&actor, &set_body("Nonexistent", r#""EmployeeId": "x""#));
    assert_eq!(
        eval_text(&existing).replace("Marketing", "{set}"),
        eval_text(&missing).replace("Nonexistent", "{set}")
    );
    let (a, b) = (only_violation(&existing), only_violation(&missing));
    assert_eq!(a.code(), b.code());
    assert_eq!(a.attribute(), b.attribute());
    assert_eq!(
        a.message().replace("Marketing", "{set}"),
        b.message().replace("Nonexistent", "{set}")
    );
    assert_eq!(
        a.hint().map(|h| h.replace("Marketing", "{set}")),
        b.hint().map(|h| h.replace("Nonexistent", "{set}"))
    );
}

#[test]
fn unknown_and_unreadable_sets_are_refused_identically_for_an_actor_with_nothing() {
    let nobody = Actor::new();
    let existing = on_user(&nobody, &set_body("Marketing", r#""EmployeeId": "x""#));
    let missing = on_user(&nobody, &set_body("Nonexistent", r#""EmployeeId": "x""#));
    assert_eq!(
        eval_text(&existing).replace("Marketing", "{set}"),
        eval_text(&missing).replace("Nonexistent", "{set}")
    );
}

#[test]
fn refusal_does_not_echo_values_of_an_unreadable_set() {
    let body = set_body("Marketing", r#""EmployeeId": "SECRET-4711""#);
    let eval = on_user(&set_admin("Engineering"), &body);
    let text = eval_text(&eval);
    assert!(!text.contains("SECRET-4711"), "{text}");
    assert!(!text.contains("EmployeeId"), "{text}");
}

/// A user holding values in Engineering, Marketing and Operations.
fn user_with_three_sets() -> Object {
    user_with(json!({
        "Engineering": {"NumVendors": 4},
        "Marketing": {"EmployeeId": "QN26904"},
        "Operations": {"Level": "Production"}
    }))
}

#[test]
fn accepted_output_shows_only_readable_sets() {
    let eval = as_actor(
        &user_with_three_sets(),
        &set_admin("Engineering"),
        &eng_body(),
    );
    assert_accepted(&eval);
    let out = eval_json(&eval);
    assert_eq!(
        out["customSecurityAttributes"],
        json!({"Engineering": {"@odata.type": RESPONSE_SET_TYPE,
            "NumVendors": 4, "ProjectDate": "2022-10-01"}})
    );
    let text = eval_text(&eval);
    for secret in [
        "Marketing",
        "EmployeeId",
        "QN26904",
        "Operations",
        "Production",
    ] {
        assert!(!text.contains(secret), "{secret} in {text}");
    }
    assert_eq!(
        eval.visible_state().unwrap().to_response_json(),
        out["customSecurityAttributes"]
    );
    // The library's full resulting state still keeps everything.
    assert_eq!(eval.diff().unwrap().after().value_count(), 4);
}

#[test]
fn accepted_output_neighbour_tenant_admin_sees_every_set() {
    let eval = as_actor(&user_with_three_sets(), &tenant_admin(), &eng_body());
    let out = eval_json(&eval);
    let sets: Vec<&String> = out["customSecurityAttributes"]
        .as_object()
        .unwrap()
        .keys()
        .collect();
    assert_eq!(sets.len(), 3);
}

#[test]
fn accepted_output_includes_sets_readable_but_not_writable() {
    let actor = set_admin("Engineering").with_role(AAR, "/attributeSets/Marketing");
    let eval = as_actor(&user_with_three_sets(), &actor, &eng_body());
    assert_accepted(&eval);
    let out = eval_json(&eval);
    assert_eq!(
        out["customSecurityAttributes"]["Marketing"]["EmployeeId"],
        "QN26904"
    );
    assert!(out["customSecurityAttributes"].get("Operations").is_none());
}

#[test]
fn refused_output_does_not_name_the_unreadable_current_state() {
    let eval = as_actor(
        &user_with_three_sets(),
        &set_admin("Engineering"),
        &eng(r#""ProjectDate": """#),
    );
    assert_eq!(codes(&eval), ["empty_string"]);
    let text = eval_text(&eval);
    for secret in [
        "Marketing",
        "EmployeeId",
        "QN26904",
        "Operations",
        "Production",
    ] {
        assert!(!text.contains(secret), "{secret} in {text}");
    }
}

#[test]
fn unknown_current_attribute_in_an_unreadable_set_is_not_reported() {
    let holder = user_with(json!({"Marketing": {"LegacyCode": "LC-99"}}));
    let eval = as_actor(&holder, &set_admin("Engineering"), &eng_body());
    assert_accepted(&eval);
    assert!(eval.warnings().is_empty(), "{:?}", eval.warnings());
    let text = eval_text(&eval);
    for secret in ["Marketing", "LegacyCode", "LC-99"] {
        assert!(!text.contains(secret), "{secret} in {text}");
    }
}

#[test]
fn unknown_current_attribute_neighbour_in_a_readable_set_is_reported() {
    let holder = user_with(json!({"Marketing": {"LegacyCode": "LC-99"}}));
    let eval = as_actor(&holder, &tenant_admin(), &eng_body());
    assert_accepted(&eval);
    assert_eq!(warning_codes(&eval), ["unknown_current_attribute"]);
    assert_eq!(eval.warnings()[0].attribute(), Some("Marketing_LegacyCode"));
}

#[test]
fn unknown_current_attribute_in_an_unreadable_set_is_not_reported_on_refusal() {
    let holder = user_with(json!({"Marketing": {"LegacyCode": "LC-99"}}));
    let eval = as_actor(
        &holder,
        &set_admin("Engineering"),
        &eng(r#""ProjectDate": 5"#),
    );
    assert!(!eval.is_allowed());
    assert!(eval.warnings().is_empty(), "{:?}", eval.warnings());
    assert!(!eval_text(&eval).contains("LegacyCode"));
}

/// An actor allowed to assign in Engineering and in a set called `Marketin` (which does not
/// exist), but who cannot read Marketing.
fn typo_scoped_actor() -> Actor {
    set_admin("Engineering").with_role(AAA, "/attributeSets/Marketin")
}

#[test]
fn did_you_mean_for_an_unknown_set_never_suggests_an_unreadable_set() {
    let eval = on_user(
        &typo_scoped_actor(),
        &set_body("Marketin", r#""EmployeeId": "x""#),
    );
    let v = assert_refused(
        &eval,
        "unknown_attribute_set",
        "/customSecurityAttributes/Marketin",
        None,
    );
    assert!(
        !v.hint().unwrap_or("").contains("Marketing"),
        "{:?}",
        v.hint()
    );
    assert!(
        !eval_text(&eval).contains("Marketing"),
        "{}",
        eval_text(&eval)
    );
}

#[test]
fn did_you_mean_neighbour_suggests_a_readable_set() {
    let eval = on_user(
        &tenant_admin(),
        &set_body("Marketin", r#""EmployeeId": "x""#),
    );
    let v = assert_refused(
        &eval,
        "unknown_attribute_set",
        "/customSecurityAttributes/Marketin",
        None,
    );
    assert!(v.hint().unwrap().contains("Marketing"), "{:?}", v.hint());
}

#[test]
fn did_you_mean_for_an_unknown_set_may_suggest_a_readable_set_to_a_scoped_actor() {
    // Engineering is readable to this actor, so suggesting it leaks nothing.
    let actor = set_admin("Engineering").with_role(AAA, "/attributeSets/Engineerin");
    let eval = on_user(&actor, &set_body("Engineerin", r#""ProjectDate": "x""#));
    let v = only_violation(&eval);
    assert_eq!(v.code().as_str(), "unknown_attribute_set");
    assert!(v.hint().unwrap().contains("Engineering"), "{:?}", v.hint());
}

// ---------------------------------------------------------------------------------------------
// read projection (Engine::view)

#[test]
fn view_tenant_scope_reads_every_set() {
    let view = engine().view(&user_with_three_sets(), Some(&tenant_reader()));
    assert_eq!(view, user_with_three_sets().state().clone());
    assert_eq!(view.value_count(), 3);
}

#[test]
fn view_one_set_scope_reads_that_set() {
    let actor = Actor::new().with_role(AAR, "/attributeSets/Marketing");
    let view = engine().view(&user_with_three_sets(), Some(&actor));
    assert_eq!(
        view.to_response_json(),
        json!({"Marketing": {"@odata.type": RESPONSE_SET_TYPE, "EmployeeId": "QN26904"}})
    );
}

#[test]
fn view_two_set_scopes_read_both() {
    let actor = Actor::new()
        .with_role(AAR, "/attributeSets/Marketing")
        .with_role(AAA, "/attributeSets/Operations");
    let view = engine().view(&user_with_three_sets(), Some(&actor));
    assert_eq!(
        view.to_response_json(),
        json!({
            "Marketing": {"@odata.type": RESPONSE_SET_TYPE, "EmployeeId": "QN26904"},
            "Operations": {"@odata.type": RESPONSE_SET_TYPE, "Level": "Production"}
        })
    );
}

#[test]
fn view_no_role_reads_null() {
    let view = engine().view(&user_with_three_sets(), Some(&Actor::new()));
    assert!(view.is_empty());
    assert!(view.to_response_json().is_null());
}

#[test]
fn view_global_administrator_reads_null() {
    let actor = Actor::new().with_role(GLOBAL_ADMIN, "/");
    assert!(engine()
        .view(&user_with_three_sets(), Some(&actor))
        .to_response_json()
        .is_null());
}

#[test]
fn view_app_permission_read_all_reads_every_set() {
    let actor = Actor::new().with_app_permission(APP_ASSIGN_R);
    let view = engine().view(&user_with_three_sets(), Some(&actor));
    assert_eq!(view.value_count(), 3);
}

#[test]
fn view_attribute_definition_reader_reads_null() {
    let actor = Actor::new().with_role(ADR, "/");
    assert!(engine()
        .view(&user_with_three_sets(), Some(&actor))
        .to_response_json()
        .is_null());
}

#[test]
fn view_definition_app_permission_reads_null() {
    let actor = Actor::new().with_app_permission("CustomSecAttributeDefinition.ReadWrite.All");
    assert!(engine()
        .view(&user_with_three_sets(), Some(&actor))
        .is_empty());
}

#[test]
fn view_uses_the_object_kinds_read_action() {
    let holder = service_principal().with_state(user_with_three_sets().state().clone());
    let users_reader = with_actions(&[USERS_READ], "/");
    assert!(engine().view(&holder, Some(&users_reader)).is_empty());
    let sp_reader = with_actions(&[SP_READ], "/");
    assert_eq!(engine().view(&holder, Some(&sp_reader)).value_count(), 3);
}

#[test]
fn view_without_an_actor_reads_everything() {
    let view = engine().view(&user_with_three_sets(), None);
    assert_eq!(view.value_count(), 3);
}

#[test]
fn view_set_scope_in_other_casing() {
    let actor = Actor::new().with_role(AAR, "/attributeSets/marketing");
    let view = engine().view(&user_with_three_sets(), Some(&actor));
    assert_eq!(view.value_count(), 1);
    assert_eq!(view.sets()[0].name(), "Marketing");
}
