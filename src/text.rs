//! [`Text`]: the string type of names and string values.
//!
//! Names (at most 32 characters) and most string values are short, and every evaluation copies
//! them into its changes and its resulting state. Stored inline up to 24 bytes, such a copy is a
//! plain copy of the struct: no allocation and no reference count, so evaluations running on
//! several threads share no counter (a shared `Arc` costs an atomic operation per copy and per
//! drop). Longer strings are on the heap.

use std::borrow::Borrow;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Deref;

use compact_str::CompactString;

/// Exact comparison of the bytes of short strings.
/// The eight bytes of `s` at `at` as a little-endian word (0 when they are not all there).
#[inline]
pub(crate) fn word(s: &[u8], at: usize) -> u64 {
    s.get(at..at + 8)
        .and_then(|w| <[u8; 8]>::try_from(w).ok())
        .map_or(0, u64::from_le_bytes)
}

/// The four bytes of `s` at `at` as a little-endian half-word (0 when they are not all there).
#[inline]
pub(crate) fn half(s: &[u8], at: usize) -> u32 {
    s.get(at..at + 4)
        .and_then(|w| <[u8; 4]>::try_from(w).ok())
        .map_or(0, u32::from_le_bytes)
}

/// Byte equality without a `memcmp` call for the short strings names and values are.
#[inline]
pub(crate) fn bytes_eq(x: &[u8], y: &[u8]) -> bool {
    let n = x.len();
    if n != y.len() {
        return false;
    }
    match n {
        // Two overlapping words (or half-words) cover the whole name.
        8..=16 => word(x, 0) == word(y, 0) && word(x, n - 8) == word(y, n - 8),
        4..=7 => half(x, 0) == half(y, 0) && half(x, n - 4) == half(y, n - 4),
        _ => x == y,
    }
}

/// An immutable string, stored inline up to 24 bytes. It dereferences to `str`, compares and
/// hashes as its text (exactly, not ignoring case), and converts from and to `String`.
///
/// ```
/// use csa::{Text, Value};
///
/// let v = Value::strings(["Alpine".into(), Text::from(String::from("Baker"))]).unwrap();
/// let Value::Strings(projects) = &v else { unreachable!() };
/// assert_eq!(projects.first().map(Text::as_str), Some("Alpine"));
/// assert!(projects.iter().any(|p| p == "Baker"));
/// assert_eq!(String::from(Text::from("Zürich")), "Zürich");
/// ```
#[derive(Clone, Default, PartialOrd, Ord)]
pub struct Text(CompactString);

// Byte equality, as derived, but without a `memcmp` call for short texts.
impl PartialEq for Text {
    fn eq(&self, other: &Self) -> bool {
        bytes_eq(self.as_bytes(), other.as_bytes())
    }
}
impl Eq for Text {}

impl Text {
    /// A `Text` holding `s`.
    #[inline]
    pub fn new(s: &str) -> Self {
        Self(CompactString::new(s))
    }

    /// The text.
    #[inline]
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }
}

impl Deref for Text {
    type Target = str;
    #[inline]
    fn deref(&self) -> &str {
        self.0.as_str()
    }
}

impl AsRef<str> for Text {
    fn as_ref(&self) -> &str {
        self.0.as_str()
    }
}

// Hash as `str` does, so that `Borrow<str>` lookups (`HashSet<Text>::contains("...")`) work.
impl Hash for Text {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.0.as_str().hash(state);
    }
}

impl Borrow<str> for Text {
    fn borrow(&self) -> &str {
        self.0.as_str()
    }
}

impl From<&str> for Text {
    fn from(s: &str) -> Self {
        Self::new(s)
    }
}

impl From<String> for Text {
    fn from(s: String) -> Self {
        Self(CompactString::from(s))
    }
}

impl From<&String> for Text {
    fn from(s: &String) -> Self {
        Self::new(s)
    }
}

impl From<Text> for String {
    fn from(t: Text) -> String {
        t.0.into_string()
    }
}

