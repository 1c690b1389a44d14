/*
 * flyway_name.c: Flyway's file-name grammar, as ResourceNameParser
 * applies it.
 *
 *   PREFIX VERSION SEPARATOR DESCRIPTION SUFFIX     V1.2__add_users.sql
 *
 * The suffix is matched case-insensitively from the configured list; the
 * prefix case-sensitively, longest candidate first among the migration
 * prefixes and every callback event name (so beforeEachMigrateStatement is
 * never read as beforeEachMigrate); the rest splits at the first
 * separator.  Names that do not fit are never migrations: the reason says
 * exactly which part failed, because Flyway itself skips them silently.
 */
#include <string.h>

#include "load/flyway_internal.h"

/* Event.java, in its order. */
const char *const fw_callback_events[] = {
	"beforeConnect", "afterConnect", "beforeMigrate", "beforeEachMigrate",
	"beforeEachMigrateStatement", "afterEachMigrateStatement",
	"afterEachMigrateStatementError", "afterEachMigrate", "afterEachMigrateError",
	"beforeRepeatables", "afterVersioned", "afterMigrateApplied", "afterMigrate",
	"afterMigrateError", "afterMigrateOperationFinish", "beforeClean", "afterClean",
	"afterCleanError", "beforeUndo", "beforeEachUndo", "beforeEachUndoStatement",
	"afterEachUndoStatement", "afterEachUndoStatementError", "afterEachUndo",
	"afterEachUndoError", "afterUndo", "afterUndoError", "beforeValidate",
	"afterValidate", "afterValidateError", "beforeBaseline", "afterBaseline",
	"afterBaselineError", "beforeRepair", "afterRepair", "afterRepairError",
	"beforeInfo", "afterInfo", "afterInfoError", "beforeCreateSchema", "createSchema",
	"afterInfoOperationFinish", NULL,
};

typedef struct candidate {
	const char *prefix;
	size_t len;
	int type;                 /* -1: callback, else a mg_changeset_kind */
} candidate;

static const char *underscores_to_spaces(mg_arena *arena, const char *s, size_t n)
{
	char *d = mg_arena_strndup(arena, s, n);
	for (char *p = d; *p; p++)
		if (*p == '_')
			*p = ' ';
	return d;
}

static const char *suffix_list(mg_arena *arena, const char *const *suffixes, size_t n)
{
	mg_buf b = MG_BUF_INIT;
	for (size_t i = 0; i < n; i++) {
		if (i)
			mg_buf_puts(&b, ", ");
		mg_buf_puts(&b, suffixes[i]);
	}
	const char *r = mg_arena_strdup(arena, mg_buf_cstr(&b));
	mg_buf_dispose(&b);
	return r;
}

/* Validates the version part of V/U/B names and fills out. */
static void versioned(mg_arena *arena, const fw_config *cfg, const char *prefix,
                      const char *ver, size_t ver_len, bool has_sep, fw_name *out)
{
	char *text = mg_arena_strndup(arena, ver, ver_len);
	if (ver_len == 0) {
		out->status = FW_NAME_INVALID;
		out->reason = mg_arena_printf(arena, "no version after the prefix '%s'", prefix);
		return;
	}
	if (mg_version_parse(arena, text, &out->version) != 0) {
		out->status = FW_NAME_INVALID;
		if (!has_sep)
			out->reason = mg_arena_printf(arena, "no '%s' separator after the version",
			                              cfg->separator);
		else
			out->reason = mg_arena_printf(
				arena, "version '%s' is not a version (digits separated by '.' or '_')",
				text);
		return;
	}
	out->status = FW_NAME_MIGRATION;
}

