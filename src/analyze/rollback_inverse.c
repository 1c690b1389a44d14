/*
 * rollback_inverse.c: the inverse of one operation, from the schema just
 * before it ran, and the rollback a project gives a changeset.
 *
 * What the change created goes (CREATE -> DROP, ADD -> DROP); what it
 * renamed gets its old name back; what it changed gets its previous
 * state from the catalog (the default, the type, NOT NULL, a constraint's
 * validity); what it dropped is re-created from the catalog's record of
 * it.  A drop of data gets its shape back and no more: the rows and
 * values are gone, and the inverse says so and names the forward fix a
 * DBA would use (restore from a backup or an archive taken before).
 * Where the previous state was never recorded, there is no inverse and
 * the note says what to record before the release.
 */
#include <ctype.h>
#include <string.h>

#include "analyze/rollback_int.h"
#include "migraph/sqlwrite.h"
#include "analyze/families.h"
#include "migraph/graph.h"
#include "migraph/sql.h"

typedef struct inv {
	mg_project *p;
	mg_arena *a;
	const mg_catalog *cat;
	const mg_operation *op;
	bool conc;
	mg_buf b;
	mg_inverse r;
} inv;

static bool has(const mg_operation *op, unsigned f)
{
	return (op->flags & f) != 0;
}

/* The CHECK constraint a DETACH ... CONCURRENTLY leaves on the partition
 * (the catalog adds it as PostgreSQL does), or NULL. */
static const char *detach_check(inv *v, const mg_cat_relation *part)
{
	mg_arena scratch;
	mg_arena_init(&scratch);
	mg_object only[2] = {v->op->object, v->op->related};
	mg_catalog *after = mg_catalog_copy(v->cat, &scratch, only, 2);
	mg_catalog_apply(after, v->op, 0, NULL, NULL);
	const mg_cat_relation *p = mg_catalog_relation(after, part->schema, part->name);
	const char *name = NULL;
	for (size_t i = 0; p && i < p->n_constraints && !name; i++)
		if (p->constraints[i].kind == MG_CONSTRAINT_CHECK &&
		    !mg_catalog_constraint(part, p->constraints[i].name))
			name = mg_arena_strdup(v->a, p->constraints[i].name);
	mg_arena_free(&scratch);
	return name;
}

bool mg_op_destroys_data(const mg_operation *op)
{
	switch (op->kind) {
	case MG_OP_DROP_TABLE:
	case MG_OP_DROP_COLUMN:
	case MG_OP_TRUNCATE:
	case MG_OP_DELETE:
		return true;
	case MG_OP_DROP_SCHEMA:
		return (op->flags & MG_OPF_CASCADE) != 0;
	default:
		return false;
	}
}

static const mg_cat_relation *table_of(const inv *v)
{
	mg_object on = mg_op_table(v->op);
	const char *s = on.schema, *n = on.name;
	return n ? mg_catalog_relation(v->cat, s, n) : NULL;
}

static void alter_table(inv *v)
{
	mg_object on = mg_op_table(v->op);
	const char *s = on.schema, *n = on.name;
	mg_buf_puts(&v->b, "ALTER TABLE ");
	rb_put_rel(&v->b, v->cat, s, n);
	mg_buf_putc(&v->b, ' ');
}

static void nothing(inv *v, const char *note)
{
	v->r.kind = MG_INVERSE_NOTHING;
	v->r.note = note;
}

static void none(inv *v, const char *note, const char *forward_fix)
{
	v->r.kind = MG_INVERSE_NONE;
	v->r.note = note;
	v->r.forward_fix = forward_fix;
}

static const char *fix_record(const inv *v)
{
	return mg_arena_printf(v->a, "Record the current definition before the release (pg_dump "
	                             "--schema-only of the objects %s touches) and write its inverse "
	                             "by hand.",
	                       mg_op_kind_name(v->op->kind));
}

/* ---- Names the engine generates ---------------------------------------- */

/* The name of what op creates when it gives none (an unnamed constraint
 * or index): op applied to a copy of just its table, and the new name read
 * back, so the name is the one the catalog (and PostgreSQL) gives it. */
static const char *generated_name(inv *v, bool index)
{
	mg_object on = mg_op_table(v->op);
	const char *s = on.schema, *n = on.name;
	const mg_cat_relation *before = n ? mg_catalog_relation(v->cat, s, n) : NULL;
	if (!before)
		return NULL;
	mg_object only = {MG_OBJ_TABLE, before->schema, NULL, before->name};
	mg_arena scratch;
	mg_arena_init(&scratch);
	mg_catalog *c = mg_catalog_copy(v->cat, &scratch, &only, 1);
	mg_catalog_apply(c, v->op, 0, NULL, NULL);
	const mg_cat_relation *after = mg_catalog_relation(c, before->schema, before->name);
	const char *name = NULL;
	for (size_t i = 0; after && index && !name && i < after->n_indexes; i++) {
		mg_cat_index *old = NULL;
		mg_catalog_index_table(v->cat, before->schema, after->indexes[i].name, &old);
		if (!old)
			name = after->indexes[i].name;
	}
	for (size_t i = 0; after && !index && !name && i < after->n_constraints; i++)
		if (!mg_catalog_constraint(before, after->constraints[i].name))
			name = after->constraints[i].name;
	name = name ? mg_arena_strdup(v->a, name) : NULL;
	mg_arena_free(&scratch);
	return name;
}

/* ---- Tables, views, sequences ------------------------------------------ */

