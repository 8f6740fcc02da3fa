//! API credentials: an API token, or the legacy account email + Global API key.

use std::borrow::Cow;
use std::fmt;

use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderName, HeaderValue};
use secrecy::{ExposeSecret, SecretString};

use crate::error::{CredentialsError, Error};

/// Environment variable holding an API token (preferred scheme).
pub const API_TOKEN_ENV: &str = "CLOUDFLARE_API_TOKEN";
/// Environment variable holding the account email of the legacy scheme.
pub const EMAIL_ENV: &str = "CLOUDFLARE_EMAIL";
/// Environment variable holding the Global API key of the legacy scheme.
pub const API_KEY_ENV: &str = "CLOUDFLARE_API_KEY";

const X_AUTH_EMAIL: HeaderName = HeaderName::from_static("x-auth-email");
const X_AUTH_KEY: HeaderName = HeaderName::from_static("x-auth-key");
const X_AUTH_USER_SERVICE_KEY: HeaderName = HeaderName::from_static("x-auth-user-service-key");

/// How requests authenticate to Cloudflare. Exactly one scheme is ever sent.
///
/// Secret parts are held as [`SecretString`]s: they are zeroed on drop and never appear in
/// `Debug` output, errors or logs.
///
/// ```
/// use cloudflare_client::Credentials;
///
/// let token = Credentials::api_token("Mz1z9Q_example_token")?;
/// assert!(!format!("{token:?}").contains("Mz1z9Q"));
///
/// let legacy = Credentials::api_key("ops@example.com", "0123456789abcdef0123456789abcdef01234")?;
/// assert_eq!(format!("{legacy:?}"), r#"Credentials::ApiKey { email: "ops@example.com", key: "[REDACTED]" }"#);
/// # Ok::<(), cloudflare_client::Error>(())
/// ```
#[derive(Clone)]
pub struct Credentials {
    scheme: Scheme,
    /// The headers sent, built once (values marked sensitive, so `http` never shows them).
    headers: Vec<(HeaderName, HeaderValue)>,
}

#[derive(Clone)]
enum Scheme {
    /// `Authorization: Bearer <token>`.
    ApiToken(SecretString),
    /// `X-Auth-Email` + `X-Auth-Key`.
    ApiKey { email: String, key: SecretString },
}

impl Credentials {
    /// An API token, sent as `Authorization: Bearer <token>`.
    ///
    /// # Errors
    /// [`Error::Credentials`] if the token is empty or holds a character that cannot be
    /// sent in an HTTP header (whitespace, control characters such as CR/LF, non-ASCII).
    pub fn api_token(token: impl Into<String>) -> Result<Self, Error> {
        let token = SecretString::from(token.into());
        check_value("API token", token.expose_secret())?;
        Ok(Self::new(Scheme::ApiToken(token)))
    }

    /// The legacy scheme: account email and Global API key, sent as `X-Auth-Email` and
    /// `X-Auth-Key`. Prefer a scoped API token where you can.
    ///
    /// # Errors
    /// [`Error::Credentials`] if either value is empty or cannot be sent in an HTTP header.
    pub fn api_key(email: impl Into<String>, key: impl Into<String>) -> Result<Self, Error> {
        let email = email.into();
        let key = SecretString::from(key.into());
        check_value("API email", &email)?;
        check_value("API key", key.expose_secret())?;
        Ok(Self::new(Scheme::ApiKey { email, key }))
    }

    /// Reads [`API_TOKEN_ENV`], else [`EMAIL_ENV`] + [`API_KEY_ENV`].
    ///
    /// A token wins when both schemes are set (only the token is then sent).
    ///
    /// # Errors
    /// [`Error::Credentials`] naming the variable when nothing is set, when only one of the
    /// email/key pair is set, or when a value is empty or cannot be sent in an HTTP header.
    pub fn from_env() -> Result<Self, Error> {
        Self::from_vars(|name| std::env::var_os(name).map(|value| value.to_string_lossy().into_owned()))
    }

