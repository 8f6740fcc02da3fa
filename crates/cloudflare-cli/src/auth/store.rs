//! Where `cloudflare auth login` keeps a profile: its settings (which scheme, the account and
//! zone it defaults to, what Cloudflare said of the credential at login) in `profiles.json`, and
//! its secret (the API token, or the Global API key) in the OS keyring, or where there is none
//! (a headless Linux box without a Secret Service) in `credentials.json`, readable by the user
//! alone. Both files live in the user's configuration folder (`CLOUDFLARE_CONFIG_DIR`, else
//! `cloudflare-cli` under the platform's: `~/.config/cloudflare-cli` on Linux), made 0700.
//!
//! A file is written whole or not at all (a temporary file, renamed over the old one), and a
//! change (read, modify, write) holds the folder's lock, so that two logins at once both land.
//! A file that cannot be read as a store is an error naming it, never a panic; a credential
//! file that others can read (or that is not the user's, or is a link) is refused.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use keyring_core::CredentialStore;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

use crate::error::CliError;
use crate::values::ProfileName;

/// The keyring service the secrets are kept under.
const SERVICE: &str = "cloudflare-cli";
const PROFILES: &str = "profiles.json";
const CREDENTIALS: &str = "credentials.json";
const LOCK: &str = ".lock";
/// The format of both files.
const VERSION: u32 = 1;
/// The largest store file read (a profile is a few hundred bytes).
const MAX_FILE: u64 = 1 << 20;

/// Where a profile's secret is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Storage {
    /// The OS keyring (Secret Service, Keychain, Credential Manager).
    Keyring,
    /// `credentials.json`, readable by the user alone.
    File,
}

/// Which credential a profile holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scheme {
    /// An API token (the user's, or with `account_token` an account's own).
    ApiToken,
    /// The legacy account email + Global API key.
    ApiKey,
}

/// A profile's settings (no secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    pub credential: Scheme,
    pub storage: Storage,
    /// The account email of an API key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// An account-owned API token (verified at /accounts/{account_id}/tokens/verify).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub account_token: bool,
    /// The account every command uses when no flag or variable names one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_id: Option<String>,
    /// The zone every command uses when no flag or variable names one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zone_id: Option<String>,
    /// The token's id, as Cloudflare gave it at login.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_id: Option<String>,
    /// The token's expiry, as Cloudflare gave it at login (none: it never expires).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_on: Option<String>,
    /// When the profile was saved (RFC 3339).
    pub saved_on: String,
}

/// `profiles.json`.
#[derive(Debug, Default, Serialize, Deserialize)]
struct ProfilesFile {
    version: u32,
    /// Names this folder's keyring entries (`PROFILE/STORE_ID`), so that two folders
    /// (`CLOUDFLARE_CONFIG_DIR`) never share one.
    #[serde(default)]
    store_id: String,
    #[serde(default)]
    profiles: BTreeMap<String, Profile>,
}

/// `credentials.json` (no `Debug`: it holds the secrets).
#[derive(Default, Serialize, Deserialize)]
struct CredentialsFile {
    version: u32,
    #[serde(default)]
    secrets: BTreeMap<String, String>,
}

/// Where a saved secret went, and why not the keyring if it did not.
#[derive(Debug)]
pub struct Saved {
    pub storage: Storage,
    /// The file, for [`Storage::File`].
    pub file: Option<PathBuf>,
    /// Why the keyring was not used.
    pub why_not_keyring: Option<String>,
}

/// The profiles of one configuration folder, and the keyring beside them.
pub struct Store {
    dir: PathBuf,
    context: crate::context::Context,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("dir", &self.dir).finish_non_exhaustive()
    }
}

