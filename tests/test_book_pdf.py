"""The whole course as one PDF (`course book-pdf`, part of `make handouts`): every published
chapter and the reference pages, on A4 and US Letter, with links that lead inside the file;
read back from the PDFs themselves (their text, pages and link annotations)."""

from __future__ import annotations

import ctypes
import re

import pypdfium2 as pdfium
import pypdfium2.raw as raw
import pytest

from course import project
from course.content import chapters, seeds
from course.publishing import book_pdf, handouts

pytestmark = pytest.mark.slow

PAGE_SIZES = {"a4": (595, 842), "letter": (612, 792)}  # PDF points


@pytest.fixture(scope="module")
def printed(tmp_path_factory, student_site, browser):
    out = tmp_path_factory.mktemp("book-pdf")
    return {p.name: p for p in book_pdf.build(student_site, out, browser=browser)}


def fold(text: str) -> str:
    """Text as compared here: Sphinx's curly apostrophes as straight ones, whitespace as one space."""
    return " ".join(text.replace("’", "'").replace("‘", "'").split())


def links(pdf: pdfium.PdfDocument, i: int) -> list[tuple[str, object]]:
    """The link annotations of page ``i``: ("page", index) for a jump inside the file,
    ("uri", address) for an address, ("none", None) for a link that leads nowhere."""
    page = pdf[i]  # kept while its links are read: pdfium frees a page that Python lets go
    found, pos, link = [], ctypes.c_int(0), raw.FPDF_LINK()
    while raw.FPDFLink_Enumerate(page.raw, ctypes.byref(pos), ctypes.byref(link)):
        dest = raw.FPDFLink_GetDest(pdf.raw, link)
        action = raw.FPDFLink_GetAction(link)
        if not dest and action and raw.FPDFAction_GetType(action) == raw.PDFACTION_GOTO:
            dest = raw.FPDFAction_GetDest(pdf.raw, action)
        if dest:
            found.append(("page", raw.FPDFDest_GetDestPageIndex(pdf.raw, dest)))
        elif action and raw.FPDFAction_GetType(action) == raw.PDFACTION_URI:
            size = raw.FPDFAction_GetURIPath(pdf.raw, action, None, 0)
            buf = ctypes.create_string_buffer(size)
            raw.FPDFAction_GetURIPath(pdf.raw, action, buf, size)
            found.append(("uri", buf.value.decode("utf-8")))
        else:
            found.append(("none", None))
    return found


def unresolved(document: str) -> list[str]:
    """The in-document links (``href="#…"``) of an HTML document whose target id it lacks."""
    ids = set(re.findall(r'\sid="([^"]+)"', document))
    return sorted({h for h in re.findall(r'\shref="#([^"]*)"', document) if h not in ids})


def test_the_course_pdf_holds_every_published_chapter_with_links_inside_it(printed, student_site):
    assert sorted(printed) == sorted(book_pdf.NAME.format(size=s) for s in handouts.SIZES)
    titles = [fold(chapters.outline(slug)["title"].replace("*", "")) for slug in chapters.published()]
    for size, (width, height) in PAGE_SIZES.items():
        pdf = pdfium.PdfDocument(printed[book_pdf.NAME.format(size=size)])
        try:
            assert {tuple(round(x) for x in pdf[i].get_size()) for i in range(len(pdf))} == {(width, height)}
            texts = [fold(pdf[i].get_textpage().get_text_range()) for i in range(len(pdf))]
            whole = " ".join(texts)
            # every published chapter whole: its title and its last ¶ number
            for slug, seed in seeds.chapters():
                if slug in chapters.published():
                    assert re.search(rf"¶{seeds.paragraph_count(seed)}(?!\d)", whole), slug
            assert all(title in whole for title in titles)
            assert re.search(r"page 1 of \d+", texts[0]) and project.site_url() in texts[0]

            every = [(i, kind, to) for i in range(len(pdf)) for kind, to in links(pdf, i)]
            inside = [to for _, kind, to in every if kind == "page"]
            assert len(inside) > 100 and all(0 <= to < len(pdf) for to in inside)
            assert not [x for x in every if x[1] == "none"], "a link that leads nowhere"
            # no address a PDF reader cannot open: every other link is a full web address
            assert all(to.startswith(("https://", "http://", "mailto:")) for _, kind, to in every if kind == "uri")
            # the contents (page 2) lead to the pages they name
            contents = [to for i, kind, to in every if i == 1 and kind == "page"]
            assert len(contents) == len(book_pdf.pages())
            for title, to in zip(titles, contents[len(book_pdf.FRONT) :], strict=False):
                assert title[:30] in texts[to], (title, texts[to][:60])
        finally:
            pdf.close()
    # Every in-document link of the HTML has its target, so Chromium made each into a jump;
    # positive control: with one target's id gone, the check names the link.
    contents, text = book_pdf.body(student_site)
    document = book_pdf.document(contents, text, "a4")
    assert unresolved(document) == []
    first = re.search(r'\shref="#([^"]+--s\d+-p\d+)"', document).group(1)
    assert unresolved(document.replace(f' id="{first}"', " ")) == [first]
