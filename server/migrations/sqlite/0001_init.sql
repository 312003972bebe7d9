-- Madoguchi schema v1. Times are RFC 3339 UTC text; SQL kept portable
-- (no SQLite-only types) so that a PostgreSQL backend is an addition.

CREATE TABLE reservations (
    id          INTEGER PRIMARY KEY,
    token_hash  TEXT NOT NULL UNIQUE,   -- sha256 of the bearer token; the token itself is never stored
    service     TEXT NOT NULL,
    slot_start  TEXT NOT NULL,
    slot_end    TEXT NOT NULL,
    state       TEXT NOT NULL,
    name        TEXT,
    email       TEXT,
    phone       TEXT,
    answers     TEXT,                   -- JSON object, staff-only
    ticket_id   INTEGER,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX reservations_slot ON reservations (service, slot_start);

CREATE TABLE tickets (
    id              INTEGER PRIMARY KEY,
    day             TEXT NOT NULL,
    number          TEXT NOT NULL,
    prefix          TEXT NOT NULL,
    seq             INTEGER NOT NULL,
    services        TEXT NOT NULL,      -- JSON array of service ids
    step            INTEGER NOT NULL,
    source          TEXT NOT NULL,
    reservation_id  INTEGER REFERENCES reservations (id),
    slot_start      TEXT,
    priority        INTEGER NOT NULL,
    state           TEXT NOT NULL,
    booth           TEXT,
    issued_at       TEXT NOT NULL,
    queued_at       TEXT NOT NULL,
    called_at       TEXT,
    call_count      INTEGER NOT NULL,
    started_at      TEXT,
    done_at         TEXT,
    notes           TEXT NOT NULL,      -- JSON array of staff notes
    status_token    TEXT NOT NULL UNIQUE,
    device_id       INTEGER,
    idempotency_key TEXT,
    UNIQUE (day, number),
    UNIQUE (day, device_id, idempotency_key)
);
CREATE INDEX tickets_day ON tickets (day);

-- Finished service steps, for the moving average and statistics.
CREATE TABLE service_times (
    id          INTEGER PRIMARY KEY,
    ticket_id   INTEGER NOT NULL REFERENCES tickets (id),
    service     TEXT NOT NULL,
    day         TEXT NOT NULL,
    queued_at   TEXT NOT NULL,
    called_at   TEXT,
    done_at     TEXT NOT NULL,
    minutes     REAL NOT NULL
);
CREATE INDEX service_times_day ON service_times (day);

CREATE TABLE booths (
    id              TEXT PRIMARY KEY,
    state           TEXT NOT NULL,
    current_ticket  INTEGER
);

-- Append-only log followed over SSE. `actor` (staff user or device) is the
-- audit trail and is never sent to subscribers.
CREATE TABLE events (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    kind    TEXT NOT NULL,
    at      TEXT NOT NULL,
    data    TEXT NOT NULL,
    actor   TEXT NOT NULL
);

CREATE TABLE users (
    id              INTEGER PRIMARY KEY,
    username        TEXT NOT NULL UNIQUE,
    password_hash   TEXT NOT NULL,
    role            TEXT NOT NULL,
    active          INTEGER NOT NULL DEFAULT 1,
    created_at      TEXT NOT NULL
);

CREATE TABLE sessions (
    token_hash  TEXT PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users (id),
    csrf_token  TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    created_at  TEXT NOT NULL
);

CREATE TABLE devices (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    role        TEXT NOT NULL,
    token_hash  TEXT NOT NULL UNIQUE,
    active      INTEGER NOT NULL DEFAULT 1,
    created_at  TEXT NOT NULL
);
