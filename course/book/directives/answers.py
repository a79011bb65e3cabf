"""Instructor-only directives: a bank's answer key, a chapter's model answers. In the student
edition they are an error, so a key can never reach students by a slip in a page."""

from __future__ import annotations

from course.book.directives.base import MystDirective, instructor_only
from course.content import banks, paths
from course.content.questions import guided_questions, model_answers
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


class ModelAnswers(MystDirective):
    """```{model-answers} 01_soviets``` — each guided question with its model answer."""

    required_arguments = 1

    def run(self):
        instructor_only(self)
        chapter = self.arguments[0]
        self.env.note_dependency(str(paths.INSTRUCTOR / "answers" / f"{chapter}.yml"))
        self.env.note_dependency(str(paths.CHAPTERS / f"{chapter}_notebook.md"))
        answers = model_answers(chapter)
        lines = []
        for q in guided_questions(chapter):
            a = answers[q.id]
            lines += [
                f"**{q.id} · {q.bloom} · {q.skill}**",
                "",
                q.text,
                "",
                f"*Model answer.* {' '.join(a['answer'].split())}",
                "",
                "*Look for:*",
                "",
            ]
            lines += [f"- {x}" for x in a.get("look_for", [])] + [""]
        return self.parse_myst("\n".join(lines))
