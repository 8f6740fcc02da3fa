//! A list as a table, as a person reads it on a terminal: the columns that matter for the
//! resource, chosen by rule from the schema of the list's items (an id, a name, a kind, the
//! content, a status, the dates; at most [`MAX_COLUMNS`]), or given with `--columns`. Every
//! server string is made safe for the terminal, long cells are cut with `…`, and dates read as
//! "3 days ago" or "in 5 days". `--json`, and any output that is not a terminal, keep the JSON.

use chrono::{DateTime, Utc};
use cloudflare_client::Operation;
use serde_json::Value;
use unicode_width::UnicodeWidthStr;

use crate::service_tokens::table::{cut, pad, span};

/// The fields a column is made for, in the order the columns come: what tells an item apart,
/// what it is, what state it is in, and when.
const PREFERRED: [&str; 17] = [
    "id",
    "name",
    "title",
    "email",
    "type",
    "content",
    "status",
    "enabled",
    "proxied",
    "ttl",
    "script",
    "expires_on",
    "expires_at",
    "last_used_on",
    "created_on",
    "modified_on",
    "last_modified",
];

/// The most columns the rule chooses (a terminal's width holds about that many).
const MAX_COLUMNS: usize = 7;

/// The widest a cell is shown (an id or a UUID is never cut, nor a cell of the last column).
const MAX_WIDTH: usize = 40;

/// The columns of `operation`'s list: the [`PREFERRED`] fields that its items' schema has (a
/// union's items: any of its variants'), else those the first item has, else its first fields.
pub fn columns(operation: &Operation, items: &[Value]) -> Vec<String> {
    let schema = cloudflare_client::operation_schema(operation.id).map(|schema| schema.result).unwrap_or_default();
    let resolver = crate::generated::fields::Resolver { definitions: &schema["definitions"] };
    let item = resolver.resolve(&resolver.resolve(&schema)["items"]);
    let mut known: Vec<String> = Vec::new();
    let add = |known: &mut Vec<String>, properties: &Value| {
        known.extend(properties.as_object().into_iter().flat_map(|object| object.keys().cloned()));
    };
    add(&mut known, &item["properties"]);
    for variant in ["x-variants", "oneOf", "anyOf"].iter().filter_map(|key| item[*key].as_array()).flatten() {
        add(&mut known, &resolver.resolve(variant)["properties"]);
    }
    // And what the first item has: an untyped union's variants keep no field the server assigns
    // (a DNS record's `id`, `created_on`).
    add(&mut known, items.first().unwrap_or(&Value::Null));
    let chosen: Vec<String> = PREFERRED
        .iter()
        .filter(|name| known.iter().any(|known| known == *name))
        .take(MAX_COLUMNS)
        .map(|name| (*name).to_owned())
        .collect();
    if chosen.len() >= 2 {
        return chosen;
    }
    // Nothing the rule knows: the first item's scalar fields.
    let first = items.first().and_then(Value::as_object);
    first
        .into_iter()
        .flatten()
        .filter(|(_, value)| !value.is_object() && !value.is_array())
        .map(|(name, _)| name.clone())
        .take(MAX_COLUMNS)
        .collect()
}

/// `items` as a table of `columns` at time `now`: a header line, then a line an item.
pub fn render(items: &[Value], columns: &[String], now: DateTime<Utc>) -> String {
    let rows: Vec<Vec<String>> =
        items.iter().map(|item| columns.iter().map(|column| cell(&item[column.as_str()], now)).collect()).collect();
    let widths: Vec<usize> = columns
        .iter()
        .enumerate()
        .map(|(at, column)| {
            let widest = rows.iter().map(|row| row[at].width()).max().unwrap_or(0).max(column.width());
            // An id is never cut, nor the last column, whose length pushes nothing out of line.
            if column == "id" || at + 1 == columns.len() { widest } else { widest.min(MAX_WIDTH) }
        })
        .collect();
    let line = |cells: &[String]| {
        let last = cells.len().saturating_sub(1);
        let cells: Vec<String> = cells
            .iter()
            .zip(&widths)
            .enumerate()
            .map(|(at, (cell, width))| {
                let cut = cut(cell, *width);
                if at == last { cut } else { pad(&cut, *width) }
            })
            .collect();
        cells.join("  ")
    };
    let header: Vec<String> =
        columns.iter().map(|column| crate::output::text(&column.to_uppercase()).into_owned()).collect();
    let mut out = line(&header);
    out.push('\n');
    for row in &rows {
        out.push_str(&line(row));
        out.push('\n');
    }
    out
}

