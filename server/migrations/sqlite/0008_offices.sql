-- Several offices in one database (a city): every record of the floor,
-- the event log, bookings and devices belong to one office. Rows from
-- before the city get 'main'; `Store::adopt_offices` gives them to the
-- city's first office at start-up.
--
-- Numbers restart per office (UNIQUE office, day, number), booths and
-- event ids are per office. SQLite cannot drop a constraint, so tickets,
-- booths and events are rebuilt. Foreign keys stay on (the migration runs
-- in a transaction, where the pragma cannot change): the tables that
-- point at tickets are set aside first and put back after.

CREATE TABLE service_times_old AS SELECT * FROM service_times;
DROP TABLE service_times;
CREATE TABLE ticket_notifications_old AS SELECT * FROM ticket_notifications;
DROP TABLE ticket_notifications;

CREATE TABLE tickets_new (
    id              INTEGER PRIMARY KEY,
    office          TEXT NOT NULL,
    day             TEXT NOT NULL,
    number          TEXT NOT NULL,
    prefix          TEXT NOT NULL,
    seq             INTEGER NOT NULL,
    services        TEXT NOT NULL,
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
    notes           TEXT NOT NULL,
    status_token    TEXT NOT NULL UNIQUE,
    device_id       INTEGER,
    idempotency_key TEXT,
    language        TEXT,
    floor_version   BIGINT NOT NULL DEFAULT 0,
    UNIQUE (office, day, number),
    UNIQUE (day, device_id, idempotency_key)
);
INSERT INTO tickets_new (id, office, day, number, prefix, seq, services, step, source,
    reservation_id, slot_start, priority, state, booth, issued_at, queued_at, called_at,
    call_count, started_at, done_at, notes, status_token, device_id, idempotency_key,
    language, floor_version)
SELECT id, 'main', day, number, prefix, seq, services, step, source,
    reservation_id, slot_start, priority, state, booth, issued_at, queued_at, called_at,
    call_count, started_at, done_at, notes, status_token, device_id, idempotency_key,
    language, floor_version
FROM tickets;
DROP TABLE tickets;
ALTER TABLE tickets_new RENAME TO tickets;
CREATE INDEX tickets_day ON tickets (office, day);
CREATE INDEX tickets_day_floor_version ON tickets (office, day, floor_version);

CREATE TABLE service_times (
    id            INTEGER PRIMARY KEY,
    ticket_id     INTEGER NOT NULL REFERENCES tickets (id),
    office        TEXT NOT NULL,
    service       TEXT NOT NULL,
    day           TEXT NOT NULL,
    queued_at     TEXT NOT NULL,
    called_at     TEXT,
    done_at       TEXT NOT NULL,
    minutes       REAL NOT NULL,
    floor_version BIGINT NOT NULL DEFAULT 0
);
INSERT INTO service_times (id, ticket_id, office, service, day, queued_at, called_at,
    done_at, minutes, floor_version)
SELECT id, ticket_id, 'main', service, day, queued_at, called_at, done_at, minutes,
    floor_version
FROM service_times_old;
DROP TABLE service_times_old;
CREATE INDEX service_times_day ON service_times (office, day);
CREATE INDEX service_times_day_floor_version ON service_times (office, day, floor_version);

CREATE TABLE ticket_notifications (
    ticket_id   INTEGER PRIMARY KEY REFERENCES tickets (id),
    email       TEXT NOT NULL,
    ahead       INTEGER NOT NULL,
    lang        TEXT NOT NULL,
    step        INTEGER NOT NULL,
    ahead_sent  INTEGER NOT NULL,
    called_sent INTEGER NOT NULL,
    created_at  TEXT NOT NULL
);
INSERT INTO ticket_notifications SELECT ticket_id, email, ahead, lang, step, ahead_sent,
    called_sent, created_at FROM ticket_notifications_old;
DROP TABLE ticket_notifications_old;

CREATE TABLE booths_new (
    office          TEXT NOT NULL,
    id              TEXT NOT NULL,
    state           TEXT NOT NULL,
    current_ticket  INTEGER,
    PRIMARY KEY (office, id)
);
INSERT INTO booths_new SELECT 'main', id, state, current_ticket FROM booths;
DROP TABLE booths;
ALTER TABLE booths_new RENAME TO booths;

-- Event ids are dense per office: a board resumes its office's stream.
CREATE TABLE events_new (
    office  TEXT NOT NULL,
    id      INTEGER NOT NULL,
    kind    TEXT NOT NULL,
    at      TEXT NOT NULL,
    data    TEXT NOT NULL,
    actor   TEXT NOT NULL,
    PRIMARY KEY (office, id)
);
INSERT INTO events_new SELECT 'main', id, kind, at, data, actor FROM events;
DROP TABLE events;
ALTER TABLE events_new RENAME TO events;

ALTER TABLE reservations ADD COLUMN office TEXT NOT NULL DEFAULT 'main';
DROP INDEX reservations_slot;
CREATE INDEX reservations_slot ON reservations (office, service, slot_start);

-- A kiosk or board serves one office.
ALTER TABLE devices ADD COLUMN office TEXT NOT NULL DEFAULT 'main';

-- The offices a staff user works in (admins work in all, listed or not).
CREATE TABLE user_offices (
    user_id INTEGER NOT NULL REFERENCES users (id),
    office  TEXT NOT NULL,
    PRIMARY KEY (user_id, office)
);
INSERT INTO user_offices (user_id, office) SELECT id, 'main' FROM users;
