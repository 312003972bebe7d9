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
}

/// An active kiosk or board.
#[derive(Debug, Clone)]
pub struct Device {
    pub id: i64,
    pub name: String,
    pub role: DeviceRole,
}

/// A new session, and how long its cookie lives.
pub struct NewSession {
    pub info: SessionInfo,
    pub max_age_secs: i64,
}

pub struct Accounts {
    store: Store,
    clock: Clock,
    time_zone: Tz,
    session_hours: i64,
    login_limiter: Limiter,
}

impl Accounts {
    pub fn new(store: Store, clock: Clock, time_zone: Tz, security: &SecuritySettings) -> Accounts {
        let login_limiter = Limiter::new(
            security.login_failures,
            Duration::minutes(security.login_window_minutes),
            &store,
        );
        Accounts {
            store,
            clock,
            time_zone,
            session_hours: security.session_hours,
            login_limiter,
        }
    }

    /// Adds a staff user; a name already taken is refused (409
    /// `user_exists`): resetting a password is `reset_password`.
    pub async fn add_user(&self, username: &str, password: &str, role: &str) -> Result<StaffUser> {
        let username = Username::parse(username)?;
        let password = Password::parse(password)?;
        let role = StaffRole::parse(role)?;
        let hash = hash(password).await?;
        if !self
            .store
            .add_user(&username, &hash, role.as_str(), self.clock.now())
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
            .map(|(username, role, active)| StaffUser {
                username,
                role,
                active,
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
        Ok(StaffUser {
            username: user.username,
            role: user.role,
            active: false,
        })
    }

    /// Registers a device; its token is returned once (only a hash is kept).
    pub async fn add_device(&self, name: &str, role: &str) -> Result<DeviceCreated> {
        let name = DeviceName::parse(name)?;
        let role = DeviceRole::parse(role)?;
        let token = tokens::new_token();
        let id = self
            .store
            .add_device(
                &name,
                role.as_str(),
                &tokens::hash(&token),
                self.clock.now(),
            )
            .await?;
        Ok(DeviceCreated {
            device: DeviceInfo {
                id,
                name: name.to_string(),
                role: role.as_str().to_string(),
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
            .map(|(id, name, role, active)| DeviceInfo {
                id,
                name,
                role,
                active,
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
        let user = match (ok, user) {
            (true, Some(u)) => u,
            _ => {
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
