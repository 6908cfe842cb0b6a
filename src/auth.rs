//! Authorization: built-in and custom roles, scopes, app permissions (docs/RULES.md,
//! Authorization).
//!
//! An actor is compiled once into a tenant-wide action set and per-set action sets; permissions
//! add up across assignments. No role is implied: an actor with nothing may do nothing.

use hashbrown::HashMap;

use crate::json;
use crate::names::{names_eq, Name, NameRef};
use crate::object::ObjectKind;
use crate::reader::{Diag, Props};
use crate::violation::{Code, Document, InputError, Pointer, Violation, Warning, WarningCode};

/// A set of directory actions, as bits.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Actions(u32);

impl Actions {
    pub(crate) const SETS_READ: Actions = Actions(1);
    pub(crate) const SETS_ALL: Actions = Actions(1 << 1);
    pub(crate) const DEFS_READ: Actions = Actions(1 << 2);
    pub(crate) const DEFS_ALL: Actions = Actions(1 << 3);

    /// `{K}/customSecurityAttributes/read` for the kind at `k` (0..4).
    const fn read(k: u32) -> Actions {
        Actions(1 << (4 + 2 * k))
    }
    /// `{K}/customSecurityAttributes/update`.
    const fn update(k: u32) -> Actions {
        Actions(1 << (5 + 2 * k))
    }

    pub(crate) fn contains(self, other: Actions) -> bool {
        self.0 & other.0 == other.0
    }
    pub(crate) fn union(self, other: Actions) -> Actions {
        Actions(self.0 | other.0)
    }
}

const KINDS: [&str; 4] = [
    "users",
    "servicePrincipals",
    "devices",
    "azureManagedIdentities",
];

fn kind_index(kind: &ObjectKind) -> Option<u32> {
    let r = kind.resource()?;
    KINDS
        .iter()
        .position(|k| *k == r)
        .and_then(|i| u32::try_from(i).ok())
}

/// Reads one resource action (case-insensitive); unknown actions grant nothing here.
fn parse_action(s: &str) -> Actions {
    let lower = s.to_ascii_lowercase();
    let Some(rest) = lower.strip_prefix("microsoft.directory/") else {
        return Actions::default();
    };
    match rest {
        "attributesets/allproperties/read" => return Actions::SETS_READ,
        "attributesets/allproperties/alltasks" => {
            return Actions::SETS_ALL.union(Actions::SETS_READ)
        }
        "customsecurityattributedefinitions/allproperties/read" => return Actions::DEFS_READ,
        "customsecurityattributedefinitions/allproperties/alltasks" => {
            return Actions::DEFS_ALL.union(Actions::DEFS_READ)
        }
        _ => {}
    }
    for (k, name) in (0u32..).zip(KINDS) {
        let prefix = format!("{}/customsecurityattributes/", name.to_ascii_lowercase());
        if let Some(verb) = rest.strip_prefix(&prefix) {
            return match verb {
                "read" => Actions::read(k),
                "update" => Actions::update(k),
                _ => Actions::default(),
            };
        }
    }
    Actions::default()
}

fn all_kinds(update: bool) -> Actions {
    (0..4).fold(Actions::default(), |a, k| {
        let a = a.union(Actions::read(k));
        if update {
            a.union(Actions::update(k))
        } else {
            a
        }
    })
}

/// A built-in role csa knows: template id, display name, actions.
struct BuiltIn {
    template_id: &'static str,
    name: &'static str,
    actions: fn() -> Actions,
}

const BUILT_INS: &[BuiltIn] = &[
    BuiltIn {
        template_id: "1d336d2c-4ae8-42ef-9711-b3604ce3fc2c",
        name: "Attribute Definition Reader",
        actions: || Actions::SETS_READ.union(Actions::DEFS_READ),
    },
    BuiltIn {
        template_id: "8424c6f0-a189-499e-bbd0-26c1753c96d4",
        name: "Attribute Definition Administrator",
        actions: || {
            Actions::SETS_ALL
                .union(Actions::SETS_READ)
                .union(Actions::DEFS_ALL)
                .union(Actions::DEFS_READ)
        },
    },
    BuiltIn {
        template_id: "ffd52fa5-98dc-465c-991d-fc073eb59f8f",
        name: "Attribute Assignment Reader",
        actions: || {
            Actions::SETS_READ
                .union(Actions::DEFS_READ)
                .union(all_kinds(false))
        },
    },
    BuiltIn {
        template_id: "58a13ea3-c632-46ae-9ee0-9c0d43cd7f3d",
        name: "Attribute Assignment Administrator",
        actions: || {
            Actions::SETS_READ
                .union(Actions::DEFS_READ)
                .union(all_kinds(true))
        },
    },
    BuiltIn {
        template_id: "9c99539d-8186-4804-835f-fd51ef9e2dcd",
        name: "Attribute Log Reader",
        actions: Actions::default,
    },
    BuiltIn {
        template_id: "5b784334-f94b-471a-a387-e7219fc49ca2",
        name: "Attribute Log Administrator",
        actions: Actions::default,
    },
];

