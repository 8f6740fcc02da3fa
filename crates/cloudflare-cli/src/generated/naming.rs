//! The names of the generated commands: `cloudflare FAMILY RESOURCE... VERB`, derived from each
//! operation's path and method by the rules below (docs/operations.md says them in
//! prose). This is the one place they are applied.
//!
//! 1. **Scope.** A path under `/accounts/{id}` or `/zones/{id}` is scoped: the id is
//!    `--account-id` / `--zone-id` (or `CLOUDFLARE_ACCOUNT_ID` / `CLOUDFLARE_ZONE_ID`), never a
//!    word of the name.
//! 2. **Resource words.** Each literal segment after the scope is one word (its words joined by
//!    `-`, lower case: `dns_records` is `dns-records`); the family's own words are dropped from
//!    the front (`dns` of `dns-records`, so `/zones/{zone_id}/dns_records` is `dns records`;
//!    `storage kv` for `kv`, `magic` for `magic-transit`, the family's name run together for
//!    `url-scanner`'s `urlscanner`).
//! 3. **Verb.** GET: `list` when the answer is a list, else `get`. POST: `edit` on an item
//!    (the path ends with a parameter), `create` on a collection (a path the spec also reads with
//!    GET, or has items of), else the last literal segment is the verb, an action (`rotate`,
//!    `refresh`, `purge-cache`, `import`). GET of a literal after a collection is an action too
//!    (`dns records export`). PUT `update`, PATCH `edit`, DELETE `delete`; on a collection whose
//!    GET is a list `bulk-update`, `bulk-edit`, and `bulk-delete` on any path with items (as
//!    Cloudflare's SDKs name them: a delete of many is never one name with a delete of one). A path that is only the scope (`/zones/{zone_id}`): `get`, `edit`,
//!    `update`, `delete`.
//! 4. **Positional.** The last path parameter other than the scope's id is the positional
//!    argument (`dns records get RECORD_ID`); other path parameters are flags (`--app-id`).
//! 5. **Variants.** Operations of one name whose paths differ only in their scope (an account's
//!    and a zone's service tokens) or in one path parameter (a device policy's and the default
//!    policy's exclude list) are one command: the scope given, and the parameters given, choose
//!    (the operation with the most of its parameters given).
//! 6. **Collisions.** Operations of one name that no given argument can tell apart keep the name
//!    for the first in the spec's order; each other gets its verb followed by `-` and its
//!    operationId (`bulk-delete-…`). [`collisions`] lists them; docs/operations.md says how many.

use std::collections::{BTreeMap, BTreeSet};

use cloudflare_client::Operation;

/// Where an operation is: an account's, a zone's, or neither (the user, Radar, `/zones`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ScopeKind {
    Account,
    Zone,
    None,
}

/// One operation of a generated command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variant {
    pub operation: &'static Operation,
    pub scope: ScopeKind,
    /// The scope's path parameter (`account_id`, `zone_id`, `zone_identifier`, ...).
    pub scope_parameter: Option<&'static str>,
    /// The other path parameters, in the path's order.
    pub path_parameters: Vec<&'static str>,
}

/// One generated command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    /// The family (its cargo feature name, such as `load_balancers`).
    pub family: &'static str,
    /// The resource words, then the verb: `["dns-records"… ]`, `["records", "list"]`.
    pub words: Vec<String>,
    /// Its operations: one, or several that the arguments choose among (rule 5).
    pub variants: Vec<Variant>,
    /// The name the rules gave it, where a collision made it another (rule 6).
    pub collided: Option<String>,
}

impl Command {
    /// `dns records list`: the family (as a command word) and the words.
    pub fn name(&self) -> String {
        std::iter::once(family_word(self.family)).chain(self.words.iter().cloned()).collect::<Vec<_>>().join(" ")
    }

    /// The verb.
    pub fn verb(&self) -> &str {
        self.words.last().map_or("", String::as_str)
    }