/// The OS keyring of this platform, or why there is none.
pub(crate) fn platform_keyring() -> Result<Arc<CredentialStore>, String> {
    // Each store talks to its service in blocking calls (the Secret Service's on a runtime of
    // its own): made and used on a thread of its own, off the command's runtime.
    off_runtime(|| {
        #[cfg(target_os = "macos")]
        let store = apple_native_keyring_store::keychain::Store::new().map(|store| store as Arc<CredentialStore>);
        #[cfg(target_os = "windows")]
        let store = windows_native_keyring_store::Store::new().map(|store| store as Arc<CredentialStore>);
        #[cfg(all(unix, not(any(target_os = "macos", target_os = "ios", target_os = "android"))))]
        let store = zbus_secret_service_keyring_store::Store::new().map(|store| store as Arc<CredentialStore>);
        #[cfg(not(any(
            target_os = "macos",
            target_os = "windows",
            all(unix, not(target_os = "ios"), not(target_os = "android"))
        )))]
        let store: keyring_core::Result<Arc<CredentialStore>> =
            Err(keyring_core::Error::NotSupportedByStore("no OS keyring on this platform".to_owned()));
        store.map_err(|error| keyring_error(&error))
    })?
}

/// Runs `work` on a thread of its own and waits for it: the keyring stores block, and the Secret
/// Service's starts a runtime of its own, which a runtime's thread cannot.
fn off_runtime<T: Send>(work: impl FnOnce() -> T + Send) -> Result<T, String> {
    std::thread::scope(|scope| scope.spawn(work).join()).map_err(|_| "the keyring's code panicked".to_owned())
}

/// A keyring error in words, never with its data (`BadEncoding` carries the secret's bytes).
fn keyring_error(error: &keyring_core::Error) -> String {
    use keyring_core::Error;
    match error {
        Error::BadEncoding(_) | Error::BadDataFormat(..) => {
            "the keyring's entry is not a credential of ours".to_owned()
        }
        Error::NoEntry => "the keyring has no such entry".to_owned(),
        other => other.to_string(),
    }
}

impl Store {
    /// The store of the command's configuration folder; `None` where there is none (no home
    /// folder, or an in-process test that gave none).
    pub fn open() -> Option<Self> {
        let context = crate::context::current();
        context.config_dir().map(|dir| Self { dir, context })
    }

    /// The folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    /// The file of the secrets where there is no keyring.
    pub fn credentials_file(&self) -> PathBuf {
        self.path(CREDENTIALS)
    }

    /// The profiles, by name.
    pub fn profiles(&self) -> Result<BTreeMap<ProfileName, Profile>, CliError> {
        let file = self.read_profiles()?;
        let path = self.path(PROFILES);
        file.profiles
            .into_iter()
            .map(|(name, profile)| {
                let name = name.parse::<ProfileName>().map_err(|error| {
                    CliError::usage(format!("{}: a profile named {name:?}: {error}", path.display()))
                })?;
                Ok((name, profile))
            })
            .collect()
    }

    /// The profile `name`, if there is one.
    pub fn profile(&self, name: &ProfileName) -> Result<Option<Profile>, CliError> {
        Ok(self.read_profiles()?.profiles.remove(name.as_str()))
    }

    /// The secret of the profile `name`, from where `profile` says it is.
    pub fn secret(&self, name: &ProfileName, profile: &Profile) -> Result<SecretString, CliError> {
        let missing = |why: String| {
            CliError::usage(format!(
                "profile {name}: {why}; run `cloudflare auth login --profile {name}` to sign in again"
            ))
        };
        match profile.storage {
            Storage::Keyring => {
                let store_id = self.read_profiles()?.store_id;
                let keyring = self.context.keyring().map_err(|why| missing(format!("no OS keyring here ({why})")))?;
                let user = keyring_user(name, &store_id);
                off_runtime(move || {
                    keyring_core::Entry::new_in_store(&keyring, SERVICE, &user)
                        .and_then(|entry| entry.get_password())
                        .map(SecretString::from)
                        .map_err(|error| keyring_error(&error))
                })
                .and_then(|found| found)
                .map_err(|why| missing(format!("its secret is not in the OS keyring ({why})")))
            }
            Storage::File => {
                let mut file = self.read_credentials()?;
                file.secrets
                    .remove(name.as_str())
                    .map(SecretString::from)
                    .ok_or_else(|| missing(format!("{} holds no secret for it", self.path(CREDENTIALS).display())))
            }
        }
    }

