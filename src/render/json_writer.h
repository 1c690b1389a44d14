/*
 * json_writer.h: a small streaming JSON writer for the renderers.
 *
 * It tracks nesting and commas, escapes strings, and indents two spaces
 * per level, so every renderer emits the same canonical layout.
 */
#ifndef MIGRAPH_RENDER_JSON_WRITER_H
#define MIGRAPH_RENDER_JSON_WRITER_H

#include "migraph/core.h"

#define RND_JSON_MAX_DEPTH 64

typedef struct rnd_json {
	mg_buf *out;
	int depth;
	bool first[RND_JSON_MAX_DEPTH]; /* no element written yet at this depth */
	bool after_key;
	bool pretty;
} rnd_json;

void rnd_json_init(rnd_json *j, mg_buf *out, bool pretty);
void rnd_json_begin_object(rnd_json *j);
void rnd_json_end_object(rnd_json *j);
void rnd_json_begin_array(rnd_json *j);
void rnd_json_end_array(rnd_json *j);
void rnd_json_key(rnd_json *j, const char *key);
void rnd_json_string(rnd_json *j, const char *s);       /* NULL writes null */
void rnd_json_string_n(rnd_json *j, const char *s, size_t n);
void rnd_json_int(rnd_json *j, long long v);
void rnd_json_bool(rnd_json *j, bool v);
void rnd_json_null(rnd_json *j);

/* key + value in one call. */
void rnd_json_kv_string(rnd_json *j, const char *key, const char *s);
void rnd_json_kv_int(rnd_json *j, const char *key, long long v);
void rnd_json_kv_bool(rnd_json *j, const char *key, bool v);
/* Writes the key only when s is not NULL. */
void rnd_json_kv_string_opt(rnd_json *j, const char *key, const char *s);

#endif
