-- Sessions of the desks and the CLI: a login hands out a random token, sent
-- with every call; only its SHA-256 is kept, so a copy of this file holds no
-- token anyone could use. A session ends at logout, or when it has been idle
-- longer than the administrator's setting.
CREATE TABLE sessions (
    token_hash   TEXT PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id),
    created_at   TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    client       TEXT NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX sessions_last_seen ON sessions (last_seen_at);
