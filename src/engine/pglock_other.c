/*
 * pglock_other.c: everything that is not an ALTER TABLE subcommand: tables,
 * indexes, partitions, views, sequences, types, maintenance and data.
 */
#include <string.h>

#include "engine/pglock_internal.h"

static void lock_target(eng_ctx *c, mg_lock_mode mode)
{
	mg_object t = mg_op_table(c->op);
	mg_object_kind kind = c->op->object.kind;
	if (kind != MG_OBJ_VIEW && kind != MG_OBJ_MATERIALIZED_VIEW && kind != MG_OBJ_SEQUENCE)
		kind = MG_OBJ_TABLE;
	eng_lock(c, kind, t.schema, t.name, mode);
}

/* The table an index operation touches: related when the front end knew
 * it, else the catalog's owner of the index. */
static mg_cat_relation *index_table(eng_ctx *c, const char **schema, const char **name)
{
	const mg_operation *op = c->op;
	*schema = NULL;
	*name = NULL;
	if (op->related.kind == MG_OBJ_TABLE) {
		*schema = op->related.schema;
		*name = op->related.name;
	}
	mg_cat_relation *rel = NULL;
	if (c->cat) {
		if (*name) {
			rel = mg_catalog_relation(c->cat, *schema, *name);
		} else if (op->object.name) {
			rel = mg_catalog_index_table(c->cat, op->object.schema, op->object.name, NULL);
			if (rel) {
				*schema = rel->schema;
				*name = rel->name;
			}
		}
	}
	return rel;
}

static void model_create_index(eng_ctx *c)
{
	const char *schema, *name;
	mg_cat_relation *rel = index_table(c, &schema, &name);
	bool concurrently = c->op->flags & MG_OPF_CONCURRENTLY;
	mg_lock_mode mode = concurrently ? MG_LOCK_SHARE_UPDATE_EXCLUSIVE : MG_LOCK_SHARE;
	eng_lock(c, MG_OBJ_TABLE, schema, name, mode);
	c->effects |= MG_EFF_INDEX_BUILD | MG_EFF_SCAN;
	if ((c->op->flags & MG_OPF_ONLY) && !eng_require(c, 11, "CREATE INDEX ... ON ONLY"))
		return;
	if (rel && rel->partitioned && c->major < 11) {
		eng_fail(c, "cannot create an index on a partitioned table before PostgreSQL 11");
		return;
	}
	if (rel && rel->partitioned) {
		if (concurrently) {
			eng_fail(c, "cannot create an index concurrently on a partitioned table");
			return;
		}
		if (!(c->op->flags & MG_OPF_ONLY))
			for (size_t i = 0; i < rel->n_partitions; i++)
				eng_lock(c, MG_OBJ_TABLE, rel->partitions[i]->schema,
				        rel->partitions[i]->name, MG_LOCK_SHARE);
		else
			c->effects &= ~(unsigned)(MG_EFF_INDEX_BUILD | MG_EFF_SCAN);
	}
	if (concurrently) {
		c->effects |= MG_EFF_NO_TXN_BLOCK | MG_EFF_WAITS_FOR_TXNS;
		eng_note(c, "CONCURRENTLY builds under SHARE UPDATE EXCLUSIVE: reads and writes "
		           "continue; two scans and waits for older transactions");
	} else {
		eng_note(c, rel && rel->kind == MG_OBJ_MATERIALIZED_VIEW
		               ? "CREATE INDEX holds SHARE for the whole build: REFRESH waits, reads "
		                 "continue"
		               : "CREATE INDEX holds SHARE for the whole build: writes wait, reads continue");
	}
}

static void model_drop_index(eng_ctx *c)
{
	const char *schema, *name;
	mg_cat_relation *rel = index_table(c, &schema, &name);
	bool concurrently = c->op->flags & MG_OPF_CONCURRENTLY;
	if (rel && rel->partitioned) {
		if (concurrently) {
			eng_fail(c, "cannot drop a partitioned index concurrently");
			return;
		}
		/* The partitions' indexes go with it, each under its table's lock. */
		eng_lock_partitions(c, rel, MG_LOCK_ACCESS_EXCLUSIVE);
		for (size_t i = 0; i < rel->n_partitions; i++)
			eng_lock_attached_indexes(c, rel->partitions[i], MG_LOCK_ACCESS_EXCLUSIVE);
	}
	eng_lock(c, MG_OBJ_TABLE, schema, name,
	        concurrently ? MG_LOCK_SHARE_UPDATE_EXCLUSIVE : MG_LOCK_ACCESS_EXCLUSIVE);
	eng_lock(c, MG_OBJ_INDEX, c->op->object.schema, c->op->object.name,
	        concurrently ? MG_LOCK_SHARE_UPDATE_EXCLUSIVE : MG_LOCK_ACCESS_EXCLUSIVE);
	if (concurrently)
		c->effects |= MG_EFF_NO_TXN_BLOCK | MG_EFF_WAITS_FOR_TXNS;
}

