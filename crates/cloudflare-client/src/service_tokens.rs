//! Zero Trust Access service tokens.

use crate::client::Client;
use crate::error::Error;
use crate::ids::{Scope, ServiceTokenId};
use crate::types::ServiceToken;

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
        let api = self.api();
        match scope {
            Scope::Account(account) => {
                self.call(
                    api.delete_account_service_token()
                        .account_id(account.as_identifier().clone())
                        .service_token_id(id.as_uuid())
                        .send(),
                )
                .await
            }
            Scope::Zone(zone) => {
                self.call(
                    api.delete_zone_service_token()
                        .zone_id(zone.as_identifier().clone())
                        .service_token_id(id.as_uuid())
                        .send(),
                )
                .await
            }
        }
    }
}
