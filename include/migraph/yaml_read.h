/*
 * yaml_read.h: what every reader of a small YAML file (the traffic
 * profile, .migraph.yaml) shares once libyaml has built the document:
 * where a node is, a single value, and a walk over a mapping's pairs that
 * reports a bad shape or an unknown key.  Each reader names its own
 * diagnostics (codes, severity of an unknown key, hint).
 */
#ifndef MIGRAPH_YAML_READ_H
#define MIGRAPH_YAML_READ_H

#include <stdbool.h>
#include <stddef.h>
#include <yaml.h>

#include "migraph/core.h"
#include "migraph/diag.h"

typedef struct mg_yaml_reader {
	yaml_document_t *doc;
	mg_diag_list *diags;
	const char *file;
	const char *invalid_code;      /* a value of the wrong shape (severity high) */
	const char *unknown_code;      /* a key the file does not have */
	mg_severity unknown_severity;
	const char *unknown_note;      /* after "unknown key a.b": "" or " (ignored)" */
	const char *hint;              /* where the file's keys are documented */
	size_t errors;                 /* high diagnostics pushed */
} mg_yaml_reader;

mg_loc mg_yaml_loc(const mg_yaml_reader *y, const yaml_node_t *n);
/* "key: why" at n, with the reader's code and hint. */
void mg_yaml_invalid(mg_yaml_reader *y, const yaml_node_t *n, const char *key, const char *why);
/* n's value copied into arena, or NULL (and a diagnostic) when n is not a scalar. */
const char *mg_yaml_scalar(mg_yaml_reader *y, mg_arena *arena, yaml_node_t *n, const char *key);

/* Called per pair with the reader that embeds y (self) and its own ctx;
 * returns false for a key the mapping does not have. */
typedef bool (*mg_yaml_pair_fn)(void *self, const char *path, const char *key, yaml_node_t *k,
                                yaml_node_t *v, void *ctx);
/* Calls fn for every pair of map whose key is a plain name; a map that is
 * not a mapping, a key that is not a name and an unknown key are reported
 * at path. */
void mg_yaml_each_pair(mg_yaml_reader *y, void *self, yaml_node_t *map, const char *path,
                       mg_yaml_pair_fn fn, void *ctx);

#endif
