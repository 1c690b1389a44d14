/*
 * ignore.h: inline suppressions, `migraph:ignore RULE[,RULE...] reason`.
 *
 * Markers live in the comments of the migration files:
 *   SQL and formatted SQL   -- migraph:ignore lock-index-not-concurrent small lookup table
 *                           (or the same in a block comment)
 *   XML                     <!-- migraph:ignore RULE reason -->
 *   YAML                    # migraph:ignore RULE reason
 * (JSON has no comments.)  They are found without the help of any parser:
 * every loader reads its files through mg_load_read, which scans the bytes
 * once.  A marker applies to the next anchor in its file: the next
 * statement or changeset (SQL), the next changeSet or change element (XML,
 * YAML).  The triage (triage.h) then suppresses the findings of the named
 * rules whose location lies in that anchor's extent.
 */
#ifndef MIGRAPH_IGNORE_H
#define MIGRAPH_IGNORE_H

#include "migraph/model.h"

typedef enum mg_ignore_syntax {
	MG_IGNORE_SQL = 0,   /* the anchor comes from the model's statements */
	MG_IGNORE_XML,       /* the scan finds the next element and its end */
	MG_IGNORE_YAML       /* the scan finds the next node by indentation */
} mg_ignore_syntax;

typedef struct mg_ignore_marker {
	mg_loc loc;                 /* the marker itself; file as opened */
	mg_ignore_syntax syntax;
	const char **rules;         /* rule ids as written */
	size_t n_rules;
	const char *reason;         /* NULL when the marker gives none */
	/* XML and YAML: the lines of the anchor the scan found (0 when the
	 * marker is followed by nothing it could apply to).  SQL: 0, the
	 * triage takes the anchor from the statements. */
	uint32_t anchor_line;
	uint32_t end_line;
	/* Identity of the file (st_dev, st_ino), to match it with the names
	 * locations use; has_id is false when it could not be read. */
	bool has_id;
	uint64_t dev, ino;
	/* Filled by the triage: findings suppressed per rule. */
	size_t *used;
} mg_ignore_marker;

/* The comment syntax of a file by its name: .xml, .yaml/.yml, else SQL.
 * Returns false for files that cannot hold markers (JSON, configuration
 * and CSV files). */
bool mg_ignore_syntax_of(const char *path, mg_ignore_syntax *out);

/* Scans one file's bytes for markers and appends them to the project.
 * A file already scanned (read twice) adds nothing. */
void mg_ignore_scan(mg_project *project, const char *path, const char *data, size_t len);

#endif
