"""The printables a lesson plan names: one PDF per lesson, for the instructor edition.

A lesson plan (``instructor/<slug>_lesson.md``) lists what the teacher hands out in its front
matter, under ``printables:``, as data this module checks against the course's files; the plan's
prose is never read. Each entry has a ``kind``:

- ``timeline``: ``events`` (ids of ``data/timeline.csv``) in date order, each with its date,
  its words and its sources; ``blank`` (a list of those ids, or ``all``) leaves their dates
  for the students to fill in;
- ``jigsaw``: ``segments``, ¶ ranges of the chapter's seed (``"4-9"``); one card per group with
  the segment's paragraphs, their ¶ numbers and the course's emendations, as the chapter shows
  them;
- ``table``: ``question``, a guided question of the chapter notebook that asks for a table; the
  question's text and an empty table with the columns (and row labels) the question's
  metadata gives (``course.content.questions``);
- ``passages``: ``texts``, a list of ``{seed, paras}``, printed one above the other, or side by
  side with ``beside: true``: what a plan asks to print for comparison.

Every text comes from the seeds, the datasets or the notebook at build time, so a change there
changes the printable. The PDFs are printed as the reading handouts are (``handouts``: headless
Chromium, A4 and US Letter, nothing wider than the paper) and go into the instructor edition
only (``teachers.build_instructor``); a plan links to its own with ``{printables}`` (the
book's role, ``course.book.printables``).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

import jinja2
import markdown
import markupsafe
import yaml
from bs4 import BeautifulSoup

from course.content import chapters, data, paths, questions, seeds
from course.files import write_atomic
from course.publishing import handouts

TEMPLATES = Path(__file__).parent / "templates"
KEY = "printables"
KINDS = ("timeline", "jigsaw", "table", "passages")
KEYS = {"timeline": {"events", "blank"}, "jigsaw": {"segments"}, "table": {"question"}, "passages": {"texts", "beside"}}
RANGE = re.compile(r"^(\d+)(?:\s*[-–]\s*(\d+))?$")


class PrintablesError(ValueError):
    pass


@dataclass(frozen=True)
class Paragraph:
    seed: str
    n: int
    text: str  # the seed's words, verbatim
    emendations: tuple[seeds.Emendation, ...]


@dataclass(frozen=True)
class Event:
    id: str
    when: str
    text: str
    refs: str
    source: str
    certainty: str
    blank: bool


@dataclass(frozen=True)
class Timeline:
    events: tuple[Event, ...]
    kind: str = "timeline"


@dataclass(frozen=True)
class Segment:
    label: str  # "¶4–9"
    paragraphs: tuple[Paragraph, ...]


@dataclass(frozen=True)
class Jigsaw:
    seed: str
    segments: tuple[Segment, ...]
    kind: str = "jigsaw"


@dataclass(frozen=True)
class Table:
    question: str
    text: str  # the question's text (MyST markdown, as the notebook has it)
    columns: tuple[str, ...]
    rows: tuple[str, ...]
    kind: str = "table"


@dataclass(frozen=True)
class Passages:
    texts: tuple[Segment, ...]
    beside: bool
    kind: str = "passages"


def plan_path(slug: str) -> Path:
    return paths.INSTRUCTOR / f"{slug}_lesson.md"


def lessons() -> list[str]:
    """The chapters, in course order, whose lesson plan names printables."""
    return [slug for slug, _ in seeds.chapters() if plan_path(slug).exists() and _entries(slug)]


def _entries(slug: str) -> list:
    path = plan_path(slug)
    try:
        front = chapters.front_matter(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:  # its message says the line
        raise PrintablesError(f"{_name(slug)}: the front matter is not valid YAML: {exc}") from None
    entries = front.get(KEY) or []
    if not isinstance(entries, list):
        raise PrintablesError(f"{_name(slug)}: {KEY}: must be a list of printables, each with a kind")
    return entries


def _name(slug: str) -> str:
    path = plan_path(slug)
    return str(path.relative_to(paths.ROOT)) if path.is_relative_to(paths.ROOT) else str(path)


def load(slug: str) -> list:
    """The printables the lesson plan of chapter ``slug`` names, each with its data read from
    its source and checked: an unknown event, ¶, question or key fails, naming the plan and
    the entry."""
    seed = dict(seeds.chapters()).get(slug)
    if seed is None:
        raise PrintablesError(f"{_name(slug)}: no chapter {slug!r} in seeds/catalogue.yml")
    out = []
    for i, entry in enumerate(_entries(slug)):
        where = f"{_name(slug)}: {KEY}[{i}]"
        if not isinstance(entry, dict) or entry.get("kind") not in KINDS:
            raise PrintablesError(f"{where}: kind must be one of {', '.join(KINDS)}")
        kind = entry["kind"]
        allowed = KEYS[kind]
        if extra := sorted(set(entry) - allowed - {"kind"}):
            raise PrintablesError(f"{where}: unknown key(s) {', '.join(extra)} for a {kind} (known: {sorted(allowed)})")
        out.append(READERS[kind](entry, where, slug, seed))
    return out


def _timeline(entry: dict, where: str, slug: str, seed: str) -> Timeline:
    ids = entry.get("events")
    if not isinstance(ids, list) or not ids or not all(isinstance(i, str) for i in ids):
        raise PrintablesError(f"{where}.events: a list of event ids from data/timeline.csv")
    rows = {r["id"]: r for r in data.timeline().to_dict("records")}
    if unknown := [i for i in ids if i not in rows]:
        raise PrintablesError(f"{where}.events: no event {', '.join(map(repr, unknown))} in data/timeline.csv")
    blank = entry.get("blank", [])
    blank = ids if blank == "all" else blank
    if not isinstance(blank, list) or any(b not in ids for b in blank):
        raise PrintablesError(f"{where}.blank: 'all' or a list of the events above, not {blank!r}")
    events = sorted((rows[i] for i in ids), key=lambda r: (r["start"], r["end"]))
    return Timeline(
        tuple(
            Event(
                id=r["id"],
                when=when(r["start"], r["end"], r["precision"]),
                text=r["event"],
                refs=refs(r["seed_refs"]),
                source=r["source"],
                certainty=r["certainty"],
                blank=r["id"] in blank,
            )
            for r in events
        )
    )


def when(start, end, precision: str) -> str:
    """An event's date as a reader writes it, to its precision: ``1871``, ``March 1919``,
    ``18–31 December 1925``, ``1919–1923``."""

    def one(d) -> str:
        return {"day": f"{d.day} {d:%B %Y}", "month": f"{d:%B %Y}"}.get(precision, str(d.year))

    if one(start) == one(end):
        return one(start)
    if precision == "day" and (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{one(end)}"
    if precision == "year":
        return f"{start.year}–{end.year}"
    return f"{one(start)} – {one(end)}"


def refs(seed_refs: str) -> str:
    """``"000:12 000:13 004:9"`` as ``seed 000 ¶12, ¶13; seed 004 ¶9``."""
    by_seed: dict[str, list[str]] = {}
    for ref in seed_refs.split():
        s, _, n = ref.partition(":")
        by_seed.setdefault(s, []).append(f"¶{n}")
    return "; ".join(f"seed {s} {', '.join(ns)}" for s, ns in by_seed.items())


def _span(value, where: str, seed: str) -> Segment:
    m = RANGE.match(str(value).strip())
    count = seeds.paragraph_count(seed)
    if not m:
        raise PrintablesError(f"{where}: {value!r} is not a ¶ or a ¶ range such as '4-9'")
    first, last = int(m.group(1)), int(m.group(2) or m.group(1))
    if not 1 <= first <= last <= count:
        raise PrintablesError(f"{where}: ¶{value} is outside seed {seed}, which has ¶1–{count}")
    texts = seeds.paragraphs(seed)
    ems = seeds.emendations(seed)
    return Segment(
        label=f"¶{first}" if first == last else f"¶{first}–{last}",
        paragraphs=tuple(
            Paragraph(seed, n, texts[n - 1], tuple(e for e in ems if e.paragraph == n)) for n in range(first, last + 1)
        ),
    )


def _jigsaw(entry: dict, where: str, slug: str, seed: str) -> Jigsaw:
    spans = entry.get("segments")
    if not isinstance(spans, list) or len(spans) < 2:
        raise PrintablesError(f"{where}.segments: a list of two or more ¶ ranges of seed {seed}, such as '4-9'")
    return Jigsaw(seed, tuple(_span(s, f"{where}.segments[{k}]", seed) for k, s in enumerate(spans)))


def _table(entry: dict, where: str, slug: str, seed: str) -> Table:
    qid = entry.get("question")
    found = {q.id: q for q in questions.guided_questions(slug)}
    notebook = questions.notebook_path(slug).relative_to(paths.ROOT)
    if qid not in found:
        raise PrintablesError(f"{where}.question: no guided question {qid!r} in {notebook}")
    q = found[qid]
    if q.table is None:
        raise PrintablesError(
            f"{where}.question: {qid} in {notebook} asks for no table (its heading cell's metadata has no 'table')"
        )
    return Table(qid, q.text, tuple(q.table["columns"]), tuple(q.table["rows"]))


def _passages(entry: dict, where: str, slug: str, seed: str) -> Passages:
    texts = entry.get("texts")
    beside = entry.get("beside", False)
    if not isinstance(texts, list) or not texts or not isinstance(beside, bool):
        raise PrintablesError(f"{where}.texts: a list of {{seed, paras}}; beside: true or false")
    out = []
    for k, t in enumerate(texts):
        w = f"{where}.texts[{k}]"
        if not isinstance(t, dict) or set(t) != {"seed", "paras"}:
            raise PrintablesError(f"{w}: {{seed: '000', paras: '4-9'}}")
        try:
            seeds.get(str(t["seed"]))
        except KeyError as exc:
            raise PrintablesError(f"{w}.seed: {exc.args[0]}") from None
        out.append(_span(t["paras"], f"{w}.paras", str(t["seed"])))
    return Passages(tuple(out), beside)


READERS = {"timeline": _timeline, "jigsaw": _jigsaw, "table": _table, "passages": _passages}


# ---------------------------------------------------------------- on paper


def _para_html(p: Paragraph) -> markupsafe.Markup:
    """A paragraph's words with each emendation marked after the words it emends, as the
    chapter page marks it (``[read: …]``); the seed's line breaks kept."""
    text = html.escape(p.text)
    for em in p.emendations:
        original = html.escape(em.original)
        text = text.replace(
            original, f'{original}<span class="emendation"> [read: {html.escape(em.reading)}]</span>', 1
        )
    return markupsafe.Markup(text.replace("\n", "<br>"))


