//! Keeping service tokens healthy: choosing tokens by expiry and use ([`TokenSelection`], the
//! engine of every kind's, [`crate::hygiene::Selection`], for service tokens), and the
//! durations Cloudflare accepts for a token's lifetime (`8760h`, `forever`:
//! [`check_token_duration`]). The command line uses exactly these, so a library user gets the
//! same answers.

use std::time::Duration;

use chrono::{DateTime, Utc};

use super::types::ServiceToken;
use crate::error::{Error, InvalidInput};
use crate::hygiene::{Credential, Kind, Place, Selection};

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
    /// Only tokens last seen longer ago than this, or never seen and created longer ago
    /// than this (a token with neither date is not picked: nothing says it is unused).
    pub unused_for: Option<Duration>,
    /// Only tokens whose name matches this glob (`ci-*`).
    pub name: Option<glob::Pattern>,
    /// Only tokens that never expire (made with the duration `forever`).
    pub never_expires: bool,
}

impl TokenSelection {
    /// Whether `token` is selected at time `now`: as [`crate::hygiene::Selection`] selects it
    /// (one engine for every kind of credential).
    pub fn matches(&self, token: &ServiceToken, now: DateTime<Utc>) -> bool {
        let item = serde_json::to_value(token).unwrap_or_default();
        let credential = Credential::from_item(Kind::ServiceToken, Place::User, &item);
        let selection = Selection {
            expired: self.expired,
            expiring_within: self.expiring_within,
            unused_for: self.unused_for,
            name: self.name.clone(),
            never_expires: self.never_expires,
            ..Selection::default()
        };
        selection.matches(&credential, now)
    }
}

/// The longest duration Go (and so Cloudflare) can hold: `i64::MAX` nanoseconds, about 292
/// years (`2562047h47m16.854775807s`).
const GO_MAX_NANOS: u128 = i64::MAX as u128;

/// Checks a service token's `duration` as Cloudflare takes it: `forever`, or a positive Go
/// duration in the documented form, `<number><unit>` repeated (`8760h`, `30m`, `1h30m`,
/// `300ms`, `2.5h`; units ns, us, µs, ms, s, m, h) that Go can hold (at most
/// `2562047h47m16.854775807s`).
///
/// Go's parser also takes a sign and numbers such as `.5h` or `5.h`; Cloudflare documents
/// neither, and a negative or zero lifetime is no token, so they are refused.
///
/// Why this is not a crate's: the one Rust port of Go's parser (`go-parse-duration` 0.1.1, two
/// releases in 2021, none since) takes all of Go's forms, which Cloudflare does not document
/// and which are no lifetime; what is checked here is Cloudflare's documented subset with Go's
/// bound, each rule tested (and mutation-tested, `.ci/mutants`). humantime reads other units
/// (`d`, `w`) that Go refuses.
///
/// # Errors
/// [`Error::InvalidInput`] naming the text, for anything else: nothing is sent.
pub fn check_token_duration(text: &str) -> Result<(), Error> {
    let invalid = |reason: &str| Error::from(InvalidInput::new("duration", text, reason));
    const FORM: &str =
        "expected a Go duration such as 8760h, 30m, 1h30m or 2.5h (units ns, us, µs, ms, s, m, h), or forever";
    if text == "forever" {
        return Ok(());
    }
    let mut nanos: u128 = 0;
    let mut rest = text;
    if rest.is_empty() {
        return Err(invalid(FORM));
    }
    while !rest.is_empty() {
        let (whole, after) = digits(rest);
        if whole.is_empty() {
            return Err(invalid(FORM));
        }
        let (fraction, after) = match after.strip_prefix('.') {
            Some(after) => {
                let (fraction, after) = digits(after);
                if fraction.is_empty() {
                    return Err(invalid(FORM));
                }
                (fraction, after)
            }
            None => ("", after),
        };
        let (unit, after) = [("ns", 1), ("us", 1_000), ("µs", 1_000), ("μs", 1_000), ("ms", 1_000_000)]
            .into_iter()
            .chain([("s", 1_000_000_000), ("m", 60_000_000_000), ("h", 3_600_000_000_000)])
            .find_map(|(name, unit): (&str, u128)| after.strip_prefix(name).map(|after| (unit, after)))
            .ok_or_else(|| invalid(FORM))?;
        nanos = nanos.saturating_add(scaled(whole, fraction, unit));
        if nanos > GO_MAX_NANOS {
            return Err(invalid("too long: Go durations hold at most 2562047h47m16.854775807s (about 292 years)"));
        }
        rest = after;
    }
    if nanos == 0 {
        return Err(invalid("a token needs a lifetime longer than zero"));
    }
    Ok(())
}

/// `text` as the token duration a request sends: checked as [`check_token_duration`] checks
/// it, and as the spec's `TokenDuration` pattern does.
///
/// ```
/// let duration = cloudflare_client::parse_token_duration("8760h")?;
/// assert_eq!(*duration, "8760h");
/// assert!(cloudflare_client::parse_token_duration("999999999999h").is_err());
/// # Ok::<(), cloudflare_client::Error>(())
/// ```
///
/// # Errors
/// [`Error::InvalidInput`] naming the text, as [`check_token_duration`].
pub fn parse_token_duration(text: &str) -> Result<super::types::TokenDuration, Error> {
    check_token_duration(text)?;
    text.parse().map_err(|error: super::types::error::ConversionError| {
        InvalidInput::new("duration", text, error.to_string()).into()
    })
}

