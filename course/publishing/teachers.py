"""The instructor edition: the student book plus lesson plans, answer keys and solutions.

It is built from the same ``_config.yml`` and ``_toc.yml``, with two changes written to a
generated config: ``course_edition: instructor`` (which lets the instructor-only directives
run and stops excluding ``instructor/``) and an extra "For instructors" part in the toc.

The hidden tests (``instructor/hidden-tests/<id>/tests.py``, what a teacher grades with) are
not pages; an edition's instructor archive carries them in a ``hidden-tests/`` folder beside
the pages (``add_hidden_tests``). No student part ever does.

The printables the lesson plans name (``printables``) are printed before the build into a
folder of the output (``printables_dir``), which the generated config gives Sphinx as an extra
path (copied to ``printables/`` in the site) and as ``course_printables``, where the plans'
``{printables}`` links look for them. The student build has neither.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from course import project
from course.content import paths

PRINTABLES = "printables"  # the printables' folder in the built site


def printables_dir(out: Path) -> Path:
    """Where the instructor build's printables are printed: ``printables/`` inside a folder
    whose contents Sphinx copies into the site's root (``html_extra_path``)."""
    return out / "extra" / PRINTABLES


def instructor_files(out: Path) -> tuple[Path, Path]:
    config = project.book_config()
    config["title"] = f"{config['title']} — Instructor edition"
    sphinx_config = config.setdefault("sphinx", {}).setdefault("config", {})
    sphinx_config["course_edition"] = "instructor"
    sphinx_config["course_printables"] = str(printables_dir(out).resolve())
    sphinx_config["html_extra_path"] = [
        *sphinx_config.get("html_extra_path", []),
        str(printables_dir(out).parent.resolve()),
    ]
    toc = project.toc()
    toc["parts"].append(
        {
            "caption": "For instructors",
            "chapters": [{"file": "instructor/index"}]
            + [{"file": f"instructor/{p.stem}"} for p in sorted((paths.INSTRUCTOR).glob("*.md")) if p.stem != "index"],
        }
    )
    conf_dir = out / "config"
    conf_dir.mkdir(parents=True, exist_ok=True)
    cfg, tc = conf_dir / "_config.yml", conf_dir / "_toc.yml"
    cfg.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")
    tc.write_text(yaml.safe_dump(toc, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return cfg, tc


def build_instructor(out: Path) -> int:
    from course.publishing import handouts, printables

    # Afresh: a plan that no longer names printables has none; and the folder exists even
    # when no plan names any (Sphinx's html_extra_path must exist).
    shutil.rmtree(printables_dir(out), ignore_errors=True)
    printables_dir(out).mkdir(parents=True)
    try:
        printables.build(printables_dir(out))
    except (printables.PrintablesError, handouts.HandoutError) as exc:
        print(f"course build-instructor: {exc}", file=sys.stderr)
        return 1
    cfg, tc = instructor_files(out)
    cmd = project.build_command(paths.ROOT, out=out, config=cfg, toc_file=tc)
    code = subprocess.call(cmd)
    if code == 0:
        print(f"Instructor edition: {out / '_build' / 'html' / 'index.html'}")
    return code


HIDDEN_TESTS = "hidden-tests"


def hidden_tests(root: Path | None = None) -> dict[str, Path]:
    """Every exercise's hidden tests, by exercise id. An exercise without them is an error:
    a teacher who adopts an edition must be able to grade every exercise."""
    root = root or paths.ROOT
    ids = sorted(p.parent.name for p in (root / "exercises").glob("*/tests.py"))
    found = {i: root / "instructor" / HIDDEN_TESTS / i / "tests.py" for i in ids}
    missing = [i for i, p in found.items() if not p.is_file()]
    if missing:
        raise FileNotFoundError(
            f"no hidden tests for {', '.join(missing)}: write "
            f"instructor/{HIDDEN_TESTS}/<id>/tests.py for every exercise"
        )
    return found


def add_hidden_tests(site: Path, root: Path | None = None) -> list[Path]:
    """Copy the hidden tests into a built instructor edition as ``hidden-tests/<id>/tests.py``,
    ready for ``course grade-all --hidden-tests``; returns the files written."""
    written = []
    for ex_id, src in hidden_tests(root).items():
        dest = site / HIDDEN_TESTS / ex_id / "tests.py"
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dest)
        written.append(dest)
    return written
