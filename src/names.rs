//! Names of attribute sets and attributes: syntax (docs/RULES.md, Names) and case-insensitive
//! identity.
//!
//! Graph compares names with .NET's `OrdinalIgnoreCase`: per character, the simple uppercase
//! mapping. Rust only exposes the full mapping, so a character whose uppercase is more than one
//! character (`ß` → `SS`) is compared as itself, which is what the simple mapping does.

use std::fmt;
use std::hash::{Hash, Hasher};

use smallvec::SmallVec;

use crate::limits::MAX_NAME_LEN;
use crate::text::{bytes_eq, half, word, Text};

/// ASCII punctuation that names may not contain (docs/RULES.md, Names).
const FORBIDDEN: &str = "`~!@#$%^&*()_-+={[}]|\\:;\"'<,>.?/";

/// Why a string is not a valid attribute set or attribute name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum NameError {
    /// The name is empty.
    #[error("a name cannot be empty")]
    Empty,
    /// The name is longer than 32 UTF-16 code units.
    #[error("a name is at most 32 UTF-16 code units long")]
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

/// Whether `c` may occur in a name (docs/RULES.md, Names): what a filter path segment is made of.
pub(crate) fn is_name_char(c: char) -> bool {
    !(c.is_whitespace() || c.is_control() || FORBIDDEN.contains(c))
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
#[inline]
pub fn names_eq(a: &str, b: &str) -> bool {
    let (x, y) = (a.as_bytes(), b.as_bytes());
    // The same text (names shared from the catalog) is equal without reading it.
    if std::ptr::eq(x, y) {
        return true;
    }
    // Two ASCII first (or last) characters that differ ignoring case settle most mismatches at
    // once: the fold maps character to character, so equal names have equal folds of their
    // first and of their last characters, and an ASCII character folds to its ASCII
    // uppercase. Names of one family (`Attr00`, `Attr01`, ...) share a first letter and differ
    // at the end. Same bytes settle most matches (catalog casing on both sides).
    if ascii_differ(x.first(), y.first()) || ascii_differ(x.last(), y.last()) {
        return false;
    }
    bytes_eq(x, y) || names_eq_slow(x, y)
}

/// Whether two bytes are both ASCII characters that differ ignoring case.
#[inline]
fn ascii_differ(p: Option<&u8>, q: Option<&u8>) -> bool {
    matches!((p, q), (Some(p), Some(q)) if p.is_ascii() && q.is_ascii() && !p.eq_ignore_ascii_case(q))
}

fn names_eq_slow(x: &[u8], y: &[u8]) -> bool {
    // Byte-equal ignoring ASCII case implies equal under the fold; only a mismatch between
    // strings that are not both ASCII needs the Unicode path.
    if x.len() == y.len() && x.eq_ignore_ascii_case(y) {
        return true;
    }
    if x.is_ascii() && y.is_ascii() {
        return false;
    }
    let (Ok(a), Ok(b)) = (std::str::from_utf8(x), std::str::from_utf8(y)) else {
        return false;
    };
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

/// Hashes a name so that names equal under [`names_eq`] hash equally. The folded text (ASCII
/// uppercased, anything else folded per character and re-encoded as UTF-8) is mixed as
/// little-endian words of eight bytes, the last one zero-padded, and the result is handed to
/// the hasher once. Both paths produce the same words for the same folded bytes, so they agree.
pub(crate) fn hash_folded<H: Hasher>(s: &str, state: &mut H) {
    state.write_u64(folded_word(s));
}

/// The one word [`hash_folded`] hands to its hasher.
#[inline]
fn folded_word(s: &str) -> u64 {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    #[inline]
    fn mix(h: u64, w: u64) -> u64 {
        (h.rotate_left(23) ^ w).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95)
    }
    /// The last `s.len() % 8` bytes of `s` (at least one) as a little-endian word, zero-padded,
    /// read with at most two loads rather than byte by byte.
    #[inline]
    fn tail(s: &[u8]) -> u64 {
        let n = s.len();
        let r = n % 8;
        let byte = |i: usize| s.get(i).map_or(0, |&b| u64::from(b));
        if n >= 8 {
            // The word ending at the end, shifted so that the tail's bytes come first.
            word(s, n - 8) >> (8 * (8 - r))
        } else if n >= 4 {
            // Two overlapping half-words; the shared bytes are equal, so OR keeps them.
            u64::from(half(s, 0)) | (u64::from(half(s, n - 4)) << (8 * (n - 4)))
        } else {
            byte(0) | (byte(n / 2) << (8 * (n / 2))) | (byte(n - 1) << (8 * (n - 1)))
        }
    }
    // Uppercases eight ASCII bytes at once: flag the bytes in `a..=z`, subtract 0x20.
    #[inline]
    fn upper(w: u64) -> u64 {
        let ge_a = w.wrapping_add((0x80 - u64::from(b'a')) * LO);
        let gt_z = w.wrapping_add((0x80 - u64::from(b'z') - 1) * LO);
        let lower = ge_a & !gt_z & HI;
        w - (lower >> 2)
    }
    // ASCII, the usual case, a word at a time; the first non-ASCII byte sends the whole name
    // to the per-character path below, which yields the same words for ASCII text.
    let mut h = 0u64;
    let mut ascii = true;
    let mut chunks = s.as_bytes().chunks_exact(8);
    for chunk in &mut chunks {
        let w = word(chunk, 0);
        if w & HI != 0 {
            ascii = false;
            break;
        }
        h = mix(h, upper(w));
    }
    let rest = chunks.remainder();
    if ascii && !rest.is_empty() {
        let w = tail(s.as_bytes());
        ascii = w & HI == 0;
        h = mix(h, upper(w));
    }
    let len;
    if ascii {
        len = s.len();
    } else {
        h = 0;
        let mut acc = [0u8; 8];
        let mut n = 0;
        let mut total = 0;
        for c in s.chars() {
            let mut enc = [0u8; 4];
            for &b in fold_char(c).encode_utf8(&mut enc).as_bytes() {
                if let Some(slot) = acc.get_mut(n) {
                    *slot = b;
                }
                n += 1;
                total += 1;
                if n == 8 {
                    h = mix(h, u64::from_le_bytes(acc));
                    acc = [0; 8];
                    n = 0;
                }
            }
        }
        if n > 0 {
            h = mix(h, u64::from_le_bytes(acc));
        }
        len = total;
    }
    h ^ len as u64
}

/// A validated attribute set or attribute name: case-preserving, compared case-insensitively.
#[derive(Clone)]
pub struct Name(Text);

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

    /// The text, for copies into changes and states (short names copy without allocating).
    pub(crate) fn text(&self) -> &Text {
        &self.0
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
    #[inline]
    fn equivalent(&self, key: &Name) -> bool {
        names_eq(self.0, &key.0)
    }
}

/// The edit distance between two names under the fold (insertions, deletions and
/// substitutions of one character), when it is at most `limit`; `None` when it is more. The
/// search stops as soon as every path exceeds `limit`, so dissimilar names cost a few rows,
/// and an ASCII candidate whose characters alone put it out of reach ([`missing`], with
/// `a_letters` the [`letters`] of `a`) costs none.
fn distance_within(a: &[char], a_letters: u64, b: &str, limit: usize) -> Option<usize> {
    if b.is_ascii() {
        distance_ascii(a, a_letters, b, limit)
    } else {
        distance_of(a, b.chars().map(fold_char), b.chars().count(), limit)
    }
}

/// [`distance_within`] of an ASCII candidate, the usual case: folded byte by byte as it is
/// read.
fn distance_ascii(a: &[char], a_letters: u64, b: &str, limit: usize) -> Option<usize> {
    let folded = b.bytes().map(|c| char::from(c.to_ascii_uppercase()));
    if missing(a_letters, letters(folded.clone())) > limit {
        return None;
    }
    distance_of(a, folded, b.len(), limit)
}

/// The characters of a name as a set of 64 buckets (a character's bucket is its code modulo
/// 64): what [`missing`] compares.
fn letters(chars: impl Iterator<Item = char>) -> u64 {
    chars.fold(0, |set, c| set | 1u64 << (u32::from(c) % 64))
}

/// A lower bound of the edit distance between two names, from their [`letters`]: each bucket
/// one of them has and the other lacks holds a character the other does not have at all, and
/// each such character takes at least one edit of its own (its occurrences deleted or
/// substituted, or inserted). Buckets shared by different characters only lower the bound.
fn missing(a: u64, b: u64) -> usize {
    let only_a = (a & !b).count_ones();
    let only_b = (b & !a).count_ones();
    usize::try_from(only_a.max(only_b)).unwrap_or(usize::MAX)
}

/// [`distance_within`] of `a` and the `n` characters `b` yields, already folded.
fn distance_of(
    a: &[char],
    b: impl Iterator<Item = char> + Clone,
    n: usize,
    limit: usize,
) -> Option<usize> {
    // Rows on the stack: `closest` passes names of at most 64 characters and candidates
    // within `limit` of that; anything longer is out of reach.
    const MAX: usize = 96;
    if n > MAX || a.len().abs_diff(n) > limit {
        return None;
    }
    let (mut rows, mut other) = ([0u8; MAX + 1], [0u8; MAX + 1]);
    // The two rows are swapped by reference, not copied.
    let (mut prev, mut cur) = (&mut rows, &mut other);
    for (j, p) in (0u8..).zip(prev.iter_mut().take(n + 1)) {
        *p = j;
    }
    for (i, &ca) in (1u8..).zip(a) {
        if let Some(first) = cur.first_mut() {
            *first = i;
        }
        let mut row_min = i;
        for (j, cb) in b.clone().enumerate() {
            let cost = u8::from(ca != cb);
            let del = prev.get(j + 1).map_or(u8::MAX, |v| v.saturating_add(1));
            let ins = cur.get(j).map_or(u8::MAX, |v| v.saturating_add(1));
            let sub = prev.get(j).map_or(u8::MAX, |v| v.saturating_add(cost));
            let d = del.min(ins).min(sub);
            if let Some(slot) = cur.get_mut(j + 1) {
                *slot = d;
            }
            row_min = row_min.min(d);
        }
        if usize::from(row_min) > limit {
            return None;
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev.get(n).map(|&d| usize::from(d)).filter(|&d| d <= limit)
}

/// The number of characters of `s`: its length in bytes when it is ASCII, the usual case.
fn char_len(s: &str) -> usize {
    if s.is_ascii() {
        s.len()
    } else {
        s.chars().count()
    }
}

/// The closest candidate to `wanted`, if it is close enough to be a likely typo: the one at
/// the smallest distance, the first in string order among equals.
///
/// Cheap whatever the input: a name of more than twice [`MAX_NAME_LEN`] characters gets no
/// suggestion, a candidate whose length alone puts it out of reach is skipped before the
/// distance is computed (its length in bytes first, which bounds its length in characters),
/// and once a candidate is found the others are only searched up to its distance, so the cost
/// per candidate is bounded by the longest name.
pub(crate) fn closest<'c, I>(wanted: &str, candidates: I) -> Option<&'c str>
where
    I: IntoIterator<Item = &'c str>,
{
    let len = char_len(wanted);
    if len > 2 * MAX_NAME_LEN {
        return None;
    }
    let limit = (len / 3).max(1);
    let folded: SmallVec<[char; 64]> = wanted.chars().map(fold_char).collect();
    let wanted_letters = letters(folded.iter().copied());
    let mut best: Option<(usize, &'c str)> = None;
    for c in candidates {
        // A character is one to four bytes: a candidate of fewer bytes than `len - limit`, or
        // more than four times `len + limit`, has too few or too many characters.
        if c.len() + limit < len || c.len() > 4 * (len + limit) {
            continue;
        }
        let ascii = c.is_ascii();
        let n = if ascii { c.len() } else { c.chars().count() };
        if n.abs_diff(len) > limit {
            continue;
        }
        // Only a distance at most the best one so far can win.
        let within = best.map_or(limit, |(d, _)| d);
        let d = if ascii {
            distance_ascii(&folded, wanted_letters, c, within)
        } else {
            distance_within(&folded, wanted_letters, c, within)
        };
        let Some(d) = d else { continue };
        match best {
            Some(b) if b <= (d, c) => {}
            _ => best = Some((d, c)),
        }
    }
    best.map(|(_, c)| c)
}

/// Lists up to this long are searched by scanning; longer ones get a [`NameIndex`].
const SCAN_MAX: usize = 8;

/// The folded hash of a name: equal for names `names_eq` calls equal. [`hash_folded`] already
/// mixes every word of the folded name; a final avalanche (the finaliser of MurmurHash3's
/// 64-bit hash) spreads it over every bit the table uses, in a few instructions rather than a
/// second pass of a general-purpose hasher over the same word.
fn name_hash(name: &str) -> u64 {
    let mut x = folded_word(name);
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^= x >> 33;
    x = x.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    x ^ (x >> 33)
}

/// A hash index of a growing list of names, built only once the list is long (short lists
/// are scanned), so that looking up each of `n` names costs O(n) in all rather than O(n²): a
/// hostile input naming thousands of keys stays linear. It keeps positions only, under each
/// name's folded hash, and confirms a hit with `names_eq` on the list itself, so a lookup
/// allocates nothing.
#[derive(Debug, Default)]
pub(crate) struct NameIndex {
    /// Each entry: a folded hash and the first position of each distinct name with it.
    map: Option<hashbrown::HashTable<(u64, SmallVec<[usize; 1]>)>>,
    indexed: usize,
}

impl NameIndex {
    /// The position of the first name equal to `key` (case-insensitively) among the `len`
    /// names `name_at` reads (`None` at a position that holds no name). The list may only
    /// grow between calls.
    pub(crate) fn first<'s>(
        &mut self,
        len: usize,
        name_at: impl Fn(usize) -> Option<&'s str>,
        key: &str,
    ) -> Option<usize> {
        if len > SCAN_MAX || self.map.is_some() {
            self.extend(len, &name_at);
        }
        self.get(len, name_at, key)
    }

    /// An index of a whole list that does not grow, looked up with [`NameIndex::get`].
    pub(crate) fn of<'s>(len: usize, name_at: impl Fn(usize) -> Option<&'s str>) -> Self {
        let mut index = Self::default();
        if len > SCAN_MAX {
            index.extend(len, &name_at);
        }
        index
    }

    /// [`NameIndex::first`] for an index made by [`NameIndex::of`] from the same list: a scan
    /// while there is no hash index, else a lookup confirmed on the list itself.
    pub(crate) fn get<'s>(
        &self,
        len: usize,
        name_at: impl Fn(usize) -> Option<&'s str>,
        key: &str,
    ) -> Option<usize> {
        let is_key = |p: usize| name_at(p).is_some_and(|n| names_eq(n, key));
        match &self.map {
            None => (0..len).find(|&i| is_key(i)),
            Some(map) => {
                let h = name_hash(key);
                map.find(h, |(k, _)| *k == h)?
                    .1
                    .iter()
                    .copied()
                    .find(|&p| is_key(p))
            }
        }
    }

    /// Hashes the names from the last one indexed up to `len`, keeping only each name's first
    /// position (later equal names are found through it).
    fn extend<'s>(&mut self, len: usize, name_at: &impl Fn(usize) -> Option<&'s str>) {
        let map = self.map.get_or_insert_with(hashbrown::HashTable::new);
        for i in self.indexed..len {
            let Some(n) = name_at(i) else { continue };
            let h = name_hash(n);
            let (_, bucket) = map
                .entry(h, |(k, _)| *k == h, |(k, _)| *k)
                .or_insert_with(|| (h, SmallVec::new()))
                .into_mut();
            if !bucket
                .iter()
                .any(|&p| name_at(p).is_some_and(|o| names_eq(o, n)))
            {
                bucket.push(i);
            }
        }
        self.indexed = len;
    }

    /// Forgets the list, for the next one.
    pub(crate) fn clear(&mut self) {
        self.map = None;
        self.indexed = 0;
    }
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
        // Last characters: ASCII ones settle a mismatch; a non-ASCII one takes the full fold.
        assert!(!names_eq("Attr00", "Attr01"));
        assert!(names_eq("Attr00", "aTTR00"));
        assert!(names_eq("Se\u{17f}", "SES"));
        assert!(names_eq("SES", "se\u{17f}"));
        assert!(!names_eq("Se\u{17f}", "SET"));
        // Longer than one word, ASCII and not, in either casing: equal names hash alike.
        for (a, b) in [
            ("EngineeringProjectAlpha", "engineeringPROJECTalpha"),
            ("Ingeni\u{f8}rProsjektAlfa", "INGENI\u{d8}RprosjektALFA"),
            // A first word of ASCII, then a character that is not.
            ("Engineering\u{17f}et", "ENGINEERINGset"),
            ("Engineer\u{d8}", "eNGINEER\u{f8}"),
            (
                "\u{17f}\u{17f}\u{17f}\u{17f}\u{17f}\u{17f}\u{17f}\u{17f}\u{17f}x",
                "SSSSSSSSSX",
            ),
        ] {
            assert!(names_eq(a, b), "{a} {b}");
            assert_eq!(h(&Name::unchecked(a)), h(&Name::unchecked(b)), "{a} {b}");
        }
        // At every length, the ASCII path (whole words, then the tail read with overlapping
        // loads) and the per-character path (`ſ` is not ASCII) hash the same folded text alike,
        // and names that differ only in their last byte hash apart.
        for n in 1..=40 {
            let ascii: String = (0..n).map(|i| if i % 2 == 0 { 's' } else { 'T' }).collect();
            let unicode: String = (0..n)
                .map(|i| if i % 2 == 0 { '\u{17f}' } else { 't' })
                .collect();
            assert!(names_eq(&ascii, &unicode), "length {n}");
            assert_eq!(
                h(&Name::unchecked(&ascii)),
                h(&Name::unchecked(&unicode)),
                "length {n}"
            );
            let mut other = ascii.clone();
            other.pop();
            other.push('x');
            assert_ne!(
                h(&Name::unchecked(&ascii)),
                h(&Name::unchecked(&other)),
                "length {n}"
            );
        }
    }

    #[test]
    fn hints() {
        assert_eq!(
            closest("Projct", ["Project", "ProjectDate"]),
            Some("Project")
        );
        assert_eq!(closest("Zzz", ["Project"]), None);
        // The nearest wins wherever it is in the list; among equals, the first in string
        // order; lengths are counted in characters, not bytes.
        assert_eq!(
            closest("Alpine", ["Xlpinx", "Alpone", "Alpinx", "Alpine2"]),
            Some("Alpine2")
        );
        assert_eq!(closest("Alpine", ["Alpinf", "Alpind"]), Some("Alpind"));
        assert_eq!(
            closest("Z\u{fc}rich", ["Zurich", "Z\u{fc}rch"]),
            Some("Zurich")
        );
        assert_eq!(
            closest("\u{e9}t\u{e9}", ["ete", "\u{c9}T\u{c9}S"]),
            Some("\u{c9}T\u{c9}S")
        );
        // The bound from the characters alone never exceeds the distance itself.
        let names = [
            "Alpine",
            "alpinE",
            "Zermatt",
            "Atlantis",
            "Mars",
            "Marseille",
            "L1",
            "L2",
        ];
        for a in names {
            for b in names {
                let fa: Vec<char> = a.chars().map(fold_char).collect();
                let fb: Vec<char> = b.chars().map(fold_char).collect();
                let full = distance_of(&fa, fb.iter().copied(), fb.len(), 64);
                let (la, lb) = (letters(fa.iter().copied()), letters(fb.iter().copied()));
                assert!(full.is_some_and(|d| missing(la, lb) <= d), "{a} {b}");
                assert_eq!(distance_within(&fa, la, b, 64), full, "{a} {b}");
            }
        }
    }

    /// Past `SCAN_MAX` names the index hashes them: every name is still found, at its first
    /// position, whatever its case, both in a list that grows (`first`) and in a whole one
    /// (`of` + `get`); positions that hold no name are skipped.
    #[test]
    fn index_finds_every_name_past_the_scan_limit() {
        let names: Vec<Option<String>> = (0..3 * SCAN_MAX)
            .map(|i| (i % 5 != 4).then(|| format!("Name{i}")))
            .chain([Some("NAME3".to_owned()), Some("name20".to_owned())])
            .collect();
        let name_at = |i: usize| names.get(i).and_then(|n| n.as_deref());
        let whole = NameIndex::of(names.len(), name_at);
        let mut growing = NameIndex::default();
        for (i, name) in names.iter().enumerate() {
            let Some(name) = name else { continue };
            // Among the names before this one: only the repeats (the last two) are there.
            let earlier = growing.first(i, name_at, name);
            let want = match name.as_str() {
                "NAME3" => Some(3),
                "name20" => Some(20),
                _ => None,
            };
            assert_eq!(earlier, want, "{name} among the first {i}");
            // In the whole list, in another case: its first position.
            let lower = name.to_lowercase();
            let first = want.or(Some(i));
            assert_eq!(whole.get(names.len(), name_at, &lower), first, "{name}");
        }
        assert_eq!(whole.get(names.len(), name_at, "Name4"), None);
        assert_eq!(whole.get(names.len(), name_at, "Nobody"), None);
        assert_eq!(growing.first(names.len(), name_at, "nobody"), None);
    }

    #[test]
    fn index_of_thousands_of_names_finds_each_at_its_first_position() {
        // Enough names that many share the hash table's probe groups: each must still be found
        // under its own hash, and a repeat in another case at the first position.
        let names: Vec<String> = (0..4000)
            .map(|i| format!("Attribute{i}"))
            .chain((0..4000).step_by(7).map(|i| format!("ATTRIBUTE{i}")))
            .collect();
        let name_at = |i: usize| names.get(i).map(String::as_str);
        let whole = NameIndex::of(names.len(), name_at);
        let mut growing = NameIndex::default();
        for (i, name) in names.iter().enumerate() {
            let first = if i < 4000 { i } else { (i - 4000) * 7 };
            assert_eq!(whole.get(names.len(), name_at, name), Some(first), "{name}");
            let earlier = growing.first(i, name_at, name);
            assert_eq!(
                earlier,
                (i >= 4000).then_some(first),
                "{name} among the first {i}"
            );
        }
        assert_eq!(whole.get(names.len(), name_at, "Attribute4000"), None);
    }
}
