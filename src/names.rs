//! Names of attribute sets and attributes: syntax (RULES.md §1) and case-insensitive identity.
//!
//! Graph compares names with .NET's `OrdinalIgnoreCase`: per character, the simple uppercase
//! mapping. Rust only exposes the full mapping, so a character whose uppercase is more than one
//! character (`ß` → `SS`) is compared as itself, which is what the simple mapping does.

use std::fmt;
use std::hash::{Hash, Hasher};

/// Longest name, in UTF-16 code units.
pub const MAX_NAME_LEN: usize = 32;

/// ASCII punctuation that names may not contain (RULES.md §1).
const FORBIDDEN: &str = "`~!@#$%^&*()_-+={[}]|\\:;\"'<,>.?/";

/// Why a string is not a valid attribute set or attribute name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum NameError {
    /// The name is empty.
    #[error("a name cannot be empty")]
    Empty,
    /// The name is longer than 32 UTF-16 code units.
    #[error("a name is at most 32 characters long")]
    TooLong,
    /// The name starts with a digit.
    #[error("a name cannot start with a number")]
    StartsWithDigit,
    /// The name contains whitespace, a control character or forbidden punctuation.
    #[error("a name cannot contain `{0}`")]
    ForbiddenChar(char),
}

/// Checks the syntax of an attribute set or attribute name.
pub fn check_name(s: &str) -> Result<(), NameError> {
    let mut chars = s.chars();
    let first = chars.next().ok_or(NameError::Empty)?;
    if first.is_numeric() {
        return Err(NameError::StartsWithDigit);
    }
    if utf16_len(s) > MAX_NAME_LEN {
        return Err(NameError::TooLong);
    }
    for c in s.chars() {
        if c.is_whitespace() || c.is_control() || FORBIDDEN.contains(c) {
            return Err(NameError::ForbiddenChar(c));
        }
    }
    Ok(())
}

/// Length in UTF-16 code units: what Graph's limits count.
pub fn utf16_len(s: &str) -> usize {
    // ASCII strings are the common case and need no decoding.
    if s.is_ascii() {
        s.len()
    } else {
        s.chars().map(char::len_utf16).sum()
    }
}

/// The simple uppercase mapping of one character (see module docs).
#[inline]
pub(crate) fn fold_char(c: char) -> char {
    if c.is_ascii() {
        return c.to_ascii_uppercase();
    }
    let mut up = c.to_uppercase();
    match (up.next(), up.next()) {
        (Some(u), None) => u,
        _ => c,
    }
}

/// `OrdinalIgnoreCase` equality.
pub fn names_eq(a: &str, b: &str) -> bool {
    // Byte-equal ignoring ASCII case implies equal under the fold; only a mismatch between
    // strings that are not both ASCII needs the Unicode path.
    let (x, y) = (a.as_bytes(), b.as_bytes());
    // Same bytes is the common case (catalog casing on both sides): one memcmp.
    if x == y {
        return true;
    }
    // Two ASCII first characters that differ ignoring case settle most mismatches at once
    // (an ASCII character folds to ASCII, and only ASCII folds to it from ASCII).
    if let (Some(a0), Some(b0)) = (x.first(), y.first()) {
        if a0.is_ascii() && b0.is_ascii() && !a0.eq_ignore_ascii_case(b0) {
            return false;
        }
    }
    if x.len() == y.len() && x.eq_ignore_ascii_case(y) {
        return true;
    }
    if x.is_ascii() && y.is_ascii() {
        return false;
    }
    let mut x = a.chars().map(fold_char);
    let mut y = b.chars().map(fold_char);
    loop {
        match (x.next(), y.next()) {
            (None, None) => return true,
            (Some(p), Some(q)) if p == q => {}
            _ => return false,
        }
    }
}

/// Hashes a name so that names equal under [`names_eq`] hash equally: every character is
/// folded and mixed into one word (the ASCII path mixes exactly what the Unicode path would),
/// which is handed to the hasher once.
pub(crate) fn hash_folded<H: Hasher>(s: &str, state: &mut H) {
    #[inline]
    fn mix(h: u64, c: u32) -> u64 {
        (h.rotate_left(5) ^ u64::from(c)).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95)
    }
    let h = if s.is_ascii() {
        s.bytes()
            .fold(0, |h, b| mix(h, u32::from(b.to_ascii_uppercase())))
    } else {
        s.chars().fold(0, |h, c| mix(h, u32::from(fold_char(c))))
    };
    state.write_u64(h);
}

/// A validated attribute set or attribute name: case-preserving, compared case-insensitively.
#[derive(Clone)]
pub struct Name(std::sync::Arc<str>);

impl Name {
    /// Validates `s` as a name.
    pub fn new(s: &str) -> Result<Self, NameError> {
        check_name(s)?;
        Ok(Self(s.into()))
    }

