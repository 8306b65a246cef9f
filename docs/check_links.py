#!/usr/bin/env python3
"""Checks the internal links of the generated HTML reference.

usage: check_links.py <html-dir>

Every href and src in every .html file under <html-dir> that points inside the site must
name an existing file and, if it has a #fragment, an element with that id (or an <a name>)
in the target page. External links (http:, https:, mailto:, javascript:, data:) are not
followed. A link inside a code fragment must also name its target in full
(`portsock::...`, the rule of docs/code_links.py): Doxygen links a local variable `server`
to portsock::tls_role::server, and such a link is reported as wrong. Exits 1 and lists each
broken or wrong link, 2 on bad usage or an empty directory. `--self-test` shows that the
check fails on a wrong link. Python 3 standard library only.
"""
import html.parser
import os
import sys
import urllib.parse

import code_links

EXTERNAL_SCHEMES = ("http", "https", "mailto", "ftp", "javascript", "data", "tel")


class PageScanner(html.parser.HTMLParser):
    """Collects the anchors a page defines and the links it makes."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.anchors = set()
        self.links = []  # (attribute value, line number)

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value is None:
                continue
            if name == "id" or (tag == "a" and name == "name"):
                self.anchors.add(value)
            elif name in ("href", "src") and tag not in ("base",):
                self.links.append((value, self.getpos()[0]))

    handle_startendtag = handle_starttag


def scan(path, cache):
    if path not in cache:
        scanner = PageScanner()
        with open(path, encoding="utf-8", errors="replace") as page:
            scanner.feed(page.read())
        scanner.close()
        cache[path] = scanner
    return cache[path]


def check(root):
    root = os.path.realpath(root)
    pages = []
    for folder, _, files in os.walk(root):
        pages.extend(os.path.join(folder, f) for f in files if f.endswith((".html", ".htm")))
    if not pages:
        print(f"check_links: no HTML files under {root}", file=sys.stderr)
        return 2, 0, 0

    cache = {}
    broken = []
    checked = 0
    for page in sorted(pages):
        for link, line in scan(page, cache).links:
            link = link.strip()
            parts = urllib.parse.urlsplit(link)
            if parts.scheme.lower() in EXTERNAL_SCHEMES or parts.netloc or link.startswith("//"):
                continue
            if parts.scheme:  # e.g. file: or an unknown scheme: report rather than guess
                broken.append((page, line, link, "unexpected URL scheme"))
                continue
            checked += 1
            target_path = urllib.parse.unquote(parts.path)
            if target_path:
                target = os.path.realpath(os.path.join(os.path.dirname(page), target_path))
            else:
                target = page
            if not (target == root or target.startswith(root + os.sep)):
                broken.append((page, line, link, "points outside the documentation"))
                continue
            if not os.path.exists(target):
                broken.append((page, line, link, "missing file"))
                continue
            fragment = urllib.parse.unquote(parts.fragment)
            if fragment and target.endswith((".html", ".htm")):
                if fragment not in scan(target, cache).anchors:
                    broken.append((page, line, link, f"no anchor #{fragment} in {os.path.relpath(target, root)}"))

        with open(page, encoding="utf-8", errors="replace") as f:
            for line, problem in code_links.problems_in(f.read()):
                broken.append((page, line, "code", f"wrong link in code: {problem}"))

    for page, line, link, why in broken:
        print(f"{os.path.relpath(page, root)}:{line}: broken link '{link}': {why}")
    print(f"check_links: {len(pages)} pages, {checked} internal links checked, {len(broken)} broken")
    return (1 if broken else 0), checked, len(broken)


def self_test():
    """The check must fail on a page whose code links a local variable to the API."""
    import tempfile
    with tempfile.TemporaryDirectory() as root:
        for name, body in (("index.html", code_links.SAMPLE), ("namespaceportsock.html", '<a id="aX"></a><a id="aE"></a>'),
                           ("classportsock_1_1tcp__listener.html", ""), ("portsock_8hpp.html", ""),
                           ("classportsock_1_1udp__socket.html", '<a id="aR"></a>'),
                           ("classportsock_1_1tcp__stream.html", '<a id="aC"></a>')):
            with open(os.path.join(root, name), "w", encoding="utf-8") as f:
                f.write(body)
        status, _, wrong = check(root)
        with open(os.path.join(root, "index.html"), "w", encoding="utf-8") as f:
            f.write(code_links.fix_text(code_links.SAMPLE))
        fixed_status, _, _ = check(root)
    ok = status == 1 and wrong == 3 and fixed_status == 0
    print("check_links self-test:", "passed" if ok else f"FAILED ({status}, {wrong}, {fixed_status})")
    return 0 if ok else 1


def main(argv):
    if argv[1:] == ["--self-test"]:
        return self_test()
    if len(argv) != 2 or not os.path.isdir(argv[1]):
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        if len(argv) == 2:
            print(f"check_links: {argv[1]} is not a directory (build the `docs` target first)", file=sys.stderr)
        return 2
    status, _, _ = check(argv[1])
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv))
