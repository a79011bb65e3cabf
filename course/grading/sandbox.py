"""The sandbox student code runs in: bubblewrap (``bwrap``), with an allow-list.

Bubblewrap is the tool Flatpak builds its sandboxes with (Debian's ``bubblewrap``). The
notebook gets a new, nearly empty file system in which only what it needs exists:

* read-only: the system's libraries and programs (``/usr`` and its ``/bin``, ``/lib``
  links), a few files of ``/etc`` the dynamic linker reads, the Python installation and the
  virtualenv, the ``course`` package and the course's public content (data, seeds, quiz banks,
  the public tests). Nothing else of the machine: no repository, no ``.git``, no other
  submission, no results folder, no hidden tests, no solutions, no home folder;
* writable, each a fresh size-capped tmpfs that vanishes with the run: the notebook's own
  folder (``/home/student``, holding a copy of the submission), ``/tmp`` and ``/dev/shm``;
* its own ``/proc``, a ``/dev`` with only null, zero, full, random, urandom and tty (read
  only, so nothing can be stored there), no ``/sys``;
* its own user, process, IPC, network, UTS and cgroup namespaces: no network at all (only a
  loopback of its own), no host socket, no SysV shared memory or semaphores shared with the
  host or another run, no process outside the run to see or signal. It cannot make further
  namespaces, and bwrap gives it no capability.

The run's processes belong to an ordinary user. When the grader is root, they run as
``nobody`` (uid 65534), not as root mapped into a namespace: root-owned files that are only
readable by their owner stay unreadable even inside what is mounted. The Python installation
may live where ``nobody`` cannot reach it (``/root/.pyenv``); root first binds what is needed
to a private place in a mount namespace of its own (``stage``, below), then drops to
``nobody`` and starts bwrap.

Per-run limits set here: the size of each writable tmpfs (so the disk a run can fill is
bounded). The limits per process tree (memory of the whole run, number of processes, time)
are set by ``execute`` inside the sandbox.

When bubblewrap cannot run here, ``missing()`` says which piece is missing; the grader then
stops, unless the teacher passes ``--trusted-code-no-sandbox``.
"""

from __future__ import annotations

import ctypes
import functools
import os
import shutil
import stat
import subprocess
import sys
import sysconfig
import tempfile

from course.content import paths

# The folder that holds the ``course`` package (a repository, or a released student copy).
PACKAGE_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HOME = "/home/student"  # the notebook's folder inside the sandbox
NOBODY = 65534
TMP_MB, SHM_MB = 64, 64  # /tmp and /dev/shm; the notebook's folder gets Limits.disk_mb
ETC = ["/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/localtime"]
TOP_LINKS = ["/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"]  # /usr-merged systems

# mount(2) flags (linux/mount.h) and unshare(2)'s CLONE_NEWNS, for ``stage``
MS_BIND, MS_REC, MS_PRIVATE = 4096, 16384, 1 << 18
CLONE_NEWNS = 0x00020000


def python_module(module: str, *args: str) -> list[str]:
    """``python -I`` running ``module`` of this package: isolated mode reads no PYTHON*
    variable, no user site and nothing from the working folder, so files a submission leaves
    behind cannot be imported in place of ours; the package's own folder is put on the path
    explicitly (a released student repository runs it without installing it)."""
    boot = (
        "import runpy, sys; sys.path.insert(0, sys.argv.pop(1)); "
        f"runpy.run_module({module!r}, run_name='__main__', alter_sys=True)"
    )
    return [sys.executable, "-I", "-c", boot, PACKAGE_ROOT, *args]


def _outermost(folders) -> list[str]:
    """Real paths, without any that lies inside another of them."""
    real = sorted({os.path.realpath(f) for f in folders if f and os.path.exists(f)})
    return [f for f in real if not any(f != o and f.startswith(o.rstrip("/") + "/") for o in real)]


def read_only_binds() -> list[tuple[str, str]]:
    """(source, place in the sandbox) of everything the notebook may read. Each source is
    also its place: the Python installation and the package must be where their own paths
    (``sys.prefix``, symlinks in the virtualenv) say they are."""
    python = [sys.base_prefix, sys.prefix, *(sysconfig.get_paths()[k] for k in ("purelib", "platlib"))]
    package = os.path.join(PACKAGE_ROOT, "course")
    content = [
        str(paths.DATA),
        str(paths.SEEDS),
        str(paths.QUIZZES),
        *(str(p) for p in sorted(paths.EXERCISES.glob("*/tests.py"))),
    ]
    folders = _outermost(["/usr", *python, package, *content])
    folders += [f for f in ETC if os.path.exists(f)]
    return [(f, f) for f in folders]


def _top_level() -> list[str]:
    """/bin, /lib and the like: symlinks into /usr on most systems, else bound read-only."""
    args = []
    for top in TOP_LINKS:
        if os.path.islink(top):
            args += ["--symlink", os.readlink(top), top]
        elif os.path.isdir(top) and not os.path.realpath(top).startswith("/usr/"):
            args += ["--ro-bind", top, top]
    return args


