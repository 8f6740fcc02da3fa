//! [`Secret`]: a secret in an answer, which neither `Debug` nor `Serialize` shows unless asked;
//! [`SecretInput`]: a secret a request sends, which `Debug` never shows.

use std::cell::Cell;
use std::fmt;

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// What `Serialize` writes instead of a secret.
pub const REDACTED: &str = "[REDACTED]";

/// A secret in an answer, such as a service token's `client_secret` or a SCIM password: every
/// schema marked `x-sensitive` in the spec is generated as this type, and codegen refuses a
/// secret-named field of any other type.
///
/// `Debug` shows `[REDACTED]`, and so does `Serialize` (so `serde_json::to_string(&created)`
/// cannot leak it), except inside [`Secret::exposing`]. Read it deliberately with
/// [`Secret::expose_secret`]. The value is zeroed when dropped.
///
/// ```
/// use cloudflare_openapi_runtime::Secret;
///
/// let secret = Secret::new("hunter2");
/// assert_eq!(format!("{secret:?}"), "[REDACTED]");
/// assert_eq!(serde_json::to_string(&secret).unwrap(), "\"[REDACTED]\"");
/// assert_eq!(Secret::exposing(|| serde_json::to_string(&secret)).unwrap(), "\"hunter2\"");
/// assert_eq!(secret.expose_secret(), "hunter2");
/// ```
#[derive(Clone)]
pub struct Secret(SecretString);

thread_local! {
    /// How many [`Secret::exposing`] calls are running on this thread.
    static EXPOSING: Cell<u32> = const { Cell::new(0) };
    /// The values of the [`SecretInput`]s read or written on this thread inside
    /// [`SecretInput::collecting`], innermost call last.
    static COLLECTED: std::cell::RefCell<Vec<Vec<SecretInput>>> = const { std::cell::RefCell::new(Vec::new()) };
}

impl Secret {
    /// Wraps `secret`.
    pub fn new(secret: impl Into<String>) -> Self {
        Self(SecretString::from(secret.into()))
    }

    /// The secret itself.
    pub fn expose_secret(&self) -> &str {
        self.0.expose_secret()
    }

    /// Runs `serialize` (which must not hand the work to another thread) with every `Secret`
    /// serialized as its value: for a program that must print a secret it was just given, such
    /// as a newly created service token's Client Secret.
    pub fn exposing<T>(serialize: impl FnOnce() -> T) -> T {
        struct Reset;
        impl Drop for Reset {
            fn drop(&mut self) {
                EXPOSING.with(|depth| depth.set(depth.get() - 1));
            }
        }
        EXPOSING.with(|depth| depth.set(depth.get() + 1));
        let _reset = Reset;
        serialize()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl From<String> for Secret {
    fn from(secret: String) -> Self {
        Self::new(secret)
    }
}

impl From<&str> for Secret {
    fn from(secret: &str) -> Self {
        Self::new(secret)
    }
}

impl Serialize for Secret {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if EXPOSING.with(Cell::get) > 0 {
            serializer.serialize_str(self.expose_secret())
        } else {
            serializer.serialize_str(REDACTED)
        }
    }
}

/// Decoded leniently: a string, or a number or boolean as its text. A secret of an unexpected
/// shape must not make the whole answer undecodable (a created token's Client Secret is shown
/// only once).
impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Lenient;
        impl serde::de::Visitor<'_> for Lenient {
            type Value = Secret;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a secret (a string, or a number)")
            }
            fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<Secret, E> {
                Ok(Secret::new(value))
            }
            fn visit_string<E: serde::de::Error>(self, value: String) -> Result<Secret, E> {
                Ok(Secret::new(value))
            }
            fn visit_i64<E: serde::de::Error>(self, value: i64) -> Result<Secret, E> {
                Ok(Secret::new(value.to_string()))
            }
            fn visit_u64<E: serde::de::Error>(self, value: u64) -> Result<Secret, E> {
                Ok(Secret::new(value.to_string()))
            }
            fn visit_f64<E: serde::de::Error>(self, value: f64) -> Result<Secret, E> {
                Ok(Secret::new(value.to_string()))
            }
            fn visit_bool<E: serde::de::Error>(self, value: bool) -> Result<Secret, E> {
                Ok(Secret::new(value.to_string()))
            }
        }
        deserializer.deserialize_any(Lenient)
    }
}

