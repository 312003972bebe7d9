-- Which floor version last wrote each ticket and service time: a server
-- whose floor is behind reads only what changed since its version, not
-- the whole day again (several servers on one database).
ALTER TABLE tickets ADD COLUMN floor_version BIGINT NOT NULL DEFAULT 0;
ALTER TABLE service_times ADD COLUMN floor_version BIGINT NOT NULL DEFAULT 0;
CREATE INDEX tickets_day_floor_version ON tickets (day, floor_version);
CREATE INDEX service_times_day_floor_version ON service_times (day, floor_version);
