/*
 * flyway_java.c: Java (and Kotlin) migrations found under the locations.
 *
 * migraph never runs or compiles them.  A class extending
 * BaseJavaMigration takes version and description from its simple name
 * (V1_2__Add_index); a class implementing JavaMigration itself supplies
 * them in code, which migraph reads when getVersion() returns
 * MigrationVersion.fromVersion("...") with a string literal (marquez's
 * V66_3_JobFacetsBackfillJobVersion does).  Each becomes an opaque
 * changeset so it still takes part in ordering and duplicate checks.
 * Flyway records the fully qualified class name as the script and no
 * checksum unless getChecksum() is overridden.
 */
#include <ctype.h>
#include <string.h>

#include "load/flyway_internal.h"

static bool word_char(int c)
{
	return isalnum(c) || c == '_' || c == '$';
}

/* Finds the whole word w in [d, d+len) from offset from; -1 if none. */
static long find_word(const char *d, size_t len, size_t from, const char *w)
{
	size_t n = strlen(w);
	for (size_t i = from; i + n <= len; i++) {
		if (d[i] != w[0] || memcmp(d + i, w, n) != 0)
			continue;
		if (i > 0 && word_char((unsigned char)d[i - 1]))
			continue;
		if (i + n < len && word_char((unsigned char)d[i + n]))
			continue;
		return (long)i;
	}
	return -1;
}

static uint32_t line_of(const char *d, size_t off)
{
	uint32_t line = 1;
	for (size_t i = 0; i < off; i++)
		line += d[i] == '\n';
	return line;
}

static size_t line_start(const char *d, size_t off)
{
	while (off > 0 && d[off - 1] != '\n')
		off--;
	return off;
}

/* The string literal after the first "(" following off, up to the next
 * ';', or NULL: fromVersion("66.3") -> 66.3. */
static const char *literal_after(mg_arena *a, const char *d, size_t len, size_t off,
                                 char stop)
{
	size_t i = off;
	while (i < len && d[i] != '"' && d[i] != stop)
		i++;
	if (i >= len || d[i] != '"')
		return NULL;
	size_t s = ++i;
	while (i < len && d[i] != '"' && d[i] != '\n' && d[i] != '\\')
		i++;
	if (i >= len || d[i] != '"')
		return NULL;
	/* the literal must close the call: fromVersion("1" + x) is code */
	size_t k = i + 1;
	while (k < len && isspace((unsigned char)d[k]))
		k++;
	if (k < len && d[k] != ')' && d[k] != ';')
		return NULL;
	return mg_arena_strndup(a, d + s, i - s);
}

/* Inside the method named m: the literal its body returns, or NULL. */
static const char *method_returns_literal(mg_arena *a, const char *d, size_t len,
                                          const char *m, const char *call)
{
	long at = find_word(d, len, 0, m);
	while (at >= 0) {
		size_t i = (size_t)at + strlen(m);
		while (i < len && isspace((unsigned char)d[i]))
			i++;
		if (i < len && d[i] == '(') {
			long body = -1;
			for (size_t k = i; k < len; k++)
				if (d[k] == '{' || d[k] == ';' || d[k] == '=') {
					body = d[k] == '{' || d[k] == '=' ? (long)k : -1;
					break;
				}
			if (body >= 0) {
				long ret = find_word(d, len, (size_t)body, call ? call : "return");
				if (ret >= 0 && ret - body < 400)
					return literal_after(a, d, len, (size_t)ret, ';');
			}
		}
		at = find_word(d, len, (size_t)at + 1, m);
	}
	return NULL;
}

static bool method_returns_false(const char *d, size_t len, const char *m)
{
	long at = find_word(d, len, 0, m);
	if (at < 0)
		return false;
	size_t i = (size_t)at;
	while (i < len && d[i] != '{' && d[i] != '=')
		i++;
	size_t end = i;
	while (end < len && d[end] != '}' && end - i < 200)
		end++;
	long f = find_word(d, end, i, "false");
	return f >= 0;
}

static void add_changeset(mg_project *project, const char *file, const char *script,
                          const fw_name *nm, uint32_t decl_line, const char *decl,
                          const char *class_name, bool in_tx)
{
	mg_arena *a = &project->arena;
	mg_changeset *cs = mg_project_add_changeset(project, MG_CS_FLYWAY_JAVA);
	cs->flags |= MG_CSF_OPAQUE;
	cs->version = nm->version;
	cs->description = nm->description;
	cs->script = script;
	cs->loc = (mg_loc){file, 1, 1};
	cs->run_in_transaction = in_tx;
	cs->has_checksum = false;
	mg_statement *st = mg_changeset_add_statement(project, cs);
	st->loc = (mg_loc){file, decl_line, 1};
	st->sql = decl;
	st->sql_len = strlen(decl);
	mg_operation *op = mg_statement_add_op(project, st, MG_OP_OPAQUE);
	op->opaque_kind = MG_OPAQUE_JAVA_MIGRATION;
	op->loc = st->loc;
	op->detail = mg_arena_printf(a, "Java migration %s: its code is not analysed", class_name);
}

