#!/usr/bin/env python3
"""Links in code fragments: keep only those that really name portsock's API.

usage: code_links.py --fix <html-dir>
       code_links.py --self-test

Doxygen links every identifier in a code block that matches the name of any documented
symbol, whatever the identifier is: a local variable `server` becomes a link to
portsock::tls_role::server, `error` one to portsock::poll_events::error, `std::errc` one
to portsock::errc. Each link is wrong, and so is its tooltip. Doxygen cannot tell a local
variable from an enumerator, so the rule here is one a reader can check by eye:

  a link in code stands only on a name written in full, `portsock::...`, whose target is
  the symbol of that very name (or on a portsock header in an #include line).

--fix (run by docs/RunDoxygen.cmake right after Doxygen) unwraps every other link, leaving
its text, and drops the tooltips nothing points at any more. docs/check_links.py applies
the same rule (code_link_problem below) and fails the docs check on any link that breaks
it. Python 3 standard library only.
"""
import html
import os
import re
import sys

CODE_LINK = re.compile(r'<a class="code(?: hl_\w+)?" href="([^"]*)">([^<]*)</a>')
TOOLTIP_NAME = re.compile(r'<div class="ttc" id="[^"]*"><div class="ttname"><a href="([^"]*)">([^<]*)</a>')
TOOLTIP = re.compile(r'<div class="ttc" id="[^"]*"><div class="ttname"><a href="([^"]*)">.*?</div></div>\n?')
HEADER_TEXT = re.compile(r"portsock/(\w+)\.hpp")
QUALIFIED = re.compile(r"portsock(::\w+)*(<[^<>]*>)?")  # portsock::stream_reader<Stream> too


def doxygen_file_name(name):
    """Doxygen's file name for a compound name: '::' -> '_1_1', '_' -> '__', '.' -> '_8'."""
    out = []
    for ch in name:
        if ch == "_":
            out.append("__")
        elif ch == ".":
            out.append("_8")
        elif ch == ":":
            out.append("_1")
        elif ch.isupper():
            out.append("_" + ch.lower())
        else:
            out.append(ch)
    return "".join(out)


def page_scope(page):
    """'classportsock_1_1tcp__stream.html' -> 'portsock::tcp_stream' (None for other pages)."""
    match = re.fullmatch(r"(?:class|struct|union|namespace)(\w+)\.html", page)
    if not match:
        return None
    return match.group(1).replace("_1_1", "::").replace("__", "_")


def tooltip_names(text):
    """href -> the qualified name Doxygen's tooltip gives the target of a code link."""
    return {html.unescape(href): html.unescape(name) for href, name in TOOLTIP_NAME.findall(text)}


def code_link_problem(link_text, href, tooltips):
    """None if a code link names its target in full, else why the link is wrong."""
    name = html.unescape(link_text).strip()
    page, _, anchor = html.unescape(href).partition("#")
    header = HEADER_TEXT.fullmatch(name)
    if header:
        expected = doxygen_file_name(header.group(1) + ".hpp") + ".html"
        return None if page == expected and not anchor else f"'{name}' links to {href}, not {expected}"
    if not QUALIFIED.fullmatch(name):
        return f"'{name}' is not a name written in full (portsock::...), yet links to {href}"
    name = name.partition("<")[0]  # the template, not its arguments
    target = tooltips.get(html.unescape(href))
    if target is not None and target != name:
        return f"'{name}' links to {target}"
    scope = page_scope(page)
    if scope is None:
        return f"'{name}' links to {href}, which is no class or namespace page"
    if anchor and not name.startswith(scope + "::"):
        return f"'{name}' links to a member of {scope}"
    if not anchor and name != scope:
        return f"'{name}' links to {scope}"
    return None


def fix_text(text):
    """The page with every wrong code link unwrapped and orphaned tooltips removed."""
    tooltips = tooltip_names(text)

    def keep_or_unwrap(match):
        return match.group(0) if code_link_problem(match.group(2), match.group(1), tooltips) is None else match.group(2)

    text = CODE_LINK.sub(keep_or_unwrap, text)
    used = {html.unescape(href) for href, _ in CODE_LINK.findall(text)}

    def keep_used_tooltip(match):
        return match.group(0) if html.unescape(match.group(1)) in used else ""

    return TOOLTIP.sub(keep_used_tooltip, text)


def problems_in(text):
    """(line, problem) for each wrong code link of a page."""
    tooltips = tooltip_names(text)
    found = []
    for match in CODE_LINK.finditer(text):
        problem = code_link_problem(match.group(2), match.group(1), tooltips)
        if problem:
            found.append((text.count("\n", 0, match.start()) + 1, problem))
    return found


def fix(root):
    changed = 0
    for folder, _, files in os.walk(root):
        for name in files:
            if not name.endswith(".html"):
                continue
            path = os.path.join(folder, name)
            with open(path, encoding="utf-8") as f:
                text = f.read()
            fixed = fix_text(text)
            if fixed != text:
                with open(path, "w", encoding="utf-8") as f:
                    f.write(fixed)
                changed += 1
    print(f"code_links: unwrapped the wrong code links on {changed} page(s)")
    return 0


SAMPLE = (
    '<div class="fragment"><div class="line">'
    '<a class="code hl_class" href="classportsock_1_1tcp__listener.html">portsock::tcp_listener</a> '
    '<a class="code hl_enumvalue" href="namespaceportsock.html#aX">server</a>; '
    '<a class="code hl_function" href="classportsock_1_1tcp__stream.html#aC">portsock::tcp_stream::connect</a>(); '
    '<a class="code hl_enumeration" href="namespaceportsock.html#aE">std::errc</a>; '
    '<a class="code hl_function" href="classportsock_1_1udp__socket.html#aR">portsock::tcp_stream::receive</a>; '
    '#include &lt;<a class="code" href="portsock_8hpp.html">portsock/portsock.hpp</a>&gt;</div>\n'
    '<div class="ttc" id="a1"><div class="ttname"><a href="namespaceportsock.html#aX">portsock::tls_role::server</a></div><div class="ttdoc">x</div></div>\n'
    '<div class="ttc" id="a2"><div class="ttname"><a href="classportsock_1_1tcp__stream.html#aC">portsock::tcp_stream::connect</a></div></div>\n'
    "</div>")


def self_test():
    """The rule must reject the wrong links and keep the right ones; the fix must leave none."""
    problems = [p for _, p in problems_in(SAMPLE)]
    fixed = fix_text(SAMPLE)
    ok = (len(problems) == 3 and "'server'" in problems[0] and "'std::errc'" in problems[1]
          and "udp_socket" in problems[2] and problems_in(fixed) == []
          and fixed.count('class="code') == 3 and "tls_role" not in fixed and "portsock::tcp_stream::connect</a>" in fixed)
    print("code_links self-test:", "passed" if ok else f"FAILED: {problems}\n{fixed}")
    return 0 if ok else 1


if __name__ == "__main__":
    if sys.argv[1:] == ["--self-test"]:
        sys.exit(self_test())
    if len(sys.argv) == 3 and sys.argv[1] == "--fix" and os.path.isdir(sys.argv[2]):
        sys.exit(fix(sys.argv[2]))
    print(__doc__, file=sys.stderr)
    sys.exit(2)
