"""Notebooks that run anywhere a student opens them: the book, a clone, a download, Binder, Colab.

- ``course sync``: the setup cell (``course.notebook.setup_cell``) written into every notebook
  source, and ``binder/``; ``tests/test_anywhere.py`` fails when either has drifted.
- **Clean student notebooks** (no outputs, setup cell first), published by the book under
  ``notebooks/`` (Colab opens them from the ``gh-pages`` branch; the download button offers
  them) and written by Binder's ``postBuild`` at the same path.
- The **Binder environment** (``binder/``), generated from the pinned dependencies.
- The **launch links** the book puts on notebook and exercise pages.

Everything here reads the repository (``pyproject.toml``, ``_config.yml``, ``chapters/``): these
are the book's and the maintainers' tools, not something a notebook imports.
"""

from __future__ import annotations

import posixpath
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from course import project
from course.content import exercises as exlib
from course.content import paths, validate
from course.content.chapters import front_matter
from course.notebook import setup_cell

NOTEBOOKS = "notebooks"  # where clean student notebooks live: in the built site and in Binder
PAGES_BRANCH = "gh-pages"  # the branch the site is published to (shared with the deploy workflow)


def notebook_pages() -> dict[str, Path]:
    """``{page name: source}`` for every page of the book that is a notebook (a MyST file
    whose front matter has a kernelspec): chapter notebooks, the primer, the timeline."""
    toc = project.toc()
    pages = {}
    for name in [toc["root"], *project.toc_files(toc)]:
        name = str(name).removesuffix(".md")
        src = paths.ROOT / f"{name}.md"
        if src.exists() and "kernelspec" in front_matter(src.read_text(encoding="utf-8")):
            pages[name] = src
    return pages


def notebook_name(page: str) -> str:
    """The published file name of a notebook page: ``chapters/01_soviets_notebook`` ->
    ``01_soviets_notebook.ipynb``."""
    return f"{page.rsplit('/', 1)[-1]}.ipynb"


def notebook_sources() -> list[Path]:
    """Every MyST source a student notebook is made from: notebook pages and exercises."""
    return [*notebook_pages().values(), *(ex.source for ex in exlib.all_exercises())]


# ---------------------------------------------------------------- clean student notebooks

MD_LINK = re.compile(r"(\]\()([^)\s]+)(\))")


def absolute_links(nb, page: str, recorded: set[str]):
    """Links to the book in a notebook's text, made absolute: ``[¶12](#s000-p12)`` and
    ``[chapter 1](01_soviets.md)`` only work inside the book; in Colab, Jupyter or a download
    they must point at the published site. Anchors are found among the site's recorded
    addresses (``links/addresses.txt``); a link that cannot be placed is left as it is, and
    ``tests/test_anywhere.py`` names it."""
    by_anchor: dict[str, list[str]] = {}
    for address in recorded:
        if "#" in address:
            by_anchor.setdefault(address.split("#", 1)[1], []).append(address)
    here = page.rsplit("/", 1)[0] if "/" in page else ""
    site = project.site_url()

    def place(match):
        target = match.group(2)
        if target.startswith("#"):
            found = by_anchor.get(target[1:], [])
            address = found[0] if len(found) == 1 else None
        elif "://" in target or target.startswith(("/", "mailto:")):
            address = None
        else:
            path, _, anchor = target.partition("#")
            if not path.endswith(".md"):
                return match.group(0)
            path = posixpath.normpath(posixpath.join(here, path)).removesuffix(".md") + ".html"
            address = f"{path}#{anchor}" if anchor else path
            address = address if address in recorded else None
        return match.group(0) if address is None else f"{match.group(1)}{site}{address})"

    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = MD_LINK.sub(place, cell.source)
    return nb


