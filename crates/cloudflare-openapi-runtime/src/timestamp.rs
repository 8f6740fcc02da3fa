//! [`Timestamp`]: a date and time as Cloudflare sends it, which one odd value cannot turn
//! into a failed call.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A date and time (the spec's `Timestamp`, `format: date-time`): an RFC 3339 text is parsed
/// into a [`DateTime<Utc>`]; any other text (`""`, `2026-12-02`, `not a date`) is kept as it
/// was sent, so that one token with an odd `expires_at` does not fail a whole list. Code that
/// decides by time ([`time`](Self::time) is `None`) must treat such a value as unknown.
///
/// ```
/// use cloudflare_openapi_runtime::Timestamp;
///
/// let at: Timestamp = serde_json::from_str(r#""2014-01-01T05:20:00.12345Z""#).unwrap();
/// assert_eq!(at.time().unwrap().timestamp(), 1388553600);
/// let odd: Timestamp = serde_json::from_str(r#""2026-12-02""#).unwrap();
/// assert_eq!((odd.time(), odd.as_sent()), (None, Some("2026-12-02")));
/// assert_eq!(serde_json::to_string(&odd).unwrap(), r#""2026-12-02""#, "sent on as it came");
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Timestamp(Inner);

#[derive(Clone, PartialEq, Eq, Hash)]
enum Inner {
    Time(DateTime<Utc>),
    Unreadable(String),
}

impl Timestamp {
    /// The time, if Cloudflare sent an RFC 3339 time.
    pub fn time(&self) -> Option<DateTime<Utc>> {
        match &self.0 {
            Inner::Time(time) => Some(*time),
            Inner::Unreadable(_) => None,
        }
    }

    /// The text, if it was not an RFC 3339 time.
    pub fn as_sent(&self) -> Option<&str> {
        match &self.0 {
            Inner::Time(_) => None,
            Inner::Unreadable(text) => Some(text),
        }
    }
}

impl From<DateTime<Utc>> for Timestamp {
    fn from(time: DateTime<Utc>) -> Self {
        Self(Inner::Time(time))
    }
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Inner::Time(time) => write!(f, "Timestamp({time:?})"),
            Inner::Unreadable(text) => write!(f, "Timestamp(unreadable {text:?})"),
        }
    }
}

/// RFC 3339, or the text as it was sent.
impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Inner::Time(time) => write!(f, "{}", time.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)),
            Inner::Unreadable(text) => f.write_str(text),
        }
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match &self.0 {
            Inner::Time(time) => time.serialize(serializer),
            Inner::Unreadable(text) => serializer.serialize_str(text),
        }
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Ok(Self(match text.parse::<DateTime<Utc>>() {
            Ok(time) => Inner::Time(time),
            Err(_) => Inner::Unreadable(text),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_parse_and_anything_else_is_kept() {
        for odd in ["", "2026-12-02", "not a date", "2026-13-01T00:00:00Z"] {
            let at: Timestamp = serde_json::from_value(serde_json::json!(odd)).unwrap();
            assert_eq!((at.time(), at.as_sent()), (None, Some(odd)));
            assert_eq!(serde_json::to_value(&at).unwrap(), serde_json::json!(odd));
            assert_eq!(at.to_string(), odd);
        }
        let at: Timestamp = serde_json::from_value(serde_json::json!("2026-12-02T10:00:00+01:00")).unwrap();
        assert_eq!(at.time().unwrap().to_rfc3339(), "2026-12-02T09:00:00+00:00");
        assert_eq!(at.as_sent(), None);
        assert!(serde_json::from_value::<Timestamp>(serde_json::json!(5)).is_err(), "not text at all");
    }
}
