#!/usr/bin/python3
"""Rebuilds tests/fuzz/seeds/<target>/ from the project's own corpora/ and
tests/ (small files only, never ../shared/corpora) plus a few hand-written
inputs for syntax the corpora do not exercise.  Run it when the corpora
grow; its output is committed so make fuzz needs nothing else."""
import hashlib
import os
import shutil

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SEEDS = os.path.join(HERE, "seeds")
MAX = 16 * 1024

files = []
for top in ("corpora", "tests/rules", "tests/golden"):
    for d, _, names in os.walk(os.path.join(ROOT, top)):
        for n in sorted(names):
            p = os.path.join(d, n)
            if os.path.getsize(p) <= MAX:
                files.append(p)
files.sort()


def put(target, data, name=None):
    if isinstance(data, str):
        data = data.encode()
    os.makedirs(os.path.join(SEEDS, target), exist_ok=True)
    name = name or hashlib.sha1(data).hexdigest()[:16]
    with open(os.path.join(SEEDS, target, name), "wb") as f:
        f.write(data)


def read(p):
    with open(p, "rb") as f:
        return f.read()


def is_formatted_sql(b):
    return b.lstrip().lower().startswith(b"--liquibase formatted")


shutil.rmtree(SEEDS, ignore_errors=True)
names = set()
for p in files:
    b = read(p)
    base = os.path.basename(p)
    names.add(base)
    if base.endswith(".xml") and b"databaseChangeLog" in b:
        put("fuzz_lb_xml", b)
    elif base.endswith((".yaml", ".yml")) and b"databaseChangeLog" in b:
        put("fuzz_lb_yaml", b)
    elif base.endswith(".json") and b"databaseChangeLog" in b:
        put("fuzz_lb_yaml", b)
    elif base.endswith((".yaml", ".yml")) and b"tables" in b:
        put("fuzz_profile", b)
    elif base.endswith(".sql"):
        if is_formatted_sql(b):
            put("fuzz_lb_sql", b)
        put("fuzz_pg", b"\x00" + b)
    elif base.endswith(".conf"):
        put("fuzz_flyway_conf", b)
    elif base.endswith(".toml"):
        put("fuzz_flyway_toml", b)
    elif base.endswith(".csv"):
        put("fuzz_history_csv", b"\x00" + b)

for n in sorted(names):
    put("fuzz_flyway_name", n)
for n in ["V1_2__x.sql", "V1.2.3__Add_users.SQL", "R__views.sql", "U7__undo.sql",
          "B5__base.sql", "beforeMigrate__grants.sql", "afterEachMigrate.sql", "V__nover.sql",
          "V1__", "V01.00.0__lead.psql", "V9999999999999999999999__big.sql", "V1__x.sh",
          "V2Init.java", "V3__Java_migration", "Vé__ütf8.sql"]:
    put("fuzz_flyway_name", n)

put("fuzz_flyway_conf", "flyway.locations=filesystem:db/a,classpath:db/b\n"
    "flyway.placeholders.tenant=acme\nflyway.placeholderPrefix=#[\nflyway.placeholderSuffix=]\n"
    "flyway.sqlMigrationSuffixes=.sql,.pgsql\nflyway.mixed=true\nflyway.outOfOrder=yes\n"
    "key\\\n  continued = value \\u0041\\t\nCREATE TABLE #[tenant].t (x int); -- #[flyway:filename]\n")
put("fuzz_flyway_conf", "! comment\n# another\nflyway.placeholders.a=${b}\nflyway.placeholders.b=${a}\n"
    "SELECT '${a}', ${flyway:defaultSchema}, ${flyway:user}, ${missing};\n")
put("fuzz_flyway_toml", '[flyway]\nlocations = ["filesystem:db/migration"]\nmixed = true\n'
    'placeholders.tenant = "acme"\n[flyway.placeholders]\nother = \'lit\'\n'
    '[environments.dev]\nurl = "jdbc:postgresql://x/y"\n[environments.dev.flyway]\ntarget = "5"\n')
