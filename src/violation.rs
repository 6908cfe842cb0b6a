//! Violations and warnings as data (docs/RULES.md, Rule table and Output documents).

use std::fmt;
use std::ops::Range;

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

use crate::snippet::Location;

mod locate;
pub use locate::Locate;
pub(crate) use locate::{result_parts, Parts};

macro_rules! codes {
    ($( $(#[$doc:meta])* $variant:ident = $text:literal, $status:literal, $graph:expr; )*) => {
        /// The stable code of a violation. Codes are documented in `docs/RULES.md`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum Code {
            $( $(#[$doc])* $variant, )*
        }

        impl Code {
            /// Every code, in declaration order.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// The code as written in outputs (`snake_case`).
            pub fn as_str(self) -> &'static str {
                match self { $( Code::$variant => $text, )* }
            }

            /// The HTTP status Graph answers with.
            pub fn status(self) -> u16 {
                match self { $( Code::$variant => $status, )* }
            }

            /// The Graph error code (`error.code` in Graph's error body).
            pub fn graph_error(self) -> &'static str {
                match self { $( Code::$variant => $graph, )* }
            }

            /// Parses a code from its `snake_case` text.
            pub fn from_name(s: &str) -> Option<Code> {
                match s { $( $text => Some(Code::$variant), )* _ => None }
            }
        }
    };
}

const BAD: &str = "Request_BadRequest";

codes! {
    /// The body is not UTF-8 JSON, is nested too deeply, or is not an object.
    InvalidJson = "invalid_json", 400, BAD;
    /// The body's structure is not Graph's (`customSecurityAttributes` missing or not an object).
    InvalidShape = "invalid_shape", 400, BAD;
    /// The input is larger than the policy allows.
    PayloadTooLarge = "payload_too_large", 400, BAD;
    /// Two keys name the same set or attribute.
    DuplicateKey = "duplicate_key", 400, BAD;
    /// A set object has no `@odata.type`.
    MissingOdataType = "missing_odata_type", 400, BAD;
    /// An `@odata.type` annotation is not one Graph knows here.
    InvalidOdataType = "invalid_odata_type", 400, BAD;
    /// An annotation disagrees with the definition, or has no attribute.
    AnnotationMismatch = "annotation_mismatch", 400, BAD;
    /// A missing annotation, in strict mode.
    MissingAnnotation = "missing_annotation", 400, BAD;
    /// The attribute set does not exist.
    UnknownAttributeSet = "unknown_attribute_set", 400, BAD;
    /// The attribute does not exist in its set.
    UnknownAttribute = "unknown_attribute", 400, BAD;
    /// The value has the wrong JSON type.
    TypeMismatch = "type_mismatch", 400, BAD;
    /// A multi-valued attribute was given a scalar.
    CollectionExpected = "collection_expected", 400, BAD;
    /// A single-valued attribute was given an array.
    SingleValueExpected = "single_value_expected", 400, BAD;
    /// `null` on a multi-valued attribute or `[]` on a single-valued one.
    WrongRemoval = "wrong_removal", 400, BAD;
    /// An empty string value.
    EmptyString = "empty_string", 400, BAD;
    /// A string value longer than 64 UTF-16 code units.
    ValueTooLong = "value_too_long", 400, BAD;
    /// An integer outside Int32.
    IntegerOutOfRange = "integer_out_of_range", 400, BAD;
    /// A collection repeats a value.
    DuplicateValue = "duplicate_value", 400, BAD;
    /// The object would hold more than 50 values.
    TooManyValues = "too_many_values", 400, BAD;
    /// The value is not one of the attribute's predefined values.
    ValueNotPredefined = "value_not_predefined", 400, BAD;
    /// The predefined value is deactivated and the object does not hold it already.
    ValueDeactivated = "value_deactivated", 400, BAD;
    /// The attribute is deactivated: its value cannot be set or changed.
    AttributeDeactivated = "attribute_deactivated", 400, BAD;
    /// The object is synchronised from on-premises Active Directory.
    SyncedObject = "synced_object", 400, BAD;
    /// The object kind cannot hold custom security attributes (under this policy).
    UnsupportedObjectType = "unsupported_object_type", 400, BAD;
    /// The actor lacks a permission.
    PermissionDenied = "permission_denied", 403, "Authorization_RequestDenied";
    /// A required property is missing or `null`.
    MissingProperty = "missing_property", 400, BAD;
    /// A property has the wrong JSON type or is out of range.
    InvalidProperty = "invalid_property", 400, BAD;
    /// A set or attribute name breaks the name syntax.
    InvalidName = "invalid_name", 400, BAD;
    /// A description is longer than 128 UTF-16 code units.
    DescriptionTooLong = "description_too_long", 400, BAD;
    /// A set, definition or allowed value is defined twice.
    DuplicateName = "duplicate_name", 400, BAD;
    /// A definition's `id` is not `{attributeSet}_{name}`.
    IdMismatch = "id_mismatch", 400, BAD;
    /// A definition's `type` is not `String`, `Integer` or `Boolean`.
    InvalidType = "invalid_type", 400, BAD;
    /// A definition's `status` is not `Available` or `Deprecated`.
    InvalidStatus = "invalid_status", 400, BAD;
    /// A Boolean definition is multi-valued.
    BooleanCollection = "boolean_collection", 400, BAD;
    /// A Boolean definition is predefined-only.
    BooleanPredefined = "boolean_predefined", 400, BAD;
    /// An allowed value's id is invalid for its definition.
    InvalidAllowedValue = "invalid_allowed_value", 400, BAD;
    /// A definition has more than 100 allowed values.
    TooManyAllowedValues = "too_many_allowed_values", 400, BAD;
    /// A tenant or set limit is exceeded.
    LimitExceeded = "limit_exceeded", 400, BAD;
    /// An immutable property would change.
    ImmutableChanged = "immutable_changed", 400, BAD;
    /// `usePreDefinedValuesOnly` would go from false to true.
    PredefinedOnlyEnabled = "predefined_only_enabled", 400, BAD;
    /// Something would be deleted, which Entra does not allow.
    Deleted = "deleted", 405, BAD;
    /// A request Graph does not offer.
    UnsupportedRequest = "unsupported_request", 405, BAD;
    /// A request path that names nothing.
    NotFound = "not_found", 404, "Request_ResourceNotFound";
    /// A `$filter` or query option Graph refuses.
    InvalidFilter = "invalid_filter", 400, "Request_UnsupportedQuery";
    /// Applying changes whose preconditions no longer hold.
    Conflict = "conflict", 412, "Request_PreconditionFailed";
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// The code of a warning. Warnings never refuse anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum WarningCode {
    /// A property csa does not know was ignored.
    IgnoredProperty,
    /// A collection or single integer was sent without its `@odata.type` annotation.
    MissingAnnotation,
    /// A Boolean was given as the string `"true"` or `"false"`.
    CoercedBoolean,
    /// The object holds an attribute the catalog does not define; it is kept as it is.
    UnknownCurrentAttribute,
    /// A role assignment with a scope csa does not understand grants nothing.
    IgnoredRoleAssignment,
    /// A PATCH body without `customSecurityAttributes` changes none; what it holds was ignored.
    NoCustomSecurityAttributes,
}

impl WarningCode {
    /// Every warning code.
    pub const ALL: &'static [WarningCode] = &[
        WarningCode::IgnoredProperty,
        WarningCode::MissingAnnotation,
        WarningCode::CoercedBoolean,
        WarningCode::UnknownCurrentAttribute,
        WarningCode::IgnoredRoleAssignment,
        WarningCode::NoCustomSecurityAttributes,
    ];

    /// The code as written in outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            WarningCode::IgnoredProperty => "ignored_property",
            WarningCode::MissingAnnotation => "missing_annotation",
            WarningCode::CoercedBoolean => "coerced_boolean",
            WarningCode::UnknownCurrentAttribute => "unknown_current_attribute",
            WarningCode::IgnoredRoleAssignment => "ignored_role_assignment",
            WarningCode::NoCustomSecurityAttributes => "no_custom_security_attributes",
        }
    }
}

