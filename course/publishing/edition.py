"""``course release-edition --version X`` (``make release VERSION=X``): cut an edition a teacher
can adopt for a term.

    dist/<version>/
      course-<version>-student-site.zip         the student site, as the deploy workflow publishes it
      course-<version>-instructor-edition.zip   lesson plans (with their printables), keys,
                                                solutions, the lesson decks (decks/), and
                                                hidden-tests/ (what a teacher grades with;
                                                never published)
      course-<version>-student-repository.zip   what `course release --to` writes, for grading
      course-<version>-quizzes-qti.zip          `course export-quiz`, one archive per format
      course-<version>-quizzes-moodle.zip
      course-<version>-quizzes-gift.zip
      course-<version>-handouts.zip             what `make handouts` prints from the student site:
                                                each chapter's reading handout, the course as one PDF
      SHA256SUMS                                check with `sha256sum -c SHA256SUMS`

The version is written in one place, ``[project].version`` in pyproject.toml; VERSION must
repeat it, so that a typo cannot cut a wrongly named edition. An edition is cut only from a
clean git tree (so the tag ``v<version>`` names exactly what is in it), only when CHANGELOG.md
has an entry for it, and only if its student site keeps every recorded address
(links/addresses.txt). Everything is built in a temporary folder and moved into place at the
end: a failed run leaves no edition behind.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from course import project
from course.content import paths
from course.publishing import addresses, teachers

PARTS = (
    "student-site",
    "instructor-edition",
    "student-repository",
    "quizzes-qti",
    "quizzes-moodle",
    "quizzes-gift",
    "handouts",
)
CHECKSUMS = "SHA256SUMS"


class EditionError(ValueError):
    """Why no edition was cut, in one paragraph for the maintainer."""


def project_version(root: Path | None = None) -> str:
    """The course's version: ``[project].version`` in pyproject.toml."""
    return project.version(root)


def changelog_entry(version: str, root: Path | None = None) -> str | None:
    """The text of CHANGELOG.md's ``## <version>`` section, or None if it has none."""
    path = (root or paths.ROOT) / "CHANGELOG.md"
    if not path.is_file():
        return None
    text = path.read_text(encoding="utf-8")
    m = re.search(rf"^## {re.escape(version)}(?=[\s—(-]|$)(.*?)(?=^## |\Z)", text, re.M | re.S)
    return m.group(1).strip() if m else None


def _git(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True)


def preflight(version: str, root: Path, dist: Path) -> str:
    """Refuse, with the reason, anything that would make a wrong edition; returns the commit."""
    current = project_version(root)
    if not version:
        raise EditionError(
            f"Give the edition's version: make release VERSION={current} (it must be the version in pyproject.toml)."
        )
    if version != current:
        raise EditionError(
            f"VERSION={version} but pyproject.toml says {current}. The version is written in one "
            f"place: set [project].version to {version} in pyproject.toml, describe the edition under "
            f"'## {version}' in CHANGELOG.md, commit both, then run make release VERSION={version}."
        )
    head = _git(root, "rev-parse", "HEAD")
    if head.returncode != 0:
        raise EditionError(
            f"{root} is not a git checkout with a commit: an edition is cut from a "
            "commit, so that its tag names exactly what is in it."
        )
    dirty = _git(root, "status", "--porcelain").stdout.splitlines()
    if dirty:
        names = ", ".join(ln[3:] for ln in dirty[:5]) + (" …" if len(dirty) > 5 else "")
        raise EditionError(
            f"The working tree has {len(dirty)} uncommitted change(s) ({names}). An "
            f"edition is cut from a commit, so that the tag v{version} names exactly "
            "what is in it: commit or stash them, then run make release again."
        )
    if changelog_entry(version, root) is None:
        raise EditionError(
            f"CHANGELOG.md has no entry for {version}. Add a '## {version}' section "
            "saying what this edition changes for teachers (new or changed questions, "
            "fixed keys, moved pages), commit it, then run make release again."
        )
    commit = head.stdout.strip()
    tagged = _git(root, "rev-list", "-n", "1", f"v{version}")
    if tagged.returncode == 0 and tagged.stdout.strip() != commit:
        raise EditionError(
            f"The tag v{version} already names commit {tagged.stdout.strip()[:12]}, not "
            f"this one ({commit[:12]}). An edition number is used once: raise the "
            "version in pyproject.toml for a new edition."
        )
    if (dist / version).exists():
        raise EditionError(
            f"{dist / version} already exists: edition {version} has been cut. "
            "Remove that folder to cut it again from this commit."
        )
    return commit


# -- the parts (module-level, so that tests can put already-built sites in their place) ----------


def build_student(out: Path) -> Path:
    """The student site, built as `make book` builds it (same flags), into a fresh folder."""
    if subprocess.call(project.build_command(paths.ROOT, out=out), stdout=sys.stderr) != 0:
        raise EditionError("The student site did not build (its log is above); no edition was cut.")
    return out / "_build" / "html"


def build_instructor(out: Path) -> Path:
    from course.publishing.teachers import build_instructor as build

    if build(out) != 0:
        raise EditionError("The instructor edition did not build (its log is above); no edition was cut.")
    return out / "_build" / "html"


def student_repository(out: Path) -> Path:
    from course.publishing.student_repo import release

    release(out)
    return out


