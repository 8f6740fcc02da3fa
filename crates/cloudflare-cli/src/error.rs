//! The one error type of the commands, and the one place that turns it into a message on
//! stderr and an exit status.

use std::process::ExitCode;

use crate::output;

/// Usage or configuration error, found before anything was sent.
pub(crate) const USAGE: u8 = 2;

/// Why a command failed.
#[derive(Debug)]
pub enum CliError {
    /// The command line, input or configuration is wrong: every problem found. Nothing was sent.
    Usage(Vec<String>),
    /// Cloudflare's (or the network's) error; `note` follows it, such as what to check when
    /// Cloudflare may have acted all the same.
    Api { error: cloudflare_client::Error, note: Option<String> },
    /// The output could not be written or made.
    Output(String),
    /// Cloudflare answered, but without what the command exists for (a created or rotated
    /// token without its Client Secret): what happened, and what to do.
    Incomplete(String),
}

impl CliError {
    /// One usage problem.
    pub fn usage(problem: impl Into<String>) -> Self {
        Self::Usage(vec![problem.into()])
    }

    /// The exit status: 2 when nothing was sent because of the input or configuration, else 1.
    pub fn exit_code(&self) -> ExitCode {
        match self {
            Self::Usage(_) => ExitCode::from(USAGE),
            Self::Api { error, .. } if error.is_invalid_input() => ExitCode::from(USAGE),
            Self::Api { .. } | Self::Output(_) | Self::Incomplete(_) => ExitCode::FAILURE,
        }
    }

    /// Prints the error (escaped for the terminal, credentials redacted) and returns the exit
    /// status.
    pub fn report(self) -> ExitCode {
        let code = self.exit_code();
        let lines = match self {
            Self::Usage(problems) => problems,
            Self::Api { error, note } => [error.to_string()].into_iter().chain(note).collect(),
            Self::Output(problem) | Self::Incomplete(problem) => vec![problem],
        };
        for (index, line) in lines.iter().enumerate() {
            // A note after an API error is not an error itself.
            let prefix = if index > 0 && line.starts_with("note:") { "" } else { "error: " };
            crate::say!("{prefix}{}", output::text(line));
        }
        code
    }
}

/// Whether Cloudflare may have carried out a request that ended in `error`: it was sent, and
/// was not refused with a 4xx (a lost or unreadable answer, a timeout, a 5xx).
pub(crate) fn may_have_acted(error: &cloudflare_client::Error) -> bool {
    error.attempts() > 0 && !error.is_invalid_input() && !error.status().is_some_and(|status| status.is_client_error())
}

impl From<cloudflare_client::Error> for CliError {
    fn from(error: cloudflare_client::Error) -> Self {
        Self::Api { error, note: None }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_come_from_one_place() {
        assert_eq!(CliError::usage("bad").exit_code(), ExitCode::from(2));
        let refused: cloudflare_client::Error = "..".parse::<cloudflare_client::AccountId>().unwrap_err();
        assert_eq!(CliError::from(refused).exit_code(), ExitCode::from(2), "refused before sending");
        let missing = cloudflare_client::Credentials::api_token("").unwrap_err();
        assert_eq!(CliError::from(missing).exit_code(), ExitCode::from(2));
        assert_eq!(CliError::Output("disk full".into()).exit_code(), ExitCode::FAILURE);
    }
}
