/*
 * sarif.c: findings and input diagnostics as SARIF 2.1.0, for code
 * scanning in CI (`migraph check --format sarif -o migraph.sarif`).
 *
 * The rule metadata comes from the registry, like `migraph rules`.
 * Columns are code points (columnKind unicodeCodePoints), as everywhere
 * in migraph's output.  Input diagnostics are results of a pseudo-rule
 * per diagnostic code, kept apart from the rules by their "input/" prefix.
 * File names become URI references (RFC 3986): every byte but the
 * unreserved characters and '/' is percent-encoded (a space, '#', '%', ':',
 * a control character, each UTF-8 byte of a non-ASCII name), and a leading
 * "//" is folded to one '/', which would otherwise name a host.
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

void mg_sarif_uri(mg_buf *out, const char *path)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p = (const unsigned char *)path;
	while (p[0] == '/' && p[1] == '/')
		p++;
	for (; *p; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		    *p == '-' || *p == '.' || *p == '_' || *p == '~' || *p == '/') {
			mg_buf_putc(out, (char)*p);
		} else {
			char esc[3] = {'%', hex[*p >> 4], hex[*p & 15]};
			mg_buf_put(out, esc, 3);
		}
	}
}

static void write_location(rnd_json *j, const mg_loc *loc)
{
	rnd_json_key(j, "locations");
	rnd_json_begin_array(j);
	if (loc->file) {
		rnd_json_begin_object(j);
		rnd_json_key(j, "physicalLocation");
		rnd_json_begin_object(j);
		rnd_json_key(j, "artifactLocation");
		rnd_json_begin_object(j);
		mg_buf uri = MG_BUF_INIT;
		mg_sarif_uri(&uri, loc->file);
		rnd_json_kv_string(j, "uri", mg_buf_cstr(&uri));
		mg_buf_dispose(&uri);
		rnd_json_end_object(j);
		if (loc->line) {
			rnd_json_key(j, "region");
			rnd_json_begin_object(j);
			rnd_json_kv_int(j, "startLine", loc->line);
			if (loc->col)
				rnd_json_kv_int(j, "startColumn", loc->col);
			rnd_json_end_object(j);
		}
		rnd_json_end_object(j);
		rnd_json_end_object(j);
	}
	rnd_json_end_array(j);
}

static void write_rules(rnd_json *j, const char *docs_url)
{
	rnd_json_key(j, "rules");
	rnd_json_begin_array(j);
	for (size_t i = 0; i < mg_rule_count(); i++) {
		const mg_rule *r = mg_rule_at(i);
		rnd_json_begin_object(j);
		rnd_json_kv_string(j, "id", r->id);
		rnd_json_key(j, "shortDescription");
		rnd_json_begin_object(j);
		rnd_json_kv_string(j, "text", r->summary);
		rnd_json_end_object(j);
		rnd_json_key(j, "fullDescription");
		rnd_json_begin_object(j);
		rnd_json_kv_string(j, "text", r->doc);
		rnd_json_end_object(j);
		/* Code scanning shows help beside each alert, and helpUri must be
		 * absolute: the documentation base with the rule's anchor. */
		rnd_json_key(j, "help");
		rnd_json_begin_object(j);
		rnd_json_kv_string(j, "text", r->doc);
		rnd_json_end_object(j);
		mg_buf uri = MG_BUF_INIT;
		mg_buf_printf(&uri, "%s#%s", docs_url, r->id);
		rnd_json_kv_string(j, "helpUri", mg_buf_cstr(&uri));
		mg_buf_dispose(&uri);
		rnd_json_key(j, "defaultConfiguration");
		rnd_json_begin_object(j);
		rnd_json_kv_string(j, "level", level(r->default_severity));
		rnd_json_end_object(j);
		rnd_json_key(j, "properties");
		rnd_json_begin_object(j);
		rnd_json_kv_string(j, "category", mg_category_name(r->category));
		rnd_json_kv_string(j, "default_severity", mg_severity_name(r->default_severity));
		rnd_json_end_object(j);
		rnd_json_end_object(j);
	}
	rnd_json_end_array(j);
}

