//! Portal search on one object's assignments (docs/RULES.md, Portal search): "starts with" over
//! attribute names and values ignoring case, the set prefix, ordering, the serde shape, and the
//! scope rules of docs/RULES.md, No leaks (only what the actor may read is searched; nothing else
//! leaks).

// Helpers outside `#[test]` functions unwrap too: `cfg(test)` lets clippy.toml cover them.
#![cfg(test)]

use crate::common::*;
use csa::{Actor, CustomRole, Object, ObjectKind, SearchMatch, State, Text, Value};
use proptest::collection::vec;
use proptest::prelude::*;
use serde_json::{json, Value as Json};

/// `customSecurityAttributes` of the R01 read example's response, as its file writes it: key
/// order matters here, and `serde_json::Value` would sort the keys.
const R01_CSA: &str = r##"{
    "Marketing": {"@odata.type": "#microsoft.graph.customSecurityAttributeValue", "EmployeeId": "QN26904"},
    "Engineering": {"@odata.type": "#microsoft.graph.customSecurityAttributeValue", "Project@odata.type": "#Collection(String)", "Project": ["Baker", "Cascade"], "CostCenter@odata.type": "#Collection(Int32)", "CostCenter": [1001], "Certification": true}
}"##;

/// A cloud-only user holding `csa`, the raw JSON text of a `customSecurityAttributes` value
/// (its key order kept).
fn user_raw(csa: &str) -> Object {
    user().with_state(csa::State::from_json(csa.as_bytes()).unwrap())
}

/// The user of the R01 read example: Marketing/EmployeeId "QN26904", then Engineering/Project
/// [Baker, Cascade], Engineering/CostCenter [1001], Engineering/Certification true (in that order,
/// the file's; `common::r01_user` reads it through a JSON value, which does not keep it).
fn r01_user_in_file_order() -> Object {
    user_raw(R01_CSA)
}

/// R01's user with Operations/Level "Gold" added at the end: a third set.
fn three_set_user() -> Object {
    let mut state = r01_user_in_file_order().state().clone();
    state.insert("Operations", "Level", Value::String("Gold".into()));
    user().with_state(state)
}

/// Each match as `(attribute id, value as JSON)`, in order.
fn hits(matches: &[SearchMatch]) -> Vec<(String, Json)> {
    matches
        .iter()
        .map(|m| (m.attribute().to_owned(), m.value().to_json()))
        .collect()
}

/// `hits` of a search on `object` without an actor.
fn search(object: &Object, text: &str, set: Option<&str>) -> Vec<(String, Json)> {
    hits(&engine().search(object, None, text, set))
}

/// `hits` of a search on `object` as `actor`.
fn search_as(object: &Object, text: &str, actor: &Actor) -> Vec<(String, Json)> {
    hits(&engine().search(object, Some(actor), text, None))
}

fn hit(attribute: &str, value: Json) -> (String, Json) {
    (attribute.to_owned(), value)
}

/// Everything R01's user holds, in its order.
fn r01_all() -> Vec<(String, Json)> {
    vec![
        hit("Marketing_EmployeeId", json!("QN26904")),
        hit("Engineering_Project", json!(["Baker", "Cascade"])),
        hit("Engineering_CostCenter", json!([1001])),
        hit("Engineering_Certification", json!(true)),
    ]
}

// ---------------------------------------------------------------------------------------------
// What matches

#[test]
fn the_r01_user_holds_what_the_example_documents() {
    let example = read_json("reads/R01-get-user-csa.json");
    let documented = &example["response"]["body"]["customSecurityAttributes"];
    assert_eq!(
        &r01_user_in_file_order().state().to_response_json(),
        documented
    );
}

#[test]
fn a_name_match_ignores_case_and_yields_the_whole_value() {
    let user = r01_user_in_file_order();
    let project = vec![hit("Engineering_Project", json!(["Baker", "Cascade"]))];
    assert_eq!(search(&user, "Proj", None), project);
    assert_eq!(search(&user, "pROJECT", None), project);
    assert_eq!(search(&user, "project", None), project);
    // "Starts with", not "contains", and not longer than the name.
    assert_eq!(search(&user, "roject", None), []);
    assert_eq!(search(&user, "Projects", None), []);
}

