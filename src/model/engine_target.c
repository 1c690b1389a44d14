/*
 * engine_target.c: parsing --engine values such as "postgresql:16".
 */
#include <stdlib.h>
#include <string.h>

#include "migraph/model.h"

static int parse_number(const char *s, const char **end)
{
	if (*s < '0' || *s > '9')
		return -1;
	long v = 0;
	while (*s >= '0' && *s <= '9') {
		v = v * 10 + (*s - '0');
		if (v > 10000)
			return -1;
		s++;
	}
	*end = s;
	return (int)v;
}

int mg_engine_parse(const char *text, mg_engine_target *out)
{
	const char *colon = strchr(text, ':');
	size_t n = colon ? (size_t)(colon - text) : strlen(text);
	mg_engine_target t = {MG_ENGINE_POSTGRESQL, MG_ENGINE_DEFAULT_MAJOR, 0};
	if ((n == 10 && !strncmp(text, "postgresql", n)) ||
	    (n == 8 && !strncmp(text, "postgres", n)) || (n == 2 && !strncmp(text, "pg", n))) {
		t.kind = MG_ENGINE_POSTGRESQL;
	} else if (n == 5 && !strncmp(text, "mysql", n)) {
		t = (mg_engine_target){MG_ENGINE_MYSQL, 8, 0};
	} else if (n == 7 && !strncmp(text, "mariadb", n)) {
		t = (mg_engine_target){MG_ENGINE_MARIADB, 10, 11};
	} else {
		return -1;
	}
	if (colon) {
		const char *p = colon + 1, *end;
		int major = parse_number(p, &end);
		if (major < 0)
			return -1;
		t.major = major;
		t.minor = 0;
		if (*end == '.') {
			int minor = parse_number(end + 1, &end);
			if (minor < 0)
				return -1;
			t.minor = minor;
		}
		if (*end)
			return -1;
		if (t.kind == MG_ENGINE_POSTGRESQL && (t.major < 10 || t.major > 18))
			return -1;
	}
	*out = t;
	return 0;
}