static const char *rel_word(mg_object_kind k)
{
	switch (k) {
	case MG_OBJ_VIEW: return "VIEW";
	case MG_OBJ_MATERIALIZED_VIEW: return "MATERIALIZED VIEW";
	case MG_OBJ_SEQUENCE: return "SEQUENCE";
	case MG_OBJ_INDEX: return "INDEX";
	default: return "TABLE";
	}
}

static void drop_created(inv *v, mg_object_kind kind)
{
	const mg_operation *op = v->op;
	const mg_cat_relation *old = mg_catalog_relation(v->cat, op->object.schema, op->object.name);
	if (old && !mg_catalog_is_placeholder(old) && has(op, MG_OPF_IF_NOT_EXISTS))
		return nothing(v, "it existed already: IF NOT EXISTS did nothing");
	if (old && has(op, MG_OPF_OR_REPLACE) && old->kind == kind) {
		size_t len = 0;
		const char *def = mg_catalog_view_sql(old, &len);
		if (!def)
			return none(v, "it replaced a view whose earlier definition was not recorded",
			            fix_record(v));
		mg_buf_printf(&v->b, "DROP %s ", rel_word(kind));
		rb_put_rel(&v->b, v->cat, op->object.schema, op->object.name);
		mg_buf_printf(&v->b, ";\n%.*s;\n", (int)len, def);
		return;
	}
	mg_buf_printf(&v->b, "DROP %s ", rel_word(kind));
	rb_put_rel(&v->b, v->cat, op->object.schema, op->object.name);
	mg_buf_puts(&v->b, ";\n");
}

static void recreate_dropped(inv *v)
{
	const mg_operation *op = v->op;
	const mg_cat_relation *rel = mg_catalog_relation(v->cat, op->object.schema, op->object.name);
	if (!rel || mg_catalog_is_placeholder(rel))
		return has(op, MG_OPF_IF_EXISTS) ? nothing(v, "it did not exist: IF EXISTS did nothing")
		                                 : none(v, "migraph never saw it created", fix_record(v));
	const char *name = mg_arena_printf(v->a, "%s.%s", rel->schema, rel->name);
	bool cascade = has(op, MG_OPF_CASCADE);
	switch (op->kind) {
	case MG_OP_DROP_TABLE:
		v->r.destroys_data = true;
		if (!rb_put_table(&v->b, v->cat, rel, cascade))
			return none(v, mg_arena_printf(v->a, "the definition of %s is not fully known "
			                                     "(columns, generated columns or partitions)",
			                               name),
			            mg_arena_printf(v->a, "Keep %s until the release is confirmed: rename it "
			                                  "instead (ALTER TABLE %s RENAME TO %s_retired) and "
			                                  "drop it in a later release; to go back after the "
			                                  "drop, restore it from the backup taken before.",
			                            name, name, rel->name));
		v->r.kind = MG_INVERSE_SHAPE;
		v->r.note = mg_arena_printf(v->a, "re-creates the empty table %s: its rows are gone", name);
		v->r.forward_fix = mg_arena_printf(
			v->a, "Its rows cannot be re-derived: take a backup of %s right before the step "
			      "(pg_dump --table=%s, or note the point in time for PITR) and restore the rows "
			      "from it after the re-create; better, keep the table until the release is "
			      "confirmed (rename it, drop it in a later release).",
			name, name);
		return;
	case MG_OP_DROP_VIEW:
	case MG_OP_DROP_MATERIALIZED_VIEW: {
		size_t len = 0;
		const char *def = mg_catalog_view_sql(rel, &len);
		if (!def)
			return none(v, mg_arena_printf(v->a, "the definition of %s was not recorded", name),
			            fix_record(v));
		mg_buf_printf(&v->b, "%.*s;\n", (int)len, def);
		if (cascade)
			rb_put_dependants(&v->b, v->cat, rel, NULL);
		if (op->kind == MG_OP_DROP_MATERIALIZED_VIEW)
			v->r.note = "the materialized view is rebuilt from its query";
		return;
	}
	case MG_OP_DROP_SEQUENCE:
		mg_buf_puts(&v->b, "CREATE SEQUENCE ");
		rb_put_rel(&v->b, v->cat, rel->schema, rel->name);
		mg_buf_puts(&v->b, ";\n");
		v->r.kind = MG_INVERSE_SHAPE;
		v->r.note = mg_arena_printf(v->a, "re-creates %s from 1: its position and options are gone",
		                            name);
		v->r.forward_fix = mg_arena_printf(
			v->a, "Read the sequence's last value before the step (SELECT last_value FROM %s) "
			      "and setval() it after the re-create.",
			name);
		return;
	default:
		return;
	}
}

static void rename_back(inv *v)
{
	const mg_operation *op = v->op;
	if (!op->new_name)
		return none(v, "the new name is not known", fix_record(v));
	const char *word = op->kind == MG_OP_RENAME_VIEW       ? "VIEW"
	                   : op->kind == MG_OP_RENAME_SEQUENCE ? "SEQUENCE"
	                   : op->kind == MG_OP_RENAME_INDEX    ? "INDEX"
	                   : op->kind == MG_OP_RENAME_TYPE     ? "TYPE"
	                   : op->object.kind == MG_OBJ_MATERIALIZED_VIEW ? "MATERIALIZED VIEW"
	                                                                 : "TABLE";
	mg_buf_printf(&v->b, "ALTER %s ", word);
	rb_put_rel(&v->b, v->cat, op->object.schema, op->new_name);
	mg_buf_puts(&v->b, " RENAME TO ");
	mg_sql_put_ident(&v->b, op->object.name);
	mg_buf_puts(&v->b, ";\n");
}

