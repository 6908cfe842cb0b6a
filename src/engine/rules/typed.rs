//! Rules on a value: its JSON type and cardinality, the removal forms (`null` for a single
//! value, `[]` for a collection), empty and over-long strings, Int32 integers, repeated elements.

use super::Cx;
use crate::catalog::AttributeDefinition;
use crate::engine::wire::Loc;
use crate::json::{Shallow, ShallowKind};
use crate::limits::MAX_VALUE_LEN;
use crate::text::Text;
use crate::value::check::{self, IntProblem, StringProblem};
use crate::value::{AttributeType, Value};
use crate::violation::{cold, Code, Violation};

impl Cx<'_> {
    /// The typed value: `Some(None)` for a removal, `Some(Some(v))` for a value, `None` after
    /// pushing violations.
    pub(super) fn typed_value(
        &mut self,
        def: &AttributeDefinition,
        node: &Shallow<'_>,
        items: &[Shallow<'_>],
        ptr: Loc<'_>,
        id: &str,
    ) -> Option<Option<Value>> {
        let span = node.start..node.end;
        if def.is_collection() {
            match &node.kind {
                ShallowKind::Null => {
                    self.push(cold(|| {
                        Violation::new(
                            Code::WrongRemoval,
                            ptr,
                            ["`", id, "` is multi-valued: `null` does not remove it"].concat(),
                        )
                        .attr(id)
                        .with_hint("remove a multi-valued attribute with an empty collection `[]`")
                        .span(span)
                    }));
                    None
                }
                ShallowKind::Array if items.is_empty() => Some(None),
                ShallowKind::Array => self.typed_collection(def, items, ptr, id).map(Some),
                _ => {
                    self.push(cold(|| {
                        Violation::new(
                            Code::CollectionExpected,
                            ptr,
                            [
                                "`",
                                id,
                                "` is multi-valued and needs an array, not ",
                                node.kind_name(),
                            ]
                            .concat(),
                        )
                        .attr(id)
                        .with_hint("wrap the value in an array, like `[...]`")
                        .span(span)
                    }));
                    None
                }
            }
        } else {
            match &node.kind {
                ShallowKind::Null => Some(None),
                ShallowKind::Array if items.is_empty() => {
                    self.push(cold(|| {
                        Violation::new(
                            Code::WrongRemoval,
                            ptr,
                            ["`", id, "` is single-valued: `[]` does not remove it"].concat(),
                        )
                        .attr(id)
                        .with_hint("remove a single-valued attribute with `null`")
                        .span(span)
                    }));
                    None
                }
                ShallowKind::Array => {
                    self.push(cold(|| {
                        Violation::new(
                            Code::SingleValueExpected,
                            ptr,
                            ["`", id, "` is single-valued and cannot hold an array"].concat(),
                        )
                        .attr(id)
                        .with_hint(["send one ", def.attribute_type().noun()].concat())
                        .span(span)
                    }));
                    None
                }
                _ => self.typed_scalar(def, node, ptr, id).map(Some),
            }
        }
    }

    pub(super) fn typed_collection(
        &mut self,
        def: &AttributeDefinition,
        items: &[Shallow<'_>],
        ptr: Loc<'_>,
        id: &str,
    ) -> Option<Value> {
        let mut ok = true;
        // Only the list of the attribute's type is filled.
        let (mut strings, mut ints) = match def.attribute_type() {
            AttributeType::Integer => (Vec::new(), Vec::with_capacity(items.len())),
            _ => (Vec::with_capacity(items.len()), Vec::new()),
        };
        for (i, item) in items.iter().enumerate() {
            let ip = ptr.index(i);
            if matches!(
                item.kind,
                ShallowKind::Null | ShallowKind::Array | ShallowKind::Object
            ) {
                self.push(cold(|| {
                    Violation::new(
                        Code::TypeMismatch,
                        ip,
                        [
                            "the elements of `",
                            id,
                            "` must be ",
                            def.attribute_type().noun(),
                            "s, not ",
                            item.kind_name(),
                        ]
                        .concat(),
                    )
                    .attr(id)
                    .span(item.start..item.end)
                }));
                ok = false;
                continue;
            }
            // Elements are typed straight into the list of their type.
            match def.attribute_type() {
                AttributeType::String => match self.typed_string(def, item, ip, id) {
                    Some(s) if check::repeats(&strings, &s) => {
                        self.duplicate(def, id, ip, item, &s);
                        ok = false;
                    }
                    Some(s) => strings.push(s),
                    None => ok = false,
                },
                AttributeType::Integer => match self.typed_int(def, item, ip, id) {
                    Some(v) if check::repeats(&ints, &v) => {
                        self.duplicate(def, id, ip, item, &v.to_string());
                        ok = false;
                    }
                    Some(v) => ints.push(v),
                    None => ok = false,
                },
                // Not a collection type (the catalog refuses such definitions).
                AttributeType::Boolean => {
                    self.typed_scalar(def, item, ip, id);
                    ok = false;
                }
            }
        }
        if !ok {
            return None;
        }
        match def.attribute_type() {
            AttributeType::Integer => Value::integers(ints),
            _ => Value::strings(strings),
        }
    }

    pub(super) fn duplicate(
        &mut self,
        def: &AttributeDefinition,
        id: &str,
        ptr: Loc<'_>,
        item: &Shallow<'_>,
        text: &str,
    ) {
        let shown = self.show(def, text);
        self.push(cold(|| {
            Violation::new(
                Code::DuplicateValue,
                ptr,
                ["`", id, "` lists `", shown, "` more than once"].concat(),
            )
            .attr(id)
            .with_hint("list each value once")
            .span(item.start..item.end)
        }));
    }

    #[inline]
    pub(super) fn typed_scalar(
        &mut self,
        def: &AttributeDefinition,
        node: &Shallow<'_>,
        ptr: Loc<'_>,
        id: &str,
    ) -> Option<Value> {
        match def.attribute_type() {
            AttributeType::String => self.typed_string(def, node, ptr, id).map(Value::String),
            AttributeType::Integer => self.typed_int(def, node, ptr, id).map(Value::Integer),
            AttributeType::Boolean => match node.kind {
                ShallowKind::Bool(b) => Some(Value::Boolean(b)),
                _ => {
                    self.mismatch(def, node, ptr, id, None);
                    None
                }
            },
        }
    }

    /// A value of a String attribute (or an element of one), checked.
    pub(super) fn typed_string(
        &mut self,
        def: &AttributeDefinition,
        node: &Shallow<'_>,
        ptr: Loc<'_>,
        id: &str,
    ) -> Option<Text> {
        let ShallowKind::String(s) = &node.kind else {
            self.mismatch(def, node, ptr, id, None);
            return None;
        };
        let span = node.start..node.end;
        match check::check_string(s) {
            Ok(()) => Some(Text::new(s)),
            Err(StringProblem::Empty) => {
                self.push(cold(|| {
                    Violation::new(
                        Code::EmptyString,
                        ptr,
                        ["`", id, "` cannot be an empty string"].concat(),
                    )
                    .attr(id)
                    .with_hint(if def.is_collection() {
                        "leave the empty string out; remove the attribute with `[]`"
                    } else {
                        "remove the attribute with `null` instead"
                    })
                    .span(span)
                }));
                None
            }
            Err(StringProblem::TooLong { units }) => {
                self.push(cold(|| {
                    Violation::new(
                        Code::ValueTooLong,
                        ptr,
                        [
                            "a value of `",
                            id,
                            "` is ",
                            itoa::Buffer::new().format(units),
                            " UTF-16 code units long, more than ",
                            itoa::Buffer::new().format(MAX_VALUE_LEN),
                        ]
                        .concat(),
                    )
                    .attr(id)
                    .with_hint(
                        [
                            "shorten the value to at most ",
                            itoa::Buffer::new().format(MAX_VALUE_LEN),
                            " UTF-16 code units",
                        ]
                        .concat(),
                    )
                    .span(span)
                }));
                None
            }
        }
    }

    /// A value of an Integer attribute (or an element of one), checked.
    pub(super) fn typed_int(
        &mut self,
        def: &AttributeDefinition,
        node: &Shallow<'_>,
        ptr: Loc<'_>,
        id: &str,
    ) -> Option<i32> {
        let ShallowKind::Number(t) = node.kind else {
            self.mismatch(def, node, ptr, id, None);
            return None;
        };
        let span = node.start..node.end;
        match check::int32(t) {
            Ok(v) => Some(v),
            Err(IntProblem::OutOfRange) => {
                self.push(cold(|| out_of_range(ptr, id, span)));
                None
            }
            Err(IntProblem::NotWhole) => {
                self.mismatch(
                    def,
                    node,
                    ptr,
                    id,
                    Some("send a whole number without a fraction or exponent, like `12`"),
                );
                None
            }
        }
    }

    /// `type_mismatch` for a value of the wrong JSON type (or a number that is not an
    /// integer, with its own hint).
    pub(super) fn mismatch(
        &mut self,
        def: &AttributeDefinition,
        node: &Shallow<'_>,
        ptr: Loc<'_>,
        id: &str,
        hint: Option<&'static str>,
    ) {
        let ty = def.attribute_type();
        let hint = hint.or(match (ty, &node.kind) {
            (AttributeType::Integer, ShallowKind::String(_)) => {
                Some("send the number without quotes")
            }
            (AttributeType::Boolean, ShallowKind::String(_)) => {
                Some("send `true` or `false` without quotes")
            }
            (AttributeType::String, ShallowKind::Number(_) | ShallowKind::Bool(_)) => {
                Some("send the value as a JSON string, in quotes")
            }
            _ => None,
        });
        self.push(cold(|| {
            Violation::new(
                Code::TypeMismatch,
                ptr,
                ["`", id, "` holds ", ty.noun(), "s, not ", node.kind_name()].concat(),
            )
            .attr(id)
            .maybe_hint(hint.map(str::to_owned))
            .span(node.start..node.end)
        }));
    }
}

fn out_of_range(ptr: Loc<'_>, id: &str, span: std::ops::Range<usize>) -> Violation {
    Violation::new(
        Code::IntegerOutOfRange,
        ptr,
        ["a value of `", id, "` is outside the Int32 range"].concat(),
    )
    .attr(id)
    .with_hint("use a whole number from -2147483648 to 2147483647")
    .span(span)
}
