"""Threads read across the texts, rendered from data/threads.yml:

- ```{thread} bureaucracy``` — a thread's page: the texts in date order side by side (a table
  on wide screens, stacked on narrow ones), what changes, what stays, where the texts disagree,
  the synthesis question, the quiz items that practise it; in the instructor edition also the
  question's model answer, "look for" points and scale;
- ```{threads-overview}``` — the matrix of threads × texts, each cell linking to the passages;
- ```{chapter-threads} 000``` — in a chapter's corroboration section, the threads its text is on.
"""

from __future__ import annotations

from course.book.directives.answers import scale_table
from course.book.directives.base import MystDirective, para_link
from course.content import banks, chapters, paths, rubrics, seeds, threads

SCALE = "thread-synthesis"  # the scale in instructor/rubrics.yml a synthesis answer is marked on


def _load(directive) -> tuple[threads.Thread, ...]:
    directive.env.note_dependency(str(threads.path()))
    directive.env.note_dependency(str(paths.SEEDS / "catalogue.yml"))
    try:
        return threads.all_threads()
    except threads.ThreadError as exc:
        raise directive.error(str(exc)) from None


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _chapter_title(seed: str) -> str:
    slug = seeds.chapter_page(seed).rsplit("/", 1)[-1]
    return chapters.outline(slug)["title"].split(" (")[0]


def _chapter_link(seed: str, short: bool = False) -> str:
    """A link to the chapter that reads the seed; ``short``: "Ch. 3" (a table's column)."""
    page = seeds.chapter_page(seed)
    if not page:
        return f"seed {seed}"
    title = _chapter_title(seed).replace("*", "")
    label = f"Ch. {title.split('.')[0]}" if short and title.split(".")[0].isdigit() else title
    return f"{{doc}}`{label} </{page}>`"


def _passages(text: threads.Text) -> str:
    return ", ".join(para_link(text.seed, n, f"seed {text.seed} ¶{n}") for n in text.paras)


def linked(text: str, default_seed: str | None = None) -> str:
    """A thread's sentence as MyST, each ¶ it cites a link to the paragraph (``threads.cited``
    decides which seed a bare ¶ belongs to)."""
    refs = iter(threads.cited(text, default_seed))

    def link(m):
        seed, first, _ = next(refs)
        return f"[{m.group(0)}](#{seeds.anchor(seed, first)})" if seeds.chapter_page(seed) else m.group(0)

    return banks.PARA_REF.sub(link, text)


def thread_items(thread_id: str) -> list[tuple[str, str]]:
    """(item id, chapter) of every quiz item that practises the thread."""
    return [
        (it["id"], slug)
        for slug, bank in banks.all_banks().items()
        for it in bank["items"]
        if it.get("thread") == thread_id
    ]


