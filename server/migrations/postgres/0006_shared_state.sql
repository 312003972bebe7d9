-- What several servers on one database must share instead of keeping in
-- memory.
--
-- A mail is claimed by one server for a while before it is sent (claimed
-- with FOR UPDATE SKIP LOCKED), so two servers never send the same mail;
-- a server that dies holding a claim leaves the mail to another once the
-- claim runs out.
ALTER TABLE outbox ADD COLUMN claimed_until TEXT;

-- Login and kiosk rate limits: one fixed window per key (`user:NAME`,
-- `ip:ADDR`, `device:ID`). UNLOGGED: a crash may forget a window, which
-- only lets a few more attempts through.
CREATE UNLOGGED TABLE rate_limits (
    key          TEXT PRIMARY KEY,
    window_start TEXT NOT NULL,
    hits         BIGINT NOT NULL
);

-- Once-a-day jobs (the privacy purge): the day each last ran, claimed in
-- the job's own transaction, so one server runs it and a crash undoes the
-- claim with the work.
CREATE TABLE daily_jobs (
    name     TEXT PRIMARY KEY,
    last_day TEXT NOT NULL
);
