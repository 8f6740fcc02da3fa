//! The audit engine from Rust (`Client::audit`) against the typed mocks generated from the spec:
//! what each kind's list answers, as the schema shapes it, is read and judged.

use chrono::{Duration, Utc};
use cloudflare_client::hygiene::{AuditScope, Kind, Outcome, Place, Policy, Rule};
use cloudflare_mock::access::MockServerExt as _;
use cloudflare_mock::accounts::MockServerExt as _;
use cloudflare_mock::custom_certificates::MockServerExt as _;
use cloudflare_mock::user::MockServerExt as _;
use cloudflare_tests::*;
use futures_util::StreamExt;
use httpmock::MockServer;
use serde_json::json;

fn at(days: i64) -> String {
    (Utc::now() + Duration::days(days)).to_rfc3339()
}

fn page(result: serde_json::Value) -> serde_json::Value {
    json!({ "success": true, "errors": [], "messages": [], "result": result,
            "result_info": { "page": 1, "per_page": 50, "count": 1, "total_count": 1, "total_pages": 1 } })
}

#[tokio::test]
async fn the_audit_stream_reads_each_kind_as_the_typed_mocks_answer() {
    cloudflare_tests::deadline(async move {
        let server = MockServer::start_async().await;
        let user = server.user_api_tokens_list_tokens(|when, then| {
            when.into_inner().query_param("per_page", "50");
            then.ok(&serde_json::from_value(page(json!([{ "id": "ed17574386854bf78a67040be0a770b0", "name": "readonly",
                "status": "active", "expires_on": at(3), "policies": [] }]))).unwrap());
        });
        let tokens = server.list_account_service_tokens(|when, then| {
            when.account_id(&ACCOUNT_ID.parse().unwrap());
            then.ok(&serde_json::from_value(page(json!([{ "id": TOKEN_ID, "name": "ci", "expires_at": at(-1),
                "created_at": at(-100) }]))).unwrap());
        });
        let zone_tokens = server.list_zone_service_tokens(|when, then| {
            when.zone_id(&ZONE_ID.parse().unwrap());
            then.ok(&serde_json::from_value(page(json!([]))).unwrap());
        });
        let owned = server.list_account_api_tokens(|when, then| {
            when.account_id(&ACCOUNT_ID.parse().unwrap());
            then.ok(&serde_json::from_value(page(json!([{ "id": "5b1d8e0c6f3a4e7b9c2d1f0a3b4c5d6e", "name": "terraform",
                "status": "active", "issued_on": at(-400), "last_used_on": at(-100),
                "condition": { "request_ip": { "in": ["192.0.2.0/24"] } }, "policies": [] }]))).unwrap());
        });
        let certificates = server.custom_ssl_for_a_zone_list_ssl_configurations(|when, then| {
            when.zone_id(&ZONE_ID.parse().unwrap());
            then.ok(&serde_json::from_value(page(json!([{ "id": "2458ce5a0c354c7f82c78e9487d3ff60",
                "hosts": ["example.com"], "expires_on": at(400), "issuer": "GlobalSign", "signature": "SHA256WithRSA",
                "status": "active", "uploaded_on": at(-10), "modified_on": at(-10), "priority": 1, "bundle_method": "ubiquitous",
                "zone_id": ZONE_ID }]))).unwrap());
        });
        let client = client(&server, token_credentials());
        let mut scope = AuditScope::new(true, vec![ACCOUNT_ID.parse().unwrap()], vec![ZONE_ID.parse().unwrap()]);
        scope.kinds = vec![Kind::UserApiToken, Kind::AccountApiToken, Kind::ServiceToken, Kind::CustomCertificate];
        let outcomes: Vec<Outcome> = client.audit(&scope, Policy::default(), Utc::now()).collect().await;
        let mut found = Vec::new();
        let mut read = Vec::new();
        let mut gaps = Vec::new();
        for outcome in outcomes {
            match outcome {
                Outcome::Finding(finding) => found.push((finding.credential.kind, finding.credential.name, finding.rule)),
                Outcome::Read { kind, place, credentials } => read.push((kind, place, credentials)),
                Outcome::Gap(gap) => gaps.push(gap),
                _ => {}
            }
        }
        assert!(gaps.is_empty(), "{gaps:?}");
        assert_eq!(
            found,
            [
                (Kind::UserApiToken, "readonly".to_owned(), Rule::ExpiresSoon),
                (Kind::UserApiToken, "readonly".to_owned(), Rule::AnyIp),
                (Kind::AccountApiToken, "terraform".to_owned(), Rule::NeverExpires),
                (Kind::AccountApiToken, "terraform".to_owned(), Rule::Unused),
                (Kind::ServiceToken, "ci".to_owned(), Rule::Expired),
                (Kind::ServiceToken, "ci".to_owned(), Rule::Unused),
            ],
            "a service token never seen and made 100 days ago is unused"
        );
        assert_eq!(read.len(), 5, "the user's and the account's API tokens, the account's and the zone's service tokens, the zone's certificates: {read:?}");
        assert!(read.contains(&(Kind::CustomCertificate, Place::Zone(ZONE_ID.parse().unwrap()), 1)));
        user.assert_calls(1);
        tokens.assert_calls(1);
        owned.assert_calls(1);
        zone_tokens.assert_calls(1);
        certificates.assert_calls(1);
    })
    .await
}
