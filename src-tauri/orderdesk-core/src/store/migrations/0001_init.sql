-- OrderDesk schema, version 1. Released migrations are never edited; add a new file.
-- Times are RFC 3339 UTC text, dates are YYYY-MM-DD, money is integer minor units.

CREATE TABLE departments (
    id      INTEGER PRIMARY KEY,
    name_zh TEXT NOT NULL UNIQUE,
    name_en TEXT NOT NULL UNIQUE
) STRICT;

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    login         TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('clerk', 'manager', 'admin')),
    department_id INTEGER NOT NULL REFERENCES departments (id),
    password_hash TEXT NOT NULL,
    active        INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until  TEXT
) STRICT;
CREATE INDEX users_department ON users (department_id, role);

CREATE TABLE customers (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    name_latin TEXT NOT NULL DEFAULT '',
    initials   TEXT NOT NULL DEFAULT '',  -- pinyin initials of name, lower case: 张三 → zs
    email      TEXT,
    phone      TEXT,
    language   TEXT NOT NULL DEFAULT 'zh-CN' CHECK (language IN ('zh-CN', 'en'))
) STRICT;

-- Name search: trigram FTS over the customers (far fewer than orders), joined to
-- orders by customer id. Queries under three characters scan customers instead.
CREATE VIRTUAL TABLE customers_fts USING fts5 (
    name, name_latin, initials,
    content = 'customers', content_rowid = 'id', tokenize = 'trigram'
);
CREATE TRIGGER customers_fts_insert AFTER INSERT ON customers BEGIN
    INSERT INTO customers_fts (rowid, name, name_latin, initials)
    VALUES (new.id, new.name, new.name_latin, new.initials);
END;
CREATE TRIGGER customers_fts_delete AFTER DELETE ON customers BEGIN
    INSERT INTO customers_fts (customers_fts, rowid, name, name_latin, initials)
    VALUES ('delete', old.id, old.name, old.name_latin, old.initials);
END;
CREATE TRIGGER customers_fts_update AFTER UPDATE ON customers BEGIN
    INSERT INTO customers_fts (customers_fts, rowid, name, name_latin, initials)
    VALUES ('delete', old.id, old.name, old.name_latin, old.initials);
    INSERT INTO customers_fts (rowid, name, name_latin, initials)
    VALUES (new.id, new.name, new.name_latin, new.initials);
END;

