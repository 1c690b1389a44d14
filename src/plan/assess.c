/*
 * assess.c: the release's risk, per area, and overall.
 *
 * Each area takes the worst of two things: the findings of its
 * categories, and the figures behind it:
 *   locking      locking findings; per table, how long a blocking lock is
 *                held against the SLO (the risk model's severity);
 *   data         data and compatibility findings (what the running
 *                application reads and writes); the rows backfills touch;
 *   performance  performance findings; replication lag against its SLO,
 *                the release's expected runtime, the bytes it rewrites;
 *   rollback     rollback and ordering findings (a release that fails half
 *                way must be undone); the plan's irreversible and lossy
 *                steps, worse when they destroy data of a hot table.
 * An unknown figure (no profile, a table it does not size) never lowers a
 * level: it is named among the reasons, and the findings' rule defaults
 * stand.  The summary is one sentence with the decisive figure.
 */
#include <string.h>

#include "migraph/catalog.h"
#include "migraph/graph.h"
#include "migraph/profile.h"
#include "plan/plan_int.h"

#define DEFAULT_MAX_LOCK_MS 2000.0

typedef struct area_acc {
	mg_area_score *score;
	mg_buf decisive;      /* the figure that decided the level */
	int decisive_level;
	size_t n_findings_cap, n_reasons_cap;
	bool unknown;         /* some figure could not be computed */
} area_acc;

static const char *duration(mg_arena *a, double ms)
{
	if (ms >= 3600000.0)
		return mg_arena_printf(a, "%.1f h", ms / 3600000.0);
	if (ms >= 60000.0)
		return mg_arena_printf(a, "%.0f min", ms / 60000.0);
	if (ms >= 1000.0)
		return mg_arena_printf(a, "%.1f s", ms / 1000.0);
	return mg_arena_printf(a, "%.0f ms", ms);
}

static const char *count_text(mg_arena *a, double n)
{
	if (n >= 1e9)
		return mg_arena_printf(a, "%.1fB", n / 1e9);
	if (n >= 1e6)
		return mg_arena_printf(a, "%.1fM", n / 1e6);
	if (n >= 1e3)
		return mg_arena_printf(a, "%.1fK", n / 1e3);
	return mg_arena_printf(a, "%.0f", n);
}

static void reason(plan_ctx *ctx, area_acc *acc, const char *text)
{
	mg_area_score *s = acc->score;
	mg_arena_push(ctx->arena, (void ***)&s->reasons, &s->n_reasons, &acc->n_reasons_cap,
	              (void *)text);
}

/* Raises the level; the figure or finding that raised it most decides. */
static void raise(area_acc *acc, mg_severity level, const char *why)
{
	if ((int)level > (int)acc->score->level)
		acc->score->level = level;
	if (why && (int)level > acc->decisive_level) {
		acc->decisive_level = (int)level;
		mg_buf_clear(&acc->decisive);
		mg_buf_puts(&acc->decisive, why);
	}
}

static mg_risk_area area_of(mg_category c)
{
	switch (c) {
	case MG_CAT_LOCKING: return MG_AREA_LOCKING;
	case MG_CAT_DATA:
	case MG_CAT_COMPATIBILITY: return MG_AREA_DATA;
	case MG_CAT_PERFORMANCE: return MG_AREA_PERFORMANCE;
	case MG_CAT_ROLLBACK:
	case MG_CAT_ORDERING: return MG_AREA_ROLLBACK;
	case MG_CAT_INPUT: break;
	}
	return MG_AREA__COUNT;
}

static const char *cs_label(plan_ctx *ctx, size_t i)
{
	const mg_changeset *cs = ctx->project->changesets[i];
	if (cs->version.n_parts)
		return mg_arena_printf(ctx->arena, "V%s", cs->version.text);
	if (cs->id)
		return mg_arena_printf(ctx->arena, "%s", cs->id);
	return mg_arena_printf(ctx->arena, "%s:%u", cs->loc.file, cs->loc.line);
}