def bwrap_args(notebook_fd: int, disk_mb: int, binds: list[tuple[str, str]]) -> list[str]:
    # --as-pid-1: the supervisor is the namespace's init, which the notebook cannot signal;
    # when it ends, every process of the run ends with it.
    args = [
        "bwrap",
        "--unshare-all",
        "--unshare-user",
        "--disable-userns",
        "--die-with-parent",
        "--new-session",
        "--as-pid-1",
        "--hostname",
        "grader",
        "--cap-drop",
        "ALL",
    ]
    # The writable places first: a read-only source may lie under /tmp (a course copied
    # there), and a tmpfs mounted after it would cover it.
    args += [
        "--proc",
        "/proc",
        "--dev",
        "/dev",
        "--size",
        str(SHM_MB << 20),
        "--tmpfs",
        "/dev/shm",
        "--remount-ro",
        "/dev",  # not recursive: /dev/shm stays writable
        "--size",
        str(TMP_MB << 20),
        "--tmpfs",
        "/tmp",
        "--size",
        str(disk_mb << 20),
        "--tmpfs",
        HOME,
    ]
    for source, place in binds:
        args += ["--ro-bind", source, place]
    args += _top_level()
    args += ["--file", str(notebook_fd), f"{HOME}/submission.ipynb", "--chdir", HOME]
    return args


def wrap(cmd: list[str], *, notebook_fd: int, disk_mb: int) -> list[str]:
    """The command that runs ``cmd`` in the sandbox; the submission is read from
    ``notebook_fd`` (an open file the caller passes on) into the notebook's folder."""
    binds = read_only_binds()
    if os.geteuid() != 0:
        return [*bwrap_args(notebook_fd, disk_mb, binds), "--", *cmd]
    # Root: ``stage`` binds each source to a private place nobody can reach, then runs bwrap
    # as nobody with those places as sources.
    staged = [(f"@{i}", place) for i, (_, place) in enumerate(binds)]
    return [
        *python_module(
            "course.grading.sandbox", "stage", *(s for s, _ in binds), "--", *bwrap_args(notebook_fd, disk_mb, staged)
        ),
        "--",
        *cmd,
    ]


@functools.lru_cache(maxsize=1)
def missing() -> str | None:
    """None when the sandbox can be built here; else what is missing, in words (probed once
    per process by starting Python in a real sandbox)."""
    if not shutil.which("bwrap"):
        return (
            "bubblewrap (the bwrap command) is not installed. Install it (Debian and "
            "Ubuntu: apt-get install bubblewrap)."
        )
    with tempfile.TemporaryFile() as empty:
        probe = "import sys; sys.path.insert(0, sys.argv[1]); import course.grading"
        cmd = wrap([sys.executable, "-I", "-c", probe, PACKAGE_ROOT], notebook_fd=empty.fileno(), disk_mb=1)
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}
        try:
            done = subprocess.run(cmd, capture_output=True, timeout=30, pass_fds=(empty.fileno(),), env=env)
        except (OSError, subprocess.TimeoutExpired) as exc:
            return f"bubblewrap could not be started ({exc})."
    if done.returncode == 0:
        return None
    said = done.stderr.decode("utf-8", "replace").strip().splitlines()
    return (
        "bubblewrap is installed but cannot build the sandbox here"
        f"{': ' + said[-1][:300] if said else ''}. On Ubuntu 24.04 (GitHub's runners) allow "
        "unprivileged user namespaces first: sudo sysctl -w "
        "kernel.apparmor_restrict_unprivileged_userns=0. In a container, run it with "
        "user namespaces allowed."
    )


# ---------------------------------------------------------------- stage (run as root only)


def _libc():
    return ctypes.CDLL(None, use_errno=True)


def _check(rc: int, what: str) -> None:
    if rc != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")


def stage(sources: list[str], bwrap: list[str]) -> None:
    """As root: in a mount namespace of this process only, bind each source under a fresh
    tmpfs that ``nobody`` can traverse, give up root for good, and exec bwrap with the staged
    places (``@N`` in its arguments) as sources. Nothing of this shows outside."""
    libc = _libc()
    _check(libc.unshare(CLONE_NEWNS), "unshare")
    _check(libc.mount(None, b"/", None, ctypes.c_ulong(MS_REC | MS_PRIVATE), None), "private /")
    # Held open first: a source may lie under the folder the tmpfs is about to cover.
    held = [os.open(s, os.O_PATH) for s in sources]
    place = tempfile.gettempdir()  # covered by the tmpfs in this namespace only
    _check(libc.mount(b"tmpfs", place.encode(), b"tmpfs", ctypes.c_ulong(0), b"size=64k,mode=711"), "tmpfs")
    staged = {}
    for i, (source, fd) in enumerate(zip(sources, held)):
        target = os.path.join(place, str(i))
        if stat.S_ISDIR(os.fstat(fd).st_mode):  # the source's own path may now be covered
            os.mkdir(target, 0o711)
        else:
            open(target, "wb").close()
        _check(
            libc.mount(f"/proc/self/fd/{fd}".encode(), target.encode(), None, ctypes.c_ulong(MS_BIND | MS_REC), None),
            f"bind {source}",
        )
        os.close(fd)
        staged[f"@{i}"] = target
    os.setgroups([])
    os.setresgid(NOBODY, NOBODY, NOBODY)
    os.setresuid(NOBODY, NOBODY, NOBODY)
    args = [staged.get(a, a) for a in bwrap]
    os.execvp(args[0], args)


if __name__ == "__main__":
    argv = sys.argv[1:]
    if argv[:1] != ["stage"] or argv.count("--") < 2:
        sys.exit("usage: sandbox stage SOURCE... -- BWRAP-ARGS... -- COMMAND...")
    split = argv.index("--")
    try:
        stage(argv[1:split], argv[split + 1 :])
    except OSError as exc:  # never run student code in a sandbox that is only half built
        sys.stderr.write(f"The grader's sandbox could not be set up ({exc}).\n")
        sys.exit(70)
