//! The one map from Cloudflare's paths to families. A family is the unit of the generated
//! code: a crate (`crates/cloudflare-openapi/families/<name>/`, re-exported as a module of
//! cloudflare-openapi), a module of cloudflare-mock, and a cargo feature of both and of
//! cloudflare-client. Names follow the official SDKs'
//! top-level resources (cloudflare-go's packages: `dns`, `zones`, `workers`, `kv`, ...).
//!
//! The rule, applied by codegen and import alike: an operation's *segment* is the path segment
//! after the account or zone id (`/accounts/{account_id}/access/apps` → `access`,
//! `/zones/{zone_id}/dns_records` → `dns_records`); for a path not under an account or zone
//! it is the first segment with a leading `/` (`/radar/...` → `/radar`, and the account or
//! zone itself, `/accounts/{account_id}`, → `/accounts`). [`FAMILIES`] names the segments of
//! each family. A segment no family names is an error that says to add it here: no operation
//! lands in a family by accident.

/// One family.
#[derive(Debug)]
pub struct Family {
    /// The module and cargo feature name.
    pub name: &'static str,
    /// One line for documentation: what the family covers.
    pub title: &'static str,
    /// The segments whose operations belong to it.
    pub segments: &'static [&'static str],
}

/// The families a build gets without choosing (cargo's `default` feature): what the README's
/// examples use (service tokens, in `access`).
pub const DEFAULT: &[&str] = &["access"];

