/*
 * pglock_alter.c: ALTER TABLE subcommands and column changes.
 *
 * The lock levels follow AlterTableGetLockLevel in PostgreSQL's
 * tablecmds.c: ACCESS EXCLUSIVE unless a subcommand is known to be safe
 * with less.  Version rules are written where they change behaviour:
 * constant defaults stop rewriting in 11, a valid CHECK spares the SET
 * NOT NULL scan from 12, timestamp <-> timestamptz under UTC from 12.
 * On a partitioned table most subcommands recurse into every partition
 * with the same lock (eng_model_alter's tail).
 */
#include <stdio.h>
#include <string.h>

#include "engine/pglock_internal.h"

static void lock_table(eng_ctx *c, mg_lock_mode mode)
{
	mg_object t = mg_op_table(c->op);
	eng_lock(c, MG_OBJ_TABLE, t.schema, t.name, mode);
}

/* Storage parameters that ALTER TABLE SET (...) may change under SHARE
 * UPDATE EXCLUSIVE (AlterTableGetRelOptionsLockLevel); any other takes
 * ACCESS EXCLUSIVE. */
static bool reloption_is_light(const char *name)
{
	static const char *const light[] = {
		"fillfactor", "parallel_workers", "autovacuum_enabled", "toast_tuple_target",
		"vacuum_index_cleanup", "vacuum_truncate", "log_autovacuum_min_duration",
	};
	if (mg_str_starts_with(name, "autovacuum_") || mg_str_starts_with(name, "toast."))
		return true;
	for (size_t i = 0; i < sizeof light / sizeof light[0]; i++)
		if (!strcmp(name, light[i]))
			return true;
	return false;
}

static mg_lock_mode reloptions_lock(const char *names)
{
	if (!names || !*names)
		return MG_LOCK_ACCESS_EXCLUSIVE;
	char buf[512];
	snprintf(buf, sizeof buf, "%s", names);
	char *save = NULL;
	for (char *tok = strtok_r(buf, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save))
		if (!reloption_is_light(tok))
			return MG_LOCK_ACCESS_EXCLUSIVE;
	return MG_LOCK_SHARE_UPDATE_EXCLUSIVE;
}

/* Storage parameters newer than PostgreSQL 10 are unknown before. */
static void reloptions_require(eng_ctx *c, const char *names)
{
	static const struct {
		const char *name;
		int since;
	} added[] = {
		{"toast_tuple_target", 11},
		{"vacuum_index_cleanup", 12},
		{"vacuum_truncate", 12},
		{"toast.vacuum_index_cleanup", 12},
		{"toast.vacuum_truncate", 12},
		{"autovacuum_vacuum_insert_threshold", 13},
		{"autovacuum_vacuum_insert_scale_factor", 13},
	};
	if (!names)
		return;
	char buf[512];
	snprintf(buf, sizeof buf, "%s", names);
	char *save = NULL;
	for (char *tok = strtok_r(buf, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save))
		for (size_t i = 0; i < sizeof added / sizeof added[0]; i++)
			if (!strcmp(tok, added[i].name) && c->major < added[i].since) {
				eng_fail(c, mg_arena_printf(c->arena,
				                           "unrecognized parameter \"%s\": storage parameter "
				                           "%s exists from PostgreSQL %d",
				                           added[i].name, added[i].name, added[i].since));
				return;
			}
}

