-- The view has been live since an earlier release: the build's SHARE lock
-- makes its REFRESH wait, and the reports that refresh it with it.
CREATE UNIQUE INDEX order_totals_customer_idx ON order_totals (customer_id);