    /// [`Credentials::from_env`] over any source of variables: `lookup(name)` is the value of
    /// the variable `name` (`Some("")` for one set to nothing), as a command that keeps its own
    /// environment has them.
    ///
    /// # Errors
    /// As [`Credentials::from_env`].
    pub fn from_vars(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, Error> {
        let read = |name: &'static str| match lookup(name) {
            None => Ok(None),
            Some(value) if value.is_empty() => Err(CredentialsError::Empty { variable: name }),
            Some(value) => Ok(Some(value)),
        };
        if let Some(token) = read(API_TOKEN_ENV)? {
            let token = SecretString::from(token);
            check_value(API_TOKEN_ENV, token.expose_secret())?;
            return Ok(Self::new(Scheme::ApiToken(token)));
        }
        match (read(EMAIL_ENV)?, read(API_KEY_ENV)?) {
            (Some(email), Some(key)) => {
                let key = SecretString::from(key);
                check_value(EMAIL_ENV, &email)?;
                check_value(API_KEY_ENV, key.expose_secret())?;
                Ok(Self::new(Scheme::ApiKey { email, key }))
            }
            (Some(_), None) => Err(CredentialsError::Incomplete { set: EMAIL_ENV, missing: API_KEY_ENV }.into()),
            (None, Some(_)) => Err(CredentialsError::Incomplete { set: API_KEY_ENV, missing: EMAIL_ENV }.into()),
            (None, None) => Err(CredentialsError::Missing.into()),
        }
    }

    /// Credentials whose values have been checked (visible ASCII), so the header values
    /// build: a failure would leave a request unauthenticated, never panic.
    fn new(scheme: Scheme) -> Self {
        let headers = match &scheme {
            Scheme::ApiToken(token) => {
                sensitive(&format!("Bearer {}", token.expose_secret())).map(|value| vec![(AUTHORIZATION, value)])
            }
            Scheme::ApiKey { email, key } => sensitive(email)
                .and_then(|email| Ok(vec![(X_AUTH_EMAIL, email), (X_AUTH_KEY, sensitive(key.expose_secret())?)])),
        };
        Self { scheme, headers: headers.unwrap_or_default() }
    }

    /// Which scheme these credentials use, for logs and diagnostics.
    pub fn scheme(&self) -> &'static str {
        match self.scheme {
            Scheme::ApiToken(_) => "api_token",
            Scheme::ApiKey { .. } => "api_key",
        }
    }

    /// Puts this scheme's headers on `headers`, after removing every Cloudflare auth header
    /// already there, so a request never carries two schemes.
    pub(crate) fn apply(&self, headers: &mut HeaderMap) {
        for name in [AUTHORIZATION, X_AUTH_EMAIL, X_AUTH_KEY, X_AUTH_USER_SERVICE_KEY] {
            headers.remove(name);
        }
        for (name, value) in &self.headers {
            headers.insert(name.clone(), value.clone());
        }
    }

    /// `text` with every occurrence of the secret (the API token, or the Global API key)
    /// replaced by `[REDACTED]`: for printing text a server sent back, which could echo it.
    /// Errors are already redacted this way; a successful answer is data, returned as sent.
    ///
    /// A secret of [`Self::REDACT_ANYWHERE`] characters or more (every real one: API tokens
    /// have 40, Global API keys 37) is redacted wherever it appears, inside a longer word
    /// too. A shorter one, as a test or a mock may use, only where it stands alone (not inside
    /// a run of letters, digits, `-` and `_`): redacting `tok` must not turn "the token" into
    /// "the `[REDACTED]en`". Text without the credential is never changed.
    ///
    /// ```
    /// let credentials = cloudflare_client::Credentials::api_token("tok3n-value-0123456789")?;
    /// assert_eq!(credentials.redact("name: tok3n-value-0123456789"), "name: [REDACTED]");
    /// let short = cloudflare_client::Credentials::api_token("tok")?;
    /// assert_eq!(short.redact("the token is tok."), "the token is [REDACTED].");
    /// # Ok::<(), cloudflare_client::Error>(())
    /// ```
    pub fn redact<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let secret = match &self.scheme {
            Scheme::ApiToken(token) => token.expose_secret(),
            Scheme::ApiKey { key, .. } => key.expose_secret(),
        };
        redact_secret(text, secret)
    }

    /// Secrets at least this long are redacted inside longer words too (see [`Self::redact`]).
    pub const REDACT_ANYWHERE: usize = 16;
}

