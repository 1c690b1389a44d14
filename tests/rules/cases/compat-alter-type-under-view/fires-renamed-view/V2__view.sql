-- Renamed since: the recorded CREATE VIEW names big_orders_draft, so
-- running it again would not make big_orders; the template stays.
CREATE VIEW big_orders_draft AS SELECT id, total FROM orders WHERE total > 1000;
ALTER VIEW big_orders_draft RENAME TO big_orders;
