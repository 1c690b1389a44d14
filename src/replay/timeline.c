/*
 * timeline.c: the statement timeline (timeline.h).
 *
 * Each changeset is read twice: first its transaction structure (where
 * each statement's transaction ends), then the session settings, statement
 * by statement, through a small model of PostgreSQL's session: the value
 * SET made for the session, the value in effect (SET LOCAL on top of it),
 * and the session's values when the current transaction began, which a
 * ROLLBACK restores.
 */
#include <string.h>

#include "migraph/timeline.h"

enum { LOCK_TIMEOUT, STATEMENT_TIMEOUT, TIMEZONE, N_SETTINGS };

typedef struct session {
	mg_setting session[N_SETTINGS];   /* what SET (not LOCAL) made */
	mg_setting effective[N_SETTINGS]; /* what is in effect */
	mg_setting saved[N_SETTINGS];     /* session values when the transaction began */
	bool in_txn;
} session;

static int setting_index(const char *name)
{
	if (!name)
		return -1;
	if (mg_str_ieq(name, "lock_timeout"))
		return LOCK_TIMEOUT;
	if (mg_str_ieq(name, "statement_timeout"))
		return STATEMENT_TIMEOUT;
	if (mg_str_ieq(name, "timezone") || mg_str_ieq(name, "time zone"))
		return TIMEZONE;
	return -1;
}

static void begin_txn(session *s)
{
	if (s->in_txn)
		return;
	memcpy(s->saved, s->session, sizeof s->saved);
	s->in_txn = true;
}

static void end_txn(session *s, bool rollback)
{
	if (!s->in_txn)
		return;
	if (rollback)
		memcpy(s->session, s->saved, sizeof s->session);
	memcpy(s->effective, s->session, sizeof s->effective);
	s->in_txn = false;
}

static void apply_setting(session *s, const mg_operation *op, int k, size_t cs, size_t stmt)
{
	bool local = (op->flags & MG_OPF_LOCAL) != 0;
	mg_setting v = {0};
	if (op->kind == MG_OP_SET_SETTING) {
		v.value = op->setting_value ? op->setting_value : "";
		v.local = local;
		v.origin_changeset = cs;
		v.origin_statement = stmt;
	}
	if (local) {
		/* Outside a transaction block SET LOCAL only warns. */
		if (s->in_txn) {
			v.local = true;
			s->effective[k] = v;
		}
		return;
	}
	s->session[k] = v;
	s->effective[k] = v;
}

/* The session's reaction to one operation. */
static void apply_op(session *s, const mg_operation *op, bool in_own_txn, size_t cs, size_t stmt)
{
	switch (op->kind) {
	case MG_OP_BEGIN:
		begin_txn(s);
		break;
	case MG_OP_COMMIT:
	case MG_OP_ROLLBACK:
		end_txn(s, op->kind == MG_OP_ROLLBACK);
		/* In a changeset that runs in a transaction the tool's connection
		 * opens the next one by itself. */
		if (in_own_txn)
			begin_txn(s);
		break;
	case MG_OP_SET_SETTING:
	case MG_OP_RESET_SETTING:
		if (op->setting_name && mg_str_ieq(op->setting_name, "all") &&
		    op->kind == MG_OP_RESET_SETTING) {
			for (int k = 0; k < N_SETTINGS; k++)
				apply_setting(s, op, k, cs, stmt);
		} else {
			int k = setting_index(op->setting_name);
			if (k >= 0)
				apply_setting(s, op, k, cs, stmt);
		}
		break;
	default:
		break;
	}
}

static bool has_op(const mg_statement *st, mg_op_kind a, mg_op_kind b)
{
	for (size_t k = 0; k < st->n_ops; k++)
		if (st->ops[k]->kind == a || st->ops[k]->kind == b)
			return true;
	return false;
}

