//! The rules a value obeys, each written once as a pure function returning a typed problem.
//! Callers (the PATCH rules, changes documents, allowed values) word the messages.

use crate::json::{self, IntText};
use crate::limits::MAX_VALUE_LEN;
use crate::names::utf16_len;

/// Why a string cannot be a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StringProblem {
    /// The empty string.
    Empty,
    /// Longer than [`MAX_VALUE_LEN`] UTF-16 code units (`units` of them).
    TooLong { units: usize },
}

/// Whether `s` can be a string value: not empty, at most [`MAX_VALUE_LEN`] UTF-16 code units.
#[inline]
pub(crate) fn check_string(s: &str) -> Result<(), StringProblem> {
    if s.is_empty() {
        return Err(StringProblem::Empty);
    }
    // UTF-16 never needs more units than UTF-8 needs bytes: short strings are not counted.
    if s.len() <= MAX_VALUE_LEN {
        return Ok(());
    }
    match utf16_len(s) {
        units if units > MAX_VALUE_LEN => Err(StringProblem::TooLong { units }),
        _ => Ok(()),
    }
}

/// Why a JSON number cannot be an integer value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum IntProblem {
    /// It has a fraction or an exponent.
    NotWhole,
    /// It is a whole number outside the Int32 range.
    OutOfRange,
}

/// The Int32 a JSON number's text is, or why it is none.
#[inline]
pub(crate) fn int32(number_text: &str) -> Result<i32, IntProblem> {
    match json::int_text(number_text) {
        IntText::Int(v) => i32::try_from(v).map_err(|_| IntProblem::OutOfRange),
        IntText::TooBig => Err(IntProblem::OutOfRange),
        IntText::NotInteger => Err(IntProblem::NotWhole),
    }
}

/// Whether `element` repeats one of the `earlier` elements of a collection (a collection holds
/// each value once).
#[inline]
pub(crate) fn repeats<T: PartialEq>(earlier: &[T], element: &T) -> bool {
    earlier.contains(element)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_non_empty_and_at_most_64_utf16_units() {
        assert_eq!(check_string(""), Err(StringProblem::Empty));
        assert_eq!(check_string("a"), Ok(()));
        assert_eq!(check_string(&"a".repeat(64)), Ok(()));
        assert_eq!(
            check_string(&"a".repeat(65)),
            Err(StringProblem::TooLong { units: 65 })
        );
        // 32 astral characters are 64 units (128 bytes); 33 are 66.
        assert_eq!(check_string(&"\u{1D400}".repeat(32)), Ok(()));
        assert_eq!(
            check_string(&"\u{1D400}".repeat(33)),
            Err(StringProblem::TooLong { units: 66 })
        );
        // 64 two-byte characters are 128 bytes but 64 units.
        assert_eq!(check_string(&"é".repeat(64)), Ok(()));
    }

    #[test]
    fn integers_are_whole_int32s() {
        assert_eq!(int32("12"), Ok(12));
        assert_eq!(int32("-2147483648"), Ok(i32::MIN));
        assert_eq!(int32("2147483647"), Ok(i32::MAX));
        assert_eq!(int32("2147483648"), Err(IntProblem::OutOfRange));
        assert_eq!(int32("99999999999999999999"), Err(IntProblem::OutOfRange));
        assert_eq!(int32("1.5"), Err(IntProblem::NotWhole));
        assert_eq!(int32("1e3"), Err(IntProblem::NotWhole));
    }

    #[test]
    fn a_repeat_is_an_equal_earlier_element() {
        assert!(repeats(&[1, 2], &2));
        assert!(!repeats(&[1, 2], &3));
        assert!(!repeats::<i32>(&[], &1));
    }
}