impl fmt::Display for WarningCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for WarningCode {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// Whether authorization was evaluated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Authorization {
    /// An actor was given and its permissions were checked.
    Checked,
    /// No actor was given: only validity was checked.
    NotChecked,
}

impl Authorization {
    /// `checked` / `not_checked`.
    pub fn as_str(self) -> &'static str {
        match self {
            Authorization::Checked => "checked",
            Authorization::NotChecked => "not_checked",
        }
    }
}

impl Serialize for Authorization {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// Which input document a violation or warning points into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Document {
    /// The PATCH body.
    Body,
    /// The catalog.
    Catalog,
    /// The object (its current state).
    Object,
    /// The actor.
    Actor,
    /// The policy.
    Policy,
    /// The body of a definition request (`csa define`).
    Definition,
    /// The `$filter` text of a query (its decoded text; offsets count its bytes).
    Filter,
    /// The desired state of a plan ([`crate::Engine::plan`]).
    Desired,
    /// A changes document: the output of `csa check` or `csa plan`, or its `changes` array
    /// ([`crate::changes_from_json`]).
    Changes,
}

impl Document {
    /// The document's name in messages: `catalog`, `object`, `PATCH body`, ...
    pub fn as_str(self) -> &'static str {
        match self {
            Document::Body => "PATCH body",
            Document::Catalog => "catalog",
            Document::Object => "object",
            Document::Actor => "actor",
            Document::Policy => "policy",
            Document::Definition => "definition request body",
            Document::Filter => "filter",
            Document::Desired => "desired state",
            Document::Changes => "changes",
        }
    }
}

