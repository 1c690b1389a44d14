#!/usr/bin/python3
"""The layers of src/ and the size of functions, checked on the source.

Every folder of src/ is a module, and every public header in
include/migraph/ belongs to one module (HEADER_OWNER).  A module may
include the public headers of the modules below it (DEPENDS, taken
transitively) and its own private headers (src/<module>/*.h); a file that
includes a header of a higher layer, a sibling, or another module's
private header fails the check, and so does a quoted include that names no
file.  CONTRIBUTING.md describes the same table in words.

The default schema has one home, src/model/object.c: a "public" string
literal anywhere else in src/ fails (names are schema-qualified by the
front ends; a stage that needs the default asks the catalog or the project).

Functions longer than MAX_FUNCTION_LINES fail too, except flat dispatch
switches (a body that is one switch of short cases).

When the objects are built ($BUILD/obj/src, build by default), the calls
between modules are checked the same way (nm): a prototype written by hand
in a .c file cannot hide a call upwards, and a name defined twice fails.

  check.py              checks the repository
  check.py --self-test  also proves, on temporary copies, that a bad include,
                        a long function and a "public" literal make the check
                        fail, and that "public" in a comment does not
  check.py --root DIR   checks another copy of the tree

Ends with one "N passed, N failed" line: one check per file and rule.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

# The modules, lowest first, with the modules each one builds on directly.
DEPENDS = {
    "core": [],
    "model": ["core"],
    "sql": ["model"],
    "load": ["sql"],
    "engine": ["model"],
    "replay": ["engine"],
    "analyze": ["replay", "load"],
    "plan": ["analyze"],
    "render": ["plan"],
    "cli": ["render"],
}

# Which module each public header belongs to.
HEADER_OWNER = {
    "core.h": "core",
    "diag.h": "core",
    "checksum.h": "core",
    "yaml_guard.h": "core",
    "yaml_read.h": "core",
    "model.h": "model",
    "catalog.h": "model",
    "release.h": "model",
    "sql.h": "sql",
    "sqlwrite.h": "sql",
    "load.h": "load",
    "profile.h": "load",
    "config.h": "load",
    "ignore.h": "load",
    "git.h": "load",
    "engine.h": "engine",
    "graph.h": "replay",
    "timeline.h": "replay",
    "rules.h": "analyze",
    "risk.h": "analyze",
    "triage.h": "analyze",
    "rollback.h": "analyze",
    "plan.h": "plan",
    "render.h": "render",
    "review.h": "render",
}

MAX_FUNCTION_LINES = 150

# The one file that may spell the engine's default schema.
DEFAULT_SCHEMA_HOME = "src/model/object.c"

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def allowed_modules(module):
    """The module itself and everything below it."""
    seen, todo = {module}, list(DEPENDS.get(module, []))
    while todo:
        m = todo.pop()
        if m not in seen:
            seen.add(m)
            todo.extend(DEPENDS[m])
    return seen


def acyclic():
    state = {}

    def visit(m):
        if state.get(m) == 1:
            return False
        if state.get(m) == 2:
            return True
        state[m] = 1
        ok = all(visit(d) for d in DEPENDS[m])
        state[m] = 2
        return ok

    return all(visit(m) for m in DEPENDS)


def source_files(root):
    """(path relative to root, module) for every header and C file."""
    out = []
    inc = os.path.join(root, "include", "migraph")
    for name in sorted(os.listdir(inc)):
        if name.endswith(".h"):
            out.append((f"include/migraph/{name}", HEADER_OWNER.get(name)))
    src = os.path.join(root, "src")
    for module in sorted(os.listdir(src)):
        if not os.path.isdir(os.path.join(src, module)):
            continue
        for dirpath, _, files in os.walk(os.path.join(src, module)):
            for name in sorted(files):
                if name.endswith((".c", ".h")):
                    rel = os.path.relpath(os.path.join(dirpath, name), root)
                    out.append((rel, module if module in DEPENDS else None))
    return out


def include_problems(root, rel, module):
    problems = []
    if module is None:
        what = "public header" if rel.startswith("include/") else "folder"
        return [f"{rel}: {what} belongs to no module (add it to tests/layers/check.py "
                "and CONTRIBUTING.md)"]
    may = allowed_modules(module)
    with open(os.path.join(root, rel), encoding="utf-8", errors="replace") as f:
        for lineno, line in enumerate(f, 1):
            m = INCLUDE.match(line)
            if not m:
                continue
            target = m.group(1)
            where = f"{rel}:{lineno}: #include \"{target}\""
            if target.startswith("migraph/"):
                name = target[len("migraph/"):]
                if not os.path.exists(os.path.join(root, "include", target)):
                    problems.append(f"{where}: no such header")
                    continue
                owner = HEADER_OWNER.get(name)
                if owner is None:
                    problems.append(f"{where}: the header belongs to no module")
                elif owner not in may:
                    problems.append(f"{where}: {module} may not include a header of {owner} "
                                    f"(a higher layer or a sibling)")
                continue
            if not os.path.exists(os.path.join(root, "src", target)):
                problems.append(f"{where}: no such header under src/")
                continue
            owner = target.split("/")[0]
            if owner != module:
                problems.append(f"{where}: private header of {owner}; {module} may only "
                                "use its public header in include/migraph/")
    return problems


def strip_code(text):
    """The text with comments, strings and character literals blanked
    (newlines kept), so that braces in them do not count."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            j = min(j + 1, n)
            out.append(c + re.sub(r"[^\n]", " ", text[i + 1:j - 1]) + c)
            i = j
        elif c == "#" and (i == 0 or text[i - 1] == "\n"):
            # preprocessor lines, with their continuations
            j = i
            while True:
                k = text.find("\n", j)
                if k < 0:
                    k = n
                    break
                if text[k - 1] != "\\":
                    break
                j = k + 1
            out.append(re.sub(r"[^\n]", " ", text[i:k]))
            i = k
        else:
            out.append(c)
            i += 1
    return "".join(out)


