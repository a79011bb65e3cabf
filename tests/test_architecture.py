"""The package's parts and the one-way arrows between them (ARCHITECTURE.md), held by reading
every module's imports. A new import that points the wrong way fails here, naming the module."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "course"

# What each part may import from the course's own code. ``course`` itself (its __version__) and
# the leaves ``files`` and ``project`` are the foundation; ``content`` depends on nothing of ours.
ALLOWED = {
    "content": {"content"},
    "files": set(),
    "project": {"content"},
    "notebook": {"content", "grading", "project", "notebook"},
    "grading": {"content", "files", "grading", "course"},
    "book": {"content", "notebook", "publishing", "project", "grading", "book"},
    "publishing": {"content", "notebook", "project", "files", "publishing", "course"},
    # authoring: the sample exercise's public check is a salted digest (grading.formative)
    "authoring": {"content", "notebook", "grading", "project", "files", "authoring"},
    # marking: the teacher's marking reads content (rubrics, model answers) and grade-all's
    # reports as data, never the grader's code
    "marking": {"content", "files", "marking"},
    "cli": {"content", "grading", "publishing", "authoring", "marking", "project", "files"},
    "__main__": {"cli"},
    "__init__": set(),
}


def part_of(module: Path) -> str:
    rel = module.relative_to(PACKAGE)
    return rel.parts[0] if len(rel.parts) > 1 else rel.stem


def imported_parts(module: Path) -> dict[str, int]:
    """``{part: line}`` for every import of the course's own code in a module."""
    found = {}
    for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
        names = []
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module] if node.module != "course" else [f"course.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level > 0:
            raise AssertionError(f"{module}: relative import at line {node.lineno}; write course.<part>")
        for name in names:
            if name == "course" or name.startswith("course."):
                parts = name.split(".")
                top = parts[1] if len(parts) > 1 else "course"
                if top == "__version__":
                    top = "course"
                found.setdefault(top, node.lineno)
    return found


MODULES = sorted(p for p in PACKAGE.rglob("*.py") if "_content" not in p.parts)


def wrong_way(module: Path, part: str) -> str | None:
    wrong = {p: line for p, line in imported_parts(module).items() if p not in ALLOWED[part] | {part}}
    return (
        f"{module.name} ({part}) imports " + ", ".join(f"course.{p} (line {n})" for p, n in wrong.items())
        if wrong
        else None
    )


@pytest.mark.parametrize("module", MODULES, ids=[str(p.relative_to(PACKAGE)) for p in MODULES])
def test_imports_point_one_way(module):
    part = part_of(module)
    assert part in ALLOWED, f"{module.relative_to(PACKAGE)}: a new part; add it to ARCHITECTURE.md and here"
    assert wrong_way(module, part) is None, f"course/{module.relative_to(PACKAGE)}: {wrong_way(module, part)}"


def test_content_imports_no_sphinx():
    """Content is read by notebooks, the grader and teachers' tools: it must not need Sphinx."""
    for module in (PACKAGE / "content").rglob("*.py"):
        tree = ast.parse(module.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            assert not [n for n in names if n.split(".")[0] in {"sphinx", "docutils", "myst_nb"}], module


def test_the_check_can_fail(tmp_path):
    """Positive control: a content module that imports the book or the grader is caught, and
    the grader may not import the book."""
    bad = tmp_path / "wrong.py"
    bad.write_text("from course.book import setup\nimport course.grading.grade\n", encoding="utf-8")
    assert wrong_way(bad, "content") == "wrong.py (content) imports course.book (line 1), course.grading (line 2)"
    assert wrong_way(bad, "grading") == "wrong.py (grading) imports course.book (line 1)"
