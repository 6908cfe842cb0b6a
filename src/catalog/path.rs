//! Graph's paths and URLs for catalog items: reading a request path into what it names
//! ([`parse_path`], for definition requests) and writing an item's path ([`set_path`],
//! [`definition_path`], [`value_path`], for evolutions), percent-encoded so that one reads back
//! what the other writes; and the `@odata.context` URLs of Graph's responses.

use std::borrow::Cow;

/// The entity set of attribute sets.
pub(crate) const SETS: &str = "attributeSets";
/// The entity set of definitions.
pub(crate) const DEFINITIONS: &str = "customSecurityAttributeDefinitions";
/// A definition's allowed values (a navigation property, and their key in a definition).
pub(crate) const VALUES: &str = "allowedValues";
/// Where Graph's `@odata.context` URLs start.
const METADATA: &str = "https://graph.microsoft.com/v1.0/$metadata#directory/";

/// The `@odata.context` of a list of `entity_set` (which may carry an `$expand`, as
/// `customSecurityAttributeDefinitions(allowedValues())`).
pub(crate) fn list_context(entity_set: &str) -> String {
    format!("{METADATA}{entity_set}")
}

/// The `@odata.context` of one item of `entity_set`.
pub(crate) fn entity_context(entity_set: &str) -> String {
    format!("{METADATA}{entity_set}/$entity")
}

/// The `@odata.context` of the allowed values of definition `def_id`: the list, or with
/// `suffix` `/$entity` one of them.
pub(crate) fn values_context(def_id: &str, suffix: &str) -> String {
    format!(
        "{METADATA}{DEFINITIONS}('{}')/{VALUES}{suffix}",
        def_id.replace('\'', "''")
    )
}

/// What a path names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Target {
    Sets,
    Set(String),
    Definitions,
    Definition(String),
    Values(String),
    Value(String, String),
}

/// Reads a Graph path into what it names; `Err` says why it names nothing Graph offers here.
pub(crate) fn parse_path(path: &str) -> Result<Target, String> {
    let (path, query) = match path.split_once('?') {
        Some((p, q)) => (p, q),
        None => (path, ""),
    };
    if !query.is_empty() {
        return Err("query options are not supported by csa's definition requests".to_owned());
    }
    let mut rest = path.trim();
    if let Some(r) = strip_prefix_ci(rest, "https://graph.microsoft.com") {
        rest = r;
    } else if rest.contains("://") {
        return Err(format!("`{path}` is not a Microsoft Graph URL"));
    }
    for version in ["/v1.0", "/beta"] {
        if let Some(r) = strip_prefix_ci(rest, version) {
            if r.is_empty() || r.starts_with('/') {
                rest = r;
                break;
            }
        }
    }
    let Some(rest) = rest.strip_prefix('/') else {
        return Err(format!("`{path}` does not start with `/`"));
    };
    let rest = rest.strip_suffix('/').unwrap_or(rest);
    let mut parts: Vec<String> = Vec::new();
    for raw in rest.split('/') {
        // Key syntax first (the quotes are never encoded in practice), then percent-decoding.
        match split_key(raw) {
            Some((name, key)) => {
                parts.push(decode(name)?);
                parts.push(decode(&key)?);
            }
            None => parts.push(decode(raw)?),
        }
    }
    let is = |s: &String, name: &str| s.eq_ignore_ascii_case(name);
    let target = match parts.as_slice() {
        [d, s] if is(d, "directory") && is(s, SETS) => Target::Sets,
        [d, s, id] if is(d, "directory") && is(s, SETS) && !id.is_empty() => {
            Target::Set(id.clone())
        }
        [d, s] if is(d, "directory") && is(s, DEFINITIONS) => Target::Definitions,
        [d, s, id] if is(d, "directory") && is(s, DEFINITIONS) && !id.is_empty() => {
            Target::Definition(id.clone())
        }
        [d, s, id, v] if is(d, "directory") && is(s, DEFINITIONS) && is(v, VALUES) => {
            Target::Values(id.clone())
        }
        [d, s, id, v, vid]
            if is(d, "directory") && is(s, DEFINITIONS) && is(v, VALUES) && !vid.is_empty() =>
        {
            Target::Value(id.clone(), vid.clone())
        }
        _ => {
            return Err(format!(
                "`{path}` is not an attribute set, definition or allowed value path"
            ))
        }
    };
    Ok(target)
}

fn strip_prefix_ci<'s>(s: &'s str, prefix: &str) -> Option<&'s str> {
    let head = s.get(..prefix.len())?;
    if head.eq_ignore_ascii_case(prefix) {
        s.get(prefix.len()..)
    } else {
        None
    }
}

/// `name('key')` → (`name`, `key`), with `''` inside the key read as `'`.
fn split_key(segment: &str) -> Option<(&str, String)> {
    let inner = segment.strip_suffix("')")?;
    let (name, key) = inner.split_once("('")?;
    Some((name, key.replace("''", "'")))
}

