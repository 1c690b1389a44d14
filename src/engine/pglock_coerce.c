/*
 * pglock_coerce.c: which column type changes PostgreSQL performs without
 * rewriting the table.
 *
 * ALTER COLUMN TYPE rewrites unless the old values are valid, unchanged
 * bytes of the new type (a binary-coercible cast with no length check).
 * The cases that matter in migrations: widening varchar(n), varchar to
 * text, dropping a length limit, widening numeric precision at the same
 * scale, and (12+, with the session TimeZone at UTC) timestamp to and from
 * timestamptz.  Everything else, int to bigint included, rewrites.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/pglock_internal.h"

/* Splits "character varying(20)" into base "character varying" and
 * modifiers "20".  Returns false for arrays and other shapes we do not
 * reason about. */
typedef struct type_shape {
	char base[64];
	long mods[2];
	int n_mods;
} type_shape;

static bool parse_type(const char *text, type_shape *out)
{
	memset(out, 0, sizeof *out);
	if (!text || strchr(text, '['))
		return false;
	const char *paren = strchr(text, '(');
	size_t n = paren ? (size_t)(paren - text) : strlen(text);
	while (n && text[n - 1] == ' ')
		n--;
	if (n == 0 || n >= sizeof out->base)
		return false;
	memcpy(out->base, text, n);
	out->base[n] = '\0';
	if (paren) {
		const char *p = paren + 1;
		while (out->n_mods < 2) {
			char *end;
			long v = strtol(p, &end, 10);
			if (end == p)
				return false;
			out->mods[out->n_mods++] = v;
			while (*end == ' ')
				end++;
			if (*end == ',') {
				p = end + 1;
				continue;
			}
			if (*end != ')')
				return false;
			break;
		}
		/* A modifier written after the parentheses ("timestamp(3) with
		 * time zone") belongs to the base name. */
		const char *close = strchr(paren, ')');
		if (close && close[1]) {
			size_t len = strlen(out->base);
			snprintf(out->base + len, sizeof out->base - len, "%s", close + 1);
		}
	}
	return true;
}

static bool is_varlena_text(const char *base)
{
	return !strcmp(base, "character varying") || !strcmp(base, "text");
}

bool eng_type_change_rewrites(const char *from, const char *to, int major, bool timezone_utc,
                             const char **why)
{
	type_shape a, b;
	*why = NULL;
	if (!from) {
		*why = "the column's current type is unknown, so a rewrite is assumed";
		return true;
	}
	if (!to || !parse_type(from, &a) || !parse_type(to, &b)) {
		*why = "a type change migraph cannot prove binary-coercible rewrites the table";
		return true;
	}
	if (!strcmp(from, to)) {
		*why = "same type: nothing to rewrite";
		return false;
	}
	/* varchar(n) -> varchar(m >= n), varchar(n) -> varchar, -> text. */
	if (is_varlena_text(a.base) && is_varlena_text(b.base)) {
		if (b.n_mods == 0) {
			*why = "dropping a length limit (or varchar to text) is binary-coercible";
			return false;
		}
		if (!strcmp(a.base, "character varying") && a.n_mods == 1 &&
		    !strcmp(b.base, "character varying") && b.mods[0] >= a.mods[0]) {
			*why = "widening varchar(n) is binary-coercible";
			return false;
		}
		*why = "a shorter or new length limit must check every value: the table is rewritten";
		return true;
	}
	/* numeric(p,s) -> numeric(p' >= p, s), or -> unconstrained numeric. */
	if (!strcmp(a.base, "numeric") && !strcmp(b.base, "numeric")) {
		if (b.n_mods == 0) {
			*why = "dropping numeric's precision is binary-coercible";
			return false;
		}
		long as = a.n_mods > 1 ? a.mods[1] : 0, bs = b.n_mods > 1 ? b.mods[1] : 0;
		if (a.n_mods >= 1 && b.mods[0] >= a.mods[0] && as == bs) {
			*why = "widening numeric precision at the same scale is binary-coercible";
			return false;
		}
		*why = "changing numeric scale or narrowing precision rewrites the table";
		return true;
	}
	bool a_ts = !strcmp(a.base, "timestamp without time zone"),
	     a_tz = !strcmp(a.base, "timestamp with time zone"),
	     b_ts = !strcmp(b.base, "timestamp without time zone"),
	     b_tz = !strcmp(b.base, "timestamp with time zone");
	if ((a_ts && b_tz) || (a_tz && b_ts)) {
		if (major >= 12 && timezone_utc && a.n_mods == b.n_mods &&
		    (a.n_mods == 0 || a.mods[0] <= b.mods[0])) {
			*why = "timestamp <-> timestamptz skips the rewrite since PostgreSQL 12 when the "
			       "session TimeZone is UTC";
			return false;
		}
		*why = major < 12 ? "timestamp <-> timestamptz rewrites before PostgreSQL 12"
		                  : "timestamp <-> timestamptz rewrites unless the session TimeZone "
		                    "is UTC";
		return true;
	}
	if ((a_ts && b_ts) || (a_tz && b_tz) || (!strcmp(a.base, "bit varying") &&
	                                         !strcmp(b.base, "bit varying"))) {
		bool widening = b.n_mods == 0 || (a.n_mods == 1 && b.mods[0] >= a.mods[0]);
		*why = widening ? "raising the precision is binary-coercible"
		                : "lowering the precision rewrites the table";
		return !widening;
	}
	*why = "this type change is not binary-coercible: the table and its indexes are rewritten";
	return true;
}
