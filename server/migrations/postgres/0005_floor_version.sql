-- The floor's version: every change of its tickets or booths moves it, in
-- the change's own transaction. A server that finds a version it did not
-- write reads the floor again (several servers on one database). On
-- PostgreSQL the row is also the floor's write lock (SELECT … FOR UPDATE);
-- SQLite's BEGIN IMMEDIATE locks the whole database anyway.
CREATE TABLE floors (
    id       TEXT PRIMARY KEY,
    version  BIGINT NOT NULL
);
INSERT INTO floors (id, version) VALUES ('main', 0);
