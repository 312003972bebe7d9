//! Which offices the database holds, and a one-office database becoming
//! the first office of a city.

use super::{MAIN_OFFICE, Store, StoreError};

/// Every table with an `office` column (and `floors`, keyed by office).
const OFFICE_TABLES: &[(&str, &str)] = &[
    ("tickets", "office"),
    ("service_times", "office"),
    ("booths", "office"),
    ("events", "office"),
    ("reservations", "office"),
    ("devices", "office"),
    ("user_offices", "office"),
    ("floors", "id"),
];

impl Store {
    /// The offices the database holds records of (each has a floor).
    pub async fn offices(&self) -> Result<Vec<String>, StoreError> {
        Ok(sqlx::query_scalar("SELECT id FROM floors ORDER BY id")
            .fetch_all(&self.pool)
            .await?)
    }

    /// Makes the database hold exactly the configured offices' floors, in
    /// one transaction. A database from before the city (its one office
    /// is `main`) becomes the city's first office, with every ticket,
    /// booking, event, device and staff membership. An office the
    /// configuration does not list is refused: its records would vanish
    /// from every page.
    pub async fn adopt_offices(&self, configured: &[String]) -> Result<(), StoreError> {
        let Some(first) = configured.first() else {
            return Ok(());
        };
        let mut tx = self.begin().await?;
        let held: Vec<String> = sqlx::query_scalar("SELECT id FROM floors ORDER BY id")
            .fetch_all(&mut *tx)
            .await?;
        let unknown: Vec<String> = held
            .iter()
            .filter(|o| !configured.contains(o))
            .cloned()
            .collect();
        match unknown.as_slice() {
            [] => {}
            [lone] if lone == MAIN_OFFICE && !held.contains(first) => {
                for (table, column) in OFFICE_TABLES {
                    sqlx::query(sqlx::AssertSqlSafe(format!(
                        "UPDATE {table} SET {column} = $1 WHERE {column} = $2"
                    )))
                    .bind(first)
                    .bind(MAIN_OFFICE)
                    .execute(&mut *tx)
                    .await?;
                }
                tracing::info!(office = %first, "the database's one office is now the city's first");
            }
            _ => return Err(StoreError::UnknownOffices(unknown)),
        }
        for office in configured {
            sqlx::query(
                "INSERT INTO floors (id, version) VALUES ($1, 0) ON CONFLICT (id) DO NOTHING",
            )
            .bind(office)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }
}
