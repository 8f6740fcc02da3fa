//! Calling any operation by its `operationId`, with parameters as text and the body as JSON:
//! what `cloudflare api` and the generic tests use. The per-operation code is generated
//! (each family's `dispatch`, in its `table.rs`); this module checks the arguments and parses each one into
//! the type the operation's builder takes, so a malformed id is refused before sending.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::DeserializeOwned;

use crate::{Operation, Request};

/// An operation called by name, its request built: what `cloudflare_openapi::prepare` returns,
/// whatever the operation's types. Each family's dispatch makes it from the operation's builder
/// ([`Prepared::new`]), so code that calls operations by name (`Client::invoke`, the
/// `cloudflare` command) has one type to send, not one per operation: the transport and the
/// handling of answers are compiled once, and each operation's own code stays in its family's
/// crate. Its answer is read as JSON, as Cloudflare sent it: fields newer than the spec are
/// kept and values are not re-encoded (the typed builders, sent with `Client::call`, decode
/// into the operation's types instead).
pub struct Prepared {
    operation_id: &'static str,
    request: Result<reqwest::Request, String>,
    bare_answer: bool,
    download: bool,
    /// The secrets the request sends (`SecretInput`s of its body).
    secrets: Vec<crate::SecretInput>,
}

impl Prepared {
    /// The request of `request` (a generated builder), built.
    // Called by each family's generated dispatch.
    #[doc(hidden)]
    pub fn new<R: Request>(request: R) -> Self {
        let operation_id = request.operation_id();
        let request = request.request().map_err(crate::unbuilt_reason);
        Self {
            operation_id,
            request,
            bare_answer: <R::Success as crate::Envelope>::is_bare(),
            download: <R::Success as crate::Envelope>::is_download(),
            secrets: Vec::new(),
        }
    }

    /// The secrets the request sends: each `SecretInput` of its body (a TSIG's `secret`, a
    /// Hyperdrive origin's `password`), to redact from what is shown of the request (a dry run)
    /// and of its answer (a server's error that quotes what it was sent). `Debug` redacts them.
    pub fn secrets(&self) -> &[crate::SecretInput] {
        &self.secrets
    }

    /// Whether the operation's answer is not JSON ([`crate::Download`]): a successful body is
    /// the answer, byte for byte.
    pub fn download(&self) -> bool {
        self.download
    }

    /// Whether the operation's answer is described without Cloudflare's envelope
    /// ([`crate::Bare`]): a body that is no envelope is the result itself.
    pub fn bare_answer(&self) -> bool {
        self.bare_answer
    }

    /// The operation's `operationId`.
    pub fn operation_id(&self) -> &'static str {
        self.operation_id
    }

    /// The HTTP request, built, not sent; or why the builder could not build it (nothing can
    /// be sent).
    ///
    /// # Errors
    /// The builder's reason, such as a missing parameter.
    pub fn request(&self) -> Result<&reqwest::Request, &str> {
        self.request.as_ref().map_err(String::as_str)
    }

    /// [`Prepared::request`], taken.
    ///
    /// # Errors
    /// As [`Prepared::request`].
    pub fn into_request(self) -> Result<reqwest::Request, String> {
        self.request
    }

    /// The request with its body replaced by `body` (when it has one).
    fn with_body(mut self, body: Option<Vec<u8>>) -> Self {
        if let (Ok(request), Some(body)) = (&mut self.request, body)
            && request.body().is_some()
        {
            *request.body_mut() = Some(body.into());
        }
        self
    }
}

impl fmt::Debug for Prepared {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut debug = f.debug_struct("Prepared");
        debug.field("operation_id", &self.operation_id);
        match &self.request {
            Ok(request) => debug.field("method", request.method()).field("url", &request.url().as_str()),
            Err(reason) => debug.field("unbuildable", reason),
        };
        debug.finish_non_exhaustive()
    }
}

