//! One operation, ready to send: what every generated builder is.
//!
//! `cargo xtask codegen` gives each of progenitor's builders an impl of [`Request`]: the
//! `reqwest::Request` progenitor's `send()` would send, built without sending it, and the
//! types of the answer (the `send()` itself is left out). cloudflare-client's `Client::call` takes any [`Request`] and sends it itself
//! (credentials, retries, pacing, bounded bodies, typed errors), so every operation of the
//! spec gets the same handling without per-operation code.

use serde::de::DeserializeOwned;

use crate::{Envelope, Error};

/// An operation with its arguments set: a builder of the generated client.
///
/// A builder only builds its request: it has no `send()` of its own, so that every request
/// goes through the wrapper's transport (cloudflare-client's `Client::call`).
///
/// (`cloudflare_openapi`'s documentation shows a builder building its request, and that it has
/// no `send()`.)
pub trait Request: Sized {
    /// The success envelope (`{success, errors, messages, result}`).
    type Success: Envelope + DeserializeOwned + serde::Serialize + Send;
    /// The failure envelope.
    type Failure;
    /// The operation's `operationId` in the spec.
    fn operation_id(&self) -> &'static str;

    /// The HTTP request of the operation, built, not sent.
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] for an argument the builder refused (a missing or malformed
    /// parameter): nothing can be sent.
    // progenitor's error type, which the generated code builds; built once per call.
    #[allow(clippy::result_large_err)]
    fn request(self) -> Result<reqwest::Request, Error<Self::Failure>>;
}

/// Why a builder could not build its request ([`Request::request`]'s error), as text.
// Called by `Prepared::new` and cloudflare-client's `Client::call`.
#[doc(hidden)]
pub fn unbuilt_reason<E>(error: Error<E>) -> String {
    match error {
        Error::InvalidRequest(reason) | Error::Custom(reason) => reason,
        Error::CommunicationError(error) => error.to_string(),
        _ => "the request could not be built".to_owned(),
    }
}
