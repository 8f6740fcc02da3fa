//! Reshapes progenitor's operation builders so that the wrapper sends every request itself:
//! - each builder implements `crate::Request`: `request()` builds the `reqwest::Request` that
//!   progenitor's `send()` would send, without sending it, and names the operation and its
//!   answer types;
//! - `send()` is removed: cloudflare-client's transport (credentials, retries, pacing, typed
//!   errors) is the one path to the wire, and the async bodies are most of what the builders
//!   cost to compile;
//! - progenitor's `api-version` header (the spec's `info.version`, which Cloudflare does not
//!   use) is never added;
//! - bodies and answers that are not JSON get what [`super::bodies`] says: a form is attached
//!   (its parts checked), a raw body goes with its own media type, and an answer that is not
//!   JSON is a `Download`, asked for with an `Accept` of its media type.
//!
//! This edits progenitor's output as syntax because progenitor 0.15 has no extension point
//! for either: its builders only build a request inside `send()`, and the `api-version`
//! header is unconditional (progenitor-impl `method.rs`). The edit is checked: a builder of
//! another shape is an error, not a silent skip.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::{ToTokens, quote};
use serde_json::Value;
use syn::visit_mut::VisitMut;

use super::bodies::{self, Media};

/// Reshapes every builder of `file` (progenitor's output for the spec `spec`) in place;
/// `media` says which operations have bodies or answers that are not JSON.
pub fn reshape(file: &mut syn::File, media: &BTreeMap<String, Media>, spec: &Value) -> Result<(), String> {
    let envelopes = super::support::envelope_names(file)?;
    let builder = file
        .items
        .iter_mut()
        .find_map(|item| match item {
            syn::Item::Mod(module) if module.ident == "builder" => module.content.as_mut(),
            _ => None,
        })
        .ok_or("progenitor's output has no `builder` module")?;
    let mut impls = Vec::new();
    for item in &mut builder.1 {
        let syn::Item::Impl(block) = item else { continue };
        if block.trait_.is_some() {
            continue;
        }
        let Some(at) =
            block.items.iter().position(|item| matches!(item, syn::ImplItem::Fn(f) if f.sig.ident == "send"))
        else {
            continue;
        };
        let syn::ImplItem::Fn(mut send) = block.items.remove(at) else { unreachable!("found as a function") };
        let name = block.self_ty.to_token_stream().to_string();
        let nonjson = NonJson { media, spec };
        impls.push(
            split(&block.self_ty, &mut send, &envelopes, &nonjson)
                .map_err(|error| format!("builder {name}: {error}"))?,
        );
    }
    if impls.is_empty() {
        return Err("progenitor's builders have no `send`".into());
    }
    // A form is not `Clone` (a streamed part is read once), as progenitor knows a raw body's
    // `reqwest::Body` is not: its builder derives `Debug` alone.
    for item in &mut builder.1 {
        if let syn::Item::Struct(item) = item
            && item
                .fields
                .iter()
                .any(|field| field.ty.to_token_stream().to_string().contains(":: cloudflare_openapi_runtime :: Form"))
        {
            for attribute in &mut item.attrs {
                if attribute.path().is_ident("derive") {
                    *attribute = syn::parse_quote!(#[derive(Debug)]);
                }
            }
        }
    }
    for tokens in impls {
        builder.1.push(syn::parse2(tokens).map_err(|error| format!("the `Request` impl: {error}"))?);
    }
    Ok(())
}

/// The operations whose bodies or answers are not JSON, and the spec that describes them.
struct NonJson<'a> {
    media: &'a BTreeMap<String, Media>,
    spec: &'a Value,
}

