//! How the generated client sends requests: through an injected [`Transport`].
//!
//! Progenitor lets only the crate that defines `Client` override how requests are sent
//! (`ClientHooks::exec`). This crate therefore sends every request through the transport it
//! was built with, which is where cloudflare-client adds credentials, retries and reads
//! answers, for every operation alike.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use progenitor_client::{ClientHooks, OperationInfo};

use crate::Client;

/// Sends the requests of a [`Client`].
///
/// Every generated operation builds its `reqwest::Request` and hands it to the client's
/// transport, so whatever a transport does (credentials, retries, bookkeeping) applies to all
/// operations without per-operation code.
pub trait Transport: std::fmt::Debug + Send + Sync + 'static {
    /// Sends `request` for the operation named `operation_id` using `client`.
    fn execute<'a>(
        &'a self,
        client: &'a reqwest::Client,
        request: reqwest::Request,
        operation_id: &'static str,
    ) -> Pin<Box<dyn Future<Output = reqwest::Result<reqwest::Response>> + Send + 'a>>;
}

impl ClientHooks<Arc<dyn Transport>> for Client {
    async fn exec(&self, request: reqwest::Request, info: &OperationInfo) -> reqwest::Result<reqwest::Response> {
        self.inner.execute(&self.client, request, info.operation_id).await
    }
}
