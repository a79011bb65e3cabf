"""The reading handouts (`course handouts`): each chapter's whole text, in order, with its ¶
numbers, on A4 and US Letter pages, with nothing outside the margins; read back from the PDFs
themselves (their text, and their pages rendered as images)."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as raw
import pytest

from course.content import seeds
from course.publishing import handouts

from helpers import BIN, run, shared

pytestmark = pytest.mark.slow

MM = 72 / 25.4  # PDF points per millimetre
PAGE_SIZES = {"a4": (210 * MM, 297 * MM), "letter": (8.5 * 72, 11 * 72)}
MARGIN_MM = 12  # the template's @page margins are 14 mm or more; nothing may print nearer the edge
FOOT_MM = 4  # except the footer, in the bottom margin, which keeps off the last 4 mm (a copier's edge)
# pdfium reports the template's smallest type (8 pt, the ¶ numbers and the footer) as 10.7
SMALLEST = 10.5
FOOTER = re.compile(r"^Edition .* page \d+ of \d+$", re.MULTILINE)
EMENDATION = re.compile(r"\s*\[read:\s[^\]]*\]")  # the course's emendation, as the page shows it


@pytest.fixture(scope="module")
def printed(tmp_path_factory, student_site) -> Path:
    def make(out: Path) -> Path:
        run([BIN / "course", "handouts", "--site", student_site, "--out", out / "pdf"])
        return out / "pdf"

    return shared(tmp_path_factory, "handouts", make)


def fold(text: str) -> str:
    """Text as compared here: typographic quotes, dashes and ellipses as the build may set them
    (Sphinx's smart quotes), line-end hyphens as hyphens, and all whitespace as one space."""
    text = unicodedata.normalize("NFC", text)
    # pdfium returns a hyphen that ends a line as U+FFFE, and joins the two lines
    text = text.replace("\ufffe", "-")
    for fancy, plain in {"‘": "'", "’": "'", "“": '"', "”": '"', "…": "...", "–": "-", "—": "-"}.items():
        text = text.replace(fancy, plain)
    text = text.replace("--", "-").replace("--", "-")
    return " ".join(text.split())


def pdf_text(path: Path) -> str:
    pdf = pdfium.PdfDocument(path)
    try:
        text = "\n".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    finally:
        pdf.close()
    return fold(EMENDATION.sub("", FOOTER.sub("", text)))


def missing_paragraphs(text: str, seed_id: str) -> list[str]:
    """Each paragraph of the seed, whole and in order, right after its ¶ number: what is not.
    Compared without spaces: where a line breaks ("1928-" / "29", "evidence." / "[21]") the
    PDF has a space the seed does not; every other character must be there, in order."""
    problems, at, squeezed = [], 0, text.replace(" ", "")
    for n, para in enumerate(seeds.paragraphs(seed_id), start=1):
        expected = f"¶{n}{fold(para)}".replace(" ", "")
        found = squeezed.find(expected, at)
        if found < 0:
            problems.append(f"¶{n} ({fold(para)[:60]}…) is not found whole after ¶{n - 1}")
        else:
            at = found + len(expected)
    return problems


def outside_margins(path: Path) -> list[str]:
    """Pages with ink nearer the paper's edge than the margins allow, or with type smaller than
    the template sets: Chromium shrinks a page whose content is too wide to fit, so overflow
    shows as small type as well as ink at the edge."""
    problems = []
    pdf = pdfium.PdfDocument(path)
    try:
        for i in range(len(pdf)):
            image = pdf[i].render(scale=1, grayscale=True).to_numpy()
            ink = image.reshape(image.shape[0], image.shape[1], -1)[:, :, 0] < 200
            m, foot = round(MARGIN_MM * MM), round(FOOT_MM * MM)
            edges = {"left": ink[:, :m], "right": ink[:, -m:], "top": ink[:m, :], "bottom": ink[-foot:, :]}
            problems += [f"page {i + 1}: ink in the {side} margin" for side, strip in edges.items() if strip.any()]
            text = pdf[i].get_textpage()
            sizes = [
                raw.FPDFText_GetFontSize(text.raw, k)
                for k in range(text.count_chars())
                if not chr(raw.FPDFText_GetUnicode(text.raw, k)).isspace()
            ]
            if sizes and min(sizes) < SMALLEST:
                problems.append(f"page {i + 1}: type shrunk to {min(sizes):.1f} (content too wide for the page?)")
    finally:
        pdf.close()
    return problems


def test_every_published_chapter_has_a_handout_in_both_sizes(printed):
    expected = {f"{slug}-{size}.pdf" for slug in handouts.published() for size in handouts.SIZES}
    assert {p.name for p in printed.iterdir()} == expected
    assert len(handouts.published()) == len(seeds.chapters())  # no chapter of the course is a draft


@pytest.mark.parametrize("size", list(handouts.SIZES))
@pytest.mark.parametrize("slug, seed", seeds.chapters())
def test_handout_holds_the_whole_text_in_order_with_its_numbers(printed, slug, seed, size):
    text = pdf_text(printed / f"{slug}-{size}.pdf")
    assert not missing_paragraphs(text, seed)
    for part in ("Sourcing card", "Central question", "Close reading"):
        assert part in text


@pytest.mark.parametrize("size", list(handouts.SIZES))
@pytest.mark.parametrize("slug", [slug for slug, _ in seeds.chapters()])
def test_handout_pages_have_the_size_and_margins_of_the_paper(printed, slug, size):
    path = printed / f"{slug}-{size}.pdf"
    pdf = pdfium.PdfDocument(path)
    try:
        sizes = {tuple(round(x) for x in pdf[i].get_size()) for i in range(len(pdf))}
        footers = [pdf[i].get_textpage().get_text_range() for i in range(len(pdf))]
    finally:
        pdf.close()
    assert sizes == {tuple(round(x) for x in PAGE_SIZES[size])}
    assert not outside_margins(path)
    # every page says which edition, which chapter's address and which page it is
    for i, page_text in enumerate(footers, start=1):
        assert f"page {i} of {len(footers)}" in page_text and f"chapters/{slug}.html" in page_text


def test_text_check_finds_a_missing_or_misplaced_paragraph(printed):
    """Positive control: the text check reports a paragraph taken out, and two swapped."""
    slug, seed = seeds.chapters()[0]
    text = pdf_text(printed / f"{slug}-a4.pdf")
    third = fold(seeds.paragraphs(seed)[2])
    assert missing_paragraphs(text.replace(third, "", 1), seed)
    first = f"¶1 {fold(seeds.paragraphs(seed)[0])}"
    moved = text.replace(first, "", 1) + " " + first
    assert missing_paragraphs(moved, seed)


def test_margin_check_finds_ink_at_the_edge(browser, tmp_path):
    """Positive control: Chromium clips the page's content at the margins (the layout check
    below guards that), but paints its footer in the margin; a footer set against the paper's
    left edge is reported."""
    page = browser.new_page()
    try:
        page.set_content("<html><head><style>@page { size: A4; margin: 14mm; }</style></head><body><p>text</p>")
        edge = '<div style="font-size: 10pt; margin: 0; padding: 0; width: 100%">at the edge</div>'
        pdf = page.pdf(
            prefer_css_page_size=True, display_header_footer=True, footer_template=edge, header_template="<span></span>"
        )
        (tmp_path / "edge.pdf").write_bytes(pdf)
    finally:
        page.close()
    assert outside_margins(tmp_path / "edge.pdf") == ["page 1: ink in the left margin"]


def test_a_handout_too_wide_for_the_paper_is_refused(browser, student_site, tmp_path, monkeypatch):
    """Chromium clips what is too wide for the paper without a word: the build looks first and
    names the element (here a line that cannot wrap, put into the first chapter's card)."""
    slug = handouts.published()[0]
    real = handouts.handout_html
    monkeypatch.setattr(
        handouts,
        "handout_html",
        lambda site, s, size: real(site, s, size).replace(
            "<h2>Sourcing card</h2>", f"<h2>Sourcing card</h2><p style='white-space: nowrap'>{'wide ' * 60}</p>"
        ),
    )
    with pytest.raises(handouts.HandoutError, match=rf"{slug} \(a4\): too wide for the paper: .*p: wide wide"):
        handouts.build(student_site, tmp_path, slugs=[slug], browser=browser)
    assert not list(tmp_path.iterdir())  # nothing written