#[test]
fn a_value_match_in_a_collection_yields_only_the_matching_element() {
    let user = r01_user_in_file_order();
    assert_eq!(
        search(&user, "cas", None),
        [hit("Engineering_Project", json!("Cascade"))]
    );
    assert_eq!(
        search(&user, "BAKER", None),
        [hit("Engineering_Project", json!("Baker"))]
    );
    // Several matching elements are separate matches, in the collection's order.
    let user = user_with(json!({"Engineering": {
        "@odata.type": RESPONSE_SET_TYPE,
        "Project@odata.type": "#Collection(String)",
        "Project": ["Avalon", "Baker", "alpine"]
    }}));
    assert_eq!(
        search(&user, "A", None),
        [
            hit("Engineering_Project", json!("Avalon")),
            hit("Engineering_Project", json!("alpine")),
        ]
    );
}

#[test]
fn a_single_string_value_matches_by_its_start() {
    let user = r01_user_in_file_order();
    assert_eq!(
        search(&user, "qn2", None),
        [hit("Marketing_EmployeeId", json!("QN26904"))]
    );
    assert_eq!(search(&user, "26904", None), []);
}

#[test]
fn integers_and_booleans_match_by_their_json_text() {
    let user = r01_user_in_file_order();
    assert_eq!(
        search(&user, "100", None),
        [hit("Engineering_CostCenter", json!(1001))]
    );
    assert_eq!(
        search(&user, "1001", None),
        [hit("Engineering_CostCenter", json!(1001))]
    );
    assert_eq!(search(&user, "1002", None), []);
    assert_eq!(
        search(&user, "TR", None),
        [hit("Engineering_Certification", json!(true))]
    );
    assert_eq!(search(&user, "1", None).len(), 1);

    let user = user_with(json!({"Engineering": {
        "@odata.type": RESPONSE_SET_TYPE,
        "NumVendors": -12,
        "Certification": false,
        "CostCenter@odata.type": "#Collection(Int32)",
        "CostCenter": [12, 1200, 7]
    }}));
    assert_eq!(
        search(&user, "-1", None),
        [hit("Engineering_NumVendors", json!(-12))]
    );
    assert_eq!(
        search(&user, "fal", None),
        [hit("Engineering_Certification", json!(false))]
    );
    assert_eq!(search(&user, "true", None), []);
    assert_eq!(
        search(&user, "12", None),
        [
            hit("Engineering_CostCenter", json!(12)),
            hit("Engineering_CostCenter", json!(1200)),
        ]
    );
    // The element is an integer, not its text.
    let m = engine().search(&user, None, "7", None);
    assert_eq!(m.len(), 1);
    assert_eq!(m[0].value(), &Value::Integer(7));
}

#[test]
fn an_attribute_matching_by_name_is_reported_once() {
    let user = user_with(json!({"Engineering": {
        "@odata.type": RESPONSE_SET_TYPE,
        "Datacenter@odata.type": "#Collection(String)",
        "Datacenter": ["Dallas", "Denver", "Austin"],
        "ProjectDate": "Project start"
    }}));
    assert_eq!(
        search(&user, "d", None),
        [hit(
            "Engineering_Datacenter",
            json!(["Dallas", "Denver", "Austin"])
        )]
    );
    assert_eq!(
        search(&user, "project", None),
        [hit("Engineering_ProjectDate", json!("Project start"))]
    );
}

#[test]
fn empty_text_lists_every_attribute_with_its_whole_value() {
    assert_eq!(search(&r01_user_in_file_order(), "", None), r01_all());
    assert_eq!(search(&user(), "", None), []);
    assert_eq!(search(&user(), "a", None), []);
}

#[test]
fn text_is_taken_literally() {
    let user = user_with(json!({"Engineering": {
        "@odata.type": RESPONSE_SET_TYPE,
        "ProjectDate": "New York"
    }}));
    assert_eq!(
        search(&user, "new y", None),
        [hit("Engineering_ProjectDate", json!("New York"))]
    );
    assert_eq!(search(&user, " new", None), []);
    assert_eq!(search(&user, "New York ", None), []);
}

