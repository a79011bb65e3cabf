"""What a chapter is: its page's required sections, its draft state, and its outline.

A chapter is identified by its slug (``01_soviets``) and listed once, as the ``chapter:`` of its
seed in ``seeds/catalogue.yml`` (``seeds.chapters()``). Its files follow from the slug:
``chapters/<slug>.md`` (the reading), ``chapters/<slug>_notebook.md``, ``quizzes/<slug>.yml``,
``exercises/<slug>/``, ``instructor/answers/<slug>.yml``.
"""

from __future__ import annotations

import re

import yaml

from course.content import paths, seeds

# The h2 sections every chapter page has, in order. The scaffold writes them and the book
# tests check the finished chapters against this same list.
TEMPLATE_SECTIONS = (
    "At a glance",
    "Sourcing card",
    "Context",
    "Central question",
    "Before you read",
    "The reading",
    "Reading a polemic fairly",
    "Corroboration",
    "Fact-check",
    "Key terms",
    "Key people",
    "Summary",
)

# The banner class that marks a page as a draft (a new chapter from ``course new-chapter``).
DRAFT_CLASS = "course-draft"
_DRAFT = re.compile(rf"^:class:.*\b{DRAFT_CLASS}\b", re.MULTILINE)


class ChapterError(ValueError):
    """A chapter page that lacks what the course reads from it."""


def is_draft(page_text: str) -> bool:
    """True while a chapter page still carries the draft banner."""
    return bool(_DRAFT.search(page_text))


def page(slug: str):
    return paths.CHAPTERS / f"{slug}.md"


def draft(slug: str) -> bool:
    """True while the chapter is a draft (its page carries the draft banner): it has every file
    a chapter has, but not yet what only writing gives it (questions, quiz items, a timeline)."""
    return is_draft(page(slug).read_text(encoding="utf-8"))


def published() -> list[str]:
    """The chapters students see, in course order: every chapter but the drafts. A draft
    builds for its author (``course build-book --drafts``) and in the instructor edition, and
    reaches students (the site, its notebooks, the handouts) once its banner is gone."""
    return [slug for slug, _ in seeds.chapters() if not draft(slug)]


def front_matter(text: str) -> dict:
    """The YAML front matter of a MyST page (``---`` … ``---`` at its top), or ``{}``."""
    if not text.startswith("---\n"):
        return {}
    head, sep, _ = text[4:].partition("\n---")
    return (yaml.safe_load(head) or {}) if sep else {}


def body(text: str) -> str:
    """A MyST page's text without its front matter."""
    if text.startswith("---\n"):
        head, sep, rest = text[4:].partition("\n---\n")
        if sep:
            return rest
    return text


def title(text: str) -> str:
    """The page's H1 (the first line starting with ``# ``, after any front matter)."""
    m = re.search(r"^# (.+)$", body(text), re.MULTILINE)
    if not m:
        raise ChapterError("no '# Title' line")
    return m.group(1).strip()


def outline(slug: str) -> dict:
    """Title, central question and estimated minutes, for the syllabus. The minutes are data,
    ``myst: substitutions: minutes: N`` in the page's front matter; the title and the question are read
    from the page itself (its H1 and the bold line under "## Central question"), the one place
    a reader sees them. The minutes are a MyST substitution, so the page's text shows the same
    number (``About {{ minutes }} minutes``). A draft may lack the question and the time."""
    text = page(slug).read_text(encoding="utf-8")
    central = text.partition("\n## Central question")[2].split("\n## ", 1)[0]  # that section only
    question = re.search(r"^\*\*(.+?)\*\*\s*$", central, re.M)
    minutes = ((front_matter(text).get("myst") or {}).get("substitutions") or {}).get("minutes")
    draft = is_draft(text)
    if not (question and isinstance(minutes, int)) and not draft:
        raise ChapterError(
            f"chapters/{slug}.md: the syllabus needs a bold central question under "
            "'## Central question', and its minutes in the front matter "
            "(myst: substitutions: minutes: N), which the text quotes as {{ minutes }}"
        )
    return {
        "title": title(text),
        "question": question.group(1) if question else None,
        "minutes": minutes if isinstance(minutes, int) else None,
        "draft": draft,
    }
