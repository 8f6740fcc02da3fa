//! End-to-end tests: the client against an httpmock server over real HTTP.

mod auth;
mod client_secret;
mod errors;
mod every_operation;
mod examples;
mod forms;
mod generic;
mod hygiene;
mod input;
mod pagination;
mod redirect;
mod resilience;
