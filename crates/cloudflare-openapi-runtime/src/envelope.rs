//! Cloudflare's response envelope, implemented by codegen for every generated type of its
//! shape, and [`Bare`], the envelope of an answer upstream describes without one.

use serde::de::{DeserializeOwned, Deserializer, Error as _};
use serde::{Deserialize, Serialize};

use crate::types::{ApiMessage, ResultInfo};

/// Cloudflare's response envelope: `{success, errors, messages, result}`.
///
/// Implemented by every generated type of that shape (codegen finds them by reading the
/// generated types and refuses an envelope-like type with other field types).
pub trait Envelope {
    /// The type of `result`.
    type Result;
    /// `success`, if the body carried it.
    fn success(&self) -> Option<bool>;
    /// `errors`: empty when absent.
    fn errors(&self) -> &[ApiMessage];
    /// `messages`: empty when absent.
    fn messages(&self) -> &[ApiMessage];
    /// `result`, if the body carried one that was not null.
    fn result(&self) -> Option<&Self::Result>;
    /// Takes `result`, if the body carried one that was not null.
    fn into_result(self) -> Option<Self::Result>;
    /// What a null or absent `result` (or no body at all) stands for, where the operation's
    /// result admits it: JSON `null` where the spec gives the result no type (free-form JSON,
    /// a result upstream says is always null, an answer upstream declares no body for).
    /// `None`, the default, where a result is required: its absence is an unusable answer.
    fn absent_result() -> Option<Self::Result> {
        None
    }
    /// Whether the operation's answer is described without the envelope ([`Bare`]): a body
    /// that is no envelope is the result itself.
    fn is_bare() -> bool {
        false
    }
    /// Whether the operation's answer is not JSON ([`crate::Download`]): a successful body is
    /// taken whole, as sent.
    fn is_download() -> bool {
        false
    }
    /// The envelope of a successful answer that is not JSON, `body` with its `content_type`:
    /// for a [download](Envelope::is_download); `None`, the default, for a JSON answer.
    fn from_download(_body: bytes::Bytes, _content_type: Option<&str>) -> Option<Self>
    where
        Self: Sized,
    {
        None
    }
}

/// Whether `body` is Cloudflare's envelope: an object with a boolean `success` and an
/// `errors`, `messages` or `result`.
pub fn is_envelope(body: &serde_json::Value) -> bool {
    body.as_object().is_some_and(|object| {
        object.get("success").is_some_and(serde_json::Value::is_boolean)
            && ["errors", "messages", "result"].iter().any(|field| object.contains_key(*field))
    })
}

/// The answer of an operation whose successful body upstream describes as `T` itself, not
/// inside Cloudflare's envelope (IAM permission groups, Calls TURN keys, URL normalization
/// settings, a Zaraz export). Cloudflare's live API wraps some of these in the envelope all
/// the same, so both are read: a body that [is an envelope](is_envelope) is decoded as one
/// (its `success: false` and `errors` are errors, its `result` is the `T`), any other body is
/// the `T`. Codegen makes it the `Request::Success` of every such operation.
#[derive(Debug, Clone, Serialize)]
pub struct Bare<T> {
    #[serde(skip_serializing_if = "Option::is_none")]
    success: Option<bool>,
    errors: Vec<ApiMessage>,
    messages: Vec<ApiMessage>,
    result: Option<T>,
}

impl<T> Bare<T> {
    /// The answer whose body was `result` itself.
    pub fn new(result: T) -> Self {
        Self { success: None, errors: Vec::new(), messages: Vec::new(), result: Some(result) }
    }
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for Bare<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        /// The envelope's fields, `result` as `T`.
        #[derive(Deserialize)]
        struct Wire<T> {
            success: Option<bool>,
            #[serde(default)]
            errors: Option<Vec<ApiMessage>>,
            #[serde(default)]
            messages: Option<Vec<ApiMessage>>,
            result: Option<T>,
        }
        let body = serde_json::Value::deserialize(deserializer)?;
        if !is_envelope(&body) {
            return T::deserialize(body).map(Self::new).map_err(D::Error::custom);
        }
        let wire = Wire::<T>::deserialize(body).map_err(D::Error::custom)?;
        Ok(Self {
            success: wire.success,
            errors: wire.errors.unwrap_or_default(),
            messages: wire.messages.unwrap_or_default(),
            result: wire.result,
        })
    }
}

impl<T> Envelope for Bare<T> {
    type Result = T;
    fn success(&self) -> Option<bool> {
        self.success
    }
    fn errors(&self) -> &[ApiMessage] {
        &self.errors
    }
    fn messages(&self) -> &[ApiMessage] {
        &self.messages
    }
    fn result(&self) -> Option<&T> {
        self.result.as_ref()
    }
    fn into_result(self) -> Option<T> {
        self.result
    }
    fn is_bare() -> bool {
        true
    }
}

/// An envelope around one page of a list: it also has `result_info`.
///
/// Implemented by every generated envelope type with a `result_info` field.
pub trait Paginated: Envelope {
    /// `result_info`, if the body carried it.
    fn result_info(&self) -> Option<&ResultInfo>;
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{Bare, Envelope, is_envelope};

    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct Group {
        id: String,
    }

    #[test]
    fn a_bare_answer_is_its_body_or_the_result_of_the_envelope_cloudflare_sent() {
        let bare: Bare<Group> = serde_json::from_value(json!({ "id": "g1" })).unwrap();
        assert_eq!(bare.result(), Some(&Group { id: "g1".into() }));
        assert_eq!(bare.success(), None);
        let wrapped: Bare<Group> =
            serde_json::from_value(json!({ "success": true, "errors": [], "result": { "id": "g2" } })).unwrap();
        assert_eq!(wrapped.into_result(), Some(Group { id: "g2".into() }));
        let failed: Bare<Group> = serde_json::from_value(
            json!({ "success": false, "errors": [{ "code": 10000, "message": "Authentication error" }] }),
        )
        .unwrap();
        assert_eq!((failed.success(), failed.errors()[0].code, failed.result()), (Some(false), 10000, None));
        assert!(serde_json::from_value::<Bare<Group>>(json!({ "name": "no id" })).is_err(), "the schema holds");
        assert!(Bare::<Group>::is_bare());
    }

    #[test]
    fn an_envelope_has_a_boolean_success_and_an_envelope_field() {
        assert!(is_envelope(&json!({ "success": true, "result": null })));
        assert!(!is_envelope(&json!({ "success": "true", "result": 1 })), "a string is no success");
        assert!(!is_envelope(&json!({ "success": true })));
        assert!(!is_envelope(&json!({ "result": 1 })));
        assert!(!is_envelope(&json!([1, 2])));
    }
}
