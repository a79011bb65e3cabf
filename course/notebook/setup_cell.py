"""The setup cell every student notebook starts with, and its place in a notebook.

Where ``course`` imports (the book, a clone, Binder) the cell does nothing; elsewhere (Colab, a
downloaded notebook) it installs the course's release. Its program is a template file,
``templates/setup_cell.py.jinja``, filled in with the version (``pyproject.toml``) and the install
source (the repository in ``_config.yml``). ``course sync`` writes it into the notebook sources and
a test fails when a source has drifted.
"""

from __future__ import annotations

import re
from pathlib import Path

import jinja2

from course import project

SETUP_MARK = "# Course setup"  # the cell's first line: how the cell is found again
SETUP_TITLE = "#@title Course setup: run this cell first"  # Colab shows a form cell by its title
TEMPLATES = Path(__file__).resolve().parent / "templates"


def setup_cell(root: Path | None = None) -> str:
    """The setup cell's source, for the current version and repository."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
        autoescape=False,
    )
    return env.get_template("setup_cell.py.jinja").render(
        release=f"v{project.version(root)}", source=project.install_source(root)
    )


def setup_cell_myst(root: Path | None = None) -> str:
    """The setup cell as a MyST code cell, hidden in the book (``remove-cell``)."""
    return f"```{{code-cell}} ipython3\n:tags: [remove-cell]\n{setup_cell(root)}\n```\n"


_MYST_SETUP = re.compile(
    r"```\{code-cell\} ipython3\n:tags: \[remove-cell\]\n" + re.escape(SETUP_MARK) + r".*?\n```\n", re.DOTALL
)


def with_setup_cell(text: str, root: Path | None = None) -> str:
    """A MyST notebook's text with the current setup cell at its top, under its title."""
    cell = setup_cell_myst(root)
    if _MYST_SETUP.search(text):
        return _MYST_SETUP.sub(lambda m: cell, text, count=1)
    title = re.search(r"^# .*\n", text, re.MULTILINE)
    if not title:
        raise ValueError("no '# Title' line: the setup cell goes under a notebook's title")
    return f"{text[: title.end()]}\n{cell}{text[title.end() :]}"


def fold(nb):
    """Show the setup cell folded: a title and no code in Colab (a "form" cell), the input
    collapsed in JupyterLab. Students run it; they need not read 60 lines of pip handling."""
    for cell in nb.cells:
        if cell.cell_type == "code" and cell.source.startswith(SETUP_MARK):
            cell.source = f"{SETUP_TITLE}\n{cell.source}"
            cell.metadata["cellView"] = "form"
            cell.metadata.setdefault("jupyter", {})["source_hidden"] = True
    return nb
