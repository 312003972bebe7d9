//! Rate-limit windows shared by several servers (PostgreSQL only: see
//! `limiter`).

use sqlx::Row;

use super::{Store, StoreError, parse_ts, ts};
use crate::limiter::Window;

impl Store {
    pub async fn rate_window(&self, key: &str) -> Result<Option<Window>, StoreError> {
        sqlx::query("SELECT window_start, hits FROM rate_limits WHERE key = $1")
            .bind(key)
            .fetch_optional(&self.pool)
            .await?
            .map(|r| window(&r))
            .transpose()
    }

    /// Applies one hit to `key`'s window under its row lock, so hits from
    /// several servers at once are all counted.
    pub async fn hit_rate_window<T>(
        &self,
        key: &str,
        hit: impl FnOnce(Option<Window>) -> (Window, T),
    ) -> Result<T, StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO rate_limits (key, window_start, hits) VALUES ($1, $2, 0)
             ON CONFLICT (key) DO NOTHING",
        )
        .bind(key)
        .bind(ts(chrono::DateTime::UNIX_EPOCH))
        .execute(&mut *tx)
        .await?;
        // Gone again already if a reset or the clean-up just deleted it.
        let old =
            sqlx::query("SELECT window_start, hits FROM rate_limits WHERE key = $1 FOR UPDATE")
                .bind(key)
                .fetch_optional(&mut *tx)
                .await?
                .map(|r| window(&r))
                .transpose()?
                .filter(|w| w.hits > 0);
        let (new, answer) = hit(old);
        sqlx::query(
            "INSERT INTO rate_limits (key, window_start, hits) VALUES ($1, $2, $3)
             ON CONFLICT (key) DO UPDATE SET window_start = excluded.window_start, hits = excluded.hits",
        )
        .bind(key)
        .bind(ts(new.start))
        .bind(i64::from(new.hits))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(answer)
    }

    pub async fn reset_rate_window(&self, key: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM rate_limits WHERE key = $1")
            .bind(key)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Forgets windows that began before `before` (the daily clean-up).
    pub async fn forget_rate_windows(
        &self,
        before: chrono::DateTime<chrono::Utc>,
    ) -> Result<u64, StoreError> {
        Ok(
            sqlx::query("DELETE FROM rate_limits WHERE window_start < $1")
                .bind(ts(before))
                .execute(&self.pool)
                .await?
                .rows_affected(),
        )
    }
}

fn window(r: &sqlx::any::AnyRow) -> Result<Window, StoreError> {
    Ok(Window {
        start: parse_ts(&r.try_get::<String, _>("window_start")?)?,
        hits: r.try_get::<i64, _>("hits")?.try_into().unwrap_or(u32::MAX),
    })
}
