"""Collect a class's work at a deadline: ``course collect --roster R --deadline T --to SUBMISSIONS``.

For each student of the roster (``roster.read``, with a ``repository`` column: any git address,
https, ssh, a school's server or a local path), the repository is fetched into a cache of bare
clones (a rerun fetches only what is new), and the last commit of its default branch made at or
before the deadline is taken. Its exercise notebooks (``exercises/<id>/<id>.ipynb``, as
``course release`` lays them out) are written to ``SUBMISSIONS/<folder>/<id>.ipynb``, the class
folder ``grade-all`` reads; ``<folder>`` is the student's pseudonym (``roster.pseudonym``)
unless the teacher asks for real ids. A manifest (CSV) says for each student which commit was
taken, when it was made, whether it was on time, and what was missing.

What is trusted, and why. The time of a commit is its *committer date*, which the student's own
machine writes: anyone can set it (``GIT_COMMITTER_DATE``), so a commit made late can claim to be
on time. The time a commit was *pushed* is known only to the host, through its own API (GitHub's
repository events, GitLab's push events), and a plain git address has no such API; this tool
works with any git address, so it reads commit dates only, and says so in the manifest. What it
does guarantee: work collected on time stays collected (a history rewritten after the deadline
does not take it away), every rerun says what changed, and a teacher who collects right at the
deadline (a scheduled run) has the branch as it stood then, whatever dates it carries.

The roster is the teacher's; each repository's content is the student's, so it is read as
hostile data: git runs without a shell, hooks, credential helpers or prompts, only over the
protocols file, git, ssh, http and https (no ``ext::``), each call with a time limit; only the
course's own notebook paths are looked up in a commit (no name from the repository becomes a
path), only regular files are taken (a symbolic link is not), each no larger than the grader
accepts.
"""

from __future__ import annotations

import csv
import io
import os
import re
import signal
import subprocess
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from course.content import exercises as exlib
from course.content import roster as rosterlib
from course.files import write_atomic
from course.grading.batch import _cell
from course.grading.grade import MAX_NOTEBOOK_MB

PROTOCOLS = "file:git:ssh:http:https"
TIMEOUT = 300  # seconds for one git call (a clone of a large repository on a slow line)
MANIFEST_COLUMNS = [
    "id",
    "folder",
    "repository",
    "status",
    "commit",
    "commit_time",
    "collected",
    "missing",
    "changed",
    "note",
]


class CollectError(Exception):
    """Nothing can be collected (a bad roster, deadline or folder); the message says why."""


def parse_deadline(text: str) -> datetime:
    """An ISO 8601 time with its time zone (``2026-12-18T23:59:00+01:00``, or ``...Z`` for UTC)."""
    try:
        when = datetime.fromisoformat(text.strip())
    except ValueError:
        raise CollectError(
            f"--deadline {text!r} is not an ISO 8601 time; write it as 2026-12-18T23:59:00+01:00 (or ...Z for UTC)."
        ) from None
    if when.tzinfo is None:
        raise CollectError(
            f"--deadline {text!r} has no time zone, so it could mean different moments; add one, "
            f"e.g. {text.strip()}+01:00 or {text.strip()}Z."
        )
    return when


def refused_address(url: str) -> str | None:
    """Why a repository address is not used, or None. An address starting with ``-`` would be
    read by git as an option, and ``<transport>::`` addresses run helper programs (``ext::``
    runs any command)."""
    if not url:
        return "no repository address"
    if url.startswith("-"):
        return f"the address {url!r} begins with '-', which git would read as an option"
    if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*::", url):
        return f"the address {url!r} names a git transport helper ('…::'), which can run programs"
    if any(not c.isprintable() for c in url):
        return "the address holds control characters"
    return None


class GitFailed(Exception):
    pass


def _env() -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(
        GIT_TERMINAL_PROMPT="0",  # never ask for a user name or password
        GIT_ASKPASS="/bin/false",
        SSH_ASKPASS="/bin/false",
        GIT_ALLOW_PROTOCOL=PROTOCOLS,  # no ext::, fd:: or other helpers
        GIT_SSH_COMMAND=os.environ.get("GIT_SSH_COMMAND", "ssh") + " -o BatchMode=yes",
        LC_ALL="C",
    )
    return env


# Settings for every call: no hooks, no credential helper (an empty value clears the list), no
# file-system monitor program, and the allowed protocols again.
_CONFIG = [
    "-c",
    "core.hooksPath=/dev/null",
    "-c",
    "credential.helper=",
    "-c",
    "core.fsmonitor=false",
    "-c",
    "protocol.allow=never",
    *(x for p in PROTOCOLS.split(":") for x in ("-c", f"protocol.{p}.allow=always")),
]


