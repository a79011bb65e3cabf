"""The instructor edition: the student book plus lesson plans, answer keys and solutions.

It is built from the same ``_config.yml`` and ``_toc.yml``, with two changes written to a
generated config: ``course_edition: instructor`` (which lets the instructor-only directives
run and stops excluding ``instructor/``) and an extra "For instructors" part in the toc.

The hidden tests (``instructor/hidden-tests/<id>/tests.py``, what a teacher grades with) are
not pages; an edition's instructor archive carries them in a ``hidden-tests/`` folder beside
the pages (``add_hidden_tests``). No student part ever does.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import yaml

from course import project
from course.content import paths


def instructor_files(out: Path) -> tuple[Path, Path]:
    config = project.book_config()
    config["title"] = f"{config['title']} — Instructor edition"
    config.setdefault("sphinx", {}).setdefault("config", {})["course_edition"] = "instructor"
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
