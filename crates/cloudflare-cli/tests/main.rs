//! The `cloudflare` command's tests, one binary: each file a module (one link of the command's
//! code, not one per file). In-process through `support` but for those about the process
//! (signals, pipes, a terminal, the shells, the file store), which spawn the binary.

mod support;

mod api;
mod api_tokens;
mod audit;
mod auth;
mod auth_file;
mod cli;
mod generated;
mod hostile;
mod hygiene;
mod install;
mod tokens;