/* The head of a finding's message: up to its first colon or semicolon. */
static const char *gist(plan_ctx *ctx, const char *msg)
{
	if (!msg)
		return "";
	size_t n = strcspn(msg, ":;");
	if (n > 160)
		n = 160;
	return mg_arena_strndup(ctx->arena, msg, n);
}

static void findings(plan_ctx *ctx, area_acc *acc)
{
	const mg_analysis *an = ctx->analysis;
	for (size_t i = 0; i < an->n_findings; i++) {
		const mg_finding *f = an->findings[i];
		mg_risk_area ar = area_of(f->rule->category);
		if (ar == MG_AREA__COUNT)
			continue;
		area_acc *x = &acc[ar];
		mg_area_score *s = x->score;
		if (s->n_findings == x->n_findings_cap) {
			size_t ncap = x->n_findings_cap ? x->n_findings_cap * 2 : 8;
			s->findings = mg_arena_grow(ctx->arena, s->findings, sizeof *s->findings,
			                            s->n_findings, ncap);
			x->n_findings_cap = ncap;
		}
		s->findings[s->n_findings++] = i;
		/* The finding is listed by index, not repeated as a reason: the
		 * reasons are the figures that are not findings of their own. */
		const char *where = f->has_changeset ? cs_label(ctx, f->changeset_index) : "the project";
		raise(x, f->severity,
		      mg_arena_printf(ctx->arena, "%s, %s: %s", where, f->rule->id, gist(ctx, f->message)));
	}
}

static bool in_release(const mg_changeset *cs)
{
	return (cs->flags & MG_CSF_IN_RELEASE) &&
	       !(cs->flags & (MG_CSF_FILTERED | MG_CSF_NOT_APPLICABLE | MG_CSF_IGNORED));
}

static const char *lock_name(mg_lock_mode m)
{
	static const char *const names[] = {"no lock", "ACCESS SHARE", "ROW SHARE", "ROW EXCLUSIVE",
	                                    "SHARE UPDATE EXCLUSIVE", "SHARE", "SHARE ROW EXCLUSIVE",
	                                    "EXCLUSIVE", "ACCESS EXCLUSIVE"};
	return (unsigned)m < sizeof names / sizeof names[0] ? names[m] : "?";
}

