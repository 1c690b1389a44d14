/*
 * json.c: the JSON document of the output contract.
 *
 * One top-level object: tool, engine, changesets, skipped, findings,
 * diagnostics and summary.  Field names are a public contract documented
 * by formats/report.schema.json: add fields freely, never rename them.
 * Keys whose value is unknown are written as null; operation fields that
 * do not apply to an operation kind are left out.
 */
#include <string.h>

#include <math.h>

#include "migraph/engine.h"
#include "migraph/graph.h"
#include "migraph/ignore.h"
#include "migraph/render.h"
#include "migraph/triage.h"
#include "migraph/risk.h"
#include "render/json_writer.h"
#include "render/review_int.h"

static void write_object(rnd_json *j, const mg_object *o)
{
	if (!o || o->kind == MG_OBJ_NONE) {
		rnd_json_null(j);
		return;
	}
	rnd_json_begin_object(j);
	rnd_json_kv_string(j, "kind", mg_object_kind_name(o->kind));
	rnd_json_kv_string(j, "schema", o->schema);
	rnd_json_kv_string(j, "table", o->table);
	rnd_json_kv_string(j, "name", o->name);
	rnd_json_end_object(j);
}

/* The plan's JSON (plan_json.c) writes objects the same way. */
void rv_json_object(rnd_json *j, const mg_object *o)
{
	write_object(j, o);
}

static void write_names(rnd_json *j, const char *key, const mg_name_list *list)
{
	rnd_json_key(j, key);
	rnd_json_begin_array(j);
	for (size_t i = 0; i < list->count; i++)
		rnd_json_string(j, list->items[i]);
	rnd_json_end_array(j);
}

static void write_constraint(rnd_json *j, const mg_constraint_def *c)
{
	rnd_json_begin_object(j);
	rnd_json_kv_string(j, "kind", mg_constraint_kind_name(c->kind));
	rnd_json_kv_string(j, "name", c->name);
	write_names(j, "columns", &c->columns);
	if (c->kind == MG_CONSTRAINT_FOREIGN_KEY) {
		rnd_json_key(j, "ref_table");
		write_object(j, &c->ref_table);
		write_names(j, "ref_columns", &c->ref_columns);
		rnd_json_kv_string(j, "on_delete", c->on_delete);
		rnd_json_kv_string(j, "on_update", c->on_update);
	}
	rnd_json_kv_string_opt(j, "expr", c->expr);
	rnd_json_kv_string_opt(j, "using_index", c->using_index);
	rnd_json_kv_bool(j, "not_valid", c->not_valid);
	if (c->deferrable)
		rnd_json_kv_bool(j, "deferrable", true);
	if (c->initially_deferred)
		rnd_json_kv_bool(j, "initially_deferred", true);
	rnd_json_end_object(j);
}

static void write_column(rnd_json *j, const mg_column_def *c)
{
	rnd_json_begin_object(j);
	rnd_json_kv_string(j, "name", c->name);
	rnd_json_kv_string(j, "type", c->type);
	rnd_json_kv_bool(j, "not_null", c->not_null);
	rnd_json_kv_string(j, "default", c->default_expr);
	rnd_json_kv_string(j, "default_volatility", mg_volatility_name(c->default_volatility));
	if (c->primary_key)
		rnd_json_kv_bool(j, "primary_key", true);
	if (c->unique)
		rnd_json_kv_bool(j, "unique", true);
	if (c->identity)
		rnd_json_kv_bool(j, "identity", true);
	if (c->generated_stored)
		rnd_json_kv_bool(j, "generated_stored", true);
	if (c->serial)
		rnd_json_kv_bool(j, "serial", true);
	if (c->n_constraints) {
		rnd_json_key(j, "constraints");
		rnd_json_begin_array(j);
		for (size_t i = 0; i < c->n_constraints; i++)
			write_constraint(j, &c->constraints[i]);
		rnd_json_end_array(j);
	}
	rnd_json_end_object(j);
}

