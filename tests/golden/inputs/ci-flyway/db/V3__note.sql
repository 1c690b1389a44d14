-- migraph:ignore lock-type-change-rewrite,lock-no-lock-timeout
ALTER TABLE orders ALTER COLUMN note TYPE varchar(200);
