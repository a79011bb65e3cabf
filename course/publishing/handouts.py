"""Reading handouts: each chapter's text as a PDF to print, annotate and bring to class.

A handout is made from the built student site, so it shows the text exactly as the chapter
page does: the ¶ numbers, the emendations marked in brackets. From the page it takes the
sourcing card, the central question and, segment by segment, the reading and its
close-reading prompts (the sections every chapter has: ``content.chapters.TEMPLATE_SECTIONS``),
puts them in a print template (``templates/handout.html.jinja``) and prints that with headless
Chromium, once for A4 and once for US Letter.

Why Chromium: the tests already drive Debian's ``chromium`` through Playwright, and it
implements what a handout needs from CSS paged media (page size, margins, no break inside a
paragraph); its footer template numbers the pages. WeasyPrint would add Pango and its
libraries to the machine, a LaTeX route a TeX installation, for no gain here.

Draft chapters (``course new-chapter`` before the author marks them ready) get no handout.
"""

from __future__ import annotations

import copy
import html
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import jinja2
import markupsafe
from bs4 import BeautifulSoup, Tag

from course import project
from course.content import chapters
from course.files import write_atomic

TEMPLATES = Path(__file__).parent / "templates"
CHROMIUM = "/usr/bin/chromium"
SIZES = {"a4": "A4", "letter": "Letter"}
# The width inside the page margins (handout.css: 14 mm each side), in CSS pixels (96 per inch):
# the page is laid out at this width before printing, to find anything too wide for the paper.
TEXT_WIDTH_PX = {"a4": round((210 - 28) / 25.4 * 96), "letter": round((8.5 * 25.4 - 28) / 25.4 * 96)}

# Elements wider than the text area: Chromium would clip them at the margin, silently.
TOO_WIDE = """() => {
  const doc = document.documentElement, limit = doc.clientWidth + 1;
  if (doc.scrollWidth <= limit) return [];
  return [...document.body.querySelectorAll("*")]
    .filter(el => el.getBoundingClientRect().right > limit || el.scrollWidth > el.clientWidth + 1)
    .map(el => el.tagName.toLowerCase() + (el.className ? "." + el.className : "") + ": "
               + el.textContent.trim().slice(0, 50));
}"""


class HandoutError(RuntimeError):
    pass


@dataclass(frozen=True)
class Segment:
    title: str
    reading: str  # HTML: the seed's paragraphs as the page shows them
    prompts: str  # HTML: the close-reading prompts, or "" if the segment has none


def _slug(heading: str) -> str:
    """The id Sphinx gives a section headed ``heading`` (enough for the fixed headings)."""
    return "-".join("".join(c if c.isalnum() else " " for c in heading.lower()).split())


def _section(main: Tag, heading: str, page: Path) -> Tag:
    found = main.select_one(f"section#{_slug(heading)}")
    if found is None:
        raise HandoutError(f"{page}: no section headed {heading!r} (every chapter has one)")
    return found


def _plain(node: Tag) -> str:
    """The node's HTML for paper: links become text (an address on paper is read, not
    clicked), the theme's heading anchors and icons go, and each paragraph of a text becomes
    its ¶ number beside its words (two boxes side by side, so the PDF reads them in order)."""
    node = copy.copy(node)
    for junk in node.select("a.headerlink, .admonition-title, script, button"):
        junk.decompose()
    for para in node.select("p.seed-para"):
        number = para.select_one("a.para-num")
        label = number.get_text()
        number.decompose()
        words = _new("span", "words")
        for child in list(para.contents):
            words.append(child.extract())
        para.append(_new("span", "para-num", label))
        para.append(words)
    for a in node.select("a"):
        a.unwrap()
    return str(node)


def _new(name: str, cls: str, text: str | None = None) -> Tag:
    tag = BeautifulSoup("", "html.parser").new_tag(name, attrs={"class": cls})
    if text is not None:
        tag.string = text
    return tag


def _title(section: Tag) -> str:
    heading = section.find(["h1", "h2", "h3"])
    for junk in heading.select("a.headerlink"):
        junk.decompose()
    return heading.get_text(" ", strip=True)


