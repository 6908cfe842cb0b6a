//! The document reader every input uses: a parsed JSON document read item by item, each
//! problem recorded with its code, pointer and span ([`Diag`]), properties read with their
//! types checked and unknown ones flagged ([`Props`]).

use crate::json::{self, Member, Node};
use crate::limits::MAX_DESCRIPTION_LEN;
use crate::names::{check_name, utf16_len};
use crate::violation::{Code, Document, InputError, Pointer, Violation, Warning, WarningCode};

/// Violations and warnings collected while reading one document.
#[derive(Debug, Default)]
pub(crate) struct Diag {
    pub(crate) violations: Vec<Violation>,
    pub(crate) warnings: Vec<Warning>,
    pub(crate) document: Option<Document>,
}

impl Diag {
    pub(crate) fn for_doc(document: Document) -> Self {
        Self {
            document: Some(document),
            ..Self::default()
        }
    }
    #[inline]
    pub(crate) fn push(&mut self, v: Violation) {
        let doc = self.document.unwrap_or(Document::Catalog);
        self.violations.push(v.in_doc(doc));
    }
    #[inline]
    pub(crate) fn warn(&mut self, w: Warning) {
        let doc = self.document.unwrap_or(Document::Catalog);
        self.warnings.push(w.in_doc(doc));
    }
    /// Parses a whole input document; on failure records `invalid_json` naming `what`.
    pub(crate) fn parse<'a>(&mut self, bytes: &'a [u8], what: &str) -> Option<Node<'a>> {
        match json::parse(bytes, crate::limits::MAX_JSON_DEPTH) {
            Ok(root) => Some(root),
            Err(e) => {
                self.push(
                    Violation::new(
                        Code::InvalidJson,
                        "",
                        format!("the {what} is not valid JSON: {}", e.message),
                    )
                    .span(e.offset..e.offset.saturating_add(1)),
                );
                None
            }
        }
    }

    /// The document's problems as the error of its reader.
    pub(crate) fn into_error(self) -> InputError {
        InputError::new(self.document.unwrap_or(Document::Catalog), self.violations)
            .with_warnings(self.warnings)
    }

    pub(crate) fn err(
        &mut self,
        code: Code,
        ptr: &Pointer,
        node_span: (usize, usize),
        msg: String,
    ) {
        self.push(Violation::new(code, ptr, msg).span(node_span.0..node_span.1));
    }
}

#[inline]
pub(crate) fn span(n: &Node<'_>) -> (usize, usize) {
    (n.start, n.end)
}

/// Whether a key is OData control information, which csa ignores silently.
#[inline]
pub(crate) fn is_odata_key(key: &str) -> bool {
    key.starts_with("@odata.") || key.contains("@odata.")
}

/// Reads the properties of one item, flagging unknown ones.
pub(crate) struct Props<'n, 'a> {
    pub(crate) node: &'n Node<'a>,
    pub(crate) members: &'n [Member<'a>],
    pub(crate) ptr: Pointer,
}

impl<'n, 'a> Props<'n, 'a> {
    /// `None` (with an `invalid_property` violation) when the item is not an object.
    pub(crate) fn new(node: &'n Node<'a>, ptr: &Pointer, what: &str, d: &mut Diag) -> Option<Self> {
        match node.as_object() {
            Some(members) => Some(Self {
                node,
                members,
                ptr: ptr.clone(),
            }),
            None => {
                d.err(
                    Code::InvalidProperty,
                    ptr,
                    span(node),
                    format!("{what} must be a JSON object, not {}", node.kind_name()),
                );
                None
            }
        }
    }

    /// Warns about every member not in `known` (OData keys are ignored silently) and about
    /// duplicate keys.
    pub(crate) fn check_unknown(&self, known: &[&str], what: &str, d: &mut Diag) {
        // Which known keys were met: a duplicate is found without rescanning the members.
        let mut met: smallvec::SmallVec<[bool; 16]> = smallvec::smallvec![false; known.len()];
        for m in self.members {
            let k = m.key.as_ref();
            if is_odata_key(k) {
                continue;
            }
            let Some(at) = known.iter().position(|n| *n == k) else {
                d.warn(
                    Warning::new(
                        WarningCode::IgnoredProperty,
                        self.ptr.key(k),
                        format!("the property `{k}` is not part of {what} and was ignored"),
                    )
                    .span(m.key_start..m.key_end),
                );
                continue;
            };
            if let Some(seen) = met.get_mut(at) {
                if *seen {
                    d.push(
                        Violation::new(
                            Code::DuplicateKey,
                            self.ptr.key(k),
                            format!("the property `{k}` appears more than once"),
                        )
                        .with_hint("keep one of them")
                        .span(m.key_start..m.key_end),
                    );
                }
                *seen = true;
            }
        }
    }

