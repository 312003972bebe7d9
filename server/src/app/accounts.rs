//! Staff accounts, sessions and device tokens: the one way in for the
//! admin routes, the login, the request extractors and the CLI alike, so a
//! rule (a name taken, a role, the login lock-out) holds however it is
//! reached. Secrets are stored hashed (`tokens::hash`, argon2id).

use std::net::IpAddr;

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use protocol::{DeviceCreated, DeviceInfo, ErrorCode, SessionInfo, StaffUser};

use crate::clock::Clock;
use crate::config::SecuritySettings;
use crate::error::{Error, Result};
use crate::limiter::Limiter;
use crate::rules::input::{DeviceName, DeviceRole, Password, StaffRole, Username};
use crate::storage::Store;
use crate::tokens;

/// Who a bearer token or session cookie belongs to.
#[derive(Debug, Clone)]
pub enum Principal {
    Staff(StaffSession),
    Device(Device),
}

/// A live staff session.
#[derive(Debug, Clone)]
pub struct StaffSession {
    pub username: String,
    pub role: StaffRole,
    pub csrf: String,
    /// The offices the user works in (see `works_at`).
    pub offices: Vec<String>,
    /// The departments whose families' details the user may see.
    pub departments: Vec<String>,
}

impl StaffSession {
    pub fn works_at(&self, office: &str) -> bool {
        works_at(self.role, &self.offices, office)
    }

    /// Of a family's departments, those whose details this user may see
    /// (see `sees_details_of`).
    pub fn departments_among<'a>(&self, family: &'a [String]) -> Vec<&'a String> {
        family
            .iter()
            .filter(|d| sees_details_of(&self.departments, d))
            .collect()
    }
}

/// The one rule of who sees a family's details: staff of a department
/// the family's checklist sends them to. Being an admin gives no such
/// right; an admin who prepares forms is given departments too.
pub fn sees_details_of(departments: &[String], department: &str) -> bool {
    departments.iter().any(|d| d == department)
}

/// The one rule of who works where: an admin at every office, a clerk at
/// the offices they were given.
pub fn works_at(role: StaffRole, offices: &[String], office: &str) -> bool {
    role == StaffRole::Admin || offices.iter().any(|o| o == office)
}

/// An active kiosk or board, of one office.
#[derive(Debug, Clone)]
pub struct Device {
    pub id: i64,
    pub name: String,
    pub role: DeviceRole,
    pub office: String,
}

/// A new session, and how long its cookie lives.
pub struct NewSession {
    pub info: SessionInfo,
    pub max_age_secs: i64,
}

pub struct Accounts {
    store: Store,
    /// The city's offices, in order: what a user or device may be given.
    offices: Vec<String>,
    /// The departments of every office's procedures: what a user may be
    /// given.
    departments: Vec<String>,
    clock: Clock,
    time_zone: Tz,
    session_hours: i64,
    login_limiter: Limiter,
    /// The city's directory (`[directory]`), if staff log in with it.
    directory: Option<crate::directory::Directory>,
}

impl Accounts {
    pub fn new(
        store: Store,
        offices: Vec<String>,
        departments: Vec<String>,
        clock: Clock,
        time_zone: Tz,
        security: &SecuritySettings,
    ) -> Accounts {
        let login_limiter = Limiter::new(
            security.login_failures,
            Duration::minutes(security.login_window_minutes),
            &store,
        );
        Accounts {
            store,
            offices,
            departments,
            clock,
            time_zone,
            session_hours: security.session_hours,
            login_limiter,
            directory: None,
        }
    }

    /// Staff without a local account log in with the city's directory.
    pub fn with_directory(mut self, directory: Option<crate::directory::Directory>) -> Accounts {
        self.directory = directory;
        self
    }