/// A value as a cell: text made safe for the terminal, a date as "3 days ago" or "in 5 days",
/// `-` for none, a list or an object as compact JSON.
fn cell(value: &Value, now: DateTime<Utc>) -> String {
    let text = match value {
        Value::Null => return "-".to_owned(),
        Value::String(text) => match DateTime::parse_from_rfc3339(text) {
            Ok(at) => {
                let at = at.with_timezone(&Utc);
                return match (at - now).to_std() {
                    Ok(ahead) => format!("in {}", span(ahead)),
                    Err(_) => format!("{} ago", span((now - at).to_std().unwrap_or_default())),
                };
            }
            Err(_) => text.clone(),
        },
        other => other.to_string(),
    };
    crate::output::text(&text).replace(['\n', '\t'], " ")
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// The rule chooses, from each list's schema, the columns a person looks for.
    #[test]
    fn the_columns_of_the_lists_people_read_most() {
        let record =
            json!({ "id": "372e67954025e0ba6aaa6d586b9e0b59", "type": "A", "created_on": "2026-12-04T12:00:00Z" });
        // A zone as the live API sends it (the 2024 schema lacks its `status`), a token.
        let zone = json!({ "id": "9a7806061c88ada191ed06f989cc3dac", "name": "example.com", "status": "active",
            "account": { "id": "023e105f4ecef8ad9ca31a8372d0c353" } });
        let token = json!({ "id": "ed17574386854bf78a67040be0a770b0", "name": "ci", "status": "active",
            "expires_on": "2027-01-01T00:00:00Z", "last_used_on": null, "policies": [] });
        let of = |id: &str| {
            let items = match id {
                "dns_records_for_a_zone_list_dns_records" => vec![record.clone()],
                "zones_get" => vec![zone.clone()],
                "user_api_tokens_list_tokens" => vec![token.clone()],
                _ => Vec::new(),
            };
            columns(cloudflare_client::operation(id).expect("an operation"), &items)
        };
        for (id, expected) in [
            (
                "dns_records_for_a_zone_list_dns_records",
                &["id", "name", "type", "content", "proxied", "ttl", "created_on"][..],
            ),
            ("zones_get", &["id", "name", "status", "created_on", "modified_on"]),
            ("worker_script_list_workers", &["id", "created_on", "modified_on"]),
            ("workers_kv_namespace_list_namespaces", &["id", "title"]),
            ("user_api_tokens_list_tokens", &["id", "name", "status", "expires_on", "last_used_on"]),
            ("list_account_service_tokens", &["id", "name", "expires_at"]),
        ] {
            assert_eq!(of(id), expected, "{id}");
        }
    }

    #[test]
    fn a_table_aligns_cuts_and_reads_dates_as_a_person_does() {
        let now: DateTime<Utc> = "2026-12-07T12:00:00Z".parse().unwrap();
        let items = [
            json!({ "id": "372e67954025e0ba6aaa6d586b9e0b59", "name": "www.example.com", "type": "A",
                "content": "192.0.2.1", "created_on": "2026-12-04T12:00:00Z" }),
            json!({ "id": "0123", "name": "x".repeat(60), "type": "TXT", "content": "a\u{1b}[31mb",
                "created_on": null }),
        ];
        let columns: Vec<String> = ["id", "name", "type", "content", "created_on"].map(str::to_owned).to_vec();
        let table = render(&items, &columns, now);
        let lines: Vec<&str> = table.lines().collect();
        assert!(lines[0].starts_with("ID                                NAME"), "{table}");
        assert!(lines[1].ends_with("3 days ago"), "{table}");
        assert!(lines[2].contains(&format!("{}…", "x".repeat(39))), "cut at 40 columns: {table}");
        assert!(!table.contains('\u{1b}'), "escaped: {table:?}");
        assert!(lines[2].ends_with('-'), "{table}");
        // Columns line up: each line's type column starts at one place.
        let column = |line: &str, word: &str| line[..line.find(word).unwrap()].width();
        assert_eq!(column(lines[1], "  A  ") + 2, column(lines[0], "TYPE"), "{table}");
        assert_eq!(column(lines[2], "TXT"), column(lines[0], "TYPE"), "{table}");
    }
}
