-- forms.sql: the base schema and the statement forms whose locks
-- tests/truth/observe.py records on real PostgreSQL servers 10-18.
--
-- Format (read by observe.py; plain SQL otherwise, so psql can run pieces):
--   -- @base [since=NN]   starts a base-schema section; its SQL runs once per
--                         server when the template database is built, only
--                         on majors >= NN when given (the rest of the base
--                         must not depend on it).
--   -- @form ID           starts a statement form; ID is stable kebab-case.
--   -- @why TEXT          what makes the form special (one line, repeatable).
--   -- @set GUC=VALUE     session setting in force while the form runs.
--   -- @blocker SQL       for forms that cannot run in a transaction block:
--                         what a third session holds (in an open transaction)
--                         so that the form waits and its locks can be read.
--   -- @concurrent        observe from a second session even when the form
--                         could run in a transaction block.
--   -- @cleanup SQL       undoes the effect of an out-of-transaction run
--                         (repeatable; run in autocommit, in order).
--   Any other line up to the next directive is the form's SQL: exactly one
--   statement.  Lines starting with "--" that are not directives are comments.
--
-- Every form runs on every server; one that fails is recorded with the
-- server's error.  Forms that run in a transaction block are rolled back, so
-- each starts from the same base state.

-- ===================================================================== base
-- @base
DO $$ BEGIN CREATE ROLE app_owner; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
DO $$ BEGIN CREATE ROLE app_reader; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA archive;
CREATE TYPE order_status AS ENUM ('new', 'paid', 'shipped', 'cancelled');
CREATE DOMAIN positive_amount AS numeric(12,2) CHECK (VALUE > 0);
CREATE DOMAIN email_text AS text;
CREATE TYPE address_t AS (street text, city text);
CREATE SEQUENCE invoice_seq;

CREATE TABLE customers (
	id serial PRIMARY KEY,
	email varchar(200) NOT NULL,
	name text,
	country char(2),
	note varchar(50),
	created_at timestamp NOT NULL DEFAULT now(),
	balance numeric(10,2) DEFAULT 0,
	score int,
	alt_email email_text
);
INSERT INTO customers (email, name, country, note, created_at, balance, score, alt_email)
SELECT 'user' || i || '@example.com', 'Customer ' || i, (ARRAY['US','DE','FR','JP'])[1 + i % 4],
       'note ' || i, timestamp '2020-01-01' + i * interval '1 hour', (i % 500)::numeric / 3, i % 97,
       'alt' || i || '@example.org'
FROM generate_series(1, 2000) i;
CREATE INDEX customers_score_idx ON customers (score);
CREATE UNIQUE INDEX customers_email_key_idx ON customers (email);
CREATE INDEX customers_email_idx ON customers (email);

CREATE TABLE products (
	id serial PRIMARY KEY,
	sku text NOT NULL UNIQUE,
	name text NOT NULL
);
INSERT INTO products (sku, name) SELECT 'SKU-' || i, 'Product ' || i FROM generate_series(1, 300) i;
CREATE RULE products_no_delete AS ON DELETE TO products DO INSTEAD NOTHING;

CREATE TABLE orders (
	id serial PRIMARY KEY,
	customer_id int NOT NULL REFERENCES customers (id),
	status order_status NOT NULL DEFAULT 'new',
	total numeric(12,2),
	created_at timestamp NOT NULL DEFAULT now(),
	shipped_at timestamp
);
INSERT INTO orders (customer_id, status, total, created_at, shipped_at)
SELECT 1 + i % 2000, (ARRAY['new','paid','shipped','cancelled'])[1 + i % 4]::order_status,
       (i % 1000) + 0.99, timestamp '2021-01-01' + i * interval '10 minutes',
       CASE WHEN i % 4 = 2 THEN timestamp '2021-01-02' + i * interval '10 minutes' END
FROM generate_series(1, 5000) i;
CREATE INDEX orders_customer_id_idx ON orders (customer_id);
CREATE INDEX orders_created_at_idx ON orders (created_at);
ALTER TABLE orders ADD CONSTRAINT orders_total_nonneg CHECK (total >= 0) NOT VALID;
CREATE FUNCTION touch_trigger() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE TRIGGER orders_touch BEFORE UPDATE ON orders FOR EACH ROW EXECUTE PROCEDURE touch_trigger();

CREATE TABLE order_items (
	id serial PRIMARY KEY,
	order_id int NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
	product_id int NOT NULL,
	qty int NOT NULL CHECK (qty > 0),
	price positive_amount NOT NULL
);
INSERT INTO order_items (order_id, product_id, qty, price)
SELECT 1 + i % 5000, 1 + i % 300, 1 + i % 5, 1 + (i % 200) FROM generate_series(1, 10000) i;
CREATE INDEX order_items_order_id_idx ON order_items (order_id);
ALTER TABLE order_items ADD CONSTRAINT order_items_product_fk
	FOREIGN KEY (product_id) REFERENCES products (id) NOT VALID;

CREATE TABLE order_notes (
	id serial PRIMARY KEY,
	order_id int NOT NULL REFERENCES orders (id),
	body text
);
INSERT INTO order_notes (order_id, body) SELECT 1 + i * 7, 'note ' || i FROM generate_series(1, 300) i;

CREATE TABLE shipments (
	id serial PRIMARY KEY,
	order_id int,
	carrier text,
	tracking text,
	CONSTRAINT shipments_carrier_not_null CHECK (carrier IS NOT NULL)
);
INSERT INTO shipments (order_id, carrier, tracking)
SELECT 1 + i * 3, (ARRAY['ups','dhl','fedex'])[1 + i % 3], 'TRK' || i FROM generate_series(1, 1500) i;
-- NOT VALID inside CREATE TABLE is silently marked valid: add it afterwards.
ALTER TABLE shipments ADD CONSTRAINT shipments_order_id_not_null CHECK (order_id IS NOT NULL) NOT VALID;

CREATE TABLE tokens (id int NOT NULL, value text);
INSERT INTO tokens SELECT i, md5(i::text) FROM generate_series(1, 1000) i;
CREATE UNIQUE INDEX tokens_id_idx ON tokens (id);

CREATE TABLE scratch (id int, payload text);
INSERT INTO scratch SELECT i, 'x' || i FROM generate_series(1, 500) i;

CREATE UNLOGGED TABLE sessions (id int PRIMARY KEY, data text);
INSERT INTO sessions SELECT i, 's' || i FROM generate_series(1, 500) i;

