//! The generated commands: `cloudflare FAMILY RESOURCE... VERB` for every operation of the spec,
//! named by [`naming`]'s rules from the operations table, built as clap commands by `build`
//! (one family at a time: the one the command line names), and run by `run` through the same
//! path as `cloudflare api` (`crate::api::send`, `crate::api::dry_run`). The hand-written
//! commands (`service-tokens`, `api`) are top-level words of their own, which no family has.

mod build;
pub mod fields;
pub mod naming;
mod run;

use std::process::ExitCode;

use clap::ArgMatches;
use cloudflare_client::Operation;

use crate::error::CliError;

/// The family whose command word is `word` (`load-balancers` for `load_balancers`).
pub fn family_of(word: &str) -> Option<&'static str> {
    cloudflare_client::FAMILIES.iter().map(|family| family.name).find(|name| naming::family_word(name) == word)
}

/// The generated commands of `family`.
pub fn commands_of(family: &str) -> Vec<naming::Command> {
    let operations: Vec<&'static Operation> =
        cloudflare_client::FAMILIES.iter().filter(|f| f.name == family).flat_map(|f| f.operations.iter()).collect();
    naming::commands(&operations)
}

/// Every generated command.
pub fn all_commands() -> Vec<naming::Command> {
    naming::commands(&cloudflare_client::operations().collect::<Vec<_>>())
}

/// Each family as a command with its title and no subcommands: what `cloudflare --help`
/// lists, without building any family's commands.
pub fn stubs() -> impl Iterator<Item = clap::Command> {
    cloudflare_client::FAMILIES
        .iter()
        .map(|family| clap::Command::new(naming::family_word(family.name)).about(family.title))
}

/// The family's command, with the full flags of the leaf that `words` (the command line after
/// the family) name, or of every leaf with `all`.
pub fn tree(family: &'static str, words: &[String], all: bool) -> clap::Command {
    build::family(family, &commands_of(family), words, all)
}

/// [`tree`] of the family's `commands` ([`commands_of`]), computed once by the caller.
pub fn tree_of(family: &'static str, commands: &[naming::Command], words: &[String]) -> clap::Command {
    build::family(family, commands, words, false)
}

/// Every family's command, every leaf with its flags: for completions and the man page.
pub fn trees() -> impl Iterator<Item = clap::Command> {
    cloudflare_client::FAMILIES.iter().map(|family| tree(family.name, &[], true))
}

/// Runs the command of `commands` (a family's) that `matches` (the family's own matches) name.
pub async fn run(
    family: &'static str,
    commands: &[naming::Command],
    matches: &ArgMatches,
) -> Result<ExitCode, CliError> {
    let mut words = Vec::new();
    let mut leaf = matches;
    while let Some((name, sub)) = leaf.subcommand() {
        words.push(name.to_owned());
        leaf = sub;
    }
    let command = commands
        .iter()
        .find(|command| command.words == words)
        .ok_or_else(|| CliError::usage(format!("no command {} {}", naming::family_word(family), words.join(" "))))?;
    run::run(command, leaf).await
}