static void model_add_column(eng_ctx *c)
{
	const mg_column_def *col = c->op->column;
	lock_table(c, MG_LOCK_ACCESS_EXCLUSIVE);
	if (!col)
		return;
	/* gen_random_uuid() is core only since 13; before, pgcrypto brings it. */
	if (col->default_expr && c->major < 13 && mg_str_icontains(col->default_expr, "gen_random_uuid(") &&
	    !(c->cat && (mg_catalog_has_extension(c->cat, "pgcrypto") ||
	                 mg_catalog_has_function(c->cat, NULL, "gen_random_uuid"))))
		eng_fail(c, "function gen_random_uuid() does not exist (core since PostgreSQL 13; "
		           "CREATE EXTENSION pgcrypto before)");
	if (col->generated_stored) {
		if (eng_require(c, 12, "GENERATED ALWAYS AS ... STORED"))
			eng_note(c, "a stored generated column is computed for every row: rewrite");
		c->effects |= MG_EFF_REWRITE;
	} else if (col->identity) {
		c->effects |= MG_EFF_REWRITE;
		eng_note(c, "an identity column fills every existing row from its sequence: rewrite");
	} else if (col->serial || col->default_volatility == MG_VOLATILITY_VOLATILE) {
		c->effects |= MG_EFF_REWRITE;
		eng_note(c, "a volatile default is evaluated per row: the table is rewritten");
	} else if (col->default_expr && col->default_volatility != MG_VOLATILITY_NONE &&
	           !mg_str_ieq(col->default_expr, "null")) {
		if (c->major < 11) {
			c->effects |= MG_EFF_REWRITE;
			eng_note(c, "before PostgreSQL 11 any DEFAULT on ADD COLUMN rewrites the table");
		} else if (col->default_volatility == MG_VOLATILITY_UNKNOWN) {
			c->effects |= MG_EFF_REWRITE;
			eng_note(c, "the default calls a function of unknown volatility: a rewrite is "
			           "assumed");
		} else {
			eng_note(c, "since PostgreSQL 11 a non-volatile default is stored once in the "
			           "catalog: no rewrite");
		}
	} else if (col->not_null) {
		c->effects |= MG_EFF_SCAN;
		mg_cat_relation *rel = eng_op_relation(c);
		if (rel && mg_catalog_has_rows(rel))
			eng_fail(c, mg_arena_printf(c->arena,
			                           "column \"%s\" contains null values: NOT NULL without a "
			                           "default fails on a table with rows",
			                           col->name ? col->name : "?"));
		eng_note(c, "NOT NULL without a default fails as soon as the table has a row");
	}
	if (col->type && c->cat && mg_catalog_domain_has_constraints(c->cat, NULL, col->type)) {
		c->effects |= MG_EFF_REWRITE;
		eng_note(c, "a column of a domain with constraints is checked on every row: the "
		           "table is rewritten");
	}
	for (size_t i = 0; i < col->n_constraints; i++) {
		const mg_constraint_def *k = &col->constraints[i];
		if (k->kind == MG_CONSTRAINT_FOREIGN_KEY)
			eng_lock_object(c, &k->ref_table, MG_LOCK_SHARE_ROW_EXCLUSIVE);
		if (k->kind == MG_CONSTRAINT_UNIQUE || k->kind == MG_CONSTRAINT_PRIMARY_KEY)
			c->effects |= MG_EFF_INDEX_BUILD;
	}
	if (col->primary_key || col->unique)
		c->effects |= MG_EFF_INDEX_BUILD;
}

