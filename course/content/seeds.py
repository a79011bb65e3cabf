"""The source texts: catalogue, verbatim text, numbered paragraphs and listed emendations.

Paragraph rule (the ¶ numbers every question, quiz item and glossary entry cites):
a paragraph is a block of text between blank lines; in a block made only of numbered lines
("1. …", "2. …") each line is a paragraph of its own. Numbering starts at 1 with the first
block of the file, header lines included, so nothing in the file goes unnumbered.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache, lru_cache

import yaml

from course.content import paths

_NUMBERED_LINE = re.compile(r"^\s*\d+\.\s")
_BLANK_LINES = re.compile(r"\n[ \t]*\n")


@dataclass(frozen=True)
class Seed:
    id: str
    file: str
    title: str
    author: str
    date: str
    kind: str
    chapter: str | None
    sha256: str
    meta: dict

    @property
    def path(self):
        return paths.SEEDS / self.file


@dataclass(frozen=True)
class Emendation:
    seed: str
    paragraph: int
    original: str
    reading: str
    reason: str


@lru_cache(maxsize=1)
def catalogue() -> dict[str, Seed]:
    entries = yaml.safe_load((paths.SEEDS / "catalogue.yml").read_text(encoding="utf-8"))
    seeds = {}
    for e in entries:
        sid = str(e["id"])
        seeds[sid] = Seed(
            id=sid,
            file=e["file"],
            title=e["title"],
            author=e["author"],
            date=str(e["date"]),
            kind=e["kind"],
            chapter=e.get("chapter"),
            sha256=e["sha256"],
            meta=e,
        )
    return seeds


def get(seed_id: str) -> Seed:
    try:
        return catalogue()[str(seed_id)]
    except KeyError:
        known = ", ".join(sorted(catalogue()))
        raise KeyError(f"unknown seed {seed_id!r} (known: {known})") from None


def text(seed_id: str) -> str:
    """The seed exactly as received."""
    return get(seed_id).path.read_text(encoding="utf-8")


def split_paragraphs(raw: str) -> list[str]:
    """Split a text into paragraphs by the rule in this module's docstring.

    Lines inside a paragraph keep their line breaks (headers are often several short lines);
    leading and trailing whitespace of each line is dropped.
    """
    paras: list[str] = []
    for block in _BLANK_LINES.split(raw.replace("\r\n", "\n")):
        lines = [ln.strip() for ln in block.split("\n") if ln.strip()]
        if not lines:
            continue
        if len(lines) > 1 and all(_NUMBERED_LINE.match(ln) for ln in lines):
            paras.extend(lines)
        else:
            paras.append("\n".join(lines))
    return paras


@cache
def paragraphs(seed_id: str) -> tuple[str, ...]:
    """Paragraph texts of a seed; paragraph n is ``paragraphs(seed)[n - 1]``."""
    return tuple(split_paragraphs(text(seed_id)))


def paragraph_count(seed_id: str) -> int:
    return len(paragraphs(seed_id))


@lru_cache(maxsize=1)
def _all_emendations() -> tuple[Emendation, ...]:
    with open(paths.SEEDS / "emendations.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    out = []
    for row in rows:
        em = Emendation(
            seed=row["seed"],
            paragraph=int(row["paragraph"]),
            original=row["original"],
            reading=row["reading"],
            reason=row["reason"],
        )
        para = paragraphs(em.seed)[em.paragraph - 1]
        if para.count(em.original) != 1:
            raise ValueError(
                f"seeds/emendations.csv: {em.original!r} must occur exactly once in seed {em.seed} ¶{em.paragraph}"
            )
        out.append(em)
    return tuple(out)


def clear_caches() -> None:
    """Forget the catalogue, paragraphs and emendations read so far (a long-running build, such
    as sphinx-autobuild, calls this before each build, so an edited seed file is seen)."""
    for cached in (catalogue, paragraphs, _all_emendations):
        cached.cache_clear()


def emendations(seed_id: str | None = None) -> list[Emendation]:
    return [e for e in _all_emendations() if seed_id is None or e.seed == str(seed_id)]


def anchor(seed_id: str, n: int) -> str:
    """The ¶ anchor of paragraph ``n`` of a seed (``s000-p12``): the one place its format is
    written. Readings render it, links and quiz feedback point at it, and the site's recorded
    addresses (``links/addresses.txt``) keep it."""
    return f"s{seed_id}-p{n}"


def chapter_page(seed_id: str) -> str | None:
    """Docname of the chapter that renders this seed's reading, or None if none does yet."""
    return get(seed_id).chapter


def chapters() -> list[tuple[str, str]]:
    """(chapter slug, seed id) for every seed that has a chapter, in course order."""
    return sorted((s.chapter.rsplit("/", 1)[-1], s.id) for s in catalogue().values() if s.chapter)