def _clean(nb):
    setup_cell.fold(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    nb.metadata.pop("jupytext", None)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    return nb


def _of(page: str, chapters) -> bool:
    """True if the page is one of these chapters' (``chapters/<slug>`` or ``chapters/<slug>_…``)."""
    return any(page == f"chapters/{slug}" or page.startswith(f"chapters/{slug}_") for slug in chapters)


def student_notebooks(leave_out=frozenset()) -> dict[str, object]:
    """``{file name: notebook}``: each notebook page and each exercise as a student gets it,
    but those of the chapters in ``leave_out`` (the drafts, in the student site)."""
    validate.jsonschema()  # jupytext imports it: without its slow plug-in (course/content/validate.py)
    import jupytext

    from course.publishing.addresses import read_recorded

    recorded = read_recorded()
    pages = {page: src for page, src in notebook_pages().items() if not _of(page, leave_out)}
    exercises = [ex for ex in exlib.all_exercises() if ex.id not in leave_out]
    out = {
        notebook_name(page): absolute_links(_clean(jupytext.read(src)), page, recorded) for page, src in pages.items()
    }
    for ex in exercises:
        out[f"{ex.id}_exercise.ipynb"] = _clean(ex.student_notebook())
    if len(out) != len(pages) + len(exercises):
        raise ValueError("two notebooks would be published under the same file name")
    return out


def write_notebooks(to: Path, leave_out=frozenset()) -> list[Path]:
    """Write the clean student notebooks into ``to`` (the site's or Binder's ``notebooks/``),
    but those of the chapters in ``leave_out``."""
    validate.jsonschema()  # nbformat imports it: without its slow plug-in (course/content/validate.py)
    import nbformat

    to.mkdir(parents=True, exist_ok=True)
    written = []
    for name, nb in student_notebooks(leave_out).items():
        text = nbformat.writes(nb)
        exlib.refuse_solutions(name, text)
        (to / name).write_text(text, encoding="utf-8")
        written.append(to / name)
    return written


# ---------------------------------------------------------------- launch links


def colab_url(name: str) -> str:
    """Colab opens notebooks from GitHub: the published copy on the site's branch."""
    org, repo, _ = project.github()
    base = project.book_config()["launch_buttons"]["colab_url"].rstrip("/")
    return f"{base}/github/{org}/{repo}/blob/{PAGES_BRANCH}/{NOTEBOOKS}/{name}"


def binder_url(name: str) -> str:
    """Binder builds the repository's branch (binder/ sets it up) and opens the clean notebook
    its postBuild wrote."""
    org, repo, branch = project.github()
    base = project.book_config()["launch_buttons"]["binderhub_url"].rstrip("/")
    return f"{base}/v2/gh/{org}/{repo}/{branch}?urlpath=lab/tree/{NOTEBOOKS}/{name}"


# ---------------------------------------------------------------- Binder and the test wheelhouse


def binder_files() -> dict[str, str]:
    """``binder/``: the pinned runtime and Jupyter dependencies, the Python version, and a
    postBuild that installs the course package and writes the clean notebooks."""
    head = "# Generated by `course sync` from pyproject.toml; do not edit.\n"
    requirements = head + "\n".join([*project.runtime_pins(), *project.extra_pins("jupyter")]) + "\n"
    post_build = (
        "#!/bin/bash\n" + head + "# Binder runs it once, in the repository, after installing requirements.txt.\n"
        "set -euo pipefail\n"
        "python -m pip install --no-deps -e .\n"
        f"course notebooks --to {NOTEBOOKS}\n"
    )
    return {
        "binder/requirements.txt": requirements,
        "binder/runtime.txt": f"python-{project.python_min()}\n",
        "binder/postBuild": post_build,
    }


def notebook_requirements() -> list[str]:
    """What a student's bare Jupyter needs before the setup cell runs: the runtime pins and a
    kernel (the setup cell adds the course package itself)."""
    kernel = [d for d in project.extra_pins("jupyter") if d.startswith("ipykernel==")]
    return [*project.runtime_pins(), *kernel]


def fill_wheelhouse(to: Path) -> None:
    """Download (network) the wheels tests/test_anywhere.py installs offline: the notebook
    requirements and the build backend, every transitive version held to the course's pins."""
    to.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as fh:
        fh.write("\n".join(project.all_pins()) + "\n")
    try:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--quiet",
                "--only-binary=:all:",
                "--dest",
                str(to),
                "-c",
                fh.name,
                *notebook_requirements(),
                *project.build_backend_pins(),
            ],
            check=True,
        )
    finally:
        Path(fh.name).unlink()


# ---------------------------------------------------------------- `course sync`


def generated_files() -> dict[Path, str]:
    """Every file whose content is generated from pyproject.toml and _config.yml."""
    out = {paths.ROOT / rel: text for rel, text in binder_files().items()}
    for src in notebook_sources():
        out[src] = setup_cell.with_setup_cell(src.read_text(encoding="utf-8"))
    return out


def sync(check: bool = False) -> list[Path]:
    """Rewrite (or, with ``check``, only list) the generated files that differ."""
    stale = []
    for path, text in generated_files().items():
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            stale.append(path)
            if not check:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")
                if path.name == "postBuild":
                    path.chmod(0o755)
    return stale
