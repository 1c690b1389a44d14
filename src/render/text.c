/*
 * text.c: human-readable output for the terminal.
 *
 * `list` shows the changesets in execution order with one line per
 * operation; `check` shows diagnostics and findings as
 * file:line:col: severity id: message, the format compilers and editors
 * already understand.
 *
 * File names, identifiers, SQL and messages come from the repository.
 * Every row is therefore built in a scratch buffer and written through
 * mg_buf_put_escaped: a control character cannot reach the terminal and a
 * line break inside a name cannot start a forged row of its own.  Only
 * emit() ends a row.
 */
#include <string.h>

#include "migraph/engine.h"
#include "migraph/render.h"
#include "migraph/triage.h"
#include "render/review_int.h"

static void put_names(mg_buf *out, const mg_name_list *l)
{
	mg_buf_putc(out, '(');
	for (size_t i = 0; i < l->count; i++) {
		if (i)
			mg_buf_puts(out, ", ");
		mg_buf_puts(out, l->items[i]);
	}
	mg_buf_putc(out, ')');
}

void mg_render_op_summary(mg_buf *out, const mg_operation *op)
{
	mg_buf_puts(out, mg_op_kind_name(op->kind));
	if (op->kind == MG_OP_OPAQUE) {
		mg_buf_printf(out, " [%s]", mg_opaque_kind_name(op->opaque_kind));
		if (op->detail)
			mg_buf_printf(out, " %s", op->detail);
		return;
	}
	if (op->object.kind != MG_OBJ_NONE) {
		mg_buf_putc(out, ' ');
		mg_object_put(out, &op->object);
	}
	if (op->new_name)
		mg_buf_printf(out, " -> %s", op->new_name);
	if (op->related.kind != MG_OBJ_NONE) {
		mg_buf_puts(out, op->kind == MG_OP_CREATE_INDEX ? " on " : " with ");
		mg_object_put(out, &op->related);
	}
	if (op->index_columns.count) {
		mg_buf_putc(out, ' ');
		put_names(out, &op->index_columns);
	}
	if (op->column) {
		mg_buf_printf(out, " %s", op->column->type ? op->column->type : "?");
		if (op->column->not_null)
			mg_buf_puts(out, " not null");
		if (op->column->default_expr)
			mg_buf_printf(out, " default %s (%s)", op->column->default_expr,
			              mg_volatility_name(op->column->default_volatility));
	}
	if (op->n_columns)
		mg_buf_printf(out, " (%zu columns)", op->n_columns);
	if (op->constraint) {
		mg_buf_printf(out, " %s", mg_constraint_kind_name(op->constraint->kind));
		if (op->constraint->name)
			mg_buf_printf(out, " %s", op->constraint->name);
		if (op->constraint->columns.count) {
			mg_buf_putc(out, ' ');
			put_names(out, &op->constraint->columns);
		}
	}
	if (op->kind == MG_OP_ALTER_COLUMN_TYPE)
		mg_buf_printf(out, " %s -> %s", op->type_from ? op->type_from : "?",
		              op->type_to ? op->type_to : "?");
	if (op->kind == MG_OP_SET_DEFAULT && op->default_expr)
		mg_buf_printf(out, " %s (%s)", op->default_expr,
		              mg_volatility_name(op->default_volatility));
	if (op->setting_name)
		mg_buf_printf(out, " %s = %s", op->setting_name,
		              op->setting_value ? op->setting_value : "default");
	for (unsigned bit = 1; bit && bit <= MG_OPF__LAST; bit <<= 1)
		if (op->flags & bit)
			mg_buf_printf(out, " [%s]", mg_op_flag_name(bit));
}

/* "  {AccessExclusiveLock public.orders; rewrite}" */
static void put_effects(mg_buf *out, const mg_operation *op)
{
	if (!(op->effects & MG_EFF_MODELLED))
		return;
	bool first = true;
	mg_buf_puts(out, "  {");
	for (size_t i = 0; i < op->n_locks; i++) {
		mg_buf_printf(out, "%s%s ", first ? "" : "; ", mg_lock_mode_name(op->locks[i].mode));
		mg_object_put(out, &op->locks[i].relation);
		first = false;
	}
	static const struct {
		unsigned bit;
		const char *name;
	} effects[] = {{MG_EFF_REWRITE, "rewrite"},
	               {MG_EFF_SCAN, "scan"},
	               {MG_EFF_INDEX_BUILD, "index build"},
	               {MG_EFF_NO_TXN_BLOCK, "no transaction block"},
	               {MG_EFF_FAILS, "FAILS on this version"}};
	for (size_t i = 0; i < sizeof effects / sizeof effects[0]; i++) {
		if (op->effects & effects[i].bit) {
			mg_buf_printf(out, "%s%s", first ? "" : "; ", effects[i].name);
			first = false;
		}
	}
	if (first)
		mg_buf_puts(out, "no lock");
	mg_buf_putc(out, '}');
}

