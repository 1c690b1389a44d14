/*
 * json_writer.h: a small streaming JSON writer for the renderers.
 *
 * It tracks nesting and commas, escapes strings, and indents two spaces
 * per level, so every renderer emits the same canonical layout.
 */
#ifndef MIGRAPH_RENDER_JSON_WRITER_H
#define MIGRAPH_RENDER_JSON_WRITER_H

#include "migraph/core.h"

#define MG_JSON_MAX_DEPTH 64

typedef struct mg_json {
	mg_buf *out;
	int depth;
	bool first[MG_JSON_MAX_DEPTH]; /* no element written yet at this depth */
	bool after_key;
	bool pretty;
} mg_json;

void mg_json_init(mg_json *j, mg_buf *out, bool pretty);
void mg_json_begin_object(mg_json *j);
void mg_json_end_object(mg_json *j);
void mg_json_begin_array(mg_json *j);
void mg_json_end_array(mg_json *j);
void mg_json_key(mg_json *j, const char *key);
void mg_json_string(mg_json *j, const char *s);       /* NULL writes null */
void mg_json_string_n(mg_json *j, const char *s, size_t n);
void mg_json_int(mg_json *j, long long v);
void mg_json_bool(mg_json *j, bool v);
void mg_json_null(mg_json *j);

/* key + value in one call. */
void mg_json_kv_string(mg_json *j, const char *key, const char *s);
void mg_json_kv_int(mg_json *j, const char *key, long long v);
void mg_json_kv_bool(mg_json *j, const char *key, bool v);
/* Writes the key only when s is not NULL. */
void mg_json_kv_string_opt(mg_json *j, const char *key, const char *s);

/* Length of the valid UTF-8 sequence starting at s (at most n bytes), or
 * 0 when it is not one: the other text formats (XML) replace such bytes
 * as the JSON writer does. */
size_t mg_utf8_seq_len(const unsigned char *s, size_t n);

#endif
