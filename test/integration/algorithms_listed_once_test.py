#!/usr/bin/python3
"""The algorithms are listed in one place: the registry in src/core/algorithm_registry.cpp.

Fails when any other tracked file lists them, so adding an algorithm never
needs a second edit.  "Lists" means three or more algorithm names in a row,
joined only by list punctuation ("a", "b", "c" / '{a,b,c}' / a, b or c), even
across lines, or four or more different names on one line.  Naming one or two
algorithms to test or explain them is fine.

Files that may list them, and why:
  src/core/algorithm_registry.*  the registry itself.
  README.md, docs/               documentation describes every algorithm (its
                                 examples are executed by tests).
  expected/, test/isolation/expected/
                                 outputs: what the registry produced, compared.
  migrations/                    released scripts are history: 1.2->1.3's CHECK
                                 and the 1.5->1.4 downgrade that rebuilds 1.4's
                                 schema must not change when the registry does.
  bench/results/                 past measurements.
  this file.

Run with a directory to scan another tree (the test's self-check does).
"""
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
REGISTRY = "src/core/algorithm_registry.cpp"
ALLOWED_PREFIXES = ("src/core/algorithm_registry.", "README.md", "docs/", "expected/", "test/isolation/expected/",
                    "migrations/", "bench/results/", "test/integration/algorithms_listed_once_test.py")


def registry_names(root):
    """The names of the registry's entries: in algorithms(), each entry opens with its name and description."""
    text = open(os.path.join(root, REGISTRY), encoding="utf-8").read()
    body = text[text.index("const std::vector<AlgorithmSpec>& algorithms() {"):]
    body = body[:body.index("return list;")]
    names = re.findall(r'^\s*\{"([a-z0-9_]+)",\s*"[A-Z]', body, re.M)
    if len(names) < 2:
        sys.exit(f"FAIL could not read the algorithm names from {REGISTRY}")
    return names


def detectors(names):
    name = r"\b(?:" + "|".join(map(re.escape, names)) + r")\b"
    separator = r"""["'`]?\s*(?:,|\bor\b|\band\b|\|)\s*["'`]?"""
    return re.compile(name + r"(?:" + separator + name + r"){2,}"), re.compile(name)


def lists_in(text, names):
    """(line number, what) for every list of algorithm names in text."""
    in_a_row, one_name = detectors(names)
    found = [(text.count("\n", 0, m.start()) + 1, m.group(0)) for m in in_a_row.finditer(text)]
    for number, line in enumerate(text.split("\n"), 1):
        if len(set(one_name.findall(line))) >= 4:
            found.append((number, line.strip()))
    return found


def tracked_files(root):
    out = subprocess.run(["git", "-C", root, "ls-files", "-z"], capture_output=True, check=False)
    if out.returncode == 0 and out.stdout:
        return [f for f in out.stdout.decode().split("\0") if f]
    return [os.path.relpath(os.path.join(d, f), root) for d, _, fs in os.walk(root) for f in fs]


def scan(root, names):
    problems = []
    for path in tracked_files(root):
        if path.startswith(ALLOWED_PREFIXES):
            continue
        try:
            text = open(os.path.join(root, path), encoding="utf-8").read()
        except (UnicodeDecodeError, FileNotFoundError, IsADirectoryError):
            continue
        problems += [f"{path}:{line}: {what!r}" for line, what in lists_in(text, names)]
    return problems


def self_check(names):
    """The detector finds the lists it must find, in a planted file, and lets single names pass."""
    with tempfile.TemporaryDirectory() as tree:
        os.makedirs(os.path.join(tree, "src/core"))
        with open(os.path.join(tree, REGISTRY), "w") as f:
            f.write(open(os.path.join(ROOT, REGISTRY), encoding="utf-8").read())
        planted = {"bench/planted.py": "ALGORITHMS = [\n    " + ",\n    ".join(f'"{n}"' for n in names) + "\n]\n",
                   "sql/planted.sql": "SELECT unnest('{" + ",".join(names[1:4]) + "}'::text[]);\n",
                   "src/pg/planted.cpp": "// or choose " + " or ".join(names[:3]) + " instead\n",
                   "sql/fine.sql": f"SELECT steam_rec.train('{names[0]}');\nSELECT steam_rec.train('{names[1]}');\n"}
        for path, text in planted.items():
            os.makedirs(os.path.dirname(os.path.join(tree, path)), exist_ok=True)
            with open(os.path.join(tree, path), "w") as f:
                f.write(text)
        flagged = {p.split(":")[0] for p in scan(tree, names)}
        expected = {"bench/planted.py", "sql/planted.sql", "src/pg/planted.cpp"}
        if flagged != expected:
            sys.exit(f"FAIL self-check: flagged {sorted(flagged)}, expected {sorted(expected)}")
    print("ok   the detector finds planted lists and passes single names")


def main():
    root = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else ROOT
    names = registry_names(root)
    self_check(names)
    problems = scan(root, names)
    if problems:
        print("FAIL the algorithms are listed outside the registry (" + REGISTRY + "); read them from there "
              "(C++: algorithms(), SQL: steam_rec.algorithms()):", file=sys.stderr)
        for p in problems:
            print("  " + p, file=sys.stderr)
        return 1
    print(f"ok   the {len(names)} algorithms are listed only in the registry")
    return 0


if __name__ == "__main__":
    sys.exit(main())
