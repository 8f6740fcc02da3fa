//! Credential hygiene for a whole account: every API token, service token and certificate
//! that can expire, sit unused or be used from anywhere, read the same way whatever its kind.
//!
//! - [`Kind`]: what is read, and from which list operation ([`kinds`]): user and account API
//!   tokens, Access service tokens, Origin CA, custom, client, mTLS and Access certificates.
//! - [`Credential`]: one of them as the engine judges it: its id, name, [`Place`], and the
//!   dates it is judged on ([`When`]: a date Cloudflare sent in another format than RFC 3339
//!   is read where it is unambiguous, and kept as sent where it is not).
//! - [`Selection`]: which credentials to act on (`--expiring-within`, `--unused-for`,
//!   `--never-expires`, names, ids): the service-token commands' selection, for every kind.
//! - [`Policy`]: what an audit reports ([`Rule`]s), and [`crate::Client::audit`]: a stream of
//!   [`Outcome`]s (a list read, a [`Finding`], a [`Gap`] where a kind could not be read) for
//!   an [`AuditScope`], with the client's pacing, retries and typed errors.

mod audit;
pub mod kinds;

use std::fmt;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde_json::Value;

pub use audit::{AuditScope, Gap, Outcome};
pub use kinds::Kind;

use crate::error::{Error, InvalidInput};
use crate::ids::{AccountId, ZoneId};

/// Where a credential lives: the user's own (API tokens of the user), an account's, a zone's.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Place {
    /// The user the credential in use belongs to.
    User,
    /// An account.
    Account(AccountId),
    /// A zone.
    Zone(ZoneId),
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::User => f.write_str("user"),
            Self::Account(id) => write!(f, "account {id}"),
            Self::Zone(id) => write!(f, "zone {id}"),
        }
    }
}

/// A date of a credential as Cloudflare sent it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum When {
    /// Not sent, or `null`.
    Absent,
    /// A time.
    At(DateTime<Utc>),
    /// Sent, and not a time this reads (kept as sent): nothing is decided on it.
    Unreadable(String),
}

impl When {
    /// The time, if there is one.
    pub fn time(&self) -> Option<DateTime<Utc>> {
        match self {
            Self::At(time) => Some(*time),
            _ => None,
        }
    }

    /// `value` read as a date: RFC 3339 (`2026-12-31T00:00:00Z`), Go's `time.String()`
    /// (`2026-12-31 00:00:00 +0000 UTC`, as Origin CA answers), RFC 2822, or seconds since
    /// 1970 as a number (from 2000 on). A date without a time or a time without an offset is
    /// ambiguous and kept as [`When::Unreadable`], as is anything else.
    pub fn read(value: Option<&Value>) -> Self {
        let text = match value {
            None | Some(Value::Null) => return Self::Absent,
            Some(Value::Number(seconds)) => {
                // Seconds since 1970, from 2000 on: a small number is no date of a credential.
                return seconds
                    .as_i64()
                    .filter(|seconds| *seconds >= 946_684_800)
                    .and_then(|seconds| DateTime::from_timestamp(seconds, 0))
                    .map_or_else(|| Self::Unreadable(seconds.to_string()), Self::At);
            }
            Some(Value::String(text)) => text,
            Some(other) => return Self::Unreadable(other.to_string()),
        };
        let trimmed = text.trim();
        let go = || {
            // Go: `2006-01-02 15:04:05.999999999 -0700 MST`; the zone's name says nothing more.
            let (time, _zone) = trimmed.rsplit_once(' ')?;
            DateTime::parse_from_str(time, "%Y-%m-%d %H:%M:%S%.f %z").ok()
        };
        DateTime::parse_from_rfc3339(trimmed)
            .ok()
            .or_else(go)
            .or_else(|| DateTime::parse_from_str(trimmed, "%Y-%m-%d %H:%M:%S%.f %z").ok())
            .or_else(|| DateTime::parse_from_rfc2822(trimmed).ok())
            .map_or_else(|| Self::Unreadable(text.clone()), |time| Self::At(time.with_timezone(&Utc)))
    }
}

impl fmt::Display for When {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Absent => f.write_str("-"),
            Self::At(time) => f.write_str(&time.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
            Self::Unreadable(text) => write!(f, "{text:?} (unreadable)"),
        }
    }
}

