"""Threads: concepts and questions that run through several texts, read across them.

``data/threads.yml`` holds one entry per thread (what the bureaucracy is, "workers' state",
Thermidor and Bonapartism…): for each text that bears on it, the ¶s, a short quotation and one
sentence saying what that text claims; then what changes between the texts, what stays, where
they disagree, and a synthesis question. Its model answer and "look for" points live in
``instructor/answers/threads.yml`` (instructor edition only), read by ``synthesis_answers``.

Checked on load: the schema (``schemas/threads.schema.json``), at least three texts per thread,
each text once, every ¶ in its seed, and every quotation found in one of the ¶s it cites. A
problem raises ThreadError naming the file, the line and the thread.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from course.content import paths, seeds
from course.content.validate import validator

SCHEMAS = Path(__file__).resolve().parent / "schemas"
MIN_TEXTS = 3


class ThreadError(ValueError):
    """data/threads.yml (or the instructor's answers to it) must not be rendered as it is."""


@dataclass(frozen=True)
class Text:
    """What one text says on a thread."""

    seed: str
    paras: tuple[int, ...]
    quote: str
    claim: str

    @property
    def year(self) -> int | None:
        return text_year(self.seed)[0]


@dataclass(frozen=True)
class Thread:
    id: str
    title: str
    texts: tuple[Text, ...]  # in date order
    changes: str
    stays: str
    disagreements: tuple[str, ...]
    synthesis: str

    @property
    def page(self) -> str:
        """The docname of the thread's page in the book."""
        return f"threads/{self.id}"

    def text(self, seed: str) -> Text | None:
        return next((t for t in self.texts if t.seed == seed), None)


def path() -> Path:
    return paths.DATA / "threads.yml"


def answers_path() -> Path:
    return paths.INSTRUCTOR / "answers" / "threads.yml"


def text_year(seed: str) -> tuple[int | None, bool]:
    """The year a text was written, from the catalogue, and whether the catalogue states it
    (True) or the year is the earliest of a range it infers (seed 003, "the late 1980s … places
    it in 1987–1990": 1987, False). A text whose date names no year ("uncertain"): (None, False)."""
    years = text_years(seed)
    return (years[0] if years else None), len(years) == 1


def text_years(seed: str) -> tuple[int, ...]:
    """The year a text was written, or the first and last of the years the catalogue infers
    for an undated text; none if its date names no year."""
    date = seeds.get(seed).date
    if date[:4].isdigit():
        return (int(date[:4]),)
    years = [int(y) for y in re.findall(r"\b(\d{4})\b", date)]
    return (years[0], years[-1]) if years else ()


def date_order(seed: str) -> tuple:
    """A sort key: texts by year, a text with no year last, then by id."""
    year = text_year(seed)[0]
    return (year is None, year or 0, seed)


def year_label(seed: str) -> str:
    """ "1938", "c. 1987–1990" for an undated text, or the catalogue's date if it names no year."""
    years = text_years(seed)
    if not years:
        return seeds.get(seed).date
    return str(years[0]) if len(years) == 1 else f"c. {years[0]}–{years[-1]}"


def _flat(text: str) -> str:
    """Text as a quotation is compared: line breaks and runs of spaces folded, curly and straight
    quotation marks and apostrophes made one."""
    for a, b in (("’", "'"), ("‘", "'"), ("“", '"'), ("”", '"')):
        text = text.replace(a, b)
    return " ".join(text.split())


def quote_found(seed: str, paras: tuple[int, ...], quote: str) -> bool:
    """Whether ``quote`` is in one of the seed's ¶s ``paras``, word for word."""
    want = _flat(quote)
    return any(want in _flat(seeds.paragraphs(seed)[n - 1]) for n in paras)


def cited(text: str, default_seed: str | None) -> list[tuple[str, int, int]]:
    """The ¶s a thread's sentence cites, as (seed, first, last). A bare "¶12" belongs to the seed
    named last before it ("seed 004 ¶13, ¶18" is two ¶s of seed 004), or to ``default_seed``
    (a text's claim cites its own ¶s)."""
    from course.content.banks import PARA_REF  # banks checks items against threads

    out, current = [], default_seed
    for m in PARA_REF.finditer(text):
        current = m["seed"] or current
        if current:
            out.append((current, int(m["first"]), int(m["last"] or m["first"])))
    return out


def _line(root, index: int) -> int:
    try:
        return root.value[index].start_mark.line + 1
    except (AttributeError, IndexError):
        return 1


def _problems(entry: dict, where: str) -> list[str]:
    problems = []
    seen = set()
    for t in entry["texts"]:
        seed = t["seed"]
        if seed in seen:
            problems.append(f"{where}: seed {seed} is listed twice (one entry per text)")
        seen.add(seed)
        try:
            count = seeds.paragraph_count(seed)
        except KeyError as exc:
            problems.append(f"{where}: {exc.args[0]}")
            continue
        bad = [n for n in t["paras"] if n > count]
        if bad:
            problems.append(f"{where}, seed {seed}: no ¶{bad[0]} (the seed has ¶1–{count})")
        elif not quote_found(seed, tuple(t["paras"]), t["quote"]):
            paras = ", ".join(f"¶{n}" for n in t["paras"])
            problems.append(f"{where}, seed {seed}: the quotation {t['quote']!r} is not in {paras}")
    prose = [(t["claim"], t["seed"]) for t in entry["texts"]]
    prose += [(entry["changes"], None), (entry["stays"], None), *((d, None) for d in entry["disagreements"])]
    for text, seed in prose:
        for s, first, last in cited(text, seed):
            if s in seeds.catalogue() and not 1 <= first <= last <= seeds.paragraph_count(s):
                problems.append(f"{where}: cites seed {s} ¶{first}, which it does not have")
            elif s not in seeds.catalogue():
                problems.append(f"{where}: cites seed {s}, which the catalogue does not have")
    if len(seen) < MIN_TEXTS:
        problems.append(f"{where}: a thread runs through at least {MIN_TEXTS} texts (it has {len(seen)})")
    return problems


def load() -> list[Thread]:
    """The threads, checked; raises ThreadError listing every problem."""
    file = path()
    name = f"{file.parent.name}/{file.name}"
    text = file.read_text(encoding="utf-8")
    try:
        root, data = yaml.compose(text), yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ThreadError(f"{name}, line {mark.line + 1 if mark else '?'}: not valid YAML") from None
    schema = json.loads((SCHEMAS / "threads.schema.json").read_text(encoding="utf-8"))
    errors = sorted(validator(schema).iter_errors(data), key=lambda e: list(e.path))
    if errors:
        e = errors[0]
        line = _line(root, e.path[0]) if e.path and isinstance(e.path[0], int) else 1
        at = "/".join(str(p) for p in e.path) or "the top level"
        raise ThreadError(f"{name}, line {line}: {at}: {e.message}")
    problems, ids = [], set()
    for n, entry in enumerate(data):
        where = f"{name}, line {_line(root, n)}, thread {entry['id']}"
        if entry["id"] in ids:
            problems.append(f"{where}: duplicate id")
        ids.add(entry["id"])
        problems += _problems(entry, where)
    if problems:
        raise ThreadError("invalid threads:\n  " + "\n  ".join(problems))
    return [
        Thread(
            id=e["id"],
            title=e["title"],
            texts=tuple(
                sorted(
                    (Text(t["seed"], tuple(t["paras"]), t["quote"], " ".join(t["claim"].split())) for t in e["texts"]),
                    key=lambda t: date_order(t.seed),
                )
            ),
            changes=" ".join(e["changes"].split()),
            stays=" ".join(e["stays"].split()),
            disagreements=tuple(" ".join(d.split()) for d in e["disagreements"]),
            synthesis=" ".join(e["synthesis"].split()),
        )
        for e in data
    ]


@cache
def _cached(file: str, mtime_ns: int) -> tuple[Thread, ...]:
    return tuple(load())


def all_threads() -> tuple[Thread, ...]:
    """Every thread, in the file's order (read again when the file, or the content root, changes)."""
    return _cached(str(path()), path().stat().st_mtime_ns)


def get(thread_id: str) -> Thread:
    for t in all_threads():
        if t.id == thread_id:
            return t
    known = ", ".join(t.id for t in all_threads())
    raise KeyError(f"no thread {thread_id!r} in data/threads.yml (known: {known})")


def of_seed(seed: str) -> list[Thread]:
    """The threads a text bears on."""
    return [t for t in all_threads() if t.text(seed)]


def synthesis_answers() -> dict[str, dict]:
    """The model answer and "look for" points of every thread's synthesis question, from
    ``instructor/answers/threads.yml``: instructor edition and teachers' tools only."""
    file = answers_path()
    name = f"{file.parent.parent.name}/{file.parent.name}/{file.name}"
    data = yaml.safe_load(file.read_text(encoding="utf-8"))
    schema = json.loads((SCHEMAS / "thread_answers.schema.json").read_text(encoding="utf-8"))
    errors = list(validator(schema).iter_errors(data))
    if errors:
        at = "/".join(str(p) for p in errors[0].path) or "the top level"
        raise ThreadError(f"{name}: {at}: {errors[0].message}")
    ids = [t.id for t in all_threads()]
    missing, extra = [i for i in ids if i not in data], [i for i in data if i not in ids]
    if missing or extra:
        raise ThreadError(
            f"{name}: one model answer per thread of data/threads.yml"
            + (f"; missing: {', '.join(missing)}" if missing else "")
            + (f"; no such thread: {', '.join(extra)}" if extra else "")
        )
    for key, value in data.items():
        for text in (value["answer"], *value["look_for"]):
            for s, first, last in cited(text, None):
                if s not in seeds.catalogue() or not 1 <= first <= last <= seeds.paragraph_count(s):
                    raise ThreadError(f"{name}, thread {key}: cites seed {s} ¶{first}, which does not exist")
    return {k: {"answer": " ".join(v["answer"].split()), "look_for": list(v["look_for"])} for k, v in data.items()}
