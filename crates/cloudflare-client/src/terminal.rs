//! Text from a server (a token's name, an error message) made safe to print on a terminal.

use std::borrow::Cow;
use std::fmt::Write as _;

use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};

/// `text` with every character that could act on a terminal, or make the text read other
/// than it is, written as `\u{…}`: control characters (Cc: ESC and CSI sequences, OSC titles,
/// BEL, CR, LF, C1 such as U+009B), format characters (Cf: bidi overrides such as U+202E,
/// zero-width characters, tag characters), line and paragraph separators (U+2028, U+2029), and
/// spaces other than the ASCII space. Anyone who can name a service token could otherwise
/// rewrite what an operator's terminal shows.
///
/// ```
/// use cloudflare_client::terminal_safe;
///
/// assert_eq!(terminal_safe("ci token"), "ci token");
/// assert_eq!(terminal_safe("a\x1b]0;pwned\x07b"), "a\\u{1b}]0;pwned\\u{7}b");
/// assert_eq!(terminal_safe("invoice\u{202e}fdp.exe"), "invoice\\u{202e}fdp.exe");
/// ```
pub fn terminal_safe(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if is_unsafe(c) {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

fn is_unsafe(c: char) -> bool {
    match c.general_category() {
        GeneralCategory::Control
        | GeneralCategory::Format
        | GeneralCategory::LineSeparator
        | GeneralCategory::ParagraphSeparator => true,
        GeneralCategory::SpaceSeparator => c != ' ',
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_hostile_character_is_escaped_and_nothing_else() {
        for (hostile, shown) in [
            ("\x1b[2J", "\\u{1b}[2J"),
            ("\x1b]0;title\x07", "\\u{1b}]0;title\\u{7}"),
            ("a\rb\nc", "a\\u{d}b\\u{a}c"),
            ("\u{9b}31m", "\\u{9b}31m"),
            ("\u{202e}evil", "\\u{202e}evil"),
            ("line\u{2028}sep", "line\\u{2028}sep"),
            ("tag\u{e0041}", "tag\\u{e0041}"),
            ("zero\u{200b}width", "zero\\u{200b}width"),
            ("no\u{a0}break", "no\\u{a0}break"),
        ] {
            assert_eq!(terminal_safe(hostile), shown, "{hostile:?}");
        }
        for fine in ["CI/CD token", "déploiement 東京 🚀", "a-b_c.d"] {
            assert!(matches!(terminal_safe(fine), Cow::Borrowed(_)), "{fine}");
        }
    }
}
