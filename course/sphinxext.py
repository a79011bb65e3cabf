"""The book's Sphinx extension: readings rendered from seeds, the timeline, the glossary,
quiz assets, and the instructor-only directives.

Directives generate MyST text and parse it in place where that is simpler than building
nodes by hand (tables, glossary, answer keys): what they render is plain MyST.
"""

from __future__ import annotations

import csv
import functools
import re
from pathlib import Path

import yaml
from docutils import nodes
from docutils.parsers.rst import directives
from docutils.statemachine import StringList
from sphinx.errors import ExtensionError
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from . import anywhere, banks, paths, seeds
from . import exercises as exlib
from .quiz import INLINE, feedback_markdown
from .scaffold import is_draft

logger = logging.getLogger(__name__)
STATIC = Path(__file__).resolve().parent / "static"


def para_id(seed: str, n: int) -> str:
    return f"s{seed}-p{n}"


def para_link(seed: str, n: int, label: str | None = None) -> str:
    """A MyST link to a paragraph, or plain text if no chapter renders that seed yet."""
    label = label or f"¶{n}"
    return f"[{label}](#{para_id(seed, n)})" if seeds.chapter_page(seed) else f"seed {seed} {label}"


def _range(spec: str, count: int) -> tuple[int, int]:
    first, _, last = spec.strip().partition("-")
    a, b = int(first), int(last or first)
    if not 1 <= a <= b <= count:
        raise ValueError(f"paragraphs {spec} outside ¶1–{count}")
    return a, b


class _MystDirective(SphinxDirective):
    """Base: render generated MyST text in place."""

    def parse_myst(self, text: str) -> list[nodes.Node]:
        box = nodes.container()
        self.state.nested_parse(StringList(text.splitlines(), source=self.get_source_info()[0]),
                                self.content_offset, box)
        return box.children


class Reading(SphinxDirective):
    """```{reading} 000  /  :paragraphs: 4-7``` — numbered, linkable paragraphs of a seed."""

    required_arguments = 1
    option_spec = {"paragraphs": directives.unchanged_required}

    def run(self):
        seed = self.arguments[0]
        self.env.note_dependency(str(paths.SEEDS / "emendations.csv"))
        try:
            paras = seeds.paragraphs(seed)
            first, last = _range(self.options.get("paragraphs", f"1-{len(paras)}"), len(paras))
        except (KeyError, ValueError) as exc:
            raise self.error(f"reading {seed}: {exc}")
        ems = {}
        for em in seeds.emendations(seed):
            ems.setdefault(em.paragraph, []).append(em)
        std = self.env.get_domain("std")
        # The reading is verbatim: no smart quotes, dashes or ellipses from Sphinx.
        box = nodes.container(classes=["seed-reading"], support_smartquotes=False)
        for n in range(first, last + 1):
            pid = para_id(seed, n)
            p = nodes.paragraph(classes=["seed-para"], ids=[pid])
            p += nodes.reference("", f"¶{n}", refuri=f"#{pid}", classes=["para-num"])
            for i, line in enumerate(paras[n - 1].split("\n")):
                if i:
                    p += nodes.raw("", "<br/>", format="html")
                p += _with_emendations(line, ems.get(n, []))
            box += p
            if pid in std.anonlabels and std.anonlabels[pid][0] != self.env.docname:
                logger.warning(f"¶ anchor {pid} is rendered twice", location=self.get_location())
            std.anonlabels[pid] = (self.env.docname, pid)
            std.labels[pid] = (self.env.docname, pid, f"¶{n} (seed {seed})")
        if not hasattr(self.env, "course_readings"):
            self.env.course_readings = {}
        self.env.course_readings.setdefault(self.env.docname, []).append((seed, first, last))
        return [box]


def _with_emendations(line: str, ems) -> list[nodes.Node]:
    out, rest = [], line
    for em in ems:
        if em.original in rest:
            before, _, rest = rest.partition(em.original)
            out += [nodes.Text(before), nodes.inline(em.original, em.original, classes=["sic"]),
                    nodes.inline("", f" [read: {em.reading}]", classes=["emendation"])]
    out.append(nodes.Text(rest))
    return out