/// A secret a request sends, such as a secondary DNS TSIG secret, a webhook's secret, a
/// Hyperdrive origin password or a certificate's private key: request bodies are generated with
/// this type where they hold a secret (and [`Secret`], which would send `[REDACTED]`, only in
/// answers).
///
/// `Serialize` writes the value, for the request; `Debug` shows `[REDACTED]`, so a request body
/// in a log, an error or a panic message never shows it. The value is zeroed when dropped.
///
/// ```
/// use cloudflare_openapi_runtime::SecretInput;
///
/// let password = SecretInput::new("hunter2");
/// assert_eq!(format!("{password:?}"), "[REDACTED]");
/// assert_eq!(serde_json::to_string(&password).unwrap(), "\"hunter2\"", "sent as its value");
/// let read: SecretInput = serde_json::from_str("\"from a file\"").unwrap();
/// assert_eq!(read.expose_secret(), "from a file");
/// ```
#[derive(Clone)]
pub struct SecretInput(SecretString);

impl SecretInput {
    /// Wraps `secret`.
    pub fn new(secret: impl Into<String>) -> Self {
        Self(SecretString::from(secret.into()))
    }

    /// The secret itself.
    pub fn expose_secret(&self) -> &str {
        self.0.expose_secret()
    }

    /// Runs `work` (which must not hand the work to another thread) and returns, with what it
    /// returns, every `SecretInput` it read or wrote (decoded from a request body given as
    /// JSON, or serialized into a request): the secrets a request sends, for the caller to
    /// redact from whatever it shows of that request and its answer (a dry run's body, a
    /// server's error quoting what it was sent). Each value once; empty values are left out.
    ///
    /// ```
    /// use cloudflare_openapi_runtime::SecretInput;
    ///
    /// let (body, sent) = SecretInput::collecting(|| {
    ///     serde_json::from_str::<std::collections::BTreeMap<String, SecretInput>>(r#"{"secret": "s3cr3t"}"#)
    /// });
    /// assert!(body.is_ok());
    /// assert_eq!(sent.iter().map(SecretInput::expose_secret).collect::<Vec<_>>(), ["s3cr3t"]);
    /// ```
    pub fn collecting<T>(work: impl FnOnce() -> T) -> (T, Vec<Self>) {
        struct Pop;
        impl Drop for Pop {
            fn drop(&mut self) {
                COLLECTED.with(|collected| collected.borrow_mut().pop());
            }
        }
        COLLECTED.with(|collected| collected.borrow_mut().push(Vec::new()));
        let pop = Pop;
        let out = work();
        let sent =
            COLLECTED.with(|collected| collected.borrow_mut().last_mut().map(std::mem::take).unwrap_or_default());
        drop(pop);
        // An outer call sees what an inner one collected too.
        for secret in &sent {
            secret.collect();
        }
        (out, sent)
    }

    /// Records this value for the innermost [`SecretInput::collecting`] on this thread.
    fn collect(&self) {
        if self.expose_secret().is_empty() {
            return;
        }
        COLLECTED.with(|collected| {
            if let Some(current) = collected.borrow_mut().last_mut()
                && !current.iter().any(|seen| seen.expose_secret() == self.expose_secret())
            {
                current.push(self.clone());
            }
        });
    }
}

impl fmt::Debug for SecretInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl From<String> for SecretInput {
    fn from(secret: String) -> Self {
        Self::new(secret)
    }
}