put("fuzz_flyway_toml", 'a = """multi\nline"""\nb = \'\'\'raw\\n\'\'\'\nc = 1_000\nd = 3.14e2\n'
    'e = 1979-05-27T07:32:00Z\nf = { x = 1, y = [1, [2, 3]] }\n"quoted.key" = true\n'
    '[[arr]]\nname = "x"\n[flyway]\nbaselineVersion = "2"\ndefaultSchema = "app"\n')

for mode, sql in [(0, "CREATE TABLE a (id int);\nALTER TABLE a ADD COLUMN b text NOT NULL DEFAULT 'x';\n"
                      "CREATE INDEX CONCURRENTLY i ON a (b);\n"),
                  (1, "CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql;\n"),
                  (2, "DROP TABLE a/\nSELECT 1/\n"),
                  (6, "UPDATE a SET b = 1 GO\nDELETE FROM a GO\n"),
                  (8, "INSERT INTO a VALUES (1), (2), (3), (4), (5), (6), (7), (8), (9), (10);\n"),
                  (0x30, "BEGIN; LOCK TABLE a IN ACCESS EXCLUSIVE MODE; COMMIT; VACUUM a;\n"
                         "ALTER TYPE e ADD VALUE 'x'; SET lock_timeout = '1s';\n")]:
    put("fuzz_pg", bytes([mode]) + sql.encode())

put("fuzz_lb_sql", "--liquibase formatted sql\n--changeset a:1 context:dev labels:x\n"
    "CREATE TABLE t (id int);\n--rollback DROP TABLE t;\n"
    "--changeset a:2 splitStatements:false endDelimiter:/ runOnChange:true\n"
    "CREATE FUNCTION f() RETURNS int AS $$ BEGIN RETURN 1; END $$ LANGUAGE plpgsql/\n"
    "--precondition-sql-check expectedResult:0 SELECT count(*) FROM t\n"
    "--changeset b:3 dbms:postgresql\nALTER TABLE t ADD COLUMN c int;\n")
put("fuzz_lb_xml", '<?xml version="1.0"?>\n<databaseChangeLog xmlns="http://www.liquibase.org/xml/ns/dbchangelog">\n'
    '<property name="t" value="tbl"/>\n<changeSet id="1" author="a" context="dev">\n'
    '<preConditions onFail="MARK_RAN"><not><tableExists tableName="${t}"/></not></preConditions>\n'
    '<createTable tableName="${t}"><column name="id" type="bigint"><constraints primaryKey="true"/></column></createTable>\n'
    '<addColumn tableName="${t}"><column name="c" type="varchar(10)" defaultValue="x"/></addColumn>\n'
    '<createIndex tableName="${t}" indexName="i"><column name="c"/></createIndex>\n'
    '<sql splitStatements="true"><![CDATA[UPDATE tbl SET c = 1; DELETE FROM tbl;]]></sql>\n'
    '<modifySql><append value=" CONCURRENTLY"/></modifySql>\n'
    '<rollback><dropTable tableName="${t}"/></rollback>\n</changeSet>\n'
    '<include file="other.xml" relativeToChangelogFile="true"/>\n'
    '<includeAll path="sub/" relativeToChangelogFile="true"/>\n</databaseChangeLog>\n')
put("fuzz_lb_yaml", "databaseChangeLog:\n- property: {name: t, value: tbl}\n- changeSet:\n"
    "    id: 1\n    author: a\n    changes:\n    - createTable:\n        tableName: ${t}\n"
    "        columns:\n        - column: {name: id, type: int, constraints: {nullable: false}}\n"
    "    - sql: {sql: 'UPDATE tbl SET id = 1'}\n    rollback: [ {dropTable: {tableName: tbl}} ]\n"
    "- changeSet: &cs {id: 2, author: a, changes: [ {dropColumn: {tableName: tbl, columnName: id}} ]}\n"
    "- include: {file: other.yaml, relativeToChangelogFile: true}\n")
