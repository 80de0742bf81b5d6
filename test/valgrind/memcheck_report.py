#!/usr/bin/python3
"""Reads the memcheck logs of every server process and fails when an error's
stack passes through steam_rec's code.

An error in a log is a block of lines "==PID== ..." that starts with the kind
of error ("Invalid read of size 8") and ends at the next "==PID== " line with
nothing after it.  Errors without a steam_rec frame are PostgreSQL's own
(this server is not built for valgrind) and are only counted.
"""
import collections
import glob
import os
import re
import sys

PREFIX = re.compile(r"^==\d+== ?")
# Our frames: the library without debug information, else our namespace or a C entry point.
OURS = re.compile(r"steam_rec(\.so|::|_)")


def error_blocks(path):
    block = []
    with open(path, errors="replace") as log:
        for line in log:
            text = PREFIX.sub("", line.rstrip("\n"))
            if not PREFIX.match(line):
                continue
            if text.strip():
                block.append(text)
            elif block:
                yield block
                block = []
    if block:
        yield block


def main(directory):
    logs = sorted(glob.glob(os.path.join(directory, "*.log")))
    ours, theirs = [], collections.Counter()
    for path in logs:
        for block in error_blocks(path):
            if not re.match(r"(Invalid|Conditional|Use of uninit|Syscall param|Mismatched|"
                            r"Source and destination|Argument|Jump to|Process terminating|.*uninitialised)", block[0]):
                continue  # valgrind's own notes, not an error
            if any(OURS.search(line) for line in block):
                ours.append((os.path.basename(path), block))
            else:
                theirs[block[0]] += 1
    print(f"memcheck: {len(logs)} server processes, {len(ours)} errors in steam_rec, "
          f"{sum(theirs.values())} in PostgreSQL itself")
    for kind, count in theirs.most_common():
        print(f"  PostgreSQL: {count} x {kind}")
    for name, block in ours:
        print(f"--- {name}")
        print("\n".join(block))
    if not logs:
        print("no memcheck logs: the server did not run under valgrind")
        return 1
    return 1 if ours else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
