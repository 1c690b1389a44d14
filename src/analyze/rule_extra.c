/*
 * rule_extra.c: examples and versions for `migraph explain`
 * (rule_extra.h).  Each example is the smallest migration the rule
 * reports, against tables created in an earlier migration; the versions
 * say where the PostgreSQL behaviour differs (../shared/reference/locks.md
 * and tests/truth hold the evidence).
 */
#include <string.h>

#include "migraph/rule_extra.h"

#define ALL "PostgreSQL 10 to 18"
#define ANY "every version: this is about the migrations, not the server"

static const mg_rule_extra extras[] = {
	{"order-dependency-inversion",
	 "-- V1__view.sql\nCREATE VIEW active_orders AS SELECT * FROM orders WHERE active;\n"
	 "-- V2__orders.sql\nCREATE TABLE orders (id bigint PRIMARY KEY, active boolean);",
	 ANY},
	{"order-unknown-object", "-- V1__index.sql\nCREATE INDEX invoices_due ON invoices (due_date);",
	 ANY},
	{"order-duplicate-object",
	 "-- V1__t.sql\nCREATE TABLE accounts (id bigint);\n"
	 "-- V2__t_again.sql\nCREATE TABLE accounts (id bigint);",
	 ANY},
	{"order-dependency-cycle",
	 "-- changeset a\nCREATE VIEW a AS SELECT * FROM b;\n-- changeset b\nCREATE VIEW b AS SELECT * "
	 "FROM a;",
	 ANY},
	{"order-out-of-order-version",
	 "-- applied: V1, V3; pending: V2__late.sql\nALTER TABLE orders ADD COLUMN note text;", ANY},
	{"order-changed-applied-migration",
	 "-- V1__orders.sql, applied with another checksum than the file has now\n"
	 "CREATE TABLE orders (id bigint, total numeric);",
	 ANY},
	{"order-failed-applied-migration",
	 "-- flyway_schema_history row: version 4, success = false", ANY},
	{"order-checksum-not-compared",
	 "-- DATABASECHANGELOG row of a customChange changeset: its MD5SUM cannot be recomputed",
	 ANY},
	{"order-applied-not-found",
	 "-- flyway_schema_history row: version 7, script V7__gone.sql; no such file", ANY},
	{"compat-drop-after-add",
	 "-- one release\nALTER TABLE users ADD COLUMN email_address text;\n"
	 "UPDATE users SET email_address = email;\nALTER TABLE users DROP COLUMN email;",
	 ANY},
	{"compat-drop-column", "ALTER TABLE users DROP COLUMN legacy_flags;", ANY},
	{"compat-drop-table", "DROP TABLE user_sessions;", ANY},
	{"compat-rename-column", "ALTER TABLE users RENAME COLUMN name TO full_name;", ANY},
	{"compat-rename-table", "ALTER TABLE users RENAME TO accounts;", ANY},
	{"compat-narrowing-type", "ALTER TABLE users ALTER COLUMN nickname TYPE varchar(20);", ANY},
	{"compat-not-null-without-default",
	 "ALTER TABLE orders ADD COLUMN region text;\nALTER TABLE orders ALTER COLUMN region SET NOT "
	 "NULL;",
	 ANY},
	{"compat-alter-type-under-view",
	 "CREATE VIEW big_orders AS SELECT id, total FROM orders WHERE total > 1000;\n"
	 "ALTER TABLE orders ALTER COLUMN total TYPE numeric(12,2);",
	 ALL " refuse it while the view exists"},
	{"compat-drop-still-used",
	 "CREATE VIEW open_orders AS SELECT * FROM orders WHERE NOT closed;\nDROP TABLE orders "
	 "CASCADE;",
	 ANY},
	{"data-not-null-without-default", "ALTER TABLE orders ADD COLUMN region text NOT NULL;",
	 ALL ": the statement fails as soon as the table has a row"},
	{"data-constraint-before-backfill",
	 "ALTER TABLE orders ALTER COLUMN region SET NOT NULL;\n"
	 "UPDATE orders SET region = 'eu' WHERE region IS NULL;",
	 ANY},
	{"lock-index-not-concurrent", "CREATE INDEX orders_customer_idx ON orders (customer_id);",
	 ALL},
	{"lock-drop-index-not-concurrent", "DROP INDEX orders_customer_idx;", ALL},
	{"lock-reindex-not-concurrent", "REINDEX INDEX orders_customer_idx;",
	 ALL "; REINDEX CONCURRENTLY exists from 12, before that build a new index "
	     "concurrently and swap"},
	{"lock-constraint-validates",
	 "ALTER TABLE orders ADD CONSTRAINT orders_customer_fk\n"
	 "  FOREIGN KEY (customer_id) REFERENCES customers (id);",
	 ALL},
	{"lock-set-not-null-scan", "ALTER TABLE orders ALTER COLUMN customer_id SET NOT NULL;",
	 ALL "; from 12 a valid CHECK (col IS NOT NULL) lets it skip the scan"},
	{"lock-add-column-rewrite", "ALTER TABLE orders ADD COLUMN token uuid DEFAULT gen_random_uuid();",
	 "a volatile default, identity or stored generated column: " ALL
	 "; any default at all: PostgreSQL 10 (11 added fast defaults)"},
	{"lock-type-change-rewrite", "ALTER TABLE orders ALTER COLUMN id TYPE bigint;", ALL},
	{"lock-unique-without-index",
	 "ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);", ALL},
	{"lock-concurrently-in-transaction",
	 "-- a Liquibase changeset with runInTransaction=\"true\" (the default)\n"
	 "CREATE INDEX CONCURRENTLY orders_created_idx ON orders (created_at);",
	 ALL ": the server refuses it in a transaction block"},
	{"lock-held-across-statements",
	 "ALTER TABLE orders ADD COLUMN note text;\n"
	 "UPDATE orders SET note = '' WHERE note IS NULL;",
	 ALL},
	{"lock-no-lock-timeout", "ALTER TABLE orders ADD COLUMN note text;", ALL},
	{"lock-vacuum-full", "VACUUM FULL orders;", ALL},
	{"lock-cluster", "CLUSTER orders USING orders_pkey;", ALL},
	{"lock-truncate", "TRUNCATE order_events;", ALL},
	{"lock-table-rewrite", "ALTER TABLE orders SET TABLESPACE fast_ssd;",
	 ALL "; SET ACCESS METHOD exists from 15"},
	{"lock-attach-partition-scan",
	 "ALTER TABLE events ATTACH PARTITION events_2024\n"
	 "  FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');",
	 ALL "; before 12 it also locks the parent ACCESS EXCLUSIVE"},
	{"lock-detach-partition-blocking", "ALTER TABLE events DETACH PARTITION events_2019;",
	 ALL "; DETACH ... CONCURRENTLY exists from 14"},
	{"lock-enum-value-in-transaction", "ALTER TYPE order_status ADD VALUE 'refunded';",
	 "PostgreSQL 10 and 11; from 12 it may run in a transaction"},
	{"perf-fk-without-index",
	 "ALTER TABLE order_lines ADD CONSTRAINT order_lines_order_fk\n"
	 "  FOREIGN KEY (order_id) REFERENCES orders (id) NOT VALID;",
	 ALL},
	{"rollback-irreversible",
	 "-- V2__drop_note.sql, with no U2__drop_note.sql undo script\n"
	 "ALTER TABLE orders DROP COLUMN note;",
	 ANY},
	{"rollback-incomplete",
	 "-- V2__tags.sql\nCREATE TABLE tags (id int PRIMARY KEY);\n"
	 "CREATE INDEX orders_total_idx ON orders (total);\n"
	 "-- U2__tags.sql: forgets the index\nDROP TABLE tags;",
	 ANY},
	{"rollback-blocked",
	 "-- V2__tags.sql\nCREATE TABLE tags (id int PRIMARY KEY, name text);\n"
	 "-- U2__tags.sql\nDROP TABLE tags;\n"
	 "-- V3__tag_names.sql, with no undo script\nCREATE VIEW tag_names AS SELECT name FROM tags;",
	 ANY},
};

size_t mg_rule_extra_count(void)
{
	return sizeof extras / sizeof extras[0];
}

const mg_rule_extra *mg_rule_extra_at(size_t i)
{
	return i < mg_rule_extra_count() ? &extras[i] : NULL;
}

const mg_rule_extra *mg_rule_extra_find(const char *id)
{
	for (size_t i = 0; i < mg_rule_extra_count(); i++)
		if (!strcmp(extras[i].id, id))
			return &extras[i];
	return NULL;
}
