-- The family's details for the pre-filled forms (issue 20), sealed with
-- the details key (XChaCha20-Poly1305; the key is a file apart from the
-- database; stored as base64): a copy of the database alone reveals
-- nothing of them.
ALTER TABLE reservations ADD COLUMN details TEXT;

-- One sealed known text, so that a server started with another key than
-- the one the details were sealed with refuses to start instead of
-- failing on every family later.
CREATE TABLE details_key (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    check_value TEXT NOT NULL
);

-- The departments whose families' details a staff member may see and
-- print (a clerk of 保険年金課 sees the families whose checklist has one
-- of its procedures).
CREATE TABLE user_departments (
    user_id    INTEGER NOT NULL REFERENCES users (id),
    department TEXT NOT NULL,
    PRIMARY KEY (user_id, department)
);

-- Every view and print of a family's details: who, when, which
-- reservation, never the details themselves.
CREATE TABLE details_audit (
    id             INTEGER PRIMARY KEY,
    at             TEXT NOT NULL,
    username       TEXT NOT NULL,
    office         TEXT NOT NULL,
    reservation_id INTEGER NOT NULL,
    action         TEXT NOT NULL
);
CREATE INDEX details_audit_at ON details_audit (at);
