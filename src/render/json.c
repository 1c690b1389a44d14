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

static void write_object(mg_json *j, const mg_object *o)
{
	if (!o || o->kind == MG_OBJ_NONE) {
		mg_json_null(j);
		return;
	}
	mg_json_begin_object(j);
	mg_json_kv_string(j, "kind", mg_object_kind_name(o->kind));
	mg_json_kv_string(j, "schema", o->schema);
	mg_json_kv_string(j, "table", o->table);
	mg_json_kv_string(j, "name", o->name);
	mg_json_end_object(j);
}

/* The plan's JSON (plan_json.c) writes objects the same way. */
void rv_json_object(mg_json *j, const mg_object *o)
{
	write_object(j, o);
}

static void write_names(mg_json *j, const char *key, const mg_name_list *list)
{
	mg_json_key(j, key);
	mg_json_begin_array(j);
	for (size_t i = 0; i < list->count; i++)
		mg_json_string(j, list->items[i]);
	mg_json_end_array(j);
}

static void write_constraint(mg_json *j, const mg_constraint_def *c)
{
	mg_json_begin_object(j);
	mg_json_kv_string(j, "kind", mg_constraint_kind_name(c->kind));
	mg_json_kv_string(j, "name", c->name);
	write_names(j, "columns", &c->columns);
	if (c->kind == MG_CONSTRAINT_FOREIGN_KEY) {
		mg_json_key(j, "ref_table");
		write_object(j, &c->ref_table);
		write_names(j, "ref_columns", &c->ref_columns);
		mg_json_kv_string(j, "on_delete", c->on_delete);
		mg_json_kv_string(j, "on_update", c->on_update);
	}
	mg_json_kv_string_opt(j, "expr", c->expr);
	mg_json_kv_string_opt(j, "using_index", c->using_index);
	mg_json_kv_bool(j, "not_valid", c->not_valid);
	if (c->deferrable)
		mg_json_kv_bool(j, "deferrable", true);
	if (c->initially_deferred)
		mg_json_kv_bool(j, "initially_deferred", true);
	mg_json_end_object(j);
}

static void write_column(mg_json *j, const mg_column_def *c)
{
	mg_json_begin_object(j);
	mg_json_kv_string(j, "name", c->name);
	mg_json_kv_string(j, "type", c->type);
	mg_json_kv_bool(j, "not_null", c->not_null);
	mg_json_kv_string(j, "default", c->default_expr);
	mg_json_kv_string(j, "default_volatility", mg_volatility_name(c->default_volatility));
	if (c->primary_key)
		mg_json_kv_bool(j, "primary_key", true);
	if (c->unique)
		mg_json_kv_bool(j, "unique", true);
	if (c->identity)
		mg_json_kv_bool(j, "identity", true);
	if (c->generated_stored)
		mg_json_kv_bool(j, "generated_stored", true);
	if (c->serial)
		mg_json_kv_bool(j, "serial", true);
	if (c->n_constraints) {
		mg_json_key(j, "constraints");
		mg_json_begin_array(j);
		for (size_t i = 0; i < c->n_constraints; i++)
			write_constraint(j, &c->constraints[i]);
		mg_json_end_array(j);
	}
	mg_json_end_object(j);
}

