"""Addresses that last: each page of the student site, and each ¶ anchor, quiz item, glossary
term and bibliography entry in it, keeps its address from one edition to the next.

    links/addresses.txt   the recorded addresses, one a line: ``page.html`` or ``page.html#id``
    links/redirects.yml   addresses that moved, old: new (both relative to the site's root)

The build carries the redirects out (``emit``, called by ``course.book.edition``): a moved
page leaves a small page at its old address that forwards to the new one, fragment included;
a moved anchor leaves its old id on the new spot when it stays on its page, or a forwarding
script on its page when it moves to another. ``check`` compares a built site with the record;
``course addresses --update`` adds new addresses to it when a change is intended.
"""

from __future__ import annotations

import html
import json
import posixpath
import re
from pathlib import Path

import yaml

from course.content import paths


def addresses_file() -> Path:
    """``links/addresses.txt``: every address of the student site that must last."""
    return paths.ROOT / "links" / "addresses.txt"


def redirects_file() -> Path:
    """``links/redirects.yml``: the addresses that moved, old: new."""
    return paths.ROOT / "links" / "redirects.yml"


# The anchors people cite: ¶ numbers, quiz items, glossary terms, bibliography entries.
LASTING = re.compile(r"^(s\d+-p\d+|quiz-[\w.-]+|term-[\w.-]+|cite-[\w.-]+)$")
ADDRESS = re.compile(r"^(?:[\w-][\w.-]*/)*[\w-][\w.-]*\.html(#[\w.-]+)?$")  # no "..", no "/x"
_ID = re.compile(r'\sid="([^"]+)"')
# What emit() adds to a page, marked so that a second build replaces it instead of adding more.
_ALIAS = '<span id="{}" class="course-moved-anchor"></span>'
_ALIASES = re.compile(r'<span id="[^"]+" class="course-moved-anchor"></span>')
_SCRIPT = re.compile(r'<script id="course-moved">\(function\(m\)\{.*?\}\)\((\{.*?\})\);</script>', re.S)
_STUB = re.compile(r'<meta name="course-redirect" content="([^"]+)">')
# The forwarding scripts: m maps an old fragment to its new address (relative to the page).
_STUB_JS = "(function(m){{var h=location.hash.slice(1);location.replace(m[h]||{url});}})({map});"
_PAGE_JS = (
    "(function(m){{function go(){{var h=location.hash.slice(1);"
    "if(m[h]&&!document.getElementById(h))location.replace(m[h]);}}"
    "go();window.addEventListener('hashchange',go);}})({map});"
)


class RedirectError(ValueError):
    """What is wrong with links/redirects.yml, in one paragraph."""


# -- reading a site ----------------------------------------------------------------------------


def pages(site: Path) -> list[str]:
    """The site's pages: every .html file outside the theme's folders (``_static``, …)."""
    return sorted(
        p.relative_to(site).as_posix()
        for p in site.rglob("*.html")
        if not p.relative_to(site).parts[0].startswith(("_", "reports"))
    )


def ids(path: Path) -> set[str]:
    return set(_ID.findall(path.read_text(encoding="utf-8"))) if path.is_file() else set()


def collect(site: Path) -> set[str]:
    """Every lasting address the site serves: its pages and the lasting anchors in them."""
    found = set()
    for page in pages(site):
        found.add(page)
        found.update(f"{page}#{i}" for i in ids(site / page) if LASTING.match(i))
    return found


def read_recorded(path: Path | None = None) -> set[str]:
    path = path or addresses_file()
    if not path.is_file():
        return set()
    return {ln.strip() for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip() and not ln.startswith("#")}