#[test]
fn non_ascii_text_folds_case_per_character() {
    let user = user_with(json!({"Engineering": {
        "@odata.type": RESPONSE_SET_TYPE,
        "Project@odata.type": "#Collection(String)",
        "Project": ["Ärger", "Straße", "Zürich"]
    }}));
    assert_eq!(
        search(&user, "äR", None),
        [hit("Engineering_Project", json!("Ärger"))]
    );
    assert_eq!(
        search(&user, "STRAß", None),
        [hit("Engineering_Project", json!("Straße"))]
    );
    // `ß` is not `ss`, and `ü` is not `u`.
    assert_eq!(search(&user, "strass", None), []);
    assert_eq!(search(&user, "zu", None), []);
}

#[test]
fn the_set_prefix_keeps_only_sets_whose_name_starts_with_it() {
    let user = three_set_user();
    let engineering = r01_all().split_off(1);
    assert_eq!(search(&user, "", Some("eng")), engineering);
    assert_eq!(search(&user, "", Some("ENGINEERING")), engineering);
    assert_eq!(
        search(&user, "", Some("Mar")),
        [hit("Marketing_EmployeeId", json!("QN26904"))]
    );
    assert_eq!(search(&user, "", Some("Engineering2")), []);
    assert_eq!(search(&user, "", Some("gineering")), []);
    // The prefix is on set names, not attribute names.
    assert_eq!(search(&user, "", Some("Proj")), []);
    // An empty prefix keeps every set, as no prefix does.
    assert_eq!(search(&user, "", Some("")), search(&user, "", None));
    assert_eq!(search(&user, "", None).len(), 5);
    // With text: the text is searched in the kept sets only.
    assert_eq!(
        search(&user, "q", None),
        [hit("Marketing_EmployeeId", json!("QN26904"))]
    );
    assert_eq!(search(&user, "q", Some("e")), []);
    assert_eq!(
        search(&user, "go", Some("o")),
        [hit("Operations_Level", json!("Gold"))]
    );
}

#[test]
fn set_names_are_not_searched_by_the_text() {
    assert_eq!(search(&r01_user_in_file_order(), "Engineering", None), []);
    assert_eq!(search(&r01_user_in_file_order(), "Marketing_", None), []);
}

#[test]
fn matches_come_in_the_state_order_of_sets_attributes_and_elements() {
    let user = r01_user_in_file_order();
    // Marketing comes first in R01's response, and stays first.
    assert_eq!(
        search(&user, "", None).first(),
        Some(&hit("Marketing_EmployeeId", json!("QN26904")))
    );
    // A value match, then two name matches, in the set's attribute order.
    assert_eq!(
        search(&user, "c", None),
        [
            hit("Engineering_Project", json!("Cascade")),
            hit("Engineering_CostCenter", json!([1001])),
            hit("Engineering_Certification", json!(true)),
        ]
    );
    // Another object order gives another result order.
    let reversed = user_raw(
        r##"{"Engineering": {"Certification": true, "Project@odata.type": "#Collection(String)",
                             "Project": ["Cascade"]},
             "Marketing": {"EmployeeId": "C-1"}}"##,
    );
    assert_eq!(
        search(&reversed, "c", None),
        [
            hit("Engineering_Certification", json!(true)),
            hit("Engineering_Project", json!("Cascade")),
            hit("Marketing_EmployeeId", json!("C-1")),
        ]
    );
}

#[test]
fn names_come_in_catalog_casing() {
    let user = user_with(json!({"engineering": {
        "@odata.type": RESPONSE_SET_TYPE,
        "project@odata.type": "#Collection(String)",
        "project": ["Baker"]
    }}));
    let m = engine().search(&user, None, "PROJ", None);
    assert_eq!(m.len(), 1);
    assert_eq!(m[0].attribute(), "Engineering_Project");
    assert_eq!(m[0].attribute_set(), "Engineering");
    assert_eq!(m[0].name(), "Project");
}