/* The engine model's verdict (filled during replay). */
static void write_effects(mg_json *j, const mg_operation *op)
{
	if (!(op->effects & MG_EFF_MODELLED))
		return;
	mg_json_key(j, "locks");
	mg_json_begin_array(j);
	for (size_t i = 0; i < op->n_locks; i++) {
		const mg_lock *l = &op->locks[i];
		mg_json_begin_object(j);
		mg_json_key(j, "relation");
		mg_buf rel = MG_BUF_INIT;
		mg_object_put(&rel, &l->relation);
		mg_json_string(j, mg_buf_cstr(&rel));
		mg_buf_dispose(&rel);
		mg_json_kv_string(j, "kind", mg_object_kind_name(l->relation.kind));
		mg_json_kv_string(j, "mode", mg_lock_mode_name(l->mode));
		mg_json_end_object(j);
	}
	mg_json_end_array(j);
	mg_json_kv_bool(j, "rewrite", op->effects & MG_EFF_REWRITE);
	mg_json_kv_bool(j, "scan", op->effects & MG_EFF_SCAN);
	mg_json_kv_bool(j, "index_build", op->effects & MG_EFF_INDEX_BUILD);
	mg_json_kv_bool(j, "transaction_block_allowed", !(op->effects & MG_EFF_NO_TXN_BLOCK));
	mg_json_kv_string(j, "engine_note", op->effect_note);
	mg_json_kv_string(j, "predicted_error", op->predicted_error);
}

static void write_risk(mg_json *j, const mg_changeset_risk *r)
{
	mg_json_key(j, "risk");
	if (!r || !r->stmts) {
		mg_json_null(j);
		return;
	}
	mg_json_begin_object(j);
	mg_json_key(j, "expected_runtime_ms");
	if (r->runtime_known)
		mg_json_int(j, (long long)llround(r->runtime_ms));
	else
		mg_json_null(j);
	mg_json_kv_string(j, "severity", mg_severity_name(r->severity));
	mg_json_kv_string(j, "slo_verdict", r->verdict == MG_SLO_OK         ? "ok"
	                                    : r->verdict == MG_SLO_EXCEEDED ? "exceeded"
	                                                                    : "unknown");
	mg_json_kv_bool(j, "sizes_known", r->sizes_known);
	mg_json_kv_bool(j, "lock_timeout_set", r->lock_timeout_set);
	mg_json_kv_bool(j, "statement_timeout_set", r->statement_timeout_set);
	mg_json_key(j, "replication_lag_ms");
	if (r->replication_lag_known)
		mg_json_int(j, (long long)llround(r->replication_lag_s * 1000));
	else
		mg_json_null(j);
	mg_json_key(j, "tables");
	mg_json_begin_array(j);
	for (size_t i = 0; i < r->n_tables; i++) {
		const mg_table_risk *t = &r->tables[i];
		mg_json_begin_object(j);
		mg_buf rel = MG_BUF_INIT;
		mg_object_put(&rel, &t->table);
		mg_json_kv_string(j, "relation", mg_buf_cstr(&rel));
		mg_buf_dispose(&rel);
		mg_json_kv_string(j, "mode", mg_lock_mode_name(t->mode));
		mg_json_key(j, "bytes");
		if (t->size_known)
			mg_json_int(j, (long long)t->bytes);
		else
			mg_json_null(j);
		mg_json_kv_bool(j, "new_in_release", t->new_in_release);
		mg_json_kv_bool(j, "blocks_reads", t->blocks_reads);
		mg_json_kv_bool(j, "blocks_writes", t->blocks_writes);
		mg_json_key(j, "blocked_ms");
		if (t->blocked_known && t->size_known)
			mg_json_int(j, (long long)llround(t->blocked_ms));
		else
			mg_json_null(j);
		if (t->blocked_partial && t->blocked_known && t->size_known)
			mg_json_kv_bool(j, "blocked_ms_is_lower_bound", true);
		mg_json_key(j, "requests_queued");
		if (t->blocked_known && t->size_known)
			mg_json_int(j, (long long)llround(t->queued_requests));
		else
			mg_json_null(j);
		mg_json_kv_bool(j, "lock_queue_risk", t->lock_queue_risk);
		mg_json_end_object(j);
	}
	mg_json_end_array(j);
	mg_json_key(j, "statements");
	mg_json_begin_array(j);
	/* One entry per statement: the cost model's kind, runtime and assumption. */
	for (const mg_stmt_risk *s = r->stmts; s < r->stmts + r->n_stmts; s++) {
		mg_json_begin_object(j);
		mg_json_kv_string(j, "cost", mg_cost_kind_name(s->cost));
		mg_json_key(j, "expected_runtime_ms");
		if (s->runtime_known)
			mg_json_int(j, (long long)llround(s->runtime_ms));
		else
			mg_json_null(j);
		mg_json_kv_string(j, "assumption", s->assumption);
		mg_json_end_object(j);
	}
	mg_json_end_array(j);
	mg_json_end_object(j);
}

