//! Shell completions that ask the binary: `cloudflare completions SHELL` prints a script of a
//! few lines (clap_complete's dynamic completion) that calls `COMPLETE=SHELL cloudflare -- WORDS`
//! at each Tab, and the binary answers with the candidates for the word at the cursor. So the
//! script stays the same size whatever the API holds, sourcing it costs nothing, and an upgraded
//! binary completes its own commands.
//!
//! Answering builds only what the words name, as running a command does (`generated`): the
//! hand-written commands and each family's title, and for a word after a family, that family's
//! commands, with the flags of the one leaf the words before the cursor name.

use std::ffi::OsString;

use clap_complete::env::{CompleteEnv, Shells};

use crate::error::CliError;

/// The variable that asks the binary for candidates (clap_complete's).
const VAR: &str = "COMPLETE";

/// Answers a completion request and exits, if the process is one (`COMPLETE` is set); else
/// returns at once. Before anything is written to stdout.
pub fn answer_if_asked() {
    if std::env::var_os(VAR).is_none_or(|shell| shell.is_empty() || shell == "0") {
        return;
    }
    let words: Vec<OsString> = std::env::args_os().skip_while(|word| word != "--").skip(1).collect();
    CompleteEnv::with_factory(move || command_for(&words)).var(VAR).complete();
}

/// The command line as far as the completion of `words` (the command's name first, the word at
/// the cursor among them) needs it.
fn command_for(words: &[OsString]) -> clap::Command {
    // The word at the cursor: bash and zsh give its index; fish, PowerShell and elvish end the
    // words with it.
    let cursor = std::env::var("_CLAP_COMPLETE_INDEX")
        .ok()
        .and_then(|index| index.parse::<usize>().ok())
        .unwrap_or(words.len().saturating_sub(1));
    let before: Vec<&str> = words.iter().take(cursor).skip(1).map_while(|word| word.to_str()).collect();
    let Some(family) = before.first().copied().and_then(crate::generated::family_of) else {
        return crate::args::command();
    };
    let leaf: Vec<String> =
        before[1..].iter().take_while(|word| !word.starts_with('-')).map(|word| (*word).to_owned()).collect();
    crate::args::command_base().subcommand(crate::generated::tree(family, &leaf, false))
}

/// The script `cloudflare completions SHELL` prints: the shell's registration of the binary as
/// its own completer.
pub fn script(shell: clap_complete::Shell) -> Result<Vec<u8>, CliError> {
    let name = shell.to_string();
    let shells = Shells::builtins();
    let completer = shells.completer(&name).ok_or_else(|| CliError::usage(format!("no completions for {name}")))?;
    let mut script = Vec::new();
    completer
        .write_registration(VAR, "cloudflare", "cloudflare", &completer_path(), &mut script)
        .map_err(|error| CliError::Output(format!("writing the {name} completions: {error}")))?;
    Ok(script)
}

/// The binary the script calls: as it was started (`cloudflare`, found on PATH), or, started by
/// a path, that path made absolute (the script runs in other folders).
fn completer_path() -> String {
    let started = std::path::PathBuf::from(std::env::args_os().next().unwrap_or_else(|| "cloudflare".into()));
    if started.components().count() > 1
        && let Ok(dir) = std::env::current_dir()
    {
        return dir.join(started).display().to_string();
    }
    started.display().to_string()
}

/// The candidates of `cloudflare api OPERATION_ID`: every operation, with its summary.
pub fn operation_ids() -> Vec<clap_complete::CompletionCandidate> {
    cloudflare_client::operations()
        .map(|operation| {
            clap_complete::CompletionCandidate::new(operation.id).help(Some(operation.summary.to_owned().into()))
        })
        .collect()
}
