//! `cargo xtask codegen`: spec/cloudflare.yaml → crates/cloudflare-openapi and
//! crates/cloudflare-mock, family by family ([`crate::families`]).
//!
//! What it writes, each file starting with a header naming this command:
//! - `cloudflare-openapi-runtime/src/types.rs`: the common types (house schemas, the failure
//!   answer);
//! - `cloudflare-openapi/families/<family>/`, one crate per family (`cloudflare-openapi-<family>`):
//!   its manifest, progenitor's types (`src/types.rs`) and builders (`src/builder.rs`, each a
//!   `Request`, with no `send()` of its own: the wrapper's transport is the one path to the
//!   wire), the family's trait of `Client` methods (`src/client.rs`), the `Envelope` impls
//!   (`src/envelopes.rs`), the operations table and dispatch (`src/table.rs`);
//! - `cloudflare-mock/src/families/<family>.rs`: progenitor's typed httpmock mocks;
//! - `src/families.rs` of cloudflare-openapi and cloudflare-mock: each family behind its cargo
//!   feature, and the generated blocks (between `@generated` markers) of the workspace manifest
//!   (a dependency per family crate) and of the manifests of cloudflare-openapi (a feature and
//!   an optional dependency per family), cloudflare-mock and cloudflare-client.
//!
//! A family is a crate so that a build compiles only the families it enables, each in its own
//! rustc process (two at once on two cores, each bounded in memory by its own size), as the AWS
//! SDK for Rust does with a crate per service. One `Client` (hand-written,
//! `cloudflare-openapi-runtime/src/client.rs`) gets every family's methods, by the family's
//! trait: progenitor's own `Client` struct and its impls are left out of each family's output.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::fs;
use std::path::Path;

use proc_macro2::TokenStream;
use progenitor::{GenerationSettings, Generator, InterfaceStyle, TagStyle, TypeImpl};
use quote::{ToTokens, format_ident, quote};
use serde_json::Value;

use crate::families::Family;

pub mod bodies;
pub mod checks;
mod guard;
mod manifests;
mod requests;
pub mod split;
mod struct_builders;
mod support;
pub mod table;

/// The spec every generated file is made from, relative to the workspace root.
pub const SPEC: &str = "spec/cloudflare.yaml";

/// The crates codegen writes into, relative to the workspace root.
const RUNTIME: &str = "crates/cloudflare-openapi-runtime";
const OPENAPI: &str = "crates/cloudflare-openapi";
const MOCK: &str = "crates/cloudflare-mock";
/// Where the family crates are, each in a folder of its name.
pub const FAMILY_CRATES: &str = "crates/cloudflare-openapi/families";

/// The path by which generated code names the runtime, valid in every crate (the runtime
/// declares `extern crate self as cloudflare_openapi_runtime`).
pub const RUNTIME_PATH: &str = "::cloudflare_openapi_runtime";
/// The path by which generated code names the common types.
pub const COMMON: &str = "::cloudflare_openapi_runtime::types";

/// The crate of the family `name`: `cloudflare-openapi-load-balancers` for `load_balancers`.
pub fn family_crate_of(name: &str) -> String {
    format!("cloudflare-openapi-{}", name.replace('_', "-"))
}

/// The crate of `family` ([`family_crate_of`]).
pub fn family_crate(family: &Family) -> String {
    family_crate_of(family.name)
}

/// The trait that adds the family `name`'s operations to `Client`: `LoadBalancersOperations`.
fn operations_trait(name: &str) -> proc_macro2::Ident {
    format_ident!("{}Operations", heck::ToUpperCamelCase::to_upper_camel_case(name))
}

/// One file that codegen owns: its path relative to the workspace root and its contents.
#[derive(Debug)]
pub struct GeneratedFile {
    pub path: String,
    pub contents: String,
}

/// Regenerate every file, or with `check` compare them and fail naming the stale ones. Files
/// under a `families` directory that codegen no longer writes are stale too, and removed.
pub fn run(root: &Path, check: bool) -> Result<(), String> {
    let files = generate(root)?;
    let stale: Vec<&GeneratedFile> = files
        .iter()
        .filter(|file| fs::read_to_string(root.join(&file.path)).ok().as_deref() != Some(&file.contents))
        .collect();
    let written: BTreeSet<&str> = files.iter().map(|file| file.path.as_str()).collect();
    let leftover: Vec<String> = owned_files(root).into_iter().filter(|path| !written.contains(path.as_str())).collect();
    if check {
        if stale.is_empty() && leftover.is_empty() {
            return Ok(());
        }
        let mut message = String::from("generated code is stale; run `cargo xtask codegen`:");
        for file in &stale {
            let _ = write!(message, "\n  {}", file.path);
        }
        for path in &leftover {
            let _ = write!(message, "\n  {path} (no longer generated)");
        }
        return Err(message);
    }
    for file in stale {
        let path = root.join(&file.path);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|error| format!("creating {}: {error}", parent.display()))?;
        }
        fs::write(&path, &file.contents).map_err(|error| format!("writing {}: {error}", file.path))?;
        eprintln!("wrote {}", file.path);
    }
    for path in leftover {
        fs::remove_file(root.join(&path)).map_err(|error| format!("removing {path}: {error}"))?;
        eprintln!("removed {path}");
    }
    for directory in [FAMILY_CRATES.to_owned(), format!("{MOCK}/src/families")] {
        for entry in fs::read_dir(root.join(&directory)).into_iter().flatten().flatten() {
            // An emptied family directory: remove_dir fails, harmlessly, on one that is not.
            let _ = fs::remove_dir(entry.path().join("src"));
            let _ = fs::remove_dir(entry.path());
        }
    }
    Ok(())
}

