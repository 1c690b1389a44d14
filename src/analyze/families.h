/*
 * families.h: the rule families of the registry.
 *
 * Each family file (ordering.c, compat.c, locking.c) exports one plain
 * array of rules, written with designated initialisers, each naming the
 * function that runs it (the rule id with '-' turned into '_'), and the
 * array's length.  registry.c concatenates the arrays in this order.
 */
#ifndef MIGRAPH_ANALYZE_FAMILIES_H
#define MIGRAPH_ANALYZE_FAMILIES_H

#include "migraph/rules.h"

/* ordering.c: order-*, from the replay's notes and the release selection */
extern const mg_rule an_ordering_rules[];
extern const size_t an_ordering_rule_count;

/* compat.c: compat-* and the data-* rules of the catalog replay */
extern const mg_rule an_compat_rules[];
extern const size_t an_compat_rule_count;

/* locking.c: lock-* and perf-fk-without-index, from the engine's locks and risk */
extern const mg_rule an_locking_rules[];
extern const size_t an_locking_rule_count;

#endif