/// One credential as the engine judges it, read from an item of its kind's list.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Credential {
    /// What it is.
    pub kind: Kind,
    /// Where it lives.
    pub place: Place,
    /// Its id (`""` when the item had none).
    pub id: String,
    /// Its name, or what names it (a certificate's hosts, its common name); `""` if nothing.
    pub name: String,
    /// When it expires ([`When::Absent`] for a token that never does).
    pub expires: When,
    /// When it was last used, for the kinds that record it ([`Kind::records_use`]).
    pub last_used: When,
    /// When it was made (issued, uploaded, created).
    pub created: When,
    /// Its status as sent (`active`, `disabled`, `expired`, ...), if the kind has one.
    pub status: Option<String>,
    /// For API tokens: whether it is usable from any IP address (no `condition.request_ip.in`).
    pub any_ip: Option<bool>,
    /// For API tokens: the policies' grants of write on every zone or every account, as
    /// `permission on resource` (empty if none).
    pub broad: Vec<String>,
}

impl Credential {
    /// `item`, an item of `kind`'s list at `place`, as a credential. Fields missing or of
    /// another type are absent: nothing here fails.
    pub fn from_item(kind: Kind, place: Place, item: &Value) -> Self {
        let source = kind.fields();
        let text = |pointer: &str| item.pointer(pointer).map(words).filter(|text| !text.is_empty());
        let name = source.name.iter().find_map(|pointer| text(pointer)).unwrap_or_default();
        let token = kind.is_api_token();
        Self {
            kind,
            place,
            id: text("/id").unwrap_or_default(),
            name,
            expires: When::read(item.pointer(source.expires)),
            last_used: source.last_used.map_or(When::Absent, |pointer| When::read(item.pointer(pointer))),
            created: When::read(item.pointer(source.created)),
            status: text("/status"),
            any_ip: token.then(|| any_ip(item)),
            broad: if token { broad_grants(item) } else { Vec::new() },
        }
    }
}

/// A value as words: text as it is, a list of texts joined by `, ` (a certificate's hosts).
fn words(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Array(items) => items.iter().map(words).filter(|word| !word.is_empty()).collect::<Vec<_>>().join(", "),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// Whether an API token is usable from any IP: no non-empty `condition.request_ip.in` (a
/// `not_in` alone still lets every other address in).
fn any_ip(token: &Value) -> bool {
    !token
        .pointer("/condition/request_ip/in")
        .and_then(Value::as_array)
        .is_some_and(|addresses| addresses.iter().any(|address| address.as_str().is_some_and(|text| !text.is_empty())))
}

/// An API token's grants of write on every zone or every account: an `allow` policy whose
/// resources hold a key ending in `.*` at any depth (`com.cloudflare.api.account.zone.*`:
/// every zone, of every account or of the one it sits under; `com.cloudflare.api.account.*`:
/// every account) with a permission group that writes (its name says `Write`, `Edit` or
/// `Admin`, or it has no name to say it does not).
fn broad_grants(token: &Value) -> Vec<String> {
    let mut grants = Vec::new();
    for policy in token.get("policies").and_then(Value::as_array).into_iter().flatten() {
        if policy.get("effect").and_then(Value::as_str).is_some_and(|effect| effect != "allow") {
            continue;
        }
        let mut every = Vec::new();
        wildcard_resources(policy.get("resources").unwrap_or(&Value::Null), &mut every);
        if every.is_empty() {
            continue;
        }
        for group in policy.get("permission_groups").and_then(Value::as_array).into_iter().flatten() {
            let name = group.get("name").and_then(Value::as_str);
            let writes = name.is_none_or(|name| {
                name.split_whitespace()
                    .any(|word| ["write", "edit", "admin"].contains(&word.to_ascii_lowercase().as_str()))
            });
            if writes {
                let permission = name
                    .map(str::to_owned)
                    .or_else(|| group.get("id").map(words).map(|id| format!("permission group {id}")))
                    .unwrap_or_else(|| "an unnamed permission group".to_owned());
                grants.extend(every.iter().map(|resource| format!("{permission} on {resource}")));
            }
        }
    }
    grants
}

/// The keys ending in `.*` of `resources`, at any depth.
fn wildcard_resources(resources: &Value, out: &mut Vec<String>) {
    if let Value::Object(map) = resources {
        for (key, value) in map {
            if key.ends_with(".*") {
                out.push(key.clone());
            }
            wildcard_resources(value, out);
        }
    }
}

/// What an audit reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Rule {
    /// Expires within the policy's span.
    ExpiresSoon,
    /// Has expired, and is still there.
    Expired,
    /// Never expires (an API token without `expires_on`, a service token made `forever`).
    NeverExpires,
    /// Not used for the policy's span (or never, and made longer ago).
    Unused,
    /// An API token usable from any IP address.
    AnyIp,
    /// An API token that writes on every zone or every account.
    Broad,
    /// A date that decides a rule was sent in a form that is not a date: nothing could be
    /// judged on it.
    UnreadableDate,
}

