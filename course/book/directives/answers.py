"""Instructor-only directives: a bank's answer key, a chapter's model answers, a lesson plan's
discussion prompts. In the student edition they are an error, so a key can never reach students by a slip in a page."""

from __future__ import annotations

from course.book.directives.base import MystDirective, instructor_only
from course.content import banks, lessons, paths, rubrics
from course.notebook.widget import feedback_markdown


class QuizKey(MystDirective):
    """```{quiz-key} 01_soviets``` — the bank's key with the reason for every option."""

    required_arguments = 1

    def run(self):
        instructor_only(self)
        self.env.note_dependency(str(paths.QUIZZES / f"{self.arguments[0]}.yml"))
        bank = banks.all_banks()[self.arguments[0]]
        lines = []
        for it in bank["items"]:
            lines += [
                f"**{it['id']}** · {it['bloom']} · {it['skill']} · rests on " + ", ".join(it["refs"]),
                "",
                it["question"],
                "",
            ]
            for letter, o in zip("ABCD", it["options"]):
                mark = "**key**" if o["correct"] else "distractor"
                lines.append(f"- {letter} ({mark}): {o['text']} — *{feedback_markdown(o['feedback'], it['seed'])}*")
            lines.append("")
        return self.parse_myst("\n".join(lines))


class DiscussionPrompts(MystDirective):
    """```{discussion-prompts} 01_soviets``` — the lesson plan's discussion prompts, each with
    what good answers contain, from the ``deck: discussion:`` data of its front matter (the
    lesson's projector deck shows the same prompts: one source for both)."""

    required_arguments = 1

    def run(self):
        instructor_only(self)
        self.env.note_dependency(str(lessons.path(self.arguments[0])))
        try:
            deck = lessons.deck(self.arguments[0])
        except lessons.LessonError as exc:
            raise self.error(str(exc)) from None
        lines = []
        for n, p in enumerate(deck.discussion, 1):
            lines += [f"**{n}. {p.prompt}**", "", "What good answers contain:", ""]
            lines += [f"- {a}" for a in p.answers] + [""]
        return self.parse_myst("\n".join(lines))


def scale_table(scale: rubrics.Scale, caption: str) -> list[str]:
    """A points scale as a MyST table: level, points, what it looks like."""
    rows = [f"| {lv.label} | {lv.points} | {' '.join(lv.description.split())} |" for lv in scale.levels]
    return [f"```{{table}} {caption}", "| Level | Points | What it looks like |", "|---|---|---|", *rows, "```", ""]


class ModelAnswers(MystDirective):
    """```{model-answers} 01_soviets``` — the scale each answer is marked on, then each guided
    question with its model answer and "look for" points, then the exit ticket's."""

    required_arguments = 1

    def run(self):
        instructor_only(self)
        chapter = self.arguments[0]
        for source in (
            paths.INSTRUCTOR / "answers" / f"{chapter}.yml",
            paths.CHAPTERS / f"{chapter}_notebook.md",
            rubrics.path(),
        ):
            self.env.note_dependency(str(source))
        items = rubrics.items(chapter)
        lines, shown = [], set()
        for item in items:  # each scale once, before the answers marked on it
            if item.scale.id not in shown:
                shown.add(item.scale.id)
                lines += [f"*{item.scale.title}: 0–{item.scale.max} points.* {item.scale.summary}", ""]
                lines += scale_table(item.scale, f"{item.scale.title}: the points scale")
        for item in items:
            lines += [f"**{item.title}** · 0–{item.scale.max} points", "", item.prompt, ""]
            if item.model_answer:
                lines += [f"*Model answer.* {item.model_answer}", ""]
            if item.look_for:
                lines += ["*Look for:*", ""] + [f"- {x}" for x in item.look_for] + [""]
        return self.parse_myst("\n".join(lines))


class Rubric(MystDirective):
    """```{essay-rubric}``` — the synthesis essay's criteria at a glance, then each criterion's
    levels, from instructor/rubrics.yml."""

    def run(self):
        instructor_only(self)
        self.env.note_dependency(str(rubrics.path()))
        criteria = rubrics.criteria()
        lines = [
            "| Criterion | Points | The question it asks |",
            "|---|---|---|",
            *(f"| {n}. {c.title} | {c.max} | {c.summary} |" for n, c in enumerate(criteria, 1)),
            f"| **Total** | **{sum(c.max for c in criteria)}** | |",
            "",
        ]
        for n, c in enumerate(criteria, 1):
            lines += scale_table(c, f"{n}. {c.title} ({c.max} points)")
        return self.parse_myst("\n".join(lines))
