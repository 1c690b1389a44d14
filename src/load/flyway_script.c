/*
 * flyway_script.c: one file of the pool, from its name to a changeset.
 *
 * The name decides what it is (SQL migration, script migration, Java
 * migration, callback, per-script config, or nothing).  A SQL migration
 * is read with the size limit, decoded as its `encoding` says, its
 * checksum computed exactly as Flyway does (raw text for versioned, after
 * placeholder replacement for repeatables), placeholders replaced with
 * anchors, its statements parsed by the SQL front end, and Flyway's rule
 * for scripts that mix transactional and non-transactional statements
 * applied.
 */
#include <errno.h>
#include <string.h>

#include "load/flyway_internal.h"
#include "migraph/checksum.h"
#include "migraph/sql.h"

const char *const fw_script_suffixes[] = {".cmd", ".bat", ".ps1", ".py", ".sh", ".bash", NULL};

/* Per-script settings from <script>.conf. */
typedef struct script_conf {
	bool has_execute_in_transaction;
	bool execute_in_transaction;
	const char *encoding;
	bool placeholder_replacement;
} script_conf;

static void read_script_conf(fw_ctx *ctx, const fw_file *f, script_conf *sc)
{
	mg_project *project = ctx->project;
	mg_arena *a = &project->arena;
	sc->has_execute_in_transaction = false;
	sc->execute_in_transaction = ctx->cfg.execute_in_transaction;
	sc->encoding = ctx->cfg.encoding;
	sc->placeholder_replacement = ctx->cfg.placeholder_replacement;
	const char *path = mg_arena_printf(a, "%s.conf", f->path);
	if (!mg_path_is_file(path))
		return;
	const char *display = mg_arena_printf(a, "%s.conf", f->display);
	/* Beside a walked migration the walk has judged it already (and said
	 * so when it leads outside); beside a file named on the command line
	 * it is judged here. */
	if (f->explicit_file ? !mg_load_inside(project, ctx->opts, path, (mg_loc){display, 0, 0}, NULL)
	                     : ctx->opts->scope && !ctx->opts->scope->allow_outside &&
	                           mg_scope_check(ctx->opts->scope, a, path, NULL) != MG_SCOPE_INSIDE)
		return;
	mg_file_data fd;
	int rc = mg_file_read(path, project->max_file_bytes, &fd);
	if (rc != 0) {
		mg_loc at = {display, 0, 0};
		if (rc == -2)
			mg_diag_file_size(&project->diags, at, display, project->max_file_bytes);
		else
			mg_diag_add(&project->diags, MG_SEV_MEDIUM, "input-unreadable", at,
			            "cannot read the script configuration: %s", strerror(errno));
		return;
	}
	fw_kv_list kvs = {0};
	fw_properties_parse(project, display, fd.data, fd.len, &kvs);
	mg_file_data_free(&fd);
	for (size_t i = 0; i < kvs.count; i++) {
		const fw_kv *kv = &kvs.items[i];
		bool b;
		if (mg_str_eq(kv->key, "executeInTransaction") ||
		    mg_str_eq(kv->key, "placeholderReplacement")) {
			if (!mg_str_parse_bool(kv->value, &b)) {
				mg_diag_add(&project->diags, MG_SEV_HIGH, "flyway-script-config", kv->loc,
				            "%s must be true or false, not '%s'", kv->key, kv->value);
				continue;
			}
			if (kv->key[0] == 'e') {
				sc->has_execute_in_transaction = true;
				sc->execute_in_transaction = b;
			} else {
				sc->placeholder_replacement = b;
			}
		} else if (mg_str_eq(kv->key, "encoding")) {
			sc->encoding = kv->value;
		} else if (mg_str_eq(kv->key, "shouldExecute")) {
			mg_diag_add(&project->diags, MG_SEV_INFO, "flyway-should-execute", kv->loc,
			            "shouldExecute=%s decides at run time whether this script runs; "
			            "migraph analyses it as if it does",
			            kv->value);
		} else {
			mg_diag_add(&project->diags, MG_SEV_HIGH, "flyway-script-config", kv->loc,
			            "unrecognised property '%s' in a script configuration: Flyway "
			            "fails on it (known: executeInTransaction, encoding, "
			            "placeholderReplacement, shouldExecute)",
			            kv->key);
		}
	}
}


static bool valid_utf8(const unsigned char *s, size_t len)
{
	size_t i = 0;
	while (i < len) {
		unsigned char c = s[i];
		size_t n = c < 0x80 ? 0 : (c >> 5) == 6 ? 1 : (c >> 4) == 14 ? 2 : (c >> 3) == 30 ? 3 : 9;
		if (n == 9 || (n == 1 && c < 0xC2) || i + n >= len + (n ? 0 : 1))
			return false;
		for (size_t k = 1; k <= n; k++)
			if ((s[i + k] & 0xC0) != 0x80)
				return false;
		i += n + 1;
	}
	return true;
}

