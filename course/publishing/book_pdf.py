"""The whole course as one PDF, for readers offline: ``_build/handouts/course-a4.pdf`` and
``course-letter.pdf`` (``course book-pdf``, part of ``make handouts``).

It is made from the built student site, as the reading handouts are (``handouts``, whose
printing machinery it uses: Chromium through Playwright, the paper sizes, the check for
anything too wide for the paper). The pages go in the book's order: the front matter
(``FRONT``), each published chapter's reading page (a draft has none in the student site), and
the reference pages (``BACK``). The notebooks and the exercises are left out: they are work
to do in Jupyter, and the PDF gives their address on the site.

Every page's ids are prefixed with the page's name, so that the pages can share one document;
a link to a page or anchor in the document becomes a link inside it (the PDF's links then
jump within the file), and a link to anything else (a notebook, a teachers' guide, a download)
becomes the full address on the published site. The PDF also carries an outline of its
headings, which PDF readers show as bookmarks.
"""

from __future__ import annotations

import base64
import html
import mimetypes
import posixpath
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import markupsafe
from bs4 import BeautifulSoup, Tag

from course import project
from course.files import write_atomic
from course.publishing import handouts
from course.publishing.handouts import HandoutError

# The pages before and after the chapters, by their names in _toc.yml.
FRONT = ("index", "syllabus")
BACK = ("glossary", "people", "timeline", "sources", "bibliography")
# What a page has that paper cannot use: the theme's heading anchors and buttons, scripts, a
# notebook's code and its show-code toggles (its output stays), the toctree (the PDF has its own
# contents).
DROPPED_TAGS = {"button", "script", "style"}
DROPPED_CLASSES = {"headerlink", "cell_input", "above-input", "below-input", "toctree-wrapper"}
# The article of a built page: only it is parsed (the theme's navigation is most of a page).
ARTICLE = re.compile(r'<article class="bd-article"[^>]*>.*</article>', re.S)
NAME = "course-{size}.pdf"


def pages() -> list[str]:
    """The page names the PDF holds, in order; each must be in the book's toc."""
    listed = {str(project.toc()["root"]), *project.toc_files(project.toc())}
    names = [*FRONT, *(f"chapters/{slug}" for slug in handouts.published()), *BACK]
    missing = [n for n in names if n not in listed]
    if missing:
        raise HandoutError(f"_toc.yml has no page {', '.join(missing)}: the course PDF lists it (book_pdf.FRONT, BACK)")
    return names


def _key(name: str) -> str:
    """A page's prefix for its ids: ``chapters/01_soviets`` -> ``chapters-01_soviets``."""
    return name.replace("/", "-")


def _dropped(tag: Tag) -> bool:
    return tag.name in DROPPED_TAGS or not DROPPED_CLASSES.isdisjoint(tag.get("class") or ())


def _article(site: Path, name: str) -> Tag:
    path = site / f"{name}.html"
    if not path.is_file():
        raise HandoutError(f"{path} is missing: build the book first (make book)")
    found = ARTICLE.search(path.read_text(encoding="utf-8"))
    if found is None:
        raise HandoutError(f'{path}: not a page of the book (no <article class="bd-article">)')
    article = BeautifulSoup(found.group(0), "html.parser").article
    for junk in article.find_all(_dropped):
        if not junk.decomposed:
            junk.decompose()
    return article


def _data_uri(file: Path) -> str:
    kind = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
    return f"data:{kind};base64,{base64.b64encode(file.read_bytes()).decode('ascii')}"


def _relink(article: Tag, name: str, site: Path, inside: dict[str, set[str]], base: str) -> None:
    """Rewrite the page's ids and links for one document (see the module's docstring)."""
    key = _key(name)
    for el in article.find_all(id=True):
        el["id"] = f"{key}--{el['id']}"
    here = posixpath.dirname(name)
    for a in article.find_all("a", href=True):
        parts = urlsplit(a["href"])
        if parts.scheme or parts.netloc:
            continue  # an address elsewhere stays as it is
        target = posixpath.normpath(posixpath.join(here, unquote(parts.path))) if parts.path else f"{name}.html"
        page = target.removesuffix(".html")
        if target.endswith(".html") and page in inside:
            frag = parts.fragment
            a["href"] = f"#{_key(page)}--{frag}" if frag and frag in inside[page] else f"#{_key(page)}"
        else:
            a["href"] = base + target + (f"#{parts.fragment}" if parts.fragment else "")
    for img in article.find_all("img", src=True):
        src = urlsplit(img["src"])
        if not (src.scheme or src.netloc):
            file = site / posixpath.normpath(posixpath.join(here, unquote(src.path)))
            if not file.is_file():
                raise HandoutError(f"{site / name}.html: its image {img['src']} is not in the site")
            img["src"] = _data_uri(file)