/// Every family, by name. Keep sorted by name.
pub const FAMILIES: &[Family] = &[
    Family {
        name: "access",
        title: "Zero Trust Access: applications, policies, groups, identity providers, service tokens, certificates",
        segments: &["access"],
    },
    Family {
        name: "accounts",
        title: "Accounts, their members, roles, subscriptions and API tokens",
        segments: &["/accounts", "members", "roles", "subscriptions", "tokens"],
    },
    Family { name: "acm", title: "Advanced Certificate Manager: Total TLS", segments: &["acm"] },
    Family {
        name: "addressing",
        title: "IP addressing: prefixes, BGP, address maps, regional services",
        segments: &["addressing"],
    },
    Family { name: "ai", title: "Workers AI: models, inference, fine-tunes", segments: &["ai"] },
    Family { name: "ai_gateway", title: "AI Gateway: gateways, logs, evaluations", segments: &["ai-gateway"] },
    Family {
        name: "alerting",
        title: "Notifications: policies, destinations, webhooks, history",
        segments: &["alerting"],
    },
    Family { name: "analytics", title: "Zone analytics (GraphQL predecessors)", segments: &["analytics"] },
    Family {
        name: "api_gateway",
        title: "API Shield: operations, schemas, discovery, settings",
        segments: &["api_gateway"],
    },
    Family { name: "argo", title: "Argo Smart Routing and Tiered Caching", segments: &["argo"] },
    Family { name: "audit_logs", title: "Account audit logs", segments: &["audit_logs"] },
    Family { name: "billing", title: "Billing profiles", segments: &["billing"] },
    Family { name: "bot_management", title: "Bot Management settings", segments: &["bot_management"] },
    Family {
        name: "brand_protection",
        title: "Brand protection: URL submissions and info",
        segments: &["brand-protection"],
    },
    Family {
        name: "cache",
        title: "Cache: purge, cache reserve, tiered cache, variants",
        segments: &["cache", "purge_cache"],
    },
    Family { name: "calls", title: "Calls: apps and TURN keys", segments: &["calls"] },
    Family {
        name: "certificate_authorities",
        title: "Certificate authorities: hostname associations",
        segments: &["certificate_authorities"],
    },
    Family { name: "challenges", title: "Turnstile widgets", segments: &["challenges"] },
    Family {
        name: "client_certificates",
        title: "Client certificates (mTLS) of a zone",
        segments: &["client_certificates"],
    },
    Family { name: "cloud_connector", title: "Cloud Connector rules", segments: &["cloud_connector"] },
    Family {
        name: "cloudforce_one",
        title: "Cloudforce One: requests, priorities, messages",
        segments: &["cloudforce-one"],
    },
    Family {
        name: "custom_certificates",
        title: "Custom SSL certificates of a zone",
        segments: &["custom_certificates"],
    },
    Family {
        name: "custom_hostnames",
        title: "Custom hostnames (Cloudflare for SaaS) and fallback origin",
        segments: &["custom_hostnames"],
    },
    Family {
        name: "custom_nameservers",
        title: "Custom nameservers of an account and a zone",
        segments: &["custom_ns"],
    },
    Family { name: "custom_pages", title: "Custom error pages of an account and a zone", segments: &["custom_pages"] },
    Family { name: "d1", title: "D1 databases: create, query, export", segments: &["d1"] },
    Family { name: "dcv_delegation", title: "DCV delegation UUID of a zone", segments: &["dcv_delegation"] },
    Family {
        name: "devices",
        title: "Zero Trust devices: WARP clients, posture rules, settings policies",
        segments: &["devices"],
    },
    Family {
        name: "dex",
        title: "Digital Experience Monitoring: tests, fleet status, traceroutes",
        segments: &["dex"],
    },
    Family { name: "diagnostics", title: "Diagnostics: traceroute", segments: &["diagnostics"] },
    Family { name: "dlp", title: "Data Loss Prevention: profiles, datasets, patterns", segments: &["dlp"] },
    Family {
        name: "dns",
        title: "DNS: records, settings, DNSSEC, analytics, zone transfers (secondary DNS)",
        segments: &["dns_records", "dns_settings", "dnssec", "dns_analytics", "secondary_dns"],
    },
    Family { name: "dns_firewall", title: "DNS Firewall clusters and analytics", segments: &["dns_firewall"] },
    Family { name: "email_routing", title: "Email Routing: addresses, rules, DNS, settings", segments: &["email"] },
    Family {
        name: "firewall",
        title: "Firewall: access rules, filters, lockdowns, user agent rules, WAF packages",
        segments: &["firewall", "filters"],
    },
    Family {
        name: "gateway",
        title: "Zero Trust Gateway: rules, lists, locations, categories, configuration",
        segments: &["gateway"],
    },
    Family { name: "healthchecks", title: "Standalone health checks", segments: &["healthchecks"] },
    Family { name: "hostnames", title: "Per-hostname TLS settings", segments: &["hostnames"] },
    Family { name: "hyperdrive", title: "Hyperdrive configurations", segments: &["hyperdrive"] },
    Family { name: "iam", title: "IAM: permission groups and resource groups", segments: &["iam"] },
    Family {
        name: "images",
        title: "Cloudflare Images: images, variants, keys, direct uploads",
        segments: &["images"],
    },
    Family {
        name: "intel",
        title: "Security Center intelligence: domains, IPs, ASNs, WHOIS, indicator feeds",
        segments: &["intel"],
    },
    Family { name: "ips", title: "Cloudflare's IP ranges", segments: &["/ips"] },
    Family { name: "keyless_certificates", title: "Keyless SSL certificates", segments: &["keyless_certificates"] },
    Family { name: "kv", title: "Workers KV: namespaces, keys, values, analytics", segments: &["storage"] },
    Family { name: "load_balancers", title: "Load balancers, pools, monitors, regions", segments: &["load_balancers"] },
    Family { name: "logpush", title: "Logpush jobs, datasets, ownership, validation", segments: &["logpush"] },
    Family {
        name: "logs",
        title: "Logs: Logpull received logs, Ray ID lookups, retention, CMB config",
        segments: &["logs"],
    },
    Family {
        name: "magic_network_monitoring",
        title: "Magic Network Monitoring: configuration and rules",
        segments: &["mnm"],
    },
    Family {
        name: "magic_transit",
        title: "Magic Transit and WAN: sites, tunnels, routes, connectors",
        segments: &["magic"],
    },
    Family { name: "managed_headers", title: "Managed Transforms (managed headers)", segments: &["managed_headers"] },
    Family { name: "memberships", title: "The user's account memberships", segments: &["/memberships"] },
    Family { name: "mtls_certificates", title: "mTLS certificates of an account", segments: &["mtls_certificates"] },
    Family {
        name: "networks",
        title: "Zero Trust networks: tunnel routes and virtual networks",
        segments: &["teamnet"],
    },
    Family { name: "organizations", title: "Organizations (legacy)", segments: &["/organizations"] },
    Family { name: "origin_ca_certificates", title: "Origin CA certificates", segments: &["/certificates"] },
    Family {
        name: "origin_tls_client_auth",
        title: "Authenticated Origin Pulls",
        segments: &["origin_tls_client_auth"],
    },
    Family { name: "page_shield", title: "Page Shield: scripts, connections, policies", segments: &["page_shield"] },
    Family { name: "pagerules", title: "Page Rules", segments: &["pagerules"] },
    Family { name: "pages", title: "Cloudflare Pages: projects, deployments, domains", segments: &["pages"] },
    Family { name: "pcaps", title: "Packet captures and their buckets", segments: &["pcaps"] },
    Family { name: "queues", title: "Queues: queues, consumers, messages", segments: &["queues"] },
    Family {
        name: "r2",
        title: "R2: buckets, CORS, domains, lifecycle, event notifications",
        segments: &["r2", "event_notifications"],
    },
    Family {
        name: "radar",
        title: "Radar: Internet traffic, attacks, BGP, DNS and quality data",
        segments: &["/radar"],
    },
    Family { name: "rate_limits", title: "Rate limits (previous version)", segments: &["rate_limits"] },
    Family { name: "registrar", title: "Registrar domains", segments: &["registrar"] },
    Family {
        name: "request_tracers",
        title: "Request tracer: trace a request through the configuration",
        segments: &["request-tracer"],
    },
    Family {
        name: "risk_scoring",
        title: "Zero Trust risk scoring: behaviors and user risk",
        segments: &["zt_risk_scoring"],
    },
    Family {
        name: "rules",
        title: "Lists: IP, hostname, redirect and ASN lists and their items",
        segments: &["rules"],
    },
    Family {
        name: "rulesets",
        title: "Rulesets: rules, phases, versions of an account and a zone",
        segments: &["rulesets"],
    },
    Family { name: "rum", title: "Web Analytics (RUM): sites and rules", segments: &["rum"] },
    Family { name: "snippets", title: "Snippets and their rules", segments: &["snippets"] },
    Family { name: "spectrum", title: "Spectrum applications and analytics", segments: &["spectrum"] },
    Family { name: "speed", title: "Observatory: page tests, schedules, availabilities", segments: &["speed_api"] },
    Family {
        name: "ssl",
        title: "SSL/TLS: certificate packs, verification, universal SSL, recommendations",
        segments: &["ssl"],
    },
    Family { name: "stream", title: "Stream: videos, live inputs, captions, watermarks, keys", segments: &["stream"] },
    Family {
        name: "tunnels",
        title: "Cloudflare Tunnels and WARP Connector tunnels",
        segments: &["cfd_tunnel", "tunnels", "warp_connector"],
    },
    Family { name: "url_normalization", title: "URL normalization settings", segments: &["url_normalization"] },
    Family { name: "url_scanner", title: "URL Scanner scans and results", segments: &["urlscanner"] },
    Family { name: "user", title: "The user: details, tokens, invites, billing, audit logs", segments: &["/user"] },
    Family { name: "vectorize", title: "Vectorize indexes and vectors", segments: &["vectorize"] },
    Family { name: "waiting_rooms", title: "Waiting rooms, events, rules", segments: &["waiting_rooms"] },
    Family { name: "web3", title: "Web3 hostnames and IPFS content lists", segments: &["web3"] },
    Family {
        name: "workers",
        title: "Workers: scripts, deployments, routes, domains, KV-less settings",
        segments: &["workers"],
    },
    Family { name: "zero_trust", title: "Zero Trust connectivity settings", segments: &["zerotrust"] },
    Family {
        name: "zones",
        title: "Zones: zones, settings, holds, plans, subscriptions, activation checks",
        segments: &[
            "/zones",
            "settings",
            "hold",
            "subscription",
            "activation_check",
            "available_plans",
            "available_rate_plans",
        ],
    },
];

