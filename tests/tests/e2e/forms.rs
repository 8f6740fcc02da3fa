//! Bodies and answers that are not JSON, end to end over real HTTP: multipart uploads (a KV
//! value with its metadata), raw bodies (Vectorize's ndjson, an octet stream), downloads (a
//! DNS export, a pcap, a KV value), and header parameters (Stream's tus upload); each sent with
//! the credentials, retried only when the body can be sent again, and refused with nothing sent
//! when it does not fit.

use cloudflare_client::prelude::*;
use cloudflare_client::{Arguments, Error, Form, Part};
use cloudflare_tests::*;
use httpmock::{Method, MockServer};

const NAMESPACE: &str = "0f2ac74b498b48028cb68387c421e279";
const KV_VALUE: &str =
    "/accounts/023e105f4ecef8ad9ca31a8372d0c353/storage/kv/namespaces/0f2ac74b498b48028cb68387c421e279/values/My-Key";

/// The KV write with metadata of `My-Key`, its form to be given.
fn kv_write(
    client: &cloudflare_client::Client,
) -> cloudflare_client::openapi::kv::builder::WorkersKvNamespaceWriteKeyValuePairWithMetadata<'_> {
    client
        .api()
        .workers_kv_namespace_write_key_value_pair_with_metadata()
        .account_id(ACCOUNT_ID)
        .namespace_id(NAMESPACE)
        .key_name("My-Key")
}

fn kv_ok() -> serde_json::Value {
    serde_json::json!({ "success": true, "errors": [], "messages": [], "result": null })
}

#[tokio::test]
async fn a_form_is_sent_as_multipart_with_its_parts_and_resent_whole_after_a_503() {
    cloudflare_tests::deadline(async move {
        let server = MockServer::start_async().await;
        let busy = server
            .mock_async(|when, then| {
                when.method(Method::PUT).path(KV_VALUE);
                then.status(503).body("busy").up_to_n_times(1);
            })
            .await;
        let written = server
            .mock_async(|when, then| {
                when.method(Method::PUT)
                    .path(KV_VALUE)
                    .header("authorization", format!("Bearer {API_TOKEN}"))
                    .header_prefix("content-type", "multipart/form-data; boundary=")
                    .body_includes("name=\"value\"; filename=\"value.bin\"")
                    .body_includes("\x00\x01binary\x7f")
                    .body_includes("name=\"metadata\"\r\nContent-Type: application/json\r\n\r\n{\"owner\":\"ci\"}");
                then.status(200).json_body(kv_ok());
            })
            .await;
        let client = client(&server, token_credentials());
        let form = Form::new()
            .part("value", Part::file("value.bin", &b"\x00\x01binary\x7f"[..]))
            .part("metadata", Part::json(&serde_json::json!({ "owner": "ci" })));
        let request = kv_write(&client).body(form);
        let result = client.call(request).await.unwrap();
        assert!(result.is_empty(), "`result: null`, as KV writes answer, is no result: {result:?}");
        assert_eq!(busy.calls_async().await, 1);
        assert_eq!(written.calls_async().await, 1, "the form held in memory was sent again, whole");
    })
    .await
}

#[tokio::test]
async fn a_form_with_a_streamed_part_is_sent_once_and_never_resent() {
    cloudflare_tests::deadline(async move {
        let server = MockServer::start_async().await;
        let busy = server
            .mock_async(|when, then| {
                when.method(Method::PUT).path(KV_VALUE).body_includes("streamed-content");
                then.status(503).body("busy");
            })
            .await;
        let client = client(&server, token_credentials());
        let chunks = futures_util::stream::iter([Ok::<_, std::io::Error>(&b"streamed-content"[..])]);
        let form = Form::new()
            .stream("value", "big.bin", None, cloudflare_client::reqwest::Body::wrap_stream(chunks), Some(16))
            .part("metadata", Part::json(&serde_json::json!({})));
        let request = kv_write(&client).body(form);
        let error = client.call(request).await.unwrap_err();
        assert!(error.is_server_error(), "{error}");
        assert_eq!(busy.calls_async().await, 1, "a stream is read once: no retry");
        assert_eq!(error.attempts(), 1);
    })
    .await
}

