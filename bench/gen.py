#!/usr/bin/python3
"""Synthetic projects for the scaling benchmark.

  gen.py flyway N DIR      N versioned migrations V1..VN in DIR, one file each
  gen.py liquibase N DIR   N changesets in DIR/changes/*.xml (100 per file)
                           under DIR/master.xml (includeAll)
  gen.py single N FILE     one SQL file of N statements

The statements cycle through what real migrations do: create tables, add
columns (nullable, with defaults, NOT NULL), indexes (plain and
CONCURRENTLY), foreign keys, updates and inserts; every table a later
statement touches exists, so the catalog replay works on real state."""
import os
import sys


def sql_statements(n):
    out = []
    t = 0
    for i in range(n):
        k = i % 8
        if k == 0 or t == 0:
            t += 1
            out.append(f"CREATE TABLE t{t} (id bigint PRIMARY KEY, name text NOT NULL, "
                       f"created_at timestamptz DEFAULT now());")
        elif k == 1:
            out.append(f"ALTER TABLE t{t} ADD COLUMN c{i} integer;")
        elif k == 2:
            out.append(f"ALTER TABLE t{t} ADD COLUMN d{i} text NOT NULL DEFAULT 'x';")
        elif k == 3:
            out.append(f"CREATE INDEX CONCURRENTLY t{t}_i{i} ON t{t} (name);")
        elif k == 4:
            out.append(f"INSERT INTO t{t} (id, name) VALUES ({i}, 'row {i}');")
        elif k == 5:
            out.append(f"UPDATE t{t} SET name = upper(name) WHERE id < {i};")
        elif k == 6 and t > 1:
            out.append(f"ALTER TABLE t{t} ADD CONSTRAINT t{t}_fk{i} FOREIGN KEY (id) "
                       f"REFERENCES t{t - 1} (id) NOT VALID;")
        else:
            out.append(f"COMMENT ON TABLE t{t} IS 'table {t}';")
    return out


def flyway(n, d):
    os.makedirs(d, exist_ok=True)
    for i, s in enumerate(sql_statements(n), 1):
        with open(os.path.join(d, f"V{i}__step_{i}.sql"), "w") as f:
            f.write(s + "\n")


def lb_change(i, t):
    k = i % 5
    if k == 0:
        return (f'<createTable tableName="t{t}"><column name="id" type="bigint">'
                f'<constraints primaryKey="true"/></column><column name="name" type="text"/>'
                f'</createTable>')
    if k == 1:
        return f'<addColumn tableName="t{t}"><column name="c{i}" type="int"/></addColumn>'
    if k == 2:
        return f'<createIndex tableName="t{t}" indexName="t{t}_i{i}"><column name="name"/></createIndex>'
    if k == 3:
        return f'<addNotNullConstraint tableName="t{t}" columnName="name" defaultNullValue="x"/>'
    return f'<sql>UPDATE t{t} SET name = lower(name) WHERE id &lt; {i}</sql>'


def liquibase(n, d):
    os.makedirs(os.path.join(d, "changes"), exist_ok=True)
    head = ('<?xml version="1.0" encoding="UTF-8"?>\n<databaseChangeLog '
            'xmlns="http://www.liquibase.org/xml/ns/dbchangelog">\n')
    per = 100
    t = 0
    for f0 in range(0, n, per):
        body = []
        for i in range(f0, min(n, f0 + per)):
            if i % 5 == 0:
                t += 1
            body.append(f'<changeSet id="{i}" author="gen">{lb_change(i, t)}</changeSet>\n')
        with open(os.path.join(d, "changes", f"{f0 // per:06}.xml"), "w") as f:
            f.write(head + "".join(body) + "</databaseChangeLog>\n")
    with open(os.path.join(d, "master.xml"), "w") as f:
        f.write(head + '<includeAll path="changes/" relativeToChangelogFile="true"/>\n'
                "</databaseChangeLog>\n")


def single(n, path):
    with open(path, "w") as f:
        f.write("\n".join(sql_statements(n)) + "\n")


if __name__ == "__main__":
    kind, n, where = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    {"flyway": flyway, "liquibase": liquibase, "single": single}[kind](n, where)