    /// Wraps a string whose syntax was already checked (or deliberately not checked).
    pub(crate) fn unchecked(s: &str) -> Self {
        Self(s.into())
    }

    /// The name as stored (its casing preserved).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The shared text, for copies that need no allocation.
    pub(crate) fn shared(&self) -> std::sync::Arc<str> {
        self.0.clone()
    }
}

impl PartialEq for Name {
    fn eq(&self, other: &Self) -> bool {
        names_eq(&self.0, &other.0)
    }
}
impl Eq for Name {}

impl Hash for Name {
    fn hash<H: Hasher>(&self, state: &mut H) {
        hash_folded(&self.0, state);
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl AsRef<str> for Name {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl serde::Serialize for Name {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

/// A borrowed name used to look up [`Name`] keys without allocating.
#[derive(Clone, Copy)]
pub(crate) struct NameRef<'a>(pub(crate) &'a str);

impl Hash for NameRef<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        hash_folded(self.0, state);
    }
}

impl hashbrown::Equivalent<Name> for NameRef<'_> {
    fn equivalent(&self, key: &Name) -> bool {
        names_eq(self.0, &key.0)
    }
}

/// Edit distance between two names, case-insensitive, for "did you mean" hints.
pub(crate) fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().map(fold_char).collect();
    let b: Vec<char> = b.chars().map(fold_char).collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        if let Some(first) = cur.first_mut() {
            *first = i + 1;
        }
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            let del = prev.get(j + 1).map_or(usize::MAX, |v| v + 1);
            let ins = cur.get(j).map_or(usize::MAX, |v| v + 1);
            let sub = prev.get(j).map_or(usize::MAX, |v| v + cost);
            if let Some(slot) = cur.get_mut(j + 1) {
                *slot = del.min(ins).min(sub);
            }
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev.last().copied().unwrap_or(0)
}

/// The closest candidate to `wanted`, if it is close enough to be a likely typo.
pub(crate) fn closest<'c, I>(wanted: &str, candidates: I) -> Option<&'c str>
where
    I: IntoIterator<Item = &'c str>,
{
    let limit = (wanted.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .map(|c| (distance(wanted, c), c))
        .filter(|(d, _)| *d <= limit)
        .min_by(|x, y| x.0.cmp(&y.0).then_with(|| x.1.cmp(y.1)))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syntax() {
        assert!(check_name("Engineering").is_ok());
        assert!(check_name("Projekt\u{e9}").is_ok());
        assert_eq!(check_name(""), Err(NameError::Empty));
        assert_eq!(check_name("1Project"), Err(NameError::StartsWithDigit));
        assert_eq!(check_name("\u{0661}x"), Err(NameError::StartsWithDigit));
        assert_eq!(check_name("a_b"), Err(NameError::ForbiddenChar('_')));
        assert_eq!(
            check_name("Deployment level"),
            Err(NameError::ForbiddenChar(' '))
        );
        assert_eq!(check_name("a\tb"), Err(NameError::ForbiddenChar('\t')));
        assert!(check_name(&"a".repeat(32)).is_ok());
        assert_eq!(check_name(&"a".repeat(33)), Err(NameError::TooLong));
        // 16 astral characters are 32 UTF-16 units; 17 are 34.
        assert!(check_name(&"\u{1D400}".repeat(16)).is_ok());
        assert_eq!(check_name(&"\u{1D400}".repeat(17)), Err(NameError::TooLong));
    }

    #[test]
    fn case_insensitive_identity() {
        use std::collections::hash_map::DefaultHasher;
        let h = |n: &Name| {
            let mut s = DefaultHasher::new();
            n.hash(&mut s);
            s.finish()
        };
        let a = Name::unchecked("Engineering");
        let b = Name::unchecked("ENGINEERING");
        assert_eq!(a, b);
        assert_eq!(h(&a), h(&b));
        assert!(names_eq("Straße", "STRAßE"));
        assert!(!names_eq("Straße", "STRASSE"));
        assert!(names_eq("Ärger", "äRGER"));
        assert_eq!(h(&Name::unchecked("Ärger")), h(&Name::unchecked("äRGER")));
        assert!(!names_eq("Project", "Projects"));
        // U+017F LATIN SMALL LETTER LONG S uppercases to `S`: equal, and hashed alike.
        assert!(names_eq("\u{17f}et", "SET"));
        assert_eq!(h(&Name::unchecked("\u{17f}et")), h(&Name::unchecked("SET")));
        assert!(!names_eq("Set", "Bet"));
    }

    #[test]
    fn hints() {
        assert_eq!(
            closest("Projct", ["Project", "ProjectDate"]),
            Some("Project")
        );
        assert_eq!(closest("Zzz", ["Project"]), None);
    }
}