/// The built-in role an assignment names by template id or display name, if any.
fn built_in(id: &str) -> Option<&'static BuiltIn> {
    BUILT_INS
        .iter()
        .find(|b| b.template_id.eq_ignore_ascii_case(id) || names_eq(b.name, id))
}

fn app_permission(p: &str) -> Actions {
    match p.to_ascii_lowercase().as_str() {
        "customsecattributeassignment.readwrite.all" => Actions::SETS_READ
            .union(Actions::DEFS_READ)
            .union(all_kinds(true)),
        "customsecattributeassignment.read.all" => Actions::SETS_READ
            .union(Actions::DEFS_READ)
            .union(all_kinds(false)),
        "customsecattributedefinition.readwrite.all" => Actions::SETS_ALL
            .union(Actions::SETS_READ)
            .union(Actions::DEFS_ALL)
            .union(Actions::DEFS_READ),
        "customsecattributedefinition.read.all" => Actions::SETS_READ.union(Actions::DEFS_READ),
        _ => Actions::default(),
    }
}

/// Where a role assignment applies.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Scope {
    /// The whole tenant (`/`).
    Tenant,
    /// One attribute set (`/attributeSets/{Set}`).
    AttributeSet(String),
    /// Any other scope form: grants nothing here.
    Other(String),
}

impl Scope {
    /// Reads a Graph `directoryScopeId`.
    pub fn parse(s: &str) -> Scope {
        if s == "/" {
            return Scope::Tenant;
        }
        let prefix = "/attributeSets/";
        match (s.get(..prefix.len()), s.get(prefix.len()..)) {
            (Some(p), Some(set))
                if p.eq_ignore_ascii_case(prefix) && !set.is_empty() && !set.contains('/') =>
            {
                Scope::AttributeSet(set.to_owned())
            }
            _ => Scope::Other(s.to_owned()),
        }
    }
}

/// One role assignment of the actor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleAssignment {
    role_definition_id: String,
    scope: Scope,
}

impl RoleAssignment {
    /// An assignment of `role` (a template id, custom role id or built-in display name) at
    /// `scope` (a Graph `directoryScopeId`: `/` or `/attributeSets/{Set}`).
    pub fn new(role: &str, scope: &str) -> Self {
        Self {
            role_definition_id: role.to_owned(),
            scope: Scope::parse(scope),
        }
    }
    /// The role: a template id, custom role id, or built-in display name.
    pub fn role_definition_id(&self) -> &str {
        &self.role_definition_id
    }
    /// Where it applies.
    pub fn scope(&self) -> &Scope {
        &self.scope
    }
}

/// A custom role definition (`unifiedRoleDefinition`): enabled, with no actions until given.
///
/// ```
/// use csa::{Actor, CustomRole, ObjectKind};
///
/// let role = CustomRole::new("c0ffee00-0000-0000-0000-000000000001")
///     .with_display_name("Engineering attribute reader")
///     .with_allowed_actions(["microsoft.directory/users/customSecurityAttributes/read"]);
/// let actor = Actor::new()
///     .with_custom_role(role)
///     .with_role("Engineering attribute reader", "/attributeSets/Engineering");
/// assert!(actor.can_read_assignments(&ObjectKind::User, "Engineering"));
/// assert!(!actor.can_read_assignments(&ObjectKind::User, "Marketing"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomRole {
    id: String,
    template_id: Option<String>,
    display_name: Option<String>,
    allowed_resource_actions: Vec<String>,
    is_enabled: bool,
}

