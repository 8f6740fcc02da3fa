//! Code emitted beside progenitor's output in crates/cloudflare-openapi.
//!
//! - [`Transport`]: progenitor lets only the crate that defines `Client` override how requests
//!   are sent (`ClientHooks::exec`). The generated crate therefore sends every request through
//!   an injected `Transport`, which is where cloudflare-client adds credentials and reads
//!   responses, for every operation alike.
//! - `Envelope`: every type in the spec shaped like Cloudflare's envelope
//!   (`{success, errors, messages, result}`) gets an impl, found by reading the generated types,
//!   so the wrapper can unwrap any operation's answer generically.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// The support code for the generated client `file` (progenitor's output, already parsed).
pub fn tokens(spec: &openapiv3::OpenAPI, file: &syn::File) -> Result<TokenStream, String> {
    let envelopes = envelope_types(file)?;
    let operations = spec.operations().map(|(path, method, operation)| {
        let id = operation.operation_id.as_deref().unwrap_or_default();
        let method = method.to_ascii_uppercase();
        quote! { Operation { id: #id, method: #method, path: #path } }
    });
    let impls = envelopes.iter().map(|envelope| {
        let name = format_ident!("{}", envelope.name);
        let result = &envelope.result;
        let paginated = envelope.paginated.then(|| {
            quote! {
                impl super::Paginated for #name {
                    fn result_info(&self) -> ::std::option::Option<&ResultInfo> {
                        self.result_info.as_ref()
                    }
                }
            }
        });
        quote! {
            #paginated
            impl super::Envelope for #name {
                type Result = #result;
                fn success(&self) -> ::std::option::Option<bool> {
                    self.success
                }
                fn errors(&self) -> &[ApiMessage] {
                    self.errors.as_deref().map_or(&[], ::std::vec::Vec::as_slice)
                }
                fn messages(&self) -> &[ApiMessage] {
                    self.messages.as_deref().map_or(&[], ::std::vec::Vec::as_slice)
                }
                fn result(&self) -> ::std::option::Option<&Self::Result> {
                    self.result.as_ref()
                }
                fn into_result(self) -> ::std::option::Option<Self::Result> {
                    self.result
                }
            }
        }
    });
    Ok(quote! {
        /// Sends the requests of a [`Client`].
        ///
        /// Every generated operation builds its `reqwest::Request` and hands it to the
        /// client's transport, so whatever a transport does (credentials, retries,
        /// bookkeeping) applies to all operations without per-operation code.
        pub trait Transport: ::std::fmt::Debug + ::std::marker::Send + ::std::marker::Sync + 'static {
            /// Sends `request` for the operation named `operation_id` using `client`.
            fn execute<'a>(
                &'a self,
                client: &'a ::reqwest::Client,
                request: ::reqwest::Request,
                operation_id: &'static str,
            ) -> ::std::pin::Pin<::std::boxed::Box<
                dyn ::std::future::Future<Output = ::reqwest::Result<::reqwest::Response>>
                    + ::std::marker::Send
                    + 'a,
            >>;
        }

        impl ClientHooks<::std::sync::Arc<dyn crate::Transport>> for Client {
            async fn exec(
                &self,
                request: ::reqwest::Request,
                info: &OperationInfo,
            ) -> ::reqwest::Result<::reqwest::Response> {
                self.inner.execute(&self.client, request, info.operation_id).await
            }
        }

        /// A secret in an answer, such as a service token's `client_secret` (the spec's
        /// `ClientSecret`): `Debug` shows `[REDACTED]`; read it deliberately with
        /// [`Secret::expose_secret`]. It is zeroed when dropped.
        #[derive(Clone)]
        pub struct Secret(::secrecy::SecretString);

        impl Secret {
            /// Wraps `secret`.
            pub fn new(secret: impl ::std::convert::Into<::std::string::String>) -> Self {
                Self(::secrecy::SecretString::from(secret.into()))
            }

            /// The secret itself.
            pub fn expose_secret(&self) -> &str {
                ::secrecy::ExposeSecret::expose_secret(&self.0)
            }
        }

        impl ::std::fmt::Debug for Secret {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str("[REDACTED]")
            }
        }

        impl ::std::convert::From<::std::string::String> for Secret {
            fn from(secret: ::std::string::String) -> Self {
                Self::new(secret)
            }
        }

        impl ::std::convert::From<&str> for Secret {
            fn from(secret: &str) -> Self {
                Self::new(secret)
            }
        }

        impl ::serde::Serialize for Secret {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.expose_secret())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for Secret {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                ::std::string::String::deserialize(deserializer).map(Self::new)
            }
        }

        /// One operation of the spec.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub struct Operation {
            /// The `operationId`, also the name of the `Client` method.
            pub id: &'static str,
            /// The HTTP method, upper case.
            pub method: &'static str,
            /// The path template, such as `/accounts/{account_id}/access/service_tokens`.
            pub path: &'static str,
        }

        /// Every operation of the spec, in the spec's order.
        pub const OPERATIONS: &[Operation] = &[#(#operations),*];

        /// The operation with this `operationId`.
        pub fn operation(id: &str) -> ::std::option::Option<&'static Operation> {
            OPERATIONS.iter().find(|operation| operation.id == id)
        }

        /// Cloudflare's response envelope: `{success, errors, messages, result}`.
        ///
        /// Implemented by every generated type of that shape.
        pub trait Envelope {
            /// The type of `result`.
            type Result;
            /// `success`, if the body carried it.
            fn success(&self) -> ::std::option::Option<bool>;
            /// `errors`: empty when absent.
            fn errors(&self) -> &[types::ApiMessage];
            /// `messages`: empty when absent.
            fn messages(&self) -> &[types::ApiMessage];
            /// `result`, if the body carried one that was not null.
            fn result(&self) -> ::std::option::Option<&Self::Result>;
            /// Takes `result`, if the body carried one that was not null.
            fn into_result(self) -> ::std::option::Option<Self::Result>;
        }

        /// An envelope around one page of a list: it also has `result_info`.
        ///
        /// Implemented by every generated envelope type with a `result_info` field.
        pub trait Paginated: Envelope {
            /// `result_info`, if the body carried it.
            fn result_info(&self) -> ::std::option::Option<&types::ResultInfo>;
        }

        /// `Envelope` for each generated envelope type; names resolve as inside `types`.
        mod envelopes {
            #[allow(unused_imports)]
            use super::types::*;
            #(#impls)*
        }
    })
}