/* The engine model's verdict (filled during replay). */
static void write_effects(rnd_json *j, const mg_operation *op)
{
	if (!(op->effects & MG_EFF_MODELLED))
		return;
	rnd_json_key(j, "locks");
	rnd_json_begin_array(j);
	for (size_t i = 0; i < op->n_locks; i++) {
		const mg_lock *l = &op->locks[i];
		rnd_json_begin_object(j);
		rnd_json_key(j, "relation");
		mg_buf rel = MG_BUF_INIT;
		mg_object_put(&rel, &l->relation);
		rnd_json_string(j, mg_buf_cstr(&rel));
		mg_buf_dispose(&rel);
		rnd_json_kv_string(j, "kind", mg_object_kind_name(l->relation.kind));
		rnd_json_kv_string(j, "mode", mg_lock_mode_name(l->mode));
		rnd_json_end_object(j);
	}
	rnd_json_end_array(j);
	rnd_json_kv_bool(j, "rewrite", op->effects & MG_EFF_REWRITE);
	rnd_json_kv_bool(j, "scan", op->effects & MG_EFF_SCAN);
	rnd_json_kv_bool(j, "index_build", op->effects & MG_EFF_INDEX_BUILD);
	rnd_json_kv_bool(j, "transaction_block_allowed", !(op->effects & MG_EFF_NO_TXN_BLOCK));
	rnd_json_kv_string(j, "engine_note", op->effect_note);
	rnd_json_kv_string(j, "predicted_error", op->predicted_error);
}

static void write_risk(rnd_json *j, const mg_changeset_risk *r)
{
	rnd_json_key(j, "risk");
	if (!r || !r->stmts) {
		rnd_json_null(j);
		return;
	}
	rnd_json_begin_object(j);
	rnd_json_key(j, "expected_runtime_ms");
	if (r->runtime_known)
		rnd_json_int(j, (long long)llround(r->runtime_ms));
	else
		rnd_json_null(j);
	rnd_json_kv_string(j, "severity", mg_severity_name(r->severity));
	rnd_json_kv_string(j, "slo_verdict", r->verdict == MG_SLO_OK         ? "ok"
	                                    : r->verdict == MG_SLO_EXCEEDED ? "exceeded"
	                                                                    : "unknown");
	rnd_json_kv_bool(j, "sizes_known", r->sizes_known);
	rnd_json_kv_bool(j, "lock_timeout_set", r->lock_timeout_set);
	rnd_json_kv_bool(j, "statement_timeout_set", r->statement_timeout_set);
	rnd_json_key(j, "replication_lag_ms");
	if (r->replication_lag_known)
		rnd_json_int(j, (long long)llround(r->replication_lag_s * 1000));
	else
		rnd_json_null(j);
	rnd_json_key(j, "tables");
	rnd_json_begin_array(j);
	for (size_t i = 0; i < r->n_tables; i++) {
		const mg_table_risk *t = &r->tables[i];
		rnd_json_begin_object(j);
		mg_buf rel = MG_BUF_INIT;
		mg_object_put(&rel, &t->table);
		rnd_json_kv_string(j, "relation", mg_buf_cstr(&rel));
		mg_buf_dispose(&rel);
		rnd_json_kv_string(j, "mode", mg_lock_mode_name(t->mode));
		rnd_json_key(j, "bytes");
		if (t->size_known)
			rnd_json_int(j, (long long)t->bytes);
		else
			rnd_json_null(j);
		rnd_json_kv_bool(j, "new_in_release", t->new_in_release);
		rnd_json_kv_bool(j, "blocks_reads", t->blocks_reads);
		rnd_json_kv_bool(j, "blocks_writes", t->blocks_writes);
		rnd_json_key(j, "blocked_ms");
		if (t->blocked_known && t->size_known)
			rnd_json_int(j, (long long)llround(t->blocked_ms));
		else
			rnd_json_null(j);
		rnd_json_key(j, "requests_queued");
		if (t->blocked_known && t->size_known)
			rnd_json_int(j, (long long)llround(t->queued_requests));
		else
			rnd_json_null(j);
		rnd_json_kv_bool(j, "lock_queue_risk", t->lock_queue_risk);
		rnd_json_end_object(j);
	}
	rnd_json_end_array(j);
	rnd_json_key(j, "statements");
	rnd_json_begin_array(j);
	/* One entry per statement: the cost model's kind, runtime and assumption. */
	for (const mg_stmt_risk *s = r->stmts; s < r->stmts + r->n_stmts; s++) {
		rnd_json_begin_object(j);
		rnd_json_kv_string(j, "cost", mg_cost_kind_name(s->cost));
		rnd_json_key(j, "expected_runtime_ms");
		if (s->runtime_known)
			rnd_json_int(j, (long long)llround(s->runtime_ms));
		else
			rnd_json_null(j);
		rnd_json_kv_string(j, "assumption", s->assumption);
		rnd_json_end_object(j);
	}
	rnd_json_end_array(j);
	rnd_json_end_object(j);
}

