-- The running version still calls nextval('order_seq').
ALTER SEQUENCE order_seq RENAME TO order_id_seq;