/// Parameters (as text, as on a command line) and a body for one operation: JSON, a form's
/// parts, or raw bytes, as the operation takes.
#[derive(Clone, Default)]
pub struct Arguments {
    parameters: BTreeMap<String, String>,
    body: Option<serde_json::Value>,
    raw_body: Option<bytes::Bytes>,
    parts: Vec<(String, crate::Part)>,
}

/// Parameters and the JSON body as given; a raw body and parts by their sizes (an upload may
/// hold anything).
impl fmt::Debug for Arguments {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Arguments")
            .field("parameters", &self.parameters)
            .field("body", &self.body)
            .field("raw_body", &self.raw_body.as_ref().map(|raw| format!("<{} bytes>", raw.len())))
            .field("parts", &self.parts)
            .finish()
    }
}

impl Arguments {
    /// No parameters and no body.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets parameter `name` to `value` (replacing an earlier value).
    pub fn parameter(&mut self, name: impl Into<String>, value: impl Into<String>) -> &mut Self {
        self.parameters.insert(name.into(), value.into());
        self
    }

    /// Sets the request body, for an operation that takes JSON.
    pub fn body(&mut self, body: serde_json::Value) -> &mut Self {
        self.body = Some(body);
        self
    }

    /// Sets the request body to `bytes`, sent as they are, for an operation that takes a raw
    /// body (`application/octet-stream`, `application/x-ndjson`, `application/javascript`).
    pub fn raw_body(&mut self, bytes: impl Into<bytes::Bytes>) -> &mut Self {
        self.raw_body = Some(bytes.into());
        self
    }

    /// Adds the part `name` of a `multipart/form-data` body.
    pub fn part(&mut self, name: impl Into<String>, part: crate::Part) -> &mut Self {
        self.parts.push((name.into(), part));
        self
    }

    /// The raw body, if given.
    pub fn raw(&self) -> Option<&bytes::Bytes> {
        self.raw_body.as_ref()
    }

    /// The form's parts, in order.
    pub fn parts(&self) -> &[(String, crate::Part)] {
        &self.parts
    }

    /// The parts as a [`crate::Form`], if any were given.
    // Called by each family's generated dispatch.
    #[doc(hidden)]
    pub fn form(&self) -> Option<crate::Form> {
        (!self.parts.is_empty()).then(|| crate::Form::from(self.parts.clone()))
    }

    /// The raw body as a request body, if given.
    // Called by each family's generated dispatch.
    #[doc(hidden)]
    pub fn raw_request_body(&self) -> Option<reqwest::Body> {
        self.raw_body.clone().map(reqwest::Body::from)
    }