/* Locking and performance figures, per changeset of the release. */
static void risk_figures(plan_ctx *ctx, area_acc *acc)
{
	const mg_analysis *an = ctx->analysis;
	const mg_profile *pr = an->profile;
	mg_project *p = ctx->project;
	mg_arena *a = ctx->arena;
	double slo = pr && pr->max_lock_ms.known ? pr->max_lock_ms.value : DEFAULT_MAX_LOCK_MS;
	double total_ms = 0, rewritten = 0;
	bool total_known = true;
	mg_buf unknown = MG_BUF_INIT;
	mg_map seen_unknown;
	mg_map_init(&seen_unknown, a);
	for (size_t i = 0; an->risk && i < p->n_changesets; i++) {
		const mg_changeset *cs = p->changesets[i];
		if (!in_release(cs))
			continue;
		const mg_changeset_risk *cr = &an->risk[i];
		if (cr->runtime_known)
			total_ms += cr->runtime_ms;
		else
			total_known = false;
		rewritten += cr->rewritten_bytes;
		for (size_t t = 0; t < cr->n_tables; t++) {
			const mg_table_risk *tr = &cr->tables[t];
			if (tr->new_in_release || (!tr->blocks_reads && !tr->blocks_writes))
				continue;
			const char *rel = mg_arena_printf(a, "%s.%s", tr->table.schema ? tr->table.schema
			                                                                : mg_project_default_schema(ctx->project),
			                                  tr->table.name ? tr->table.name : "?");
			if (!tr->blocked_known || !tr->size_known) {
				if (!mg_map_get(&seen_unknown, rel)) {
					mg_map_put(&seen_unknown, rel, a);
					mg_buf_printf(&unknown, "%s%s", unknown.len ? ", " : "", rel);
				}
				continue;
			}
			int sev = mg_risk_severity(pr, tr, cr->lock_timeout_set);
			if (sev < 0 || tr->blocked_ms <= 0)
				continue;
			/* A partial hold is a lower bound: an unknown neighbour in the
			 * transaction adds to it, so the figure never reads as the whole. */
			const char *fig = mg_arena_printf(a, "%s holds %s on %s for %s~%s (SLO %s)%s",
			                                  cs_label(ctx, i), lock_name(tr->mode), rel,
			                                  tr->blocked_partial ? "at least " : "",
			                                  duration(a, tr->blocked_ms), duration(a, slo),
			                                  tr->hot ? ", a hot table" : "");
			if (sev >= MG_SEV_MEDIUM)
				reason(ctx, &acc[MG_AREA_LOCKING], fig);
			raise(&acc[MG_AREA_LOCKING], (mg_severity)sev, fig);
		}
		if (cr->replication_lag_known && pr && pr->max_replication_lag_s.known) {
			double lag = cr->replication_lag_s, max = pr->max_replication_lag_s.value;
			mg_severity sev = lag > 10 * max ? MG_SEV_CRITICAL
			                  : lag > max    ? MG_SEV_HIGH
			                  : lag > max / 10 ? MG_SEV_MEDIUM
			                                   : MG_SEV_LOW;
			const char *fig = mg_arena_printf(a, "%s: replication lag ~%.0f s (SLO %.0f s)",
			                                  cs_label(ctx, i), lag, max);
			if (sev >= MG_SEV_MEDIUM)
				reason(ctx, &acc[MG_AREA_PERFORMANCE], fig);
			raise(&acc[MG_AREA_PERFORMANCE], sev, fig);
		}
	}
	if (unknown.len) {
		const char *u = mg_arena_printf(a, "size unknown (%s): %s",
		                                pr ? "the profile does not name them" : "no profile",
		                                mg_buf_cstr(&unknown));
		reason(ctx, &acc[MG_AREA_LOCKING], u);
		reason(ctx, &acc[MG_AREA_PERFORMANCE], u);
		acc[MG_AREA_LOCKING].unknown = acc[MG_AREA_PERFORMANCE].unknown = true;
	}
	const char *runtime = total_known ? mg_arena_printf(a, "expected runtime of the release ~%s",
	                                                    duration(a, total_ms))
	                                  : "expected runtime partly unknown";
	reason(ctx, &acc[MG_AREA_PERFORMANCE], runtime);
	if (rewritten > 0)
		reason(ctx, &acc[MG_AREA_PERFORMANCE],
		       mg_arena_printf(a, "%.1f GB rewritten (WAL the replicas must apply)", rewritten / 1e9));
	mg_buf_dispose(&unknown);
}