class Thread(MystDirective):
    """```{thread} bureaucracy``` — one thread's page body (its heading is the page's own)."""

    required_arguments = 1

    def run(self):
        _load(self)
        try:
            t = threads.get(self.arguments[0])
        except KeyError as exc:
            raise self.error(exc.args[0]) from None
        for f in banks.bank_files():
            self.env.note_dependency(str(f))
        lines = [
            f"This thread runs through {len(t.texts)} of the course's texts. Read them in date order; "
            "each row gives the passages, a short quotation and what that text claims: the texts' "
            "claims, not the course's.",
            "",
            "```{list-table} The texts on this thread, in date order",
            ":header-rows: 1",
            ":class: course-thread-texts",
            "",
            "* - Text",
            "  - Passages",
            "  - In its words",
            "  - What the text claims",
        ]
        for x in t.texts:
            lines += [
                f"* - {_chapter_link(x.seed)} ({threads.year_label(x.seed)})",
                f"  - {_passages(x)}",
                f"  - “{_cell(x.quote)}”",
                f"  - {_cell(linked(x.claim, x.seed))}",
            ]
        lines += ["```", ""]
        lines += ["## What changes", "", linked(t.changes), ""]
        lines += ["## What stays", "", linked(t.stays), ""]
        lines += ["## Where the texts disagree", ""]
        lines += [f"- {linked(d)}" for d in t.disagreements] + [""]
        lines += [
            "## Synthesis question",
            "",
            "```{admonition} Write across the texts",
            ":class: tip",
            "",
            t.synthesis,
            "",
            "Use at least three texts, cite each by ¶, and say whose claim each is. The "
            "{doc}`overview of the threads </threads/index>` shows where else to look.",
            "```",
            "",
        ]
        items = thread_items(t.id)
        if items:
            practice = ", ".join(
                f"`{i}` ({{doc}}`notebook {slug[:2].lstrip('0')} </chapters/{slug}_notebook>`)" for i, slug in items
            )
            lines += [f"*Retrieval practice on this thread:* quiz items {practice}.", ""]
        if self.config.course_edition == "instructor":
            lines += self._instructor(t)
        return self.parse_myst("\n".join(lines))

    def _instructor(self, t: threads.Thread) -> list[str]:
        """The model answer, look-for points and scale: instructor edition only."""
        self.env.note_dependency(str(threads.answers_path()))
        self.env.note_dependency(str(rubrics.path()))
        try:
            answer = threads.synthesis_answers()[t.id]
        except threads.ThreadError as exc:
            raise self.error(str(exc)) from None
        scale = rubrics.scale(rubrics.load(), SCALE)
        return [
            "```{admonition} For instructors: model answer and marking",
            ":class: course-instructor-only",
            "",
            f"*Model answer.* {linked(answer['answer'])}",
            "",
            "*Look for:*",
            "",
            *(f"- {linked(p)}" for p in answer["look_for"]),
            "",
            f"*{scale.title}: 0–{scale.max} points.* {' '.join(scale.summary.split())}",
            "",
            *scale_table(scale, f"{scale.title}: the points scale"),
            "```",
            "",
        ]


class ThreadsOverview(MystDirective):
    """```{threads-overview}``` — threads × texts; a cell links to the passages on that thread."""

    def run(self):
        found = _load(self)
        texts = sorted(seeds.catalogue(), key=threads.date_order)
        head = " | ".join(f"{_chapter_link(s, short=True)} ({threads.year_label(s)})" for s in texts)
        lines = [
            "```{table} Threads × texts: each cell links to the passages of that text on that thread",
            ":class: course-threads-matrix",
            "",
            f"| Thread | {head} |",
            "|---" * (len(texts) + 1) + "|",
        ]
        for t in found:
            cells = []
            for s in texts:
                x = t.text(s)
                cells.append(", ".join(para_link(s, n) for n in x.paras) if x else "—")
            lines.append(f"| {{doc}}`{_cell(t.title)} </{t.page}>` | " + " | ".join(cells) + " |")
        lines += ["```", ""]
        lines.append(
            "The columns are the chapters in date order: "
            + "; ".join(f"{_chapter_link(s)} ({threads.year_label(s)})" for s in texts)
            + "."
        )
        lines.append("")
        undated = [s for s in texts if len(threads.text_years(s)) == 2]
        for s in undated:
            lines.append(
                f"*{_chapter_title(s).replace('*', '')}* is undated; its years are those the catalogue "
                f"infers ({threads.year_label(s)}), so its place in the order is approximate."
            )
        return self.parse_myst("\n".join(lines))


class ChapterThreads(MystDirective):
    """```{chapter-threads} 000``` — the threads a chapter's text is on, each with its ¶s here
    and the other texts it runs through."""

    required_arguments = 1

    def run(self):
        found = [t for t in _load(self) if t.text(self.arguments[0])]
        if not found:
            return []
        lines = ["Threads that run through this text and others (each page sets the texts side by side):", ""]
        for t in found:
            here = t.text(self.arguments[0])
            others = ", ".join(f"seed {x.seed}" for x in t.texts if x.seed != here.seed)
            links = ", ".join(para_link(here.seed, n) for n in here.paras)
            lines.append(f"- {{doc}}`{_cell(t.title)} </{t.page}>`: here {links}; also {others}.")
        return self.parse_myst("\n".join(lines) + "\n")
