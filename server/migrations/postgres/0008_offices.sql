-- Several offices in one database (a city): every record of the floor,
-- the event log, bookings and devices belong to one office. Rows from
-- before the city get 'main'; `Store::adopt_offices` gives them to the
-- city's first office at start-up.

ALTER TABLE tickets ADD COLUMN office TEXT NOT NULL DEFAULT 'main';
ALTER TABLE tickets DROP CONSTRAINT tickets_day_number_key;
ALTER TABLE tickets ADD CONSTRAINT tickets_office_day_number_key UNIQUE (office, day, number);
DROP INDEX tickets_day;
CREATE INDEX tickets_day ON tickets (office, day);
DROP INDEX tickets_day_floor_version;
CREATE INDEX tickets_day_floor_version ON tickets (office, day, floor_version);
-- Ticket ids stay unique in the city. Offices issue at once, each under
-- its own floor's lock, so the next id comes from a sequence.
CREATE SEQUENCE ticket_ids;
SELECT setval('ticket_ids', COALESCE((SELECT MAX(id) FROM tickets), 0) + 1, false);

ALTER TABLE service_times ADD COLUMN office TEXT NOT NULL DEFAULT 'main';
DROP INDEX service_times_day;
CREATE INDEX service_times_day ON service_times (office, day);
DROP INDEX service_times_day_floor_version;
CREATE INDEX service_times_day_floor_version ON service_times (office, day, floor_version);

ALTER TABLE booths ADD COLUMN office TEXT NOT NULL DEFAULT 'main';
ALTER TABLE booths DROP CONSTRAINT booths_pkey;
ALTER TABLE booths ADD PRIMARY KEY (office, id);

-- Event ids are dense per office (written by hand under the floor's
-- lock): a board resumes its office's stream.
ALTER TABLE events ADD COLUMN office TEXT NOT NULL DEFAULT 'main';
ALTER TABLE events DROP CONSTRAINT events_pkey;
ALTER TABLE events ALTER COLUMN id DROP IDENTITY;
ALTER TABLE events ADD PRIMARY KEY (office, id);

ALTER TABLE reservations ADD COLUMN office TEXT NOT NULL DEFAULT 'main';
DROP INDEX reservations_slot;
CREATE INDEX reservations_slot ON reservations (office, service, slot_start);

-- A kiosk or board serves one office.
ALTER TABLE devices ADD COLUMN office TEXT NOT NULL DEFAULT 'main';

-- The offices a staff user works in (admins work in all, listed or not).
CREATE TABLE user_offices (
    user_id BIGINT NOT NULL REFERENCES users (id),
    office  TEXT NOT NULL,
    PRIMARY KEY (user_id, office)
);
INSERT INTO user_offices (user_id, office) SELECT id, 'main' FROM users;
