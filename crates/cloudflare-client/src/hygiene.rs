//! Keeping service tokens healthy: choosing tokens by expiry and use ([`TokenSelection`]), the
//! spans people write for that (`90d`, `1h30m`: [`parse_span`]), and the durations Cloudflare
//! accepts for a token's lifetime (`8760h`, `forever`: [`check_token_duration`]). The command
//! line uses exactly these, so a library user gets the same answers.

use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::error::{Error, InvalidInput};
use crate::types::ServiceToken;

/// Which tokens to act on: every condition given must hold.
///
/// ```
/// use std::time::Duration;
/// use cloudflare_client::{ServiceToken, TokenSelection};
///
/// let mut selection = TokenSelection::default();
/// selection.expiring_within = Some(Duration::from_secs(30 * 86_400));
/// let token: ServiceToken = serde_json::from_str(r#"{"name": "ci", "expires_at": "2026-12-10T00:00:00Z"}"#).unwrap();
/// let now = "2026-11-29T00:00:00Z".parse().unwrap();
/// assert!(selection.matches(&token, now));
/// ```
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct TokenSelection {
    /// Only tokens that have expired.
    pub expired: bool,
    /// Only tokens not yet expired that expire within this span from now.
    pub expiring_within: Option<Duration>,
    /// Only tokens never seen, or last seen longer ago than this.
    pub unused_for: Option<Duration>,
    /// Only tokens whose name matches this glob (`ci-*`).
    pub name: Option<glob::Pattern>,
}

impl TokenSelection {
    /// Whether `token` is selected at time `now`.
    pub fn matches(&self, token: &ServiceToken, now: DateTime<Utc>) -> bool {
        let expires_at = token.expires_at.as_deref();
        let expired = expires_at.is_some_and(|at| *at <= now);
        (!self.expired || expired)
            && self
                .expiring_within
                .is_none_or(|within| !expired && expires_at.is_some_and(|at| *at <= later(now, within)))
            && self
                .unused_for
                .is_none_or(|unused| token.last_seen_at.as_deref().is_none_or(|seen| *seen < earlier(now, unused)))
            && self.name.as_ref().is_none_or(|pattern| token.name.as_deref().is_some_and(|name| pattern.matches(name)))
    }
}

