/*
 * flyway_placeholder.c: ${name} replacement as Flyway's
 * PlaceholderReplacingReader does it, with anchors.
 *
 * Flyway replaces over the whole script, comments included, so an
 * unresolved ${x} inside a comment still fails the migration; migraph
 * reports it the same way.  Names are case-insensitive.  The replaced
 * text gets an anchor at the start of each replacement (the placeholder's
 * own line:col) and one right after it (where the file continues), so the
 * SQL front end reports positions in the file the user wrote, whatever
 * length the values have.
 */
#include <string.h>

#include "load/flyway_internal.h"

static void advance(const char *d, size_t from, size_t to, uint32_t *line, uint32_t *col)
{
	for (size_t i = from; i < to; i++) {
		unsigned char c = (unsigned char)d[i];
		if (c == '\n') {
			(*line)++;
			*col = 1;
		} else if ((c & 0xC0) != 0x80) {
			(*col)++;
		}
	}
}

static const char *find(const char *hay, size_t from, size_t len, const char *needle)
{
	size_t n = strlen(needle);
	if (n == 0 || n > len)
		return NULL;
	for (size_t i = from; i + n <= len; i++)
		if (hay[i] == needle[0] && memcmp(hay + i, needle, n) == 0)
			return hay + i;
	return NULL;
}

/* The value of a built-in ${flyway:...}, or NULL.  *runtime is set for
 * the ones only the database connection knows. */
static const char *builtin(const fw_ph_context *ctx, const char *lname, bool *runtime)
{
	const fw_config *cfg = ctx->cfg;
	*runtime = false;
	if (mg_str_eq(lname, "defaultschema")) {
		if (cfg->default_schema)
			return cfg->default_schema;
		if (cfg->first_schema)
			return cfg->first_schema;
		*runtime = true; /* the connection's current schema */
		return NULL;
	}
	if (mg_str_eq(lname, "filename"))
		return ctx->filename;
	if (mg_str_eq(lname, "table"))
		return cfg->table;
	if (mg_str_eq(lname, "timestamp"))
		return ctx->timestamp;
	if (mg_str_eq(lname, "workingdirectory"))
		return ctx->working_dir;
	if (mg_str_eq(lname, "environment"))
		return cfg->environment;
	if (mg_str_eq(lname, "user") || mg_str_eq(lname, "database"))
		*runtime = true;
	return NULL;
}

void fw_placeholders_replace(mg_project *project, const fw_ph_context *ctx,
                             const mg_text *in, mg_text *out)
{
	const fw_config *cfg = ctx->cfg;
	mg_arena *a = &project->arena;
	*out = *in;
	const char *d = in->data;
	size_t len = in->len;
	const char *pre = cfg->ph_prefix, *suf = cfg->ph_suffix;
	size_t pre_len = strlen(pre), suf_len = strlen(suf);
	char *ns_prefix = mg_arena_printf(a, "flyway%s", cfg->ph_separator);
	size_t ns_len = strlen(ns_prefix);

	mg_buf b = MG_BUF_INIT;
	mg_anchor *anchors = NULL;
	size_t n_anchors = 0, cap = 0;
	size_t copied = 0, pos = 0;
	uint32_t line = 1, col = 1;   /* at offset pos of the original */
	bool changed = false;

	for (;;) {
		const char *hit = find(d, pos, len, pre);
		if (!hit)
			break;
		size_t start = (size_t)(hit - d);
		const char *end = find(d, start + pre_len, len, suf);
		if (!end)
			break; /* no suffix: the reader passes the rest through */
		advance(d, pos, start, &line, &col);
		pos = start;
		size_t name_off = start + pre_len;
		size_t name_len = (size_t)(end - d) - name_off;
		size_t after = (size_t)(end - d) + suf_len;
		char *lname = mg_str_lower(a, mg_arena_strndup(a, d + name_off, name_len));
		const char *val = NULL;
		bool runtime = false;
		if (mg_str_starts_with(lname, mg_str_lower(a, ns_prefix)))
			val = builtin(ctx, lname + ns_len, &runtime);
		else
			val = mg_map_get(&cfg->placeholders, lname);

		mg_loc at = {in->file, line, col};
		uint32_t line2 = line, col2 = col;
		advance(d, start, after, &line2, &col2);
		if (!val) {
			int shown = name_len > 80 ? 80 : (int)name_len;
			if (runtime)
				mg_diag_add(&project->diags, MG_SEV_LOW, "flyway-placeholder-runtime", at,
				            "%s%.*s%s is only known when Flyway connects; left as written",
				            pre, shown, d + name_off, suf);
			else
				mg_diag_add(&project->diags, MG_SEV_HIGH, "flyway-unresolved-placeholder",
				            at,
				            "no value for placeholder %s%.*s%s%s: Flyway fails this "
				            "migration (set it in flyway.conf/flyway.toml or with -D)",
				            pre, shown, d + name_off, name_len > 80 ? "..." : "", suf);
		} else {
			/* Past --max-expansion the rest of the script stays as
			 * written: a value of 1 MB used a million times is refused
			 * before it is built. */
			if (!mg_project_expand(project, strlen(val), at,
			                       "the rest of the script is left as written"))
				break;
			changed = true;
			mg_buf_put(&b, d + copied, start - copied);
			size_t grow = n_anchors + 2;
			if (grow > cap) {
				size_t ncap = cap ? cap * 2 : 16;
				while (ncap < grow)
					ncap *= 2;
				anchors = mg_arena_grow(a, anchors, sizeof *anchors, n_anchors, ncap);
				cap = ncap;
			}
			/* An empty value needs only the anchor after it (two anchors at
			 * one offset would leave the earlier one in force). */
			if (*val)
				anchors[n_anchors++] = (mg_anchor){b.len, line, col};
			mg_buf_puts(&b, val);
			anchors[n_anchors++] = (mg_anchor){b.len, line2, col2};
			copied = after;
		}
		pos = after;
		line = line2;
		col = col2;
	}
	if (changed) {
		mg_buf_put(&b, d + copied, len - copied);
		out->len = b.len;
		/* memcpy, not strndup: the script may hold NUL bytes, which the
		 * front end diagnoses. */
		char *copy = mg_arena_alloc(a, b.len + 1);
		if (b.len)
			memcpy(copy, b.data, b.len);
		out->data = copy;
		out->anchors = anchors;
		out->n_anchors = n_anchors;
	}
	mg_buf_dispose(&b);
}