/* Writes the row escaped, ends it, and empties the scratch buffer. */
static void emit(mg_buf *out, mg_buf *row)
{
	mg_buf_put_escaped(out, row->data ? row->data : "", row->len, false);
	mg_buf_putc(out, '\n');
	mg_buf_clear(row);
}

static void put_changeset_title(mg_buf *out, const mg_changeset *cs)
{
	if (mg_changeset_kind_is_flyway(cs->kind)) {
		const char *v = cs->version.n_parts ? cs->version.text : "R";
		mg_buf_printf(out, "%-4zu %-10s %-10s %s", cs->index + 1, v,
		              mg_changeset_kind_name(cs->kind),
		              cs->description ? cs->description : "");
	} else {
		mg_buf_printf(out, "%-4zu %s::%s::%s", cs->index + 1,
		              cs->filename ? cs->filename : "?", cs->id ? cs->id : "?",
		              cs->author ? cs->author : "?");
	}
}

static void put_attributes(mg_buf *out, mg_buf *row, const mg_changeset *cs)
{
	mg_buf puts_ = MG_BUF_INIT;
	if (!cs->run_in_transaction)
		mg_buf_puts(&puts_, " no-transaction");
	if (cs->contexts)
		mg_buf_printf(&puts_, " context=%s", cs->contexts);
	if (cs->labels)
		mg_buf_printf(&puts_, " labels=%s", cs->labels);
	if (cs->dbms)
		mg_buf_printf(&puts_, " dbms=%s", cs->dbms);
	if (cs->run_on_change)
		mg_buf_puts(&puts_, " runOnChange");
	if (cs->run_always)
		mg_buf_puts(&puts_, " runAlways");
	if (cs->flags & MG_CSF_FILTERED)
		mg_buf_puts(&puts_, " FILTERED");
	if (cs->flags & MG_CSF_NOT_APPLICABLE)
		mg_buf_puts(&puts_, " NOT-APPLICABLE");
	if (cs->flags & MG_CSF_IGNORED)
		mg_buf_puts(&puts_, " IGNORED");
	if (cs->filter_reason)
		mg_buf_printf(&puts_, " (%s)", cs->filter_reason);
	if (puts_.len) {
		mg_buf_printf(row, "     %s", mg_buf_cstr(&puts_) + 1);
		emit(out, row);
	}
	mg_buf_dispose(&puts_);
}

static void put_diag(mg_buf *out, mg_buf *row, const mg_diag *d)
{
	mg_buf_puts(row, "  ");
	if (d->loc.file) {
		mg_buf_puts(row, d->loc.file);
		if (d->loc.line) {
			mg_buf_printf(row, ":%u", d->loc.line);
			if (d->loc.col)
				mg_buf_printf(row, ":%u", d->loc.col);
		}
		mg_buf_puts(row, ": ");
	}
	mg_buf_printf(row, "%s: %s [%s]", mg_severity_name(d->severity), d->message, d->code);
	emit(out, row);
	for (size_t i = d->n_chain; i > 0; i--) {
		const mg_loc *l = &d->chain[i - 1];
		mg_buf_printf(row, "    included from %s:%u", l->file, l->line);
		emit(out, row);
	}
	if (d->hint) {
		mg_buf_printf(row, "    hint: %s", d->hint);
		emit(out, row);
	}
}

static void put_diagnostics(mg_buf *out, mg_buf *row, const mg_project *p)
{
	if (!p->diags.count)
		return;
	mg_buf_printf(out, "\ndiagnostics (%zu):\n", p->diags.count);
	for (size_t i = 0; i < p->diags.count; i++)
		put_diag(out, row, p->diags.items[i]);
}

void mg_render_list_text(mg_buf *out, const mg_analysis *analysis, const mg_render_options *opts)
{
	const mg_project *p = analysis->project;
	mg_buf row = MG_BUF_INIT;
	size_t shown = 0;
	for (size_t i = 0; i < p->n_changesets; i++) {
		const mg_changeset *cs = p->changesets[i];
		if ((cs->flags & MG_CSF_FILTERED) && !opts->show_all)
			continue;
		shown++;
		put_changeset_title(&row, cs);
		mg_buf_printf(&row, "  %s:%u", cs->loc.file ? cs->loc.file : "?", cs->loc.line);
		emit(out, &row);
		put_attributes(out, &row, cs);
		for (size_t s = 0; s < cs->n_stmts; s++) {
			const mg_statement *st = cs->stmts[s];
			if (st->parse_failed) {
				mg_buf_printf(&row, "     %u:%u  (not parsed: see diagnostics)", st->loc.line,
				              st->loc.col);
				emit(out, &row);
				continue;
			}
			for (size_t k = 0; k < st->n_ops; k++) {
				const mg_operation *op = st->ops[k];
				mg_buf_printf(&row, "     %u:%u  ", op->loc.line, op->loc.col);
				mg_render_op_summary(&row, op);
				put_effects(&row, op);
				emit(out, &row);
			}
		}
	}
	if (p->n_skipped) {
		mg_buf_printf(out, "\nskipped (%zu files that are not migrations):\n", p->n_skipped);
		for (size_t i = 0; i < p->n_skipped; i++) {
			mg_buf_printf(&row, "  %s: %s", p->skipped[i].file, p->skipped[i].reason);
			emit(out, &row);
		}
	}
	put_diagnostics(out, &row, p);
	mg_buf_dispose(&row);
	size_t n_stmts = 0, n_failed = 0, n_ops = 0, n_opaque = 0;
	for (size_t i = 0; i < p->n_changesets; i++) {
		const mg_changeset *cs = p->changesets[i];
		if ((cs->flags & MG_CSF_FILTERED) && !opts->show_all)
			continue;
		for (size_t s = 0; s < cs->n_stmts; s++) {
			n_stmts++;
			n_failed += cs->stmts[s]->parse_failed;
			n_ops += cs->stmts[s]->n_ops;
			for (size_t k = 0; k < cs->stmts[s]->n_ops; k++)
				n_opaque += cs->stmts[s]->ops[k]->kind == MG_OP_OPAQUE;
		}
	}
	mg_buf_printf(out, "\n%zu changesets, %zu statements (%zu not parsed), %zu operations "
	                   "(%zu opaque)",
	              shown, n_stmts, n_failed, n_ops, n_opaque);
	if (shown != p->n_changesets)
		mg_buf_printf(out, ", %zu changesets filtered out (--all shows them)",
		              p->n_changesets - shown);
	mg_buf_printf(out, ", %zu skipped files, %zu diagnostics, engine %s:%d\n", p->n_skipped,
	              p->diags.count, mg_engine_name(p->engine.kind), p->engine.major);
}