    /// A log-in with the directory: the user's account here is made or
    /// brought up to date from their groups (role, offices, departments)
    /// each time, so a change in the directory counts at the next log-in.
    /// `None`: wrong name or password. A user deactivated here stays out.
    async fn directory_login(
        &self,
        directory: &crate::directory::Directory,
        username: &str,
        password: &str,
    ) -> Result<Option<crate::storage::UserRow>> {
        use crate::directory::DirectoryError;
        let grant = match directory.authenticate(username, password).await {
            Ok(grant) => grant,
            Err(DirectoryError::Refused) => return Ok(None),
            Err(DirectoryError::NoGroup) => {
                return Err(Error::forbidden(
                    ErrorCode::NotStaff,
                    "your directory account is in no Madoguchi staff group; ask the IT department",
                ));
            }
            Err(DirectoryError::Unavailable(why)) => {
                tracing::warn!(error = %why, "directory log-in failed");
                return Err(Error::Directory(
                    "the city's directory cannot be reached; try again in a moment (local accounts still work)".into(),
                ));
            }
        };
        // Offices the city no longer has are dropped, not refused.
        let offices: Vec<String> = grant
            .offices
            .into_iter()
            .filter(|o| self.offices.contains(o))
            .collect();
        let user = self
            .store
            .sync_directory_user(
                username,
                grant.role.as_str(),
                &offices,
                &grant.departments,
                self.clock.now(),
            )
            .await?;
        Ok(user.filter(|u| u.active))
    }

    /// Offices given to a user or device, checked against the city's: none
    /// given means the only office of a city of one, and is refused in a
    /// city of several (400 `invalid_offices`).
    fn checked_offices(&self, given: &[String]) -> Result<Vec<String>> {
        if given.is_empty() {
            return match self.offices.as_slice() {
                [only] => Ok(vec![only.clone()]),
                _ => Err(Error::invalid(
                    ErrorCode::InvalidOffices,
                    format!("say which office (one of: {})", self.offices.join(", ")),
                )),
            };
        }
        let mut out: Vec<String> = Vec::new();
        for o in given {
            if !self.offices.contains(o) {
                return Err(Error::invalid(
                    ErrorCode::InvalidOffices,
                    format!(
                        "{o:?} is not an office of this city (one of: {})",
                        self.offices.join(", ")
                    ),
                ));
            }
            if !out.contains(o) {
                out.push(o.clone());
            }
        }
        Ok(out)
    }

    /// Departments given to a user, checked against the city's (400
    /// `unknown_department`).
    fn checked_departments(&self, given: &[String]) -> Result<Vec<String>> {
        let mut out: Vec<String> = Vec::new();
        for d in given {
            if !self.departments.contains(d) {
                return Err(Error::invalid(
                    ErrorCode::UnknownDepartment,
                    format!(
                        "{d:?} is not a department of the procedures (one of: {})",
                        self.departments.join(", ")
                    ),
                ));
            }
            if !out.contains(d) {
                out.push(d.clone());
            }
        }
        Ok(out)
    }

    /// Adds a staff user who works in `offices` (an admin works in all)
    /// and sees the families of `departments`; a name already taken is
    /// refused (409 `user_exists`): resetting a password is
    /// `reset_password`.
    pub async fn add_user(
        &self,
        username: &str,
        password: &str,
        role: &str,
        offices: &[String],
        departments: &[String],
    ) -> Result<StaffUser> {
        let username = Username::parse(username)?;
        let password = Password::parse(password)?;
        let role = StaffRole::parse(role)?;
        let offices = match role {
            // An admin works at every office; offices named are still
            // checked, so a mistake is not silently dropped.
            StaffRole::Admin if offices.is_empty() => Vec::new(),
            StaffRole::Admin => {
                self.checked_offices(offices)?;
                Vec::new()
            }
            StaffRole::Staff => self.checked_offices(offices)?,
        };
        let departments = self.checked_departments(departments)?;
        let hash = hash(password).await?;
        if !self
            .store
            .add_user(
                &username,
                &hash,
                role.as_str(),
                &offices,
                &departments,
                self.clock.now(),
            )
            .await?
        {
            return Err(Error::conflict(
                ErrorCode::UserExists,
                "a user with this name exists",
            ));
        }
        Ok(StaffUser {
            username: username.to_string(),
            role: role.as_str().to_string(),
            active: true,
            offices,
            departments,
        })
    }

