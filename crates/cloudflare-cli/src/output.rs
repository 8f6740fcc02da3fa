//! Everything the command prints on stdout goes through here:
//! - text from a server (names, ids, messages) is made safe for a terminal
//!   ([`cloudflare_client::terminal_safe`]): control, bidi and separator characters are
//!   escaped, so a token's name cannot rewrite the screen or hide what it is;
//! - JSON stays valid JSON, one value per line, with the same characters as JSON escapes;
//! - JSON from Cloudflare is printed as it was sent ([`json_as_sent`]): its fields in their
//!   order, its numbers and strings as written, fields the spec lacks included;
//! - a reader that went away (`| head -1`) ends the output quietly, as `ls | head` does;
//! - the credential in use (API token or Global API key) is redacted from all of it, should a
//!   server echo it back in an answer.

use std::borrow::Cow;
use std::fmt::Write as _;

use cloudflare_client::terminal_safe;
use serde::de::{Deserializer as _, MapAccess, Visitor};
use serde::ser::{SerializeMap as _, SerializeSeq as _};
use serde_json::Value;
use serde_json::value::RawValue;

/// From now on, `credentials`' secret is redacted from everything the command prints.
pub fn protect(credentials: &cloudflare_client::Credentials) {
    crate::context::current().protect(credentials);
}

/// `text` without the credential in use.
pub fn redacted(text: &str) -> Cow<'_, str> {
    // The context's redaction borrows from it; a text to redact is short.
    match crate::context::current().redacted(text) {
        Cow::Borrowed(_) => Cow::Borrowed(text),
        Cow::Owned(owned) => Cow::Owned(owned),
    }
}

/// `text` from a server or a user, made safe for a terminal and without the credential.
pub fn text(text: &str) -> Cow<'_, str> {
    match terminal_safe(text) {
        Cow::Borrowed(safe) => redacted(safe),
        Cow::Owned(safe) => Cow::Owned(redacted(&safe).into_owned()),
    }
}

/// Standard output was closed by its reader: stop printing, and exit as if all was printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Closed;

/// Writes `line` and a newline to stdout (the credential redacted).
pub fn line(line: &str) -> Result<(), Closed> {
    written(crate::context::current().write_out(&format!("{line}\n")))
}

/// Writes `text` to stdout as it is (the credential redacted), flushing it.
pub fn write(text: &str) -> Result<(), Closed> {
    written(crate::context::current().write_out(text))
}

/// A write's result: a reader that went away is [`Closed`], said nowhere; another failure is
/// said on stderr, then is [`Closed`] too.
fn written(result: std::io::Result<()>) -> Result<(), Closed> {
    result.map_err(|error| {
        if error.kind() != std::io::ErrorKind::BrokenPipe {
            crate::say!("error: writing the output: {error}");
        }
        Closed
    })
}

/// `value` as a word: a string as its text (no quotes), anything else as its JSON (`10`,
/// `true`, `["a"]`).
pub fn plain(value: &Value) -> String {
    value.as_str().map_or_else(|| value.to_string(), str::to_owned)
}

/// `value` as one line of JSON in which every character [`text`] escapes is a `\u` escape
/// (the credential is redacted when the line is printed).
pub fn json(value: &Value) -> String {
    terminal_safe_json(value.to_string())
}

/// JSON text as Cloudflare sent it, as one line of JSON: only the whitespace between its tokens
/// differs. Members stay in their order (a repeated name stays repeated), and numbers and
/// strings keep their text (`1.10`, `1e3`, `"\u00e9"`); a member's name is decoded and written
/// again (`"caf\u00e9"` is written `"café"`). Characters that [`text`] escapes become `\u`
/// escapes, as in [`json`]. Text that is not JSON (it was checked when the answer came) is
/// given as it is.
pub fn json_as_sent(raw: &RawValue) -> String {
    match serde_json::to_string(&AsSent::of(raw)) {
        Ok(line) => terminal_safe_json(line),
        Err(_) => raw.get().to_owned(),
    }
}

/// `value` indented for a person to read, with the characters [`text`] escapes as `\u`
/// escapes, as in [`json`].
pub fn json_pretty(value: &Value) -> String {
    let text = serde_json::to_string_pretty(value).unwrap_or_default();
    text.split('\n').map(|line| terminal_safe_json(line.to_owned())).collect::<Vec<_>>().join("\n")
}

/// [`json_as_sent`], indented for a person to read (on a terminal): the same members, in their
/// order, each value's text as sent.
pub fn json_as_sent_pretty(raw: &RawValue) -> String {
    match serde_json::to_string_pretty(&AsSent::of(raw)) {
        // Line by line: the layout's line ends are the only ones (a string's are `\n`).
        Ok(text) => text.split('\n').map(|line| terminal_safe_json(line.to_owned())).collect::<Vec<_>>().join("\n"),
        Err(_) => raw.get().to_owned(),
    }
}

