//! The values flags take, each parsed by clap through `FromStr`: a bad value is reported by
//! clap with the flag's name, before anything else runs. Ids are the library's own types
//! (`AccountId`, `ZoneId`, `ServiceTokenId`); these wrap the library's checks for the rest.

use std::str::FromStr;
use std::time::Duration;

/// A span such as `90d`, `36h`, `30m` or `1h30m` (`--expiring-within`, `--unused-for`,
/// `--grace`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span(pub Duration);

impl FromStr for Span {
    type Err = cloudflare_client::Error;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        cloudflare_client::parse_span(text).map(Self)
    }
}

/// A token lifetime Cloudflare takes: a Go duration (`8760h`, `30m`, `1h30m`) or `forever`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenDuration(pub cloudflare_client::access::types::TokenDuration);

impl FromStr for TokenDuration {
    type Err = cloudflare_client::Error;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        cloudflare_client::parse_token_duration(text).map(Self)
    }
}

/// Text that is not empty (a name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Name(pub String);

impl FromStr for Name {
    type Err = &'static str;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        if text.trim().is_empty() {
            return Err("empty: a service token needs a name");
        }
        Ok(Self(text.to_owned()))
    }
}

/// An RFC 3339 time, such as `2026-12-01T00:00:00Z`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Time(pub chrono::DateTime<chrono::Utc>);

impl FromStr for Time {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        chrono::DateTime::parse_from_rfc3339(text)
            .map(|time| Self(time.with_timezone(&chrono::Utc)))
            .map_err(|error| format!("expected an RFC 3339 time such as 2026-12-01T00:00:00Z: {error}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_parse_or_say_why() {
        assert_eq!("1h30m".parse::<Span>().unwrap(), Span(Duration::from_secs(5400)));
        assert!("90x".parse::<Span>().is_err());
        assert_eq!(*"forever".parse::<TokenDuration>().unwrap().0, "forever");
        for bad in ["8760", "0s", ".5h", "999999999999h", "1y"] {
            assert!(bad.parse::<TokenDuration>().is_err(), "{bad}");
        }
        assert!("".parse::<Name>().is_err() && " ".parse::<Name>().is_err());
        assert_eq!("ci".parse::<Name>().unwrap().0, "ci");
        assert_eq!("2026-12-01T00:00:00+01:00".parse::<Time>().unwrap().0.to_rfc3339(), "2026-11-30T23:00:00+00:00");
        assert!("tomorrow".parse::<Time>().unwrap_err().contains("RFC 3339"));
    }
}

/// A profile's name (`--profile`, `CLOUDFLARE_PROFILE`): 1 to 64 letters, digits, `-`, `_` and
/// `.`, starting with a letter or a digit. It names a keyring entry and a key of the profile
/// files, so it can hold no path separator and cannot be `.` or `..`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ProfileName(String);

impl ProfileName {
    /// The profile used when none is named.
    pub fn default_profile() -> Self {
        Self("default".to_owned())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for ProfileName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for ProfileName {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.');
        match text.chars().next() {
            None => Err("empty: a profile needs a name".to_owned()),
            Some(_) if text.len() > 64 => Err("longer than 64 characters".to_owned()),
            Some(first) if !first.is_ascii_alphanumeric() => {
                Err("a profile's name starts with a letter or a digit".to_owned())
            }
            Some(_) if !text.chars().all(allowed) => {
                Err("a profile's name holds letters, digits, '-', '_' and '.' only (no path separator, no space)"
                    .to_owned())
            }
            Some(_) => Ok(Self(text.to_owned())),
        }
    }
}
