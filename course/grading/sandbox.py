"""Fence around the process that runs student code, where Linux allows it.

``wrap(cmd, ...)`` returns the command to start and the isolation level it gets:

* ``"full"``: ``unshare`` gives the run its own user, mount, network and process namespaces.
  Inside, before any student code runs, this module (run as the namespace's root):
  puts an empty tmpfs over the folder that holds every run folder, so concurrent runs cannot
  see one another, and binds this run's own folder back; hides the paths it is told to hide
  (hidden tests, the results folder, other submissions, files with solutions) under empty
  mounts; makes every other mount read-only, so student code cannot rewrite the grader, its
  Python packages or earlier reports; and gives the run a fresh ``/dev/shm``. The network
  namespace has no interfaces up, so nothing can be fetched or sent. The process namespace
  means student code cannot
  see or signal any process outside its run, and everything it started dies with it.
  Last, before it starts the run, the fence gives up every capability for good: root of the
  namespace could otherwise remount the read-only mounts writable, or lift the empty mounts
  off the hidden files, and undo all of the above.
* ``"none"``: the platform refuses unprivileged namespaces (some CI runners and containers).
  Grading still works, with the limits set in the child itself (time, memory, output, file
  size) and the tamper check in ``grade``; the report says isolation was not available.
"""

from __future__ import annotations

import ctypes
import functools
import os
import shutil
import subprocess
import sys

UNSHARE = ["unshare", "--user", "--map-root-user", "--mount", "--net", "--pid", "--fork",
           "--mount-proc", "--kill-child"]

# The folder that holds the ``course`` package (a repository, or a released student copy).
PACKAGE_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# mount(2) flags (linux/mount.h)
MS_RDONLY, MS_REMOUNT, MS_BIND, MS_REC = 1, 32, 4096, 16384
# prctl(2) options (linux/prctl.h) and securebits (linux/securebits.h)
PR_CAPBSET_DROP, PR_SET_SECUREBITS, PR_SET_NO_NEW_PRIVS, PR_CAP_AMBIENT = 24, 28, 38, 47
PR_CAP_AMBIENT_CLEAR_ALL = 4
SECBIT_NOROOT, SECBIT_NOROOT_LOCKED = 1 << 0, 1 << 1
SECBIT_NO_SETUID_FIXUP, SECBIT_NO_SETUID_FIXUP_LOCKED = 1 << 2, 1 << 3


@functools.lru_cache(maxsize=1)
def available() -> bool:
    """True when ``unshare`` can make unprivileged namespaces here (probed once)."""
    if os.environ.get("COURSE_NO_SANDBOX") or not shutil.which("unshare"):
        return False
    try:
        done = subprocess.run(UNSHARE + ["true"], capture_output=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


def wrap(cmd: list[str], *, runs_parent: str, run_dir: str, hide: list[str]) -> tuple[list[str], str]:
    """The command that starts ``cmd`` inside the fence, and the isolation level."""
    if not available():
        return cmd, "none"
    inner = python_module("course.grading.sandbox", runs_parent, run_dir, *hide, "--", *cmd)
    return UNSHARE + inner, "full"


def python_module(module: str, *args: str) -> list[str]:
    """``python -I`` running ``module`` of this package: isolated mode reads no PYTHON*
    variable, no user site and nothing from the working folder, so files a submission leaves
    behind cannot be imported in place of ours; the package's own folder is put on the path
    explicitly (a released student repository runs it without installing it)."""
    boot = ("import runpy, sys; sys.path.insert(0, sys.argv.pop(1)); "
            f"runpy.run_module({module!r}, run_name='__main__', alter_sys=True)")
    return [sys.executable, "-I", "-c", boot, PACKAGE_ROOT, *args]


def _mount(source, target, fstype, flags, data=None):
    libc = ctypes.CDLL(None, use_errno=True)
    args = [None if a is None else a.encode() for a in (source, target, fstype, data)]
    if libc.mount(args[0], args[1], args[2], ctypes.c_ulong(flags), args[3]) != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"mount {target}: {os.strerror(err)}")


def _prctl(option: int, arg: int = 0) -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(option, ctypes.c_ulong(arg), 0, 0, 0) != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"prctl {option}: {os.strerror(err)}")


def drop_privileges() -> None:
    """No capability survives the exec that starts the run: root of the namespace gets none
    from exec (NOROOT, locked), the bounding set is emptied and nothing can be regained."""
    _prctl(PR_SET_SECUREBITS, SECBIT_NOROOT | SECBIT_NOROOT_LOCKED
           | SECBIT_NO_SETUID_FIXUP | SECBIT_NO_SETUID_FIXUP_LOCKED)
    with open("/proc/sys/kernel/cap_last_cap", encoding="ascii") as fh:
        last = int(fh.read())
    for cap in range(last + 1):
        _prctl(PR_CAPBSET_DROP, cap)
    _prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL)
    _prctl(PR_SET_NO_NEW_PRIVS, 1)


def _fence(runs_parent: str, run_dir: str, hide: list[str]) -> None:
    keep = os.open(run_dir, os.O_RDONLY | os.O_DIRECTORY)
    # Other runs vanish; this one comes back at the same path, writable.
    _mount("tmpfs", runs_parent, "tmpfs", 0, "size=64k,mode=755")
    os.makedirs(run_dir)
    _mount(f"/proc/self/fd/{keep}", run_dir, None, MS_BIND)
    os.close(keep)
    for path in hide:
        if os.path.isdir(path):
            _mount("tmpfs", path, "tmpfs", MS_RDONLY, "size=4k")
        elif os.path.exists(path):
            _mount("/dev/null", path, None, MS_BIND)
    _mount("tmpfs", "/dev/shm", "tmpfs", 0, "size=64m")
    # Everything else read-only. A mount the kernel will not let us change (a locked /proc
    # submount, say) stays as it was; the ones that matter are ordinary file systems.
    fresh = {run_dir, "/dev/shm", runs_parent}
    with open("/proc/self/mountinfo", encoding="utf-8") as fh:
        points = [line.split()[4].encode().decode("unicode_escape") for line in fh]
    for point in points:
        if point in fresh or point.startswith(("/proc", "/sys", "/dev")):
            continue
        try:
            _mount(None, point, None, MS_REMOUNT | MS_BIND | MS_RDONLY)
        except OSError:
            pass


if __name__ == "__main__":
    argv = sys.argv[1:]
    split = argv.index("--")
    runs_parent, run_dir, *hidden = argv[:split]
    try:
        _fence(runs_parent, run_dir, hidden)
        drop_privileges()
    except OSError as exc:  # never run student code in a fence that is only half built
        sys.stderr.write(f"The grader's sandbox could not be set up ({exc}). Set "
                         "COURSE_NO_SANDBOX=1 to grade without it.\n")
        sys.exit(70)
    os.chdir(run_dir)
    os.execv(argv[split + 1], argv[split + 1:])