def check_readings(app, env):
    """Every page that renders a seed renders all of it, once, in order (fails -W builds)."""
    for docname, parts in getattr(env, "course_readings", {}).items():
        by_seed: dict[str, list] = {}
        for seed, first, last in parts:
            by_seed.setdefault(seed, []).append((first, last))
        for seed, spans in by_seed.items():
            expected, count = 1, seeds.paragraph_count(seed)
            for first, last in spans:
                if first != expected:
                    logger.warning(f"{docname}: reading of seed {seed} jumps to ¶{first}; "
                                   f"¶{expected} should come next")
                expected = last + 1
            if expected != count + 1:
                logger.warning(f"{docname}: reading of seed {seed} stops at ¶{expected - 1} of {count}")


def purge_readings(app, env, docname):
    getattr(env, "course_readings", {}).pop(docname, None)


def merge_readings(app, env, docnames, other):
    env.course_readings = {**getattr(env, "course_readings", {}),
                           **getattr(other, "course_readings", {})}


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


class Timeline(_MystDirective):
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
        for row in sorted((rows[i] for i in ids), key=lambda r: r["start"]):
            refs = []
            for ref in row["seed_refs"].split():
                r = banks.parse_ref(ref)
                refs.append(para_link(r.seed, r.first))
            lines.append(f"| {_fmt_date(row['start'], row['end'], row['precision'])} | {row['event']} | "
                         f"{', '.join(refs) or '—'} | {row['source']} | {row['certainty']} |")
        box = nodes.container(classes=["course-timeline"])
        box.extend(self.parse_myst("\n".join(lines)))
        return [box]


def chapter_outline(slug: str) -> dict:
    """Title, central question and estimated minutes, read from the chapter page itself (the
    one place they are written), for the syllabus. A draft chapter (made by ``course
    new-chapter``, still under its draft banner) may lack the question and the time."""
    text = (paths.ROOT / "chapters" / f"{slug}.md").read_text(encoding="utf-8")
    title = text.splitlines()[0].lstrip("# ").strip()
    central = text.partition("\n## Central question")[2].split("\n## ", 1)[0]  # that section only
    question = re.search(r"^\*\*(.+?)\*\*\s*$", central, re.M)
    minutes = re.search(r"\*\*Estimated time\.\*\* About (\d+) minutes", text)
    draft = is_draft(text)
    if not (question and minutes) and not draft:
        raise ExtensionError(f"chapters/{slug}.md: the syllabus needs a bold central question under "
                             "'## Central question' and '**Estimated time.** About N minutes'")
    return {"title": title, "question": question.group(1) if question else None,
            "minutes": int(minutes.group(1)) if minutes else None, "draft": draft}


class Syllabus(_MystDirective):
    """```{syllabus}``` — one row per chapter: its text, central question and time, taken from
    the chapter pages and the seed catalogue."""

    def run(self):
        lines = ["| Chapter | Text | Central question | Time |", "|---|---|---|---|"]
        total = 0
        for slug, seed in seeds.chapters():
            self.env.note_dependency(str(paths.ROOT / "chapters" / f"{slug}.md"))
            o, s = chapter_outline(slug), seeds.get(seed)
            total += o["minutes"] or 0
            year = s.date[:4] if s.date[:4].isdigit() else "undated"
            draft = " *(draft)*" if o["draft"] else ""
            lines.append(f"| {{doc}}`{o['title'].replace('*', '')} </chapters/{slug}>`{draft} | {s.title} ({year}) | "
                         f"{o['question'] or '*not written yet*'} | "
                         f"{str(o['minutes']) + ' min' if o['minutes'] else '—'} |")
        lines.append(f"| **All chapters** | | | **{total} min** (about {round(total / 60)} hours) |")
        return self.parse_myst("\n".join(lines))


class CourseGlossary(_MystDirective):
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


class People(_MystDirective):
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


class Emendations(_MystDirective):
    """```{emendations}``` — the table of reading-text emendations, from seeds/emendations.csv."""

    def run(self):
        self.env.note_dependency(str(paths.SEEDS / "emendations.csv"))
        lines = ["| Seed | ¶ | Original | Reading | Reason |", "|---|---|---|---|---|"]
        for em in seeds.emendations():
            cell = lambda t: t.replace("|", "\\|")
            lines.append(f"| {em.seed} | {para_link(em.seed, em.paragraph, str(em.paragraph))} | "
                         f"“{cell(em.original)}” | “{cell(em.reading)}” | {cell(em.reason)} |")
        return self.parse_myst("\n".join(lines))