static void model_reindex(eng_ctx *c)
{
	bool concurrently = c->op->flags & MG_OPF_CONCURRENTLY;
	if (concurrently && !eng_require(c, 12, "REINDEX CONCURRENTLY"))
		return;
	c->effects |= MG_EFF_INDEX_BUILD | MG_EFF_SCAN;
	mg_object_kind kind = c->op->object.kind;
	if (kind == MG_OBJ_SCHEMA || kind == MG_OBJ_DATABASE) {
		c->effects |= MG_EFF_NO_TXN_BLOCK;
		return;
	}
	mg_cat_relation *table = kind == MG_OBJ_TABLE ? eng_op_relation(c) : NULL;
	if (table && table->partitioned && c->major >= 14) {
		/* 14 reindexes partition by partition, one transaction each. */
		c->effects |= MG_EFF_NO_TXN_BLOCK;
		eng_note(c, "since PostgreSQL 14 REINDEX of a partitioned table runs one transaction "
		           "per partition: not in a transaction block");
	}
	const char *schema, *name;
	if (kind == MG_OBJ_INDEX) {
		index_table(c, &schema, &name);
		eng_lock(c, MG_OBJ_INDEX, c->op->object.schema, c->op->object.name,
		        concurrently ? MG_LOCK_SHARE_UPDATE_EXCLUSIVE : MG_LOCK_ACCESS_EXCLUSIVE);
	} else {
		mg_object t = mg_op_table(c->op);
		schema = t.schema;
		name = t.name;
		if (!(table && table->partitioned))
			eng_lock_indexes(c, table, concurrently ? MG_LOCK_SHARE_UPDATE_EXCLUSIVE
			                                       : MG_LOCK_ACCESS_EXCLUSIVE);
	}
	eng_lock(c, MG_OBJ_TABLE, schema, name,
	        concurrently ? MG_LOCK_SHARE_UPDATE_EXCLUSIVE : MG_LOCK_SHARE);
	if (concurrently) {
		c->effects |= MG_EFF_NO_TXN_BLOCK | MG_EFF_WAITS_FOR_TXNS;
		eng_note(c, "REINDEX CONCURRENTLY (12+) holds SHARE UPDATE EXCLUSIVE: reads and "
		           "writes continue; not in a transaction block");
	} else if (!(table && table->partitioned && c->major >= 14)) {
		eng_note(c, "REINDEX holds SHARE on the table (writes wait) and ACCESS EXCLUSIVE on "
		           "each index it rebuilds");
	}
}

static void model_attach_partition(eng_ctx *c)
{
	/* object = the partition, related = the parent. */
	eng_lock_object(c, &c->op->object, MG_LOCK_ACCESS_EXCLUSIVE);
	if (c->major >= 12) {
		eng_lock_object(c, &c->op->related, MG_LOCK_SHARE_UPDATE_EXCLUSIVE);
		eng_lock_own_indexes(c, eng_find(c, &c->op->related), MG_LOCK_SHARE_UPDATE_EXCLUSIVE);
		eng_note(c, "since PostgreSQL 12 ATTACH PARTITION takes only SHARE UPDATE EXCLUSIVE "
		           "on the parent");
	} else {
		eng_lock_object(c, &c->op->related, MG_LOCK_ACCESS_EXCLUSIVE);
		eng_note(c, "before PostgreSQL 12 ATTACH PARTITION takes ACCESS EXCLUSIVE on the "
		           "parent");
	}
	mg_cat_relation *parent = c->cat ? mg_catalog_relation(c->cat, c->op->related.schema,
	                                                        c->op->related.name)
	                                 : NULL;
	if (parent)
		for (size_t i = 0; i < parent->n_partitions; i++)
			if (parent->partitions[i]->is_default_partition) {
				eng_lock(c, MG_OBJ_TABLE, parent->partitions[i]->schema,
				        parent->partitions[i]->name, MG_LOCK_ACCESS_EXCLUSIVE);
				c->effects |= MG_EFF_SCAN;
			}
	/* The new partition is scanned unless a valid CHECK on its key column
	 * already implies the bound (migraph cannot prove implication, so it
	 * asks for a validated CHECK that mentions the key). */
	mg_cat_relation *part =
		c->cat ? mg_catalog_relation(c->cat, c->op->object.schema, c->op->object.name)
		       : NULL;
	bool proven = false;
	const char *key = parent && parent->partition_key.count ? parent->partition_key.items[0] : NULL;
	for (size_t i = 0; part && key && i < part->n_constraints; i++) {
		const mg_cat_constraint *k = &part->constraints[i];
		if (k->kind == MG_CONSTRAINT_CHECK && k->validated && k->expr && strstr(k->expr, key))
			proven = true;
	}
	if (!proven)
		c->effects |= MG_EFF_SCAN;
}

static void model_detach_partition(eng_ctx *c)
{
	bool concurrently = c->op->flags & MG_OPF_CONCURRENTLY;
	if (concurrently && !eng_require(c, 14, "DETACH PARTITION CONCURRENTLY"))
		return;
	mg_cat_relation *parent = eng_find(c, &c->op->related);
	mg_cat_relation *deflt = eng_default_partition(parent);
	if (concurrently) {
		eng_lock_object(c, &c->op->related, MG_LOCK_SHARE_UPDATE_EXCLUSIVE);
		eng_lock_object(c, &c->op->object, MG_LOCK_SHARE_UPDATE_EXCLUSIVE);
		c->effects |= MG_EFF_NO_TXN_BLOCK | MG_EFF_WAITS_FOR_TXNS;
		if (deflt)
			eng_fail(c, "cannot detach partitions concurrently when a default partition "
			           "exists");
		eng_note(c, "DETACH CONCURRENTLY (14+) takes only SHARE UPDATE EXCLUSIVE on the "
		           "parent, waits for older transactions, and cannot run in a transaction "
		           "block");
		return;
	}
	eng_lock_object(c, &c->op->related, MG_LOCK_ACCESS_EXCLUSIVE);
	if (c->major >= 14) {
		eng_lock_object(c, &c->op->object, MG_LOCK_ACCESS_EXCLUSIVE);
		eng_note(c, "DETACH PARTITION takes ACCESS EXCLUSIVE on the parent, and since "
		           "PostgreSQL 14 on the partition too");
	} else {
		eng_lock_object(c, &c->op->object, MG_LOCK_SHARE_UPDATE_EXCLUSIVE);
		eng_note(c, "DETACH PARTITION takes ACCESS EXCLUSIVE on the parent; before "
		           "PostgreSQL 14 only SHARE UPDATE EXCLUSIVE on the partition");
	}
	/* The default partition's constraint changes with the bounds. */
	eng_lock_rel(c, deflt, MG_LOCK_ACCESS_EXCLUSIVE);
	eng_lock_attached_indexes(c, eng_find(c, &c->op->object), MG_LOCK_ACCESS_EXCLUSIVE);
}

