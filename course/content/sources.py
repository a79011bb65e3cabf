"""What a ``source`` value in a data file may say, and the works it may cite.

A source names something a reader can check: one or more parts separated by "; ", each either
a seed paragraph (``seed 004 ¶17``, ``seed 001 ¶51–52``, ``seed 003 ¶114 and ¶125``) or a
published work in ``references.bib`` cited as the bibliography prints it, "Surname Year"
(``Deutscher 1959``, ``Kryshtanovskaya and White 1996``). A part may go on with a comment in
brackets or after a comma: ``Carr 1950 (The Interregnum)``. Anything else (an internal brief,
"the fact base", "usually said") is not a source.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from course.content import paths, seeds

ENTRY = re.compile(r"^@(\w+)\{([^,\s]+),(.*?)^\}", re.M | re.S)
SEED_PART = re.compile(r"^seed (\d{3}) ¶(\d+)(?:[–-](\d+))?((?:(?:,| and) ¶\d+(?:[–-]\d+)?)*)(?=$|[ ,(])")
WORK_PART = re.compile(r"^(?P<names>[^\d;(),]+?) (?P<year>\d{4}|n\.d\.)(?=$|[ ,(])")
MORE_PARAS = re.compile(r"¶(\d+)(?:[–-](\d+))?")


class SourceError(ValueError):
    """A source value that does not resolve; the message says which part and why."""


@dataclass(frozen=True)
class Work:
    key: str
    names: tuple[str, ...]  # the surname of each author (or editor), or a body's whole name
    year: str


def _field(body: str, name: str) -> str | None:
    m = re.search(rf"^\s*{name}\s*=\s*\{{(.*)\}},?\s*$", body, re.M)
    return m.group(1) if m else None


def _surnames(people: str) -> tuple[str, ...]:
    if people.startswith("{") and people.endswith("}"):  # a body, not a person: {{Name}}
        return (people[1:-1],)
    return tuple(p.split(",")[0].strip() if "," in p else p.split()[-1] for p in people.split(" and "))


def works() -> dict[str, Work]:
    """Every entry of references.bib, by key."""
    text = (paths.ROOT / "references.bib").read_text(encoding="utf-8")
    out = {}
    for _kind, key, body in ENTRY.findall(text):
        people = _field(body, "author") or _field(body, "editor") or ""
        year = _field(body, "year") or ""
        out[key] = Work(key, _surnames(people) if people else (), year[:4] if year[:4].isdigit() else year)
    return out


def find_work(label: str, year: str, known: dict[str, Work] | None = None) -> Work:
    """The one work a "Surname Year" (or "A and B Year", "Body Year") label names."""
    known = works() if known is None else known
    first = re.split(r" and | et al\.", label)[0].strip()
    hits = [w for w in known.values() if w.year == year and w.names and w.names[0].startswith(first)]
    if len(hits) != 1:
        why = "no entry" if not hits else f"{len(hits)} entries ({', '.join(w.key for w in hits)})"
        raise SourceError(f"“{label} {year}” names {why} in references.bib")
    return hits[0]


def _split(value: str) -> list[str]:
    """The parts of a value: split at "; " outside brackets."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(value):
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if ch == ";" and depth == 0:
            parts.append(value[start:i])
            start = i + 1
    return [p.strip() for p in [*parts, value[start:]]]


def parse(value: str, known: dict[str, Work] | None = None) -> list[tuple[str, str]]:
    """The parts of a source value as ("seed", "NNN ¶n") or ("work", bibliography key);
    raises SourceError naming the first part that is neither."""
    known = works() if known is None else known
    parts = []
    for part in _split(value):
        if m := SEED_PART.match(part):
            seed = m.group(1)
            try:
                count = seeds.paragraph_count(seed)
            except Exception as exc:  # an unknown seed
                raise SourceError(f"“{part}”: no seed {seed}") from exc
            for first, last in [(m.group(2), m.group(3)), *MORE_PARAS.findall(m.group(4) or "")]:
                for n in (int(first), int(last or first)):
                    if not 1 <= n <= count:
                        raise SourceError(f"“{part}”: seed {seed} has {count} paragraphs, not ¶{n}")
            parts.append(("seed", f"{seed} ¶{m.group(2)}"))
        elif m := WORK_PART.match(part):
            parts.append(("work", find_work(m.group("names"), m.group("year"), known).key))
        else:
            raise SourceError(f"“{part}” is neither a seed ¶ (“seed 004 ¶17”) nor a work (“Deutscher 1959”)")
    return parts


def with_links(value: str, link, known: dict[str, Work] | None = None) -> str:
    """The value with each work's "Surname Year" replaced by ``link(key, label)`` (a page
    renders it as a citation); seed parts and comments are kept as written."""
    known = works() if known is None else known
    out = []
    for part in _split(value):
        if not SEED_PART.match(part) and (m := WORK_PART.match(part)):
            label = m.group(0)
            part = link(find_work(m.group("names"), m.group("year"), known).key, label) + part[len(label) :]
        out.append(part)
    return "; ".join(out)