def _instructor_only(directive: SphinxDirective) -> None:
    if directive.config.course_edition != "instructor":
        raise directive.error(f"{directive.name} is instructor-only and must not be in the student edition")


class QuizKey(_MystDirective):
    """```{quiz-key} 01_soviets``` — the bank's key with the reason for every option."""

    required_arguments = 1

    def run(self):
        _instructor_only(self)
        self.env.note_dependency(str(paths.QUIZZES / f"{self.arguments[0]}.yml"))
        bank = banks.all_banks()[self.arguments[0]]
        lines = []
        for it in bank["items"]:
            lines += [f"**{it['id']}** · {it['bloom']} · {it['skill']} · rests on "
                      + ", ".join(it["refs"]), "", it["question"], ""]
            for letter, o in zip("ABCD", it["options"]):
                mark = "**key**" if o["correct"] else "distractor"
                lines.append(f"- {letter} ({mark}): {o['text']} — *{feedback_markdown(o['feedback'], it['seed'])}*")
            lines.append("")
        return self.parse_myst("\n".join(lines))


class ModelAnswers(_MystDirective):
    """```{model-answers} 01_soviets``` — each guided question with its model answer."""

    required_arguments = 1

    def run(self):
        _instructor_only(self)
        from .questions import guided_questions, model_answers

        chapter = self.arguments[0]
        self.env.note_dependency(str(paths.INSTRUCTOR / "answers" / f"{chapter}.yml"))
        self.env.note_dependency(str(paths.CHAPTERS / f"{chapter}_notebook.md"))
        answers = model_answers(chapter)
        lines = []
        for q in guided_questions(chapter):
            a = answers[q.id]
            lines += [f"**{q.id} · {q.bloom} · {q.skill}**", "", q.text, "",
                      f"*Model answer.* {' '.join(a['answer'].split())}", "", "*Look for:*", ""]
            lines += [f"- {x}" for x in a.get("look_for", [])] + [""]
        return self.parse_myst("\n".join(lines))


class ExerciseNotebook(_MystDirective):
    """```{exercise-notebook} 01_soviets``` — the exercise as students get it (or, with
    ``:solutions:``, as the instructor wrote it), cell by cell, plus a download link."""

    required_arguments = 1
    option_spec = {"solutions": directives.flag}

    def run(self):
        try:
            ex = exlib.get(self.arguments[0])
        except KeyError as exc:
            raise self.error(str(exc.args[0]))
        self.env.note_dependency(str(ex.source))
        self.env.note_dependency(str(ex.tests))
        with_solutions = "solutions" in self.options
        if with_solutions:
            _instructor_only(self)
            nb = ex.notebook()
        else:
            nb = ex.student_notebook()
        lines = []
        if not with_solutions:
            import nbformat

            # The download lives inside the source tree (Sphinx resolves downloads there).
            target = Path(self.env.srcdir) / "_build" / "course-release" / ex.id / f"{ex.id}.ipynb"
            target.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(nb, target)
            rel = "/" + target.relative_to(self.env.srcdir).as_posix()
            lines += [f"{{download}}`Download the exercise notebook ({ex.id}.ipynb) <{rel}>`", ""]
            lines += exercise_launch_links(ex.id)
        for cell in nb.cells:
            if cell.cell_type == "markdown":
                lines += [cell.source, ""]
            elif cell.cell_type == "code" and "remove-cell" not in cell.metadata.get("tags", []):
                lines += ["```python", cell.source, "```", ""]
        if with_solutions:
            lines += ["*The public tests (`tests.py`):*", "", "```python",
                      ex.tests.read_text(encoding="utf-8").rstrip(), "```"]
        return self.parse_myst("\n".join(lines))


def _data_fingerprint() -> str:
    """One hash over every data file pages are rendered from (seeds, datasets, banks, answers,
    exercises): when any of them changes, every page is re-read, since ¶ links, glossary entries
    and keys can appear on any page."""
    import hashlib

    h = hashlib.sha256()
    for folder in (paths.SEEDS, paths.DATA, paths.QUIZZES, paths.INSTRUCTOR / "answers", paths.EXERCISES):
        for f in sorted(folder.rglob("*")):
            if f.is_file() and f.suffix in {".txt", ".yml", ".csv", ".md", ".py"}:
                h.update(str(f.relative_to(paths.ROOT)).encode())
                h.update(f.read_bytes())
    return h.hexdigest()


