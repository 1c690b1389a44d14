CREATE OR REPLACE VIEW order_summary AS
SELECT c.id AS customer_id, c.email, count(o.id) AS orders, sum(o.total_cents) AS spent_cents
FROM customers c
LEFT JOIN orders o ON o.customer_id = c.id
GROUP BY c.id, c.email;