    /// The parameter `name`, if given.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.parameters.get(name).map(String::as_str)
    }

    /// The arguments of `operation`'s example invocation: every required parameter and the
    /// body (when it takes one) from the spec's examples.
    pub fn example(operation: &Operation) -> Self {
        let mut arguments = Self::new();
        for parameter in operation.parameters.iter().filter(|parameter| parameter.required) {
            arguments.parameter(parameter.name, parameter.example);
        }
        match operation.body {
            Some(body) if body.is_json() => {
                arguments.body(serde_json::from_str(body.example).expect("codegen writes valid JSON examples"));
            }
            Some(body @ crate::Body { form: Some(shape), .. }) => {
                let example: serde_json::Map<String, serde_json::Value> =
                    serde_json::from_str(body.example).expect("codegen writes a JSON object of parts");
                for (name, value) in example {
                    let kind = shape.part(&name).map_or(crate::PartKind::Text, |part| part.kind);
                    let part = match (kind, value) {
                        (crate::PartKind::Json, value) => crate::Part::json(&value),
                        (crate::PartKind::File, serde_json::Value::String(text)) => {
                            crate::Part::file(name.clone(), text)
                        }
                        (_, serde_json::Value::String(text)) => crate::Part::text(text),
                        (_, value) => crate::Part::text(value.to_string()),
                    };
                    arguments.part(name, part);
                }
            }
            Some(body) => {
                arguments.raw_body(body.example);
            }
            None => {}
        }
        arguments
    }

    /// Parameter `name` parsed as `T`: as a JSON string first (ids, names, dates, enums),
    /// else as JSON (numbers, booleans, a list `["a","b"]`); for a list, one value is a list
    /// of it (`example.com` for `domain[]`), and a list of texts is a list of what each reads as
    /// (`["1","2"]` for integer ids).
    // Called by each family's generated dispatch.
    #[doc(hidden)]
    pub fn parameter_as<T: DeserializeOwned>(&self, name: &'static str) -> Result<Option<T>, ArgumentError> {
        use serde_json::Value;
        let Some(text) = self.parameters.get(name) else { return Ok(None) };
        let read = |text: &str| serde_json::from_str::<Value>(text).unwrap_or_else(|_| Value::String(text.to_owned()));
        let first = serde_json::from_value::<T>(Value::String(text.clone()));
        let readings: [&dyn Fn() -> Option<Value>; 4] = [
            &|| serde_json::from_str::<Value>(text).ok(),
            &|| Some(Value::Array(vec![Value::String(text.clone())])),
            &|| Some(Value::Array(vec![read(text)])),
            &|| match serde_json::from_str::<Value>(text) {
                Ok(Value::Array(items)) => {
                    Some(Value::Array(items.into_iter().map(|item| item.as_str().map_or(item.clone(), read)).collect()))
                }
                _ => None,
            },
        ];
        first
            .or_else(|error| {
                readings
                    .iter()
                    .filter_map(|reading| reading())
                    .find_map(|value| serde_json::from_value::<T>(value).ok())
                    .ok_or(error)
            })
            .map(Some)
            .map_err(|error| ArgumentError::InvalidParameter { name, reason: plain_reason(error.to_string()) })
    }

    /// The body parsed as `T`, refused when `T` would drop any of its fields: a field the
    /// operation does not know (`requre` for `require`) would otherwise vanish without a word
    /// and change what the request means. What is sent is the body as given (see
    /// [`checked`]); `T` only checks it.
    // Called by each family's generated dispatch.
    #[doc(hidden)]
    pub fn body_as<T: DeserializeOwned + serde::Serialize>(&self) -> Result<Option<T>, ArgumentError> {
        let Some(body) = &self.body else { return Ok(None) };
        let typed: T =
            serde_json::from_value(body.clone()).map_err(|error| ArgumentError::InvalidBody(error.to_string()))?;
        let again = serde_json::to_value(&typed).map_err(|error| ArgumentError::InvalidBody(error.to_string()))?;
        let unknown = dropped_fields(body, &again);
        if !unknown.is_empty() {
            return Err(ArgumentError::UnknownFields(unknown));
        }
        Ok(Some(typed))
    }
}

/// `reason` (a generated type's, such as `doesn't match pattern "^[0-9a-f]{32}$"`) in words a
/// person acts on, where it is one of the house shapes' (`Identifier`, `PathSegment`).
fn plain_reason(reason: String) -> String {
    const PATH_SEGMENT: &str = r#"doesn't match pattern "^[^/\\]*[^./\\][^/\\]*$""#;
    const IDENTIFIER: &str = r#"doesn't match pattern "^[0-9a-f]{32}$""#;
    if reason.contains(PATH_SEGMENT) {
        "is not one path segment: it may not be empty, `.` or `..`, nor hold `/` or `\\` (it would change \
         which URL is called)"
            .to_owned()
    } else if reason.contains(IDENTIFIER) {
        "is not a Cloudflare id: 32 lowercase hexadecimal digits".to_owned()
    } else {
        reason
    }
}

/// The JSON pointer of every field of `given` that `typed` (the same JSON after a round trip
/// through a generated type) no longer has: the fields the type does not know. An absent field
/// whose given value was empty (`null`, `[]`, `{}`) is not dropped: the generated types leave
/// empty optional fields out.
// Called by `Arguments::body_as` and by cloudflare-client's `Typed::unknown_fields`.
#[doc(hidden)]
pub fn dropped_fields(given: &serde_json::Value, typed: &serde_json::Value) -> Vec<String> {
    let mut dropped = Vec::new();
    collect_dropped(given, typed, &mut String::new(), &mut dropped);
    dropped
}

