//! Graph's OData type annotations on custom security attributes: the set types of the request
//! and response forms, and the per-attribute annotations (`#Int32`, `#Collection(String)`,
//! `#Collection(Int32)`) a request must carry and a response carries.

use super::{AttributeType, Value};

/// The `@odata.type` of a set object in a PATCH body.
pub(crate) const REQUEST_SET_TYPE: &str =
    "#Microsoft.DirectoryServices.CustomSecurityAttributeValue";
/// The `@odata.type` of a set object in a response.
pub(crate) const RESPONSE_SET_TYPE: &str = "#microsoft.graph.customSecurityAttributeValue";

/// A per-attribute type annotation Graph knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Annotation {
    Int32,
    CollectionString,
    CollectionInt32,
}

impl Annotation {
    /// Reads an annotation: Graph's spellings, also without `#`, with `Edm.`, in any case.
    #[inline]
    pub(crate) fn parse(s: &str) -> Option<Annotation> {
        // Graph's own spellings first: they are what nearly every body sends.
        match s {
            "#Int32" => return Some(Annotation::Int32),
            "#Collection(String)" => return Some(Annotation::CollectionString),
            "#Collection(Int32)" => return Some(Annotation::CollectionInt32),
            _ => {}
        }
        let s = s.strip_prefix('#').unwrap_or(s);
        let eq = |t: &str| s.eq_ignore_ascii_case(t);
        if eq("Int32") || eq("Edm.Int32") {
            Some(Annotation::Int32)
        } else if eq("Collection(String)") || eq("Collection(Edm.String)") {
            Some(Annotation::CollectionString)
        } else if eq("Collection(Int32)") || eq("Collection(Edm.Int32)") {
            Some(Annotation::CollectionInt32)
        } else {
            None
        }
    }

    /// Graph's spelling.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Annotation::Int32 => "#Int32",
            Annotation::CollectionString => "#Collection(String)",
            Annotation::CollectionInt32 => "#Collection(Int32)",
        }
    }

    /// The annotation a request writes for an attribute of this type and cardinality (a
    /// single string and a Boolean need none).
    pub(crate) fn for_type(ty: AttributeType, collection: bool) -> Option<Annotation> {
        match (ty, collection) {
            (AttributeType::Integer, false) => Some(Annotation::Int32),
            (AttributeType::String, true) => Some(Annotation::CollectionString),
            (AttributeType::Integer, true) => Some(Annotation::CollectionInt32),
            _ => None,
        }
    }

    /// The annotation a request writes for this value.
    pub(crate) fn of_value(v: &Value) -> Option<Annotation> {
        Self::for_type(v.attribute_type(), v.is_collection())
    }

    /// The annotation a response writes for this value: collections only.
    pub(crate) fn of_collection(v: &Value) -> Option<Annotation> {
        Self::of_value(v).filter(|_| v.is_collection())
    }

    /// Whether an attribute of this type and cardinality takes this annotation.
    pub(crate) fn fits(self, ty: AttributeType, collection: bool) -> bool {
        Self::for_type(ty, collection) == Some(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_are_read_in_any_case_with_or_without_hash_and_edm() {
        for (text, want) in [
            ("#Int32", Annotation::Int32),
            ("int32", Annotation::Int32),
            ("#Edm.Int32", Annotation::Int32),
            ("#collection(string)", Annotation::CollectionString),
            ("Collection(Edm.String)", Annotation::CollectionString),
            ("#Collection(Int32)", Annotation::CollectionInt32),
            ("#COLLECTION(EDM.INT32)", Annotation::CollectionInt32),
        ] {
            assert_eq!(Annotation::parse(text), Some(want), "{text}");
        }
        for text in ["#String", "#Boolean", "#Collection(Boolean)", "", "#"] {
            assert_eq!(Annotation::parse(text), None, "{text}");
        }
    }

    #[test]
    fn each_type_takes_its_annotation_only() {
        use AttributeType::{Boolean, Integer, String};
        assert_eq!(Annotation::for_type(String, false), None);
        assert_eq!(Annotation::for_type(Boolean, false), None);
        assert!(Annotation::Int32.fits(Integer, false));
        assert!(!Annotation::Int32.fits(Integer, true));
        assert!(Annotation::CollectionString.fits(String, true));
        assert!(!Annotation::CollectionString.fits(String, false));
        assert!(Annotation::CollectionInt32.fits(Integer, true));
        let single = Value::Integer(4);
        assert_eq!(Annotation::of_value(&single), Some(Annotation::Int32));
        assert_eq!(Annotation::of_collection(&single), None);
        let many = Value::integers([4, 5]).unwrap();
        assert_eq!(
            Annotation::of_collection(&many),
            Some(Annotation::CollectionInt32)
        );
    }
}