static void lock_fk_defs(eng_ctx *c, const mg_constraint_def *k, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (k[i].kind == MG_CONSTRAINT_FOREIGN_KEY)
			eng_lock_object(c, &k[i].ref_table, MG_LOCK_SHARE_ROW_EXCLUSIVE);
}

static void model_create_table(eng_ctx *c)
{
	const mg_operation *op = c->op;
	/* The new relation itself is invisible to others until commit. */
	lock_fk_defs(c, op->constraints, op->n_constraints);
	for (size_t i = 0; i < op->n_columns; i++)
		lock_fk_defs(c, op->columns[i].constraints, op->columns[i].n_constraints);
	if (op->flags & MG_OPF_PARTITION_OF) {
		/* Still ACCESS EXCLUSIVE on the parent in 18; the default
		 * partition is locked and scanned for rows of the new bounds. */
		eng_lock_object(c, &op->related, MG_LOCK_ACCESS_EXCLUSIVE);
		mg_cat_relation *parent = eng_find(c, &op->related);
		if (c->major >= 12)
			eng_lock_own_indexes(c, parent, MG_LOCK_SHARE_UPDATE_EXCLUSIVE);
		mg_cat_relation *deflt = eng_default_partition(parent);
		if (deflt) {
			eng_lock_rel(c, deflt, MG_LOCK_ACCESS_EXCLUSIVE);
			c->effects |= MG_EFF_SCAN;
		}
		eng_note(c, "CREATE TABLE ... PARTITION OF takes ACCESS EXCLUSIVE on the parent on "
		           "every version (10-18), and on its default partition");
	}
	if (op->flags & MG_OPF_AS_SELECT) {
		c->effects |= MG_EFF_SCAN;
		for (size_t i = 0; i < op->n_depends; i++)
			eng_read_object(c, &op->depends[i]);
	} else {
		/* LIKE reads the definition of the table it copies (ACCESS
		 * SHARE on the table alone, whatever it INCLUDES). */
		for (size_t i = 0; i < op->n_depends; i++)
			eng_lock_object(c, &op->depends[i], MG_LOCK_ACCESS_SHARE);
	}
}

static void model_drop_table(eng_ctx *c)
{
	lock_target(c, MG_LOCK_ACCESS_EXCLUSIVE);
	mg_cat_relation *rel = eng_op_relation(c);
	if (!rel)
		return;
	bool cascade = c->op->flags & MG_OPF_CASCADE;
	mg_lock_mode dep = cascade ? MG_LOCK_ACCESS_EXCLUSIVE : MG_LOCK_NONE;
	size_t users = eng_lock_referencing(c, rel, NULL, dep) + eng_lock_dependent_views(c, rel, dep);
	if (users && !cascade && rel->kind == MG_OBJ_TABLE) {
		eng_fail(c, "cannot drop the table: foreign keys or views depend on it (CASCADE "
		           "would drop them)");
		return;
	}
	/* Its own foreign keys have triggers on the referenced tables. */
	eng_lock_fk_targets(c, rel, NULL, MG_LOCK_ACCESS_EXCLUSIVE);
	eng_lock_partitions(c, rel, MG_LOCK_ACCESS_EXCLUSIVE);
	eng_each_owned_sequence(c, rel, NULL, MG_LOCK_ACCESS_EXCLUSIVE);
	eng_lock_tree_indexes(c, rel, MG_LOCK_ACCESS_EXCLUSIVE);
	if (rel->parent) {
		/* A partition: its parent and the default partition, whose
		 * constraint depends on the bounds, are locked too. */
		eng_lock_rel(c, rel->parent, MG_LOCK_ACCESS_EXCLUSIVE);
		mg_cat_relation *deflt = eng_default_partition(rel->parent);
		if (deflt != rel)
			eng_lock_rel(c, deflt, MG_LOCK_ACCESS_EXCLUSIVE);
	}
}

static void model_truncate(eng_ctx *c)
{
	lock_target(c, MG_LOCK_ACCESS_EXCLUSIVE);
	mg_cat_relation *rel = eng_op_relation(c);
	if (!rel)
		return;
	bool cascade = c->op->flags & MG_OPF_CASCADE;
	if (eng_lock_referencing(c, rel, NULL, cascade ? MG_LOCK_ACCESS_EXCLUSIVE : MG_LOCK_NONE) &&
	    !cascade) {
		eng_fail(c, "cannot truncate a table referenced in a foreign key constraint (without "
		           "CASCADE)");
		return;
	}
	eng_lock_partitions(c, rel, MG_LOCK_ACCESS_EXCLUSIVE);
	eng_lock_tree_indexes(c, rel, MG_LOCK_ACCESS_EXCLUSIVE);
	if (cascade)
		eng_index_fk_sides(c, rel, NULL, MG_LOCK_ACCESS_EXCLUSIVE);
	if (c->op->detail && strstr(c->op->detail, "restart identity"))
		eng_each_owned_sequence(c, rel, NULL, MG_LOCK_ACCESS_EXCLUSIVE);
	eng_note(c, "TRUNCATE swaps in new empty files under ACCESS EXCLUSIVE: instant, but "
	           "every reader and writer waits for the lock");
}

