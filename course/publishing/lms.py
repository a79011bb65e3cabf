"""``course export-quiz --format qti|moodle|gift [--chapter N] OUT``: the quiz banks for an LMS.

One file per chapter, made from ``quizzes/NN_slug.yml`` (the only source of the items):

    OUT/01_soviets.gift         GIFT text, for Moodle's "Import questions"
    OUT/01_soviets.moodle.xml   Moodle XML, the same questions with their id number and tags
    OUT/01_soviets.qti.zip      QTI 1.2 for Canvas ("Import course content"), built by text2qti

Every item is a single-answer multiple-choice question (the bank schema has no other kind); each
option keeps its own feedback, and the item id is the question's name in every format. Bank
texts are plain text: each format escapes them its own way, so what the student reads in the
LMS is exactly what the book shows. Runs of whitespace become one space, as HTML shows them.
"""

from __future__ import annotations

import html
import re
import string
import xml.etree.ElementTree as ET
from pathlib import Path

from course.content import banks, chapters
from course.files import write_atomic

SUFFIX = {"gift": ".gift", "moodle": ".moodle.xml", "qti": ".qti.zip"}


class ExportError(ValueError):
    """Why nothing was exported, in one paragraph for the teacher."""


def _plain(text: str) -> str:
    return " ".join(text.split())


def chapter_title(bank: dict) -> str:
    """The chapter page's heading ("1. The Soviets (…)"), or the slug if there is no page."""
    page = chapters.page(bank["chapter"])
    if page.is_file():
        return _plain(chapters.title(page.read_text(encoding="utf-8")).replace("*", ""))
    return bank["chapter"]


def _source(bank: dict) -> str:
    return f"quizzes/{bank['chapter']}.yml"


def category(bank: dict) -> str:
    """The Moodle question category the import files the chapter's items under."""
    # "/" separates categories; a "/" inside a name is written "//".
    return f"$course$/top/{chapter_title(bank).replace('/', '//')}"


# -- GIFT ----------------------------------------------------------------------------------

_GIFT_SPECIAL = re.compile(r"([\\~=#{}:])")


def _gift_text(text: str) -> str:
    """Bank text as GIFT in [html] format: HTML-escaped, then GIFT's own specials escaped."""
    text = html.escape(_plain(text), quote=False)
    # At the start of an answer, "[name]" would read as a text format and "%50%" as a weight.
    if text[:1] in "[%":
        text = f"&#{ord(text[0])};{text[1:]}"
    return _GIFT_SPECIAL.sub(r"\\\1", text)


def gift(bank: dict) -> str:
    """The bank as GIFT: one question per item, titled ::id::, feedback after each option's #."""
    lines = [
        f"// {chapter_title(bank)}: exported from {_source(bank)} by `course export-quiz`.",
        "// Edit the bank, not this file.",
        "",
        # Moodle takes this line as it is (no GIFT escapes): the category path verbatim.
        f"$CATEGORY: {category(bank)}",
        "",
    ]
    for item in bank["items"]:
        # Moodle reads the id number and tags from this comment.
        lines.append(f"// [id:{item['id']}] " + " ".join(f"[tag:{t}]" for t in _tags(item)))
        lines.append(f"::{_gift_text(item['id'])}::[html]{_gift_text(item['question'])} {{")
        for opt in item["options"]:
            mark = "=" if opt["correct"] else "~"
            lines.append(f"\t{mark}{_gift_text(opt['text'])} #{_gift_text(opt['feedback'])}")
        lines += ["}", ""]
    return "\n".join(lines)


# -- Moodle XML ----------------------------------------------------------------------------


def _tags(item: dict) -> list[str]:
    """An item's tags in an LMS: its Bloom level and skill, and for an item across texts its
    thread (``thread-bureaucracy``), so a teacher can pick the items of one thread."""
    return [item["bloom"], item["skill"]] + ([f"thread-{item['thread']}"] if item.get("thread") else [])


def _moodle_text(parent: ET.Element, tag: str, text: str, html_format: bool = True) -> ET.Element:
    el = ET.SubElement(parent, tag, {"format": "html"} if html_format else {})
    # format="html": the text is HTML, so the bank's plain text is escaped once for HTML;
    # ElementTree escapes it again for XML.
    ET.SubElement(el, "text").text = html.escape(_plain(text), quote=False) if html_format else text
    return el