/* ---- Columns ------------------------------------------------------------- */

static const mg_cat_column *column_of(const inv *v)
{
	return mg_catalog_column(table_of(v), v->op->object.name);
}

/* DROP COLUMN comes back as its shape only: the column with its type,
 * default, constraints and indexes, empty. */
static void dropped_column_back(inv *v, const mg_cat_relation *rel, const mg_cat_column *c)
{
	const mg_operation *op = v->op;
	const char *col = op->object.name;
	if (!c)
		return has(op, MG_OPF_IF_EXISTS)
		           ? nothing(v, "the column did not exist: IF EXISTS did nothing")
		           : none(v, "the column's definition is not known", fix_record(v));
	v->r.destroys_data = true;
	const char *where = mg_arena_printf(v->a, "%s.%s.%s", rel->schema, rel->name, col);
	const char *fix = mg_arena_printf(
		v->a, "Its values cannot be re-derived: archive them right before the step "
		      "(CREATE TABLE %s_%s_archive AS SELECT <primary key>, %s FROM %s.%s) and "
		      "restore them with UPDATE ... FROM the archive after the re-add; better, keep "
		      "the column until the release is confirmed and drop it in a later release.",
		rel->name, col, col, rel->schema, rel->name);
	bool in_pk = false;
	for (size_t i = 0; i < rel->n_constraints; i++)
		if (rel->constraints[i].kind == MG_CONSTRAINT_PRIMARY_KEY)
			for (size_t k = 0; k < rel->constraints[i].columns.count; k++)
				in_pk = in_pk || mg_str_ieq(rel->constraints[i].columns.items[k], col);
	if (!c->type || c->generated || c->uncertain || in_pk)
		return none(v, mg_arena_printf(v->a, "%s cannot be re-added without its values "
		                                     "(its type, expression or key role)",
		                               where),
		            fix);
	/* NOT NULL comes back with a default (every row gets it), never
	 * without one: rows have no value for the column any more. */
	bool keep_not_null = c->not_null && (c->default_expr || c->identity);
	alter_table(v);
	mg_buf_puts(&v->b, "ADD COLUMN ");
	rb_put_column(&v->b, c, keep_not_null);
	mg_buf_puts(&v->b, ";\n");
	for (size_t i = 0; i < rel->n_constraints; i++) {
		const mg_cat_constraint *k = &rel->constraints[i];
		bool uses = false;
		for (size_t j = 0; j < k->columns.count; j++)
			uses = uses || mg_str_ieq(k->columns.items[j], col);
		if (!uses)
			continue;
		alter_table(v);
		mg_buf_puts(&v->b, "ADD ");
		rb_put_constraint(&v->b, v->cat, rel, k);
		mg_buf_puts(&v->b, ";\n");
	}
	for (size_t i = 0; i < rel->n_indexes; i++) {
		const mg_cat_index *ix = &rel->indexes[i];
		bool uses = false;
		for (size_t j = 0; j < ix->columns.count; j++)
			uses = uses || mg_str_ieq(ix->columns.items[j], col);
		if (uses && !ix->constraint)
			rb_put_index(&v->b, v->cat, rel, ix, v->conc);
	}
	if (has(op, MG_OPF_CASCADE))
		rb_put_dependants(&v->b, v->cat, rel, col);
	v->r.kind = MG_INVERSE_SHAPE;
	v->r.note = c->not_null && !keep_not_null
	                ? mg_arena_printf(v->a, "re-adds %s empty and nullable: its values are "
	                                        "gone, and NOT NULL can only return once they "
	                                        "are restored (ALTER TABLE ... SET NOT NULL)",
	                                  where)
	                : mg_arena_printf(v->a, "re-adds %s %s: its values are gone", where,
	                                  c->default_expr ? "with its default" : "empty");
	v->r.forward_fix = fix;
}

