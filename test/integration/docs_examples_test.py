#!/usr/bin/python3
"""Every SQL example of README.md and docs/*.md runs, and prints what the page shows.

The convention (docs/contributing.md, "Examples are tested"):
  - a ```sql block is run; when the very next line opens a ```text block, that
    block is psql's output and must match it; otherwise the block must run
    without an ERROR.
  - ```sql norun: <reason> is not run (examples for other servers or the real data).
  - the blocks of a page run in order in one psql session (psql -X -q, SHOW_CONTEXT
    never, TimeZone UTC), in a database of their own, with the working directory at
    the repository's root. A page starts from the state named in a comment
    <!-- docs-test: start=STATE --> (default `trained`):
      empty    no extension installed
      sample   the extension, and tools/sample_data.sql loaded
      trained  sample, then refresh_engagement() and train(), as the getting started leaves it
    and <!-- docs-test: roles=a,b --> names roles the page's examples grant to: the
    test creates them (NOLOGIN) before the page and drops them after.
  - comparison ignores trailing blanks and blank lines around a block; in a shown
    output, a line "..." stands for any number of lines (to shorten long output).
Also checked: every relative link and #anchor resolves, every steam_rec function
installed (except the _internal ones) has a heading in docs/reference.md, the
README stays under 250 lines, and the README's Repository list and the Layout of
docs/contributing.md name every folder under test/.

--write replaces each stale output block with what psql printed (then review the diff).
"""
import glob
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TEMPLATE_PREFIX = "steam_rec_docs"
STARTS = {
    "empty": [],
    "sample": ["CREATE EXTENSION steam_rec;", r"\i tools/sample_data.sql"],
    "trained": ["CREATE EXTENSION steam_rec;", r"\i tools/sample_data.sql",
                "SELECT steam_rec.refresh_engagement();", "SELECT steam_rec.train();"],
}
FENCE = re.compile(r"^```(.*)$")
PSQL_ENV = dict(os.environ, PGTZ="UTC", PGDATESTYLE="ISO, YMD", PGCLIENTENCODING="UTF8", PGOPTIONS="")
README_MAX_LINES = 250


class Block:
    """One runnable ```sql block and the ```text block after it, if any."""

    def __init__(self, page, line, sql, output, output_span):
        self.page, self.line, self.sql, self.output, self.output_span = page, line, sql, output, output_span


def pages():
    """README.md and every page under docs/, relative to the root."""
    return ["README.md"] + sorted(os.path.relpath(p, ROOT) for p in glob.glob(os.path.join(ROOT, "docs", "*.md")))


def fenced_blocks(lines):
    """(info, first line index, body lines, closing line index) of every fenced block."""
    blocks, i = [], 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        start = i
        i += 1
        while i < len(lines) and lines[i] != "```":
            i += 1
        if i == len(lines):
            sys.exit(f"FAIL unclosed code fence opened at line {start + 1}")
        blocks.append((m.group(1).strip(), start, lines[start + 1:i], i))
        i += 1
    return blocks


def examples(page, lines):
    """The runnable blocks of a page, in order; fails on a norun block without a reason."""
    found, blocks = [], fenced_blocks(lines)
    for n, (info, start, body, end) in enumerate(blocks):
        if info.startswith("sql norun"):
            if not info[len("sql norun"):].strip(" :"):
                sys.exit(f"FAIL {page}:{start + 1}: ```sql norun needs a reason")
            continue
        if info != "sql":
            continue
        output, span = None, None
        if n + 1 < len(blocks) and blocks[n + 1][0] == "text" and blocks[n + 1][1] == end + 1:
            _, ostart, obody, oend = blocks[n + 1]
            output, span = obody, (ostart + 1, oend)
        found.append(Block(page, start + 1, body, output, span))
    return found


def page_roles(lines):
    """The roles a page's docs-test comment names."""
    for line in lines:
        m = re.match(r"<!-- docs-test: roles=([\w,]+) -->", line.strip())
        if m:
            return m.group(1).split(",")
    return []


def start_state(lines):
    """The state a page's first example expects (its docs-test comment, or trained)."""
    for line in lines:
        m = re.match(r"<!-- docs-test: start=(\w+) -->", line.strip())
        if m:
            if m.group(1) not in STARTS:
                sys.exit(f"FAIL unknown docs-test start {m.group(1)!r}; known: {', '.join(STARTS)}")
            return m.group(1)
    return "trained"


def run(cmd, **kwargs):
    """Runs a command with the psql environment, returning its combined output."""
    return subprocess.run(cmd, env=PSQL_ENV, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, **kwargs)