static void model_alter_type(eng_ctx *c)
{
	lock_table(c, MG_LOCK_ACCESS_EXCLUSIVE);
	{
		mg_cat_relation *rel = eng_op_relation(c);
		if (rel && c->cat && mg_catalog_view_uses_column(c->cat, rel, c->op->object.name))
			eng_fail(c, "cannot alter type of a column used by a view or rule");
	}
	const char *from = c->op->type_from;
	if (!from) {
		mg_cat_relation *rel = eng_op_relation(c);
		mg_cat_column *col = rel ? mg_catalog_column(rel, c->op->object.name) : NULL;
		if (col && !col->uncertain)
			from = col->type;
	}
	const char *why;
	bool rewrite = c->op->using_expr ||
	               eng_type_change_rewrites(from, c->op->type_to, c->major,
	                                       c->session->timezone_utc, &why);
	if (c->op->using_expr)
		why = "a USING expression recomputes every value: the table is rewritten";
	if (rewrite)
		c->effects |= MG_EFF_REWRITE;
	if (rewrite && !from && !c->op->using_expr)
		c->effects |= MG_EFF_ASSUMED;
	eng_note(c, why);
	/* A foreign key on either side of the column is dropped and recreated,
	 * which takes ACCESS EXCLUSIVE on the table at the other end. */
	mg_cat_relation *rel = eng_op_relation(c);
	const char *column = c->op->object.name;
	eng_lock_fk_targets(c, rel, column, MG_LOCK_ACCESS_EXCLUSIVE);
	eng_lock_referencing(c, rel, column, MG_LOCK_ACCESS_EXCLUSIVE);
	/* Indexes on the column are rebuilt (or, when binary-coercible, kept
	 * under a new OID); a rewrite rebuilds every index. */
	if (!rewrite && eng_has_column_index(rel, column))
		eng_lock_column_indexes(c, rel, column, MG_LOCK_ACCESS_EXCLUSIVE);
	/* The recreated foreign keys are validated by a query over both sides. */
	eng_index_fk_sides(c, rel, column, MG_LOCK_ACCESS_SHARE);
}

static void model_set_not_null(eng_ctx *c)
{
	lock_table(c, MG_LOCK_ACCESS_EXCLUSIVE);
	mg_cat_relation *rel = eng_op_relation(c);
	if (c->major >= 12 && rel && mg_catalog_check_proves_not_null(rel, c->op->object.name)) {
		eng_note(c, "a valid CHECK (col IS NOT NULL) proves the column: no scan (12+)");
		return;
	}
	c->effects |= MG_EFF_SCAN;
	eng_note(c, c->major >= 12 ? "SET NOT NULL scans the whole table under ACCESS EXCLUSIVE "
	                            "unless a valid CHECK proves it"
	                          : "SET NOT NULL scans the whole table under ACCESS EXCLUSIVE");
}

