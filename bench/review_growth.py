#!/usr/bin/python3
"""Time `review`, `plan` and `graph` on the growth inputs at several sizes.

  review_growth.py [--sizes 5000,50000] [--timeout 600] NAME=MIGRAPH...

Each NAME=MIGRAPH is a build to time (a build of main and one of a branch,
for a before and after).  The inputs are the builders of
tests/hostile/growth.py, and the times are the CPU seconds (user plus
system) of the child, one run each: a benchmark to read, not a test.  A
run past the timeout is shown as "> T".  Prints a markdown table.
"""
import argparse
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests",
                                "hostile"))
import growth  # noqa: E402

CASES = [
    ("CREATE TABLE of N columns, SET NOT NULL and RENAME", growth.wide_table,
     ("check", "review")),
    ("N ALTERs adding columns to one table", growth.added_columns,
     ("check", "review", "plan", "graph")),
    ("N statements in one changeset", growth.statements_in_one_changeset, ("check", "review")),
    ("N Liquibase changesets with rollback blocks", growth.changesets_with_rollbacks,
     ("check", "review", "graph")),
]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="5000,50000")
    ap.add_argument("--timeout", type=float, default=600)
    ap.add_argument("--only", help="run the cases whose title contains this")
    ap.add_argument("builds", nargs="+", help="NAME=MIGRAPH")
    o = ap.parse_args()
    builds = [b.split("=", 1) for b in o.builds]
    sizes = [int(x) for x in o.sizes.split(",")]
    print("| input | N | command | " + " | ".join(f"{n} (s CPU)" for n, _ in builds) + " |")
    print("|---|---:|---|" + "---:|" * len(builds))
    for title, build, commands in CASES:
        if o.only and o.only not in title:
            continue
        for size in sizes:
            tmp = tempfile.mkdtemp(prefix="migraph-bench-")
            try:
                args = build(tmp, size)
                for command in commands:
                    cells = []
                    for _, binary in builds:
                        t, _ = growth.measure(command, args, o.timeout, binary)
                        cells.append(f"> {o.timeout:.0f}" if t is None else f"{t:.2f}")
                    print(f"| {title} | {size} | {command} | " + " | ".join(cells) + " |",
                          flush=True)
            finally:
                shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