impl CustomRole {
    /// An enabled role with this id and no actions.
    pub fn new(id: &str) -> Self {
        Self {
            id: id.to_owned(),
            template_id: None,
            display_name: None,
            allowed_resource_actions: Vec::new(),
            is_enabled: true,
        }
    }
    /// With a template id (assignments may name the role by it).
    #[must_use]
    pub fn with_template_id(mut self, template_id: &str) -> Self {
        self.template_id = Some(template_id.to_owned());
        self
    }
    /// With a display name (assignments may name the role by it, case-insensitively).
    #[must_use]
    pub fn with_display_name(mut self, name: &str) -> Self {
        self.display_name = Some(name.to_owned());
        self
    }
    /// With these `allowedResourceActions` added.
    #[must_use]
    pub fn with_allowed_actions<I, S>(mut self, actions: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.allowed_resource_actions
            .extend(actions.into_iter().map(Into::into));
        self
    }
    /// Enabled or not: a disabled role grants nothing.
    #[must_use]
    pub fn with_enabled(mut self, enabled: bool) -> Self {
        self.is_enabled = enabled;
        self
    }
    /// The role's id.
    pub fn id(&self) -> &str {
        &self.id
    }
    /// Its template id, when it has one.
    pub fn template_id(&self) -> Option<&str> {
        self.template_id.as_deref()
    }
    /// Its display name, when it has one.
    pub fn display_name(&self) -> Option<&str> {
        self.display_name.as_deref()
    }
    /// Every `rolePermissions[].allowedResourceActions` entry (exclusions already taken out).
    pub fn allowed_resource_actions(&self) -> &[String] {
        &self.allowed_resource_actions
    }
    /// Whether it is enabled (a disabled role grants nothing).
    pub fn is_enabled(&self) -> bool {
        self.is_enabled
    }
    /// Whether an assignment naming `id` names this role (its id or template id, ignoring
    /// ASCII case, or its display name, ignoring case).
    fn is_named(&self, id: &str) -> bool {
        self.id.eq_ignore_ascii_case(id)
            || self
                .template_id
                .as_deref()
                .is_some_and(|t| t.eq_ignore_ascii_case(id))
            || self
                .display_name
                .as_deref()
                .is_some_and(|n| names_eq(n, id))
    }
    /// What it grants.
    fn actions(&self) -> Actions {
        if !self.is_enabled {
            return Actions::default();
        }
        self.allowed_resource_actions
            .iter()
            .fold(Actions::default(), |a, s| a.union(parse_action(s)))
    }
}

/// Who acts: role assignments, custom role definitions and app permissions, compiled into
/// effective permissions per scope.
///
/// The builders (`with_role`, `with_custom_role`, `with_app_permission`) add what they are
/// given to the compiled permissions; nothing already compiled is compiled again.
#[derive(Debug, Clone, Default)]
pub struct Actor {
    assignments: Vec<RoleAssignment>,
    custom_roles: Vec<CustomRole>,
    app_permissions: Vec<String>,
    tenant: Actions,
    sets: HashMap<Name, Actions>,
    warnings: Vec<Warning>,
}

impl Actor {
    /// An actor with no permissions at all.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a role assignment (`role` = template id, custom role id or display name;
    /// `scope` = `/` or `/attributeSets/{Set}`).
    #[must_use]
    pub fn with_role(mut self, role: &str, scope: &str) -> Self {
        let assignment = RoleAssignment::new(role, scope);
        let actions = self.role_actions(&assignment.role_definition_id);
        self.grant(self.assignments.len(), &assignment.scope, actions);
        self.assignments.push(assignment);
        self
    }

    /// Adds a custom role definition that role assignments (earlier or later ones) can name.
    #[must_use]
    pub fn with_custom_role(mut self, role: CustomRole) -> Self {
        let actions = role.actions();
        // Assignments already made that name the role gain what it grants (unless they name a
        // built-in role, which takes precedence).
        let named: Vec<Scope> = self
            .assignments
            .iter()
            .filter(|ra| built_in(&ra.role_definition_id).is_none())
            .filter(|ra| role.is_named(&ra.role_definition_id))
            .map(|ra| ra.scope.clone())
            .collect();
        for scope in &named {
            self.add_actions(scope, actions);
        }
        self.custom_roles.push(role);
        self
    }

    /// Adds an application permission (e.g. `CustomSecAttributeAssignment.ReadWrite.All`).
    #[must_use]
    pub fn with_app_permission(mut self, permission: &str) -> Self {
        self.tenant = self.tenant.union(app_permission(permission));
        self.app_permissions.push(permission.to_owned());
        self
    }