def body(site: Path) -> tuple[list[dict], str]:
    """The contents (each page's title and anchor) and the pages, as one HTML text."""
    names = pages()
    articles = {name: _article(site, name) for name in names}
    inside = {name: {el["id"] for el in art.find_all(id=True)} for name, art in articles.items()}
    base = project.site_url()
    contents = []
    for name, art in articles.items():
        heading = art.find("h1")
        title = " ".join(heading.get_text().split()) if heading else name
        contents.append({"anchor": _key(name), "title": title})
        _relink(art, name, site, inside, base)
    text = "".join(
        f'<section class="page" id="{_key(name)}">{art.decode_contents()}</section>' for name, art in articles.items()
    )
    return contents, text


def document(contents: list[dict], text: str, size: str) -> str:
    """The course as one self-contained HTML document, laid out for ``size`` (a4, letter)."""
    return (
        handouts.templates()
        .get_template("course-book.html.jinja")
        .render(
            size=handouts.SIZES[size],
            title=project.book_config()["title"],
            edition=project.version(),
            address=project.site_url(),
            contents=contents,
            body=markupsafe.Markup(text),
            css=markupsafe.Markup((handouts.TEMPLATES / "course-book.css").read_text(encoding="utf-8")),
        )
    )


def footer() -> str:
    """Chromium's footer template: the edition, the site's address, the page number."""
    return (
        '<div style="font: 8pt sans-serif; width: 100%; margin: 0 15mm; display: flex; '
        'justify-content: space-between; color: #000;">'
        f"<span>Edition {html.escape(project.version())} · {html.escape(project.site_url())}</span>"
        '<span>page <span class="pageNumber"></span> of <span class="totalPages"></span></span></div>'
    )


def build(site: Path, out: Path, browser=None) -> list[Path]:
    """Write ``out/course-a4.pdf`` and ``out/course-letter.pdf``, with ``browser`` (a
    Playwright Chromium) or a headless Chromium of its own."""
    if browser is not None:
        return _print(browser, site, out)
    from playwright.sync_api import sync_playwright

    if not Path(handouts.CHROMIUM).exists():
        raise HandoutError(f"{handouts.CHROMIUM} is missing: the PDF is printed by Chromium (apt-get install chromium)")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=handouts.CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        try:
            return _print(browser, site, out)
        finally:
            browser.close()


_DATA = re.compile(r"^(data|about):")


def _print(browser, site: Path, out: Path) -> list[Path]:
    contents, text = body(site)  # every page read, and every link checked, before any PDF is made
    documents = {size: document(contents, text, size) for size in handouts.SIZES}
    printed = {}
    page = browser.new_page()
    try:
        page.route("**/*", lambda r: r.continue_() if _DATA.match(r.request.url) else r.abort())
        for size, text in documents.items():
            page.set_viewport_size({"width": handouts.TEXT_WIDTH_PX[size], "height": 1000})
            page.set_content(text, wait_until="load")
            page.emulate_media(media="print")
            if wide := page.evaluate(handouts.TOO_WIDE):
                raise HandoutError(f"the course PDF ({size}): too wide for the paper: " + "; ".join(wide[:5]))
            printed[size] = page.pdf(
                prefer_css_page_size=True,
                display_header_footer=True,
                header_template="<span></span>",
                footer_template=footer(),
                print_background=False,
                outline=True,
                tagged=True,
            )
    finally:
        page.close()
    written = []
    for size, pdf in printed.items():
        write_atomic(out / NAME.format(size=size), pdf)
        written.append(out / NAME.format(size=size))
    return written
