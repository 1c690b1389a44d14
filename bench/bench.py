#!/usr/bin/python3
"""The side-by-side benchmark (bench/run.sh runs it; see bench/README.md).

Every comparison is a group of commands over the same input.  Each round
runs every command of the group once, in turn, so the commands of one
round see the same machine state (paired runs); the table shows, per
command, the median wall time and peak RSS over the rounds, and the median
of the per-round ratios to migraph.  Output: the table on stdout and
bench/out/results.md."""
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
OUT = os.path.join(HERE, "out")
CORPORA = os.environ.get("MIGRAPH_CORPORA", os.path.join(os.path.dirname(ROOT), "shared", "corpora"))
MIGRAPH = os.environ["MIGRAPH"]
RAW = os.path.join(OUT, "bin")
SQUAWK = os.path.join(HERE, "node_modules", ".bin", "squawk")
LIQUIBASE = os.path.join(HERE, "node_modules", "liquibase", "dist", "liquibase", "liquibase")
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
LB_ROUNDS = int(os.environ.get("BENCH_LB_ROUNDS", "3"))
SIZES = [int(x) for x in os.environ.get("BENCH_SIZES", "1000,10000,100000").split(",")]

DHIS2 = "dhis2/dhis-2/dhis-support/dhis-support-db-migration/src/main"
CONDUCTOR = "conductor/postgres-persistence/src/main/resources/db"
MARQUEZ = "marquez/api/src/main"
FLYWAY = {
    "dhis2": [f"{DHIS2}/resources/org/hisp/dhis/db/migration"],
    "hawkbit": ["hawkbit/hawkbit-repository/hawkbit-repository-jpa-flyway/src/main/resources/db/migration/POSTGRESQL"],
    "kestra": ["kestra/jdbc-postgres/src/main/resources/migrations/postgres"],
    "conductor": [f"{CONDUCTOR}/migration_postgres", f"{CONDUCTOR}/migration_postgres_data",
                  f"{CONDUCTOR}/migration_postgres_notify"],
    "marquez": [f"{MARQUEZ}/resources/marquez/db/migration"],
}
# (corpus, search path, root changelog) as in ../shared/oracle/*/roots.tsv.
LIQUIBASE_ROOTS = [
    ("jhipster-sample-app", "src/main/resources", "config/liquibase/master.xml"),
    ("signal-server", "service/src/main/resources", "accountsdb.xml"),
    ("signal-server", "service/src/main/resources", "abusedb.xml"),
    ("signal-server", "service/src/main/resources", "keysdb.xml"),
    ("signal-server", "service/src/main/resources", "messagedb.xml"),
]
# keycloak, metabase and hyades-liquibase use customChange classes of their
# applications; without them on its classpath Liquibase stops at the first
# one (ClassNotFoundException), so they are not compared (see README.md).

rows = []


