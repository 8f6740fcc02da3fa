//! Zero Trust Access service tokens: where the account and zone operations differ only in
//! their path, these choose one from a [`Scope`]. Everything else is on [`Client::api`].

use cloudflare_openapi::Request;
use cloudflare_openapi::access::AccessOperations;
use futures_util::Stream;

use super::types::{CreatedServiceToken, ServiceToken};
use crate::client::Client;
use crate::error::{Error, InvalidInput};
use crate::ids::{Scope, ServiceTokenId};

/// The account or the zone variant of an operation (they differ only in their path) for
/// `$scope`, with the same further builder calls, as one [`Request`] for [`Client::call`].
macro_rules! in_scope {
    ($api:expr, $scope:expr, $account:ident | $zone:ident $(. $setter:ident ($($argument:expr),*))*) => {
        match $scope {
            Scope::Account(account) => {
                InScope::Account($api.$account().account_id(account.as_identifier().clone()) $(.$setter($($argument),*))*)
            }
            Scope::Zone(zone) => {
                InScope::Zone($api.$zone().zone_id(zone.as_identifier().clone()) $(.$setter($($argument),*))*)
            }
        }
    };
}

/// The account or the zone variant of one operation, as one [`Request`].
enum InScope<A, Z> {
    Account(A),
    Zone(Z),
}

impl<A: Request, Z: Request<Success = A::Success, Failure = A::Failure>> Request for InScope<A, Z> {
    type Success = A::Success;
    type Failure = A::Failure;

    fn operation_id(&self) -> &'static str {
        match self {
            Self::Account(request) => request.operation_id(),
            Self::Zone(request) => request.operation_id(),
        }
    }

    fn request(self) -> Result<reqwest::Request, cloudflare_openapi::Error<Self::Failure>> {
        match self {
            Self::Account(request) => request.request(),
            Self::Zone(request) => request.request(),
        }
    }
}

/// Which service tokens [`Client::list_service_tokens`] lists.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ServiceTokenQuery {
    /// Only tokens with exactly this name.
    pub name: Option<String>,
    /// Only tokens whose name contains this text.
    pub search: Option<String>,
    /// Tokens per page fetched (Cloudflare's default when `None`).
    pub per_page: Option<u64>,
}

impl ServiceTokenQuery {
    /// Every token.
    pub fn all() -> Self {
        Self::default()
    }
}

impl Client {
    /// Deletes an Access service token in an account or a zone, returning the deleted token.
    ///
    /// `DELETE /{accounts|zones}/{id}/access/service_tokens/{service_token_id}`
    ///
    /// ```no_run
    /// # async fn run(client: cloudflare_client::Client) -> Result<(), cloudflare_client::Error> {
    /// use cloudflare_client::Scope;
    ///
    /// let scope = Scope::Zone("9a7806061c88ada191ed06f989cc3dac".parse()?);
    /// let token = client.delete_service_token(&scope, &"f174e90a-fafe-4643-bbbc-4a0ed4fc8415".parse()?).await?;
    /// println!("deleted {} ({})", token.id.unwrap_or_default(), token.name.unwrap_or_default());
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    /// As [`Client::call`]; [`Error::is_not_found`] when no such token exists in `scope`.
    pub async fn delete_service_token(&self, scope: &Scope, id: &ServiceTokenId) -> Result<ServiceToken, Error> {
        self.call(in_scope!(
            self.api(),
            scope,
            delete_account_service_token | delete_zone_service_token.service_token_id(id.as_uuid())
        ))
        .await
    }
}

impl Client {
    /// Every service token of an account or a zone matching `query`, as a stream that fetches
    /// pages lazily (see [`Client::paginate`]).
    ///
    /// ```no_run
    /// use cloudflare_client::{Scope, ServiceTokenQuery};
    /// use futures_util::TryStreamExt;
    ///
    /// # async fn run(client: cloudflare_client::Client) -> Result<(), cloudflare_client::Error> {
    /// let scope = Scope::Account("023e105f4ecef8ad9ca31a8372d0c353".parse()?);
    /// let tokens: Vec<_> = client.list_service_tokens(&scope, ServiceTokenQuery::all()).try_collect().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn list_service_tokens<'a>(
        &'a self,
        scope: &'a Scope,
        query: ServiceTokenQuery,
    ) -> impl Stream<Item = Result<ServiceToken, Error>> + Send + 'a {
        let api = self.api();
        // The account and zone operations differ only in their path.
        macro_rules! page {
            ($request:expr, $page:expr) => {{
                let mut request = $request.page($page);
                if let Some(name) = &query.name {
                    request = request.name(name.as_str());
                }
                if let Some(search) = &query.search {
                    request = request.search(search.as_str());
                }
                if let Some(per_page) = query.per_page {
                    request = request.per_page(per_page);
                }
                request
            }};
        }
        self.paginate(move |page| match scope {
            Scope::Account(account) => InScope::Account(page!(
                api.list_account_service_tokens().account_id(account.as_identifier().clone()),
                page
            )),
            Scope::Zone(zone) => {
                InScope::Zone(page!(api.list_zone_service_tokens().zone_id(zone.as_identifier().clone()), page))
            }
        })
    }
}

