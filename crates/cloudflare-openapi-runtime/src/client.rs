//! The one client every family's operations are methods of.
//!
//! Progenitor writes a `Client` struct for each spec it generates from; codegen leaves those
//! out, so that every family adds its methods to this one (by its trait, such as
//! `DnsOperations`, in the family crate's `client.rs`), and a user holds one client whatever
//! families the build enables.

use progenitor_client::ClientInfo;

/// The base URL and the HTTP client the generated request builders build with.
///
/// Each operation of each enabled family is a method returning its builder, such as
/// `client.list_account_service_tokens()`, from the family's trait (`AccessOperations`;
/// `use cloudflare_openapi::prelude::*` brings every enabled family's). The builders only
/// build requests ([`crate::Request`]); cloudflare-client sends them.
#[derive(Clone, Debug)]
pub struct Client {
    // Read by the generated builders of every family crate (progenitor's code names the
    // fields); nothing else in them is a secret or an invariant.
    #[doc(hidden)]
    pub baseurl: String,
    #[doc(hidden)]
    pub client: reqwest::Client,
}

impl Client {
    /// A client for the API at `baseurl` (scheme, host and path stem, such as
    /// `https://api.cloudflare.com/client/v4`), building requests with `client`.
    pub fn new_with_client(baseurl: &str, client: reqwest::Client) -> Self {
        Self { baseurl: baseurl.to_owned(), client }
    }
}

impl ClientInfo<()> for Client {
    fn api_version() -> &'static str {
        "4"
    }

    fn baseurl(&self) -> &str {
        &self.baseurl
    }

    fn client(&self) -> &reqwest::Client {
        &self.client
    }

    fn inner(&self) -> &() {
        &()
    }
}
