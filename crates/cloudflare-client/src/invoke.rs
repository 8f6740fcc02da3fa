//! Any operation of the spec by its `operationId`, with parameters as text and a JSON body:
//! [`Client::invoke`]. `cloudflare api` is built on it, and the generic test calls every
//! operation through it.

use std::future::Future;
use std::pin::Pin;

use cloudflare_openapi::{ArgumentError, Arguments, Call, Envelope, Secret, Untyped};
use serde::Serialize;

use crate::client::Client;
use crate::error::{Error, InvalidInput, ResponseMeta, UnexpectedResponse};
use crate::response::Expect;
use crate::types::ResultInfo;

/// The successful answer of an operation called by name.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Answer {
    /// The envelope's `result` (`null` when the answer had none). It is what Cloudflare sent,
    /// secrets included (a created service token's Client Secret); its `Debug` redacts them.
    pub result: Untyped,
    /// `result_info`, for a page of a list.
    pub result_info: Option<ResultInfo>,
}

impl Client {
    /// Calls the operation `operation_id` with `arguments`, through the same transport,
    /// credentials, retries and error mapping as every other call, and returns its answer's
    /// `result` as JSON.
    ///
    /// Parameters are given as text and parsed into the operation's types before anything is
    /// sent, so a malformed id (`..`, `a/b`) is refused here.
    ///
    /// ```no_run
    /// use cloudflare_client::{Arguments, Client};
    ///
    /// # async fn run(client: Client) -> Result<(), cloudflare_client::Error> {
    /// let mut arguments = Arguments::new();
    /// arguments.parameter("account_id", "023e105f4ecef8ad9ca31a8372d0c353");
    /// let groups = client.invoke("access_groups_list_access_groups", &arguments).await?;
    /// println!("{}", groups.result.as_json());
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for an unknown operation or arguments that do not fit it
    /// (nothing is sent); otherwise as [`Client::call`], except that a successful answer
    /// without `result` is not an error.
    pub async fn invoke(&self, operation_id: &str, arguments: &Arguments) -> Result<Answer, Error> {
        cloudflare_openapi::invoke(self.api(), operation_id, arguments, ToJson(self))
            .map_err(|error: ArgumentError| InvalidInput::new("argument", "", error.to_string()))?
            .await
    }
}

/// Runs an operation and turns its successful envelope into an [`Answer`].
struct ToJson<'a>(&'a Client);

type AnswerFuture<'a> = Pin<Box<dyn Future<Output = Result<Answer, Error>> + Send + 'a>>;

impl<'a> Call<'a> for ToJson<'a> {
    type Output = AnswerFuture<'a>;

    fn call<T, E>(self, send: cloudflare_openapi::Send<'a, T, E>) -> Self::Output
    where
        T: Envelope + Serialize + Send + 'a,
        E: Envelope + Send + 'a,
    {
        Box::pin(async move {
            let envelope = self.0.finish(send, Expect::Envelope).await?;
            // The caller asked for the answer as JSON: secrets in it are part of the answer.
            let mut json = Secret::exposing(|| serde_json::to_value(&envelope)).map_err(|error| {
                Error::from(UnexpectedResponse::new(
                    ResponseMeta::new(reqwest::StatusCode::OK, &reqwest::header::HeaderMap::new(), 1, &str::to_owned),
                    format!("the answer could not be turned into JSON: {error}"),
                    b"",
                ))
            })?;
            let result_info = serde_json::from_value(json["result_info"].take()).ok();
            Ok(Answer { result: Untyped(json["result"].take()), result_info })
        })
    }
}
