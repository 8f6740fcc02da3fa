use serde_json::json;

use super::*;

const DAY: u64 = 86_400;

fn now() -> DateTime<Utc> {
    "2026-12-07T12:00:00Z".parse().unwrap()
}

fn ago(days: i64) -> String {
    (now() - chrono::Duration::days(days)).to_rfc3339()
}

fn ahead(days: i64) -> String {
    (now() + chrono::Duration::days(days)).to_rfc3339()
}

fn user_token(item: Value) -> Credential {
    Credential::from_item(Kind::UserApiToken, Place::User, &item)
}

fn rules(credential: &Credential) -> Vec<(&'static str, String)> {
    Policy::default()
        .judge(credential, now())
        .into_iter()
        .map(|finding| (finding.rule.name(), finding.detail))
        .collect()
}

#[test]
fn spans_people_write() {
    for (text, seconds) in [
        ("90d", 90 * DAY),
        ("36h", 36 * 3600),
        ("30m", 1800),
        ("1h30m", 5400),
        ("1d12h", DAY + 12 * 3600),
        ("45s", 45),
        ("2w", 14 * DAY),
        ("1day 12h", DAY + 12 * 3600),
        ("1.5h", 5400),
    ] {
        assert_eq!(parse_span(text).unwrap(), Duration::from_secs(seconds), "{text}");
    }
    for bad in ["", "90", "d", "-3d", "1h30", "99999999999999999999d", "5x"] {
        let error = parse_span(bad).unwrap_err();
        assert!(error.is_invalid_input(), "{bad}: {error}");
    }
}

#[test]
fn spans_add_up_exactly() {
    assert_eq!(parse_span("1d1h1m1s").unwrap(), Duration::from_secs(DAY + 3600 + 61));
    assert_eq!(parse_span("18446744073709551615s").unwrap(), Duration::from_secs(u64::MAX));
    assert!(parse_span("18446744073709551616s").is_err());
    assert!(parse_span("213503982334602d").is_err(), "days times seconds overflows");
    assert!(parse_span("213503982334601d").is_ok());
    assert!(parse_span("18446744073709551615s1s").is_err(), "the sum overflows");
    assert_eq!(parse_span(" 2h ").unwrap(), Duration::from_secs(7200));
}

#[test]
fn dates_in_the_forms_cloudflare_and_liars_send() {
    let at = |value: Value| When::read(Some(&value));
    let midnight: DateTime<Utc> = "2026-12-31T00:00:00Z".parse().unwrap();
    for same in [
        json!("2026-12-31T00:00:00Z"),
        json!("2026-12-31T01:00:00+01:00"),
        json!("2026-12-31 00:00:00 +0000 UTC"),
        json!("2026-12-31 00:00:00.000000 +0000 UTC"),
        json!("2026-12-30 19:00:00 -0500 EST"),
        json!("2026-12-31 00:00:00 +0000"),
        json!("Thu, 31 Dec 2026 00:00:00 +0000"),
        json!(midnight.timestamp()),
    ] {
        assert_eq!(at(same.clone()), When::At(midnight), "{same}");
    }
    for odd in
        [json!("2026-12-31"), json!("2026-12-31T00:00:00"), json!(""), json!("soon"), json!(true), json!([1]), json!(7)]
    {
        assert!(matches!(at(odd.clone()), When::Unreadable(_)), "{odd}");
    }
    assert_eq!(When::read(None), When::Absent);
    assert_eq!(at(Value::Null), When::Absent);
}

