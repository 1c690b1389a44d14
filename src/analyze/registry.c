/*
 * registry.c: the one table of rules.
 *
 * The registry is the rule families' arrays (families.h) one after the
 * other: id, category, default severity, one-line summary, documentation
 * and the function that runs each rule.  The `rules` command, SARIF
 * metadata and formats/rules.md come from it, so a rule exists exactly
 * when its family lists it.
 */
#include <string.h>

#include "analyze/families.h"
#include "migraph/rules.h"

/* The families, in the registry's order: output lists rules in it. */
static const struct family {
	const mg_rule *rules;
	const size_t *count;
} families[] = {
	{an_ordering_rules, &an_ordering_rule_count},
	{an_compat_rules, &an_compat_rule_count},
	{an_locking_rules, &an_locking_rule_count},
	{an_data_rules, &an_data_rule_count},
	{an_rollback_rules, &an_rollback_rule_count},
};

#define N_FAMILIES (sizeof families / sizeof families[0])

size_t mg_rule_count(void)
{
	size_t n = 0;
	for (size_t f = 0; f < N_FAMILIES; f++)
		n += *families[f].count;
	return n;
}

const mg_rule *mg_rule_at(size_t i)
{
	for (size_t f = 0; f < N_FAMILIES; f++) {
		if (i < *families[f].count)
			return &families[f].rules[i];
		i -= *families[f].count;
	}
	return NULL;
}

const mg_rule *mg_rule_find(const char *id)
{
	for (size_t f = 0; f < N_FAMILIES; f++)
		for (size_t i = 0; i < *families[f].count; i++)
			if (strcmp(families[f].rules[i].id, id) == 0)
				return &families[f].rules[i];
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
