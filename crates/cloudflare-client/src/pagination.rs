//! Lists that span pages, as one lazy stream of items.

use std::collections::{HashSet, VecDeque};
use std::future::Future;
use std::hash::{BuildHasher, RandomState};

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
    /// than `per_page`), at an empty page and at a page that brings no item not seen before;
    /// an item seen on an earlier page is not yielded again; a page that answers another page
    /// number than the one asked for is an error (its items are not yielded). A list longer
    /// than [`MAX_PAGES`](crate::MAX_PAGES) pages or [`MAX_ITEMS`](crate::MAX_ITEMS) items
    /// ends with [`Error::CutShort`] after the items read, never silently. After the first
    /// error, which it yields, it ends.
    ///
    /// ```no_run
    /// use cloudflare_client::prelude::*;
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
    pub fn paginate<'a, R, Item, F>(&'a self, mut fetch: F) -> impl Stream<Item = Result<Item, Error>> + Send + 'a
    where
        F: FnMut(u64) -> R + Send + 'a,
        R: Request + Send + 'a,
        R::Success: Paginated<Result = Vec<Item>>,
        Item: Serialize + Send + 'a,
    {
        pages(Pages::new(), MAX_PAGES, move |page| {
            let request = fetch(page);
            async move {
                let envelope = self.call_envelope(request).await?;
                let info = envelope.result_info().cloned().unwrap_or_default();
                Ok((info, envelope.into_result().unwrap_or_default()))
            }
        })
    }
}