def admin(sql):
    """Runs one statement in the postgres database; stops the test if it fails."""
    out = run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", "postgres", "-c", sql])
    if out.returncode != 0:
        sys.exit(f"FAIL {sql}: {out.stdout}")


def make_template(state):
    """A database in the given start state, to copy for each page (locale C: stable order)."""
    name = f"{TEMPLATE_PREFIX}_{state}"
    admin(f"DROP DATABASE IF EXISTS {name}")
    admin(f"CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C'")
    if STARTS[state]:
        out = run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", name], input="\n".join(STARTS[state]) + "\n")
        if out.returncode != 0:
            sys.exit(f"FAIL preparing the {state} database: {out.stdout}")
    return name


def marker(n):
    return f"<<<docs-example {n}>>>"


def run_page(page, blocks, template, roles):
    """Runs a page's blocks in one session in a fresh copy of the template; one output per block."""
    db = TEMPLATE_PREFIX + "_page"
    admin(f"DROP DATABASE IF EXISTS {db}")
    for role in roles:
        admin(f"DROP ROLE IF EXISTS {role}")
        admin(f"CREATE ROLE {role} NOLOGIN")
    admin(f"CREATE DATABASE {db} TEMPLATE {template}")
    script = ["\\set SHOW_CONTEXT never", "\\set VERBOSITY default"]
    for n, block in enumerate(blocks):
        script += [f"\\echo '{marker(n)}'"] + block.sql
    script.append(f"\\echo '{marker(len(blocks))}'")
    out = run(["psql", "-X", "-q", "-d", db], input="\n".join(script) + "\n", timeout=600)
    admin(f"DROP DATABASE IF EXISTS {db}")
    for role in roles:
        admin(f"DROP ROLE IF EXISTS {role}")
    text = out.stdout
    results = []
    for n in range(len(blocks)):
        begin, end = text.find(marker(n) + "\n"), text.find(marker(n + 1) + "\n")
        if begin < 0 or end < 0:
            sys.exit(f"FAIL {page}: the session ended early (after example {n}):\n{text[-3000:]}")
        results.append(text[begin + len(marker(n)) + 1:end].split("\n"))
    return results


def normalise(lines):
    """Lines without trailing blanks, and without blank lines at either end."""
    lines = [l.rstrip() for l in lines]
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    return lines


def matches(shown, actual):
    """True when the shown output equals the actual one, a line '...' standing for any lines."""
    if not shown:
        return not actual
    if shown[0] == "...":
        return any(matches(shown[1:], actual[i:]) for i in range(len(actual) + 1))
    return bool(actual) and shown[0] == actual[0] and matches(shown[1:], actual[1:])


def check_page(page, write):
    """Runs one page's examples; returns the problems found (and rewrites outputs with --write)."""
    path = os.path.join(ROOT, page)
    lines = open(path, encoding="utf-8").read().split("\n")
    blocks = examples(page, lines)
    if not blocks:
        return [], 0
    template = f"{TEMPLATE_PREFIX}_{start_state(lines)}"
    problems, replacements = [], []
    for block, actual in zip(blocks, run_page(page, blocks, template, page_roles(lines))):
        actual = normalise(actual)
        if block.output is None:
            errors = [l for l in actual if re.match(r"(ERROR|FATAL|PANIC):", l)]
            if errors:
                problems.append(f"{page}:{block.line}: the example fails, and shows no output that says so:\n"
                                + "\n".join(actual))
            continue
        shown = normalise(block.output)
        if not matches(shown, actual):
            problems.append(f"{page}:{block.line}: shown output differs from psql's.\n--- shown\n"
                            + "\n".join(shown) + "\n+++ psql\n" + "\n".join(actual))
            replacements.append((block.output_span, actual))
    if write and replacements:
        for (begin, end), actual in reversed(replacements):
            lines[begin:end] = actual
        with open(path, "w", encoding="utf-8") as f:
            f.write("\n".join(lines))
    return problems, len(blocks)


def github_anchor(heading, seen):
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to '-', repeats numbered."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", heading)
    text = re.sub(r"[^\w\- ]", "", text.replace("`", "").strip().lower())
    anchor = text.replace(" ", "-")
    count = seen.get(anchor, 0)
    seen[anchor] = count + 1
    return anchor if count == 0 else f"{anchor}-{count}"


def anchors_of(path):
    """Every heading anchor of a markdown file (headings inside code blocks excluded)."""
    seen, anchors, in_code = {}, set(), False
    for line in open(path, encoding="utf-8"):
        if line.startswith("```"):
            in_code = not in_code
        elif not in_code and re.match(r"#{1,6} ", line):
            anchors.add(github_anchor(line.lstrip("#").strip(), seen))
    return anchors


