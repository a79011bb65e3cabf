"""Reference pages rendered from data: the timeline, the syllabus, the glossary, the people,
the emendations."""

from __future__ import annotations

import csv

import yaml
from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.errors import ExtensionError

from course.book import drafts
from course.book.directives.base import MystDirective, para_link
from course.content import banks, chapters, paths, seeds, sources


def _fmt_date(start: str, end: str, precision: str) -> str:
    import datetime as dt

    s, e = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
    fmt = {"day": "%-d %b %Y", "month": "%b %Y", "year": "%Y"}[precision]
    if s == e or (precision != "day" and s.strftime(fmt) == e.strftime(fmt)):
        return s.strftime(fmt)
    return f"{s.strftime(fmt)} – {e.strftime(fmt)}"


def timeline_rows() -> dict[str, dict]:
    with open(paths.DATA / "timeline.csv", encoding="utf-8", newline="") as fh:
        return {row["id"]: row for row in csv.DictReader(fh)}


class Timeline(MystDirective):
    """```{timeline}  /  :events: id1, id2``` — a table of events from data/timeline.csv."""

    option_spec = {"events": directives.unchanged_required}

    def run(self):
        self.env.note_dependency(str(paths.DATA / "timeline.csv"))
        rows = timeline_rows()
        ids = [i.strip() for i in self.options.get("events", "").split(",") if i.strip()] or list(rows)
        missing = [i for i in ids if i not in rows]
        if missing:
            raise self.error(f"timeline: unknown event id(s) {', '.join(missing)} (see data/timeline.csv)")
        lines = ["| Date | Event | Where the texts mention it | Source | Certainty |", "|---|---|---|---|---|"]
        self.env.note_dependency(str(paths.ROOT / "references.bib"))
        known = sources.works()
        for row in sorted((rows[i] for i in ids), key=lambda r: r["start"]):
            try:
                source = sources.with_links(row["source"], lambda key, label: f"{{cite:t}}`{key}`", known)
            except sources.SourceError as exc:
                raise self.error(f"data/timeline.csv, event {row['id']}: {exc}") from None
            refs = []
            for ref in row["seed_refs"].split():
                r = banks.parse_ref(ref)
                refs.append(para_link(r.seed, r.first, f"seed {r.seed} ¶{r.first}"))
            lines.append(
                f"| {_fmt_date(row['start'], row['end'], row['precision'])} | {row['event']} | "
                f"{', '.join(refs) or '—'} | {source} | {row['certainty']} |"
            )
        box = nodes.container(classes=["course-timeline"])
        box.extend(self.parse_myst("\n".join(lines)))
        return [box]


def _outline(slug: str) -> dict:
    try:
        return chapters.outline(slug)
    except chapters.ChapterError as exc:
        raise ExtensionError(str(exc)) from None


class Syllabus(MystDirective):
    """```{syllabus}``` — one row per chapter: its text, central question and time, taken from
    the chapter pages and the seed catalogue. A draft has a row only in the editions that show
    drafts (``course.book.drafts``), marked as one, its time not counted."""

    def run(self):
        lines = ["| Chapter | Text | Central question | Time |", "|---|---|---|---|"]
        total = 0
        left_out = drafts.hidden(self.config)
        for slug, seed in seeds.chapters():
            self.env.note_dependency(str(chapters.page(slug)))
            if slug in left_out:
                continue
            o, s = _outline(slug), seeds.get(seed)
            total += o["minutes"] or 0
            year = s.date[:4] if s.date[:4].isdigit() else "undated"
            draft = " *(draft)*" if o["draft"] else ""
            lines.append(
                f"| {{doc}}`{o['title'].replace('*', '')} </chapters/{slug}>`{draft} | {s.title} ({year}) | "
                f"{o['question'] or '*not written yet*'} | "
                f"{str(o['minutes']) + ' min' if o['minutes'] else '—'} |"
            )
        lines.append(f"| **All chapters** | | | **{total} min** (about {round(total / 60)} hours) |")
        return self.parse_myst("\n".join(lines))


