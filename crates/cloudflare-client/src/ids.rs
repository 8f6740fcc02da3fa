//! Validated identifiers. Parsing one is the only way to get one, so a request can never be
//! built from an id that would change its path (`..`, `a/b`, `a\b`) or that Cloudflare cannot
//! have issued.

use std::fmt;
use std::str::FromStr;

use crate::error::{Error, InvalidInput};
use crate::types::Identifier;

macro_rules! hex_id {
    ($(#[$doc:meta])* $name:ident, $what:literal, $example:literal) => {
        $(#[$doc])*
        ///
        /// Exactly 32 lowercase hexadecimal characters, as shown in the Cloudflare dashboard.
        ///
        /// ```
        #[doc = concat!("use cloudflare_client::", stringify!($name), ";")]
        ///
        #[doc = concat!("let id: ", stringify!($name), " = \"", $example, "\".parse()?;")]
        #[doc = concat!("assert_eq!(id.as_str(), \"", $example, "\");")]
        #[doc = concat!("assert!(\"../x\".parse::<", stringify!($name), ">().is_err());")]
        /// # Ok::<(), cloudflare_client::Error>(())
        /// ```
        #[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(Identifier);

        impl $name {
            /// The id as sent to Cloudflare.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// The id as the generated client's parameter type.
            pub fn as_identifier(&self) -> &Identifier {
                &self.0
            }
        }

        impl FromStr for $name {
            type Err = Error;

            fn from_str(text: &str) -> Result<Self, Error> {
                parse_hex_id($what, text).map(Self)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!(stringify!($name), "({})"), self.as_str())
            }
        }

        impl From<$name> for Identifier {
            fn from(id: $name) -> Self {
                id.0
            }
        }
    };
}

hex_id!(
    /// A Cloudflare account id.
    AccountId,
    "account id",
    "023e105f4ecef8ad9ca31a8372d0c353"
);
hex_id!(
    /// A Cloudflare zone id.
    ZoneId,
    "zone id",
    "9a7806061c88ada191ed06f989cc3dac"
);

/// The spec's `Identifier` checks the shape; the message here says what a person should fix.
fn parse_hex_id(what: &'static str, text: &str) -> Result<Identifier, Error> {
    text.parse::<Identifier>().map_err(|_| {
        let reason = if text.is_empty() {
            "it is empty".to_owned()
        } else if text.len() != 32 {
            format!("expected 32 lowercase hexadecimal characters, got {} characters", text.chars().count())
        } else {
            "expected 32 lowercase hexadecimal characters (0-9, a-f)".to_owned()
        };
        InvalidInput::new(what, text, reason).into()
    })
}

/// The id of an Access service token: a UUID in its canonical lowercase, hyphenated form.
///
/// ```
/// use cloudflare_client::ServiceTokenId;
///
/// let id: ServiceTokenId = "f174e90a-fafe-4643-bbbc-4a0ed4fc8415".parse()?;
/// assert_eq!(id.to_string(), "f174e90a-fafe-4643-bbbc-4a0ed4fc8415");
/// assert!("F174E90A-FAFE-4643-BBBC-4A0ED4FC8415".parse::<ServiceTokenId>().is_err());
/// # Ok::<(), cloudflare_client::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ServiceTokenId(uuid::Uuid);

impl ServiceTokenId {
    /// The id as the generated client's parameter type.
    pub fn as_uuid(&self) -> uuid::Uuid {
        self.0
    }
}

impl FromStr for ServiceTokenId {
    type Err = Error;

    /// Only the canonical form Cloudflare issues is accepted: other spellings the `uuid`
    /// crate would take (uppercase, braces, `urn:uuid:`, no hyphens) are refused, so an id is
    /// never silently rewritten.
    fn from_str(text: &str) -> Result<Self, Error> {
        match uuid::Uuid::try_parse(text) {
            Ok(uuid) if uuid.hyphenated().encode_lower(&mut uuid::Uuid::encode_buffer()) == text => Ok(Self(uuid)),
            _ => Err(InvalidInput::new(
                "service token id",
                text,
                "expected a lowercase UUID such as f174e90a-fafe-4643-bbbc-4a0ed4fc8415",
            )
            .into()),
        }
    }
}

impl From<ServiceTokenId> for uuid::Uuid {
    fn from(id: ServiceTokenId) -> Self {
        id.0
    }
}

impl fmt::Display for ServiceTokenId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0.hyphenated(), f)
    }
}

impl fmt::Debug for ServiceTokenId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ServiceTokenId({})", self.0.hyphenated())
    }
}

