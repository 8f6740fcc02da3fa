//! The ids to work on: from arguments, and from standard input when no id (or `-`) is given.

use std::collections::HashSet;
use std::io::BufRead;

use cloudflare_client::ServiceTokenId;

/// The ids, in input order, without repeats.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Ids {
    pub ids: Vec<ServiceTokenId>,
    /// How many repeated ids were dropped (each id is deleted and reported once).
    pub repeats: usize,
}

/// Reads every id. Fails with one message per invalid id (naming where it came from), so
/// that all of them can be fixed at once; nothing is sent when any is invalid.
pub fn collect(arguments: &[String], stdin: impl FnOnce() -> Box<dyn BufRead>) -> Result<Ids, Vec<String>> {
    let mut sources: Vec<(String, String)> = Vec::new();
    let read_stdin = arguments.is_empty() || arguments.iter().any(|argument| argument == "-");
    for (index, argument) in arguments.iter().enumerate().filter(|(_, argument)| *argument != "-") {
        sources.push((format!("argument {}", index + 1), argument.clone()));
    }
    let mut problems = Vec::new();
    if read_stdin {
        for (number, line) in stdin().lines().enumerate() {
            match line {
                Ok(line) => {
                    let id = line.split('#').next().unwrap_or_default().trim();
                    if !id.is_empty() {
                        sources.push((format!("line {} of standard input", number + 1), id.to_owned()));
                    }
                }
                Err(error) => {
                    problems.push(format!("reading standard input: {error}"));
                    break;
                }
            }
        }
    }
    let mut seen = HashSet::new();
    let mut ids = Ids::default();
    for (origin, text) in sources {
        match text.parse::<ServiceTokenId>() {
            Ok(id) if seen.insert(id) => ids.ids.push(id),
            Ok(_) => ids.repeats += 1,
            Err(error) => problems.push(format!("{origin}: {error}")),
        }
    }
    if problems.is_empty() { Ok(ids) } else { Err(problems) }
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use super::*;

    const A: &str = "f174e90a-fafe-4643-bbbc-4a0ed4fc8415";
    const B: &str = "0f6ae5d9-39a8-4b8a-9c84-6b2f64f0d3f1";

    fn stdin(text: &'static str) -> impl FnOnce() -> Box<dyn BufRead> {
        move || Box::new(Cursor::new(text))
    }

    fn no_stdin() -> Box<dyn BufRead> {
        panic!("standard input must not be read")
    }

    #[test]
    fn arguments_only_do_not_read_stdin() {
        let ids = collect(&[A.into(), B.into()], no_stdin).unwrap();
        assert_eq!(ids.ids.iter().map(ToString::to_string).collect::<Vec<_>>(), [A, B]);
    }

    #[test]
    fn stdin_skips_blank_lines_and_comments() {
        let ids = collect(&[], stdin("# tokens to revoke\n\n  f174e90a-fafe-4643-bbbc-4a0ed4fc8415  \n0f6ae5d9-39a8-4b8a-9c84-6b2f64f0d3f1 # ci\n\r\n")).unwrap();
        assert_eq!(ids.ids.len(), 2);
    }

    #[test]
    fn dash_adds_stdin_to_arguments_and_repeats_are_dropped() {
        let ids = collect(
            &[A.into(), "-".into()],
            stdin("0f6ae5d9-39a8-4b8a-9c84-6b2f64f0d3f1\nf174e90a-fafe-4643-bbbc-4a0ed4fc8415\n"),
        )
        .unwrap();
        assert_eq!(ids.ids.len(), 2);
        assert_eq!(ids.repeats, 1);
    }

    #[test]
    fn every_invalid_id_is_reported_with_its_origin() {
        let problems =
            collect(&["..".into(), A.into(), "-".into()], stdin("nope\nf174e90a-fafe-4643-bbbc-4a0ed4fc8415\na/b\n"))
                .unwrap_err();
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(problems[0].starts_with("argument 1: invalid service token id \"..\""), "{problems:?}");
        assert!(problems[1].starts_with("line 1 of standard input: invalid service token id \"nope\""), "{problems:?}");
        assert!(problems[2].starts_with("line 3 of standard input"), "{problems:?}");
    }
}
