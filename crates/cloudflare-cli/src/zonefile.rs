//! BIND zone files (RFC 1035 section 5.1), as `cloudflare dns records import --file zone.txt`
//! uploads one: read before anything is sent, to count its records by type (what `--dry-run`
//! shows, and what the import says it sends) and to refuse, nothing sent, a file that is not a
//! zone file (a JSON body, a CSV, a binary, an unclosed parenthesis or quote, an `$INCLUDE`
//! of a file the upload cannot carry, a file of no record Cloudflare takes).
//!
//! This reads the file's structure (entries, owners, TTLs, classes, types), not each type's
//! data: Cloudflare parses that and says what it took (`recs_added`, `total_records_parsed`).
//! A DNS library's parser was tried first and refuses files Cloudflare takes and exports:
//! `domain` 0.11 stops at a CAA record and 0.12 at a CERT record ("unknown record type with
//! concrete data"), both record types of Cloudflare's.

use std::collections::BTreeMap;
use std::fmt;

/// The operations whose form part is a BIND zone file, and that part's name.
const ZONE_FILE_PARTS: [(&str, &str); 1] = [("dns_records_for_a_zone_import_dns_records", "file")];

/// The operation whose body's `type` names the record types Cloudflare takes.
const RECORD_TYPES_FROM: &str = "dns_records_for_a_zone_create_dns_record";

/// What a zone file holds: its records by type, in the file's spelling made upper case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    /// The number of records of each type.
    pub types: BTreeMap<String, usize>,
    /// Of those, the types that are not a DNS record type Cloudflare takes (the SOA of an
    /// export, an HINFO), as the DNS records' schema lists them.
    pub other: Vec<String>,
}

impl Summary {
    /// The number of records.
    pub fn records(&self) -> usize {
        self.types.values().sum()
    }
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let count = |records: usize| if records == 1 { "1 record".to_owned() } else { format!("{records} records") };
        let types: Vec<String> = self.types.iter().map(|(kind, records)| format!("{kind} {records}")).collect();
        write!(f, "{} ({})", count(self.records()), types.join(", "))?;
        if !self.other.is_empty() {
            write!(f, "; not record types Cloudflare takes: {}", self.other.join(", "))?;
        }
        Ok(())
    }
}

/// Where `operation` takes a zone file, the summary of the one its form's part holds, or why
/// it is not one.
///
/// # Errors
/// The part is not a zone file Cloudflare can import: what and where (a line number).
pub fn check(operation: &str, parts: &[(String, cloudflare_client::Part)]) -> Result<Option<String>, String> {
    let Some((_, part)) = ZONE_FILE_PARTS.iter().find(|(id, _)| *id == operation) else { return Ok(None) };
    let Some((name, content)) = parts.iter().find(|(name, _)| name == part) else { return Ok(None) };
    let file = content.file_name().map_or_else(|| format!("the {name} part"), str::to_owned);
    let summary = summarize(content.content(), &record_types())
        .map_err(|reason| format!("{file} is not a BIND zone file Cloudflare can import: {reason}"))?;
    Ok(Some(format!("zone file {file}: {summary}")))
}

/// The DNS record types Cloudflare takes: the `type` values of the records' schema.
fn record_types() -> Vec<String> {
    let schema = cloudflare_client::operation_schema(RECORD_TYPES_FROM);
    match crate::generated::fields::Fields::of(schema.as_ref().and_then(|schema| schema.body.as_ref())) {
        crate::generated::fields::Fields::Flags(shape) => shape.tags().into_iter().map(str::to_owned).collect(),
        _ => Vec::new(),
    }
}

/// One entry of a zone file: its first line, whether it starts with blank space (a record of
/// the owner before), and its words (a quoted text is one word, marked as quoted).
struct Entry {
    line: usize,
    blank_owner: bool,
    words: Vec<(String, bool)>,
}