static void column_back(inv *v)
{
	const mg_operation *op = v->op;
	const mg_cat_relation *rel = table_of(v);
	const mg_cat_column *c = column_of(v);
	const char *col = op->object.name;
	switch (op->kind) {
	case MG_OP_ADD_COLUMN:
		if (c && has(op, MG_OPF_IF_NOT_EXISTS))
			return nothing(v, "the column existed already: IF NOT EXISTS did nothing");
		alter_table(v);
		mg_buf_puts(&v->b, "DROP COLUMN ");
		mg_sql_put_ident(&v->b, col);
		mg_buf_puts(&v->b, ";\n");
		return;
	case MG_OP_DROP_COLUMN:
		return dropped_column_back(v, rel, c);
	case MG_OP_RENAME_COLUMN:
		if (!op->new_name)
			return none(v, "the new name is not known", fix_record(v));
		alter_table(v);
		mg_buf_puts(&v->b, "RENAME COLUMN ");
		mg_sql_put_ident(&v->b, op->new_name);
		mg_buf_puts(&v->b, " TO ");
		mg_sql_put_ident(&v->b, col);
		mg_buf_puts(&v->b, ";\n");
		return;
	case MG_OP_ALTER_COLUMN_TYPE: {
		const char *from = op->type_from ? op->type_from : c ? c->type : NULL;
		if (!from)
			return none(v, "the column's type before the change was not recorded",
			            fix_record(v));
		alter_table(v);
		mg_buf_puts(&v->b, "ALTER COLUMN ");
		mg_sql_put_ident(&v->b, col);
		mg_buf_printf(&v->b, " TYPE %s USING ", from);
		mg_sql_put_ident(&v->b, col);
		mg_buf_printf(&v->b, "::%s;\n", from);
		const char *why = NULL;
		if (op->type_to && an_type_narrows(from, op->type_to, &why)) {
			v->r.kind = MG_INVERSE_SHAPE;
			v->r.destroys_data = true;
			v->r.note = mg_arena_printf(v->a, "the change to %s loses values (%s): going back "
			                                  "to %s cannot bring them back",
			                            op->type_to, why, from);
			v->r.forward_fix = mg_arena_printf(
				v->a, "Archive the column before the step (CREATE TABLE ... AS SELECT <primary "
				      "key>, %s FROM ...) to restore exact values after going back.",
				col);
		} else {
			v->r.note = mg_arena_printf(v->a, "fails if values written since do not fit %s",
			                            from);
		}
		return;
	}
	case MG_OP_SET_DEFAULT:
	case MG_OP_DROP_DEFAULT:
		if (!c)
			return none(v, "the column's previous default is not known", fix_record(v));
		if (op->kind == MG_OP_DROP_DEFAULT && !c->default_expr)
			return nothing(v, "the column had no default");
		alter_table(v);
		mg_buf_puts(&v->b, "ALTER COLUMN ");
		mg_sql_put_ident(&v->b, col);
		if (c->default_expr)
			mg_buf_printf(&v->b, " SET DEFAULT %s;\n", c->default_expr);
		else
			mg_buf_puts(&v->b, " DROP DEFAULT;\n");
		return;
	case MG_OP_SET_NOT_NULL:
	case MG_OP_DROP_NOT_NULL: {
		bool set = op->kind == MG_OP_SET_NOT_NULL;
		if (c && c->not_null == set)
			return nothing(v, set ? "the column was NOT NULL already"
			                      : "the column was nullable already");
		alter_table(v);
		mg_buf_puts(&v->b, "ALTER COLUMN ");
		mg_sql_put_ident(&v->b, col);
		mg_buf_puts(&v->b, set ? " DROP NOT NULL;\n" : " SET NOT NULL;\n");
		if (!set)
			v->r.note = "scans the table under ACCESS EXCLUSIVE, and fails if NULLs were "
			            "written since";
		return;
	}
	case MG_OP_ADD_IDENTITY:
		alter_table(v);
		mg_buf_puts(&v->b, "ALTER COLUMN ");
		mg_sql_put_ident(&v->b, col);
		mg_buf_puts(&v->b, " DROP IDENTITY;\n");
		return;
	default:
		return none(v, mg_arena_printf(v->a, "migraph does not record the column's previous %s",
		                               mg_op_kind_name(op->kind)),
		            fix_record(v));
	}
}

/* ---- Constraints and indexes ---------------------------------------------- */

static void constraint_back(inv *v)
{
	const mg_operation *op = v->op;
	const mg_cat_relation *rel = table_of(v);
	const char *name = op->kind == MG_OP_ADD_CONSTRAINT && op->constraint ? op->constraint->name
	                                                                       : op->object.name;
	if (op->kind == MG_OP_ADD_CONSTRAINT) {
		if (!name)
			name = generated_name(v, false);
		if (!name)
			return none(v, "the constraint's name is not known", fix_record(v));
		alter_table(v);
		mg_buf_puts(&v->b, "DROP CONSTRAINT ");
		mg_sql_put_ident(&v->b, name);
		mg_buf_puts(&v->b, ";\n");
		/* USING INDEX turned an index into the constraint's: give it back. */
		const char *ui = op->constraint ? op->constraint->using_index : NULL;
		mg_cat_index *ix = NULL;
		if (ui && mg_catalog_index_table(v->cat, op->object.schema, ui, &ix) && ix &&
		    !rb_put_index(&v->b, v->cat, rel, ix, false))
			return none(v, "the index it took over cannot be re-created", fix_record(v));
		return;
	}
	const mg_cat_constraint *k = mg_catalog_constraint(rel, name);
	if (!k)
		return has(op, MG_OPF_IF_EXISTS)
		           ? nothing(v, "it did not exist: IF EXISTS did nothing")
		           : none(v, "the constraint's definition is not known", fix_record(v));
	switch (op->kind) {
	case MG_OP_VALIDATE_CONSTRAINT:
		if (k->validated)
			return nothing(v, "it was validated already");
		if (k->kind != MG_CONSTRAINT_CHECK && k->kind != MG_CONSTRAINT_FOREIGN_KEY)
			return nothing(v, "validation changes no data");
		/* PostgreSQL cannot un-validate: the NOT VALID constraint is put
		 * back as it was (a catalog change, no scan). */
		alter_table(v);
		mg_buf_puts(&v->b, "DROP CONSTRAINT ");
		mg_sql_put_ident(&v->b, k->name);
		mg_buf_puts(&v->b, ";\n");
		alter_table(v);
		mg_buf_puts(&v->b, "ADD ");
		if (!rb_put_constraint(&v->b, v->cat, rel, k))
			return nothing(v, "validation changes no data; the definition is not known");
		mg_buf_puts(&v->b, ";\n");
		return;
	case MG_OP_DROP_CONSTRAINT:
		alter_table(v);
		mg_buf_puts(&v->b, "ADD ");
		if (!rb_put_constraint(&v->b, v->cat, rel, k))
			return none(v, "the constraint's definition was not recorded", fix_record(v));
		mg_buf_puts(&v->b, ";\n");
		if (k->kind == MG_CONSTRAINT_CHECK || k->kind == MG_CONSTRAINT_FOREIGN_KEY)
			v->r.note = "validates every row again, and fails if rows written since break it";
		return;
	case MG_OP_RENAME_CONSTRAINT:
		if (!op->new_name)
			return none(v, "the new name is not known", fix_record(v));
		alter_table(v);
		mg_buf_puts(&v->b, "RENAME CONSTRAINT ");
		mg_sql_put_ident(&v->b, op->new_name);
		mg_buf_puts(&v->b, " TO ");
		mg_sql_put_ident(&v->b, k->name);
		mg_buf_puts(&v->b, ";\n");
		return;
	default:
		return none(v, "migraph does not record the constraint's previous attributes",
		            fix_record(v));
	}
}