impl Client {
    /// One service token of an account or a zone.
    ///
    /// # Errors
    /// As [`Client::call`]; [`Error::is_not_found`] when there is no such token in `scope`.
    pub async fn get_service_token(&self, scope: &Scope, id: &ServiceTokenId) -> Result<ServiceToken, Error> {
        self.call(in_scope!(
            self.api(),
            scope,
            get_account_service_token | get_zone_service_token.service_token_id(id.as_uuid())
        ))
        .await
    }

    /// Creates a service token named `name`, valid for `duration` (such as `8760h`; Cloudflare's
    /// default of one year when `None`). The answer carries the Client Secret, which Cloudflare
    /// shows only this once: it is a [`Secret`](crate::Secret), read with `expose_secret()`.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for an empty name or a `duration` Cloudflare does not take
    /// ([`check_token_duration`](crate::check_token_duration)), with nothing sent; otherwise as
    /// [`Client::call`].
    pub async fn create_service_token(
        &self,
        scope: &Scope,
        name: &str,
        duration: Option<&str>,
    ) -> Result<CreatedServiceToken, Error> {
        if name.trim().is_empty() {
            return Err(InvalidInput::new("name", name, "a service token needs a name").into());
        }
        let duration = duration.map(crate::parse_token_duration).transpose()?;
        let body = super::types::CreateServiceToken { name: super::types::ServiceTokenName(name.to_owned()), duration };
        self.call(in_scope!(self.api(), scope, create_account_service_token | create_zone_service_token.body(body)))
            .await
    }
}

impl Client {
    /// Changes a service token of an account or a zone: the fields of `update` that are set
    /// (name, duration, `client_secret_version`, `previous_client_secret_expires_at`); the
    /// others stay as they are.
    ///
    /// ```no_run
    /// # async fn run(client: cloudflare_client::Client) -> Result<(), cloudflare_client::Error> {
    /// use cloudflare_client::{Scope, access::types::UpdateServiceToken};
    /// let scope = Scope::Account("023e105f4ecef8ad9ca31a8372d0c353".parse()?);
    /// let id = "f174e90a-fafe-4643-bbbc-4a0ed4fc8415".parse()?;
    /// let update = UpdateServiceToken { name: Some("ci-deploy".to_owned().into()), ..Default::default() };
    /// let token = client.update_service_token(&scope, &id, &update).await?;
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for a `duration` Cloudflare does not take or a negative
    /// `client_secret_version`, with nothing sent; otherwise as [`Client::call`].
    pub async fn update_service_token(
        &self,
        scope: &Scope,
        id: &ServiceTokenId,
        update: &super::types::UpdateServiceToken,
    ) -> Result<ServiceToken, Error> {
        if let Some(duration) = &update.duration {
            super::check_token_duration(duration)?;
        }
        if let Some(version) = update.client_secret_version
            && version < 0
        {
            return Err(
                InvalidInput::new("client_secret_version", &version.to_string(), "a version is 0 or more").into()
            );
        }
        self.call(in_scope!(
            self.api(),
            scope,
            update_account_service_token
                | update_zone_service_token.service_token_id(id.as_uuid()).body(update.clone())
        ))
        .await
    }
}

impl Client {
    /// Generates a new Client Secret for an account's service token. With `grace`, the old
    /// secret keeps working for that long (`previous_client_secret_expires_at` = now + grace,
    /// RFC 3339 UTC), so that clients can switch without downtime; without it, the old secret
    /// stops at once. The answer carries the new secret, shown only this once.
    ///
    /// ```no_run
    /// # async fn run(client: cloudflare_client::Client) -> Result<(), cloudflare_client::Error> {
    /// use std::time::Duration;
    /// let account = "023e105f4ecef8ad9ca31a8372d0c353".parse()?;
    /// let id = "f174e90a-fafe-4643-bbbc-4a0ed4fc8415".parse()?;
    /// let rotated = client.rotate_service_token(&account, &id, Some(Duration::from_secs(24 * 3600))).await?;
    /// let new_secret = rotated.client_secret.as_ref().map(|secret| secret.expose_secret());
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for a grace period past the end of time, with nothing sent;
    /// otherwise as [`Client::call`].
    pub async fn rotate_service_token(
        &self,
        account: &crate::AccountId,
        id: &ServiceTokenId,
        grace: Option<std::time::Duration>,
    ) -> Result<CreatedServiceToken, Error> {
        let until = match grace {
            None => None,
            Some(grace) => Some(
                chrono::Duration::from_std(grace)
                    .ok()
                    .and_then(|grace| chrono::Utc::now().checked_add_signed(grace))
                    .ok_or_else(|| crate::error::InvalidInput::new("grace period", "", "too long"))?,
            ),
        };
        let request = self
            .api()
            .rotate_account_service_token()
            .account_id(account.as_identifier().clone())
            .service_token_id(id.as_uuid())
            .body(super::types::RotateServiceToken {
                previous_client_secret_expires_at: until.map(crate::Timestamp::from),
            });
        self.call(request).await
    }

    /// Extends an account's service token by its duration from now.
    ///
    /// # Errors
    /// As [`Client::call`]; [`Error::is_not_found`] when there is no such token.
    pub async fn refresh_service_token(
        &self,
        account: &crate::AccountId,
        id: &ServiceTokenId,
    ) -> Result<ServiceToken, Error> {
        let request = self
            .api()
            .refresh_account_service_token()
            .account_id(account.as_identifier().clone())
            .service_token_id(id.as_uuid());
        self.call(request).await
    }
}