    /// Saves `profile` (its storage chosen here) and `secret` under `name`, replacing what was
    /// there: the OS keyring unless `insecure` or there is none, else the credential file.
    pub fn save(
        &self,
        name: &ProfileName,
        mut profile: Profile,
        secret: &SecretString,
        insecure: bool,
    ) -> Result<Saved, CliError> {
        self.make_dir()?;
        let _lock = self.lock()?;
        let mut profiles = self.read_profiles()?;
        if profiles.store_id.is_empty() {
            profiles.store_id = uuid::Uuid::new_v4().simple().to_string();
        }
        let user = keyring_user(name, &profiles.store_id);
        let why_not_keyring = if insecure {
            Some("--insecure-storage".to_owned())
        } else {
            match self.context.keyring() {
                Err(why) => Some(why),
                Ok(keyring) => {
                    let secret = secret.expose_secret().to_owned();
                    let user = user.clone();
                    off_runtime(move || {
                        let secret = SecretString::from(secret);
                        keyring_core::Entry::new_in_store(&keyring, SERVICE, &user)
                            .and_then(|entry| entry.set_password(secret.expose_secret()))
                            .map_err(|error| keyring_error(&error))
                    })
                    .and_then(|set| set)
                    .err()
                }
            }
        };
        profile.storage = if why_not_keyring.is_none() { Storage::Keyring } else { Storage::File };
        // The secret's other place, if it had one, is emptied: one profile, one secret.
        let mut credentials = self.read_credentials_if_any()?;
        let had_file_secret = credentials.secrets.remove(name.as_str()).is_some();
        if profile.storage == Storage::File {
            credentials.version = VERSION;
            credentials.secrets.insert(name.as_str().to_owned(), secret.expose_secret().to_owned());
            self.write(CREDENTIALS, &serde_json::to_vec_pretty(&credentials).unwrap_or_default())?;
            if profiles.profiles.get(name.as_str()).is_some_and(|old| old.storage == Storage::Keyring) {
                self.forget_in_keyring(&user);
            }
        } else if had_file_secret {
            self.write(CREDENTIALS, &serde_json::to_vec_pretty(&credentials).unwrap_or_default())?;
        }
        let storage = profile.storage;
        profiles.version = VERSION;
        profiles.profiles.insert(name.as_str().to_owned(), profile);
        self.write(PROFILES, &serde_json::to_vec_pretty(&profiles).unwrap_or_default())?;
        Ok(Saved {
            storage,
            file: (storage == Storage::File).then(|| self.path(CREDENTIALS)),
            why_not_keyring: why_not_keyring.filter(|_| !insecure),
        })
    }

    /// Removes the profile `name` and its secret; the profile removed, if there was one.
    pub fn remove(&self, name: &ProfileName) -> Result<Option<Profile>, CliError> {
        if !self.dir.exists() {
            return Ok(None);
        }
        let _lock = self.lock()?;
        let mut profiles = self.read_profiles()?;
        let Some(profile) = profiles.profiles.remove(name.as_str()) else { return Ok(None) };
        match profile.storage {
            Storage::Keyring => self.forget_in_keyring(&keyring_user(name, &profiles.store_id)),
            Storage::File => {
                let mut credentials = self.read_credentials_if_any()?;
                if credentials.secrets.remove(name.as_str()).is_some() {
                    self.write(CREDENTIALS, &serde_json::to_vec_pretty(&credentials).unwrap_or_default())?;
                }
            }
        }
        self.write(PROFILES, &serde_json::to_vec_pretty(&profiles).unwrap_or_default())?;
        Ok(Some(profile))
    }

    /// Deletes the keyring's entry `user`, if it can (a logout must not fail for a keyring
    /// that went away: the profile goes all the same).
    fn forget_in_keyring(&self, user: &str) {
        if let Ok(keyring) = self.context.keyring() {
            let user = user.to_owned();
            let _ = off_runtime(move || {
                keyring_core::Entry::new_in_store(&keyring, SERVICE, &user).and_then(|entry| entry.delete_credential())
            });
        }
    }

    /// The folder, made (0700) if it is not there.
    fn make_dir(&self) -> Result<(), CliError> {
        let failed = |error: std::io::Error| CliError::usage(format!("making {}: {error}", self.dir.display()));
        if self.dir.is_dir() {
            return Ok(());
        }
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder.create(&self.dir).map_err(failed)
    }

    /// The folder's lock, held until dropped: one change at a time, across processes.
    fn lock(&self) -> Result<std::fs::File, CliError> {
        let path = self.path(LOCK);
        let failed = |error: std::io::Error| CliError::usage(format!("locking {}: {error}", path.display()));
        let file = std::fs::OpenOptions::new().create(true).truncate(false).write(true).open(&path).map_err(failed)?;
        file.lock().map_err(failed)?;
        Ok(file)
    }