/// Splits `send` at the statement that builds the request: what comes before becomes the
/// `Request` impl's `request()` (returned as tokens); the rest (sending) is dropped. An answer
/// type that is none of `envelopes` (an answer upstream describes without the envelope) is
/// `Request::Success` as `Bare<T>`; an answer that is not JSON (progenitor's `ByteStream`) is
/// a `Download`.
fn split(
    builder: &syn::Type,
    send: &mut syn::ImplItemFn,
    envelopes: &std::collections::BTreeSet<String>,
    nonjson: &NonJson<'_>,
) -> Result<TokenStream, String> {
    let (success, failure) =
        answer_types(&send.sig).ok_or("`send` does not return Result<ResponseValue<T>, Error<E>>")?;
    let operation_id = operation_id(&send.block).ok_or("`send` names no operation_id")?;
    let media = nonjson.media.get(&operation_id).cloned().unwrap_or_default();
    let success = match super::table::last_ident(&success) {
        Some(name) if name == "ByteStream" && media.answer.is_some() => {
            quote! { ::cloudflare_openapi_runtime::Download }
        }
        Some(name) if name == "ByteStream" => return Err("progenitor answers a stream for a JSON answer".into()),
        Some(name) if envelopes.contains(&name) => quote! { #success },
        _ => quote! { ::cloudflare_openapi_runtime::Bare<#success> },
    };
    let built = send
        .block
        .stmts
        .iter()
        .position(|stmt| matches!(stmt, syn::Stmt::Local(local) if binds(&local.pat, "request")))
        .ok_or("`send` builds no `request`")?;
    let mut prefix: Vec<syn::Stmt> = send.block.stmts.drain(..=built).collect();
    without_api_version(&mut prefix)?;
    if let Some(form) = &media.form {
        let mut attach = AttachForm { shape: bodies::form_shape(nonjson.spec, form), done: 0 };
        prefix.iter_mut().for_each(|stmt| attach.visit_stmt_mut(stmt));
        if attach.done != 1 {
            return Err(format!("a multipart body, but {} `.json(&body)` to attach the form to", attach.done));
        }
    } else if let Some(kind) = media.body.as_deref().filter(|kind| *kind != "application/octet-stream") {
        let mut retype = RawMediaType { media: kind, done: 0 };
        prefix.iter_mut().for_each(|stmt| retype.visit_stmt_mut(stmt));
        if retype.done != 1 {
            return Err(format!("a raw {kind} body, but {} octet-stream content types to replace", retype.done));
        }
    }
    if let Some(answer) = &media.answer {
        let accept = bodies::accept(answer);
        prefix.push(syn::parse_quote! {
            request.headers_mut().insert(
                ::reqwest::header::ACCEPT,
                ::reqwest::header::HeaderValue::from_static(#accept),
            );
        });
    }
    let generics = quote! { <'a> };
    Ok(quote! {
        impl #generics crate::Request for #builder {
            type Success = #success;
            type Failure = #failure;

            fn operation_id(&self) -> &'static str {
                #operation_id
            }

            fn request(self) -> ::std::result::Result<::reqwest::Request, Error<#failure>> {
                #(#prefix)*
                ::std::result::Result::Ok(request)
            }
        }
    })
}

fn binds(pat: &syn::Pat, name: &str) -> bool {
    match pat {
        syn::Pat::Ident(ident) => ident.ident == name,
        syn::Pat::Type(typed) => binds(&typed.pat, name),
        _ => false,
    }
}

/// `T` and `E` in `-> Result<ResponseValue<T>, Error<E>>`.
fn answer_types(signature: &syn::Signature) -> Option<(syn::Type, syn::Type)> {
    let syn::ReturnType::Type(_, ty) = &signature.output else { return None };
    let [ok, err] = arguments(ty)?[..] else { return None };
    let [success] = arguments(ok)?[..] else { return None };
    let [failure] = arguments(err)?[..] else { return None };
    Some((success.clone(), failure.clone()))
}

/// The type arguments of the last segment of `ty`.
fn arguments(ty: &syn::Type) -> Option<Vec<&syn::Type>> {
    let syn::Type::Path(path) = ty else { return None };
    let syn::PathArguments::AngleBracketed(args) = &path.path.segments.last()?.arguments else { return None };
    Some(
        args.args
            .iter()
            .filter_map(|arg| match arg {
                syn::GenericArgument::Type(ty) => Some(ty),
                _ => None,
            })
            .collect(),
    )
}

/// The string in `OperationInfo { operation_id: "..." }`.
fn operation_id(block: &syn::Block) -> Option<String> {
    struct Find(Option<String>);
    impl syn::visit::Visit<'_> for Find {
        fn visit_expr_struct(&mut self, expr: &syn::ExprStruct) {
            if expr.path.segments.last().is_some_and(|segment| segment.ident == "OperationInfo") {
                for field in &expr.fields {
                    if let (syn::Member::Named(name), syn::Expr::Lit(lit)) = (&field.member, &field.expr)
                        && name == "operation_id"
                        && let syn::Lit::Str(text) = &lit.lit
                    {
                        self.0 = Some(text.value());
                    }
                }
            }
            syn::visit::visit_expr_struct(self, expr);
        }
    }
    let mut find = Find(None);
    syn::visit::Visit::visit_block(&mut find, block);
    find.0
}