CREATE TABLE reservations (id serial PRIMARY KEY, room int NOT NULL, during tsrange NOT NULL);
INSERT INTO reservations (room, during)
SELECT i % 20, tsrange(timestamp '2024-01-01' + i * interval '1 day', timestamp '2024-01-01' + i * interval '1 day' + interval '1 hour')
FROM generate_series(1, 400) i;

CREATE TABLE tickets (
	id int GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
	num int NOT NULL,
	title text
);
INSERT INTO tickets (num, title) SELECT i, 'ticket ' || i FROM generate_series(1, 500) i;

CREATE TABLE audit_log (id bigint, at timestamp, what text);
CREATE TABLE audit_log_2024 () INHERITS (audit_log);
CREATE TABLE audit_log_orphan (id bigint, at timestamp, what text);
INSERT INTO audit_log_2024 SELECT i, timestamp '2024-01-01' + i * interval '1 minute', 'w' FROM generate_series(1, 500) i;
INSERT INTO audit_log_orphan SELECT i, timestamp '2024-01-01' + i * interval '1 minute', 'w' FROM generate_series(1, 100) i;

CREATE TABLE addresses_typed OF address_t;
CREATE TABLE addresses_plain (street text, city text);
INSERT INTO addresses_typed SELECT 'street ' || i, 'city' FROM generate_series(1, 100) i;
INSERT INTO addresses_plain SELECT 'street ' || i, 'city' FROM generate_series(1, 100) i;

CREATE TABLE events (
	id bigint NOT NULL,
	created_at date NOT NULL,
	customer_id int,
	payload text,
	amount int
) PARTITION BY RANGE (created_at);
CREATE TABLE events_2023 PARTITION OF events FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');
CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
INSERT INTO events SELECT i, date '2023-01-01' + (i % 730), 1 + i % 2000, 'payload ' || i, i % 1000
FROM generate_series(1, 3000) i;
CREATE TABLE events_2025_staged (LIKE events);
ALTER TABLE events_2025_staged ADD CONSTRAINT events_2025_staged_range
	CHECK (created_at >= '2025-01-01' AND created_at < '2026-01-01');
INSERT INTO events_2025_staged SELECT i, date '2025-01-01' + (i % 365), 1, 'p', 1 FROM generate_series(1, 300) i;
CREATE TABLE events_2026_staged (LIKE events);
INSERT INTO events_2026_staged SELECT i, date '2026-01-01' + (i % 365), 1, 'p', 1 FROM generate_series(1, 300) i;

CREATE TABLE metrics (kind text NOT NULL, at timestamp NOT NULL, value float8) PARTITION BY LIST (kind);
CREATE TABLE metrics_cpu PARTITION OF metrics FOR VALUES IN ('cpu');
CREATE TABLE metrics_mem PARTITION OF metrics FOR VALUES IN ('mem');
INSERT INTO metrics SELECT CASE WHEN i % 2 = 0 THEN 'cpu' ELSE 'mem' END, timestamp '2024-01-01' + i * interval '1 minute', i
FROM generate_series(1, 2000) i;
CREATE TABLE metrics_disk_staged (kind text NOT NULL, at timestamp NOT NULL, value float8,
	CONSTRAINT metrics_disk_staged_kind CHECK (kind = 'disk'));
INSERT INTO metrics_disk_staged SELECT 'disk', timestamp '2024-01-01' + i * interval '1 minute', i FROM generate_series(1, 200) i;
CREATE TABLE metrics_net_staged (kind text NOT NULL, at timestamp NOT NULL, value float8);
INSERT INTO metrics_net_staged SELECT 'net', timestamp '2024-01-01' + i * interval '1 minute', i FROM generate_series(1, 200) i;

CREATE VIEW order_totals AS
	SELECT customer_id, count(*) AS n, sum(total) AS total FROM orders GROUP BY customer_id;
CREATE MATERIALIZED VIEW customer_order_stats AS
	SELECT customer_id, count(*) AS n, sum(total) AS total FROM orders GROUP BY customer_id;
CREATE UNIQUE INDEX customer_order_stats_customer_id_idx ON customer_order_stats (customer_id);

-- Stock per warehouse: a foreign key whose referenced table has rows nothing
-- references (to update a referenced key), and a view over a view.
CREATE TABLE warehouses (id int PRIMARY KEY, name text NOT NULL);
INSERT INTO warehouses SELECT i, 'warehouse ' || i FROM generate_series(1, 10) i;
CREATE TABLE stock (
	id serial PRIMARY KEY,
	warehouse_id int NOT NULL REFERENCES warehouses (id),
	product_id int NOT NULL,
	qty int NOT NULL
);
INSERT INTO stock (warehouse_id, product_id, qty)
SELECT 1 + i % 5, 1 + i % 300, i % 50 FROM generate_series(1, 1000) i;
CREATE VIEW stock_levels AS SELECT id, warehouse_id, product_id, qty FROM stock;
CREATE VIEW low_stock AS SELECT id, warehouse_id, product_id FROM stock_levels WHERE qty < 5;

-- @base since=11
CREATE TABLE events_default PARTITION OF events DEFAULT;
INSERT INTO events_default SELECT 10000 + i, date '2019-01-01' + i, 1, 'old', 0 FROM generate_series(1, 100) i;
ALTER TABLE events ADD CONSTRAINT events_pkey PRIMARY KEY (id, created_at);
CREATE INDEX events_created_at_idx ON events (created_at);
CREATE INDEX events_payload_idx ON ONLY events (payload);
CREATE INDEX events_2023_payload_idx ON events_2023 (payload);

-- @base since=12
ALTER TABLE order_items ADD COLUMN line_total numeric GENERATED ALWAYS AS (qty * price) STORED;
CREATE TABLE event_refs (id serial PRIMARY KEY, event_id bigint, event_at date);
INSERT INTO event_refs (event_id, event_at) SELECT i, date '2023-01-01' + (i % 730) FROM generate_series(1, 100) i;

-- @base
ALTER DOMAIN email_text ADD CONSTRAINT email_text_has_at CHECK (VALUE LIKE '%@%') NOT VALID;
ANALYZE;

-- =============================================================== ADD COLUMN
-- @form add-column-nullable
-- @why no default: catalog-only on every version
ALTER TABLE customers ADD COLUMN nickname text;

-- @form add-column-constant-default
-- @why constant default: rewrite on 10, "missing value" from 11
ALTER TABLE customers ADD COLUMN tier int DEFAULT 1;

-- @form add-column-stable-default-now
-- @why now() is stable, not volatile: evaluated once, no rewrite from 11
ALTER TABLE customers ADD COLUMN seen_at timestamptz DEFAULT now();

-- @form add-column-volatile-default
-- @why random() is volatile: every row needs its own value, rewrite everywhere
ALTER TABLE customers ADD COLUMN token float8 DEFAULT random();

