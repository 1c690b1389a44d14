/*
 * liquibase_xml.c: reads an XML changelog into the generic tree.
 *
 * libxml2 parses with NONET and without NOENT/DTDLOAD, and the external
 * entity loader refuses everything, so nothing outside the file is ever
 * read.  A DOCTYPE is blanked out before parsing (keeping line breaks):
 * its entities are never expanded, and a billion-laughs or XXE document
 * becomes a diagnostic instead of work.
 *
 * libxml2 gives line numbers but no byte offsets, so a small scanner walks
 * the original bytes in document order alongside the tree to find where
 * each start tag and each element's text begin: SQL bodies then keep their
 * exact file lines.
 */
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include "load/lb_readers.h"

typedef struct xml_tag xml_tag;

typedef struct xml_reader {
	mg_project *project;
	const char *path;
	const char *data;   /* the bytes libxml2 parsed (DOCTYPE blanked) */
	size_t len;
	xml_tag *tags;      /* every start tag, in document order */
	size_t n_tags, cap_tags;
	mg_map names;       /* tag name -> tag_list */
	mg_arena scratch;   /* the index, freed after the walk */
	size_t scan;        /* index of the next unmatched tag, moves forward only */
	size_t line_off;    /* line/column bookkeeping for offsets, forward only */
	uint32_t line;
	uint32_t col;
	unsigned max_depth;
	bool depth_reported;
} xml_reader;

typedef struct xml_errors {
	bool have;
	int line;
	int code;
	char message[512];
} xml_errors;

static void on_structured_error(void *user, xmlErrorPtr err)
{
	xml_errors *e = user;
	if (!err || err->level < XML_ERR_ERROR || e->have)
		return;
	e->have = true;
	e->line = err->line;
	e->code = err->code;
	const char *msg = err->message ? err->message : "malformed XML";
	size_t n = strlen(msg);
	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		n--;
	if (n >= sizeof e->message)
		n = sizeof e->message - 1;
	memcpy(e->message, msg, n);
	e->message[n] = '\0';
}

static void on_generic_error(void *user, const char *fmt, ...)
{
	(void)user;
	(void)fmt;
}

static xmlParserInputPtr refuse_entity(const char *url, const char *id,
                                       xmlParserCtxtPtr ctxt)
{
	(void)url;
	(void)id;
	(void)ctxt;
	return NULL;
}

/* Offsets to line:column (code points), moving forward only. */
static mg_loc loc_at(xml_reader *r, size_t off)
{
	if (off < r->line_off) {
		r->line_off = 0;
		r->line = 1;
		r->col = 1;
	}
	while (r->line_off < off && r->line_off < r->len) {
		unsigned char c = (unsigned char)r->data[r->line_off++];
		if (c == '\n') {
			r->line++;
			r->col = 1;
		} else if ((c & 0xC0) != 0x80) {
			r->col++;
		}
	}
	mg_loc loc = {r->path, r->line, r->col};
	return loc;
}

/* Skips "<!--...-->", "<![CDATA[...]]>", "<?...?>", "<!...>" and end tags
 * at pos; returns the new position, or pos when none starts there. */
static size_t skip_markup(const xml_reader *r, size_t pos)
{
	const char *d = r->data;
	size_t n = r->len;
	static const struct {
		const char *open, *close;
	} forms[] = {{"<!--", "-->"}, {"<![CDATA[", "]]>"}, {"<?", "?>"},
	             {"<!", ">"},     {"</", ">"}};
	for (size_t f = 0; f < sizeof forms / sizeof forms[0]; f++) {
		size_t ol = strlen(forms[f].open);
		if (pos + ol <= n && memcmp(d + pos, forms[f].open, ol) == 0) {
			size_t cl = strlen(forms[f].close);
			size_t p = pos + ol;
			while (p + cl <= n && memcmp(d + p, forms[f].close, cl) != 0)
				p++;
			return p + cl <= n ? p + cl : n;
		}
	}
	return pos;
}

/* One start tag of the text. */
struct xml_tag {
	size_t start;   /* at '<' */
	size_t content; /* just after its '>' */
	bool empty;     /* "<x/>" */
};

/* The start tags of one name, in document order, and how far the walk has
 * consumed them. */
