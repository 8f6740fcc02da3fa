//! The generic paginator, through `Client::list_service_tokens`: lazy pages, the end of the
//! list, an error part-way, and servers that would make a list endless or repetitive.

use cloudflare_client::{Scope, ServiceTokenQuery};
use cloudflare_tests::*;
use futures_util::{StreamExt, TryStreamExt};
use httpmock::MockServer;
use serde_json::{Value, json};

fn account() -> Scope {
    Scope::Account(ACCOUNT_ID.parse().unwrap())
}

fn page_json(ids: &[usize], page: usize, per_page: usize, total_pages: Option<usize>) -> Value {
    let tokens: Vec<Value> = ids
        .iter()
        .map(|n| json!({"id": format!("00000000-0000-4000-8000-{n:012}"), "name": format!("token {n}")}))
        .collect();
    let mut info = json!({"page": page, "per_page": per_page, "count": ids.len(), "total_count": 5});
    if let Some(total_pages) = total_pages {
        info["total_pages"] = json!(total_pages);
    }
    json!({"success": true, "errors": [], "messages": [], "result": tokens, "result_info": info})
}

/// Serves `pages` (1-based), each a list of token numbers.
async fn serve_pages<'a>(
    server: &'a MockServer,
    pages: &[&[usize]],
    per_page: usize,
    total_pages: Option<usize>,
) -> Vec<httpmock::Mock<'a>> {
    let mut mocks = Vec::new();
    for (index, ids) in pages.iter().enumerate() {
        let page = index + 1;
        mocks.push(
            server
                .mock_async(|when, then| {
                    when.method("GET")
                        .path(format!("/accounts/{ACCOUNT_ID}/access/service_tokens"))
                        .query_param("page", page.to_string());
                    then.status(200).json_body(page_json(ids, page, per_page, total_pages));
                })
                .await,
        );
    }
    mocks
}

async fn names(server: &MockServer) -> Vec<String> {
    let client = client(server, token_credentials());
    let tokens: Vec<_> = client.list_service_tokens(&account(), ServiceTokenQuery::all()).try_collect().await.unwrap();
    tokens.into_iter().map(|token| token.name.unwrap()).collect()
}

#[tokio::test]
async fn an_empty_list_is_one_request() {
    cloudflare_tests::deadline(async move {
        let server = MockServer::start_async().await;
        let mocks = serve_pages(&server, &[&[]], 20, Some(0)).await;
        assert!(names(&server).await.is_empty());
        assert_eq!(mocks[0].calls_async().await, 1);
    })
    .await
}

#[tokio::test]
async fn one_page() {
    cloudflare_tests::deadline(async move {
        let server = MockServer::start_async().await;
        let mocks = serve_pages(&server, &[&[1, 2, 3]], 20, Some(1)).await;
        assert_eq!(names(&server).await, ["token 1", "token 2", "token 3"]);
        assert_eq!(mocks[0].calls_async().await, 1);
    })
    .await
}

#[tokio::test]
async fn many_pages_until_total_pages() {
    cloudflare_tests::deadline(async move {
        let server = MockServer::start_async().await;
        let mocks = serve_pages(&server, &[&[1, 2], &[3, 4], &[5], &[99]], 2, Some(3)).await;
        assert_eq!(names(&server).await, ["token 1", "token 2", "token 3", "token 4", "token 5"]);
        let calls: Vec<usize> = futures_util::future::join_all(mocks.iter().map(|mock| mock.calls_async())).await;
        assert_eq!(calls, [1, 1, 1, 0], "page 4 is past total_pages");
    })
    .await
}

#[tokio::test]
async fn without_total_pages_a_short_page_is_the_last() {
    cloudflare_tests::deadline(async move {
        let server = MockServer::start_async().await;
        let mocks = serve_pages(&server, &[&[1, 2], &[3, 4], &[5], &[99]], 2, None).await;
        assert_eq!(names(&server).await.len(), 5);
        assert_eq!(mocks[3].calls_async().await, 0);
    })
    .await
}

