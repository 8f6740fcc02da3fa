//! End-to-end tests: the client against an httpmock server over real HTTP.

mod auth;
mod errors;
mod every_operation;
mod generic;
mod input;
mod redirect;
mod resilience;