void fw_name_parse(mg_arena *arena, const fw_config *cfg, const char *name,
                   const char *const *suffixes, size_t n_suffixes, fw_name *out)
{
	memset(out, 0, sizeof *out);
	out->description = "";
	size_t name_len = strlen(name);

	/* 1. suffix, case-insensitive, first match in the configured order */
	size_t suffix_len = 0;
	bool found = false;
	for (size_t i = 0; i < n_suffixes && !found; i++) {
		if (suffixes[i][0] && mg_str_iends_with(name, suffixes[i])) {
			suffix_len = strlen(suffixes[i]);
			found = true;
		}
	}
	if (!found) {
		out->status = FW_NAME_NO_SUFFIX;
		const char *dot = strrchr(name, '.');
		if (dot && dot != name)
			out->reason = mg_arena_printf(arena, "suffix %s is not a migration suffix (%s)",
			                              dot, suffix_list(arena, suffixes, n_suffixes));
		else
			out->reason = mg_arena_printf(arena, "no file suffix (%s)",
			                              suffix_list(arena, suffixes, n_suffixes));
		return;
	}
	out->suffix_len = suffix_len;
	size_t base_len = name_len - suffix_len;

	/* 2. prefix: longest candidate first, case-sensitive */
	candidate cands[64];
	size_t nc = 0;
	const char *mig[4] = {cfg->prefix_v, cfg->prefix_r, cfg->prefix_u, cfg->prefix_b};
	const int kinds[4] = {MG_CS_FLYWAY_VERSIONED, MG_CS_FLYWAY_REPEATABLE, MG_CS_FLYWAY_UNDO,
	                      MG_CS_FLYWAY_BASELINE};
	for (int i = 0; i < 4; i++)
		if (mig[i] && *mig[i])
			cands[nc++] = (candidate){mig[i], strlen(mig[i]), kinds[i]};
	for (size_t i = 0; fw_callback_events[i] && nc < 64; i++)
		cands[nc++] = (candidate){fw_callback_events[i], strlen(fw_callback_events[i]), -1};
	const candidate *hit = NULL;
	for (size_t i = 0; i < nc; i++) {
		if (cands[i].len > base_len || strncmp(name, cands[i].prefix, cands[i].len) != 0)
			continue;
		if (!hit || cands[i].len > hit->len)
			hit = &cands[i];
	}
	if (!hit) {
		out->status = FW_NAME_INVALID;
		out->reason = mg_arena_printf(
			arena,
			"does not start with a migration prefix (%s, %s, %s, %s; case-sensitive) "
			"or a callback event name",
			cfg->prefix_v, cfg->prefix_u, cfg->prefix_b, cfg->prefix_r);
		return;
	}

	/* 3. split at the first separator */
	const char *rest = name + hit->len;
	size_t rest_len = base_len - hit->len;
	const char *sep = NULL;
	size_t sep_len = cfg->separator ? strlen(cfg->separator) : 0;
	if (sep_len) {
		for (size_t i = 0; i + sep_len <= rest_len; i++) {
			if (memcmp(rest + i, cfg->separator, sep_len) == 0) {
				sep = rest + i;
				break;
			}
		}
	}
	size_t ver_len = sep ? (size_t)(sep - rest) : rest_len;
	const char *desc = sep ? sep + sep_len : rest + rest_len;
	size_t desc_len = (size_t)(rest + rest_len - desc);

	/* 4. validate */
	if (hit->type < 0) {
		out->event = hit->prefix;
		if (ver_len) {
			out->status = FW_NAME_INVALID;
			out->reason = mg_arena_printf(
				arena, "callback %s followed by '%.*s' instead of the '%s' separator",
				hit->prefix, (int)ver_len, rest, cfg->separator);
			return;
		}
		out->status = FW_NAME_CALLBACK;
		out->description = underscores_to_spaces(arena, desc, desc_len);
		return;
	}
	out->kind = (mg_changeset_kind)hit->type;
	if (out->kind == MG_CS_FLYWAY_REPEATABLE) {
		if (ver_len) {
			out->status = FW_NAME_INVALID;
			out->reason = mg_arena_printf(arena, "repeatable with a version ('%.*s')",
			                              (int)ver_len, rest);
			return;
		}
		out->status = FW_NAME_MIGRATION;
	} else {
		versioned(arena, cfg, hit->prefix, rest, ver_len, sep != NULL, out);
		if (out->status != FW_NAME_MIGRATION)
			return;
	}
	/* 5. description: every '_' becomes a space, so "change_length___DB2"
	 * keeps three spaces (only the first separator splits). */
	out->description = underscores_to_spaces(arena, desc, desc_len);
}

int fw_name_parse_java(mg_arena *arena, const char *class_name, fw_name *out)
{
	memset(out, 0, sizeof *out);
	out->description = "";
	/* BaseJavaMigration derives version and description from the simple
	 * class name with V or R and "__" hard-wired, whatever the SQL
	 * prefixes are configured to. */
	fw_config cfg;
	memset(&cfg, 0, sizeof cfg);
	cfg.prefix_v = "V";
	cfg.prefix_r = "R";
	cfg.separator = "__";
	if (class_name[0] != 'V' && class_name[0] != 'R') {
		out->status = FW_NAME_INVALID;
		out->reason = "class name does not start with V or R";
		return -1;
	}
	const char *rest = class_name + 1;
	const char *sep = strstr(rest, "__");
	size_t ver_len = sep ? (size_t)(sep - rest) : strlen(rest);
	const char *desc = sep ? sep + 2 : rest + ver_len;
	if (class_name[0] == 'R') {
		if (ver_len) {
			out->status = FW_NAME_INVALID;
			out->reason = "repeatable Java migration with a version";
			return -1;
		}
		out->kind = MG_CS_FLYWAY_REPEATABLE;
		out->status = FW_NAME_MIGRATION;
	} else {
		out->kind = MG_CS_FLYWAY_VERSIONED;
		versioned(arena, &cfg, "V", rest, ver_len, sep != NULL, out);
		if (out->status != FW_NAME_MIGRATION)
			return -1;
	}
	out->description = underscores_to_spaces(arena, desc, strlen(desc));
	return 0;
}
