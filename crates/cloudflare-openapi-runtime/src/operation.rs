//! The operations table: what the spec says of each operation, for code that works on all of
//! them (the generic tests, `cloudflare api`). Written by codegen as each family crate's
//! `OPERATIONS`, gathered in `cloudflare_openapi::FAMILIES`.

/// One family of the API, as this build enables it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Family {
    /// The module and cargo feature name, such as `access`.
    pub name: &'static str,
    /// What it covers, in one line.
    pub title: &'static str,
    /// Its operations, in the spec's order.
    pub operations: &'static [Operation],
}

/// One operation of the spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Operation {
    /// The `operationId`, also the name of the `Client` method.
    pub id: &'static str,
    /// The family it belongs to (its module and cargo feature).
    pub family: &'static str,
    /// The HTTP method, upper case.
    pub method: &'static str,
    /// The path template, such as `/accounts/{account_id}/access/service_tokens`.
    pub path: &'static str,
    /// The spec's one-line summary.
    pub summary: &'static str,
    /// The status of a successful answer (200, 201 or 202).
    pub success_status: u16,
    /// The answer has `result_info`: its `result` is one page of a list.
    pub paginated: bool,
    /// Path parameters first, then query parameters.
    pub parameters: &'static [Parameter],
    /// The JSON request body, if the operation takes one.
    pub body: Option<Body>,
    /// A successful answer of the operation's shape, built from the spec's examples (for tests
    /// and documentation).
    pub example_answer: &'static str,
}

impl Operation {
    /// The parameter called `name`.
    pub fn parameter(&self, name: &str) -> Option<&'static Parameter> {
        self.parameters.iter().find(|parameter| parameter.name == name)
    }

    /// The path with every path parameter replaced by its example.
    pub fn example_path(&self) -> String {
        self.parameters
            .iter()
            .filter(|parameter| parameter.location == Location::Path)
            .fold(self.path.to_owned(), |path, parameter| {
                path.replace(&format!("{{{}}}", parameter.name), parameter.example)
            })
    }
}

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Location {
    /// A segment of the path, validated before anything is sent.
    Path,
    /// The query string.
    Query,
}

/// One parameter of an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Parameter {
    /// The name, as in the spec and in the builder's setter.
    pub name: &'static str,
    /// Path or query.
    pub location: Location,
    /// The operation cannot be sent without it.
    pub required: bool,
    /// The spec's example value, as text.
    pub example: &'static str,
}

/// An operation's JSON request body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Body {
    /// The operation cannot be sent without it.
    pub required: bool,
    /// A body of the right shape built from the spec's examples (required fields only).
    pub example: &'static str,
}

/// The JSON Schemas of one operation's inputs and output, from the generated types.
#[derive(Debug, Clone, PartialEq)]
pub struct OperationSchema {
    /// Each parameter's schema, in the operation's order.
    pub parameters: Vec<(&'static str, serde_json::Value)>,
    /// The request body's schema, if it takes one.
    pub body: Option<serde_json::Value>,
    /// The schema of the answer's `result`.
    pub result: serde_json::Value,
}

impl OperationSchema {
    /// As one JSON object: `{"parameters": {name: schema}, "body": schema, "result": schema}`.
    pub fn to_json(&self) -> serde_json::Value {
        let parameters: serde_json::Map<String, serde_json::Value> =
            self.parameters.iter().map(|(name, schema)| ((*name).to_owned(), schema.clone())).collect();
        serde_json::json!({ "parameters": parameters, "body": self.body, "result": self.result })
    }
}

/// A JSON Schema written by codegen as text.
#[doc(hidden)] // called by each family's generated table
pub fn json_schema(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_default()
}

/// The JSON Schema of `T`.
#[doc(hidden)] // as json_schema
pub fn schema_of<T: schemars::JsonSchema>() -> serde_json::Value {
    serde_json::to_value(schemars::schema_for!(T)).unwrap_or_default()
}