/// Percent-decodes one path segment.
fn decode(segment: &str) -> Result<String, String> {
    if !segment.contains('%') {
        return Ok(segment.to_owned());
    }
    let hex = |c: Option<u8>| c.and_then(|c| char::from(c).to_digit(16));
    let mut out = Vec::with_capacity(segment.len());
    // One pass of the bytes' iterator: bounded by the segment, with no index to step.
    let mut bytes = segment.bytes();
    while let Some(b) = bytes.next() {
        if b != b'%' {
            out.push(b);
            continue;
        }
        match (hex(bytes.next()), hex(bytes.next())) {
            (Some(hi), Some(lo)) => out.push(u8::try_from(hi * 16 + lo).unwrap_or(b'?')),
            _ => return Err(format!("`{segment}` has an invalid percent-encoding")),
        }
    }
    String::from_utf8(out).map_err(|_| format!("`{segment}` does not decode to UTF-8 text"))
}

/// A path segment percent-encoded so it can be put in a Graph path and decoded back: every
/// byte of the UTF-8 text outside `A-Z a-z 0-9 - . _ ~` is written as `%XX` (uppercase hex).
pub(crate) fn encode_segment(s: &str) -> Cow<'_, str> {
    fn plain(b: u8) -> bool {
        b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~')
    }
    if s.bytes().all(plain) {
        return Cow::Borrowed(s);
    }
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        if plain(b) {
            out.push(char::from(b));
        } else {
            out.push('%');
            for nibble in [b >> 4, b & 0x0F] {
                if let Some(&h) = HEX.get(usize::from(nibble)) {
                    out.push(char::from(h));
                }
            }
        }
    }
    Cow::Owned(out)
}

/// The path of attribute set `id`.
pub(crate) fn set_path(id: &str) -> String {
    format!("/directory/{SETS}/{}", encode_segment(id))
}

/// The path of definition `id` (`Set_Name`).
pub(crate) fn definition_path(id: &str) -> String {
    format!("/directory/{DEFINITIONS}/{}", encode_segment(id))
}

/// The path of allowed value `value_id` of definition `def_id`.
pub(crate) fn value_path(def_id: &str, value_id: &str) -> String {
    format!(
        "{}/{VALUES}/{}",
        definition_path(def_id),
        encode_segment(value_id)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths() {
        let ok = |p: &str| parse_path(p).ok();
        assert_eq!(ok("/directory/attributeSets"), Some(Target::Sets));
        assert_eq!(
            ok("https://graph.microsoft.com/v1.0/directory/attributeSets/Engineering"),
            Some(Target::Set("Engineering".into()))
        );
        assert_eq!(
            ok("https://graph.microsoft.com/beta/directory/attributeSets('Engineering')"),
            Some(Target::Set("Engineering".into()))
        );
        assert_eq!(
            ok("/v1.0/directory/customSecurityAttributeDefinitions/Engineering_Project/allowedValues/Cost%20Center%2F12"),
            Some(Target::Value("Engineering_Project".into(), "Cost Center/12".into()))
        );
        assert_eq!(
            ok("/directory/customSecurityAttributeDefinitions('Engineering_Project')/allowedValues('O''Neil')"),
            Some(Target::Value("Engineering_Project".into(), "O'Neil".into()))
        );
        assert_eq!(
            ok("/Directory/CustomSecurityAttributeDefinitions/"),
            Some(Target::Definitions)
        );
        for bad in [
            "/directory/attributeSets?$top=1",
            "/users/abc",
            "directory/attributeSets",
            "https://example.com/directory/attributeSets",
            "/directory/attributeSets/A/B",
            // Four segments name a definition's values, and nothing else.
            "/directory/customSecurityAttributeDefinitions/X/bogus",
            "/directory/attributeSets/A/allowedValues",
            "/users/customSecurityAttributeDefinitions/X/allowedValues",
            "/directory/attributeSets/%ZZ",
            "/directory/attributeSets/%FF",
            "/directory/attributeSets/%+1",
            "",
        ] {
            assert!(parse_path(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn plain_segments_are_borrowed() {
        assert!(matches!(
            encode_segment("Engineering_Project"),
            Cow::Borrowed("Engineering_Project")
        ));
        assert!(matches!(encode_segment("a-b.c~d"), Cow::Borrowed(_)));
    }

    #[test]
    fn other_bytes_are_percent_encoded_in_uppercase_hex() {
        assert_eq!(encode_segment("New York/1"), "New%20York%2F1");
        assert_eq!(encode_segment("100%"), "100%25");
        assert_eq!(encode_segment("Zürich"), "Z%C3%BCrich");
        assert_eq!(encode_segment(""), "");
    }

    /// Decoding (as definition request paths are) gives back the text.
    #[test]
    fn encoding_round_trips() {
        for s in [
            "Alpine",
            "New York",
            "a/b?c#d",
            "%41",
            "Ünïcode ☃",
            "+1 2",
            "~_.-",
        ] {
            let encoded = encode_segment(s);
            assert!(encoded
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-._~%".contains(&b)));
            assert_eq!(decode(&encoded).as_deref(), Ok(s));
        }
    }
}
