//! Everything the command prints on stdout goes through here:
//! - text from a server (names, ids, messages) is made safe for a terminal
//!   ([`cloudflare_client::terminal_safe`]): control, bidi and separator characters are
//!   escaped, so a token's name cannot rewrite the screen or hide what it is;
//! - JSON stays valid JSON, one value per line, with the same characters as JSON escapes;
//! - a reader that went away (`| head -1`) ends the output quietly, as `ls | head` does;
//! - the credential in use (API token or Global API key) is redacted from all of it, should a
//!   server echo it back in an answer.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::io::Write as _;

use cloudflare_client::terminal_safe;
use serde_json::Value;

/// The credentials whose secret is redacted from every output, once they are known.
static CREDENTIALS: std::sync::OnceLock<cloudflare_client::Credentials> = std::sync::OnceLock::new();

/// From now on, `credentials`' secret is redacted from everything printed.
pub fn protect(credentials: &cloudflare_client::Credentials) {
    let _ = CREDENTIALS.set(credentials.clone());
}

/// `text` without the credential in use.
pub fn redacted(text: &str) -> Cow<'_, str> {
    match CREDENTIALS.get() {
        Some(credentials) => credentials.redact(text),
        None => Cow::Borrowed(text),
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

/// Writes `line` and a newline to stdout.
pub fn line(line: &str) -> Result<(), Closed> {
    written(writeln!(std::io::stdout().lock(), "{}", redacted(line)))
}

/// Writes `text` to stdout as it is (credential redacted), flushing it.
pub fn write(text: &str) -> Result<(), Closed> {
    let mut stdout = std::io::stdout().lock();
    written(stdout.write_all(redacted(text).as_bytes()).and_then(|()| stdout.flush()))
}

/// A write's result: a reader that went away is [`Closed`], said nowhere; another failure is
/// said on stderr, then is [`Closed`] too.
fn written(result: std::io::Result<()>) -> Result<(), Closed> {
    result.map_err(|error| {
        if error.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("error: writing the output: {error}");
        }
        Closed
    })
}

/// `value` as one line of JSON in which every character [`text`] escapes is a `\u` escape
/// (the credential is redacted when the line is printed).
pub fn json(value: &Value) -> String {
    let line = value.to_string();
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
