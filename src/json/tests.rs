//! The reader against serde_json on the same bytes, and its errors, spans and limits.

use super::*;

/// The tree as a `serde_json::Value`, to compare with serde_json's reading of the same
/// bytes. Numbers go through serde_json's own number parsing of the text; a number
/// serde_json cannot represent (e.g. `1e400`) is kept as a string of its text. For
/// duplicate keys the last one wins, as in serde_json.
fn to_value(node: &Node<'_>) -> serde_json::Value {
    use serde_json::Value;
    match &node.kind {
        Kind::Null => Value::Null,
        Kind::Bool(b) => Value::Bool(*b),
        Kind::Number(text) => number_value(text),
        Kind::String(s) => Value::String(s.as_ref().to_owned()),
        Kind::Array(items) => Value::Array(items.iter().map(to_value).collect()),
        Kind::Object(members) => {
            let mut map = serde_json::Map::new();
            for member in members {
                map.insert(member.key.as_ref().to_owned(), to_value(&member.value));
            }
            Value::Object(map)
        }
    }
}

/// Converts validated number text the way serde_json would, never failing.
fn number_value(text: &str) -> serde_json::Value {
    match text.parse::<serde_json::Number>() {
        Ok(n) => serde_json::Value::Number(n),
        // Only out-of-range numbers get here; f64 overflows to infinity, which
        // serde_json cannot hold, so the text itself is kept.
        Err(_) => text
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map_or_else(
                || serde_json::Value::String(text.to_owned()),
                serde_json::Value::Number,
            ),
    }
}
use proptest::prelude::*;

fn ok(s: &str) -> Node<'_> {
    match parse(s.as_bytes(), crate::limits::MAX_JSON_DEPTH) {
        Ok(n) => n,
        Err(e) => panic!("{s:?} rejected: {e:?}"),
    }
}

fn err(s: &[u8]) -> ParseError {
    match parse(s, crate::limits::MAX_JSON_DEPTH) {
        Ok(n) => panic!("{s:?} accepted: {n:?}"),
        Err(e) => e,
    }
}

fn err_at(s: &str, offset: usize, message: &str) {
    let e = err(s.as_bytes());
    assert_eq!(
        (e.offset, e.message.as_str()),
        (offset, message),
        "for {s:?}"
    );
}

#[test]
fn scalars_with_spans() {
    let n = ok("  null ");
    assert_eq!((n.start, n.end, n.kind), (2, 6, Kind::Null));
    assert_eq!(ok("true").kind, Kind::Bool(true));
    assert_eq!(ok("false").as_bool(), Some(false));
    assert!(ok("null").is_null());
    for num in [
        "0", "-0", "12", "-5", "1.5", "1e5", "1E+5", "1e-5", "-0.0e0", "10",
    ] {
        let n = ok(num);
        assert_eq!((n.start, n.end, n.kind), (0, num.len(), Kind::Number(num)));
    }
    let n = ok("\t\"héllo\"\n");
    assert_eq!((n.start, n.end), (1, 9));
    assert_eq!(n.as_str(), Some("héllo"));
    assert!(matches!(n.kind, Kind::String(Cow::Borrowed(_))));
}