/// `now + span`, or the end of time.
fn later(now: DateTime<Utc>, span: Duration) -> DateTime<Utc> {
    chrono::Duration::from_std(span)
        .ok()
        .and_then(|span| now.checked_add_signed(span))
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// `now - span`, or the start of time.
fn earlier(now: DateTime<Utc>, span: Duration) -> DateTime<Utc> {
    chrono::Duration::from_std(span)
        .ok()
        .and_then(|span| now.checked_sub_signed(span))
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

/// A span as people write one for a selection: one or more `<number><unit>` with units `d`,
/// `h`, `m`, `s` (`90d`, `36h`, `30m`, `1h30m`).
///
/// # Errors
/// [`Error::InvalidInput`] naming the text, for anything else (no unit, an unknown unit, a
/// number too large, nothing at all).
pub fn parse_span(text: &str) -> Result<Duration, Error> {
    let invalid = |reason: &str| Error::from(InvalidInput::new("span", text, reason));
    let units = [('d', 86_400), ('h', 3_600), ('m', 60), ('s', 1)];
    let mut total: u64 = 0;
    let mut rest = text.trim();
    if rest.is_empty() {
        return Err(invalid("expected a span such as 90d, 36h, 30m or 1h30m"));
    }
    while !rest.is_empty() {
        let digits = rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len());
        if digits == 0 {
            return Err(invalid("expected a number before each unit (d, h, m, s)"));
        }
        let number: u64 = rest[..digits].parse().map_err(|_| invalid("a number is too large"))?;
        let unit =
            rest[digits..].chars().next().ok_or_else(|| invalid("expected a unit after the number: d, h, m or s"))?;
        let (_, seconds) =
            units.iter().find(|(name, _)| *name == unit).ok_or_else(|| invalid("units are d, h, m and s"))?;
        total =
            number.checked_mul(*seconds).and_then(|part| total.checked_add(part)).ok_or_else(|| invalid("too long"))?;
        rest = &rest[digits + unit.len_utf8()..];
    }
    Ok(Duration::from_secs(total))
}

/// Checks a service token's `duration` as Cloudflare takes it: a Go duration (`8760h`, `30m`,
/// `1h30m`, `300ms`, `2.5h`; units ns, us, µs, ms, s, m, h) or `forever`.
///
/// # Errors
/// [`Error::InvalidInput`] naming the text, for anything else: nothing is sent.
pub fn check_token_duration(text: &str) -> Result<(), Error> {
    let invalid = || {
        Error::from(InvalidInput::new(
            "duration",
            text,
            "expected a Go duration such as 8760h, 30m or 1h30m (units ns, us, ms, s, m, h), or forever",
        ))
    };
    if text == "forever" {
        return Ok(());
    }
    let mut rest = text;
    if rest.is_empty() || rest == "0" {
        return Err(invalid());
    }
    while !rest.is_empty() {
        let number = rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(rest.len());
        let digits = &rest[..number];
        if digits.is_empty() || digits.starts_with('.') && digits.len() == 1 || digits.matches('.').count() > 1 {
            return Err(invalid());
        }
        rest = &rest[number..];
        let unit = ["ns", "us", "µs", "ms", "s", "m", "h"]
            .iter()
            .filter(|unit| rest.starts_with(**unit))
            .max_by_key(|unit| unit.len())
            .ok_or_else(invalid)?;
        rest = &rest[unit.len()..];
    }
    Ok(())
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

    const DAY: u64 = 86_400;

    #[test]
    fn spans_people_write() {
        for (text, seconds) in [
            ("90d", 90 * DAY),
            ("36h", 36 * 3600),
            ("30m", 1800),
            ("1h30m", 5400),
            ("1d12h", DAY + 12 * 3600),
            ("45s", 45),
        ] {
            assert_eq!(parse_span(text).unwrap(), Duration::from_secs(seconds), "{text}");
        }
        for bad in ["", "90", "d", "5w", "1.5h", "-3d", "1h30", "99999999999999999999d", "3 d"] {
            let error = parse_span(bad).unwrap_err();
            assert!(error.is_invalid_input(), "{bad}: {error}");
        }
    }

    #[test]
    fn token_durations_as_cloudflare_takes_them() {
        for good in ["8760h", "30m", "1h30m", "300ms", "2h45m", "1.5h", "10us", "10µs", "5ns", "forever"] {
            assert!(check_token_duration(good).is_ok(), "{good}");
        }
        for bad in ["", "0", "1y", "90d", "1h30", "h", "forever!", "-1h", "1..5h", "1 h"] {
            assert!(check_token_duration(bad).unwrap_err().is_invalid_input(), "{bad}");
        }
    }

    #[test]
    fn selections_combine_and_every_condition_must_hold() {
        let expired = token(
            serde_json::json!({"name": "ci-old", "expires_at": "2026-10-01T00:00:00Z", "last_seen_at": "2026-09-01T00:00:00Z"}),
        );
        let soon = token(
            serde_json::json!({"name": "ci-soon", "expires_at": "2026-12-05T00:00:00Z", "last_seen_at": "2026-11-28T00:00:00Z"}),
        );
        let later = token(serde_json::json!({"name": "deploy", "expires_at": "2027-11-29T00:00:00Z"}));
        let unknown = token(serde_json::json!({"name": "mystery"}));
        let pick = |selection: &TokenSelection| -> Vec<&str> {
            [&expired, &soon, &later, &unknown]
                .into_iter()
                .filter(|token| selection.matches(token, now()))
                .map(|token| token.name.as_deref().unwrap())
                .collect()
        };
        let mut selection = TokenSelection::default();
        assert_eq!(pick(&selection), ["ci-old", "ci-soon", "deploy", "mystery"]);
        selection.expiring_within = Some(Duration::from_secs(30 * DAY));
        assert_eq!(pick(&selection), ["ci-soon"], "not yet expired, expiring within 30 days");
        selection = TokenSelection { unused_for: Some(Duration::from_secs(30 * DAY)), ..TokenSelection::default() };
        assert_eq!(pick(&selection), ["ci-old", "deploy", "mystery"], "never seen counts as unused");
        selection.expired = true;
        assert_eq!(pick(&selection), ["ci-old"]);
        selection = TokenSelection { name: Some(glob::Pattern::new("ci-*").unwrap()), ..TokenSelection::default() };
        selection.expiring_within = Some(Duration::from_secs(u64::MAX));
        assert_eq!(pick(&selection), ["ci-soon"], "a span past the end of time is not an overflow");
    }
}
