//! The kinds of credential an audit reads: for each, the list operation of each place it lives
//! in and the fields of its items that say its name, expiry, last use and making. A kind is one
//! row here; the engine ([`super::Policy`], [`super::Selection`], [`crate::Client::audit`]) is
//! the same for all.
//!
//! The fields are the 2024 schema's, where it has them, and Cloudflare's API reference where it
//! does not: the 2024 schema gives a user API token's list items no fields at all
//! (`iam_response_collection`), and its token (`iam_token`) has no `last_used_on`, which the
//! live API sends; Access service tokens' `last_seen_at` likewise, and account-owned API tokens
//! are not in it at all (the spec's hand-written part has them; see its header).

use std::fmt;
use std::str::FromStr;

use super::Place;

/// A kind of credential.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Kind {
    /// An API token of the user (`/user/tokens`).
    UserApiToken,
    /// An account-owned API token (`/accounts/{account_id}/tokens`).
    AccountApiToken,
    /// An Access service token, of an account or a zone.
    ServiceToken,
    /// An Origin CA certificate of a zone (`/certificates?zone_id=`).
    OriginCaCertificate,
    /// A zone's custom certificate (`custom_certificates`).
    CustomCertificate,
    /// A zone's client certificate (`client_certificates`).
    ClientCertificate,
    /// An account's mTLS certificate (`mtls_certificates`).
    MtlsCertificate,
    /// An Access mTLS certificate, of an account or a zone (`access/certificates`).
    AccessCertificate,
}

/// The fields of a kind's items, as JSON pointers.
#[derive(Debug)]
pub(crate) struct Fields {
    /// What names it, the first present: a name, a certificate's hosts, its common name.
    pub name: &'static [&'static str],
    /// Its expiry.
    pub expires: &'static str,
    /// Its last use, where the kind records it.
    pub last_used: Option<&'static str>,
    /// Its making.
    pub created: &'static str,
}

/// Where a kind is listed: the place's level and the operation that lists it there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// The user's own.
    User,
    /// An account's (the operation's `account_id`).
    Account,
    /// A zone's (the operation's `zone_id`, in the path or the query).
    Zone,
}

impl Kind {
    /// Every kind, in the order an audit reads them.
    pub const ALL: [Kind; 8] = [
        Kind::UserApiToken,
        Kind::AccountApiToken,
        Kind::ServiceToken,
        Kind::MtlsCertificate,
        Kind::AccessCertificate,
        Kind::OriginCaCertificate,
        Kind::CustomCertificate,
        Kind::ClientCertificate,
    ];

    /// Its name in reports: `user-api-token`, `account-api-token`, `service-token`, `origin-ca-certificate`,
    /// `custom-certificate`, `client-certificate`, `mtls-certificate`, `access-certificate`.
    pub fn name(self) -> &'static str {
        match self {
            Self::UserApiToken => "user-api-token",
            Self::AccountApiToken => "account-api-token",
            Self::ServiceToken => "service-token",
            Self::OriginCaCertificate => "origin-ca-certificate",
            Self::CustomCertificate => "custom-certificate",
            Self::ClientCertificate => "client-certificate",
            Self::MtlsCertificate => "mtls-certificate",
            Self::AccessCertificate => "access-certificate",
        }
    }

    /// The operations that list it, each with the level of place it takes.
    pub fn lists(self) -> &'static [(Level, &'static str)] {
        match self {
            Self::UserApiToken => &[(Level::User, "user_api_tokens_list_tokens")],
            Self::AccountApiToken => &[(Level::Account, "list_account_api_tokens")],
            Self::ServiceToken => {
                &[(Level::Account, "list_account_service_tokens"), (Level::Zone, "list_zone_service_tokens")]
            }
            Self::OriginCaCertificate => &[(Level::Zone, "origin_ca_list_certificates")],
            Self::CustomCertificate => &[(Level::Zone, "custom_ssl_for_a_zone_list_ssl_configurations")],
            Self::ClientCertificate => &[(Level::Zone, "client_certificate_for_a_zone_list_client_certificates")],
            Self::MtlsCertificate => &[(Level::Account, "m_tls_certificate_management_list_m_tls_certificates")],
            Self::AccessCertificate => &[
                (Level::Account, "access_mtls_authentication_list_mtls_certificates"),
                (Level::Zone, "zone_level_access_mtls_authentication_list_mtls_certificates"),
            ],
        }
    }

    /// The operation that lists it at `place`, if it lives there.
    pub fn list_at(self, place: &Place) -> Option<&'static str> {
        let level = match place {
            Place::User => Level::User,
            Place::Account(_) => Level::Account,
            Place::Zone(_) => Level::Zone,
        };
        self.lists().iter().find(|(at, _)| *at == level).map(|(_, operation)| *operation)
    }

    /// Whether Cloudflare records when it was last used (API tokens' `last_used_on`, service
    /// tokens' `last_seen_at`); certificates do not.
    pub fn records_use(self) -> bool {
        self.fields().last_used.is_some()
    }

    /// Whether it may have no expiry (a token may; a certificate always has one, so one sent
    /// without is a date missing, not a certificate that never expires).
    pub fn expiry_optional(self) -> bool {
        matches!(self, Self::UserApiToken | Self::AccountApiToken | Self::ServiceToken)
    }

    /// Whether it is an API token (whose conditions and policies are judged too).
    pub fn is_api_token(self) -> bool {
        matches!(self, Self::UserApiToken | Self::AccountApiToken)
    }

    pub(crate) fn fields(self) -> &'static Fields {
        const TOKEN: Fields = Fields {
            name: &["/name"],
            expires: "/expires_on",
            last_used: Some("/last_used_on"),
            created: "/issued_on",
        };
        match self {
            Self::UserApiToken | Self::AccountApiToken => &TOKEN,
            Self::ServiceToken => &Fields {
                name: &["/name"],
                expires: "/expires_at",
                last_used: Some("/last_seen_at"),
                created: "/created_at",
            },
            Self::OriginCaCertificate => {
                &Fields { name: &["/hostnames"], expires: "/expires_on", last_used: None, created: "/created_on" }
            }
            Self::CustomCertificate => {
                &Fields { name: &["/hosts"], expires: "/expires_on", last_used: None, created: "/uploaded_on" }
            }
            Self::ClientCertificate => {
                &Fields { name: &["/common_name"], expires: "/expires_on", last_used: None, created: "/issued_on" }
            }
            Self::MtlsCertificate => &Fields {
                name: &["/name", "/issuer"],
                expires: "/expires_on",
                last_used: None,
                created: "/uploaded_on",
            },
            Self::AccessCertificate => &Fields {
                name: &["/name", "/associated_hostnames"],
                expires: "/expires_on",
                last_used: None,
                created: "/created_at",
            },
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Kind {
    type Err = crate::Error;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::ALL.into_iter().find(|kind| kind.name() == text).ok_or_else(|| {
            let names: Vec<&str> = Self::ALL.iter().map(|kind| kind.name()).collect();
            crate::InvalidInput::new("kind", text, format!("expected one of {}", names.join(", "))).into()
        })
    }
}
