-- The outbox as a real queue: a notice is rendered once, when it is queued
-- (subject, body, the printed notice as data and as a PDF, their hash and
-- a Message-ID), then goes queued → sending → sent, or retrying (a temporary
-- failure, retried later), failed (for good), withdrawn (by a manager). Its
-- department and the person who cancelled scope who sees it and who is told
-- when it fails. Notices queued before this have no sheet and no PDF.
CREATE TABLE customer_outbox_queue (
    id              INTEGER PRIMARY KEY,
    customer_id     INTEGER NOT NULL REFERENCES customers (id),
    order_id        INTEGER NOT NULL,
    order_number    TEXT NOT NULL,
    department_id   INTEGER,
    requested_by    INTEGER,
    event           TEXT NOT NULL,
    language        TEXT NOT NULL,
    recipient       TEXT,
    subject         TEXT NOT NULL,
    body            TEXT NOT NULL,
    sheet           TEXT,
    content_hash    TEXT,
    message_id      TEXT NOT NULL,
    pdf             BLOB,
    pdf_hash        TEXT,
    created_at      TEXT NOT NULL,
    status          TEXT NOT NULL DEFAULT 'queued'
                    CHECK (status IN ('queued', 'sending', 'sent', 'retrying', 'failed', 'withdrawn')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT,
    last_answer     TEXT,
    updated_at      TEXT,
    sent_at         TEXT,
    withdrawn_by    INTEGER
) STRICT;

INSERT INTO customer_outbox_queue (id, customer_id, order_id, order_number, department_id,
    requested_by, event, language, recipient, subject, body, message_id, created_at, status,
    sent_at)
SELECT m.id, m.customer_id, m.order_id, m.order_number,
       COALESCE((SELECT department_id FROM orders WHERE id = m.order_id),
                (SELECT department_id FROM archived_orders WHERE id = m.order_id)),
       (SELECT cancel_requested_by FROM orders WHERE id = m.order_id),
       m.event, m.language, m.recipient, m.subject, m.body,
       '<queued-' || m.id || '@orderdesk.notice>', m.created_at, m.status, m.sent_at
FROM customer_outbox m;

DROP TABLE customer_outbox;
ALTER TABLE customer_outbox_queue RENAME TO customer_outbox;
CREATE INDEX customer_outbox_due ON customer_outbox (status, next_attempt_at);
CREATE INDEX customer_outbox_order ON customer_outbox (order_id);
CREATE INDEX customer_outbox_department ON customer_outbox (department_id, id);