def string_literals(text):
    """(line, contents) of every string literal outside comments."""
    out = []
    i, n = 0, len(text)
    while i < n:
        if text.startswith("/*", i):
            j = text.find("*/", i + 2)
            i = n if j < 0 else j + 2
        elif text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif text[i] in "\"'":
            q, j = text[i], i + 1
            while j < n and text[j] != q and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            if q == '"':
                out.append((text.count("\n", 0, i) + 1, text[i + 1:j]))
            i = j + 1
        else:
            i += 1
    return out


def default_schema_problems(root, rel):
    if not rel.startswith("src/") or rel == DEFAULT_SCHEMA_HOME:
        return []
    with open(os.path.join(root, rel), encoding="utf-8", errors="replace") as f:
        text = f.read()
    return [f"{rel}:{line}: \"public\" outside {DEFAULT_SCHEMA_HOME}: read the default "
            "schema from the catalog or the project (mg_catalog_default_schema, "
            "mg_project_default_schema)"
            for line, lit in string_literals(text) if lit == "public"]


FUNC_NAME = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)\s*\([^;{}]*\)\s*$", re.S)


def functions(text):
    """(name, first line, number of lines, body) of every function definition."""
    code = strip_code(text)
    found = []
    depth, i, n = 0, 0, len(code)
    while i < n:
        c = code[i]
        if c == "{":
            if depth == 0:
                head = code[max(0, i - 600):i]
                head = head[head.rfind(";") + 1:] if ";" in head else head
                head = head[head.rfind("}") + 1:] if "}" in head else head
                m = FUNC_NAME.search(head)
                start = i
                d, j = 0, i
                while j < n:
                    if code[j] == "{":
                        d += 1
                    elif code[j] == "}":
                        d -= 1
                        if d == 0:
                            break
                    j += 1
                if m and "=" not in head and not re.search(r"\b(struct|enum|union)\b\s*\w*\s*$", head):
                    first = code.count("\n", 0, start) + 1
                    last = code.count("\n", 0, j) + 1
                    found.append((m.group(1), first, last - first + 1, code[start:j + 1]))
                i = j + 1
                continue
            depth += 1
        elif c == "}":
            depth -= 1
        i += 1
    return found


