//! An answer that is not JSON (a DNS export, a CSV, an image, a PDF, a pcap, a Worker's
//! script) on stdout: byte for byte when stdout is not a terminal (`cloudflare api ... >
//! capture.pcap`), and, on a terminal, shown only when it is text, made safe for the terminal
//! (as every answer is) line by line. Binary output would rewrite the terminal, so it is
//! refused there with a hint, as curl does ("Binary output can mess up your terminal"); where
//! the spec already says the answer is binary, before anything is sent.

use std::process::ExitCode;

use cloudflare_client::{Download, Operation};

use crate::error::CliError;

/// Whether an answer of `media` (the spec's media type) is binary whatever its content: an
/// image, audio, video, a PDF, a packet capture, an archive. Others (text, JSON, a KV value's
/// `application/octet-stream`) are judged by their content when they arrive.
pub fn is_binary_media(media: &str) -> bool {
    let media = media.split(';').next().unwrap_or(media).trim().to_ascii_lowercase();
    ["image/", "audio/", "video/"].iter().any(|prefix| media.starts_with(prefix))
        || ["application/pdf", "application/vnd.tcpdump.pcap", "application/zip", "application/gzip"]
            .contains(&media.as_str())
}

/// The refusal of a binary answer of `operation` on a terminal, with what to do instead.
pub fn refusal(operation: &Operation, media: &str) -> String {
    let extension = match media {
        "application/pdf" => "pdf",
        "application/vnd.tcpdump.pcap" => "pcap",
        "image/png" => "png",
        _ => "bin",
    };
    format!(
        "the answer of {} is binary ({media}) and standard output is a terminal, which it would garble: nothing \
         was shown; redirect it to a file (cloudflare api {} ... > answer.{extension}) or pipe it",
        operation.id, operation.id
    )
}

/// Writes `download`, the answer of `operation`, to stdout: its bytes as they are when stdout
/// is not a `terminal`; on one, its text made safe for it (and the credential redacted), or a
/// refusal when it is not text.
///
/// # Errors
/// A binary answer on a terminal (exit 1: it was fetched, and not shown), or a failed write.
pub fn print(operation: &Operation, download: &Download, terminal: bool) -> Result<ExitCode, CliError> {
    if terminal {
        let Some(text) = download.text().filter(|_| download.is_text()) else {
            let media = download.content_type().unwrap_or("no content type");
            return Err(CliError::Output(refusal(operation, media)));
        };
        // Line by line (a CRLF line end is a line end), each line escaped as every answer is.
        let lines: Vec<String> = text
            .split('\n')
            .map(|line| crate::output::text(line.strip_suffix('\r').unwrap_or(line)).into_owned())
            .collect();
        let mut shown = lines.join("\n");
        if !shown.ends_with('\n') {
            shown.push('\n');
        }
        return crate::write_stdout(shown.as_bytes());
    }
    // Byte for byte: a file written from it is the file Cloudflare holds.
    match crate::context::current().write_raw(download.bytes()) {
        Err(error) if error.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(CliError::Output(format!("writing the output: {error}")))
        }
        _ => Ok(ExitCode::SUCCESS),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binary_media_are_known_before_sending_and_text_is_judged_on_arrival() {
        for binary in ["image/png", "image/*", "application/pdf", "application/vnd.tcpdump.pcap", "Image/PNG; q=1"] {
            assert!(is_binary_media(binary), "{binary}");
        }
        for other in ["text/csv", "text/plain", "application/octet-stream", "application/x-ndjson", "text/vtt"] {
            assert!(!is_binary_media(other), "{other}");
        }
        let operation = cloudflare_client::operation("magic_pcap_collection_download_simple_pcap").unwrap();
        let message = refusal(operation, "application/vnd.tcpdump.pcap");
        assert!(message.contains("> answer.pcap") && message.contains("nothing was shown"), "{message}");
    }

    #[test]
    fn a_binary_answer_is_refused_on_a_terminal() {
        let operation = cloudflare_client::operation("workers_kv_namespace_read_key_value_pair").unwrap();
        let binary = Download::new(&b"\x1b]0;pwned\x07\x00\xff"[..], Some("application/octet-stream"));
        let error = print(operation, &binary, true).unwrap_err();
        assert!(matches!(&error, CliError::Output(message) if message.contains("is binary")), "{error:?}");
    }
}
