/*
 * sarif.c: findings and input diagnostics as SARIF 2.1.0, for code
 * scanning in CI (`migraph check --format sarif -o migraph.sarif`).
 *
 * The rule metadata comes from the registry, like `migraph rules`.
 * Columns are code points (columnKind unicodeCodePoints), as everywhere
 * in migraph's output.  Input diagnostics are results of a pseudo-rule
 * per diagnostic code, kept apart from the rules by their "input/" prefix.
 */
#include <string.h>

#include "migraph/ignore.h"
#include "migraph/render.h"
#include "render/json_writer.h"

static const char *level(mg_severity sev)
{
	switch (sev) {
	case MG_SEV_CRITICAL:
	case MG_SEV_HIGH: return "error";
	case MG_SEV_MEDIUM: return "warning";
	default: return "note";
	}
}

static void write_location(mg_json *j, const mg_loc *loc)
{
	mg_json_key(j, "locations");
	mg_json_begin_array(j);
	if (loc->file) {
		mg_json_begin_object(j);
		mg_json_key(j, "physicalLocation");
		mg_json_begin_object(j);
		mg_json_key(j, "artifactLocation");
		mg_json_begin_object(j);
		mg_json_kv_string(j, "uri", loc->file);
		mg_json_end_object(j);
		if (loc->line) {
			mg_json_key(j, "region");
			mg_json_begin_object(j);
			mg_json_kv_int(j, "startLine", loc->line);
			if (loc->col)
				mg_json_kv_int(j, "startColumn", loc->col);
			mg_json_end_object(j);
		}
		mg_json_end_object(j);
		mg_json_end_object(j);
	}
	mg_json_end_array(j);
}

static void write_rules(mg_json *j, const char *docs_url)
{
	mg_json_key(j, "rules");
	mg_json_begin_array(j);
	for (size_t i = 0; i < mg_rule_count(); i++) {
		const mg_rule *r = mg_rule_at(i);
		mg_json_begin_object(j);
		mg_json_kv_string(j, "id", r->id);
		mg_json_key(j, "shortDescription");
		mg_json_begin_object(j);
		mg_json_kv_string(j, "text", r->summary);
		mg_json_end_object(j);
		mg_json_key(j, "fullDescription");
		mg_json_begin_object(j);
		mg_json_kv_string(j, "text", r->doc);
		mg_json_end_object(j);
		/* Code scanning shows help beside each alert, and helpUri must be
		 * absolute: the documentation base with the rule's anchor. */
		mg_json_key(j, "help");
		mg_json_begin_object(j);
		mg_json_kv_string(j, "text", r->doc);
		mg_json_end_object(j);
		mg_buf uri = MG_BUF_INIT;
		mg_buf_printf(&uri, "%s#%s", docs_url, r->id);
		mg_json_kv_string(j, "helpUri", mg_buf_cstr(&uri));
		mg_buf_dispose(&uri);
		mg_json_key(j, "defaultConfiguration");
		mg_json_begin_object(j);
		mg_json_kv_string(j, "level", level(r->default_severity));
		mg_json_end_object(j);
		mg_json_key(j, "properties");
		mg_json_begin_object(j);
		mg_json_kv_string(j, "category", mg_category_name(r->category));
		mg_json_kv_string(j, "default_severity", mg_severity_name(r->default_severity));
		mg_json_end_object(j);
		mg_json_end_object(j);
	}
	mg_json_end_array(j);
}

static void write_result(mg_json *j, const char *rule_id, mg_severity sev, const char *message,
                         const char *fix, const mg_loc *loc, const mg_ignore_marker *suppressed)
{
	mg_json_begin_object(j);
	mg_json_kv_string(j, "ruleId", rule_id);
	mg_json_kv_string(j, "level", level(sev));
	mg_json_key(j, "message");
	mg_json_begin_object(j);
	if (fix) {
		mg_buf text = MG_BUF_INIT;
		mg_buf_printf(&text, "%s\n\nSafe alternative:\n%s", message, fix);
		mg_json_kv_string(j, "text", mg_buf_cstr(&text));
		mg_buf_dispose(&text);
	} else {
		mg_json_kv_string(j, "text", message);
	}
	mg_json_end_object(j);
	write_location(j, loc);
	if (suppressed) {
		mg_json_key(j, "suppressions");
		mg_json_begin_array(j);
		mg_json_begin_object(j);
		mg_json_kv_string(j, "kind", "inSource");
		mg_json_kv_string(j, "justification", suppressed->reason);
		mg_json_key(j, "location");
		mg_json_begin_object(j);
		mg_json_key(j, "physicalLocation");
		mg_json_begin_object(j);
		mg_json_key(j, "artifactLocation");
		mg_json_begin_object(j);
		mg_json_kv_string(j, "uri", suppressed->loc.file);
		mg_json_end_object(j);
		mg_json_key(j, "region");
		mg_json_begin_object(j);
		mg_json_kv_int(j, "startLine", suppressed->loc.line);
		mg_json_kv_int(j, "startColumn", suppressed->loc.col);
		mg_json_end_object(j);
		mg_json_end_object(j);
		mg_json_end_object(j);
		mg_json_end_object(j);
		mg_json_end_array(j);
	}
	mg_json_key(j, "properties");
	mg_json_begin_object(j);
	mg_json_kv_string(j, "severity", mg_severity_name(sev));
	mg_json_end_object(j);
	mg_json_end_object(j);
}

void mg_render_sarif(mg_buf *out, const mg_analysis *analysis, const mg_render_options *opts)
{
	const mg_project *p = analysis->project;
	const char *docs = opts && opts->docs_url ? opts->docs_url : MG_DOCS_URL_DEFAULT;
	mg_json j;
	mg_json_init(&j, out, true);
	mg_json_begin_object(&j);
	mg_json_kv_string(&j, "$schema", "https://json.schemastore.org/sarif-2.1.0.json");
	mg_json_kv_string(&j, "version", "2.1.0");
	mg_json_key(&j, "runs");
	mg_json_begin_array(&j);
	mg_json_begin_object(&j);
	mg_json_key(&j, "tool");
	mg_json_begin_object(&j);
	mg_json_key(&j, "driver");
	mg_json_begin_object(&j);
	mg_json_kv_string(&j, "name", "migraph");
	mg_json_kv_string(&j, "version", MG_VERSION_STRING);
	mg_json_kv_string(&j, "informationUri", docs);
	write_rules(&j, docs);
	mg_json_end_object(&j);
	mg_json_end_object(&j);
	mg_json_kv_string(&j, "columnKind", "unicodeCodePoints");
	mg_json_key(&j, "results");
	mg_json_begin_array(&j);
	for (size_t i = 0; i < analysis->n_findings; i++) {
		const mg_finding *f = analysis->findings[i];
		write_result(&j, f->rule->id, f->severity, f->message ? f->message : f->rule->summary,
		             f->safe_alternative, &f->loc, f->suppressed_by);
	}
	for (size_t i = 0; i < p->diags.count; i++) {
		const mg_diag *d = p->diags.items[i];
		mg_buf id = MG_BUF_INIT;
		mg_buf_printf(&id, "input/%s", d->code);
		write_result(&j, mg_buf_cstr(&id), d->severity, d->message, d->hint, &d->loc, NULL);
		mg_buf_dispose(&id);
	}
	mg_json_end_array(&j);
	mg_json_end_object(&j);
	mg_json_end_array(&j);
	mg_json_end_object(&j);
	mg_buf_putc(out, '\n');
}
