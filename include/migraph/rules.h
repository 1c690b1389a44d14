/*
 * rules.h: the rule registry, findings and the analysis result.
 *
 * Every rule lives in one table (src/analyze/registry.c): id, family,
 * default severity, one-line summary and documentation.  `migraph rules`,
 * SARIF rule metadata and formats/rules.md all come from that table.
 */
#ifndef MIGRAPH_RULES_H
#define MIGRAPH_RULES_H

#include "migraph/model.h"

typedef enum mg_category {
	MG_CAT_LOCKING = 0,
	MG_CAT_DATA,
	MG_CAT_PERFORMANCE,
	MG_CAT_ROLLBACK,
	MG_CAT_ORDERING,
	MG_CAT_COMPATIBILITY,
	MG_CAT_INPUT
} mg_category;

const char *mg_category_name(mg_category cat);

typedef struct mg_analysis mg_analysis;

/* How the new app version reaches production: decides which schema
 * changes break the version still running. */
typedef enum mg_deploy {
	MG_DEPLOY_ROLLING = 0,         /* the default: old and new run side by side */
	MG_DEPLOY_SINGLE,              /* stop, migrate, start */
	MG_DEPLOY_BLUE_GREEN,
	MG_DEPLOY_CANARY
} mg_deploy;

const char *mg_deploy_name(mg_deploy d);
int mg_deploy_parse(const char *text, mg_deploy *out);

/* Inputs of the analysis beyond the project (command-line options). */
typedef struct mg_analysis_options {
	const char *schema_file;       /* --schema: pg_dump --schema-only baseline */
	const char *applied_file;      /* --applied: history table export (CSV) */
	const char *since;             /* --since: Flyway version or Liquibase tag */
	const char *git_base;          /* --git-base: git ref */
	mg_deploy deploy;              /* --deploy, else the profile, else rolling */
	bool deploy_given;
	const char *profile_file;      /* --profile: traffic profile (YAML) */
} mg_analysis_options;

struct mg_catalog;
struct mg_graph;
struct mg_profile;
struct mg_changeset_risk;

typedef struct mg_rule {
	const char *id;              /* stable kebab-case, prefixed by family */
	mg_category category;
	mg_severity default_severity;
	const char *summary;         /* one line */
	const char *doc;             /* why it matters and the safe alternative */
	void (*run)(mg_analysis *analysis, const struct mg_rule *rule);
} mg_rule;

/* The registry, in a stable order. */
size_t mg_rule_count(void);
const mg_rule *mg_rule_at(size_t i);
const mg_rule *mg_rule_find(const char *id);

typedef struct mg_finding {
	const mg_rule *rule;
	mg_severity severity;
	mg_loc loc;
	bool has_changeset;
	size_t changeset_index;
	mg_object object;
	const char *message;          /* what is wrong, in production terms */
	const char *safe_alternative; /* concrete SQL or changelog text */
	/* The inline `migraph:ignore` that suppresses it (set by the triage,
	 * include/migraph/triage.h), or NULL.  A suppressed finding stays in
	 * the output, marked, and never decides the exit code. */
	const struct mg_ignore_marker *suppressed_by;
} mg_finding;

struct mg_analysis {
	mg_project *project;
	mg_analysis_options opts;
	struct mg_catalog *catalog;   /* the schema after the last changeset */
	struct mg_graph *graph;
	mg_finding **findings;
	size_t n_findings;
	size_t findings_cap;
	bool sizes_known;             /* a traffic profile gave table sizes */
	const struct mg_profile *profile;      /* --profile, or NULL */
	struct mg_changeset_risk *risk;        /* one per changeset, after prepare */
	bool prepared;
};

void mg_analysis_init(mg_analysis *analysis, mg_project *project,
                      const mg_analysis_options *opts);
/* The stages before the rules, in pipeline order: release selection
 * (marks MG_CSF_IN_RELEASE), catalog replay with the engine's effects on
 * every operation, and the changeset graph.  Idempotent. */
void mg_analysis_prepare(mg_analysis *analysis);
/* Prepares, then runs every rule in the registry. */
void mg_analysis_run(mg_analysis *analysis);
mg_finding *mg_analysis_add_finding(mg_analysis *analysis, const mg_rule *rule,
                                    mg_severity severity, mg_loc loc,
                                    const mg_changeset *cs);
/* Sorts findings by changeset, file, line, rule id: output is deterministic. */
void mg_analysis_sort(mg_analysis *analysis);
/* Highest severity among findings and diagnostics, or -1 when there is none. */
int mg_analysis_max_severity(const mg_analysis *analysis);

#endif