-- @form add-column-uuid-default
-- @why gen_random_uuid() is core from 13 and volatile
ALTER TABLE customers ADD COLUMN public_id uuid DEFAULT gen_random_uuid();

-- @form add-column-not-null-default
-- @why NOT NULL with a constant default: does 11+ skip the NOT NULL check?
ALTER TABLE customers ADD COLUMN active boolean NOT NULL DEFAULT true;

-- @form add-column-not-null-no-default
-- @why fails on a table with rows
ALTER TABLE customers ADD COLUMN required int NOT NULL;

-- @form add-column-identity
-- @why identity column: values for existing rows, rewrite
ALTER TABLE customers ADD COLUMN seq_no bigint GENERATED BY DEFAULT AS IDENTITY;

-- @form add-column-generated-stored
-- @why generated stored column (12+): computed for every row, rewrite
ALTER TABLE customers ADD COLUMN email_lower text GENERATED ALWAYS AS (lower(email)) STORED;

-- @form add-column-serial
-- @why serial = new sequence + nextval() default: volatile, rewrite
ALTER TABLE customers ADD COLUMN legacy_no serial;

-- @form add-column-domain-with-check
-- @why domain with a CHECK: existing rows must be checked against the domain
ALTER TABLE customers ADD COLUMN credit positive_amount;

-- @form add-column-references
-- @why inline REFERENCES: locks the referenced table too
ALTER TABLE shipments ADD COLUMN customer_id int REFERENCES customers (id);

-- @form add-column-unique
-- @why inline UNIQUE builds an index
ALTER TABLE customers ADD COLUMN ext_ref text UNIQUE;

-- @form add-column-partitioned
-- @why recurses to every partition
ALTER TABLE events ADD COLUMN source text;

-- @form add-column-partitioned-volatile-default
-- @why volatile default on a partitioned table: every partition rewritten
ALTER TABLE events ADD COLUMN r float8 DEFAULT random();

-- ============================================================== DROP COLUMN
-- @form drop-column
-- @why marks the column dropped, no rewrite
ALTER TABLE customers DROP COLUMN note;

-- @form drop-column-indexed
-- @why drops the index on the column too
ALTER TABLE customers DROP COLUMN score;

-- @form drop-column-fk
-- @why drops a foreign key: the referenced table is locked too
ALTER TABLE order_items DROP COLUMN order_id;

-- @form drop-column-cascade-view
-- @why a view uses the column: CASCADE drops the view
ALTER TABLE orders DROP COLUMN total CASCADE;

-- ============================================================ ALTER COLUMN TYPE
-- @form type-int-to-bigint
-- @why not binary-coercible: rewrite and index rebuild
ALTER TABLE customers ALTER COLUMN score TYPE bigint;

-- @form type-varchar-widen
-- @why varchar(200) -> varchar(300): binary-coercible, no rewrite
ALTER TABLE customers ALTER COLUMN email TYPE varchar(300);

-- @form type-varchar-shrink
-- @why varchar(200) -> varchar(100): every value must be checked, rewrite
ALTER TABLE customers ALTER COLUMN email TYPE varchar(100);

-- @form type-varchar-to-text
-- @why binary-coercible
ALTER TABLE customers ALTER COLUMN note TYPE text;

-- @form type-text-to-varchar-n
-- @why text -> varchar(n) needs a length check
ALTER TABLE customers ALTER COLUMN name TYPE varchar(100);

-- @form type-text-to-varchar
-- @why text -> unconstrained varchar: binary-coercible
ALTER TABLE customers ALTER COLUMN name TYPE varchar;

-- @form type-numeric-widen
-- @why numeric(10,2) -> numeric(14,2): binary-coercible
ALTER TABLE customers ALTER COLUMN balance TYPE numeric(14,2);

-- @form type-numeric-scale-change
-- @why numeric(10,2) -> numeric(12,4): scale changes, rewrite
ALTER TABLE customers ALTER COLUMN balance TYPE numeric(12,4);

-- @form type-timestamp-to-timestamptz-utc
-- @why no rewrite from 12 when the session TimeZone is UTC
-- @set TimeZone=UTC
ALTER TABLE customers ALTER COLUMN created_at TYPE timestamptz;

-- @form type-timestamp-to-timestamptz-not-utc
-- @why TimeZone not UTC: the stored values change, rewrite
-- @set TimeZone=America/New_York
ALTER TABLE customers ALTER COLUMN created_at TYPE timestamptz;

-- @form type-int-to-text-using
-- @why USING expression: rewrite
ALTER TABLE customers ALTER COLUMN score TYPE text USING score::text;

-- @form type-fk-column-int-to-bigint
-- @why referencing column of a foreign key: the FK is rechecked, referenced table locked
ALTER TABLE order_items ALTER COLUMN order_id TYPE bigint;

-- @form type-pk-column-int-to-bigint
-- @why referenced primary key: the FKs pointing at it are rebuilt
ALTER TABLE customers ALTER COLUMN id TYPE bigint;

-- @form type-column-used-by-view
-- @why a view depends on the column: fails
ALTER TABLE orders ALTER COLUMN total TYPE numeric(14,2);

-- @form type-partitioned-int-to-bigint
-- @why recurses: every partition rewritten
ALTER TABLE events ALTER COLUMN amount TYPE bigint;

-- ================================================================= DEFAULTS
-- @form set-default
-- @why catalog-only
ALTER TABLE customers ALTER COLUMN country SET DEFAULT 'US';

-- @form set-default-volatile
-- @why a volatile default set afterwards does not rewrite
ALTER TABLE customers ALTER COLUMN score SET DEFAULT (random() * 100)::int;

-- @form drop-default
-- @why catalog-only
ALTER TABLE customers ALTER COLUMN created_at DROP DEFAULT;

-- ================================================================= NOT NULL
-- @form set-not-null-scan
-- @why no proof: full scan
ALTER TABLE shipments ALTER COLUMN tracking SET NOT NULL;

-- @form set-not-null-with-valid-check
-- @why a valid CHECK (carrier IS NOT NULL) proves it: no scan from 12
ALTER TABLE shipments ALTER COLUMN carrier SET NOT NULL;

-- @form set-not-null-with-not-valid-check
-- @why a NOT VALID check proves nothing: scan
ALTER TABLE shipments ALTER COLUMN order_id SET NOT NULL;

-- @form set-not-null-partitioned
-- @why recurses to partitions
ALTER TABLE events ALTER COLUMN payload SET NOT NULL;

-- @form drop-not-null
-- @why catalog-only
ALTER TABLE customers ALTER COLUMN email DROP NOT NULL;