impl fmt::Display for Document {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An input document that cannot be used at all (a catalog that is not valid, an object, actor,
/// policy or changes document that cannot be read): which document, and every problem found in
/// it, each with its pointer. The one error type of every reader (`Catalog::from_json`,
/// `Object::from_json`, `Actor::from_json`, `Policy::from_json`, `State::from_json`,
/// `changes_from_json`); `csa` exits 2 on it.
///
/// Its `Display` is one line: `invalid actor: invalid_property at /appPermissions: ... (and 2
/// more)`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid {}{}: {}", .document, .item.as_deref().map(|i| format!(" ({i})")).unwrap_or_default(), summary(.violations))]
pub struct InputError {
    document: Document,
    /// Which item of a list of documents (`line 3`, `item 2`), when the input is a list.
    item: Option<String>,
    violations: Vec<Violation>,
    warnings: Vec<Warning>,
}

impl InputError {
    pub(crate) fn new(document: Document, mut violations: Vec<Violation>) -> Self {
        debug_assert!(!violations.is_empty(), "an input error says what is wrong");
        sort_violations(&mut violations);
        Self {
            document,
            item: None,
            violations,
            warnings: Vec::new(),
        }
    }

    pub(crate) fn with_warnings(mut self, mut warnings: Vec<Warning>) -> Self {
        sort_warnings(&mut warnings);
        self.warnings = warnings;
        self
    }

    /// The same error, about item `item` (`line 3`) of a list of documents.
    pub(crate) fn in_item(mut self, item: String) -> Self {
        self.item = Some(item);
        self
    }

    /// Which document it is.
    pub fn document(&self) -> Document {
        self.document
    }

    /// Which item of a list of documents, when the input was a list (`line 3`, `item 2`).
    pub fn item(&self) -> Option<&str> {
        self.item.as_deref()
    }

    /// The first problem, and how many more there are, on one line:
    /// `invalid_property at /appPermissions: ... (and 2 more)`.
    pub fn summary(&self) -> String {
        summary(&self.violations)
    }

    /// Every problem found, ordered by pointer then code.
    pub fn violations(&self) -> &[Violation] {
        &self.violations
    }

    /// The warnings found alongside.
    pub fn warnings(&self) -> &[Warning] {
        &self.warnings
    }

    /// The problems, by value.
    pub fn into_violations(self) -> Vec<Violation> {
        self.violations
    }
}

fn summary(violations: &[Violation]) -> String {
    let Some(first) = violations.first() else {
        return "no detail given".to_owned();
    };
    let at = if first.pointer().is_empty() {
        String::new()
    } else {
        format!(" at {}", first.pointer())
    };
    let more = match violations.len() {
        0 | 1 => String::new(),
        n => format!(" (and {} more)", n - 1),
    };
    format!("{}{at}: {}{more}", first.code(), first.message())
}

/// Serialises as `{"error": "invalid_catalog", "violations": [...]}` (`invalid_object`,
/// `invalid_actor`, ...): what `csa check --format json` prints for a catalog it cannot use.
impl Serialize for InputError {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let error = match self.document {
            Document::Catalog => "invalid_catalog",
            Document::Object => "invalid_object",
            Document::Actor => "invalid_actor",
            Document::Policy => "invalid_policy",
            Document::Changes => "invalid_changes",
            Document::Body => "invalid_body",
            Document::Definition => "invalid_definition",
            Document::Filter => "invalid_filter",
            Document::Desired => "invalid_desired",
        };
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("error", error)?;
        if let Some(item) = &self.item {
            m.serialize_entry("item", item)?;
        }
        m.serialize_entry("violations", &self.violations)?;
        m.end()
    }
}

/// What every outcome that carries violations and warnings offers: an [`crate::Evaluation`],
/// a [`crate::DefineOutcome`], a [`crate::QueryOutcome`], an [`crate::Applied`], a
/// [`crate::LintReport`] and an [`InputError`].
///
/// Each also has its verdict as an inherent method named after the field its JSON document
/// carries: `is_allowed` for a request (Graph would accept it), `is_valid` for a catalog (a
/// document is valid or not; nobody allows it), `is_legal` for an evolution (a change of
/// catalog is legal or not).
pub trait Verdict {
    /// Every violation (empty when the input passed), ordered by pointer then code.
    fn violations(&self) -> &[Violation];