/// Removes progenitor's `header_map.append("api-version", ...)`; where no other header is
/// sent, the then empty header map goes too.
fn without_api_version(stmts: &mut Vec<syn::Stmt>) -> Result<(), String> {
    let before = stmts.len();
    stmts.retain(|stmt| !(is_expr_stmt(stmt) && stmt.to_token_stream().to_string().contains("\"api-version\"")));
    if stmts.len() + 1 != before {
        return Err("no single `api-version` header to leave out".into());
    }
    let mentions = |stmt: &syn::Stmt| stmt.to_token_stream().to_string().contains("header_map");
    let users = stmts.iter().filter(|stmt| mentions(stmt)).count();
    // Only the map's declaration and the request that takes it: no header is left.
    if users == 2 {
        stmts.retain(|stmt| !matches!(stmt, syn::Stmt::Local(local) if binds(&local.pat, "header_map")));
        let mut strip = StripHeaders(false);
        for stmt in stmts.iter_mut() {
            strip.visit_stmt_mut(stmt);
        }
        if !strip.0 {
            return Err("the request does not take the header map".into());
        }
    }
    Ok(())
}

fn is_expr_stmt(stmt: &syn::Stmt) -> bool {
    matches!(stmt, syn::Stmt::Expr(..))
}

/// Replaces progenitor's `receiver.json(&body)` (for the form component, see `bodies`) with
/// the form attached to `receiver`, its parts checked against `shape`.
struct AttachForm {
    shape: TokenStream,
    done: usize,
}

impl VisitMut for AttachForm {
    fn visit_expr_mut(&mut self, expr: &mut syn::Expr) {
        syn::visit_mut::visit_expr_mut(self, expr);
        if let syn::Expr::MethodCall(call) = expr
            && call.method == "json"
            && call.args.len() == 1
            && call.args[0].to_token_stream().to_string() == "& body"
        {
            let receiver = &call.receiver;
            let shape = &self.shape;
            *expr = syn::parse_quote! { body.attach(#receiver, &#shape).map_err(Error::InvalidRequest)? };
            self.done += 1;
        }
    }
}

/// Replaces the `application/octet-stream` progenitor sends a raw body as with `media`.
struct RawMediaType<'a> {
    media: &'a str,
    done: usize,
}

impl VisitMut for RawMediaType<'_> {
    fn visit_lit_str_mut(&mut self, literal: &mut syn::LitStr) {
        if literal.value() == "application/octet-stream" {
            *literal = syn::LitStr::new(self.media, literal.span());
            self.done += 1;
        }
    }
}

/// Replaces `receiver.headers(header_map)` with `receiver`.
struct StripHeaders(bool);