def git(args: list[str], *, repo: Path | None = None, timeout: float = TIMEOUT) -> bytes:
    """Run git (no shell) and return its output; GitFailed with its last words on failure or
    after ``timeout`` seconds (its whole process group is stopped: ssh, remote helpers)."""
    cmd = ["git", *_CONFIG, *(["--git-dir", str(repo)] if repo else []), *args]
    proc = subprocess.Popen(
        cmd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=_env(),
        start_new_session=True,  # no terminal to prompt on, and one group to stop
    )
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise GitFailed(f"git gave no answer within {timeout:.0f} seconds") from None
    if proc.returncode != 0:
        lines = [ln.strip() for ln in err.decode("utf-8", "replace").splitlines() if ln.strip()]
        fatal = [ln for ln in lines if ln.startswith(("fatal:", "error:"))]
        raise GitFailed(((fatal or lines or [f"git exited {proc.returncode}"])[0])[:300])
    return out


@dataclass
class Collected:
    """One line of the manifest."""

    id: str
    folder: str
    repository: str
    status: str = ""  # on time | late | empty | unreachable | refused
    commit: str = ""
    commit_time: str = ""
    collected: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    changed: str = ""  # new | updated | unchanged | (empty: nothing written)
    note: str = ""

    def row(self) -> list:
        values = {**self.__dict__, "collected": " ".join(self.collected), "missing": " ".join(self.missing)}
        return [_cell(values[c]) for c in MANIFEST_COLUMNS]