def _question_html(text: str) -> markupsafe.Markup:
    """A question's MyST text on paper: its ¶ links as plain words."""
    soup = BeautifulSoup(markdown.markdown(text), "html.parser")
    for a in soup.select("a"):
        a.unwrap()
    return markupsafe.Markup(str(soup))


def _inline_html(text: str) -> markupsafe.Markup:
    """A line of MyST (a chapter's title, with its italics) as HTML, without a paragraph."""
    text = re.sub(r"^(\d+)\.", r"\1\\.", text)  # "4. The Nature…" is a title, not a list
    soup = BeautifulSoup(markdown.markdown(text), "html.parser")
    return markupsafe.Markup("".join(str(c) for c in soup.p.contents) if soup.p else str(soup))


def _env() -> jinja2.Environment:
    env = handouts.templates()
    env.filters["para"] = _para_html
    env.filters["question"] = _question_html
    return env


def lesson_html(slug: str, size: str) -> str:
    """The printables of the lesson on chapter ``slug`` as one self-contained HTML page."""
    page = chapters.page(slug)
    return (
        _env()
        .get_template("printables.html.jinja")
        .render(
            size=handouts.SIZES[size],
            title=_inline_html(chapters.title(page.read_text(encoding="utf-8"))),
            seed=dict(seeds.chapters())[slug],
            printables=load(slug),
            css=markupsafe.Markup((TEMPLATES / "printables.css").read_text(encoding="utf-8")),
        )
    )


def pdf_name(slug: str, size: str) -> str:
    return f"{slug}-{size}.pdf"


def build(out: Path, slugs=None, browser=None) -> list[Path]:
    """Write ``out/<slug>-a4.pdf`` and ``out/<slug>-letter.pdf`` for every lesson whose plan
    names printables (or those of ``slugs``), with ``browser`` or a Chromium of its own. Every
    plan is checked before anything is printed, so a mistake in one writes nothing."""
    chosen = [s for s in lessons() if slugs is None or s in slugs]
    pages = {(slug, size): lesson_html(slug, size) for slug in chosen for size in handouts.SIZES}
    if not pages:
        return []
    written = []
    with handouts.chromium(browser) as b, handouts.offline_page(b) as page:
        printed = {
            key: handouts.print_pdf(page, content, key[1], handouts.footer(key[0]), f"{_name(key[0])}: {KEY}")
            for key, content in pages.items()
        }
    for (slug, size), pdf in printed.items():
        target = out / pdf_name(slug, size)
        write_atomic(target, pdf)
        written.append(target)
    return written