fn collect_dropped(given: &serde_json::Value, typed: &serde_json::Value, at: &mut String, dropped: &mut Vec<String>) {
    use serde_json::Value;
    match (given, typed) {
        (Value::Object(given), Value::Object(typed)) => {
            for (name, value) in given {
                let length = at.len();
                at.push_str(&pointer_segment(name));
                match typed.get(name) {
                    Some(again) => collect_dropped(value, again, at, dropped),
                    None if is_empty(value) => {}
                    None => dropped.push(at.clone()),
                }
                at.truncate(length);
            }
        }
        (Value::Array(given), Value::Array(typed)) => {
            for (index, (value, again)) in given.iter().zip(typed).enumerate() {
                let length = at.len();
                at.push_str(&format!("/{index}"));
                collect_dropped(value, again, at, dropped);
                at.truncate(length);
            }
        }
        // An object that came back as something else lost every field it had.
        (Value::Object(given), _) => {
            for name in given.keys() {
                dropped.push(format!("{at}{}", pointer_segment(name)));
            }
        }
        _ => {}
    }
}

/// `/name` as a JSON pointer writes it (RFC 6901: `~` is `~0`, `/` is `~1`).
fn pointer_segment(name: &str) -> String {
    format!("/{}", name.replace('~', "~0").replace('/', "~1"))
}

/// `null`, `[]` or `{}`.
fn is_empty(value: &serde_json::Value) -> bool {
    match value {
        serde_json::Value::Null => true,
        serde_json::Value::Array(items) => items.is_empty(),
        serde_json::Value::Object(fields) => fields.is_empty(),
        _ => false,
    }
}