typedef struct tag_list {
	size_t *tags; /* indexes into the reader's tags */
	size_t n, cap, next;
} tag_list;

static bool name_start(unsigned char c)
{
	return c == '_' || c == ':' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
}

/* Indexes every start tag of the text in one pass.  libxml2 gives the
 * elements but not their offsets; matching each element to the next tag
 * of its name through these lists costs the same whatever the text holds,
 * where searching the text for each one cost a scan to the end for every
 * element recovery had moved or renamed (quadratic in bad elements). */
static void index_tags(xml_reader *r)
{
	const char *d = r->data;
	size_t n = r->len, p = 0;
	char small[128];
	while (p < n) {
		const char *lt = memchr(d + p, '<', n - p);
		if (!lt)
			break;
		p = (size_t)(lt - d);
		size_t q = skip_markup(r, p);
		if (q != p) {
			p = q;
			continue;
		}
		if (p + 1 >= n || !name_start((unsigned char)d[p + 1])) {
			p++; /* a stray '<': libxml2 skips it too */
			continue;
		}
		size_t ne = p + 1;
		while (ne < n && !strchr(" \t\r\n/>", d[ne]) && d[ne] != '<')
			ne++;
		/* Walk over the tag, honouring quoted attribute values, but never
		 * into the next tag: a broken quote must not hide what follows. */
		size_t t = ne;
		char quote = 0;
		while (t < n && d[t] != '>') {
			if (quote) {
				if (d[t] == quote)
					quote = 0;
				else if (d[t] == '<')
					break;
			} else if (d[t] == '"' || d[t] == '\'') {
				quote = d[t];
			} else if (d[t] == '<') {
				break;
			}
			t++;
		}
		if (r->n_tags == r->cap_tags) {
			r->cap_tags = r->cap_tags ? 2 * r->cap_tags : 256;
			r->tags = mg_xrealloc(r->tags, r->cap_tags * sizeof *r->tags);
		}
		bool closed = t < n && d[t] == '>';
		r->tags[r->n_tags] = (xml_tag){p, closed ? t + 1 : t, closed && d[t - 1] == '/'};
		size_t nl = ne - p - 1;
		char *key = nl < sizeof small ? small : mg_xmalloc(nl + 1);
		memcpy(key, d + p + 1, nl);
		key[nl] = '\0';
		tag_list *l = mg_map_get(&r->names, key);
		if (!l) {
			l = mg_arena_alloc(&r->scratch, sizeof *l);
			mg_map_put(&r->names, key, l);
		}
		if (key != small)
			free(key);
		if (l->n == l->cap) {
			l->cap = l->cap ? 2 * l->cap : 8;
			l->tags = mg_xrealloc(l->tags, l->cap * sizeof *l->tags);
		}
		l->tags[l->n++] = r->n_tags++;
		p = closed ? t + 1 : t;
	}
}

static void free_tags(xml_reader *r)
{
	for (size_t i = 0; i < r->names.cap; i++)
		if (r->names.slots[i].key)
			free(((tag_list *)r->names.slots[i].value)->tags);
	free(r->tags);
	mg_arena_free(&r->scratch);
}

/* The next start tag named qname after the last one matched: its offset
 * (at '<') and, in *content, just after its '>'. */
static bool find_start_tag(xml_reader *r, const char *qname, size_t *start,
                           size_t *content, bool *empty)
{
	tag_list *l = mg_map_get(&r->names, qname);
	if (!l)
		return false;
	while (l->next < l->n && l->tags[l->next] < r->scan)
		l->next++;
	if (l->next == l->n)
		return false;
	const xml_tag *t = &r->tags[l->tags[l->next]];
	*start = t->start;
	*content = t->content;
	*empty = t->empty;
	r->scan = l->tags[l->next] + 1;
	return true;
}

static const char *qualified_name(mg_arena *arena, xmlNodePtr el)
{
	if (el->ns && el->ns->prefix)
		return mg_arena_printf(arena, "%s:%s", (const char *)el->ns->prefix,
		                       (const char *)el->name);
	return (const char *)el->name;
}

static bool all_blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strchr(" \t\r\n", s[i]))
			return false;
	return true;
}

