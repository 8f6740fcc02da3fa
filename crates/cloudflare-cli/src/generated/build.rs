//! The generated commands as clap commands: a tree per family (`dns` → `records` → `list`),
//! built when the command line names the family. A leaf has the flags of its operations:
//! `--account-id`/`--zone-id` for its scope, the positional path parameter, a flag per other
//! parameter (typed from its schema: integers, booleans, enums with their values), the body
//! (`--body`, `--form`, and a flag per field of a flat JSON body), and `--dry-run`,
//! `--include-headers`, `--force`, `--all`, the connection flags. Only the leaf the command line
//! names gets its flags from the schemas (reading them costs a family's schema text); the others
//! are names and summaries, so that `cloudflare dns --help` stays fast.

use std::collections::BTreeSet;

use clap::{Arg, ArgAction, Command};
use serde_json::Value;

use super::naming::{self, ScopeKind};

/// Flags every generated command has; a parameter or body field of one of these names gets a
/// prefixed flag instead (`--query-timeout`, `--field-body`).
pub const OWN_FLAGS: [&str; 15] = [
    "account-id",
    "zone-id",
    "body",
    "form",
    "dry-run",
    "include-headers",
    "force",
    "all",
    "api-token-file",
    "base-url",
    "max-retries",
    "timeout",
    "help",
    "json",
    "version",
];

/// `sortField`, `per_page`, `Tus-Resumable` as flags: `sort-field`, `per-page`, `tus-resumable`.
pub fn flag_name(name: &str) -> String {
    let mut out = String::new();
    let mut previous_lower = false;
    for c in name.chars() {
        if c.is_ascii_uppercase() {
            if previous_lower {
                out.push('-');
            }
            out.push(c.to_ascii_lowercase());
            previous_lower = false;
        } else if c.is_ascii_alphanumeric() {
            out.push(c);
            previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        } else {
            if !out.ends_with('-') && !out.is_empty() {
                out.push('-');
            }
            previous_lower = false;
        }
    }
    out.trim_end_matches('-').to_owned()
}

/// The flag of parameter `name` of location `prefix` (`query`, `header`, `path`): its own name,
/// or prefixed where it is one of the command's own flags or taken already.
pub fn parameter_flag(name: &str, prefix: &str, taken: &BTreeSet<String>) -> String {
    let flag = flag_name(name);
    if OWN_FLAGS.contains(&flag.as_str()) || taken.contains(&flag) || flag.is_empty() {
        format!("{prefix}-{flag}")
    } else {
        flag
    }
}

/// The flag of `parameter` ([`parameter_flag`], prefixed by its location where it must be),
/// added to the flags `taken`.
fn take_flag(parameter: &cloudflare_client::Parameter, taken: &mut BTreeSet<String>) -> String {
    let prefix = match parameter.location {
        cloudflare_client::Location::Path => "path",
        cloudflare_client::Location::Header => "header",
        _ => "query",
    };
    let flag = parameter_flag(parameter.name, prefix, taken);
    taken.insert(flag.clone());
    flag
}

/// The family `family`'s command (`cloudflare dns ...`), with full flags for the leaf `leaf`
/// (the words after the family on the command line) or, with `all`, for every leaf.
pub fn family(family: &'static str, commands: &[naming::Command], leaf: &[String], all: bool) -> Command {
    let title = cloudflare_client::FAMILIES.iter().find(|f| f.name == family).map_or("", |f| f.title);
    // A command line that names a command (`access service-tokens delete ID`) needs only it: the
    // others are built for a level's help and for clap's suggestions (a one-shot command does
    // not pay for the family's other commands).
    let named =
        commands.iter().filter(|command| leaf.starts_with(&command.words)).max_by_key(|command| command.words.len());
    let commands: Vec<&naming::Command> = match named {
        Some(command) if !all => vec![command],
        _ => commands.iter().collect(),
    };
    // The words as a tree, each level in the order its words first come, then clap's commands
    // from the leaves up (no command is built twice).
    let mut root = Node::default();
    for command in commands {
        let mut node = &mut root;
        for word in &command.words {
            let at = match node.children.iter().position(|(name, _)| name == word) {
                Some(at) => at,
                None => {
                    node.children.push((word.clone(), Node::default()));
                    node.children.len() - 1
                }
            };
            node = &mut node.children[at].1;
        }
        node.command = Some(command);
    }
    let family_command = Command::new(naming::family_word(family)).about(title.to_owned());
    root.into_clap(family_command, leaf, all)
}