def on_get_outdated(app, env, added, changed, removed):
    fingerprint = _data_fingerprint()
    stale = getattr(env, "course_data_fingerprint", None) != fingerprint
    env.course_data_fingerprint = fingerprint
    return list(env.found_docs) if stale else []


def on_config_inited(app, config):
    config.html_static_path.append(str(STATIC))
    if config.course_edition != "instructor":
        config.exclude_patterns.append("instructor/**")


def on_builder_inited(app):
    try:
        banks.all_banks()
    except banks.BankError as exc:
        raise ExtensionError(str(exc)) from None
    app.add_css_file("course.css")


def drop_widget_state(app, pagename, templatename, context, doctree):
    """The book shows each quiz's static HTML view, never its widget view, so the ipywidgets
    state myst-nb embeds in notebook pages (130-230 kB per page) is dead weight: drop it."""
    js_files = getattr(app.env, "nb_metadata", {}).get(pagename, {}).get("js_files", {})
    js_files.pop("ipywidgets_state", None)


def on_page_context(app, pagename, templatename, context, doctree):
    scripts = context.get("script_files")
    if scripts is not None:
        # Thebe is off in this course (students launch Binder or Colab instead); its config
        # snippet is added twice by sphinx-thebe and redeclares a const, a page error.
        scripts[:] = [s for s in scripts if "THEBE_JS_URL" not in str(getattr(s, "attributes", {}).get("body", ""))
                      and "sphinx-thebe" not in str(s)]
    if "course-quiz" in context.get("body", ""):
        app.add_js_file("quiz.js")
        app.add_css_file("quiz.css")


# --- accessibility fixes to markup the theme and extensions emit (checked by axe-core in
# tests/test_accessibility.py; each fix calls the original code and mends only what axe flags) ---

def visit_citation(self, node):
    """Bibliography entries as plain list items: docutils marks them role="doc-biblioentry", a
    role DPUB-ARIA 1.1 deprecated, so the role="list" around them had no valid items."""
    start = len(self.body)
    type(self).visit_citation(self, node)
    self.body[start:] = [s.replace('role="doc-biblioentry"', 'role="listitem"') for s in self.body[start:]]


def depart_citation(self, node):
    type(self).depart_citation(self, node)


def _hidden_cell_visitors():
    """myst-nb's "Show code cell source" toggle, without its aria-label "Toggle hidden content":
    a name that differs from the visible words fails speech users (WCAG 2.5.3); with no label,
    the name is the visible "Show/Hide code cell source"."""
    from myst_nb.sphinx_ import depart_HideCellInput, visit_HideCellInput

    def visit(self, node):
        start = len(self.body)
        visit_HideCellInput(self, node)
        self.body[start:] = [s.replace(' aria-label="Toggle hidden content"', "") for s in self.body[start:]]

    return visit, depart_HideCellInput


def label_nav_toggles(soup):
    """Name each sidebar expand/collapse toggle after its page. The theme's <summary> holds only
    a chevron icon, so screen readers announced an unnamed control (WCAG 4.1.2). ``soup`` is the
    BeautifulSoup tree the theme's generate_toctree_html returns."""
    for summary in soup.select("li > details > summary"):
        link = summary.parent.find_previous_sibling("a")
        if link is not None and not summary.get("aria-label"):
            summary["aria-label"] = "Pages in " + " ".join(link.get_text().split())
    return soup


def on_page_context_nav(app, pagename, templatename, context, doctree):
    generate = context.get("generate_toctree_html")
    if generate is None:
        return

    def labelled(*args, **kwargs):
        out = generate(*args, **kwargs)
        return label_nav_toggles(out) if hasattr(out, "select") else out
    context["generate_toctree_html"] = labelled


# --- notebooks anywhere: the clean student notebooks published under notebooks/ (see
# course/anywhere.py), the launch and download links that open them, and the quiz view's inline
# assets taken out of book pages (the pages load quiz.js and quiz.css once) ---

def exercise_launch_links(exercise_id: str) -> list[str]:
    name = f"{exercise_id}_exercise.ipynb"
    return [f"Or open it online, ready to run: [in Colab]({anywhere.colab_url(name)}) or "
            f"[in Binder]({anywhere.binder_url(name)}); {{doc}}`/opening-notebooks` explains each way.", ""]