    /// The positional parameter: the last path parameter of its variants (rule 4), shared by
    /// every variant that has one.
    pub fn positional(&self) -> Option<&'static str> {
        self.variants.iter().filter_map(|variant| variant.path_parameters.last().copied()).max_by_key(|name| {
            self.variants.iter().filter(|variant| variant.path_parameters.last() == Some(name)).count()
        })
    }

    /// Whether it destroys something: see [`destruction`].
    pub fn destructive(&self) -> bool {
        self.destruction().is_some()
    }

    /// Why it destroys something, or `None`: a DELETE; a PUT that replaces a whole collection
    /// (`bulk-update`: every item of a list, the items not given are gone); or a POST, PUT or
    /// PATCH whose verb or summary (its operationId, where it has none) says it deletes, purges, revokes, rotates (the
    /// old secret stops working), resets, removes, rolls (a token's value), disables, detaches,
    /// replaces, overwrites, wipes or destroys. A GET destroys nothing, whatever its words.
    pub fn destruction(&self) -> Option<String> {
        if let Some(variant) = self.variants.iter().find(|variant| variant.operation.method == "DELETE") {
            return Some(format!("DELETE {}", variant.operation.path));
        }
        if self.verb() == "bulk-update" {
            return Some("PUT of a whole collection".to_owned());
        }
        let writes = self.variants.iter().filter(|variant| variant.operation.method != "GET");
        for variant in writes {
            let operation = variant.operation;
            // The operationId only where there is no summary: upstream's ids are not always
            // what the operation does (`delete-…-logpush-validate-destination-exists` checks).
            let texts = [self.verb(), if operation.summary.is_empty() { operation.id } else { operation.summary }];
            let word = texts.iter().flat_map(|text| text.split(|c: char| !c.is_ascii_alphanumeric())).find(|word| {
                let word = word.to_ascii_lowercase();
                DESTROYING.iter().any(|destroying| word == *destroying)
            });
            if let Some(word) = word {
                return Some(format!("{} {}: {}", operation.method, operation.path, word.to_ascii_lowercase()));
            }
        }
        None
    }

    /// The scopes its variants take.
    pub fn scopes(&self) -> BTreeSet<ScopeKind> {
        self.variants.iter().map(|variant| variant.scope).collect()
    }
}

/// Words of a write that destroys something ([`Command::destruction`]), as verbs, summaries and
/// operationIds write them.
const DESTROYING: [&str; 36] = [
    "delete",
    "deletes",
    "deleting",
    "purge",
    "purges",
    "purging",
    "revoke",
    "revokes",
    "revoking",
    "rotate",
    "rotates",
    "rotating",
    "reset",
    "resets",
    "remove",
    "removes",
    "removing",
    "roll",
    "rolls",
    "disable",
    "disables",
    "disabling",
    "detach",
    "detaches",
    "replace",
    "replaces",
    "replacing",
    "overwrite",
    "overwrites",
    "wipe",
    "wipes",
    "destroy",
    "destroys",
    "truncate",
    "rollback",
    "uninstall",
];

/// `load_balancers` as a command word: `load-balancers`.
pub fn family_word(family: &str) -> String {
    family.replace('_', "-")
}

/// Words the name of each family's commands does not repeat, where they are not the family's
/// own name: the path prefix of Workers KV and of Magic Transit.
const FAMILY_PREFIXES: [(&str, &[&str]); 2] = [("kv", &["storage", "kv"]), ("magic_transit", &["magic"])];

/// The words of a path segment: letters and digits, lower case (`bge-small-en-v1.5` is
/// `bge`, `small`, `en`, `v1`, `5`; `@cf` is `cf`).
fn words(segment: &str) -> Vec<String> {
    segment
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_ascii_lowercase)
        .collect()
}

/// A path split after its scope.
struct Path {
    scope: ScopeKind,
    scope_parameter: Option<&'static str>,
    /// Literal segments (as their words) and parameters, after the scope.
    segments: Vec<Segment>,
}