/* Decoded text of a script, always UTF-8, BOM removed. */
typedef struct decoded {
	const char *data;
	size_t len;
	bool checksum_ok;   /* Flyway could decode it, so its checksum is known */
	bool parse;         /* the statements can be analysed */
} decoded;

static void decode(fw_ctx *ctx, const char *display, const char *enc, const char *data,
                   size_t len, decoded *out)
{
	mg_project *project = ctx->project;
	const unsigned char *u = (const unsigned char *)data;
	out->data = data;
	out->len = len;
	out->checksum_ok = true;
	out->parse = true;
	mg_loc at = {display, 1, 1};
	bool enc16 = mg_str_starts_with(mg_str_lower(&project->arena, enc), "utf-16") ||
	             mg_str_starts_with(mg_str_lower(&project->arena, enc), "utf16");
	bool bom16 = len >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) || (u[0] == 0xFE && u[1] == 0xFF));
	if (bom16 || enc16) {
		if (!enc16) {
			mg_diag_add(&project->diags, MG_SEV_HIGH, "input-utf16", at,
			            "file is UTF-16 (byte order mark) but the encoding is %s: Flyway "
			            "reads it as %s and fails; its statements are not analysed "
			            "(set encoding=UTF-16 in %s.conf or flyway.conf)",
			            enc, enc, mg_path_basename(display));
			out->checksum_ok = false;
			out->parse = false;
			return;
		}
		bool be = bom16 ? u[0] == 0xFE : mg_str_iends_with(enc, "be");
		size_t i = bom16 ? 2 : 0;
		mg_buf b = MG_BUF_INIT;
		while (i + 1 < len) {
			unsigned long cu = be ? ((unsigned long)u[i] << 8 | u[i + 1])
			                      : ((unsigned long)u[i + 1] << 8 | u[i]);
			i += 2;
			if (cu >= 0xD800 && cu <= 0xDBFF && i + 1 < len) {
				unsigned long lo = be ? ((unsigned long)u[i] << 8 | u[i + 1])
				                      : ((unsigned long)u[i + 1] << 8 | u[i]);
				if (lo >= 0xDC00 && lo <= 0xDFFF) {
					cu = 0x10000 + ((cu - 0xD800) << 10) + (lo - 0xDC00);
					i += 2;
				}
			}
			mg_buf_put_utf8(&b, cu);
		}
		out->len = b.len;
		out->data = mg_arena_strndup(&project->arena, b.data ? b.data : "", b.len);
		mg_buf_dispose(&b);
		mg_diag_add(&project->diags, MG_SEV_INFO, "input-utf16", at,
		            "UTF-16 file read with encoding %s, as Flyway does", enc);
		return;
	}
	if (len >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF) {
		out->data += 3;
		out->len -= 3;
	}
	const char *lenc = mg_str_lower(&project->arena, enc);
	if (mg_str_eq(lenc, "iso-8859-1") || mg_str_eq(lenc, "iso8859-1") ||
	    mg_str_eq(lenc, "latin1") || mg_str_eq(lenc, "iso-8859-15")) {
		mg_buf b = MG_BUF_INIT;
		for (size_t i = 0; i < out->len; i++)
			mg_buf_put_utf8(&b, (unsigned char)out->data[i]);
		out->len = b.len;
		out->data = mg_arena_strndup(&project->arena, b.data ? b.data : "", b.len);
		mg_buf_dispose(&b);
		return;
	}
	if (!mg_str_eq(lenc, "utf-8") && !mg_str_eq(lenc, "utf8"))
		mg_diag_add(&project->diags, MG_SEV_LOW, "flyway-encoding", at,
		            "encoding %s is not one migraph decodes; the file is read as UTF-8", enc);
	if (!valid_utf8((const unsigned char *)out->data, out->len)) {
		out->checksum_ok = false;
		mg_diag_add(&project->diags, MG_SEV_MEDIUM, "flyway-encoding", at,
		            "not valid UTF-8: Flyway cannot compute this script's checksum (\"configure "
		            "the correct file encoding\")");
	}
}

/* Flyway's rule for scripts mixing transactional and non-transactional
 * statements (ParserSqlScript). */