#[test]
fn every_rule_of_an_api_token() {
    let everything = user_token(json!({
        "id": "t1", "name": "ci", "status": "active", "issued_on": ago(400), "last_used_on": ago(120),
        "policies": [{
            "effect": "allow",
            "resources": { "com.cloudflare.api.account.zone.*": "*" },
            "permission_groups": [{ "id": "p1", "name": "DNS Write" }, { "id": "p2", "name": "Zone Read" }]
        }]
    }));
    assert_eq!(
        rules(&everything),
        [
            ("never-expires", "no expiry".to_owned()),
            ("unused", format!("last used {}, 120 days ago", stamp(now() - chrono::Duration::days(120)))),
            ("any-ip", "no request_ip condition: usable from any address".to_owned()),
            ("broad", "DNS Write on com.cloudflare.api.account.zone.*".to_owned()),
        ]
    );
    let careful = user_token(json!({
        "id": "t2", "name": "deploy", "expires_on": ahead(200), "last_used_on": ago(1), "issued_on": ago(30),
        "condition": { "request_ip": { "in": ["192.0.2.0/24"], "not_in": [] } },
        "policies": [{
            "effect": "allow",
            "resources": { "com.cloudflare.api.account.zone.9a7806061c88ada191ed06f989cc3dac": "*" },
            "permission_groups": [{ "name": "DNS Write" }]
        }]
    }));
    assert_eq!(rules(&careful), [], "an expiry, recent use, one address range, one zone");
    let soon = user_token(json!({ "expires_on": ahead(10), "last_used_on": ago(1),
        "condition": { "request_ip": { "in": ["192.0.2.1"] } } }));
    assert_eq!(rules(&soon)[0].0, "expires-soon");
    assert!(rules(&soon)[0].1.ends_with("in 10 days"), "{:?}", rules(&soon));
    let expired = user_token(json!({ "expires_on": ago(3), "last_used_on": ago(1),
        "condition": { "request_ip": { "in": ["192.0.2.1"] } } }));
    assert_eq!(
        rules(&expired),
        [("expired", format!("expired {}, 3 days ago", stamp(now() - chrono::Duration::days(3))))]
    );
}

#[test]
fn broad_grants_are_write_on_every_zone_or_account_at_any_depth() {
    let grants = |policies: Value| user_token(json!({ "policies": policies })).broad;
    let nested = json!([{ "effect": "allow",
        "resources": { "com.cloudflare.api.account.023e105f4ecef8ad9ca31a8372d0c353": { "com.cloudflare.api.account.zone.*": "*" } },
        "permission_groups": [{ "name": "Zone Settings Write" }] }]);
    assert_eq!(
        grants(nested),
        ["Zone Settings Write on com.cloudflare.api.account.zone.*"],
        "every zone of one account"
    );
    let accounts = json!([{ "effect": "allow", "resources": { "com.cloudflare.api.account.*": "*" },
        "permission_groups": [{ "name": "Account Settings Read" }, { "id": "c8fed203ed3043cba015a93ad1616f1f" }, { "name": "Workers Scripts Edit" }] }]);
    assert_eq!(
        grants(accounts),
        [
            "permission group \"c8fed203ed3043cba015a93ad1616f1f\" on com.cloudflare.api.account.*".replace('"', ""),
            "Workers Scripts Edit on com.cloudflare.api.account.*".to_owned()
        ],
        "read is not write; a group without a name may write"
    );
    let denied = json!([{ "effect": "deny", "resources": { "com.cloudflare.api.account.*": "*" },
        "permission_groups": [{ "name": "DNS Write" }] }]);
    assert!(grants(denied).is_empty(), "a deny grants nothing");
    assert!(grants(json!("not a list")).is_empty(), "a lying server's policies are no grant");
}

#[test]
fn certificates_are_judged_by_expiry_only_and_a_missing_date_is_said() {
    let zone: ZoneId = "9a7806061c88ada191ed06f989cc3dac".parse().unwrap();
    let certificate = |kind: Kind, item: Value| Credential::from_item(kind, Place::Zone(zone.clone()), &item);
    let custom = certificate(
        Kind::CustomCertificate,
        json!({ "id": "c1", "hosts": ["example.com", "*.example.com"],
        "expires_on": ahead(5), "uploaded_on": ago(900) }),
    );
    assert_eq!(custom.name, "example.com, *.example.com");
    assert_eq!(rules(&custom).len(), 1, "no use is recorded: never unused");
    assert_eq!(rules(&custom)[0].0, "expires-soon");
    let origin = certificate(
        Kind::OriginCaCertificate,
        json!({ "id": "o1", "hostnames": ["example.com"],
        "expires_on": "2026-12-10 00:00:00 +0000 UTC" }),
    );
    assert_eq!(rules(&origin)[0].0, "expires-soon", "Go's time format is read");
    let missing = certificate(Kind::ClientCertificate, json!({ "id": "x", "common_name": "device" }));
    assert_eq!(rules(&missing), [("unreadable-date", "no expiry date was sent".to_owned())]);
    let odd = certificate(Kind::MtlsCertificate, json!({ "id": "m", "expires_on": "next year" }));
    assert_eq!(rules(&odd), [("unreadable-date", "expiry \"next year\" is not a date".to_owned())]);
    let far = certificate(Kind::AccessCertificate, json!({ "id": "a", "expires_on": "2226-01-01T00:00:00Z" }));
    assert_eq!(rules(&far)[0].0, "never-expires");
}