static void write_operation(rnd_json *j, const mg_operation *op)
{
	rnd_json_begin_object(j);
	rnd_json_kv_string(j, "kind", mg_op_kind_name(op->kind));
	rnd_json_key(j, "object");
	write_object(j, &op->object);
	rnd_json_key(j, "related");
	write_object(j, &op->related);
	rnd_json_key(j, "flags");
	rnd_json_begin_array(j);
	for (unsigned bit = 1; bit && bit <= MG_OPF__LAST; bit <<= 1)
		if (op->flags & bit)
			rnd_json_string(j, mg_op_flag_name(bit));
	rnd_json_end_array(j);
	rnd_json_kv_int(j, "line", op->loc.line);
	rnd_json_kv_int(j, "column", op->loc.col);
	if (op->kind == MG_OP_OPAQUE)
		rnd_json_kv_string(j, "opaque_kind", mg_opaque_kind_name(op->opaque_kind));
	rnd_json_kv_string_opt(j, "new_name", op->new_name);
	if (op->column) {
		/* "column" is the operation's position, as everywhere else. */
		rnd_json_key(j, "column_def");
		write_column(j, op->column);
	}
	if (op->n_columns) {
		rnd_json_key(j, "columns");
		rnd_json_begin_array(j);
		for (size_t i = 0; i < op->n_columns; i++)
			write_column(j, &op->columns[i]);
		rnd_json_end_array(j);
	}
	if (op->constraint) {
		rnd_json_key(j, "constraint");
		write_constraint(j, op->constraint);
	}
	if (op->n_constraints) {
		rnd_json_key(j, "constraints");
		rnd_json_begin_array(j);
		for (size_t i = 0; i < op->n_constraints; i++)
			write_constraint(j, &op->constraints[i]);
		rnd_json_end_array(j);
	}
	if (op->kind == MG_OP_ALTER_COLUMN_TYPE) {
		rnd_json_kv_string(j, "type_from", op->type_from);
		rnd_json_kv_string(j, "type_to", op->type_to);
		rnd_json_kv_string_opt(j, "using", op->using_expr);
	}
	if (op->kind == MG_OP_SET_DEFAULT) {
		rnd_json_kv_string(j, "default", op->default_expr);
		rnd_json_kv_string(j, "default_volatility", mg_volatility_name(op->default_volatility));
	}
	if (op->index_columns.count)
		write_names(j, "index_columns", &op->index_columns);
	if (op->partition_key.count)
		write_names(j, "partition_key", &op->partition_key);
	rnd_json_kv_string_opt(j, "index_method", op->index_method);
	rnd_json_kv_string_opt(j, "where", op->where_expr);
	if (op->n_depends) {
		rnd_json_key(j, "depends");
		rnd_json_begin_array(j);
		for (size_t i = 0; i < op->n_depends; i++)
			write_object(j, &op->depends[i]);
		rnd_json_end_array(j);
	}
	if (op->setting_name) {
		rnd_json_kv_string(j, "setting", op->setting_name);
		rnd_json_kv_string(j, "value", op->setting_value);
	}
	rnd_json_kv_string_opt(j, "detail", op->detail);
	write_effects(j, op);
	rnd_json_end_object(j);
}

static void write_statements(rnd_json *j, const char *key, mg_statement *const *stmts,
                             size_t n)
{
	rnd_json_key(j, key);
	rnd_json_begin_array(j);
	for (size_t i = 0; i < n; i++) {
		const mg_statement *st = stmts[i];
		rnd_json_begin_object(j);
		rnd_json_kv_string(j, "file", st->loc.file);
		rnd_json_kv_int(j, "line", st->loc.line);
		rnd_json_kv_int(j, "column", st->loc.col);
		rnd_json_key(j, "sql");
		if (st->sql)
			rnd_json_string_n(j, st->sql, st->sql_len);
		else
			rnd_json_null(j);
		rnd_json_kv_bool(j, "parse_failed", st->parse_failed);
		rnd_json_key(j, "operations");
		rnd_json_begin_array(j);
		for (size_t k = 0; k < st->n_ops; k++)
			write_operation(j, st->ops[k]);
		rnd_json_end_array(j);
		rnd_json_end_object(j);
	}
	rnd_json_end_array(j);
}