def _text_date(date: str) -> str:
    """A catalogue date as a reader writes it: "1938-07-04" -> "4 July 1938"; a year, or a
    date the catalogue qualifies ("uncertain (…)"), as it is."""
    import datetime as dt

    try:
        return dt.date.fromisoformat(date).strftime("%-d %B %Y")
    except ValueError:
        return date


class CourseTexts(MystDirective):
    """```{course-texts}``` — the texts the chapters read, in course order: title, date and kind,
    from the seed catalogue (the one place they are written), each linked to its chapter; a
    draft's text only where the edition shows drafts."""

    def run(self):
        self.env.note_dependency(str(paths.SEEDS / "catalogue.yml"))
        for slug, _ in seeds.chapters():  # a draft that becomes ready joins the list
            self.env.note_dependency(str(chapters.page(slug)))
        lines = ["| | Text | Date | Kind |", "|---|---|---|---|"]
        left_out = drafts.hidden(self.config)
        shown = [(slug, seed) for slug, seed in seeds.chapters() if slug not in left_out]
        for n, (slug, seed) in enumerate(shown, start=1):
            s = seeds.get(seed)
            lines.append(
                f"| {n} | {{doc}}`{s.title.replace('`', '')} </chapters/{slug}>` | {_text_date(s.date)} | "
                f"{s.kind}: {s.meta.get('genre', '')} |"
            )
        return self.parse_myst("\n".join(lines))


class CourseGlossary(MystDirective):
    """```{course-glossary}``` — the glossary, rendered from data/glossary.yml."""

    def run(self):
        self.env.note_dependency(str(paths.DATA / "glossary.yml"))
        entries = yaml.safe_load((paths.DATA / "glossary.yml").read_text(encoding="utf-8"))
        lines = ["```{glossary}", ":sorted:"]
        for e in entries:
            lines += [e["term"], f"  {' '.join(e['definition'].split())}"]
            for use in e.get("uses", []):
                links = ", ".join(para_link(str(use["seed"]), int(n)) for n in use.get("paras", []))
                lines += ["", f"  *Seed {use['seed']}* ({links}): {' '.join(use['note'].split())}"]
            lines.append("")
        lines.append("```")
        return self.parse_myst("\n".join(lines))


class People(MystDirective):
    """```{people}  /  :seed: 002``` — the people the texts name, from data/people.yml; with
    ``:seed:``, only those that seed names."""

    option_spec = {"seed": directives.unchanged}

    def run(self):
        self.env.note_dependency(str(paths.DATA / "people.yml"))
        people = yaml.safe_load((paths.DATA / "people.yml").read_text(encoding="utf-8"))
        only = self.options.get("seed")
        lines = []
        for p in people:
            uses = [u for u in p["uses"] if not only or str(u["seed"]) == only]
            if not uses:
                continue
            dates = f" ({p['dates']})" if p["dates"] else ""
            lines += [f"{p['name']}{dates}", f": {' '.join(p['line'].split())}", ""]
            for u in uses:
                links = ", ".join(para_link(str(u["seed"]), int(n)) for n in u["paras"])
                lines.append(f"  - *Seed {u['seed']}*, as “{u['as']}” ({links}): {' '.join(u['note'].split())}")
            lines.append("")
        return self.parse_myst("\n".join(lines))


class Emendations(MystDirective):
    """```{emendations}``` — the table of reading-text emendations, from seeds/emendations.csv."""

    def run(self):
        self.env.note_dependency(str(paths.SEEDS / "emendations.csv"))
        lines = ["| Seed | ¶ | Original | Reading | Reason |", "|---|---|---|---|---|"]

        def cell(text: str) -> str:  # a | in a table cell must be escaped
            return text.replace("|", "\\|")

        for em in seeds.emendations():
            lines.append(
                f"| {em.seed} | {para_link(em.seed, em.paragraph, str(em.paragraph))} | "
                f"“{cell(em.original)}” | “{cell(em.reading)}” | {cell(em.reason)} |"
            )
        return self.parse_myst("\n".join(lines))