static bool add_compiled(mg_project *project, const char *file, const char *script,
                         const char *class_name, const char *data, size_t len)
{
	mg_arena *a = &project->arena;
	fw_name nm;
	if (fw_name_parse_java(a, class_name, &nm) == 0) {
		/* The package is not known without reading the constant pool;
		 * the location-relative path stands in for it. */
		char *fq = mg_arena_strndup(a, script, strlen(script) - strlen(".class"));
		for (char *p = fq; *p; p++)
			if (*p == '/')
				*p = '.';
		add_changeset(project, file, fq, &nm, 1,
		              mg_arena_printf(a, "class %s", class_name), class_name, true);
		return true;
	}
	bool mentions = false;
	for (size_t i = 0; i + 13 <= len && !mentions; i++)
		mentions = data[i] == 'J' && memcmp(data + i, "JavaMigration", 13) == 0;
	mg_project_add_skipped(
		project, file,
		mentions ? "compiled class implements JavaMigration itself; its version is only "
		           "known when the code runs"
		         : mg_arena_printf(a, "class %s: %s", class_name, nm.reason));
	return false;
}

bool fw_java_add(mg_project *project, const char *file, const char *script,
                 const char *data, size_t len)
{
	mg_arena *a = &project->arena;
	const char *base = mg_path_basename(file);
	const char *dot = strrchr(base, '.');
	char *class_name = mg_arena_strndup(a, base, dot ? (size_t)(dot - base) : strlen(base));
	if (strchr(class_name, '$')) {
		mg_project_add_skipped(project, file, "inner class, not a migration");
		return false;
	}
	if (mg_str_iends_with(base, ".class"))
		return add_compiled(project, file, script, class_name, data, len);

	/* source: find "class Name" (Kotlin: "class Name :" too) */
	long decl = -1;
	for (long at = find_word(data, len, 0, "class"); at >= 0;
	     at = find_word(data, len, (size_t)at + 5, "class")) {
		size_t i = (size_t)at + 5;
		while (i < len && isspace((unsigned char)data[i]))
			i++;
		size_t n = strlen(class_name);
		if (i + n <= len && memcmp(data + i, class_name, n) == 0 &&
		    (i + n == len || !word_char((unsigned char)data[i + n]))) {
			decl = at;
			break;
		}
	}
	if (decl < 0) {
		mg_project_add_skipped(project, file,
		                       mg_arena_printf(a, "no class %s declared in it", class_name));
		return false;
	}
	size_t ls = line_start(data, (size_t)decl);
	size_t le = (size_t)decl;
	while (le < len && data[le] != '\n' && data[le] != '{')
		le++;
	long abs = find_word(data, (size_t)decl, ls, "abstract");
	if (abs >= 0) {
		mg_project_add_skipped(project, file, "abstract class, not a migration");
		return false;
	}
	uint32_t decl_line = line_of(data, (size_t)decl);
	const char *decl_text = mg_arena_strndup(a, data + ls, le - ls);
	while (*decl_text == ' ' || *decl_text == '\t')
		decl_text++;
	char *trim = (char *)decl_text + strlen(decl_text);
	while (trim > decl_text && isspace((unsigned char)trim[-1]))
		*--trim = '\0';

	/* the fully qualified name Flyway records as the script */
	const char *fq = class_name;
	long pkg = find_word(data, len, 0, "package");
	if (pkg >= 0 && (size_t)pkg < (size_t)decl) {
		size_t i = (size_t)pkg + 7, s;
		while (i < len && isspace((unsigned char)data[i]))
			i++;
		s = i;
		while (i < len && (word_char((unsigned char)data[i]) || data[i] == '.'))
			i++;
		if (i > s)
			fq = mg_arena_printf(a, "%.*s.%s", (int)(i - s), data + s, class_name);
	}

	bool direct = find_word(data, len, 0, "JavaMigration") >= 0;
	bool base_class = find_word(data, len, 0, "BaseJavaMigration") >= 0;
	bool in_tx = !method_returns_false(data, len, "canExecuteInTransaction");
	fw_name nm;
	int by_name = fw_name_parse_java(a, class_name, &nm);

	if (direct) {
		/* Implements the interface itself: getVersion()/getDescription()
		 * decide, not the name. */
		const char *v = method_returns_literal(a, data, len, "getVersion", "fromVersion");
		fw_name code;
		memset(&code, 0, sizeof code);
		if (v && mg_version_parse(a, v, &code.version) == 0) {
			code.status = FW_NAME_MIGRATION;
			const char *desc = method_returns_literal(a, data, len, "getDescription", NULL);
			code.description = desc ? desc : (by_name == 0 ? nm.description : class_name);
			add_changeset(project, file, fq, &code, decl_line, decl_text, class_name, in_tx);
			return true;
		}
		if (by_name != 0) {
			mg_project_add_skipped(
				project, file,
				"implements JavaMigration, but getVersion() does not return "
				"MigrationVersion.fromVersion(\"...\") with a literal: the version is only "
				"known when the code runs");
			return false;
		}
	}
	if (by_name != 0) {
		if (base_class) {
			mg_loc at = {file, decl_line, 1};
			mg_diag_add(&project->diags, MG_SEV_HIGH, "flyway-java-invalid-name", at,
			            "class %s extends BaseJavaMigration but its name is not "
			            "V<version>__<description> or R__<description> (%s): Flyway fails "
			            "on it",
			            class_name, nm.reason);
		}
		mg_project_add_skipped(
			project, file,
			base_class || direct
				? mg_arena_printf(a, "class %s: %s", class_name, nm.reason)
				: "Java class that is not a migration (no JavaMigration/BaseJavaMigration)");
		return false;
	}
	add_changeset(project, file, fq, &nm, decl_line, decl_text, class_name, in_tx);
	return true;
}