static void write_operation(mg_json *j, const mg_operation *op)
{
	mg_json_begin_object(j);
	mg_json_kv_string(j, "kind", mg_op_kind_name(op->kind));
	mg_json_key(j, "object");
	write_object(j, &op->object);
	mg_json_key(j, "related");
	write_object(j, &op->related);
	mg_json_key(j, "flags");
	mg_json_begin_array(j);
	for (unsigned bit = 1; bit && bit <= MG_OPF__LAST; bit <<= 1)
		if (op->flags & bit)
			mg_json_string(j, mg_op_flag_name(bit));
	mg_json_end_array(j);
	mg_json_kv_int(j, "line", op->loc.line);
	mg_json_kv_int(j, "column", op->loc.col);
	if (op->kind == MG_OP_OPAQUE)
		mg_json_kv_string(j, "opaque_kind", mg_opaque_kind_name(op->opaque_kind));
	mg_json_kv_string_opt(j, "new_name", op->new_name);
	if (op->column) {
		/* "column" is the operation's position, as everywhere else. */
		mg_json_key(j, "column_def");
		write_column(j, op->column);
	}
	if (op->n_columns) {
		mg_json_key(j, "columns");
		mg_json_begin_array(j);
		for (size_t i = 0; i < op->n_columns; i++)
			write_column(j, &op->columns[i]);
		mg_json_end_array(j);
	}
	if (op->constraint) {
		mg_json_key(j, "constraint");
		write_constraint(j, op->constraint);
	}
	if (op->n_constraints) {
		mg_json_key(j, "constraints");
		mg_json_begin_array(j);
		for (size_t i = 0; i < op->n_constraints; i++)
			write_constraint(j, &op->constraints[i]);
		mg_json_end_array(j);
	}
	if (op->kind == MG_OP_ALTER_COLUMN_TYPE) {
		mg_json_kv_string(j, "type_from", op->type_from);
		mg_json_kv_string(j, "type_to", op->type_to);
		mg_json_kv_string_opt(j, "using", op->using_expr);
	}
	if (op->kind == MG_OP_SET_DEFAULT) {
		mg_json_kv_string(j, "default", op->default_expr);
		mg_json_kv_string(j, "default_volatility", mg_volatility_name(op->default_volatility));
	}
	if (op->index_columns.count)
		write_names(j, "index_columns", &op->index_columns);
	if (op->partition_key.count)
		write_names(j, "partition_key", &op->partition_key);
	mg_json_kv_string_opt(j, "index_method", op->index_method);
	mg_json_kv_string_opt(j, "where", op->where_expr);
	if (op->n_depends) {
		mg_json_key(j, "depends");
		mg_json_begin_array(j);
		for (size_t i = 0; i < op->n_depends; i++)
			write_object(j, &op->depends[i]);
		mg_json_end_array(j);
	}
	if (op->setting_name) {
		mg_json_kv_string(j, "setting", op->setting_name);
		mg_json_kv_string(j, "value", op->setting_value);
	}
	mg_json_kv_string_opt(j, "detail", op->detail);
	write_effects(j, op);
	mg_json_end_object(j);
}