#[test]
fn attributes_the_catalog_does_not_define_are_searched_in_the_objects_casing() {
    let user = user_raw(
        r#"{"engineering": {"legacyCode": "L-7", "Certification": true},
            "Ghost": {"thing": "Lantern"}}"#,
    );
    assert_eq!(
        search(&user, "LEG", None),
        [hit("Engineering_legacyCode", json!("L-7"))]
    );
    assert_eq!(
        search(&user, "l", None),
        [
            hit("Engineering_legacyCode", json!("L-7")),
            hit("Ghost_thing", json!("Lantern")),
        ]
    );
    let m = engine().search(&user, None, "lan", Some("gh"));
    assert_eq!(m.len(), 1);
    assert_eq!(
        (m[0].attribute_set(), m[0].name()),
        ("Ghost", "thing"),
        "{m:?}"
    );
}

#[test]
fn a_match_serialises_as_attribute_attribute_set_name_and_plain_value() {
    let user = r01_user_in_file_order();
    let json_of = |text: &str| -> Json {
        serde_json::to_value(engine().search(&user, None, text, None)).unwrap()
    };
    assert_eq!(
        json_of("cas"),
        json!([{"attribute": "Engineering_Project", "attributeSet": "Engineering",
                "name": "Project", "value": "Cascade"}])
    );
    assert_eq!(
        json_of("proj"),
        json!([{"attribute": "Engineering_Project", "attributeSet": "Engineering",
                "name": "Project", "value": ["Baker", "Cascade"]}])
    );
    assert_eq!(
        json_of("100"),
        json!([{"attribute": "Engineering_CostCenter", "attributeSet": "Engineering",
                "name": "CostCenter", "value": 1001}])
    );
    assert_eq!(
        json_of("cert"),
        json!([{"attribute": "Engineering_Certification", "attributeSet": "Engineering",
                "name": "Certification", "value": true}])
    );
    assert_eq!(json_of("zzz"), json!([]));
}

// ---------------------------------------------------------------------------------------------
// Who may see what (docs/RULES.md, No leaks)

/// Asserts that nothing in `matches` names or holds anything of `sets` or `values`.
#[track_caller]
fn assert_no_trace(matches: &[SearchMatch], sets: &[&str], values: &[&str]) {
    let text = serde_json::to_string(matches).unwrap();
    for s in sets.iter().chain(values) {
        assert!(!text.contains(s), "{s} leaked: {text}");
    }
}

#[test]
fn a_tenant_reader_searches_everything() {
    let user = three_set_user();
    let all = search(&user, "", None);
    assert_eq!(all.len(), 5);
    assert_eq!(search_as(&user, "", &tenant_reader()), all);
    assert_eq!(search_as(&user, "", &tenant_admin()), all);
    assert_eq!(
        search_as(&user, "b", &tenant_reader()),
        [hit("Engineering_Project", json!("Baker"))]
    );
}

#[test]
fn a_one_set_reader_searches_only_that_set() {
    let user = three_set_user();
    let reader = Actor::new().with_role(AAR, "/attributeSets/Marketing");
    let only = [hit("Marketing_EmployeeId", json!("QN26904"))];
    assert_eq!(search_as(&user, "", &reader), only);
    assert_eq!(search_as(&user, "QN", &reader), only);
    // Engineering's names and values match nothing for this reader.
    for text in ["proj", "b", "cas", "100", "true", "gold"] {
        let m = engine().search(&user, Some(&reader), text, None);
        assert_eq!(m, [], "{text}");
    }
    let m = engine().search(&user, Some(&reader), "", None);
    assert_no_trace(
        &m,
        &["Engineering", "Operations"],
        &["Baker", "Cascade", "1001", "Gold"],
    );
    // Naming an unreadable set as the prefix is like naming one that does not exist.
    assert_eq!(search_as_in(&user, "", "Engineering", &reader), []);
    assert_eq!(search_as_in(&user, "", "Nowhere", &reader), []);
    // The scope's set name is case-insensitive, and a set administrator reads too.
    let admin = Actor::new().with_role(AAA, "/attributeSets/engineering");
    assert_eq!(search_as(&user, "", &admin), r01_all().split_off(1));
}

