/*
 * pg_tree.c: from libpg_query's protobuf bytes to mapped statements, one
 * statement at a time and never deeper than the limit.
 *
 * protobuf-c unpacks and frees a message by recursion, about a kilobyte
 * of stack per nested message, so the depth of each statement's tree is
 * measured first on the wire bytes, by a loop over the message descriptors
 * that recurses into nothing.  A statement within --max-sql-depth is then
 * unpacked on its own (the whole script's tree never sits in memory at
 * once); a deeper one becomes a limit diagnostic at its own line and the
 * statements around it are still analysed.
 */
#include <stdlib.h>
#include <string.h>

#include "sql/pg_internal.h"

static bool read_varint(const uint8_t *p, size_t len, size_t *i, uint64_t *out)
{
	uint64_t v = 0;
	for (unsigned shift = 0; shift < 64 && *i < len; shift += 7) {
		uint8_t b = p[(*i)++];
		v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80)) {
			*out = v;
			return true;
		}
	}
	return false;
}

/* Skips the value of a field of wire type wt at p[*i]; false when the bytes
 * are malformed.  A length-delimited value's extent is returned in *sub. */
static bool skip_value(const uint8_t *p, size_t len, size_t *i, unsigned wt, size_t *sub_len)
{
	uint64_t v;
	*sub_len = 0;
	switch (wt) {
	case 0: return read_varint(p, len, i, &v);
	case 1:
		if (len - *i < 8)
			return false;
		*i += 8;
		return true;
	case 5:
		if (len - *i < 4)
			return false;
		*i += 4;
		return true;
	case 2:
		if (!read_varint(p, len, i, &v) || v > len - *i)
			return false;
		*sub_len = (size_t)v;
		return true;
	default: return false;
	}
}

typedef struct frame {
	const ProtobufCMessageDescriptor *desc;
	size_t end;
} frame;

size_t sql_pg_wire_depth(const uint8_t *p, size_t len, const ProtobufCMessageDescriptor *desc,
                        size_t stop)
{
	frame *stack = mg_xmalloc(64 * sizeof *stack);
	size_t cap = 64, n = 1, max = 1, i = 0;
	stack[0] = (frame){desc, len};
	while (n > 0) {
		if (i >= stack[n - 1].end) {
			n--;
			continue;
		}
		uint64_t key;
		size_t sub = 0;
		if (!read_varint(p, stack[n - 1].end, &i, &key) ||
		    !skip_value(p, stack[n - 1].end, &i, (unsigned)(key & 7), &sub)) {
			max = SIZE_MAX;
			break;
		}
		if ((key & 7) != 2)
			continue;
		const ProtobufCFieldDescriptor *fd =
		    protobuf_c_message_descriptor_get_field(stack[n - 1].desc, (unsigned)(key >> 3));
		if (!fd || fd->type != PROTOBUF_C_TYPE_MESSAGE) {
			i += sub;
			continue;
		}
		/* Enter the nested message: its bytes are the next sub. */
		if (n == cap) {
			cap *= 2;
			stack = mg_xrealloc(stack, cap * sizeof *stack);
		}
		stack[n++] = (frame){fd->descriptor, i + sub};
		if (n > max) {
			max = n;
			if (max > stop)
				break;
		}
	}
	free(stack);
	return max;
}

/* The int32 field `number` at the top level of one message's bytes. */
static int32_t top_int(const uint8_t *p, size_t len, unsigned number)
{
	size_t i = 0;
	while (i < len) {
		uint64_t key, v;
		size_t sub;
		if (!read_varint(p, len, &i, &key))
			break;
		if ((key & 7) == 0 && (key >> 3) == number) {
			if (!read_varint(p, len, &i, &v))
				break;
			return (int32_t)(uint32_t)v;
		}
		if (!skip_value(p, len, &i, (unsigned)(key & 7), &sub))
			break;
		i += sub;
	}
	return 0;
}

size_t sql_pg_map_tree(sql_pg_ctx *ctx, mg_changeset *cs, const PgQueryProtobuf *tree,
                      mg_statement *one)
{
	const uint8_t *p = (const uint8_t *)tree->data;
	size_t len = tree->len, i = 0, added = 0;
	size_t limit = sql_pg_depth_limit(ctx);
	while (i < len) {
		uint64_t key;
		size_t sub;
		if (!read_varint(p, len, &i, &key) || !skip_value(p, len, &i, (unsigned)(key & 7), &sub))
			break;
		if ((key & 7) != 2 || (key >> 3) != 2) { /* ParseResult.stmts */
			i += sub;
			continue;
		}
		const uint8_t *raw = p + i;
		i += sub;
		int32_t loc = top_int(raw, sub, 2), stmt_len = top_int(raw, sub, 3);
		size_t depth = sql_pg_wire_depth(raw, sub, &pg_query__raw_stmt__descriptor, limit);
		if (depth > limit) {
			added += sql_pg_map_raw_stmt(ctx, cs, loc, stmt_len, NULL, depth, one);
			continue;
		}
		PgQuery__RawStmt *rs = pg_query__raw_stmt__unpack(NULL, sub, raw);
		if (!rs)
			continue;
		added += sql_pg_map_raw_stmt(ctx, cs, rs->stmt_location, rs->stmt_len, rs->stmt, 0, one);
		pg_query__raw_stmt__free_unpacked(rs, NULL);
	}
	return added;
}
