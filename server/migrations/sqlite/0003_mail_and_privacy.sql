-- E-mail leaves through an outbox: a mail is stored in the same transaction
-- as what caused it (a booking, a call), then sent with retries, so a mail
-- server outage or a crash loses nothing.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    kind            TEXT NOT NULL,          -- booking | ahead | called
    recipient       TEXT NOT NULL,
    message         BLOB NOT NULL,          -- RFC 5322 bytes, exactly as sent
    created_at      TEXT NOT NULL,
    next_attempt_at TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT,
    sent_at         TEXT,
    failed_at       TEXT
);
CREATE INDEX outbox_pending ON outbox (sent_at, failed_at, next_attempt_at);

-- A visitor's request to be e-mailed about one ticket. The flags belong to
-- the ticket's step `step`: a transfer to the next procedure starts over.
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