const REDACTED: &str = "[REDACTED]";

/// `text` with every occurrence of `secret` replaced by `[REDACTED]`, as
/// [`Credentials::redact`] does for the credential: anywhere for a secret of
/// [`Credentials::REDACT_ANYWHERE`] characters or more, only where it stands alone for a shorter
/// one. For the secrets a request sends ([`cloudflare_openapi::SecretInput`]: a TSIG's secret, a
/// Hyperdrive password), which a server's answer may quote. An empty secret changes nothing.
///
/// ```
/// use cloudflare_client::redact_secret;
///
/// assert_eq!(redact_secret("bad secret: hunter2", "hunter2"), "bad secret: [REDACTED]");
/// assert_eq!(redact_secret("hunter22", "hunter2"), "hunter22", "a short one only alone");
/// ```
pub fn redact_secret<'a>(text: &'a str, secret: &str) -> Cow<'a, str> {
    if secret.is_empty() {
        return Cow::Borrowed(text);
    }
    let anywhere = secret.len() >= Credentials::REDACT_ANYWHERE;
    let word = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    let mut out: Option<String> = None;
    let mut copied = 0;
    for (start, _) in text.match_indices(secret) {
        // `match_indices` finds occurrences that do not overlap, in order.
        let end = start + secret.len();
        let alone = !word(text[..start].chars().next_back()) && !word(text[end..].chars().next());
        if anywhere || alone {
            let out = out.get_or_insert_with(|| String::with_capacity(text.len()));
            out.push_str(&text[copied..start]);
            out.push_str(REDACTED);
            copied = end;
        }
    }
    match out {
        None => Cow::Borrowed(text),
        Some(mut out) => {
            out.push_str(&text[copied..]);
            Cow::Owned(out)
        }
    }
}

/// What one call redacts from the text its answer brings back (error messages, header values,
/// a body quoted in an error): the credential, and the secrets the request sent.
pub(crate) struct Redaction<'a> {
    pub(crate) credentials: &'a Credentials,
    pub(crate) sent: &'a [cloudflare_openapi::SecretInput],
}

impl Redaction<'_> {
    /// `text` without the credential and without any secret the request sent.
    pub(crate) fn redact<'t>(&self, text: &'t str) -> Cow<'t, str> {
        let mut out = self.credentials.redact(text);
        for secret in self.sent {
            if let Cow::Owned(redacted) = redact_secret(&out, secret.expose_secret()) {
                out = Cow::Owned(redacted);
            }
        }
        out
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.scheme {
            Scheme::ApiToken(_) => f.debug_struct("Credentials::ApiToken").field("token", &REDACTED).finish(),
            Scheme::ApiKey { email, .. } => {
                f.debug_struct("Credentials::ApiKey").field("email", email).field("key", &REDACTED).finish()
            }
        }
    }
}

fn sensitive(value: &str) -> Result<HeaderValue, reqwest::header::InvalidHeaderValue> {
    let mut value = HeaderValue::from_str(value)?;
    value.set_sensitive(true);
    Ok(value)
}

