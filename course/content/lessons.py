"""What the code needs from a lesson plan, kept as data in the plan's front matter.

A lesson plan (``instructor/<slug>_lesson.md``) is prose and tables for a teacher. What a program
builds from it sits in its YAML front matter under ``deck:``, never read out of the prose:

```yaml
deck:
  projections:             # the passages the plan projects, each slide side by side
    - title: Programme versus demands
      passages: ["000:6", "000:9", "000:21-26"]      # one column per entry; a list is one column
  discussion:              # the plan's discussion prompts (its page renders them from here)
    - prompt: What had gone wrong with the soviets, according to the Platform?
      answers: ["Attributed claims ...", "..."]      # what good answers contain (MyST)
  live_quiz: [s000-q01, s000-q02]                    # bank items to run with the class
  exit_ticket: s000-x01                              # a bank item
```

Passages are ¶ references as the quiz banks write them (``"000:21-26"``: seed, first, last ¶);
their text comes from the seed, the items' text from the banks. ``deck(slug)`` checks all of it
and names the file and line of anything wrong.
"""

from __future__ import annotations

from dataclasses import dataclass

import yaml

from course.content import banks, chapters, paths, seeds

KEYS = {"projections", "discussion", "live_quiz", "exit_ticket"}
MAX_COLUMNS = 4  # side by side on one projected slide


class LessonError(ValueError):
    """A lesson plan whose data cannot be used; the message names the file and line."""


@dataclass(frozen=True)
class Passage:
    seed: str
    first: int
    last: int

    @property
    def label(self) -> str:
        span = f"¶{self.first}" + (f"–{self.last}" if self.last != self.first else "")
        return f"seed {self.seed} {span}"

    def paragraphs(self) -> list[tuple[int, str]]:
        """(¶ number, text) of each paragraph, from the seed."""
        texts = seeds.paragraphs(self.seed)
        return [(n, texts[n - 1]) for n in range(self.first, self.last + 1)]


@dataclass(frozen=True)
class Projection:
    title: str
    columns: tuple[tuple[Passage, ...], ...]  # side by side; each column one or more passages


@dataclass(frozen=True)
class Prompt:
    prompt: str  # MyST
    answers: tuple[str, ...]  # what good answers contain, each MyST


@dataclass(frozen=True)
class Deck:
    slug: str
    projections: tuple[Projection, ...]
    discussion: tuple[Prompt, ...]
    live_quiz: tuple[str, ...]
    exit_ticket: str


def path(slug: str):
    return paths.INSTRUCTOR / f"{slug}_lesson.md"


def _node_at(node: yaml.Node | None, where: tuple) -> yaml.Node | None:
    """The YAML node at a path of keys and indexes, or the deepest one that exists."""
    for step in where:
        if isinstance(node, yaml.MappingNode):
            found = [v for k, v in node.value if k.value == step]
            if not found:
                return node
            node = found[0]
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value):
            node = node.value[step]
        else:
            return node
    return node


class _Checker:
    def __init__(self, source: str, head: str):
        self.source, self.problems = source, []
        try:
            self.root = yaml.compose(head)
        except yaml.YAMLError:
            self.root = None

    def fail(self, where: tuple, message: str) -> None:
        node = _node_at(self.root, where)
        line = node.start_mark.line + 2 if node is not None else 1  # the front matter starts on line 2
        key = "deck" + "".join(f"[{s}]" if isinstance(s, int) else f".{s}" for s in where[1:])
        self.problems.append(f"{self.source}, line {line} ({key}): {message}")

    def text(self, value, where: tuple) -> str:
        if not isinstance(value, str) or not value.strip():
            self.fail(where, "must be a non-empty text")
            return ""
        return value.strip()

    def items(self, value, where: tuple) -> list:
        if not isinstance(value, list) or not value:
            self.fail(where, "must be a non-empty list")
            return []
        return value

    def passage(self, value, where: tuple) -> Passage | None:
        if not isinstance(value, str) or ":" not in value:
            self.fail(where, f'{value!r} is not a ¶ reference such as "000:21-26"')
            return None
        try:
            ref = banks.parse_ref(value)
        except ValueError:
            self.fail(where, f'{value!r} is not a ¶ reference such as "000:21-26"')
            return None
        try:
            count = seeds.paragraph_count(ref.seed)
        except KeyError as exc:
            self.fail(where, exc.args[0])
            return None
        if not 1 <= ref.first <= ref.last <= count:
            self.fail(where, f"seed {ref.seed} has no ¶{ref.first}–{ref.last} (it has ¶1–{count})")
            return None
        return Passage(ref.seed, ref.first, ref.last)

    def item_id(self, value, where: tuple) -> str:
        value = self.text(value, where)
        if value:
            try:
                banks.item(value)
            except KeyError as exc:
                self.fail(where, exc.args[0])
        return value