    /// Gives an existing user a new password (and makes them active again);
    /// their open sessions end.
    pub async fn reset_password(&self, username: &str, password: &str) -> Result<()> {
        let username = Username::parse(username)?;
        let password = Password::parse(password)?;
        let hash = hash(password).await?;
        if !self.store.set_password(&username, &hash).await? {
            return Err(Error::not_found(ErrorCode::UnknownUser, "no such user"));
        }
        Ok(())
    }

    pub async fn users(&self) -> Result<Vec<StaffUser>> {
        Ok(self
            .store
            .users()
            .await?
            .into_iter()
            .map(|u| StaffUser {
                username: u.username,
                role: u.role,
                active: u.active,
                offices: u.offices,
                departments: u.departments,
            })
            .collect())
    }

    /// Deactivates a user and ends their sessions at once. `by` is the
    /// admin asking, who cannot lock themselves out.
    pub async fn deactivate_user(&self, by: Option<&str>, username: &str) -> Result<StaffUser> {
        if by == Some(username) {
            return Err(Error::conflict(
                ErrorCode::CannotDeactivateSelf,
                "an admin cannot lock themselves out",
            ));
        }
        let user = self
            .store
            .user_by_name(username)
            .await?
            .ok_or_else(|| Error::not_found(ErrorCode::UnknownUser, "no such user"))?;
        self.store.deactivate_user(username).await?;
        self.users()
            .await?
            .into_iter()
            .find(|u| u.username == user.username)
            .ok_or_else(|| Error::not_found(ErrorCode::UnknownUser, "no such user"))
    }

    /// Registers a device of one office (`None`: the only office of a
    /// city of one); its token is returned once (only a hash is kept).
    pub async fn add_device(
        &self,
        name: &str,
        role: &str,
        office: Option<&str>,
    ) -> Result<DeviceCreated> {
        let name = DeviceName::parse(name)?;
        let role = DeviceRole::parse(role)?;
        let given: Vec<String> = office.map(str::to_string).into_iter().collect();
        let office = self
            .checked_offices(&given)?
            .into_iter()
            .next()
            .unwrap_or_default();
        let token = tokens::new_token();
        let id = self
            .store
            .add_device(
                &name,
                role.as_str(),
                &office,
                &tokens::hash(&token),
                self.clock.now(),
            )
            .await?;
        Ok(DeviceCreated {
            device: DeviceInfo {
                id,
                name: name.to_string(),
                role: role.as_str().to_string(),
                office,
                active: true,
            },
            token,
        })
    }

    pub async fn devices(&self) -> Result<Vec<DeviceInfo>> {
        Ok(self
            .store
            .devices()
            .await?
            .into_iter()
            .map(|d| DeviceInfo {
                id: d.id,
                name: d.name,
                role: d.role,
                office: d.office,
                active: d.active,
            })
            .collect())
    }

    /// Revokes a device's token; its next request is refused.
    pub async fn revoke_device(&self, id: i64) -> Result<DeviceInfo> {
        let unknown = || Error::not_found(ErrorCode::UnknownDevice, "no such device");
        if !self.store.revoke_device(id).await? {
            return Err(unknown());
        }
        self.devices()
            .await?
            .into_iter()
            .find(|d| d.id == id)
            .ok_or_else(unknown)
    }