/// A level of the words of a family's commands.
#[derive(Default)]
struct Node<'a> {
    children: Vec<(String, Node<'a>)>,
    /// The command whose words end here.
    command: Option<&'a naming::Command>,
}

impl Node<'_> {
    /// `this` with the commands below this node: a leaf's flags where `full`, or `all`.
    fn into_clap(self, this: Command, leaf: &[String], all: bool) -> Command {
        let mut this = match self.command {
            Some(command) => leaf_flags(this, command, all || leaf.starts_with(&command.words)),
            // `--help` is how a level shows its commands: no `help` subcommand at every level
            // (clap's, which doubled the completion scripts).
            None => this.subcommand_required(true).arg_required_else_help(true).disable_help_subcommand(true),
        };
        for (word, child) in self.children {
            let about = child.command.map(about);
            let mut sub = Command::new(word);
            if let Some(about) = about {
                sub = sub.about(about);
            }
            this = this.subcommand(child.into_clap(sub, leaf, all));
        }
        this
    }
}

/// The one line a command's help shows: its first operation's summary.
fn about(command: &naming::Command) -> String {
    let first = command.variants[0].operation;
    if first.summary.is_empty() { first.id.to_owned() } else { first.summary.to_owned() }
}

/// `leaf`, the command of `command`, with every flag it takes where `full`.
fn leaf_flags(mut leaf: Command, command: &naming::Command, full: bool) -> Command {
    if !full {
        return leaf;
    }
    let ids: Vec<&str> = command.variants.iter().map(|variant| variant.operation.id).collect();
    let methods: Vec<String> = command
        .variants
        .iter()
        .map(|variant| format!("{} {}", variant.operation.method, variant.operation.path))
        .collect();
    leaf = leaf.after_help(format!(
        "Operation{}: {} ({}).{}\n\nExit status: 0 success; 1 Cloudflare refused or failed{}; 2 usage error, nothing sent.",
        if ids.len() == 1 { "" } else { "s" },
        ids.join(", "),
        methods.join("; "),
        example(command).map(|example| format!("\n\nExample:\n  {example}")).unwrap_or_default(),
        if command.destructive() { ", or the confirmation was declined" } else { "" },
    ));
    let scopes = command.scopes();
    if scopes.contains(&ScopeKind::Account) {
        leaf = leaf.arg(
            Arg::new("account-id")
                .long("account-id")
                .value_name("ID")
                .help("The account (32 lowercase hex) [env: CLOUDFLARE_ACCOUNT_ID]"),
        );
    }
    if scopes.contains(&ScopeKind::Zone) {
        leaf = leaf.arg(
            Arg::new("zone-id")
                .long("zone-id")
                .value_name("ID")
                .help("The zone (32 lowercase hex) [env: CLOUDFLARE_ZONE_ID]")
                .conflicts_with_all(if scopes.contains(&ScopeKind::Account) { vec!["account-id"] } else { vec![] }),
        );
    }
    let positional = command.positional();
    if let Some(name) = positional {
        let everywhere = command.variants.iter().all(|variant| variant.path_parameters.last() == Some(&name));
        leaf = leaf.arg(
            Arg::new(format!("path:{name}"))
                .value_name(name.to_ascii_uppercase())
                .required(everywhere)
                .help(format!("The `{name}` of the path")),
        );
    }
    // Every parameter of every variant, once, by its flag.
    let mut taken: BTreeSet<String> = BTreeSet::new();
    // Each variant's schemas, read from the spec only where a flag is typed by them (a command
    // whose only parameters are its scope and its positional one reads none: a cold start).
    let schemas: Vec<std::cell::OnceCell<Option<cloudflare_client::OperationSchema>>> =
        command.variants.iter().map(|_| std::cell::OnceCell::new()).collect();
    let schema_of = |at: usize| {
        schemas[at].get_or_init(|| cloudflare_client::operation_schema(command.variants[at].operation.id)).as_ref()
    };
    for (at, variant) in command.variants.iter().enumerate() {
        for parameter in variant.operation.parameters {
            let path = parameter.location == cloudflare_client::Location::Path;
            if path && (Some(parameter.name) == variant.scope_parameter || Some(parameter.name) == positional) {
                continue;
            }
            let id = format!("param:{}", parameter.name);
            if leaf.get_arguments().any(|arg| arg.get_id() == id.as_str()) {
                continue;
            }
            let flag = take_flag(parameter, &mut taken);
            let schema = schema_of(at)
                .and_then(|schema| schema.parameters.iter().find(|(name, _)| *name == parameter.name))
                .map(|(_, schema)| schema.clone())
                .unwrap_or(Value::Null);
            let in_every = command
                .variants
                .iter()
                .all(|other| other.operation.parameters.iter().any(|p| p.name == parameter.name && p.required));
            leaf = leaf.arg(typed(Arg::new(id).long(flag).required(in_every && parameter.required), &schema));
        }
    }
    // The body: --body, --form, and a flag per field of a flat JSON body.
    let body = command.variants.iter().find_map(|variant| variant.operation.body);
    if let Some(body) = body {
        let help = if body.is_raw() {
            format!("The body, {}: @FILE or - (standard input), sent as it is", body.media_type)
        } else if body.form.is_some() {
            "The body as JSON, @FILE or - (a form takes --form)".to_owned()
        } else {
            "The body: JSON, @FILE or - (standard input)".to_owned()
        };
        leaf = leaf.arg(Arg::new("body").long("body").value_name("JSON|@FILE|-").help(help));
        if let Some(shape) = body.form {
            let parts: Vec<&str> = shape.parts.iter().map(|part| part.name).collect();
            leaf = leaf.arg(
                Arg::new("form")
                    .long("form")
                    .short('F')
                    .value_name("NAME=VALUE|NAME=@FILE")
                    .action(ArgAction::Append)
                    .conflicts_with("body")
                    .help(format!("A part of the form, as curl's -F (parts: {})", parts.join(", "))),
            );
        }
        if body.is_json() {
            let schema = (0..command.variants.len()).find_map(|at| schema_of(at)?.body.clone());
            for (field, field_schema, required) in flat_fields(schema.as_ref()) {
                let flag = parameter_flag(&field, "field", &taken);
                taken.insert(flag.clone());
                // The id says how the value goes into the body: as text, or as the JSON number or
                // boolean its flag parsed.
                let kind = field_schema["type"]
                    .as_str()
                    .filter(|kind| matches!(*kind, "integer" | "number" | "boolean"))
                    .unwrap_or("string");
                let arg = Arg::new(format!("field:{kind}:{field}")).long(flag).conflicts_with("body");
                let mut arg = typed(arg, &field_schema);
                if required {
                    let help = arg.get_help().map(ToString::to_string).unwrap_or_default();
                    arg = arg.help(format!("{help} [required in the body]"));
                }
                leaf = leaf.arg(arg);
            }
        }
    }
    leaf = leaf.arg(
        Arg::new("dry-run")
            .long("dry-run")
            .action(ArgAction::SetTrue)
            .help("Print the method, the URL and the body that would be sent (credentials never shown); send nothing"),
    );
    leaf = leaf.arg(
        Arg::new("include-headers")
            .long("include-headers")
            .action(ArgAction::SetTrue)
            .conflicts_with("dry-run")
            .help("Print the answer's HTTP status and headers, then a blank line, before its body (as curl -i)"),
    );
    if command.destructive() {
        leaf = leaf.arg(
            Arg::new("force")
                .long("force")
                .action(ArgAction::SetTrue)
                .help("Do not ask for confirmation (needed where standard input is not a terminal)"),
        );
    }
    if command.variants.iter().any(|variant| variant.operation.paginated && variant.operation.method == "GET") {
        leaf = leaf.arg(
            Arg::new("all")
                .long("all")
                .action(ArgAction::SetTrue)
                .conflicts_with("include-headers")
                .help("Every page of the list, as one JSON array"),
        );
    }
    // The connection flags, declared once (`ConnectionArgs`); adding them sets the command's
    // about to theirs, which the command's own summary replaces again.
    let about = leaf.get_about().cloned();
    let leaf = <crate::args::ConnectionArgs as clap::Args>::augment_args(leaf);
    match about {
        Some(about) => leaf.about(about),
        None => leaf,
    }
}