#[tokio::test]
async fn pages_are_fetched_lazily() {
    cloudflare_tests::deadline(async move {
        let server = MockServer::start_async().await;
        let mocks = serve_pages(&server, &[&[1, 2], &[3, 4], &[5]], 2, Some(3)).await;
        let client = client(&server, token_credentials());
        let first: Vec<_> = client.list_service_tokens(&account(), ServiceTokenQuery::all()).take(2).collect().await;
        assert_eq!(first.len(), 2);
        assert_eq!(mocks[0].calls_async().await, 1);
        assert_eq!(mocks[1].calls_async().await, 0, "page 2 is not fetched until needed");
    })
    .await
}

#[tokio::test]
async fn an_error_part_way_is_yielded_and_ends_the_stream() {
    cloudflare_tests::deadline(async move {
        let server = MockServer::start_async().await;
        let mocks = serve_pages(&server, &[&[1, 2]], 2, Some(3)).await;
        server
            .mock_async(|when, then| {
                when.query_param("page", "2");
                then.status(403).json_body(failure_json(10000, "Authentication error"));
            })
            .await;
        let third = serve_pages(&server, &[&[], &[], &[5]], 2, Some(3)).await;
        let client = client(&server, token_credentials());
        let results: Vec<_> = client.list_service_tokens(&account(), ServiceTokenQuery::all()).collect().await;
        assert_eq!(results.len(), 3, "two tokens, then the error, then nothing");
        assert!(results[0].is_ok() && results[1].is_ok());
        let error = results[2].as_ref().unwrap_err();
        assert!(error.is_auth(), "{error}");
        assert_eq!(mocks[0].calls_async().await, 1);
        assert_eq!(third[2].calls_async().await, 0, "nothing after the error");
    })
    .await
}

#[tokio::test]
async fn filters_reach_the_query_string() {
    cloudflare_tests::deadline(async move {
        let server = MockServer::start_async().await;
        let mock = server
            .mock_async(|when, then| {
                when.path(format!("/zones/{ZONE_ID}/access/service_tokens"))
                    .query_param("page", "1")
                    .query_param("name", "ci")
                    .query_param("search", "deploy")
                    .query_param("per_page", "50");
                then.status(200).json_body(page_json(&[1], 1, 50, Some(1)));
            })
            .await;
        let client = client(&server, token_credentials());
        let mut query = ServiceTokenQuery::all();
        query.name = Some("ci".into());
        query.search = Some("deploy".into());
        query.per_page = Some(50);
        let tokens: Vec<_> =
            client.list_service_tokens(&Scope::Zone(ZONE_ID.parse().unwrap()), query).try_collect().await.unwrap();
        assert_eq!(tokens.len(), 1);
        mock.assert_async().await;
    })
    .await
}

/// The page number a raw request asks for.
fn asked_page(head: &str) -> usize {
    head.split(['?', '&', ' '])
        .find_map(|part| part.strip_prefix("page="))
        .and_then(|page| page.parse().ok())
        .unwrap_or(1)
}

/// A list whose `result_info` always says there is more: `total_pages` 10^15, `per_page` as
/// given; `tokens(page)` decides what each page holds and `answered(page)` the page it claims.
async fn endless(
    per_page: i64,
    tokens: impl Fn(usize) -> Vec<usize> + Send + Sync + 'static,
    answered: impl Fn(usize) -> usize + Send + Sync + 'static,
) -> RawServer {
    RawServer::start(move |_, head| {
        let page = asked_page(head);
        let ids: Vec<Value> = tokens(page)
            .iter()
            .map(|n| json!({"id": format!("00000000-0000-4000-8000-{n:012}"), "name": format!("token {n}")}))
            .collect();
        RawReply::json(
            200,
            "",
            &json!({"success": true, "errors": [], "messages": [], "result": ids,
                    "result_info": {"page": answered(page), "per_page": per_page, "count": 2, "total_count": 1_000_000_000_000_000_i64, "total_pages": 1_000_000_000_000_000_i64}}),
        )
    })
    .await
}