def quiz_export(fmt: str, out: Path) -> Path:
    from course.publishing.lms import ExportError, export

    try:
        export(fmt, out)
    except ExportError as exc:
        raise EditionError(f"No edition was cut: {exc}") from None
    return out


def print_handouts(site: Path, out: Path) -> Path:
    """What `make handouts` prints, from the edition's student site into ``out``: each published
    chapter's reading handout and the course as one PDF, both sizes, with one Chromium. (A new
    printable goes here and in the Makefile's ``handouts`` target.)"""
    from playwright.sync_api import sync_playwright

    from course.publishing import book_pdf, handouts

    if not Path(handouts.CHROMIUM).exists():
        raise EditionError(f"{handouts.CHROMIUM} is missing: the handouts are printed by Chromium; no edition was cut.")
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=handouts.CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
            try:
                handouts.build(site, out, browser=browser)
                book_pdf.build(site, out, browser=browser)
            finally:
                browser.close()
    except handouts.HandoutError as exc:
        raise EditionError(f"The handouts could not be printed ({exc}); no edition was cut.") from None
    return out


def lesson_decks(out: Path) -> Path:
    """What `make handouts` writes into decks/: the lessons' projector decks (reveal.js from
    node_modules, which `make release` installs)."""
    from course.publishing import decks

    try:
        decks.build(out)
    except decks.DeckError as exc:
        raise EditionError(f"The lesson decks could not be made ({exc}); no edition was cut.") from None
    return out


def _check_student_site(site: Path) -> None:
    if (site / "instructor").exists():  # never: the student build excludes instructor/
        raise EditionError("The student site holds an instructor/ folder; no edition was cut.")
    lost, new = addresses.check(site, addresses.read_recorded(), addresses.load_redirects())
    if lost:
        raise EditionError(
            f"The student site lost {len(lost)} recorded address(es), e.g. {lost[0]}. "
            "Add each moved address to links/redirects.yml; no edition was cut."
        )
    if new:
        raise EditionError(
            f"The student site has {len(new)} address(es) not yet recorded, e.g. "
            f"{new[0]}: run make addresses and commit links/addresses.txt."
        )


# -- archives ------------------------------------------------------------------------------------


def _zip(folder: Path, archive: Path, top: str, when: float) -> None:
    """A zip of the folder under one top folder, files in order, every date the commit's: the
    same files give the same archive."""
    stamp = time.gmtime(max(when, 315532800))[:6]  # zip dates start in 1980
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            info = zipfile.ZipInfo(f"{top}/{path.relative_to(folder).as_posix()}", stamp)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, path.read_bytes())


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def release_edition(version: str, root: Path | None = None, dist: Path | None = None) -> list[Path]:
    """Cut edition ``version`` into ``dist/<version>/``; returns the files written."""
    root = root or paths.ROOT
    dist = dist or root / "dist"
    commit = preflight(version, root, dist)
    try:  # before the builds: an edition a teacher cannot grade with is refused at once
        teachers.hidden_tests(root)
    except FileNotFoundError as exc:
        raise EditionError(f"No edition was cut: {exc}.") from None
    when = float(_git(root, "show", "-s", "--format=%ct", commit).stdout.strip() or 0)
    name = project.pyproject(root)["project"]["name"]
    # Built outside the source tree: jupyter-book would read the notebooks a build writes
    # inside it as pages of the book.
    staging = Path(tempfile.mkdtemp(prefix=f"course-edition-{version}-"))
    # Every part from ``root``: the builds (subprocesses) and the in-process parts alike.
    with paths.using(root):
        try:
            return _cut(version, root, dist, staging, name, when)
        finally:
            shutil.rmtree(staging, ignore_errors=True)


def _cut(version: str, root: Path, dist: Path, staging: Path, name: str, when: float) -> list[Path]:
    """Build, check and archive every part into ``staging``, then move the edition into ``dist``."""
    build, out = staging / "build", staging / version
    out.mkdir(parents=True)
    site = build_student(build / "student")
    _check_student_site(site)
    (site / ".nojekyll").touch()  # ready to push to a gh-pages branch as it is
    instructor_site = build_instructor(build / "instructor")
    teachers.add_hidden_tests(instructor_site, root)  # the teacher's part only
    lesson_decks(instructor_site / "decks")  # they show the quiz answers: teachers only
    folders = {
        "student-site": site,
        "instructor-edition": instructor_site,
        "student-repository": student_repository(build / "student-repository"),
    }
    for fmt in ("qti", "moodle", "gift"):
        folders[f"quizzes-{fmt}"] = quiz_export(fmt, build / f"quizzes-{fmt}")
    folders["handouts"] = print_handouts(site, build / "handouts")
    written = []
    for part in PARTS:
        top = f"{name}-{version}-{part}"
        _zip(folders[part], out / f"{top}.zip", top, when)
        written.append(out / f"{top}.zip")
    sums = "".join(f"{sha256(p)}  {p.name}\n" for p in written)
    (out / CHECKSUMS).write_text(sums, encoding="utf-8")
    dist.mkdir(parents=True, exist_ok=True)
    shutil.move(out, dist / version)
    return [dist / version / p.name for p in written] + [dist / version / CHECKSUMS]