static void write_changeset(rnd_json *j, const mg_changeset *cs, const mg_changeset_risk *risk)
{
	rnd_json_begin_object(j);
	rnd_json_kv_int(j, "index", (long long)cs->index);
	rnd_json_kv_string(j, "kind", mg_changeset_kind_name(cs->kind));
	rnd_json_kv_string(j, "file", cs->loc.file);
	rnd_json_kv_int(j, "line", cs->loc.line);
	if (mg_changeset_kind_is_flyway(cs->kind)) {
		rnd_json_kv_string(j, "version", cs->version.n_parts ? cs->version.text : NULL);
		rnd_json_kv_string(j, "description", cs->description);
		rnd_json_kv_string(j, "script", cs->script);
		rnd_json_key(j, "checksum");
		if (cs->has_checksum)
			rnd_json_int(j, cs->checksum);
		else
			rnd_json_null(j);
	} else {
		rnd_json_kv_string(j, "id", cs->id);
		rnd_json_kv_string(j, "author", cs->author);
		rnd_json_kv_string(j, "filename", cs->filename);
		rnd_json_kv_string(j, "contexts", cs->contexts);
		rnd_json_kv_string(j, "labels", cs->labels);
		rnd_json_kv_string(j, "dbms", cs->dbms);
		rnd_json_kv_bool(j, "run_on_change", cs->run_on_change);
		rnd_json_kv_bool(j, "run_always", cs->run_always);
		rnd_json_kv_bool(j, "fail_on_error", cs->fail_on_error);
		rnd_json_kv_string(j, "md5sum", cs->md5sum);
		rnd_json_key(j, "change_types");
		rnd_json_begin_array(j);
		for (size_t i = 0; i < cs->n_change_types; i++)
			rnd_json_string(j, cs->change_types[i]);
		rnd_json_end_array(j);
		rnd_json_kv_bool(j, "has_rollback", cs->has_rollback);
		rnd_json_kv_bool(j, "auto_rollback", cs->auto_rollback);
	}
	rnd_json_kv_bool(j, "run_in_transaction", cs->run_in_transaction);
	rnd_json_kv_bool(j, "in_release", (cs->flags & MG_CSF_IN_RELEASE) != 0);
	rnd_json_kv_bool(j, "filtered", (cs->flags & MG_CSF_FILTERED) != 0);
	rnd_json_kv_bool(j, "not_applicable", (cs->flags & MG_CSF_NOT_APPLICABLE) != 0);
	rnd_json_kv_bool(j, "ignored", (cs->flags & MG_CSF_IGNORED) != 0);
	rnd_json_kv_bool(j, "opaque", (cs->flags & MG_CSF_OPAQUE) != 0);
	rnd_json_kv_string(j, "filter_reason", cs->filter_reason);
	write_statements(j, "statements", cs->stmts, cs->n_stmts);
	if (!mg_changeset_kind_is_flyway(cs->kind))
		write_statements(j, "rollback", cs->rollback, cs->n_rollback);
	write_risk(j, risk);
	rnd_json_end_object(j);
}

static void write_loc_fields(rnd_json *j, const mg_loc *loc)
{
	rnd_json_kv_string(j, "file", loc->file);
	rnd_json_key(j, "line");
	if (loc->line)
		rnd_json_int(j, loc->line);
	else
		rnd_json_null(j);
	rnd_json_key(j, "column");
	if (loc->col)
		rnd_json_int(j, loc->col);
	else
		rnd_json_null(j);
}