static void apply_mixed_rule(fw_ctx *ctx, mg_changeset *cs, const script_conf *sc)
{
	size_t n_non = 0, n_tx = 0;
	const mg_statement *first_non = NULL;
	for (size_t i = 0; i < cs->n_stmts; i++) {
		const mg_statement *st = cs->stmts[i];
		if (!st->parse_failed && mg_statement_is_non_transactional(st, &ctx->project->engine)) {
			if (!first_non)
				first_non = st;
			n_non++;
		} else {
			n_tx++;
		}
	}
	if (sc->has_execute_in_transaction) {
		cs->run_in_transaction = sc->execute_in_transaction;
		return;
	}
	if (!ctx->cfg.execute_in_transaction) {
		cs->run_in_transaction = false;
		return;
	}
	if (n_non && !n_tx) {
		cs->run_in_transaction = false;
	} else if (n_non && n_tx) {
		if (ctx->cfg.mixed) {
			cs->run_in_transaction = false;
		} else {
			cs->run_in_transaction = true;
			mg_diag_add(&ctx->project->diags, MG_SEV_HIGH, "flyway-mixed-transaction",
			            first_non->loc,
			            "script mixes transactional and non-transactional statements "
			            "(the first non-transactional one is on line %u): Flyway refuses to "
			            "run it unless mixed=true or the script's .conf sets "
			            "executeInTransaction",
			            (unsigned)first_non->loc.line);
		}
	} else {
		cs->run_in_transaction = true;
	}
}

static void load_sql(fw_ctx *ctx, const fw_file *f, const fw_name *nm, bool script_kind)
{
	mg_project *project = ctx->project;
	mg_arena *a = &project->arena;
	mg_changeset *cs = mg_project_add_changeset(project, script_kind ? MG_CS_FLYWAY_SCRIPT
	                                                                 : nm->kind);
	if (script_kind && nm->kind == MG_CS_FLYWAY_REPEATABLE)
		cs->version.n_parts = 0;
	else
		cs->version = nm->version;
	cs->description = nm->description;
	cs->script = f->script;
	cs->loc = (mg_loc){f->display, 1, 1};
	cs->run_in_transaction = ctx->cfg.execute_in_transaction;

	mg_file_data fd;
	mg_loc at = {f->display, 0, 0};
	if (mg_load_read(project, f->path, ctx->opts, at, &fd, NULL) != 0)
		return;
	project->n_files++;
	script_conf sc;
	read_script_conf(ctx, f, &sc);
	decoded dec;
	decode(ctx, f->display, sc.encoding, fd.data, fd.len, &dec);
	/* the text outlives the file buffer */
	char *text = mg_arena_alloc(a, dec.len + 1);
	if (dec.len)
		memcpy(text, dec.data, dec.len);
	size_t text_len = dec.len;
	mg_file_data_free(&fd);

	bool repeatable = cs->version.n_parts == 0 && cs->kind != MG_CS_FLYWAY_VERSIONED;
	if (dec.checksum_ok && !(repeatable && sc.placeholder_replacement && !script_kind)) {
		cs->checksum = mg_flyway_checksum(text, text_len);
		cs->has_checksum = true;
	}
	if (script_kind) {
		/* Shell, PowerShell, Python...: recorded, never interpreted. */
		cs->flags |= MG_CSF_OPAQUE;
		mg_statement *st = mg_changeset_add_statement(project, cs);
		st->loc = (mg_loc){f->display, 1, 1};
		st->sql = text;
		st->sql_len = text_len;
		mg_operation *op = mg_statement_add_op(project, st, MG_OP_OPAQUE);
		op->opaque_kind = MG_OPAQUE_SCRIPT_MIGRATION;
		op->loc = st->loc;
		op->detail = mg_arena_printf(a, "script migration %s: not analysed",
		                             mg_path_basename(f->display));
		return;
	}
	mg_text in = {f->display, text, text_len, NULL, 0};
	mg_text replaced = in;
	if (sc.placeholder_replacement && dec.parse) {
		fw_ph_context pc = {&ctx->cfg, mg_path_basename(f->script), ctx->cwd,
		                    ctx->timestamp};
		fw_placeholders_replace(project, &pc, &in, &replaced);
	}
	if (repeatable && sc.placeholder_replacement && dec.checksum_ok) {
		cs->checksum = mg_flyway_checksum(replaced.data, replaced.len);
		cs->has_checksum = true;
	}
	if (!dec.parse)
		return;
	mg_sql_options so;
	mg_sql_options_init(&so, project->engine);
	so.default_schema = ctx->cfg.default_schema ? ctx->cfg.default_schema
	                                            : ctx->cfg.first_schema;
	so.max_statement_bytes = ctx->opts->limits.max_statement_bytes;
	so.max_depth = ctx->opts->limits.max_sql_depth;
	so.max_nesting = ctx->opts->limits.max_nesting_depth;
	mg_sql_parse_script(project, cs, &replaced, &so);
	apply_mixed_rule(ctx, cs, &sc);
}

