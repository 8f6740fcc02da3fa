//! [`Untyped`]: JSON where the spec has a union codegen cannot type.

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::secret::REDACTED;

/// JSON for a schema the spec marks `x-escape`: a `oneOf`/`anyOf` of objects that no required
/// property tells apart (Access applications, identity providers), which typed decoding would
/// read as its first variant, dropping fields. The import lists each such escape in the spec
/// header.
///
/// It serializes and deserializes as the JSON itself; `Debug` shows it with the value of every
/// secret-named field (`client_secret`, `secret`, `password`, `private_key`, `token`,
/// `api_key`) replaced by `[REDACTED]`, at any depth.
///
/// ```
/// use cloudflare_openapi_runtime::Untyped;
///
/// let app: Untyped = serde_json::from_str(r#"{"name":"a","saas_app":{"client_secret":"hunter2"}}"#).unwrap();
/// assert_eq!(app.as_json()["saas_app"]["client_secret"], "hunter2");
/// assert!(!format!("{app:?}").contains("hunter2"));
/// ```
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Untyped(pub Value);

/// Field names whose values `Untyped`'s `Debug` redacts (the spec's secret names).
pub const SECRET_FIELDS: [&str; 6] = ["client_secret", "secret", "password", "private_key", "token", "api_key"];

impl Untyped {
    /// The JSON.
    pub fn as_json(&self) -> &Value {
        &self.0
    }

    /// The JSON, taken.
    pub fn into_json(self) -> Value {
        self.0
    }
}

impl From<Value> for Untyped {
    fn from(value: Value) -> Self {
        Self(value)
    }
}

fn redacted(value: &Value) -> Value {
    match value {
        Value::Object(object) => Value::Object(
            object
                .iter()
                .map(|(key, value)| {
                    let value = if SECRET_FIELDS.contains(&key.as_str()) && !value.is_null() {
                        Value::String(REDACTED.to_owned())
                    } else {
                        redacted(value)
                    };
                    (key.clone(), value)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(redacted).collect()),
        other => other.clone(),
    }
}

impl fmt::Debug for Untyped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Untyped({})", redacted(&self.0))
    }
}