static lb_node *convert(xml_reader *r, xmlNodePtr el, unsigned depth)
{
	mg_arena *arena = &r->project->arena;
	mg_loc loc = {r->path, (uint32_t)xmlGetLineNo(el), 1};
	size_t start = 0, content = 0;
	bool empty = false;
	bool located = find_start_tag(r, qualified_name(arena, el), &start,
	                              &content, &empty);
	if (located)
		loc = loc_at(r, start);
	lb_node *node = lb_node_new(arena, (const char *)el->name, loc);
	if (el->ns && el->ns->href)
		node->ns = mg_arena_strdup(arena, (const char *)el->ns->href);

	for (xmlAttrPtr a = el->properties; a; a = a->next) {
		xmlChar *v = xmlNodeListGetString(el->doc, a->children, 1);
		lb_node_add_attr(arena, node, (const char *)a->name,
		                    v ? (const char *)v : "", loc);
		xmlFree(v);
	}

	mg_buf text = MG_BUF_INIT;
	bool has_text = false, has_elements = false;
	for (xmlNodePtr c = el->children; c; c = c->next) {
		if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
			has_text = true;
			if (c->content)
				mg_buf_puts(&text, (const char *)c->content);
		} else if (c->type == XML_ELEMENT_NODE) {
			has_elements = true;
		}
	}
	if (has_text && !(has_elements && all_blank(text.data, text.len))) {
		node->text = mg_arena_strndup(arena, text.data ? text.data : "", text.len);
		node->text_len = text.len;
		if (located && !empty) {
			node->text_loc = loc_at(r, content);
			node->text_verbatim = content + text.len <= r->len &&
			                      memcmp(r->data + content, node->text, text.len) == 0;
		}
	}
	mg_buf_dispose(&text);

	for (xmlNodePtr c = el->children; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (depth + 1 > r->max_depth) {
			if (!r->depth_reported) {
				mg_loc cl = {r->path, (uint32_t)xmlGetLineNo(c), 0};
				mg_diag *dg = mg_diag_add(&r->project->diags, MG_SEV_HIGH,
				                          "limit-nesting", cl,
				                          "elements nested deeper than %u levels; the deeper ones are ignored",
				                          r->max_depth);
				mg_diag_set_hint(&r->project->diags, dg,
				                 "raise the limit with --max-nesting-depth");
				r->depth_reported = true;
			}
			continue;
		}
		lb_node_add_child(arena, node, convert(r, c, depth + 1));
	}
	return node;
}

/* Finds a DOCTYPE in the prolog; returns its [start, end) or false. */
static bool find_doctype(const char *d, size_t n, size_t *start, size_t *end)
{
	size_t p = 0;
	while (p < n) {
		if (d[p] != '<') {
			p++;
			continue;
		}
		if (p + 9 <= n && memcmp(d + p, "<!DOCTYPE", 9) == 0) {
			*start = p;
			size_t q = p + 9;
			int depth = 0;
			char quote = 0;
			while (q < n) {
				char c = d[q];
				if (quote) {
					if (c == quote)
						quote = 0;
				} else if (c == '"' || c == '\'') {
					quote = c;
				} else if (c == '[') {
					depth++;
				} else if (c == ']') {
					depth--;
				} else if (c == '>' && depth <= 0) {
					break;
				}
				q++;
			}
			*end = q < n ? q + 1 : n;
			return true;
		}
		if (p + 4 <= n && memcmp(d + p, "<!--", 4) == 0) {
			const char *e = strstr(d + p + 4, "-->");
			p = e ? (size_t)(e - d) + 3 : n;
			continue;
		}
		if (p + 1 < n && d[p + 1] == '?') {
			const char *e = strstr(d + p + 2, "?>");
			p = e ? (size_t)(e - d) + 2 : n;
			continue;
		}
		return false; /* the root element: no DOCTYPE in the prolog */
	}
	return false;
}

static uint32_t line_of(const char *d, size_t off)
{
	uint32_t line = 1;
	for (size_t i = 0; i < off; i++)
		if (d[i] == '\n')
			line++;
	return line;
}