def write_recorded(addresses: set[str], path: Path | None = None) -> None:
    path = path or addresses_file()
    head = (
        "# Addresses of the student site that must keep working from one edition to the next.\n"
        "# Checked by tests/test_links.py; refreshed by `make addresses` (course addresses --update).\n"
        "# An address that moves needs a line in links/redirects.yml.\n"
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(head + "".join(f"{a}\n" for a in sorted(addresses)), encoding="utf-8")


# -- the redirects file ------------------------------------------------------------------------


def load_redirects(path: Path | None = None) -> dict[str, str]:
    """old address → new address, checked for form. An absent or empty file means none."""
    path = path or redirects_file()
    if not path.is_file():
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise RedirectError(f"{path.name} is not valid YAML: {exc}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise RedirectError(
            f"{path.name} must map each old address to its new one "
            "(`old.html: new.html`), not hold a {type(data).__name__}."
        )
    bad = [
        f"{k}: {v}"
        for k, v in data.items()
        if not (isinstance(k, str) and isinstance(v, str) and ADDRESS.match(k) and ADDRESS.match(v))
    ]
    if bad:
        raise RedirectError(
            f"{path.name}: {bad[0]!r} is not of the form `page.html: page.html` or "
            "`page.html#id: page.html#id` (paths from the site's root)."
        )
    same = [k for k, v in data.items() if k == v]
    if same:
        raise RedirectError(f"{path.name}: {same[0]} redirects to itself.")
    return dict(data)


def _target(address: str, redirects: dict[str, str]) -> str | None:
    """Where a redirect sends an address: its own line, or its page's line (fragment kept)."""
    if address in redirects:
        return redirects[address]
    page, _, frag = address.partition("#")
    if page in redirects:
        new = redirects[page]
        return new if not frag or "#" in new else f"{new}#{frag}"
    return None


def _forwards(site: Path, page: str) -> dict[str, str]:
    """The anchor map emit() wrote into a page (its forwarding script), if any."""
    path = site / page
    m = _SCRIPT.search(path.read_text(encoding="utf-8")) if path.is_file() else None
    return json.loads(m.group(1)) if m else {}


def resolves(site: Path, address: str, redirects: dict[str, str], _seen: frozenset = frozenset()) -> bool:
    """Does the address still lead somewhere in the built site: directly, or by a redirect that
    the build has carried out?"""
    page, _, frag = address.partition("#")
    path = site / page
    if path.is_file() and not _STUB.search(path.read_text(encoding="utf-8")) and (not frag or frag in ids(path)):
        return True
    target = _target(address, redirects)
    if target is None or address in _seen:
        return False
    carried = (
        _STUB.search(path.read_text(encoding="utf-8"))
        if path.is_file() and page in redirects
        else frag in _forwards(site, page)
    )
    return bool(carried) and resolves(site, target, redirects, _seen | {address})


def check(site: Path, recorded: set[str], redirects: dict[str, str]) -> tuple[list[str], list[str]]:
    """(recorded addresses the site lost, addresses the site has that are not recorded yet)."""
    lost = sorted(a for a in recorded if not resolves(site, a, redirects))
    new = sorted(collect(site) - recorded)
    return lost, new


# -- carrying the redirects out in a built site ------------------------------------------------


def _rel(from_page: str, to: str) -> str:
    page, _, frag = to.partition("#")
    rel = posixpath.relpath(page, posixpath.dirname(from_page) or ".")
    return rel + (f"#{frag}" if frag else "")


def _stub(old: str, new: str, anchors: dict[str, str]) -> str:
    url = _rel(old, new)
    keep_hash = "" if "#" in new else "+location.hash"  # the old page's fragment, carried over
    script = _STUB_JS.format(url=json.dumps(url) + keep_hash, map=json.dumps(anchors, sort_keys=True))
    u = html.escape(url)
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="course-redirect" content="{html.escape(new)}">\n<meta name="robots" content="noindex">\n'
        f'<title>Moved to {u}</title>\n<script id="course-moved">{script}</script>\n'
        f'<meta http-equiv="refresh" content="0; url={u}">\n<link rel="canonical" href="{u}">\n</head>\n'
        f'<body>\n<main>\n<h1>This page has moved</h1>\n<p>It is now at <a href="{u}">{u}</a>.</p>\n'
        "</main>\n</body>\n</html>\n"
    )


def emit(site: Path, redirects: dict[str, str]) -> list[str]:
    """Write the redirects into a built site; returns the problems found (empty if none)."""
    problems = []
    for old, new in redirects.items():
        if not resolves(site, new, {}):
            problems.append(f"redirect {old} → {new}: {new} is not in the built site.")
    page_moves = {o: n for o, n in redirects.items() if "#" not in o}
    anchor_moves: dict[str, dict[str, str]] = {}
    for old, new in redirects.items():
        if "#" in old:
            page, _, frag = old.partition("#")
            anchor_moves.setdefault(page, {})[frag] = new

    for old, new in page_moves.items():
        path = site / old
        if path.is_file() and not _STUB.search(path.read_text(encoding="utf-8")):
            problems.append(
                f"redirect {old} → {new}: {old} is still a page of the site; remove the redirect or the page."
            )
            continue
        anchors = {f: _rel(old, n) for f, n in anchor_moves.pop(old, {}).items()}
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(_stub(old, new, anchors), encoding="utf-8")

    for page in pages(site):  # the anchors' pages; and no page keeps a stale alias or script
        path = site / page
        text = path.read_text(encoding="utf-8")
        if _STUB.search(text):
            continue
        clean = _SCRIPT.sub("", _ALIASES.sub("", text))
        forward = {}
        for frag, new in sorted(anchor_moves.pop(page, {}).items()):
            new_page, _, new_frag = new.partition("#")
            if frag in set(_ID.findall(clean)):
                problems.append(
                    f"redirect {page}#{frag} → {new}: the anchor {frag} is still on "
                    f"{page}; remove the redirect or the anchor."
                )
            elif new_page == page and new_frag:  # the old id goes beside the new one
                alias = _ALIAS.format(frag)
                clean, n = re.subn(
                    rf'<[a-zA-Z][^<>]*\sid="{re.escape(new_frag)}"',
                    lambda m, alias=alias: alias + m.group(0),
                    clean,
                    count=1,
                )
                if not n:
                    problems.append(f"redirect {page}#{frag} → {new}: no element has the id {new_frag}.")
            else:
                forward[frag] = _rel(page, new)
        if forward:
            script = f'<script id="course-moved">{_PAGE_JS.format(map=json.dumps(forward, sort_keys=True))}</script>'
            clean = clean.replace("</body>", script + "\n</body>", 1)
        if clean != text:
            path.write_text(clean, encoding="utf-8")
    for page, moves in anchor_moves.items():  # anchors of pages neither built nor moved
        problems += [
            f"redirect {page}#{f} → {n}: there is no page {page} and no redirect for it." for f, n in moves.items()
        ]
    return problems