def deck(slug: str) -> Deck:
    """The plan's ``deck:`` data, checked: every ¶ exists, every item is in a bank."""
    file = path(slug)
    source = str(file.relative_to(paths.ROOT)) if file.is_relative_to(paths.ROOT) else str(file)
    if not file.is_file():
        raise LessonError(f"{source}: no lesson plan for chapter {slug}")
    text = file.read_text(encoding="utf-8")
    head = text[4:].partition("\n---")[0] if text.startswith("---\n") else ""
    try:
        data = chapters.front_matter(text).get("deck")
    except yaml.YAMLError as exc:
        raise LessonError(f"{source}: the front matter is not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise LessonError(
            f"{source}, line 1: the front matter has no 'deck:' mapping (projections, discussion, "
            "live_quiz, exit_ticket); see course/content/lessons.py"
        )
    c = _Checker(source, head)
    for extra in sorted(set(data) - KEYS):
        c.fail(("deck", extra), f"unknown key (known: {', '.join(sorted(KEYS))})")
    for missing in sorted(KEYS - set(data)):
        c.fail(("deck",), f"'{missing}' is missing")

    projections = []
    for i, proj in enumerate(c.items(data.get("projections"), ("deck", "projections"))):
        where = ("deck", "projections", i)
        if not isinstance(proj, dict) or set(proj) != {"title", "passages"}:
            c.fail(where, "a projection has a 'title' and 'passages' (and nothing else)")
            continue
        columns = []
        for j, col in enumerate(c.items(proj["passages"], (*where, "passages"))):
            refs = col if isinstance(col, list) else [col]
            found = [c.passage(r, (*where, "passages", j)) for r in refs]
            columns.append(tuple(p for p in found if p))
        if len(columns) > MAX_COLUMNS:
            c.fail((*where, "passages"), f"at most {MAX_COLUMNS} columns fit side by side on a slide")
        projections.append(Projection(c.text(proj["title"], (*where, "title")), tuple(columns)))

    prompts = []
    for i, p in enumerate(c.items(data.get("discussion"), ("deck", "discussion"))):
        where = ("deck", "discussion", i)
        if not isinstance(p, dict) or set(p) != {"prompt", "answers"}:
            c.fail(where, "a discussion prompt has a 'prompt' and 'answers' (and nothing else)")
            continue
        answers = c.items(p["answers"], (*where, "answers"))
        prompts.append(
            Prompt(
                c.text(p["prompt"], (*where, "prompt")),
                tuple(c.text(a, (*where, "answers", k)) for k, a in enumerate(answers)),
            )
        )

    quiz = c.items(data.get("live_quiz"), ("deck", "live_quiz"))
    live = tuple(c.item_id(q, ("deck", "live_quiz", i)) for i, q in enumerate(quiz))
    exit_ticket = c.item_id(data.get("exit_ticket"), ("deck", "exit_ticket"))
    if c.problems:
        raise LessonError("invalid lesson plan data:\n  " + "\n  ".join(c.problems))
    return Deck(slug, tuple(projections), tuple(prompts), live, exit_ticket)
