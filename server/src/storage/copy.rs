//! Moving an office from SQLite to PostgreSQL (`madoguchi-server copy-db`):
//! every table, row for row with the same ids, tokens and event ids, in one
//! transaction on each side, into a database that holds nothing yet.

use std::collections::BTreeMap;

use sqlx::{AnyConnection, Row};

use super::{Backend, Store, StoreError};

/// The tables, parents before children (foreign keys). `rate_limits` is
/// left behind on purpose: windows of a few minutes, and SQLite keeps them
/// in the server's memory anyway.
const TABLES: &[&str] = &[
    "reservations",
    "tickets",
    "service_times",
    "booths",
    "events",
    "users",
    "user_offices",
    "user_departments",
    "sessions",
    "devices",
    "outbox",
    "ticket_notifications",
    "floors",
    "daily_jobs",
    // The sealed check of the details key: the target is used with the
    // same key file.
    "details_key",
    "details_audit",
];

/// Tables whose ids PostgreSQL generates: their sequences continue after
/// the copied ids.
const GENERATED_IDS: &[&str] = &[
    "reservations",
    "service_times",
    "users",
    "devices",
    "outbox",
    "details_audit",
];

/// Rows copied, per table.
pub type CopyReport = BTreeMap<&'static str, u64>;

impl Store {
    /// Copies everything in `self` (SQLite) into `to` (PostgreSQL, with
    /// its schema migrated and no data). The source is read in one
    /// transaction, so a consistent snapshot is copied; the target is
    /// written in one, so it gets all of it or nothing.
    pub async fn copy_into(&self, to: &Store) -> Result<CopyReport, StoreError> {
        if (self.backend, to.backend) != (Backend::Sqlite, Backend::Postgres) {
            return Err(StoreError::Copy(
                "copy-db copies a SQLite office into PostgreSQL".into(),
            ));
        }
        let mut source = self.pool.begin().await?;
        let mut target = to.pool.begin().await?;
        for table in TABLES {
            // The migration's own rows (the floor's version 0) are not data.
            if matches!(*table, "floors" | "daily_jobs") {
                continue;
            }
            let n: i64 =
                sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}")))
                    .fetch_one(&mut *target)
                    .await?;
            if n > 0 {
                return Err(StoreError::Copy(format!(
                    "the target already holds data ({n} rows in {table}); copy-db only fills an empty database"
                )));
            }
        }
        sqlx::query("DELETE FROM floors")
            .execute(&mut *target)
            .await?;
        let mut report = CopyReport::new();
        for table in TABLES {
            let n = copy_table(&mut source, &mut target, table).await?;
            report.insert(table, n);
        }
        for table in GENERATED_IDS {
            // NULL (no sequence behind the column) would pass silently.
            let next: Option<i64> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'),
                   COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
            )))
            .fetch_one(&mut *target)
            .await?;
            if next.is_none() {
                return Err(StoreError::Copy(format!("{table}.id has no sequence")));
            }
        }
        // Ticket ids come from their own sequence (several offices issue
        // at once); events' ids are counted per office, by hand.
        sqlx::query(
            "SELECT setval('ticket_ids', COALESCE((SELECT MAX(id) FROM tickets), 0) + 1, false)",
        )
        .execute(&mut *target)
        .await?;
        target.commit().await?;
        source.rollback().await?;
        Ok(report)
    }
}

async fn copy_table(
    source: &mut AnyConnection,
    target: &mut AnyConnection,
    table: &str,
) -> Result<u64, StoreError> {
    let columns: Vec<(String, String)> = sqlx::query_as(
        "SELECT column_name::text, data_type::text FROM information_schema.columns
         WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
    )
    .bind(table)
    .fetch_all(&mut *target)
    .await?;
    let names: Vec<&str> = columns.iter().map(|(n, _)| n.as_str()).collect();
    let list = names.join(", ");
    let placeholders: Vec<String> = (1..=names.len()).map(|i| format!("${i}")).collect();
    let insert = format!(
        "INSERT INTO {table} ({list}) VALUES ({})",
        placeholders.join(", ")
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {list} FROM {table} ORDER BY 1"
    )))
    .fetch_all(&mut *source)
    .await?;
    for row in &rows {
        let mut q = sqlx::query(sqlx::AssertSqlSafe(insert.as_str()));
        for (i, (name, kind)) in columns.iter().enumerate() {
            // Read from SQLite as the target's column wants it.
            q = match kind.as_str() {
                "bigint" | "integer" => q.bind(row.try_get::<Option<i64>, _>(i)?),
                "double precision" | "real" => q.bind(row.try_get::<Option<f64>, _>(i)?),
                "bytea" => q.bind(row.try_get::<Option<Vec<u8>>, _>(i)?),
                "text" => q.bind(row.try_get::<Option<String>, _>(i)?),
                other => {
                    return Err(StoreError::Copy(format!(
                        "{table}.{name}: no copy for column type {other}"
                    )));
                }
            };
        }
        q.execute(&mut *target).await?;
    }
    Ok(rows.len() as u64)
}
