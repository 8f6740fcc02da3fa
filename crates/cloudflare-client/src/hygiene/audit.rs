//! [`Client::audit`]: every kind of credential read in every place of a scope, list by list,
//! each credential judged by a [`Policy`]; a list that cannot be read (a 403 for one kind, a
//! family not built in) is a [`Gap`] the audit reports, not an end to it.

use std::collections::VecDeque;

use chrono::{DateTime, Utc};
use futures_util::{Stream, StreamExt};
use serde_json::Value;

use super::{Credential, Finding, Kind, Place, Policy};
use crate::ids::{AccountId, ZoneId};
use crate::{Arguments, Client};

/// What an audit reads.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct AuditScope {
    /// The API tokens of the user whose credential the client holds.
    pub user: bool,
    /// These accounts' credentials (service tokens, mTLS and Access certificates).
    pub accounts: Vec<AccountId>,
    /// These zones' credentials (service tokens, Origin CA, custom, client and Access
    /// certificates).
    pub zones: Vec<ZoneId>,
    /// Every zone of the accounts too (listed first, `GET /zones?account.id=`).
    pub all_zones: bool,
    /// Only these kinds (none: every kind).
    pub kinds: Vec<Kind>,
}

impl AuditScope {
    /// A scope of the user's tokens, `accounts` and `zones`, every kind.
    pub fn new(user: bool, accounts: Vec<AccountId>, zones: Vec<ZoneId>) -> Self {
        Self { user, accounts, zones, ..Self::default() }
    }

    fn wants(&self, kind: Kind) -> bool {
        self.kinds.is_empty() || self.kinds.contains(&kind)
    }
}

/// What an audit yields, in order: for each list, its findings then what was read.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Outcome {
    /// A rule that holds for a credential.
    Finding(Finding),
    /// A list read whole: `credentials` of `kind` at `place`.
    Read {
        /// The kind.
        kind: Kind,
        /// The place.
        place: Place,
        /// How many credentials the list held.
        credentials: usize,
    },
    /// A list that could not be read: the audit did not see it.
    Gap(Gap),
}

/// A list an audit could not read.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Gap {
    /// The kind, or `None` for the zones of an account (`all_zones`).
    pub kind: Option<Kind>,
    /// Where.
    pub place: Place,
    /// Why, as the error says it (`Cloudflare refused: 403 ...`).
    pub reason: String,
    /// The HTTP status, where there was an answer.
    pub status: Option<u16>,
}

/// One list to read.
enum Step {
    Zones(AccountId),
    List(Kind, Place),
}

impl Client {
    /// The audit of `scope` at `now` by `policy`: each list of each kind at each place, read
    /// page by page (the client's pacing and retries apply), its credentials judged. Lists are
    /// read one after another, so the audit keeps to the client's rate; a list is held in
    /// memory while it is judged.
    ///
    /// ```no_run
    /// use cloudflare_client::Client;
    /// use cloudflare_client::hygiene::{AuditScope, Outcome, Policy};
    /// use futures_util::StreamExt;
    ///
    /// # async fn run(client: Client) -> Result<(), cloudflare_client::Error> {
    /// let scope = AuditScope::new(true, vec!["023e105f4ecef8ad9ca31a8372d0c353".parse()?], vec![]);
    /// let mut audit = std::pin::pin!(client.audit(&scope, Policy::default(), chrono::Utc::now()));
    /// while let Some(outcome) = audit.next().await {
    ///     match outcome {
    ///         Outcome::Finding(finding) => println!("{} {}: {}", finding.rule, finding.credential.name, finding.detail),
    ///         Outcome::Gap(gap) => eprintln!("not read: {:?} in {}: {}", gap.kind, gap.place, gap.reason),
    ///         _ => {}
    ///     }
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn audit<'a>(
        &'a self,
        scope: &'a AuditScope,
        policy: Policy,
        now: DateTime<Utc>,
    ) -> impl Stream<Item = Outcome> + Send + 'a {
        let mut steps = VecDeque::new();
        if scope.user && scope.wants(Kind::UserApiToken) {
            steps.push_back(Step::List(Kind::UserApiToken, Place::User));
        }
        for account in &scope.accounts {
            steps.extend(lists_at(scope, &Place::Account(account.clone())));
        }
        let zones: Vec<ZoneId> = scope.zones.clone();
        for zone in &zones {
            steps.extend(lists_at(scope, &Place::Zone(zone.clone())));
        }
        if scope.all_zones {
            steps.extend(scope.accounts.iter().cloned().map(Step::Zones));
        }
        let state = (steps, zones);
        futures_util::stream::unfold(state, move |(mut steps, mut seen)| async move {
            let step = steps.pop_front()?;
            let outcomes = match step {
                Step::Zones(account) => {
                    let mut arguments = Arguments::new();
                    arguments.parameter("account.id", account.to_string());
                    arguments.parameter("per_page", "50");
                    match self.invoke_all("zones_get", &arguments).await {
                        Ok(items) => {
                            for zone in items.iter().filter_map(|item| item["id"].as_str()?.parse::<ZoneId>().ok()) {
                                if !seen.contains(&zone) {
                                    steps.extend(lists_at(scope, &Place::Zone(zone.clone())));
                                    seen.push(zone);
                                }
                            }
                            Vec::new()
                        }
                        Err(error) => vec![gap(None, Place::Account(account), &error)],
                    }
                }
                Step::List(kind, place) => self.read(kind, place, policy, now).await,
            };
            Some((futures_util::stream::iter(outcomes), (steps, seen)))
        })
        .flatten()
    }

    /// The outcomes of one list: its findings and what was read, or its gap.
    async fn read(&self, kind: Kind, place: Place, policy: Policy, now: DateTime<Utc>) -> Vec<Outcome> {
        let Some(id) = kind.list_at(&place) else { return Vec::new() };
        let Some(operation) = crate::operation(id) else {
            return vec![Outcome::Gap(Gap {
                kind: Some(kind),
                place,
                reason: format!("{id} is not built into this client (its family's cargo feature is off)"),
                status: None,
            })];
        };
        let mut arguments = Arguments::new();
        match &place {
            Place::User => {}
            Place::Account(account) => {
                arguments.parameter("account_id", account.to_string());
            }
            Place::Zone(zone) => {
                arguments.parameter("zone_id", zone.to_string());
            }
        }
        if operation.parameter("per_page").is_some() {
            arguments.parameter("per_page", "50");
        }
        match self.invoke_all(id, &arguments).await {
            Ok(items) => {
                let mut outcomes: Vec<Outcome> = items
                    .iter()
                    .filter(|item| item.is_object())
                    .flat_map(|item| policy.judge(&Credential::from_item(kind, place.clone(), item), now))
                    .map(Outcome::Finding)
                    .collect();
                let credentials = items.iter().filter(|item| Value::is_object(item)).count();
                outcomes.push(Outcome::Read { kind, place, credentials });
                outcomes
            }
            Err(error) => vec![gap(Some(kind), place, &error)],
        }
    }
}

/// The lists of the kinds `scope` wants that live at `place`.
fn lists_at(scope: &AuditScope, place: &Place) -> Vec<Step> {
    Kind::ALL
        .into_iter()
        .filter(|kind| scope.wants(*kind) && kind.list_at(place).is_some())
        .map(|kind| Step::List(kind, place.clone()))
        .collect()
}

fn gap(kind: Option<Kind>, place: Place, error: &crate::Error) -> Outcome {
    Outcome::Gap(Gap { kind, place, reason: error.to_string(), status: error.status().map(|status| status.as_u16()) })
}