/// Credentials are visible ASCII: anything else (CR/LF, other controls, spaces, non-ASCII)
/// either cannot be sent in a header or is a copy-paste accident that would fail to
/// authenticate. The value itself never appears in the error.
fn check_value(what: &'static str, value: &str) -> Result<(), CredentialsError> {
    if value.is_empty() {
        return Err(CredentialsError::Empty { variable: what });
    }
    if !value.bytes().all(|byte| byte.is_ascii_graphic()) {
        return Err(CredentialsError::Invalid {
            what,
            reason: "contains whitespace, a control character (such as CR or LF) or a non-ASCII character",
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    const TOKEN: &str = "tok_SECRET_0123456789";
    const KEY: &str = "key0SECRET0123456789abcdef";

    fn env(vars: &[(&str, &str)]) -> Result<Credentials, Error> {
        let vars: HashMap<String, String> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        Credentials::from_vars(|name| vars.get(name).cloned())
    }

    fn headers(credentials: &Credentials) -> HeaderMap {
        let mut headers = HeaderMap::new();
        credentials.apply(&mut headers);
        headers
    }

    #[test]
    fn token_is_sent_as_bearer_and_nothing_else() {
        let headers = headers(&Credentials::api_token(TOKEN).unwrap());
        assert_eq!(headers.get(AUTHORIZATION).unwrap(), &format!("Bearer {TOKEN}"));
        assert!(headers.get(AUTHORIZATION).unwrap().is_sensitive());
        assert_eq!(headers.len(), 1);
    }

    #[test]
    fn key_is_sent_as_email_and_key_and_nothing_else() {
        let headers = headers(&Credentials::api_key("a@example.com", KEY).unwrap());
        assert_eq!(headers.get("x-auth-email").unwrap(), "a@example.com");
        assert_eq!(headers.get("x-auth-key").unwrap(), KEY);
        assert!(headers.get("x-auth-key").unwrap().is_sensitive());
        assert_eq!(headers.len(), 2);
    }

    #[test]
    fn apply_replaces_any_other_scheme_already_present() {
        let mut headers = HeaderMap::new();
        headers.insert("x-auth-key", HeaderValue::from_static("stale"));
        headers.insert("x-auth-email", HeaderValue::from_static("stale@example.com"));
        Credentials::api_token(TOKEN).unwrap().apply(&mut headers);
        assert!(headers.get("x-auth-key").is_none());
        assert!(headers.get("x-auth-email").is_none());
        assert_eq!(headers.len(), 1);
    }

    #[test]
    fn debug_never_shows_secrets() {
        for credentials in [Credentials::api_token(TOKEN).unwrap(), Credentials::api_key("a@example.com", KEY).unwrap()]
        {
            let debug = format!("{credentials:?} {credentials:#?}");
            assert!(!debug.contains("SECRET"), "{debug}");
            assert!(debug.contains(REDACTED), "{debug}");
        }
    }

    #[test]
    fn token_wins_over_key_in_env() {
        let credentials = env(&[(API_TOKEN_ENV, TOKEN), (EMAIL_ENV, "a@example.com"), (API_KEY_ENV, KEY)]).unwrap();
        assert_eq!(credentials.scheme(), "api_token");
        let headers = headers(&credentials);
        assert!(headers.get("x-auth-key").is_none() && headers.get("x-auth-email").is_none());
    }

    #[test]
    fn env_key_pair_is_used_without_token() {
        let credentials = env(&[(EMAIL_ENV, "a@example.com"), (API_KEY_ENV, KEY)]).unwrap();
        assert_eq!(credentials.scheme(), "api_key");
    }

    #[test]
    fn env_errors_name_the_variable() {
        let cases: &[(&[(&str, &str)], &str)] = &[
            (&[], "CLOUDFLARE_API_TOKEN"),
            (&[(EMAIL_ENV, "a@example.com")], "CLOUDFLARE_API_KEY"),
            (&[(API_KEY_ENV, KEY)], "CLOUDFLARE_EMAIL"),
            (&[(API_TOKEN_ENV, "")], "CLOUDFLARE_API_TOKEN"),
            (&[(EMAIL_ENV, ""), (API_KEY_ENV, KEY)], "CLOUDFLARE_EMAIL"),
            (&[(EMAIL_ENV, "a@example.com"), (API_KEY_ENV, "")], "CLOUDFLARE_API_KEY"),
            (&[(API_TOKEN_ENV, "abc\r\nX-Evil: 1")], "CLOUDFLARE_API_TOKEN"),
            (&[(EMAIL_ENV, "a@example.com"), (API_KEY_ENV, "k\u{7f}")], "CLOUDFLARE_API_KEY"),
        ];
        for (vars, variable) in cases {
            let error = env(vars).unwrap_err();
            assert!(matches!(error, Error::Credentials(_)), "{vars:?}: {error:?}");
            assert!(error.to_string().contains(variable), "{vars:?}: {error}");
            assert!(error.is_invalid_input());
        }
    }

    #[test]
    fn partial_and_missing_are_distinct_errors() {
        assert!(matches!(env(&[]).unwrap_err(), Error::Credentials(CredentialsError::Missing)));
        // An empty variable is named as empty, not taken for a value or for a missing one.
        for vars in [&[(EMAIL_ENV, "")][..], &[(EMAIL_ENV, ""), (API_KEY_ENV, KEY)][..]] {
            assert!(
                matches!(env(vars).unwrap_err(), Error::Credentials(CredentialsError::Empty { variable: EMAIL_ENV })),
                "{vars:?}"
            );
        }
        assert!(matches!(
            env(&[(EMAIL_ENV, "a@example.com")]).unwrap_err(),
            Error::Credentials(CredentialsError::Incomplete { set: EMAIL_ENV, missing: API_KEY_ENV })
        ));
    }

    #[test]
    fn values_that_cannot_be_headers_are_rejected_without_echoing_them() {
        for bad in ["tok\nSECRET", "tok\rSECRET", "tok SECRET", "tok\tSECRET", "tokSECRET\u{0}", "tökSECRET", ""] {
            let error = Credentials::api_token(bad).unwrap_err();
            let shown = format!("{error} {error:?}");
            assert!(!shown.contains("SECRET"), "{shown}");
            assert!(shown.contains("API token"), "{shown}");
        }
        assert!(Credentials::api_key("a@example.com\r\n", KEY).is_err());
        assert!(Credentials::api_key("a@example.com", "").is_err());
    }

    #[test]
    fn a_short_credential_is_redacted_only_where_it_stands_alone() {
        let short = Credentials::api_token("tok").unwrap();
        for untouched in ["the token may have been created", "tokens", "xtok", "tok_1", "a-tok", "nothing"] {
            assert_eq!(short.redact(untouched), untouched);
            assert!(matches!(short.redact(untouched), Cow::Borrowed(_)));
        }
        assert_eq!(short.redact("tok"), "[REDACTED]");
        assert_eq!(short.redact("Bearer tok, tok.tok"), "Bearer [REDACTED], [REDACTED].[REDACTED]");
        assert_eq!(short.redact("\"tok\" tokens tok"), "\"[REDACTED]\" tokens [REDACTED]");
        let key = Credentials::api_key("a@example.com", "aa").unwrap();
        assert_eq!(key.redact("aaa aa"), "aaa [REDACTED]", "overlapping occurrences");
        let long = Credentials::api_token("0123456789abcdef").unwrap();
        assert_eq!(long.redact("x0123456789abcdefx"), "x[REDACTED]x", "a real-length secret is redacted anywhere");
        assert_eq!(long.redact("0123456789abcdef0123456789abcdef"), "[REDACTED][REDACTED]");
    }

    #[test]
    fn redact_removes_the_secret_from_server_text() {
        let credentials = Credentials::api_token(TOKEN).unwrap();
        assert_eq!(credentials.redact(&format!("bad token {TOKEN}!")), "bad token [REDACTED]!");
        assert!(matches!(credentials.redact("nothing here"), Cow::Borrowed(_)));
    }
}
