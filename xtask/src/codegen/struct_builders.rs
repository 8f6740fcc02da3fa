//! Leaves typify's struct builders out of progenitor's output.
//!
//! Progenitor's builder interface turns typify's struct builders on, with no setting to turn
//! them off (progenitor-impl 0.15.1 `lib.rs`: `with_struct_builder(interface == Builder)`): a
//! `types::builder::T` for every struct, with a fallible setter per field, and request builders
//! that hold their body as one and offer `body_map`. Nothing sends through them (a body is
//! `body(T)`, and `Client::invoke` parses JSON into `T`), yet with 12 families they were 69,800
//! of the 101,761 lines of the types and the largest share of borrow checking in the build
//! (`cargo xtask cost`, `-Z time-passes`).
//!
//! What goes: the `builder` module inside `types`, each `impl T { fn builder() }`, and each
//! request builder's `body_map`; the request builder holds its body as `types::T`, set by
//! `body(...)`. A body whose type has a `Default` (every field optional) starts as that default,
//! as before; any other body is required, and a request without it is refused before anything
//! is sent (`body was not initialized`, progenitor's own wording for bodies without a builder).
//!
//! The edit is checked: a request builder's body of another shape is an error.

use std::collections::BTreeSet;

use quote::ToTokens;

/// Strips the struct builders from `file` (progenitor's client output). Only the family's own
/// types have struct builders: a common type (`::cloudflare_openapi_runtime::types::T`, a replacement)
/// is a body without one, required already.
pub fn strip(file: &mut syn::File) -> Result<(), String> {
    let types = module_mut(file, "types").ok_or("progenitor's output has no `types` module")?;
    // Typify writes the module where it made a struct.
    types.retain(|item| !matches!(item, syn::Item::Mod(module) if module.ident == "builder"));
    types.retain(|item| !is_builder_constructor(item));
    without_unused_defaults(types);
    let defaults: BTreeSet<String> = defaulted(types).into_iter().map(|name| format!("types::{name}")).collect();
    if let Some(builder) = module_mut(file, "builder") {
        for item in builder.iter_mut() {
            match item {
                syn::Item::Struct(item) => hold_body_as_type(item)?,
                syn::Item::Impl(block) if block.trait_.is_none() => body_without_builder(block, &defaults)?,
                _ => {}
            }
        }
    }
    Ok(())
}

/// The names of the types in `items` that have a `Default` (derived or implemented).
fn defaulted(items: &[syn::Item]) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for item in items {
        match item {
            syn::Item::Struct(syn::ItemStruct { ident, attrs, .. })
            | syn::Item::Enum(syn::ItemEnum { ident, attrs, .. })
                if attrs.iter().any(|attr| {
                    attr.path().is_ident("derive")
                        && attr.meta.to_token_stream().to_string().split([' ', ',', '(', ')']).any(|d| d == "Default")
                }) =>
            {
                names.insert(ident.to_string());
            }
            syn::Item::Impl(block)
                if block
                    .trait_
                    .as_ref()
                    .is_some_and(|(path, _)| path.segments.last().is_some_and(|s| s.ident == "Default")) =>
            {
                names.insert(block.self_ty.to_token_stream().to_string());
            }
            _ => {}
        }
    }
    names
}

/// Typify's `defaults` helpers that only the struct builders called (`default_i64`, ...): the
/// rest of `types` names none of them once the builders are gone (a field's default names its
/// helper in a serde attribute, `"defaults::default_i64::<i64, 5>"`).
fn without_unused_defaults(types: &mut [syn::Item]) {
    let Some(at) = types.iter().position(|item| matches!(item, syn::Item::Mod(module) if module.ident == "defaults"))
    else {
        return;
    };
    let rest: String = types
        .iter()
        .enumerate()
        .filter(|(index, _)| *index != at)
        .map(|(_, item)| item.to_token_stream().to_string().replace(' ', ""))
        .collect();
    let syn::Item::Mod(module) = &mut types[at] else { unreachable!("found as a module") };
    if let Some((_, items)) = &mut module.content {
        items.retain(|item| match item {
            syn::Item::Fn(function) => rest.contains(&format!("defaults::{}", function.sig.ident)),
            _ => true,
        });
    }
}

fn module_mut<'a>(file: &'a mut syn::File, name: &str) -> Option<&'a mut Vec<syn::Item>> {
    file.items.iter_mut().find_map(|item| match item {
        syn::Item::Mod(module) if module.ident == name => module.content.as_mut().map(|(_, items)| items),
        _ => None,
    })
}

/// `impl T { pub fn builder() -> builder::T { Default::default() } }`.
fn is_builder_constructor(item: &syn::Item) -> bool {
    let syn::Item::Impl(block) = item else { return false };
    block.trait_.is_none()
        && block.items.len() == 1
        && matches!(&block.items[0], syn::ImplItem::Fn(f) if f.sig.ident == "builder" && f.sig.inputs.is_empty())
}

/// The type a `types::builder::T` stands for: `types::T`.
fn unbuilt(ty: &syn::Type) -> Option<syn::Type> {
    let text = ty.to_token_stream().to_string().replace(' ', "");
    let name = text.strip_prefix("types::builder::")?;
    syn::parse_str(&format!("types::{name}")).ok()
}

/// `body: Result<types::builder::T, String>` becomes `body: Result<types::T, String>`.
fn hold_body_as_type(item: &mut syn::ItemStruct) -> Result<(), String> {
    for field in item.fields.iter_mut() {
        if field.ident.as_ref().is_none_or(|ident| ident != "body") {
            continue;
        }
        let syn::Type::Path(path) = &mut field.ty else { return Err(format!("{}: body of an odd type", item.ident)) };
        let Some(syn::PathArguments::AngleBracketed(args)) = path.path.segments.last_mut().map(|s| &mut s.arguments)
        else {
            return Err(format!("{}: the body is not held as a Result", item.ident));
        };
        if let Some(syn::GenericArgument::Type(held)) = args.args.first_mut()
            && let Some(ty) = unbuilt(held)
        {
            *held = ty;
        }
    }
    Ok(())
}