/* Data and rollback figures, from the plan's steps. */
static void plan_figures(plan_ctx *ctx, area_acc *acc)
{
	mg_plan *plan = ctx->plan;
	mg_arena *a = ctx->arena;
	const mg_profile *pr = ctx->analysis->profile;
	size_t irreversible = 0, lossy = 0, held = 0;
	for (size_t i = 0; i < plan->n_steps; i++) {
		const mg_plan_step *s = plan->steps[i];
		if (s->kind == MG_STEP_BACKFILL && s->backfill) {
			const mg_backfill *b = s->backfill;
			reason(ctx, &acc[MG_AREA_DATA],
			       b->rows_known
			           ? mg_arena_printf(a, "%s: backfill of %s rows in %s.%s", s->id,
			                             count_text(a, (double)b->rows),
			                             b->table.schema ? b->table.schema : mg_project_default_schema(ctx->project),
			                             b->table.name)
			           : mg_arena_printf(a, "%s: backfill of %s.%s, row count unknown", s->id,
			                             b->table.schema ? b->table.schema : mg_project_default_schema(ctx->project),
			                             b->table.name));
			raise(&acc[MG_AREA_DATA], MG_SEV_LOW, NULL);
		}
		if (s->kind == MG_STEP_APP_DEPLOY)
			continue;
		held += s->hold_until_confirmed;
		if (s->reversibility == MG_REV_LOSSY)
			lossy++;
		if (s->reversibility != MG_REV_IRREVERSIBLE && s->reversibility != MG_REV_LOSSY)
			continue;
		irreversible += s->reversibility == MG_REV_IRREVERSIBLE;
		/* Destroying the data of a hot table with no way back is the
		 * worst a release can do; without sizes, the rule defaults say. */
		mg_severity sev = MG_SEV_LOW;
		const char *size = "";
		if (s->hold_until_confirmed) {
			sev = MG_SEV_MEDIUM;
			for (size_t l = 0; pr && l < s->n_locks; l++) {
				const mg_profile_table *pt =
					mg_profile_find(pr, s->locks[l].relation.schema, s->locks[l].relation.name);
				if (!pt || !pt->bytes.known)
					continue;
				size = mg_arena_printf(a, ", %.1f GB%s", (double)pt->bytes.value / 1e9,
				                       pt->hot ? " hot" : "");
				if (pt->hot && pt->bytes.value > 0)
					sev = MG_SEV_CRITICAL;
				else if (pt->bytes.value > 0 && sev < MG_SEV_HIGH)
					sev = MG_SEV_HIGH;
			}
		}
		/* The changeset comes first: a reviewer knows V11, not step s35. */
		const char *fig = mg_arena_printf(a, "%s%s%s: %s (%s%s)%s",
		                                  s->has_changeset ? cs_label(ctx, s->changeset) : "",
		                                  s->has_changeset ? ", step " : "step ", s->id,
		                                  mg_reversibility_name(s->reversibility), s->title, size,
		                                  s->hold_until_confirmed ? ", held until confirmed" : "");
		reason(ctx, &acc[MG_AREA_ROLLBACK], fig);
		raise(&acc[MG_AREA_ROLLBACK], sev, fig);
	}
	reason(ctx, &acc[MG_AREA_ROLLBACK],
	       mg_arena_printf(a, "%zu of %zu steps irreversible, %zu lossy, %zu held back", irreversible,
	                       plan->n_steps, lossy, held));
}

static void summarise(plan_ctx *ctx, area_acc *x)
{
	mg_area_score *s = x->score;
	mg_arena *a = ctx->arena;
	const char *name = mg_risk_area_name(s->area);
	const char *unknown = x->unknown ? "; some sizes are unknown, so it may be worse" : "";
	if (x->decisive.len && s->n_findings)
		s->because = mg_arena_printf(a, "%s (%zu finding%s)%s.", mg_buf_cstr(&x->decisive),
		                             s->n_findings, s->n_findings == 1 ? "" : "s", unknown);
	else if (x->decisive.len)
		s->because = mg_arena_printf(a, "%s%s.", mg_buf_cstr(&x->decisive), unknown);
	else
		s->because = mg_arena_printf(a, "nothing in the release raises it%s.", unknown);
	s->summary = mg_arena_printf(a, "%s risk is %s: %s", name, mg_severity_name(s->level),
	                             s->because);
}

void plan_assess(plan_ctx *ctx)
{
	mg_plan *plan = ctx->plan;
	area_acc acc[MG_AREA__COUNT];
	for (int i = 0; i < MG_AREA__COUNT; i++) {
		memset(&acc[i], 0, sizeof acc[i]);
		acc[i].score = &plan->areas[i];
		acc[i].score->area = (mg_risk_area)i;
		acc[i].score->level = MG_SEV_INFO;
		acc[i].decisive = (mg_buf)MG_BUF_INIT;
		acc[i].decisive_level = -1;
	}
	/* Figures first: at an equal level, a figure says more than a rule id. */
	risk_figures(ctx, acc);
	plan_figures(ctx, acc);
	findings(ctx, acc);
	plan->overall = MG_SEV_INFO;
	for (int i = 0; i < MG_AREA__COUNT; i++) {
		summarise(ctx, &acc[i]);
		if (plan->areas[i].level > plan->overall)
			plan->overall = plan->areas[i].level;
		mg_buf_dispose(&acc[i].decisive);
	}
}
