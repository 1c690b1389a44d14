/*
 * detect.c: what kind of input a PATH is.
 *
 * Directories are Flyway locations; flyway.conf / flyway.toml are Flyway
 * configurations; changelog extensions choose the Liquibase parser as
 * Liquibase does; a .sql file is a Liquibase formatted-SQL changelog only
 * when its first non-blank line is the "--liquibase formatted sql" header
 * (Liquibase's own test), and otherwise a plain SQL migration.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "migraph/load.h"

/* Reads the first non-blank line of a file and tests it for the header. */
static bool has_formatted_sql_header(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return false;
	char line[512];
	bool found = false;
	while (fgets(line, sizeof line, f)) {
		char *p = line;
		/* A UTF-8 BOM may precede the header. */
		if ((unsigned char)p[0] == 0xEF && (unsigned char)p[1] == 0xBB &&
		    (unsigned char)p[2] == 0xBF)
			p += 3;
		while (*p && isspace((unsigned char)*p))
			p++;
		if (!*p)
			continue;
		/* --\s*liquibase\s*formatted, case-insensitive */
		if (p[0] == '-' && p[1] == '-') {
			p += 2;
			while (*p == ' ' || *p == '\t')
				p++;
			if (!strncasecmp(p, "liquibase", 9)) {
				p += 9;
				while (*p == ' ' || *p == '\t')
					p++;
				found = !strncasecmp(p, "formatted", 9);
			}
		}
		break;
	}
	fclose(f);
	return found;
}

mg_input_kind mg_detect_input(const char *path)
{
	if (mg_path_is_dir(path))
		return MG_INPUT_FLYWAY_DIR;
	if (!mg_path_is_file(path))
		return MG_INPUT_MISSING;
	const char *base = mg_path_basename(path);
	if (mg_str_iends_with(base, ".toml"))
		return MG_INPUT_FLYWAY_TOML;
	if (mg_str_iends_with(base, ".conf") && !mg_str_iends_with(base, ".sql.conf"))
		return MG_INPUT_FLYWAY_CONF;
	if (mg_str_iends_with(base, ".xml"))
		return MG_INPUT_LIQUIBASE_XML;
	if (mg_str_iends_with(base, ".yaml") || mg_str_iends_with(base, ".yml"))
		return MG_INPUT_LIQUIBASE_YAML;
	if (mg_str_iends_with(base, ".json"))
		return MG_INPUT_LIQUIBASE_JSON;
	if (mg_str_iends_with(base, ".sql"))
		return has_formatted_sql_header(path) ? MG_INPUT_LIQUIBASE_SQL : MG_INPUT_SQL_FILE;
	return MG_INPUT_UNKNOWN;
}