def publish_notebooks(app, exception):
    """Write the clean student notebooks into the site (the deploy pushes them to gh-pages)."""
    if exception is None and app.builder.format == "html":
        anywhere.write_notebooks(Path(app.outdir) / anywhere.NOTEBOOKS)


@functools.lru_cache(maxsize=1)
def _notebook_pages() -> frozenset:
    return frozenset(anywhere.notebook_pages())


def notebook_buttons(app, pagename, templatename, context, doctree):
    """On a notebook page, point Binder, Colab and the .ipynb download at the clean
    student notebook (the theme's own links open the MyST text, which Colab cannot read, and
    download the executed copy)."""
    if pagename not in _notebook_pages():
        return
    name = anywhere.notebook_name(pagename)
    links = {"Binder": anywhere.binder_url(name), "Colab": anywhere.colab_url(name),
             "download-notebook-button": context["pathto"](f"{anywhere.NOTEBOOKS}/{name}", 1)}
    for group in context.get("header_buttons", []):
        for button in group.get("buttons", []):
            key = button.get("label") if button.get("label") in links else button.get("text")
            if key in links:
                button["url"] = links.pop(key)
    if links:
        raise ExtensionError(f"{pagename}: the theme gave no {', '.join(links)} button to point at "
                             f"{anywhere.NOTEBOOKS}/{name} (launch_buttons in _config.yml?)")


class OfflineCommands(_MystDirective):
    """```{course-offline-commands}``` — how to prepare a computer for notebooks offline, with
    the release's install source (from pyproject.toml and _config.yml, like the setup cell)."""

    def run(self):
        wheel = f"course-{anywhere.version()}-py3-none-any.whl"
        return self.parse_myst("\n".join([
            "```sh", f'python -m pip wheel --wheel-dir course-wheels "{anywhere.install_source()}"', "```", "",
            "It fills the folder `course-wheels` with the course package and every library it needs. "
            "Then, offline, either install them in a terminal:", "",
            "```sh", "python -m pip install --no-index --find-links course-wheels course", "```", "",
            "or let the setup cell do it: run this line in a cell above it (with the path to your "
            "folder), then run the setup cell.", "",
            "```python", f"%env COURSE_WHEEL=course-wheels/{wheel}", "```"]))


_INLINE_ASSET = re.compile(rf"\s*<(style|script) {INLINE}>.*?</\1>", re.DOTALL)


def strip_inline_quiz_assets(app, doctree):
    for node in doctree.findall(nodes.raw):
        if INLINE in node.astext():
            node.replace(node[0], nodes.Text(_INLINE_ASSET.sub("", node.astext())))


def setup(app):
    app.add_config_value("course_edition", "student", "env")
    app.add_directive("reading", Reading)
    app.add_directive("timeline", Timeline)
    app.add_directive("course-glossary", CourseGlossary)
    app.add_directive("syllabus", Syllabus)
    app.add_directive("people", People)
    app.add_directive("emendations", Emendations)
    app.add_directive("quiz-key", QuizKey)
    app.add_directive("model-answers", ModelAnswers)
    app.add_directive("exercise-notebook", ExerciseNotebook)
    app.add_directive("course-offline-commands", OfflineCommands)
    app.connect("config-inited", on_config_inited)
    app.connect("builder-inited", on_builder_inited)
    app.connect("env-get-outdated", on_get_outdated)
    app.connect("env-purge-doc", purge_readings)
    app.connect("env-merge-info", merge_readings)
    app.connect("env-check-consistency", check_readings)
    app.connect("html-page-context", on_page_context)
    # Before myst-nb's handler (priority 500), which turns the page's js_files into <script>s.
    app.connect("html-page-context", drop_widget_state, priority=400)
    # After the theme's handler (priority 500), which puts generate_toctree_html in the context.
    app.connect("html-page-context", on_page_context_nav, priority=900)
    # After the theme's handlers (priority 501), which make the launch and download buttons.
    app.connect("html-page-context", notebook_buttons, priority=600)
    app.connect("doctree-read", strip_inline_quiz_assets)
    app.connect("build-finished", publish_notebooks)
    app.add_node(nodes.citation, override=True, html=(visit_citation, depart_citation))
    from myst_nb.sphinx_ import HideCodeCellNode

    app.add_node(HideCodeCellNode, override=True, html=_hidden_cell_visitors())
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