    /// Writes `bytes` to the file `name` whole (a temporary file, readable by the user alone,
    /// synced and renamed over it).
    fn write(&self, name: &str, bytes: &[u8]) -> Result<(), CliError> {
        let path = self.path(name);
        let failed = |error: std::io::Error| CliError::usage(format!("writing {}: {error}", path.display()));
        let mut file = tempfile::Builder::new().prefix(&format!(".{name}.")).tempfile_in(&self.dir).map_err(failed)?;
        file.write_all(bytes).and_then(|()| file.as_file().sync_all()).map_err(failed)?;
        file.persist(&path).map_err(|error| failed(error.error))?;
        Ok(())
    }

    /// `profiles.json` (none yet: no profiles).
    fn read_profiles(&self) -> Result<ProfilesFile, CliError> {
        let path = self.path(PROFILES);
        let Some(bytes) = read_private(&path, false)? else { return Ok(ProfilesFile::default()) };
        let file: ProfilesFile = parse(&path, &bytes)?;
        if file.version != VERSION {
            return Err(CliError::usage(format!(
                "{} is of version {}, this cloudflare reads version {VERSION}",
                path.display(),
                file.version
            )));
        }
        Ok(file)
    }

    /// `credentials.json`, which must exist.
    fn read_credentials(&self) -> Result<CredentialsFile, CliError> {
        let path = self.path(CREDENTIALS);
        let Some(bytes) = read_private(&path, true)? else {
            return Err(CliError::usage(format!("{} is not there", path.display())));
        };
        parse(&path, &bytes)
    }

    fn read_credentials_if_any(&self) -> Result<CredentialsFile, CliError> {
        if std::fs::symlink_metadata(self.path(CREDENTIALS)).is_err() {
            return Ok(CredentialsFile::default());
        }
        self.read_credentials()
    }
}

/// The keyring's name of a profile's entry.
fn keyring_user(name: &ProfileName, store_id: &str) -> String {
    format!("{name}/{store_id}")
}

/// A store file as JSON; anything else is an error naming it.
fn parse<T: serde::de::DeserializeOwned>(path: &Path, bytes: &[u8]) -> Result<T, CliError> {
    serde_json::from_slice(bytes).map_err(|error| {
        // The position only: serde's message can quote the file, which can hold a secret.
        CliError::usage(format!(
            "{} is corrupted (not a store of cloudflare's: line {}, column {}); fix it, or remove it and run \
             `cloudflare auth login` again",
            path.display(),
            error.line(),
            error.column()
        ))
    })
}