/// The records of `bytes`, a zone file, by type; `known` are the types Cloudflare takes.
///
/// # Errors
/// Why it is not a zone file, with the line.
pub fn summarize(bytes: &[u8], known: &[String]) -> Result<Summary, String> {
    let text = std::str::from_utf8(bytes)
        .map_err(|error| format!("it is not text (byte {} is not UTF-8)", error.valid_up_to()))?;
    let mut types: BTreeMap<String, usize> = BTreeMap::new();
    for entry in entries(text)? {
        let Some(((first, _), rest)) = entry.words.split_first() else { continue };
        if !entry.blank_owner && first.starts_with('$') {
            directive(entry.line, first, rest)?;
            continue;
        }
        let mut words = if entry.blank_owner { &entry.words[..] } else { rest }.iter();
        // [TTL] [CLASS] in either order, then the type, then its data.
        let mut kind = words.next();
        for _ in 0..2 {
            if let Some((word, false)) = kind
                && (is_ttl(word) || is_class(word))
            {
                kind = words.next();
            }
        }
        let kind = match kind {
            Some((word, false)) if is_type(word) => word.to_ascii_uppercase(),
            Some((word, _)) => {
                return Err(format!(
                    "line {}: `{}` is not a record type (a record is NAME [TTL] [CLASS] TYPE DATA)",
                    entry.line,
                    crate::output::text(word)
                ));
            }
            None => return Err(format!("line {}: a record with no type (NAME [TTL] [CLASS] TYPE DATA)", entry.line)),
        };
        if words.next().is_none() {
            return Err(format!("line {}: the {kind} record has no data", entry.line));
        }
        *types.entry(kind).or_default() += 1;
    }
    let other: Vec<String> = types.keys().filter(|kind| !known.contains(kind)).cloned().collect();
    if types.is_empty() {
        return Err("it holds no record".to_owned());
    }
    if other.len() == types.len() && !known.is_empty() {
        return Err(format!("none of its records is of a type Cloudflare takes ({})", other.join(", ")));
    }
    Ok(Summary { types, other })
}

/// Checks a `$` directive: `$ORIGIN` and `$TTL` with their value; `$INCLUDE` names a file the
/// upload cannot carry; others are not RFC 1035's.
fn directive(line: usize, name: &str, rest: &[(String, bool)]) -> Result<(), String> {
    match name.to_ascii_uppercase().as_str() {
        "$ORIGIN" | "$TTL" if !rest.is_empty() => Ok(()),
        "$ORIGIN" | "$TTL" => Err(format!("line {line}: {name} without its value")),
        "$INCLUDE" => Err(format!(
            "line {line}: $INCLUDE names another file, which Cloudflare cannot read: put its records in this one"
        )),
        _ => Err(format!(
            "line {line}: {} is not a zone file directive ($ORIGIN, $TTL); expand it first",
            crate::output::text(name)
        )),
    }
}

/// A TTL: seconds, or BIND's units (`1h30m`, `2d`).
fn is_ttl(word: &str) -> bool {
    if !word.is_empty() && word.chars().all(|c| c.is_ascii_digit()) {
        return true;
    }
    // Units: each a number then one of s, m, h, d, w.
    let mut digits = 0;
    for c in word.chars() {
        match c {
            '0'..='9' => digits += 1,
            's' | 'm' | 'h' | 'd' | 'w' | 'S' | 'M' | 'H' | 'D' | 'W' if digits > 0 => digits = 0,
            _ => return false,
        }
    }
    !word.is_empty() && digits == 0
}

/// A class: `IN`, `CH`, `HS`, `CS`.
fn is_class(word: &str) -> bool {
    ["IN", "CH", "HS", "CS"].iter().any(|class| class.eq_ignore_ascii_case(word))
}

/// A type's mnemonic (`A`, `AAAA`, `NSEC3PARAM`, `TYPE65534`).
fn is_type(word: &str) -> bool {
    word.starts_with(|c: char| c.is_ascii_alphabetic()) && word.chars().all(|c| c.is_ascii_alphanumeric())
}

