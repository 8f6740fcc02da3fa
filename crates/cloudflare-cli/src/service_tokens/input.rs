//! The ids to work on: from arguments, and from standard input when no id (or `-`) is given.

use std::collections::HashSet;
use std::io::{BufRead, Read};

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
        let mut stdin = stdin();
        for number in 1.. {
            match bounded_line(&mut stdin) {
                Ok(Line::End) => break,
                Ok(Line::TooLong) => problems.push(format!(
                    "line {number} of standard input is longer than {MAX_LINE} bytes: not an id (not read further)"
                )),
                Ok(Line::Text(line)) => {
                    let id = line.split('#').next().unwrap_or_default().trim();
                    if !id.is_empty() {
                        sources.push((format!("line {number} of standard input"), id.to_owned()));
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

/// The longest line of standard input read: an id with a comment fits many times over.
pub const MAX_LINE: usize = 4096;

enum Line {
    Text(String),
    /// Longer than [`MAX_LINE`]: skipped to its end without being held.
    TooLong,
    End,
}

/// The next line, holding at most [`MAX_LINE`] bytes of it.
fn bounded_line(reader: &mut dyn BufRead) -> std::io::Result<Line> {
    let mut line = Vec::new();
    let read = reader.take(MAX_LINE as u64 + 1).read_until(b'\n', &mut line)?;
    if read == 0 {
        return Ok(Line::End);
    }
    if line.len() > MAX_LINE && line.last() != Some(&b'\n') {
        reader.skip_until(b'\n')?;
        return Ok(Line::TooLong);
    }
    Ok(Line::Text(String::from_utf8_lossy(&line).trim_end_matches(['\n', '\r']).to_owned()))
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
    fn a_huge_line_is_refused_without_being_held_and_reading_goes_on() {
        let huge = std::io::repeat(b'a').take(100 * 1024 * 1024);
        let rest = Cursor::new(format!("\n{A}\n").into_bytes());
        let reader = std::io::BufReader::new(huge.chain(rest));
        let problems = collect(&[], move || Box::new(reader)).unwrap_err();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].starts_with("line 1 of standard input is longer than 4096 bytes"), "{problems:?}");
        let exact = "f".repeat(MAX_LINE);
        let problems = collect(&[], move || Box::new(Cursor::new(exact))).unwrap_err();
        assert!(
            problems[0].starts_with("line 1 of standard input: invalid service token id"),
            "at the limit: {problems:?}"
        );
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