static void write_statements(mg_json *j, const char *key, mg_statement *const *stmts,
                             size_t n)
{
	mg_json_key(j, key);
	mg_json_begin_array(j);
	for (size_t i = 0; i < n; i++) {
		const mg_statement *st = stmts[i];
		mg_json_begin_object(j);
		mg_json_kv_string(j, "file", st->loc.file);
		mg_json_kv_int(j, "line", st->loc.line);
		mg_json_kv_int(j, "column", st->loc.col);
		mg_json_key(j, "sql");
		if (st->sql)
			mg_json_string_n(j, st->sql, st->sql_len);
		else
			mg_json_null(j);
		mg_json_kv_bool(j, "parse_failed", st->parse_failed);
		mg_json_key(j, "operations");
		mg_json_begin_array(j);
		for (size_t k = 0; k < st->n_ops; k++)
			write_operation(j, st->ops[k]);
		mg_json_end_array(j);
		mg_json_end_object(j);
	}
	mg_json_end_array(j);
}

static void write_changeset(mg_json *j, const mg_changeset *cs, const mg_changeset_risk *risk)
{
	mg_json_begin_object(j);
	mg_json_kv_int(j, "index", (long long)cs->index);
	mg_json_kv_string(j, "kind", mg_changeset_kind_name(cs->kind));
	mg_json_kv_string(j, "file", cs->loc.file);
	mg_json_kv_int(j, "line", cs->loc.line);
	if (mg_changeset_kind_is_flyway(cs->kind)) {
		mg_json_kv_string(j, "version", cs->version.n_parts ? cs->version.text : NULL);
		mg_json_kv_string(j, "description", cs->description);
		mg_json_kv_string(j, "script", cs->script);
		mg_json_key(j, "checksum");
		if (cs->has_checksum)
			mg_json_int(j, cs->checksum);
		else
			mg_json_null(j);
	} else {
		mg_json_kv_string(j, "id", cs->id);
		mg_json_kv_string(j, "author", cs->author);
		mg_json_kv_string(j, "filename", cs->filename);
		mg_json_kv_string(j, "contexts", cs->contexts);
		mg_json_kv_string(j, "labels", cs->labels);
		mg_json_kv_string(j, "dbms", cs->dbms);
		mg_json_kv_bool(j, "run_on_change", cs->run_on_change);
		mg_json_kv_bool(j, "run_always", cs->run_always);
		mg_json_kv_bool(j, "fail_on_error", cs->fail_on_error);
		mg_json_kv_string(j, "md5sum", cs->md5sum);
		mg_json_key(j, "change_types");
		mg_json_begin_array(j);
		for (size_t i = 0; i < cs->n_change_types; i++)
			mg_json_string(j, cs->change_types[i]);
		mg_json_end_array(j);
		mg_json_kv_bool(j, "has_rollback", cs->has_rollback);
		mg_json_kv_bool(j, "auto_rollback", cs->auto_rollback);
	}
	mg_json_kv_bool(j, "run_in_transaction", cs->run_in_transaction);
	mg_json_kv_bool(j, "in_release", (cs->flags & MG_CSF_IN_RELEASE) != 0);
	mg_json_kv_bool(j, "filtered", (cs->flags & MG_CSF_FILTERED) != 0);
	mg_json_kv_bool(j, "not_applicable", (cs->flags & MG_CSF_NOT_APPLICABLE) != 0);
	mg_json_kv_bool(j, "ignored", (cs->flags & MG_CSF_IGNORED) != 0);
	mg_json_kv_bool(j, "opaque", (cs->flags & MG_CSF_OPAQUE) != 0);
	mg_json_kv_string(j, "filter_reason", cs->filter_reason);
	write_statements(j, "statements", cs->stmts, cs->n_stmts);
	if (!mg_changeset_kind_is_flyway(cs->kind))
		write_statements(j, "rollback", cs->rollback, cs->n_rollback);
	write_risk(j, risk);
	mg_json_end_object(j);
}

static void write_loc_fields(mg_json *j, const mg_loc *loc)
{
	mg_json_kv_string(j, "file", loc->file);
	mg_json_key(j, "line");
	if (loc->line)
		mg_json_int(j, loc->line);
	else
		mg_json_null(j);
	mg_json_key(j, "column");
	if (loc->col)
		mg_json_int(j, loc->col);
	else
		mg_json_null(j);
}

