//! Typed answers that lose nothing Cloudflare sent, and that one odd field does not fail.
//!
//! The rule for a field whose value does not fit its type (Cloudflare's own examples send
//! `"false"` for booleans, the live API adds values the 2024 schema lacks): the innermost object
//! member that holds the misfit is left out of the typed result, as if Cloudflare had not sent
//! it, where the type allows its absence (every optional field); the call returns the rest. The
//! value stays in the answer as sent ([`Typed::json`], [`Typed::field`]), its JSON pointer is in
//! [`Typed::unfit`], and a `tracing` warning names the operation and the pointer (never the
//! value, which may be a secret). A required field that does not fit still fails the call
//! ([`crate::Error::UnexpectedResponse`], naming the pointer): there is no typed result without
//! it. Fields the types lack are kept too: [`Typed::unknown_fields`] names them, and
//! [`Typed::json`] holds them.

use std::fmt;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use serde_json::value::RawValue;

/// How many misfit fields one answer may have left out before it counts as unusable: a bound on
/// the work a hostile answer can cause (each is one more decoding of the answer).
const MAX_UNFIT: usize = 64;

/// A field of an answer whose value did not fit its type, left out of the typed result.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Unfit {
    /// Where it is in the answer's `result`, as a JSON pointer (`/allow_authenticate_via_warp`,
    /// `/items/3/created_at`).
    pub pointer: String,
    /// Why it did not fit (serde's words: `invalid type: string "false", expected a boolean`).
    pub reason: String,
}

/// An answer's typed `result`, with what the types do not hold: the result as Cloudflare sent
/// it, byte for byte (fields the spec lacks, values as written), and the fields whose values did
/// not fit their type. [`crate::Client::call_with_json`] returns it.
pub struct Typed<T> {
    value: T,
    json: Box<RawValue>,
    unfit: Vec<Unfit>,
    head: crate::response::Head,
}

impl<T> Typed<T> {
    pub(crate) fn new(value: T, json: Box<RawValue>, unfit: Vec<Unfit>, head: crate::response::Head) -> Self {
        Self { value, json, unfit, head }
    }

    /// The HTTP status of the answer (of its last attempt, after retries).
    pub fn status(&self) -> reqwest::StatusCode {
        self.head.status
    }

    /// The headers of the answer, as sent (not redacted), as [`crate::Answer::headers`].
    pub fn headers(&self) -> &reqwest::header::HeaderMap {
        &self.head.headers
    }

    /// The answer's `Location` header, where it is text: the URL a tus upload goes to.
    pub fn location(&self) -> Option<&str> {
        self.head.location()
    }

    /// The typed result.
    pub fn value(&self) -> &T {
        &self.value
    }

    /// The typed result, taken.
    pub fn into_value(self) -> T {
        self.value
    }

    /// The result as Cloudflare sent it, byte for byte (`null` for none): fields newer than the
    /// spec and values that did not fit included. It holds secrets where the answer did: show it
    /// only where the secret may go.
    pub fn json(&self) -> &RawValue {
        &self.json
    }

    /// The value at `pointer` (RFC 6901, such as `/new_field` or `/items/0/id`) of the result as
    /// sent, whether the type has the field or not.
    pub fn field(&self, pointer: &str) -> Option<Value> {
        serde_json::from_str::<Value>(self.json.get()).ok()?.pointer(pointer).cloned()
    }

    /// The fields whose values did not fit their type, left out of [`Typed::value`].
    pub fn unfit(&self) -> &[Unfit] {
        &self.unfit
    }
}

impl<T: Serialize> Typed<T> {
    /// The JSON pointers of the fields Cloudflare sent that the typed result does not hold: the
    /// fields the spec lacks (newer than the 2024 schema), besides those that did not fit. Their
    /// values are in [`Typed::json`] ([`Typed::field`]).
    pub fn unknown_fields(&self) -> Vec<String> {
        let (Ok(sent), Ok(typed)) = (serde_json::from_str::<Value>(self.json.get()), serde_json::to_value(&self.value))
        else {
            return Vec::new();
        };
        let unfit: Vec<&str> = self.unfit.iter().map(|unfit| unfit.pointer.as_str()).collect();
        cloudflare_openapi::dropped_fields(&sent, &typed)
            .into_iter()
            .filter(|pointer| !unfit.contains(&pointer.as_str()))
            .collect()
    }
}

