-- The running version still calls nextval('order_seq').
DROP SEQUENCE order_seq;