static void model_add_constraint(eng_ctx *c)
{
	const mg_constraint_def *k = c->op->constraint;
	bool not_valid = (c->op->flags & MG_OPF_NOT_VALID) || (k && k->not_valid);
	if (!k) {
		lock_table(c, MG_LOCK_ACCESS_EXCLUSIVE);
		return;
	}
	switch (k->kind) {
	case MG_CONSTRAINT_FOREIGN_KEY: {
		/* Lowered from ACCESS EXCLUSIVE to SHARE ROW EXCLUSIVE in 9.5, on both sides. */
		lock_table(c, MG_LOCK_SHARE_ROW_EXCLUSIVE);
		mg_object ref = k->ref_table.kind != MG_OBJ_NONE ? k->ref_table : c->op->related;
		eng_lock_object(c, &ref, MG_LOCK_SHARE_ROW_EXCLUSIVE);
		mg_cat_relation *rel = eng_op_relation(c);
		mg_cat_relation *target = eng_find(c, &ref);
		if (rel && rel->partitioned && c->major < 11) {
			eng_fail(c, "foreign keys on partitioned tables need PostgreSQL 11");
			return;
		}
		if (target && target->partitioned && c->major < 12) {
			eng_fail(c, "foreign keys referencing partitioned tables need PostgreSQL 12");
			return;
		}
		if (not_valid && rel && rel->partitioned && c->major < 18) {
			eng_fail(c, "foreign keys on partitioned tables cannot be NOT VALID before "
			           "PostgreSQL 18");
			return;
		}
		/* Every partition of the referenced table gets the RI triggers. */
		eng_lock_partitions(c, target, MG_LOCK_SHARE_ROW_EXCLUSIVE);
		if (!not_valid) {
			c->effects |= MG_EFF_SCAN;
			/* The validation query opens every index of both sides. */
			eng_lock_tree_indexes(c, rel, MG_LOCK_ACCESS_SHARE);
			eng_lock_tree_indexes(c, target, MG_LOCK_ACCESS_SHARE);
			eng_note(c, "validating the foreign key reads every row while writes to both "
			           "tables wait");
		}
		break;
	}
	case MG_CONSTRAINT_CHECK:
		lock_table(c, MG_LOCK_ACCESS_EXCLUSIVE);
		if (!not_valid) {
			c->effects |= MG_EFF_SCAN;
			eng_note(c, "the CHECK is verified against every row under ACCESS EXCLUSIVE");
		}
		break;
	case MG_CONSTRAINT_UNIQUE:
	case MG_CONSTRAINT_PRIMARY_KEY: {
		lock_table(c, MG_LOCK_ACCESS_EXCLUSIVE);
		mg_cat_relation *rel = eng_op_relation(c);
		if (rel && rel->partitioned && c->major < 11) {
			eng_fail(c, "unique and primary key constraints on partitioned tables need "
			           "PostgreSQL 11");
			return;
		}
		if (k->using_index) {
			/* The adopted index is renamed: ACCESS EXCLUSIVE on it before
			 * 12, SHARE UPDATE EXCLUSIVE since (index renames were lowered). */
			eng_lock(c, MG_OBJ_INDEX, rel ? rel->schema : c->op->object.schema, k->using_index,
			        c->major >= 12 ? MG_LOCK_SHARE_UPDATE_EXCLUSIVE
			                       : MG_LOCK_ACCESS_EXCLUSIVE);
			eng_note(c, "USING INDEX adopts an existing index: no build");
			if (k->kind == MG_CONSTRAINT_PRIMARY_KEY)
				c->effects |= MG_EFF_SCAN; /* implicit SET NOT NULL on nullable columns */
		} else {
			c->effects |= MG_EFF_INDEX_BUILD | MG_EFF_SCAN;
			eng_note(c, "builds its index under ACCESS EXCLUSIVE: reads and writes wait for "
			           "the whole build");
		}
		break;
	}
	case MG_CONSTRAINT_EXCLUDE:
		lock_table(c, MG_LOCK_ACCESS_EXCLUSIVE);
		c->effects |= MG_EFF_INDEX_BUILD | MG_EFF_SCAN;
		break;
	default:
		lock_table(c, MG_LOCK_ACCESS_EXCLUSIVE);
		if (!not_valid)
			c->effects |= MG_EFF_SCAN;
	}
}

static void model_validate_constraint(eng_ctx *c)
{
	lock_table(c, MG_LOCK_SHARE_UPDATE_EXCLUSIVE);
	c->effects |= MG_EFF_SCAN;
	mg_cat_relation *rel = eng_op_relation(c);
	const char *cname = c->op->object.name;
	mg_cat_constraint *k = rel && cname ? mg_catalog_constraint(rel, cname) : NULL;
	if (k && k->kind == MG_CONSTRAINT_FOREIGN_KEY) {
		eng_lock_object(c, &k->ref_table, MG_LOCK_ROW_SHARE);
		eng_lock_tree_indexes(c, rel, MG_LOCK_ACCESS_SHARE);
		eng_lock_tree_indexes(c, eng_find(c, &k->ref_table), MG_LOCK_ACCESS_SHARE);
	}
	eng_note(c, "VALIDATE scans under SHARE UPDATE EXCLUSIVE: reads and writes continue");
}

static void model_drop_constraint(eng_ctx *c)
{
	lock_table(c, MG_LOCK_ACCESS_EXCLUSIVE);
	mg_cat_relation *rel = eng_op_relation(c);
	const char *cname = c->op->object.name;
	mg_cat_constraint *k = rel && cname ? mg_catalog_constraint(rel, cname) : NULL;
	/* Dropping a foreign key removes its triggers on the referenced table too. */
	if (k && k->kind == MG_CONSTRAINT_FOREIGN_KEY)
		eng_lock_object(c, &k->ref_table, MG_LOCK_ACCESS_EXCLUSIVE);
	/* A referenced key: foreign keys of other tables depend on it. */
	if (k && (k->kind == MG_CONSTRAINT_PRIMARY_KEY || k->kind == MG_CONSTRAINT_UNIQUE) &&
	    k->columns.count) {
		bool cascade = c->op->flags & MG_OPF_CASCADE;
		size_t n = eng_lock_referencing(c, rel, k->columns.items[0],
		                               cascade ? MG_LOCK_ACCESS_EXCLUSIVE : MG_LOCK_NONE);
		if (n && !cascade)
			eng_fail(c, "cannot drop the constraint: foreign keys of other tables depend on it "
			           "(CASCADE would drop them)");
	}
	if (k && k->index_name)
		eng_lock(c, MG_OBJ_INDEX, rel->schema, k->index_name, MG_LOCK_ACCESS_EXCLUSIVE);
}