static void index_back(inv *v)
{
	const mg_operation *op = v->op;
	const char *schema = op->related.name ? op->related.schema : op->object.schema;
	if (op->kind == MG_OP_CREATE_INDEX) {
		const char *name = op->object.name;
		mg_cat_index *old = NULL;
		if (name && mg_catalog_index_table(v->cat, schema, name, &old) &&
		    has(op, MG_OPF_IF_NOT_EXISTS))
			return nothing(v, "the index existed already: IF NOT EXISTS did nothing");
		if (!name)
			name = generated_name(v, true);
		if (!name)
			return none(v, "the index's name is not known", fix_record(v));
		mg_buf_printf(&v->b, "DROP INDEX %sIF EXISTS ", v->conc ? "CONCURRENTLY " : "");
		rb_put_rel(&v->b, v->cat, schema, name);
		mg_buf_puts(&v->b, ";\n");
		v->r.outside_transaction = v->conc;
		return;
	}
	mg_cat_index *ix = NULL;
	const mg_cat_relation *rel = mg_catalog_index_table(v->cat, op->object.schema,
	                                                    op->object.name, &ix);
	if (!rel || !ix)
		return has(op, MG_OPF_IF_EXISTS) ? nothing(v, "it did not exist: IF EXISTS did nothing")
		                                 : none(v, "the index's definition is not known",
		                                        fix_record(v));
	switch (op->kind) {
	case MG_OP_DROP_INDEX:
		if (!rb_put_index(&v->b, v->cat, rel, ix, v->conc))
			return none(v, "the index's definition is not known well enough to write",
			            fix_record(v));
		v->r.outside_transaction = v->conc;
		v->r.note = "rebuilds the index from the table";
		return;
	case MG_OP_RENAME_INDEX:
		return rename_back(v);
	default:
		return none(v, "migraph does not record the index's previous settings", fix_record(v));
	}
}

/* ---- Everything else ------------------------------------------------------ */

static void data_back(inv *v)
{
	const mg_operation *op = v->op;
	mg_object on = mg_op_table(op);
	const char *s = on.schema, *n = on.name;
	const char *t = mg_arena_printf(v->a, "%s.%s", s ? s : mg_catalog_default_schema(v->cat),
	                                n ? n : "?");
	switch (op->kind) {
	case MG_OP_INSERT:
		return none(v, mg_arena_printf(v->a, "the rows it inserts into %s are not identified "
		                                     "by a key migraph can read",
		                               t),
		            mg_arena_printf(v->a, "Delete the inserted rows by their key, or restore %s "
		                                  "from the backup taken before.",
		                            t));
	case MG_OP_UPDATE:
	case MG_OP_MERGE:
		v->r.destroys_data = true;
		return none(v, mg_arena_printf(v->a, "the values it overwrites in %s are gone", t),
		            mg_arena_printf(v->a, "Archive the rows it changes before the step (CREATE "
		                                  "TABLE ... AS SELECT the key and the columns it sets "
		                                  "FROM %s WHERE ...) and write them back from the "
		                                  "archive to go back.",
		                            t));
	case MG_OP_DELETE:
	case MG_OP_TRUNCATE:
		v->r.destroys_data = true;
		return none(v, mg_arena_printf(v->a, "the rows it removes from %s are gone", t),
		            mg_arena_printf(v->a, "Archive the rows before the step (CREATE TABLE "
		                                  "%s_archive AS SELECT * FROM %s [WHERE ...]) and "
		                                  "INSERT them back from the archive to go back.",
		                            n ? n : "t", t));
	default:
		return none(v, mg_arena_printf(v->a, "the data it changes in %s is not recorded", t),
		            mg_arena_printf(v->a, "Restore %s from the backup taken before.", t));
	}
}

/* GRANT goes back with REVOKE and REVOKE with GRANT, of the same
 * privileges to the same roles.  Privileges are a set, not a history: a
 * role that held one of them before the release loses it to the REVOKE
 * too, and a GRANT back gives one the REVOKE found missing, so the
 * inverse restores the shape, not the exact ACL (PostgreSQL 15: a REVOKE
 * ALL FROM PUBLIC on a sequence, granted back, adds USAGE).  Role membership, default privileges, ALL ...
 * IN SCHEMA and grant options keep no inverse (the parser leaves their
 * grantees unset). */
