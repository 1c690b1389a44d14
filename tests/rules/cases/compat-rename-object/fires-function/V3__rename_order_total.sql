-- The running version still calls order_total(id).
ALTER FUNCTION order_total(bigint) RENAME TO order_sum;
