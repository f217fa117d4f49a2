-- The cancel wizard separates the internal note (timeline and staff) from
-- the message to the customer (their notice only). A request waiting for
-- approval keeps the message until the notice is queued.
ALTER TABLE orders ADD COLUMN cancel_customer_message TEXT;