static void model_lock_table(eng_ctx *c)
{
	mg_lock_mode mode = MG_LOCK_ACCESS_EXCLUSIVE; /* LOCK TABLE's default */
	const char *d = c->op->detail;
	static const struct {
		const char *sql;
		mg_lock_mode mode;
	} modes[] = {
		{"access share", MG_LOCK_ACCESS_SHARE},
		{"row share", MG_LOCK_ROW_SHARE},
		{"row exclusive", MG_LOCK_ROW_EXCLUSIVE},
		{"share update exclusive", MG_LOCK_SHARE_UPDATE_EXCLUSIVE},
		{"share row exclusive", MG_LOCK_SHARE_ROW_EXCLUSIVE},
		{"share", MG_LOCK_SHARE},
		{"exclusive", MG_LOCK_EXCLUSIVE},
		{"access exclusive", MG_LOCK_ACCESS_EXCLUSIVE},
	};
	if (d)
		for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++)
			if (mg_str_ieq(d, modes[i].sql) || !strcmp(d, mg_lock_mode_name(modes[i].mode)))
				mode = modes[i].mode;
	mg_cat_relation *rel = eng_op_relation(c);
	if (rel && rel->kind == MG_OBJ_VIEW) {
		if (!eng_require(c, 11, "LOCK TABLE on a view"))
			return;
		eng_lock_rel(c, rel, mode);
		/* 11+ locks what the view reads in the same mode, through views
		 * over views down to the tables. */
		eng_lock_view_bases(c, rel, mode, 0);
		return;
	}
	lock_target(c, mode);
	if (!(c->op->flags & MG_OPF_ONLY))
		eng_lock_partitions(c, rel, mode);
}

static void model_view(eng_ctx *c)
{
	const mg_operation *op = c->op;
	/* A materialized view runs its query (the planner opens the indexes);
	 * a view only reads the definitions. */
	for (size_t i = 0; i < op->n_depends; i++) {
		if (op->kind == MG_OP_CREATE_MATERIALIZED_VIEW && !(op->flags & MG_OPF_WITH_NO_DATA))
			eng_read_object(c, &op->depends[i]);
		else
			eng_lock_object(c, &op->depends[i], MG_LOCK_ACCESS_SHARE);
	}
	if (op->kind == MG_OP_CREATE_MATERIALIZED_VIEW && !(op->flags & MG_OPF_WITH_NO_DATA))
		c->effects |= MG_EFF_SCAN;
	if (op->kind == MG_OP_CREATE_VIEW && (op->flags & MG_OPF_OR_REPLACE) && c->cat &&
	    eng_op_relation(c))
		lock_target(c, MG_LOCK_ACCESS_EXCLUSIVE);
}

struct domain_use {
	eng_ctx *c;
	mg_lock_mode mode;
	size_t n;
};

static void lock_domain_user(void *ctx, mg_cat_relation *rel, mg_cat_column *col)
{
	(void)col;
	struct domain_use *u = ctx;
	eng_lock(u->c, MG_OBJ_TABLE, rel->schema, rel->name, u->mode);
	u->n++;
}

/* A domain's new or validated constraint is checked against every column
 * of that type, under SHARE on each table (writes wait); DROP DOMAIN ...
 * CASCADE drops those columns (ACCESS EXCLUSIVE). */
static void model_domain(eng_ctx *c)
{
	const mg_operation *op = c->op;
	const char *what = op->detail ? op->detail : "";
	struct domain_use u = {c, MG_LOCK_NONE, 0};
	if (op->kind == MG_OP_DROP_DOMAIN) {
		if (!(op->flags & MG_OPF_CASCADE))
			return;
		u.mode = MG_LOCK_ACCESS_EXCLUSIVE;
	} else if ((!strcmp(what, "add constraint") && !(op->flags & MG_OPF_NOT_VALID)) ||
	           !strcmp(what, "validate constraint") || !strcmp(what, "set not null")) {
		u.mode = MG_LOCK_SHARE;
	} else {
		return;
	}
	if (c->cat && op->object.name)
		mg_catalog_each_column_of_type(c->cat, op->object.schema, op->object.name,
		                               lock_domain_user, &u);
	if (u.n && u.mode == MG_LOCK_SHARE) {
		c->effects |= MG_EFF_SCAN;
		eng_note(c, "the domain's constraint is checked against every column of that type, "
		           "under SHARE on each table: writes wait");
	}
}

struct delete_ctx {
	eng_ctx *c;
	int depth;
};

static void delete_follows_fks(eng_ctx *c, const mg_cat_relation *rel, int depth);

static void on_delete_referencing(void *ctx, mg_cat_relation *from, mg_cat_constraint *fk)
{
	struct delete_ctx *d = ctx;
	const char *act = fk->on_delete;
	bool changes_rows = act && (mg_str_ieq(act, "cascade") || mg_str_ieq(act, "set null") ||
	                            mg_str_ieq(act, "set default"));
	if (!changes_rows) {
		/* NO ACTION / RESTRICT: rows still pointing here are looked for
		 * (FOR KEY SHARE). */
		eng_lock(d->c, MG_OBJ_TABLE, from->schema, from->name, MG_LOCK_ROW_SHARE);
		return;
	}
	/* CASCADE / SET NULL / SET DEFAULT write the referencing rows, whose own
	 * referencing tables are then followed in turn. */
	eng_lock(d->c, MG_OBJ_TABLE, from->schema, from->name, MG_LOCK_ROW_EXCLUSIVE);
	if (mg_str_ieq(act, "cascade"))
		delete_follows_fks(d->c, from, d->depth + 1);
}

static void delete_follows_fks(eng_ctx *c, const mg_cat_relation *rel, int depth)
{
	if (!c->cat || !rel || depth > 8) /* cycles of CASCADE stop somewhere */
		return;
	struct delete_ctx d = {c, depth};
	mg_catalog_each_referencing(c->cat, rel, on_delete_referencing, &d);
}

