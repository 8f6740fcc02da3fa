//! The `access` family: Zero Trust Access (cargo feature `access`, on by default).
//!
//! Generated from the spec and re-exported from cloudflare-openapi: [`types`], [`builder`]
//! and the family's [`OPERATIONS`]; every operation is a method of [`Client::api`] and is
//! sent by [`Client::call`]. Written by hand, for service tokens: the methods
//! [`Client::delete_service_token`], [`Client::list_service_tokens`],
//! [`Client::get_service_token`], [`Client::create_service_token`],
//! [`Client::update_service_token`], [`Client::rotate_service_token`] and
//! [`Client::refresh_service_token`], the query [`ServiceTokenQuery`], and the selection of
//! tokens by age and expiry ([`TokenSelection`], [`parse_span`], token durations).
//!
//! Each family's hand-written helpers live in a module of its name, as this one does.
//!
//! [`Client::api`]: crate::Client::api
//! [`Client::call`]: crate::Client::call
//! [`Client::delete_service_token`]: crate::Client::delete_service_token
//! [`Client::list_service_tokens`]: crate::Client::list_service_tokens
//! [`Client::get_service_token`]: crate::Client::get_service_token
//! [`Client::create_service_token`]: crate::Client::create_service_token
//! [`Client::update_service_token`]: crate::Client::update_service_token
//! [`Client::rotate_service_token`]: crate::Client::rotate_service_token
//! [`Client::refresh_service_token`]: crate::Client::refresh_service_token

mod hygiene;
mod service_tokens;

pub use crate::hygiene::parse_span;
pub use cloudflare_openapi::access::{AccessOperations, OPERATIONS, builder, types};
pub use hygiene::{TokenSelection, check_token_duration, parse_token_duration};
pub use service_tokens::ServiceTokenQuery;
