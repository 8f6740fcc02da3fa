//! The `Envelope` and `Paginated` impls emitted beside progenitor's output: every type in the
//! spec shaped like Cloudflare's envelope (`{success, errors, messages, result}`) gets one,
//! found by reading the generated types, so the wrapper can unwrap any operation's answer
//! generically. The traits themselves are hand-written (crates/cloudflare-openapi-runtime/src). Written
//! as each family's `envelopes.rs`.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::COMMON;

/// The support code for the generated client `file` (progenitor's output, already parsed): a
/// family's `envelopes.rs`.
pub fn tokens(file: &syn::File) -> Result<TokenStream, String> {
    let impls = impls(file)?;
    Ok(quote! {
        //! `Envelope` for each envelope type of the family; names resolve as inside `types`.
        #[allow(unused_imports)]
        use super::types::*;
        #(#impls)*
    })
}

/// The `Envelope` (and `Paginated`) impl of each envelope type of `file`.
pub fn impls(file: &syn::File) -> Result<Vec<TokenStream>, String> {
    let envelopes = envelope_types(file)?;
    let common: syn::Path = syn::parse_str(COMMON).expect("a path");
    let impls = envelopes.iter().map(|envelope| {
        let name = format_ident!("{}", envelope.name);
        let result = &envelope.result;
        // A result the spec gives no type admits `null`: its absence is an answer too. So does
        // `Untyped` JSON (an answer upstream gives no schema: Stream's video delete answers 200
        // with no body, a Worker's delete `"result": null`; or a union codegen cannot type), and
        // an object the spec gives no properties (KV's `api-response-common-no-result`, whose
        // `result` the live API sends as `null`): its absence is the empty object.
        let absent = if squash(result) == squash_str("::serde_json::Value") {
            Some(quote! {
                fn absent_result() -> ::std::option::Option<Self::Result> {
                    ::std::option::Option::Some(::serde_json::Value::Null)
                }
            })
        } else if squash(result) == squash_str("::cloudflare_openapi_runtime::Untyped") {
            Some(quote! {
                fn absent_result() -> ::std::option::Option<Self::Result> {
                    ::std::option::Option::Some(::cloudflare_openapi_runtime::Untyped(::serde_json::Value::Null))
                }
            })
        } else if squash(result) == squash_str("::serde_json::Map<::std::string::String, ::serde_json::Value>") {
            Some(quote! {
                fn absent_result() -> ::std::option::Option<Self::Result> {
                    ::std::option::Option::Some(::serde_json::Map::new())
                }
            })
        } else {
            None
        };
        let paginated = envelope.paginated.then(|| {
            quote! {
                impl crate::Paginated for #name {
                    fn result_info(&self) -> ::std::option::Option<&#common::ResultInfo> {
                        self.result_info.as_ref()
                    }
                }
            }
        });
        quote! {
            #paginated
            impl crate::Envelope for #name {
                type Result = #result;
                fn success(&self) -> ::std::option::Option<bool> {
                    self.success
                }
                fn errors(&self) -> &[#common::ApiMessage] {
                    self.errors.as_deref().map_or(&[], ::std::vec::Vec::as_slice)
                }
                fn messages(&self) -> &[#common::ApiMessage] {
                    self.messages.as_deref().map_or(&[], ::std::vec::Vec::as_slice)
                }
                fn result(&self) -> ::std::option::Option<&Self::Result> {
                    self.result.as_ref()
                }
                fn into_result(self) -> ::std::option::Option<Self::Result> {
                    self.result
                }
                #absent
            }
        }
    });
    Ok(impls.collect())
}

/// The names of the envelope types of `file`.
pub fn envelope_names(file: &syn::File) -> Result<std::collections::BTreeSet<String>, String> {
    Ok(envelope_types(file)?.into_iter().map(|envelope| envelope.name).collect())
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
        // The common types, by their own name inside `cloudflare_openapi_runtime::types`, by path elsewhere.
        let expect = |what: &str, ty: Option<&syn::Type>, common: &str| {
            let wanted =
                [format!("::std::option::Option<{common}>"), format!("::std::option::Option<{COMMON}::{common}>")];
            match ty {
                Some(ty) if wanted.iter().any(|wanted| squash(ty) == squash_str(wanted)) => Ok(()),
                _ => Err(format!(
                    "schema `{name}` looks like an envelope but its `{what}` is not `Option<{common}>`: \
                     make it an optional {what} as in ServiceTokenResponse"
                )),
            }
        };
        expect("success", Some(success), "bool")?;
        expect("errors", field("errors"), "ApiMessages")?;
        expect("messages", field("messages"), "ApiMessages")?;
        let result = option_inner(result)
            .ok_or_else(|| format!("schema `{name}`: `result` must be optional (not required) and may be nullable"))?;
        let paginated = field("result_info").is_some();
        if paginated {
            expect("result_info", field("result_info"), "ResultInfo")?;
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