/// The generated command of each operation, by operationId: `dns records list`.
pub fn command_names() -> std::collections::HashMap<&'static str, String> {
    all_commands()
        .into_iter()
        .flat_map(|command| {
            let name = command.name();
            command.variants.into_iter().map(move |variant| (variant.operation.id, name.clone()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::naming::ScopeKind;
    use super::*;

    const BASE: &str = "https://api.example.test/client/v4";

    /// The command line that calls `variant` of `command` with its operation's examples, and
    /// `--dry-run`: the flags as the built command names them.
    fn example_line(tree: &clap::Command, command: &naming::Command, variant: &naming::Variant) -> Vec<String> {
        let operation = variant.operation;
        let mut leaf = tree;
        for word in &command.words {
            leaf = leaf.find_subcommand(word).expect("the leaf is built");
        }
        let flag_of = |name: &str| -> String {
            let id = format!("param:{name}");
            let arg = leaf.get_arguments().find(|arg| arg.get_id() == id.as_str()).expect("a flag per parameter");
            format!("--{}", arg.get_long().expect("a long flag"))
        };
        let mut line = vec!["cloudflare".to_owned(), naming::family_word(command.family)];
        line.extend(command.words.iter().cloned());
        let example =
            |name: &str| operation.parameter(name).map(|parameter| parameter.example.to_owned()).unwrap_or_default();
        if let Some(scope) = variant.scope_parameter {
            let flag = if variant.scope == ScopeKind::Account { "--account-id" } else { "--zone-id" };
            line.extend([flag.to_owned(), example(scope)]);
        }
        let positional = command.positional().filter(|name| variant.path_parameters.contains(name));
        for name in &variant.path_parameters {
            if Some(*name) == positional {
                line.push(example(name));
            } else {
                line.extend([flag_of(name), example(name)]);
            }
        }
        for parameter in operation.parameters.iter().filter(|parameter| parameter.required) {
            if parameter.location != cloudflare_client::Location::Path {
                line.extend([flag_of(parameter.name), parameter.example.to_owned()]);
            }
        }
        if let Some(body) = operation.body {
            if body.form.is_some() {
                let parts: serde_json::Map<String, serde_json::Value> = serde_json::from_str(body.example).unwrap();
                for (name, value) in parts {
                    let value = match value {
                        serde_json::Value::String(text) => text,
                        other => other.to_string(),
                    };
                    line.extend(["--form".to_owned(), format!("{name}={value}")]);
                }
            } else {
                line.extend(["--body".to_owned(), body.example.to_owned()]);
            }
        }
        line.extend(["--dry-run".to_owned(), "--base-url".to_owned(), BASE.to_owned()]);
        line
    }

    /// Every operation, by its generated command with `--dry-run`: the command line of its
    /// examples chooses it, and what would be sent is its method, its example's URL and body;
    /// nothing is sent (no server exists at the base URL, and no credential is set).
    #[test]
    fn every_operation_s_generated_command_dry_runs_to_its_request() {
        let mut checked = 0;
        // A family's commands are built once, every leaf with its flags, as for completions.
        let mut roots: std::collections::HashMap<&str, clap::Command> = std::collections::HashMap::new();
        for command in all_commands() {
            let root = roots
                .entry(command.family)
                .or_insert_with(|| crate::args::command_base().subcommand(tree(command.family, &[], true)));
            let family = root.find_subcommand(naming::family_word(command.family)).expect("the family").clone();
            for variant in &command.variants {
                let operation = variant.operation;
                let line = example_line(&family, &command, variant);
                let matches = root
                    .try_get_matches_from_mut(&line)
                    .unwrap_or_else(|error| panic!("{}: {}\n{error}", operation.id, line.join(" ")));
                let mut leaf = matches.subcommand().expect("the family").1;
                while let Some((_, sub)) = leaf.subcommand() {
                    leaf = sub;
                }
                let invocation = run::invocation(&command, leaf)
                    .unwrap_or_else(|error| panic!("{}: {}: {error:?}", operation.id, line.join(" ")));
                assert_eq!(invocation.operation.id, operation.id, "{}: the arguments choose it", line.join(" "));
                assert!(invocation.dry_run);
                let lines = crate::api::dry_run_lines(
                    operation,
                    &invocation.arguments,
                    invocation.connection.base_url().unwrap().as_deref(),
                )
                .unwrap_or_else(|error| panic!("{}: {error:?}", operation.id));
                let (method, url) = lines[0].split_once(' ').unwrap();
                assert_eq!(method, operation.method, "{}", operation.id);
                let url = reqwest_url(url);
                let expected_path = format!("/client/v4{}", operation.example_path());
                assert_eq!(percent_decoded(url.path()), expected_path, "{}: {}", operation.id, lines[0]);
                for parameter in operation.parameters.iter().filter(|parameter| parameter.required) {
                    // A list's example is JSON (`[]`, `["a"]`): each item is a value of the name.
                    let values: Vec<String> = match serde_json::from_str::<serde_json::Value>(parameter.example) {
                        Ok(serde_json::Value::Array(items)) => items.iter().map(crate::output::plain).collect(),
                        _ => vec![parameter.example.to_owned()],
                    };
                    for expected in values.iter().filter(|_| parameter.location == cloudflare_client::Location::Query) {
                        assert!(
                            url.query_pairs()
                                .any(|(name, value)| name == parameter.name && same_value(&value, expected)),
                            "{}: query {} in {url} ({})",
                            operation.id,
                            parameter.name,
                            line.join(" ")
                        );
                    }
                }
                if let Some(body) = operation.body.filter(|body| body.is_json()) {
                    let at = lines.iter().position(String::is_empty).expect("a body after the headers");
                    let sent: serde_json::Value =
                        serde_json::from_str(&lines[at + 1..lines.len() - 1].join("\n")).unwrap();
                    let mut expected: serde_json::Value = serde_json::from_str(body.example).unwrap();
                    // A secret the body sends is shown redacted.
                    let prepared = cloudflare_client::openapi::prepare(
                        &crate::api::offline_client(BASE),
                        operation.id,
                        &invocation.arguments,
                    )
                    .unwrap();
                    crate::api::conceal(&mut expected, prepared.secrets());
                    assert_eq!(sent, expected, "{}: the body", operation.id);
                }
                assert_eq!(lines.last().map(String::as_str), Some("(dry run: nothing was sent)"));
                checked += 1;
            }
        }
        assert_eq!(checked, cloudflare_client::operations().count(), "every operation");
    }

    /// A command whose printed example gives its body by flags (`--type A --name example.com
    /// --content 198.51.100.4`) sends the operation's example body: the flags are the body's
    /// fields, each read back as the JSON its schema types.
    #[test]
    fn an_example_by_flags_sends_the_example_body() {
        let mut by_flags = 0;
        let mut roots: std::collections::HashMap<&str, clap::Command> = std::collections::HashMap::new();
        for command in all_commands() {
            let operation = command.variants[0].operation;
            let Some(body) = operation.body.filter(|body| body.is_json()) else { continue };
            let root = roots
                .entry(command.family)
                .or_insert_with(|| crate::args::command_base().subcommand(tree(command.family, &[], true)));
            let mut leaf = root.find_subcommand(naming::family_word(command.family)).expect("the family").clone();
            for word in &command.words {
                leaf = leaf.find_subcommand(word).expect("the leaf").clone();
            }
            let help = leaf.get_after_help().map(ToString::to_string).unwrap_or_default();
            let at = help.find("Example:\n").expect("an example");
            let block: Vec<&str> =
                help[at + 9..].lines().take_while(|line| !line.trim().is_empty()).map(str::trim).collect();
            let joined = block.iter().map(|line| line.trim_end_matches('\\').trim_end()).collect::<Vec<_>>().join(" ");
            let mut words = shlex::split(&joined).expect("quoted for a shell");
            if words.iter().any(|word| word == "--body") {
                continue;
            }
            words.extend(["--dry-run".to_owned(), "--base-url".to_owned(), BASE.to_owned()]);
            let matches = root.try_get_matches_from_mut(&words).unwrap_or_else(|error| panic!("{words:?}: {error}"));
            let mut leaf = matches.subcommand().expect("the family").1;
            while let Some((_, sub)) = leaf.subcommand() {
                leaf = sub;
            }
            let invocation = run::invocation(&command, leaf).unwrap_or_else(|error| panic!("{words:?}: {error:?}"));
            let lines = crate::api::dry_run_lines(invocation.operation, &invocation.arguments, Some(BASE)).unwrap();
            let at = lines.iter().position(String::is_empty).expect("a body after the headers");
            let sent: serde_json::Value = serde_json::from_str(&lines[at + 1..lines.len() - 1].join("\n")).unwrap();
            let expected: serde_json::Value = serde_json::from_str(body.example).unwrap();
            assert_eq!(sent, expected, "{}", words.join(" "));
            by_flags += 1;
        }
        // DNS records (create, update) among them; the count is in the closing note.
        assert!(by_flags > 150, "{by_flags} examples by flags");
    }

    /// A union body takes flags where a property tells its variants apart (a DNS record's
    /// `type`, a ruleset rule's `action`), in several families; one nothing tells apart takes
    /// `--body` only. The counts go in the closing note (`--nocapture`).
    #[test]
    fn union_bodies_take_flags_where_a_property_tells_the_variants_apart() {
        let mut told: Vec<(String, String)> = Vec::new();
        let mut untold: Vec<String> = Vec::new();
        for command in all_commands() {
            let operation = command.variants[0].operation;
            if !operation.body.is_some_and(|body| body.is_json()) {
                continue;
            }
            let schema = cloudflare_client::operation_schema(operation.id).and_then(|schema| schema.body);
            match fields::Fields::of(schema.as_ref()) {
                fields::Fields::Flags(shape) if shape.discriminator.is_some() => {
                    told.push((command.name(), shape.discriminator.clone().unwrap_or_default()));
                }
                fields::Fields::Untold => untold.push(command.name()),
                _ => {}
            }
        }
        eprintln!("union bodies with flags: {}: {told:?}", told.len());
        eprintln!("union bodies with --body only: {}: {untold:?}", untold.len());
        assert!(told.contains(&("dns records create".to_owned(), "type".to_owned())), "{told:?}");
        let families: std::collections::BTreeSet<&str> =
            told.iter().map(|(name, _)| name.split(' ').next().unwrap_or_default()).collect();
        assert!(families.len() >= 3, "{families:?}");
        assert!(!untold.is_empty(), "Workers AI's prompt-or-messages bodies are told apart by no property");
    }

    /// Whether the query value `sent` is the example `expected`: the same text, or the same
    /// instant (a date-time goes out as its type writes it: `.12345Z` as `.123450Z`).
    fn same_value(sent: &str, expected: &str) -> bool {
        let instant = |text: &str| chrono::DateTime::parse_from_rfc3339(text).ok();
        sent == expected || instant(sent).is_some_and(|sent| instant(expected) == Some(sent))
    }

    fn reqwest_url(text: &str) -> cloudflare_client::reqwest::Url {
        cloudflare_client::reqwest::Url::parse(text).unwrap()
    }

    /// `%40cf` as `@cf`: the path as the spec writes it.
    fn percent_decoded(path: &str) -> String {
        percent_encoding::percent_decode_str(path).decode_utf8_lossy().into_owned()
    }
}