/* Reports a DOCTYPE and blanks it (keeping newlines) in a copy of data. */
static char *neutralise_doctype(mg_project *project, const char *path,
                                const char *data, size_t len)
{
	size_t s, e;
	if (!find_doctype(data, len, &s, &e))
		return NULL;
	mg_loc loc = {path, line_of(data, s), 1};
	const char *decl = data + s;
	size_t dl = e - s;
	bool entities = false, external = false;
	for (size_t i = 0; i + 8 <= dl; i++)
		if (memcmp(decl + i, "<!ENTITY", 8) == 0)
			entities = true;
	for (size_t i = 0; i + 6 <= dl; i++)
		if (memcmp(decl + i, "SYSTEM", 6) == 0 || memcmp(decl + i, "PUBLIC", 6) == 0)
			external = true;
	if (entities) {
		mg_diag *dg = mg_diag_add(&project->diags, MG_SEV_HIGH, "xml-entity", loc,
		                          "the DOCTYPE declares entities; migraph never expands them%s",
		                          external ? " nor loads external ones" : "");
		mg_diag_set_hint(&project->diags, dg,
		                 "Liquibase changelogs need no DOCTYPE: remove it");
	} else if (external) {
		mg_diag_add(&project->diags, MG_SEV_MEDIUM, "xml-dtd", loc,
		            "the DOCTYPE refers to an external DTD, which migraph never loads");
	}
	char *copy = mg_xmalloc(len + 1);
	memcpy(copy, data, len);
	copy[len] = '\0';
	for (size_t i = s; i < e; i++)
		if (copy[i] != '\n')
			copy[i] = ' ';
	return copy;
}

lb_node *lb_read_xml(mg_project *project, const char *path,
                           const mg_file_data *data, const mg_load_options *opts)
{
	char *copy = neutralise_doctype(project, path, data->data, data->len);
	const char *bytes = copy ? copy : data->data;

	xmlExternalEntityLoader old_loader = xmlGetExternalEntityLoader();
	xmlSetExternalEntityLoader(refuse_entity);
	xml_errors errs = {0};
	xmlSetStructuredErrorFunc(&errs, on_structured_error);
	xmlSetGenericErrorFunc(NULL, on_generic_error);

	/* RECOVER: a file with one bad spot (an entity reference the DOCTYPE
	 * no longer defines, a stray '&') still yields its other changesets,
	 * next to a diagnostic.  Never NOENT or DTDLOAD. */
	int options = XML_PARSE_NONET | XML_PARSE_BIG_LINES | XML_PARSE_NOWARNING |
	              XML_PARSE_NOERROR | XML_PARSE_RECOVER;
	xmlDocPtr doc = xmlReadMemory(bytes, (int)data->len, path, NULL, options);

	xmlSetStructuredErrorFunc(NULL, NULL);
	xmlSetGenericErrorFunc(NULL, NULL);
	xmlSetExternalEntityLoader(old_loader);

	lb_node *root = NULL;
	if (errs.have || !doc) {
		mg_loc loc = {path, errs.line > 0 ? (uint32_t)errs.line : 1, 0};
		bool deep = strstr(errs.message, "Excessive depth") != NULL;
		mg_diag *dg = mg_diag_add(&project->diags, MG_SEV_HIGH, "xml-parse", loc,
		                          "malformed XML: %s",
		                          deep ? "elements nested deeper than libxml2's limit of 256 levels"
		                               : (errs.have ? errs.message : "cannot parse"));
		mg_diag_set_hint(&project->diags, dg,
		                 doc ? "Liquibase rejects this file; migraph analyses what it could "
		                       "read around the error"
		                     : "the changesets of this file are not analysed");
	}
	if (doc) {
		xmlNodePtr el = xmlDocGetRootElement(doc);
		if (el) {
			xml_reader r = {.project = project,
			                .path = path,
			                .data = bytes,
			                .len = data->len,
			                .line = 1,
			                .col = 1,
			                .max_depth = opts && opts->limits.max_nesting_depth
			                                 ? opts->limits.max_nesting_depth
			                                 : 1000};
			mg_arena_init(&r.scratch);
			mg_map_init(&r.names, &r.scratch);
			index_tags(&r);
			root = convert(&r, el, 0);
			free_tags(&r);
		}
	}
	if (doc)
		xmlFreeDoc(doc);
	free(copy);
	return root;
}
