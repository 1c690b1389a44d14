/*
 * flyway_conf.c: Flyway settings and the Java properties syntax of
 * flyway.conf and per-script .conf files.
 *
 * Both config formats (and -D on the command line) end up in
 * fw_config_set, so precedence is simply the order of the calls: defaults,
 * then config files in command-line order, then environment overrides,
 * then -D.
 */
#include <string.h>

#include "load/flyway_internal.h"

void fw_config_init(fw_config *cfg, mg_arena *arena)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->arena = arena;
	/* FlywayModel.defaults() */
	cfg->prefix_v = "V";
	cfg->prefix_r = "R";
	cfg->prefix_u = "U";
	cfg->prefix_b = "B";
	cfg->separator = "__";
	cfg->suffixes = mg_arena_alloc(arena, sizeof *cfg->suffixes);
	cfg->suffixes[0] = ".sql";
	cfg->n_suffixes = 1;
	mg_map_init(&cfg->placeholders, arena);
	cfg->placeholder_replacement = true;
	cfg->ph_prefix = "${";
	cfg->ph_suffix = "}";
	cfg->ph_separator = ":";
	cfg->execute_in_transaction = true;
	cfg->encoding = "UTF-8";
	cfg->table = "flyway_schema_history";
	cfg->environment = "default";
}

void fw_kv_push(mg_arena *arena, fw_kv_list *list, const char *key, const char *value,
                mg_loc loc)
{
	if (list->count == list->cap) {
		size_t ncap = list->cap ? list->cap * 2 : 16;
		list->items = mg_arena_grow(arena, list->items, sizeof *list->items, list->count,
		                            ncap);
		list->cap = ncap;
	}
	list->items[list->count++] = (fw_kv){mg_arena_strdup(arena, key),
	                                     mg_arena_strdup(arena, value), loc};
}

/* Splits a comma-separated list, trimming blanks and dropping empty items. */
static size_t split_list(mg_arena *arena, const char *value, const char ***out)
{
	size_t n = 1;
	for (const char *p = value; *p; p++)
		n += *p == ',';
	const char **items = mg_arena_alloc(arena, n * sizeof *items);
	size_t k = 0;
	const char *p = value;
	while (1) {
		const char *end = strchr(p, ',');
		if (!end)
			end = p + strlen(p);
		const char *s = p, *e = end;
		while (s < e && (*s == ' ' || *s == '\t'))
			s++;
		while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
			e--;
		if (e > s)
			items[k++] = mg_arena_strndup(arena, s, (size_t)(e - s));
		if (!*end)
			break;
		p = end + 1;
	}
	*out = items;
	return k;
}

static void set_bool(mg_project *project, bool *field, const char *key, const char *value,
                     mg_loc loc)
{
	if (!mg_str_parse_bool(value, field))
		mg_diag_add(&project->diags, MG_SEV_MEDIUM, "flyway-config-value", loc,
		            "%s must be true or false, not '%s'", key, value);
}