    /// Every warning, ordered by pointer then code. Warnings never refuse anything.
    fn warnings(&self) -> &[Warning];

    /// The violations' codes, in order.
    fn codes(&self) -> Vec<Code> {
        self.violations().iter().map(Violation::code).collect()
    }

    /// The warnings' codes, in order.
    fn warning_codes(&self) -> Vec<WarningCode> {
        self.warnings().iter().map(Warning::code).collect()
    }
}

impl Verdict for InputError {
    fn violations(&self) -> &[Violation] {
        &self.violations
    }
    fn warnings(&self) -> &[Warning] {
        &self.warnings
    }
}

/// What a violation and a warning both are: a pointer, an attribute, a message, a span in a
/// document. Their builders and accessors, written once.
macro_rules! located {
    ($type:ident, $pointee:literal) => {
        impl $type {
            pub(crate) fn attr(mut self, attribute: impl Into<String>) -> Self {
                self.attribute = Some(attribute.into());
                self
            }
            pub(crate) fn span(mut self, span: Range<usize>) -> Self {
                self.span = Some(span);
                self
            }
            pub(crate) fn in_doc(mut self, document: Document) -> Self {
                self.document = document;
                self
            }
            #[doc = concat!("RFC 6901 pointer to ", $pointee, ", `\"\"` for the whole document.")]
            pub fn pointer(&self) -> &str {
                &self.pointer
            }
            /// The `Set_Name` id of the attribute involved, in catalog casing, if any.
            pub fn attribute(&self) -> Option<&str> {
                self.attribute.as_deref()
            }
            /// What is wrong or what happened (lowercase, no final period).
            pub fn message(&self) -> &str {
                &self.message
            }
            /// Byte range of the text concerned in the input document, when known.
            pub fn byte_span(&self) -> Option<Range<usize>> {
                self.span.clone()
            }
            /// The keys every violation and warning starts with.
            fn serialize_head<M: SerializeMap>(&self, m: &mut M) -> Result<(), M::Error> {
                m.serialize_entry("code", &self.code)?;
                m.serialize_entry("pointer", &self.pointer)?;
                m.serialize_entry("attribute", &self.attribute)?;
                m.serialize_entry("message", &self.message)
            }
            /// Which input document [`Self::pointer`] and [`Self::byte_span`] refer to.
            pub fn document(&self) -> Document {
                self.document
            }
            /// The line and column of [`Self::byte_span`]'s start, when the document was
            /// given to a command ([`crate::commands`]) as text.
            pub fn location(&self) -> Option<Location> {
                self.location
            }
        }
    };
}

/// One rule broken by an input: a stable code, where, what and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{code}: {message}")]
pub struct Violation {
    pub(crate) code: Code,
    pub(crate) pointer: String,
    pub(crate) attribute: Option<String>,
    pub(crate) message: String,
    pub(crate) hint: Option<String>,
    pub(crate) offset: Option<usize>,
    pub(crate) span: Option<Range<usize>>,
    pub(crate) document: Document,
    pub(crate) location: Option<Location>,
}

located!(Violation, "the value or key at fault");

impl Violation {
    pub(crate) fn new(code: Code, pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            code,
            pointer: pointer.into(),
            attribute: None,
            message: message.into(),
            hint: None,
            offset: None,
            span: None,
            document: Document::Body,
            location: None,
        }
    }