async fn list_from(server: &RawServer) -> (Vec<Result<String, cloudflare_client::Error>>, usize) {
    let client = client_for(&server.url, token_credentials());
    let results: Vec<_> = client
        .list_service_tokens(&account(), ServiceTokenQuery::all())
        .map(|token| token.map(|token| token.name.unwrap_or_default()))
        .collect()
        .await;
    (results, server.requests().len())
}

#[tokio::test]
async fn the_same_page_forever_is_read_once() {
    cloudflare_tests::deadline(async move {
        let server = endless(2, |_| vec![1, 2], |page| page).await;
        let (results, requests) = list_from(&server).await;
        assert_eq!(results.len(), 2, "{results:?}");
        assert_eq!(requests, 2, "page 2 brought nothing new: stop");
    })
    .await
}

#[tokio::test]
async fn overlapping_pages_yield_each_item_once() {
    cloudflare_tests::deadline(async move {
        let server = endless(2, |page| vec![page, page + 1], |page| page).await;
        let client = client_for(&server.url, token_credentials());
        let names: Vec<String> = client
            .list_service_tokens(&account(), ServiceTokenQuery::all())
            .take(5)
            .map(|token| token.unwrap().name.unwrap())
            .collect()
            .await;
        assert_eq!(names, ["token 1", "token 2", "token 3", "token 4", "token 5"]);
    })
    .await
}

#[tokio::test]
async fn a_page_that_answers_another_page_is_an_error_and_its_items_are_not_yielded() {
    cloudflare_tests::deadline(async move {
        let server = endless(2, |page| vec![2 * page - 1, 2 * page], |_| 1).await;
        let (results, requests) = list_from(&server).await;
        assert_eq!(results.len(), 3, "page 1's two tokens, then the error: {results:?}");
        let error = results[2].as_ref().unwrap_err();
        assert!(error.to_string().contains("asked for page 2 of a list, the answer is page 1"), "{error}");
        assert_eq!(requests, 2);
    })
    .await
}

#[tokio::test]
async fn an_endless_list_of_new_items_stops_at_the_page_cap_and_says_it_was_cut_short() {
    cloudflare_tests::deadline(async move {
        let server = endless(0, |page| vec![2 * page - 1, 2 * page], |page| page).await;
        let (results, requests) = list_from(&server).await;
        assert_eq!(requests as u64, cloudflare_client::MAX_PAGES, "per_page 0 and 10^15 pages: the cap holds");
        assert_eq!(results.len() as u64, 2 * cloudflare_client::MAX_PAGES + 1, "every item, then the end said");
        let (last, items) = results.split_last().unwrap();
        assert!(items.iter().all(Result::is_ok));
        let error = last.as_ref().unwrap_err();
        assert!(
            matches!(error, cloudflare_client::Error::CutShort { items: 2000, .. }),
            "not silently complete: {error}"
        );
    })
    .await
}

#[tokio::test]
async fn page_times_per_page_reaching_total_count_is_the_end() {
    cloudflare_tests::deadline(async move {
        let server = RawServer::start(|_, head| {
            let page = asked_page(head);
            let ids: Vec<Value> = [2 * page - 1, 2 * page]
                .iter()
                .map(|n| json!({"id": format!("00000000-0000-4000-8000-{n:012}"), "name": format!("token {n}")}))
                .collect();
            RawReply::json(
                200,
                "",
                &json!({"success": true, "errors": [], "messages": [], "result": ids,
                        "result_info": {"page": page, "per_page": 2, "count": 2, "total_count": 4}}),
            )
        })
        .await;
        let (results, requests) = list_from(&server).await;
        assert_eq!(results.len(), 4);
        assert_eq!(requests, 2, "2 pages of 2 hold all 4");
    })
    .await
}
