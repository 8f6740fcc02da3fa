//! The `list` table: fixed columns (so it streams), aligned by display width (wide characters
//! count twice), long names cut with `…`, every server string escaped, and times as a person
//! reads them ("in 5 days", "expired 4 weeks ago", "never").

use std::time::Duration;

use chrono::{DateTime, Utc};
use cloudflare_client::ServiceToken;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

const ID: usize = 36;
const NAME: usize = 32;
const EXPIRES: usize = 22;

/// The header line.
pub fn header() -> String {
    format!("{}  {}  {}  LAST SEEN", pad("ID", ID), pad("NAME", NAME), pad("EXPIRES", EXPIRES))
}

/// One token's line at time `now`.
pub fn row(token: &ServiceToken, now: DateTime<Utc>) -> String {
    let id = crate::output::text(token.id.as_deref().unwrap_or("-")).into_owned();
    let name = crate::output::text(token.name.as_deref().unwrap_or("-")).into_owned();
    let expires = match token.expires_at.as_ref().map(|at| (at.time(), at)) {
        None => "-".to_owned(),
        Some((Some(at), _)) if at <= now => format!("expired {} ago", span(since(at, now))),
        Some((Some(at), _)) => format!("in {}", span(since(now, at))),
        Some((None, sent)) => unreadable(sent),
    };
    let seen = match token.last_seen_at.as_ref().map(|at| (at.time(), at)) {
        None => "never".to_owned(),
        Some((Some(at), _)) if at > now => "just now".to_owned(),
        Some((Some(at), _)) => format!("{} ago", span(since(at, now))),
        Some((None, sent)) => unreadable(sent),
    };
    format!("{}  {}  {}  {seen}", pad(&cut(&id, ID), ID), pad(&cut(&name, NAME), NAME), pad(&expires, EXPIRES))
}

/// A time that is not one, shown as sent (escaped), so that the row says what is wrong.
fn unreadable(sent: &cloudflare_client::Timestamp) -> String {
    format!("unreadable: {:?}", crate::output::text(&sent.to_string()))
}

fn since(earlier: DateTime<Utc>, later: DateTime<Utc>) -> Duration {
    (later - earlier).to_std().unwrap_or_default()
}

/// A span as a person reads it: its largest unit, rounded down ("5 days", "3 weeks", "2
/// months"), as timeago writes it; "now" for less than a second.
pub fn span(span: Duration) -> String {
    let mut formatter = timeago::Formatter::new();
    formatter.ago("");
    formatter.convert(span)
}

/// `text` cut to `width` columns, ending in `…` when cut.
pub(crate) fn cut(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_owned();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

/// `text` padded with spaces to `width` columns.
pub(crate) fn pad(text: &str, width: usize) -> String {
    format!("{text}{}", " ".repeat(width.saturating_sub(text.width())))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(json: serde_json::Value) -> ServiceToken {
        serde_json::from_value(json).unwrap()
    }

    fn now() -> DateTime<Utc> {
        "2026-11-29T12:00:00Z".parse().unwrap()
    }

    #[test]
    fn times_read_as_a_person_says_them() {
        let row = row(
            &token(serde_json::json!({"id": "f174e90a-fafe-4643-bbbc-4a0ed4fc8415", "name": "ci",
                "expires_at": "2026-12-04T13:00:00Z", "last_seen_at": "2026-11-29T09:00:00Z"})),
            now(),
        );
        assert!(row.contains("in 5 days") && row.ends_with("3 hours ago"), "{row}");
        let expired = super::row(&token(serde_json::json!({"expires_at": "2026-10-30T12:00:00Z"})), now());
        assert!(expired.contains("expired 4 weeks ago") && expired.ends_with("never"), "{expired}");
    }

    #[test]
    fn an_unreadable_time_is_shown_as_such() {
        for odd in ["", "2026-12-02", "not a date"] {
            let row = row(&token(serde_json::json!({"name": "odd", "expires_at": odd, "last_seen_at": odd})), now());
            assert_eq!(row.matches(&format!("unreadable: {odd:?}")).count(), 2, "{row}");
        }
    }

    #[test]
    fn columns_align_by_display_width_and_long_names_are_cut() {
        let rows: Vec<String> = ["ci", "東京のデプロイ用トークン", &"x".repeat(100), "e\u{301}t\u{e9}"]
            .iter()
            .map(|name| {
                row(&token(serde_json::json!({"id": "f174e90a-fafe-4643-bbbc-4a0ed4fc8415", "name": name})), now())
            })
            .collect();
        let expires_column = |line: &str| line.find("- ").map(|index| line[..index].width());
        let first = expires_column(&rows[0]);
        for line in &rows {
            assert_eq!(expires_column(line), first, "{line}");
        }
        assert!(rows[2].contains('…') && !rows[2].contains(&"x".repeat(40)), "{}", rows[2]);
        assert_eq!(header().find("NAME"), rows[0].find("ci"));
    }
}