    /// `payload_too_large` for a body of `len` bytes over the `max` bytes the policy allows
    /// (`maxBodyBytes`), in `document`: the one wording of PATCH bodies, definition request
    /// bodies and `csa serve`, which refuses a body before reading it whole (`len` is `None`
    /// when the body's length is not declared and reading stopped past `max`).
    pub fn payload_too_large(document: Document, len: Option<usize>, max: usize) -> Violation {
        let message = match len {
            Some(len) => format!("the body is {len} bytes, more than the {max} bytes allowed"),
            None => format!("the body is more than the {max} bytes allowed"),
        };
        Violation::new(Code::PayloadTooLarge, "", message).in_doc(document)
    }

    pub(crate) fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub(crate) fn maybe_hint(mut self, hint: Option<String>) -> Self {
        self.hint = hint;
        self
    }

    /// An `invalid_filter` at `offset` in the filter text: the offset, a one-byte span there
    /// (for carets), and the filter as the document.
    pub(crate) fn at_offset(self, offset: usize) -> Self {
        self.at_span(offset..offset.saturating_add(1))
    }

    /// An `invalid_filter` on `span` of the filter text: the offset of its start, the span
    /// (for carets), and the filter as the document.
    pub(crate) fn at_span(mut self, span: std::ops::Range<usize>) -> Self {
        self.offset = Some(span.start);
        self.span = Some(span);
        self.document = Document::Filter;
        self
    }

    /// The stable code.
    pub fn code(&self) -> Code {
        self.code
    }
    /// How to fix it, when csa knows.
    pub fn hint(&self) -> Option<&str> {
        self.hint.as_deref()
    }
    /// The HTTP status Graph answers with.
    pub fn status(&self) -> u16 {
        self.code.status()
    }
    /// The Graph error code.
    pub fn graph_error(&self) -> &'static str {
        self.code.graph_error()
    }
    /// Byte offset into a filter text (`invalid_filter` only).
    pub fn offset(&self) -> Option<usize> {
        self.offset
    }
    /// The message Graph itself gives for this violation, where it has a fixed one.
    pub fn graph_message(&self) -> &str {
        match self.code {
            Code::PermissionDenied => "Insufficient privileges to complete the operation.",
            _ => &self.message,
        }
    }
}

impl Serialize for Violation {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        self.serialize_head(&mut m)?;
        m.serialize_entry("hint", &self.hint)?;
        m.serialize_entry("status", &self.code.status())?;
        m.serialize_entry("graphError", self.code.graph_error())?;
        // The filter's offset always; any other once located in its text.
        let located = self.location.and(self.span.as_ref()).map(|s| s.start);
        if let Some(offset) = self.offset.or(located) {
            m.serialize_entry("offset", &offset)?;
        }
        serialize_location(&mut m, self.location)?;
        m.end()
    }
}

/// `line` and `column` (1-based), when known.
fn serialize_location<M: SerializeMap>(m: &mut M, at: Option<Location>) -> Result<(), M::Error> {
    if let Some(at) = at {
        m.serialize_entry("line", &at.line())?;
        m.serialize_entry("column", &at.column())?;
    }
    Ok(())
}

/// Something worth knowing that refuses nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    pub(crate) code: WarningCode,
    pub(crate) pointer: String,
    pub(crate) attribute: Option<String>,
    pub(crate) message: String,
    pub(crate) span: Option<Range<usize>>,
    pub(crate) document: Document,
    pub(crate) location: Option<Location>,
}

impl Serialize for Warning {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        self.serialize_head(&mut m)?;
        serialize_location(&mut m, self.location)?;
        m.end()
    }
}

located!(Warning, "what the warning is about");

impl Warning {
    pub(crate) fn new(
        code: WarningCode,
        pointer: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            code,
            pointer: pointer.into(),
            attribute: None,
            message: message.into(),
            span: None,
            document: Document::Body,
            location: None,
        }
    }
    /// The warning code.
    pub fn code(&self) -> WarningCode {
        self.code
    }
}

/// Orders violations as docs/RULES.md (Result) says: by pointer (as strings), then code, then
/// message.
pub(crate) fn sort_violations(v: &mut [Violation]) {
    v.sort_by(|a, b| {
        (&a.pointer, a.code.as_str(), &a.message).cmp(&(&b.pointer, b.code.as_str(), &b.message))
    });
}

/// Runs `f` out of line, as code the hot path rarely reaches: wrapping the building of a
/// violation in it keeps the checks that precede it small enough to stay in the instruction
/// cache.
#[cold]
#[inline(never)]
pub(crate) fn cold<T>(f: impl FnOnce() -> T) -> T {
    f()
}

