-- A number typed so far ("SO-2026-33…") within one department: count, sort
-- by date and pick the first page from the index alone, without reading
-- every order of the department.
CREATE INDEX orders_department_number ON orders (department_id, number, order_date, id);
CREATE INDEX archived_orders_department_number ON archived_orders (department_id, number, order_date, id);
-- Statistics for the new indexes beside the old ones; without them the
-- planner would guess, and could take the new index for a customer search.
PRAGMA analysis_limit = 1000;
ANALYZE orders;
ANALYZE archived_orders;