static bool names_have(const mg_name_list *l, const char *name)
{
	for (size_t i = 0; i < l->count; i++)
		if (mg_str_eq(l->items[i], name))
			return true;
	return false;
}

static bool row_locked(const mg_operation *op, const mg_object *o)
{
	if (!(op->flags & MG_OPF_FOR_UPDATE))
		return false;
	if (!op->n_row_locks)
		return true; /* FOR UPDATE without a list it could resolve: every table */
	for (size_t i = 0; i < op->n_row_locks; i++)
		if (mg_str_eq(op->row_locks[i].schema, o->schema) &&
		    mg_str_eq(op->row_locks[i].name, o->name))
			return true;
	return false;
}

/* Every relation the statement reads besides its target: FROM, USING,
 * subqueries, a MERGE source, COPY's query.  ACCESS SHARE, or ROW SHARE
 * for the tables whose rows SELECT ... FOR UPDATE/SHARE locks. */
static void read_depends(eng_ctx *c)
{
	const mg_operation *op = c->op;
	for (size_t i = 0; i < op->n_depends; i++)
		eng_read_object_as(c, &op->depends[i],
		                  row_locked(op, &op->depends[i]) ? MG_LOCK_ROW_SHARE
		                                                  : MG_LOCK_ACCESS_SHARE);
}

/* The table a DML statement writes.  Through an auto-updatable view the
 * view, and each view below it, takes the statement's lock too, down to
 * the table the rows land in (a view's first relation; what else it
 * reads is only read). */
static mg_cat_relation *dml_target(eng_ctx *c, mg_lock_mode mode)
{
	lock_target(c, mode);
	mg_cat_relation *rel = eng_op_relation(c);
	for (int depth = 0; rel && rel->kind == MG_OBJ_VIEW; depth++) {
		if (!rel->n_reads || depth > 32)
			return NULL;
		for (size_t i = 1; i < rel->n_reads; i++)
			eng_read_object(c, &rel->reads[i]);
		eng_lock_object(c, &rel->reads[0], mode);
		rel = eng_find(c, &rel->reads[0]);
	}
	return rel;
}

/* MERGE ... WHEN NOT MATCHED THEN INSERT (the front end lists the actions
 * in detail; without that list, assume it may insert). */
static bool merge_inserts(const mg_operation *op)
{
	return !op->detail || strstr(op->detail, "insert");
}

/* Does the statement leave column i of rel to its default (a serial's
 * nextval())?  Columns it names are given a value, unless a row says
 * DEFAULT; COPY without a column list reads every column.  When that
 * cannot be told (INSERT ... SELECT without a list, MERGE), yes. */
static bool default_used(const mg_operation *op, const mg_cat_relation *rel, size_t i)
{
	const char *col = rel->columns[i].name;
	long pos = -1;
	if (op->kind == MG_OP_MERGE && !merge_inserts(op))
		return false;
	if (op->insert_columns.count) {
		for (size_t k = 0; k < op->insert_columns.count; k++)
			if (mg_str_eq(op->insert_columns.items[k], col))
				pos = (long)k;
		if (pos < 0)
			return true;
	} else if (op->kind == MG_OP_COPY) {
		return false;
	} else if (op->kind == MG_OP_INSERT && !(op->flags & MG_OPF_AS_SELECT) &&
	           op->n_insert_rows) {
		pos = (long)i;
	} else {
		return true;
	}
	if (!op->n_insert_rows)
		return false; /* named, and filled by the query or the input */
	for (size_t r = 0; r < op->n_insert_rows; r++) {
		const mg_name_list *row = &op->insert_rows[r];
		if ((size_t)pos >= row->count || mg_str_ieq(row->items[pos], "default"))
			return true;
	}
	return false;
}

static void lock_default_sequences(eng_ctx *c, const mg_cat_relation *rel)
{
	for (size_t i = 0; i < rel->n_columns; i++) {
		const mg_cat_column *col = &rel->columns[i];
		bool has_sequence =
			col->identity || (col->default_expr && strstr(col->default_expr, "nextval("));
		if (has_sequence && default_used(c->op, rel, i))
			eng_each_owned_sequence(c, rel, col->name, MG_LOCK_ROW_EXCLUSIVE);
	}
}

/* The RI check of a foreign key reads the other table's rows FOR KEY
 * SHARE: ROW SHARE on it, and on the indexes its query opens (ROW SHARE
 * from 12, ACCESS SHARE before). */
static void ri_check(eng_ctx *c, const mg_cat_relation *other, mg_lock_mode mode)
{
	if (!other)
		return;
	eng_lock_rel(c, other, mode);
	eng_lock_tree_indexes(c, other, c->major >= 12 ? mode : MG_LOCK_ACCESS_SHARE);
}

static bool sets_any(const mg_operation *op, const mg_name_list *cols)
{
	for (size_t i = 0; i < cols->count; i++)
		if (names_have(&op->set_columns, cols->items[i]))
			return true;
	return false;
}

static const mg_name_list *primary_key(const mg_cat_relation *rel)
{
	for (size_t i = 0; i < rel->n_constraints; i++)
		if (rel->constraints[i].kind == MG_CONSTRAINT_PRIMARY_KEY)
			return &rel->constraints[i].columns;
	return NULL;
}

struct upd_ctx {
	eng_ctx *c;
	const mg_cat_relation *rel;
};

static void on_update_referencing(void *ctx, mg_cat_relation *from, mg_cat_constraint *fk)
{
	struct upd_ctx *u = ctx;
	const mg_name_list *key = fk->ref_columns.count ? &fk->ref_columns : primary_key(u->rel);
	if (!key || !sets_any(u->c->op, key))
		return;
	const char *act = fk->on_update;
	if (act && (mg_str_ieq(act, "cascade") || mg_str_ieq(act, "set null") ||
	            mg_str_ieq(act, "set default")))
		eng_lock_rel(u->c, from, MG_LOCK_ROW_EXCLUSIVE); /* the referencing rows change */
	else
		ri_check(u->c, from, MG_LOCK_ROW_SHARE); /* rows still pointing at the old key */
}

