//! Any operation of the spec by its `operationId`, with parameters as text and a JSON body:
//! [`Client::invoke`]. `cloudflare api` is built on it, and the generic test calls every
//! operation through it.

use std::future::Future;
use std::pin::Pin;

use cloudflare_openapi::{ArgumentError, Arguments, Call, Request, Secret, Untyped};

use crate::client::Client;
use crate::error::{Error, InvalidInput};
use crate::pagination::Pages;
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

    /// [`Client::invoke`] for every page of a list operation (its `page` parameter: 1, 2, …),
    /// the items as one array, with [`Client::paginate`]'s guards against a server that
    /// would make a list endless or repetitive. An operation without a `page` parameter is
    /// called once.
    ///
    /// # Errors
    /// As [`Client::invoke`]; [`Error::UnexpectedResponse`] when a page's `result` is not an
    /// array or a page answers another page number than the one asked for.
    pub async fn invoke_all(&self, operation_id: &str, arguments: &Arguments) -> Result<Vec<serde_json::Value>, Error> {
        let paged =
            cloudflare_openapi::operation(operation_id).is_some_and(|operation| operation.parameter("page").is_some());
        let mut arguments = arguments.clone();
        let mut pages = Pages::new();
        let mut items = Vec::new();
        while let Some(page) = pages.next() {
            if paged {
                arguments.parameter("page", page.to_string());
            }
            let answer = self.invoke(operation_id, &arguments).await?;
            let serde_json::Value::Array(batch) = answer.result.into_json() else {
                return Err(crate::response::unusable_success(format!("page {page} of {operation_id} is not a list")));
            };
            items.extend(pages.accept(page, &answer.result_info.unwrap_or_default(), batch)?);
            if !paged {
                break;
            }
        }
        Ok(items)
    }
}

/// Runs an operation and turns its successful envelope into an [`Answer`].
struct ToJson<'a>(&'a Client);

type AnswerFuture<'a> = Pin<Box<dyn Future<Output = Result<Answer, Error>> + Send + 'a>>;

impl<'a> Call<'a> for ToJson<'a> {
    type Output = AnswerFuture<'a>;

    fn call<R: Request + Send + 'a>(self, request: R) -> Self::Output {
        Box::pin(async move {
            let envelope = self.0.finish(request, Expect::Envelope).await?;
            // The caller asked for the answer as JSON: secrets in it are part of the answer.
            let mut json = Secret::exposing(|| serde_json::to_value(&envelope)).map_err(|error| {
                crate::response::unusable_success(format!("the answer could not be turned into JSON: {error}"))
            })?;
            let result_info = serde_json::from_value(json["result_info"].take()).ok();
            Ok(Answer { result: Untyped(json["result"].take()), result_info })
        })
    }
}