    /// The role assignments.
    pub fn role_assignments(&self) -> &[RoleAssignment] {
        &self.assignments
    }

    /// The application permissions, as given (for audit records).
    pub(crate) fn app_permissions(&self) -> &[String] {
        &self.app_permissions
    }

    /// Warnings about assignments that grant nothing.
    pub fn warnings(&self) -> &[Warning] {
        &self.warnings
    }

    fn role_actions(&self, id: &str) -> Actions {
        if let Some(b) = built_in(id) {
            return (b.actions)();
        }
        self.custom_roles
            .iter()
            .filter(|r| r.is_named(id))
            .fold(Actions::default(), |a, r| a.union(r.actions()))
    }

    /// Adds `actions` at `scope`.
    fn add_actions(&mut self, scope: &Scope, actions: Actions) {
        match scope {
            Scope::Tenant => self.tenant = self.tenant.union(actions),
            Scope::AttributeSet(s) => {
                let e = self.sets.entry(Name::unchecked(s)).or_default();
                *e = e.union(actions);
            }
            Scope::Other(_) => {}
        }
    }

    /// Grants the actions of assignment `i` at its scope; a scope that grants nothing here is
    /// a warning.
    fn grant(&mut self, i: usize, scope: &Scope, actions: Actions) {
        self.add_actions(scope, actions);
        if let Scope::Other(s) = scope {
            self.warnings.push(
                Warning::new(
                    WarningCode::IgnoredRoleAssignment,
                    Pointer::root()
                        .key("roleAssignments")
                        .index(i)
                        .key("directoryScopeId"),
                    format!(
                        "the scope `{s}` is neither the tenant (`/`) nor an attribute set (`/attributeSets/{{set}}`) and grants nothing here"
                    ),
                )
                .in_doc(Document::Actor),
            );
        }
    }

    /// Compiles every assignment and app permission (an actor read from a document, whose
    /// custom roles are all known before its assignments are compiled).
    fn compile(&mut self) {
        self.tenant = self
            .app_permissions
            .iter()
            .fold(Actions::default(), |a, p| a.union(app_permission(p)));
        self.sets.clear();
        self.warnings.clear();
        let assignments = std::mem::take(&mut self.assignments);
        for (i, ra) in assignments.iter().enumerate() {
            let actions = self.role_actions(&ra.role_definition_id);
            self.grant(i, &ra.scope, actions);
        }
        self.assignments = assignments;
    }

    /// The actions the actor holds at a scope covering `set`.
    pub(crate) fn actions_for(&self, set: &str) -> Actions {
        let scoped = self.sets.get(&NameRef(set)).copied().unwrap_or_default();
        self.tenant.union(scoped)
    }

    /// Whether the actor may read assignments of `set` on objects of `kind`.
    pub fn can_read_assignments(&self, kind: &ObjectKind, set: &str) -> bool {
        kind_index(kind).is_some_and(|k| self.actions_for(set).contains(Actions::read(k)))
    }

    /// Whether the actor may read the definitions of `set`.
    pub fn can_read_definitions(&self, set: &str) -> bool {
        self.actions_for(set).contains(Actions::DEFS_READ)
    }

    /// Whether the actor may read the attribute set `set` (`attributeSets/allProperties/read`
    /// at the tenant or at that set).
    pub fn can_read_attribute_set(&self, set: &str) -> bool {
        self.actions_for(set).contains(Actions::SETS_READ)
    }

    /// Whether the actor may create and update attribute sets: `attributeSets/allProperties/allTasks`
    /// at tenant scope (docs/RULES.md, What each request needs: a set-scoped role never suffices).
    pub fn can_manage_attribute_sets(&self) -> bool {
        self.tenant.contains(Actions::SETS_ALL)
    }

    /// Whether the actor may add, edit or deactivate definitions and allowed values in `set`.
    pub fn can_manage_definitions(&self, set: &str) -> bool {
        self.actions_for(set).contains(Actions::DEFS_ALL)
    }

    /// Whether some scope grants `action` (the tenant or any set): an actor holding it nowhere
    /// is refused a list outright rather than shown an empty one.
    pub(crate) fn holds_anywhere(&self, action: Actions) -> bool {
        self.tenant.contains(action) || self.sets.values().any(|a| a.contains(action))
    }