/* Pass 1: explicit blocks and where each statement's transaction ends. */
static void transactions(const mg_changeset *cs, mg_timeline_entry *e)
{
	size_t n = cs->n_stmts;
	bool open = false;
	size_t start = 0;
	for (size_t i = 0; i < n; i++) {
		const mg_statement *st = cs->stmts[i];
		e[i].txn_end = cs->run_in_transaction ? n - 1 : i;
		if (has_op(st, MG_OP_BEGIN, MG_OP_BEGIN) && !open) {
			open = true;
			start = i;
		}
		e[i].explicit_block = open;
		if (open && has_op(st, MG_OP_COMMIT, MG_OP_ROLLBACK)) {
			if (!cs->run_in_transaction)
				for (size_t j = start; j <= i; j++)
					e[j].txn_end = i;
			open = false;
		}
	}
	if (open && !cs->run_in_transaction) /* BEGIN without COMMIT: held to the end */
		for (size_t j = start; j < n; j++)
			e[j].txn_end = n - 1;
	for (size_t i = 0; i < n; i++)
		e[i].in_block = cs->run_in_transaction || e[i].explicit_block;
}

/* Pass 2: the settings in effect while each statement runs. */
static void settings(session *s, const mg_changeset *cs, mg_timeline_entry *e)
{
	if (cs->run_in_transaction)
		begin_txn(s);
	for (size_t i = 0; i < cs->n_stmts; i++) {
		const mg_statement *st = cs->stmts[i];
		for (size_t k = 0; k < st->n_ops; k++)
			apply_op(s, st->ops[k], cs->run_in_transaction, cs->index, i);
		e[i].lock_timeout = s->effective[LOCK_TIMEOUT];
		e[i].statement_timeout = s->effective[STATEMENT_TIMEOUT];
		e[i].timezone = s->effective[TIMEZONE];
	}
	/* The tool commits what the changeset left open. */
	end_txn(s, false);
}

mg_timeline *mg_timeline_build(mg_project *project)
{
	mg_arena *arena = &project->arena;
	mg_timeline *tl = mg_arena_alloc(arena, sizeof *tl);
	tl->n_changesets = project->n_changesets;
	tl->entries = mg_arena_alloc(arena, (project->n_changesets + 1) * sizeof *tl->entries);
	session s;
	memset(&s, 0, sizeof s);
	for (size_t c = 0; c < project->n_changesets; c++) {
		const mg_changeset *cs = project->changesets[c];
		if (cs->flags & (MG_CSF_FILTERED | MG_CSF_NOT_APPLICABLE))
			continue;
		bool runs = !(cs->flags & MG_CSF_IGNORED);
		mg_timeline_entry *e =
			mg_arena_alloc(arena, (cs->n_stmts ? cs->n_stmts : 1) * sizeof *e);
		for (size_t i = 0; i < cs->n_stmts; i++) {
			e[i].changeset = c;
			e[i].statement = i;
			e[i].runs = runs;
		}
		transactions(cs, e);
		session before = s;
		settings(&s, cs, e);
		if (!runs)
			s = before; /* what does not run changes nothing */
		tl->entries[c] = e;
	}
	return tl;
}

const mg_timeline_entry *mg_timeline_at(const mg_timeline *tl, size_t changeset,
                                        size_t statement)
{
	if (!tl || changeset >= tl->n_changesets || !tl->entries[changeset])
		return NULL;
	return &tl->entries[changeset][statement];
}

bool mg_setting_enabled(const mg_setting *s)
{
	const char *v = s->value;
	return v && strcmp(v, "0") != 0 && strcmp(v, "'0'") != 0 && !mg_str_ieq(v, "default");
}

bool mg_setting_enabled_by(const mg_setting *s, size_t changeset)
{
	return mg_setting_enabled(s) && s->origin_changeset == changeset;
}

bool mg_timezone_is_utc(const char *zone)
{
	if (!zone)
		return false;
	char z[32];
	size_t n = 0;
	for (const char *p = zone; *p && n + 1 < sizeof z; p++)
		if (*p != '\'' && *p != '"' && *p != ' ')
			z[n++] = *p;
	z[n] = '\0';
	static const char *const utc[] = {"UTC", "Etc/UTC", "UCT", "Etc/UCT", "GMT", "Etc/GMT",
	                                  "Zulu", "Etc/Zulu", "Universal", "Z", "0", "+00", "+00:00"};
	for (size_t i = 0; i < sizeof utc / sizeof utc[0]; i++)
		if (mg_str_ieq(z, utc[i]))
			return true;
	return false;
}
