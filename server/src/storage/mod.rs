//! Storage on SQLite (embedded, the default: `madoguchi.db` in the data
//! directory, WAL, synchronous FULL, foreign keys) or PostgreSQL
//! (`--database-url postgres://…`). Both run the same SQL through sqlx's
//! `Any` driver: `$1` placeholders, which SQLite reads too, and only the
//! types both have (integers, reals, text, bytes; times as RFC 3339 text
//! in UTC, which sorts as time does). Where the dialects differ, `Backend`
//! picks the statement. Every write of the floor goes through one
//! transaction that takes the database's write lock first and also
//! appends the events it causes, so the log and the records never
//! disagree.

mod auth;
pub mod backup;
mod copy;
mod limits;
mod mail;
mod offices;
mod reservations;
mod rows;
mod stats;

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use protocol::{BoothState, Event, EventData, EventKind};
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{AnyConnection, AnyPool, ConnectOptions, Executor, Row};

use crate::rules::engine::{BoothStatus, Outcome, Ticket, TicketId};

pub use auth::{DeviceRow, SessionRow, UserListing, UserRow};
pub use copy::CopyReport;
pub use mail::{OutboxCounts, OutboxMail, PurgeReport, Registration};
pub use reservations::{AuditRow, NewReservation, ReservationRow};

/// Storage failures. Callers map them to 503 (busy) or 500; they never
/// come from user input, which is validated before it reaches here.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    #[error("migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("corrupt record: {0}")]
    Corrupt(String),
    #[error("database URL: {0}")]
    Url(String),
    #[error("copy-db: {0}")]
    Copy(String),
    #[error(
        "the database holds offices the configuration does not list: {}; add them to the city file (or serve another database)",
        .0.join(", ")
    )]
    UnknownOffices(Vec<String>),
    /// `/readyz`: the schema is behind this binary, or the database is slow.
    #[error("not ready: {0}")]
    NotReady(String),
    /// `backup` / `restore`: what was refused or failed, and where.
    #[error("{0}")]
    Backup(String),
}

pub type Tx = sqlx::Transaction<'static, sqlx::Any>;

/// Where the office's data lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Database {
    /// `madoguchi.db` in this directory.
    Sqlite(PathBuf),
    /// A PostgreSQL server, by URL (`postgres://user@host:port/db`).
    Postgres(String),
}

impl Database {
    /// `--database-url` when given (PostgreSQL), else SQLite in `data`.
    pub fn choose(data: &Path, url: Option<&str>) -> Result<Database, StoreError> {
        match url.map(str::trim).filter(|u| !u.is_empty()) {
            None => Ok(Database::Sqlite(data.to_path_buf())),
            Some(u) if u.starts_with("postgres://") || u.starts_with("postgresql://") => {
                Ok(Database::Postgres(u.to_string()))
            }
            Some(u) => Err(StoreError::Url(format!(
                "{:?} is not a postgres:// URL (without --database-url the data directory's SQLite file is used)",
                redact(u)
            ))),
        }
    }

    /// For logs: the URL without its password.
    pub fn describe(&self) -> String {
        match self {
            Database::Sqlite(dir) => format!("SQLite {}", dir.join("madoguchi.db").display()),
            Database::Postgres(url) => format!("PostgreSQL {}", redact(url)),
        }
    }
}

/// `postgres://user:secret@host/db` → `postgres://user:***@host/db`.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let auth = &url[scheme + 3..at];
            match auth.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

/// The PostgreSQL channel on which servers tell each other of a change.
pub const CHANGES_CHANNEL: &str = "madoguchi_changes";

/// The office of the records written before a database served a city
/// (see `Store::adopt_offices`).
pub const MAIN_OFFICE: &str = "main";

/// A change notification's payload: `office:last event id` (or `office:`).
pub fn change_payload(office: &str, last_event: Option<i64>) -> String {
    match last_event {
        Some(id) => format!("{office}:{id}"),
        None => format!("{office}:"),
    }
}

/// Which SQL dialect a statement is written for, where they differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub(crate) fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

pub(crate) fn parse_ts(s: &str) -> Result<DateTime<Utc>, StoreError> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| StoreError::Corrupt(format!("time {s:?}: {e}")))
}

