/*
 * lb_changes.h: Liquibase change types -> operations.
 *
 * The changelog interpreter (liquibase.c) finds each change element of a
 * changeSet, expands properties in it, and hands it to
 * lb_change_to_ops, which appends statements and operations of the
 * shared vocabulary to the changeset.  One Liquibase change yields one
 * statement whose location is the change element; sql and sqlFile go
 * through the SQL front end and yield one statement per SQL statement.
 */
#ifndef MIGRAPH_LB_CHANGES_H
#define MIGRAPH_LB_CHANGES_H

#include "load/lb_node.h"
#include "migraph/load.h"

typedef enum lb_quoting {
	LB_QUOTE_LEGACY = 0,         /* default: fold like the engine, quote reserved words */
	LB_QUOTE_ALL_OBJECTS,        /* names are case-sensitive as written */
	LB_QUOTE_ONLY_RESERVED_WORDS
} lb_quoting;

typedef struct lb_change_ctx {
	mg_project *project;
	const mg_load_options *opts;
	mg_changeset *cs;
	const char *changelog_path;     /* the file holding the change, as opened */
	const char *changelog_dir;      /* its directory, for relativeToChangelogFile */
	lb_quoting quoting;
	/* Resolves a sqlFile/loadData path the way Liquibase does (search
	 * path or relative to the changelog); returns an openable path or
	 * NULL after pushing a diagnostic. */
	const char *(*resolve)(struct lb_change_ctx *ctx, const char *path,
	                       bool relative_to_changelog, mg_loc where);
	void *resolve_data;
	/* Expands changelog properties in text the change reads from elsewhere
	 * (a sqlFile's content), as Liquibase does; NULL leaves it as is. */
	const char *(*expand)(struct lb_change_ctx *ctx, const char *text, mg_loc at);
	/* Set by a sqlFile change: its node and its text as read and
	 * expanded, so that the changeset's checksum uses the same bytes
	 * without reading the file again. */
	const lb_node *sql_file_node;
	const char *sql_file_text;
} lb_change_ctx;

/* Whether a change element (by local name) is a known Liquibase change
 * type; unknown names become opaque operations with a diagnostic. */
bool lb_is_change_type(const char *name);

/* Appends the statements and operations of one change.  Returns 0, or -1
 * after pushing a diagnostic when the change could not be understood (an
 * opaque operation still records it). */
int lb_change_to_ops(lb_change_ctx *ctx, const lb_node *change);

/* Whether Liquibase can derive this change's rollback by itself. */
bool lb_change_has_auto_rollback(const lb_node *change);

#endif