/// The typed result (whose `Debug` redacts secrets) and the misfits; the JSON by its length.
impl<T: fmt::Debug> fmt::Debug for Typed<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Typed")
            .field("value", &self.value)
            .field("json", &format_args!("<{} bytes>", self.json.get().len()))
            .field("unfit", &self.unfit)
            .field("status", &self.head.status)
            .finish()
    }
}

/// `body` decoded as `T` (an envelope), leaving out of it, by the rule above, each member of
/// `result` whose value does not fit; the misfits are added to `unfit`.
///
/// # Errors
/// The decoding error, where leaving members out does not make the answer fit (a required
/// field, a misfit outside `result`, more than [`MAX_UNFIT`]).
pub(crate) fn decode<T: DeserializeOwned>(body: &[u8], unfit: &mut Vec<Unfit>) -> Result<T, serde_json::Error> {
    let first = match serde_json::from_slice::<T>(body) {
        Ok(value) => return Ok(value),
        Err(error) => error,
    };
    let Ok(mut json) = serde_json::from_slice::<Value>(body) else { return Err(first) };
    let mut left_out = Vec::new();
    loop {
        let error = match serde_path_to_error::deserialize::<_, T>(&json) {
            Ok(value) => {
                unfit.extend(left_out);
                return Ok(value);
            }
            Err(error) => error,
        };
        let segments = segments(error.path());
        // The error, where it is: no typed answer can be made.
        let unusable = || serde::de::Error::custom(format!("{}: {}", pointer(&segments), error.inner()));
        // Only a member of an object, the innermost one: inside `result`; or the envelope's
        // `errors` or `messages` themselves (Cloudflare's own examples send `[{}]` for them in a
        // success), which a successful answer does without.
        let Some(last) = segments.iter().rposition(|segment| matches!(segment, Segment::Key(_))) else {
            return Err(unusable());
        };
        let in_envelope = |name: &str| segments.first() == Some(&Segment::Key(name.into()));
        let (result, messages) = (in_envelope("result"), in_envelope("errors") || in_envelope("messages"));
        if !(result && last > 0 || messages) || left_out.len() == MAX_UNFIT {
            return Err(unusable());
        }
        let last = if messages { 0 } else { last };
        let parent = pointer(&segments[..last]);
        let Segment::Key(name) = &segments[last] else { unreachable!("found as a key") };
        let removed = json.pointer_mut(&parent).and_then(Value::as_object_mut).and_then(|object| object.remove(name));
        if removed.is_none() {
            // A field that is missing, not misfit: nothing to leave out.
            return Err(unusable());
        }
        if messages {
            tracing::warn!(member = %name, reason = %error.inner(), "the answer's envelope member does not fit its type: left out");
            continue;
        }
        let within_result = pointer(&segments[1..=last]);
        left_out.push(Unfit { pointer: within_result, reason: error.inner().to_string() });
    }
}

/// One step of serde's path into the answer.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Key(String),
    Index(usize),
}

/// The steps of `path`, as far as they are members and items (an enum's variant is no step of
/// the JSON).
fn segments(path: &serde_path_to_error::Path) -> Vec<Segment> {
    path.iter()
        .filter_map(|segment| match segment {
            serde_path_to_error::Segment::Map { key } => Some(Segment::Key(key.clone())),
            serde_path_to_error::Segment::Seq { index } => Some(Segment::Index(*index)),
            _ => None,
        })
        .collect()
}

