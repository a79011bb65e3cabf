"""The ``course`` command: a thin layer over the package's functions."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from course.content import paths


def _check_hidden(a) -> bool:
    if a.hidden_tests and not a.hidden_tests.is_dir():
        print(
            f"--hidden-tests {a.hidden_tests}: there is no such folder. It should hold <exercise>/tests.py files.",
            file=sys.stderr,
        )
        return False
    return True


def _limits(a):
    from course.grading.grade import Limits

    return Limits(
        cell_timeout=a.cell_timeout, total_timeout=a.total_timeout, memory_mb=a.memory_mb, output_kb=a.output_kb
    )


def _ready(a) -> bool:
    """The hidden tests folder exists, and the sandbox can be built (or is waived)."""
    from course.grading.grade import SandboxMissing, check_sandbox

    if not _check_hidden(a):
        return False
    try:
        check_sandbox(a.trusted_code_no_sandbox)
    except SandboxMissing as exc:
        print(exc, file=sys.stderr)
        return False
    return True


def cmd_grade(a) -> int:
    from course.grading.grade import grade, summary, write_reports

    if not _ready(a):
        return 2
    results, worst = [], 0
    for notebook in a.notebooks:
        result = grade(
            notebook,
            exercise=a.exercise,
            limits=_limits(a),
            hidden_tests=a.hidden_tests,
            unsafe=a.trusted_code_no_sandbox,
        )
        json_path, md_path = write_reports(result, a.out or notebook.resolve().parent)
        if result.status != "graded":
            print(f"Could not grade {notebook.name}: {result.message}", file=sys.stderr)
        else:
            print(
                f"{notebook.name}: {result.score}/{result.max_score} "
                f"({sum(t['passed'] for t in result.tests)} of {len(result.tests)} tests passed)"
            )
            for t in result.tests:
                if not t["passed"]:
                    print(f"  ✘ {t['question']}: {t['message']}")
            if result.message:
                print(f"  note: {result.message}")
        print(f"Report: {md_path} (and {json_path.name})")
        results.append(result)
        worst = max(worst, result.exit_code)
    if a.summary:
        with open(a.summary, "a", encoding="utf-8") as fh:
            fh.write(summary(results))
    return worst


def cmd_grade_all(a) -> int:
    from course.grading.batch import ShardError, grade_all, parse_shard
    from course.grading.grade import CouldNotGrade

    try:
        shard = parse_shard(a.shard) if a.shard else None
    except ShardError as exc:
        print(exc, file=sys.stderr)
        return 2
    if a.exercise:
        from course.content import exercises

        try:
            exercises.get(a.exercise)
        except KeyError as exc:
            print(f"--exercise: {exc.args[0]}", file=sys.stderr)
            return 2
    if not _ready(a):
        return 2
    try:
        reports = grade_all(
            a.submissions,
            a.out,
            workers=a.workers,
            force=a.force,
            limits=_limits(a),
            hidden_tests=a.hidden_tests,
            unsafe=a.trusted_code_no_sandbox,
            shard=shard,
            exercise=a.exercise,
        )
    except CouldNotGrade as exc:
        print(exc, file=sys.stderr)
        return 2
    if shard:
        print(f"Shard {a.shard}: ", end="")
    bad = [r for r in reports if r.get("status") != "graded"]
    full = [r for r in reports if r.get("status") == "graded" and r["score"] == r["max_score"]]
    print(
        f"{len(reports)} notebook(s): {len(full)} full marks, {len(bad)} could not be graded. "
        f"Gradebook: {a.out / 'gradebook.csv'}; reports in {a.out / 'reports'}"
    )
    return 0


def cmd_merge(a) -> int:
    from course.grading.batch import ShardError, merge

    try:
        reports = merge(a.shards, a.out)
    except ShardError as exc:
        print(exc, file=sys.stderr)
        return 2
    print(
        f"{len(a.shards)} shard(s), {len(reports)} notebook(s): gradebook {a.out / 'gradebook.csv'}, "
        f"reports in {a.out / 'reports'}"
    )
    return 0


def cmd_written(a) -> int:
    from course.content.rubrics import RubricError
    from course.marking.scores import TeacherFileError
    from course.marking.written import MarkingError, written

    try:
        done = written(a.submissions, a.out, names=a.names)
    except (MarkingError, TeacherFileError, RubricError) as exc:
        print(f"course written: {exc} Nothing was written.", file=sys.stderr)
        return 2
    for problem in done.problems:
        print(f"  not used: {problem}", file=sys.stderr)
    print(
        f"{done.students} student(s), {done.answers} answer(s) on {done.pages} question page(s), "
        f"{done.empty} empty. Review: {a.out / 'index.html'}; fill in {a.out / 'scores.csv'}."
    )
    return 0


def cmd_collect(a) -> int:
    from course.content import roster
    from course.grading.collect import CollectError, collect, parse_deadline

    try:
        deadline = parse_deadline(a.deadline)
        key = None if a.real_ids else roster.load_key(a.key_file)

        def show(item):
            what = f"{item.status}, commit {item.commit[:12]}" if item.commit else item.status
            extra = f" ({item.note})" if item.note else ""
            print(f"{item.folder}: {what}{', missing ' + ' '.join(item.missing) if item.missing else ''}{extra}")

        items, manifest = collect(
            a.roster, deadline, a.to, manifest=a.manifest, cache=a.cache, key=key, jobs=a.jobs, progress=show
        )
    except (CollectError, roster.RosterError) as exc:
        print(f"course collect: {exc} Nothing was collected.", file=sys.stderr)
        return 2
    counts = {s: sum(i.status == s for i in items) for s in ("on time", "late", "empty", "unreachable", "refused")}
    print(
        f"{len(items)} student(s): "
        + ", ".join(f"{n} {s}" for s, n in counts.items() if n)
        + f". Notebooks in {a.to}; manifest: {manifest} (it names students: keep it on this machine)."
    )
    return 1 if counts["unreachable"] or counts["refused"] else 0


def cmd_gradebook(a) -> int:
    from course.content.rubrics import RubricError
    from course.marking.gradebook import gradebook
    from course.marking.scores import TeacherFileError

    try:
        book = gradebook(
            a.out,
            roster=a.roster,
            weights=a.weights,
            results=a.results,
            scores_file=a.scores,
            missing_as_zero=a.missing_as_zero,
        )
    except (TeacherFileError, RubricError) as exc:
        print(f"course gradebook: {exc} Nothing was written.", file=sys.stderr)
        return 2
    for warning in book.warnings:
        print(f"  note: {warning}", file=sys.stderr)
    done = sum(1 for s in book.students if book.percentage(s) is not None)
    print(
        f"{len(book.students)} student(s), {done} with every part marked. Written: "
        f"{a.out / 'gradebook.csv'}, {a.out / 'canvas.csv'}, {a.out / 'moodle.csv'}, {a.out / 'feedback'}/"
    )
    return 0


def cmd_sync(a) -> int:
    from course.publishing.notebooks import sync

    stale = sync(check=a.check)
    for path in stale:
        print(f"{'out of date' if a.check else 'rewrote'}: {path.relative_to(paths.ROOT)}")
    if a.check and stale:
        print("Run `course sync` to regenerate them from pyproject.toml and _config.yml.", file=sys.stderr)
        return 1
    return 0


def _listed(written) -> int:
    """Print the files a command wrote, one per line, and succeed."""
    for path in written:
        print(path)
    return 0


def cmd_notebooks(a) -> int:
    from course.publishing.notebooks import write_notebooks

    return _listed(write_notebooks(a.to))


def cmd_wheelhouse(a) -> int:
    from course.publishing.notebooks import fill_wheelhouse

    fill_wheelhouse(a.to)
    return 0


def cmd_release(a) -> int:
    from course.publishing.student_repo import release

    notes: list[str] = []
    written = release(a.to, notes)
    _listed(written)
    for note in notes:
        print(note, file=sys.stderr)
    return 0


def cmd_validate(a) -> int:
    from course.content import banks, threads

    try:
        found = threads.all_threads()
        print(f"{len(found)} thread(s) valid: " + ", ".join(t.id for t in found))
        found = banks.all_banks()
    except (banks.BankError, threads.ThreadError) as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"{len(found)} quiz bank(s) valid: " + ", ".join(f"{c} ({len(b['items'])} items)" for c, b in found.items()))
    return 0


def cmd_build_book(a) -> int:
    import subprocess

    from course import project
    from course.publishing.notebooks import sync

    stale = sync(check=True)
    if stale:  # a fork that changed _config.yml's address would publish notebooks installing the original
        names = ", ".join(str(p.relative_to(paths.ROOT)) for p in stale[:3]) + (", …" if len(stale) > 3 else "")
        print(
            f"The book was not built: {len(stale)} generated file(s) ({names}) do not match pyproject.toml "
            "and _config.yml: the version, the pins or the repository address their setup cells install "
            "the course from. Run `course sync` (.venv/bin/course sync), commit what it rewrites, then build again.",
            file=sys.stderr,
        )
        return 1
    if not a.drafts:
        return subprocess.call(project.build_command(paths.ROOT))
    out = paths.BUILD / "drafts"
    code = subprocess.call(project.build_command(paths.ROOT, out=out, config=project.drafts_config(out)))
    if code == 0:
        print(f"Preview with the draft chapters (not for students): {out / '_build' / 'html' / 'index.html'}")
    return code


def cmd_build_instructor(a) -> int:
    from course.publishing.teachers import build_instructor

    return build_instructor(a.out)


def cmd_handouts(a) -> int:
    from course.publishing import handouts

    try:
        written = handouts.build(a.site, a.out)
    except handouts.HandoutError as e:
        print(f"course handouts: {e}", file=sys.stderr)
        return 1
    print(f"Wrote {len(written)} handouts to {a.out}")
    return 0


def cmd_decks(a) -> int:
    from course.publishing import decks

    try:
        written = decks.build(a.out)
    except decks.DeckError as e:
        print(f"course decks: {e}", file=sys.stderr)
        return 1
    print(f"Wrote {len(written)} lesson decks to {a.out} (open {a.out / 'index.html'})")
    return 0


def cmd_printables(a) -> int:
    from course.publishing import handouts, printables

    try:
        written = printables.build(a.out)
    except (printables.PrintablesError, handouts.HandoutError) as e:
        print(f"course printables: {e}", file=sys.stderr)
        return 1
    print(f"Wrote {len(written)} PDFs of the lessons' printables to {a.out}")
    return 0


def cmd_book_pdf(a) -> int:
    from course.publishing import book_pdf, handouts

    try:
        written = book_pdf.build(a.site, a.out)
    except handouts.HandoutError as e:
        print(f"course book-pdf: {e}", file=sys.stderr)
        return 1
    return _listed(written)


def cmd_export_quiz(a) -> int:
    from course.publishing.lms import ExportError, export

    try:
        written = export(a.format, a.out, chapter=a.chapter)
    except ExportError as exc:
        print(exc, file=sys.stderr)
        return 2
    if a.chapter is None:
        from course.content import banks

        drafts = sorted(c for c, b in banks.all_banks().items() if b.get("draft"))
        if drafts:
            print(f"Left out, as drafts: {', '.join(drafts)}.", file=sys.stderr)
    return _listed(written)


def cmd_new_chapter(a) -> int:
    from course.authoring.scaffold import ScaffoldError, new_chapter

    try:
        ch, written = new_chapter(
            a.seedfile, title=a.title, author=a.author, date=a.date, kind=a.kind, slug=a.slug, seed_id=a.id
        )
    except ScaffoldError as exc:
        print(f"course new-chapter: {exc} Nothing was written.", file=sys.stderr)
        return 2
    print(f"Seed {ch.seed} ({ch.paragraphs} paragraphs) and draft chapter {ch.slug}:")
    for path in written:
        print(f"  {path.relative_to(paths.ROOT)}")
    print(
        "Next: replace the TODO boxes (chapter, notebook, exercise, lesson plan) and the sample "
        "questions and checks, fill the TODO fields of the catalogue entry and the minutes in the "
        "chapter's front matter, write the quiz bank, the model answers and the exit ticket's "
        "look-for points (instructor/rubrics.yml), then `make book`. "
        "Remove the draft banners and `draft: true` when it is finished."
    )
    return 0


def cmd_release_edition(a) -> int:
    from course.publishing.edition import EditionError, release_edition

    try:
        written = release_edition(a.version)
    except EditionError as exc:
        print(f"course release-edition: {exc}", file=sys.stderr)
        return 2
    for path in written:
        print(path)
    print(
        f"Edition {a.version} cut. Next: git tag v{a.version} && git push origin v{a.version}, "
        "then attach these files to a GitHub release named after the tag."
    )
    return 0


def cmd_addresses(a) -> int:
    from course.publishing import addresses

    site = a.site
    if not (site / "index.html").is_file():
        print(f"{site} holds no built site: run make book first.", file=sys.stderr)
        return 2
    try:
        redirects = addresses.load_redirects()
    except addresses.RedirectError as exc:
        print(exc, file=sys.stderr)
        return 2
    recorded = addresses.read_recorded()
    lost, new = addresses.check(site, recorded, redirects)
    if lost:
        print(
            f"{len(lost)} recorded address(es) are gone from {site} and have no redirect:\n  "
            + "\n  ".join(lost)
            + "\nAdd each moved address to links/redirects.yml (old: new). "
            "If one should really disappear, delete its line from links/addresses.txt and say so "
            "in CHANGELOG.md.",
            file=sys.stderr,
        )
        return 1
    if a.update:
        addresses.write_recorded(recorded | set(new))
        print(f"{addresses.addresses_file()}: {len(new)} address(es) added, {len(recorded) + len(new)} in all.")
    elif new:
        print(
            f"{len(new)} address(es) of the site are not recorded yet, e.g. {new[0]}: run "
            "make addresses (course addresses --update) to record them.",
            file=sys.stderr,
        )
        return 1
    else:
        print(f"All {len(recorded)} recorded addresses lead somewhere in {site}.")
    return 0


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="course", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)

    g = sub.add_parser(
        "grade",
        help="grade submitted notebooks",
        description="Exit status: 0 all tests passed, 1 some failed, 2 could not grade (the worst over all notebooks).",
    )
    g.add_argument("notebooks", type=Path, nargs="+", metavar="NOTEBOOK")
    g.add_argument(
        "--summary", type=Path, help="append a Markdown score table to this file (in CI: $GITHUB_STEP_SUMMARY)"
    )
    g.add_argument("--exercise", help="exercise id, if the notebook's metadata does not say")
    g.add_argument("--out", type=Path, help="folder for the reports (default: beside the notebook)")
    g.set_defaults(func=cmd_grade)

    ga = sub.add_parser(
        "grade-all",
        help="grade a folder of submissions (one file or folder per student)",
        description="Writes OUT/gradebook.csv and one report per notebook in "
        "OUT/reports/. Re-running skips notebooks already graded (same file, same "
        "tests, same grader) unless --force.",
    )
    ga.add_argument("submissions", type=Path)
    ga.add_argument("--out", type=Path, required=True, help="folder for the gradebook and reports")
    ga.add_argument("--workers", type=int, help="notebooks graded at once (default: all cores)")
    ga.add_argument("--force", action="store_true", help="grade again notebooks already graded")
    ga.add_argument(
        "--exercise",
        help="the exercise of notebooks whose metadata names none (default: the exercise whose id is the "
        "file name, e.g. 01_soviets.ipynb); the report says which was used",
    )
    ga.add_argument(
        "--shard",
        metavar="K/N",
        help="grade only the K-th of N even shares of the class (by student); join the shards with course merge",
    )
    ga.set_defaults(func=cmd_grade_all)

    m = sub.add_parser(
        "merge",
        help="join the results of grade-all --shard runs into one gradebook",
        description="Checks that every shard of the same class is there once (a shard that failed or "
        "is missing is named, exit status 2, nothing written), then writes OUT/gradebook.csv and "
        "OUT/reports/ as one grade-all run over the whole class would.",
    )
    m.add_argument("shards", type=Path, nargs="+", metavar="SHARD_RESULTS", help="each shard's --out folder")
    m.add_argument("--out", type=Path, required=True, help="folder for the joined gradebook and reports")
    m.set_defaults(func=cmd_merge)

    from course.grading.grade import Limits

    limits = Limits()  # the defaults, written once, in the grader
    for parser in (g, ga):
        parser.add_argument(
            "--hidden-tests", type=Path, help="folder with <exercise>/tests.py files the students never see"
        )
        parser.add_argument(
            "--cell-timeout",
            type=int,
            default=limits.cell_timeout,
            help=f"seconds per cell (default {limits.cell_timeout})",
        )
        parser.add_argument(
            "--total-timeout",
            type=int,
            default=limits.total_timeout,
            help=f"seconds for the whole notebook (default {limits.total_timeout})",
        )
        parser.add_argument(
            "--memory-mb",
            type=int,
            default=limits.memory_mb,
            help=f"memory for the notebook's run, all its processes together, in MB (default {limits.memory_mb})",
        )
        parser.add_argument(
            "--trusted-code-no-sandbox",
            action="store_true",
            help="FOR TRUSTED CODE ONLY (your own notebooks): grade without the "
            "sandbox where it cannot be built; every report says so",
        )
        parser.add_argument(
            "--output-kb",
            type=int,
            default=limits.output_kb,
            help=f"printed output kept from a run, in kB (default {limits.output_kb})",
        )

    wr = sub.add_parser(
        "written",
        help="collect the class's written answers into review pages and a scores file to fill in",
        description="Reads the chapter notebooks in SUBMISSIONS (one folder or notebook per "
        "student, as grade-all reads it) and writes OUT/index.html, a page per question with the "
        "model answer and points scale beside every answer, OUT/scores.csv (one row per student "
        "and question, to fill in) and OUT/students.csv (the key to the pseudonyms). Running it "
        "again keeps the scores and comments already in OUT/scores.csv.",
    )
    wr.add_argument("submissions", type=Path)
    wr.add_argument("--out", type=Path, required=True, help="folder for the review pages and scores file")
    wr.add_argument("--names", action="store_true", help="show students' ids instead of pseudonyms")
    wr.set_defaults(func=cmd_written)

    gb = sub.add_parser(
        "gradebook",
        help="merge grade-all's results, the written work's scores and a roster into one gradebook",
        description="Writes OUT/gradebook.csv (one row per student, a column per part, total and "
        "weighted percentage), OUT/canvas.csv and OUT/moodle.csv (grade import files) and "
        "OUT/feedback/ (a page and a Markdown file per student). Missing work stays missing, not "
        "zero, unless --missing-as-zero. Exit status 2, with nothing written, if a file is wrong.",
    )
    gb.add_argument(
        "--roster", type=Path, required=True, help="CSV: id (folder name), optional name, email, lms_id, section"
    )
    gb.add_argument("--weights", type=Path, required=True, help="CSV: part,weight (parts or groups; adding up to 100)")
    gb.add_argument("--results", type=Path, help="the --out folder of course grade-all")
    gb.add_argument("--scores", type=Path, help="scores.csv from course written, filled in (students.csv beside it)")
    gb.add_argument("--out", type=Path, required=True, help="folder for the gradebook, the LMS files and the feedback")
    gb.add_argument(
        "--missing-as-zero", action="store_true", help="count missing and ungradable work as 0 (when you have decided)"
    )
    gb.set_defaults(func=cmd_gradebook)

    r = sub.add_parser("release", help="write the student repository (exercises, public tests, CI workflow)")
    r.add_argument("--to", type=Path, default=paths.BUILD / "release")
    r.set_defaults(func=cmd_release)

    v = sub.add_parser("validate", help="validate the threads (data/threads.yml) and every quiz bank")
    v.set_defaults(func=cmd_validate)

    bb = sub.add_parser(
        "build-book",
        help="build the student site into _build/html (make book)",
        description="jupyter-book with warnings as errors, the one command line "
        "every build of the book uses (course/project.py). Draft chapters (course new-chapter, "
        "until their banner goes) are left out of the student site.",
    )
    bb.add_argument(
        "--drafts",
        action="store_true",
        help="build a preview with the draft chapters in, into _build/drafts/_build/html (make book DRAFTS=1); "
        "the deploy refuses to publish it",
    )
    bb.set_defaults(func=cmd_build_book)

    b = sub.add_parser("build-instructor", help="build the instructor edition")
    b.add_argument("--out", type=Path, default=paths.BUILD / "instructor")
    b.set_defaults(func=cmd_build_instructor)

    h = sub.add_parser(
        "handouts",
        help="print each chapter's reading handout (PDF, A4 and US Letter) from the built site",
        description="Reads the built student site (make book) and prints, with headless Chromium, "
        "one handout per published chapter: the sourcing card, the central question, the text "
        "with its ¶ numbers and emendations, and the close-reading prompts.",
    )
    h.add_argument("--site", type=Path, default=paths.BUILD / "html", help="the built site (default _build/html)")
    h.add_argument("--out", type=Path, default=paths.BUILD / "handouts", help="where the PDFs go")
    h.set_defaults(func=cmd_handouts)

    dk = sub.add_parser(
        "decks",
        help="write each lesson's projector deck (reveal.js, works offline; instructor material)",
        description="One HTML deck per published lesson, from the lesson plan's deck: data, the "
        "seeds and the quiz banks: the central question, the passages the plan projects side by "
        "side, the discussion prompts, the live quiz items (answer on the next key press) and the "
        "exit ticket. reveal.js (npm ci) is copied beside the decks. Keys: arrows, S for the "
        "speaker notes, Esc for every slide, ? for the rest.",
    )
    dk.add_argument("--out", type=Path, default=paths.BUILD / "handouts" / "decks", help="where the decks go")
    dk.set_defaults(func=cmd_decks)
    pr = sub.add_parser(
        "printables",
        help="print the printables each lesson plan names (PDF, A4 and US Letter), for teachers",
        description="Reads the printables: list in the front matter of each instructor/<slug>_lesson.md "
        "(timeline strips from data/timeline.csv, jigsaw cards and passages from the seeds, table "
        "templates from the guided questions), checks it, and prints one PDF per lesson with headless "
        "Chromium. The instructor edition (course build-instructor) prints and links them itself.",
    )
    pr.add_argument("--out", type=Path, default=paths.BUILD / "handouts" / "printables", help="where the PDFs go")
    pr.set_defaults(func=cmd_printables)
    bp = sub.add_parser(
        "book-pdf",
        help="print the whole course as one PDF (A4 and US Letter) from the built site, for reading offline",
        description="Reads the built student site (make book) and prints, with headless Chromium, "
        "course-a4.pdf and course-letter.pdf: the introduction and syllabus, every published "
        "chapter's reading page and the reference pages, with links that lead inside the file.",
    )
    bp.add_argument("--site", type=Path, default=paths.BUILD / "html", help="the built site (default _build/html)")
    bp.add_argument("--out", type=Path, default=paths.BUILD / "handouts", help="where the PDFs go")
    bp.set_defaults(func=cmd_book_pdf)

    x = sub.add_parser(
        "export-quiz",
        help="write the quiz banks for an LMS (Canvas, Moodle)",
        description="One file per chapter in OUT: NN_slug.qti.zip (Canvas: Import "
        "course content, QTI .zip), NN_slug.moodle.xml (Moodle XML) or NN_slug.gift "
        "(Moodle GIFT). Per-option feedback is kept. A draft chapter's bank is left out.",
    )
    x.add_argument("--format", required=True, choices=["qti", "moodle", "gift"])
    x.add_argument("--chapter", help="one chapter, by number (1) or slug (01_soviets); default: all")
    x.add_argument("out", type=Path, metavar="OUT", help="folder for the files (created if missing)")
    x.set_defaults(func=cmd_export_quiz)

    n = sub.add_parser(
        "new-chapter",
        help="set up a draft chapter from a new source text",
        description="Copies the text into seeds/ (with its catalogue entry) and "
        "writes a draft chapter page, notebook, exercise, empty quiz bank and "
        "instructor pages, added to _toc.yml and the site's recorded addresses. "
        "Exit status 2, with nothing written, if the text is refused.",
    )
    n.add_argument("seedfile", type=Path, metavar="SEEDFILE", help="the text, UTF-8 plain text")
    n.add_argument("--title", required=True, help="the text's title, as the catalogue will give it")
    n.add_argument("--author", required=True, help="as far as known, e.g. 'Unknown; apparently …'")
    n.add_argument("--date", required=True, help="e.g. 1936, 1938-07-04, 'uncertain (1980s?)'")
    n.add_argument("--kind", required=True, choices=["primary", "secondary"], help="kind of source")
    n.add_argument("--slug", help="chapter slug, e.g. 06_betrayed (default: the next number and words of the title)")
    n.add_argument("--id", help="seed id (default: the next free number)")
    n.set_defaults(func=cmd_new_chapter)

    c = sub.add_parser(
        "collect",
        help="collect each student's notebooks from their repository at a deadline",
        description="Clones or updates every repository of the roster (a CSV with columns id and "
        "repository, and optionally name, email, lms_id, section), takes the last commit of its "
        "default branch dated at or before the deadline, and writes its exercise notebooks to "
        "TO/<student>/ for grade-all, plus a manifest. Student folders are named by a keyed "
        "pseudonym unless --real-ids. Exit status 1 if a repository could not be read, 2 if "
        "nothing was collected (a bad roster or deadline).",
    )
    c.add_argument("--roster", type=Path, required=True, help="the class roster (CSV)")
    c.add_argument("--deadline", required=True, help="ISO 8601 time with its zone, e.g. 2026-12-18T23:59:00+01:00")
    c.add_argument("--to", type=Path, required=True, help="the class folder grade-all reads")
    c.add_argument("--manifest", type=Path, help="the manifest CSV (default: TO-manifest.csv beside TO)")
    c.add_argument("--cache", type=Path, help="where the clones are kept (default: .TO-clones beside TO)")
    c.add_argument("--key-file", type=Path, help="the pseudonym key (default: ~/.config/course/pseudonym.key)")
    c.add_argument("--real-ids", action="store_true", help="name folders by the roster's ids, not pseudonyms")
    c.add_argument("--jobs", type=int, default=4, help="repositories fetched at once (default 4)")
    c.set_defaults(func=cmd_collect)

    s = sub.add_parser(
        "sync",
        help="regenerate the setup cell in every notebook source, and binder/",
        description="Both are generated from pyproject.toml (version, pins) and "
        "_config.yml (repository). With --check, list what is out of date (exit 1).",
    )
    s.add_argument("--check", action="store_true", help="change nothing; exit 1 if a file is out of date")
    s.set_defaults(func=cmd_sync)

    nb = sub.add_parser("notebooks", help="write the clean student notebooks (Binder's postBuild runs it)")
    nb.add_argument("--to", type=Path, required=True, help="folder for the .ipynb files")
    nb.set_defaults(func=cmd_notebooks)

    w = sub.add_parser("wheelhouse", help="download the wheels tests/test_anywhere.py installs offline")
    w.add_argument("--to", type=Path, required=True)
    w.set_defaults(func=cmd_wheelhouse)

    e = sub.add_parser(
        "release-edition",
        help="cut a versioned edition into dist/<version>/",
        description="From a clean git tree only: builds the student site and the "
        "instructor edition, writes the student repository and the quiz exports, prints the "
        "handouts (make handouts) from the student site, and "
        "zips each as dist/<version>/<name>-<version>-<part>.zip with a SHA256SUMS "
        "file. VERSION must be the version in pyproject.toml, and CHANGELOG.md must "
        "have an entry for it. Exit status 2, with nothing written, if refused.",
    )
    e.add_argument("--version", required=True, help="the edition's version, as in pyproject.toml")
    e.set_defaults(func=cmd_release_edition)

    ad = sub.add_parser(
        "addresses",
        help="check the built site against links/addresses.txt",
        description="Every recorded address (page, ¶ anchor, quiz item, glossary "
        "term, bibliography entry) must still lead somewhere, directly or through "
        "links/redirects.yml. Exit status 1 if one is lost, or if the site has "
        "addresses not yet recorded (without --update).",
    )
    ad.add_argument("--site", type=Path, default=paths.BUILD / "html", help="the built student site")
    ad.add_argument("--update", action="store_true", help="record the site's new addresses (when a change is intended)")
    ad.set_defaults(func=cmd_addresses)

    a = p.parse_args(argv)
    return a.func(a)


if __name__ == "__main__":
    sys.exit(main())
