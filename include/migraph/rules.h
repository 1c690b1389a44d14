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
} mg_finding;

struct mg_analysis {
	mg_project *project;
	mg_finding **findings;
	size_t n_findings;
	size_t findings_cap;
	bool sizes_known;             /* a traffic profile gave table sizes */
};

void mg_analysis_init(mg_analysis *analysis, mg_project *project);
/* Runs every rule in the registry. */
void mg_analysis_run(mg_analysis *analysis);
mg_finding *mg_analysis_add_finding(mg_analysis *analysis, const mg_rule *rule,
                                    mg_severity severity, mg_loc loc,
                                    const mg_changeset *cs);
/* Sorts findings by changeset, file, line, rule id: output is deterministic. */
void mg_analysis_sort(mg_analysis *analysis);
/* Highest severity among findings and diagnostics, or -1 when there is none. */
int mg_analysis_max_severity(const mg_analysis *analysis);

#endif