put("fuzz_lb_yaml", '{"databaseChangeLog": [{"changeSet": {"id": "1", "author": "a", "changes": '
    '[{"addNotNullConstraint": {"tableName": "t", "columnName": "c", "defaultNullValue": "0"}}]}}]}\n')
put("fuzz_profile", "engine: postgresql:15\nslo: {max_lock_ms: 2000, max_replication_lag_s: 30}\n"
    "deploy: {mode: rolling, windows: [{days: [mon, tue], start: '02:00', end: '04:00', tz: UTC}]}\n"
    "default: {rows: 1M, bytes: 1GB, read_qps: 10, write_qps: 1}\n"
    "tables:\n  public.orders: {rows: 120M, bytes: 80GB, read_qps: 900, write_qps: 150, hot: true}\n"
    "  audit.log: {rows: ~, bytes: 12 GiB}\n")
put("fuzz_history_csv", b"\x00installed_rank,version,description,type,script,checksum,installed_by,"
    b"installed_on,execution_time,success\n1,1,one,SQL,V1__one.sql,123,me,2024-01-01,5,t\n"
    b"2,2,two,SQL,V2__two.sql,-5,me,2024-01-01,5,f\n3,,view,SQL,R__view.sql,7,me,2024-01-01,5,1\n")
put("fuzz_history_csv", b"\x01ID;AUTHOR;FILENAME;DATEEXECUTED;ORDEREXECUTED;EXECTYPE;MD5SUM\n"
    b"1;a;lb.xml;2024-01-01;1;EXECUTED;9:0123456789abcdef0123456789abcdef\n"
    b"\"2\";\"a\";\"lb.xml\";x;2;MARK_RAN;\"8:\"\"q\"\"\"\n3;b;lb.xml;x;3;FAILED;\n")

# Hostile-repository shapes (issue 11): chains and nesting past
# --max-sql-depth, comments nested deeper than --max-nesting-depth, and COPY
# FROM STDIN data with and without its end line; engine 15 (mode 0x50).
put("fuzz_pg", b"\x50CREATE TABLE a (id int);\nSELECT 1" + b"+1" * 12000 + b";\nSELECT 2;\n")
put("fuzz_pg", b"\x50SELECT " + b"(" * 12000 + b"1" + b")" * 12000 + b";\nSELECT 2;\n")
put("fuzz_pg", b"\x50SELECT 1" + b" UNION ALL SELECT 1" * 3000 + b";\n")
put("fuzz_pg", b"\x50SELECT CASE WHEN true THEN " * 2000 + b"1" + b" END" * 2000 + b";\n")
put("fuzz_pg", b"\x50SELECT 1;\n" + b"/*" * 3000 + b" x " + b"*/" * 3000 + b"\nSELECT 2;\n")
put("fuzz_pg", b"\x50CREATE TABLE t (a int, b text);\nCOPY t (a, b) FROM stdin;\n1\tx; DROP TABLE t;\n"
    b"2\t'$$ /*\n\\.\nCREATE INDEX i ON t (a);\nCOPY t FROM STDIN WITH (FORMAT csv);\r\n3,\"a;b\"\r\n"
    b"\\.\r\nCOPY (SELECT 1 FROM stdin_t) TO STDOUT;\n")
put("fuzz_pg", b"\x51COPY t FROM stdin;\n1\n2;\nSELECT 1;\n")
# Wildcard locations: pattern, newline, path.
for pattern, path in [("db/**/migration", "db/a/b/c/migration"), ("db/*/v?", "db/x/v1"),
                      ("*a" * 30 + "*", "a" * 200 + "00042"), ("**/*.sql", "x/y/z.sql"),
                      ("db/**", "db"), ("a*b*c*d*e*f*g*h", "a" * 60 + "h"),
                      ("**" * 20 + "x", "/".join(["d"] * 50) + "/x"), ("?" * 8, "abcdefgh")]:
    put("fuzz_flyway_glob", pattern + "\n" + path)

for t in sorted(os.listdir(SEEDS)):
    print(f"{t}: {len(os.listdir(os.path.join(SEEDS, t)))} seeds")