    /// Checks a user name and password and opens a session. Failures are
    /// counted per name and per address; past the limit both are locked
    /// out for a while (429 `too_many_attempts`).
    pub async fn login(&self, username: &str, password: &str, peer: IpAddr) -> Result<NewSession> {
        let now = self.clock.now();
        let user_key = format!("user:{}", username.to_lowercase());
        let ip_key = format!("ip:{peer}");
        for key in [&user_key, &ip_key] {
            if let Some(wait) = self.login_limiter.blocked(key, now).await? {
                return Err(Error::RateLimited {
                    code: ErrorCode::TooManyAttempts,
                    message: "too many failed logins; try again later".into(),
                    retry_after_secs: wait,
                });
            }
        }
        if username.len() > 100 || password.len() > 1024 {
            return Err(Error::invalid(
                ErrorCode::InvalidBody,
                "username or password too long",
            ));
        }
        let user = self.store.user_by_name(username).await?;
        let has_password = user
            .as_ref()
            .is_some_and(|u| u.password_hash != crate::auth::FROM_DIRECTORY);
        let found = match (&self.directory, has_password) {
            // A local account (the admins') is checked here even with a
            // directory, so it works while the directory is down.
            (Some(directory), false) => self.directory_login(directory, username, password).await,
            _ => {
                let stored = user
                    .as_ref()
                    .filter(|u| u.active)
                    .map(|u| u.password_hash.clone());
                let password = password.to_string();
                // Verify even for unknown users so timing does not reveal names.
                let ok = tokio::task::spawn_blocking(move || {
                    crate::auth::verify_password(&password, stored.as_deref())
                })
                .await
                .unwrap_or(false);
                Ok(user.filter(|_| ok))
            }
        };
        let user = match found? {
            Some(u) => u,
            None => {
                self.login_limiter.hit(&user_key, now).await?;
                self.login_limiter.hit(&ip_key, now).await?;
                return Err(Error::unauthorized(
                    ErrorCode::InvalidCredentials,
                    "wrong user name or password",
                ));
            }
        };
        self.login_limiter.reset(&user_key).await?;
        let token = tokens::new_token();
        let csrf = tokens::new_token();
        let expires = now + Duration::hours(self.session_hours);
        let offices = match StaffRole::parse(&user.role) {
            Ok(StaffRole::Admin) => self.offices.clone(),
            _ => self.store.session_offices(user.id).await?,
        };
        let departments = self.store.departments_of_user(user.id).await?;
        self.store
            .add_session(&tokens::hash(&token), user.id, &csrf, expires, now)
            .await?;
        Ok(NewSession {
            info: SessionInfo {
                token,
                csrf_token: csrf,
                username: user.username,
                role: user.role,
                expires_at: local(self.time_zone, expires),
                offices,
                departments,
            },
            max_age_secs: self.session_hours * 3600,
        })
    }

    /// Ends a session (unknown tokens are ignored).
    pub async fn logout(&self, token: &str) -> Result<()> {
        if tokens::looks_like_token(token) {
            self.store.delete_session(&tokens::hash(token)).await?;
        }
        Ok(())
    }

    /// The live staff session a token opens, if any.
    pub async fn session(&self, token: &str) -> Result<Option<StaffSession>> {
        if !tokens::looks_like_token(token) {
            return Ok(None);
        }
        let Some(s) = self
            .store
            .session(&tokens::hash(token), self.clock.now())
            .await?
        else {
            return Ok(None);
        };
        Ok(Some(StaffSession {
            username: s.username,
            role: stored_role(StaffRole::parse(&s.role))?,
            csrf: s.csrf_token,
            offices: s.offices,
            departments: s.departments,
        }))
    }

    /// Whom a bearer token belongs to: a staff session, else (when
    /// `devices` is allowed, i.e. not from a cookie) an active device.
    pub async fn principal(&self, token: &str, devices: bool) -> Result<Option<Principal>> {
        if let Some(s) = self.session(token).await? {
            return Ok(Some(Principal::Staff(s)));
        }
        if !devices || !tokens::looks_like_token(token) {
            return Ok(None);
        }
        let Some(d) = self.store.device(&tokens::hash(token)).await? else {
            return Ok(None);
        };
        Ok(Some(Principal::Device(Device {
            id: d.id,
            name: d.name,
            role: stored_role(DeviceRole::parse(&d.role))?,
            office: d.office,
        })))
    }
}

async fn hash(password: Password) -> Result<String> {
    let failed = || Error::invalid(ErrorCode::InvalidPassword, "could not hash the password");
    tokio::task::spawn_blocking(move || crate::auth::hash_password(password.expose()))
        .await
        .map_err(|_| failed())?
        .map_err(|_| failed())
}

/// A role read back from the database that is not one of ours is a
/// corrupt record (503), not the caller's mistake.
fn stored_role<T>(r: Result<T>) -> Result<T> {
    r.map_err(|_| Error::Storage(crate::storage::StoreError::Corrupt("role".into())))
}

fn local(tz: Tz, t: DateTime<Utc>) -> chrono::DateTime<chrono::FixedOffset> {
    t.with_timezone(&tz).fixed_offset()
}
