/*
 * diag.h: input diagnostics.
 *
 * A diagnostic is a problem with the input (a file that does not parse, a
 * missing include, an unresolved placeholder), kept apart from rule
 * findings.  Library code never prints: it pushes diagnostics onto a list
 * and carries on with the rest of the input.
 */
#ifndef MIGRAPH_DIAG_H
#define MIGRAPH_DIAG_H

#include "migraph/core.h"

/* One scale for findings and diagnostics, so --fail-on judges both. */
typedef enum mg_severity {
	MG_SEV_INFO = 0,
	MG_SEV_LOW,
	MG_SEV_MEDIUM,
	MG_SEV_HIGH,
	MG_SEV_CRITICAL
} mg_severity;

const char *mg_severity_name(mg_severity sev);
/* Returns 0 and sets *out when name is a severity name, else -1. */
int mg_severity_parse(const char *name, mg_severity *out);

/* A position in an input file.  file is the path as given on the command
 * line (or derived from it); line and col are 1-based, 0 when unknown. */
typedef struct mg_loc {
	const char *file;
	uint32_t line;
	uint32_t col;
} mg_loc;

typedef struct mg_diag {
	mg_severity severity;
	const char *code;      /* stable kebab-case id, e.g. "input-parse-error" */
	mg_loc loc;
	const char *message;
	const char *hint;      /* what to do about it, or NULL */
	const mg_loc *chain;   /* include chain, outermost first, or NULL */
	size_t n_chain;
} mg_diag;

typedef struct mg_diag_list {
	mg_arena *arena;
	mg_diag **items;
	size_t count;
	size_t cap;
} mg_diag_list;

void mg_diag_list_init(mg_diag_list *list, mg_arena *arena);

/* Adds a diagnostic; the message is formatted into the arena.  Returns it
 * so the caller can attach a hint or an include chain. */
mg_diag *mg_diag_add(mg_diag_list *list, mg_severity sev, const char *code,
                     mg_loc loc, const char *fmt, ...) MG_PRINTF(5, 6);
void mg_diag_set_hint(mg_diag_list *list, mg_diag *diag, const char *fmt, ...)
	MG_PRINTF(3, 4);
void mg_diag_set_chain(mg_diag_list *list, mg_diag *diag, const mg_loc *chain,
                       size_t n_chain);

/* limit-file-size at `at`: path is larger than max bytes, the
 * --max-file-size limit, and is not read.  Every reader of a run says it
 * in these words, whatever the file is for. */
mg_diag *mg_diag_file_size(mg_diag_list *list, mg_loc at, const char *path, size_t max);

/* input-path-too-long at `at`: path is too long for the system
 * (mg_path_too_long, or ENAMETOOLONG from open, stat or realpath).  The
 * path is shown shortened, with the limits; never "not found". */
mg_diag *mg_diag_path_too_long(mg_diag_list *list, mg_loc at, const char *path);

/* Stable order for output: by file, line, column, then insertion order. */
void mg_diag_list_sort(mg_diag_list *list);

/* The highest severity present, or -1 for an empty list. */
int mg_diag_list_max_severity(const mg_diag_list *list);

#endif