/* A multi-line block (a safe alternative): its own line breaks make rows,
 * each indented and escaped; tabs are kept, as SQL indentation. */
static void put_indented(mg_buf *out, const char *text, const char *indent)
{
	const char *p = text;
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		size_t shown = n && p[n - 1] == '\r' ? n - 1 : n; /* CRLF is a line break */
		mg_buf_puts(out, indent);
		mg_buf_put_escaped(out, p, shown, true);
		mg_buf_putc(out, '\n');
		p += n + (nl != NULL);
	}
}

void mg_render_check_text(mg_buf *out, const mg_analysis *analysis, const mg_render_options *opts)
{
	const mg_project *p = analysis->project;
	mg_buf row = MG_BUF_INIT;
	for (size_t i = 0; i < analysis->n_findings; i++) {
		const mg_finding *f = analysis->findings[i];
		if (f->suppressed_by)
			continue; /* counted in the summary; JSON and SARIF show them */
		mg_buf_printf(&row, "%s:%u:%u: %s %s: %s", f->loc.file ? f->loc.file : "?",
		              f->loc.line, f->loc.col ? f->loc.col : 1, mg_severity_name(f->severity),
		              f->rule->id, f->message);
		emit(out, &row);
		if (f->safe_alternative) {
			mg_buf_puts(out, "    safe alternative:\n");
			put_indented(out, f->safe_alternative, "      ");
		}
	}
	rv_check_changeset_lines(out, analysis);
	put_diagnostics(out, &row, p);
	mg_buf_dispose(&row);
	mg_buf_putc(out, '\n');
	mg_render_check_summary(out, analysis, opts);
}

void mg_render_check_summary(mg_buf *out, const mg_analysis *analysis,
                             const mg_render_options *opts)
{
	const mg_project *p = analysis->project;
	const mg_triage *t = opts ? opts->triage : NULL;
	size_t counts[MG_SEV_CRITICAL + 1] = {0}, shown = 0;
	for (size_t i = 0; i < analysis->n_findings; i++) {
		if (analysis->findings[i]->suppressed_by)
			continue;
		counts[analysis->findings[i]->severity]++;
		shown++;
	}
	mg_buf_printf(out, "%zu changesets checked by %zu rules: %zu findings", p->n_changesets,
	              mg_rule_count(), shown);
	if (shown) {
		mg_buf_puts(out, " (");
		bool first = true;
		for (int s = MG_SEV_CRITICAL; s >= MG_SEV_INFO; s--) {
			if (!counts[s])
				continue;
			mg_buf_printf(out, "%s%zu %s", first ? "" : ", ", counts[s],
			              mg_severity_name((mg_severity)s));
			first = false;
		}
		mg_buf_putc(out, ')');
	}
	if (t && t->suppressed)
		mg_buf_printf(out, ", %zu suppressed inline", t->suppressed);
	if (t && t->has_baseline)
		mg_buf_printf(out, ", %zu baselined", t->baselined);
	mg_buf_printf(out, ", %zu diagnostics", p->diags.count);
	if (t && t->outside_release)
		mg_buf_printf(out, " (%zu outside the release not shown)", t->outside_release);
	mg_buf_putc(out, '\n');
	if (t && t->baseline_unmatched)
		mg_buf_printf(out, "%zu baseline entries match no finding any more: 'migraph baseline' "
		                   "rewrites the file\n",
		              t->baseline_unmatched);
	if (!analysis->sizes_known)
		mg_buf_puts(out, "table sizes unknown (no --profile): severities are rule defaults\n");
}
