#!/usr/bin/env python3
"""Counts the code lines of the line-count programs (docs/snippets/lines): each program with
portsock (.cpp) and in Python with asyncio (.py), and prints a Markdown table of both and the
ratio. A code line is any line that is neither blank nor only a comment: includes, imports,
braces and main() count. Comments are // and /* */ in C++, # in Python (the programs have no
docstrings; a line-starting string literal is counted as code).

usage: count_lines.py [DIR]   (default: docs/snippets/lines next to this repository's tests/)
"""
import pathlib
import sys

PROGRAMS = [
    ("https_fetch", "HTTPS client: fetch a file from nginx, check its bytes"),
    ("redis_pipeline", "Redis client over a local socket, N commands pipelined"),
    ("memcached_client", "memcached client: set, get, delete, a miss"),
    ("tls_echo_server", "TLS echo server"),
]


def cpp_code_lines(text):
    count, in_block = 0, False
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
        count += bool(code.strip())
    return count


def python_code_lines(text):
    return sum(1 for line in text.splitlines() if line.strip() and not line.strip().startswith("#"))


def main():
    root = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else \
        pathlib.Path(__file__).resolve().parents[2] / "docs" / "snippets" / "lines"
    print("| program | portsock (C++) | Python asyncio | ratio |")
    print("|---|---:|---:|---:|")
    total_cpp = total_py = 0
    for name, what in PROGRAMS:
        cpp = cpp_code_lines((root / f"{name}.cpp").read_text())
        py = python_code_lines((root / f"{name}.py").read_text())
        total_cpp, total_py = total_cpp + cpp, total_py + py
        print(f"| {what} (`{name}`) | {cpp} | {py} | {cpp / py:.2f}x |")
    print(f"| **all four** | **{total_cpp}** | **{total_py}** | **{total_cpp / total_py:.2f}x** |")


main()
