//! `[directory]`: staff log in with the accounts of the city's directory
//! (Active Directory or OpenLDAP). In the city file (or a lone office
//! file), for every office:
//!
//! ```toml
//! [directory]
//! url = "ldaps://dc1.city.example.lg.jp"      # or ldap://
//! ca_file = "/etc/madoguchi/city-ca.pem"       # ldaps:// with the city's own CA
//! # Either bind as the user directly …
//! # user_dn = "uid={username},ou=people,dc=city,dc=example"
//! # … or find the user with a service account:
//! bind_dn = "cn=madoguchi,ou=services,dc=city,dc=example"
//! password_env = "MADOGUCHI_DIRECTORY_PASSWORD"  # or password_file = "/etc/…"
//! user_base = "ou=people,dc=city,dc=example"
//! user_filter = "(uid={username})"            # AD: "(sAMAccountName={username})"
//! group_base = "ou=groups,dc=city,dc=example"
//!
//! [[directory.groups]]
//! dn = "cn=madoguchi-staff-honcho,ou=groups,dc=city,dc=example"
//! role = "staff"
//! offices = ["honcho"]
//!
//! [[directory.groups]]
//! dn = "cn=hoken-nenkin,ou=groups,dc=city,dc=example"
//! departments = ["保険年金課"]
//! ```

use serde::Deserialize;

use crate::rules::input::StaffRole;

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DirectorySettings {
    pub url: String,
    /// Direct bind: the user's DN with `{username}` in it.
    #[serde(default)]
    pub user_dn: Option<String>,
    /// The service account that finds users and their groups.
    #[serde(default)]
    pub bind_dn: Option<String>,
    /// The environment variable holding the service account's password…
    #[serde(default)]
    pub password_env: Option<String>,
    /// … or a file holding it (e.g. systemd's `LoadCredential`).
    #[serde(default)]
    pub password_file: Option<std::path::PathBuf>,
    #[serde(default)]
    pub user_base: Option<String>,
    #[serde(default = "default_user_filter")]
    pub user_filter: String,
    /// Where the groups are (`groupOfNames` / AD `group` with `member`).
    pub group_base: String,
    #[serde(default = "default_timeout")]
    pub timeout_seconds: u64,
    /// For `ldaps://`: the certificate authority (PEM) of the city's own
    /// directory certificates, trusted besides the system's.
    #[serde(default)]
    pub ca_file: Option<std::path::PathBuf>,
    pub groups: Vec<GroupMapping>,
}

/// What membership of one directory group gives.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupMapping {
    pub dn: String,
    /// `staff` or `admin`; a group without a role gives only what it
    /// names (offices, departments) to those another group lets in.
    #[serde(default)]
    pub role: Option<String>,
    #[serde(default)]
    pub offices: Vec<String>,
    #[serde(default)]
    pub departments: Vec<String>,
}

fn default_user_filter() -> String {
    "(uid={username})".into()
}

fn default_timeout() -> u64 {
    5
}

/// What the directory's groups give one user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    pub role: StaffRole,
    pub offices: Vec<String>,
    pub departments: Vec<String>,
}

impl DirectorySettings {
    /// Every problem of the section (the caller adds the line).
    pub fn problems(&self, offices: Option<&[String]>) -> Vec<String> {
        let mut p = Vec::new();
        if !(self.url.starts_with("ldap://") || self.url.starts_with("ldaps://")) {
            p.push(format!(
                "[directory] url {:?} must start with ldap:// or ldaps://",
                self.url
            ));
        }
        match (&self.user_dn, &self.bind_dn, &self.user_base) {
            (Some(t), None, None) if t.contains("{username}") => {}
            (Some(_), None, None) => {
                p.push("[directory] user_dn must contain {username}".into());
            }
            (None, Some(_), Some(_)) if self.user_filter.contains("{username}") => {}
            (None, Some(_), Some(_)) => {
                p.push("[directory] user_filter must contain {username}".into());
            }
            _ => p.push(
                "[directory] give either user_dn, or bind_dn with its password and user_base"
                    .into(),
            ),
        }
        if self.bind_dn.is_some() && self.password_env.is_some() == self.password_file.is_some() {
            p.push(
                "[directory] bind_dn needs its password: password_env (a variable) or password_file"
                    .into(),
            );
        }
        if self.ca_file.is_some() && !self.url.starts_with("ldaps://") {
            p.push("[directory] ca_file is for an ldaps:// url".into());
        }
        if !(1..=60).contains(&self.timeout_seconds) {
            p.push("[directory] timeout_seconds must be 1..=60".into());
        }
        if !self.groups.iter().any(|g| g.role.is_some()) {
            p.push("[directory] no group gives a role: nobody could log in".into());
        }
        for g in &self.groups {
            if let Some(role) = &g.role
                && StaffRole::parse(role).is_err()
            {
                p.push(format!(
                    "[directory] group {:?}: role {role:?} is neither staff nor admin",
                    g.dn
                ));
            }
            if let Some(known) = offices {
                for o in &g.offices {
                    if !known.contains(o) {
                        p.push(format!("[directory] group {:?}: no office {o:?}", g.dn));
                    }
                }
            }
        }
        p
    }

