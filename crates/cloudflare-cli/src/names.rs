//! Zones and accounts by name: `--zone example.com` (or `CLOUDFLARE_ZONE`) and `--account
//! "Example Corp"` (or `CLOUDFLARE_ACCOUNT`) for the generated commands, resolved to their id
//! with one request (`GET /zones?name=`, `GET /accounts?name=`) before the command's own; an id
//! given there is used as it is, with no request. Exactly one match is the answer; none, or
//! several, is a usage error listing what was found, and the command is not sent.

use cloudflare_client::Arguments;
use serde_json::Value;

use crate::error::CliError;

/// The variables that name a zone or an account (beside `CLOUDFLARE_ZONE_ID` and
/// `CLOUDFLARE_ACCOUNT_ID`, which hold ids).
pub const ZONE_NAME_ENV: &str = "CLOUDFLARE_ZONE";
pub const ACCOUNT_NAME_ENV: &str = "CLOUDFLARE_ACCOUNT";

/// The id a dry run shows in place of one it would look up: no Cloudflare id is all zeros.
pub const PLACEHOLDER: &str = "00000000000000000000000000000000";

/// What a name names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Zone,
    Account,
}

/// A zone or an account to look up by its name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lookup {
    pub kind: Kind,
    pub name: String,
}

impl Lookup {
    /// `Some` where `value` is a name, `None` where it is an id already (32 lowercase hex).
    pub fn of(kind: Kind, value: &str) -> Option<Self> {
        let id = value.len() == 32 && value.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        // A zone's name as Cloudflare keeps it: lowercase, without the root's dot.
        let name = match kind {
            Kind::Zone => value.trim_end_matches('.').to_ascii_lowercase(),
            Kind::Account => value.to_owned(),
        };
        (!id).then_some(Self { kind, name })
    }

    fn word(&self) -> &'static str {
        match self.kind {
            Kind::Zone => "zone",
            Kind::Account => "account",
        }
    }

    /// The operation that lists them, and its arguments.
    fn request(&self) -> (&'static str, Arguments) {
        let mut arguments = Arguments::new();
        arguments.parameter("name", self.name.clone());
        arguments.parameter("per_page", "50");
        match self.kind {
            Kind::Zone => ("zones_get", arguments),
            Kind::Account => ("accounts_list_accounts", arguments),
        }
    }

    /// What a dry run prints for it: the request that would find the id.
    pub fn dry_run_line(&self, base_url: Option<&str>) -> String {
        let (id, arguments) = self.request();
        let request = crate::api::request_line(id, &arguments, base_url).unwrap_or_default();
        format!("first {request} (the id of the {} {:?})", self.word(), self.name)
    }

    /// How a dry run shows the id it would find: `{zone example.com}`.
    pub fn shown(&self) -> String {
        format!("{{{} {}}}", self.word(), crate::output::text(&self.name))
    }

    /// The id of the one zone or account of this name that the credential can see.
    ///
    /// # Errors
    /// A usage error for none or several; the lookup's own failure (a refused token) as it is.
    pub async fn resolve(&self, connection: &crate::args::ConnectionArgs) -> Result<String, CliError> {
        let client = connection.builder()?.build()?;
        let (id, arguments) = self.request();
        let answer = client.invoke(id, &arguments).await?;
        let found: Vec<(String, String)> = answer
            .result
            .as_json()
            .as_array()
            .into_iter()
            .flatten()
            .filter(|item| self.same_name(item))
            .map(|item| (crate::output::plain(&item["id"]), self.owner(item)))
            .collect();
        match found.as_slice() {
            [(id, _)] if Lookup::of(self.kind, id).is_none() => Ok(id.clone()),
            [] => Err(CliError::usage(format!(
                "no {} is called {:?} that this credential can see (pass its id with --{}-id): nothing was sent",
                self.word(),
                self.name,
                self.word()
            ))),
            several => {
                let listed: Vec<String> =
                    several.iter().map(|(id, owner)| format!("  {}{owner}", crate::output::text(id))).collect();
                Err(CliError::usage(format!(
                    "{} {}s are called {:?} (or Cloudflare answered an id that is not one); pass one's id with \
                     --{}-id: nothing was sent\n{}",
                    several.len(),
                    self.word(),
                    self.name,
                    self.word(),
                    listed.join("\n")
                )))
            }
        }
    }

    /// Whether `item` of the list is this name exactly (the API's filter may match more).
    fn same_name(&self, item: &Value) -> bool {
        let name = item["name"].as_str().unwrap_or_default();
        match self.kind {
            Kind::Zone => name.trim_end_matches('.').eq_ignore_ascii_case(&self.name),
            Kind::Account => name == self.name,
        }
    }

    /// ` (account Example Corp)`: what tells apart zones of one name.
    fn owner(&self, item: &Value) -> String {
        match item["account"]["name"].as_str() {
            Some(account) if self.kind == Kind::Zone => format!(" (account {})", crate::output::text(account)),
            _ => String::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_is_not_looked_up_and_a_zone_name_is_as_cloudflare_keeps_it() {
        assert_eq!(Lookup::of(Kind::Zone, "9a7806061c88ada191ed06f989cc3dac"), None);
        let lookup = Lookup::of(Kind::Zone, "Example.COM.").unwrap();
        assert_eq!(lookup.name, "example.com");
        assert_eq!(lookup.shown(), "{zone example.com}");
        assert_eq!(Lookup::of(Kind::Account, "Example Corp").unwrap().name, "Example Corp");
        // Upper-case hex is no Cloudflare id: a name.
        assert!(Lookup::of(Kind::Zone, "9A7806061C88ADA191ED06F989CC3DAC").is_some());
    }
}