/// `arg` typed by its JSON Schema: an integer, a number or a boolean is parsed as one, an enum
/// takes its values (shown in `--help` and completions); its description is its help.
fn typed(arg: Arg, schema: &Value) -> Arg {
    let description =
        schema["description"].as_str().map(|text| text.split("\n\n").next().unwrap_or(text).trim().to_owned());
    let arg = match description {
        Some(text) if !text.is_empty() => arg.help(text.replace('\n', " ")),
        _ => arg,
    };
    let values: Vec<String> = schema["enum"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|value| match value {
            Value::String(text) => Some(text.clone()),
            Value::Number(number) => Some(number.to_string()),
            Value::Bool(flag) => Some(flag.to_string()),
            _ => None,
        })
        .collect();
    if !values.is_empty() && values.iter().all(|value| !value.is_empty()) {
        return arg.value_name("VALUE").value_parser(clap::builder::PossibleValuesParser::new(values));
    }
    match schema["type"].as_str() {
        Some("integer") => {
            arg.value_name("INTEGER").value_parser(clap::value_parser!(i64)).allow_negative_numbers(true)
        }
        Some("number") => arg.value_name("NUMBER").value_parser(clap::value_parser!(f64)).allow_negative_numbers(true),
        Some("boolean") => arg.value_name("true|false").value_parser(clap::value_parser!(bool)),
        Some("array") => arg.value_name("VALUE").action(ArgAction::Append).help_heading(None::<&str>),
        _ => arg.value_name("VALUE"),
    }
}