static void grant_back(inv *v)
{
	const mg_operation *op = v->op;
	const char *kw = op->object.kind == MG_OBJ_TABLE || op->object.kind == MG_OBJ_VIEW ||
	                         op->object.kind == MG_OBJ_MATERIALIZED_VIEW ? "TABLE"
	                 : op->object.kind == MG_OBJ_SEQUENCE              ? "SEQUENCE"
	                 : op->object.kind == MG_OBJ_SCHEMA                ? "SCHEMA"
	                                                                   : NULL;
	if (!op->grantees || !op->detail || !kw || !op->object.name)
		return none(v, "the privileges it changes are not recorded", fix_record(v));
	bool revoke = has(op, MG_OPF_NEGATED);
	mg_buf_puts(&v->b, revoke ? "GRANT " : "REVOKE ");
	/* detail lists the privileges in lower case, "select,insert" */
	for (const char *p = op->detail; *p; p++) {
		if (*p == ',')
			mg_buf_puts(&v->b, ", ");
		else
			mg_buf_putc(&v->b, (char)toupper((unsigned char)*p));
	}
	mg_buf_printf(&v->b, " ON %s ", kw);
	if (op->object.kind == MG_OBJ_SCHEMA)
		mg_sql_put_ident(&v->b, op->object.name);
	else
		rb_put_rel(&v->b, v->cat, op->object.schema, op->object.name);
	mg_buf_printf(&v->b, " %s %s;\n", revoke ? "TO" : "FROM", op->grantees);
	v->r.kind = MG_INVERSE_SHAPE;
	v->r.note = revoke ? "the GRANT gives every privilege the REVOKE named, also one a role did "
	                     "not hold before"
	                   : "the REVOKE also takes away one of these privileges a role held before "
	                     "the release";
	v->r.forward_fix = "Record the privileges before the release (\\dp, or "
	                   "information_schema.role_table_grants) and compare before rolling back.";
}

static void misc_back(inv *v)
{
	const mg_operation *op = v->op;
	const char *name = op->object.name;
	switch (op->kind) {
	case MG_OP_CREATE_TYPE:
	case MG_OP_CREATE_DOMAIN:
		if (has(op, MG_OPF_IF_NOT_EXISTS) &&
		    mg_catalog_has_type(v->cat, op->object.schema, name))
			return nothing(v, "it existed already: IF NOT EXISTS did nothing");
		mg_buf_printf(&v->b, "DROP %s ", op->kind == MG_OP_CREATE_TYPE ? "TYPE" : "DOMAIN");
		rb_put_rel(&v->b, v->cat, op->object.schema, name);
		mg_buf_puts(&v->b, ";\n");
		return;
	case MG_OP_RENAME_TYPE:
		return rename_back(v);
	case MG_OP_ADD_ENUM_VALUE:
		return none(v, "PostgreSQL cannot remove a value from an enum type",
		            "Leave the value in place and make sure nothing writes it; to remove it, "
		            "create a new type without it and move the columns to it.");
	case MG_OP_CREATE_FUNCTION: {
		const char *old = mg_catalog_function_sql(v->cat, op->object.schema, name);
		if (old && has(op, MG_OPF_OR_REPLACE)) {
			mg_buf_printf(&v->b, "%s;\n", old);
			return;
		}
		mg_buf_printf(&v->b, "DROP %s ",
		              op->object.kind == MG_OBJ_PROCEDURE ? "PROCEDURE" : "FUNCTION");
		rb_put_rel(&v->b, v->cat, op->object.schema, name);
		mg_buf_puts(&v->b, ";\n");
		return;
	}
	case MG_OP_DROP_FUNCTION: {
		const char *old = mg_catalog_function_sql(v->cat, op->object.schema, name);
		if (!old)
			return none(v, "the function's definition was not recorded", fix_record(v));
		mg_buf_printf(&v->b, "%s;\n", old);
		return;
	}
	case MG_OP_GRANT:
		return grant_back(v);
	case MG_OP_CREATE_TRIGGER: {
		mg_object on = mg_op_table(op);
		const char *s = on.schema, *t = on.name;
		if (!t)
			return none(v, "the trigger's table is not known", fix_record(v));
		mg_buf_puts(&v->b, "DROP TRIGGER ");
		mg_sql_put_ident(&v->b, name);
		mg_buf_puts(&v->b, " ON ");
		rb_put_rel(&v->b, v->cat, s, t);
		mg_buf_puts(&v->b, ";\n");
		return;
	}
	case MG_OP_CREATE_SCHEMA:
		mg_buf_puts(&v->b, "DROP SCHEMA ");
		mg_sql_put_ident(&v->b, name);
		mg_buf_puts(&v->b, ";\n");
		return;
	case MG_OP_CREATE_EXTENSION:
		if (mg_catalog_has_extension(v->cat, name) && has(op, MG_OPF_IF_NOT_EXISTS))
			return nothing(v, "it existed already: IF NOT EXISTS did nothing");
		mg_buf_puts(&v->b, "DROP EXTENSION ");
		mg_sql_put_ident(&v->b, name);
		mg_buf_puts(&v->b, ";\n");
		return;
	case MG_OP_SET_LOGGED:
	case MG_OP_SET_UNLOGGED:
		alter_table(v);
		mg_buf_puts(&v->b, op->kind == MG_OP_SET_LOGGED ? "SET UNLOGGED;\n" : "SET LOGGED;\n");
		v->r.note = "rewrites the table again";
		return;
	case MG_OP_ATTACH_PARTITION:
	case MG_OP_DETACH_PARTITION: {
		if (op->kind == MG_OP_DETACH_PARTITION) {
			const mg_cat_relation *part = mg_catalog_relation(v->cat, op->object.schema, name);
			if (!part || (!part->is_default_partition && !part->bound_in.count &&
			              !part->bound_from.count))
				return none(v, "the partition's bound was not recorded", fix_record(v));
			mg_buf_puts(&v->b, "ALTER TABLE ");
			rb_put_rel(&v->b, v->cat, op->related.schema, op->related.name);
			mg_buf_puts(&v->b, " ATTACH PARTITION ");
			rb_put_rel(&v->b, v->cat, op->object.schema, name);
			if (part->is_default_partition) {
				mg_buf_puts(&v->b, " DEFAULT");
			} else if (part->bound_in.count) {
				mg_buf_puts(&v->b, " FOR VALUES IN (");
				for (size_t i = 0; i < part->bound_in.count; i++)
					mg_buf_printf(&v->b, "%s%s", i ? ", " : "", part->bound_in.items[i]);
				mg_buf_putc(&v->b, ')');
			} else {
				mg_buf_puts(&v->b, " FOR VALUES FROM (");
				for (size_t i = 0; i < part->bound_from.count; i++)
					mg_buf_printf(&v->b, "%s%s", i ? ", " : "", part->bound_from.items[i]);
				mg_buf_puts(&v->b, ") TO (");
				for (size_t i = 0; i < part->bound_to.count; i++)
					mg_buf_printf(&v->b, "%s%s", i ? ", " : "", part->bound_to.items[i]);
				mg_buf_putc(&v->b, ')');
			}
			mg_buf_puts(&v->b, ";\n");
			const char *check = has(op, MG_OPF_CONCURRENTLY) ? detach_check(v, part) : NULL;
			if (check) {
				mg_buf_puts(&v->b, "ALTER TABLE ");
				rb_put_rel(&v->b, v->cat, op->object.schema, name);
				mg_buf_puts(&v->b, " DROP CONSTRAINT ");
				mg_sql_put_ident(&v->b, check);
				mg_buf_puts(&v->b, ";\n");
				v->r.note = mg_arena_printf(v->a, "the CHECK %s that DETACH CONCURRENTLY left "
				                                  "proves the bound, so ATTACH skips its scan; "
				                                  "then it goes",
				                            check);
			} else {
				v->r.note = "scans the partition to check its bound";
			}
			return;
		}
		mg_buf_puts(&v->b, "ALTER TABLE ");
		rb_put_rel(&v->b, v->cat, op->related.schema, op->related.name);
		mg_buf_puts(&v->b, " DETACH PARTITION ");
		rb_put_rel(&v->b, v->cat, op->object.schema, name);
		mg_buf_puts(&v->b, ";\n");
		return;
	}
	case MG_OP_ENABLE_TRIGGER: {
		mg_object on = mg_op_table(op);
		const char *s = on.schema, *t = on.name;
		if (!t || !name)
			return none(v, "the trigger is not known", fix_record(v));
		mg_buf_puts(&v->b, "ALTER TABLE ");
		rb_put_rel(&v->b, v->cat, s, t);
		mg_buf_puts(&v->b, has(op, MG_OPF_NEGATED) ? " ENABLE TRIGGER " : " DISABLE TRIGGER ");
		mg_sql_put_ident(&v->b, name);
		mg_buf_puts(&v->b, ";\n");
		return;
	}
	default:
		return none(v, mg_arena_printf(v->a, "migraph does not record what %s changes",
		                               mg_op_kind_name(op->kind)),
		            fix_record(v));
	}
}

