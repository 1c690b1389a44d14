/*
 * diag.c: the diagnostics list.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "migraph/diag.h"

static const char *const severity_names[] = {"info", "low", "medium", "high",
                                             "critical"};

const char *mg_severity_name(mg_severity sev)
{
	if ((unsigned)sev > MG_SEV_CRITICAL)
		return "unknown";
	return severity_names[sev];
}

int mg_severity_parse(const char *name, mg_severity *out)
{
	for (int i = 0; i <= MG_SEV_CRITICAL; i++) {
		if (mg_str_ieq(name, severity_names[i])) {
			*out = (mg_severity)i;
			return 0;
		}
	}
	return -1;
}

void mg_diag_list_init(mg_diag_list *list, mg_arena *arena)
{
	list->arena = arena;
	list->items = NULL;
	list->count = 0;
	list->cap = 0;
}

mg_diag *mg_diag_add(mg_diag_list *list, mg_severity sev, const char *code,
                     mg_loc loc, const char *fmt, ...)
{
	mg_diag *d = mg_arena_alloc(list->arena, sizeof *d);
	d->severity = sev;
	d->code = code;
	d->loc = loc;
	if (loc.file)
		d->loc.file = mg_arena_strdup(list->arena, loc.file);
	mg_buf b = MG_BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	mg_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	d->message = mg_arena_strdup(list->arena, mg_buf_cstr(&b));
	mg_buf_dispose(&b);
	mg_arena_push(list->arena, (void ***)&list->items, &list->count, &list->cap, d);
	return d;
}

void mg_diag_set_hint(mg_diag_list *list, mg_diag *diag, const char *fmt, ...)
{
	mg_buf b = MG_BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	mg_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	diag->hint = mg_arena_strdup(list->arena, mg_buf_cstr(&b));
	mg_buf_dispose(&b);
}

mg_diag *mg_diag_file_size(mg_diag_list *list, mg_loc at, const char *path, size_t max)
{
	mg_diag *d = mg_diag_add(list, MG_SEV_HIGH, "limit-file-size", at,
	                         "%s is larger than %zu bytes, the --max-file-size limit: not read",
	                         path, max);
	mg_diag_set_hint(list, d, "raise the limit with --max-file-size");
	return d;
}

mg_diag *mg_diag_path_too_long(mg_diag_list *list, mg_loc at, const char *path)
{
	size_t len = strlen(path), head = len, tail = 0;
	if (len > 120) {
		/* Cut between characters, not inside one. */
		head = 60;
		while (head > 0 && ((unsigned char)path[head] & 0xC0) == 0x80)
			head--;
		tail = 50;
		while (tail > 0 && ((unsigned char)path[len - tail] & 0xC0) == 0x80)
			tail--;
	}
	mg_diag *d = mg_diag_add(list, MG_SEV_HIGH, "input-path-too-long", at,
	                         "path of %zu bytes too long for the system (at most %d bytes, "
	                         "%d per name): %.*s%s%s; not read",
	                         len, PATH_MAX - 1, NAME_MAX, (int)head, path, tail ? "..." : "",
	                         path + len - tail);
	mg_diag_set_hint(list, d, "shorten the path or the names in it: the system cannot open it, "
	                          "so migraph cannot tell whether it exists");
	return d;
}

void mg_diag_set_chain(mg_diag_list *list, mg_diag *diag, const mg_loc *chain,
                       size_t n_chain)
{
	mg_loc *copy = mg_arena_alloc(list->arena, (n_chain ? n_chain : 1) * sizeof *copy);
	for (size_t i = 0; i < n_chain; i++) {
		copy[i] = chain[i];
		copy[i].file = mg_arena_strdup(list->arena, chain[i].file);
	}
	diag->chain = copy;
	diag->n_chain = n_chain;
}

static int cmp_diag(const void *pa, const void *pb)
{
	const mg_diag *a = *(const mg_diag *const *)pa;
	const mg_diag *b = *(const mg_diag *const *)pb;
	int c = strcmp(a->loc.file ? a->loc.file : "", b->loc.file ? b->loc.file : "");
	if (c)
		return c;
	if (a->loc.line != b->loc.line)
		return a->loc.line < b->loc.line ? -1 : 1;
	if (a->loc.col != b->loc.col)
		return a->loc.col < b->loc.col ? -1 : 1;
	return 0; /* the sort is stable: insertion order breaks ties */
}

void mg_diag_list_sort(mg_diag_list *list)
{
	/* A stable sort: insertion sort is fine for the usual handful, and a
	 * merge through a temporary array for long lists. */
	size_t n = list->count;
	if (n < 2)
		return;
	mg_diag **tmp = malloc(n * sizeof *tmp);
	if (!tmp)
		return;
	for (size_t width = 1; width < n; width *= 2) {
		for (size_t lo = 0; lo < n; lo += 2 * width) {
			size_t mid = lo + width < n ? lo + width : n;
			size_t hi = lo + 2 * width < n ? lo + 2 * width : n;
			size_t i = lo, j = mid, k = lo;
			while (i < mid && j < hi)
				tmp[k++] = cmp_diag(&list->items[j], &list->items[i]) < 0
				               ? list->items[j++]
				               : list->items[i++];
			while (i < mid)
				tmp[k++] = list->items[i++];
			while (j < hi)
				tmp[k++] = list->items[j++];
		}
		memcpy(list->items, tmp, n * sizeof *tmp);
	}
	free(tmp);
}

int mg_diag_list_max_severity(const mg_diag_list *list)
{
	int max = -1;
	for (size_t i = 0; i < list->count; i++)
		if ((int)list->items[i]->severity > max)
			max = (int)list->items[i]->severity;
	return max;
}