static void write_diagnostic(mg_json *j, const mg_diag *d)
{
	mg_json_begin_object(j);
	mg_json_kv_string(j, "severity", mg_severity_name(d->severity));
	mg_json_kv_string(j, "code", d->code);
	write_loc_fields(j, &d->loc);
	mg_json_kv_string(j, "message", d->message);
	mg_json_kv_string(j, "hint", d->hint);
	mg_json_key(j, "include_chain");
	mg_json_begin_array(j);
	for (size_t i = 0; i < d->n_chain; i++) {
		mg_json_begin_object(j);
		write_loc_fields(j, &d->chain[i]);
		mg_json_end_object(j);
	}
	mg_json_end_array(j);
	mg_json_end_object(j);
}

static void write_finding(mg_json *j, const mg_analysis *a, const mg_finding *f)
{
	mg_json_begin_object(j);
	mg_json_kv_string(j, "rule", f->rule->id);
	mg_json_kv_string(j, "category", mg_category_name(f->rule->category));
	mg_json_kv_string(j, "severity", mg_severity_name(f->severity));
	write_loc_fields(j, &f->loc);
	mg_json_key(j, "changeset_index");
	if (f->has_changeset) {
		mg_json_int(j, (long long)f->changeset_index);
		const mg_changeset *cs = a->project->changesets[f->changeset_index];
		mg_json_key(j, "changeset");
		mg_json_begin_object(j);
		if (mg_changeset_kind_is_flyway(cs->kind)) {
			mg_json_kv_string(j, "version", cs->version.n_parts ? cs->version.text : NULL);
			mg_json_kv_string(j, "description", cs->description);
			mg_json_kv_string(j, "script", cs->script);
		} else {
			mg_json_kv_string(j, "id", cs->id);
			mg_json_kv_string(j, "author", cs->author);
			mg_json_kv_string(j, "filename", cs->filename);
		}
		mg_json_end_object(j);
	} else {
		mg_json_null(j);
	}
	mg_json_key(j, "object");
	write_object(j, &f->object);
	mg_json_kv_string(j, "message", f->message);
	mg_json_kv_string(j, "safe_alternative", f->safe_alternative);
	/* Only suppressed findings carry the key: a finding without it is
	 * live, and reports from before suppressions existed stay valid. */
	if (f->suppressed_by) {
		mg_json_key(j, "suppression");
		mg_json_begin_object(j);
		mg_json_kv_string(j, "kind", "inline");
		write_loc_fields(j, &f->suppressed_by->loc);
		mg_json_kv_string(j, "reason", f->suppressed_by->reason);
		mg_json_end_object(j);
	}
	mg_json_end_object(j);
}

/* The changeset graph: nodes are changesets (by index), edges execution
 * order, def-use (labelled with the object) and inversions. */
static void write_graph(mg_json *j, const mg_analysis *a)
{
	mg_json_key(j, "graph");
	const mg_graph *g = a->graph;
	if (!g) {
		mg_json_null(j);
		return;
	}
	mg_json_begin_object(j);
	mg_json_key(j, "nodes");
	mg_json_begin_array(j);
	for (size_t i = 0; i < g->n_nodes && i < a->project->n_changesets; i++)
		mg_json_int(j, (long long)i);
	mg_json_end_array(j);
	mg_json_key(j, "edges");
	mg_json_begin_array(j);
	static const char *const kinds[] = {"order", "def_use", "inversion"};
	for (size_t i = 0; i < g->n_edges; i++) {
		const mg_graph_edge *e = &g->edges[i];
		mg_json_begin_object(j);
		mg_json_kv_int(j, "from", (long long)e->from);
		mg_json_kv_int(j, "to", (long long)e->to);
		mg_json_kv_string(j, "kind", (unsigned)e->kind < 3 ? kinds[e->kind] : "unknown");
		mg_json_key(j, "object");
		write_object(j, &e->object);
		mg_json_end_object(j);
	}
	mg_json_end_array(j);
	mg_json_end_object(j);
}

