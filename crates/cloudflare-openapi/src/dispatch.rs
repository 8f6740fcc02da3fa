//! Calling any operation by its `operationId`, with parameters as text and the body as JSON:
//! what `cloudflare api` and the generic tests use. The per-operation code is generated
//! (`dispatch` in `generated.rs`); this module checks the arguments and parses each one into
//! the type the operation's builder takes, so a malformed id is refused before sending.

use std::collections::BTreeMap;

use serde::de::DeserializeOwned;

use crate::{Client, Operation, Request};

/// What to do with an operation once its builder is ready: [`invoke`] hands the builder to
/// [`Call::call`], whatever the operation's types.
pub trait Call<'a> {
    /// What the call produces, such as a future of the answer as JSON.
    type Output;

    /// Called with the operation's builder, its arguments set.
    fn call<R: Request + Send + 'a>(self, request: R) -> Self::Output;
}

/// Parameters (as text, as on a command line) and a JSON body for one operation.
#[derive(Debug, Clone, Default)]
pub struct Arguments {
    parameters: BTreeMap<String, String>,
    body: Option<serde_json::Value>,
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

    /// Sets the request body.
    pub fn body(&mut self, body: serde_json::Value) -> &mut Self {
        self.body = Some(body);
        self
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
        if let Some(body) = operation.body {
            arguments.body(serde_json::from_str(body.example).expect("codegen writes valid JSON examples"));
        }
        arguments
    }

    /// Parameter `name` parsed as `T`: as a JSON string first (ids, names, dates, enums),
    /// else as JSON (numbers, booleans).
    pub(crate) fn parameter_as<T: DeserializeOwned>(&self, name: &'static str) -> Result<Option<T>, ArgumentError> {
        let Some(text) = self.parameters.get(name) else { return Ok(None) };
        let as_string = serde_json::from_value::<T>(serde_json::Value::String(text.clone()));
        as_string
            .or_else(|first| serde_json::from_str::<T>(text).map_err(|_| first))
            .map(Some)
            .map_err(|error| ArgumentError::InvalidParameter { name, reason: error.to_string() })
    }

    /// The body parsed as `T`.
    pub(crate) fn body_as<T: DeserializeOwned>(&self) -> Result<Option<T>, ArgumentError> {
        self.body
            .as_ref()
            .map(|body| {
                serde_json::from_value(body.clone()).map_err(|error| ArgumentError::InvalidBody(error.to_string()))
            })
            .transpose()
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
    #[error("{0} needs a JSON body")]
    MissingBody(&'static str),
    /// A body was given to an operation that takes none.
    #[error("{0} takes no body")]
    UnexpectedBody(&'static str),
    /// The body does not have the operation's body shape.
    #[error("the body does not fit the operation: {0}")]
    InvalidBody(String),
}

/// Calls the operation `id` on `client` with `arguments`, handing its builder to `call`. Every argument is checked against the operation's table row and parsed into the
/// builder's type first: unknown or missing parameters, malformed values (such as `..` as an
/// id) and a wrong body are refused here, before anything is sent.
///
/// # Errors
/// An [`ArgumentError`] saying which argument is wrong.
pub fn invoke<'a, C: Call<'a>>(
    client: &'a Client,
    id: &str,
    arguments: &Arguments,
    call: C,
) -> Result<C::Output, ArgumentError> {
    let operation = crate::operation(id).ok_or_else(|| ArgumentError::UnknownOperation(id.to_owned()))?;
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
    match (operation.body, &arguments.body) {
        (None, Some(_)) => return Err(ArgumentError::UnexpectedBody(operation.id)),
        (Some(body), None) if body.required => return Err(ArgumentError::MissingBody(operation.id)),
        _ => {}
    }
    crate::generated::dispatch(client, operation.id, arguments, call)
}