/// The items of the pages `fetch(page)` brings, as `pages` decides which to fetch, and never
/// more than `max_fetches` pages whatever it decides (a second guard): the one paginating
/// loop, for [`Client::paginate`] and [`Client::invoke_items`].
pub(crate) fn pages<'a, Item, F, Fut>(
    pages: Pages,
    max_fetches: u64,
    fetch: F,
) -> impl Stream<Item = Result<Item, Error>> + Send + 'a
where
    F: FnMut(u64) -> Fut + Send + 'a,
    Fut: Future<Output = Result<(ResultInfo, Vec<Item>), Error>> + Send + 'a,
    Item: Serialize + Send + 'a,
{
    let state = State { fetch, pages, items: VecDeque::new(), fetched: 0 };
    futures_util::stream::unfold(state, move |mut state| async move {
        loop {
            if let Some(item) = state.items.pop_front() {
                return Some((Ok(item), state));
            }
            let page = match state.pages.next() {
                Ok(Some(page)) => page,
                Ok(None) => return None,
                Err(error) => return Some((Err(error), state)),
            };
            // However `Pages` decides, no read fetches more than the cap (a second guard).
            state.fetched += 1;
            if state.fetched > max_fetches {
                return None;
            }
            let answer = match (state.fetch)(page).await {
                Ok((info, items)) => state.pages.accept(page, &info, items),
                Err(error) => Err(error),
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

/// Where a paginated read is: the next page to ask for and what was already seen. Every rule
/// that keeps a lying server from making a list endless, repetitive or silently short is here.
#[derive(Debug)]
pub(crate) struct Pages {
    /// The next page to fetch; `None` once the last was fetched or an error was met.
    next: Option<u64>,
    /// Whether the operation takes a `page` parameter; without one, a single page is read.
    paged: bool,
    /// Why the read ended before the list did, until that is reported.
    cut_short: Option<&'static str>,
    /// A fingerprint of every item yielded (its `id`, else the item itself as JSON): 16 bytes
    /// an item, and at most [`MAX_ITEMS`] of them.
    seen: HashSet<(u64, u64)>,
    /// The keys of the fingerprints (random for each read).
    keys: (RandomState, RandomState),
}

impl Pages {
    /// A read of an operation that takes a `page` parameter.
    pub(crate) fn new() -> Self {
        Self::of(true)
    }

    /// A read of an operation that takes a `page` parameter (`paged`), or of one that does
    /// not: then one page is read, and a list it does not hold whole is reported cut short.
    pub(crate) fn of(paged: bool) -> Self {
        Self {
            next: Some(1),
            paged,
            cut_short: None,
            seen: HashSet::new(),
            keys: (RandomState::new(), RandomState::new()),
        }
    }

    /// The page to fetch next, if any; once the read is over, an error if it ended before
    /// the list did (reported once).
    pub(crate) fn next(&mut self) -> Result<Option<u64>, Error> {
        match (self.next, self.cut_short.take()) {
            (Some(page), _) => Ok(Some(page)),
            (None, Some(reason)) => Err(Error::CutShort { items: self.seen.len() as u64, reason }),
            (None, None) => Ok(None),
        }
    }

    /// Ends the read (after an error).
    pub(crate) fn stop(&mut self) {
        self.next = None;
        self.cut_short = None;
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
        let mut fresh = Vec::with_capacity(count);
        for item in items {
            let fingerprint = self.fingerprint(&identity(&item));
            // One lookup an item, but at the cap, where a new item ends the read.
            if self.seen.len() >= MAX_ITEMS && !self.seen.contains(&fingerprint) {
                self.cut_short = Some("the client lists at most 1,000,000 items (MAX_ITEMS)");
                return Ok(fresh);
            }
            if self.seen.insert(fingerprint) {
                fresh.push(item);
            }
        }
        let last = is_last_page(asked, info, count);
        if fresh.is_empty() || last {
            return Ok(fresh);
        }
        if !self.paged {
            self.cut_short = Some("the operation takes no `page` parameter, and the answer says more remains");
        } else if asked >= MAX_PAGES {
            self.cut_short = Some("the client reads at most 1,000 pages (MAX_PAGES)");
        } else {
            self.next = Some(asked + 1);
        }
        Ok(fresh)
    }

    /// A 128-bit fingerprint of `identity`: two keyed hashes (keys random for each read), so
    /// that two items are taken for one only by a collision no server can aim for.
    fn fingerprint(&self, identity: &str) -> (u64, u64) {
        (self.keys.0.hash_one(identity), self.keys.1.hash_one(identity))
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
/// Cloudflare's 1,200 requests per 5 minutes, more would be a lockout, not a list. A list
/// with more ends in [`Error::CutShort`].
pub const MAX_PAGES: u64 = 1000;

/// The most items one paginated read yields: the guard against repeated items keeps a 16-byte
/// fingerprint of each (about 36 MB at most with the hash table's overhead, whatever the
/// server sends). A list with more ends in [`Error::CutShort`].
pub const MAX_ITEMS: usize = 1_000_000;

/// Where a paginated stream is.
struct State<F, Item> {
    fetch: F,
    pages: Pages,
    /// Items fetched and not yet yielded.
    items: VecDeque<Item>,
    /// Pages fetched.
    fetched: u64,
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;

    fn info(page: i64, per_page: i64, total_pages: Option<i64>, total_count: Option<i64>) -> ResultInfo {
        ResultInfo { page: Some(page), per_page: Some(per_page), total_pages, total_count, count: None }
    }

    /// Drives `pages` over a server answering page `n` with `answer(n)`, for at most `bound`
    /// fetches (so that no rule, however broken, can make a test loop): the pages fetched,
    /// the items yielded and the error the read ended with.
    fn read(
        mut pages: Pages,
        bound: u64,
        answer: impl Fn(u64) -> (ResultInfo, Vec<Value>),
    ) -> (Vec<u64>, Vec<Value>, Option<Error>) {
        let (mut fetched, mut items) = (Vec::new(), Vec::new());
        for _ in 0..=bound {
            match pages.next() {
                Ok(Some(page)) => {
                    fetched.push(page);
                    let (info, batch) = answer(page);
                    match pages.accept(page, &info, batch) {
                        Ok(fresh) => items.extend(fresh),
                        Err(error) => return (fetched, items, Some(error)),
                    }
                }
                Ok(None) => return (fetched, items, None),
                Err(error) => {
                    assert!(matches!(pages.next(), Ok(None)), "the end is reported once");
                    return (fetched, items, Some(error));
                }
            }
        }
        panic!("more than {bound} fetches: the read does not end");
    }

    #[test]
    fn items_with_one_id_are_one_item_and_items_without_are_told_apart_by_content() {
        let page = vec![
            json!({"id": "a", "name": "first"}),
            json!({"id": "a", "name": "second"}),
            json!({"id": null, "name": "x"}),
            json!({"id": null, "name": "y"}),
            json!({"name": "y", "id": null}),
            json!({"name": "z"}),
            json!(7),
            json!(7),
        ];
        let (_, items, error) = read(Pages::new(), 3, |_| (info(1, 50, Some(1), None), page.clone()));
        assert!(error.is_none());
        assert_eq!(
            items,
            [
                json!({"id": "a", "name": "first"}),
                json!({"id": null, "name": "x"}),
                json!({"id": null, "name": "y"}),
                json!({"name": "z"}),
                json!(7)
            ]
        );
    }

    #[test]
    fn pages_follow_total_pages_and_accept_yields_the_items() {
        let (fetched, items, error) =
            read(Pages::new(), 10, |page| (info(page as i64, 1, Some(3), None), vec![json!({ "id": page })]));
        assert_eq!(fetched, [1, 2, 3]);
        assert_eq!(items, [json!({"id": 1}), json!({"id": 2}), json!({"id": 3})]);
        assert!(error.is_none());
    }

    #[test]
    fn page_times_per_page_reaching_total_count_ends_the_read() {
        let (fetched, _, error) =
            read(Pages::new(), 10, |page| (info(page as i64, 2, None, Some(4)), vec![json!(page), json!(page + 100)]));
        assert_eq!(fetched, [1, 2], "2 * 2 >= 4");
        assert!(error.is_none());
        let (fetched, _, _) =
            read(Pages::new(), 10, |page| (info(page as i64, 2, None, Some(5)), vec![json!(page), json!(page + 100)]));
        assert_eq!(fetched, [1, 2, 3], "2 * 2 < 5");
    }

    #[test]
    fn without_total_pages_a_page_shorter_than_per_page_is_the_last() {
        let (fetched, items, error) = read(Pages::new(), 10, |page| {
            let count = if page == 1 { 3 } else { 1 };
            let info = ResultInfo { page: Some(page as i64), per_page: Some(3), ..ResultInfo::default() };
            (info, (0..count).map(|n| json!(page * 10 + n)).collect())
        });
        assert_eq!(fetched, [1, 2], "a full page, then a short one");
        assert_eq!(items.len(), 4);
        assert!(error.is_none());
    }

    #[test]
    fn a_per_page_of_zero_says_nothing_about_the_count() {
        // `0 * 0 >= 0` would end the read at once; a per_page of 0 is ignored instead, and the
        // read ends when a page brings nothing new.
        let (fetched, _, _) = read(Pages::new(), 10, |page| {
            let info = ResultInfo {
                page: Some(page as i64),
                per_page: Some(0),
                total_count: Some(0),
                ..ResultInfo::default()
            };
            (info, vec![json!("the same")])
        });
        assert_eq!(fetched, [1, 2]);
    }

    #[test]
    fn an_endless_list_is_cut_short_at_the_page_cap_and_says_so() {
        let (fetched, items, error) =
            read(Pages::new(), MAX_PAGES + 5, |page| (info(page as i64, 0, Some(i64::MAX), None), vec![json!(page)]));
        assert_eq!(fetched.len() as u64, MAX_PAGES);
        assert_eq!(fetched.last(), Some(&MAX_PAGES));
        assert_eq!(items.len() as u64, MAX_PAGES);
        let error = error.expect("cut short");
        assert!(matches!(error, Error::CutShort { items: 1000, .. }), "{error}");
        assert!(error.to_string().contains("1,000 pages"), "{error}");
    }

    #[test]
    fn a_list_that_ends_at_the_cap_is_not_cut_short() {
        let (fetched, _, error) = read(Pages::new(), MAX_PAGES + 5, |page| {
            (info(page as i64, 1, Some(MAX_PAGES as i64), None), vec![json!(page)])
        });
        assert_eq!(fetched.len() as u64, MAX_PAGES);
        assert!(error.is_none(), "{error:?}");
    }

    #[test]
    fn without_a_page_parameter_one_page_is_read_and_more_is_reported() {
        let (fetched, items, error) =
            read(Pages::of(false), 10, |_| (info(1, 2, Some(3), None), vec![json!(1), json!(2)]));
        assert_eq!(fetched, [1]);
        assert_eq!(items.len(), 2);
        assert!(error.unwrap().to_string().contains("no `page` parameter"));
        let (fetched, _, error) = read(Pages::of(false), 10, |_| (info(1, 2, Some(1), None), vec![json!(1), json!(2)]));
        assert_eq!(fetched, [1]);
        assert!(error.is_none(), "the whole list in one page");
    }

    #[test]
    fn a_page_bringing_nothing_new_ends_the_read() {
        let (fetched, items, error) =
            read(Pages::new(), 10, |page| (info(page as i64, 1, Some(100), None), vec![json!({"id": "same"})]));
        assert_eq!(fetched, [1, 2]);
        assert_eq!(items.len(), 1);
        assert!(error.is_none());
    }

    #[test]
    fn the_guard_against_repeats_holds_at_most_max_items() {
        let mut pages = Pages::new();
        let batch: Vec<u64> = (0..MAX_ITEMS as u64 + 3).collect();
        let fresh = pages.accept(1, &info(1, batch.len() as i64, Some(5), None), batch).unwrap();
        assert_eq!(fresh.len(), MAX_ITEMS);
        assert_eq!(pages.seen.len(), MAX_ITEMS);
        assert!(matches!(pages.next(), Err(Error::CutShort { .. })));
        assert!(matches!(pages.next(), Ok(None)));
    }

    /// Runs `pages` over `answer(page)` with a fetch cap of `cap`: what the stream yielded and
    /// the pages fetched.
    async fn stream(
        pages: Pages,
        cap: u64,
        answer: impl Fn(u64) -> Result<(ResultInfo, Vec<Value>), Error> + Send + Sync,
    ) -> (Vec<Result<Value, Error>>, Vec<u64>) {
        use futures_util::StreamExt;
        let fetched = std::sync::Mutex::new(Vec::new());
        let results = super::pages(pages, cap, |page| {
            fetched.lock().unwrap().push(page);
            std::future::ready(answer(page))
        })
        .take(10 * MAX_PAGES as usize)
        .collect()
        .await;
        (results, fetched.into_inner().unwrap())
    }

    #[tokio::test]
    async fn the_stream_reads_what_pages_decides_and_says_a_list_was_cut_short() {
        let (results, fetched) =
            stream(Pages::new(), MAX_PAGES, |page| Ok((info(page as i64, 0, Some(i64::MAX), None), vec![json!(page)])))
                .await;
        assert_eq!(fetched.len() as u64, MAX_PAGES);
        assert_eq!(results.len() as u64, MAX_PAGES + 1);
        assert!(matches!(results.last(), Some(Err(Error::CutShort { .. }))), "cut short, said");
    }

    #[tokio::test]
    async fn the_stream_never_fetches_more_than_its_cap_whatever_pages_decides() {
        let (results, fetched) =
            stream(Pages::new(), 3, |page| Ok((info(page as i64, 1, Some(100), None), vec![json!(page)]))).await;
        assert_eq!(fetched, [1, 2, 3], "the second guard holds");
        assert_eq!(results.len(), 3);
    }

    #[tokio::test]
    async fn an_error_is_yielded_once_and_ends_the_stream() {
        let (results, fetched) = stream(Pages::new(), MAX_PAGES, |page| match page {
            1 => Ok((info(1, 1, Some(3), None), vec![json!("first")])),
            _ => Err(crate::response::unusable_success("page 2 failed")),
        })
        .await;
        assert_eq!(fetched, [1, 2], "not fetched again after the error");
        assert_eq!(results.len(), 2);
        assert!(results[0].is_ok() && results[1].is_err());
        // A list cut short that then fails says only the failure.
        let mut pages = Pages::of(false);
        pages.accept(1, &info(1, 1, Some(3), None), vec![json!(1)]).unwrap();
        pages.stop();
        assert!(matches!(pages.next(), Ok(None)), "after a stop, nothing more: not even the cut");
    }
}