static void write_result(rnd_json *j, const char *rule_id, mg_severity sev, const char *message,
                         const char *fix, const mg_loc *loc, const mg_ignore_marker *suppressed)
{
	rnd_json_begin_object(j);
	rnd_json_kv_string(j, "ruleId", rule_id);
	rnd_json_kv_string(j, "level", level(sev));
	rnd_json_key(j, "message");
	rnd_json_begin_object(j);
	if (fix) {
		mg_buf text = MG_BUF_INIT;
		mg_buf_printf(&text, "%s\n\nSafe alternative:\n%s", message, fix);
		rnd_json_kv_string(j, "text", mg_buf_cstr(&text));
		mg_buf_dispose(&text);
	} else {
		rnd_json_kv_string(j, "text", message);
	}
	rnd_json_end_object(j);
	write_location(j, loc);
	if (suppressed) {
		rnd_json_key(j, "suppressions");
		rnd_json_begin_array(j);
		rnd_json_begin_object(j);
		rnd_json_kv_string(j, "kind", "inSource");
		rnd_json_kv_string(j, "justification", suppressed->reason);
		rnd_json_key(j, "location");
		rnd_json_begin_object(j);
		rnd_json_key(j, "physicalLocation");
		rnd_json_begin_object(j);
		rnd_json_key(j, "artifactLocation");
		rnd_json_begin_object(j);
		rnd_json_kv_string(j, "uri", suppressed->loc.file);
		rnd_json_end_object(j);
		rnd_json_key(j, "region");
		rnd_json_begin_object(j);
		rnd_json_kv_int(j, "startLine", suppressed->loc.line);
		rnd_json_kv_int(j, "startColumn", suppressed->loc.col);
		rnd_json_end_object(j);
		rnd_json_end_object(j);
		rnd_json_end_object(j);
		rnd_json_end_object(j);
		rnd_json_end_array(j);
	}
	rnd_json_key(j, "properties");
	rnd_json_begin_object(j);
	rnd_json_kv_string(j, "severity", mg_severity_name(sev));
	rnd_json_end_object(j);
	rnd_json_end_object(j);
}

void mg_render_sarif(mg_buf *out, const mg_analysis *analysis, const mg_render_options *opts)
{
	const mg_project *p = analysis->project;
	const char *docs = opts && opts->docs_url ? opts->docs_url : MG_DOCS_URL_DEFAULT;
	rnd_json j;
	rnd_json_init(&j, out, true);
	rnd_json_begin_object(&j);
	rnd_json_kv_string(&j, "$schema", "https://json.schemastore.org/sarif-2.1.0.json");
	rnd_json_kv_string(&j, "version", "2.1.0");
	rnd_json_key(&j, "runs");
	rnd_json_begin_array(&j);
	rnd_json_begin_object(&j);
	rnd_json_key(&j, "tool");
	rnd_json_begin_object(&j);
	rnd_json_key(&j, "driver");
	rnd_json_begin_object(&j);
	rnd_json_kv_string(&j, "name", "migraph");
	rnd_json_kv_string(&j, "version", MG_VERSION_STRING);
	rnd_json_kv_string(&j, "informationUri", docs);
	write_rules(&j, docs);
	rnd_json_end_object(&j);
	rnd_json_end_object(&j);
	rnd_json_kv_string(&j, "columnKind", "unicodeCodePoints");
	rnd_json_key(&j, "results");
	rnd_json_begin_array(&j);
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
	rnd_json_end_array(&j);
	rnd_json_end_object(&j);
	rnd_json_end_array(&j);
	rnd_json_end_object(&j);
	mg_buf_putc(out, '\n');
}