#[tokio::test]
async fn a_misnamed_or_missing_part_is_refused_with_nothing_sent() {
    cloudflare_tests::deadline(async move {
        let server = MockServer::start_async().await;
        let anything = catch_all(&server);
        let client = client(&server, token_credentials());
        let builder = || kv_write(&client);
        let typo = Form::new().part("valeu", Part::text("x")).part("metadata", Part::text("{}"));
        let error = client.call(builder().body(typo)).await.unwrap_err();
        assert!(error.is_invalid_input(), "{error}");
        assert!(error.to_string().contains("a part the operation does not take: valeu"), "{error}");
        let missing = Form::new().part("value", Part::text("x"));
        let error = client.call(builder().body(missing)).await.unwrap_err();
        assert!(error.to_string().contains("the form lacks a part: metadata"), "{error}");

        // By name: the same check, and a body of the wrong kind.
        let mut arguments = Arguments::new();
        arguments
            .parameter("account_id", ACCOUNT_ID)
            .parameter("namespace_id", NAMESPACE)
            .parameter("key_name", "My-Key")
            .part("value", Part::text("x"))
            .part("metdata", Part::text("{}"));
        let id = "workers_kv_namespace_write_key_value_pair_with_metadata";
        let error = client.invoke(id, &arguments).await.unwrap_err();
        assert!(error.to_string().contains("a part the operation does not take: metdata"), "{error}");
        let mut json = Arguments::new();
        json.parameter("account_id", ACCOUNT_ID)
            .parameter("namespace_id", NAMESPACE)
            .parameter("key_name", "My-Key")
            .body(serde_json::json!({ "value": "x" }));
        let error = client.invoke(id, &json).await.unwrap_err();
        assert!(error.to_string().contains("takes a multipart/form-data body (parts), not a JSON body"), "{error}");
        assert_eq!(anything.calls_async().await, 0, "nothing was sent");
    })
    .await
}

#[tokio::test]
async fn a_raw_body_goes_with_its_media_type_and_bytes_are_resent_after_a_503() {
    cloudflare_tests::deadline(async move {
        let server = MockServer::start_async().await;
        let path = format!("/accounts/{ACCOUNT_ID}/vectorize/v2/indexes/my-index/insert");
        let lines = "{\"id\":\"a\",\"values\":[0.1,0.2]}\n{\"id\":\"b\",\"values\":[0.3,0.4]}\n";
        let busy = server
            .mock_async(|when, then| {
                when.method(Method::POST).path(&path);
                then.status(503).body("busy").up_to_n_times(1);
            })
            .await;
        let inserted = server
            .mock_async(|when, then| {
                when.method(Method::POST)
                    .path(&path)
                    .header("content-type", "application/x-ndjson")
                    .header("x-auth-key", API_KEY)
                    .body(lines);
                then.status(200).json_body(success_json(serde_json::json!({ "mutationId": "m1" })));
            })
            .await;
        let [_, (_, key)] = schemes();
        let client = client(&server, key);
        let request =
            client.api().vectorize_insert_vector().account_id(ACCOUNT_ID).index_name("my-index").body(lines.to_owned());
        let result = client.call(request).await.unwrap();
        assert_eq!(result.mutation_id.as_deref().map(String::as_str), Some("m1"));
        assert_eq!((busy.calls_async().await, inserted.calls_async().await), (1, 1), "bytes are sent again");

        // By name, as `cloudflare api ... --body @vectors.ndjson` sends it.
        let mut arguments = Arguments::new();
        arguments.parameter("account_id", ACCOUNT_ID).parameter("index_name", "my-index").raw_body(lines);
        let answer = client.invoke("vectorize_insert_vector", &arguments).await.unwrap();
        assert_eq!(answer.result.as_json()["mutationId"], "m1");
        let mut json = Arguments::new();
        json.parameter("account_id", ACCOUNT_ID).parameter("index_name", "my-index").body(serde_json::json!([]));
        let error = client.invoke("vectorize_insert_vector", &json).await.unwrap_err();
        assert!(
            error.to_string().contains("takes a raw application/x-ndjson body (bytes), not a JSON body"),
            "{error}"
        );
    })
    .await
}