/// The file at `path`, or `None` if it is not there. A file that is not a regular file of the
/// user's (a link, a folder, another user's), that others can write, or, where `secret`, that
/// others can read, is refused.
fn read_private(path: &Path, secret: bool) -> Result<Option<Vec<u8>>, CliError> {
    let metadata = match std::fs::symlink_metadata(path) {
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(error) => return Err(CliError::usage(format!("reading {}: {error}", path.display()))),
        Ok(metadata) => metadata,
    };
    if !metadata.file_type().is_file() {
        return Err(CliError::usage(format!("refusing to read {}: not a regular file (a link?)", path.display())));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let mode = metadata.mode() & 0o777;
        if metadata.uid() != rustix::process::geteuid().as_raw() {
            return Err(CliError::usage(format!("refusing to read {}: it belongs to another user", path.display())));
        }
        let open = if secret { 0o077 } else { 0o022 };
        if mode & open != 0 {
            return Err(CliError::usage(format!(
                "refusing to read {}: other users can {} it (mode {mode:03o}); `chmod 600 {}` if only you should",
                path.display(),
                if secret { "read" } else { "change" },
                path.display()
            )));
        }
    }
    let _ = secret;
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|file| file.take(MAX_FILE + 1).read_to_end(&mut bytes))
        .map_err(|error| CliError::usage(format!("reading {}: {error}", path.display())))?;
    if bytes.len() as u64 > MAX_FILE {
        return Err(CliError::usage(format!(
            "{} is longer than {MAX_FILE} bytes: not a store of cloudflare's",
            path.display()
        )));
    }
    Ok(Some(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile() -> Profile {
        Profile {
            credential: Scheme::ApiToken,
            storage: Storage::Keyring,
            email: None,
            account_token: false,
            account_id: Some("023e105f4ecef8ad9ca31a8372d0c353".to_owned()),
            zone_id: None,
            token_id: None,
            expires_on: None,
            saved_on: "2026-12-07T00:00:00Z".to_owned(),
        }
    }

    /// A store in a folder not made yet, under `dir`.
    fn store(dir: &Path, keyring: Option<Arc<CredentialStore>>) -> Store {
        let dir = dir.join("cloudflare-cli");
        let mut environment = BTreeMap::new();
        environment.insert("CLOUDFLARE_CONFIG_DIR".to_owned(), dir.display().to_string());
        let context = crate::context::Context::new(
            Box::new(std::io::sink()),
            Box::new(std::io::sink()),
            Box::new(std::io::empty()),
            environment,
        );
        let context = match keyring {
            Some(keyring) => context.with_keyring(keyring),
            None => context,
        };
        Store { dir, context }
    }

    #[test]
    fn a_secret_goes_to_the_keyring_and_never_to_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let keyring: Arc<CredentialStore> = keyring_core::mock::Store::new().unwrap();
        let store = store(dir.path(), Some(keyring));
        let name = ProfileName::default_profile();
        let secret = SecretString::from("keyring_S3CRET_0123456789".to_owned());
        let saved = store.save(&name, profile(), &secret, false).unwrap();
        assert_eq!(saved.storage, Storage::Keyring);
        assert!(saved.file.is_none() && saved.why_not_keyring.is_none());
        let profile = store.profile(&name).unwrap().unwrap();
        assert_eq!(store.secret(&name, &profile).unwrap().expose_secret(), "keyring_S3CRET_0123456789");
        for entry in std::fs::read_dir(store.dir()).unwrap() {
            let text = std::fs::read_to_string(entry.unwrap().path()).unwrap_or_default();
            assert!(!text.contains("S3CRET"), "a file holds the secret: {text}");
        }
        assert!(!store.path(CREDENTIALS).exists());
        // Logged out: the keyring's entry goes too.
        assert!(store.remove(&name).unwrap().is_some());
        assert!(store.secret(&name, &profile).is_err());
        assert!(store.remove(&name).unwrap().is_none());
    }

    #[cfg(unix)]
    #[test]
    fn without_a_keyring_the_secret_is_in_a_file_of_the_user_alone() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let store = store(dir.path(), None);
        let name: ProfileName = "work".parse().unwrap();
        let secret = SecretString::from("file_S3CRET".to_owned());
        let saved = store.save(&name, profile(), &secret, false).unwrap();
        assert_eq!(saved.storage, Storage::File);
        assert!(saved.why_not_keyring.is_some(), "it says why");
        let mode = |path: &Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(store.dir()), 0o700);
        assert_eq!(mode(&store.path(CREDENTIALS)), 0o600);
        assert_eq!(mode(&store.path(PROFILES)), 0o600);
        let profile = store.profile(&name).unwrap().unwrap();
        assert_eq!(store.secret(&name, &profile).unwrap().expose_secret(), "file_S3CRET");
        assert!(!std::fs::read_to_string(store.path(PROFILES)).unwrap().contains("S3CRET"));

        std::fs::set_permissions(store.path(CREDENTIALS), std::fs::Permissions::from_mode(0o644)).unwrap();
        let refused = store.secret(&name, &profile).unwrap_err();
        let said = format!("{refused:?}");
        assert!(said.contains("other users can read it") && said.contains("credentials.json"), "{said}");
        assert!(!said.contains("S3CRET"));
    }

    #[test]
    fn a_corrupted_store_is_an_error_naming_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let store = store(dir.path(), None);
        store.make_dir().unwrap();
        std::fs::write(store.path(PROFILES), b"{\"version\": 1, \"profiles\": {\"default\": tok_S3CRET").unwrap();
        let error = format!("{:?}", store.profiles().unwrap_err());
        assert!(error.contains("profiles.json is corrupted"), "{error}");
        assert!(!error.contains("S3CRET"), "the file's text is not quoted: {error}");
    }
}
