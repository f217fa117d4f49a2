-- Administrators' changes (users, departments, reasons, rules, templates, backups),
-- append-only like the order events.
CREATE TABLE settings_events (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    at          TEXT NOT NULL,
    actor_id    INTEGER REFERENCES users (id),
    actor_login TEXT NOT NULL,
    kind        TEXT NOT NULL,
    subject     TEXT NOT NULL,
    detail      TEXT
) STRICT;
CREATE TRIGGER settings_events_no_update BEFORE UPDATE ON settings_events BEGIN
    SELECT RAISE(ABORT, 'settings events are append-only');
END;
CREATE TRIGGER settings_events_no_delete BEFORE DELETE ON settings_events BEGIN
    SELECT RAISE(ABORT, 'settings events are append-only');
END;