def flat_dispatch(body):
    """A body that is one switch dispatching on a kind, with short cases:
    at most a few lines around the switch, and a case label for every
    eight lines or fewer."""
    m = re.search(r"\bswitch\s*\(", body)
    if not m:
        return False
    before = body[1:m.start()]
    brace = body.find("{", m.end())
    d, j = 0, brace
    while j < len(body):
        d += body[j] == "{"
        d -= body[j] == "}"
        if d == 0:
            break
        j += 1
    after = body[j + 1:-1]
    switch = body[m.start():j + 1]
    lines = [l for l in switch.split("\n") if l.strip()]
    cases = sum(1 for l in lines if re.match(r"\s*(case\b.*:|default\s*:)", l))
    around = [l for l in (before + "\n" + after).split("\n") if l.strip()]
    return len(around) <= 6 and cases > 0 and len(lines) <= 8 * cases


def length_problems(root, rel):
    if not rel.endswith(".c"):
        return []
    with open(os.path.join(root, rel), encoding="utf-8", errors="replace") as f:
        text = f.read()
    out = []
    for name, first, count, body in functions(text):
        if count > MAX_FUNCTION_LINES and not flat_dispatch(body):
            out.append(f"{rel}:{first}: {name}() has {count} lines (at most "
                       f"{MAX_FUNCTION_LINES}): split it into steps with names")
    return out


def symbol_problems(root, objdir):
    """Calls between modules, from the built objects: a module may call
    only into the modules it may include, and a name is defined once.
    Objects whose source is gone (a file moved since the build) are left
    out."""
    objects = []
    for dirpath, _, files in os.walk(objdir):
        for f in sorted(files):
            path = os.path.join(dirpath, f)
            source = os.path.join(root, "src", os.path.relpath(path, objdir)[:-2] + ".c")
            if f.endswith(".o") and os.path.exists(source):
                objects.append(path)
    if not objects:
        return None
    out = subprocess.run(["nm", "-o"] + objects, capture_output=True, text=True).stdout
    defined, used = {}, []
    for line in out.splitlines():
        path, _, rest = line.partition(":")
        parts = rest.split()
        if len(parts) < 2:
            continue
        kind, name = parts[-2], parts[-1]
        module = os.path.relpath(path, objdir).split(os.sep)[0]
        if kind in ("T", "D", "B", "R"):
            defined.setdefault(name, []).append((module, os.path.relpath(path, objdir)))
        elif kind == "U":
            used.append((module, os.path.relpath(path, objdir), name))
    problems = []
    for name, where in sorted(defined.items()):
        if len(where) > 1:
            problems.append(f"{name} is defined in {', '.join(w[1] for w in where)}")
    for module, obj, name in used:
        if name not in defined:
            continue
        owner = defined[name][0][0]
        if module in DEPENDS and owner not in allowed_modules(module):
            problems.append(f"{obj} calls {name} of {owner}: {module} may not use {owner}")
    return problems


def check_tree(root, verbose=True, objdir=None):
    passed = failed = 0

    def report(problems):
        nonlocal passed, failed
        if problems:
            failed += 1
            if verbose:
                for p in problems:
                    print(f"FAIL {p}")
        else:
            passed += 1

    if not acyclic():
        report(["DEPENDS has a cycle"])
    if objdir:
        problems = symbol_problems(root, objdir)
        if problems is None:
            if verbose:
                print(f"note: no objects under {objdir}; calls between modules not checked")
        else:
            report(problems)
    for rel, module in source_files(root):
        report(include_problems(root, rel, module))
        report(length_problems(root, rel))
        report(default_schema_problems(root, rel))
    return passed, failed


