"""Points scales for the written work, read from ``instructor/rubrics.yml`` and checked.

One file holds every scale: the guided questions' (0–3), the exit tickets' (0–2), which answer
cells are marked on which scale, the exit tickets' "look for" points (they have no model
answer), and chapter 5's 100-point essay rubric in the same form (criteria, each a list of
levels with a band of points). The instructor edition renders them (``course.book``), the
teacher's marking tools score against them (``course.marking``). Like the model answers, the
file lives under ``instructor/`` and never reaches a student.

``items(chapter)`` is what a teacher marks in a chapter: each marked answer cell with its
prompt, its model answer and "look for" points, and its scale.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from course.content import paths, questions
from course.content.validate import validator

SCHEMA = Path(__file__).resolve().parent / "schemas" / "rubrics.schema.json"
ESSAY = "essay"  # the essay's answer id in a scores file: essay/<criterion id>


class RubricError(ValueError):
    """instructor/rubrics.yml is malformed; the message names the file and line."""


@dataclass(frozen=True)
class Level:
    label: str
    low: int  # a one-mark level has low == high
    high: int
    description: str

    @property
    def points(self) -> str:
        return str(self.high) if self.low == self.high else f"{self.low}–{self.high}"


@dataclass(frozen=True)
class Scale:
    id: str
    title: str
    summary: str
    levels: tuple[Level, ...]

    @property
    def max(self) -> int:
        return self.levels[0].high


@dataclass(frozen=True)
class Item:
    """One marked answer cell of a chapter notebook."""

    chapter: str
    answer: str  # the cell's answer id: Q1, exit-ticket
    title: str  # "Q1 · Remember · close reading", "Exit ticket"
    prompt: str  # MyST text
    model_answer: str  # "" where there is none (the exit tickets)
    look_for: tuple[str, ...]
    scale: Scale

    @property
    def key(self) -> str:
        """How a scores file names it: ``01_soviets/Q1``."""
        return f"{self.chapter}/{self.answer}"


def path() -> Path:
    return paths.INSTRUCTOR / "rubrics.yml"


def _line(root, where: list) -> int:
    """The 1-based line of the YAML node at ``where`` (keys and indices), or of the nearest
    node above it that exists."""
    node, line = root, root.start_mark.line + 1
    for step in where:
        if isinstance(node, yaml.MappingNode):
            found = [v for k, v in node.value if k.value == step]
            if not found:
                break
            node = found[0]
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value):
            node = node.value[step]
        else:
            break
        line = node.start_mark.line + 1
    return line


def load() -> dict:
    """The file's data, checked against its schema and the rules a schema cannot say: levels
    best first, bands that meet, scales that exist. A problem raises RubricError."""
    file = path()
    text = file.read_text(encoding="utf-8")
    name = f"{file.parent.name}/{file.name}"
    try:
        root = yaml.compose(text)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise RubricError(f"{name}, line {mark.line + 1 if mark else '?'}: not valid YAML ({exc})") from None
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    errors = sorted(validator(schema).iter_errors(data), key=lambda e: list(e.path))
    if errors:
        e = errors[0]
        where = ".".join(str(p) for p in e.path) or "the top level"
        raise RubricError(f"{name}, line {_line(root, list(e.path))}: {where}: {e.message}")

    def fail(where: list, message: str):
        raise RubricError(f"{name}, line {_line(root, where)}: {message}")

    for sid, scale in data["scales"].items():
        points = [lv["points"] for lv in scale["levels"]]
        if points != sorted(set(points), reverse=True) or points[-1] != 0:
            fail(["scales", sid, "levels"], f"scale {sid!r}: levels go from the best down to 0 points, each lower")
    for answer, sid in data["marked"].items():
        if sid not in data["scales"]:
            fail(["marked", answer], f"{answer} is marked on {sid!r}, which is not one of the scales")
    for n, c in enumerate(data["essay"]["criteria"]):
        bands = [(lv["min"], lv["max"]) for lv in c["levels"]]
        if bands[0][1] != c["points"] or bands[-1][0] != 0:
            fail(["essay", "criteria", n], f"criterion {c['id']!r}: its levels must run from {c['points']} down to 0")
        for (low, _), (_, high) in zip(bands, bands[1:]):
            if high != low - 1:
                fail(["essay", "criteria", n, "levels"], f"criterion {c['id']!r}: bands must meet, no gap or overlap")
        if any(low > high for low, high in bands):
            fail(["essay", "criteria", n, "levels"], f"criterion {c['id']!r}: a band's min is above its max")
    ids = [c["id"] for c in data["essay"]["criteria"]]
    if len(ids) != len(set(ids)):
        fail(["essay", "criteria"], "two essay criteria share an id")
    return data


def scale(data: dict, sid: str) -> Scale:
    s = data["scales"][sid]
    levels = tuple(Level(lv["label"], lv["points"], lv["points"], lv["description"]) for lv in s["levels"])
    return Scale(sid, s["title"], s["summary"], levels)


def criteria(data: dict | None = None) -> list[Scale]:
    """The essay's criteria, each a scale of bands (``Scale.id`` is the criterion's id)."""
    data = data or load()
    return [
        Scale(
            c["id"],
            c["title"],
            c["question"],
            tuple(Level(lv["label"], lv["min"], lv["max"], lv["description"]) for lv in c["levels"]),
        )
        for c in data["essay"]["criteria"]
    ]


def essay(data: dict | None = None) -> dict:
    return (data or load())["essay"]


@dataclass(frozen=True)
class Notebook:
    """What the marking needs from a chapter notebook's source, read once per version of it."""

    title: str  # its H1
    questions: tuple[questions.Question, ...]
    sections: tuple[tuple[str, str], ...]  # (answer id, prompt) of the sections with an answer cell
    blank: str  # an answer cell as the student gets it: what an unanswered cell holds


