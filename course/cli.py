"""The ``course`` command: a thin layer over the package's functions."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import paths


def cmd_grade(a) -> int:
    from .grading.grade import grade, write_reports

    result = grade(a.notebook, exercise=a.exercise, cell_timeout=a.cell_timeout,
                   total_timeout=a.total_timeout)
    json_path, md_path = write_reports(result, a.out or a.notebook.resolve().parent)
    if result.status != "graded":
        print(f"Could not grade {a.notebook.name}: {result.message}", file=sys.stderr)
    else:
        print(f"{a.notebook.name}: {result.score}/{result.max_score} "
              f"({sum(t['passed'] for t in result.tests)} of {len(result.tests)} tests passed)")
        for t in result.tests:
            if not t["passed"]:
                print(f"  ✘ {t['question']}: {t['message']}")
        if result.message:
            print(f"  note: {result.message}")
    print(f"Report: {md_path} (and {json_path.name})")
    return result.exit_code


def cmd_release(a) -> int:
    from .release import release

    for path in release(a.to):
        print(path)
    return 0


def cmd_validate(a) -> int:
    from . import banks

    try:
        found = banks.all_banks()
    except banks.BankError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"{len(found)} quiz bank(s) valid: " +
          ", ".join(f"{c} ({len(b['items'])} items)" for c, b in found.items()))
    return 0


def cmd_build_instructor(a) -> int:
    from .editions import build_instructor

    return build_instructor(a.out)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="course", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)

    g = sub.add_parser("grade", help="grade one submitted notebook",
                       description="Exit status: 0 all tests passed, 1 some failed, 2 could not grade.")
    g.add_argument("notebook", type=Path)
    g.add_argument("--exercise", help="exercise id, if the notebook's metadata does not say")
    g.add_argument("--out", type=Path, help="folder for the reports (default: beside the notebook)")
    g.add_argument("--cell-timeout", type=int, default=30, help="seconds per cell (default 30)")
    g.add_argument("--total-timeout", type=int, default=300, help="seconds for the whole run (default 300)")
    g.set_defaults(func=cmd_grade)

    r = sub.add_parser("release", help="write the student version of every exercise")
    r.add_argument("--to", type=Path, default=paths.BUILD / "release")
    r.set_defaults(func=cmd_release)

    v = sub.add_parser("validate", help="validate every quiz bank")
    v.set_defaults(func=cmd_validate)

    b = sub.add_parser("build-instructor", help="build the instructor edition")
    b.add_argument("--out", type=Path, default=paths.BUILD / "instructor")
    b.set_defaults(func=cmd_build_instructor)

    a = p.parse_args(argv)
    return a.func(a)


if __name__ == "__main__":
    sys.exit(main())
