//! The one client every family's operations are methods of.
//!
//! Progenitor writes a `Client` struct for each spec it generates from; codegen leaves those
//! out, so that every family adds its methods (in its `client.rs`) to this one, and a user
//! holds one client whatever families the build enables.

use progenitor_client::ClientInfo;

/// The base URL and the HTTP client the generated request builders build with.
///
/// Each operation of each enabled family is a method returning its builder, such as
/// `client.access_service_tokens_list_service_tokens()`. The builders only build requests
/// ([`crate::Request`]); cloudflare-client sends them.
#[derive(Clone, Debug)]
pub struct Client {
    pub(crate) baseurl: String,
    pub(crate) client: reqwest::Client,
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