def symbol_self_test():
    """A call upwards hidden behind a hand-written prototype, and a name
    defined twice, compiled for real: the symbol check must see both."""
    sources = {
        "src/model/a.c": "void mg_hidden(void);\nvoid mg_a(void);\nvoid mg_a(void) { mg_hidden(); }\n",
        "src/analyze/b.c": "void mg_hidden(void);\nvoid mg_hidden(void) {}\n",
        "src/core/c.c": "void mg_twice(void);\nvoid mg_twice(void) {}\n",
        "src/core/d.c": "void mg_twice(void);\nvoid mg_twice(void) {}\n",
    }
    tmp = tempfile.mkdtemp(prefix="migraph-layers-")
    try:
        for rel, text in sources.items():
            os.makedirs(os.path.dirname(os.path.join(tmp, rel)), exist_ok=True)
            with open(os.path.join(tmp, rel), "w") as f:
                f.write(text)
            obj = os.path.join(tmp, "obj", rel[:-2] + ".o")
            os.makedirs(os.path.dirname(obj), exist_ok=True)
            subprocess.run(["cc", "-c", os.path.join(tmp, rel), "-o", obj], check=True)
        problems = symbol_problems(tmp, os.path.join(tmp, "obj", "src")) or []
    finally:
        shutil.rmtree(tmp)
    return [("a call from model into analyze", any("mg_hidden" in p for p in problems)),
            ("a function defined twice", any("mg_twice" in p for p in problems))]


def broken_copy_fails(root, rel, insert):
    """Whether the check fails on a temporary copy of the tree with insert
    added to rel (after its first include when insert is an include, else
    at its end)."""
    tmp = tempfile.mkdtemp(prefix="migraph-layers-")
    try:
        for part in ("src", "include"):
            shutil.copytree(os.path.join(root, part), os.path.join(tmp, part))
        path = os.path.join(tmp, rel)
        with open(path, encoding="utf-8") as f:
            text = f.read()
        if "#include" in insert:
            # after the first include, where a real one would go
            at = text.index("#include")
            at = text.index("\n", at) + 1
            text = text[:at] + insert + text[at:]
        else:
            text += "\n" + insert
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        _, bad = check_tree(tmp, verbose=False)
    finally:
        shutil.rmtree(tmp)
    return bad > 0


def self_test(root):
    """Each deliberate breakage, made in a temporary copy, must fail the check."""
    cases = [
        ("a model file includes a header of a higher layer",
         "src/model/project.c", '#include "migraph/graph.h"\n'),
        ("a loader includes a private header of src/sql",
         "src/load/load.c", '#include "sql/pg_internal.h"\n'),
        ("a public header includes a header above its module",
         "include/migraph/model.h", '#include "migraph/rules.h"\n'),
        ("a quoted include names no file",
         "src/core/str.c", '#include "migraph/nothing.h"\n'),
        ("a function of 151 lines",
         "src/core/str.c",
         "int mg_too_long(int x);\nint mg_too_long(int x)\n{\n" + "\tx++;\n" * 149 + "}\n"),
        ("a stage spells the default schema",
         "src/plan/emit.c",
         "const char *mg_guess_schema(void);\nconst char *mg_guess_schema(void) { return \"public\"; }\n"),
    ]
    # Near misses: each must leave the check green.
    clean = [
        ("a comment that says \"public\"", "src/plan/emit.c",
         "/* tables default to \"public\" on PostgreSQL */\n"),
        ("a longer literal that contains public", "src/plan/emit.c",
         "const char *mg_not_schema(void);\nconst char *mg_not_schema(void) { return \"publication\"; }\n"),
    ]
    passed = failed = 0
    for what, ok in symbol_self_test():
        if ok:
            passed += 1
        else:
            failed += 1
            print(f"FAIL self-test: the check did not notice {what}")
    for what, rel, insert in cases:
        if broken_copy_fails(root, rel, insert):
            passed += 1
        else:
            failed += 1
            print(f"FAIL self-test: the check did not notice {what}")
    for what, rel, insert in clean:
        if broken_copy_fails(root, rel, insert):
            failed += 1
            print(f"FAIL self-test: the check refused {what}")
        else:
            passed += 1
    return passed, failed


def main(argv):
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    if "--root" in argv:
        root = argv[argv.index("--root") + 1]
    objdir = os.path.join(root, os.environ.get("BUILD", "build"), "obj", "src")
    passed, failed = check_tree(root, objdir=objdir)
    if "--self-test" in argv:
        p, f = self_test(root)
        passed += p
        failed += f
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
