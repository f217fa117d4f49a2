-- Sessions ended for everyone at once (the database was restored from a
-- backup): a desk that calls with such a token is told why.
CREATE TABLE ended_sessions (
    token_hash TEXT PRIMARY KEY,
    reason     TEXT NOT NULL,
    at         TEXT NOT NULL
) STRICT, WITHOUT ROWID;