/// The leading ASCII digits of `text`, and the rest.
fn digits(text: &str) -> (&str, &str) {
    text.split_at(text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len()))
}

/// `whole.fraction` times `unit` nanoseconds, as Go rounds it (down), saturating.
fn scaled(whole: &str, fraction: &str, unit: u128) -> u128 {
    let whole = whole.parse::<u128>().map_or(u128::MAX, |whole| whole.saturating_mul(unit));
    // Fifteen digits of an hour are below a nanosecond: the rest cannot add one.
    let fraction = &fraction[..fraction.len().min(15)];
    let part = fraction.parse::<u128>().unwrap_or(0).saturating_mul(unit) / 10u128.pow(fraction.len() as u32);
    whole.saturating_add(part)
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
    fn token_durations_as_cloudflare_takes_them() {
        for good in ["8760h", "30m", "1h30m", "300ms", "2h45m", "1.5h", "10us", "10µs", "5ns", "forever"] {
            assert!(check_token_duration(good).is_ok(), "{good}");
        }
        for bad in ["", "0", "1y", "90d", "1h30", "h", "forever!", "-1h", "1..5h", "1 h"] {
            assert!(check_token_duration(bad).unwrap_err().is_invalid_input(), "{bad}");
        }
    }

    #[test]
    fn token_durations_go_cannot_hold_or_cloudflare_does_not_document_are_refused() {
        for bad in ["999999999999h", "2562048h", "2562047h47m16.854775808s", "0s", "0h0m", "0.0s", ".5h", "5.h", "+1h"]
        {
            let error = check_token_duration(bad).unwrap_err();
            assert!(error.is_invalid_input(), "{bad}");
        }
        assert!(check_token_duration("999999999999h").unwrap_err().to_string().contains("too long"));
        assert!(check_token_duration("0s").unwrap_err().to_string().contains("longer than zero"));
        for good in ["2562047h47m16.854775807s", "2562047h", "1ns", "0.5h", "0h1s", "1μs", "1.999999999999999999999h"]
        {
            assert!(check_token_duration(good).is_ok(), "{good}: {:?}", check_token_duration(good));
        }
    }

    #[test]
    fn unused_for_counts_from_the_last_use_else_from_creation() {
        let span = Duration::from_secs(90 * DAY);
        let selection = TokenSelection { unused_for: Some(span), ..TokenSelection::default() };
        let at = |days: i64| (now() - chrono::Duration::days(days)).to_rfc3339();
        let pick = |token: serde_json::Value| selection.matches(&self::token(token), now());
        assert!(
            !pick(serde_json::json!({"created_at": (now() - chrono::Duration::minutes(5)).to_rfc3339()})),
            "new, never seen"
        );
        assert!(pick(serde_json::json!({"created_at": at(91)})), "created 91 days ago, never seen");
        assert!(!pick(serde_json::json!({"created_at": at(200), "last_seen_at": at(10)})), "seen lately");
        assert!(pick(serde_json::json!({"created_at": at(200), "last_seen_at": at(91)})));
        assert!(!pick(serde_json::json!({})), "nothing says it is unused");
        assert!(!pick(serde_json::json!({"last_seen_at": at(90)})), "exactly 90 days is not longer than 90 days");
        assert!(!pick(serde_json::json!({"created_at": at(90)})), "exactly 90 days is not longer than 90 days");
    }

    #[test]
    fn an_unreadable_time_picks_nothing() {
        for odd in ["", "2026-12-02", "not a date"] {
            let token =
                token(serde_json::json!({"name": "odd", "expires_at": odd, "last_seen_at": odd, "created_at": odd}));
            for selection in [
                TokenSelection { expired: true, ..TokenSelection::default() },
                TokenSelection { expiring_within: Some(Duration::from_secs(u64::MAX)), ..TokenSelection::default() },
                TokenSelection { unused_for: Some(Duration::from_secs(1)), ..TokenSelection::default() },
            ] {
                assert!(!selection.matches(&token, now()), "{odd:?}: {selection:?}");
            }
            assert!(TokenSelection::default().matches(&token, now()), "it is still listed");
        }
    }

    #[test]
    fn expiry_boundaries() {
        let soon =
            |days: i64| token(serde_json::json!({"expires_at": (now() + chrono::Duration::days(days)).to_rfc3339()}));
        let within =
            TokenSelection { expiring_within: Some(Duration::from_secs(30 * DAY)), ..TokenSelection::default() };
        assert!(within.matches(&soon(30), now()), "expiring exactly 30 days from now is within 30 days");
        assert!(!within.matches(&soon(31), now()));
        let expired = TokenSelection { expired: true, ..TokenSelection::default() };
        assert!(expired.matches(&soon(0), now()), "expiring now is expired");
        assert!(!within.matches(&soon(0), now()), "expired is not expiring");
        assert!(!expired.matches(&soon(1), now()));
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
        assert_eq!(pick(&selection), ["ci-old"], "never seen and of unknown age is not picked");
        selection.expired = true;
        assert_eq!(pick(&selection), ["ci-old"]);
        selection = TokenSelection { name: Some(glob::Pattern::new("ci-*").unwrap()), ..TokenSelection::default() };
        selection.expiring_within = Some(Duration::from_secs(u64::MAX));
        assert_eq!(pick(&selection), ["ci-soon"], "a span past the end of time is not an overflow");
    }
}
