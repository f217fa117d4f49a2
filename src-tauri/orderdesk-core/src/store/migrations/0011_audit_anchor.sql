-- The audit trail's anchor: a random nonce of this database, and where the
-- second form of the chain begins. From `events_from` on, an order event's
-- hash also covers its row id and the nonce, so deleting the newest events
-- or re-chaining the log shows against any recorded checkpoint, and a chain
-- cannot be carried into another database. The settings log is chained the
-- same way from `settings_from` on (it was not chained before).
CREATE TABLE audit_anchor (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    nonce         TEXT NOT NULL,
    events_from   INTEGER NOT NULL,
    settings_from INTEGER NOT NULL
) STRICT;
INSERT INTO audit_anchor (id, nonce, events_from, settings_from) VALUES (
    1,
    lower(hex(randomblob(16))),
    coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'order_events'), 0) + 1,
    coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'settings_events'), 0) + 1
);
ALTER TABLE settings_events ADD COLUMN prev_hash TEXT;
ALTER TABLE settings_events ADD COLUMN hash TEXT;

-- Checkpoints recorded in this file (a backup carries the ones made when it
-- was taken); the same go to a file beside the database.
CREATE TABLE audit_checkpoints (
    id              INTEGER PRIMARY KEY,
    at              TEXT NOT NULL,
    events          INTEGER NOT NULL,
    last_event      INTEGER NOT NULL,
    head            TEXT NOT NULL,
    settings_events INTEGER NOT NULL,
    last_setting    INTEGER NOT NULL,
    settings_head   TEXT NOT NULL
) STRICT;
CREATE TRIGGER audit_checkpoints_no_update BEFORE UPDATE ON audit_checkpoints BEGIN
    SELECT RAISE(ABORT, 'checkpoints are append-only');
END;