static void model_drop_column(eng_ctx *c)
{
	lock_table(c, MG_LOCK_ACCESS_EXCLUSIVE);
	mg_cat_relation *rel = eng_op_relation(c);
	const char *column = c->op->object.name;
	/* Its foreign keys go with it, and their triggers on the other table. */
	eng_lock_fk_targets(c, rel, column, MG_LOCK_ACCESS_EXCLUSIVE);
	eng_lock_column_indexes(c, rel, column, MG_LOCK_ACCESS_EXCLUSIVE);
	if (c->op->flags & MG_OPF_CASCADE) {
		eng_lock_referencing(c, rel, column, MG_LOCK_ACCESS_EXCLUSIVE);
		eng_lock_dependent_views(c, rel, MG_LOCK_ACCESS_EXCLUSIVE);
	}
	eng_note(c, "DROP COLUMN only marks the column dropped: no rewrite");
}

/* ALTER TABLE subcommands that PostgreSQL applies to every partition too
 * (unless ONLY), each partition under the parent's lock. */
static bool recurses(const mg_operation *op)
{
	switch (op->kind) {
	case MG_OP_ADD_COLUMN:
	case MG_OP_DROP_COLUMN:
	case MG_OP_ALTER_COLUMN_TYPE:
	case MG_OP_SET_DEFAULT:
	case MG_OP_DROP_DEFAULT:
	case MG_OP_SET_NOT_NULL:
	case MG_OP_DROP_NOT_NULL:
	case MG_OP_ADD_CONSTRAINT:
	case MG_OP_VALIDATE_CONSTRAINT:
	case MG_OP_DROP_CONSTRAINT:
	case MG_OP_SET_STATISTICS:
	case MG_OP_SET_COLUMN_STORAGE:
	case MG_OP_SET_COMPRESSION:
	case MG_OP_RENAME_COLUMN:
		return !(op->flags & MG_OPF_ONLY);
	default:
		return false;
	}
}

static void recurse_partitions(eng_ctx *c)
{
	mg_cat_relation *rel = eng_op_relation(c);
	if (!rel || !rel->partitioned || !recurses(c->op) || (c->effects & MG_EFF_FAILS))
		return;
	mg_lock_mode mode = eng_mode_of(c, rel->schema, rel->name);
	const mg_constraint_def *k = c->op->constraint;
	if (c->op->kind == MG_OP_ADD_CONSTRAINT && k &&
	    (k->kind == MG_CONSTRAINT_UNIQUE || k->kind == MG_CONSTRAINT_PRIMARY_KEY) &&
	    c->major < 18) {
		/* Before 18 the partitions' indexes are built through CREATE
		 * INDEX's path, under SHARE; 18 recurses the ALTER TABLE lock. */
		mode = MG_LOCK_SHARE;
		eng_note(c, "before PostgreSQL 18 a UNIQUE or PRIMARY KEY on a partitioned table "
		           "builds each partition's index under SHARE; 18 takes ACCESS EXCLUSIVE on "
		           "every partition");
	} else if (c->op->kind == MG_OP_ADD_CONSTRAINT && k &&
	           (k->kind == MG_CONSTRAINT_UNIQUE || k->kind == MG_CONSTRAINT_PRIMARY_KEY)) {
		eng_note(c, "since PostgreSQL 18 a UNIQUE or PRIMARY KEY on a partitioned table takes "
		           "ACCESS EXCLUSIVE on every partition");
	}
	eng_lock_partitions(c, rel, mode);
}

