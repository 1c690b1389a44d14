/*
 * core.h: the plumbing every stage shares.
 *
 * An arena per run (allocate many, free all at once), a growable byte
 * buffer for building text, and a few string helpers.  Allocation failure
 * aborts in one place (mg_xmalloc), so no caller checks for NULL.
 */
#ifndef MIGRAPH_CORE_H
#define MIGRAPH_CORE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MG_VERSION_STRING "0.1.0"

#if defined(__GNUC__)
#define MG_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define MG_PRINTF(f, a)
#endif

/* The one allocator wrapper: aborts with a message when memory runs out. */
void *mg_xmalloc(size_t size);
void *mg_xcalloc(size_t count, size_t size);
void *mg_xrealloc(void *ptr, size_t size);

/* ---- Arena ------------------------------------------------------------ */

typedef struct mg_arena_chunk mg_arena_chunk;

/* Bump allocator.  Everything a run produces (changesets, statements,
 * operations, strings) lives in one arena and is freed by mg_arena_free. */
typedef struct mg_arena {
	mg_arena_chunk *head;
	size_t total;
} mg_arena;

void mg_arena_init(mg_arena *arena);
void mg_arena_free(mg_arena *arena);
/* Zeroed, 16-byte aligned memory that lives as long as the arena. */
void *mg_arena_alloc(mg_arena *arena, size_t size);
/* Grows an arena array: returns a copy of old (old_count elements) with
 * room for new_count elements; the rest is zeroed. */
void *mg_arena_grow(mg_arena *arena, void *old, size_t elem_size,
                    size_t old_count, size_t new_count);
char *mg_arena_strdup(mg_arena *arena, const char *s);
char *mg_arena_strndup(mg_arena *arena, const char *s, size_t n);
char *mg_arena_printf(mg_arena *arena, const char *fmt, ...) MG_PRINTF(2, 3);

/* Appends one pointer to an arena-backed array (*items, *count), growing
 * capacity geometrically; *cap tracks the capacity. */
void mg_arena_push(mg_arena *arena, void ***items, size_t *count, size_t *cap,
                   void *item);

/* ---- Growable byte buffer (heap-backed, for output) ------------------- */

typedef struct mg_buf {
	char *data;
	size_t len;
	size_t cap;
	void *sink;   /* a FILE*: when set, full chunks are written out as they fill */
	int error;    /* a write to the sink failed */
} mg_buf;

#define MG_BUF_INIT {NULL, 0, 0, NULL, 0}

/* Streams the buffer to an open FILE (stdout, -o FILE): a 100,000-changeset
 * report need not sit in memory.  mg_buf_flush writes what is left. */
void mg_buf_set_sink(mg_buf *buf, void *file);
int mg_buf_flush(mg_buf *buf);

void mg_buf_put(mg_buf *buf, const char *data, size_t len);
void mg_buf_puts(mg_buf *buf, const char *s);
void mg_buf_putc(mg_buf *buf, char c);
/* Appends code point cp encoded as UTF-8 (transcoding, escapes). */
void mg_buf_put_utf8(mg_buf *buf, unsigned long cp);
/* Appends n bytes of untrusted text (a file name, an identifier, a message
 * built from them) for a terminal: C0 controls, DEL, C1 controls, the
 * bidirectional overrides and U+2028/U+2029, and bytes that are not UTF-8
 * are written as escapes (\n, \r, \t, \x1b, \u009b, \u202e), so no
 * escape sequence reaches the terminal and no line break forges a row.
 * keep_tabs leaves tabs as they are (indented SQL). */
void mg_buf_put_escaped(mg_buf *buf, const char *s, size_t n, bool keep_tabs);
/* One control code point as mg_buf_put_escaped writes it: \n, \r, \t,
 * \xNN below 0x80, \uNNNN above (so a C1 control never reads as a raw byte). */
void mg_buf_put_escaped_cp(mg_buf *buf, unsigned long cp);
void mg_buf_printf(mg_buf *buf, const char *fmt, ...) MG_PRINTF(2, 3);
void mg_buf_vprintf(mg_buf *buf, const char *fmt, va_list ap);
/* Always NUL-terminated after any put; returns "" for an empty buffer. */
const char *mg_buf_cstr(mg_buf *buf);
void mg_buf_clear(mg_buf *buf);
void mg_buf_dispose(mg_buf *buf);