/// The segment of `path` (see the module documentation).
pub fn segment(path: &str) -> &str {
    let parts: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let scoped =
        matches!(parts.first(), Some(&"accounts" | &"zones")) || parts.first().is_some_and(|s| s.starts_with('{'));
    match parts.as_slice() {
        [_, id, segment, ..] if scoped && id.starts_with('{') && !segment.is_empty() => segment,
        _ => {
            let first = parts.first().copied().unwrap_or_default();
            // `/accounts/...` and `/zones/...` outside an id: the root segment, with its slash.
            &path[..first.len() + 1]
        }
    }
}

/// The family `path` belongs to, or an error saying to add its segment to [`FAMILIES`].
pub fn family_of(path: &str) -> Result<&'static Family, String> {
    let segment = segment(path);
    FAMILIES.iter().find(|family| family.segments.contains(&segment)).ok_or_else(|| {
        format!("{path}: no family has the segment `{segment}`; add it to FAMILIES in xtask/src/families.rs")
    })
}

/// The family called `name`.
pub fn by_name(name: &str) -> Option<&'static Family> {
    FAMILIES.iter().find(|family| family.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_segment_is_after_the_account_or_zone_id_or_the_root() {
        assert_eq!(segment("/accounts/{account_id}/access/apps"), "access");
        assert_eq!(segment("/zones/{zone_id}/dns_records/{dns_record_id}"), "dns_records");
        assert_eq!(segment("/{accounts_or_zones}/{account_or_zone_id}/access/service_tokens"), "access");
        assert_eq!(segment("/accounts/{account_id}"), "/accounts");
        assert_eq!(segment("/accounts"), "/accounts");
        assert_eq!(segment("/zones/{zone_id}"), "/zones");
        assert_eq!(segment("/radar/http/summary"), "/radar");
        assert_eq!(segment("/user/tokens/{token_id}"), "/user");
    }

    #[test]
    fn every_family_is_named_once_and_every_segment_once() {
        let mut names: Vec<&str> = FAMILIES.iter().map(|family| family.name).collect();
        let sorted = {
            let mut sorted = names.clone();
            sorted.sort_unstable();
            sorted
        };
        assert_eq!(names, sorted, "FAMILIES is sorted by name");
        names.dedup();
        assert_eq!(names.len(), FAMILIES.len(), "names are unique");
        let mut segments: Vec<&str> = FAMILIES.iter().flat_map(|family| family.segments.iter().copied()).collect();
        let count = segments.len();
        segments.sort_unstable();
        segments.dedup();
        assert_eq!(segments.len(), count, "each segment belongs to one family");
        for family in FAMILIES {
            assert!(
                syn::parse_str::<syn::Ident>(family.name).is_ok()
                    && family.name != "types"
                    && family.name != "families",
                "{} is a usable module name",
                family.name
            );
        }
    }

    #[test]
    fn a_path_outside_every_family_is_an_error_naming_where_to_add_it() {
        assert_eq!(family_of("/zones/{zone_id}/dnssec").unwrap().name, "dns");
        assert_eq!(family_of("/accounts/{account_id}/storage/kv/namespaces").unwrap().name, "kv");
        let error = family_of("/accounts/{account_id}/teleport/x").unwrap_err();
        assert!(error.contains("`teleport`") && error.contains("xtask/src/families.rs"), "{error}");
    }
}