/// The database, seen from one office: the floor, events, tickets and
/// bookings it reads and writes are that office's (`at_office`). Staff
/// accounts, devices, the outbox and the purge are the city's.
#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    office: std::sync::Arc<str>,
}

/// What a service day looks like in the database: all of it, or what
/// floor versions after some version wrote (`floor_changes_on`).
pub struct DayState {
    pub tickets: Vec<Ticket>,
    pub booths: Vec<(String, BoothStatus)>,
    pub next_ticket_id: TicketId,
    pub service_samples: Vec<(String, f64)>,
}

/// Settings of every SQLite connection. FULL: an acknowledged write
/// survives a power cut, not only kill -9. No automatic checkpoint: SQLite
/// would run it inside whichever commit fills the WAL past 1,000 pages,
/// and that request (a call at a counter) would wait for the copy and its
/// fsync; the server checkpoints beside the requests instead
/// (`Store::checkpoint`), and the last connection to close checkpoints too.
const SQLITE_PRAGMAS: &str = "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
    PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; PRAGMA wal_autocheckpoint = 0;";

impl Store {
    /// Opens the database and brings its schema up to date. On PostgreSQL
    /// the migrator holds an advisory lock, so instances starting together
    /// migrate once.
    pub async fn open(db: &Database) -> Result<Store, StoreError> {
        sqlx::any::install_default_drivers();
        match db {
            Database::Sqlite(dir) => {
                let url = SqliteConnectOptions::from_str("sqlite://madoguchi.db")?
                    .filename(dir.join(backup::DB_FILE))
                    .create_if_missing(true)
                    .to_url_lossy();
                let pool = AnyPoolOptions::new()
                    .max_connections(8)
                    .after_connect(|conn, _| {
                        Box::pin(async move {
                            conn.execute(SQLITE_PRAGMAS).await?;
                            Ok(())
                        })
                    })
                    .connect_with(AnyConnectOptions::from_url(&url)?)
                    .await?;
                sqlx::migrate!("./migrations/sqlite").run(&pool).await?;
                Ok(Store {
                    pool,
                    backend: Backend::Sqlite,
                    office: MAIN_OFFICE.into(),
                })
            }
            Database::Postgres(url) => {
                let pool = AnyPoolOptions::new()
                    .max_connections(16)
                    .acquire_timeout(Duration::from_secs(5))
                    .connect(url)
                    .await?;
                sqlx::migrate!("./migrations/postgres").run(&pool).await?;
                Ok(Store {
                    pool,
                    backend: Backend::Postgres,
                    office: MAIN_OFFICE.into(),
                })
            }
        }
    }

    /// Ready to serve (`/readyz`): the database answers and has every
    /// migration this binary knows (another instance may still be
    /// migrating a shared PostgreSQL).
    pub async fn readiness(&self) -> Result<(), StoreError> {
        let expected = match self.backend {
            Backend::Sqlite => sqlx::migrate!("./migrations/sqlite").iter().count(),
            Backend::Postgres => sqlx::migrate!("./migrations/postgres").iter().count(),
        };
        let applied: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations WHERE success")
                .fetch_one(&self.pool)
                .await?;
        if usize::try_from(applied).unwrap_or(0) < expected {
            return Err(StoreError::NotReady(format!(
                "the schema has {applied} of {expected} migrations"
            )));
        }
        Ok(())
    }

    /// The same database, seen from office `id`.
    pub fn at_office(&self, id: &str) -> Store {
        Store {
            office: id.into(),
            ..self.clone()
        }
    }

    /// The office this store reads and writes.
    pub fn office(&self) -> &str {
        &self.office
    }

    /// SQLite: copies the WAL's committed pages into the database without
    /// waiting for readers or blocking writers (`PASSIVE`), so the WAL
    /// stays small. PostgreSQL checkpoints by itself: nothing to do.
    pub async fn checkpoint(&self) -> Result<(), StoreError> {
        if self.backend == Backend::Sqlite {
            sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
                .execute(&self.pool)
                .await?;
        }
        Ok(())
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// A write transaction that holds the database's write lock from its
    /// first statement (SQLite: `BEGIN IMMEDIATE`).
    pub async fn begin(&self) -> Result<Tx, StoreError> {
        Ok(match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool.begin().await?,
        })
    }

