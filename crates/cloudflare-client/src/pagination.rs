//! Lists that span pages, as one lazy stream of items.

use std::collections::{HashSet, VecDeque};

use cloudflare_openapi::{Envelope, Paginated, Request};
use futures_util::Stream;
use serde::Serialize;

use crate::client::Client;
use crate::error::Error;
use crate::types::ResultInfo;

impl Client {
    /// Every item of a paginated list operation, fetching pages (1, 2, …) lazily as the stream
    /// is read. `fetch(page)` builds the operation for one page; each is sent as
    /// [`Client::call`] sends it.
    ///
    /// A server cannot make it run forever or repeat itself: the stream ends after the last
    /// page (`result_info.total_pages`, `page * per_page >= total_count`, or a page shorter
    /// than `per_page`), at an empty page, at a page that brings no item not seen before, and
    /// after [`MAX_PAGES`](crate::MAX_PAGES) pages; an item seen on an earlier page is not
    /// yielded again; a page that answers another page number than the one asked for is an
    /// error (its items are not yielded). After the first error, which it yields, it ends.
    ///
    /// ```no_run
    /// use futures_util::TryStreamExt;
    ///
    /// # async fn run(client: cloudflare_client::Client) -> Result<(), cloudflare_client::Error> {
    /// let tokens: Vec<_> = client
    ///     .paginate(|page| {
    ///         client
    ///             .api()
    ///             .list_account_service_tokens()
    ///             .account_id("023e105f4ecef8ad9ca31a8372d0c353")
    ///             .page(page)
    ///             .per_page(100)
    ///     })
    ///     .try_collect()
    ///     .await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn paginate<'a, R, Item, F>(&'a self, fetch: F) -> impl Stream<Item = Result<Item, Error>> + Send + 'a
    where
        F: FnMut(u64) -> R + Send + 'a,
        R: Request + Send + 'a,
        R::Success: Paginated<Result = Vec<Item>>,
        Item: Serialize + Send + 'a,
    {
        let state = State { fetch, pages: Pages::new(), items: VecDeque::new() };
        futures_util::stream::unfold(state, move |mut state| async move {
            loop {
                if let Some(item) = state.items.pop_front() {
                    return Some((Ok(item), state));
                }
                let page = state.pages.next()?;
                let answer = match self.call_envelope((state.fetch)(page)).await {
                    Err(error) => Err(error),
                    Ok(envelope) => {
                        let info = envelope.result_info().cloned().unwrap_or_default();
                        state.pages.accept(page, &info, envelope.into_result().unwrap_or_default())
                    }
                };
                match answer {
                    Ok(items) => state.items.extend(items),
                    Err(error) => {
                        state.pages.stop();
                        return Some((Err(error), state));
                    }
                }
            }
        })
    }
}

/// Where a paginated read is: the next page to ask for and what was already seen. Every rule
/// that keeps a lying server from making a list endless or repetitive is here.
#[derive(Debug)]
pub(crate) struct Pages {
    /// The next page to fetch; `None` once the last was fetched or an error was met.
    next: Option<u64>,
    /// The identity of every item yielded: its `id`, else the item itself as JSON.
    seen: HashSet<String>,
}

impl Pages {
    pub(crate) fn new() -> Self {
        Self { next: Some(1), seen: HashSet::new() }
    }

    /// The page to fetch next, if any.
    pub(crate) fn next(&self) -> Option<u64> {
        self.next
    }

    /// Ends the read (after an error).
    pub(crate) fn stop(&mut self) {
        self.next = None;
    }

    /// Takes page `asked`, which brought `items` and `info`: the items not seen before, or an
    /// error when the server answered another page; decides whether to fetch another.
    pub(crate) fn accept<Item: Serialize>(
        &mut self,
        asked: u64,
        info: &ResultInfo,
        items: Vec<Item>,
    ) -> Result<Vec<Item>, Error> {
        self.next = None;
        if let Some(answered) = info.page
            && answered != asked as i64
        {
            return Err(crate::response::unusable_success(format!(
                "asked for page {asked} of a list, the answer is page {answered}"
            )));
        }
        let count = items.len();
        let fresh: Vec<Item> = items.into_iter().filter(|item| self.seen.insert(identity(item))).collect();
        let last = fresh.is_empty() || asked >= MAX_PAGES || is_last_page(asked, info, count);
        self.next = (!last).then_some(asked + 1);
        Ok(fresh)
    }
}

/// What makes two items the same: the `id` of an object, else the whole item.
fn identity(item: &impl Serialize) -> String {
    match serde_json::to_value(item) {
        Ok(serde_json::Value::Object(object)) if object.get("id").is_some_and(|id| !id.is_null()) => {
            format!("id:{}", object["id"])
        }
        Ok(value) => format!("item:{value}"),
        Err(_) => String::new(),
    }
}

/// Whether page `page`, which brought `items` items and `info`, is the last one to fetch by
/// what `result_info` says: it reaches `total_pages`, `page * per_page` reaches
/// `total_count`, or (with neither) it is shorter than `per_page`; with none of these, one
/// page is all there is.
fn is_last_page(page: u64, info: &ResultInfo, items: usize) -> bool {
    let page = page as i64;
    let reached_count = match (info.per_page, info.total_count) {
        (Some(per_page), Some(total)) if per_page > 0 => page.saturating_mul(per_page) >= total,
        _ => false,
    };
    items == 0
        || reached_count
        || match (info.total_pages, info.per_page) {
            (Some(total), _) => page >= total,
            (None, Some(per_page)) => (items as i64) < per_page,
            (None, None) => true,
        }
}

/// The most pages one paginated read fetches, whatever the server says is left: at
/// Cloudflare's 1,200 requests per 5 minutes, more would be a lockout, not a list.
pub const MAX_PAGES: u64 = 1000;

/// Where a paginated stream is.
struct State<F, Item> {
    fetch: F,
    pages: Pages,
    /// Items fetched and not yet yielded.
    items: VecDeque<Item>,
}