def _when(stamp: int) -> str:
    return datetime.fromtimestamp(stamp, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _remote_head(url: str, timeout: float) -> tuple[str | None, str | None]:
    """The default branch's name and its commit, as the server says (None, None: empty)."""
    out = git(["ls-remote", "--symref", "--", url, "HEAD"], timeout=timeout).decode("utf-8", "replace")
    branch = sha = None
    for line in out.splitlines():
        if line.startswith("ref: ") and line.endswith("\tHEAD"):
            branch = line[5:-5].strip()
        elif line.endswith("\tHEAD") and re.fullmatch(r"[0-9a-f]{40,64}", line.split("\t")[0]):
            sha = line.split("\t")[0]
    return branch, sha


def _history(repo: Path, ref: str) -> list[tuple[str, int]]:
    """The default branch's first-parent history, newest first: (commit, committer time)."""
    out = git(["log", "--first-parent", "--format=%H %ct", ref], repo=repo).decode()
    return [(c, int(t)) for c, t in (line.split() for line in out.splitlines())]


def _commit_time(repo: Path, commit: str) -> int:
    return int(git(["log", "-1", "--format=%ct", commit], repo=repo))


def _previous(repo: Path) -> str | None:
    try:
        return git(["rev-parse", "-q", "--verify", "refs/collect/taken^{commit}"], repo=repo).decode().strip()
    except GitFailed:
        return None


def _on_branch(repo: Path, commit: str) -> bool:
    try:
        git(["merge-base", "--is-ancestor", commit, "refs/collect/head"], repo=repo)
    except GitFailed:
        return False
    return True


def _choose(repo: Path, deadline: int, item: Collected) -> str | None:
    """The commit to take, with its status and note set on ``item``."""
    history = _history(repo, "refs/collect/head")
    on_time = next(((i, c) for i, (c, t) in enumerate(history) if t <= deadline), None)
    chosen = on_time[1] if on_time else None
    notes = []
    prev = _previous(repo)
    if prev and not _on_branch(repo, prev):
        if chosen is None and _commit_time(repo, prev) <= deadline:
            chosen = prev
            notes.append(
                f"the branch was rewritten (a force-push) after commit {prev[:12]} was collected on time; "
                "that commit is no longer on the branch and was kept"
            )
        else:
            notes.append(
                f"the branch was rewritten (a force-push) since the last collection: {prev[:12]}, "
                "collected then, is no longer on it"
            )
    if on_time and on_time[0] and chosen == on_time[1]:
        notes.append(f"{on_time[0]} later commit(s), dated after the deadline, left out")
    if chosen is None:
        chosen = history[0][0]
        notes.append(f"no commit is dated at or before the deadline; took the latest ({len(history)} in all)")
        item.status = "late"
    else:
        item.status = "on time"
    item.note = "; ".join(notes)
    return chosen


def _notebooks(repo: Path, commit: str, ids: list[str]) -> tuple[dict[str, bytes], list[str], list[str]]:
    """The course's exercise notebooks in ``commit``: {exercise: bytes}, the missing ones, and
    notes on files that are there but not taken. Only the course's own paths are asked for."""
    wanted = {f"exercises/{i}/{i}.ipynb": i for i in ids}
    out = git(["ls-tree", "-r", "-z", "--full-tree", commit, "--", *wanted], repo=repo)
    found, notes = {}, []
    limit = MAX_NOTEBOOK_MB * 2**20
    for entry in filter(None, out.split(b"\0")):
        meta, _, path = entry.partition(b"\t")
        mode, kind, sha = meta.decode().split()
        ex = wanted.get(path.decode("utf-8", "replace"))
        if ex is None:
            continue
        if kind != "blob" or mode not in ("100644", "100755"):
            notes.append(f"{path.decode()} is not a plain file (a link or a submodule), not taken")
            continue
        size = int(git(["cat-file", "-s", sha], repo=repo))
        if size > limit:
            notes.append(f"{path.decode()} is {size / 2**20:.0f} MB, over the {MAX_NOTEBOOK_MB} MB a notebook may have")
            continue
        found[ex] = git(["cat-file", "blob", sha], repo=repo)
    return found, [i for i in ids if i not in found], notes


def _write(folder: Path, notebooks: dict[str, bytes], ids: list[str]) -> str:
    """Write the notebooks into the student's folder, only those that changed, and remove the
    course's notebooks the commit no longer has. Returns new | updated | unchanged."""
    existed = folder.is_dir()
    changed = False
    for ex in ids:
        path = folder / f"{ex}.ipynb"
        if ex in notebooks:
            try:
                same = path.read_bytes() == notebooks[ex]
            except OSError:
                same = False
            if not same:
                write_atomic(path, notebooks[ex])
                changed = True
        elif path.exists() or path.is_symlink():
            path.unlink()
            changed = True
    if not existed:
        folder.mkdir(parents=True, exist_ok=True)
        return "new"
    return "updated" if changed else "unchanged"


def collect_one(student, folder: str, to: Path, cache: Path, deadline: int, ids: list[str], timeout: float):
    item = Collected(student.id, folder, student.repository)
    why = refused_address(student.repository)
    if why:
        item.status, item.note = "refused", why
        return item
    repo = cache / f"{student.id}.git"
    try:
        if not (repo / "HEAD").is_file():
            git(["init", "--quiet", "--bare", str(repo)])
        branch, sha = _remote_head(student.repository, timeout)
        if sha is None:
            item.status, item.note = "empty", "the repository has no commits"
            prev = _previous(repo)
            if prev and _commit_time(repo, prev) <= deadline:
                item.note += f"; kept commit {prev[:12]}, collected earlier on time"
                item.status, item.commit, item.commit_time = "on time", prev, _when(_commit_time(repo, prev))
            return item
        source = branch or "HEAD"  # a server that does not name its default branch
        git(
            [
                "fetch",
                "--quiet",
                "--no-tags",
                "--no-recurse-submodules",
                "--force",
                "--",
                student.repository,
                f"+{source}:refs/collect/head",
            ],
            repo=repo,
            timeout=timeout,
        )
        chosen = _choose(repo, deadline, item)
        git(["update-ref", "refs/collect/taken", chosen], repo=repo)
        item.commit, item.commit_time = chosen, _when(_commit_time(repo, chosen))
        notebooks, item.missing, notes = _notebooks(repo, chosen, ids)
        item.collected = sorted(notebooks)
        item.note = "; ".join(filter(None, [item.note, *notes]))
        item.changed = _write(to / folder, notebooks, ids)
    except GitFailed as exc:
        item.status = "unreachable"
        item.note = f"could not be read: {exc}"
        prev = _previous(repo) if (repo / "HEAD").is_file() else None
        if prev and (to / folder).is_dir():
            item.note += f"; what was collected earlier (commit {prev[:12]}) was left as it was"
    return item


def default_places(to: Path) -> tuple[Path, Path]:
    """The manifest and the clones' cache, beside the class folder, not in it: they name
    students and hold their full histories, and the class folder is what may be shared."""
    to = to.resolve()
    return to.parent / f"{to.name}-manifest.csv", to.parent / f".{to.name}-clones"


def collect(
    roster: Path,
    deadline: datetime,
    to: Path,
    *,
    manifest: Path | None = None,
    cache: Path | None = None,
    key: bytes | None = None,
    jobs: int = 4,
    timeout: float = TIMEOUT,
    progress=None,
) -> tuple[list[Collected], Path]:
    """Collect every student's work; returns the manifest's lines and where it was written.
    ``key``: the pseudonym key (folders named by pseudonym); None names folders by real id."""
    students = rosterlib.read(roster, require=("repository",))
    if to.exists() and not to.is_dir():
        raise CollectError(f"{to} is a file, not a folder for the class's notebooks.")
    default_manifest, default_cache = default_places(to)
    manifest, cache = manifest or default_manifest, cache or default_cache
    ids = [ex.id for ex in exlib.all_exercises()]
    to.mkdir(parents=True, exist_ok=True)
    cache.mkdir(parents=True, exist_ok=True, mode=0o700)
    stamp = int(deadline.timestamp())
    folders = {s.id: rosterlib.pseudonym(s.id, key) if key else s.id for s in students}
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = [pool.submit(collect_one, s, folders[s.id], to, cache, stamp, ids, timeout) for s in students]
        items = []
        for future in futures:
            items.append(future.result())
            if progress:
                progress(items[-1])
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(MANIFEST_COLUMNS)
    for item in items:
        w.writerow(item.row())
    write_atomic(manifest, buf.getvalue())
    return items, manifest
