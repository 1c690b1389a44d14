DROP INDEX orders_total_idx;
DROP TABLE tags;