enum Segment {
    Literal(Vec<String>),
    Parameter(&'static str),
}

fn parse(path: &'static str) -> Path {
    let raw: Vec<&'static str> =
        path.trim_start_matches('/').split('/').filter(|segment| !segment.is_empty()).collect();
    let parameter = |segment: &'static str| segment.strip_prefix('{').and_then(|name| name.strip_suffix('}'));
    let (scope, scope_parameter, rest) = match raw.as_slice() {
        ["accounts", id, rest @ ..] if parameter(id).is_some() => (ScopeKind::Account, parameter(id), rest),
        ["zones", id, rest @ ..] if parameter(id).is_some() => (ScopeKind::Zone, parameter(id), rest),
        all => (ScopeKind::None, None, all),
    };
    let segments = rest
        .iter()
        .map(|segment| match parameter(segment) {
            Some(name) => Segment::Parameter(name),
            None => Segment::Literal(words(segment)),
        })
        .collect();
    Path { scope, scope_parameter, segments }
}

/// Every generated command of `operations` (one family's, or all), in the spec's order of their
/// first operation.
pub fn commands(operations: &[&'static Operation]) -> Vec<Command> {
    // What rule 3 asks of other operations: which paths are read with GET (and whether as a
    // list), and which have items.
    let mut read: BTreeMap<&str, bool> = BTreeMap::new();
    let mut parents: BTreeSet<&'static str> = BTreeSet::new();
    for operation in operations {
        if operation.method == "GET" {
            read.insert(operation.path, operation.list);
        }
        // Every path that has items somewhere below it (`/loa_documents` of
        // `/loa_documents/{id}/download`).
        let mut at = 0;
        while let Some(found) = operation.path[at..].find("/{") {
            parents.insert(&operation.path[..at + found]);
            at += found + 2;
        }
    }

    // Each family's own words (rule 2), worked out once per family.
    let mut own_words: std::collections::HashMap<&str, OwnWords> = std::collections::HashMap::new();
    let mut named: Vec<(&'static str, Vec<String>, Variant)> = Vec::new();
    for &operation in operations {
        let path = parse(operation.path);
        let ends_in_parameter = matches!(path.segments.last(), Some(Segment::Parameter(_)));
        let listed_collection = read.get(operation.path) == Some(&true);
        let collection = read.contains_key(operation.path) || parents.contains(operation.path);
        let mut literals: Vec<Vec<String>> = path
            .segments
            .iter()
            .filter_map(|segment| match segment {
                Segment::Literal(words) => Some(words.clone()),
                Segment::Parameter(_) => None,
            })
            .collect();
        let only_scope = path.segments.is_empty() && path.scope != ScopeKind::None;
        // A literal after a literal that is a collection (`/dns_records/export`): an action on
        // the collection.
        let on_collection = path.segments.len() >= 2
            && matches!(path.segments[path.segments.len() - 2..], [Segment::Literal(_), Segment::Literal(_)])
            && operation
                .path
                .rsplit_once('/')
                .is_some_and(|(parent, _)| read.contains_key(parent) || parents.contains(parent));
        let verb = match operation.method {
            "GET" if operation.list => "list".to_owned(),
            "GET" if on_collection => literals.pop().map(|words| words.join("-")).unwrap_or_else(|| "get".to_owned()),
            "GET" => "get".to_owned(),
            "POST" if ends_in_parameter || only_scope => "edit".to_owned(),
            "POST" if collection || literals.is_empty() => "create".to_owned(),
            "POST" => literals.pop().map(|words| words.join("-")).unwrap_or_else(|| "create".to_owned()),
            "PUT" if listed_collection && !ends_in_parameter => "bulk-update".to_owned(),
            "PATCH" if listed_collection && !ends_in_parameter => "bulk-edit".to_owned(),
            "DELETE" if (listed_collection || parents.contains(operation.path)) && !ends_in_parameter => {
                "bulk-delete".to_owned()
            }
            "PUT" => "update".to_owned(),
            "PATCH" => "edit".to_owned(),
            "DELETE" => "delete".to_owned(),
            other => other.to_ascii_lowercase(),
        };
        let own = own_words.entry(operation.family).or_insert_with(|| OwnWords::of(operation.family));
        let mut resource = own.strip(literals);
        resource.push(verb);
        let variant = Variant {
            operation,
            scope: path.scope,
            scope_parameter: path.scope_parameter,
            path_parameters: path
                .segments
                .iter()
                .filter_map(|segment| match segment {
                    Segment::Parameter(name) => Some(*name),
                    Segment::Literal(_) => None,
                })
                .collect(),
        };
        named.push((operation.family, resource, variant));
    }

    // Rule 5 and 6: group by family and words; a group whose variants arguments can tell apart
    // is one command, any other variant is renamed.
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut index: std::collections::HashMap<(&str, &[String]), usize> = std::collections::HashMap::new();
    for (at, (family, words, _)) in named.iter().enumerate() {
        let group = *index.entry((family, words.as_slice())).or_insert_with(|| {
            groups.push(Vec::new());
            groups.len() - 1
        });
        groups[group].push(at);
    }
    drop(index);
    let mut named: Vec<Option<(&'static str, Vec<String>, Variant)>> = named.into_iter().map(Some).collect();
    let mut out = Vec::new();
    for members in groups {
        let mut words = Vec::new();
        let mut variants = Vec::with_capacity(members.len());
        for at in members {
            let (_, its_words, variant) = named[at].take().expect("each operation is in one group");
            words = its_words;
            variants.push(variant);
        }
        let family: &'static str = variants[0].operation.family;
        let (kept, others) = distinguishable(variants);
        out.push(Command { family, words: words.clone(), variants: kept, collided: None });
        for variant in others {
            let mut renamed = words.clone();
            let verb = renamed.pop().unwrap_or_default();
            renamed.push(format!("{verb}-{}", variant.operation.id.replace('_', "-")));
            out.push(Command { family, words: renamed, variants: vec![variant], collided: Some(words.join(" ")) });
        }
    }
    out
}

/// The variants that the arguments tell apart (each has another scope or another set of path
/// parameters than every one before it), in order, and the others.
fn distinguishable(variants: Vec<Variant>) -> (Vec<Variant>, Vec<Variant>) {
    let mut kept: Vec<Variant> = Vec::new();
    let mut others = Vec::new();
    for variant in variants {
        let key =
            |variant: &Variant| (variant.scope, variant.path_parameters.iter().copied().collect::<BTreeSet<&str>>());
        if kept.iter().any(|existing| key(existing) == key(&variant)) {
            others.push(variant);
        } else {
            kept.push(variant);
        }
    }
    (kept, others)
}

/// A family's own words, which its commands' names do not repeat (rule 2).
struct OwnWords {
    /// `["load", "balancers"]`, or the family's path prefix (`["storage", "kv"]`).
    words: Vec<String>,
    /// The words run together: `loadbalancers` (`urlscanner` of `url_scanner`).
    joined: String,
}

impl OwnWords {
    fn of(family: &str) -> Self {
        let words: Vec<String> = match FAMILY_PREFIXES.iter().find(|(name, _)| *name == family) {
            Some((_, prefix)) => prefix.iter().map(|word| (*word).to_owned()).collect(),
            None => words(family),
        };
        let joined = words.concat();
        OwnWords { words, joined }
    }

    /// `literals` (each a segment's words) as resource words, without the family's own words
    /// in front: each remaining segment one word, its words joined by `-`.
    fn strip(&self, literals: Vec<Vec<String>>) -> Vec<String> {
        let mut dropped = 0;
        let mut out = Vec::new();
        for segment in literals {
            let mut kept = Vec::new();
            for word in segment {
                let front = out.is_empty() && kept.is_empty();
                if front && (self.words.get(dropped) == Some(&word) || word == self.joined) {
                    dropped += 1;
                    continue;
                }
                kept.push(word);
            }
            if !kept.is_empty() {
                out.push(kept.join("-"));
            }
        }
        out
    }
}

/// The variant of `command` that the given arguments choose: of those with the given scope (or,
/// with none given, the only scope the command has), the one whose path parameters are all
/// given, with the most of them.
pub fn choose<'a>(command: &'a Command, scope: Option<ScopeKind>, given: &dyn Fn(&str) -> bool) -> Option<&'a Variant> {
    command
        .variants
        .iter()
        .filter(|variant| scope.is_none_or(|scope| variant.scope == scope))
        .filter(|variant| variant.path_parameters.iter().all(|name| given(name)))
        .max_by_key(|variant| variant.path_parameters.len())
}

/// The commands a collision renamed: `(the name the rules gave, the name it has)`.
#[cfg(test)]
pub fn collisions(commands: &[Command]) -> Vec<(String, String)> {
    commands
        .iter()
        .filter_map(|command| {
            Some((format!("{} {}", family_word(command.family), command.collided.as_ref()?), command.name()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use cloudflare_client::{Operation, operations};

    use super::*;

    fn named(commands: &[Command], name: &str) -> Option<Vec<&'static str>> {
        let command = commands.iter().find(|command| command.name() == name)?;
        Some(command.variants.iter().map(|variant| variant.operation.id).collect())
    }

    fn all() -> Vec<Command> {
        commands(&operations().collect::<Vec<&'static Operation>>())
    }

    /// Every command the confirmation rule treats as destructive, with why: the list in
    /// `destructive.txt`, so that a new one (or one that stopped being destructive) shows in
    /// review. `UPDATE_SNAPSHOTS=1` rewrites the list.
    #[test]
    fn the_destructive_commands_are_those_listed() {
        let mut lines: Vec<String> = all()
            .iter()
            .filter_map(|command| command.destruction().map(|why| format!("cloudflare {}  ({why})", command.name())))
            .collect();
        lines.sort();
        let file = concat!(env!("CARGO_MANIFEST_DIR"), "/src/generated/destructive.txt");
        let text = std::fs::read_to_string(file).unwrap_or_default();
        let header: String =
            text.lines().take_while(|line| line.starts_with('#')).map(|line| format!("{line}\n")).collect();
        let listed: Vec<&str> = text.lines().filter(|line| !line.starts_with('#') && !line.is_empty()).collect();
        if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
            std::fs::write(file, format!("{header}{}\n", lines.join("\n"))).unwrap();
            return;
        }
        let new: Vec<&String> = lines.iter().filter(|line| !listed.contains(&line.as_str())).collect();
        let gone: Vec<&&str> = listed.iter().filter(|line| !lines.iter().any(|l| l == **line)).collect();
        assert!(
            new.is_empty() && gone.is_empty(),
            "destructive commands not in {file} ({}):\n{}\nlisted there but no longer destructive ({}):\n{}",
            new.len(),
            new.iter().map(|line| line.as_str()).collect::<Vec<_>>().join("\n"),
            gone.len(),
            gone.iter().map(|line| **line).collect::<Vec<_>>().join("\n"),
        );
        // What the rule must hold whatever the list says: every DELETE, and the writes the
        // rule names (a token's roll, a rotate, a purge, a whole list's items replaced).
        for command in all() {
            if command.variants.iter().any(|variant| variant.operation.method == "DELETE") {
                assert!(command.destructive(), "{}", command.name());
            }
            if command.variants.iter().all(|variant| variant.operation.method == "GET") {
                assert!(!command.destructive(), "a GET destroys nothing: {}", command.name());
            }
        }
        let destructive = |id: &str| {
            all()
                .into_iter()
                .find(|command| command.variants.iter().any(|v| v.operation.id == id))
                .unwrap()
                .destructive()
        };
        for id in [
            "user_api_tokens_roll_token",
            "rotate_account_service_token",
            "zone_purge",
            "lists_update_all_list_items",
            "dns_records_for_a_zone_delete_dns_record",
        ] {
            assert!(destructive(id), "{id}");
        }
        assert!(!destructive("dns_records_for_a_zone_create_dns_record"));
    }

    #[test]
    fn names_follow_the_path_and_the_method() {
        let commands = all();
        let cases = [
            ("dns records list", "dns_records_for_a_zone_list_dns_records"),
            ("dns records get", "dns_records_for_a_zone_dns_record_details"),
            ("dns records create", "dns_records_for_a_zone_create_dns_record"),
            ("dns records delete", "dns_records_for_a_zone_delete_dns_record"),
            ("dns records import", "dns_records_for_a_zone_import_dns_records"),
            ("dns records export", "dns_records_for_a_zone_export_dns_records"),
            ("kv namespaces values get", "workers_kv_namespace_read_key_value_pair"),
            ("magic-transit gre-tunnels get", "magic_gre_tunnels_list_gre_tunnels"),
            ("zones get", "zones_0_get"),
            ("zones list", "zones_get"),
            ("firewall rules bulk-delete", "firewall_rules_delete_firewall_rules"),
        ];
        for (name, id) in cases {
            let found = named(&commands, name).unwrap_or_else(|| panic!("no command {name:?}"));
            assert!(found.contains(&id), "{name}: {found:?}");
        }
    }

    #[test]
    fn an_accounts_and_a_zones_operation_of_one_name_are_one_command() {
        let commands = all();
        let tokens = commands.iter().find(|command| command.name() == "access service-tokens delete").unwrap();
        assert_eq!(tokens.scopes(), [ScopeKind::Account, ScopeKind::Zone].into_iter().collect());
        assert_eq!(tokens.positional(), Some("service_token_id"));
        assert!(tokens.destructive());
        let zone = choose(tokens, Some(ScopeKind::Zone), &|_| true).unwrap();
        assert_eq!(zone.operation.id, "delete_zone_service_token");
    }

    #[test]
    fn a_parameter_given_or_not_chooses_the_operation() {
        let commands = all();
        let exclude = commands.iter().find(|command| command.name() == "devices policy exclude list").unwrap();
        let with = choose(exclude, None, &|name| name == "policy_id").unwrap();
        let without = choose(exclude, None, &|_| false).unwrap();
        assert!(with.operation.path.contains("{policy_id}") && !without.operation.path.contains("{policy_id}"));
    }

    #[test]
    fn every_operation_has_one_command_and_every_name_is_one_command() {
        let commands = all();
        let mut ids: Vec<&str> =
            commands.iter().flat_map(|command| command.variants.iter().map(|variant| variant.operation.id)).collect();
        assert_eq!(ids.len(), operations().count());
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), operations().count(), "each operation once");
        let names: BTreeSet<String> = commands.iter().map(Command::name).collect();
        assert_eq!(names.len(), commands.len(), "each name once");
    }

    /// The collisions docs/operations.md lists, and no other.
    #[test]
    fn the_collisions_are_those_readme_lists() {
        assert_eq!(
            collisions(&all()),
            [
                (
                    "kv namespaces bulk delete".to_owned(),
                    "kv namespaces bulk delete-workers-kv-namespace-delete-multiple-key-value-pairs".to_owned()
                ),
                (
                    "networks teamnet routes network edit".to_owned(),
                    "networks teamnet routes network edit-tunnel-route-update-a-tunnel-route-with-cidr".to_owned()
                ),
            ]
        );
        assert_eq!(all().len(), 1435, "docs/operations.md says how many commands");
        assert_eq!(
            all().iter().filter(|command| command.variants.len() > 1).count(),
            103,
            "and how many merge operations"
        );
    }

    /// Every name, for review: `cargo test -p cloudflare-cli -- --ignored --nocapture print_every_name`.
    #[test]
    #[ignore = "prints the names"]
    fn print_every_name() {
        for command in all() {
            let variants: Vec<String> =
                command.variants.iter().map(|v| format!("{} {}", v.operation.method, v.operation.path)).collect();
            println!(
                "{} [{}]{}",
                command.name(),
                variants.join("; "),
                command.collided.as_ref().map(|c| format!(" (collided: {c})")).unwrap_or_default()
            );
        }
    }

    #[test]
    fn words_are_letters_and_digits() {
        assert_eq!(words("bge-small-en-v1.5"), ["bge", "small", "en", "v1", "5"]);
        assert_eq!(words("@cf"), ["cf"]);
        assert_eq!(OwnWords::of("dns").strip(vec![words("dns_records")]), ["records"]);
        assert_eq!(OwnWords::of("kv").strip(vec![words("storage"), words("kv"), words("namespaces")]), ["namespaces"]);
        assert_eq!(OwnWords::of("url_scanner").strip(vec![words("urlscanner"), words("scan")]), ["scan"]);
        assert_eq!(
            OwnWords::of("email_routing").strip(vec![words("email"), words("routing"), words("rules")]),
            ["rules"]
        );
    }
}
