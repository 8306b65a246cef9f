#!/usr/bin/env python3
"""Counts the code lines of the line-count programs (docs/snippets/lines): each program with
portsock (.cpp) and in Python with asyncio (.py), and prints a Markdown table of both and the
ratio. A code line is any line that is neither blank nor only a comment: includes, imports,
braces and main() count. Comments are // and /* */ in C++, # in Python (the programs have no
docstrings; a line-starting string literal is counted as code).

A second pair of columns counts the protocol code alone: the functions that use the
library, without the includes / imports, `namespace` / `using` lines, and main() (C++) or
the module-level lines and `def main()` (Python), which are each language's own fixed cost.

usage: count_lines.py [DIR]   (default: docs/snippets/lines next to this repository's tests/)
       count_lines.py --check PAGE [DIR]   exits 1 unless PAGE carries every row of the table
"""
import pathlib
import sys

PROGRAMS = [
    ("https_fetch", "HTTPS client: fetch a file from nginx, check its bytes"),
    ("redis_pipeline", "Redis client over a local socket, N commands pipelined"),
    ("memcached_client", "memcached client: set, get, delete, a miss"),
    ("tls_echo_server", "TLS echo server"),
]


def cpp_code_lines(text, protocol_only=False):
    count, in_block, in_main = 0, False, False
    for line in text.splitlines():
        code = ""
        rest = line
        while rest:
            if in_block:
                end = rest.find("*/")
                if end < 0:
                    rest = ""
                else:
                    in_block, rest = False, rest[end + 2:]
            else:
                start_line, start_block = rest.find("//"), rest.find("/*")
                cuts = [i for i in (start_line, start_block) if i >= 0]
                if not cuts:
                    code, rest = code + rest, ""
                elif min(cuts) == start_block:
                    code, in_block, rest = code + rest[:start_block], True, rest[start_block + 2:]
                else:
                    code, rest = code + rest[:start_line], ""
        code = code.strip()
        in_main = in_main or code.startswith("int main(")
        boilerplate = code.startswith(("#include", "namespace ", "using namespace")) or in_main
        count += bool(code) and not (protocol_only and boilerplate)
    return count


def python_code_lines(text, protocol_only=False):
    count, in_main = 0, False
    for line in text.splitlines():
        code = line.strip()
        if not code or code.startswith("#"):
            continue
        top_level = not line[0].isspace()
        if top_level:
            in_main = code.startswith("def main(")
        boilerplate = in_main or (top_level and not code.startswith(("def ", "async def ")))
        count += not (protocol_only and boilerplate)
    return count


def table(root):
    rows = ["| program | portsock (C++) | Python asyncio | ratio | protocol code: C++ | Python | ratio |",
            "|---|---:|---:|---:|---:|---:|---:|"]
    totals = [0, 0, 0, 0]
    for name, what in PROGRAMS:
        cpp_text, py_text = (root / f"{name}.cpp").read_text(), (root / f"{name}.py").read_text()
        counts = [cpp_code_lines(cpp_text), python_code_lines(py_text),
                  cpp_code_lines(cpp_text, True), python_code_lines(py_text, True)]
        totals = [t + c for t, c in zip(totals, counts)]
        rows.append(f"| {what} (`{name}`) | {counts[0]} | {counts[1]} | {counts[0] / counts[1]:.2f}x "
                    f"| {counts[2]} | {counts[3]} | {counts[2] / counts[3]:.2f}x |")
    rows.append(f"| **all four** | **{totals[0]}** | **{totals[1]}** | **{totals[0] / totals[1]:.2f}x** "
                f"| **{totals[2]}** | **{totals[3]}** | **{totals[2] / totals[3]:.2f}x** |")
    return rows


def main():
    arguments = sys.argv[1:]
    page = None
    if arguments[:1] == ["--check"]:
        page, arguments = pathlib.Path(arguments[1]), arguments[2:]
    root = pathlib.Path(arguments[0]) if arguments else \
        pathlib.Path(__file__).resolve().parents[2] / "docs" / "snippets" / "lines"
    rows = table(root)
    if page is None:
        print("\n".join(rows))
        return 0
    lines = set(page.read_text().splitlines())
    stale = [row for row in rows if row not in lines]
    for row in stale:
        print(f"{page} lacks this row of `count_lines.py`'s table (update the page): {row}", file=sys.stderr)
    return 1 if stale else 0


sys.exit(main())