/// Orders warnings deterministically, like violations.
pub(crate) fn sort_warnings(v: &mut [Warning]) {
    v.sort_by(|a, b| {
        (&a.pointer, a.code.as_str(), &a.message).cmp(&(&b.pointer, b.code.as_str(), &b.message))
    });
}

/// A JSON Pointer under construction (RFC 6901 escaping).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Pointer(String);

impl Pointer {
    pub(crate) fn root() -> Self {
        Self(String::new())
    }
    /// An empty pointer with room for `capacity` bytes, to be built with [`Self::push_key`]
    /// and [`Self::push_index`] in one allocation.
    pub(crate) fn with_capacity(capacity: usize) -> Self {
        Self(String::with_capacity(capacity))
    }
    pub(crate) fn key(&self, key: &str) -> Self {
        let mut p = Self::with_capacity(self.0.len() + key.len() + 1);
        p.0.push_str(&self.0);
        p.push_key(key);
        p
    }
    pub(crate) fn index(&self, i: usize) -> Self {
        let mut p = Self::with_capacity(self.0.len() + 1 + MAX_DECIMAL);
        p.0.push_str(&self.0);
        p.push_index(i);
        p
    }
    /// Appends a key known to need no escaping (a constant such as `customSecurityAttributes`).
    pub(crate) fn push_plain_key(&mut self, key: &'static str) {
        debug_assert!(!key.contains(['~', '/']), "{key} needs escaping");
        self.0.push('/');
        self.0.push_str(key);
    }
    /// Appends a key, escaped.
    pub(crate) fn push_key(&mut self, key: &str) {
        let s = &mut self.0;
        s.push('/');
        // Bytes, not characters: both are ASCII, and no other character's UTF-8 holds them.
        if key.bytes().any(|b| b == b'~' || b == b'/') {
            for c in key.chars() {
                match c {
                    '~' => s.push_str("~0"),
                    '/' => s.push_str("~1"),
                    c => s.push(c),
                }
            }
        } else {
            s.push_str(key);
        }
    }
    /// Appends an array index.
    pub(crate) fn push_index(&mut self, i: usize) {
        self.0.push('/');
        push_decimal(&mut self.0, i);
    }
    #[cfg(test)]
    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }
}

/// The most digits a `usize` has in decimal.
pub(crate) const MAX_DECIMAL: usize = 20;

/// Appends `n` in decimal, without the formatting machinery (messages and pointers).
pub(crate) fn push_decimal(s: &mut String, n: usize) {
    s.push_str(itoa::Buffer::new().format(n));
}

impl From<Pointer> for String {
    fn from(p: Pointer) -> String {
        p.0
    }
}

impl From<&Pointer> for String {
    fn from(p: &Pointer) -> String {
        p.0.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointer_escapes() {
        let p = Pointer::root().key("a/b").key("c~d").index(3);
        assert_eq!(p.as_str(), "/a~1b/c~0d/3");
        let mut q = Pointer::with_capacity(4);
        q.push_key("x/~");
        q.push_index(0);
        q.push_index(1207);
        q.push_index(usize::MAX);
        assert_eq!(q.as_str(), format!("/x~1~0/0/1207/{}", usize::MAX));
        for n in [0, 7, 10, 64, 99, 100, 12_345, usize::MAX] {
            let mut s = String::new();
            push_decimal(&mut s, n);
            assert_eq!(s, n.to_string());
        }
    }

    #[test]
    fn codes_round_trip() {
        for c in Code::ALL {
            assert_eq!(Code::from_name(c.as_str()), Some(*c));
        }
        assert_eq!(Code::PermissionDenied.status(), 403);
        assert_eq!(
            Code::InvalidFilter.graph_error(),
            "Request_UnsupportedQuery"
        );
    }

    #[test]
    fn serialises_as_rules_section_9() {
        let v = Violation::new(Code::EmptyString, "/customSecurityAttributes/E/P", "empty")
            .attr("E_P")
            .with_hint("remove it with `null`");
        let j = serde_json::to_value(&v).unwrap();
        assert_eq!(
            j,
            serde_json::json!({"code":"empty_string","pointer":"/customSecurityAttributes/E/P",
                "attribute":"E_P","message":"empty","hint":"remove it with `null`",
                "status":400,"graphError":"Request_BadRequest"})
        );
    }
}
