/*
 * families.h: each rule family's entries for the registry table.
 *
 * A family defines MG_RULES_<FAMILY> as a list of mg_rule initialisers
 * (each followed by a comma) and declares its run functions here.  The
 * families are empty until their issues land.
 */
#ifndef MIGRAPH_ANALYZE_FAMILIES_H
#define MIGRAPH_ANALYZE_FAMILIES_H

#include "migraph/rules.h"

#include "analyze/rules_ordering.h" /* MG_RULES_ORDERING (issue 4) */
#include "analyze/rules_compat.h"   /* MG_RULES_COMPAT (issue 4) */
#include "analyze/rules_locking.h" /* MG_RULES_LOCKING */

/* Families written as plain arrays of mg_rule (src/analyze/<family>.c). */
extern const mg_rule mg_rollback_rules[];
extern const size_t mg_rollback_rule_count;

#endif
