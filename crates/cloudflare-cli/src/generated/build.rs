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

use super::fields::{Fields, Shape};
use super::naming::{self, ScopeKind};

/// Flags every generated command has; a parameter or body field of one of these names gets a
/// prefixed flag instead (`--query-timeout`, `--field-body`).
pub const OWN_FLAGS: [&str; 17] = [
    "account-id",
    "zone-id",
    "account",
    "zone",
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
    let scopes = command.scopes();
    if scopes.contains(&ScopeKind::Account) {
        leaf = leaf.arg(
            Arg::new("account-id")
                .long("account-id")
                .value_name("ID")
                .help("The account (32 lowercase hex) [env: CLOUDFLARE_ACCOUNT_ID]"),
        );
        leaf = leaf.arg(Arg::new("account").long("account").value_name("NAME|ID").conflicts_with("account-id").help(
            "The account by its name, looked up first (GET /accounts?name=), or its id [env: CLOUDFLARE_ACCOUNT]",
        ));
    }
    if scopes.contains(&ScopeKind::Zone) {
        let accounts = if scopes.contains(&ScopeKind::Account) { vec!["account-id", "account"] } else { vec![] };
        leaf = leaf.arg(
            Arg::new("zone-id")
                .long("zone-id")
                .value_name("ID")
                .help("The zone (32 lowercase hex) [env: CLOUDFLARE_ZONE_ID]")
                .conflicts_with_all(accounts.clone()),
        );
        leaf = leaf.arg(
            Arg::new("zone")
                .long("zone")
                .value_name("NAME|ID")
                .conflicts_with("zone-id")
                .conflicts_with_all(accounts)
                .help("The zone by its name (example.com), looked up first (GET /zones?name=), or its id [env: CLOUDFLARE_ZONE]"),
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
    // The body: --body, --form, and a flag per field of a JSON body (fields.rs).
    let body = command.variants.iter().find_map(|variant| variant.operation.body);
    let mut shape = None;
    let mut body_help = None;
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
            leaf = part_flags(leaf, command, shape);
        }
        if body.is_json() {
            shape = (0..command.variants.len()).find_map(|at| match Fields::of(schema_of(at)?.body.as_ref()) {
                Fields::Flags(shape) => Some(shape),
                _ => None,
            });
            if let Some(shape) = &shape {
                let (with_flags, help) = field_flags(leaf, command, shape);
                leaf = with_flags;
                body_help = help;
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
    if command.words.last().is_some_and(|verb| verb == "list")
        || command.variants.iter().any(|variant| variant.operation.paginated && variant.operation.method == "GET")
    {
        leaf = leaf.arg(
            Arg::new("json")
                .long("json")
                .action(ArgAction::SetTrue)
                .help("Print the list as JSON on a terminal too (a pipe or a file always gets JSON)"),
        );
        leaf = leaf.arg(
            Arg::new("columns")
                .long("columns")
                .value_name("FIELD,...")
                .value_delimiter(',')
                .action(ArgAction::Append)
                .conflicts_with_all(["json", "include-headers"])
                .help(
                    "Print the list as a table of these fields, wherever the output goes (default on a terminal: \
                       id, name, type, content, status, dates, as the items have them)",
                ),
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
    let ids: Vec<&str> = command.variants.iter().map(|variant| variant.operation.id).collect();
    let methods: Vec<String> = command
        .variants
        .iter()
        .map(|variant| format!("{} {}", variant.operation.method, variant.operation.path))
        .collect();
    leaf = leaf.after_help(format!(
        "Operation{}: {} ({}).{}{}\n\nExit status: 0 success; 1 Cloudflare refused or failed{}; 2 usage error, nothing sent.",
        if ids.len() == 1 { "" } else { "s" },
        ids.join(", "),
        methods.join("; "),
        body_help.map(|help| format!("\n\n{help}")).unwrap_or_default(),
        example(command, shape.as_ref()).map(|example| format!("\n\nExample:\n  {example}")).unwrap_or_default(),
        if command.destructive() { ", or the confirmation was declined" } else { "" },
    ));
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

/// The names no body field's flag may take: the command's own flags and its parameters'.
pub fn reserved(command: &naming::Command) -> BTreeSet<String> {
    let mut reserved: BTreeSet<String> = OWN_FLAGS.iter().map(|flag| (*flag).to_owned()).collect();
    for variant in &command.variants {
        reserved.extend(variant.operation.parameters.iter().map(|parameter| flag_name(parameter.name)));
    }
    reserved
}

/// The flag of the body field at `path` (`data.priority`), `field-` before it where that name
/// is `reserved`.
pub fn field_flag(reserved: &BTreeSet<String>, path: &[String]) -> String {
    let flag = path.iter().map(|name| flag_name(name)).collect::<Vec<_>>().join(".");
    if reserved.contains(&flag) || flag.is_empty() { format!("field-{flag}") } else { flag }
}

/// A flag per part of a form (`--file zone.txt`, `--proxied true`): a file part takes the
/// file's path (`-` for standard input), a JSON part JSON (or `@FILE`), a text part its value;
/// each is as `--form NAME=...` would give it, and can be given with `--form`.
fn part_flags(mut leaf: Command, command: &naming::Command, shape: cloudflare_client::FormShape) -> Command {
    let reserved = reserved(command);
    for part in shape.parts {
        let (value_name, what) = match part.kind {
            cloudflare_client::PartKind::File => ("PATH", "the file to upload, or - for standard input"),
            cloudflare_client::PartKind::Json => ("JSON|@FILE", "JSON, or @FILE"),
            _ => ("VALUE", "its value"),
        };
        let required = if part.required { " (required)" } else { "" };
        leaf = leaf.arg(
            Arg::new(part_id(part.name))
                .long(field_flag(&reserved, &[part.name.to_owned()]))
                .value_name(value_name)
                .conflicts_with("body")
                .help(format!("The form's `{}` part{required}: {what}", part.name)),
        );
    }
    leaf
}

/// The clap id of the form part `name`: `part:file`.
pub fn part_id(name: &str) -> String {
    format!("part:{name}")
}

/// The clap id of the body field at `path`: `body:data/priority`.
pub fn field_id(path: &[String]) -> String {
    format!("body:{}", path.join("/"))
}

/// `leaf` with a flag per field of the body `shape`, and for a union, the help that lists each
/// variant's flags.
fn field_flags(mut leaf: Command, command: &naming::Command, shape: &Shape) -> (Command, Option<String>) {
    let reserved = reserved(command);
    let flag = |path: &[String]| field_flag(&reserved, path);
    let patch_only = command.variants.iter().all(|variant| variant.operation.method == "PATCH");
    let all_tags = shape.tags();
    for (field, tags) in shape.fields() {
        let mut arg = Arg::new(field_id(&field.path)).long(flag(&field.path));
        let discriminator = shape.discriminator.as_ref().is_some_and(|name| field.path == [name.clone()]);
        let required_everywhere =
            shape.variants.iter().all(|variant| variant.field(&field.path).is_none_or(|field| field.required));
        let mut notes = Vec::new();
        if discriminator {
            arg = arg
                .value_name(field.path[0].to_ascii_uppercase())
                .value_parser(clap::builder::PossibleValuesParser::new(all_tags.iter().map(|tag| (*tag).to_owned())))
                .help(format!("The body's {}: chooses which fields it takes (see below)", field.path[0]));
        } else {
            let schema = if field.list { &field.schema["items"] } else { &field.schema };
            arg = if shape.one_type(&field.path) { typed(arg, schema) } else { arg.value_name("VALUE") };
            if let Some(description) = field.schema["description"].as_str() {
                let first = description.split("\n\n").next().unwrap_or(description).trim().replace('\n', " ");
                arg = arg.help(first);
            }
            if field.list {
                arg = arg.action(ArgAction::Append);
                notes.push("repeat for each".to_owned());
            }
            if shape.discriminator.is_some() && tags.len() < all_tags.len() {
                notes.push(format!("{}: {}", shape.discriminator.as_deref().unwrap_or_default(), tags.join(", ")));
            }
        }
        if required_everywhere && !patch_only {
            notes.push("required".to_owned());
        }
        if !notes.is_empty() {
            let help = arg.get_help().map(ToString::to_string).unwrap_or_default();
            arg = arg.help(format!("{help} [{}]", notes.join("; ")).trim().to_owned());
        }
        leaf = leaf.arg(arg);
    }
    let Some(name) = &shape.discriminator else { return (leaf, None) };
    let mut help = format!(
        "Body fields by --{} (* required{}):",
        flag(std::slice::from_ref(name)),
        if patch_only { " where not a PATCH" } else { "" }
    );
    for variant in &shape.variants {
        let fields: Vec<String> = variant
            .fields
            .iter()
            .filter(|field| field.path != [name.clone()])
            .map(|field| format!("--{}{}", flag(&field.path), if field.required { "*" } else { "" }))
            .chain(variant.required_objects.iter().map(|path| format!("--{}.…*", flag(path))))
            .chain(
                variant
                    .body_only
                    .iter()
                    .map(|(name, required)| format!("{name}{} (--body)", if *required { "*" } else { "" })),
            )
            .collect();
        help.push_str(&format!("\n  {}: {}", variant.tags.join("|"), fields.join(" ")));
    }
    (leaf, Some(help))
}

/// The flags that give the body `example` as `shape` takes it, or `None` where one of its
/// values has no flag (a list of objects, a secret, a field another variant has).
fn example_flags(command: &naming::Command, shape: &Shape, example: &Value) -> Option<Vec<String>> {
    let reserved = reserved(command);
    let variant = match &shape.discriminator {
        Some(name) => shape.variant(example.get(name)?.as_str()?)?,
        None => shape.variants.first()?,
    };
    let mut leaves = Vec::new();
    fn walk(value: &Value, path: &mut Vec<String>, out: &mut Vec<(Vec<String>, Value)>) {
        match value {
            Value::Object(fields) if !fields.is_empty() => {
                for (name, inner) in fields {
                    path.push(name.clone());
                    walk(inner, path, out);
                    path.pop();
                }
            }
            other => out.push((path.clone(), other.clone())),
        }
    }
    walk(example, &mut Vec::new(), &mut leaves);
    if leaves.iter().any(|(path, _)| path.is_empty()) {
        return None;
    }
    let mut words = Vec::new();
    // The discriminator first, then the fields in the variant's order.
    leaves.sort_by_key(|(path, _)| {
        let discriminator = shape.discriminator.as_ref().is_some_and(|name| *path == [name.clone()]);
        (!discriminator, variant.fields.iter().position(|field| field.path == *path))
    });
    for (path, value) in leaves {
        let field = variant.field(&path)?;
        let values: Vec<Value> = match (&value, field.list) {
            (Value::Array(items), true) if !items.is_empty() => items.clone(),
            (Value::Array(_) | Value::Object(_) | Value::Null, _) => return None,
            (_, _) => vec![value.clone()],
        };
        for item in values {
            let text = match &item {
                // A value as long as a certificate, or of lines, reads better in --body.
                Value::String(text) if text.len() > 64 || text.chars().any(char::is_control) => return None,
                Value::String(text) => text.clone(),
                Value::Number(_) | Value::Bool(_) => item.to_string(),
                _ => return None,
            };
            // The value must read back as the same JSON (`"10"` as text stays text).
            if field.value(&text).ok()? != item {
                return None;
            }
            // `--peers=-bytesIngress`: a value that starts with `-` is not read as a flag.
            let flag = field_flag(&reserved, &path);
            words.push(if text.starts_with('-') {
                quoted(&format!("--{flag}={text}"))
            } else {
                format!("--{flag} {}", quoted(&text))
            });
        }
    }
    (!words.is_empty()).then_some(words)
}

/// A command line that calls `command` with its first operation's examples, as `--help` prints
/// it: a flag a line, each line but the last ending in ` \`, every value quoted for a POSIX
/// shell, so that it runs as printed (copied, or read back by a test). A space inside a JSON
/// body's text is written `\u0020` (the same JSON), so that `--help` cannot wrap the body.
pub fn example(command: &naming::Command, shape: Option<&Shape>) -> Option<String> {
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
                        let item = crate::output::plain(&item);
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
        let flags =
            shape.and_then(|shape| example_flags(command, shape, &serde_json::from_str::<Value>(body.example).ok()?));
        if let Some(flags) = flags.filter(|_| body.is_json()) {
            words.extend(flags);
        } else if body.is_json() {
            words.push(format!("--body {}", quoted(&unwrappable_json(body.example))));
        } else if let Some(shape) = body.form {
            // The example's parts by their flags: a file as `FILE` (the file to send), text and
            // JSON as their value; a part the spec does not name by `--form`.
            let parts: serde_json::Map<String, Value> = serde_json::from_str(body.example).unwrap_or_default();
            let reserved = reserved(command);
            for (name, value) in &parts {
                let flag = field_flag(&reserved, std::slice::from_ref(name));
                let value = match value {
                    Value::String(text) => text.clone(),
                    other => other.to_string(),
                };
                match shape.part(name).map(|part| part.kind) {
                    Some(cloudflare_client::PartKind::File) => words.push(format!("--{flag} FILE")),
                    Some(_) => words.push(format!("--{flag} {}", quoted(&value))),
                    None => words.push(format!("--form {}", quoted(&format!("{name}={value}")))),
                }
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
}
