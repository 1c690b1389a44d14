/*
 * triage.h: what happens to findings after the rules ran, before they
 * decide anything.
 *
 * In order: the configuration's rule settings (disabled rules drop out,
 * severities are overridden), the inline `migraph:ignore` markers
 * (ignore.h; suppressed findings stay visible, marked), the baseline of
 * known findings (formats/baseline.md; baselined findings are counted, not
 * shown), and --only-release (input diagnostics in files that hold no
 * changeset of the release are counted, not shown).  The exit code then
 * comes from what is left.
 */
#ifndef MIGRAPH_TRIAGE_H
#define MIGRAPH_TRIAGE_H

#include "migraph/config.h"
#include "migraph/ignore.h"
#include "migraph/rules.h"

/* A baseline file: known findings, each a key and how many times it may
 * match. */
typedef struct mg_baseline_entry {
	const char *key;          /* mg_finding_key() of the finding */
	size_t count;
	size_t matched;
} mg_baseline_entry;

typedef struct mg_known_findings {
	const char *file;
	mg_baseline_entry *entries;
	size_t n_entries;
} mg_known_findings;

typedef struct mg_triage_options {
	const mg_rule_setting *rules; /* from the configuration */
	size_t n_rules;
	bool rules_enable_given;
	mg_known_findings *baseline;  /* check --baseline, or NULL */
	bool only_release;            /* --only-release */
} mg_triage_options;

typedef struct mg_triage {
	size_t suppressed;            /* findings kept but suppressed inline */
	size_t baselined;             /* findings the baseline covers (removed) */
	size_t baseline_unmatched;    /* baseline entries no finding matched any more */
	size_t disabled;              /* findings of disabled rules (removed) */
	size_t outside_release;       /* diagnostics outside the release (removed) */
	bool has_baseline;
} mg_triage;

/* Checks the rule ids and severities of the settings against the
 * registry: unknown ids become config-unknown-rule diagnostics that name
 * the closest id.  Returns the number of problems. */
size_t mg_rule_settings_check(const mg_rule_setting *rules, size_t n, mg_diag_list *diags);

/* Runs the triage on an analysis whose rules ran; adds diagnostics about
 * the markers themselves (suppression-*) to the project. */
void mg_triage_run(mg_analysis *analysis, const mg_triage_options *opts, mg_triage *out);

/* The highest severity among unsuppressed findings and diagnostics, or -1:
 * what --fail-on compares. */
int mg_triage_max_severity(const mg_analysis *analysis);

/* The id of the registered rule closest to id (edit distance, at most a
 * third of its length), or NULL. */
const char *mg_rule_suggest(const char *id);

/* The identity of a finding that survives edits around it: rule id,
 * changeset identity and object.  Line numbers are not part of it. */
typedef struct mg_finding_identity {
	const char *version;      /* Flyway versioned (and undo, baseline) */
	const char *script;       /* Flyway repeatable: its script */
	const char *id;           /* Liquibase: id, author, filename */
	const char *author;
	const char *filename;
	const char *file;         /* a finding of no changeset: its file */
} mg_finding_identity;

void mg_finding_identity_of(const mg_analysis *analysis, const mg_finding *f,
                            mg_finding_identity *out);
/* The one spelling of a key, for findings and for baseline entries
 * (cleared first). */
void mg_finding_key_build(mg_buf *out, const char *rule, const mg_finding_identity *id,
                          const mg_object *obj);
void mg_finding_key(const mg_analysis *analysis, const mg_finding *f, mg_buf *out);

/* Reads a baseline file (formats/baseline.md; mg_render_baseline writes
 * one).  Problems are diagnostics (baseline-invalid, baseline-unreadable);
 * returns NULL when the file cannot be used.  max_file: --max-file-size
 * (0: none), besides the baseline's own 64 MiB. */
mg_known_findings *mg_known_findings_read(mg_arena *arena, const char *path, size_t max_file,
                                          mg_diag_list *diags);

#endif