impl Rule {
    /// Its name in reports: `expires-soon`, `expired`, `never-expires`, `unused`, `any-ip`,
    /// `broad`, `unreadable-date`.
    pub fn name(self) -> &'static str {
        match self {
            Self::ExpiresSoon => "expires-soon",
            Self::Expired => "expired",
            Self::NeverExpires => "never-expires",
            Self::Unused => "unused",
            Self::AnyIp => "any-ip",
            Self::Broad => "broad",
            Self::UnreadableDate => "unreadable-date",
        }
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A rule that holds for a credential, with why in words.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Finding {
    /// The credential.
    pub credential: Credential,
    /// The rule.
    pub rule: Rule,
    /// Why: `expires 2026-12-20T00:00:00Z, in 13 days`, `DNS Write on com.cloudflare.api.account.zone.*`.
    pub detail: String,
}

/// A service token made `forever` expires in about 100 years (Cloudflare sets a date): so far
/// off is never.
const NEVER: Duration = Duration::from_secs(100 * 365 * 86_400);

/// What an audit reports: the spans of its rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Policy {
    /// A credential expiring within this span is reported (`expires-soon`): 30 days unless set.
    pub expiring_within: Duration,
    /// A credential of a kind that records use, not used for this span, is reported (`unused`):
    /// 90 days unless set.
    pub unused_for: Duration,
}

impl Default for Policy {
    fn default() -> Self {
        Self { expiring_within: Duration::from_secs(30 * 86_400), unused_for: Duration::from_secs(90 * 86_400) }
    }
}

impl Policy {
    /// A policy of these spans.
    pub fn new(expiring_within: Duration, unused_for: Duration) -> Self {
        Self { expiring_within, unused_for }
    }

    /// The rules that hold for `credential` at `now`.
    pub fn judge(&self, credential: &Credential, now: DateTime<Utc>) -> Vec<Finding> {
        let mut found = Vec::new();
        let mut find = |rule: Rule, detail: String| {
            found.push(Finding { credential: credential.clone(), rule, detail });
        };
        match &credential.expires {
            When::At(at) if *at <= now => {
                find(Rule::Expired, format!("expired {}, {} ago", stamp(*at), days(now - *at)))
            }
            When::At(at) if *at > later(now, NEVER) => find(Rule::NeverExpires, format!("expires {}", stamp(*at))),
            When::At(at) if *at <= later(now, self.expiring_within) => {
                find(Rule::ExpiresSoon, format!("expires {}, in {}", stamp(*at), days(*at - now)));
            }
            When::At(_) => {}
            When::Absent if credential.kind.expiry_optional() => find(Rule::NeverExpires, "no expiry".to_owned()),
            When::Absent => find(Rule::UnreadableDate, "no expiry date was sent".to_owned()),
            When::Unreadable(text) => find(Rule::UnreadableDate, format!("expiry {text:?} is not a date")),
        }
        if credential.kind.records_use() {
            match unused_since(credential) {
                Ok(Some((since, what))) if since < earlier(now, self.unused_for) => {
                    find(Rule::Unused, format!("{what} {}, {} ago", stamp(since), days(now - since)));
                }
                Err(text) => find(Rule::UnreadableDate, format!("last use {text:?} is not a date")),
                _ => {}
            }
        }
        if credential.any_ip == Some(true) {
            find(Rule::AnyIp, "no request_ip condition: usable from any address".to_owned());
        }
        for grant in &credential.broad {
            find(Rule::Broad, grant.clone());
        }
        found
    }
}