/// The fields of a flat JSON body: an object whose properties are all text, numbers, booleans
/// or enums (each a flag); `(name, schema, required)`. None for any other body (it takes
/// `--body`).
pub fn flat_fields(schema: Option<&Value>) -> Vec<(String, Value, bool)> {
    let Some(schema) = schema else { return Vec::new() };
    let Some(properties) = schema["properties"].as_object() else { return Vec::new() };
    let definitions = &schema["definitions"];
    let resolve = |value: &Value| -> Value {
        let mut value = value.clone();
        for _ in 0..8 {
            let target = value
                .get("$ref")
                .or_else(|| {
                    value
                        .get("allOf")
                        .and_then(|all| all.as_array())
                        .filter(|all| all.len() == 1)
                        .and_then(|all| all[0].get("$ref"))
                })
                .and_then(Value::as_str)
                .and_then(|target| target.strip_prefix("#/definitions/"))
                .map(str::to_owned);
            match target {
                Some(name) => {
                    let description = value.get("description").cloned();
                    value = definitions[&name].clone();
                    if let (Some(description), Some(object)) = (description, value.as_object_mut()) {
                        object.entry("description").or_insert(description);
                    }
                }
                None => break,
            }
        }
        value
    };
    let required: Vec<&str> = schema["required"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
    let mut fields = Vec::new();
    for (name, property) in properties {
        let property = resolve(property);
        let scalar = matches!(property["type"].as_str(), Some("string" | "integer" | "number" | "boolean"))
            || (property.get("enum").is_some() && property.get("properties").is_none());
        if !scalar || property.get("x-sensitive").is_some() {
            return Vec::new();
        }
        fields.push((name.clone(), property, required.contains(&name.as_str())));
    }
    fields
}

/// A command line that calls `command` with its first operation's examples, as `--help` prints
/// it: a flag a line, each line but the last ending in ` \`, every value quoted for a POSIX
/// shell, so that it runs as printed (copied, or read back by a test). A space inside a JSON
/// body's text is written `\u0020` (the same JSON), so that `--help` cannot wrap the body.
pub fn example(command: &naming::Command) -> Option<String> {
    let variant = &command.variants[0];
    let operation = variant.operation;
    let mut words: Vec<String> = vec![format!("cloudflare {}", command.name())];
    match variant.scope {
        ScopeKind::Account => words.push("--account-id 023e105f4ecef8ad9ca31a8372d0c353".to_owned()),
        ScopeKind::Zone => words.push("--zone-id 9a7806061c88ada191ed06f989cc3dac".to_owned()),
        ScopeKind::None => {}
    }
    let positional = command.positional();
    let mut taken = BTreeSet::new();
    for parameter in operation.parameters.iter().filter(|parameter| parameter.required) {
        // The positional one first: a path may name the scope's id twice (an address map's
        // account: `/accounts/{account_id}/.../accounts/{account_id}`).
        if Some(parameter.name) == positional {
            words[0].push_str(&format!(" {}", quoted(parameter.example)));
        } else if Some(parameter.name) == variant.scope_parameter {
            continue;
        } else {
            let flag = take_flag(parameter, &mut taken);
            // A list's example is JSON (`["a","b"]`): each item is the flag once.
            match serde_json::from_str::<Value>(parameter.example) {
                Ok(Value::Array(items)) if parameter.location != cloudflare_client::Location::Path => {
                    for item in items {
                        let item = item.as_str().map_or_else(|| item.to_string(), str::to_owned);
                        words.push(format!("--{flag} {}", quoted(&item)));
                    }
                }
                _ => words.push(format!("--{flag} {}", quoted(parameter.example))),
            }
        }
    }
    // The body wherever the operation takes one: a builder needs it even where the spec says
    // it is optional.
    if let Some(body) = operation.body {
        if body.is_json() {
            words.push(format!("--body {}", quoted(&unwrappable_json(body.example))));
        } else if let Some(shape) = body.form {
            // The required parts' examples: a file as `@FILE` (the file to send), text and
            // JSON as their value.
            let parts: serde_json::Map<String, Value> = serde_json::from_str(body.example).unwrap_or_default();
            for (name, value) in &parts {
                let kind = shape.part(name).map(|part| part.kind);
                let value = match (kind, value) {
                    (Some(cloudflare_client::PartKind::File), _) => "@FILE".to_owned(),
                    (_, Value::String(text)) => text.clone(),
                    (_, other) => other.to_string(),
                };
                words.push(format!("--form {}", quoted(&format!("{name}={value}"))));
            }
            if parts.is_empty() {
                words.push("--form NAME=@FILE".to_owned());
            }
        } else {
            words.push("--body @FILE".to_owned());
        }
    }
    Some(words.join(" \\\n    "))
}

/// `text` quoted for a POSIX shell where it needs to be (`'{"a":1}'`, `tsig.example.`).
fn quoted(text: &str) -> String {
    shlex::try_quote(text).map_or_else(|_| text.to_owned(), std::borrow::Cow::into_owned)
}

/// The JSON `text` with each space inside its strings written `\u0020`: the same JSON, one
/// word that help text cannot wrap.
fn unwrappable_json(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut inside = false;
    let mut escaped = false;
    for c in text.chars() {
        match c {
            ' ' if inside => out.push_str("\\u0020"),
            '"' if !escaped => {
                inside = !inside;
                out.push(c);
            }
            _ => out.push(c),
        }
        escaped = c == '\\' && !escaped;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_are_kebab_case() {
        assert_eq!(flag_name("sortField"), "sort-field");
        assert_eq!(flag_name("per_page"), "per-page");
        assert_eq!(flag_name("Tus-Resumable"), "tus-resumable");
        assert_eq!(flag_name("CF-WORKER-BODY-PART"), "cf-worker-body-part");
        assert_eq!(flag_name("ipVersion"), "ip-version");
        assert_eq!(flag_name("name[contains]"), "name-contains");
        let taken = BTreeSet::from(["page".to_owned()]);
        assert_eq!(parameter_flag("timeout", "query", &taken), "query-timeout");
        assert_eq!(parameter_flag("page", "query", &taken), "query-page");
        assert_eq!(parameter_flag("per_page", "query", &taken), "per-page");
    }

    #[test]
    fn an_example_body_is_one_word_of_the_same_json() {
        let text = r#"{"a":"x y","b":"q\" r","c":[" "]}"#;
        let one = unwrappable_json(text);
        assert!(!one.contains(' '), "{one}");
        assert_eq!(serde_json::from_str::<Value>(&one).unwrap(), serde_json::from_str::<Value>(text).unwrap());
        for text in ["it's", r#"{"a":"b c"}"#, "$HOME `x`", "plain"] {
            assert_eq!(shlex::split(&quoted(text)), Some(vec![text.to_owned()]), "{text}");
        }
        assert_eq!(quoted("plain"), "plain");
    }

    #[test]
    fn a_flat_body_is_a_flag_per_field_and_another_is_not() {
        let flat = serde_json::json!({ "type": "object", "required": ["name"], "properties": {
            "name": { "type": "string", "description": "The name." },
            "ttl": { "$ref": "#/definitions/ttl" },
            "proxied": { "type": "boolean" } },
            "definitions": { "ttl": { "type": "integer" } } });
        let fields = flat_fields(Some(&flat));
        let names: Vec<(&str, bool)> = fields.iter().map(|(name, _, required)| (name.as_str(), *required)).collect();
        assert_eq!(names, [("name", true), ("proxied", false), ("ttl", false)]);
        assert_eq!(fields[2].1["type"], "integer", "resolved");
        let nested = serde_json::json!({ "type": "object", "properties": { "include": { "type": "array" } } });
        assert!(flat_fields(Some(&nested)).is_empty());
    }
}
