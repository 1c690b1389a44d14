/*
 * units.c: sizes and counts written the way people write them in
 * traffic profiles and on the command line ("80GB", "12GiB", "120M"),
 * and durations and counts printed the way reviewers read them.
 */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "migraph/core.h"

typedef struct unit {
	const char *name;
	double factor;
} unit;

/* Parses "<number>[ ]<unit>" where unit is matched case-insensitively
 * against the table; an empty unit has factor 1. */
static int parse_with_units(const char *s, const unit *units, size_t n_units, uint64_t *out)
{
	if (!s)
		return -1;
	while (isspace((unsigned char)*s))
		s++;
	if (!isdigit((unsigned char)*s) && *s != '.')
		return -1;
	char *end;
	double v = strtod(s, &end);
	if (end == s || !isfinite(v) || v < 0)
		return -1;
	while (isspace((unsigned char)*end))
		end++;
	size_t ulen = strlen(end);
	while (ulen && isspace((unsigned char)end[ulen - 1]))
		ulen--;
	double factor = 0;
	if (ulen == 0) {
		factor = 1;
	} else {
		for (size_t i = 0; i < n_units; i++) {
			if (strlen(units[i].name) == ulen && !strncasecmp(end, units[i].name, ulen)) {
				factor = units[i].factor;
				break;
			}
		}
	}
	if (factor == 0)
		return -1;
	double r = v * factor;
	if (r >= 18446744073709551615.0)
		return -1;
	*out = (uint64_t)llround(r);
	return 0;
}

int mg_parse_bytes(const char *s, uint64_t *out)
{
	static const unit units[] = {
		{"B", 1},           {"KB", 1e3},           {"MB", 1e6},
		{"GB", 1e9},        {"TB", 1e12},          {"KiB", 1024.0},
		{"MiB", 1048576.0}, {"GiB", 1073741824.0}, {"TiB", 1099511627776.0},
	};
	return parse_with_units(s, units, sizeof units / sizeof units[0], out);
}

int mg_parse_count(const char *s, uint64_t *out)
{
	static const unit units[] = {{"K", 1e3}, {"M", 1e6}, {"B", 1e9}};
	return parse_with_units(s, units, sizeof units / sizeof units[0], out);
}

void mg_buf_put_duration(mg_buf *out, double ms)
{
	if (ms < 1000)
		mg_buf_printf(out, "%.0f ms", ms);
	else if (ms < 120000)
		mg_buf_printf(out, "%.1f s", ms / 1000);
	else if (ms < 7200000)
		mg_buf_printf(out, "%.0f min", ms / 60000);
	else
		mg_buf_printf(out, "%.1f h", ms / 3600000);
}

void mg_buf_put_count(mg_buf *out, double n)
{
	if (n >= 1e6)
		mg_buf_printf(out, "%.1fM", n / 1e6);
	else if (n >= 1e4)
		mg_buf_printf(out, "%.0fK", n / 1e3);
	else
		mg_buf_printf(out, "%.0f", n);
}

void mg_buf_put_bytes(mg_buf *out, double bytes)
{
	static const char *const units[] = {"B", "kB", "MB", "GB", "TB", "PB"};
	int u = 0;
	while (bytes >= 1000 && u < 5) {
		bytes /= 1000;
		u++;
	}
	mg_buf_printf(out, bytes < 10 && u ? "%.1f %s" : "%.0f %s", bytes, units[u]);
}
