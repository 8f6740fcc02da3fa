//! What a command runs with: its standard output and error, its standard input, whether each is
//! a terminal, its environment, and the credential to redact from everything it prints. The
//! binary runs with the process's ([`Context::process`]); tests run commands in-process with
//! their own ([`Context::new`]: buffers, a map of variables, no terminal), so that only the tests
//! about the process itself (signals, pipes, a terminal) spawn one.
//!
//! A command finds its context in the task it runs in ([`current`], set by [`Context::scope`]),
//! so that every function that prints or reads the environment gets the same one without it
//! being passed through each call.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io::{BufRead, IsTerminal, Write};
use std::sync::{Arc, Mutex, OnceLock};

use cloudflare_client::Credentials;

/// The context of a command (cheap to clone: the clones share it).
#[derive(Clone)]
pub struct Context(Arc<Inner>);

struct Inner {
    stdout: Mutex<Box<dyn Write + Send>>,
    stderr: Mutex<Box<dyn Write + Send>>,
    stdin: Mutex<Option<Box<dyn BufRead + Send>>>,
    stdin_terminal: bool,
    stdout_terminal: bool,
    stderr_terminal: bool,
    /// The variables; `None`: the process's.
    environment: Option<BTreeMap<String, String>>,
    /// The credential in use, redacted from everything printed once it is known.
    credentials: OnceLock<Credentials>,
    /// The OS keyring (made when first used), or why there is none.
    keyring: OnceLock<Result<Arc<keyring_core::CredentialStore>, String>>,
    /// The secrets the command's request sends (`SecretInput`s of its body), redacted from
    /// everything printed once they are known: a server's error may quote them.
    sent: Mutex<Vec<cloudflare_client::openapi::SecretInput>>,
}

impl std::fmt::Debug for Context {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Context")
            .field("stdin_terminal", &self.0.stdin_terminal)
            .field("stdout_terminal", &self.0.stdout_terminal)
            .field("environment", &self.0.environment.as_ref().map(BTreeMap::len))
            .finish_non_exhaustive()
    }
}

/// The variable naming the folder of the profiles.
pub const CONFIG_DIR_ENV: &str = "CLOUDFLARE_CONFIG_DIR";

tokio::task_local! {
    static CONTEXT: Context;
}

/// The context of the command running in this task (the process's outside any).
pub fn current() -> Context {
    CONTEXT.try_with(Context::clone).unwrap_or_else(|_| process().clone())
}

/// The process's context, made once.
fn process() -> &'static Context {
    static PROCESS: OnceLock<Context> = OnceLock::new();
    PROCESS.get_or_init(Context::process)
}

impl Context {
    /// The process's standard streams and environment.
    pub fn process() -> Self {
        Self(Arc::new(Inner {
            stdout: Mutex::new(Box::new(std::io::stdout())),
            stderr: Mutex::new(Box::new(std::io::stderr())),
            stdin: Mutex::new(Some(Box::new(std::io::BufReader::new(std::io::stdin())))),
            stdin_terminal: std::io::stdin().is_terminal(),
            stdout_terminal: std::io::stdout().is_terminal(),
            stderr_terminal: std::io::stderr().is_terminal(),
            environment: None,
            credentials: OnceLock::new(),
            keyring: OnceLock::new(),
            sent: Mutex::new(Vec::new()),
        }))
    }

    /// A context writing to `stdout` and `stderr`, reading `stdin`, with the variables
    /// `environment` only, and no terminal: a command run in-process, as a test runs one.
    pub fn new(
        stdout: Box<dyn Write + Send>,
        stderr: Box<dyn Write + Send>,
        stdin: Box<dyn BufRead + Send>,
        environment: BTreeMap<String, String>,
    ) -> Self {
        Self(Arc::new(Inner {
            stdout: Mutex::new(stdout),
            stderr: Mutex::new(stderr),
            stdin: Mutex::new(Some(stdin)),
            stdin_terminal: false,
            stdout_terminal: false,
            stderr_terminal: false,
            environment: Some(environment),
            credentials: OnceLock::new(),
            keyring: OnceLock::new(),
            sent: Mutex::new(Vec::new()),
        }))
    }

    /// This context with `keyring` as its OS keyring (a test's mock store); a context of
    /// [`Context::new`] without one has no keyring.
    pub fn with_keyring(self, keyring: Arc<keyring_core::CredentialStore>) -> Self {
        let _ = self.0.keyring.set(Ok(keyring));
        self
    }

    /// The OS keyring: the platform's for the process's context, made when first asked for, or
    /// the one given to [`Context::with_keyring`]; else why there is none.
    pub fn keyring(&self) -> Result<Arc<keyring_core::CredentialStore>, String> {
        self.0
            .keyring
            .get_or_init(|| match self.0.environment {
                None => crate::auth::store::platform_keyring(),
                Some(_) => Err("no OS keyring in this context".to_owned()),
            })
            .clone()
    }

