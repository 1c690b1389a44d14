/*
 * families.h: the rule families of the registry.
 *
 * Each family file (ordering.c, compat.c, locking.c, rollback.c) exports one plain
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

/* data.c: data-* of mass data changes and code migraph cannot see into */
extern const mg_rule an_data_rules[];
extern const size_t an_data_rule_count;

/* rollback.c: rollback-*, from the changesets' rollbacks replayed on the catalog */
extern const mg_rule an_rollback_rules[];
extern const size_t an_rollback_rule_count;

/* Whether ALTER COLUMN TYPE from -> to can reject or lose values the old
 * type allowed; *why says how.  False when either type is unknown.  The
 * compat rules and the rollback derivation (a rollback after a narrowing
 * cannot bring the lost values back) both ask it. */
bool an_type_narrows(const char *from, const char *to, const char **why);

#endif
