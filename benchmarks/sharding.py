"""Grading a class in shards: notebooks per minute for 1, 2 and 4 local shards, and what that
projects for a large class on many runners.

    make bench-shards                 (or: .venv/bin/python benchmarks/sharding.py --help)

The class is the one benchmarks/grading.py makes (exercise 01, mostly solved, some blank, some
with one wrong answer). For N shards, N ``course grade-all --shard K/N`` processes run at once
on this machine, each with an equal part of its cores (at least one worker each), each into its
own folder, and ``course merge`` joins them; the merged gradebook must equal the one-shard
gradebook byte for byte and every score must be the expected one, or the benchmark stops.

Figures, not pass/fail: wall-clock time, what a teacher waits, with the load average beside it
(other jobs on the machine slow every figure). On one machine, shards share its cores, so more
shards should not be faster: what the rows show is what sharding costs. The projection takes
the one-shard rate as the rate of one runner with as many cores as this machine (a GitHub-hosted
Linux runner for a private repository has 2), and adds no time for each runner's set-up
(install and sandbox), which is measured in the Actions log, not here.
"""

from __future__ import annotations

import argparse
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from grading import BenchError, check_gradebook, make_class  # noqa: E402  (the class grading.py makes)

BIN = Path(sys.executable).parent


def grade_in_shards(subs: Path, work: Path, n: int, cores: int) -> float:
    """Wall-clock seconds for N shards graded at once and merged; the merged folder is
    ``work/merged-N``."""
    workers = max(1, cores // n)
    start = time.perf_counter()
    procs = [
        subprocess.Popen(
            [BIN / "course", "grade-all", subs, "--out", work / f"n{n}-shard{k}", "--shard", f"{k}/{n}"]
            + ["--workers", str(workers)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for k in range(1, n + 1)
    ]
    failed = [f"shard {k}: {p.communicate()[1][-500:]}" for k, p in enumerate(procs, 1) if p.wait() != 0]
    if failed:
        raise BenchError("course grade-all --shard failed: " + "; ".join(failed))
    merge = subprocess.run(
        [BIN / "course", "merge", *(work / f"n{n}-shard{k}" for k in range(1, n + 1)), "--out", work / f"merged-{n}"],
        capture_output=True,
        text=True,
    )
    if merge.returncode != 0:
        raise BenchError(f"course merge failed: {merge.stderr[-500:]}")
    return time.perf_counter() - start


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--class-size", type=int, default=60, help="notebooks in the class (default 60)")
    p.add_argument("--shards", default="1,2,4", help="shard counts to time, comma-separated (default 1,2,4)")
    p.add_argument("--students", type=int, default=5000, help="class size for the projection (default 5000)")
    p.add_argument("--runners", type=int, default=20, help="runners for the projection (default 20)")
    args = p.parse_args(argv)
    counts = [int(x) for x in args.shards.split(",")]
    cores = os.cpu_count() or 1
    from course.content import exercises

    per_student = len(exercises.all_exercises())
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="bench-shards-") as tmp:
        work = Path(tmp)
        roster = make_class(work / "class", args.class_size)
        rows, rates = [], {}
        for n in counts:
            secs = grade_in_shards(work / "class", work, n, cores)
            check_gradebook(work / f"merged-{n}" / "gradebook.csv", roster)
            first = (work / f"merged-{counts[0]}" / "gradebook.csv").read_bytes()
            if (work / f"merged-{n}" / "gradebook.csv").read_bytes() != first:
                raise BenchError(f"the gradebook of {n} shards differs from that of {counts[0]}.")
            rates[n] = args.class_size / secs * 60
            rows.append((n, max(1, cores // n), secs, rates[n]))
    print(f"{args.class_size} notebooks, {cores} cores, load average {load:.1f} before, {os.getloadavg()[0]:.1f} after")
    print(f"{'shards':>6} {'workers each':>12} {'seconds':>8} {'notebooks/min':>14}")
    for n, w, secs, rate in rows:
        print(f"{n:>6} {w:>12} {secs:>8.1f} {rate:>14.1f}")
    rate = rates[counts[0]]
    notebooks = args.students * per_student
    minutes = notebooks / (args.runners * rate)
    print(
        f"Projection: {args.students} students x {per_student} exercises = {notebooks} notebooks on "
        f"{args.runners} runners, each grading {rate:.0f} notebooks/min (this machine, {counts[0]} shard): "
        f"{math.ceil(minutes)} min of grading per runner ({math.ceil(notebooks / args.runners)} notebooks each), "
        "plus each runner's set-up."
    )
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as exc:
        print(f"benchmarks/sharding.py: {exc}", file=sys.stderr)
        sys.exit(2)