fn search_as_in(object: &Object, text: &str, set: &str, actor: &Actor) -> Vec<(String, Json)> {
    hits(&engine().search(object, Some(actor), text, Some(set)))
}

#[test]
fn a_reader_of_two_sets_searches_both_and_nothing_else() {
    let user = three_set_user();
    let reader = Actor::new()
        .with_role(AAR, "/attributeSets/Engineering")
        .with_role(AAR, "/attributeSets/Operations");
    let m = engine().search(&user, Some(&reader), "", None);
    assert_eq!(
        hits(&m),
        [
            r01_all().split_off(1),
            vec![hit("Operations_Level", json!("Gold"))]
        ]
        .concat()
    );
    assert_no_trace(&m, &["Marketing"], &["QN26904"]);
    assert_eq!(search_as(&user, "q", &reader), []);
}

#[test]
fn an_actor_without_an_assignment_read_role_finds_nothing() {
    let user = three_set_user();
    for actor in [
        Actor::new(),
        Actor::new().with_role(GLOBAL_ADMIN, "/"),
        Actor::new().with_role(USER_ADMIN, "/"),
        // Definition roles read definitions, not assignments.
        Actor::new().with_role(ADR, "/"),
        Actor::new().with_role(ADA, "/"),
        Actor::new().with_app_permission("CustomSecAttributeDefinition.ReadWrite.All"),
        // A scope that is neither the tenant nor a set grants nothing.
        Actor::new().with_role(AAR, "/administrativeUnits/1234"),
    ] {
        assert_eq!(
            engine().search(&user, Some(&actor), "", None),
            [],
            "{actor:?}"
        );
        assert_eq!(
            engine().search(&user, Some(&actor), "q", None),
            [],
            "{actor:?}"
        );
    }
}

#[test]
fn an_app_permission_to_read_assignments_searches_everything() {
    let user = three_set_user();
    let all = search(&user, "", None);
    for permission in [APP_ASSIGN_R, APP_ASSIGN_RW] {
        let app = Actor::new().with_app_permission(permission);
        assert_eq!(search_as(&user, "", &app), all, "{permission}");
    }
    let sp = service_principal().with_state(user.state().clone());
    let app = Actor::new().with_app_permission(APP_ASSIGN_R);
    assert_eq!(search_as(&sp, "", &app), all);
}

#[test]
fn reading_depends_on_the_object_kind() {
    let users_only = Actor::new()
        .with_custom_role(
            CustomRole::new("users-reader")
                .with_allowed_actions(["microsoft.directory/users/customSecurityAttributes/read"]),
        )
        .with_role("users-reader", "/");
    let user = r01_user_in_file_order();
    let sp = service_principal().with_state(user.state().clone());
    assert_eq!(search_as(&user, "", &users_only), r01_all());
    assert_eq!(search_as(&sp, "", &users_only), []);
}

// ---------------------------------------------------------------------------------------------
// Properties over random actors and states

/// Sets: three in the sample catalog, one it lacks. Attribute names: defined ones and one the
/// catalog lacks.
const SETS: [&str; 4] = ["Engineering", "Marketing", "Operations", "Ghost"];
const ATTRS: [&str; 6] = [
    "Project",
    "CostCenter",
    "Level",
    "EmployeeId",
    "Stale",
    "Tier",
];
const STRINGS: [&str; 7] = [
    "Alpine", "alps", "Baker", "Ärger", "Straße", "New York", "C",
];
const INTS: [i32; 6] = [-12, 0, 1, 12, 1001, i32::MIN];
const TEXTS: [&str; 16] = [
    "", "a", "AL", "ärg", "STRAß", "b", "c", "co", "PROJ", "l", "-1", "1", "12", "tr", "F", "zzz",
];
const SET_PREFIXES: [&str; 5] = ["", "e", "MAR", "gh", "x"];
/// Assignment readers are drawn more often.
const ROLES: [&str; 7] = [AAR, AAR, AAA, AAA, ADR, ADA, GLOBAL_ADMIN];
const APPS: [&str; 4] = [
    "CustomSecAttributeAssignment.ReadWrite.All",
    "CustomSecAttributeAssignment.Read.All",
    "CustomSecAttributeDefinition.ReadWrite.All",
    "CustomSecAttributeDefinition.Read.All",
];