def run_once(cmd, cwd=None):
    """Wall seconds, peak RSS in MB and exit code of one run.  The peak comes from
    /usr/bin/time (its child's own), not from wait4 here: a child forked from this
    Python process starts with Python's pages counted."""
    fd, rep = tempfile.mkstemp(prefix="migraph-bench-time-")
    os.close(fd)
    start = time.perf_counter()
    p = subprocess.run(["/usr/bin/time", "-q", "-f", "%M", "-o", rep] + cmd, cwd=cwd,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    with open(rep) as f:
        lines = [l for l in f.read().split() if l.isdigit()]
    os.unlink(rep)
    return wall, (int(lines[-1]) / 1024.0 if lines else 0.0), p.returncode


def group(title, commands, rounds, note=""):
    """commands: [(label, argv, cwd or None, fresh_cwd)]; the first is migraph."""
    times = {c[0]: [] for c in commands}
    rss = {c[0]: [] for c in commands}
    codes = {c[0]: set() for c in commands}
    for _ in range(rounds + 1):  # the first round warms the page cache and is dropped
        for label, argv, cwd, fresh in commands:
            d = tempfile.mkdtemp(prefix="migraph-bench-") if fresh else cwd
            w, m, rc = run_once(argv, d)
            if fresh:
                shutil.rmtree(d, ignore_errors=True)
            times[label].append(w)
            rss[label].append(m)
            codes[label].add(rc)
    base = commands[0][0]
    print(f"\n## {title}" + (f"  ({note})" if note else ""))
    print(f"{'command':34} {'median s':>10} {'peak MB':>9} {'x migraph':>10}  exit")
    out = []
    for label, *_ in commands:
        t = times[label][1:]
        ratios = [a / b for a, b in zip(times[label][1:], times[base][1:])]
        med = statistics.median(t)
        ratio = statistics.median(ratios)
        peak = max(rss[label][1:])
        ex = ",".join(str(c) for c in sorted(codes[label]))
        print(f"{label:34} {med:10.3f} {peak:9.1f} {ratio:10.2f}  {ex}")
        out.append((title, label, med, peak, ratio, ex))
    rows.extend(out)
    sys.stdout.flush()
    return out


def sql_files(dirs):
    files = []
    for d in dirs:
        for base, _, names in os.walk(d):
            files += [os.path.join(base, n) for n in names if n.endswith(".sql")]
    return sorted(files)


def changelog_files(d):
    xml, yaml = [], []
    for base, _, names in os.walk(d):
        for n in names:
            p = os.path.join(base, n)
            if n.endswith(".xml"):
                xml.append(p)
            elif n.endswith((".yaml", ".yml", ".json")):
                yaml.append(p)
    return sorted(xml), sorted(yaml)


def liquibase_cmd(search, changelog):
    return [LIQUIBASE, "--url=offline:postgresql?version=15", f"--search-path={search}",
            f"--changelog-file={changelog}", "--log-level=severe", "changelog-sync-sql"]


def main():
    tmp = tempfile.mkdtemp(prefix="migraph-bench-inputs-")
    try:
        have_corpora = os.path.isdir(CORPORA)
        if not have_corpora:
            print(f"bench: {CORPORA} is absent: only the synthetic projects run")
        # --- Flyway directories: migraph, squawk, libpg_query alone ----------
        if have_corpora:
            for name, locs in FLYWAY.items():
                dirs = [os.path.join(CORPORA, l) for l in locs]
                files = sql_files(dirs)
                group(f"Flyway {name}: {len(files)} SQL files, "
                      f"{sum(os.path.getsize(f) for f in files) // 1024} KiB",
                      [("migraph check", [MIGRAPH, "check", "--fail-on", "critical"] + dirs, None, False),
                       ("squawk", [SQUAWK] + files, None, False),
                       ("libpg_query alone (raw_pg)", [os.path.join(RAW, "raw_pg")] + files, None, False)],
                      ROUNDS)
            # --- dhis2 as one file ------------------------------------------
            one = os.path.join(tmp, "dhis2.sql")
            with open(one, "wb") as f:
                for p in sql_files([os.path.join(CORPORA, l) for l in FLYWAY["dhis2"]]):
                    with open(p, "rb") as g:
                        f.write(g.read().rstrip() + b"\n;\n")
            group(f"dhis2 as one file ({os.path.getsize(one) // 1024} KiB)",
                  [("migraph check", [MIGRAPH, "check", "--fail-on", "critical", one], None, False),
                   ("squawk", [SQUAWK, one], None, False),
                   ("libpg_query alone (raw_pg)", [os.path.join(RAW, "raw_pg"), one], None, False)],
                  ROUNDS)
        big = os.path.join(tmp, "V1__twenty_thousand.sql")
        subprocess.run([sys.executable, os.path.join(HERE, "gen.py"), "single", "20000", big], check=True)
        group(f"one file of 20,000 statements ({os.path.getsize(big) // 1024} KiB)",
              [("migraph check", [MIGRAPH, "check", "--fail-on", "critical", big], None, False),
               ("squawk", [SQUAWK, big], None, False),
               ("libpg_query alone (raw_pg)", [os.path.join(RAW, "raw_pg"), big], None, False)],
              ROUNDS)
        # --- Liquibase corpora -------------------------------------------
        if have_corpora:
            for corpus, search, changelog in LIQUIBASE_ROOTS:
                sp = os.path.join(CORPORA, corpus, search)
                if not os.path.exists(os.path.join(sp, changelog)):
                    continue
                xml, yaml = changelog_files(sp)
                cmds = [("migraph check", [MIGRAPH, "check", "--fail-on", "critical", "--search-path", sp,
                                           os.path.join(sp, changelog)], None, False),
                        ("liquibase changelog-sync-sql", liquibase_cmd(sp, changelog), None, True)]
                if xml:
                    cmds.append((f"libxml2 alone ({len(xml)} files)", [os.path.join(RAW, "raw_xml")] + xml,
                                 None, False))
                if yaml:
                    cmds.append((f"libyaml alone ({len(yaml)} files)", [os.path.join(RAW, "raw_yaml")] + yaml,
                                 None, False))
                group(f"Liquibase {corpus}: {changelog}", cmds, LB_ROUNDS)
        # --- Synthetic growth --------------------------------------------
        print("\n## Synthetic projects: growth (migraph check; /usr/bin/time -v)")
        print(f"{'project':28} {'changesets':>10} {'wall s':>8} {'peak MB':>9} {'us/changeset':>13}")
        for kind in ("flyway", "liquibase"):
            for n in SIZES:
                d = os.path.join(tmp, f"{kind}-{n}")
                subprocess.run([sys.executable, os.path.join(HERE, "gen.py"), kind, str(n), d], check=True)
                target = [d] if kind == "flyway" else ["--search-path", d, os.path.join(d, "master.xml")]
                walls, peaks = [], []
                for _ in range(3 if n < 100000 else 2):
                    p = subprocess.run(["/usr/bin/time", "-v", MIGRAPH, "check", "--fail-on", "critical"]
                                       + target, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
                    for line in p.stderr.splitlines():
                        line = line.strip()
                        if line.startswith("Elapsed (wall clock) time"):
                            v = line.rsplit(" ", 1)[1].split(":")
                            walls.append(float(v[-1]) + 60 * float(v[-2]) + (3600 * float(v[-3]) if len(v) > 2 else 0))
                        elif line.startswith("Maximum resident set size"):
                            peaks.append(int(line.rsplit(" ", 1)[1]) / 1024.0)
                w, m = statistics.median(walls), max(peaks)
                print(f"{kind + ' ' + str(n):28} {n:10} {w:8.2f} {m:9.1f} {1e6 * w / n:13.1f}")
                rows.append((f"synthetic {kind}", f"{n} changesets", w, m, 0.0, "0"))
                sys.stdout.flush()
                shutil.rmtree(d, ignore_errors=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "results.md"), "w") as f:
        f.write("| input | command | median s | peak MB | x migraph |\n|---|---|---:|---:|---:|\n")
        for t, label, med, peak, ratio, ex in rows:
            f.write(f"| {t} | {label} | {med:.3f} | {peak:.1f} | {ratio:.2f} |\n")


if __name__ == "__main__":
    main()