static void write_diagnostic(rnd_json *j, const mg_diag *d)
{
	rnd_json_begin_object(j);
	rnd_json_kv_string(j, "severity", mg_severity_name(d->severity));
	rnd_json_kv_string(j, "code", d->code);
	write_loc_fields(j, &d->loc);
	rnd_json_kv_string(j, "message", d->message);
	rnd_json_kv_string(j, "hint", d->hint);
	rnd_json_key(j, "include_chain");
	rnd_json_begin_array(j);
	for (size_t i = 0; i < d->n_chain; i++) {
		rnd_json_begin_object(j);
		write_loc_fields(j, &d->chain[i]);
		rnd_json_end_object(j);
	}
	rnd_json_end_array(j);
	rnd_json_end_object(j);
}

static void write_finding(rnd_json *j, const mg_analysis *a, const mg_finding *f)
{
	rnd_json_begin_object(j);
	rnd_json_kv_string(j, "rule", f->rule->id);
	rnd_json_kv_string(j, "category", mg_category_name(f->rule->category));
	rnd_json_kv_string(j, "severity", mg_severity_name(f->severity));
	write_loc_fields(j, &f->loc);
	rnd_json_key(j, "changeset_index");
	if (f->has_changeset) {
		rnd_json_int(j, (long long)f->changeset_index);
		const mg_changeset *cs = a->project->changesets[f->changeset_index];
		rnd_json_key(j, "changeset");
		rnd_json_begin_object(j);
		if (mg_changeset_kind_is_flyway(cs->kind)) {
			rnd_json_kv_string(j, "version", cs->version.n_parts ? cs->version.text : NULL);
			rnd_json_kv_string(j, "description", cs->description);
			rnd_json_kv_string(j, "script", cs->script);
		} else {
			rnd_json_kv_string(j, "id", cs->id);
			rnd_json_kv_string(j, "author", cs->author);
			rnd_json_kv_string(j, "filename", cs->filename);
		}
		rnd_json_end_object(j);
	} else {
		rnd_json_null(j);
	}
	rnd_json_key(j, "object");
	write_object(j, &f->object);
	rnd_json_kv_string(j, "message", f->message);
	rnd_json_kv_string(j, "safe_alternative", f->safe_alternative);
	/* Only suppressed findings carry the key: a finding without it is
	 * live, and reports from before suppressions existed stay valid. */
	if (f->suppressed_by) {
		rnd_json_key(j, "suppression");
		rnd_json_begin_object(j);
		rnd_json_kv_string(j, "kind", "inline");
		write_loc_fields(j, &f->suppressed_by->loc);
		rnd_json_kv_string(j, "reason", f->suppressed_by->reason);
		rnd_json_end_object(j);
	}
	rnd_json_end_object(j);
}

/* The changeset graph: nodes are changesets (by index), edges execution
 * order, def-use (labelled with the object) and inversions. */
static void write_graph(rnd_json *j, const mg_analysis *a)
{
	rnd_json_key(j, "graph");
	const mg_graph *g = a->graph;
	if (!g) {
		rnd_json_null(j);
		return;
	}
	rnd_json_begin_object(j);
	rnd_json_key(j, "nodes");
	rnd_json_begin_array(j);
	for (size_t i = 0; i < g->n_nodes && i < a->project->n_changesets; i++)
		rnd_json_int(j, (long long)i);
	rnd_json_end_array(j);
	rnd_json_key(j, "edges");
	rnd_json_begin_array(j);
	static const char *const kinds[] = {"order", "def_use", "inversion"};
	for (size_t i = 0; i < g->n_edges; i++) {
		const mg_graph_edge *e = &g->edges[i];
		rnd_json_begin_object(j);
		rnd_json_kv_int(j, "from", (long long)e->from);
		rnd_json_kv_int(j, "to", (long long)e->to);
		rnd_json_kv_string(j, "kind", (unsigned)e->kind < 3 ? kinds[e->kind] : "unknown");
		rnd_json_key(j, "object");
		write_object(j, &e->object);
		rnd_json_end_object(j);
	}
	rnd_json_end_array(j);
	rnd_json_end_object(j);
}

void mg_render_json(mg_buf *out, const mg_analysis *analysis, const mg_render_options *opts)
{
	rv_json_report(out, analysis, opts, NULL);
}