/// `s` lowercased when `lower`.
fn cased(s: &str, lower: bool) -> String {
    if lower {
        s.to_lowercase()
    } else {
        s.to_owned()
    }
}

fn value_strategy() -> impl Strategy<Value = Value> {
    let text = || (0..STRINGS.len()).prop_map(|i| Text::from(STRINGS[i]));
    let int = || (0..INTS.len()).prop_map(|i| INTS[i]);
    prop_oneof![
        text().prop_map(Value::String),
        int().prop_map(Value::Integer),
        any::<bool>().prop_map(Value::Boolean),
        vec(text(), 1..6).prop_map(|v| Value::strings(v).unwrap()),
        vec(int(), 1..6).prop_map(|v| Value::integers(v).unwrap()),
    ]
}

fn state_strategy() -> impl Strategy<Value = State> {
    vec(
        (
            0..SETS.len(),
            any::<bool>(),
            0..ATTRS.len(),
            any::<bool>(),
            value_strategy(),
        ),
        2..12,
    )
    .prop_map(|entries| {
        let mut state = State::new();
        for (set, set_lower, attr, attr_lower, value) in entries {
            state.insert(
                &cased(SETS[set], set_lower),
                &cased(ATTRS[attr], attr_lower),
                value,
            );
        }
        state
    })
}

/// An actor from role assignments (role, scope: tenant, a set in either casing, or another
/// form) and sometimes an app permission.
fn actor_strategy() -> impl Strategy<Value = Actor> {
    (
        vec((0..ROLES.len(), 0..SETS.len() + 2, any::<bool>()), 0..4),
        proptest::option::weighted(0.2, 0..APPS.len()),
    )
        .prop_map(|(roles, apps)| {
            let mut actor = Actor::new();
            for (role, scope, lower) in roles {
                let scope = match SETS.get(scope) {
                    Some(set) => format!("/attributeSets/{}", cased(set, lower)),
                    None if scope == SETS.len() => "/".to_owned(),
                    None => "/administrativeUnits/1".to_owned(),
                };
                actor = actor.with_role(ROLES[role], &scope);
            }
            if let Some(app) = apps {
                actor = actor.with_app_permission(APPS[app]);
            }
            actor
        })
}

fn kind_strategy() -> impl Strategy<Value = ObjectKind> {
    prop_oneof![
        Just(ObjectKind::User),
        Just(ObjectKind::ServicePrincipal),
        Just(ObjectKind::Device),
    ]
}

fn config() -> ProptestConfig {
    // 256 cases by default; `PROPTEST_CASES=N` runs more.
    crate::common::proptest_config("proptest-regressions/search.txt", 256)
}

/// `s` with each character replaced by its uppercase when that is one character: a reference
/// for the case-insensitive comparison, written independently of the library's.
fn upper(s: &str) -> String {
    s.chars()
        .map(|c| {
            let mut u = c.to_uppercase();
            match (u.next(), u.next()) {
                (Some(x), None) => x,
                _ => c,
            }
        })
        .collect()
}

fn starts(s: &str, prefix: &str) -> bool {
    upper(s).starts_with(&upper(prefix))
}

/// A reference search straight from docs/RULES.md, Portal search, over an already projected state
/// (no actor).
fn reference(state: &State, text: &str, set_prefix: Option<&str>) -> Vec<(String, Json)> {
    let mut out = Vec::new();
    for set in state.sets() {
        if set_prefix.is_some_and(|p| !starts(set.name(), p)) {
            continue;
        }
        for a in set.attributes() {
            let id = format!("{}_{}", set.name(), a.name());
            if starts(a.name(), text) {
                out.push((id, a.value().to_json()));
                continue;
            }
            let elements = match a.value().to_json() {
                Json::Array(items) => items,
                single => vec![single],
            };
            for e in elements {
                let rendered = match &e {
                    Json::String(s) => s.clone(),
                    other => other.to_string(),
                };
                if starts(&rendered, text) {
                    out.push((id.clone(), e));
                }
            }
        }
    }
    out
}

