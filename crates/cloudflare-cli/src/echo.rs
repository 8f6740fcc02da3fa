//! The terminal's echo, off while the command reads from it what may hold a secret: a request
//! body typed (or pasted) for `--body -`, whose `SecretInput` fields (a TSIG secret, a database
//! password) the terminal would otherwise show, and a screen recording or a shoulder keep.

/// While it lives, what is typed on the process's standard input (a terminal) is not shown;
/// the terminal's settings are put back when it is dropped (a signal that kills the process
/// leaves them to the shell, as a password prompt does).
pub struct EchoOff {
    #[cfg(unix)]
    restore: Option<rustix::termios::Termios>,
}

impl EchoOff {
    /// Turns the echo of standard input off, where it is a terminal (nothing otherwise).
    pub fn stdin() -> Self {
        #[cfg(unix)]
        {
            use rustix::termios::{LocalModes, OptionalActions, tcgetattr, tcsetattr};
            let stdin = std::io::stdin();
            let restore = tcgetattr(&stdin).ok().filter(|_| {
                // `isatty` by another name: a pipe has no terminal settings.
                rustix::termios::isatty(&stdin)
            });
            if let Some(settings) = &restore {
                let mut quiet = settings.clone();
                // Lines still end with Enter, shown as a new line; nothing else is echoed.
                quiet.local_modes.remove(LocalModes::ECHO | LocalModes::ECHOE | LocalModes::ECHOK);
                quiet.local_modes.insert(LocalModes::ECHONL);
                if tcsetattr(&stdin, OptionalActions::Now, &quiet).is_err() {
                    return Self { restore: None };
                }
            }
            Self { restore }
        }
        #[cfg(not(unix))]
        Self {}
    }
}

impl Drop for EchoOff {
    fn drop(&mut self) {
        #[cfg(unix)]
        if let Some(settings) = &self.restore {
            let _ = rustix::termios::tcsetattr(std::io::stdin(), rustix::termios::OptionalActions::Now, settings);
        }
    }
}
