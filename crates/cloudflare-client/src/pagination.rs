//! Lists that span pages, as one lazy stream of items.

use std::collections::VecDeque;
use std::future::Future;

use cloudflare_openapi::{Envelope, Paginated};
use futures_util::Stream;

use crate::client::Client;
use crate::error::Error;
use crate::response::GeneratedResult;
use crate::types::ResultInfo;

impl Client {
    /// Every item of a paginated list operation, fetching pages (1, 2, …) lazily as the stream
    /// is read. `fetch(page)` sends the operation for one page.
    ///
    /// The stream ends after the last page (`result_info.total_pages`, or a page shorter than
    /// `per_page`), at an empty page, or after the first error, which it yields. A server that
    /// answers another page than the one asked for, or without `result_info`, is read once.
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
    ///             .send()
    ///     })
    ///     .try_collect()
    ///     .await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn paginate<'a, T, E, Item, F, Fut>(&'a self, fetch: F) -> impl Stream<Item = Result<Item, Error>> + Send + 'a
    where
        F: FnMut(u64) -> Fut + Send + 'a,
        Fut: Future<Output = GeneratedResult<T, E>> + Send + 'a,
        T: Paginated<Result = Vec<Item>> + Send + 'a,
        E: Envelope + Send + 'a,
        Item: Send + 'a,
    {
        let state = Pages { fetch, next: Some(1), items: VecDeque::new() };
        futures_util::stream::unfold(state, move |mut state| async move {
            loop {
                if let Some(item) = state.items.pop_front() {
                    return Some((Ok(item), state));
                }
                let page = state.next.take()?;
                match self.call_envelope((state.fetch)(page)).await {
                    Err(error) => return Some((Err(error), state)),
                    Ok(envelope) => {
                        let info = envelope.result_info().cloned().unwrap_or_default();
                        let items = envelope.into_result().unwrap_or_default();
                        state.next = (!is_last_page(page, &info, items.len())).then_some(page + 1);
                        state.items.extend(items);
                    }
                }
            }
        })
    }
}

/// Whether page `page`, which brought `items` items and `info`, is the last one to fetch: it is
/// empty, answers another page than asked, reaches `total_pages`, or (without it) is shorter
/// than `per_page`; without either, one page is all there is.
pub(crate) fn is_last_page(page: u64, info: &ResultInfo, items: usize) -> bool {
    items == 0
        || info.page.is_some_and(|answered| answered as u64 != page)
        || match (info.total_pages, info.per_page) {
            (Some(total), _) => page as i64 >= total,
            (None, Some(per_page)) => (items as i64) < per_page,
            (None, None) => true,
        }
}

/// Where a paginated stream is.
struct Pages<F, Item> {
    fetch: F,
    /// The next page to fetch; `None` once the last was fetched or an error was yielded.
    next: Option<u64>,
    /// Items fetched and not yet yielded.
    items: VecDeque<Item>,
}
