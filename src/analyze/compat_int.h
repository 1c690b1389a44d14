/*
 * compat_int.h: what the files of the compatibility family share.
 *
 * compat.c holds the column and table rules and the family's registry;
 * compat_objects.c the rules on sequences, functions and types.  Both
 * judge an object by the release it was created in.
 */
#ifndef MIGRAPH_ANALYZE_COMPAT_INT_H
#define MIGRAPH_ANALYZE_COMPAT_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "migraph/rules.h"

/* Is changeset cs in the release under review (every changeset is its
 * own release when none was selected)? */
bool an_compat_in_release(const mg_analysis *a, size_t cs);
/* Do changesets x and y belong to the same release? */
bool an_compat_same_release(const mg_analysis *a, size_t x, size_t y);
/* Is there an operation after `from` in cs for which match(op, from)
 * holds? */
bool an_compat_later_in_changeset(const mg_changeset *cs, const mg_operation *from,
                                  bool (*match)(const mg_operation *op,
                                                const mg_operation *from));
/* Can c be part of an unquoted SQL identifier? */
bool an_compat_ident_char(char c);
/* The first occurrence of word w (case-insensitive, whole word) in text. */
const char *an_compat_find_word(const char *text, size_t len, const char *w);

void an_compat_rename_object(mg_analysis *a, const mg_rule *rule);
void an_compat_drop_object(mg_analysis *a, const mg_rule *rule);

#endif