    /// The actions the source page requires to assign `set` on `kind` that the actor lacks.
    pub(crate) fn missing_for_update(&self, kind: &ObjectKind, set: &str) -> Vec<String> {
        let have = self.actions_for(set);
        let mut missing = Vec::new();
        if !have.contains(Actions::SETS_READ) {
            missing.push("microsoft.directory/attributeSets/allProperties/read".to_owned());
        }
        if !have.contains(Actions::DEFS_READ) {
            missing.push(
                "microsoft.directory/customSecurityAttributeDefinitions/allProperties/read"
                    .to_owned(),
            );
        }
        match (kind_index(kind), kind.resource()) {
            (Some(k), Some(r)) => {
                if !have.contains(Actions::read(k)) {
                    missing.push(format!(
                        "microsoft.directory/{r}/customSecurityAttributes/read"
                    ));
                }
                if !have.contains(Actions::update(k)) {
                    missing.push(format!(
                        "microsoft.directory/{r}/customSecurityAttributes/update"
                    ));
                }
            }
            _ => missing.push(format!(
                "microsoft.directory/{kind}/customSecurityAttributes/update"
            )),
        }
        missing
    }

    /// Reads an actor document:
    /// `{"roleAssignments": [{"roleDefinitionId", "directoryScopeId"}], "roleDefinitions": [...],
    /// "appPermissions": [...]}`. Graph list responses (`{"value": [...]}`) are accepted for
    /// the two arrays.
    pub fn from_json(bytes: &[u8]) -> Result<Actor, InputError> {
        let mut d = Diag::for_doc(Document::Actor);

        let Some(root) = d.parse(bytes, "actor") else {
            return Err(d.into_error());
        };
        let root_ptr = Pointer::root();
        let mut actor = Actor::new();
        if let Some(p) = Props::new(&root, &root_ptr, "an actor", &mut d) {
            p.check_unknown(
                &["roleAssignments", "roleDefinitions", "appPermissions"],
                "an actor",
                &mut d,
            );
            let list = |key: &str, d: &mut Diag| -> Vec<(Pointer, &json::Node<'_>)> {
                let Some(n) = p.get(key) else {
                    return Vec::new();
                };
                let (items, base) =
                    match (n.as_array(), n.get("value").and_then(json::Node::as_array)) {
                        (Some(a), _) => (a, root_ptr.key(key)),
                        (None, Some(a)) => (a, root_ptr.key(key).key("value")),
                        _ => {
                            if !n.is_null() {
                                d.push(Violation::new(
                                    Code::InvalidProperty,
                                    root_ptr.key(key),
                                    format!("`{key}` must be an array"),
                                ));
                            }
                            return Vec::new();
                        }
                    };
                items
                    .iter()
                    .enumerate()
                    .map(|(i, n)| (base.index(i), n))
                    .collect()
            };
            for (ptr, n) in list("roleDefinitions", &mut d) {
                if let Some(r) = parse_custom_role(n, &ptr, &mut d) {
                    actor.custom_roles.push(r);
                }
            }
            for (ptr, n) in list("roleAssignments", &mut d) {
                let Some(rp) = Props::new(n, &ptr, "a role assignment", &mut d) else {
                    continue;
                };
                let role = rp
                    .required("roleDefinitionId", "a role assignment", &mut d)
                    .and_then(|v| rp.string("roleDefinitionId", v, &mut d));
                let scope = rp
                    .required("directoryScopeId", "a role assignment", &mut d)
                    .and_then(|v| rp.string("directoryScopeId", v, &mut d));
                if let (Some(role), Some(scope)) = (role, scope) {
                    actor.assignments.push(RoleAssignment::new(role, scope));
                }
            }
            if let Some(n) = p.get("appPermissions") {
                match n.as_array() {
                    Some(items) => {
                        for (i, item) in items.iter().enumerate() {
                            match item.as_str() {
                                Some(s) => actor.app_permissions.push(s.to_owned()),
                                None => d.push(Violation::new(
                                    Code::InvalidProperty,
                                    root_ptr.key("appPermissions").index(i),
                                    "an app permission must be a string",
                                )),
                            }
                        }
                    }
                    None if n.is_null() => {}
                    None => d.push(Violation::new(
                        Code::InvalidProperty,
                        root_ptr.key("appPermissions"),
                        "`appPermissions` must be an array of permission names",
                    )),
                }
            }
        }
        if !d.violations.is_empty() {
            return Err(d.into_error());
        }
        actor.compile();
        // Unknown properties of the actor document are reported after compiling.
        let mut w = std::mem::take(&mut actor.warnings);
        w.extend(d.warnings);
        actor.warnings = w;
        Ok(actor)
    }
}

