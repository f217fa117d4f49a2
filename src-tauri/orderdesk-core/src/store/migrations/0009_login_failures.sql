-- Failed logins of names that are no user: counted and locked exactly like a
-- user's, so that what a login attempt answers never tells whether the
-- account exists.
CREATE TABLE login_failures (
    login        TEXT PRIMARY KEY,
    failures     INTEGER NOT NULL,
    locked_until TEXT
) STRICT, WITHOUT ROWID;