impl From<&str> for SecretInput {
    fn from(secret: &str) -> Self {
        Self::new(secret)
    }
}

/// The value itself: this is what the request sends.
impl Serialize for SecretInput {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.collect();
        serializer.serialize_str(self.expose_secret())
    }
}

/// A string (a request body given as JSON: `cloudflare api ... --body`).
impl<'de> Deserialize<'de> for SecretInput {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let secret = String::deserialize(deserializer).map(Self::new)?;
        secret.collect();
        Ok(secret)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_input_is_sent_as_its_value_and_never_debugged() {
        #[derive(Debug, Serialize)]
        struct Body {
            name: &'static str,
            secret: SecretInput,
        }
        let body = Body {
            name: "tsig",
            secret: SecretInput::new(
                "caf79a7804b04337c9c66ccd7bef9190a1e1679b5dd03d8aa10f7ad45e1a9dab92b417896c15d4d007c7c14194538d2a5d0feffdecc5a7f0e1c570cfa700837c",
            ),
        };
        assert_eq!(format!("{body:?}"), r#"Body { name: "tsig", secret: [REDACTED] }"#);
        assert!(serde_json::to_string(&body).unwrap().contains("caf79a7804b04337"), "the request sends it");
        assert!(serde_json::from_str::<SecretInput>("12").is_err(), "a secret to send is a string");
    }

    #[test]
    fn collecting_sees_what_is_read_and_written_once_and_nests() {
        let one = SecretInput::new("one");
        let ((inner, written), outer) = SecretInput::collecting(|| {
            let read: SecretInput = serde_json::from_str(r#""two""#).unwrap();
            let inner = SecretInput::collecting(|| serde_json::to_string(&[&one, &one, &read]).unwrap()).1;
            let empty: SecretInput = serde_json::from_str(r#""""#).unwrap();
            (inner, serde_json::to_string(&empty).unwrap())
        });
        let values = |secrets: &[SecretInput]| secrets.iter().map(|s| s.expose_secret().to_owned()).collect::<Vec<_>>();
        assert_eq!(values(&inner), ["one", "two"], "each value once");
        assert_eq!(values(&outer), ["two", "one"], "the outer call sees the inner one's");
        assert_eq!(written, r#""""#);
        assert!(SecretInput::collecting(|| ()).1.is_empty());
        serde_json::to_string(&one).unwrap();
        let caught = std::panic::catch_unwind(|| SecretInput::collecting(|| panic!("inside")));
        assert!(caught.is_err());
        assert!(COLLECTED.with(|collected| collected.borrow().is_empty()), "popped after a panic");
    }

    #[test]
    fn exposing_is_scoped_and_nests() {
        let secret = Secret::new("v");
        let inner = Secret::exposing(|| {
            let nested = Secret::exposing(|| serde_json::to_string(&secret).unwrap());
            (nested, serde_json::to_string(&secret).unwrap())
        });
        assert_eq!(inner, ("\"v\"".to_owned(), "\"v\"".to_owned()));
        assert_eq!(serde_json::to_string(&secret).unwrap(), "\"[REDACTED]\"");
        let caught = std::panic::catch_unwind(|| Secret::exposing(|| panic!("inside")));
        assert!(caught.is_err());
        assert_eq!(serde_json::to_string(&secret).unwrap(), "\"[REDACTED]\"", "reset after a panic");
    }

    #[test]
    fn decoding_is_lenient_about_the_shape() {
        for (json, value) in [(r#""abc""#, "abc"), ("12345", "12345"), ("-1", "-1"), ("1.5", "1.5"), ("true", "true")] {
            assert_eq!(serde_json::from_str::<Secret>(json).unwrap().expose_secret(), value, "{json}");
        }
        for json in ["{}", "[]", "null"] {
            let error = serde_json::from_str::<Secret>(json).unwrap_err().to_string();
            assert!(error.contains("a secret"), "{json}: {error}");
        }
    }
}
