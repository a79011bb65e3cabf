"""Guided questions: written in the chapter notebooks, answered in ``instructor/answers``.

A question is a heading ``### Q<n> · <Bloom level> · <skill>`` in the notebook, followed by
its text up to the student's answer cell (``**Your answer:**``). The model answer lives apart,
in ``instructor/answers/<chapter>.yml``, so it never reaches a student notebook or page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

from course.content import paths
from course.content.banks import taxonomy

BLOOM = taxonomy("bloom")  # Remember … Create, from the quiz bank schema
SKILLS = taxonomy("skill")
HEADING = re.compile(
    rf"^### (Q\d+) · ({'|'.join(BLOOM)}) · ({'|'.join(SKILLS)})[ \t]*$", re.MULTILINE)
ANY_Q_HEADING = re.compile(r"^### Q\d+\b.*$", re.MULTILINE)


@dataclass(frozen=True)
class Question:
    id: str
    bloom: str
    skill: str
    text: str


def notebook_path(chapter: str):
    return paths.CHAPTERS / f"{chapter}_notebook.md"


def guided_questions(chapter: str) -> list[Question]:
    src = notebook_path(chapter).read_text(encoding="utf-8")
    bad = [h for h in ANY_Q_HEADING.findall(src) if not HEADING.match(h)]
    if bad:
        raise ValueError(f"{notebook_path(chapter).name}: malformed question heading {bad[0]!r}; "
                         "expected '### Q<n> · <Bloom level> · <skill>'")
    found = list(HEADING.finditer(src))
    out = []
    for m, nxt in zip(found, found[1:] + [None]):
        body = src[m.end(): nxt.start() if nxt else len(src)]
        body = body.split("**Your answer:**")[0].split("\n## ")[0].strip()
        out.append(Question(m.group(1), m.group(2), m.group(3), body))
    return out


def model_answers(chapter: str) -> dict:
    return yaml.safe_load((paths.INSTRUCTOR / "answers" / f"{chapter}.yml").read_text(encoding="utf-8"))
