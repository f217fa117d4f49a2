-- A site's own data: customers and products kept by hand or imported, stock
-- received and adjusted, orders entered with notes, imports run as jobs.

-- Customers get a code (what imports and other systems key on), a contact
-- person and an active flag. Existing customers are numbered from their id.
ALTER TABLE customers ADD COLUMN code TEXT;
ALTER TABLE customers ADD COLUMN contact TEXT;
ALTER TABLE customers ADD COLUMN active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1));
UPDATE customers SET code = printf('C%06d', id);
CREATE UNIQUE INDEX customers_code ON customers (code);
-- A customer's short keys, rewritten when the name changes.
CREATE INDEX customer_grams_customer ON customer_grams (customer_id);
-- The picker lists customers by name.
CREATE INDEX customers_name ON customers (name);

ALTER TABLE products ADD COLUMN unit TEXT NOT NULL DEFAULT '';
ALTER TABLE products ADD COLUMN active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1));

-- The product picker: trigram substring search over SKU and both names, as
-- for customers; SKU prefixes of one or two characters use the SKU index.
CREATE VIRTUAL TABLE products_fts USING fts5 (
    sku, name_zh, name_en,
    content = 'products', content_rowid = 'id', tokenize = 'trigram'
);
CREATE TRIGGER products_fts_insert AFTER INSERT ON products BEGIN
    INSERT INTO products_fts (rowid, sku, name_zh, name_en)
    VALUES (new.id, new.sku, new.name_zh, new.name_en);
END;
CREATE TRIGGER products_fts_delete AFTER DELETE ON products BEGIN
    INSERT INTO products_fts (products_fts, rowid, sku, name_zh, name_en)
    VALUES ('delete', old.id, old.sku, old.name_zh, old.name_en);
END;
-- Stock counters change on every confirm and ship: only a change of the
-- searched text re-indexes.
CREATE TRIGGER products_fts_update AFTER UPDATE OF sku, name_zh, name_en ON products BEGIN
    INSERT INTO products_fts (products_fts, rowid, sku, name_zh, name_en)
    VALUES ('delete', old.id, old.sku, old.name_zh, old.name_en);
    INSERT INTO products_fts (rowid, sku, name_zh, name_en)
    VALUES (new.id, new.sku, new.name_zh, new.name_en);
END;
INSERT INTO products_fts (products_fts) VALUES ('rebuild');

-- Stock that comes in or is counted, outside any order: a receipt adds to
-- what is on hand, an adjustment sets it right after a count, an import
-- brings the opening stock. quantity is the signed change.
CREATE TABLE stock_adjustments (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    product_id    INTEGER NOT NULL REFERENCES products (id),
    kind          TEXT NOT NULL CHECK (kind IN ('receipt', 'adjustment', 'import')),
    quantity      INTEGER NOT NULL,
    on_hand_after INTEGER NOT NULL CHECK (on_hand_after >= 0),
    reason        TEXT NOT NULL,
    actor_id      INTEGER REFERENCES users (id),
    at            TEXT NOT NULL
) STRICT;
CREATE INDEX stock_adjustments_product ON stock_adjustments (product_id, id);

ALTER TABLE orders ADD COLUMN notes TEXT;
ALTER TABLE archived_orders ADD COLUMN notes TEXT;

-- The records of an import job, parsed once when the job is made, so that a
-- job cut off by a crash resumes from the database, not from the file.
-- item is the job item's number (the record's first row in the file).
CREATE TABLE import_rows (
    job_id TEXT NOT NULL REFERENCES jobs (id),
    item   INTEGER NOT NULL,
    data   TEXT NOT NULL,
    PRIMARY KEY (job_id, item)
) STRICT, WITHOUT ROWID;

-- A customer's or product's own history (who changed what, before → after).
CREATE INDEX settings_events_subject ON settings_events (subject, id);

-- Job items gain a fourth state: `unchanged` (an import row whose record is
-- already there). SQLite cannot widen a CHECK, so the table is rebuilt;
-- jobs count such items apart from done and refused.
CREATE TABLE job_items_new (
    job_id       TEXT NOT NULL REFERENCES jobs (id),
    order_id     INTEGER NOT NULL,
    order_number TEXT NOT NULL,
    seen_version INTEGER NOT NULL,
    state        TEXT NOT NULL CHECK (state IN ('pending', 'done', 'refused', 'unchanged')),
    error_kind   TEXT,
    message_zh   TEXT,
    message_en   TEXT,
    PRIMARY KEY (job_id, order_id)
) STRICT, WITHOUT ROWID;
INSERT INTO job_items_new SELECT * FROM job_items;
DROP TABLE job_items;
ALTER TABLE job_items_new RENAME TO job_items;
CREATE INDEX job_items_state ON job_items (job_id, state, order_id);
ALTER TABLE jobs ADD COLUMN unchanged INTEGER NOT NULL DEFAULT 0;
