//! What `cloudflare api` sends as a request body, read from its flags as the operation takes
//! it: JSON (`--body JSON|@FILE|-`), raw bytes (`--body @FILE|-|TEXT` for an operation whose
//! body is `application/octet-stream`, `application/x-ndjson`, `application/javascript`), or
//! the parts of a multipart form (`--form NAME=VALUE`, `--form NAME=@FILE[;type=MIME]`, as
//! curl's `-F`). Every read is bounded, so `@/dev/zero` is an error, not memory running out.

use std::io::Read;

use cloudflare_client::{Arguments, Body, Part, PartKind};
use serde_json::Value;

/// The longest JSON body `--body @FILE` or `--body -` reads: the same bound as an answer
/// (`DEFAULT_MAX_RESPONSE_BYTES`, 4 MiB). A JSON body of the API is kilobytes (a Zero Trust
/// list of 10,000 entries is under 1 MiB), and decoding takes many times its size in memory,
/// so `--body @/dev/zero` must end in an error, not in memory running out.
pub const MAX_BODY: u64 = cloudflare_client::DEFAULT_MAX_RESPONSE_BYTES as u64;

/// The most an upload (a raw body, or a form's files together) may hold: 100 MiB, the largest
/// request body Cloudflare takes on its Free and Pro plans ("Connection limits",
/// developers.cloudflare.com). It is read into memory, so that a request whose answer was lost
/// can be sent again.
pub const MAX_UPLOAD: u64 = 100 * 1024 * 1024;

/// Sets the body of `arguments` from `--body` and `--form`, as the operation's `body` takes it.
///
/// # Errors
/// Why the flags cannot make that body (unreadable or oversized input, JSON that is not JSON,
/// a malformed `--form`): a usage error, nothing sent. Which kind the operation takes is
/// checked when it is called (`--form` for a JSON operation is refused there, by name).
pub fn set(
    arguments: &mut Arguments,
    body: Option<&Body>,
    given: Option<&str>,
    form: &[(String, String)],
) -> Result<(), String> {
    if let Some(given) = given {
        if body.is_some_and(Body::is_raw) {
            arguments.raw_body(read_raw(given)?);
        } else {
            arguments.body(read_json(given)?);
        }
    }
    let mut total = 0u64;
    for (name, value) in form {
        let kind = body.and_then(|body| body.form).and_then(|shape| shape.part(name)).map(|part| part.kind);
        let part =
            part(value, kind, MAX_UPLOAD.saturating_sub(total)).map_err(|error| format!("--form {name}: {error}"))?;
        total += part.len() as u64;
        arguments.part(name.clone(), part);
    }
    Ok(())
}

/// One part from `--form NAME=...`: `@FILE` (optionally `;type=MIME`) is a file (`@-` standard
/// input), named after the file, its content type given or guessed from its extension (`application/json` for a part the
/// spec says is JSON); anything else is the value itself, as JSON for a JSON part.
fn part(value: &str, kind: Option<PartKind>, limit: u64) -> Result<Part, String> {
    let Some(file) = value.strip_prefix('@') else {
        return Ok(match kind {
            Some(PartKind::Json) => Part::text(value).content_type("application/json"),
            _ => Part::text(value),
        });
    };
    let (path, content_type) = match file.rsplit_once(";type=") {
        Some((path, content_type)) => (path, Some(content_type.to_owned())),
        None => (file, None),
    };
    // `@-` is standard input, as curl reads it.
    let bytes = match path {
        "-" => read_stdin(limit).map_err(|error| format!("reading standard input: {error}"))?,
        _ => read_file(path, limit)?,
    };
    let name = match path {
        "-" => "stdin".into(),
        _ => std::path::Path::new(path).file_name().map_or_else(|| "file".into(), |name| name.to_string_lossy()),
    };
    let content_type = content_type.or_else(|| match kind {
        Some(PartKind::Json) => Some("application/json".to_owned()),
        _ => mime_guess::from_path(path).first_raw().map(str::to_owned),
    });
    let part = Part::file(name.into_owned(), bytes);
    Ok(match content_type {
        Some(content_type) => part.content_type(content_type),
        None => part,
    })
}

/// A raw body from `--body`: `@FILE`'s or standard input's (`-`) bytes, or the text itself.
fn read_raw(given: &str) -> Result<Vec<u8>, String> {
    match given {
        "-" => read_stdin(MAX_UPLOAD).map_err(|error| format!("reading the body from stdin: {error}")),
        _ if given.starts_with('@') => {
            read_file(&given[1..], MAX_UPLOAD).map_err(|error| format!("--body {given}: {error}"))
        }
        _ => Ok(given.as_bytes().to_vec()),
    }
}