static bool no_schema_effect(const mg_operation *op)
{
	switch (op->kind) {
	case MG_OP_VACUUM:
	case MG_OP_ANALYZE:
	case MG_OP_CLUSTER:
	case MG_OP_REINDEX:
	case MG_OP_LOCK_TABLE:
	case MG_OP_REFRESH_MATERIALIZED_VIEW:
	case MG_OP_SELECT:
		return true;
	default:
		return mg_op_is_session(op);
	}
}

static void dispatch(inv *v)
{
	const mg_operation *op = v->op;
	if (no_schema_effect(op))
		return nothing(v, "no schema change to take back");
	if (op->object.kind == MG_OBJ_COLUMN && op->kind != MG_OP_COMMENT)
		return column_back(v);
	switch (op->kind) {
	case MG_OP_OPAQUE:
		return none(v, mg_arena_printf(v->a, "%s cannot be analysed",
		                               mg_opaque_kind_name(op->opaque_kind)),
		            "Read the code and write its inverse by hand, or restore from the backup "
		            "taken before the release.");
	case MG_OP_CREATE_TABLE: return drop_created(v, MG_OBJ_TABLE);
	case MG_OP_CREATE_VIEW: return drop_created(v, MG_OBJ_VIEW);
	case MG_OP_CREATE_MATERIALIZED_VIEW: return drop_created(v, MG_OBJ_MATERIALIZED_VIEW);
	case MG_OP_CREATE_SEQUENCE: return drop_created(v, MG_OBJ_SEQUENCE);
	case MG_OP_DROP_TABLE:
	case MG_OP_DROP_VIEW:
	case MG_OP_DROP_MATERIALIZED_VIEW:
	case MG_OP_DROP_SEQUENCE: return recreate_dropped(v);
	case MG_OP_RENAME_TABLE:
	case MG_OP_RENAME_VIEW:
	case MG_OP_RENAME_SEQUENCE: return rename_back(v);
	case MG_OP_ADD_CONSTRAINT:
	case MG_OP_VALIDATE_CONSTRAINT:
	case MG_OP_DROP_CONSTRAINT:
	case MG_OP_RENAME_CONSTRAINT:
	case MG_OP_ALTER_CONSTRAINT: return constraint_back(v);
	case MG_OP_CREATE_INDEX:
	case MG_OP_DROP_INDEX:
	case MG_OP_RENAME_INDEX:
	case MG_OP_ALTER_INDEX:
	case MG_OP_ATTACH_INDEX: return index_back(v);
	case MG_OP_INSERT:
	case MG_OP_UPDATE:
	case MG_OP_DELETE:
	case MG_OP_MERGE:
	case MG_OP_COPY:
	case MG_OP_TRUNCATE: return data_back(v);
	default: return misc_back(v);
	}
}

