//! Every bound csa applies, in one place: Entra's own limits (what Graph refuses), and the bounds
//! csa sets on untrusted input so that no input costs unbounded time or memory. Lengths count
//! UTF-16 code units, as Graph (a .NET service) does.

/// Longest attribute set or attribute name.
pub const MAX_NAME_LEN: usize = 32;
/// Longest string value (assigned, or an allowed value's id).
pub const MAX_VALUE_LEN: usize = 64;
/// Longest allowed value id (a value: the same bound as [`MAX_VALUE_LEN`]).
pub const MAX_ALLOWED_VALUE_LEN: usize = MAX_VALUE_LEN;
/// Longest description of an attribute set or definition.
pub const MAX_DESCRIPTION_LEN: usize = 128;
/// Most values an object may hold across all its attributes.
pub const MAX_VALUES_PER_OBJECT: usize = 50;
/// Most attribute sets in a tenant.
pub const MAX_ATTRIBUTE_SETS: usize = 500;
/// Most definitions with `status = Available` in a tenant.
pub const MAX_ACTIVE_DEFINITIONS: usize = 500;
/// Largest `maxAttributesPerSet` an attribute set may state.
pub const MAX_ATTRIBUTES_PER_SET: u32 = 500;
/// Most allowed values per definition (active and inactive).
pub const MAX_ALLOWED_VALUES: usize = 100;

/// Largest PATCH body, definition request body or desired state, by default
/// (`maxBodyBytes` of the policy): 1 MiB.
pub const DEFAULT_MAX_BODY_BYTES: usize = 1 << 20;
/// Largest catalog, by default (`maxCatalogBytes` of the policy): 64 MiB.
pub const DEFAULT_MAX_CATALOG_BYTES: usize = 64 << 20;
/// Deepest nesting of arrays and objects in any JSON input: 128 levels are read, 129 are not
/// (serde_json's limit has the same number but already refuses the 128th level).
pub const MAX_JSON_DEPTH: usize = 128;
/// Longest `$filter` text, in bytes.
pub const MAX_FILTER_BYTES: usize = 4096;
/// Deepest nesting of parentheses and `not` in a `$filter`.
pub const MAX_FILTER_DEPTH: usize = 32;

/// "Did you mean" searches per evaluation: each compares a name with a whole list, so a body
/// of thousands of unknown names gets a generic hint after the first ones instead of costing
/// thousands of list scans.
pub(crate) const MAX_SUGGESTIONS: u16 = 32;
