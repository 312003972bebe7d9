//! Staff log-in against the city's directory (`[directory]`, see
//! `config/directory.rs`) with the `ldap3` crate: find the user (or build
//! the DN), bind as them with the password typed, read their groups, and
//! map those to a role, offices and departments. An unreachable or slow
//! directory is an error of its own, never a way in.

use std::sync::Arc;
use std::time::Duration;

use ldap3::{
    LdapConnAsync, LdapConnSettings, LdapError, Scope, SearchEntry, dn_escape, ldap_escape,
};

use crate::config::directory::{DirectorySettings, Grant};

/// Why the directory let nobody in.
#[derive(Debug, thiserror::Error)]
pub enum DirectoryError {
    /// No such user, or the wrong password (LDAP result 49).
    #[error("wrong user name or password")]
    Refused,
    /// Known to the directory, in no group that gives a role.
    #[error("the directory account is in no Madoguchi staff group")]
    NoGroup,
    /// Not reachable, too slow, or the service account refused.
    #[error("the city's directory cannot be reached: {0}")]
    Unavailable(String),
}

/// The directory, as configured; the service account's password is read
/// from its environment variable at start.
#[derive(Clone)]
pub struct Directory {
    settings: DirectorySettings,
    service_password: Option<String>,
    /// `ldaps://` with `ca_file`: the system's authorities and the city's.
    tls: Option<Arc<rustls::ClientConfig>>,
}

impl Directory {
    pub fn new(settings: DirectorySettings) -> Result<Directory, String> {
        let service_password = match (&settings.password_env, &settings.password_file) {
            (Some(var), _) => Some(std::env::var(var).map_err(|_| {
                format!("[directory] password_env: the environment variable {var} is not set")
            })?),
            (None, Some(file)) => Some(
                std::fs::read_to_string(file)
                    .map_err(|e| format!("[directory] password_file {}: {e}", file.display()))?
                    .trim_end_matches(['\r', '\n'])
                    .to_string(),
            ),
            (None, None) => None,
        };
        let tls = match &settings.ca_file {
            Some(file) => Some(Arc::new(tls_trusting(file)?)),
            None => None,
        };
        Ok(Directory {
            settings,
            service_password,
            tls,
        })
    }

    /// Checks `username` and `password` with the directory: their grant,
    /// or why not.
    pub async fn authenticate(
        &self,
        username: &str,
        password: &str,
    ) -> Result<Grant, DirectoryError> {
        // An empty password is an unauthenticated bind, which some servers
        // answer with success: never sent.
        if password.is_empty() || username.is_empty() {
            return Err(DirectoryError::Refused);
        }
        let timeout = Duration::from_secs(self.settings.timeout_seconds);
        let within = async {
            let mut connect = LdapConnSettings::new().set_conn_timeout(timeout);
            if let Some(tls) = &self.tls {
                connect = connect.set_config(tls.clone());
            }
            let (conn, mut ldap) = LdapConnAsync::with_settings(connect, &self.settings.url)
                .await
                .map_err(unavailable)?;
            ldap3::drive!(conn);
            let result = self.check(&mut ldap, username, password).await;
            let _ = ldap.unbind().await;
            result
        };
        // Every step has the timeout; the whole log-in at most twice it.
        match tokio::time::timeout(timeout * 2, within).await {
            Ok(r) => r,
            Err(_) => Err(DirectoryError::Unavailable(format!(
                "no answer within {} s",
                2 * self.settings.timeout_seconds
            ))),
        }
    }

    async fn check(
        &self,
        ldap: &mut ldap3::Ldap,
        username: &str,
        password: &str,
    ) -> Result<Grant, DirectoryError> {
        let timeout = Duration::from_secs(self.settings.timeout_seconds);
        let s = &self.settings;
        let dn = match &s.user_dn {
            Some(template) => template.replace("{username}", &dn_escape(username)),
            None => {
                self.bind_service(ldap).await?;
                let filter = s.user_filter.replace("{username}", &ldap_escape(username));
                let base = s.user_base.as_deref().unwrap_or_default();
                let (entries, _) = ldap
                    .with_timeout(timeout)
                    .search(base, Scope::Subtree, &filter, vec!["1.1"])
                    .await
                    .map_err(unavailable)?
                    .success()
                    .map_err(unavailable)?;
                let mut entries = entries.into_iter();
                match (entries.next(), entries.next()) {
                    (Some(one), None) => SearchEntry::construct(one).dn,
                    // None, or a name that is not unique: nobody.
                    _ => return Err(DirectoryError::Refused),
                }
            }
        };
        match ldap
            .with_timeout(timeout)
            .simple_bind(&dn, password)
            .await
            .map_err(unavailable)?
            .success()
        {
            Ok(_) => {}
            Err(LdapError::LdapResult { result }) if result.rc == 49 => {
                return Err(DirectoryError::Refused);
            }
            Err(e) => return Err(unavailable(e)),
        }
        // Groups are read as the service account when there is one (a
        // directory may not let users read them), else as the user.
        if s.bind_dn.is_some() {
            self.bind_service(ldap).await?;
        }
        let filter = format!("(member={})", ldap_escape(&dn));
        let (groups, _) = ldap
            .with_timeout(timeout)
            .search(&s.group_base, Scope::Subtree, &filter, vec!["1.1"])
            .await
            .map_err(unavailable)?
            .success()
            .map_err(unavailable)?;
        let member_of: Vec<String> = groups
            .into_iter()
            .map(|g| SearchEntry::construct(g).dn)
            .collect();
        s.grant(&member_of).ok_or(DirectoryError::NoGroup)
    }

    async fn bind_service(&self, ldap: &mut ldap3::Ldap) -> Result<(), DirectoryError> {
        let (Some(dn), Some(pw)) = (&self.settings.bind_dn, &self.service_password) else {
            return Ok(());
        };
        ldap.with_timeout(Duration::from_secs(self.settings.timeout_seconds))
            .simple_bind(dn, pw)
            .await
            .map_err(unavailable)?
            .success()
            .map_err(|e| {
                DirectoryError::Unavailable(format!("the service account was refused: {e}"))
            })?;
        Ok(())
    }
}

/// rustls (ring) trusting the system's certificate authorities and the
/// city's own from `ca_file`; a file without a usable certificate stops
/// the start with its name.
fn tls_trusting(file: &std::path::Path) -> Result<rustls::ClientConfig, String> {
    use rustls::pki_types::CertificateDer;
    use rustls::pki_types::pem::PemObject;
    let named = |e: String| format!("[directory] ca_file {}: {e}", file.display());
    let mut roots = rustls::RootCertStore::empty();
    for cert in rustls_native_certs::load_native_certs().certs {
        let _ = roots.add(cert);
    }
    let city: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(file)
        .map_err(|e| named(e.to_string()))?
        .collect::<Result<_, _>>()
        .map_err(|e| named(e.to_string()))?;
    if city.is_empty() {
        return Err(named("no PEM certificate in it".into()));
    }
    for cert in city {
        roots.add(cert).map_err(|e| named(e.to_string()))?;
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    Ok(rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| named(e.to_string()))?
        .with_root_certificates(roots)
        .with_no_client_auth())
}

fn unavailable(e: LdapError) -> DirectoryError {
    DirectoryError::Unavailable(e.to_string())
}
