"""What every directive of the course shares: rendering generated MyST in place, ¶ links."""

from __future__ import annotations

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.util.docutils import SphinxDirective

from course.content import seeds


def para_link(seed: str, n: int, label: str | None = None) -> str:
    """A MyST link to a paragraph, or plain text if no chapter renders that seed yet."""
    label = label or f"¶{n}"
    if seeds.chapter_page(seed):
        return f"[{label}](#{seeds.anchor(seed, n)})"
    return label if label.startswith(f"seed {seed} ") else f"seed {seed} {label}"


class MystDirective(SphinxDirective):
    """Base: render generated MyST text in place. Directives generate MyST and parse it where
    that is simpler than building nodes by hand (tables, glossary, answer keys)."""

    def parse_myst(self, text: str) -> list[nodes.Node]:
        box = nodes.container()
        self.state.nested_parse(
            StringList(text.splitlines(), source=self.get_source_info()[0]), self.content_offset, box
        )
        return box.children


def instructor_only(directive: SphinxDirective) -> None:
    if directive.config.course_edition != "instructor":
        raise directive.error(f"{directive.name} is instructor-only and must not be in the student edition")
