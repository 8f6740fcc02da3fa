//! The `cloudflare` command run in-process, as the tests that are not about the process run it:
//! the same command line, environment and standard input as a spawned `cloudflare`, with its
//! standard output and error captured (`cloudflare_cli::run_in`), and the same
//! `std::process::Output` back. What `assert_cmd::Command` offers these tests, without a process:
//! the tests about the process (signals, pipes, a terminal) spawn the binary.

#![allow(dead_code)] // each test file uses its part

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::io::Write;
use std::os::unix::process::ExitStatusExt;
use std::sync::{Arc, Mutex};

/// A command line to run in-process.
#[derive(Debug, Clone)]
pub struct Command {
    arguments: Vec<OsString>,
    environment: BTreeMap<String, String>,
    stdin: Vec<u8>,
    /// The OS keyring the command sees (keyring-core's mock store); none: no keyring.
    keyring: Option<Arc<keyring_core::CredentialStore>>,
}

impl Command {
    /// `cloudflare`, with an empty environment and standard input.
    pub fn cloudflare() -> Self {
        Self { arguments: vec!["cloudflare".into()], environment: BTreeMap::new(), stdin: Vec::new(), keyring: None }
    }

    /// `cloudflare` against the fake at `base_url`, with the API token `token`.
    pub fn against(base_url: &str, token: &str) -> Self {
        let mut command = Self::cloudflare();
        command.env("CLOUDFLARE_BASE_URL", base_url).env("CLOUDFLARE_API_TOKEN", token);
        command
    }

    pub fn arg(&mut self, argument: impl Into<OsString>) -> &mut Self {
        self.arguments.push(argument.into());
        self
    }

    pub fn args<I: IntoIterator<Item = S>, S: Into<OsString>>(&mut self, arguments: I) -> &mut Self {
        self.arguments.extend(arguments.into_iter().map(Into::into));
        self
    }

    pub fn env(&mut self, name: impl Into<String>, value: impl Into<String>) -> &mut Self {
        self.environment.insert(name.into(), value.into());
        self
    }

    pub fn env_remove(&mut self, name: &str) -> &mut Self {
        self.environment.remove(name);
        self
    }

    /// The command runs with `keyring` as its OS keyring.
    pub fn keyring(&mut self, keyring: &Arc<keyring_core::CredentialStore>) -> &mut Self {
        self.keyring = Some(keyring.clone());
        self
    }

    pub fn write_stdin(&mut self, stdin: impl Into<Vec<u8>>) -> &mut Self {
        self.stdin = stdin.into();
        self
    }

    /// Accepted for the same calls as `assert_cmd`'s; the tests' own deadlines bound a run.
    pub fn timeout(&mut self, _: std::time::Duration) -> &mut Self {
        self
    }

    /// Runs it, on a runtime of its own (as the binary has), and returns what it printed and its
    /// exit status.
    pub fn output(&mut self) -> std::io::Result<std::process::Output> {
        let stdout = Captured::default();
        let stderr = Captured::default();
        let context = cloudflare_cli::context::Context::new(
            Box::new(stdout.clone()),
            Box::new(stderr.clone()),
            Box::new(std::io::Cursor::new(self.stdin.clone())),
            self.environment.clone(),
        );
        let context = match &self.keyring {
            Some(keyring) => context.with_keyring(keyring.clone()),
            None => context,
        };
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
        let code = runtime.block_on(cloudflare_cli::run_in(self.arguments.clone(), context));
        let code = (0..=255u8).find(|n| std::process::ExitCode::from(*n) == code).unwrap_or(255);
        Ok(std::process::Output {
            status: std::process::ExitStatus::from_raw(i32::from(code) << 8),
            stdout: stdout.take(),
            stderr: stderr.take(),
        })
    }
}

/// A stream the command writes to, kept for the test.
#[derive(Debug, Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Captured {
    fn take(&self) -> Vec<u8> {
        std::mem::take(&mut self.0.lock().unwrap())
    }
}

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Runs the `cloudflare` binary with `args` on a terminal (util-linux `script` gives it a pty),
/// against `base_url` with the API token `token`, answering `answer` at a prompt once it is up;
/// its exit status and what the terminal showed (stdout and stderr). `None` without `script`.
pub fn on_a_terminal(base_url: &str, token: &str, args: &[&str], answer: &str) -> Option<(i32, String)> {
    on_a_terminal_with(&[("CLOUDFLARE_BASE_URL", base_url), ("CLOUDFLARE_API_TOKEN", token)], args, answer)
}

/// [`on_a_terminal`] with `environment` alone of the binary's `CLOUDFLARE_` variables.
pub fn on_a_terminal_with(environment: &[(&str, &str)], args: &[&str], answer: &str) -> Option<(i32, String)> {
    let script = std::path::Path::new("/usr/bin/script");
    if !script.exists() {
        eprintln!("skipped: util-linux `script` is not installed");
        return None;
    }
    let binary = assert_cmd::cargo::cargo_bin("cloudflare");
    let line = std::iter::once(binary.display().to_string())
        .chain(args.iter().map(|arg| format!("'{arg}'")))
        .collect::<Vec<_>>()
        .join(" ");
    let mut command = std::process::Command::new(script);
    command.args(["-qec", &line, "/dev/null"]);
    for (name, _) in std::env::vars().filter(|(name, _)| name.starts_with("CLOUDFLARE_")) {
        command.env_remove(name);
    }
    command.envs(environment.iter().copied());
    let mut child = command.stdin(std::process::Stdio::piped()).stdout(std::process::Stdio::piped()).spawn().unwrap();
    {
        let mut stdin = child.stdin.take().unwrap();
        if !answer.is_empty() {
            // After the prompt is up: the terminal would echo an early answer, and read it all
            // the same.
            std::thread::sleep(std::time::Duration::from_millis(500));
            let _ = stdin.write_all(answer.as_bytes());
        }
    }
    let output = child.wait_with_output().unwrap();
    Some((output.status.code().unwrap_or(-1), String::from_utf8_lossy(&output.stdout).into_owned()))
}