    /// What the groups `member_of` (DNs as the directory gives them) give:
    /// none when no group with a role is among them. DNs are compared
    /// without regard to case and to spaces after commas, as LDAP does.
    pub fn grant(&self, member_of: &[String]) -> Option<Grant> {
        let norm = |dn: &str| {
            dn.split(',')
                .map(|part| part.trim().to_lowercase())
                .collect::<Vec<_>>()
                .join(",")
        };
        let mine: Vec<String> = member_of.iter().map(|d| norm(d)).collect();
        let groups: Vec<&GroupMapping> = self
            .groups
            .iter()
            .filter(|g| mine.contains(&norm(&g.dn)))
            .collect();
        let roles: Vec<StaffRole> = groups
            .iter()
            .filter_map(|g| g.role.as_deref().and_then(|r| StaffRole::parse(r).ok()))
            .collect();
        let role = if roles.contains(&StaffRole::Admin) {
            StaffRole::Admin
        } else {
            *roles.first()?
        };
        let mut offices: Vec<String> = groups.iter().flat_map(|g| g.offices.clone()).collect();
        offices.sort();
        offices.dedup();
        let mut departments: Vec<String> =
            groups.iter().flat_map(|g| g.departments.clone()).collect();
        departments.sort();
        departments.dedup();
        Some(Grant {
            role,
            offices,
            departments,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> DirectorySettings {
        toml::from_str(
            r#"
            url = "ldap://127.0.0.1:389"
            bind_dn = "cn=svc,dc=x"
            password_env = "P"
            user_base = "ou=people,dc=x"
            group_base = "ou=groups,dc=x"
            [[groups]]
            dn = "cn=staff-honcho,ou=groups,dc=x"
            role = "staff"
            offices = ["honcho"]
            [[groups]]
            dn = "cn=admins,ou=groups,dc=x"
            role = "admin"
            [[groups]]
            dn = "cn=hoken,ou=groups,dc=x"
            departments = ["保険年金課"]
            "#,
        )
        .expect("settings")
    }

    #[test]
    fn groups_give_a_role_offices_and_departments_or_nothing() {
        let s = settings();
        assert_eq!(s.problems(Some(&["honcho".into()])), Vec::<String>::new());
        assert_eq!(
            s.grant(&[
                "CN=Staff-Honcho, ou=groups,dc=x".into(),
                "cn=hoken,ou=groups,dc=x".into()
            ]),
            Some(Grant {
                role: StaffRole::Staff,
                offices: vec!["honcho".into()],
                departments: vec!["保険年金課".into()],
            })
        );
        assert_eq!(
            s.grant(&[
                "cn=admins,ou=groups,dc=x".into(),
                "cn=staff-honcho,ou=groups,dc=x".into()
            ])
            .map(|g| g.role),
            Some(StaffRole::Admin)
        );
        // A department group alone lets nobody in.
        assert_eq!(s.grant(&["cn=hoken,ou=groups,dc=x".into()]), None);
        assert_eq!(s.grant(&[]), None);
    }

    #[test]
    fn every_problem_of_the_section_is_named() {
        let mut s = settings();
        s.url = "http://dc1".into();
        s.groups[0].role = Some("boss".into());
        s.groups[0].offices = vec!["nowhere".into()];
        s.password_env = None;
        let p = s.problems(Some(&["honcho".into()]));
        assert_eq!(p.len(), 4, "{p:?}");
        // A CA for a directory without TLS is a mistake worth naming.
        let mut s = settings();
        s.ca_file = Some("/etc/madoguchi/city-ca.pem".into());
        assert_eq!(
            s.problems(None),
            ["[directory] ca_file is for an ldaps:// url"]
        );
        s.url = "ldaps://dc1.city.example".into();
        assert!(s.problems(None).is_empty());
    }
}
