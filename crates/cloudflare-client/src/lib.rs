//! A Cloudflare API client you can trust with production credentials.
//!
//! - [`Credentials`]: an API token or the legacy email + Global API key, never both, never
//!   shown in `Debug`, errors or logs.
//! - [`Client`]: safe defaults (timeouts, no redirects, `https` only), over a client
//!   generated from Cloudflare's OpenAPI spec ([`Client::api`]), whose every operation gets
//!   the credentials and, through [`Client::call`], typed errors.
//! - [`Error`]: one type with the HTTP status, every Cloudflare error code and message and the
//!   `cf-ray` header, and predicates for the cases callers handle.
//! - Validated ids ([`AccountId`], [`ZoneId`], [`ServiceTokenId`]): a malformed id is
//!   refused before anything is sent.
//!
//! ```no_run
//! use cloudflare_client::{Client, Scope};
//!
//! # async fn run() -> Result<(), cloudflare_client::Error> {
//! let client = Client::from_env()?; // CLOUDFLARE_API_TOKEN, or CLOUDFLARE_EMAIL + CLOUDFLARE_API_KEY
//! let scope = Scope::Account("023e105f4ecef8ad9ca31a8372d0c353".parse()?);
//! match client.delete_service_token(&scope, &"f174e90a-fafe-4643-bbbc-4a0ed4fc8415".parse()?).await {
//!     Ok(token) => println!("deleted {:?}", token.name),
//!     Err(error) if error.is_not_found() => println!("no such token"),
//!     Err(error) => eprintln!("{error}"),
//! }
//! # Ok(())
//! # }
//! ```

#![warn(missing_docs)]

#[cfg(feature = "access")]
pub mod access;
mod client;
mod credentials;
mod error;
#[cfg(any(test, feature = "fuzzing"))]
#[doc(hidden)]
pub mod fuzzing;
pub mod hygiene;
mod ids;
mod invoke;
mod pacing;
mod pagination;
mod rate_limit;
mod response;
mod retry;
mod terminal;
#[cfg(test)]
mod test_watchdog;
mod transport;
mod typed;
mod waiting;

#[cfg(feature = "access")]
pub use access::{
    ServiceTokenQuery, TokenSelection, check_token_duration, parse_token_duration,
    types::{CreatedServiceToken, ServiceToken},
};
pub use client::{
    BASE_URL_ENV, Client, ClientBuilder, DEFAULT_BASE_URL, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_TIMEOUT, MAX_URL_BYTES, USER_AGENT,
};
pub use credentials::{API_KEY_ENV, API_TOKEN_ENV, Credentials, EMAIL_ENV, redact_secret};
pub use error::{
    ApiError, ConfigError, CredentialsError, Error, InvalidInput, ResponseTooLarge, TransportError, UnexpectedResponse,
};
pub use hygiene::parse_span;
pub use ids::{AccountId, Scope, ServiceTokenId, ZoneId};
pub use invoke::Answer;
pub use pagination::{MAX_ITEMS, MAX_PAGES};
pub use retry::{DEFAULT_MAX_RETRIES, DEFAULT_MAX_RETRY_WAIT, DEFAULT_RETRY_BASE_DELAY, DEFAULT_RETRY_MAX_DELAY};
pub use terminal::terminal_safe;
pub use typed::{Typed, Unfit};
pub use waiting::{Wait, WaitReason};

/// The generated low-level client: one module per enabled family (`openapi::access`, ...)
/// with its types, operation builders and operations table.
pub use cloudflare_openapi as openapi;
/// The trait of every enabled family (`AccessOperations`, ...), which makes its operations
/// methods of [`Client::api`]: `use cloudflare_client::prelude::*;`.
pub use cloudflare_openapi::prelude;
/// The types every family shares (generated): messages, pagination, ids, the failure answer.
/// A family's own types are in its module (`access::types`).
pub use cloudflare_openapi::types;
pub use cloudflare_openapi::types::ApiMessage;
pub use cloudflare_openapi::{
    ALL_FAMILIES, ArgumentError, Arguments, Bare, Body, Download, Envelope, FAMILIES, Family, Form, FormPart,
    FormShape, Location, Operation, OperationSchema, Paginated, Parameter, Part, PartKind, Request, SPEC_SOURCE,
    Secret, SecretInput, Timestamp, Untyped, operation, operation_schema, operations,
};
/// The HTTP client, re-exported for [`ClientBuilder::configure_http`].
pub use reqwest;

/// The README's examples, compiled as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

/// The guide's pages (`docs/` of the repository), each page's Rust examples compiled as
/// doctests; a page with none has none to compile. (Outside the crate's folder, and so only in
/// a checkout: a doctest build is never one of the published crate.)
#[cfg(doctest)]
mod guide {
    macro_rules! pages {
        ($($page:ident = $file:literal),* $(,)?) => {
            $(#[doc = include_str!(concat!("../../../docs/", $file))] struct $page;)*
        };
    }
    pages! {
        Library = "library.md",
        Cli = "cli.md",
        Operations = "operations.md",
        BodiesAndAnswers = "bodies-and-answers.md",
        ErrorsAndRetries = "errors-and-retries.md",
        Mocking = "mocking.md",
        AddingAnEndpoint = "adding-an-endpoint.md",
        Guarantees = "guarantees.md",
        Benchmarks = "benchmarks.md",
        Release = "release.md",
        Development = "development.md",
    }
}