void rv_json_report(mg_buf *out, const mg_analysis *analysis, const mg_render_options *opts,
                    const mg_plan *plan)
{
	const mg_project *p = analysis->project;
	rnd_json j;
	rnd_json_init(&j, out, true);
	rnd_json_begin_object(&j);

	rnd_json_key(&j, "tool");
	rnd_json_begin_object(&j);
	rnd_json_kv_string(&j, "name", "migraph");
	rnd_json_kv_string(&j, "version", MG_VERSION_STRING);
	rnd_json_end_object(&j);

	rnd_json_key(&j, "engine");
	rnd_json_begin_object(&j);
	rnd_json_kv_string(&j, "name", mg_engine_name(p->engine.kind));
	rnd_json_kv_int(&j, "major", p->engine.major);
	rnd_json_kv_int(&j, "minor", p->engine.minor);
	rnd_json_end_object(&j);

	rnd_json_kv_string(&j, "format", p->format == MG_FORMAT_FLYWAY      ? "flyway"
	                                : p->format == MG_FORMAT_LIQUIBASE ? "liquibase"
	                                                                   : NULL);

	size_t n_stmts = 0, n_ops = 0, n_opaque = 0, n_failed = 0, n_listed = 0;
	rnd_json_key(&j, "changesets");
	rnd_json_begin_array(&j);
	for (size_t i = 0; i < p->n_changesets; i++) {
		const mg_changeset *cs = p->changesets[i];
		if ((cs->flags & MG_CSF_FILTERED) && !opts->show_all)
			continue;
		n_listed++;
		write_changeset(&j, cs, analysis->risk ? &analysis->risk[i] : NULL);
		for (size_t s = 0; s < cs->n_stmts; s++) {
			const mg_statement *st = cs->stmts[s];
			n_stmts++;
			n_failed += st->parse_failed;
			for (size_t k = 0; k < st->n_ops; k++) {
				n_ops++;
				n_opaque += st->ops[k]->kind == MG_OP_OPAQUE;
			}
		}
	}
	rnd_json_end_array(&j);

	rnd_json_key(&j, "skipped");
	rnd_json_begin_array(&j);
	for (size_t i = 0; i < p->n_skipped; i++) {
		rnd_json_begin_object(&j);
		rnd_json_kv_string(&j, "file", p->skipped[i].file);
		rnd_json_kv_string(&j, "reason", p->skipped[i].reason);
		rnd_json_end_object(&j);
	}
	rnd_json_end_array(&j);

	rnd_json_key(&j, "findings");
	rnd_json_begin_array(&j);
	for (size_t i = 0; i < analysis->n_findings; i++)
		write_finding(&j, analysis, analysis->findings[i]);
	rnd_json_end_array(&j);

	rnd_json_key(&j, "diagnostics");
	rnd_json_begin_array(&j);
	for (size_t i = 0; i < p->diags.count; i++)
		write_diagnostic(&j, p->diags.items[i]);
	rnd_json_end_array(&j);

	write_graph(&j, analysis);
	if (plan)
		rv_json_plan(&j, plan);

	rnd_json_key(&j, "summary");
	rnd_json_begin_object(&j);
	rnd_json_kv_int(&j, "files", (long long)p->n_files);
	rnd_json_kv_int(&j, "changesets", (long long)n_listed);
	rnd_json_kv_int(&j, "statements", (long long)n_stmts);
	rnd_json_kv_int(&j, "statements_not_parsed", (long long)n_failed);
	rnd_json_kv_int(&j, "operations", (long long)n_ops);
	rnd_json_kv_int(&j, "opaque_operations", (long long)n_opaque);
	rnd_json_kv_int(&j, "skipped_files", (long long)p->n_skipped);
	rnd_json_kv_int(&j, "findings", (long long)analysis->n_findings);
	rnd_json_kv_int(&j, "diagnostics", (long long)p->diags.count);
	if (opts->triage && opts->triage->suppressed)
		rnd_json_kv_int(&j, "suppressed", (long long)opts->triage->suppressed);
	if (opts->triage && opts->triage->has_baseline)
		rnd_json_kv_int(&j, "baselined", (long long)opts->triage->baselined);
	if (opts->triage && opts->triage->outside_release)
		rnd_json_kv_int(&j, "diagnostics_outside_release",
		               (long long)opts->triage->outside_release);
	rnd_json_kv_bool(&j, "sizes_known", analysis->sizes_known);
	rnd_json_end_object(&j);

	rnd_json_end_object(&j);
	mg_buf_putc(out, '\n');
}