/// Every file now under the `families` directories, relative to the root, but the one
/// hand-written file there (`rustfmt.toml`: generated code is not reformatted).
fn owned_files(root: &Path) -> Vec<String> {
    fn walk(root: &Path, relative: &str, out: &mut Vec<String>) {
        for entry in fs::read_dir(root.join(relative)).into_iter().flatten().flatten() {
            let name = format!("{relative}/{}", entry.file_name().to_string_lossy());
            if entry.path().is_dir() {
                walk(root, &name, out);
            } else {
                out.push(name);
            }
        }
    }
    let mut out = Vec::new();
    walk(root, FAMILY_CRATES, &mut out);
    walk(root, &format!("{MOCK}/src/families"), &mut out);
    out.retain(|path| *path != format!("{FAMILY_CRATES}/rustfmt.toml"));
    out
}

/// Generate every file from the spec, in memory.
pub fn generate(root: &Path) -> Result<Vec<GeneratedFile>, String> {
    let text = fs::read_to_string(root.join(SPEC)).map_err(|error| format!("reading {SPEC}: {error}"))?;
    let raw: Value = serde_yaml_ng::from_str(&text).map_err(|error| format!("parsing {SPEC}: {error}"))?;
    let (mut files, families) = generate_code(raw)?;
    files.extend(manifests::files(root, &families)?);
    Ok(files)
}

/// Generates the code of the spec `raw` (already parsed), checked and under the watchdog, and
/// says which families it has.
pub fn generate_code(raw: Value) -> Result<(Vec<GeneratedFile>, Vec<&'static Family>), String> {
    let problems = checks::problems(&raw);
    if !problems.is_empty() {
        return Err(format!("{SPEC} is not safe to generate:\n  {}", problems.join("\n  ")));
    }
    let raw = std::sync::Arc::new(raw);
    let guard = guard::watch(guard::Limits::family_from_env(), guard::Limits::total_from_env(), raw.clone());

    let mut files = Vec::new();
    let output = Prepared::new(&split::common_spec(&raw), &BTreeSet::new(), "the common types")?.client()?;
    let types = module_items(&output, "types").ok_or("progenitor's output has no `types` module")?;
    let envelopes = support::impls(&output)?;
    // The common schemas typify made a type of (`Uuid`, for one, is `uuid::Uuid`).
    let common: BTreeSet<String> = types.iter().filter_map(defined_type).collect();
    files.push(file(
        format!("{RUNTIME}/src/types.rs"),
        quote! {
            //! The types every family shares: Cloudflare's messages, pagination, ids and the failure answer.
            #(#types)*
            #(#envelopes)*
        },
    )?);

    let families = split::families(&raw)?;
    for (family, spec) in &families {
        guard.family(family.name);
        files
            .extend(family_files(family, spec, &common).map_err(|error| format!("family `{}`: {error}", family.name))?);
    }
    let source = raw["info"]["x-source"].as_str().ok_or("the spec's `info` has no `x-source` (where it comes from)")?;
    let names: Vec<&'static Family> = families.iter().map(|(family, _)| *family).collect();
    files.push(file(format!("{OPENAPI}/src/families.rs"), openapi_families(&names, source))?);
    files.push(file(format!("{MOCK}/src/families.rs"), mock_families(&names))?);
    Ok((files, names))
}

/// `cargo xtask probe FILE`, run by the import in a child process: generates the spec in
/// `FILE` (JSON; usually one family, or one operation of it) under the watchdog, writes
/// nothing, and fails with progenitor's or typify's error, a panic included as
/// `progenitor panicked at <crate>/src/<file>:<line>:<column>: <message>` (the same text on
/// every run and machine).
pub fn probe(file: &Path) -> Result<(), String> {
    let text = fs::read_to_string(file).map_err(|error| format!("reading {}: {error}", file.display()))?;
    let raw: Value = serde_json::from_str(&text).map_err(|error| format!("parsing {}: {error}", file.display()))?;
    let panicked = std::sync::Arc::new(std::sync::Mutex::new(None::<String>));
    let record = panicked.clone();
    std::panic::set_hook(Box::new(move |info| {
        let message = info
            .payload()
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| info.payload().downcast_ref::<&str>().map(|text| (*text).to_owned()))
            .unwrap_or_else(|| "a panic".to_owned());
        let at = info.location().map_or_else(String::new, |location| {
            format!(" at {}:{}:{}", crate_relative(location.file()), location.line(), location.column())
        });
        *record.lock().unwrap_or_else(std::sync::PoisonError::into_inner) =
            Some(format!("progenitor panicked{at}: {message}"));
    }));
    std::panic::catch_unwind(move || generate_code(raw).map(drop)).unwrap_or_else(|_| {
        let why = panicked.lock().unwrap_or_else(std::sync::PoisonError::into_inner).take();
        Err(why.unwrap_or_else(|| "progenitor panicked".to_owned()))
    })
}

