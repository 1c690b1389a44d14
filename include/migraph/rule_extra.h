/*
 * rule_extra.h: what `migraph explain` shows beyond the registry's fields:
 * an example migration that fires each rule, and the PostgreSQL versions
 * it concerns.
 *
 * Follow-up for the registry (issue 12): these two fields belong in
 * mg_rule itself.  They live in this separate table only while the
 * registry's entries are being rewritten as designated initialisers; once
 * that lands, fold `example` and `versions` into the entries and remove
 * this table.  A unit test keeps both tables in step meanwhile.
 */
#ifndef MIGRAPH_RULE_EXTRA_H
#define MIGRAPH_RULE_EXTRA_H

#include <stddef.h>

typedef struct mg_rule_extra {
	const char *id;
	const char *example;   /* a migration (SQL) the rule reports */
	const char *versions;  /* which PostgreSQL versions it concerns, and how */
} mg_rule_extra;

size_t mg_rule_extra_count(void);
const mg_rule_extra *mg_rule_extra_at(size_t i);
const mg_rule_extra *mg_rule_extra_find(const char *id);

#endif