/// A JSON body from `--body`: JSON itself, `@FILE`, or `-` for standard input (at most
/// [`MAX_BODY`] bytes from either).
pub fn read_json(body: &str) -> Result<Value, String> {
    let (bytes, origin) = match body {
        "-" => {
            (read_stdin(MAX_BODY).map_err(|error| format!("reading the body from stdin: {error}"))?, "stdin".to_owned())
        }
        _ if body.starts_with('@') => {
            let path = &body[1..];
            (read_file(path, MAX_BODY).map_err(|error| format!("reading --body {body}: {error}"))?, path.to_owned())
        }
        _ => (body.as_bytes().to_vec(), "--body".to_owned()),
    };
    let text = String::from_utf8(bytes).map_err(|_| format!("the body from {origin} is not UTF-8 text"))?;
    serde_json::from_str(&text).map_err(|error| format!("the body from {origin} is not JSON: {error}"))
}

/// Standard input, at most `limit` bytes of it. From a terminal, what is typed is not echoed (a
/// body may hold a secret: a TSIG's, a database password), and stderr says how to end it.
fn read_stdin(limit: u64) -> std::io::Result<Vec<u8>> {
    let context = crate::context::current();
    let _quiet = context.stdin_terminal().then(|| {
        crate::say!(
            "reading the body from the terminal, not shown as it is typed (it may hold a secret); end it with Ctrl-D"
        );
        crate::echo::EchoOff::stdin()
    });
    read_bounded(context.take_stdin(), limit)
}

/// The bytes of the file at `path`, at most `limit` of them.
fn read_file(path: &str, limit: u64) -> Result<Vec<u8>, String> {
    let file = std::fs::File::open(path).map_err(|error| format!("{path}: {error}"))?;
    read_bounded(file, limit).map_err(|error| format!("{path}: {error}"))
}

/// At most `limit` bytes from `reader`; more is an error, read no further.
pub fn read_bounded(reader: impl Read, limit: u64) -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    reader.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(std::io::Error::other(format!(
            "longer than {}, the most a body may be (nothing was sent)",
            size(limit)
        )));
    }
    Ok(bytes)
}

/// `4 MiB`, `100 MiB`, `512 bytes`.
fn size(bytes: u64) -> String {
    if bytes >= 1024 * 1024 { format!("{} MiB", bytes / (1024 * 1024)) } else { format!("{bytes} bytes") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_body_longer_than_the_bound_is_refused_without_reading_on() {
        let exactly = " ".repeat(MAX_BODY as usize);
        assert_eq!(read_bounded(exactly.as_bytes(), MAX_BODY).unwrap().len(), MAX_BODY as usize);
        let over = " ".repeat(MAX_BODY as usize + 1);
        assert!(read_bounded(over.as_bytes(), MAX_BODY).unwrap_err().to_string().contains("4 MiB"));
        assert!(read_bounded(std::io::repeat(b' '), MAX_BODY).is_err(), "an endless input ends");
        assert!(read_file("/dev/zero", 10).unwrap_err().contains("longer than 10 bytes"));
    }

    #[test]
    fn form_values_are_text_json_or_files_as_curl_writes_them() {
        let dir = std::env::temp_dir().join(format!("cloudflare-cli-body-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let script = dir.join("worker.mjs");
        std::fs::write(&script, "export default {}").unwrap();
        let module = part(&format!("@{};type=application/javascript+module", script.display()), None, 1024).unwrap();
        assert_eq!(
            (module.file_name(), module.media_type()),
            (Some("worker.mjs"), Some("application/javascript+module"))
        );
        assert_eq!(module.content().as_ref(), b"export default {}");
        let guessed = part(&format!("@{}", script.display()), Some(PartKind::File), 1024).unwrap();
        assert_eq!(guessed.media_type(), Some("application/javascript"), "guessed from the extension");
        let metadata = part(&format!("@{}", script.display()), Some(PartKind::Json), 1024).unwrap();
        assert_eq!(metadata.media_type(), Some("application/json"), "a JSON part is sent as JSON");
        let inline = part(r#"{"main_module":"worker.mjs"}"#, Some(PartKind::Json), 1024).unwrap();
        assert_eq!((inline.file_name(), inline.media_type()), (None, Some("application/json")));
        let text = part("true", Some(PartKind::Text), 1024).unwrap();
        assert_eq!((text.file_name(), text.media_type(), text.content().as_ref()), (None, None, &b"true"[..]));
        assert!(part("@/no/such/file", None, 1024).unwrap_err().contains("/no/such/file"));
        assert!(part(&format!("@{}", script.display()), None, 4).unwrap_err().contains("longer than 4 bytes"));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
