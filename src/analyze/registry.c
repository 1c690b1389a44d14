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

size_t mg_rule_count(void)
{
	return sizeof rule_table / sizeof rule_table[0] - 1;
}

const mg_rule *mg_rule_at(size_t i)
{
	return i < mg_rule_count() ? &rule_table[i] : NULL;
}

const mg_rule *mg_rule_find(const char *id)
{
	for (size_t i = 0; i < mg_rule_count(); i++)
		if (strcmp(rule_table[i].id, id) == 0)
			return &rule_table[i];
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
