//! Staff users, sessions and device tokens. Secrets are stored hashed.

use chrono::{DateTime, Utc};
use sqlx::Row;

use super::{Store, StoreError, parse_ts, ts};

#[derive(Debug, Clone)]
pub struct UserRow {
    pub id: i64,
    pub username: String,
    pub password_hash: String,
    pub role: String,
    pub active: bool,
}

#[derive(Debug, Clone)]
pub struct SessionRow {
    pub user_id: i64,
    pub username: String,
    pub role: String,
    pub csrf_token: String,
    pub expires_at: DateTime<Utc>,
    /// The offices the user works in (admins: every office, whatever
    /// this says).
    pub offices: Vec<String>,
    /// The departments whose families' details the user may see.
    pub departments: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct DeviceRow {
    pub id: i64,
    pub name: String,
    pub role: String,
    /// The one office the kiosk or board serves.
    pub office: String,
    pub active: bool,
}

/// A user as the admin list shows them.
#[derive(Debug, Clone)]
pub struct UserListing {
    pub username: String,
    pub role: String,
    pub active: bool,
    pub offices: Vec<String>,
    pub departments: Vec<String>,
}

fn device_from_row(r: &sqlx::any::AnyRow) -> Result<DeviceRow, StoreError> {
    Ok(DeviceRow {
        id: r.try_get("id")?,
        name: r.try_get("name")?,
        role: r.try_get("role")?,
        office: r.try_get("office")?,
        active: r.try_get::<i64, _>("active")? != 0,
    })
}

impl Store {
    /// Adds a user who works in `offices` (and sees the families of
    /// `departments`); false (and nothing changed) when the name is taken.
    pub async fn add_user(
        &self,
        username: &str,
        password_hash: &str,
        role: &str,
        offices: &[String],
        departments: &[String],
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
        let id: Option<i64> = sqlx::query_scalar(
            "INSERT INTO users (username, password_hash, role, created_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (username) DO NOTHING RETURNING id",
        )
        .bind(username)
        .bind(password_hash)
        .bind(role)
        .bind(ts(now))
        .fetch_optional(&mut *tx)
        .await?;
        let Some(id) = id else {
            return Ok(false);
        };
        give_offices_and_departments(&mut tx, id, offices, departments).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Makes or updates the account of a directory user with what their
    /// groups give, in one transaction; `None` when a local account (one
    /// with a password here) has the name.
    pub async fn sync_directory_user(
        &self,
        username: &str,
        role: &str,
        offices: &[String],
        departments: &[String],
        now: DateTime<Utc>,
    ) -> Result<Option<UserRow>, StoreError> {
        let mut tx = self.pool.begin().await?;
        let id: Option<i64> = sqlx::query_scalar(
            "INSERT INTO users (username, password_hash, role, created_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (username) DO UPDATE SET role = excluded.role
             WHERE users.password_hash = $2 RETURNING id",
        )
        .bind(username)
        .bind(crate::auth::FROM_DIRECTORY)
        .bind(role)
        .bind(ts(now))
        .fetch_optional(&mut *tx)
        .await?;
        let Some(id) = id else {
            return Ok(None);
        };
        for table in ["user_offices", "user_departments"] {
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "DELETE FROM {table} WHERE user_id = $1"
            )))
            .bind(id)
            .execute(&mut *tx)
            .await?;
        }
        give_offices_and_departments(&mut tx, id, offices, departments).await?;
        tx.commit().await?;
        self.user_by_name(username).await
    }

    /// The departments whose families' details a user may see.
    pub async fn departments_of_user(&self, user_id: i64) -> Result<Vec<String>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT department FROM user_departments WHERE user_id = $1 ORDER BY department",
        )
        .bind(user_id)
        .fetch_all(&self.pool)
        .await?)
    }

    /// The offices a user works in, by office id.
    pub async fn session_offices(&self, user_id: i64) -> Result<Vec<String>, StoreError> {
        self.offices_of_user(user_id).await
    }

    async fn offices_of_user(&self, user_id: i64) -> Result<Vec<String>, StoreError> {
        Ok(
            sqlx::query_scalar(
                "SELECT office FROM user_offices WHERE user_id = $1 ORDER BY office",
            )
            .bind(user_id)
            .fetch_all(&self.pool)
            .await?,
        )
    }

    /// A new password for an existing user, who is active again and
    /// whose sessions end; false when there is no such user.
    pub async fn set_password(
        &self,
        username: &str,
        password_hash: &str,
    ) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
        let r = sqlx::query("UPDATE users SET password_hash = $1, active = 1 WHERE username = $2")
            .bind(password_hash)
            .bind(username)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "DELETE FROM sessions WHERE user_id IN (SELECT id FROM users WHERE username = $1)",
        )
        .bind(username)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(r.rows_affected() > 0)
    }

    pub async fn user_by_name(&self, username: &str) -> Result<Option<UserRow>, StoreError> {
        let row = sqlx::query(
            "SELECT id, username, password_hash, role, active FROM users WHERE username = $1",
        )
        .bind(username)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| {
            Ok(UserRow {
                id: r.try_get("id")?,
                username: r.try_get("username")?,
                password_hash: r.try_get("password_hash")?,
                role: r.try_get("role")?,
                active: r.try_get::<i64, _>("active")? != 0,
            })
        })
        .transpose()
    }

    pub async fn add_session(
        &self,
        token_hash: &str,
        user_id: i64,
        csrf_token: &str,
        expires_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        // Expired sessions are dropped as new ones are made.
        sqlx::query("DELETE FROM sessions WHERE expires_at < $1")
            .bind(ts(now))
            .execute(&self.pool)
            .await?;
        sqlx::query("INSERT INTO sessions (token_hash, user_id, csrf_token, expires_at, created_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(token_hash)
            .bind(user_id)
            .bind(csrf_token)
            .bind(ts(expires_at))
            .bind(ts(now))
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// A live session of an active user.
    pub async fn session(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<SessionRow>, StoreError> {
        let row = sqlx::query(
            "SELECT s.user_id, u.username, u.role, s.csrf_token, s.expires_at
             FROM sessions s JOIN users u ON u.id = s.user_id
             WHERE s.token_hash = $1 AND u.active = 1 AND s.expires_at > $2",
        )
        .bind(token_hash)
        .bind(ts(now))
        .fetch_optional(&self.pool)
        .await?;
        let Some(r) = row else {
            return Ok(None);
        };
        let user_id: i64 = r.try_get("user_id")?;
        Ok(Some(SessionRow {
            user_id,
            username: r.try_get("username")?,
            role: r.try_get("role")?,
            csrf_token: r.try_get("csrf_token")?,
            expires_at: parse_ts(&r.try_get::<String, _>("expires_at")?)?,
            offices: self.offices_of_user(user_id).await?,
            departments: self.departments_of_user(user_id).await?,
        }))
    }

    pub async fn delete_session(&self, token_hash: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn add_device(
        &self,
        name: &str,
        role: &str,
        office: &str,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar(
            "INSERT INTO devices (name, role, office, token_hash, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(name)
        .bind(role)
        .bind(office)
        .bind(token_hash)
        .bind(ts(now))
        .fetch_one(&self.pool)
        .await?)
    }

    pub async fn device(&self, token_hash: &str) -> Result<Option<DeviceRow>, StoreError> {
        sqlx::query(
            "SELECT id, name, role, office, active FROM devices WHERE token_hash = $1 AND active = 1",
        )
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await?
        .as_ref()
        .map(device_from_row)
        .transpose()
    }

    pub async fn devices(&self) -> Result<Vec<DeviceRow>, StoreError> {
        sqlx::query("SELECT id, name, role, office, active FROM devices ORDER BY id")
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(device_from_row)
            .collect()
    }

    /// Revokes a device at once; returns whether it existed.
    pub async fn revoke_device(&self, id: i64) -> Result<bool, StoreError> {
        let r = sqlx::query("UPDATE devices SET active = 0 WHERE id = $1")
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(r.rows_affected() > 0)
    }

    /// Deactivates a user and ends their sessions; returns whether they existed.
    pub async fn deactivate_user(&self, username: &str) -> Result<bool, StoreError> {
        let r = sqlx::query("UPDATE users SET active = 0 WHERE username = $1")
            .bind(username)
            .execute(&self.pool)
            .await?;
        sqlx::query(
            "DELETE FROM sessions WHERE user_id IN (SELECT id FROM users WHERE username = $1)",
        )
        .bind(username)
        .execute(&self.pool)
        .await?;
        Ok(r.rows_affected() > 0)
    }

    /// Users by name, with the offices they work in.
    pub async fn users(&self) -> Result<Vec<UserListing>, StoreError> {
        let rows = sqlx::query("SELECT id, username, role, active FROM users ORDER BY username")
            .fetch_all(&self.pool)
            .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            out.push(UserListing {
                username: r.try_get("username")?,
                role: r.try_get("role")?,
                active: r.try_get::<i64, _>("active")? != 0,
                offices: self.offices_of_user(r.try_get("id")?).await?,
                departments: self.departments_of_user(r.try_get("id")?).await?,
            });
        }
        Ok(out)
    }
}

/// Gives user `id` these offices and departments (added to what they have),
/// in the caller's transaction: `add_user` and `sync_directory_user`.
async fn give_offices_and_departments(
    tx: &mut sqlx::AnyConnection,
    id: i64,
    offices: &[String],
    departments: &[String],
) -> Result<(), StoreError> {
    for office in offices {
        sqlx::query(
            "INSERT INTO user_offices (user_id, office) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        )
        .bind(id)
        .bind(office)
        .execute(&mut *tx)
        .await?;
    }
    for department in departments {
        sqlx::query(
            "INSERT INTO user_departments (user_id, department) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        )
        .bind(id)
        .bind(department)
        .execute(&mut *tx)
        .await?;
    }
    Ok(())
}