void fw_config_set(mg_project *project, fw_config *cfg, const char *key,
                   const char *value, mg_loc loc, const char *conf_dir)
{
	mg_arena *a = cfg->arena;
	if (mg_str_starts_with(key, "placeholders.")) {
		/* Flyway lower-cases placeholder names: ${Tenant} = ${tenant}. */
		const char *name = key + strlen("placeholders.");
		if (*name)
			mg_map_put(&cfg->placeholders, mg_str_lower(a, name),
			           mg_arena_strdup(a, value));
		return;
	}
	const char *v = mg_arena_strdup(a, value);
	if (mg_str_eq(key, "locations")) {
		const char **items;
		size_t n = split_list(a, value, &items);
		cfg->locations = mg_arena_alloc(a, (n + 1) * sizeof *cfg->locations);
		for (size_t i = 0; i < n; i++)
			cfg->locations[i] = (fw_location){items[i],
			                                  conf_dir ? mg_arena_strdup(a, conf_dir) : NULL,
			                                  loc};
		cfg->n_locations = n;
		cfg->locations_set = true;
	} else if (mg_str_eq(key, "sqlMigrationSuffixes")) {
		const char **items;
		size_t n = split_list(a, value, &items);
		if (n) {
			cfg->suffixes = items;
			cfg->n_suffixes = n;
		}
	} else if (mg_str_eq(key, "sqlMigrationPrefix")) {
		cfg->prefix_v = v;
	} else if (mg_str_eq(key, "repeatableSqlMigrationPrefix")) {
		cfg->prefix_r = v;
	} else if (mg_str_eq(key, "undoSqlMigrationPrefix")) {
		cfg->prefix_u = v;
	} else if (mg_str_eq(key, "baselineMigrationPrefix")) {
		cfg->prefix_b = v;
	} else if (mg_str_eq(key, "sqlMigrationSeparator")) {
		if (*v)
			cfg->separator = v;
		else
			mg_diag_add(&project->diags, MG_SEV_MEDIUM, "flyway-config-value", loc,
			            "sqlMigrationSeparator must not be empty; keeping '%s'",
			            cfg->separator);
	} else if (mg_str_eq(key, "outOfOrder")) {
		set_bool(project, &cfg->out_of_order, key, value, loc);
	} else if (mg_str_eq(key, "target")) {
		cfg->target = v;
	} else if (mg_str_eq(key, "baselineVersion")) {
		cfg->baseline_version = v;
	} else if (mg_str_eq(key, "defaultSchema")) {
		cfg->default_schema = v;
	} else if (mg_str_eq(key, "schemas")) {
		const char **items;
		if (split_list(a, value, &items))
			cfg->first_schema = items[0];
	} else if (mg_str_eq(key, "placeholderReplacement")) {
		set_bool(project, &cfg->placeholder_replacement, key, value, loc);
	} else if (mg_str_eq(key, "placeholderPrefix")) {
		if (*v)
			cfg->ph_prefix = v;
	} else if (mg_str_eq(key, "placeholderSuffix")) {
		if (*v)
			cfg->ph_suffix = v;
	} else if (mg_str_eq(key, "placeholderSeparator")) {
		if (*v)
			cfg->ph_separator = v;
	} else if (mg_str_eq(key, "executeInTransaction")) {
		set_bool(project, &cfg->execute_in_transaction, key, value, loc);
	} else if (mg_str_eq(key, "mixed")) {
		set_bool(project, &cfg->mixed, key, value, loc);
	} else if (mg_str_eq(key, "encoding")) {
		cfg->encoding = v;
	} else if (mg_str_eq(key, "table")) {
		cfg->table = v;
	} else if (mg_str_eq(key, "validateMigrationNaming")) {
		set_bool(project, &cfg->validate_naming, key, value, loc);
	} else if (mg_str_eq(key, "environment")) {
		cfg->environment = v;
	}
	/* Anything else (url, user, validateOnMigrate, ...) does not change
	 * what migraph reads, and Flyway ignores unknown keys in files. */
}

/* ---- Java properties -------------------------------------------------- */

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\f';
}

/* Joins one logical line (continuations resolved, escapes still in) into
 * b; returns the offset after it. */
static size_t logical_line(const char *d, size_t len, size_t i, mg_buf *b, uint32_t *lines)
{
	*lines = 1;
	for (;;) {
		size_t start = i;
		while (i < len && d[i] != '\n' && d[i] != '\r')
			i++;
		size_t end = i;
		if (i < len && d[i] == '\r') {
			i++;
			if (i < len && d[i] == '\n')
				i++;
		} else if (i < len) {
			i++;
		}
		/* An odd number of trailing backslashes continues the line. */
		size_t bs = 0;
		while (end - bs > start && d[end - bs - 1] == '\\')
			bs++;
		if (bs % 2 == 1 && end < len) {
			mg_buf_put(b, d + start, end - start - 1);
			(*lines)++;
			while (i < len && is_blank(d[i]))
				i++;
			continue;
		}
		mg_buf_put(b, d + start, end - start - (bs % 2 == 1 ? 1 : 0));
		return i;
	}
}