    /// The folder of the profiles: `CLOUDFLARE_CONFIG_DIR`, else `cloudflare-cli` in the user's
    /// configuration folder (the process's context only: a test's has none unless it sets the
    /// variable, so that no test reads the profiles of whoever runs it).
    pub fn config_dir(&self) -> Option<std::path::PathBuf> {
        if let Some(dir) = self.var(CONFIG_DIR_ENV) {
            return Some(dir.into());
        }
        match self.0.environment {
            None => directories::BaseDirs::new().map(|dirs| dirs.config_dir().join("cloudflare-cli")),
            Some(_) => None,
        }
    }

    /// Runs `future` with this context as [`current`].
    pub async fn scope<F: std::future::Future>(self, future: F) -> F::Output {
        CONTEXT.scope(self, future).await
    }

    /// The variable `name`; unset and empty are the same.
    pub fn var(&self, name: &str) -> Option<String> {
        let value = match &self.0.environment {
            Some(environment) => environment.get(name).cloned(),
            None => std::env::var(name).ok(),
        };
        value.filter(|value| !value.is_empty())
    }

    /// The variable `name` as it is set (`Some("")` for one set to nothing).
    pub fn raw_var(&self, name: &str) -> Option<String> {
        match &self.0.environment {
            Some(environment) => environment.get(name).cloned(),
            None => std::env::var_os(name).map(|value| value.to_string_lossy().into_owned()),
        }
    }

    /// Whether the variable `name` is set, even to nothing.
    pub fn is_set(&self, name: &str) -> bool {
        match &self.0.environment {
            Some(environment) => environment.contains_key(name),
            None => std::env::var_os(name).is_some(),
        }
    }

    /// Whether standard input is a terminal (someone can answer a question).
    pub fn stdin_terminal(&self) -> bool {
        self.0.stdin_terminal
    }

    /// Whether standard output is a terminal (a person reads it).
    pub fn stdout_terminal(&self) -> bool {
        self.0.stdout_terminal
    }

    /// Whether standard error is a terminal (a progress bar can be drawn).
    pub fn stderr_terminal(&self) -> bool {
        self.0.stderr_terminal
    }

    /// Standard input, taken (a command reads it once).
    pub fn take_stdin(&self) -> Box<dyn BufRead + Send> {
        lock(&self.0.stdin).take().unwrap_or_else(|| Box::new(std::io::empty()))
    }

    /// From now on, `credentials`' secret is redacted from everything printed.
    pub fn protect(&self, credentials: &Credentials) {
        let _ = self.0.credentials.set(credentials.clone());
    }

    /// From now on, each of `secrets` (what a request sends) is redacted from everything printed.
    pub fn protect_sent(&self, secrets: &[cloudflare_client::openapi::SecretInput]) {
        lock(&self.0.sent).extend(secrets.iter().cloned());
    }

    /// `text` without the credential in use and without the secrets a request sends.
    pub fn redacted<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let mut out = match self.0.credentials.get() {
            Some(credentials) => credentials.redact(text),
            None => Cow::Borrowed(text),
        };
        for secret in lock(&self.0.sent).iter() {
            if let Cow::Owned(redacted) = cloudflare_client::redact_secret(&out, secret.expose_secret()) {
                out = Cow::Owned(redacted);
            }
        }
        out
    }

    /// Writes `bytes` to standard output as they are (a download), flushed.
    ///
    /// # Errors
    /// The write's error (a reader that went away is `BrokenPipe`).
    pub fn write_raw(&self, bytes: &[u8]) -> std::io::Result<()> {
        let mut stdout = lock(&self.0.stdout);
        stdout.write_all(bytes).and_then(|()| stdout.flush())
    }

    /// Writes `text` to standard output, the credential redacted, flushed.
    ///
    /// # Errors
    /// As [`Context::write_raw`].
    pub fn write_out(&self, text: &str) -> std::io::Result<()> {
        self.write_raw(self.redacted(text).as_bytes())
    }

    /// Writes `text` to standard error, the credential redacted (a write that fails is lost:
    /// there is nowhere else to say it).
    pub fn write_err(&self, text: &str) {
        let mut stderr = lock(&self.0.stderr);
        let _ = stderr.write_all(self.redacted(text).as_bytes()).and_then(|()| stderr.flush());
    }
}

/// A writer to the current context's standard output (for code that takes a `Write`).
#[derive(Debug, Clone, Copy, Default)]
pub struct Stdout;

impl Write for Stdout {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        current().write_out(&String::from_utf8_lossy(bytes)).map(|()| bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn lock<T: ?Sized>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// `eprintln!` for commands: a line on the current context's standard error, the credential
/// redacted.
#[macro_export]
#[doc(hidden)]
macro_rules! say {
    ($($argument:tt)*) => {
        $crate::context::current().write_err(&format!("{}\n", format_args!($($argument)*)))
    };
}

/// `eprint!` for commands (no line end).
#[macro_export]
#[doc(hidden)]
macro_rules! say_inline {
    ($($argument:tt)*) => {
        $crate::context::current().write_err(&format!($($argument)*))
    };
}
