-- The first table of the shop: customers who can log in and order.
CREATE TABLE customers (
    id          bigserial PRIMARY KEY,
    email       varchar(320) NOT NULL,
    full_name   text,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE UNIQUE INDEX customers_email_key ON customers (lower(email));
