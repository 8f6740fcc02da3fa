//! `tests/src/invokers.rs`: a way to call every operation of the spec through
//! `cloudflare_client::Client`, with the spec's example values, so that one test can check
//! credentials, retries and errors on every operation, including ones added later.

use openapiv3::{OpenAPI, Parameter, ReferenceOr, RequestBody, Schema, SchemaKind, Type};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// The invoker table for `spec`.
pub fn tokens(spec: &OpenAPI) -> Result<TokenStream, String> {
    let mut arms = Vec::new();
    for (_, _, operation) in spec.operations() {
        let id = operation.operation_id.as_deref().ok_or("an operation has no operationId")?;
        let method = format_ident!("{id}");
        let mut calls = Vec::new();
        for parameter in &operation.parameters {
            let parameter = resolve_parameter(spec, parameter)?;
            let data = parameter.parameter_data_ref();
            if !data.required {
                continue;
            }
            let openapiv3::ParameterSchemaOrContent::Schema(schema) = &data.format else {
                return Err(format!("{id}: parameter {} has no schema", data.name));
            };
            let setter = format_ident!("{}", data.name);
            let value = example(spec, schema, Strings::Borrowed, &format!("{id}: parameter {}", data.name))?;
            calls.push(quote! { .#setter(#value) });
        }
        if let Some(body) = &operation.request_body {
            let body = resolve_body(spec, body)?;
            let schema = body
                .content
                .get("application/json")
                .and_then(|media| media.schema.as_ref())
                .ok_or(format!("{id}: the request body is not JSON"))?;
            let schema = resolve_schema(spec, schema)?;
            let SchemaKind::Type(Type::Object(object)) = &schema.schema_kind else {
                return Err(format!("{id}: the request body is not an object"));
            };
            let mut fields = Vec::new();
            for name in &object.required {
                let property = object.properties.get(name).ok_or(format!("{id}: required {name} is not a property"))?;
                let property = property.clone().unbox();
                let value = example(spec, &property, Strings::Owned, &format!("{id}: body field {name}"))?;
                let setter = format_ident!("{name}");
                fields.push(quote! { .#setter(#value) });
            }
            calls.push(quote! { .body_map(|body| body #(#fields)*) });
        }
        arms.push(quote! {
            #id => ::std::boxed::Box::pin(async move {
                client.call(client.api().#method() #(#calls)* .send()).await.map(|_| ())
            }),
        });
    }
    Ok(quote! {
        //! Calls each operation of the spec through the wrapper, with the spec's example values.

        use std::future::Future;
        use std::pin::Pin;

        use cloudflare_client::{Client, Error};

        /// A call of one operation, its answer's `result` dropped.
        pub type Invocation<'a> = Pin<Box<dyn Future<Output = Result<(), Error>> + Send + 'a>>;

        /// Calls the operation `operation_id` through `client` (`Client::api` and
        /// `Client::call`), with the spec's example value for every required parameter and
        /// body field. `None` for an operation the spec does not have.
        pub fn invoke<'a>(client: &'a Client, operation_id: &str) -> Option<Invocation<'a>> {
            Some(match operation_id {
                #(#arms)*
                _ => return None,
            })
        }
    })
}

/// How a string value is passed: parameters convert from `&str` (ids, UUIDs), body fields
/// from `String` (typify's newtypes).
#[derive(Clone, Copy)]
enum Strings {
    Borrowed,
    Owned,
}

/// The value to pass for a parameter or field: the schema's `example`, else a plain value of
/// its type.
fn example(spec: &OpenAPI, schema: &ReferenceOr<Schema>, strings: Strings, what: &str) -> Result<TokenStream, String> {
    let schema = resolve_schema(spec, schema)?;
    let value = schema.schema_data.example.clone();
    let string = |text: &str| match strings {
        Strings::Borrowed => quote! { #text },
        Strings::Owned => quote! { ::std::string::String::from(#text) },
    };
    Ok(match (&schema.schema_kind, value) {
        (SchemaKind::Type(Type::String(_)), Some(serde_json::Value::String(text))) => string(&text),
        (SchemaKind::Type(Type::String(_)), _) => string("example"),
        (SchemaKind::Type(Type::Integer(_)), Some(serde_json::Value::Number(number))) => {
            let number = number.as_i64().ok_or(format!("{what}: the example is not an integer"))?;
            quote! { #number }
        }
        (SchemaKind::Type(Type::Integer(_)), _) => quote! { 1 },
        (SchemaKind::Type(Type::Boolean(_)), Some(serde_json::Value::Bool(flag))) => quote! { #flag },
        (SchemaKind::Type(Type::Boolean(_)), _) => quote! { false },
        _ => return Err(format!("{what}: give it a string, integer or boolean schema with an example")),
    })
}

/// Follows a `$ref` into `#/components/<section>/` until it reaches an item.
fn resolve<'a, T>(
    spec: &'a OpenAPI,
    item: &'a ReferenceOr<T>,
    section: &str,
    map: impl Fn(&'a openapiv3::Components) -> &'a indexmap::IndexMap<String, ReferenceOr<T>>,
) -> Result<&'a T, String> {
    match item {
        ReferenceOr::Item(item) => Ok(item),
        ReferenceOr::Reference { reference } => {
            let name = reference.trim_start_matches(&format!("#/components/{section}/")).to_owned();
            let found = spec.components.as_ref().and_then(|components| map(components).get(&name));
            resolve(spec, found.ok_or(format!("no {reference}"))?, section, map)
        }
    }
}

fn resolve_schema<'a>(spec: &'a OpenAPI, schema: &'a ReferenceOr<Schema>) -> Result<&'a Schema, String> {
    resolve(spec, schema, "schemas", |components| &components.schemas)
}

fn resolve_parameter<'a>(spec: &'a OpenAPI, parameter: &'a ReferenceOr<Parameter>) -> Result<&'a Parameter, String> {
    resolve(spec, parameter, "parameters", |components| &components.parameters)
}

fn resolve_body<'a>(spec: &'a OpenAPI, body: &'a ReferenceOr<RequestBody>) -> Result<&'a RequestBody, String> {
    resolve(spec, body, "requestBodies", |components| &components.request_bodies)
}