def notebook(chapter: str) -> Notebook:
    source = questions.notebook_path(chapter)
    return _notebook(chapter, str(source), source.stat().st_mtime_ns)


@lru_cache(maxsize=32)
def _notebook(chapter: str, source: str, mtime_ns: int) -> Notebook:
    nb = questions.notebook(chapter)
    cells = questions.answer_cells(nb, Path(source).name)
    heading = re.search(r"^# (.+)$", "\n".join(c.source for c in nb.cells if c.cell_type == "markdown"), re.M)
    return Notebook(
        heading.group(1).strip() if heading else "",
        tuple(questions.guided_questions(chapter, nb)),
        tuple((s, questions.section_prompt(chapter, s, nb)) for s in questions.SECTION_ANSWERS if s in cells),
        nb.cells[next(iter(cells.values()))].source.strip() if cells else "",
    )


def items(chapter: str, data: dict | None = None) -> list[Item]:
    """What a teacher marks in a chapter, in notebook order: each guided question, then the
    sections' answers the rubric marks (the exit ticket). A draft chapter has none yet."""
    data = data or load()
    marked = data["marked"]
    facts = notebook(chapter)
    answers = questions.model_answers(chapter) or {}
    out = [
        Item(
            chapter,
            q.id,
            f"{q.id} · {q.bloom} · {q.skill}",
            q.text,
            " ".join(answers.get(q.id, {}).get("answer", "").split()),
            tuple(answers.get(q.id, {}).get("look_for", [])),
            scale(data, marked["questions"]),
        )
        for q in facts.questions
    ]
    if not out:
        return []
    for section, prompt in facts.sections:
        if section in marked:
            out.append(
                Item(
                    chapter,
                    section,
                    section.replace("-", " ").capitalize(),
                    prompt,
                    "",
                    tuple(data["exit_tickets"].get(chapter, {}).get("look_for", [])),
                    scale(data, marked[section]),
                )
            )
    return out
