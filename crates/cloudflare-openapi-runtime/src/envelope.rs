//! Cloudflare's response envelope, implemented by codegen for every generated type of its shape.

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
}

/// An envelope around one page of a list: it also has `result_info`.
///
/// Implemented by every generated envelope type with a `result_info` field.
pub trait Paginated: Envelope {
    /// `result_info`, if the body carried it.
    fn result_info(&self) -> Option<&ResultInfo>;
}
