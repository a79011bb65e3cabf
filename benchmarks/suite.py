"""Time the two speeds of the test suite: `make check` (target: under 2 minutes on 2 cores) and
`make test` (target: 12 minutes or less on a quiet 2-core machine). Figures, not pass/fail.

    .venv/bin/python benchmarks/suite.py             both, through make (as a user runs them)
    .venv/bin/python benchmarks/suite.py --pytest    the same tests through pytest alone, without
                                                     make's set-up steps (venv, npm, wheelhouse)
    .venv/bin/python benchmarks/suite.py --only check

For each run: the wall time, pytest's own summary line, the slowest tests (--durations), and
what each test process did (from the timeline tests/conftest.py writes): its busy time, when it
finished, and the modules that took most of it, so that the chain bounding the wall time shows.
The load average is printed before and after: on a shared machine the figures say little.
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
RUNS = {
    "check": (["make", "check"], [str(PYTHON), "-m", "pytest", "-m", "not slow"], 120),
    "test": (["make", "test"], [str(PYTHON), "-m", "pytest", "-n", "3"], 720),
}


def machine_cpu() -> float:
    """CPU seconds the whole machine has spent busy since boot (/proc/stat): over a run on a
    quiet machine, what the run used, browsers and every other child process included."""
    with open("/proc/stat", encoding="ascii") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    idle = fields[3] + fields[4]  # idle and iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def processes(timeline: Path, began: float) -> str:
    """Per test process of the run (not of a pytest a test starts): tests, busy and CPU seconds,
    when its last test ended; then the modules that used most CPU, over all processes."""
    rows = [ln.split("\t") for ln in timeline.read_text(encoding="utf-8").splitlines()] if timeline.exists() else []
    if not rows:
        return ""
    run_parent = Counter(r[1] for r in rows).most_common(1)[0][0]
    per, cpu, busy = defaultdict(list), Counter(), Counter()
    for worker, parent, start, end, used, nodeid in rows:
        if parent == run_parent:
            per[worker].append((float(start), float(end), float(used)))
            cpu[nodeid.split("::")[0]] += float(used)
            busy[nodeid.split("::")[0]] += float(end) - float(start)
    lines = []
    for worker, tests in sorted(per.items(), key=lambda kv: -max(t[1] for t in kv[1])):
        lines.append(
            f"     {worker}: {len(tests)} tests, busy {sum(e - s for s, e, _ in tests):.0f} s, "
            f"CPU {sum(u for *_, u in tests):.0f} s, last ended at {max(t[1] for t in tests) - began:.0f} s"
        )
    lines.append(f"     CPU in the tests' process trees: {sum(cpu.values()):.0f} s; the most (CPU s / busy s;")
    lines.append("     a browser's share is rough, see tests/conftest.py _tree_cpu):")
    lines += [f"       {cpu[m]:6.0f} {busy[m]:6.0f}  {m}" for m, _ in cpu.most_common(12)]
    return "\n".join(lines)


def timed(name: str, cmd: list[str], target: int, durations: int) -> dict:
    timeline = Path(tempfile.mkdtemp(prefix="suite-")) / "timeline.tsv"
    # PYTEST_ADDOPTS and the timeline's address reach the pytest that make runs, too.
    env = {
        **os.environ,
        "PYTEST_ADDOPTS": f"--durations={durations} -p no:cacheprovider",
        "COURSE_TEST_TIMELINE": str(timeline),
    }
    print(f"== {name}: {shlex.join(cmd)}  (load average before: {load()})", flush=True)
    began, cpu = time.time(), machine_cpu()
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - start
    cpu = machine_cpu() - cpu
    out = proc.stdout + proc.stderr
    summary = [ln for ln in out.splitlines() if re.search(r"\b(passed|failed|error)\b.* in [\d.]+s", ln)]
    m = re.search(r"=+ slowest \d+ durations =+\n(.*?)(?:\n\n|\n=)", out, re.S)
    slowest = m.group(1).rstrip() if m else ""
    print(
        f"   exit {proc.returncode}; wall {wall:6.1f} s (target {target} s: "
        f"{'met' if wall <= target else 'missed'}); the machine's CPU meanwhile: {cpu:.0f} s "
        f"({cpu / wall / os.cpu_count():.0%} of {os.cpu_count()} cores); load average after: {load()}"
    )
    print(f"   pytest: {summary[-1].strip('= ') if summary else '(no summary line; see the output below)'}")
    if slowest:
        print("   slowest:\n" + "\n".join(f"     {ln}" for ln in slowest.splitlines()))
    if per_process := processes(timeline, began):
        print(f"   test processes (timeline: {timeline}):\n{per_process}")
    if proc.returncode != 0 and not summary:
        print(out[-3000:])
    return {"name": name, "wall": wall, "exit": proc.returncode}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pytest", action="store_true", help="run pytest directly, not make")
    parser.add_argument("--only", choices=sorted(RUNS), help="time one of the two")
    parser.add_argument("--durations", type=int, default=15, help="slowest tests to list (default 15)")
    a = parser.parse_args(argv)
    if not PYTHON.exists():
        print("No .venv here: run `make check` once first (it makes the venv).", file=sys.stderr)
        return 2
    results = []
    for name, (make_cmd, pytest_cmd, target) in RUNS.items():
        if a.only in (None, name):
            results.append(timed(name, pytest_cmd if a.pytest else make_cmd, target, a.durations))
    print("\n" + "  ".join(f"{r['name']}: {r['wall']:.0f} s (exit {r['exit']})" for r in results))
    return max(r["exit"] for r in results)


if __name__ == "__main__":
    sys.exit(main())