impl VisitMut for StripHeaders {
    fn visit_expr_mut(&mut self, expr: &mut syn::Expr) {
        if let syn::Expr::MethodCall(call) = expr
            && call.method == "headers"
            && call.args.len() == 1
            && call.args[0].to_token_stream().to_string() == "header_map"
        {
            *expr = (*call.receiver).clone();
            self.0 = true;
        }
        syn::visit_mut::visit_expr_mut(self, expr);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn builder_module(send: TokenStream) -> syn::File {
        builder_answering(quote! { types::Answer }, send)
    }

    /// A builder whose `send` answers `answer`, beside a `types` module where `Answer` is an
    /// envelope and `Group` is not.
    fn builder_answering(answer: TokenStream, send: TokenStream) -> syn::File {
        syn::parse2(quote! {
            pub mod types {
                pub struct Answer {
                    pub errors: ::std::option::Option<ApiMessages>,
                    pub messages: ::std::option::Option<ApiMessages>,
                    pub result: ::std::option::Option<Group>,
                    pub success: ::std::option::Option<bool>,
                }
                pub struct Group { pub id: String }
            }
            pub mod builder {
                pub struct DeleteThing<'a> { client: &'a super::Client, id: Result<String, String> }
                impl<'a> DeleteThing<'a> {
                    pub async fn send(self) -> Result<ResponseValue<#answer>, Error<types::ApiFailure>> {
                        #send
                    }
                }
            }
        })
        .unwrap()
    }

    #[test]
    fn an_answer_that_is_no_envelope_is_bare() {
        let send = quote! {
            let Self { client, id } = self;
            let mut header_map = ::reqwest::header::HeaderMap::with_capacity(1usize);
            header_map.append(::reqwest::header::HeaderName::from_static("api-version"), value);
            let mut request = client.client.get(url).headers(header_map).build()?;
            let info = OperationInfo { operation_id: "get_group" };
        };
        let mut file = builder_answering(quote! { types::Group }, send);
        reshape(&mut file, &BTreeMap::new(), &Value::Null).unwrap();
        let text = file.to_token_stream().to_string();
        assert!(text.contains("type Success = :: cloudflare_openapi_runtime :: Bare < types :: Group >"), "{text}");
    }

    #[test]
    fn the_request_is_built_by_the_request_impl_without_api_version_and_send_is_gone() {
        let mut file = builder_module(quote! {
            let Self { client, id } = self;
            let id = id.map_err(Error::InvalidRequest)?;
            let url = format!("{}/things/{}", client.baseurl, id);
            let mut header_map = ::reqwest::header::HeaderMap::with_capacity(1usize);
            header_map.append(
                ::reqwest::header::HeaderName::from_static("api-version"),
                ::reqwest::header::HeaderValue::from_static(super::Client::api_version()),
            );
            #[allow(unused_mut)]
            let mut request = client.client.delete(url).headers(header_map).build()?;
            let info = OperationInfo { operation_id: "delete_thing" };
            let result = client.exec(request, &info).await;
            todo!()
        });
        reshape(&mut file, &BTreeMap::new(), &Value::Null).unwrap();
        let text = file.to_token_stream().to_string();
        assert!(!text.contains("api-version"), "{text}");
        assert!(!text.contains("header_map"), "no header left: no map: {text}");
        assert!(text.contains("impl < 'a > crate :: Request for DeleteThing < 'a >"), "{text}");
        assert!(text.contains("type Success = types :: Answer"), "{text}");
        assert!(text.contains("type Failure = types :: ApiFailure"), "{text}");
        assert!(text.contains("fn operation_id (& self) -> & 'static str { \"delete_thing\" }"), "{text}");
        assert!(!text.contains("fn send") && !text.contains("exec"), "one path to the wire: {text}");
        assert_eq!(text.matches("client . client . delete (url)").count(), 1, "built in one place: {text}");
    }

    #[test]
    fn other_headers_stay() {
        let mut file = builder_module(quote! {
            let Self { client, id } = self;
            let mut header_map = ::reqwest::header::HeaderMap::with_capacity(2usize);
            header_map.append(::reqwest::header::HeaderName::from_static("api-version"), value);
            header_map.append(::reqwest::header::HeaderName::from_static("x-other"), other);
            let mut request = client.client.get(url).headers(header_map).build()?;
            let info = OperationInfo { operation_id: "get_thing" };
        });
        reshape(&mut file, &BTreeMap::new(), &Value::Null).unwrap();
        let text = file.to_token_stream().to_string();
        assert!(!text.contains("api-version"), "{text}");
        assert!(text.contains("\"x-other\"") && text.contains(". headers (header_map)"), "{text}");
    }

    #[test]
    fn a_builder_progenitor_shaped_otherwise_is_an_error_not_a_silent_skip() {
        let mut file = builder_module(quote! {
            let Self { client, id } = self;
            let mut request = client.client.get(url).build()?;
            let info = OperationInfo { operation_id: "get_thing" };
        });
        let error = reshape(&mut file, &BTreeMap::new(), &Value::Null).unwrap_err();
        assert!(error.contains("api-version"), "{error}");
    }
}
