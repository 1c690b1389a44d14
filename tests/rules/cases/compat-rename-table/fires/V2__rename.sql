ALTER TABLE order_items RENAME TO line_items;
