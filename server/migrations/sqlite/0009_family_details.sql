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