fn parse_custom_role(n: &json::Node<'_>, ptr: &Pointer, d: &mut Diag) -> Option<CustomRole> {
    let p = Props::new(n, ptr, "a role definition", d)?;
    let id = p
        .required("id", "a role definition", d)
        .and_then(|v| p.string("id", v, d))?;
    let mut role = CustomRole::new(id).with_enabled(
        p.get("isEnabled")
            .and_then(json::Node::as_bool)
            .unwrap_or(true),
    );
    role.template_id = p
        .get("templateId")
        .and_then(json::Node::as_str)
        .map(str::to_owned);
    role.display_name = p
        .get("displayName")
        .and_then(json::Node::as_str)
        .map(str::to_owned);
    // Conditions are not modelled (a conditioned permission counts as granted); exclusions
    // are honoured by not granting what they name.
    for perm in p
        .get("rolePermissions")
        .and_then(json::Node::as_array)
        .unwrap_or_default()
    {
        let strings = |key: &str| -> Vec<String> {
            perm.get(key)
                .and_then(json::Node::as_array)
                .unwrap_or_default()
                .iter()
                .filter_map(json::Node::as_str)
                .map(str::to_owned)
                .collect()
        };
        let excluded = strings("excludedResourceActions");
        role.allowed_resource_actions.extend(
            strings("allowedResourceActions")
                .into_iter()
                .filter(|a| !excluded.iter().any(|e| e.eq_ignore_ascii_case(a))),
        );
    }
    Some(role)
}

#[cfg(test)]
mod tests {
    use super::*;

    const AAA: &str = "58a13ea3-c632-46ae-9ee0-9c0d43cd7f3d";

    #[test]
    fn scopes_add_up() {
        let a = Actor::new()
            .with_role(AAA, "/attributeSets/Engineering")
            .with_role("Attribute Assignment Reader", "/attributeSets/Marketing");
        assert!(a
            .missing_for_update(&ObjectKind::User, "engineering")
            .is_empty());
        assert_eq!(
            a.missing_for_update(&ObjectKind::User, "Marketing").len(),
            1
        );
        assert!(a.can_read_assignments(&ObjectKind::User, "Marketing"));
        assert!(!a.can_read_assignments(&ObjectKind::User, "Operations"));
        assert_eq!(
            a.missing_for_update(&ObjectKind::User, "Operations").len(),
            4
        );
    }

    #[test]
    fn nothing_is_implied() {
        let ga = Actor::new().with_role("62e90394-69f5-4237-9190-012177145e10", "/");
        assert_eq!(
            ga.missing_for_update(&ObjectKind::User, "Engineering")
                .len(),
            4
        );
        assert!(!ga.can_read_assignments(&ObjectKind::User, "Engineering"));
    }

    #[test]
    fn odd_scopes_warn() {
        let a = Actor::new().with_role(AAA, "/administrativeUnits/x");
        assert_eq!(a.warnings().len(), 1);
        assert!(!a.can_read_assignments(&ObjectKind::User, "Engineering"));
    }

    #[test]
    fn app_permissions_and_custom_roles() {
        let a = Actor::new().with_app_permission("CustomSecAttributeAssignment.ReadWrite.All");
        assert!(a
            .missing_for_update(&ObjectKind::ServicePrincipal, "X")
            .is_empty());
        let r = Actor::from_json(
            br#"{"roleDefinitions":[{"id":"c1","displayName":"Eng writers","rolePermissions":[{"allowedResourceActions":[
            "microsoft.directory/attributeSets/allProperties/read",
            "microsoft.directory/customSecurityAttributeDefinitions/allProperties/read",
            "microsoft.directory/users/customSecurityAttributes/read",
            "microsoft.directory/users/customSecurityAttributes/update"]}]}],
            "roleAssignments":[{"roleDefinitionId":"Eng writers","directoryScopeId":"/attributeSets/Engineering"}]}"#,
        )
        .unwrap();
        assert!(r
            .missing_for_update(&ObjectKind::User, "Engineering")
            .is_empty());
        assert_eq!(
            r.missing_for_update(&ObjectKind::ServicePrincipal, "Engineering")
                .len(),
            2
        );
    }
}