/* Unescapes s[from, to) into out; returns false on a bad \u escape. */
static bool unescape(const char *s, size_t from, size_t to, mg_buf *out)
{
	for (size_t i = from; i < to; i++) {
		if (s[i] != '\\' || i + 1 >= to) {
			mg_buf_putc(out, s[i]);
			continue;
		}
		char c = s[++i];
		switch (c) {
		case 't': mg_buf_putc(out, '\t'); break;
		case 'n': mg_buf_putc(out, '\n'); break;
		case 'r': mg_buf_putc(out, '\r'); break;
		case 'f': mg_buf_putc(out, '\f'); break;
		case 'u': {
			if (i + 4 >= to)
				return false;
			unsigned cp = 0;
			for (int k = 1; k <= 4; k++) {
				int h = hexval(s[i + k]);
				if (h < 0)
					return false;
				cp = cp * 16 + (unsigned)h;
			}
			mg_buf_put_utf8(out, cp);
			i += 4;
			break;
		}
		default: mg_buf_putc(out, c);
		}
	}
	return true;
}

int fw_properties_parse(mg_project *project, const char *file, const char *data,
                        size_t len, fw_kv_list *out)
{
	mg_arena *a = &project->arena;
	size_t i = 0;
	uint32_t line = 1;
	if (len >= 3 && (unsigned char)data[0] == 0xEF && (unsigned char)data[1] == 0xBB &&
	    (unsigned char)data[2] == 0xBF)
		i = 3;
	mg_buf raw = MG_BUF_INIT, key = MG_BUF_INIT, val = MG_BUF_INIT;
	while (i < len) {
		/* Skip leading blanks; blank and comment lines are single lines. */
		size_t s = i;
		while (s < len && is_blank(data[s]))
			s++;
		if (s >= len)
			break;
		if (data[s] == '\n' || data[s] == '\r' || data[s] == '#' || data[s] == '!') {
			while (s < len && data[s] != '\n' && data[s] != '\r')
				s++;
			if (s < len && data[s] == '\r')
				s++;
			if (s < len && data[s] == '\n')
				s++;
			i = s;
			line++;
			continue;
		}
		mg_buf_clear(&raw);
		uint32_t n_lines;
		i = logical_line(data, len, s, &raw, &n_lines);
		const char *r = mg_buf_cstr(&raw);
		size_t rl = raw.len, k = 0;
		mg_loc at = {file, line, 1};
		/* key ends at an unescaped '=', ':' or blank */
		while (k < rl && r[k] != '=' && r[k] != ':' && !is_blank(r[k])) {
			if (r[k] == '\\')
				k++;
			k++;
		}
		if (k > rl)
			k = rl;
		size_t key_end = k;
		while (k < rl && is_blank(r[k]))
			k++;
		bool has_sep = false;
		if (k < rl && (r[k] == '=' || r[k] == ':')) {
			has_sep = true;
			k++;
		}
		while (k < rl && is_blank(r[k]))
			k++;
		mg_buf_clear(&key);
		mg_buf_clear(&val);
		bool ok = unescape(r, 0, key_end, &key) && unescape(r, k, rl, &val);
		if (!ok) {
			mg_diag_add(&project->diags, MG_SEV_MEDIUM, "flyway-config-syntax", at,
			            "malformed \\uXXXX escape; the line is ignored");
		} else if (key_end == 0) {
			mg_diag_add(&project->diags, MG_SEV_MEDIUM, "flyway-config-syntax", at,
			            "line has a value but no key; it is ignored");
		} else if (!has_sep && k >= rl && key_end == rl) {
			mg_diag_add(&project->diags, MG_SEV_LOW, "flyway-config-syntax", at,
			            "'%s' has no '=' and no value; it is ignored", mg_buf_cstr(&key));
		} else {
			fw_kv_push(a, out, mg_buf_cstr(&key), mg_buf_cstr(&val), at);
		}
		line += n_lines;
	}
	mg_buf_dispose(&raw);
	mg_buf_dispose(&key);
	mg_buf_dispose(&val);
	return 0;
}