/// The entries of `text`: a line, or lines joined by parentheses; comments (`;` to the end of
/// the line, outside quotes) dropped; `\` escapes the next character.
fn entries(text: &str) -> Result<Vec<Entry>, String> {
    let mut entries = Vec::new();
    let mut entry = Entry { line: 1, blank_owner: false, words: Vec::new() };
    let mut word = String::new();
    let mut quoted = false;
    let (mut line, mut depth, mut opened) = (1usize, 0usize, 0usize);
    let (mut in_quote, mut in_comment, mut at_line_start) = (false, false, true);
    let mut chars = text.chars();
    let end_word = |word: &mut String, quoted: &mut bool, entry: &mut Entry| {
        if !word.is_empty() || *quoted {
            entry.words.push((std::mem::take(word), std::mem::take(quoted)));
        }
    };
    while let Some(c) = chars.next() {
        if at_line_start {
            at_line_start = false;
            if depth == 0 {
                entry.line = line;
                entry.blank_owner = c == ' ' || c == '\t';
            }
        }
        if in_comment && c != '\n' {
            continue;
        }
        match c {
            '\n' => {
                if in_quote {
                    return Err(format!("line {line}: a quoted text is not closed on its line"));
                }
                in_comment = false;
                end_word(&mut word, &mut quoted, &mut entry);
                line += 1;
                at_line_start = true;
                if depth == 0 && !entry.words.is_empty() {
                    entries.push(std::mem::replace(&mut entry, Entry { line, blank_owner: false, words: Vec::new() }));
                }
            }
            '\\' => {
                if let Some(next) = chars.next() {
                    word.push(next);
                }
            }
            '"' => {
                in_quote = !in_quote;
                quoted = true;
            }
            _ if in_quote => word.push(c),
            ';' => in_comment = true,
            '(' => {
                end_word(&mut word, &mut quoted, &mut entry);
                if depth == 0 {
                    opened = line;
                }
                depth += 1;
            }
            ')' => {
                end_word(&mut word, &mut quoted, &mut entry);
                depth = depth.checked_sub(1).ok_or_else(|| format!("line {line}: `)` closes no parenthesis"))?;
            }
            ' ' | '\t' | '\r' => end_word(&mut word, &mut quoted, &mut entry),
            _ => word.push(c),
        }
    }
    if in_quote {
        return Err(format!("line {line}: a quoted text is not closed"));
    }
    if depth > 0 {
        return Err(format!("line {opened}: a parenthesis opened here is not closed"));
    }
    end_word(&mut word, &mut quoted, &mut entry);
    if !entry.words.is_empty() {
        entries.push(entry);
    }
    Ok(entries)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known() -> Vec<String> {
        record_types()
    }

    /// What Cloudflare's export writes (`dns records export`): comments, tabs, tags in comments,
    /// owners with their dot, quoted texts holding `;`, its SOA.
    const EXPORT: &str = r#";;
;; Domain:     example.com.
;; Exported:   2024-05-01 10:00:00
;;
;; SOA Record
example.com	3600	IN	SOA	ns1.cloudflare.com. dns.cloudflare.com. 2046427381 10000 2400 604800 3600

;; A Records
www.example.com.	1	IN	A	192.0.2.1 ; cf_tags=cf-proxied:true
api.example.com.	300	IN	A	192.0.2.2 ; a comment cf_tags=cf-proxied:false

;; CAA Records
example.com.	1	IN	CAA	0 issue "letsencrypt.org"
cert.example.com.	1	IN	CERT	1 2 3 dGVzdA==
;; MX Records
example.com.	1	IN	MX	10 mail.example.com.
;; TXT Records
example.com.	1	IN	TXT	"v=spf1 -all ; not a comment" "and \"more\""
_sip._tcp.example.com.	1	IN	SRV	10 5 5060 sip.example.com.
_ftp._tcp.example.com.	1	IN	URI	10 1 "ftp://ftp.example.com/public"
"#;

    #[test]
    fn cloudflare_s_export_is_counted_by_type() {
        let summary = summarize(EXPORT.as_bytes(), &known()).unwrap();
        assert_eq!(summary.records(), 9);
        assert_eq!(summary.types["A"], 2);
        assert_eq!(summary.other, ["SOA"], "the SOA is not a record type of the DNS records API");
        assert_eq!(
            summary.to_string(),
            "9 records (A 2, CAA 1, CERT 1, MX 1, SOA 1, SRV 1, TXT 1, URI 1); not record types Cloudflare takes: SOA"
        );
    }

    #[test]
    fn hand_written_files_with_origin_defaults_and_parentheses_are_counted() {
        let file = "$ORIGIN example.com.\n$TTL 1h\n@ IN SOA ns1 admin (\n  2024 ; serial\n  3600 600 86400 300 )\n\
                    @ 300 NS ns1.example.com.\n  IN MX 10 mail\nwww A 192.0.2.1\n    AAAA 2001:db8::1\n\
                    mail IN 1d A 192.0.2.3\r\nold 2h30m TXT \"(not a parenthesis)\"\n";
        let summary = summarize(file.as_bytes(), &known()).unwrap();
        let types: Vec<(&str, usize)> = summary.types.iter().map(|(kind, n)| (kind.as_str(), *n)).collect();
        assert_eq!(types, [("A", 2), ("AAAA", 1), ("MX", 1), ("NS", 1), ("SOA", 1), ("TXT", 1)]);
        assert_eq!(summarize(b"www.example.com. 300 IN  A 127.0.0.1", &known()).unwrap().records(), 1, "no newline");
    }

    #[test]
    fn what_is_not_a_zone_file_is_refused_with_its_line() {
        let refused = |file: &[u8]| summarize(file, &known()).unwrap_err();
        assert!(refused(br#"{"type": "A", "name": "www"}"#).contains("line 1: `A,` is not a record type"));
        assert!(refused(b"name,type,content\nwww,A,192.0.2.1\n").contains("line 1: a record with no type"));
        assert!(refused(b"\x89PNG\r\n\x1a\n\x00\xff").contains("not text"));
        assert_eq!(refused(b"; only a comment\n\n"), "it holds no record");
        assert_eq!(refused(b""), "it holds no record");
        assert!(refused(b"@ IN SOA ns1 admin (\n 1 2 3 4 5\n").contains("line 1: a parenthesis opened here"));
        assert!(refused(b"www TXT \"open\n").contains("line 1: a quoted text is not closed"));
        assert!(refused(b"www A 192.0.2.1 )\n").contains("closes no parenthesis"));
        assert!(refused(b"www 300 IN A\n").contains("line 1: the A record has no data"));
        assert!(refused(b"$INCLUDE other.zone\nwww A 192.0.2.1\n").contains("$INCLUDE names another file"));
        assert!(refused(b"$GENERATE 1-9 host$ A 10.0.0.$\n").contains("$GENERATE is not a zone file directive"));
        assert!(refused(b"$TTL\n").contains("$TTL without its value"));
        assert!(refused(b"www HINFO \"cpu\" \"os\"\n").contains("none of its records is of a type Cloudflare takes"));
        assert!(refused(b"www A 192.0.2.1\nbad \"A\" 1\n").contains("line 2: `A` is not a record type"), "quoted");
    }

    #[test]
    fn the_record_types_come_from_the_dns_records_schema() {
        let known = known();
        for kind in ["A", "AAAA", "CAA", "CNAME", "MX", "NS", "SRV", "TXT", "HTTPS", "URI"] {
            assert!(known.iter().any(|known| known == kind), "{kind} in {known:?}");
        }
        assert!(!known.iter().any(|known| known == "SOA"));
    }

    #[test]
    fn ttls_and_classes_are_told_from_types() {
        for ttl in ["0", "300", "1h", "1h30m", "2D", "1w2d"] {
            assert!(is_ttl(ttl), "{ttl}");
        }
        for other in ["A", "h1", "1h3", "TXT", ""] {
            assert!(!is_ttl(other), "{other}");
        }
        assert!(is_class("in") && is_class("IN") && !is_class("A"));
        assert!(is_type("TYPE65534") && is_type("NSEC3PARAM") && !is_type("1A") && !is_type("a,"));
    }
}
