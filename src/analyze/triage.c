/*
 * triage.c: rule settings, --only-release and the gate severity, applied
 * to the findings after the rules ran (triage.h).  Inline suppressions
 * are in suppress.c, the baseline in known.c.
 */
#include <stdlib.h>
#include <string.h>

#include "analyze/triage_int.h"

static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > 64 || lb > 64)
		return (size_t)-1;
	size_t row[65];
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t best = diag + (a[i - 1] != b[j - 1]);
			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

const char *mg_rule_suggest(const char *id)
{
	const char *best = NULL;
	size_t best_d = (size_t)-1;
	for (size_t i = 0; i < mg_rule_count(); i++) {
		const mg_rule *r = mg_rule_at(i);
		size_t d = edit_distance(id, r->id);
		/* A rule whose id contains the text (a family prefix, a word of
		 * it) is a good guess too. */
		if (strlen(id) >= 4 && strstr(r->id, id))
			d = d < 3 ? d : 3;
		if (d < best_d) {
			best_d = d;
			best = r->id;
		}
	}
	size_t limit = strlen(id) / 3 + 1;
	return best_d <= limit || best_d <= 3 ? best : NULL;
}

size_t mg_rule_settings_check(const mg_rule_setting *rules, size_t n, mg_diag_list *diags)
{
	size_t problems = 0;
	for (size_t i = 0; i < n; i++) {
		if (mg_rule_find(rules[i].id))
			continue;
		const char *near = mg_rule_suggest(rules[i].id);
		mg_diag *d = mg_diag_add(diags, MG_SEV_HIGH, "config-unknown-rule", rules[i].loc,
		                         "unknown rule '%s'", rules[i].id);
		if (near)
			mg_diag_set_hint(diags, d, "did you mean '%s'? ('migraph rules' lists them)",
			                 near);
		else
			mg_diag_set_hint(diags, d, "'migraph rules' lists the rule ids");
		problems++;
	}
	return problems;
}

bool an_triage_rule_disabled(const mg_triage_options *o, const char *id)
{
	bool enabled = !o->rules_enable_given;
	for (size_t i = 0; i < o->n_rules; i++) {
		if (!mg_str_eq(o->rules[i].id, id))
			continue;
		if (o->rules[i].disabled)
			return true;
		if (o->rules[i].enabled)
			enabled = true;
	}
	return !enabled;
}

static void apply_rule_settings(mg_analysis *a, const mg_triage_options *o, mg_triage *t)
{
	size_t kept = 0;
	for (size_t i = 0; i < a->n_findings; i++) {
		mg_finding *f = a->findings[i];
		if (an_triage_rule_disabled(o, f->rule->id)) {
			t->disabled++;
			continue;
		}
		/* The configured severity is the team's decision and beats both
		 * the default and the one the risk figures gave. */
		for (size_t k = 0; k < o->n_rules; k++)
			if (o->rules[k].has_severity && mg_str_eq(o->rules[k].id, f->rule->id))
				f->severity = o->rules[k].severity;
		a->findings[kept++] = f;
	}
	a->n_findings = kept;
}

/* Input diagnostics about files whose changesets are all outside the
 * release say nothing about the release: a parse error in a migration
 * applied years ago.  Diagnostics without a file, or about files that
 * hold no changeset at all (a changelog that did not parse), stay. */
static void only_release(mg_analysis *a, mg_triage *t)
{
	mg_project *p = a->project;
	mg_map in, out;
	mg_map_init(&in, &p->arena);
	mg_map_init(&out, &p->arena);
	for (size_t i = 0; i < p->n_changesets; i++) {
		const mg_changeset *cs = p->changesets[i];
		mg_map *m = (cs->flags & MG_CSF_IN_RELEASE) ? &in : &out;
		if (cs->loc.file)
			mg_map_put(m, cs->loc.file, (void *)1);
		for (size_t s = 0; s < cs->n_stmts; s++)
			if (cs->stmts[s]->loc.file)
				mg_map_put(m, cs->stmts[s]->loc.file, (void *)1);
	}
	size_t kept = 0;
	for (size_t i = 0; i < p->diags.count; i++) {
		mg_diag *d = p->diags.items[i];
		const char *f = d->loc.file;
		if (f && mg_map_get(&out, f) && !mg_map_get(&in, f)) {
			t->outside_release++;
			continue;
		}
		p->diags.items[kept++] = d;
	}
	p->diags.count = kept;
}

void mg_triage_run(mg_analysis *a, const mg_triage_options *o, mg_triage *t)
{
	memset(t, 0, sizeof *t);
	mg_triage_options none = {0};
	if (!o)
		o = &none;
	apply_rule_settings(a, o, t);
	an_suppress_apply(a, o, t);
	if (o->baseline) {
		t->has_baseline = true;
		an_known_findings_apply(a, o->baseline, t);
	}
	if (o->only_release)
		only_release(a, t);
	mg_diag_list_sort(&a->project->diags);
}

int mg_triage_max_severity(const mg_analysis *a)
{
	int max = mg_diag_list_max_severity(&a->project->diags);
	for (size_t i = 0; i < a->n_findings; i++)
		if (!a->findings[i]->suppressed_by && (int)a->findings[i]->severity > max)
			max = (int)a->findings[i]->severity;
	return max;
}

static void put_field(mg_buf *out, const char *tag, const char *value)
{
	mg_buf_puts(out, tag);
	mg_buf_puts(out, value ? value : "");
	mg_buf_putc(out, '\x1f');
}

void mg_finding_key_build(mg_buf *out, const char *rule, const mg_finding_identity *id,
                          const mg_object *obj)
{
	mg_buf_clear(out);
	put_field(out, "rule=", rule);
	if (id->version)
		put_field(out, "version=", id->version);
	else if (id->script)
		put_field(out, "script=", id->script);
	else if (id->id || id->author || id->filename) {
		put_field(out, "filename=", id->filename);
		put_field(out, "id=", id->id);
		put_field(out, "author=", id->author);
	} else {
		put_field(out, "file=", id->file);
	}
	put_field(out, "kind=", obj->kind != MG_OBJ_NONE ? mg_object_kind_name(obj->kind) : NULL);
	put_field(out, "schema=", obj->schema);
	put_field(out, "table=", obj->table);
	put_field(out, "name=", obj->name);
}

void mg_finding_identity_of(const mg_analysis *a, const mg_finding *f, mg_finding_identity *id)
{
	memset(id, 0, sizeof *id);
	if (!f->has_changeset || f->changeset_index >= a->project->n_changesets) {
		id->file = f->loc.file;
		return;
	}
	const mg_changeset *cs = a->project->changesets[f->changeset_index];
	if (mg_changeset_kind_is_flyway(cs->kind)) {
		if (cs->version.n_parts)
			id->version = cs->version.text;
		else
			id->script = cs->script ? cs->script : cs->loc.file;
	} else {
		id->id = cs->id;
		id->author = cs->author;
		id->filename = cs->filename;
	}
}

void mg_finding_key(const mg_analysis *a, const mg_finding *f, mg_buf *out)
{
	mg_finding_identity id;
	mg_finding_identity_of(a, f, &id);
	mg_finding_key_build(out, f->rule->id, &id, &f->object);
}
