REINDEX INDEX orders_customer_id_idx;