    /// Locks the floor for this transaction and reads its version. On
    /// PostgreSQL the floor's row stays locked until commit, so writers on
    /// every server take turns; SQLite's `BEGIN IMMEDIATE` has locked the
    /// database already.
    pub async fn lock_floor(&self, tx: &mut AnyConnection) -> Result<i64, StoreError> {
        let sql = match self.backend {
            Backend::Sqlite => "SELECT version FROM floors WHERE id = $1",
            Backend::Postgres => "SELECT version FROM floors WHERE id = $1 FOR UPDATE",
        };
        Ok(sqlx::query_scalar(sql)
            .bind(self.office())
            .fetch_one(tx)
            .await?)
    }

    /// Moves the floor's version (its tickets or booths changed); the new one.
    pub async fn bump_floor(&self, tx: &mut AnyConnection) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar(
            "UPDATE floors SET version = version + 1 WHERE id = $1 RETURNING version",
        )
        .bind(self.office())
        .fetch_one(tx)
        .await?)
    }

    /// The id of the next ticket, unique in the city. SQLite: one writer
    /// at a time holds the database, so the largest id + 1. PostgreSQL:
    /// offices write at once under their own floors' locks, so a sequence
    /// (a rolled-back issue leaves a gap, which nothing minds).
    pub async fn next_ticket_id(&self, tx: &mut AnyConnection) -> Result<TicketId, StoreError> {
        let sql = match self.backend {
            Backend::Sqlite => "SELECT COALESCE(MAX(id), 0) + 1 FROM tickets",
            Backend::Postgres => "SELECT nextval('ticket_ids')",
        };
        Ok(sqlx::query_scalar(sql).fetch_one(tx).await?)
    }

    pub async fn floor_version(&self) -> Result<i64, StoreError> {
        let mut conn = self.pool.acquire().await?;
        self.floor_version_on(&mut conn).await
    }

    async fn floor_version_on(&self, conn: &mut AnyConnection) -> Result<i64, StoreError> {
        Ok(
            sqlx::query_scalar("SELECT version FROM floors WHERE id = $1")
                .bind(self.office())
                .fetch_one(conn)
                .await?,
        )
    }

    /// Tells the other servers, at commit, that this transaction changed
    /// something (PostgreSQL `NOTIFY`; one server on SQLite needs none).
    /// The payload is the office and the last event id it wrote, if any
    /// (`honcho:41`, see `change_payload`): a server that has
    /// already passed that event on (its own change) need not look.
    pub async fn notify_change(
        &self,
        tx: &mut AnyConnection,
        last_event: Option<i64>,
    ) -> Result<(), StoreError> {
        if self.backend == Backend::Postgres {
            sqlx::query("SELECT pg_notify($1, $2)")
                .bind(CHANGES_CHANNEL)
                .bind(change_payload(self.office(), last_event))
                .execute(tx)
                .await?;
        }
        Ok(())
    }

    /// What floor versions after `since` wrote for `day` (None: all of
    /// it): its tickets and service times, with every booth and the next
    /// ticket id. What a server whose floor is behind needs to catch up.
    pub async fn floor_changes_on(
        &self,
        conn: &mut AnyConnection,
        day: NaiveDate,
        since: Option<i64>,
    ) -> Result<DayState, StoreError> {
        let since = since.unwrap_or(i64::MIN);
        let rows =
            sqlx::query("SELECT * FROM tickets WHERE office = $1 AND day = $2 AND floor_version > $3 ORDER BY id")
                .bind(self.office())
                .bind(day.to_string())
                .bind(since)
                .fetch_all(&mut *conn)
                .await?;
        let tickets = rows
            .iter()
            .map(rows::ticket_from_row)
            .collect::<Result<Vec<_>, _>>()?;
        let booths = sqlx::query("SELECT id, state, current_ticket FROM booths WHERE office = $1")
            .bind(self.office())
            .fetch_all(&mut *conn)
            .await?
            .iter()
            .map(|r| {
                let state: String = r.try_get("state")?;
                Ok((
                    r.try_get::<String, _>("id")?,
                    BoothStatus {
                        state: rows::booth_state(&state)?,
                        current: r.try_get("current_ticket")?,
                    },
                ))
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        let max: Option<i64> = sqlx::query_scalar("SELECT MAX(id) FROM tickets")
            .fetch_one(&mut *conn)
            .await?;
        // The estimate's samples are counter times (call → done), as the
        // engine measures them; `minutes` (start → done) is for statistics.
        let samples = sqlx::query(
            "SELECT service, minutes, called_at, done_at FROM service_times
             WHERE office = $1 AND day = $2 AND floor_version > $3 ORDER BY id",
        )
        .bind(self.office())
        .bind(day.to_string())
        .bind(since)
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| {
            let called: Option<String> = r.try_get("called_at")?;
            let minutes = match called {
                Some(c) => {
                    let done = parse_ts(&r.try_get::<String, _>("done_at")?)?;
                    (done - parse_ts(&c)?).num_milliseconds() as f64 / 60_000.0
                }
                None => r.try_get("minutes")?,
            };
            Ok((r.try_get("service")?, minutes))
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
        Ok(DayState {
            tickets,
            booths,
            next_ticket_id: max.unwrap_or(0) + 1,
            service_samples: samples,
        })
    }

    /// The floor's version and what versions after `since` changed (None:
    /// the whole day, at start-up), read in one snapshot without the
    /// floor's lock.
    pub async fn floor_changes(
        &self,
        day: NaiveDate,
        since: Option<i64>,
    ) -> Result<(i64, DayState), StoreError> {
        let begin = match self.backend {
            Backend::Sqlite => "BEGIN",
            Backend::Postgres => "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
        };
        let mut tx = self.pool.begin_with(begin).await?;
        let version = self.floor_version_on(&mut tx).await?;
        let changes = self.floor_changes_on(&mut tx, day, since).await?;
        tx.commit().await?;
        Ok((version, changes))
    }

    /// Writes an engine outcome and its events as floor `version` (the
    /// one the change moves the floor to); returns the events with ids.
    pub async fn save_outcome(
        &self,
        tx: &mut AnyConnection,
        outcome: &Outcome,
        version: i64,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<Vec<Event>, StoreError> {
        for t in &outcome.tickets {
            rows::upsert_ticket(tx, self.office(), t, version).await?;
        }
        for (id, b) in &outcome.booths {
            sqlx::query(
                "INSERT INTO booths (office, id, state, current_ticket) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (office, id) DO UPDATE SET state = excluded.state, current_ticket = excluded.current_ticket",
            )
            .bind(self.office())
            .bind(id)
            .bind(b.state.as_str())
            .bind(b.current)
            .execute(&mut *tx)
            .await?;
        }
        if let Some((rid, state)) = outcome.reservation {
            let ticket = outcome.ticket().map(|t| t.id);
            sqlx::query("UPDATE reservations SET state = $1, ticket_id = COALESCE($2, ticket_id), updated_at = $3 WHERE id = $4")
                .bind(state.as_str())
                .bind(ticket)
                .bind(ts(now))
                .bind(rid)
                .execute(&mut *tx)
                .await?;
        }
        if let (Some(st), Some(t)) = (&outcome.service_time, outcome.ticket()) {
            // The procedure's own times: the ticket may be on its next step.
            let started = st.started_at.or(st.called_at).unwrap_or(st.done_at);
            let minutes = (st.done_at - started).num_milliseconds() as f64 / 60_000.0;
            sqlx::query(
                "INSERT INTO service_times (office, ticket_id, service, day, queued_at, called_at, done_at, minutes, floor_version)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(self.office())
            .bind(t.id)
            .bind(&st.service)
            .bind(t.day.to_string())
            .bind(ts(st.queued_at))
            .bind(st.called_at.map(ts))
            .bind(ts(st.done_at))
            .bind(minutes)
            .bind(version)
            .execute(&mut *tx)
            .await?;
        }
        self.append_events(tx, &outcome.events, actor, now).await
    }

    pub async fn append_events(
        &self,
        tx: &mut AnyConnection,
        events: &[(EventKind, EventData)],
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<Vec<Event>, StoreError> {
        let mut out = Vec::with_capacity(events.len());
        for (kind, data) in events {
            let json =
                serde_json::to_string(data).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            let id: i64 = sqlx::query_scalar(
                // The next id by hand: the floor's lock is held, and a
                // sequence would leave gaps on rollback (readers resume by
                // id, and the ids are promised dense).
                "INSERT INTO events (office, id, kind, at, data, actor)
                 VALUES ($1, (SELECT COALESCE(MAX(id), 0) + 1 FROM events WHERE office = $1), $2, $3, $4, $5)
                 RETURNING id",
            )
            .bind(self.office())
            .bind(kind.as_str())
            .bind(ts(now))
            .bind(json)
            .bind(actor)
            .fetch_one(&mut *tx)
            .await?;
            out.push(Event {
                id,
                kind: *kind,
                at: now.fixed_offset(),
                data: data.clone(),
            });
        }
        Ok(out)
    }

    /// Events after `after`, oldest first, at most `limit`.
    pub async fn events_after(&self, after: i64, limit: i64) -> Result<Vec<Event>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        self.events_after_on(&mut conn, after, limit).await
    }

    pub async fn events_after_on(
        &self,
        conn: &mut AnyConnection,
        after: i64,
        limit: i64,
    ) -> Result<Vec<Event>, StoreError> {
        sqlx::query(
            "SELECT id, kind, at, data FROM events WHERE office = $1 AND id > $2 ORDER BY id LIMIT $3",
        )
        .bind(self.office())
        .bind(after)
            .bind(limit)
            .fetch_all(conn)
            .await?
            .iter()
            .map(rows::event_from_row)
            .collect()
    }

    pub async fn last_event_id(&self) -> Result<i64, StoreError> {
        let id: Option<i64> = sqlx::query_scalar("SELECT MAX(id) FROM events WHERE office = $1")
            .bind(self.office())
            .fetch_one(&self.pool)
            .await?;
        Ok(id.unwrap_or(0))
    }

    /// Which office issued the ticket with this status token, if any
    /// (status links carry no office).
    pub async fn office_of_status_token(&self, token: &str) -> Result<Option<String>, StoreError> {
        Ok(
            sqlx::query_scalar("SELECT office FROM tickets WHERE status_token = $1")
                .bind(token)
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    /// A ticket of any day, by its status token (today's are in memory).
    pub async fn ticket_by_status_token(&self, token: &str) -> Result<Option<Ticket>, StoreError> {
        sqlx::query("SELECT * FROM tickets WHERE status_token = $1")
            .bind(token)
            .fetch_optional(&self.pool)
            .await?
            .as_ref()
            .map(rows::ticket_from_row)
            .transpose()
    }

    pub async fn ticket_by_id(&self, id: TicketId) -> Result<Option<Ticket>, StoreError> {
        sqlx::query("SELECT * FROM tickets WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .as_ref()
            .map(rows::ticket_from_row)
            .transpose()
    }

    /// Booth state rows for booths not yet stored (first start).
    pub async fn ensure_booths(&self, ids: &[String]) -> Result<(), StoreError> {
        for id in ids {
            sqlx::query(
                "INSERT INTO booths (office, id, state) VALUES ($1, $2, $3) ON CONFLICT (office, id) DO NOTHING",
            )
            .bind(self.office())
            .bind(id)
            .bind(BoothState::Closed.as_str())
            .execute(&self.pool)
            .await?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_database_url_chooses_postgres_and_nothing_else() {
        let dir = Path::new("/srv/madoguchi");
        assert_eq!(
            Database::choose(dir, None).ok(),
            Some(Database::Sqlite(dir.into()))
        );
        assert_eq!(
            Database::choose(dir, Some("  ")).ok(),
            Some(Database::Sqlite(dir.into()))
        );
        for url in ["postgres://a@h/db", "postgresql://a@h:5433/db"] {
            assert_eq!(
                Database::choose(dir, Some(url)).ok(),
                Some(Database::Postgres(url.into()))
            );
        }
        let refused = Database::choose(dir, Some("mysql://root:hunter2@h/db"))
            .expect_err("not PostgreSQL")
            .to_string();
        assert!(refused.contains("mysql://root:***@h/db"), "{refused}");
        assert!(!refused.contains("hunter2"), "no password in messages");
    }

    #[test]
    fn logs_name_the_database_without_its_password() {
        let db = Database::Postgres("postgres://madoguchi:s3cret@db.city.lg.jp:5432/hall".into());
        assert_eq!(
            db.describe(),
            "PostgreSQL postgres://madoguchi:***@db.city.lg.jp:5432/hall"
        );
    }
}