/// Since when a credential is unused: its last use, or, never used, its making (`Ok(None)`:
/// nothing says; `Err`: the last use was sent and is not a date).
fn unused_since(credential: &Credential) -> Result<Option<(DateTime<Utc>, &'static str)>, &str> {
    match &credential.last_used {
        When::At(at) => Ok(Some((*at, "last used"))),
        When::Unreadable(text) => Err(text),
        When::Absent => Ok(credential.created.time().map(|at| (at, "never used; made"))),
    }
}

/// `2026-12-20T00:00:00Z`.
fn stamp(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// `13 days`, `1 day`, `5 hours`: to the nearest day from a day on (8 days and 23 hours is
/// 9 days), else in hours.
fn days(span: chrono::TimeDelta) -> String {
    let hours = span.num_hours();
    match (hours + 12) / 24 {
        _ if hours < 24 => format!("{hours} hour{}", if hours == 1 { "" } else { "s" }),
        1 => "1 day".to_owned(),
        days => format!("{days} days"),
    }
}

/// Which credentials to act on: every condition given must hold.
///
/// ```
/// use std::time::Duration;
/// use cloudflare_client::hygiene::{Credential, Kind, Place, Selection};
///
/// let token = serde_json::json!({"id": "1", "name": "ci", "expires_on": "2026-12-10T00:00:00Z"});
/// let token = Credential::from_item(Kind::UserApiToken, Place::User, &token);
/// let mut selection = Selection::default();
/// selection.expiring_within = Some(Duration::from_secs(30 * 86_400));
/// assert!(selection.matches(&token, "2026-11-29T00:00:00Z".parse().unwrap()));
/// ```
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct Selection {
    /// Only credentials that have expired.
    pub expired: bool,
    /// Only credentials not yet expired that expire within this span from now.
    pub expiring_within: Option<Duration>,
    /// Only credentials last used longer ago than this, or never used and made longer ago
    /// than this (one with neither date is not picked: nothing says it is unused).
    pub unused_for: Option<Duration>,
    /// Only credentials that never expire.
    pub never_expires: bool,
    /// Only credentials whose name matches this glob (`ci-*`); one without a name matches none.
    pub name: Option<glob::Pattern>,
    /// Only credentials of these ids (none: any).
    pub ids: Vec<String>,
}

impl Selection {
    /// Whether `credential` is selected at time `now`. A date that is not one decides
    /// nothing: it picks nothing.
    pub fn matches(&self, credential: &Credential, now: DateTime<Utc>) -> bool {
        let expires = credential.expires.time();
        let expired = expires.is_some_and(|at| at <= now);
        let never = match &credential.expires {
            When::Absent => credential.kind.expiry_optional(),
            When::At(at) => *at > later(now, NEVER),
            When::Unreadable(_) => false,
        };
        (!self.expired || expired)
            && self.expiring_within.is_none_or(|within| !expired && expires.is_some_and(|at| at <= later(now, within)))
            && self.unused_for.is_none_or(|unused| {
                unused_since(credential).ok().flatten().is_some_and(|(since, _)| since < earlier(now, unused))
            })
            && (!self.never_expires || never)
            && self.name.as_ref().is_none_or(|pattern| !credential.name.is_empty() && pattern.matches(&credential.name))
            && (self.ids.is_empty() || self.ids.contains(&credential.id))
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

/// A span as people write one for a selection: `90d`, `36h`, `30m`, `1h30m`, `2w`, or in words
/// (`2weeks`, `1day 12h`), as [humantime](https://docs.rs/humantime) reads it (`m` is minutes,
/// `M` months of 30.44 days, `y` years of 365.25 days).
///
/// # Errors
/// [`Error::InvalidInput`] naming the text, for anything else (no unit, an unknown unit, a
/// number too large, nothing at all).
pub fn parse_span(text: &str) -> Result<Duration, Error> {
    let text = text.trim();
    humantime::parse_duration(text).map_err(|error| {
        Error::from(InvalidInput::new(
            "span",
            text,
            format!("expected a span such as 90d, 36h, 30m or 1h30m ({error})"),
        ))
    })
}

#[cfg(test)]
mod tests;
