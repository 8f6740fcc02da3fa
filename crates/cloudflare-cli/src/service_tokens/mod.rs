//! `cloudflare service-tokens`: the hand-written commands of Zero Trust Access service tokens,
//! beside the generated `cloudflare access service-tokens` ones: bulk deletes and refreshes
//! (`delete.rs`, with `bulk.rs`, `input.rs`, `report.rs`), and list, get, create, rotate,
//! refresh and update (`tokens.rs`, with `table.rs`).

pub mod bulk;
pub(crate) mod delete;
pub(crate) mod input;
pub mod report;
pub(crate) mod table;
pub(crate) mod tokens;

use std::process::ExitCode;

use crate::args::ServiceTokensCommand;
use crate::error::CliError;

/// Runs `command`.
pub(crate) async fn run(command: ServiceTokensCommand) -> Result<ExitCode, CliError> {
    match command {
        ServiceTokensCommand::Delete(args) => delete::run(args).await,
        ServiceTokensCommand::List(args) => tokens::list(args).await,
        ServiceTokensCommand::Get(args) => tokens::get(args).await,
        ServiceTokensCommand::Create(args) => tokens::create(args).await,
        ServiceTokensCommand::Rotate(args) => tokens::rotate(args).await,
        ServiceTokensCommand::Refresh(args) => tokens::refresh(args).await,
        ServiceTokensCommand::Update(args) => tokens::update(args).await,
    }
}
