/*
 * catalog_internal.h: what catalog.c and catalog_apply.c share.
 *
 * A relation is allocated as a cat_rel whose first member is the public
 * mg_cat_relation, so the public pointer and the private one are the same
 * address and the extra bookkeeping stays out of the contract.
 */
#ifndef MIGRAPH_MODEL_CATALOG_INTERNAL_H
#define MIGRAPH_MODEL_CATALOG_INTERNAL_H

#include "migraph/catalog.h"

typedef struct cat_vec {
	void **items;
	size_t n;
	size_t cap;
} cat_vec;

/* Column names -> columns of pub.columns, for wide tables: a lookup was
 * a scan of every column (200,000 columns: minutes).  Built on first use
 * and kept up to date as columns are added, renamed and dropped.
 *
 * A slot holds a column id, not a position: ids are handed out in column
 * order and never change, so a DROP COLUMN, which moves every later column
 * down by one, renumbers nothing.  A Fenwick tree counts the live ids, so
 * an id's position is the number of live ids before it, and the id at a
 * position is found by descending the tree: both O(log columns). */
typedef struct cat_col_index {
	mg_arena *arena;
	size_t *slots;          /* 1 + column id, 0 empty; open addressing */
	size_t *tree;           /* Fenwick tree of live ids, 1-based: cap + 1 entries */
	unsigned char *live;    /* live[id]: the column is still there */
	size_t cap;             /* power of two */
	size_t next_id;         /* ids [0, next_id) were handed out */
	size_t built;           /* columns [0, built) are in the table */
	size_t dropped;         /* dead slots: of dropped ids, and of names renamed away */
} cat_col_index;

typedef struct cat_rel {
	mg_cat_relation pub;
	cat_col_index col_index;
	bool dropped;
	bool has_rows;          /* rows may exist (inserted, baseline, opaque) */
	bool columns_unknown;   /* CREATE TABLE AS, views: columns not tracked */
	bool temporary;
	bool phantom;           /* stands in for a relation reported missing */
	struct cat_rel *owner;  /* sequences made by serial/identity: dropped with it */
	cat_vec owned;          /* cat_rel*: the sequences this table owns */
	size_t caps_parts;      /* capacity of pub.partitions */
	const char *def_sql;    /* views: the statement that defined it */
	size_t def_len;
	cat_vec fk_in;          /* cat_rel*: relations with a foreign key to this one */
	cat_vec views_in;       /* cat_rel*: views that read this one */
} cat_rel;

struct mg_catalog {
	mg_arena *arena;
	const char *default_schema;
	mg_map relations;      /* "schema.name" -> cat_rel* (NULL once dropped) */
	mg_map by_name;        /* ".name" -> the latest cat_rel of that name */
	mg_map indexes;        /* "schema.index" and ".index" -> owning cat_rel* */
	mg_map types;          /* "schema.type" and ".type" -> non-NULL when it exists */
	mg_map checked_domains; /* "schema.domain" -> non-NULL when it has CHECK/NOT NULL */
	mg_map extensions;     /* ".name" -> non-NULL once CREATE EXTENSION name ran */
	mg_map functions;      /* "schema.fn" and ".fn" -> statement text (const char*) */
	mg_map schemas;
	mg_map opaque_words;   /* ".word" -> non-NULL: named by opaque SQL */
	cat_vec all;           /* cat_rel*: every relation ever made (DROP SCHEMA) */
	bool global_uncertain; /* something opaque without text ran (Java, dynamic SQL) */
	bool baseline_mode;
	bool extensions_seen;  /* CREATE EXTENSION brings types we do not list */
	size_t rows_mark;      /* all.items before this index already assumed to have rows */
	const char *stmt_sql;
	size_t stmt_len;
	/* A borrowing copy (mg_catalog_borrow): its relations' arrays and
	 * column indexes, and the maps of types, domains, extensions and
	 * schemas, are the source's until its first change. */
	bool borrowed;
};

const char *cat_key(mg_arena *arena, const char *schema, const char *name);
/* Keep r's column index right: call after renaming the column at pos, and
 * after removing the column at pos from pub.columns. */
void cat_column_renamed(cat_rel *r, size_t pos);
void cat_column_dropped(cat_rel *r, size_t pos);
/* Brings the column index of a wide relation up to date, so that a
 * borrowing copy can read it without writing to it. */
void cat_column_index_ready(cat_rel *r);
/* Makes a borrowing copy's arrays and maps its own: called before any
 * change to it. */
void cat_own_borrowed(mg_catalog *cat);
cat_rel *cat_find(const mg_catalog *cat, const char *schema, const char *name);
void cat_register(mg_catalog *cat, cat_rel *r);
void cat_unregister(mg_catalog *cat, cat_rel *r);
bool cat_fk_targets(const mg_catalog *cat, const mg_cat_constraint *k, const cat_rel *target);
void *cat_map_get2(const mg_map *map, const char *schema, const char *name);
void cat_map_set(mg_catalog *cat, mg_map *map, const char *schema, const char *name, void *value);
void cat_vec_push(mg_arena *arena, cat_vec *v, void *item);
bool cat_ident_char(char c);
bool cat_strncaseeq(const char *a, const char *b, size_t n);
const char *cat_strcasestr(const char *hay, const char *needle);
bool cat_text_has_word(const char *text, size_t len, const char *word);
void cat_note_words(mg_catalog *cat, const char *text, size_t len);

/* PostgreSQL's makeObjectName: name1_name2_label cut to 63 bytes by
 * shortening the longer part first (catalog_names.c). */
const char *cat_object_name(mg_arena *arena, const char *name1, const char *name2,
                            const char *label);

#endif