def moodle_xml(bank: dict) -> str:
    """The bank as Moodle XML: a category, then one multichoice question per item."""
    quiz = ET.Element("quiz")
    quiz.append(ET.Comment(f" exported from {_source(bank)} by `course export-quiz` "))
    cat = ET.SubElement(quiz, "question", {"type": "category"})
    _moodle_text(cat, "category", category(bank), html_format=False)
    for item in bank["items"]:
        q = ET.SubElement(quiz, "question", {"type": "multichoice"})
        _moodle_text(q, "name", item["id"], html_format=False)
        _moodle_text(q, "questiontext", item["question"])
        _moodle_text(q, "generalfeedback", "")
        for tag, value in [
            ("defaultgrade", "1"),
            ("penalty", "0.3333333"),
            ("hidden", "0"),
            ("idnumber", item["id"]),
            ("single", "true"),
            ("shuffleanswers", "true"),
            ("answernumbering", "abc"),
        ]:
            ET.SubElement(q, tag).text = value
        for opt in item["options"]:
            answer = _moodle_text(q, "answer", opt["text"])
            answer.set("fraction", "100" if opt["correct"] else "0")
            _moodle_text(answer, "feedback", opt["feedback"])
        tags = ET.SubElement(q, "tags")
        for value in _tags(item):
            ET.SubElement(ET.SubElement(tags, "tag"), "text").text = value
    ET.indent(quiz)
    return ET.tostring(quiz, encoding="unicode", xml_declaration=True) + "\n"


# -- QTI for Canvas (text2qti) -------------------------------------------------------------

# What text2qti's Markdown would turn into markup or typography: its Python-Markdown escapes
# (smarty adds the quotes) and "$" (LaTeX math). "<", ">" and "&" are HTML-escaped instead.
_MD_SPECIAL = re.compile(r"""([\\`*_{}\[\]()#+\-.!"'|$])""")


def _t2q_text(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", html.escape(_plain(text), quote=False))


def text2qti_source(bank: dict) -> str:
    """The bank in text2qti's plain-text quiz format (one line per paragraph)."""
    lines = [
        f"Quiz title: {_plain(chapter_title(bank))}",
        "Quiz description: "
        + _t2q_text(
            f"Exported from {_source(bank)}. The ¶ numbers in the feedback are those of the reading in the course book."
        ),
        "Shuffle answers: true",
        "",
    ]
    for n, item in enumerate(bank["items"], 1):
        lines += [f"Title: {item['id']}", f"{n}.  {_t2q_text(item['question'])}"]
        for letter, opt in zip(string.ascii_lowercase, item["options"]):
            mark = f"*{letter})" if opt["correct"] else f"{letter}) "
            lines += [f"{mark} {_t2q_text(opt['text'])}", f"... {_t2q_text(opt['feedback'])}"]
        lines.append("")
    return "\n".join(lines)


def qti_zip(bank: dict) -> bytes:
    # The library API, not the text2qti command: the command reads and creates a config file
    # in the home folder. Default settings: no code blocks run, no Pandoc, no network.
    from text2qti.config import Config
    from text2qti.err import Text2qtiError
    from text2qti.qti import QTI
    from text2qti.quiz import Quiz

    try:
        quiz = Quiz(text2qti_source(bank), config=Config(), source_name=_source(bank))
        return QTI(quiz).zip_bytes()
    except Text2qtiError as exc:
        raise ExportError(f"{_source(bank)}: text2qti could not build the QTI file: {exc}") from None


# -- The command ---------------------------------------------------------------------------

BUILD = {"gift": lambda b: gift(b).encode("utf-8"), "moodle": lambda b: moodle_xml(b).encode("utf-8"), "qti": qti_zip}


def select(found: dict[str, dict], chapter: str | None) -> list[dict]:
    """The banks to export: every finished one, or the one chapter named by number (1, 01) or
    slug. A draft bank (``draft: true``, as ``course new-chapter`` makes it) is not for students
    yet: it is left out of the whole, and refused by name."""
    if chapter is None:
        return [bank for bank in found.values() if not bank.get("draft")]
    want = chapter.strip().lower()
    for slug, bank in found.items():
        number, _, name = slug.partition("_")
        if want in (slug, name) or (want.isdigit() and int(want) == int(number)):
            if bank.get("draft"):
                raise ExportError(
                    f"Chapter {slug} is a draft (quizzes/{slug}.yml says draft: true): "
                    "its quiz is not ready for students. Export it once the bank is "
                    "finished and the draft mark removed."
                )
            return [bank]
    known = ", ".join(f"{int(s[:2])} ({s})" for s in found)
    raise ExportError(f"There is no chapter {chapter!r}. Give a chapter number or slug: {known}.")


def export(fmt: str, out: Path, chapter: str | None = None) -> list[Path]:
    """Write one file per selected chapter into OUT; returns the paths written."""
    if fmt not in BUILD:
        raise ExportError(f"Unknown format {fmt!r}: choose one of {', '.join(BUILD)}.")
    try:
        found = banks.all_banks()
    except banks.BankError as exc:
        raise ExportError(f"Nothing exported: fix the quiz banks first. {exc}") from None
    # Build every file before writing any, so a bank that cannot be exported changes nothing.
    files = {f"{b['chapter']}{SUFFIX[fmt]}": BUILD[fmt](b) for b in select(found, chapter)}
    try:
        out.mkdir(parents=True, exist_ok=True)
        for name, data in files.items():
            write_atomic(out / name, data)
    except OSError as exc:
        raise ExportError(
            f"Cannot write the export to {out}: {exc.strerror or exc}. "
            "Give a folder you can write to (it is created if missing)."
        ) from None
    return [out / name for name in files]