static bool is_java(const char *name)
{
	return mg_str_iends_with(name, ".java") || mg_str_iends_with(name, ".kt") ||
	       mg_str_iends_with(name, ".class");
}

/* name.conf where name is a SQL or script migration name: per-script
 * configuration, read with its script, never listed as skipped. */
static bool is_script_conf(const fw_config *cfg, const char *name)
{
	size_t n = strlen(name);
	if (n < 5 || !mg_str_iends_with(name, ".conf"))
		return false;
	char buf[1024];
	if (n - 5 >= sizeof buf)
		return false;
	memcpy(buf, name, n - 5);
	buf[n - 5] = '\0';
	for (size_t i = 0; i < cfg->n_suffixes; i++)
		if (mg_str_iends_with(buf, cfg->suffixes[i]))
			return true;
	for (size_t i = 0; fw_script_suffixes[i]; i++)
		if (mg_str_iends_with(buf, fw_script_suffixes[i]))
			return true;
	return false;
}

static void callback_seen(fw_ctx *ctx, const fw_file *f, const fw_name *nm)
{
	mg_project *project = ctx->project;
	mg_arena *a = &project->arena;
	const char *base = mg_path_basename(f->script);
	char *key = mg_arena_strndup(a, base, strlen(base) - nm->suffix_len);
	mg_project_add_skipped(project, f->display,
	                       mg_arena_printf(a, "callback %s, not a migration", nm->event));
	const char *first = mg_map_get(&ctx->callbacks, key);
	if (first) {
		mg_loc at = {f->display, 0, 0};
		mg_diag_add(&project->diags, MG_SEV_HIGH, "flyway-duplicate-callback", at,
		            "callback %s also found as %s: Flyway fails on two callbacks with the "
		            "same name",
		            key, first);
	} else {
		mg_map_put(&ctx->callbacks, key, (void *)f->display);
	}
}

static void load_java(fw_ctx *ctx, const fw_file *f)
{
	mg_project *project = ctx->project;
	mg_file_data fd;
	mg_loc at = {f->display, 0, 0};
	if (mg_load_read(project, f->path, ctx->opts, at, &fd, NULL) != 0)
		return;
	if (fw_java_add(project, f->display, f->script, fd.data, fd.len))
		project->n_files++;
	mg_file_data_free(&fd);
}

void fw_load_file(fw_ctx *ctx, const fw_file *f)
{
	mg_project *project = ctx->project;
	mg_arena *a = &project->arena;
	const fw_config *cfg = &ctx->cfg;
	const char *name = mg_path_basename(f->script);
	if (is_script_conf(cfg, name))
		return;
	if (is_java(name)) {
		load_java(ctx, f);
		return;
	}
	fw_name nm;
	fw_name_parse(a, cfg, name, cfg->suffixes, cfg->n_suffixes, &nm);
	bool script_kind = false;
	if (nm.status == FW_NAME_NO_SUFFIX) {
		fw_name sn;
		size_t n_script = 0;
		while (fw_script_suffixes[n_script])
			n_script++;
		fw_name_parse(a, cfg, name, fw_script_suffixes, n_script, &sn);
		if (sn.status != FW_NAME_NO_SUFFIX) {
			nm = sn;
			script_kind = true;
		}
	}
	switch (nm.status) {
	case FW_NAME_MIGRATION:
		load_sql(ctx, f, &nm, script_kind);
		return;
	case FW_NAME_CALLBACK:
		callback_seen(ctx, f, &nm);
		return;
	default:
		break;
	}
	if (f->explicit_file && !script_kind && nm.status == FW_NAME_INVALID) {
		/* Named on the command line ("migraph check fix.sql"): analysed
		 * anyway, but Flyway would not pick it up under this name. */
		mg_loc at = {f->display, 0, 0};
		mg_diag_add(&project->diags, MG_SEV_LOW, "flyway-unversioned-file", at,
		            "Flyway would skip this file (%s); analysed as given", nm.reason);
		fw_name plain;
		memset(&plain, 0, sizeof plain);
		plain.kind = MG_CS_FLYWAY_VERSIONED;
		plain.description = name;
		load_sql(ctx, f, &plain, false);
		return;
	}
	mg_project_add_skipped(project, f->display, nm.reason);
	/* validateMigrationNaming=true makes Flyway fail on names that
	 * start like a migration but do not parse. */
	if (cfg->validate_naming && nm.status == FW_NAME_INVALID) {
		mg_loc at = {f->display, 0, 0};
		mg_diag_add(&project->diags, MG_SEV_HIGH, "flyway-invalid-name", at,
		            "invalid migration name (%s): Flyway fails because "
		            "validateMigrationNaming is true",
		            nm.reason);
	}
}