#[test]
fn escapes() {
    let n = ok(r#""a\"b\\c\/d\be\ff\ng\rh\ti\u0041\u00e9\ud83d\ude00""#);
    assert_eq!(n.as_str(), Some("a\"b\\c/d\u{8}e\u{c}f\ng\rh\ti\u{41}é😀"));
    assert!(matches!(n.kind, Kind::String(Cow::Owned(_))));
    assert_eq!(ok(r#""\uD83D\uDE00""#).as_str(), Some("😀"));
    assert_eq!(ok(r#""x\n""#).as_str(), Some("x\n"));
    // The escape loop is bounded by the input's length: a string made of nothing but escapes
    // (the most rounds an input allows) is read whole.
    let only = format!("\"{}\"", "\\n".repeat(1000));
    assert_eq!(ok(&only).as_str(), Some("\n".repeat(1000).as_str()));
    let units = format!("\"{}\"", "\\u00e9".repeat(300));
    assert_eq!(ok(&units).as_str(), Some("é".repeat(300).as_str()));
}

#[test]
fn containers_with_spans() {
    let src = r#"{"a": [1, {"b": null}], "c": "d", "a": true}"#;
    let n = ok(src);
    assert_eq!((n.start, n.end), (0, src.len()));
    let members = n.as_object().unwrap();
    assert_eq!(members.len(), 3, "duplicate key kept");
    assert_eq!(members[0].key, "a");
    assert_eq!((members[0].key_start, members[0].key_end), (1, 4));
    let arr = &members[0].value;
    assert_eq!((arr.start, arr.end), (6, 22));
    let items = arr.as_array().unwrap();
    assert_eq!((items[0].start, items[0].end), (7, 8));
    assert_eq!((items[1].start, items[1].end), (10, 21));
    assert_eq!(items[1].get("b").map(Node::is_null), Some(true));
    assert_eq!(members[2].key, "a");
    assert_eq!(members[2].value.as_bool(), Some(true));
    // `get` returns the first; `to_value` keeps the last, as serde_json.
    assert_eq!(n.get("a").map(Node::kind_name), Some("an array"));
    assert_eq!(n.get("zz"), None);
    assert_eq!(to_value(&n)["a"], serde_json::json!(true));
    assert_eq!(ok("[]").as_array().map(<[_]>::len), Some(0));
    assert_eq!(ok("{ }").as_object().map(<[_]>::len), Some(0));
    let k = ok(r#"{"\u0061":1}"#);
    assert_eq!(k.as_object().unwrap()[0].key, "a");
    assert_eq!(k.as_object().unwrap()[0].key_end, 9);
}

#[test]
fn kind_names() {
    let names: Vec<_> = ok(r#"[null, true, 1, "s", [], {}]"#)
        .as_array()
        .unwrap()
        .iter()
        .map(Node::kind_name)
        .collect();
    assert_eq!(
        names,
        [
            "null",
            "a Boolean",
            "a number",
            "a string",
            "an array",
            "an object"
        ]
    );
}

#[test]
fn to_value_numbers() {
    let v = to_value(&ok("[1, -1, 1.5, 18446744073709551615, 1e400, -0]"));
    let expected: serde_json::Value =
        serde_json::from_str("[1, -1, 1.5, 18446744073709551615, \"1e400\", -0]").unwrap();
    assert_eq!(v, expected);
}

#[test]
fn structural_errors() {
    err_at("", 0, "unexpected end of input");
    err_at("   ", 3, "unexpected end of input");
    err_at("[1,", 3, "unexpected end of input");
    err_at("[1", 2, "unexpected end of input");
    err_at("{\"a\"", 4, "unexpected end of input");
    err_at("\"abc", 4, "unexpected end of input");
    err_at("[1 2]", 3, "expected `,` or `]` after an array element");
    err_at(
        "{\"a\":1 \"b\":2}",
        7,
        "expected `,` or `}` after an object member",
    );
    err_at("{\"a\" 1}", 5, "expected `:` after an object key");
    err_at("{a:1}", 1, "expected a string key");
    err_at("{1:1}", 1, "expected a string key");
    err_at("[1,]", 3, "trailing comma before `]`");
    err_at("{\"a\":1,}", 7, "trailing comma before `}`");
    err_at("1 2", 2, "trailing characters after the JSON value");
    err_at("{} x", 3, "trailing characters after the JSON value");
    err_at("// c\n1", 0, "expected a JSON value");
    err_at(
        "[1 /* c */]",
        3,
        "expected `,` or `]` after an array element",
    );
    err_at("NaN", 0, "expected a JSON value");
    err_at("Infinity", 0, "expected a JSON value");
    err_at("'a'", 0, "expected a JSON value");
    err_at("tru", 3, "unexpected end of input");
    err_at("trUe", 2, "expected a JSON value");
    err_at("nul1", 3, "expected a JSON value");
    err_at("truex", 4, "trailing characters after the JSON value");
    err_at("\u{a0}1", 0, "expected a JSON value");
}

#[test]
fn number_errors() {
    err_at("012", 0, "leading zeros are not allowed");
    err_at("-01", 1, "leading zeros are not allowed");
    err_at("-", 1, "unexpected end of input");
    err_at("-a", 1, "expected a digit after `-`");
    err_at("- 1", 1, "expected a digit after `-`");
    err_at("1.", 2, "unexpected end of input");
    err_at("[1.]", 3, "expected a digit after the decimal point");
    err_at(".5", 0, "expected a JSON value");
    err_at("+1", 0, "expected a JSON value");
    err_at("[1e]", 3, "expected a digit in the exponent");
    err_at("[1e+]", 4, "expected a digit in the exponent");
    err_at("1.5.3", 3, "trailing characters after the JSON value");
    err_at("0x10", 1, "trailing characters after the JSON value");
}

#[test]
fn string_errors() {
    err_at(r#""a\x""#, 2, "invalid escape sequence");
    err_at(r#""\u12G4""#, 1, "invalid escape sequence");
    err_at(r#""\u12"#, 5, "unexpected end of input");
    err_at(r#""\"#, 2, "unexpected end of input");
    err_at(r#""\ud800""#, 1, "lone surrogate in \\u escape");
    err_at(r#""ab\ud800x""#, 3, "lone surrogate in \\u escape");
    err_at(r#""\ud800\n""#, 1, "lone surrogate in \\u escape");
    err_at(r#""\ud800\u0041""#, 1, "lone surrogate in \\u escape");
    err_at(r#""\ud800\ud800""#, 1, "lone surrogate in \\u escape");
    err_at(r#""\udc00""#, 1, "lone surrogate in \\u escape");
    err_at(r#""\ud800\uZZZZ""#, 7, "invalid escape sequence");
    err_at("\"\\ud800", 7, "unexpected end of input");
    err_at("\"a\tb\"", 2, "control character in string");
    err_at("\"a\\n\u{0}\"", 4, "control character in string");
    err_at("\"\u{1f}\"", 1, "control character in string");
    // DEL and non-ASCII are fine raw.
    assert_eq!(ok("\"\u{7f}\u{2028}\"").as_str(), Some("\u{7f}\u{2028}"));
}

#[test]
fn utf8_errors() {
    let e = err(b"[\"ab\xff\"]");
    assert_eq!((e.offset, e.message.as_str()), (4, "invalid UTF-8"));
    let e = err(b"\"\xe2\x82\"");
    assert_eq!((e.offset, e.message.as_str()), (1, "invalid UTF-8"));
    let e = err(b"\"\xe2\x82");
    assert_eq!((e.offset, e.message.as_str()), (1, "invalid UTF-8"));
    // A BOM is not JSON whitespace; serde_json rejects it too.
    assert_eq!(err(b"\xef\xbb\xbf1").offset, 0);
}

fn nested(levels: usize) -> String {
    "[".repeat(levels) + &"]".repeat(levels)
}

#[test]
fn depth_limit() {
    assert!(parse(nested(128).as_bytes(), 128).is_ok());
    let e = parse(nested(129).as_bytes(), 128).unwrap_err();
    assert_eq!(
        (e.offset, e.message.as_str()),
        (128, "nesting deeper than 128 levels")
    );
    let objects = "{\"a\":".repeat(129) + "1" + &"}".repeat(129);
    assert!(parse(objects.as_bytes(), 129).is_ok());
    assert!(parse(objects.as_bytes(), 128).is_err());
    assert!(parse(b"1", 0).is_ok());
    assert!(parse(b"[]", 0).is_err());
    assert!(parse(b"[]", 1).is_ok());
    // Deep nesting far beyond the limit is rejected without recursing.
    assert!(parse(nested(1_000_000).as_bytes(), crate::limits::MAX_JSON_DEPTH).is_err());
}

#[test]
fn int_text_cases() {
    assert_eq!(int_text("12"), IntText::Int(12));
    assert_eq!(int_text("-5"), IntText::Int(-5));
    assert_eq!(int_text("0"), IntText::Int(0));
    assert_eq!(int_text("-0"), IntText::Int(0));
    assert_eq!(int_text("12.0"), IntText::NotInteger);
    assert_eq!(int_text("1e1"), IntText::NotInteger);
    assert_eq!(int_text("1E1"), IntText::NotInteger);
    assert_eq!(int_text("99999999999999999999"), IntText::TooBig);
    assert_eq!(int_text("-99999999999999999999"), IntText::TooBig);
    assert_eq!(int_text("9223372036854775807"), IntText::Int(i64::MAX));
    assert_eq!(int_text("9223372036854775808"), IntText::TooBig);
    assert_eq!(int_text("-9223372036854775808"), IntText::Int(i64::MIN));
    assert_eq!(int_text(""), IntText::NotInteger);
}

/// Greatest array/object nesting in a tree.
fn depth_of(n: &Node<'_>) -> usize {
    match &n.kind {
        Kind::Array(items) => 1 + items.iter().map(depth_of).max().unwrap_or(0),
        Kind::Object(ms) => 1 + ms.iter().map(|m| depth_of(&m.value)).max().unwrap_or(0),
        _ => 0,
    }
}

/// Whether some number in the tree is out of serde_json's range.
fn has_unrepresentable_number(n: &Node<'_>) -> bool {
    match &n.kind {
        Kind::Number(t) => t.parse::<serde_json::Number>().is_err(),
        Kind::Array(items) => items.iter().any(has_unrepresentable_number),
        Kind::Object(ms) => ms.iter().any(|m| has_unrepresentable_number(&m.value)),
        _ => false,
    }
}

/// Checks `parse` against `serde_json::from_slice::<Value>`.
///
/// Known, justified differences (both are cases where serde_json rejects a
/// document this parser accepts):
/// - numbers that overflow f64 (e.g. `1e400`): serde_json reports "number
///   out of range"; they are valid JSON grammar, and `to_value` keeps them
///   as their text;
/// - exactly 128 nested arrays/objects: serde_json's limit of 128 actually
///   rejects the 128th level, while `max_depth` 128 allows 128 levels.
fn check_against_serde(bytes: &[u8]) -> Result<(), TestCaseError> {
    let ours = parse(bytes, crate::limits::MAX_JSON_DEPTH);
    // The shallow reader sees the same document: the same error at the same offset, or
    // the same value with containers reduced to their kind.
    let shallow = Parser::new(bytes, crate::limits::MAX_JSON_DEPTH).and_then(|mut p| {
        let v = p.shallow(0)?;
        p.finish()?;
        Ok(v)
    });
    match (&ours, &shallow) {
        (Ok(n), Ok(s)) => {
            prop_assert_eq!(
                (n.start, n.end, n.kind_name()),
                (s.start, s.end, s.kind_name())
            );
            let same_scalar = match (&n.kind, &s.kind) {
                (Kind::String(a), ShallowKind::String(b)) => a == b,
                (Kind::Number(a), ShallowKind::Number(b)) => a == b,
                (Kind::Bool(a), ShallowKind::Bool(b)) => a == b,
                _ => true,
            };
            prop_assert!(same_scalar, "{:?} read as {:?}", n, s);
        }
        (Err(a), Err(b)) => prop_assert_eq!(a, b),
        _ => prop_assert!(false, "tree {:?}, shallow {:?}", ours, shallow),
    }
    let theirs = serde_json::from_slice::<serde_json::Value>(bytes);
    match (&ours, &theirs) {
        (Ok(node), Ok(value)) => {
            prop_assert_eq!(&to_value(node), value);
            prop_assert_eq!(
                (node.start <= node.end, node.end <= bytes.len()),
                (true, true)
            );
        }
        (Err(e), Err(_)) => prop_assert!(e.offset <= bytes.len()),
        (Ok(node), Err(e)) => {
            let msg = e.to_string();
            let justified = (msg.starts_with("number out of range")
                && has_unrepresentable_number(node))
                || (msg.starts_with("recursion limit exceeded") && depth_of(node) == 128);
            prop_assert!(justified, "we accept, serde_json rejects: {}", msg);
        }
        (Err(e), Ok(_)) => prop_assert!(false, "we reject ({:?}), serde_json accepts", e),
    }
    Ok(())
}

fn arb_value() -> impl Strategy<Value = serde_json::Value> {
    use serde_json::Value;
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        any::<String>().prop_map(Value::String),
        "[a-z\"\\\\/\u{0}-\u{1f}é😀]{0,8}".prop_map(Value::String),
    ];
    leaf.prop_recursive(6, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            prop::collection::btree_map("[a-c\"\\\\é]{0,3}", inner, 0..8)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Text built from JSON's own tokens, so that broken documents and
/// escape edge cases are common.
fn json_ish() -> impl Strategy<Value = String> {
    let token = prop_oneof![
        Just("[".to_owned()),
        Just("]".to_owned()),
        Just("{".to_owned()),
        Just("}".to_owned()),
        Just(",".to_owned()),
        Just(":".to_owned()),
        Just("\"".to_owned()),
        Just(" ".to_owned()),
        Just("\\".to_owned()),
        Just("true".to_owned()),
        Just("null".to_owned()),
        "-?(0|[1-9][0-9]{0,25})(\\.[0-9]{1,5})?([eE][+-]?[0-9]{1,4})?",
        "[-+.eE0-9]{1,4}",
        "\"([a-z]|\\\\[\"\\\\/bfnrtux]|\\\\u[0-9a-fA-F]{4}|\\\\u[dD][89a-fA-F][0-9a-f]{2}|[\u{0}-\u{1f}])*\"",
        "[\t\n\r /a-z\u{80}-\u{10ffff}]",
    ];
    prop::collection::vec(token, 0..24).prop_map(|t| t.concat())
}

/// JSON text from a grammar that is valid most of the time: numbers up to
/// out-of-range exponents, every escape form, surrogate pairs, and
/// occasional junk (bad numbers, lone surrogates, control characters,
/// non-JSON whitespace, missing separators).
fn json_text() -> impl Strategy<Value = String> {
    let ws = prop_oneof![
        8 => "[ \t\n\r]{0,2}",
        1 => "[ \u{a0}\u{feff}\u{b}\u{c}]",
    ];
    let string = prop_oneof![
        8 => "\"([a-zé😀 \u{7f}]|\\\\[\"\\\\/bfnrt]|\\\\u[0-9a-fA-F]{4}|\\\\u[dD][89abAB][0-9a-f]{2}\\\\u[dD][c-fC-F][0-9a-f]{2}){0,6}\"",
        1 => "\"([a-z]|\\\\[\"\\\\/bfnrtux0]|\\\\u[dD][89a-fA-F][0-9a-f]{2}|\\\\u[0-9a-g]{0,4}|[\u{0}-\u{1f}]){0,4}\"?",
    ];
    let leaf = prop_oneof![
        6 => "-?(0|[1-9][0-9]{0,25})(\\.[0-9]{1,5})?([eE][+-]?[0-9]{1,4})?",
        1 => "[-+.eE0-9]{1,4}",
        1 => "true|false|null|tru|nul|NaN|Infinity",
        6 => string.clone(),
    ];
    let sep = prop_oneof![20 => Just(","), 1 => Just(""), 1 => Just(",,")];
    leaf.prop_recursive(5, 48, 6, move |inner| {
        let item = (ws.clone(), inner.clone(), ws.clone(), sep.clone())
            .prop_map(|(a, v, b, s)| format!("{a}{v}{b}{s}"));
        let member = (string.clone(), ws.clone(), inner, ws.clone(), sep.clone())
            .prop_map(|(k, a, v, b, s)| format!("{k}{a}:{v}{b}{s}"));
        prop_oneof![
            (
                prop::collection::vec(item, 0..5),
                prop::bool::weighted(0.05)
            )
                .prop_map(|(items, trailing)| close(items, trailing, "[", "]")),
            (
                prop::collection::vec(member, 0..5),
                prop::bool::weighted(0.05)
            )
                .prop_map(|(items, trailing)| close(items, trailing, "{", "}")),
        ]
    })
}

/// Joins container items whose separators are attached, dropping the
/// last separator unless a trailing one is wanted.
fn close(items: Vec<String>, trailing: bool, open: &str, end: &str) -> String {
    let mut text = items.concat();
    if !trailing && text.ends_with(',') {
        text.pop();
    }
    format!("{open}{text}{end}")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2048))]

    #[test]
    fn arbitrary_bytes_agree_with_serde(bytes in prop::collection::vec(any::<u8>(), 0..64)) {
        check_against_serde(&bytes)?;
    }

    #[test]
    fn json_ish_text_agrees_with_serde(text in json_ish()) {
        check_against_serde(text.as_bytes())?;
    }

    #[test]
    fn grammar_text_agrees_with_serde(text in json_text()) {
        check_against_serde(text.as_bytes())?;
    }

    #[test]
    fn generated_json_agrees_with_serde(value in arb_value(), pretty in any::<bool>()) {
        let text = if pretty {
            serde_json::to_string_pretty(&value)
        } else {
            serde_json::to_string(&value)
        };
        let text = text.unwrap();
        let node = parse(text.as_bytes(), crate::limits::MAX_JSON_DEPTH);
        prop_assert!(node.is_ok(), "{:?} rejected: {:?}", text, node);
        check_against_serde(text.as_bytes())?;
    }

    #[test]
    fn mutated_json_agrees_with_serde(
        value in arb_value(),
        at in any::<prop::sample::Index>(),
        byte in prop_oneof![
            any::<u8>(),
            prop::sample::select(b"[]{},:\"\\ 0-.eE+tfnu\t\n\x00\x1f/".to_vec()),
        ],
        insert in any::<bool>(),
    ) {
        let mut bytes = serde_json::to_vec(&value).unwrap();
        let i = at.index(bytes.len() + 1);
        if insert || i == bytes.len() {
            bytes.insert(i, byte);
        } else {
            bytes[i] = byte;
        }
        check_against_serde(&bytes)?;
    }
}

#[test]
fn depth_boundary_matches_serde_convention_note() {
    // serde_json accepts 127 levels and rejects 128 (see `check_against_serde`).
    assert!(serde_json::from_str::<serde_json::Value>(&nested(127)).is_ok());
    assert!(serde_json::from_str::<serde_json::Value>(&nested(128)).is_err());
    assert!(parse(nested(127).as_bytes(), crate::limits::MAX_JSON_DEPTH).is_ok());
}