/* ---- Strings ---------------------------------------------------------- */

bool mg_str_eq(const char *a, const char *b);           /* NULL-safe */
bool mg_str_ieq(const char *a, const char *b);          /* ASCII case-insensitive */
bool mg_str_starts_with(const char *s, const char *prefix);
bool mg_str_iends_with(const char *s, const char *suffix);
bool mg_str_icontains(const char *s, const char *needle);  /* ASCII case-insensitive */
char *mg_str_lower(mg_arena *arena, const char *s);     /* ASCII lower-case copy */
/* Parses true/false/yes/no/1/0 (case-insensitive). Returns false if the text
 * is none of them, leaving *out untouched. */
bool mg_str_parse_bool(const char *s, bool *out);

/* Length of the valid UTF-8 sequence at s (at most n bytes), storing its
 * code point in *cp; 0 when the bytes are not UTF-8 (overlong forms,
 * surrogates and values past U+10FFFF included). */
size_t mg_utf8_decode(const unsigned char *s, size_t n, unsigned long *cp);
/* A code point that can change what a terminal shows beyond itself:
 * C0 and C1 controls, DEL, bidirectional controls, line and paragraph
 * separators. */
bool mg_cp_is_control(unsigned long cp);

/* Parses a byte size with an optional unit: B, KB, MB, GB, TB (powers of
 * 1000) or KiB, MiB, GiB, TiB (powers of 1024); "80GB", "12 GiB", "4096".
 * Returns 0, or -1 when the text is not a size or overflows. */
int mg_parse_bytes(const char *s, uint64_t *out);
/* Parses a count with an optional K, M or B suffix (thousand, million,
 * billion): "120M", "40K", "1.5M".  Returns 0 or -1. */
int mg_parse_count(const char *s, uint64_t *out);
/* "850 ms", "42.9 s", "22 min", "2.1 h": a duration as a reviewer reads it. */
void mg_buf_put_duration(mg_buf *out, double ms);
/* "315", "137K", "2.0M": a count of requests or rows, rounded. */
void mg_buf_put_count(mg_buf *out, double n);
/* "512 kB", "5.0 MB", "80 GB": a size in powers of 1000, one decimal below 10. */
void mg_buf_put_bytes(mg_buf *out, double bytes);

/* ---- Files ------------------------------------------------------------ */

typedef struct mg_file_data {
	char *data;   /* NUL-terminated, heap-owned; free with mg_file_data_free */
	size_t len;
} mg_file_data;

/* Reads a whole file.  Returns 0 on success, -1 when it cannot be read
 * (errno describes why), -2 when it is larger than max_size. */
int mg_file_read(const char *path, size_t max_size, mg_file_data *out);
void mg_file_data_free(mg_file_data *data);

/* ---- Threads ---------------------------------------------------------- */

/* Runs fn(arg) on a new thread with a stack of stack_bytes and waits for
 * it.  Libraries that recurse over their input (libpg_query's protobuf
 * pack and unpack) then have a stack of known size, not whatever the
 * caller has left.  Returns 0, or -1 when no such thread could be made
 * (fn did not run). */
int mg_run_with_stack(size_t stack_bytes, void (*fn)(void *), void *arg);

/* ---- Paths ------------------------------------------------------------ */

/* Joins dir and name with one '/', in the arena. */
char *mg_path_join(mg_arena *arena, const char *dir, const char *name);
/* Lexically normalises a path: removes "." segments, folds "a/.." and
 * doubled slashes.  Leading ".." segments of a relative path are kept. */
char *mg_path_normalize(mg_arena *arena, const char *path);
/* The directory part of a path ("." when there is none). */
char *mg_path_dirname(mg_arena *arena, const char *path);
/* The last segment of a path. */
const char *mg_path_basename(const char *path);
/* If path lies under root (both normalised), returns the part of path after
 * root and its slash; otherwise NULL. */