impl PartialEq<str> for Text {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Text {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for Text {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other.as_str()
    }
}

impl PartialEq<Text> for str {
    fn eq(&self, other: &Text) -> bool {
        self == other.as_str()
    }
}

impl PartialEq<Text> for &str {
    fn eq(&self, other: &Text) -> bool {
        *self == other.as_str()
    }
}

impl PartialEq<Text> for String {
    fn eq(&self, other: &Text) -> bool {
        self.as_str() == other.as_str()
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl serde::Serialize for Text {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// `a`, `b` and `c` written one after the other as one string (the annotation keys and
/// `set_name` strings every serialised change and state writes), never joined into a `String`
/// of its own: a serializer gets them joined in a buffer on the stack, or, when they are too
/// long for it, through `collect_str`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Joined<'a>(pub(crate) &'a str, pub(crate) &'a str, pub(crate) &'a str);

impl fmt::Display for Joined<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)?;
        f.write_str(self.1)?;
        f.write_str(self.2)
    }
}

impl serde::Serialize for Joined<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        // Joined on the stack when short (a defined name is at most 32 characters), which costs
        // less than an allocation or the formatting machinery `collect_str` runs.
        let mut buf = [0; 128];
        let parts = [self.0.as_bytes(), self.1.as_bytes(), self.2.as_bytes()];
        let mut end = 0;
        for part in parts {
            let Some(slot) = buf.get_mut(end..end + part.len()) else {
                return s.collect_str(self);
            };
            slot.copy_from_slice(part);
            end += part.len();
        }
        match buf.get(..end).map(std::str::from_utf8) {
            Some(Ok(text)) => s.serialize_str(text),
            _ => s.collect_str(self),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A joined string is written as the one string its parts make, short or too long for the
    /// stack buffer, escaped like any string, as a value and as a map key.
    #[test]
    fn joined_is_written_as_one_string() {
        let long = "é".repeat(100);
        for (a, b, c) in [
            ("Engineering", "_", "Project"),
            ("Project", "@odata.type", ""),
            ("", "", ""),
            ("q\"uote", "\n", "\u{2028}"),
            (long.as_str(), "_", long.as_str()),
        ] {
            let whole = format!("{a}{b}{c}");
            assert_eq!(
                serde_json::to_string(&Joined(a, b, c)).ok(),
                serde_json::to_string(&whole).ok()
            );
            let key = std::collections::BTreeMap::from([(Joined(a, b, c).to_string(), 1)]);
            let mut m = serde_json::Serializer::new(Vec::new());
            {
                use serde::ser::{SerializeMap, Serializer};
                let mut map = (&mut m).serialize_map(Some(1)).unwrap();
                map.serialize_entry(&Joined(a, b, c), &1).unwrap();
                map.end().unwrap();
            }
            assert_eq!(m.into_inner(), serde_json::to_vec(&key).unwrap());
        }
    }

    #[test]
    fn bytes_eq_agrees_with_slice_equality_at_every_length_and_position() {
        for n in 0..24 {
            let a: Vec<u8> = (0..n).map(|i| b'a' + (i % 26) as u8).collect();
            assert!(bytes_eq(&a, &a.clone()), "length {n}");
            for at in 0..n {
                let mut b = a.clone();
                b[at] ^= 0x01;
                assert!(!bytes_eq(&a, &b), "length {n}, differing at {at}");
            }
            assert!(!bytes_eq(&a, &a[..n.saturating_sub(1)]) || n == 0);
        }
    }

    #[test]
    fn behaves_as_its_text_inline_and_on_the_heap() {
        for s in ["", "Engineering", &"x".repeat(24), &"é".repeat(40)] {
            let t = Text::from(s);
            assert_eq!(t.as_str(), s);
            assert_eq!(&*t.clone(), s);
            assert_eq!(t, s);
            assert_eq!(String::from(t.clone()), s);
            assert_eq!(format!("{t}"), s);
            assert_eq!(format!("{t:?}"), format!("{s:?}"));
            assert_eq!(
                serde_json::to_string(&t).ok(),
                serde_json::to_string(s).ok()
            );
            let set: std::collections::HashSet<Text> = [t].into_iter().collect();
            assert!(set.contains(s));
        }
        assert_ne!(Text::from("Project"), Text::from("project"));
        let (a, b) = (Text::from("a"), Text::from("b"));
        assert!(a < b, "ordered as text");
    }
}
