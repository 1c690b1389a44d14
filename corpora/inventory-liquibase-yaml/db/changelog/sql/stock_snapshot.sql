-- Nightly snapshot table the planners read; rebuilt when this file changes.
CREATE TABLE IF NOT EXISTS stock_snapshots (
    taken_on     date    NOT NULL,
    warehouse_id bigint  NOT NULL,
    product_id   bigint  NOT NULL,
    quantity     bigint  NOT NULL,
    PRIMARY KEY (taken_on, warehouse_id, product_id)
);

CREATE INDEX IF NOT EXISTS stock_snapshots_product_idx ON stock_snapshots (product_id);