/// `/…/registry/src/…/typify-impl-0.8.0/src/merge.rs` → `typify-impl-0.8.0/src/merge.rs`.
fn crate_relative(file: &str) -> &str {
    file.rsplit_once("/src/")
        .map_or(file, |(crate_path, _)| &file[crate_path.rfind('/').map_or(0, |slash| slash + 1)..])
}

/// The generation settings for `spec` (the common part or one family's): redacting and lenient
/// types by the spec's markers, and with `common` the common schemas taken from
/// `cloudflare_openapi_runtime::types`.
fn settings(spec: &Value, common: &BTreeSet<String>) -> GenerationSettings {
    let mut settings = GenerationSettings::default();
    settings
        .with_interface(InterfaceStyle::Builder)
        // No `schemars::JsonSchema` derive: `cloudflare api OPERATION --schema` prints the
        // spec's own schemas (typify's types lose `pattern`, examples and descriptions), and the
        // derive was 24% of Radar's clean build (70.9 s to 54.1 s) and 14% of its memory.
        .with_tag(TagStyle::Merged);
    for (name, schema) in spec.pointer("/components/schemas").and_then(Value::as_object).into_iter().flatten() {
        // Wherever a secret appears, it is a type whose `Debug` never shows it; a union
        // codegen cannot type is JSON whose `Debug` redacts secret-named fields.
        if name == bodies::FORM {
            // A multipart body (see `bodies`): the runtime's form, attached by the builder.
            settings.with_replacement(name, format!("{RUNTIME_PATH}::Form"), std::iter::empty());
        } else if schema.get("x-sensitive").and_then(Value::as_bool) == Some(true) {
            settings.with_replacement(name, format!("{RUNTIME_PATH}::Secret"), std::iter::empty());
        } else if schema.get("x-sensitive-input").and_then(Value::as_bool) == Some(true) {
            // A secret a request sends: its value on the wire, never in `Debug`.
            settings.with_replacement(name, format!("{RUNTIME_PATH}::SecretInput"), std::iter::empty());
        } else if schema.get("x-escape").is_some() {
            settings.with_replacement(name, format!("{RUNTIME_PATH}::Untyped"), std::iter::empty());
        } else if schema.get("x-lenient-time").and_then(Value::as_bool) == Some(true) {
            // A time that is not RFC 3339 is kept as text rather than failing the answer.
            settings.with_replacement(name, format!("{RUNTIME_PATH}::Timestamp"), std::iter::empty());
        } else if common.contains(name) {
            let impls: &[TypeImpl] = match schema.get("type").and_then(Value::as_str) {
                Some("string") => &[TypeImpl::FromStr, TypeImpl::Display],
                _ => &[],
            };
            settings.with_replacement(name, format!("{COMMON}::{name}"), impls.iter().cloned());
        }
    }
    settings
}

/// A part of the spec ready for progenitor: parsed once, with its settings, for the client and
/// the mocks alike.
struct Prepared {
    spec: openapiv3::OpenAPI,
    settings: GenerationSettings,
    what: &'static str,
}

impl Prepared {
    /// `spec` as progenitor takes it (bodies that are not JSON as `bodies` hands them over).
    fn new(spec: &Value, common: &BTreeSet<String>, what: &'static str) -> Result<Self, String> {
        let spec = bodies::for_progenitor(spec);
        let settings = settings(&spec, common);
        let parsed = serde_json::from_value(spec).map_err(|error| format!("{what}: {error}"))?;
        Ok(Self { spec: parsed, settings, what })
    }

    /// Progenitor's client, parsed, without typify's struct builders.
    fn client(&self) -> Result<syn::File, String> {
        let tokens = Generator::new(&self.settings)
            .generate_tokens(&self.spec)
            .map_err(|error| format!("generating {}: {error}", self.what))?;
        let mut file = syn::parse2(tokens).map_err(|error| format!("parsing {}: {error}", self.what))?;
        struct_builders::strip(&mut file).map_err(|error| format!("{}: {error}", self.what))?;
        Ok(file)
    }

    /// Progenitor's httpmock mocks, naming the client's types by `crate_path`, parsed.
    fn mocks(&self, crate_path: &str) -> Result<syn::File, String> {
        let tokens = Generator::new(&self.settings)
            .httpmock(&self.spec, crate_path)
            .map_err(|error| format!("generating the mocks: {error}"))?;
        syn::parse2(tokens).map_err(|error| format!("parsing the mocks: {error}"))
    }
}

/// The items inside `mod name { ... }` at the top of `file`.
fn module_items<'a>(file: &'a syn::File, name: &str) -> Option<&'a [syn::Item]> {
    file.items.iter().find_map(|item| match item {
        syn::Item::Mod(module) if module.ident == name => module.content.as_ref().map(|(_, items)| items.as_slice()),
        _ => None,
    })
}

