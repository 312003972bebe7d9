-- What several servers on one database must share (see the PostgreSQL
-- migration of the same number). One server serves a SQLite file, so its
-- rate limits stay in its memory and there is no rate_limits table here;
-- the outbox claim and the daily jobs behave the same on both backends.
ALTER TABLE outbox ADD COLUMN claimed_until TEXT;

CREATE TABLE daily_jobs (
    name     TEXT PRIMARY KEY,
    last_day TEXT NOT NULL
);
