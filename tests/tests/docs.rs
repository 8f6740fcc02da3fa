//! The README and the guide's pages (`docs/`): every relative link resolves (its file, and its
//! `#anchor` to a heading of that file), every page is linked from the README and has its Rust
//! examples compiled as doctests (cloudflare-client's `guide` module), and the README stays a
//! page a newcomer reads in five minutes.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// The guide's pages, by file name.
fn pages() -> BTreeSet<String> {
    std::fs::read_dir(root().join("docs"))
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .filter(|name| name.ends_with(".md"))
        .collect()
}

/// The lines of `text` outside fenced code blocks.
fn prose(text: &str) -> impl Iterator<Item = &str> {
    let mut fenced = false;
    text.lines().filter(move |line| {
        if line.starts_with("```") {
            fenced = !fenced;
            return false;
        }
        !fenced
    })
}

/// The targets of the inline links `[text](target)` of a line (inline code left out).
fn links(line: &str) -> Vec<String> {
    let mut line = line.to_owned();
    // `[a](b)` inside backticks is code, not a link.
    while let Some(start) = line.find('`') {
        let Some(length) = line[start + 1..].find('`') else { break };
        line.replace_range(start..start + length + 2, "");
    }
    let mut found = Vec::new();
    let mut rest = line.as_str();
    while let Some(at) = rest.find("](") {
        let after = &rest[at + 2..];
        let Some(end) = after.find(')') else { break };
        found.push(after[..end].trim().to_owned());
        rest = &after[end..];
    }
    found
}

/// A heading's anchor as GitHub makes it: lower case, punctuation but `-` and `_` dropped,
/// spaces as `-`.
fn slug(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_'))
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

fn anchors(text: &str) -> BTreeSet<String> {
    prose(text).filter(|line| line.starts_with('#')).map(|line| slug(line.trim_start_matches('#'))).collect()
}

#[test]
fn a_slug_is_github_s() {
    assert_eq!(slug(" Signing in: `cloudflare auth`"), "signing-in-cloudflare-auth");
    assert_eq!(slug("Retries, rate limits, bounded answers"), "retries-rate-limits-bounded-answers");
    assert_eq!(links("see [a](b.md#c) and `[d](e)` and [f](https://g)"), ["b.md#c", "https://g"]);
}

#[test]
fn every_relative_link_of_the_readme_and_the_guide_resolves() {
    let root = root();
    let files: Vec<PathBuf> = std::iter::once(root.join("README.md"))
        .chain(pages().iter().map(|page| root.join("docs").join(page)))
        .collect();
    let mut checked = 0;
    let mut broken = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        for target in prose(&text).flat_map(links) {
            if target.contains("://") || target.starts_with("mailto:") {
                continue;
            }
            checked += 1;
            let (path, anchor) = target.split_once('#').unwrap_or((&target, ""));
            let resolved = if path.is_empty() { file.clone() } else { file.parent().unwrap().join(path) };
            if !resolved.exists() {
                broken.push(format!("{}: {target}: no {}", file.display(), resolved.display()));
                continue;
            }
            if !anchor.is_empty() && !anchors(&std::fs::read_to_string(&resolved).unwrap()).contains(anchor) {
                broken.push(format!("{}: {target}: no heading #{anchor} in {}", file.display(), resolved.display()));
            }
        }
    }
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
    assert!(checked >= pages().len(), "{checked} links checked");
}

#[test]
fn every_page_is_linked_from_the_readme_and_doctested() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let linked: BTreeSet<String> = prose(&readme)
        .flat_map(links)
        .filter_map(|target| target.strip_prefix("docs/").map(|page| page.split('#').next().unwrap().to_owned()))
        .collect();
    let doctested = std::fs::read_to_string(root().join("crates/cloudflare-client/src/lib.rs")).unwrap();
    for page in pages() {
        assert!(linked.contains(&page), "README links no docs/{page}");
        assert!(doctested.contains(&format!("\"{page}\"")), "docs/{page} is not in cloudflare-client's guide doctests");
    }
}

#[test]
fn the_readme_is_read_in_five_minutes() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let lines = readme.lines().count();
    assert!(lines <= 250, "README.md has {lines} lines: move reference material to a page of docs/");
}
