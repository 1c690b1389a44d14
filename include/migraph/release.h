/*
 * release.h: which changesets form the release under review.
 *
 * By default everything loaded.  --applied FILE (a CSV export of
 * flyway_schema_history or DATABASECHANGELOG) makes the release what is
 * pending; --since X what comes after a Flyway version or a Liquibase
 * tagDatabase; --git-base REF what was added or changed since a git ref.
 * Selection marks MG_CSF_IN_RELEASE and records what it found wrong on
 * the way (a failed applied migration, a changed checksum, an
 * out-of-order version), which the ordering rules report.
 */
#ifndef MIGRAPH_RELEASE_H
#define MIGRAPH_RELEASE_H

#include "migraph/model.h"

typedef enum mg_release_issue_kind {
	MG_REL_FAILED_APPLIED = 0,  /* a history row that did not succeed */
	MG_REL_CHECKSUM_CHANGED,    /* an applied migration's checksum differs from the file's */
	MG_REL_OUT_OF_ORDER,        /* pending version below the highest applied one */
	MG_REL_NOT_COMPARED,        /* applied, but migraph cannot compute its checksum */
	MG_REL_COMMITTED_CHANGED,   /* --git-base: a migration that existed at REF was changed */
	MG_REL_APPLIED_NOT_FOUND,   /* a history row with no migration file */
	MG_REL_BAD_INPUT            /* the CSV, the ref or the tag was unusable */
} mg_release_issue_kind;

typedef struct mg_release_issue {
	mg_release_issue_kind kind;
	bool has_changeset;
	size_t changeset;
	mg_loc loc;                 /* the migration, or the CSV row */
	const char *detail;
} mg_release_issue;

typedef struct mg_release {
	bool selected;              /* one of --applied, --since, --git-base was given */
	size_t n_in_release;
	mg_release_issue *issues;
	size_t n_issues;
	size_t issues_cap;
} mg_release;

/* What selects the release; every field may be NULL.  When several are
 * given, the release is what every one of them puts in it. */
typedef struct mg_release_options {
	const char *applied_file;   /* --applied: history table export (CSV) */
	const char *since;          /* --since: Flyway version or Liquibase tag */
	const char *git_base;       /* --git-base: git ref */
} mg_release_options;

/* A CSV file read into rows of fields (RFC 4180 quoting; the delimiter is
 * ',' unless the header line only has ';' or tabs). */
typedef struct mg_csv {
	const char ***rows;
	size_t *n_fields;
	uint32_t *lines;            /* 1-based line where each row starts */
	size_t n_rows;
} mg_csv;

/* The column whose header matches name case-insensitively, or -1. */
int mg_csv_column(const mg_csv *csv, const char *name);

/* Adds an issue (shared by the selection modes). */
mg_release_issue *mg_release_add_issue(mg_arena *arena, mg_release *rel,
                                       mg_release_issue_kind kind, const mg_changeset *cs,
                                       mg_loc loc, const char *detail);

/* The modes that work on data already read (src/model/release_*.c); each
 * marks MG_CSF_IN_RELEASE on what it puts in the release.  --applied: a
 * history export, read from path (for locations) into csv.  --since: a
 * Flyway version or Liquibase tag.  --git-base reads the repository: it is
 * a loader (load.h), as is mg_release_select, which runs the modes. */
void mg_release_applied(mg_project *project, mg_release *rel, const char *path,
                        const mg_csv *csv);
void mg_release_since(mg_project *project, mg_release *rel, const char *since);

#endif