mg_inverse mg_inverse_of(mg_project *project, const mg_catalog *before, const mg_operation *op,
                         bool concurrently)
{
	inv v = {project, &project->arena, before, op, concurrently, MG_BUF_INIT, {0}};
	v.r.kind = MG_INVERSE_EXACT;
	dispatch(&v);
	if ((v.r.kind == MG_INVERSE_EXACT || v.r.kind == MG_INVERSE_SHAPE) && v.b.len) {
		const char *sql = mg_arena_strndup(v.a, v.b.data, v.b.len);
		/* What migraph writes must parse: anything else is no inverse. */
		if (mg_sql_parses(sql)) {
			v.r.sql = sql;
		} else {
			v.r.kind = MG_INVERSE_NONE;
			v.r.note = mg_arena_printf(v.a, "migraph could not write a valid inverse of %s",
			                           mg_op_kind_name(op->kind));
			v.r.forward_fix = fix_record(&v);
		}
	} else if (v.r.kind == MG_INVERSE_EXACT) {
		v.r.kind = MG_INVERSE_NOTHING;
	}
	mg_buf_dispose(&v.b);
	return v.r;
}

/* Weakest first: a rollback is as faithful as its least faithful part. */
static int rank(mg_inverse_kind k)
{
	switch (k) {
	case MG_INVERSE_NOTHING: return 0;
	case MG_INVERSE_EXACT: return 1;
	case MG_INVERSE_SHAPE: return 2;
	case MG_INVERSE_NONE: return 3;
	}
	return 3;
}

mg_inverse mg_inverse_of_ops(mg_project *project, mg_catalog *work, const mg_operation *const *ops,
                             size_t n_ops, bool concurrently)
{
	mg_arena *a = &project->arena;
	mg_inverse all = {.kind = MG_INVERSE_NOTHING};
	const char **parts = mg_arena_alloc(a, (n_ops + 1) * sizeof *parts);
	mg_buf notes = MG_BUF_INIT, fixes = MG_BUF_INIT, idle = MG_BUF_INIT;
	for (size_t i = 0; i < n_ops; i++) {
		mg_inverse one = mg_inverse_of(project, work, ops[i], concurrently);
		mg_catalog_apply(work, ops[i], 0, NULL, NULL);
		parts[i] = one.sql;
		if (rank(one.kind) > rank(all.kind))
			all.kind = one.kind;
		all.destroys_data = all.destroys_data || one.destroys_data;
		all.outside_transaction = all.outside_transaction || one.outside_transaction;
		if (one.note && one.kind != MG_INVERSE_NOTHING)
			mg_buf_printf(&notes, "%s%s", notes.len ? "; " : "", one.note);
		else if (one.note && !idle.len)
			mg_buf_puts(&idle, one.note);
		if (one.forward_fix)
			mg_buf_printf(&fixes, "%s%s", fixes.len ? " " : "", one.forward_fix);
	}
	mg_buf sql = MG_BUF_INIT;
	for (size_t i = n_ops; i-- > 0;)
		if (parts[i])
			mg_buf_puts(&sql, parts[i]);
	all.sql = sql.len ? mg_arena_strndup(a, sql.data, sql.len) : NULL;
	/* Why nothing needs undoing is only worth saying when nothing does. */
	all.note = notes.len                          ? mg_arena_strndup(a, notes.data, notes.len)
	           : all.kind == MG_INVERSE_NOTHING && idle.len ? mg_arena_strndup(a, idle.data, idle.len)
	                                                        : NULL;
	all.forward_fix = fixes.len ? mg_arena_strndup(a, fixes.data, fixes.len) : NULL;
	if (all.kind == MG_INVERSE_NONE)
		all.sql = NULL;
	mg_buf_dispose(&sql);
	mg_buf_dispose(&notes);
	mg_buf_dispose(&fixes);
	mg_buf_dispose(&idle);
	return all;
}

/* ---- The rollback a project gives a changeset ------------------------------ */

mg_changeset_rollback mg_changeset_rollback_of(mg_arena *arena, const mg_project *project,
                                               const mg_changeset *cs)
{
	mg_changeset_rollback r = {.kind = MG_ROLLBACK_NONE, .loc = cs->loc};
	if (mg_changeset_kind_is_flyway(cs->kind)) {
		const mg_changeset *u = mg_project_undo_of(project, cs);
		if (!u)
			return r;
		r.kind = MG_ROLLBACK_UNDO;
		r.undo = u;
		r.stmts = u->stmts;
		r.n_stmts = u->n_stmts;
		r.loc = u->loc;
		r.source = mg_arena_printf(arena, "flyway undo %s", u->script ? u->script : u->loc.file);
		return r;
	}
	if (cs->has_rollback) {
		r.kind = cs->n_rollback ? MG_ROLLBACK_BLOCK : MG_ROLLBACK_EMPTY_BLOCK;
		r.stmts = cs->rollback;
		r.n_stmts = cs->n_rollback;
		if (cs->n_rollback && cs->rollback[0]->loc.line)
			r.loc = cs->rollback[0]->loc;
		r.source = cs->n_rollback ? "liquibase rollback block" : "liquibase empty rollback block";
		return r;
	}
	if (cs->auto_rollback) {
		r.kind = MG_ROLLBACK_AUTO;
		r.source = "liquibase automatic rollback";
	}
	return r;
}