-- @form add-not-null-constraint-not-valid
-- @why NOT NULL ... NOT VALID is new in 18
ALTER TABLE shipments ADD CONSTRAINT shipments_tracking_nn NOT NULL tracking NOT VALID;

-- ============================================================== CONSTRAINTS
-- @form add-check
-- @why validated by a scan
ALTER TABLE orders ADD CONSTRAINT orders_created_recent CHECK (created_at > '2000-01-01');

-- @form add-check-not-valid
-- @why no scan
ALTER TABLE orders ADD CONSTRAINT orders_created_recent CHECK (created_at > '2000-01-01') NOT VALID;

-- @form validate-check
-- @why the online half of NOT VALID: weaker lock, scan
ALTER TABLE orders VALIDATE CONSTRAINT orders_total_nonneg;

-- @form add-fk
-- @why locks both tables and validates
ALTER TABLE shipments ADD CONSTRAINT shipments_order_fk FOREIGN KEY (order_id) REFERENCES orders (id);

-- @form add-fk-not-valid
-- @why locks both tables, no validation
ALTER TABLE shipments ADD CONSTRAINT shipments_order_fk FOREIGN KEY (order_id) REFERENCES orders (id) NOT VALID;

-- @form validate-fk
-- @why validation query over both tables
ALTER TABLE order_items VALIDATE CONSTRAINT order_items_product_fk;

-- @form add-fk-on-partitioned
-- @why FK from a partitioned table (11+): every partition gets one
ALTER TABLE events ADD CONSTRAINT events_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id);

-- @form add-fk-not-valid-on-partitioned
-- @why NOT VALID FKs on partitioned tables arrive in 18
ALTER TABLE events ADD CONSTRAINT events_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;

-- @form add-fk-referencing-partitioned
-- @why FK to a partitioned table (12+): locks the parent and its partitions
ALTER TABLE event_refs ADD CONSTRAINT event_refs_event_fk FOREIGN KEY (event_id, event_at) REFERENCES events (id, created_at);

-- @form add-unique
-- @why builds a unique index under the ALTER TABLE lock
ALTER TABLE customers ADD CONSTRAINT customers_email_key UNIQUE (email);

-- @form add-primary-key
-- @why builds the index under the ALTER TABLE lock
ALTER TABLE tokens ADD PRIMARY KEY (id);

-- @form add-primary-key-nullable-column
-- @why the column is nullable: PRIMARY KEY implies SET NOT NULL
ALTER TABLE scratch ADD PRIMARY KEY (id);

-- @form add-unique-using-index
-- @why reuses a prebuilt unique index
ALTER TABLE customers ADD CONSTRAINT customers_email_key UNIQUE USING INDEX customers_email_key_idx;

-- @form add-primary-key-using-index
-- @why reuses a prebuilt unique index on a NOT NULL column
ALTER TABLE tokens ADD CONSTRAINT tokens_pkey PRIMARY KEY USING INDEX tokens_id_idx;

-- @form add-exclude
-- @why EXCLUDE builds a GiST index; no USING INDEX path exists
ALTER TABLE reservations ADD CONSTRAINT reservations_no_overlap EXCLUDE USING gist (during WITH &&);

-- @form add-unique-partitioned
-- @why unique constraint on a partitioned table (11+): index on every partition
ALTER TABLE events ADD CONSTRAINT events_id_at_key UNIQUE (id, created_at);

-- @form drop-constraint-check
-- @why catalog-only
ALTER TABLE orders DROP CONSTRAINT orders_total_nonneg;

-- @form drop-constraint-fk
-- @why removes the RI triggers on the referenced table as well
ALTER TABLE orders DROP CONSTRAINT orders_customer_id_fkey;

-- @form drop-constraint-pk-cascade
-- @why the referenced key: CASCADE drops the FKs pointing at it
ALTER TABLE customers DROP CONSTRAINT customers_pkey CASCADE;

-- @form alter-constraint-deferrable
-- @why ALTER CONSTRAINT on a foreign key
ALTER TABLE orders ALTER CONSTRAINT orders_customer_id_fkey DEFERRABLE INITIALLY DEFERRED;

-- @form rename-constraint
-- @why catalog-only
ALTER TABLE orders RENAME CONSTRAINT orders_total_nonneg TO orders_total_positive;

-- =================================================================== RENAME
-- @form rename-column
-- @why catalog-only, dependent views follow
ALTER TABLE customers RENAME COLUMN name TO full_name;

-- @form rename-table
-- @why catalog-only
ALTER TABLE order_notes RENAME TO order_comments;

-- @form set-schema
-- @why moves the table, its indexes and owned sequences
ALTER TABLE customers SET SCHEMA archive;

-- ================================================================== STORAGE
-- @form set-tablespace
-- @why same tablespace: nothing to copy, still the full lock
ALTER TABLE orders SET TABLESPACE pg_default;

-- @form set-logged
-- @why unlogged -> logged: rewrite
ALTER TABLE sessions SET LOGGED;

-- @form set-unlogged
-- @why logged -> unlogged: rewrite
ALTER TABLE scratch SET UNLOGGED;

-- @form set-access-method-heap
-- @why 15+: heap -> heap
ALTER TABLE scratch SET ACCESS METHOD heap;

-- @form set-fillfactor
-- @why storage parameter with a weaker lock
ALTER TABLE orders SET (fillfactor = 80);

-- @form reset-fillfactor
-- @why RESET of a storage parameter
ALTER TABLE orders RESET (fillfactor);

-- @form set-autovacuum-enabled
-- @why autovacuum_* parameter
ALTER TABLE orders SET (autovacuum_enabled = false);

-- @form set-toast-autovacuum
-- @why toast.* parameter
ALTER TABLE orders SET (toast.autovacuum_enabled = false);

-- @form set-parallel-workers
-- @why which release lowered it is not known
ALTER TABLE orders SET (parallel_workers = 4);

-- @form set-toast-tuple-target
-- @why toast_tuple_target (11+)
ALTER TABLE orders SET (toast_tuple_target = 256);

-- @form set-vacuum-truncate
-- @why vacuum_truncate (12+)
ALTER TABLE orders SET (vacuum_truncate = false);

-- @form set-user-catalog-table
-- @why a parameter outside the weak-lock list
ALTER TABLE orders SET (user_catalog_table = true);

-- @form set-statistics
-- @why per-column statistics target
ALTER TABLE orders ALTER COLUMN customer_id SET STATISTICS 500;

-- @form set-n-distinct
-- @why attribute option
ALTER TABLE orders ALTER COLUMN customer_id SET (n_distinct = 2000);

-- @form reset-n-distinct
-- @why attribute option reset
ALTER TABLE orders ALTER COLUMN customer_id RESET (n_distinct);