const char *mg_path_under(const char *path, const char *root);
bool mg_path_is_dir(const char *path);
bool mg_path_is_file(const char *path);
/* Whether the system refuses path for its length alone (ENAMETOOLONG): it
 * has PATH_MAX bytes or more, or a name longer than NAME_MAX.  Such a
 * path is not missing: nothing can tell whether it exists. */
bool mg_path_too_long(const char *path);
/* Resolves a path as realpath(3) does, through the file system: absolute,
 * every symbolic link followed, "." and ".." folded, "//" collapsed.
 * Returns NULL when it cannot (errno says why: ENOENT for a missing file
 * or a dangling link, ELOOP for a link loop). */
char *mg_path_resolve(mg_arena *arena, const char *path);

/* ---- The project's scope ---------------------------------------------- */

/* The directories migraph may read under: the given PATHs' directories,
 * the search paths and the classpath roots, each resolved.  Every file and
 * directory is resolved and checked against them before it is opened, so
 * a symbolic link (or "..", or an absolute path) in a hostile repository
 * cannot make migraph read or walk anything else. */
typedef struct mg_path_scope {
	const char **roots;   /* resolved, absolute */
	size_t n_roots;
	size_t cap;
	bool allow_outside;   /* --allow-outside: every check passes */
} mg_path_scope;

/* Adds a resolved directory as a root (duplicates are ignored). */
void mg_scope_add_root(mg_path_scope *scope, mg_arena *arena, const char *resolved_dir);
/* True when resolved (an absolute, resolved path) lies in a root. */
bool mg_scope_contains(const mg_path_scope *scope, const char *resolved);

typedef enum mg_scope_verdict {
	MG_SCOPE_INSIDE = 0,
	MG_SCOPE_OUTSIDE,       /* resolves outside every root */
	MG_SCOPE_UNRESOLVED     /* cannot be resolved (errno: ENOENT, ELOOP, ...) */
} mg_scope_verdict;

/* Resolves path and judges it.  *resolved (when not NULL) is the resolved
 * path, or NULL when unresolved.  With allow_outside, OUTSIDE becomes
 * INSIDE. */
mg_scope_verdict mg_scope_check(const mg_path_scope *scope, mg_arena *arena, const char *path,
                                const char **resolved);

/* ---- Text positions --------------------------------------------------- */

/* Where a piece of text came from.  SQL often reaches the front end after
 * a transformation (placeholders replaced, extracted from an XML element,
 * directive lines of a formatted SQL file removed).  Anchors map offsets in
 * the transformed text back to the original file: from each anchor on, the
 * position advances with the text (a newline starts a new line). */
typedef struct mg_anchor {
	size_t offset;   /* offset in the transformed text */
	uint32_t line;   /* 1-based line in the original file at that offset */
	uint32_t col;    /* 1-based column, in code points */
} mg_anchor;

typedef struct mg_text {
	const char *file;      /* the file as given on the command line */
	const char *data;
	size_t len;
	const mg_anchor *anchors; /* sorted by offset; NULL means the text is the file */
	size_t n_anchors;
} mg_text;

/* Resolves offsets to line and column, moving forward only: successive
 * queries with growing offsets cost the distance travelled, not the whole
 * text.  A smaller offset than the last one restarts from the nearest anchor. */
typedef struct mg_text_cursor {
	const mg_text *text;
	size_t offset;
	uint32_t line;
	uint32_t col;
	size_t next_anchor;
} mg_text_cursor;

void mg_text_cursor_init(mg_text_cursor *cur, const mg_text *text);
void mg_text_cursor_seek(mg_text_cursor *cur, size_t offset, uint32_t *line,
                         uint32_t *col);

/* ---- Hash map (string keys -> pointer values, arena-backed) ------------ */

typedef struct mg_map_entry {
	const char *key;
	void *value;
	uint64_t hash;
} mg_map_entry;

typedef struct mg_map {
	mg_arena *arena;
	mg_map_entry *slots;
	size_t cap;   /* power of two, or 0 */
	size_t count;
} mg_map;

void mg_map_init(mg_map *map, mg_arena *arena);
void *mg_map_get(const mg_map *map, const char *key);
/* Inserts or replaces; the key is copied into the arena. */
void mg_map_put(mg_map *map, const char *key, void *value);
uint64_t mg_hash_str(const char *s);

#endif