/* An UPDATE that assigns a foreign key column checks the new key in the
 * referenced table; one that assigns a referenced key looks for the rows
 * that point at the old one.  Other columns fire no check. */
static void update_follows_fks(eng_ctx *c, const mg_cat_relation *rel)
{
	const mg_operation *op = c->op;
	if (!op->set_columns.count)
		return;
	for (size_t i = 0; i < rel->n_constraints; i++) {
		const mg_cat_constraint *k = &rel->constraints[i];
		if (k->kind == MG_CONSTRAINT_FOREIGN_KEY && sets_any(op, &k->columns))
			ri_check(c, eng_find(c, &k->ref_table), MG_LOCK_ROW_SHARE);
	}
	struct upd_ctx u = {c, rel};
	if (c->cat)
		mg_catalog_each_referencing(c->cat, rel, on_update_referencing, &u);
}

static void model_copy_to(eng_ctx *c)
{
	const mg_operation *op = c->op;
	read_depends(c); /* COPY (query) TO */
	if (!op->object.name)
		return;
	if (c->major >= 13) {
		lock_target(c, MG_LOCK_ACCESS_SHARE);
		eng_note(c, "COPY TO reads the table under ACCESS SHARE, held until commit");
	} else {
		eng_note(c, "before PostgreSQL 13 COPY TO releases its ACCESS SHARE lock when it ends: "
		           "it blocks only while it runs");
	}
}

static void model_dml(eng_ctx *c)
{
	const mg_operation *op = c->op;
	if (op->kind == MG_OP_SELECT) {
		/* setval()/nextval() write the sequence. */
		if (op->object.kind == MG_OBJ_SEQUENCE)
			lock_target(c, MG_LOCK_ROW_EXCLUSIVE);
		read_depends(c);
		return;
	}
	if (op->kind == MG_OP_COPY && op->detail && !strcmp(op->detail, "to")) {
		model_copy_to(c);
		return;
	}
	/* The table written comes first among the locks: the risk figures
	 * size the statement's work by it. */
	mg_cat_relation *rel = dml_target(c, MG_LOCK_ROW_EXCLUSIVE);
	read_depends(c);
	if (!rel)
		return;
	if (op->kind == MG_OP_INSERT || op->kind == MG_OP_COPY ||
	    (op->kind == MG_OP_MERGE && merge_inserts(op))) {
		/* The RI check reads the referenced rows FOR KEY SHARE. */
		for (size_t i = 0; i < rel->n_constraints; i++)
			if (rel->constraints[i].kind == MG_CONSTRAINT_FOREIGN_KEY) {
				mg_cat_relation *ref = eng_find(c, &rel->constraints[i].ref_table);
				if (ref)
					ri_check(c, ref, MG_LOCK_ROW_SHARE);
				else
					eng_lock_object(c, &rel->constraints[i].ref_table, MG_LOCK_ROW_SHARE);
			}
		lock_default_sequences(c, rel);
		/* ON CONFLICT with a target: every index is opened to infer the
		 * arbiter. */
		if (op->detail && strstr(op->detail, "(arbiter)"))
			eng_lock_indexes(c, rel, MG_LOCK_ROW_EXCLUSIVE);
		if (rel->partitioned && c->major < 12) {
			eng_lock_partitions(c, rel, MG_LOCK_ROW_EXCLUSIVE);
			eng_note(c, "before PostgreSQL 12 an INSERT into a partitioned table locks every "
			           "partition; since 12 only the one each row is routed to");
		} else if (rel->partitioned && op->kind == MG_OP_INSERT &&
		           !eng_route_insert(c, rel, MG_LOCK_ROW_EXCLUSIVE)) {
			eng_lock_partitions(c, rel, MG_LOCK_ROW_EXCLUSIVE);
			eng_note(c, "the rows' partitions cannot be known before they are routed: every "
			           "partition is counted as locked");
		}
	}
	if (op->kind == MG_OP_UPDATE || op->kind == MG_OP_DELETE || op->kind == MG_OP_MERGE) {
		bool pruned = rel->partitioned && op->kind != MG_OP_MERGE &&
		              eng_prune_partitions(c, rel, MG_LOCK_ROW_EXCLUSIVE);
		if (rel->partitioned && !pruned)
			eng_lock_partitions(c, rel, MG_LOCK_ROW_EXCLUSIVE);
		if (!pruned)
			eng_lock_tree_indexes(c, rel, MG_LOCK_ROW_EXCLUSIVE);
	}
	update_follows_fks(c, rel); /* UPDATE, MERGE, INSERT ... ON CONFLICT DO UPDATE */
	if (op->kind == MG_OP_DELETE)
		delete_follows_fks(c, rel, 0);
}

static void model_refresh(eng_ctx *c)
{
	bool concurrently = c->op->flags & MG_OPF_CONCURRENTLY;
	bool no_data = c->op->flags & MG_OPF_WITH_NO_DATA;
	lock_target(c, concurrently ? MG_LOCK_EXCLUSIVE : MG_LOCK_ACCESS_EXCLUSIVE);
	mg_cat_relation *mv = eng_op_relation(c);
	if (!no_data) {
		/* The query runs: what it reads is read, and a plain REFRESH
		 * writes the result into a new heap (CONCURRENTLY applies the
		 * difference to the old one). */
		c->effects |= MG_EFF_SCAN | (concurrently ? 0 : MG_EFF_REWRITE);
		for (size_t i = 0; mv && i < mv->n_reads; i++)
			eng_read_object(c, &mv->reads[i]);
	}
	eng_lock_indexes(c, mv, concurrently ? MG_LOCK_ROW_EXCLUSIVE : MG_LOCK_ACCESS_EXCLUSIVE);
	eng_note(c, concurrently ? "REFRESH ... CONCURRENTLY takes EXCLUSIVE: readers continue, "
	                          "and it may run in a transaction block"
	           : no_data    ? "REFRESH ... WITH NO DATA empties the view under ACCESS EXCLUSIVE: "
	                          "nothing is read, and the view cannot be queried until the next "
	                          "REFRESH"
	                        : "REFRESH takes ACCESS EXCLUSIVE and writes the result into a new "
	                          "heap: readers of the view wait");
}