-- @form set-storage
-- @why future rows only
ALTER TABLE customers ALTER COLUMN name SET STORAGE EXTERNAL;

-- @form set-compression
-- @why 14+: future values only
ALTER TABLE customers ALTER COLUMN name SET COMPRESSION pglz;

-- @form drop-expression
-- @why 13+: generated column becomes a plain one
ALTER TABLE order_items ALTER COLUMN line_total DROP EXPRESSION;

-- @form set-expression
-- @why 17+: recomputes every row
ALTER TABLE order_items ALTER COLUMN line_total SET EXPRESSION AS (qty * price * 2);

-- =================================================================== IDENTITY
-- @form add-identity
-- @why existing column becomes identity: future inserts only
ALTER TABLE tickets ALTER COLUMN num ADD GENERATED ALWAYS AS IDENTITY;

-- @form set-identity
-- @why changes the identity's options
ALTER TABLE tickets ALTER COLUMN id SET GENERATED ALWAYS;

-- @form drop-identity
-- @why drops the identity sequence
ALTER TABLE tickets ALTER COLUMN id DROP IDENTITY;

-- ======================================================== OTHER ALTER TABLE
-- @form cluster-on
-- @why marks the index only
ALTER TABLE orders CLUSTER ON orders_created_at_idx;

-- @form set-without-cluster
-- @why marks the index only
ALTER TABLE orders SET WITHOUT CLUSTER;

-- @form owner-to
-- @why may change implicit privileges
ALTER TABLE orders OWNER TO app_owner;

-- @form replica-identity-full
-- @why logical replication setting
ALTER TABLE orders REPLICA IDENTITY FULL;

-- @form replica-identity-using-index
-- @why logical replication setting
ALTER TABLE orders REPLICA IDENTITY USING INDEX orders_pkey;

-- @form disable-trigger
-- @why trigger firing state
ALTER TABLE orders DISABLE TRIGGER orders_touch;

-- @form enable-trigger
-- @why trigger firing state
ALTER TABLE orders ENABLE TRIGGER orders_touch;

-- @form disable-trigger-all
-- @why includes the internal RI triggers
ALTER TABLE orders DISABLE TRIGGER ALL;

-- @form enable-replica-trigger
-- @why ENABLE REPLICA
ALTER TABLE orders ENABLE REPLICA TRIGGER orders_touch;

-- @form disable-rule
-- @why rule firing state
ALTER TABLE products DISABLE RULE products_no_delete;

-- @form enable-rule
-- @why rule firing state
ALTER TABLE products ENABLE RULE products_no_delete;

-- @form enable-row-level-security
-- @why RLS switch
ALTER TABLE orders ENABLE ROW LEVEL SECURITY;

-- @form force-row-level-security
-- @why RLS switch
ALTER TABLE orders FORCE ROW LEVEL SECURITY;

-- @form disable-row-level-security
-- @why RLS switch
ALTER TABLE orders DISABLE ROW LEVEL SECURITY;

-- @form inherit
-- @why child joins a parent: locks both
ALTER TABLE audit_log_orphan INHERIT audit_log;

-- @form no-inherit
-- @why child leaves its parent
ALTER TABLE audit_log_2024 NO INHERIT audit_log;

-- @form of-type
-- @why table becomes typed
ALTER TABLE addresses_plain OF address_t;

-- @form not-of
-- @why typed table becomes plain
ALTER TABLE addresses_typed NOT OF;

-- =============================================================== PARTITIONS
-- @form attach-partition-with-check
-- @why a valid CHECK implies the bound; the default partition must still be checked
ALTER TABLE events ATTACH PARTITION events_2025_staged FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');

-- @form attach-partition-no-check
-- @why no proof: the new partition is scanned, and the default partition
ALTER TABLE events ATTACH PARTITION events_2026_staged FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');

-- @form attach-partition-no-default-with-check
-- @why no default partition, proving CHECK: no scan at all
ALTER TABLE metrics ATTACH PARTITION metrics_disk_staged FOR VALUES IN ('disk');

-- @form attach-partition-no-default-no-check
-- @why no default partition, no proof: scans the new partition
ALTER TABLE metrics ATTACH PARTITION metrics_net_staged FOR VALUES IN ('net');

-- @form detach-partition
-- @why plain DETACH
ALTER TABLE events DETACH PARTITION events_2023;

-- @form detach-partition-no-default
-- @why plain DETACH, parent without a default partition
ALTER TABLE metrics DETACH PARTITION metrics_mem;

-- @form detach-partition-concurrently
-- @why 14+: two transactions, weaker parent lock; cannot run in a transaction block.
-- @why The blocker holds the partition, so the first transaction's locks are seen
-- @why (its wait for older transactions holds no relation lock at all).
-- @blocker LOCK TABLE metrics_mem IN SHARE MODE
-- @cleanup ALTER TABLE metrics_mem DROP CONSTRAINT IF EXISTS metrics_mem_kind_check
-- @cleanup ALTER TABLE metrics ATTACH PARTITION metrics_mem FOR VALUES IN ('mem')
ALTER TABLE metrics DETACH PARTITION metrics_mem CONCURRENTLY;

-- @form detach-partition-concurrently-with-default
-- @why not allowed when the parent has a default partition
-- @blocker LOCK TABLE events_2023 IN SHARE MODE
ALTER TABLE events DETACH PARTITION events_2023 CONCURRENTLY;

-- @form create-table-partition-of
-- @why new partition while a default partition exists: the default is checked
CREATE TABLE events_2027 PARTITION OF events FOR VALUES FROM ('2027-01-01') TO ('2028-01-01');

-- @form create-table-partition-of-no-default
-- @why new partition, no default partition
CREATE TABLE metrics_io PARTITION OF metrics FOR VALUES IN ('io');

-- @form drop-partition
-- @why dropping a partition locks its parent
DROP TABLE events_2023;

-- ================================================================== INDEXES
-- @form create-index
-- @why blocks writes for the build
CREATE INDEX orders_status_idx ON orders (status);

-- @form create-unique-index
-- @why unique build
CREATE UNIQUE INDEX customers_email_lower_idx ON customers (lower(email));

-- @form create-partial-index
-- @why partial index
CREATE INDEX orders_unshipped_idx ON orders (created_at) WHERE shipped_at IS NULL;

-- @form create-index-partitioned
-- @why 11+: recurses to every partition
CREATE INDEX events_customer_id_idx ON events (customer_id);

-- @form create-index-on-only
-- @why 11+: parent only, invalid until partitions are attached
CREATE INDEX events_customer_id_idx ON ONLY events (customer_id);