/// The files of one family.
fn family_files(family: &Family, spec: &Value, common: &BTreeSet<String>) -> Result<Vec<GeneratedFile>, String> {
    let name = family.name;
    let prepared = Prepared::new(spec, common, "the client")?;
    let mut client = prepared.client()?;
    collisions(&client)?;
    requests::reshape(&mut client, &bodies::media(spec), spec)?;
    let envelopes = support::tokens(&client)?;
    let table = table::tokens(spec, name, &client)?;
    let operations = table::count(spec);

    let mut uses = Vec::new();
    let mut methods = Vec::new();
    for item in &client.items {
        match item {
            syn::Item::Use(item) => uses.push(item.clone()),
            syn::Item::Mod(module) if ["types", "builder", "prelude"].contains(&module.ident.to_string().as_str()) => {}
            // Progenitor's own `Client` struct, its constructors and its trait impls: the one
            // hand-written `Client` stands in for them.
            syn::Item::Struct(item) if item.ident == "Client" => {}
            syn::Item::Impl(block) if block.trait_.is_some() => {}
            syn::Item::Impl(block) if !constructs(block) => methods.push(without_send_examples(block.clone())),
            syn::Item::Impl(_) => {}
            other => return Err(format!("progenitor's output has an item codegen does not place: {}", quote!(#other))),
        }
    }
    let types = module_items(&client, "types").ok_or("no `types` module")?;
    let builder = module_items(&client, "builder").ok_or("no `builder` module")?;
    let operations_trait = operations_trait(name);
    let (declarations, definitions) = trait_methods(&methods)?;
    let title = format!("The `{name}` family of the Cloudflare API: {}.", family.title);
    let about = format!(
        "{operations} operations of the spec, generated from it by `cargo xtask codegen`: the crate behind \
         the cargo feature `{name}` of cloudflare-openapi and cloudflare-client. Each operation is a method \
         of the one `Client` by [`{operations_trait}`], returning a builder of [`builder`]; cloudflare-client \
         sends it (`Client::call`)."
    );
    let trait_doc = format!("The operations of the `{name}` family, as methods of the one [`Client`].");
    let runtime: syn::Path = syn::parse_str(RUNTIME_PATH).expect("a path");
    let dir = format!("{FAMILY_CRATES}/{name}");
    Ok(vec![
        GeneratedFile { path: format!("{dir}/Cargo.toml"), contents: manifests::family(family) },
        file(
            format!("{dir}/src/lib.rs"),
            quote! {
                #![doc = #title]
                #![doc = ""]
                #![doc = #about]
                // Cloudflare's descriptions are the doc comments (bare URLs, loose markdown).
                #![allow(missing_debug_implementations, unused_mut, clippy::all, rustdoc::all)]
                #(#uses)*
                // The runtime's items, by the `crate::` paths the generated code names them with.
                #[allow(unused_imports)]
                pub(crate) use #runtime::{
                    ArgumentError, Arguments, Body, Envelope, Location, Operation, OperationSchema,
                    Paginated, Parameter, Prepared, Request, spec_schema,
                };
                pub use #runtime::Client;
                /// Types used as operation parameters and responses.
                pub mod types;
                /// The request builders, one per operation.
                pub mod builder;
                mod client;
                mod envelopes;
                mod table;
                pub use client::#operations_trait;
                pub use table::OPERATIONS;
                #[doc(hidden)]
                pub use table::{dispatch, schema};
            },
        )?,
        file(format!("{dir}/src/types.rs"), quote! { #(#types)* })?,
        file(format!("{dir}/src/builder.rs"), quote! { #(#builder)* })?,
        file(
            format!("{dir}/src/client.rs"),
            quote! {
                //! The family's trait: one `Client` method per operation.
                #[allow(unused_imports)]
                use super::{builder, types, Client};
                #[doc = #trait_doc]
                pub trait #operations_trait {
                    #(#declarations)*
                }
                impl #operations_trait for Client {
                    #(#definitions)*
                }
            },
        )?,
        file(format!("{dir}/src/envelopes.rs"), envelopes)?,
        file(format!("{dir}/src/table.rs"), table)?,
        file(format!("{MOCK}/src/families/{name}.rs"), mocks(&prepared, family, &list_newtypes(types))?)?,
    ])
}

/// Progenitor's `impl Client { pub fn op(&self) -> builder::Op<'_> { .. } }` blocks as the
/// declarations of the family's trait (with their documentation) and its impl's definitions.
fn trait_methods(blocks: &[syn::ItemImpl]) -> Result<(Vec<syn::TraitItemFn>, Vec<syn::ImplItemFn>), String> {
    let mut declarations = Vec::new();
    let mut definitions = Vec::new();
    for block in blocks {
        for item in &block.items {
            let syn::ImplItem::Fn(method) = item else {
                return Err(format!("progenitor's `impl Client` has an item that is not a method: {}", quote!(#item)));
            };
            let (attrs, sig) = (&method.attrs, &method.sig);
            declarations.push(syn::parse_quote! { #(#attrs)* #sig; });
            let mut definition = method.clone();
            definition.vis = syn::Visibility::Inherited;
            definition.attrs.retain(|attribute| !attribute.path().is_ident("doc"));
            definitions.push(definition);
        }
    }
    Ok((declarations, definitions))
}

/// The name of the struct, enum or type alias `item` defines.
fn defined_type(item: &syn::Item) -> Option<String> {
    match item {
        syn::Item::Struct(item) => Some(item.ident.to_string()),
        syn::Item::Enum(item) => Some(item.ident.to_string()),
        syn::Item::Type(item) => Some(item.ident.to_string()),
        _ => None,
    }
}

/// `block` with progenitor's doc example (`client.op().….send().await`, marked `ignore`) cut
/// from each method's documentation: the builders have no `send`.
fn without_send_examples(mut block: syn::ItemImpl) -> syn::ItemImpl {
    for item in &mut block.items {
        let syn::ImplItem::Fn(function) = item else { continue };
        for attribute in &mut function.attrs {
            edit_doc(attribute, |doc| Some(doc[..doc.find("```ignore")?].trim_end().to_owned()));
        }
    }
    block
}

/// Replaces the text of a `#[doc = "..."]` attribute by what `edit` makes of it, if anything.
fn edit_doc(attribute: &mut syn::Attribute, edit: impl FnOnce(&str) -> Option<String>) {
    if let syn::Meta::NameValue(meta) = &mut attribute.meta
        && meta.path.is_ident("doc")
        && let syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(text), .. }) = &meta.value
        && let Some(edited) = edit(&text.value())
    {
        meta.value = syn::parse_quote!(#edited);
    }
}

/// Whether `block` is progenitor's `impl Client { new, new_with_client }`.
fn constructs(block: &syn::ItemImpl) -> bool {
    block
        .items
        .iter()
        .any(|item| matches!(item, syn::ImplItem::Fn(function) if function.sig.ident == "new_with_client"))
}

/// The names of the newtypes of a list among `types` (`pub struct X(pub Vec<..>)`).
fn list_newtypes(types: &[syn::Item]) -> BTreeSet<String> {
    types
        .iter()
        .filter_map(|item| match item {
            syn::Item::Struct(item) => match &item.fields {
                syn::Fields::Unnamed(fields)
                    if fields.unnamed.len() == 1
                        && fields.unnamed[0].ty.to_token_stream().to_string().contains(":: vec :: Vec <") =>
                {
                    Some(item.ident.to_string())
                }
                _ => None,
            },
            _ => None,
        })
        .collect()
}

/// The family's typed httpmock mocks. `lists` names the family's newtypes of a list.
fn mocks(prepared: &Prepared, family: &Family, lists: &BTreeSet<String>) -> Result<TokenStream, String> {
    // The family's types by cloudflare-openapi's re-export, which the mock crate depends on.
    let mut mocks = prepared.mocks(&format!("cloudflare_openapi::{}", family.name))?;
    repair_mocks(&mut mocks, lists);
    let doc = format!("Mocks of the `{}` family: {}.", family.name, family.title);
    Ok(quote! {
        #![doc = #doc]
        #mocks
    })
}

/// Mends three shapes of progenitor 0.15's httpmock output that do not compile:
/// - a `body` matcher that takes a `Copy` type by value passes it where httpmock wants a
///   reference: it is passed by reference;
/// - a query matcher for an array parameter (a `Vec`, or a newtype of one, in `lists`) calls
///   `to_string()` on it: it is left out (match such a query with `into_inner()` and
///   httpmock's own `query_param`);
/// - a path matcher for a parameter the path names twice (address map memberships:
///   `/accounts/{account_id}/…/accounts/{account_id}`) formats a pattern with a `{}` for each
///   and one value: each is `{0}`, the one value.
fn repair_mocks(file: &mut syn::File, lists: &BTreeSet<String>) {
    struct Repair<'a>(&'a BTreeSet<String>);
    impl syn::visit_mut::VisitMut for Repair<'_> {
        fn visit_item_impl_mut(&mut self, block: &mut syn::ItemImpl) {
            let lists = self.0;
            block.items.retain(|item| {
                let syn::ImplItem::Fn(function) = item else { return true };
                // The parameter's type, in the inputs or the `where` clause (`T: Into<Option<&Vec<..>>>`).
                let signature = quote!(#function).to_string();
                let signature = signature.split("value . to_string ()").next().unwrap_or_default();
                let list = signature.contains(":: vec :: Vec <")
                    || lists.iter().any(|name| signature.contains(&format!("types :: {name} >")));
                !(list && quote!(#function).to_string().contains("value . to_string ()"))
            });
            for item in &mut block.items {
                let syn::ImplItem::Fn(function) = item else { continue };
                let by_value = function.sig.inputs.iter().any(|input| {
                    matches!(input, syn::FnArg::Typed(typed) if typed.pat.to_token_stream().to_string() == "value"
                        && !matches!(*typed.ty, syn::Type::Reference(_)))
                });
                if by_value && function.sig.ident == "body" {
                    syn::visit_mut::VisitMut::visit_block_mut(&mut ByReference, &mut function.block);
                }
            }
            syn::visit_mut::visit_item_impl_mut(self, block);
        }
    }
    struct ByReference;
    impl syn::visit_mut::VisitMut for ByReference {
        fn visit_expr_method_call_mut(&mut self, call: &mut syn::ExprMethodCall) {
            if call.method == "json_body_obj"
                && let Some(syn::Expr::Path(path)) = call.args.first()
                && path.path.is_ident("value")
            {
                call.args[0] = syn::parse_quote!(&value);
            }
            syn::visit_mut::visit_expr_method_call_mut(self, call);
        }
    }
    struct OneValue;
    impl syn::visit_mut::VisitMut for OneValue {
        fn visit_macro_mut(&mut self, mac: &mut syn::Macro) {
            if mac.path.is_ident("format")
                && let Ok(arguments) =
                    mac.parse_body_with(syn::punctuated::Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated)
                && let [syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(template), .. }), _] =
                    arguments.iter().collect::<Vec<_>>()[..]
                && template.value().matches("{}").count() > 1
            {
                let template = syn::LitStr::new(&template.value().replace("{}", "{0}"), template.span());
                let value = &arguments[1];
                mac.tokens = quote! { #template, #value };
            }
        }
    }
    syn::visit_mut::VisitMut::visit_file_mut(&mut Repair(lists), file);
    syn::visit_mut::VisitMut::visit_file_mut(&mut OneValue, file);
    syn::visit_mut::VisitMut::visit_file_mut(&mut NotJson, file);
}

/// Mends what progenitor 0.15's httpmock output says of bodies and answers that are not JSON
/// (see `codegen::bodies`), which it would match and answer as JSON:
/// - a raw request body's matcher (`json_body(value)` of a `serde_json::Value`) matches the
///   body as text: `body(value)`;
/// - a form's matcher (`json_body_obj` of a `Form`) is left out: a multipart body's boundary
///   changes with every request (match its parts with `into_inner()` and httpmock's
///   `body_includes`);
/// - an answer that is not JSON (`json_body(value)` of a `serde_json::Value` with a JSON
///   content type) is answered as bytes of the content type given:
///   `then.ok("text/csv", "a,b\n")`.
struct NotJson;

impl syn::visit_mut::VisitMut for NotJson {
    fn visit_item_impl_mut(&mut self, block: &mut syn::ItemImpl) {
        let name = block.self_ty.to_token_stream().to_string();
        block.items.retain(|item| {
            !matches!(item, syn::ImplItem::Fn(function)
                if quote!(#function).to_string().contains(":: cloudflare_openapi_runtime :: Form"))
        });
        for item in &mut block.items {
            let syn::ImplItem::Fn(function) = item else { continue };
            let text = quote!(#function).to_string();
            if !text.contains("json_body (value)") || !text.contains("value : :: serde_json :: Value") {
                continue;
            }
            let ident = &function.sig.ident;
            if name.ends_with("When") {
                *function = syn::parse_quote! {
                    pub fn #ident(self, value: impl Into<String>) -> Self {
                        Self(self.0.body(value))
                    }
                };
            } else if let Some(status) = then_status(&function.block) {
                let (signature, status) = match status {
                    // A class of statuses (`success(status, ..)`): the status stays a parameter.
                    None => (quote! { status: u16, }, quote! { status }),
                    Some(code) => (quote! {}, quote! { #code }),
                };
                *function = syn::parse_quote! {
                    pub fn #ident(self, #signature content_type: &str, value: impl AsRef<[u8]>) -> Self {
                        Self(self.0.status(#status).header("content-type", content_type).body(value))
                    }
                };
            }
        }
        syn::visit_mut::visit_item_impl_mut(self, block);
    }
}

/// The status a progenitor `Then` method answers with: `Some(code)` for `.status(200u16)`,
/// `None` for `.status(status)` (a class of statuses, given by the caller).
fn then_status(block: &syn::Block) -> Option<Option<syn::Expr>> {
    struct Find(Option<Option<syn::Expr>>);
    impl syn::visit::Visit<'_> for Find {
        fn visit_expr_method_call(&mut self, call: &syn::ExprMethodCall) {
            if call.method == "status" && call.args.len() == 1 {
                self.0 = Some(match &call.args[0] {
                    syn::Expr::Lit(literal) => Some(syn::Expr::Lit(literal.clone())),
                    _ => None,
                });
            }
            syn::visit::visit_expr_method_call(self, call);
        }
    }
    let mut find = Find(None);
    syn::visit::Visit::visit_block(&mut find, block);
    find.0
}

/// cloudflare-openapi's `families.rs`: each family crate behind its feature (as a module of
/// the family's name), the enabled families, their traits (`prelude`), and dispatch to them.
fn openapi_families(families: &[&Family], source: &str) -> TokenStream {
    let modules = families.iter().map(|family| {
        let module = format_ident!("{}", family.name);
        let krate = format_ident!("{}", family_crate(family).replace('-', "_"));
        let feature = family.name;
        let doc = format!("The `{}` family: {} (the crate `{}`).", family.name, family.title, family_crate(family));
        quote! {
            #[cfg(feature = #feature)]
            #[doc = #doc]
            pub use #krate as #module;
        }
    });
    let traits = families.iter().map(|family| {
        let module = format_ident!("{}", family.name);
        let name = operations_trait(family.name);
        let feature = family.name;
        quote! {
            #[cfg(feature = #feature)]
            pub use crate::#module::#name;
        }
    });
    let rows = families.iter().map(|family| {
        let module = format_ident!("{}", family.name);
        let (name, title) = (family.name, family.title);
        quote! {
            #[cfg(feature = #name)]
            crate::Family { name: #name, title: #title, operations: #module::OPERATIONS }
        }
    });
    let dispatch = families.iter().map(|family| {
        let module = format_ident!("{}", family.name);
        let name = family.name;
        quote! { #[cfg(feature = #name)] #name => #module::dispatch(client, id, arguments), }
    });
    let schema = families.iter().map(|family| {
        let module = format_ident!("{}", family.name);
        let name = family.name;
        quote! { #[cfg(feature = #name)] #name => #module::schema(id), }
    });
    let all = families.iter().map(|family| family.name);
    quote! {
        //! The families of the spec, each a crate behind the cargo feature of its name.

        /// Where the spec comes from (its `info.x-source`): Cloudflare's schema and the commit.
        pub const SPEC_SOURCE: &str = #source;

        /// The name of every family of the spec, enabled or not.
        pub const ALL_FAMILIES: &[&str] = &[#(#all),*];

        #(#modules)*

        /// The trait of every enabled family, which adds the family's operations to [`crate::Client`]:
        /// `use cloudflare_openapi::prelude::*;`.
        pub mod prelude {
            #(#traits)*
        }

        /// The families this build enables (cargo features), in name order.
        pub const FAMILIES: &[crate::Family] = &[#(#rows),*];

        /// The request of operation `id` of `family`, built by its family's dispatch.
        #[allow(unused_variables)]
        pub(crate) fn dispatch(
            client: &crate::Client,
            family: &str,
            id: &str,
            arguments: &crate::Arguments,
        ) -> ::std::result::Result<crate::Prepared, crate::ArgumentError> {
            match family {
                #(#dispatch)*
                _ => ::std::result::Result::Err(crate::ArgumentError::UnknownOperation(id.to_owned())),
            }
        }

        /// The JSON Schemas of operation `id` of `family`.
        #[allow(unused_variables)]
        pub(crate) fn schema(family: &str, id: &str) -> ::std::option::Option<crate::OperationSchema> {
            match family {
                #(#schema)*
                _ => ::std::option::Option::None,
            }
        }
    }
}

/// cloudflare-mock's `families.rs`.
fn mock_families(families: &[&Family]) -> TokenStream {
    let modules = families.iter().map(|family| {
        let module = format_ident!("{}", family.name);
        let feature = family.name;
        quote! {
            #[cfg(feature = #feature)]
            pub mod #module;
        }
    });
    quote! {
        //! The mocks of each family, behind the cargo feature of its name.
        #(#modules)*
    }
}

fn file(path: String, tokens: TokenStream) -> Result<GeneratedFile, String> {
    let mut parsed: syn::File = syn::parse2(tokens).map_err(|error| format!("parsing {path}: {error}"))?;
    syn::visit_mut::VisitMut::visit_file_mut(&mut RawGen, &mut parsed);
    Ok(GeneratedFile { contents: render(&parsed), path })
}

/// Writes the identifier `gen` as `r#gen`: it is reserved in edition 2024, and typify 0.8
/// emitted it where it derived `JsonSchema` (`gen: &mut ::schemars::gen::SchemaGenerator`).
/// Codegen asks for no such derive now and today's output has no `gen` (0 in 82 families): this
/// guards any identifier `gen` the generators emit, such as a field or parameter so named.
struct RawGen;

impl syn::visit_mut::VisitMut for RawGen {
    fn visit_ident_mut(&mut self, ident: &mut proc_macro2::Ident) {
        if ident == "gen" {
            *ident = proc_macro2::Ident::new_raw("gen", ident.span());
        }
    }

    /// Cloudflare's descriptions hold bare code fences (JSON examples, curl lines), which
    /// rustdoc would compile as Rust doctests: they are marked `text`.
    fn visit_attribute_mut(&mut self, attribute: &mut syn::Attribute) {
        edit_doc(attribute, |doc| doc.contains("```").then(|| text_fences(doc)));
    }
}

/// `doc` with each code fence that opens a Rust block (bare, or `rust`) opening a `text` one.
fn text_fences(doc: &str) -> String {
    let mut inside = false;
    let mut out = Vec::new();
    for line in doc.split('\n') {
        let trimmed = line.trim_start();
        if let Some(language) = trimmed.strip_prefix("```") {
            if !inside && (language.trim().is_empty() || language.trim() == "rust") {
                out.push(format!("{}```text", &line[..line.len() - trimmed.len()]));
                inside = true;
                continue;
            }
            inside = !inside;
        }
        out.push(line.to_owned());
    }
    out.join("\n")
}

/// Fails naming what the generated code of a family would not compile with: two types of one
/// name in `types`, or two fields of one name in a struct (typify and progenitor derive
/// names from the spec's, and two spec names can give one Rust name).
fn collisions(file: &syn::File) -> Result<(), String> {
    fn walk(items: &[syn::Item], place: &str) -> Result<(), String> {
        let mut names = BTreeSet::new();
        for item in items {
            if let Some(name) = defined_type(item)
                && !names.insert(name.clone())
            {
                return Err(format!("two types in {place} are called `{name}`"));
            }
            if let syn::Item::Struct(item) = item {
                let mut fields = BTreeSet::new();
                for field in &item.fields {
                    if let Some(ident) = &field.ident
                        && !fields.insert(ident.to_string())
                    {
                        return Err(format!("two fields of `{}` in {place} are called `{ident}`", item.ident));
                    }
                }
            }
            if let syn::Item::Mod(module) = item
                && let Some((_, inner)) = &module.content
            {
                walk(inner, &format!("{place}::{}", module.ident))?;
            }
        }
        Ok(())
    }
    walk(&file.items, "the family")
}

fn render(file: &syn::File) -> String {
    format!(
        "// @generated by `cargo xtask codegen` from {SPEC}. Do not edit: edit the spec and rerun it.\n\n{}",
        prettyplease::unparse(file)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_is_placed_in_its_crate_whatever_the_machine() {
        assert_eq!(
            crate_relative("/root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/typify-impl-0.8.0/src/merge.rs"),
            "typify-impl-0.8.0/src/merge.rs"
        );
        assert_eq!(crate_relative("src/lib.rs"), "src/lib.rs");
    }

    #[test]
    fn query_matchers_of_lists_go_and_the_others_stay() {
        let mut file: syn::File = syn::parse2(quote! {
            impl ListWhen {
                pub fn host<'a, T>(self, value: T) -> Self
                where
                    T: Into<Option<&'a ::std::vec::Vec<::std::string::String>>>,
                {
                    if let Some(value) = value.into() { Self(self.0.query_param("host", value.to_string())) } else { self }
                }
                pub fn properties<'a, T>(self, value: T) -> Self
                where
                    T: Into<Option<&'a types::Properties>>,
                {
                    if let Some(value) = value.into() { Self(self.0.query_param("properties", value.to_string())) } else { self }
                }
                pub fn page<T>(self, value: T) -> Self
                where
                    T: Into<Option<i64>>,
                {
                    if let Some(value) = value.into() { Self(self.0.query_param("page", value.to_string())) } else { self }
                }
            }
        })
        .unwrap();
        let types: syn::File =
            syn::parse2(quote! { pub struct Properties(pub ::std::vec::Vec<Item>); pub struct Name(pub String); })
                .unwrap();
        let lists = list_newtypes(&types.items);
        assert_eq!(lists.iter().collect::<Vec<_>>(), ["Properties"]);
        repair_mocks(&mut file, &lists);
        let text = file.to_token_stream().to_string();
        assert!(!text.contains("fn host") && !text.contains("fn properties"), "{text}");
        assert!(text.contains("fn page"), "{text}");
    }

    #[test]
    fn a_path_pattern_with_one_parameter_twice_formats_the_one_value_twice() {
        let mut file: syn::File = syn::parse2(quote! {
            impl When {
                pub fn account_id(self, value: &types::Identifier) -> Self {
                    let re = regex::Regex::new(&format!("^/accounts/{}/maps/.*/accounts/{}$", value.to_string())).unwrap();
                    Self(self.0.path_matches(re))
                }
                pub fn map_id(self, value: &types::Identifier) -> Self {
                    let re = regex::Regex::new(&format!("^/accounts/.*/maps/{}/accounts/.*$", value.to_string())).unwrap();
                    Self(self.0.path_matches(re))
                }
            }
        })
        .unwrap();
        repair_mocks(&mut file, &BTreeSet::new());
        let text = file.to_token_stream().to_string();
        assert!(text.contains(r#""^/accounts/{0}/maps/.*/accounts/{0}$" , value . to_string ()"#), "{text}");
        assert!(
            text.contains(r#""^/accounts/.*/maps/{}/accounts/.*$" , value . to_string ()"#),
            "once: as it was: {text}"
        );
    }

    #[test]
    fn bare_fences_in_descriptions_open_text_blocks() {
        let doc = "Purge:\n```\n{\"purge_everything\": true}\n```\nIn Rust:\n  ```rust\nx\n  ```\n```json\n{}\n```";
        assert_eq!(
            text_fences(doc),
            "Purge:\n```text\n{\"purge_everything\": true}\n```\nIn Rust:\n  ```text\nx\n  ```\n```json\n{}\n```"
        );
    }

    /// Plain `cargo test --workspace` fails when a generated file no longer matches the spec:
    /// this is `cargo xtask codegen --check` (stale files and files no longer generated), and
    /// CI relies on it rather than running the command a second time.
    #[test]
    fn generated_files_are_fresh() {
        if let Err(message) = run(&crate::workspace_root(), true) {
            panic!("{message}\n(and commit the result)");
        }
    }
}