    /// The first member named `key`, `None` when absent.
    #[inline]
    pub(crate) fn get(&self, key: &str) -> Option<&'n Node<'a>> {
        self.members.iter().find(|m| m.key == key).map(|m| &m.value)
    }

    /// A required, non-null property.
    pub(crate) fn required(&self, key: &str, what: &str, d: &mut Diag) -> Option<&'n Node<'a>> {
        match self.get(key) {
            Some(n) if !n.is_null() => Some(n),
            Some(n) => {
                d.err(
                    Code::MissingProperty,
                    &self.ptr.key(key),
                    span(n),
                    format!("{what} needs `{key}`, which is null"),
                );
                None
            }
            None => {
                d.err(
                    Code::MissingProperty,
                    &self.ptr,
                    span(self.node),
                    format!("{what} needs `{key}`"),
                );
                None
            }
        }
    }

    pub(crate) fn string(&self, key: &str, node: &'n Node<'a>, d: &mut Diag) -> Option<&'n str> {
        match node.as_str() {
            Some(s) => Some(s),
            None => {
                d.err(
                    Code::InvalidProperty,
                    &self.ptr.key(key),
                    span(node),
                    format!("`{key}` must be a string, not {}", node.kind_name()),
                );
                None
            }
        }
    }

    /// A Boolean, also accepting the strings `"true"` / `"false"` with a warning.
    pub(crate) fn boolean(&self, key: &str, node: &'n Node<'a>, d: &mut Diag) -> Option<bool> {
        if let Some(b) = node.as_bool() {
            return Some(b);
        }
        let coerced = match node.as_str() {
            Some(s) if s.eq_ignore_ascii_case("true") => Some(true),
            Some(s) if s.eq_ignore_ascii_case("false") => Some(false),
            _ => None,
        };
        match coerced {
            Some(b) => {
                d.warn(
                    Warning::new(
                        WarningCode::CoercedBoolean,
                        self.ptr.key(key),
                        format!("`{key}` was given as the string `\"{b}\"` and read as the Boolean `{b}`"),
                    )
                    .span(node.start..node.end),
                );
                Some(b)
            }
            None => {
                d.err(
                    Code::InvalidProperty,
                    &self.ptr.key(key),
                    span(node),
                    format!("`{key}` must be a Boolean, not {}", node.kind_name()),
                );
                None
            }
        }
    }

    /// An optional string (absent or `null` is `None`).
    pub(crate) fn opt_string(&self, key: &str, d: &mut Diag) -> Result<Option<String>, ()> {
        match self.get(key) {
            None => Ok(None),
            Some(n) if n.is_null() => Ok(None),
            Some(n) => self.string(key, n, d).map(|s| Some(s.to_owned())).ok_or(()),
        }
    }

    /// An optional description, checked for length.
    pub(crate) fn description(&self, d: &mut Diag) -> Result<Option<String>, ()> {
        let desc = self.opt_string("description", d)?;
        if let (Some(text), Some(node)) = (&desc, self.get("description")) {
            if utf16_len(text) > MAX_DESCRIPTION_LEN {
                d.err(
                    Code::DescriptionTooLong,
                    &self.ptr.key("description"),
                    span(node),
                    format!(
                        "the description is {} UTF-16 code units long, more than {MAX_DESCRIPTION_LEN}",
                        utf16_len(text)
                    ),
                );
                return Err(());
            }
        }
        Ok(desc)
    }
}

pub(crate) fn check_name_at(
    name: &str,
    ptr: &Pointer,
    node: &Node<'_>,
    what: &str,
    d: &mut Diag,
) -> bool {
    match check_name(name) {
        Ok(()) => true,
        Err(e) => {
            d.err(
                Code::InvalidName,
                ptr,
                span(node),
                format!("`{name}` is not a valid {what} name: {e}"),
            );
            false
        }
    }
}