-- @form create-index-concurrently
-- @why online build; cannot run in a transaction block
-- @blocker LOCK TABLE orders IN ROW EXCLUSIVE MODE
-- @cleanup DROP INDEX IF EXISTS orders_status_idx
CREATE INDEX CONCURRENTLY orders_status_idx ON orders (status);

-- @form create-unique-index-concurrently
-- @why online unique build
-- @blocker LOCK TABLE customers IN ROW EXCLUSIVE MODE
-- @cleanup DROP INDEX IF EXISTS customers_email_lower_idx
CREATE UNIQUE INDEX CONCURRENTLY customers_email_lower_idx ON customers (lower(email));

-- @form create-index-concurrently-partitioned
-- @why not supported on partitioned tables
-- @blocker LOCK TABLE events IN ROW EXCLUSIVE MODE
-- @cleanup DROP INDEX IF EXISTS events_customer_id_idx
CREATE INDEX CONCURRENTLY events_customer_id_idx ON events (customer_id);

-- @form drop-index
-- @why locks the table as well
DROP INDEX orders_created_at_idx;

-- @form drop-index-concurrently
-- @why online drop; cannot run in a transaction block
-- @blocker LOCK TABLE orders IN ROW EXCLUSIVE MODE
-- @cleanup CREATE INDEX IF NOT EXISTS orders_created_at_idx ON orders (created_at)
DROP INDEX CONCURRENTLY orders_created_at_idx;

-- @form drop-index-partitioned
-- @why partitioned index: recurses
DROP INDEX events_created_at_idx;

-- @form drop-index-concurrently-partitioned
-- @why partitioned index
-- @blocker LOCK TABLE events IN ROW EXCLUSIVE MODE
-- @cleanup CREATE INDEX IF NOT EXISTS events_created_at_idx ON events (created_at)
DROP INDEX CONCURRENTLY events_created_at_idx;

-- @form reindex-index
-- @why rebuild one index
REINDEX INDEX orders_customer_id_idx;

-- @form reindex-table
-- @why rebuild every index of the table
REINDEX TABLE orders;

-- @form reindex-index-concurrently
-- @why 12+
-- @blocker LOCK TABLE orders IN ROW EXCLUSIVE MODE
-- @cleanup DROP INDEX IF EXISTS orders_customer_id_idx_ccnew
REINDEX INDEX CONCURRENTLY orders_customer_id_idx;

-- @form reindex-table-concurrently
-- @why 12+
-- @blocker LOCK TABLE orders IN ROW EXCLUSIVE MODE
-- @cleanup DROP INDEX IF EXISTS orders_pkey_ccnew
-- @cleanup DROP INDEX IF EXISTS orders_customer_id_idx_ccnew
-- @cleanup DROP INDEX IF EXISTS orders_created_at_idx_ccnew
REINDEX TABLE CONCURRENTLY orders;

-- @form reindex-table-partitioned
-- @why 14+: one transaction per partition
-- @blocker LOCK TABLE events IN ROW EXCLUSIVE MODE
REINDEX TABLE events;

-- @form alter-index-rename
-- @why was the lock lowered in 12?
ALTER INDEX orders_created_at_idx RENAME TO orders_created_idx;

-- @form alter-index-set-tablespace
-- @why same tablespace
ALTER INDEX orders_created_at_idx SET TABLESPACE pg_default;

-- @form alter-index-set-fillfactor
-- @why index storage parameter
ALTER INDEX orders_created_at_idx SET (fillfactor = 70);

-- @form alter-index-attach-partition
-- @why 11+: partition index joins the parent index
ALTER INDEX events_payload_idx ATTACH PARTITION events_2023_payload_idx;

-- =================================================================== TABLES
-- @form create-table
-- @why plain new table
CREATE TABLE coupons (id serial PRIMARY KEY, code text NOT NULL UNIQUE);

-- @form create-table-with-fk
-- @why locks the referenced table
CREATE TABLE refunds (id serial PRIMARY KEY, order_id int NOT NULL REFERENCES orders (id), amount numeric);

-- @form create-table-as
-- @why reads the source
CREATE TABLE order_snapshot AS SELECT * FROM orders;

-- @form drop-table-plain
-- @why no foreign keys either way
DROP TABLE scratch;

-- @form drop-table-referencing
-- @why has an FK to orders: orders loses RI triggers
DROP TABLE order_notes;

-- @form drop-table-referenced-cascade
-- @why referenced by FKs and views, and references customers: CASCADE
DROP TABLE orders CASCADE;

-- @form drop-table-referenced
-- @why referenced by an FK, no CASCADE: fails
DROP TABLE products;

-- @form drop-table-referenced-together
-- @why the referencing table is dropped by the same statement: no CASCADE needed
DROP TABLE products, order_items;

-- @form drop-table-partitioned
-- @why drops every partition
DROP TABLE metrics;

-- @form truncate
-- @why new empty files
TRUNCATE order_notes;

-- @form truncate-referenced
-- @why referenced by an FK: fails without CASCADE
TRUNCATE orders;

-- @form truncate-referenced-together
-- @why every referencing table is truncated by the same statement: no CASCADE needed
TRUNCATE orders, order_items, order_notes;

-- @form truncate-cascade
-- @why truncates the referencing tables as well
TRUNCATE orders CASCADE;

-- @form truncate-restart-identity
-- @why resets owned sequences
TRUNCATE tickets RESTART IDENTITY;

-- @form truncate-partitioned
-- @why every partition
TRUNCATE events;

-- @form vacuum-full
-- @why rewrite; cannot run in a transaction block
-- @blocker LOCK TABLE orders IN ACCESS SHARE MODE
VACUUM FULL orders;

-- @form vacuum
-- @why cannot run in a transaction block
-- @blocker LOCK TABLE orders IN SHARE MODE
VACUUM orders;

-- @form vacuum-analyze
-- @why VACUUM with ANALYZE
-- @blocker LOCK TABLE orders IN SHARE MODE
VACUUM (ANALYZE) orders;

-- @form analyze
-- @why may run in a transaction block
ANALYZE orders;

-- @form analyze-partitioned
-- @why samples the partitions too
ANALYZE events;

-- @form cluster
-- @why sorted rewrite
CLUSTER orders USING orders_created_at_idx;

-- ==================================================================== VIEWS
-- @form create-view
-- @why reads the base table definition
CREATE VIEW recent_orders AS SELECT * FROM orders WHERE created_at > '2021-01-15';

-- @form create-or-replace-view
-- @why replaces the view's query
CREATE OR REPLACE VIEW order_totals AS
	SELECT customer_id, count(*) AS n, sum(total) AS total FROM orders WHERE status <> 'cancelled' GROUP BY customer_id;

