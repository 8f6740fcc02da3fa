//! The `[features]` block of each manifest that has a feature per family, written between
//! two marker lines (the rest of the manifest is hand-written):
//! - cloudflare-openapi: `<family> = []`;
//! - cloudflare-mock and cloudflare-client: `<family> = ["cloudflare-openapi/<family>"]`;
//! - all three: `default` ([`crate::families::DEFAULT`]) and `full` (every family).

use std::fmt::Write as _;
use std::path::Path;

use super::GeneratedFile;
use crate::families::{DEFAULT, Family};

const BEGIN: &str = "# @generated begin: one feature per family (`cargo xtask codegen`, from xtask/src/families.rs)";
const END: &str = "# @generated end";

/// The manifests with their generated blocks rewritten for `families`.
pub fn files(root: &Path, families: &[&Family]) -> Result<Vec<GeneratedFile>, String> {
    [
        ("crates/cloudflare-openapi/Cargo.toml", false),
        ("crates/cloudflare-mock/Cargo.toml", true),
        ("crates/cloudflare-client/Cargo.toml", true),
    ]
    .into_iter()
    .map(|(path, forwards)| {
        let text = std::fs::read_to_string(root.join(path)).map_err(|error| format!("reading {path}: {error}"))?;
        let contents = rewrite(&text, &block(families, forwards)).map_err(|error| format!("{path}: {error}"))?;
        Ok(GeneratedFile { path: path.to_owned(), contents })
    })
    .collect()
}

/// The features, each family forwarding to cloudflare-openapi's when `forwards`.
fn block(families: &[&Family], forwards: bool) -> String {
    let quoted =
        |names: &mut dyn Iterator<Item = &str>| names.map(|name| format!("\"{name}\"")).collect::<Vec<_>>().join(", ");
    let present: Vec<&str> = families.iter().map(|family| family.name).collect();
    let mut out = String::new();
    let _ = writeln!(out, "default = [{}]", quoted(&mut DEFAULT.iter().copied().filter(|name| present.contains(name))));
    let _ = writeln!(out, "# Every family.");
    let _ = writeln!(out, "full = [{}]", quoted(&mut present.iter().copied()));
    for family in families {
        let _ = writeln!(out, "# {}", family.title);
        let target = if forwards { format!("\"cloudflare-openapi/{}\"", family.name) } else { String::new() };
        let _ = writeln!(out, "{} = [{target}]", family.name);
    }
    out
}

/// `text` with the lines between the markers replaced by `block`.
fn rewrite(text: &str, block: &str) -> Result<String, String> {
    let start = text.find(BEGIN).ok_or(format!("no line `{BEGIN}` to write the features after"))?;
    let body = start + BEGIN.len() + 1;
    let end = text[body..].find(END).map(|at| body + at).ok_or(format!("no line `{END}` after the features"))?;
    Ok(format!("{}{block}{}", &text[..body], &text[end..]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::families::by_name;

    #[test]
    fn the_block_between_the_markers_is_rewritten_and_the_rest_kept() {
        let text = format!(
            "[package]\nname = \"x\"\n\n[features]\nfuzzing = []\n{BEGIN}\nold = []\n{END}\n\n[dependencies]\n"
        );
        let families = [by_name("access").unwrap(), by_name("dns").unwrap()];
        let written = rewrite(&text, &block(&families, true)).unwrap();
        assert!(written.starts_with("[package]\nname = \"x\"\n\n[features]\nfuzzing = []\n"), "{written}");
        assert!(written.ends_with(&format!("{END}\n\n[dependencies]\n")), "{written}");
        assert!(!written.contains("old = []"), "{written}");
        assert!(written.contains("\ndefault = [\"access\"]\n"), "{written}");
        assert!(written.contains("\nfull = [\"access\", \"dns\"]\n"), "{written}");
        assert!(written.contains("\ndns = [\"cloudflare-openapi/dns\"]\n"), "{written}");
        assert!(rewrite("[features]\n", "").unwrap_err().contains("no line"));
    }
}