def parts(page: Path) -> dict:
    """What a handout takes from a built chapter page."""
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    main = soup.select_one("main article") or soup.select_one("main")
    if main is None:
        raise HandoutError(f"{page}: not a page of the book (no <main>)")
    title = _title(main.select_one("section"))
    card = _section(main, "Sourcing card", page).find("table")
    question = _section(main, "Central question", page).select_one(".admonition, .important")
    reading = _section(main, "The reading", page)
    segments = []
    for sec in reading.find_all("section", recursive=False):
        texts = sec.select(".seed-reading")
        if not texts:
            continue
        prompts = [
            ad
            for ad in sec.select(".admonition")
            if (t := ad.select_one(".admonition-title")) and t.get_text(strip=True) == "Close reading"
        ]
        segments.append(
            Segment(
                title=_title(sec),
                reading="".join(_plain(t) for t in texts),
                prompts="".join(_plain(p) for p in prompts),
            )
        )
    if card is None or question is None or not segments:
        raise HandoutError(f"{page}: the sourcing card, the central question or the reading is missing")
    return {"title": title, "card": _plain(card), "question": _plain(question), "segments": segments}


def templates() -> jinja2.Environment:
    """The Jinja2 environment of publishing/templates/, shared by the handouts, the course PDF,
    the printables and the decks: HTML escaped, an unknown name an error."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=jinja2.select_autoescape(["html.jinja"]),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )


def handout_html(site: Path, slug: str, size: str) -> str:
    """The handout of chapter ``slug`` as one self-contained HTML page, for ``size``."""
    page = site / "chapters" / f"{slug}.html"
    if not page.exists():
        raise HandoutError(f"{page} is missing: build the book first (make book)")
    p = parts(page)
    return (
        templates()
        .get_template("handout.html.jinja")
        .render(
            size=SIZES[size],
            title=p["title"],
            card=markupsafe.Markup(p["card"]),
            question=markupsafe.Markup(p["question"]),
            segments=[
                {
                    "title": s.title,
                    "reading": markupsafe.Markup(s.reading),
                    "prompts": markupsafe.Markup(s.prompts),
                }
                for s in p["segments"]
            ],
            css=markupsafe.Markup((TEMPLATES / "handout.css").read_text(encoding="utf-8")),
        )
    )


def footer(slug: str) -> str:
    """Chromium's footer template: the edition, the chapter's address, the page number."""
    address = f"{project.site_url()}chapters/{slug}.html"
    return (
        '<div style="font: 8pt sans-serif; width: 100%; margin: 0 15mm; display: flex; '
        'justify-content: space-between; color: #000;">'
        f"<span>Edition {html.escape(project.version())} · {html.escape(address)}</span>"
        '<span>page <span class="pageNumber"></span> of <span class="totalPages"></span></span></div>'
    )


def published(slugs=None) -> list[str]:
    """The chapters that get a handout: every chapter in course order, drafts left out."""
    return [slug for slug in chapters.published() if slugs is None or slug in slugs]


def build(site: Path, out: Path, slugs=None, browser=None) -> list[Path]:
    """Write ``out/<slug>-a4.pdf`` and ``out/<slug>-letter.pdf`` for every published chapter,
    with ``browser`` (a Playwright Chromium) or a headless Chromium of its own."""
    with chromium(browser) as b:
        return _print(b, site, out, slugs)


@contextmanager
def chromium(browser=None):
    """``browser`` if given, else a headless Chromium of its own, closed afterwards."""
    if browser is not None:
        yield browser
        return
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        raise HandoutError(f"{CHROMIUM} is missing: the handouts are printed by Chromium (apt-get install chromium)")
    with sync_playwright() as pw:
        own = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        try:
            yield own
        finally:
            own.close()


@contextmanager
def offline_page(browser):
    """A page that loads nothing from anywhere: what it prints is self-contained."""
    page = browser.new_page()
    try:
        page.route("**/*", lambda r: r.abort() if not r.request.url.startswith("data:") else r.continue_())
        yield page
    finally:
        page.close()


def print_pdf(page, content: str, size: str, footer_html: str, what: str) -> bytes:
    """``content`` (a self-contained HTML page) printed on paper of ``size`` with Chromium's
    footer ``footer_html``; refused if anything in it is wider than the text area."""
    page.set_viewport_size({"width": TEXT_WIDTH_PX[size], "height": 1000})
    page.set_content(content, wait_until="load")
    page.emulate_media(media="print")
    if wide := page.evaluate(TOO_WIDE):
        raise HandoutError(f"{what} ({size}): too wide for the paper: " + "; ".join(wide[:5]))
    return page.pdf(
        prefer_css_page_size=True,
        display_header_footer=True,
        header_template="<span></span>",
        footer_template=footer_html,
        print_background=False,
    )


def _print(browser, site: Path, out: Path, slugs) -> list[Path]:
    written = []
    with offline_page(browser) as page:
        for slug in published(slugs):
            for size in SIZES:
                pdf = print_pdf(page, handout_html(site, slug, size), size, footer(slug), slug)
                target = out / f"{slug}-{size}.pdf"
                write_atomic(target, pdf)
                written.append(target)
    return written