#[test]
fn a_service_token_is_unused_by_its_last_sighting_else_since_made() {
    let account: AccountId = "023e105f4ecef8ad9ca31a8372d0c353".parse().unwrap();
    let token = |item: Value| Credential::from_item(Kind::ServiceToken, Place::Account(account.clone()), &item);
    let never = token(json!({ "id": "s", "name": "old", "expires_at": ahead(300), "created_at": ago(100) }));
    assert_eq!(rules(&never).len(), 1);
    assert!(rules(&never)[0].1.starts_with("never used; made"), "{:?}", rules(&never));
    let odd = token(json!({ "expires_at": ahead(300), "last_seen_at": "yesterday" }));
    assert_eq!(rules(&odd), [("unreadable-date", "last use \"yesterday\" is not a date".to_owned())]);
}

#[test]
fn a_selection_is_the_same_for_every_kind() {
    let zone: ZoneId = "9a7806061c88ada191ed06f989cc3dac".parse().unwrap();
    let items = [
        user_token(json!({ "id": "1", "name": "ci-a", "expires_on": ahead(10) })),
        user_token(json!({ "id": "2", "name": "ci-b", "last_used_on": ago(200) })),
        Credential::from_item(
            Kind::CustomCertificate,
            Place::Zone(zone),
            &json!({ "id": "3", "hosts": ["x"], "expires_on": ago(1) }),
        ),
        user_token(json!({ "id": "4" })),
    ];
    let pick = |selection: &Selection| -> Vec<&str> {
        items.iter().filter(|item| selection.matches(item, now())).map(|item| item.id.as_str()).collect()
    };
    let mut selection = Selection::default();
    assert_eq!(pick(&selection), ["1", "2", "3", "4"]);
    selection.expiring_within = Some(Duration::from_secs(30 * DAY));
    assert_eq!(pick(&selection), ["1"]);
    selection = Selection { never_expires: true, ..Selection::default() };
    assert_eq!(pick(&selection), ["2", "4"], "tokens without an expiry");
    selection = Selection { expired: true, ..Selection::default() };
    assert_eq!(pick(&selection), ["3"]);
    selection = Selection { unused_for: Some(Duration::from_secs(90 * DAY)), ..Selection::default() };
    assert_eq!(pick(&selection), ["2"]);
    selection = Selection { name: Some(glob::Pattern::new("*").unwrap()), ..Selection::default() };
    assert_eq!(pick(&selection), ["1", "2", "3"], "no name matches no pattern");
    selection = Selection { ids: vec!["4".into(), "1".into()], ..Selection::default() };
    assert_eq!(pick(&selection), ["1", "4"]);
}

#[test]
fn kinds_have_names_lists_and_fields() {
    for kind in Kind::ALL {
        assert_eq!(kind.name().parse::<Kind>().unwrap(), kind);
        for (_, operation) in kind.lists() {
            // Every one is in the spec; a family's cargo feature builds it.
            let built = crate::operation(operation);
            if cfg!(feature = "full") {
                assert!(built.is_some(), "{kind}: {operation}");
            }
            let Some(operation) = built else { continue };
            assert!(operation.paginated && operation.method == "GET", "{kind}: {}", operation.id);
        }
    }
    assert!(Kind::UserApiToken.records_use() && Kind::ServiceToken.records_use());
    assert!(!Kind::CustomCertificate.records_use());
    assert!("api-token".parse::<Kind>().unwrap_err().to_string().contains("user-api-token"));
}