-- @form drop-view
-- @why drops the view
DROP VIEW order_totals;

-- @form alter-view-rename
-- @why renames the view
ALTER VIEW order_totals RENAME TO order_sums;

-- @form create-materialized-view
-- @why runs the query
CREATE MATERIALIZED VIEW order_status_counts AS SELECT status, count(*) FROM orders GROUP BY status;

-- @form refresh-materialized-view
-- @why blocks readers of the matview
REFRESH MATERIALIZED VIEW customer_order_stats;

-- @form refresh-materialized-view-concurrently
-- @why readers continue; needs the unique index
REFRESH MATERIALIZED VIEW CONCURRENTLY customer_order_stats;

-- @form refresh-materialized-view-with-no-data
-- @why new empty heap: nothing is read or copied
REFRESH MATERIALIZED VIEW customer_order_stats WITH NO DATA;

-- @form drop-materialized-view
-- @why drops the matview and its index
DROP MATERIALIZED VIEW customer_order_stats;

-- @form create-view-over-view
-- @why reads the definition of the view it selects from
CREATE VIEW low_stock_w1 AS SELECT * FROM low_stock WHERE warehouse_id = 1;

-- @form drop-view-with-dependent-view
-- @why another view reads it: fails without CASCADE
DROP VIEW stock_levels;

-- @form drop-view-cascade
-- @why CASCADE drops the view that reads it too
DROP VIEW stock_levels CASCADE;

-- @form drop-view-with-dependent-view-together
-- @why the view that reads it is dropped by the same statement: no CASCADE needed
DROP VIEW stock_levels, low_stock;

-- ================================================================ SEQUENCES
-- @form create-sequence
-- @why new sequence
CREATE SEQUENCE coupon_seq;

-- @form alter-sequence-restart
-- @why RESTART
ALTER SEQUENCE invoice_seq RESTART WITH 100;

-- @form alter-sequence-increment
-- @why changes an option
ALTER SEQUENCE invoice_seq INCREMENT BY 10;

-- @form alter-sequence-owned-by
-- @why ownership only
ALTER SEQUENCE invoice_seq OWNED BY orders.id;

-- @form alter-sequence-as-bigint
-- @why changes the data type
ALTER SEQUENCE customers_id_seq AS bigint;

-- @form drop-sequence
-- @why drops it
DROP SEQUENCE invoice_seq;

-- @form select-setval
-- @why setval is not transactional
SELECT setval('invoice_seq', 500);

-- @form select-nextval
-- @why nextval
SELECT nextval('invoice_seq');

-- ======================================================== ENUMS AND DOMAINS
-- @form enum-add-value
-- @why in a transaction block: error before 12
-- @blocker ALTER TYPE order_status RENAME VALUE 'cancelled' TO 'cancelled_blocker'
-- @cleanup DELETE FROM pg_enum WHERE enumtypid = 'order_status'::regtype AND enumlabel = 'refunded'
ALTER TYPE order_status ADD VALUE 'refunded';

-- @form enum-add-value-outside-transaction
-- @why run outside a transaction block (observed while another enum change holds the type)
-- @concurrent
-- @blocker ALTER TYPE order_status RENAME VALUE 'cancelled' TO 'cancelled_blocker'
-- @cleanup DELETE FROM pg_enum WHERE enumtypid = 'order_status'::regtype AND enumlabel = 'refunded'
ALTER TYPE order_status ADD VALUE 'refunded' AFTER 'paid';

-- @form enum-rename-value
-- @why 10+
ALTER TYPE order_status RENAME VALUE 'cancelled' TO 'canceled';

-- @form create-enum
-- @why new type
CREATE TYPE priority AS ENUM ('low', 'high');

-- @form create-domain
-- @why new type
CREATE DOMAIN sku_text AS text CHECK (VALUE ~ '^SKU-');

-- @form alter-domain-add-check
-- @why every column of the domain is checked
ALTER DOMAIN positive_amount ADD CONSTRAINT positive_amount_max CHECK (VALUE < 1000000);

-- @form alter-domain-add-check-not-valid
-- @why no check of existing values
ALTER DOMAIN positive_amount ADD CONSTRAINT positive_amount_max CHECK (VALUE < 1000000) NOT VALID;

-- @form alter-domain-validate
-- @why checks every column of the domain
ALTER DOMAIN email_text VALIDATE CONSTRAINT email_text_has_at;

-- @form alter-domain-set-not-null
-- @why checks every column of the domain
ALTER DOMAIN positive_amount SET NOT NULL;

-- @form drop-domain-cascade
-- @why drops the columns that use it
DROP DOMAIN email_text CASCADE;

-- ======================================================== TRIGGERS, COMMENTS
-- @form create-trigger
-- @why trigger creation
CREATE TRIGGER customers_touch BEFORE UPDATE ON customers FOR EACH ROW EXECUTE PROCEDURE touch_trigger();

-- @form drop-trigger
-- @why trigger removal
DROP TRIGGER orders_touch ON orders;

-- @form alter-trigger-rename
-- @why renaming a trigger locks its table
ALTER TRIGGER orders_touch ON orders RENAME TO orders_touched;

-- @form comment-on-table
-- @why comment
COMMENT ON TABLE orders IS 'customer orders';

-- @form comment-on-column
-- @why comment
COMMENT ON COLUMN orders.total IS 'gross total';

-- @form comment-on-index
-- @why comment on an index
COMMENT ON INDEX orders_created_at_idx IS 'by date';

-- @form grant-select
-- @why privileges
GRANT SELECT ON orders TO app_reader;

-- @form revoke-select
-- @why privileges
REVOKE SELECT ON orders FROM app_reader;

-- @form create-extension
-- @why contrib extension shipped by every build here
CREATE EXTENSION citext;

-- ==================================================================== LOCKS
-- @form lock-table-share
-- @why explicit lock
LOCK TABLE orders IN SHARE MODE;

-- @form lock-table-access-exclusive
-- @why explicit lock
LOCK TABLE orders;

-- @form lock-table-partitioned
-- @why recurses to partitions
LOCK TABLE events IN SHARE MODE;

-- @form lock-view
-- @why 11+: locks the view's base tables
LOCK TABLE order_totals IN SHARE MODE;

-- ====================================================================== DML
-- @form insert
-- @why FK check reads the referenced table
INSERT INTO orders (customer_id, total) VALUES (1, 10);

-- @form insert-partitioned
-- @why tuple routing
INSERT INTO events VALUES (99999, '2024-06-01', 1, 'x', 1);

-- @form update-with-where
-- @why one row
UPDATE customers SET score = 1 WHERE id = 5;

