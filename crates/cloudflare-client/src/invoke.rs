//! Any operation of the spec by its `operationId`, with parameters as text and a JSON body:
//! [`Client::invoke`]. `cloudflare api` is built on it, and the generic test calls every
//! operation through it.

use std::fmt;

use cloudflare_openapi::{ArgumentError, Arguments, Download, Untyped};
use serde_json::value::RawValue;

use crate::client::Client;
use crate::error::{Error, InvalidInput};
use crate::pagination::Pages;
use crate::response::Expect;
use crate::types::ResultInfo;
use futures_util::{Stream, StreamExt, TryStreamExt};

/// The successful answer of an operation called by name.
#[derive(Clone)]
#[non_exhaustive]
pub struct Answer {
    /// The envelope's `result` (`null` when the answer had none). It is what Cloudflare sent,
    /// secrets included (a created service token's Client Secret); its `Debug` redacts them.
    /// As JSON values: the fields' order and the text of numbers are not kept (for those, see
    /// [`Answer::result_text`]).
    pub result: Untyped,
    /// `result_info`, for a page of a list.
    pub result_info: Option<ResultInfo>,
    result_text: Box<RawValue>,
    download: Option<Download>,
    head: crate::response::Head,
}

impl Answer {
    /// The envelope's `result` as Cloudflare sent it: its text in the answer's body, byte for
    /// byte, so nothing is lost on the way (fields the spec lacks, their order, numbers as
    /// written, `1.10` and `1e3` included); `null` when the answer had none. It holds what
    /// [`Answer::result`] holds, secrets included, and is not redacted: show it only where the
    /// secret may go. `cloudflare api` prints it.
    pub fn result_text(&self) -> &RawValue {
        &self.result_text
    }

    /// The answer of an operation whose successful answer is not JSON (a CSV export, an
    /// image, a PDF, a pcap, a Worker's script: the table's `answer_media_type`), as sent:
    /// its bytes and content type; `result` is then `null`. `None` for a JSON answer.
    pub fn download(&self) -> Option<&Download> {
        self.download.as_ref()
    }

    /// [`Answer::download`], taken.
    pub fn into_download(self) -> Option<Download> {
        self.download
    }

    /// The HTTP status of the answer (of its last attempt, after retries): `201 Created` for
    /// a create that says so, `200 OK` for most.
    pub fn status(&self) -> reqwest::StatusCode {
        self.head.status
    }

    /// The headers of the answer, as sent. Some operations answer in a header: a Stream upload
    /// by tus answers `201 Created` with no body and the URL to upload to in `Location`
    /// ([`Answer::location`]); every answer has `cf-ray`, and Cloudflare's rate-limit headers.
    /// Not redacted: a header could echo the credential only if the server misbehaved; show
    /// them where the answer's `result_text` may go.
    pub fn headers(&self) -> &reqwest::header::HeaderMap {
        &self.head.headers
    }

    /// The answer's `Location` header, where it is text: the URL a tus upload goes to (Stream's
    /// `stream_videos_initiate_video_uploads_using_tus`), or what a create made.
    pub fn location(&self) -> Option<&str> {
        self.head.location()
    }
}