/// In a request builder's impl: `body_map` goes, and `new()` starts the body as the type's
/// default where it has one, or as missing.
fn body_without_builder(block: &mut syn::ItemImpl, defaults: &BTreeSet<String>) -> Result<(), String> {
    let Some(syn::ImplItem::Fn(body)) =
        block.items.iter().find(|item| matches!(item, syn::ImplItem::Fn(f) if f.sig.ident == "body_map"))
    else {
        return Ok(());
    };
    let name = block.self_ty.to_token_stream().to_string();
    // `F: FnOnce(types::builder::T) -> types::builder::T`: the body's type.
    let text = body.sig.generics.where_clause.to_token_stream().to_string().replace(' ', "");
    let held = text
        .split_once("FnOnce(types::builder::")
        .and_then(|(_, rest)| rest.split_once(')'))
        .map(|(ty, _)| format!("types::{ty}"))
        .ok_or(format!("{name}: `body_map` of another shape"))?;
    block.items.retain(|item| !matches!(item, syn::ImplItem::Fn(f) if f.sig.ident == "body_map"));
    let start: syn::Expr = if defaults.contains(&held) {
        syn::parse_quote! { Ok(::std::default::Default::default()) }
    } else {
        syn::parse_quote! { Err("body was not initialized".to_string()) }
    };
    let mut found = false;
    for item in &mut block.items {
        let syn::ImplItem::Fn(new) = item else { continue };
        if new.sig.ident != "new" {
            continue;
        }
        let syn::Stmt::Expr(syn::Expr::Struct(value), _) = new.block.stmts.last_mut().ok_or("empty `new`")? else {
            return Err(format!("{name}: `new` does not end in `Self {{ .. }}`"));
        };
        for field in value.fields.iter_mut() {
            if matches!(&field.member, syn::Member::Named(ident) if ident == "body") {
                field.expr = start.clone();
                found = true;
            }
        }
    }
    if !found {
        return Err(format!("{name}: `new` sets no body"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    fn output(body_type: &str) -> syn::File {
        let ty: syn::Type = syn::parse_str(&format!("types::builder::{body_type}")).unwrap();
        syn::parse2(quote! {
            pub mod types {
                #[derive(Clone, Debug, Default)]
                pub struct Optional { pub name: Option<String> }
                impl Optional { pub fn builder() -> builder::Optional { Default::default() } }
                #[derive(Clone, Debug)]
                pub struct Required { pub name: String }
                impl Required { pub fn builder() -> builder::Required { Default::default() } }
                #[derive(Clone, Debug)]
                pub struct Limits { #[serde(default = "defaults::limits_size")] pub size: i64 }
                pub mod defaults {
                    pub(super) fn default_i64<T, const V: i64>() -> T { todo!() }
                    pub(super) fn limits_size() -> i64 { 5 }
                }
                pub mod builder {
                    pub struct Optional { name: Result<Option<String>, String> }
                    pub struct Required { name: Result<String, String> }
                }
            }
            pub mod builder {
                pub struct Create<'a> { client: &'a super::Client, body: Result<#ty, String> }
                impl<'a> Create<'a> {
                    pub fn new(client: &'a super::Client) -> Self {
                        Self { client: client, body: Ok(::std::default::Default::default()) }
                    }
                    pub fn body<V>(mut self, value: V) -> Self where V: std::convert::TryInto<types::Required> {
                        self.body = value.try_into().map(From::from).map_err(|_| String::new());
                        self
                    }
                    pub fn body_map<F>(mut self, f: F) -> Self
                    where
                        F: std::ops::FnOnce(#ty) -> #ty,
                    {
                        self.body = self.body.map(f);
                        self
                    }
                }
            }
        })
        .unwrap()
    }

    #[test]
    fn struct_builders_go_and_a_body_without_default_is_required() {
        let mut file = output("Required");
        strip(&mut file).unwrap();
        let text = file.to_token_stream().to_string();
        assert!(!text.contains("builder :: "), "no struct builder is named: {text}");
        assert!(!text.contains("fn builder"), "{text}");
        assert!(!text.contains("body_map"), "{text}");
        assert!(text.contains("body : Result < types :: Required , String >"), "{text}");
        assert!(text.contains("body : Err (\"body was not initialized\" . to_string ())"), "{text}");
        assert!(text.contains("pub fn body < V >"), "the setter stays: {text}");
        assert!(!text.contains("default_i64"), "only the builders used it: {text}");
        assert!(text.contains("fn limits_size"), "a field's default stays: {text}");
    }

    #[test]
    fn a_body_with_a_default_starts_as_it() {
        let mut file = output("Optional");
        strip(&mut file).unwrap();
        let text = file.to_token_stream().to_string();
        assert!(text.contains("body : Result < types :: Optional , String >"), "{text}");
        assert!(text.contains("body : Ok (:: std :: default :: Default :: default ())"), "{text}");
    }

    #[test]
    fn a_body_map_of_another_shape_is_an_error_not_a_silent_skip() {
        let mut file: syn::File = syn::parse2(quote! {
            pub mod types { pub struct A; }
            pub mod builder {
                pub struct Create<'a> { body: Result<types::A, String> }
                impl<'a> Create<'a> { pub fn body_map(self, f: impl FnOnce(u8)) -> Self { self } }
            }
        })
        .unwrap();
        assert!(strip(&mut file).unwrap_err().contains("`body_map` of another shape"));
    }
}
