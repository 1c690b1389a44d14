/*
 * triage_int.h: what the triage's modules share (triage.c, suppress.c,
 * known.c).
 */
#ifndef MIGRAPH_ANALYZE_TRIAGE_INT_H
#define MIGRAPH_ANALYZE_TRIAGE_INT_H

#include "migraph/triage.h"

/* True when the configuration turns the rule off. */
bool an_triage_rule_disabled(const mg_triage_options *o, const char *id);

void an_suppress_apply(mg_analysis *a, const mg_triage_options *o, mg_triage *t);
void an_known_findings_apply(mg_analysis *a, mg_known_findings *known, mg_triage *t);

#endif