/// `result` redacted as [`Untyped`] redacts it; the text is shown by its length only.
impl fmt::Debug for Answer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Answer")
            .field("result", &self.result)
            .field("result_info", &self.result_info)
            .field("result_text", &format_args!("<{} bytes>", self.result_text.get().len()))
            .field("download", &self.download)
            .field("status", &self.head.status)
            .field("headers", &format_args!("<{} headers>", self.head.headers.len()))
            .finish()
    }
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
        let prepared = cloudflare_openapi::prepare(self.api(), operation_id, arguments)
            .map_err(|error: ArgumentError| InvalidInput::new("argument", "", error.to_string()))?;
        let (envelope, head) = self.finish_prepared(prepared, Expect::Envelope).await?;
        let (mut json, result_text, download) = envelope.into_parts();
        let result_info = serde_json::from_value(json["result_info"].take()).ok();
        Ok(Answer { result: Untyped(json["result"].take()), result_info, result_text, download, head })
    }

    /// Every item of every page of a list operation (its `page` parameter: 1, 2, …), as a
    /// stream that fetches a page when the items before are read, so memory holds one page
    /// whatever the list's length; with [`Client::paginate`]'s guards against a server that
    /// would make a list endless or repetitive, and [`Error::CutShort`] at the end of a list
    /// that was not read whole (the client's caps, or an operation without a `page` parameter
    /// whose answer says more remains).
    ///
    /// ```no_run
    /// use cloudflare_client::{Arguments, Client};
    /// use futures_util::TryStreamExt;
    ///
    /// # async fn run(client: Client) -> Result<(), cloudflare_client::Error> {
    /// let mut arguments = Arguments::new();
    /// arguments.parameter("account_id", "023e105f4ecef8ad9ca31a8372d0c353");
    /// let mut groups = std::pin::pin!(client.invoke_items("access_groups_list_access_groups", &arguments));
    /// while let Some(group) = groups.try_next().await? {
    ///     println!("{group}");
    /// }
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    /// As [`Client::invoke`], yielded first (nothing is sent) for an unknown operation and for
    /// one that is not a paginated list (not a GET whose answer has `result_info`: a create or
    /// rotate would be carried out, and its answer is not a list); [`Error::UnexpectedResponse`] when
    /// a page's `result` is not an array or a page answers another page number than asked.
    pub fn invoke_items<'a>(
        &'a self,
        operation_id: &'a str,
        arguments: &'a Arguments,
    ) -> impl Stream<Item = Result<serde_json::Value, Error>> + Send + 'a {
        self.items(operation_id, arguments, |answer| match answer.result.into_json() {
            serde_json::Value::Array(items) => Some(items),
            _ => None,
        })
    }

    /// [`Client::invoke_items`], each item as Cloudflare sent it (see [`Answer::result_text`]:
    /// its text, byte for byte, secrets included).
    ///
    /// # Errors
    /// As [`Client::invoke_items`].
    pub fn invoke_items_as_sent<'a>(
        &'a self,
        operation_id: &'a str,
        arguments: &'a Arguments,
    ) -> impl Stream<Item = Result<Box<RawValue>, Error>> + Send + 'a {
        self.items(operation_id, arguments, |answer| serde_json::from_str(answer.result_text.get()).ok())
    }

    /// The items of every page, as `split` takes them from a page's answer (`None`: not a list).
    fn items<'a, T: serde::Serialize + Send + 'a>(
        &'a self,
        operation_id: &'a str,
        arguments: &'a Arguments,
        split: fn(Answer) -> Option<Vec<T>>,
    ) -> impl Stream<Item = Result<T, Error>> + Send + 'a {
        let operation = cloudflare_openapi::operation(operation_id);
        let refused = match operation {
            None => Some(ArgumentError::UnknownOperation(operation_id.to_owned()).to_string()),
            Some(operation) if !operation.paginated || operation.method != "GET" => Some(format!(
                "{operation_id} ({} {}) is not a paginated list: only a GET whose answer has result_info is read page \
                 by page; call it once, with invoke",
                operation.method, operation.path
            )),
            Some(_) => None,
        };
        let paged = operation.is_some_and(|operation| operation.parameter("page").is_some());
        let refused = refused.map(|reason| Error::from(InvalidInput::new("operation", "", reason)));
        let items = crate::pagination::pages(Pages::of(paged), crate::MAX_PAGES, move |page| {
            let mut arguments = arguments.clone();
            if paged {
                arguments.parameter("page", page.to_string());
            }
            async move {
                let answer = self.invoke(operation_id, &arguments).await?;
                let result_info = answer.result_info.clone().unwrap_or_default();
                let Some(items) = split(answer) else {
                    return Err(crate::response::unusable_success(format!(
                        "page {page} of {operation_id} is not a list"
                    )));
                };
                Ok((result_info, items))
            }
        });
        match refused {
            Some(error) => futures_util::stream::once(std::future::ready(Err(error))).left_stream(),
            None => items.right_stream(),
        }
    }

    /// [`Client::invoke_items`], collected: every item of every page, as one array.
    ///
    /// # Errors
    /// As [`Client::invoke_items`] (the first error it yields).
    pub async fn invoke_all(&self, operation_id: &str, arguments: &Arguments) -> Result<Vec<serde_json::Value>, Error> {
        self.invoke_items(operation_id, arguments).try_collect().await
    }
}