/// Where an Access object lives: an account, or a zone.
///
/// ```
/// use cloudflare_client::Scope;
///
/// let scope = Scope::Account("023e105f4ecef8ad9ca31a8372d0c353".parse()?);
/// assert_eq!(scope.to_string(), "account 023e105f4ecef8ad9ca31a8372d0c353");
/// # Ok::<(), cloudflare_client::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Scope {
    /// `/accounts/{account_id}/…`
    Account(AccountId),
    /// `/zones/{zone_id}/…`
    Zone(ZoneId),
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Account(id) => write!(f, "account {id}"),
            Self::Zone(id) => write!(f, "zone {id}"),
        }
    }
}

impl From<AccountId> for Scope {
    fn from(id: AccountId) -> Self {
        Self::Account(id)
    }
}

impl From<ZoneId> for Scope {
    fn from(id: ZoneId) -> Self {
        Self::Zone(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MALFORMED: &[&str] = &[
        "",
        ".",
        "..",
        "a/b",
        "a\\b",
        "../023e105f4ecef8ad9ca31a8372d0c3",
        "023E105F4ECEF8AD9CA31A8372D0C353",
        "023e105f4ecef8ad9ca31a8372d0c35",
        "023e105f4ecef8ad9ca31a8372d0c3533",
        "023e105f4ecef8ad9ca31a8372d0c35g",
        "023e105f4ecef8ad9ca31a8372d0c35 ",
        "023e105f4ecef8ad9ca31a8372d0c35\n",
        "%2e%2e",
        "023e105f4ecef8ad9ca31a8372d0c35é",
    ];

    #[test]
    fn hex_ids_accept_only_32_lowercase_hex() {
        assert_eq!(
            "023e105f4ecef8ad9ca31a8372d0c353".parse::<AccountId>().unwrap().as_str(),
            "023e105f4ecef8ad9ca31a8372d0c353"
        );
        for bad in MALFORMED {
            let error = bad.parse::<AccountId>().unwrap_err();
            assert!(error.is_invalid_input(), "{bad:?}");
            assert!(error.to_string().starts_with("invalid account id"), "{error}");
            assert!(bad.parse::<ZoneId>().unwrap_err().to_string().starts_with("invalid zone id"));
        }
    }

    #[test]
    fn ids_show_and_convert_as_they_are() {
        let account: AccountId = "023e105f4ecef8ad9ca31a8372d0c353".parse().unwrap();
        let zone: ZoneId = "9a7806061c88ada191ed06f989cc3dac".parse().unwrap();
        assert_eq!(format!("{account:?}"), "AccountId(023e105f4ecef8ad9ca31a8372d0c353)");
        assert_eq!(format!("{zone:?}"), "ZoneId(9a7806061c88ada191ed06f989cc3dac)");
        assert_eq!(format!("{account} {zone}"), "023e105f4ecef8ad9ca31a8372d0c353 9a7806061c88ada191ed06f989cc3dac");
        let token: ServiceTokenId = "f174e90a-fafe-4643-bbbc-4a0ed4fc8415".parse().unwrap();
        assert_eq!(format!("{token:?}"), "ServiceTokenId(f174e90a-fafe-4643-bbbc-4a0ed4fc8415)");
        let uuid: uuid::Uuid = token.into();
        assert_eq!(uuid, uuid::Uuid::parse_str("f174e90a-fafe-4643-bbbc-4a0ed4fc8415").unwrap());
    }

    #[test]
    fn hex_id_errors_say_what_is_wrong() {
        assert!("abc".parse::<AccountId>().unwrap_err().to_string().contains("got 3 characters"));
        assert!("".parse::<AccountId>().unwrap_err().to_string().contains("empty"));
        assert!(MALFORMED[6].parse::<AccountId>().unwrap_err().to_string().contains("lowercase"));
    }

    #[test]
    fn service_token_ids_accept_only_canonical_uuids() {
        let id: ServiceTokenId = "f174e90a-fafe-4643-bbbc-4a0ed4fc8415".parse().unwrap();
        assert_eq!(id.to_string(), "f174e90a-fafe-4643-bbbc-4a0ed4fc8415");
        for bad in MALFORMED.iter().chain(&[
            "F174E90A-FAFE-4643-BBBC-4A0ED4FC8415",
            "f174e90afafe4643bbbc4a0ed4fc8415",
            "{f174e90a-fafe-4643-bbbc-4a0ed4fc8415}",
            "urn:uuid:f174e90a-fafe-4643-bbbc-4a0ed4fc8415",
            "f174e90a-fafe-4643-bbbc-4a0ed4fc841",
            "f174e90a-fafe-4643-bbbc-4a0ed4fc84155",
            "../f174e90a-fafe-4643-bbbc-4a0ed4fc84",
        ]) {
            let error = bad.parse::<ServiceTokenId>().unwrap_err();
            assert!(error.is_invalid_input(), "{bad:?}");
            assert!(error.to_string().starts_with("invalid service token id"), "{error}");
        }
    }
}
