-- big_order_ids reads big_orders, not orders.total: DROP VIEW big_orders
-- refuses while it exists, so it goes first and comes back last.
CREATE VIEW big_orders AS SELECT id, total FROM orders WHERE total > 1000;
CREATE MATERIALIZED VIEW big_order_ids AS SELECT id FROM big_orders;
CREATE VIEW recent_orders AS SELECT id, created_at FROM orders;
