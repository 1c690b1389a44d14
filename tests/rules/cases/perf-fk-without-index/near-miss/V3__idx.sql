CREATE INDEX CONCURRENTLY order_items_order_id_idx ON order_items (order_id);