-- @form update-all
-- @why every row
UPDATE customers SET score = score + 1;

-- @form delete-with-where
-- @why ON DELETE CASCADE into order_items
DELETE FROM orders WHERE id = 1;

-- @form delete-all
-- @why every row of a table nothing references
DELETE FROM order_notes;

-- @form select-for-update
-- @why row locks
SELECT * FROM orders WHERE id = 2 FOR UPDATE;

-- @form select
-- @why plain read
SELECT count(*) FROM orders;

-- ================================================= RELATIONS A STATEMENT READS
-- @form create-table-like
-- @why LIKE reads the definition of the table it copies
CREATE TABLE customers_copy (LIKE customers);

-- @form create-table-like-including-all
-- @why INCLUDING ALL also copies its indexes, constraints and defaults
CREATE TABLE customers_copy (LIKE customers INCLUDING ALL);

-- @form update-from
-- @why the FROM table is read
UPDATE orders SET total = total + 1 FROM customers
WHERE orders.customer_id = customers.id AND customers.country = 'JP';

-- @form delete-using
-- @why the USING table is read
DELETE FROM order_notes USING orders
WHERE order_notes.order_id = orders.id AND orders.status = 'cancelled';

-- @form update-where-subquery
-- @why a subquery in WHERE reads another table
UPDATE customers SET score = 0 WHERE id IN (SELECT customer_id FROM orders WHERE total > 990);

-- @form update-set-subquery
-- @why a subquery in SET reads another table
UPDATE customers SET score = (SELECT count(*) FROM orders WHERE orders.customer_id = customers.id)
WHERE id < 10;

-- @form delete-where-subquery
-- @why a subquery in WHERE reads another table
DELETE FROM shipments WHERE order_id IN (SELECT id FROM orders WHERE status = 'cancelled');

-- @form insert-select
-- @why reads the source table; the FK check reads it again FOR KEY SHARE
INSERT INTO order_notes (order_id, body) SELECT id, 'bulk' FROM orders WHERE status = 'paid';

-- @form insert-select-no-fk
-- @why reads the source table
INSERT INTO scratch (id, payload) SELECT id, email FROM customers;

-- @form insert-values-subquery
-- @why a subquery among the VALUES reads another table
INSERT INTO scratch (id, payload) VALUES ((SELECT max(id) FROM customers), 'x');

-- @form insert-explicit-id
-- @why the id is given: the serial's nextval() never runs
INSERT INTO orders (id, customer_id, total) VALUES (100000, 1, 10);

-- @form insert-on-conflict-do-update
-- @why upsert: the arbiter index decides
INSERT INTO tokens (id, value) VALUES (5, 'x') ON CONFLICT (id) DO UPDATE SET value = excluded.value;

-- @form insert-on-conflict-do-nothing
-- @why the default's nextval() runs before the conflict is found
INSERT INTO customers (email) VALUES ('user5@example.com') ON CONFLICT DO NOTHING;

-- @form cte-delete-insert
-- @why a data-modifying WITH query writes a second table
WITH moved AS (DELETE FROM shipments WHERE id <= 100 RETURNING id, carrier)
INSERT INTO scratch (id, payload) SELECT id, carrier FROM moved;

-- @form cte-update-select
-- @why a SELECT whose WITH query updates a table
WITH touched AS (UPDATE customers SET score = 0 WHERE id < 10 RETURNING id)
SELECT count(*) FROM touched;

-- @form cte-select-update
-- @why a plain WITH query read by an UPDATE
WITH big AS (SELECT customer_id FROM orders WHERE total > 990)
UPDATE customers SET score = 0 WHERE id IN (SELECT customer_id FROM big);

-- @form merge
-- @why MERGE (15+) reads its source
MERGE INTO customers c USING orders o ON c.id = o.customer_id AND o.id = 3
WHEN MATCHED THEN UPDATE SET score = 0;

-- @form select-for-update-join
-- @why FOR UPDATE without OF locks the rows of every table
SELECT * FROM orders o JOIN customers c ON c.id = o.customer_id WHERE o.id = 2 FOR UPDATE;

-- @form select-for-update-of
-- @why FOR UPDATE OF one table: the other is only read
SELECT * FROM orders o JOIN customers c ON c.id = o.customer_id WHERE o.id = 2 FOR UPDATE OF o;

-- @form select-for-share-of-several
-- @why FOR SHARE OF two of three tables
SELECT * FROM orders o JOIN customers c ON c.id = o.customer_id
JOIN order_items i ON i.order_id = o.id WHERE o.id = 2 FOR SHARE OF o, c;

-- @form copy-to
-- @why COPY TO only reads the table
COPY orders TO '/dev/null';

-- @form copy-query-to
-- @why COPY (query) TO reads the query's tables
COPY (SELECT o.id, c.email FROM orders o JOIN customers c ON c.id = o.customer_id) TO '/dev/null';

-- @form copy-from
-- @why COPY FROM writes: FK check and the id default's sequence
COPY order_notes (order_id, body) FROM PROGRAM 'echo 5,copied' WITH (FORMAT csv);

-- @form select-view-over-view
-- @why a view over a view: every level and the table are read
SELECT count(*) FROM low_stock;

-- @form lock-view-over-view
-- @why 11+: LOCK recurses through both views to the table
LOCK TABLE low_stock IN SHARE MODE;

-- @form update-view-over-view
-- @why an auto-updatable view over a view writes the table
UPDATE low_stock SET product_id = 1 WHERE warehouse_id = 2;

-- @form insert-view
-- @why inserts through a view: the table's default and FK apply
INSERT INTO stock_levels (warehouse_id, product_id, qty) VALUES (1, 1, 1);

-- @form update-fk-column
-- @why the FK trigger checks the new key in the referenced table
UPDATE stock SET warehouse_id = 7 WHERE id = 3;

-- @form update-referenced-key
-- @why the FK trigger looks for referencing rows of the old key
UPDATE warehouses SET id = 100 WHERE id = 9;

-- ========================================== DML ON PARTITIONS AND IDENTITIES
-- @form update-partitioned
-- @why no condition on the partition key: every partition is written
UPDATE events SET amount = amount + 1;

-- @form delete-partitioned-pruned
-- @why a partition key condition: from 12 the planner opens only the partitions it keeps
DELETE FROM events WHERE created_at >= '2024-03-01' AND created_at < '2024-04-01';

-- @form select-partitioned
-- @why a read of a partitioned table reads every partition
SELECT count(*) FROM events;

-- @form insert-identity
-- @why an identity column's default calls its sequence
INSERT INTO tickets (num, title) VALUES (501, 'ticket 501');
