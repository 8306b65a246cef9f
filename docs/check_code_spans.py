#!/usr/bin/env python3
"""Checks the generated HTML reference for broken code spans.

usage: check_code_spans.py <html-dir>
       check_code_spans.py --self-test

Markdown marks code with backticks. When a span is unbalanced, or Doxygen reads
`text' as a quotation (it turns it into typographic quotes), code and prose swap and a
stray backtick shows in the text. Neither the docs build nor the link check notices. This
check reads the text of every page outside code (code, pre, tt, script, style and code
fragments) and reports each backtick and each opening typographic single quote left
there, and each typographic dash inside code (Doxygen turns "--" in an HTML <code>
element into an en dash, and the command no longer works when copied). Exits 1 and lists them, 2 on bad usage or an empty directory. Python 3 standard
library only.
"""
import html.parser
import os
import sys

CODE_TAGS = {"code", "pre", "tt", "kbd", "samp", "script", "style"}
STRAY = {"`": "a stray backtick", "\u2018": "a backtick quotation (`text' renders as \u2018text\u2019)"}
# In code, a typographic dash is Doxygen's rendering of "--" (outside a Markdown code span):
# a command copied from the page then fails (`\u2013benchmark_filter`).
CODE_STRAY = {"\u2013": "an en dash in code (-- rendered as \u2013: the command cannot be copied)",
              "\u2014": "an em dash in code (--- rendered as \u2014)"}


class TextScanner(html.parser.HTMLParser):
    """Collects the stray marks in the text outside code."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.code_depth = 0
        self.fragment_divs = []  # per open <div>: is it a code fragment?
        self.found = []  # (line, mark, context)

    def handle_starttag(self, tag, attrs):
        if tag in CODE_TAGS:
            self.code_depth += 1
        elif tag == "div":
            fragment = "fragment" in (dict(attrs).get("class") or "").split()
            self.fragment_divs.append(fragment)
            self.code_depth += fragment

    def handle_endtag(self, tag):
        if tag in CODE_TAGS:
            self.code_depth = max(0, self.code_depth - 1)
        elif tag == "div" and self.fragment_divs:
            self.code_depth = max(0, self.code_depth - self.fragment_divs.pop())

    def handle_data(self, data):
        marks = CODE_STRAY if self.code_depth else STRAY
        for mark in marks:
            at = data.find(mark)
            if at >= 0:
                context = " ".join(data[max(0, at - 50):at + 50].split())
                self.found.append((self.getpos()[0], mark, context))


def scan_text(text):
    scanner = TextScanner()
    scanner.feed(text)
    scanner.close()
    return scanner.found


def check(root):
    pages = []
    for folder, _, files in os.walk(root):
        pages.extend(os.path.join(folder, f) for f in files if f.endswith((".html", ".htm")))
    if not pages:
        print(f"check_code_spans: no HTML files under {root}", file=sys.stderr)
        return 2
    problems = 0
    for page in sorted(pages):
        with open(page, encoding="utf-8", errors="replace") as f:
            for line, mark, context in scan_text(f.read()):
                print(f"{os.path.relpath(page, root)}:{line}: {STRAY.get(mark) or CODE_STRAY[mark]}: ...{context}...")
                problems += 1
    print(f"check_code_spans: {len(pages)} pages, {problems} broken code span(s)")
    return 1 if problems else 0


def self_test():
    """The check must be able to fail: a page with the tutorial's old fault, and clean ones."""
    broken = ("<p>for example &lsquo;<a href='x'>portsock::tcp_listener</a> 'localhost&rsquo;: in use"
              "<code>. Each call has a </code>noexcept<code>form that fills a</code>std::error_code` instead</p>"
              "<p>run <code>&ndash;benchmark_filter=Local</code></p>")
    clean = ("<p>Use <code>a`b</code> and <tt>`</tt>.</p><div class='fragment'><div class='line'>"
             "x = `y`;</div></div><pre>`</pre><p>it's fine, 1\u20132 s &ndash; in prose</p>"
             "<p><code>--benchmark_filter=Local</code></p>")
    faults = [mark for _, mark, _ in scan_text(broken)]
    ok = faults == ["\u2018", "`", "\u2013"] and scan_text(clean) == []
    print("check_code_spans self-test:", "passed" if ok else f"FAILED (found {faults} and {scan_text(clean)})")
    return 0 if ok else 1


if __name__ == "__main__":
    if len(sys.argv) == 2 and sys.argv[1] == "--self-test":
        sys.exit(self_test())
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(check(sys.argv[1]))