static bool model_alter(eng_ctx *c)
{
	mg_operation *op = c->op;
	switch (op->kind) {
	case MG_OP_ADD_COLUMN:
		model_add_column(c);
		return true;
	case MG_OP_ALTER_COLUMN_TYPE:
		model_alter_type(c);
		return true;
	case MG_OP_SET_NOT_NULL:
		model_set_not_null(c);
		return true;
	case MG_OP_ADD_CONSTRAINT:
		model_add_constraint(c);
		return true;
	case MG_OP_VALIDATE_CONSTRAINT:
		model_validate_constraint(c);
		return true;
	case MG_OP_DROP_CONSTRAINT:
		model_drop_constraint(c);
		return true;
	case MG_OP_DROP_COLUMN:
		model_drop_column(c);
		return true;
	case MG_OP_SET_IDENTITY:
		lock_table(c, MG_LOCK_ACCESS_EXCLUSIVE);
		eng_each_owned_sequence(c, eng_op_relation(c), op->object.name,
		                       MG_LOCK_SHARE_ROW_EXCLUSIVE);
		return true;
	case MG_OP_DROP_IDENTITY:
		lock_table(c, MG_LOCK_ACCESS_EXCLUSIVE);
		eng_each_owned_sequence(c, eng_op_relation(c), op->object.name,
		                       MG_LOCK_ACCESS_EXCLUSIVE);
		return true;
	case MG_OP_SET_SCHEMA:
		/* Owned sequences move with the table. */
		lock_table(c, MG_LOCK_ACCESS_EXCLUSIVE);
		eng_each_owned_sequence(c, eng_op_relation(c), NULL, MG_LOCK_ACCESS_EXCLUSIVE);
		return true;
	case MG_OP_SET_OWNER: {
		/* Indexes and owned sequences change owner with the table. */
		lock_table(c, MG_LOCK_ACCESS_EXCLUSIVE);
		mg_cat_relation *rel = eng_op_relation(c);
		eng_each_owned_sequence(c, rel, NULL, MG_LOCK_ACCESS_EXCLUSIVE);
		eng_lock_indexes(c, rel, MG_LOCK_ACCESS_EXCLUSIVE);
		return true;
	}
	case MG_OP_RENAME_COLUMN:
	case MG_OP_SET_DEFAULT:
	case MG_OP_DROP_DEFAULT:
	case MG_OP_DROP_NOT_NULL:
	case MG_OP_ADD_IDENTITY:
	case MG_OP_SET_COLUMN_STORAGE:
	case MG_OP_RENAME_CONSTRAINT:
	case MG_OP_ALTER_CONSTRAINT:
	case MG_OP_REPLICA_IDENTITY:
		lock_table(c, MG_LOCK_ACCESS_EXCLUSIVE);
		if (op->detail && mg_str_starts_with(op->detail, "using index "))
			eng_lock(c, MG_OBJ_INDEX, op->object.schema, op->detail + strlen("using index "),
			        MG_LOCK_SHARE);
		return true;
	case MG_OP_RENAME_TABLE:
	case MG_OP_ENABLE_RULE:
	case MG_OP_ROW_SECURITY:
	case MG_OP_OF_TYPE:
		lock_table(c, MG_LOCK_ACCESS_EXCLUSIVE);
		return true;
	case MG_OP_SET_COMPRESSION:
		lock_table(c, MG_LOCK_ACCESS_EXCLUSIVE);
		eng_require(c, 14, "ALTER COLUMN SET COMPRESSION");
		return true;
	case MG_OP_DROP_EXPRESSION:
		lock_table(c, MG_LOCK_ACCESS_EXCLUSIVE);
		eng_require(c, 13, "ALTER COLUMN DROP EXPRESSION");
		return true;
	case MG_OP_SET_EXPRESSION:
		lock_table(c, MG_LOCK_ACCESS_EXCLUSIVE);
		if (eng_require(c, 17, "ALTER COLUMN SET EXPRESSION"))
			c->effects |= MG_EFF_REWRITE;
		return true;
	case MG_OP_SET_STATISTICS:
	case MG_OP_SET_COLUMN_OPTIONS:
		lock_table(c, MG_LOCK_SHARE_UPDATE_EXCLUSIVE);
		return true;
	case MG_OP_CLUSTER_ON:
		lock_table(c, MG_LOCK_SHARE_UPDATE_EXCLUSIVE);
		if (op->related.kind == MG_OBJ_INDEX)
			eng_lock(c, MG_OBJ_INDEX, op->related.schema, op->related.name,
			        MG_LOCK_SHARE_UPDATE_EXCLUSIVE);
		return true;
	case MG_OP_ENABLE_TRIGGER:
		lock_table(c, MG_LOCK_SHARE_ROW_EXCLUSIVE);
		return true;
	case MG_OP_SET_STORAGE_PARAMS:
	case MG_OP_RESET_STORAGE_PARAMS:
		lock_table(c, reloptions_lock(op->detail));
		reloptions_require(c, op->detail);
		return true;
	case MG_OP_SET_TABLESPACE:
		lock_table(c, MG_LOCK_ACCESS_EXCLUSIVE);
		/* Tables migraph saw created live in the default tablespace. */
		if (op->new_name && mg_str_ieq(op->new_name, "pg_default")) {
			eng_note(c, "SET TABLESPACE pg_default on a table already there copies nothing, "
			           "but still takes ACCESS EXCLUSIVE");
		} else {
			c->effects |= MG_EFF_REWRITE;
			eng_note(c, "SET TABLESPACE copies every data file under ACCESS EXCLUSIVE");
		}
		return true;
	case MG_OP_SET_LOGGED:
	case MG_OP_SET_UNLOGGED:
		lock_table(c, MG_LOCK_ACCESS_EXCLUSIVE);
		c->effects |= MG_EFF_REWRITE;
		return true;
	case MG_OP_SET_ACCESS_METHOD:
		lock_table(c, MG_LOCK_ACCESS_EXCLUSIVE);
		if (!eng_require(c, 15, "ALTER TABLE SET ACCESS METHOD"))
			return true;
		/* Tables are heap unless created otherwise: heap -> heap keeps the files. */
		if (op->detail && mg_str_ieq(op->detail, "heap")) {
			eng_note(c, "SET ACCESS METHOD to the table's own method (heap) copies nothing");
		} else {
			c->effects |= MG_EFF_REWRITE;
			eng_note(c, "SET ACCESS METHOD rewrites the table into the new access method");
		}
		return true;
	case MG_OP_INHERIT:
		/* INHERIT: SHARE UPDATE EXCLUSIVE on the new parent; NO INHERIT
		 * only reads the parent's definition (ACCESS SHARE). */
		lock_table(c, MG_LOCK_ACCESS_EXCLUSIVE);
		eng_lock_object(c, &op->related, (op->flags & MG_OPF_NEGATED)
		                                    ? MG_LOCK_ACCESS_SHARE
		                                    : MG_LOCK_SHARE_UPDATE_EXCLUSIVE);
		return true;
	default:
		return false;
	}
}

bool eng_model_alter(eng_ctx *c)
{
	if (!model_alter(c))
		return false;
	recurse_partitions(c);
	/* A rewrite writes every index anew (a partitioned table's: those of
	 * its partitions). */
	if ((c->effects & MG_EFF_REWRITE) && !(c->effects & MG_EFF_FAILS))
		eng_lock_tree_indexes(c, eng_op_relation(c), MG_LOCK_ACCESS_EXCLUSIVE);
	return true;
}
