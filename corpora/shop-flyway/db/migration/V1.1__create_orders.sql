CREATE TABLE orders (
    id           bigserial PRIMARY KEY,
    customer_id  bigint NOT NULL REFERENCES customers (id),
    total_cents  integer NOT NULL CHECK (total_cents >= 0),
    placed_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE order_items (
    order_id    bigint NOT NULL,
    line_no     integer NOT NULL,
    sku         varchar(64) NOT NULL,
    quantity    integer NOT NULL DEFAULT 1,
    PRIMARY KEY (order_id, line_no)
);

GRANT SELECT, INSERT, UPDATE ON orders, order_items TO ${app_role};