#[tokio::test]
async fn a_streamed_raw_body_is_never_resent() {
    cloudflare_tests::deadline(async move {
        let server = MockServer::start_async().await;
        let path = format!("/accounts/{ACCOUNT_ID}/ai/run/@cf/openai/whisper");
        let busy = server
            .mock_async(|when, then| {
                when.method(Method::POST).path(&path).header("content-type", "application/octet-stream");
                then.status(503).body("busy");
            })
            .await;
        let client = client(&server, token_credentials());
        let audio = futures_util::stream::iter([Ok::<_, std::io::Error>(&b"RIFF....WAVE"[..])]);
        let request = client
            .api()
            .workers_ai_post_run_cf_openai_whisper()
            .account_id(ACCOUNT_ID)
            .body(cloudflare_client::reqwest::Body::wrap_stream(audio));
        let error = client.call(request).await.unwrap_err();
        assert_eq!((busy.calls_async().await, error.attempts()), (1, 1), "{error}");
    })
    .await
}

#[tokio::test]
async fn a_download_is_its_bytes_and_content_type_as_sent() {
    cloudflare_tests::deadline(async move {
        let server = MockServer::start_async().await;
        let bind = "example.com.\t300\tIN\tA\t192.0.2.1\n; caf\u{e9}\n";
        let export = server
            .mock_async(|when, then| {
                when.method(Method::GET)
                    .path(format!("/zones/{ZONE_ID}/dns_records/export"))
                    .header("accept", "text/plain, */*;q=0.8")
                    .header("authorization", format!("Bearer {API_TOKEN}"));
                then.status(200).header("content-type", "text/plain; charset=utf-8").body(bind);
            })
            .await;
        let pcap: Vec<u8> = [&[0xd4, 0xc3, 0xb2, 0xa1, 0x02, 0x00, 0x04, 0x00][..], &[0u8; 16], &[0xff; 4]].concat();
        let capture = server
            .mock_async(|when, then| {
                when.method(Method::GET).path(format!("/accounts/{ACCOUNT_ID}/pcaps/{NAMESPACE}/download"));
                then.status(200).header("content-type", "application/vnd.tcpdump.pcap").body(&pcap);
            })
            .await;
        let client = client(&server, token_credentials());

        let download =
            client.call(client.api().dns_records_for_a_zone_export_dns_records().zone_id(ZONE_ID)).await.unwrap();
        assert_eq!(download.text(), Some(bind));
        assert_eq!(download.content_type(), Some("text/plain; charset=utf-8"));
        assert!(download.is_text());
        let pcap_answer = client
            .call(client.api().magic_pcap_collection_download_simple_pcap().account_id(ACCOUNT_ID).pcap_id(NAMESPACE))
            .await
            .unwrap();
        assert_eq!(pcap_answer.bytes().as_ref(), &pcap[..], "byte for byte");
        assert!(!pcap_answer.is_text(), "a pcap is binary");
        assert!(!format!("{pcap_answer:?}").contains("255"), "Debug shows the size, not the bytes");

        // By name: the same bytes, and no JSON result.
        let mut arguments = Arguments::new();
        arguments.parameter("zone_id", ZONE_ID);
        let answer = client.invoke("dns_records_for_a_zone_export_dns_records", &arguments).await.unwrap();
        assert_eq!(answer.download().and_then(|download| download.text()), Some(bind));
        assert!(answer.result.as_json().is_null());
        assert_eq!((export.calls_async().await, capture.calls_async().await), (2, 1));
    })
    .await
}