static void model_drop_view(eng_ctx *c)
{
	lock_target(c, MG_LOCK_ACCESS_EXCLUSIVE);
	mg_cat_relation *rel = eng_op_relation(c);
	if (!rel)
		return;
	if (c->op->flags & MG_OPF_CASCADE) {
		eng_lock_dependent_views(c, rel, MG_LOCK_ACCESS_EXCLUSIVE);
	} else if (eng_lock_dependent_views(c, rel, MG_LOCK_NONE)) {
		eng_fail(c, "cannot drop the view: other views depend on it (CASCADE would drop "
		           "them)");
	}
}

static void model_attach_index(eng_ctx *c)
{
	if (!eng_require(c, 11, "ALTER INDEX ... ATTACH PARTITION"))
		return;
	/* The parent index is marked valid once every partition has one:
	 * SHARE UPDATE EXCLUSIVE on it since 12; the child index is changed. */
	eng_lock(c, MG_OBJ_INDEX, c->op->object.schema, c->op->object.name,
	        c->major >= 12 ? MG_LOCK_SHARE_UPDATE_EXCLUSIVE : MG_LOCK_ACCESS_EXCLUSIVE);
	eng_lock(c, MG_OBJ_INDEX, c->op->related.schema, c->op->related.name,
	        MG_LOCK_ACCESS_EXCLUSIVE);
	/* Both tables are read to check that the indexes match. */
	const mg_object *ix[2] = {&c->op->object, &c->op->related};
	for (size_t i = 0; i < 2 && c->cat; i++) {
		if (!ix[i]->name)
			continue;
		mg_cat_relation *t = mg_catalog_index_table(
			c->cat, ix[i]->schema, ix[i]->name, NULL);
		eng_lock_rel(c, t, MG_LOCK_ACCESS_SHARE);
	}
}

