//! A write's body: required (`invalid_json`), within the policy's `maxBodyBytes`
//! (`payload_too_large`), read with the catalog's own item parsers. An update body may carry only
//! the properties Graph's update accepts: the others are `immutable_changed`, even when they
//! carry the stored value.

use super::Define;
use crate::catalog::parse::name_attribute;
use crate::json::Node;
use crate::reader::{Diag, Props};
use crate::violation::{Code, Document, Pointer, Violation};

impl Define<'_> {
    /// Parses the request body (required for writes), within the policy's size limit.
    pub(super) fn body<'b>(&mut self, body: Option<&'b [u8]>) -> Result<Node<'b>, Vec<Violation>> {
        let Some(bytes) = body else {
            return Err(vec![Violation::new(
                Code::InvalidJson,
                "",
                "the request needs a JSON body",
            )
            .with_hint("send the item's properties as a JSON object")
            .in_doc(Document::Definition)]);
        };
        if bytes.len() > self.policy.max_body_bytes {
            return Err(vec![Violation::payload_too_large(
                Document::Definition,
                Some(bytes.len()),
                self.policy.max_body_bytes,
            )]);
        }
        match self.d.parse(bytes, "body") {
            Some(n) => Ok(n),
            None => Err(Vec::new()),
        }
    }

    /// The body's members, once it is an object.
    pub(super) fn props<'n, 'a>(
        &mut self,
        root: &'n Node<'a>,
        what: &str,
    ) -> Result<Props<'n, 'a>, Vec<Violation>> {
        Props::new(root, &Pointer::root(), what, &mut self.d).ok_or_else(Vec::new)
    }

    /// What a parser read, if the request has no violation so far (they are all in `d`: the
    /// refusal adds none).
    pub(super) fn ok<T>(&mut self, parsed: Option<T>) -> Result<T, Vec<Violation>> {
        match parsed {
            Some(t) if self.d.violations.is_empty() => Ok(t),
            _ => Err(Vec::new()),
        }
    }

    /// Refuses the request if it has a violation so far (in `d`).
    pub(super) fn no_violations(&self) -> Result<(), Vec<Violation>> {
        if self.d.violations.is_empty() {
            Ok(())
        } else {
            Err(Vec::new())
        }
    }

    /// Every violation and warning found in a body about one definition names it.
    pub(super) fn name_attribute(&mut self, id: &str) {
        name_attribute(&mut self.d, (0, 0), id);
    }
}

/// For an update body: warns about unknown members (via [`Props::check_unknown`]) and refuses
/// every member naming a property that cannot change (`immutable_changed`), even when it
/// carries the stored value: Graph's update accepts only the `known` properties.
pub(super) fn check_unknown_and_immutable(
    p: &Props<'_, '_>,
    (known, refused): (&[&str], &[&str]),
    immutable: &[&str],
    what: &str,
    d: &mut Diag,
) {
    // `refused`: known properties the caller refuses itself (not warned about as unknown).
    let all: Vec<&str> = known
        .iter()
        .chain(refused)
        .chain(immutable)
        .copied()
        .collect();
    p.check_unknown(&all, what, d);
    for m in p.members {
        let k = m.key.as_ref();
        if immutable.contains(&k) {
            d.push(
                Violation::new(
                    Code::ImmutableChanged,
                    p.ptr.key(k),
                    format!(
                        "`{k}` cannot be changed: {what} accepts only {}",
                        known
                            .iter()
                            .map(|k| format!("`{k}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                )
                .with_hint(format!("remove `{k}` from the body"))
                .span(m.key_start..m.key_end),
            );
        }
    }
}