-- Text under three characters cannot use trigrams: these one- and two-character
-- keys (Chinese characters and pairs, word starts, initials starts) find the
-- customers for such text by index. Written by store::customers::insert.
CREATE TABLE customer_grams (
    gram        TEXT NOT NULL,
    customer_id INTEGER NOT NULL REFERENCES customers (id),
    PRIMARY KEY (gram, customer_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE products (
    id               INTEGER PRIMARY KEY,
    sku              TEXT NOT NULL UNIQUE,
    name_zh          TEXT NOT NULL,
    name_en          TEXT NOT NULL,
    unit_price_minor INTEGER NOT NULL CHECK (unit_price_minor >= 0),
    on_hand          INTEGER NOT NULL CHECK (on_hand >= 0),
    reserved         INTEGER NOT NULL DEFAULT 0 CHECK (reserved >= 0 AND reserved <= on_hand)
) STRICT;

-- Order numbers are issued from here so that they never repeat, even after
-- orders move to the archive tables.
CREATE TABLE counters (
    name  TEXT PRIMARY KEY,
    value INTEGER NOT NULL
) STRICT;

-- Active orders. AUTOINCREMENT: ids stay unique across orders and archived_orders.
CREATE TABLE orders (
    id                    INTEGER PRIMARY KEY AUTOINCREMENT,
    number                TEXT NOT NULL UNIQUE,
    customer_id           INTEGER NOT NULL REFERENCES customers (id),
    handler_id            INTEGER REFERENCES users (id),  -- NULL: waits in the department's queue
    department_id         INTEGER NOT NULL REFERENCES departments (id),
    sales_rep_id          INTEGER NOT NULL REFERENCES users (id),
    status                TEXT NOT NULL CHECK (status IN
                          ('draft', 'confirmed', 'invoiced', 'shipped', 'completed',
                           'cancel_pending', 'cancelled')),
    status_before_cancel  TEXT,  -- set while cancel_pending, and kept once cancelled
    total_minor           INTEGER NOT NULL CHECK (total_minor >= 0),
    currency              TEXT NOT NULL,
    order_date            TEXT NOT NULL,
    created_at            TEXT NOT NULL,
    updated_at            TEXT NOT NULL,
    updated_by            INTEGER REFERENCES users (id),
    closed_at             TEXT,
    version               INTEGER NOT NULL DEFAULT 1,
    cancel_reason_code    TEXT,
    cancel_note           TEXT,
    cancel_requested_by   INTEGER REFERENCES users (id),
    cancel_requested_at   TEXT,
    cancel_notify_customer INTEGER
) STRICT;
CREATE INDEX orders_date ON orders (order_date, id);
CREATE INDEX orders_customer ON orders (customer_id, department_id, order_date, id);
CREATE INDEX orders_department ON orders (department_id, order_date, id);
CREATE INDEX orders_status ON orders (status, order_date, id);
CREATE INDEX orders_handler ON orders (handler_id, status);
CREATE INDEX orders_handler_date ON orders (handler_id, order_date, id);
CREATE INDEX orders_total ON orders (total_minor, id);

CREATE TABLE order_lines (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    order_id         INTEGER NOT NULL REFERENCES orders (id),
    line_no          INTEGER NOT NULL,
    product_id       INTEGER NOT NULL REFERENCES products (id),
    quantity         INTEGER NOT NULL CHECK (quantity > 0),
    unit_price_minor INTEGER NOT NULL CHECK (unit_price_minor >= 0),
    UNIQUE (order_id, line_no)
) STRICT;
CREATE INDEX order_lines_product ON order_lines (product_id);

-- kind: reserve (+quantity reserved), release (reservation given back),
-- ship (reservation consumed and stock left the warehouse).
CREATE TABLE stock_movements (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    order_id   INTEGER NOT NULL REFERENCES orders (id),
    product_id INTEGER NOT NULL REFERENCES products (id),
    kind       TEXT NOT NULL CHECK (kind IN ('reserve', 'release', 'ship')),
    quantity   INTEGER NOT NULL CHECK (quantity > 0),
    at         TEXT NOT NULL
) STRICT;
CREATE INDEX stock_movements_order ON stock_movements (order_id);

-- Signed amounts: invoice and payment positive, credit_note and refund_due negative,
-- so a cancelled order's entries add up to zero.
CREATE TABLE finance_entries (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    order_id     INTEGER NOT NULL REFERENCES orders (id),
    kind         TEXT NOT NULL CHECK (kind IN ('invoice', 'credit_note', 'payment', 'refund_due')),
    reference    TEXT NOT NULL,
    amount_minor INTEGER NOT NULL,
    currency     TEXT NOT NULL,
    at           TEXT NOT NULL
) STRICT;
CREATE INDEX finance_entries_order ON finance_entries (order_id);

-- The audit trail. Append-only (the triggers refuse change) and hash-chained:
-- hash = sha256(prev_hash, the event's fields). It is never moved to the archive,
-- so the chain stays whole; order_id refers to orders or archived_orders.
CREATE TABLE order_events (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    order_id     INTEGER NOT NULL,
    order_number TEXT NOT NULL,
    kind         TEXT NOT NULL,
    actor_id     INTEGER,
    actor_login  TEXT,
    at           TEXT NOT NULL,
    from_status  TEXT,
    to_status    TEXT,
    reason_code  TEXT,
    note         TEXT,
    data         TEXT,  -- JSON with what the kind needs (old and new handler, amounts…)
    prev_hash    TEXT NOT NULL,
    hash         TEXT NOT NULL
) STRICT;
CREATE INDEX order_events_order ON order_events (order_id, id);
CREATE TRIGGER order_events_no_update BEFORE UPDATE ON order_events BEGIN
    SELECT RAISE(ABORT, 'order events are append-only');
END;
CREATE TRIGGER order_events_no_delete BEFORE DELETE ON order_events BEGIN
    SELECT RAISE(ABORT, 'order events are append-only');
END;

-- Previous handlers keep a read-only view. No foreign key to orders: a watched
-- order may be archived.
CREATE TABLE watchers (
    order_id INTEGER NOT NULL,
    user_id  INTEGER NOT NULL REFERENCES users (id),
    since    TEXT NOT NULL,
    PRIMARY KEY (order_id, user_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX watchers_user ON watchers (user_id, order_id);

CREATE TABLE order_lineage (
    copy_id   INTEGER NOT NULL PRIMARY KEY,
    source_id INTEGER NOT NULL
) STRICT;
CREATE INDEX order_lineage_source ON order_lineage (source_id);

CREATE TABLE notifications (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id),
    event        TEXT NOT NULL,
    order_id     INTEGER,
    order_number TEXT,
    order_count  INTEGER NOT NULL DEFAULT 1,
    actor_login  TEXT,
    reason_code  TEXT,
    note         TEXT,
    created_at   TEXT NOT NULL,
    read_at      TEXT
) STRICT;
CREATE INDEX notifications_user ON notifications (user_id, id);

CREATE TABLE customer_outbox (
    id           INTEGER PRIMARY KEY,
    customer_id  INTEGER NOT NULL REFERENCES customers (id),
    order_id     INTEGER NOT NULL,
    order_number TEXT NOT NULL,
    event        TEXT NOT NULL,
    language     TEXT NOT NULL,
    recipient    TEXT,
    subject      TEXT NOT NULL,
    body         TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    status       TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sent')),
    sent_at      TEXT
) STRICT;

CREATE TABLE cancel_reasons (
    code     TEXT PRIMARY KEY,
    label_zh TEXT NOT NULL,
    label_en TEXT NOT NULL,
    active   INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    position INTEGER NOT NULL DEFAULT 0
) STRICT;
INSERT INTO cancel_reasons (code, label_zh, label_en, position) VALUES
    ('customer_request', '客户要求', 'Customer request', 1),
    ('out_of_stock', '缺货', 'Out of stock', 2),
    ('price_error', '价格错误', 'Price error', 3),
    ('duplicate', '重复订单', 'Duplicate order', 4),
    ('fraud_suspicion', '疑似欺诈', 'Suspected fraud', 5),
    ('other', '其他', 'Other', 6);

-- Settings as JSON values, one per key (approval_rules, notification_rules,
-- customer_templates). Read through store::settings, which supplies defaults.
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

-- The history store: same file, so moving an order is one atomic transaction.
CREATE TABLE archived_orders (
    id                   INTEGER PRIMARY KEY,
    number               TEXT NOT NULL UNIQUE,
    customer_id          INTEGER NOT NULL REFERENCES customers (id),
    handler_id           INTEGER REFERENCES users (id),
    department_id        INTEGER NOT NULL REFERENCES departments (id),
    sales_rep_id         INTEGER NOT NULL REFERENCES users (id),
    closed_as            TEXT NOT NULL CHECK (closed_as IN ('completed', 'cancelled')),
    status_before_cancel TEXT,
    total_minor          INTEGER NOT NULL,
    currency             TEXT NOT NULL,
    order_date           TEXT NOT NULL,
    created_at           TEXT NOT NULL,
    closed_at            TEXT NOT NULL,
    cancel_reason_code   TEXT,
    cancel_note          TEXT,
    archived_at          TEXT NOT NULL,
    archived_by          INTEGER REFERENCES users (id),
    version              INTEGER NOT NULL
) STRICT;
CREATE INDEX archived_orders_date ON archived_orders (order_date, id);
CREATE INDEX archived_orders_customer ON archived_orders (customer_id, order_date, id);
CREATE INDEX archived_orders_department ON archived_orders (department_id, order_date, id);
CREATE INDEX archived_orders_closed ON archived_orders (closed_as, closed_at);
CREATE INDEX archived_orders_handler ON archived_orders (handler_id, order_date, id);

CREATE TABLE archived_order_lines (
    id               INTEGER PRIMARY KEY,
    order_id         INTEGER NOT NULL REFERENCES archived_orders (id),
    line_no          INTEGER NOT NULL,
    product_id       INTEGER NOT NULL REFERENCES products (id),
    quantity         INTEGER NOT NULL,
    unit_price_minor INTEGER NOT NULL
) STRICT;
CREATE INDEX archived_order_lines_order ON archived_order_lines (order_id);

CREATE TABLE archived_stock_movements (
    id         INTEGER PRIMARY KEY,
    order_id   INTEGER NOT NULL REFERENCES archived_orders (id),
    product_id INTEGER NOT NULL REFERENCES products (id),
    kind       TEXT NOT NULL,
    quantity   INTEGER NOT NULL,
    at         TEXT NOT NULL
) STRICT;
CREATE INDEX archived_stock_movements_order ON archived_stock_movements (order_id);

CREATE TABLE archived_finance_entries (
    id           INTEGER PRIMARY KEY,
    order_id     INTEGER NOT NULL REFERENCES archived_orders (id),
    kind         TEXT NOT NULL,
    reference    TEXT NOT NULL,
    amount_minor INTEGER NOT NULL,
    currency     TEXT NOT NULL,
    at           TEXT NOT NULL
) STRICT;
CREATE INDEX archived_finance_entries_order ON archived_finance_entries (order_id);

-- Analytics over the archive, maintained in the same transaction as each archive.
-- dimension: 'all' (key ''), 'reason', 'handler', 'customer', 'product'.
-- month is the month the order was closed (YYYY-MM).
CREATE TABLE archive_stats (
    dimension     TEXT NOT NULL,
    key           TEXT NOT NULL,
    department_id INTEGER NOT NULL,
    month         TEXT NOT NULL,
    closed_as     TEXT NOT NULL,
    orders        INTEGER NOT NULL,
    value_minor   INTEGER NOT NULL,
    quantity      INTEGER NOT NULL,
    days_to_close INTEGER NOT NULL,  -- sum over the orders of (closed_at - order_date) in days
    PRIMARY KEY (dimension, closed_as, month, department_id, key)
) STRICT, WITHOUT ROWID;

-- Bulk runs (archive, reassign, cancel over a selection): resumable, one result per order.
CREATE TABLE jobs (
    id          TEXT PRIMARY KEY,
    kind        TEXT NOT NULL,
    created_by  INTEGER NOT NULL REFERENCES users (id),
    created_at  TEXT NOT NULL,
    params      TEXT NOT NULL,
    state       TEXT NOT NULL CHECK (state IN ('pending', 'running', 'stopped', 'done')),
    finished_at TEXT,
    -- Kept with the items, so progress never counts a hundred thousand rows.
    total       INTEGER NOT NULL DEFAULT 0,
    done        INTEGER NOT NULL DEFAULT 0,
    refused     INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE TABLE job_items (
    job_id       TEXT NOT NULL REFERENCES jobs (id),
    order_id     INTEGER NOT NULL,
    order_number TEXT NOT NULL,
    seen_version INTEGER NOT NULL,
    state        TEXT NOT NULL CHECK (state IN ('pending', 'done', 'refused')),
    error_kind   TEXT,
    message_zh   TEXT,
    message_en   TEXT,
    PRIMARY KEY (job_id, order_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX job_items_state ON job_items (job_id, state, order_id);