/// One random search: an object, an actor, the text and the set prefix.
#[derive(Debug, Clone)]
struct Case {
    object: Object,
    actor: Actor,
    text: &'static str,
    set_prefix: Option<&'static str>,
}

fn case_strategy() -> impl Strategy<Value = Case> {
    (
        state_strategy(),
        kind_strategy(),
        actor_strategy(),
        // The empty text (everything) a quarter of the time.
        prop_oneof![1 => Just(0), 3 => 0..TEXTS.len()],
        proptest::option::of(0..SET_PREFIXES.len()),
    )
        .prop_map(|(state, kind, actor, text, set_prefix)| Case {
            object: Object::new(kind).with_state(state),
            actor,
            text: TEXTS[text],
            set_prefix: set_prefix.map(|i| SET_PREFIXES[i]),
        })
}

impl Case {
    fn search(&self, actor: Option<&Actor>) -> Vec<SearchMatch> {
        engine().search(&self.object, actor, self.text, self.set_prefix)
    }

    /// The matches without an actor, kept where the actor may read the set.
    fn readable(&self) -> Vec<SearchMatch> {
        self.search(None)
            .into_iter()
            .filter(|m| {
                self.actor
                    .can_read_assignments(self.object.kind(), m.attribute_set())
            })
            .collect()
    }
}

proptest! {
    #![proptest_config(config())]

    /// Every match is in a set the actor may read, and an actor's matches are exactly the
    /// matches without an actor restricted to the sets it may read.
    #[test]
    fn an_actor_finds_exactly_the_unrestricted_matches_it_may_read(case in case_strategy()) {
        let seen = case.search(Some(&case.actor));
        for m in &seen {
            prop_assert!(
                case.actor.can_read_assignments(case.object.kind(), m.attribute_set()),
                "{m:?}"
            );
        }
        prop_assert_eq!(seen, case.readable());
    }

    /// Without an actor, the search agrees with a reference written from docs/RULES.md, Portal
    /// search, over the object's state in catalog casing.
    #[test]
    fn the_search_agrees_with_a_reference(case in case_strategy()) {
        let expected = reference(&engine().view(&case.object, None), case.text, case.set_prefix);
        prop_assert_eq!(hits(&case.search(None)), expected);
    }
}

/// The generators reach the cases the properties are about: actors that see everything, part,
/// or nothing of what matches; name and value matches; several elements of one collection.
#[test]
fn the_generators_reach_the_interesting_cases() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let strategy = case_strategy();
    let (mut all, mut part, mut none) = (0, 0, 0);
    let (mut by_name, mut by_value, mut elements) = (0, 0, 0);
    for _ in 0..1000 {
        let case = strategy.new_tree(&mut runner).unwrap().current();
        let unrestricted = case.search(None);
        let seen = case.search(Some(&case.actor));
        match (unrestricted.len(), seen.len()) {
            (0, _) => {}
            (u, 0) if u > 0 => none += 1,
            (u, s) if u == s => all += 1,
            _ => part += 1,
        }
        let held = |m: &SearchMatch| {
            case.object
                .state()
                .get(m.attribute_set(), m.name())
                .cloned()
        };
        by_name += unrestricted
            .iter()
            .filter(|m| held(m).as_ref() == Some(m.value()) && m.value().is_collection())
            .count();
        let value_hits: Vec<_> = unrestricted
            .iter()
            .filter(|m| held(m).is_some_and(|v| v.is_collection() && !m.value().is_collection()))
            .collect();
        by_value += value_hits.len();
        elements += value_hits
            .windows(2)
            .filter(|w| w[0].attribute() == w[1].attribute())
            .count();
    }
    for (what, n) in [
        ("actor sees all", all),
        ("actor sees part", part),
        ("actor sees none", none),
        ("collection matched by name", by_name),
        ("element matched", by_value),
        ("two elements of one collection", elements),
    ] {
        assert!(n >= 20, "{what}: {n} of 1000");
    }
}