/// Arguments that do not fit an operation: nothing was sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ArgumentError {
    /// No operation has this `operationId`.
    #[error("no operation is called {0:?}")]
    UnknownOperation(String),
    /// The operation has no parameter of this name.
    #[error("{operation} has no parameter {name:?} (it takes: {known})")]
    UnknownParameter {
        /// The operation.
        operation: &'static str,
        /// The name given.
        name: String,
        /// The parameters it takes, comma-separated.
        known: String,
    },
    /// A required parameter was not given.
    #[error("{operation} needs parameter {name:?}")]
    MissingParameter {
        /// The operation.
        operation: &'static str,
        /// The parameter.
        name: &'static str,
    },
    /// A parameter's value does not have the parameter's shape (an id that is not an id).
    #[error("parameter {name:?}: {reason}")]
    InvalidParameter {
        /// The parameter.
        name: &'static str,
        /// Why.
        reason: String,
    },
    /// The operation needs a body and none was given.
    #[error("{0} needs a body")]
    MissingBody(&'static str),
    /// A body was given to an operation that takes none.
    #[error("{0} takes no body")]
    UnexpectedBody(&'static str),
    /// A body of another kind than the operation takes (JSON for a form, parts for JSON, ...).
    #[error("{operation} takes {takes}, not {given}")]
    WrongBodyKind {
        /// The operation.
        operation: &'static str,
        /// What it takes (`a JSON body`, `a multipart/form-data body (parts)`, `a raw
        /// application/x-ndjson body (bytes)`).
        takes: String,
        /// What was given.
        given: &'static str,
    },
    /// A form's parts do not fit the operation's (an unknown part, a required one missing).
    #[error("{0}; nothing was sent")]
    InvalidForm(String),
    /// The body does not have the operation's body shape.
    #[error("the body does not fit the operation: {0}")]
    InvalidBody(String),
    /// The body has fields the operation does not know (JSON pointers, such as `/requre` or
    /// `/include/0/emial`): sent, they would be ignored or dropped, changing what the request
    /// means.
    #[error("the body has {} the operation does not know: {}; nothing was sent (`--schema` or `cloudflare_openapi::operation_schema` shows the fields it takes)", if .0.len() == 1 { "a field" } else { "fields" }, .0.join(", "))]
    UnknownFields(Vec<String>),
}

/// Checks `arguments` against `operation`'s table row, hands them to `dispatch` (the
/// operation's family's dispatch, which parses each value into the builder's type, so a
/// malformed id (`..`) is refused there), and gives the request the body as given: what
/// `cloudflare_openapi::prepare` does. Unknown or missing parameters and a body the operation
/// does not take (or needs) are refused here, before anything is built.
///
/// # Errors
/// An [`ArgumentError`] saying which argument is wrong.
#[doc(hidden)]
pub fn checked(
    operation: &Operation,
    arguments: &Arguments,
    dispatch: impl FnOnce(&Arguments) -> Result<Prepared, ArgumentError>,
) -> Result<Prepared, ArgumentError> {
    for name in arguments.parameters.keys() {
        if operation.parameter(name).is_none() {
            let known: Vec<&str> = operation.parameters.iter().map(|parameter| parameter.name).collect();
            return Err(ArgumentError::UnknownParameter {
                operation: operation.id,
                name: name.clone(),
                known: known.join(", "),
            });
        }
    }
    if let Some(missing) = operation
        .parameters
        .iter()
        .find(|parameter| parameter.required && !arguments.parameters.contains_key(parameter.name))
    {
        return Err(ArgumentError::MissingParameter { operation: operation.id, name: missing.name });
    }
    let given = match (&arguments.body, &arguments.raw_body, arguments.parts.is_empty()) {
        (None, None, true) => None,
        (Some(_), None, true) => Some("a JSON body"),
        (None, Some(_), true) => Some("a raw body"),
        (None, None, false) => Some("parts of a form"),
        _ => Some("bodies of two kinds"),
    };
    // A required JSON body whose schema requires nothing (a DNS record delete's) is `{}` when
    // none is given.
    let mut arguments = std::borrow::Cow::Borrowed(arguments);
    if let (Some(body), None) = (operation.body, given)
        && body.required
        && body.is_json()
        && body.example == "{}"
    {
        arguments.to_mut().body(serde_json::json!({}));
    }
    let arguments = arguments.as_ref();
    let given = given.or(arguments.body.as_ref().map(|_| "a JSON body"));
    match (operation.body, given) {
        (None, Some(_)) => return Err(ArgumentError::UnexpectedBody(operation.id)),
        (Some(body), None) if body.required => return Err(ArgumentError::MissingBody(operation.id)),
        (Some(body), Some(given)) => {
            let (takes, fits) = match body.form {
                _ if body.is_json() => ("a JSON body".to_owned(), given == "a JSON body"),
                Some(_) => ("a multipart/form-data body (parts)".to_owned(), given == "parts of a form"),
                None => (format!("a raw {} body (bytes)", body.media_type), given == "a raw body"),
            };
            if !fits {
                return Err(ArgumentError::WrongBodyKind { operation: operation.id, takes, given });
            }
            if let Some(shape) = body.form {
                shape
                    .check(arguments.parts.iter().map(|(name, _)| name.as_str()))
                    .map_err(ArgumentError::InvalidForm)?;
            }
        }
        _ => {}
    }
    // The body goes out as given (the same JSON value), not as the typed body serializes it:
    // the generated types would add defaults and reformat values (a date's fraction).
    let body = arguments.body.as_ref().map(|body| serde_json::to_vec(body).unwrap_or_default());
    // The dispatch reads the body into the operation's types: its `SecretInput`s are the
    // request's secrets.
    let (prepared, secrets) = crate::SecretInput::collecting(|| dispatch(arguments));
    let mut prepared = prepared?.with_body(body);
    prepared.secrets = secrets;
    Ok(prepared)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_house_shapes_reasons_are_said_in_words() {
        let segment = plain_reason(r#"doesn't match pattern "^[^/\\]*[^./\\][^/\\]*$""#.to_owned());
        assert!(segment.starts_with("is not one path segment"), "{segment}");
        let id = plain_reason(r#"doesn't match pattern "^[0-9a-f]{32}$""#.to_owned());
        assert!(id.contains("32 lowercase hexadecimal digits"), "{id}");
        assert_eq!(plain_reason("longer than 32 characters".to_owned()), "longer than 32 characters");
    }
}