/// A JSON value as sent: objects and arrays opened, so that their members can be written
/// without the whitespace between them; everything else as its text.
enum AsSent<'a> {
    Object(Vec<(Cow<'a, str>, AsSent<'a>)>),
    Array(Vec<AsSent<'a>>),
    Token(&'a RawValue),
}

impl<'a> AsSent<'a> {
    fn of(raw: &'a RawValue) -> Self {
        let text = raw.get();
        let opened = match text.as_bytes().first() {
            Some(b'{') => serde_json::Deserializer::from_str(text).deserialize_map(Members).map(|members| {
                AsSent::Object(members.into_iter().map(|(name, value)| (name, AsSent::of(value))).collect())
            }),
            Some(b'[') => serde_json::from_str::<Vec<&'a RawValue>>(text)
                .map(|items| AsSent::Array(items.into_iter().map(AsSent::of).collect())),
            _ => return AsSent::Token(raw),
        };
        opened.unwrap_or(AsSent::Token(raw))
    }
}

/// An object's members in their order, repeated names included (a map would keep one).
struct Members;

impl<'de> Visitor<'de> for Members {
    type Value = Vec<(Cow<'de, str>, &'de RawValue)>;

    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut members = Vec::with_capacity(map.size_hint().unwrap_or(0));
        while let Some(member) = map.next_entry::<Cow<'de, str>, &'de RawValue>()? {
            members.push(member);
        }
        Ok(members)
    }
}

impl serde::Serialize for AsSent<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            AsSent::Object(members) => {
                let mut map = serializer.serialize_map(Some(members.len()))?;
                for (name, value) in members {
                    map.serialize_entry(name, value)?;
                }
                map.end()
            }
            AsSent::Array(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            AsSent::Token(raw) => raw.serialize(serializer),
        }
    }
}

/// `line` (JSON) with every character [`text`] escapes as a `\u` escape.
fn terminal_safe_json(line: String) -> String {
    if matches!(terminal_safe(&line), Cow::Borrowed(_)) {
        return line;
    }
    let mut out = String::with_capacity(line.len() + 16);
    let mut buffer = [0u8; 4];
    for c in line.chars() {
        // Only inside strings can such a character occur: JSON's own syntax is ASCII.
        if matches!(terminal_safe(c.encode_utf8(&mut buffer)), Cow::Owned(_)) {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                let _ = write!(out, "\\u{unit:04x}");
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pretty_json_as_sent_keeps_every_value_s_text_and_escapes_what_acts_on_a_terminal() {
        let raw: Box<RawValue> =
            serde_json::from_str(r#"{"b":1.10,"a":[1e3,"caf\u00e9"],"t":"\u001b]0;x\u0007"}"#).unwrap();
        let pretty = json_as_sent_pretty(&raw);
        assert_eq!(
            pretty,
            "{\n  \"b\": 1.10,\n  \"a\": [\n    1e3,\n    \"caf\\u00e9\"\n  ],\n  \"t\": \"\\u001b]0;x\\u0007\"\n}"
        );
    }

    fn as_sent(text: &str) -> String {
        json_as_sent(&serde_json::from_str::<Box<RawValue>>(text).unwrap())
    }

    #[test]
    fn json_as_sent_changes_only_the_whitespace_between_tokens() {
        let sent = r#" { "z" : 1.10 , "a" : [ 1e3 , -0.0, 12345678901234567890123 , "caf\u00e9 \/" ] ,
            "nested" : { "b" : { } , "a" : [ ] , "t" : true , "n" : null } , "z" : "again" } "#;
        assert_eq!(
            as_sent(sent),
            r#"{"z":1.10,"a":[1e3,-0.0,12345678901234567890123,"caf\u00e9 \/"],"nested":{"b":{},"a":[],"t":true,"n":null},"z":"again"}"#
        );
        for scalar in ["1.50", "\"x\"", "null", "[]", "{}"] {
            assert_eq!(as_sent(scalar), scalar);
        }
        // A name is written again from its value; a value keeps its text.
        assert_eq!(as_sent(r#"{"caf\u00e9":"caf\u00e9"}"#), r#"{"café":"caf\u00e9"}"#);
    }

    #[test]
    fn json_as_sent_escapes_what_text_escapes() {
        // In a value as sent and in a name written again; a control character cannot be raw.
        let line = as_sent("{\"name\": \"a\u{202e}b\\u001b\", \"\u{2028}\": 1}");
        assert!(!line.contains('\u{202e}') && !line.contains('\u{2028}'), "{line}");
        assert!(line.contains("\\u001b"), "{line}");
        assert_eq!(
            serde_json::from_str::<Value>(&line).unwrap(),
            serde_json::json!({ "name": "a\u{202e}b\u{1b}", "\u{2028}": 1 }),
            "the same JSON"
        );
    }

    #[test]
    fn json_lines_escape_what_text_escapes_and_stay_the_same_json() {
        let value = serde_json::json!({ "name": "a\u{202e}b\u{2028}c\u{1b}[2J\u{e0041}", "ok": "東京" });
        let line = json(&value);
        assert!(!line.contains('\u{202e}') && !line.contains('\u{2028}') && !line.contains('\u{1b}'), "{line}");
        assert!(line.contains("\\u202e") && line.contains("\\udb40\\udc41"), "{line}");
        assert!(line.contains("東京"));
        assert_eq!(serde_json::from_str::<Value>(&line).unwrap(), value, "the same JSON");
        assert!(!line.contains('\n'));
    }
}