def check_links(files):
    """Every relative link and #anchor of the pages resolves to a file and a heading."""
    problems = []
    for page in files:
        path = os.path.join(ROOT, page)
        text = re.sub(r"^```.*?^```$", "", open(path, encoding="utf-8").read(), flags=re.M | re.S)
        text = re.sub(r"`[^`\n]*`", "", text)
        for target in re.findall(r"\]\(([^)\s]+)\)", text):
            if re.match(r"[a-z]+:", target):
                continue
            file_part, _, anchor = target.partition("#")
            dest = os.path.normpath(os.path.join(os.path.dirname(path), file_part)) if file_part else path
            if not os.path.exists(dest):
                problems.append(f"{page}: link to {target}: no such file")
            elif anchor and (not dest.endswith(".md") or anchor not in anchors_of(dest)):
                problems.append(f"{page}: link to {target}: no such heading")
    return problems


def check_reference():
    """Every steam_rec function a user can call has a heading in docs/reference.md."""
    out = run(["psql", "-X", "-A", "-t", "-d", f"{TEMPLATE_PREFIX}_sample", "-c",
               "SELECT DISTINCT proname FROM pg_proc WHERE pronamespace = 'steam_rec'::regnamespace"
               " AND proname !~ '^_' ORDER BY 1"])
    names = out.stdout.split()
    if out.returncode != 0 or not names:
        return [f"could not list the functions: {out.stdout}"]
    reference = open(os.path.join(ROOT, "docs", "reference.md"), encoding="utf-8").read()
    return [f"docs/reference.md: no heading for steam_rec.{name}" for name in names
            if not re.search(r"^#{2,4} .*\bsteam_rec\." + re.escape(name) + r"\b", reference, re.M)]


def test_folders():
    """The folders directly under test/ that git tracks files in (every one when git cannot say)."""
    out = subprocess.run(["git", "-C", ROOT, "ls-files", "test"], capture_output=True, text=True, check=False)
    if out.returncode == 0 and out.stdout:
        return sorted({path.split("/")[1] for path in out.stdout.split() if path.count("/") >= 2})
    return sorted(d for d in os.listdir(os.path.join(ROOT, "test")) if os.path.isdir(os.path.join(ROOT, "test", d)))


def check_test_folders():
    """A newcomer finds every kind of test from the README and the contributing page."""
    readme = open(os.path.join(ROOT, "README.md"), encoding="utf-8").read().split("\n")
    listed = " ".join(line for line in readme if line.startswith("test/ "))
    layout = open(os.path.join(ROOT, "docs", "contributing.md"), encoding="utf-8").read()
    problems = []
    for folder in test_folders():
        if not re.search(r"\b" + re.escape(folder) + r"\b", listed):
            problems.append(f"README.md: the Repository list's test/ line does not name test/{folder}")
        if f"test/{folder}/" not in layout:
            problems.append(f"docs/contributing.md: the Layout does not list test/{folder}/")
    return problems


def self_check():
    """The comparison fails on a changed line and passes '...' over any lines."""
    assert matches(["a", "b"], ["a", "b"]) and not matches(["a", "b"], ["a", "c"])
    assert matches(["a", "...", "d"], ["a", "b", "c", "d"]) and matches(["a", "...", "b"], ["a", "b"])
    assert not matches(["a", "...", "d"], ["a", "b", "c"]) and not matches(["a"], ["a", "b"])


def main():
    write = "--write" in sys.argv[1:]
    only = [a for a in sys.argv[1:] if not a.startswith("--")]
    self_check()
    files = pages()
    problems = check_links(files) + check_test_folders()
    readme_lines = open(os.path.join(ROOT, "README.md"), encoding="utf-8").read().count("\n")
    if readme_lines >= README_MAX_LINES:
        problems.append(f"README.md has {readme_lines} lines; the landing page stays under {README_MAX_LINES}")
    for state in STARTS:
        make_template(state)
    try:
        problems += check_reference()
        total = 0
        for page in files:
            if only and page not in only:
                continue
            page_problems, count = check_page(page, write)
            total += count
            problems += page_problems
            print(f"{'ok  ' if not page_problems else 'FAIL'} {page}: {count} examples")
    finally:
        for state in STARTS:
            admin(f"DROP DATABASE IF EXISTS {TEMPLATE_PREFIX}_{state}")
    for problem in problems:
        print("FAIL " + problem)
    if problems:
        sys.exit(1)
    print(f"ok   {total} examples ran and printed what the pages show; links resolve; every function documented")


if __name__ == "__main__":
    main()