/// A generated type shaped like Cloudflare's envelope.
struct EnvelopeType {
    name: String,
    /// The type inside `result: Option<…>`.
    result: syn::Type,
    /// It has `result_info: Option<ResultInfo>`.
    paginated: bool,
}

/// Every struct in the generated `types` module with a `success` and a `result` field. Such a
/// struct must have exactly the envelope's field types, or codegen fails naming it.
fn envelope_types(file: &syn::File) -> Result<Vec<EnvelopeType>, String> {
    let types = file
        .items
        .iter()
        .find_map(|item| match item {
            syn::Item::Mod(module) if module.ident == "types" => module.content.as_ref(),
            _ => None,
        })
        .ok_or("progenitor's output has no `types` module")?;
    let mut envelopes = Vec::new();
    for item in &types.1 {
        let syn::Item::Struct(item) = item else { continue };
        let field = |name: &str| {
            item.fields
                .iter()
                .find(|field| field.ident.as_ref().is_some_and(|ident| ident == name))
                .map(|field| &field.ty)
        };
        let (Some(success), Some(result)) = (field("success"), field("result")) else {
            continue;
        };
        let name = item.ident.to_string();
        let expect = |what: &str, ty: Option<&syn::Type>, wanted: &str| match ty {
            Some(ty) if squash(ty) == squash_str(wanted) => Ok(()),
            _ => Err(format!(
                "schema `{name}` looks like an envelope but its `{what}` is not `{wanted}`: \
                 make it an optional {what} as in ServiceTokenResponse"
            )),
        };
        expect("success", Some(success), "::std::option::Option<bool>")?;
        expect("errors", field("errors"), "::std::option::Option<ApiMessages>")?;
        expect("messages", field("messages"), "::std::option::Option<ApiMessages>")?;
        let result = option_inner(result)
            .ok_or_else(|| format!("schema `{name}`: `result` must be optional (not required) and may be nullable"))?;
        let paginated = field("result_info").is_some();
        if paginated {
            expect("result_info", field("result_info"), "::std::option::Option<ResultInfo>")?;
        }
        envelopes.push(EnvelopeType { name, result: result.clone(), paginated });
    }
    Ok(envelopes)
}

/// `T` in `::std::option::Option<T>`.
fn option_inner(ty: &syn::Type) -> Option<&syn::Type> {
    let syn::Type::Path(path) = ty else { return None };
    let last = path.path.segments.last()?;
    if last.ident != "Option" {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else { return None };
    match args.args.first()? {
        syn::GenericArgument::Type(inner) => Some(inner),
        _ => None,
    }
}

fn squash(ty: &syn::Type) -> String {
    squash_str(&quote!(#ty).to_string())
}

fn squash_str(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}
