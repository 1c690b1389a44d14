/*
 * registry.c: the one table of rules.
 *
 * Every rule family adds its rules here: id, family, default severity,
 * one-line summary, documentation and the function that runs it.  The
 * `rules` command, SARIF metadata and formats/rules.md come from this
 * table, so a rule exists exactly when it is listed here.
 */
#include <string.h>

#include "analyze/families.h"
#include "migraph/rules.h"

static const mg_rule rule_table[] = {
	MG_RULES_ORDERING
	MG_RULES_COMPAT
	MG_RULES_LOCKING
	/* The empty sentinel keeps the array valid while families are empty. */
	{NULL, MG_CAT_INPUT, MG_SEV_INFO, NULL, NULL, NULL},
};

/* Families written as plain arrays follow the table, in this order. */
static const struct {
	const mg_rule *rules;
	const size_t *count;
} arrays[] = {
	{mg_rollback_rules, &mg_rollback_rule_count},
};

static size_t table_count(void)
{
	return sizeof rule_table / sizeof rule_table[0] - 1;
}

size_t mg_rule_count(void)
{
	size_t n = table_count();
	for (size_t i = 0; i < sizeof arrays / sizeof arrays[0]; i++)
		n += *arrays[i].count;
	return n;
}

const mg_rule *mg_rule_at(size_t i)
{
	if (i < table_count())
		return &rule_table[i];
	i -= table_count();
	for (size_t k = 0; k < sizeof arrays / sizeof arrays[0]; k++) {
		if (i < *arrays[k].count)
			return &arrays[k].rules[i];
		i -= *arrays[k].count;
	}
	return NULL;
}

const mg_rule *mg_rule_find(const char *id)
{
	for (size_t i = 0; i < mg_rule_count(); i++)
		if (strcmp(mg_rule_at(i)->id, id) == 0)
			return mg_rule_at(i);
	return NULL;
}

static const char *const category_names[] = {
	[MG_CAT_LOCKING] = "locking",         [MG_CAT_DATA] = "data",
	[MG_CAT_PERFORMANCE] = "performance", [MG_CAT_ROLLBACK] = "rollback",
	[MG_CAT_ORDERING] = "ordering",       [MG_CAT_COMPATIBILITY] = "compatibility",
	[MG_CAT_INPUT] = "input",
};

const char *mg_category_name(mg_category cat)
{
	if ((unsigned)cat >= sizeof category_names / sizeof category_names[0])
		return "unknown";
	return category_names[cat];
}