/// `segments` as a JSON pointer (RFC 6901).
fn pointer(segments: &[Segment]) -> String {
    segments
        .iter()
        .map(|segment| match segment {
            Segment::Key(name) => format!("/{}", name.replace('~', "~0").replace('/', "~1")),
            Segment::Index(index) => format!("/{index}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

    #[derive(Debug, Deserialize, Serialize, PartialEq)]
    struct Envelope {
        success: Option<bool>,
        result: Option<Organization>,
    }

    #[derive(Debug, Deserialize, Serialize, PartialEq)]
    struct Organization {
        name: String,
        #[serde(default)]
        allow_authenticate_via_warp: Option<bool>,
        #[serde(default)]
        members: Vec<Member>,
    }

    #[derive(Debug, Deserialize, Serialize, PartialEq)]
    struct Member {
        id: String,
        #[serde(default)]
        seats: Option<u32>,
        #[serde(default)]
        tags: Option<Vec<String>>,
    }

    fn decoded(body: Value) -> (Result<Envelope, serde_json::Error>, Vec<Unfit>) {
        let mut unfit = Vec::new();
        (decode::<Envelope>(body.to_string().as_bytes(), &mut unfit), unfit)
    }

    #[test]
    fn an_optional_field_that_does_not_fit_is_left_out_and_named() {
        // As Cloudflare's own example of an Access organization sends it.
        let (envelope, unfit) = decoded(serde_json::json!({ "success": true, "result": {
            "name": "Widget Corps", "allow_authenticate_via_warp": "false",
            "members": [{ "id": "a", "seats": -1, "tags": ["x", 7] }, { "id": "b", "seats": 2 }] } }));
        let organization = envelope.unwrap().result.unwrap();
        assert_eq!(organization.name, "Widget Corps");
        assert_eq!(organization.allow_authenticate_via_warp, None);
        assert_eq!(organization.members[0], Member { id: "a".into(), seats: None, tags: None });
        assert_eq!(organization.members[1].seats, Some(2), "the rest is read");
        let pointers: Vec<&str> = unfit.iter().map(|unfit| unfit.pointer.as_str()).collect();
        assert_eq!(pointers, ["/allow_authenticate_via_warp", "/members/0/seats", "/members/0/tags"]);
        assert!(unfit[0].reason.contains("expected a boolean"), "{}", unfit[0].reason);
    }

    #[test]
    fn a_required_field_or_a_misfit_envelope_still_fails() {
        let (envelope, unfit) = decoded(serde_json::json!({ "success": true, "result": { "name": 5 } }));
        assert!(envelope.is_err() && unfit.is_empty());
        let (envelope, _) = decoded(serde_json::json!({ "success": true, "result": { "members": [] } }));
        let error = envelope.unwrap_err().to_string();
        assert!(error.contains("/result: missing field `name`"), "{error}");
        let (envelope, _) = decoded(serde_json::json!({ "success": "yes", "result": { "name": "n" } }));
        assert!(envelope.is_err(), "the envelope's own fields are not left out");
        let (envelope, _) = decoded(serde_json::json!({ "success": true, "result": "text" }));
        assert!(envelope.is_err(), "a result that is no object is not left out");
    }

    #[derive(Debug, Deserialize)]
    struct WithMessages {
        success: Option<bool>,
        #[serde(default)]
        messages: Option<Vec<Message>>,
        result: Option<Member>,
    }

    #[derive(Debug, Deserialize)]
    struct Message {
        #[allow(dead_code)]
        code: i64,
    }

    #[test]
    fn messages_that_do_not_fit_are_left_out_of_a_success() {
        // As Cloudflare's own example of a Workers AI model search sends it.
        let body = serde_json::json!({ "success": true, "messages": [{}], "result": { "id": "m" } });
        let mut unfit = Vec::new();
        let envelope = decode::<WithMessages>(body.to_string().as_bytes(), &mut unfit).unwrap();
        assert!(envelope.messages.is_none() && envelope.success == Some(true));
        assert_eq!(envelope.result.unwrap().id, "m");
        assert!(unfit.is_empty(), "not a field of the result");
    }

    #[test]
    fn a_hostile_answer_costs_a_bounded_number_of_decodings() {
        let members: Vec<Value> =
            (0..1000).map(|index| serde_json::json!({ "id": index.to_string(), "seats": "many" })).collect();
        let (envelope, unfit) =
            decoded(serde_json::json!({ "success": true, "result": { "name": "n", "members": members } }));
        assert!(envelope.is_err(), "more misfits than the bound is an unusable answer");
        assert!(unfit.is_empty(), "and none is reported as left out");
    }

    #[test]
    fn fields_the_type_lacks_are_named_and_kept() {
        let json =
            RawValue::from_string(r#"{"name":"n","new_field":{"a":1},"members":[{"id":"a","seen":true}]}"#.into())
                .unwrap();
        let member = Member { id: "a".into(), seats: None, tags: None };
        let typed = Typed::new(
            Organization { name: "n".into(), allow_authenticate_via_warp: None, members: vec![member] },
            json,
            Vec::new(),
            crate::response::Head::default(),
        );
        assert_eq!(typed.unknown_fields(), ["/members/0/seen", "/new_field"]);
        assert_eq!(typed.field("/new_field/a"), Some(serde_json::json!(1)));
        assert!(format!("{typed:?}").contains("bytes>"));
    }
}
