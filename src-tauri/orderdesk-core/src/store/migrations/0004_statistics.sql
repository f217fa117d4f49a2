-- Statistics sampled from 1,000 rows an index told the planner that every
-- customer has about a thousand orders (on a million orders: three), so it
-- walked a department's dates for a customer's orders. Sampled from 10,000
-- they are close enough (seven); on a million orders this takes about 0.3 s,
-- once. `Store::open` keeps the same limit for later refreshes.
PRAGMA analysis_limit = 10000;
ANALYZE;
