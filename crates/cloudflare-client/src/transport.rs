//! How every request of the generated client is sent: the credentials' headers go on,
//! progenitor's `api-version` header comes off, and the status and headers of the answer are
//! noted so that an error about its body can still name them.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;

use reqwest::StatusCode;
use reqwest::header::{HeaderMap, HeaderName};

use crate::credentials::Credentials;

/// Progenitor sends `api-version: <info.version of the spec>` on every request. Cloudflare's
/// API does not use it and the official SDKs do not send it, so it is removed.
const API_VERSION: HeaderName = HeaderName::from_static("api-version");

/// The status and headers of the last answer received while a [`observed`] future ran.
pub(crate) type ResponseHead = (StatusCode, HeaderMap);

tokio::task_local! {
    static LAST_RESPONSE: RefCell<Option<ResponseHead>>;
}

/// The transport behind [`crate::Client::api`].
#[derive(Debug)]
pub(crate) struct ClientTransport {
    pub(crate) credentials: Credentials,
}

impl cloudflare_openapi::Transport for ClientTransport {
    fn execute<'a>(
        &'a self,
        client: &'a reqwest::Client,
        mut request: reqwest::Request,
        _operation_id: &'static str,
    ) -> Pin<Box<dyn Future<Output = reqwest::Result<reqwest::Response>> + Send + 'a>> {
        let headers = request.headers_mut();
        headers.remove(API_VERSION);
        self.credentials.apply(headers);
        Box::pin(async move {
            let response = client.execute(request).await?;
            // Outside `observed` (a caller using the generated client directly) there is
            // nobody to tell, which is fine.
            let _ = LAST_RESPONSE.try_with(|last| {
                *last.borrow_mut() = Some((response.status(), response.headers().clone()));
            });
            Ok(response)
        })
    }
}

/// Runs `future`, also returning the status and headers of the last answer it received.
pub(crate) async fn observed<F: Future>(future: F) -> (F::Output, Option<ResponseHead>) {
    LAST_RESPONSE
        .scope(RefCell::new(None), async move {
            let output = future.await;
            (output, LAST_RESPONSE.with(RefCell::take))
        })
        .await
}