void mg_render_json(mg_buf *out, const mg_analysis *analysis, const mg_render_options *opts)
{
	rv_json_report(out, analysis, opts, NULL);
}

void rv_json_report(mg_buf *out, const mg_analysis *analysis, const mg_render_options *opts,
                    const mg_plan *plan)
{
	const mg_project *p = analysis->project;
	mg_json j;
	mg_json_init(&j, out, true);
	mg_json_begin_object(&j);

	mg_json_key(&j, "tool");
	mg_json_begin_object(&j);
	mg_json_kv_string(&j, "name", "migraph");
	mg_json_kv_string(&j, "version", MG_VERSION_STRING);
	mg_json_end_object(&j);

	mg_json_key(&j, "engine");
	mg_json_begin_object(&j);
	mg_json_kv_string(&j, "name", mg_engine_name(p->engine.kind));
	mg_json_kv_int(&j, "major", p->engine.major);
	mg_json_kv_int(&j, "minor", p->engine.minor);
	mg_json_end_object(&j);

	mg_json_kv_string(&j, "format", p->format == MG_FORMAT_FLYWAY      ? "flyway"
	                                : p->format == MG_FORMAT_LIQUIBASE ? "liquibase"
	                                                                   : NULL);

	size_t n_stmts = 0, n_ops = 0, n_opaque = 0, n_failed = 0, n_listed = 0;
	mg_json_key(&j, "changesets");
	mg_json_begin_array(&j);
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
	mg_json_end_array(&j);

	mg_json_key(&j, "skipped");
	mg_json_begin_array(&j);
	for (size_t i = 0; i < p->n_skipped; i++) {
		mg_json_begin_object(&j);
		mg_json_kv_string(&j, "file", p->skipped[i].file);
		mg_json_kv_string(&j, "reason", p->skipped[i].reason);
		mg_json_end_object(&j);
	}
	mg_json_end_array(&j);

	mg_json_key(&j, "findings");
	mg_json_begin_array(&j);
	for (size_t i = 0; i < analysis->n_findings; i++)
		write_finding(&j, analysis, analysis->findings[i]);
	mg_json_end_array(&j);

	mg_json_key(&j, "diagnostics");
	mg_json_begin_array(&j);
	for (size_t i = 0; i < p->diags.count; i++)
		write_diagnostic(&j, p->diags.items[i]);
	mg_json_end_array(&j);

	write_graph(&j, analysis);
	if (plan)
		rv_json_plan(&j, plan);

	mg_json_key(&j, "summary");
	mg_json_begin_object(&j);
	mg_json_kv_int(&j, "files", (long long)p->n_files);
	mg_json_kv_int(&j, "changesets", (long long)n_listed);
	mg_json_kv_int(&j, "statements", (long long)n_stmts);
	mg_json_kv_int(&j, "statements_not_parsed", (long long)n_failed);
	mg_json_kv_int(&j, "operations", (long long)n_ops);
	mg_json_kv_int(&j, "opaque_operations", (long long)n_opaque);
	mg_json_kv_int(&j, "skipped_files", (long long)p->n_skipped);
	mg_json_kv_int(&j, "findings", (long long)analysis->n_findings);
	mg_json_kv_int(&j, "diagnostics", (long long)p->diags.count);
	if (opts->triage && opts->triage->suppressed)
		mg_json_kv_int(&j, "suppressed", (long long)opts->triage->suppressed);
	if (opts->triage && opts->triage->has_baseline)
		mg_json_kv_int(&j, "baselined", (long long)opts->triage->baselined);
	if (opts->triage && opts->triage->outside_release)
		mg_json_kv_int(&j, "diagnostics_outside_release",
		               (long long)opts->triage->outside_release);
	mg_json_kv_bool(&j, "sizes_known", analysis->sizes_known);
	mg_json_end_object(&j);

	mg_json_end_object(&j);
	mg_buf_putc(out, '\n');
}