#[tokio::test]
async fn a_download_that_fails_is_a_typed_error_and_a_large_one_is_never_held() {
    cloudflare_tests::deadline(async move {
        let server = MockServer::start_async().await;
        let key = |name: &str| format!("/accounts/{ACCOUNT_ID}/storage/kv/namespaces/{NAMESPACE}/values/{name}");
        server
            .mock_async(|when, then| {
                when.path(key("missing"));
                then.status(404).header("cf-ray", "kv-AMS").json_body(failure_json(10009, "get: 'key not found'"));
            })
            .await;
        server
            .mock_async(|when, then| {
                when.path(key("refused"));
                then.status(200).header("content-type", "application/json").json_body(failure_json(10000, "denied"));
            })
            .await;
        server
            .mock_async(|when, then| {
                when.path(key("large"));
                then.status(200).header("content-type", "application/octet-stream").body(vec![7u8; 4096]);
            })
            .await;
        server
            .mock_async(|when, then| {
                when.path(key("json-value"));
                then.status(200).header("content-type", "application/json").body(r#"{"success":true,"a":1}"#);
            })
            .await;
        let mut builder = builder(&server.base_url(), token_credentials());
        builder.max_response_bytes(1024);
        let client = builder.build().unwrap();
        let read = |name: &'static str| {
            client
                .api()
                .workers_kv_namespace_read_key_value_pair()
                .account_id(ACCOUNT_ID)
                .namespace_id(NAMESPACE)
                .key_name(name)
        };
        let missing = client.call(read("missing")).await.unwrap_err();
        assert!(missing.is_not_found(), "{missing}");
        assert_eq!((missing.api_errors()[0].code, missing.cf_ray()), (10009, Some("kv-AMS")));
        let refused = client.call(read("refused")).await.unwrap_err();
        assert!(matches!(refused, Error::Api(_)) && refused.is_auth(), "a failure envelope in a 200: {refused}");
        let large = client.call(read("large")).await.unwrap_err();
        assert!(matches!(large, Error::ResponseTooLarge(_)), "{large}");
        // A value that happens to be JSON (even with `success`) is the value, as stored.
        let value = client.call(read("json-value")).await.unwrap();
        assert_eq!(value.text(), Some(r#"{"success":true,"a":1}"#));
    })
    .await
}

#[tokio::test]
async fn header_parameters_are_sent_and_a_value_that_is_no_header_is_refused() {
    cloudflare_tests::deadline(async move {
        let server = MockServer::start_async().await;
        let initiated = server
            .mock_async(|when, then| {
                when.method(Method::POST)
                    .path(format!("/accounts/{ACCOUNT_ID}/stream"))
                    .header("tus-resumable", "1.0.0")
                    .header("upload-length", "1048576")
                    .header("upload-creator", "creator-7")
                    .header("authorization", format!("Bearer {API_TOKEN}"));
                then.status(200).json_body(kv_ok());
            })
            .await;
        let client = client(&server, token_credentials());
        let mut arguments = Arguments::new();
        arguments
            .parameter("account_id", ACCOUNT_ID)
            .parameter("Tus-Resumable", "1.0.0")
            .parameter("Upload-Length", "1048576")
            .parameter("Upload-Creator", "creator-7")
            .body(serde_json::json!({}));
        client.invoke("stream_videos_initiate_video_uploads_using_tus", &arguments).await.unwrap();
        assert_eq!(initiated.calls_async().await, 1);

        arguments.parameter("Upload-Creator", "creator\r\nx-injected: 1");
        let error = client.invoke("stream_videos_initiate_video_uploads_using_tus", &arguments).await.unwrap_err();
        assert!(error.is_invalid_input(), "{error}");
        arguments.parameter("Upload-Creator", "creator-7").parameter("Tus-Resumable", "2.0");
        let error = client.invoke("stream_videos_initiate_video_uploads_using_tus", &arguments).await.unwrap_err();
        assert!(error.is_invalid_input(), "only the version the spec names: {error}");
        assert_eq!(initiated.calls_async().await, 1, "nothing more was sent");
    })
    .await
}
