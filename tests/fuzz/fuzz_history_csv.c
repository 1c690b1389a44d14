/*
 * fuzz_history_csv.c: --applied, the history table export
 * (flyway_schema_history or DATABASECHANGELOG as CSV).
 *
 * The CSV reader runs on the input from memory, and every row must have
 * a line and fields that are strings.  Then the input is applied as
 * --applied to a small Flyway project (V1, V2, a repeatable) or, when
 * the first byte is odd, to a small Liquibase one, as the CLI does.
 */
#include <sys/stat.h>

#include "fuzz_common.h"
#include "migraph/load.h"

static void write_text(const char *name, const char *text)
{
	fz_write(name, (const uint8_t *)text, strlen(text));
}

static void make_projects(void)
{
	static int done;
	if (done)
		return;
	done = 1;
	char dir[128];
	snprintf(dir, sizeof dir, "%s/fw", fz_scratch());
	mkdir(dir, 0700);
	write_text("fw/V1__one.sql", "CREATE TABLE a (id int);\n");
	write_text("fw/V2__two.sql", "ALTER TABLE a ADD COLUMN b int;\n");
	write_text("fw/R__view.sql", "CREATE OR REPLACE VIEW v AS SELECT 1;\n");
	write_text("lb.xml",
	           "<databaseChangeLog xmlns=\"http://www.liquibase.org/xml/ns/dbchangelog\">\n"
	           "<changeSet id=\"1\" author=\"a\"><createTable tableName=\"t\">"
	           "<column name=\"id\" type=\"int\"/></createTable></changeSet>\n"
	           "<changeSet id=\"2\" author=\"a\"><sql>SELECT 1</sql></changeSet>\n"
	           "<changeSet id=\"3\" author=\"b\" runAlways=\"true\"><sql>SELECT 2</sql></changeSet>\n"
	           "</databaseChangeLog>\n");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > 65536)
		return 0;
	make_projects();
	mg_arena arena;
	mg_arena_init(&arena);
	mg_csv csv;
	if (mg_csv_parse(&arena, (const char *)data + 1, size - 1, &csv) == 0) {
		for (size_t r = 0; r < csv.n_rows; r++) {
			if (csv.lines[r] == 0)
				abort();
			for (size_t f = 0; f < csv.n_fields[r]; f++)
				if (!csv.rows[r][f])
					abort();
		}
		(void)mg_csv_column(&csv, "version");
	}
	mg_arena_free(&arena);

	const char *csv_path = fz_write("history.csv", data + 1, size - 1);
	char csv_copy[160];
	snprintf(csv_copy, sizeof csv_copy, "%s", csv_path);
	char proj[128];
	snprintf(proj, sizeof proj, "%s/%s", fz_scratch(), (data[0] & 1) ? "lb.xml" : "fw");
	mg_load_options opts;
	fz_options(&opts);
	const char *paths[1] = {proj};
	mg_project *p = mg_load_project(paths, 1, &opts);
	mg_release rel = {0};
	rel.selected = true;
	mg_csv rows;
	if (mg_history_read(p, csv_copy, &rows) == 0)
		mg_release_applied(p, &rel, csv_copy, &rows);
	mg_project_free(p);
	return 0;
}