bool eng_model_other(eng_ctx *c)
{
	mg_operation *op = c->op;
	switch (op->kind) {
	case MG_OP_CREATE_INDEX:
		model_create_index(c);
		return true;
	case MG_OP_DROP_INDEX:
		model_drop_index(c);
		return true;
	case MG_OP_REINDEX:
		model_reindex(c);
		return true;
	case MG_OP_RENAME_INDEX:
		eng_lock(c, MG_OBJ_INDEX, op->object.schema, op->object.name,
		        c->major >= 12 ? MG_LOCK_SHARE_UPDATE_EXCLUSIVE : MG_LOCK_ACCESS_EXCLUSIVE);
		eng_note(c, c->major >= 12 ? "since PostgreSQL 12 renaming an index takes only SHARE "
		                            "UPDATE EXCLUSIVE on it"
		                          : "before PostgreSQL 12 renaming an index takes ACCESS "
		                            "EXCLUSIVE on it");
		return true;
	case MG_OP_ALTER_INDEX: {
		/* Index storage parameters (fillfactor ...) take SHARE UPDATE
		 * EXCLUSIVE, like a table's; anything else ACCESS EXCLUSIVE. */
		bool light = op->detail && (!strcmp(op->detail, "AT_SetRelOptions") ||
		                            !strcmp(op->detail, "AT_ResetRelOptions")) &&
		             op->new_name && !strcmp(op->new_name, "fillfactor");
		eng_lock(c, MG_OBJ_INDEX, op->object.schema, op->object.name,
		        light ? MG_LOCK_SHARE_UPDATE_EXCLUSIVE : MG_LOCK_ACCESS_EXCLUSIVE);
		return true;
	}
	case MG_OP_ATTACH_INDEX:
		model_attach_index(c);
		return true;
	case MG_OP_ATTACH_PARTITION:
		model_attach_partition(c);
		return true;
	case MG_OP_DETACH_PARTITION:
		model_detach_partition(c);
		return true;
	case MG_OP_CREATE_TABLE:
		model_create_table(c);
		return true;
	case MG_OP_DROP_TABLE:
		model_drop_table(c);
		return true;
	case MG_OP_TRUNCATE:
		model_truncate(c);
		return true;
	case MG_OP_VACUUM:
		c->effects |= MG_EFF_NO_TXN_BLOCK;
		if (op->flags & MG_OPF_FULL) {
			lock_target(c, MG_LOCK_ACCESS_EXCLUSIVE);
			c->effects |= MG_EFF_REWRITE;
			eng_note(c, "VACUUM FULL rewrites the table under ACCESS EXCLUSIVE");
		} else {
			lock_target(c, MG_LOCK_SHARE_UPDATE_EXCLUSIVE);
			c->effects |= MG_EFF_SCAN;
		}
		return true;
	case MG_OP_ANALYZE:
		lock_target(c, MG_LOCK_SHARE_UPDATE_EXCLUSIVE);
		eng_lock_partitions(c, eng_op_relation(c), MG_LOCK_SHARE_UPDATE_EXCLUSIVE);
		eng_lock_tree_indexes(c, eng_op_relation(c), MG_LOCK_ACCESS_SHARE);
		c->effects |= MG_EFF_SCAN;
		return true;
	case MG_OP_CLUSTER:
		lock_target(c, MG_LOCK_ACCESS_EXCLUSIVE);
		eng_lock_indexes(c, eng_op_relation(c), MG_LOCK_ACCESS_EXCLUSIVE);
		c->effects |= MG_EFF_REWRITE;
		eng_note(c, "CLUSTER rewrites the table in index order under ACCESS EXCLUSIVE");
		return true;
	case MG_OP_LOCK_TABLE:
		model_lock_table(c);
		return true;
	case MG_OP_CREATE_VIEW:
	case MG_OP_CREATE_MATERIALIZED_VIEW:
		model_view(c);
		return true;
	case MG_OP_DROP_MATERIALIZED_VIEW:
		lock_target(c, MG_LOCK_ACCESS_EXCLUSIVE);
		eng_lock_indexes(c, eng_op_relation(c), MG_LOCK_ACCESS_EXCLUSIVE);
		return true;
	case MG_OP_DROP_VIEW:
		model_drop_view(c);
		return true;
	case MG_OP_RENAME_VIEW:
	case MG_OP_ALTER_VIEW:
	case MG_OP_DROP_SEQUENCE:
	case MG_OP_RENAME_SEQUENCE:
	case MG_OP_CREATE_RULE:
	case MG_OP_DROP_RULE:
		lock_target(c, MG_LOCK_ACCESS_EXCLUSIVE);
		return true;
	case MG_OP_REFRESH_MATERIALIZED_VIEW:
		model_refresh(c);
		return true;
	case MG_OP_ALTER_SEQUENCE:
		lock_target(c, MG_LOCK_SHARE_ROW_EXCLUSIVE);
		/* OWNED BY reads the owning table's definition. */
		if (op->related.kind == MG_OBJ_COLUMN && op->related.table)
			eng_lock(c, MG_OBJ_TABLE, op->related.schema, op->related.table,
			        MG_LOCK_ACCESS_SHARE);
		return true;
	case MG_OP_CREATE_TRIGGER:
		lock_target(c, MG_LOCK_SHARE_ROW_EXCLUSIVE);
		return true;
	case MG_OP_DROP_TRIGGER:
	case MG_OP_RENAME_TRIGGER:
	case MG_OP_CREATE_POLICY:
	case MG_OP_DROP_POLICY:
	case MG_OP_ALTER_POLICY:
		lock_target(c, MG_LOCK_ACCESS_EXCLUSIVE);
		return true;
	case MG_OP_COMMENT:
		if (op->object.kind == MG_OBJ_INDEX)
			eng_lock(c, MG_OBJ_INDEX, op->object.schema, op->object.name,
			        MG_LOCK_SHARE_UPDATE_EXCLUSIVE);
		else
			lock_target(c, MG_LOCK_SHARE_UPDATE_EXCLUSIVE);
		return true;
	case MG_OP_ALTER_DOMAIN:
	case MG_OP_DROP_DOMAIN:
		model_domain(c);
		return true;
	case MG_OP_ADD_ENUM_VALUE:
		if (c->major < 12) {
			c->effects |= MG_EFF_NO_TXN_BLOCK;
			eng_note(c, "before PostgreSQL 12 ALTER TYPE ... ADD VALUE cannot run in a "
			           "transaction block");
			if (c->session->in_transaction_block)
				eng_fail(c, "ALTER TYPE ... ADD VALUE cannot run inside a transaction block "
				           "before PostgreSQL 12");
		} else {
			eng_note(c, "since PostgreSQL 12 ALTER TYPE ... ADD VALUE may run in a "
			           "transaction block (the new value is usable after commit); no table "
			           "lock");
		}
		return true;
	case MG_OP_INSERT:
	case MG_OP_UPDATE:
	case MG_OP_DELETE:
	case MG_OP_MERGE:
	case MG_OP_COPY:
	case MG_OP_SELECT:
		if (op->kind == MG_OP_MERGE)
			eng_require(c, 15, "MERGE");
		model_dml(c);
		return true;
	case MG_OP_GRANT:
		/* 18 locks a table whose privileges change (ACCESS SHARE: it only
		 * waits behind ACCESS EXCLUSIVE); 10-17 take no relation lock. */
		if (c->major >= 18 && (op->object.kind == MG_OBJ_TABLE || op->object.kind == MG_OBJ_VIEW ||
		                       op->object.kind == MG_OBJ_MATERIALIZED_VIEW ||
		                       op->object.kind == MG_OBJ_SEQUENCE)) {
			lock_target(c, MG_LOCK_ACCESS_SHARE);
			eng_note(c, "since PostgreSQL 18 GRANT and REVOKE take ACCESS SHARE on the table");
		}
		return true;
	case MG_OP_CREATE_SCHEMA:
	case MG_OP_DROP_SCHEMA:
	case MG_OP_RENAME_SCHEMA:
	case MG_OP_CREATE_EXTENSION:
	case MG_OP_DROP_EXTENSION:
	case MG_OP_CREATE_SEQUENCE:
	case MG_OP_CREATE_TYPE:
	case MG_OP_DROP_TYPE:
	case MG_OP_RENAME_ENUM_VALUE:
	case MG_OP_ALTER_TYPE:
	case MG_OP_RENAME_TYPE:
	case MG_OP_CREATE_DOMAIN:
	case MG_OP_CREATE_FUNCTION:
	case MG_OP_DROP_FUNCTION:
	case MG_OP_ALTER_FUNCTION:
	case MG_OP_SET_SETTING:
	case MG_OP_RESET_SETTING:
	case MG_OP_BEGIN:
	case MG_OP_COMMIT:
	case MG_OP_ROLLBACK:
	case MG_OP_SAVEPOINT:
		/* No relation lock that blocks traffic. */
		return true;
	default:
		return false;
	}
}
