"""The repository's own rules: text notebooks only, pinned dependencies, the two commands."""

import os
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_no_ipynb_is_tracked():
    tracked = subprocess.run(["git", "ls-files", "*.ipynb"], cwd=ROOT, capture_output=True, text=True)
    assert tracked.returncode == 0 and tracked.stdout.strip() == ""


def test_notebooks_are_jupytext_myst():
    for path in [*ROOT.glob("chapters/*_notebook.md"), *ROOT.glob("exercises/*/exercise.md")]:
        head = path.read_text(encoding="utf-8").split("---")[1]
        assert "format_name: myst" in head and "name: python3" in head, path


def test_every_dependency_is_pinned_exactly():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    for dep in project["dependencies"] + sum(project["optional-dependencies"].values(), []):
        assert "==" in dep, dep
    extras = project["optional-dependencies"]
    pins = {d.split("==")[0].lower() for d in project["dependencies"] + sum(extras.values(), [])}
    assert {"jupyter-book", "myst-nb", "ipywidgets", "pandas", "nbclient", "jupytext", "ipykernel"} <= pins
    assert "jupyter-book==1.0.4.post1" in extras["book"]
    # What a notebook needs stays light: the setup cell installs it into Colab's own kernel.
    runtime = {d.split("==")[0].lower() for d in project["dependencies"]}
    assert not runtime & {"jupyter-book", "sphinx", "ipykernel", "jupyter-client", "nbclient"}


def test_readme_leads_with_the_two_commands_and_ci_runs_the_test_one():
    readme = (ROOT / "README.md").read_text()
    first_block = readme.split("```")[1]
    assert "make book" in first_block and "make test" in first_block
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_the_python_floor_is_written_once():
    """requires-python is the one place: the workflows read it, the pages quote it, the student
    repository's files are generated from it. No other file spells a floor of its own."""
    floor = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    assert floor.startswith(">=")
    version = floor[2:].strip()
    workflows = [*ROOT.glob(".github/workflows/*.yml"), ROOT / "course/publishing/templates/student-grade.yml"]
    for path in workflows:
        text = path.read_text(encoding="utf-8")
        assert "python-version:" not in text, f"{path}: use python-version-file: pyproject.toml"
    for path in [*workflows, ROOT / "README.md", ROOT / "CONTRIBUTING.md", ROOT / "opening-notebooks.md"]:
        assert f"Python {version}" not in path.read_text(encoding="utf-8"), path
        assert f"{version}+" not in path.read_text(encoding="utf-8"), path


def test_pre_commit_runs_the_pinned_ruff():
    """The hooks use the ruff installed from pyproject.toml's pin, so no second version exists."""
    import yaml

    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    hooks = [h for repo in config["repos"] for h in repo["hooks"]]
    assert [r["repo"] for r in config["repos"]] == ["local"]
    assert {h["id"] for h in hooks} == {"ruff-check", "ruff-format"}
    assert all(h["entry"].startswith(".venv/bin/ruff ") and h["language"] == "system" for h in hooks)
    test_pins = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]["test"]
    assert any(p.startswith("ruff==") for p in test_pins)


def test_the_tests_workflow_runs_the_readme_commands():
    import yaml

    spec = yaml.safe_load((ROOT / ".github" / "workflows" / "tests.yml").read_text(encoding="utf-8"))
    assert {"push", "pull_request"} <= set(spec[True])
    (job,) = spec["jobs"].values()
    runs = [s["run"] for s in job["steps"] if "run" in s]
    assert "make check" in runs and runs[-1] == "bash .ci/run"
    assert "debian" in job["container"]["image"]


# ---------------------------------------------------------------- what the test processes share

MAKE_SLOWLY = """
import sys, time
from pathlib import Path
from helpers import made_once

def make(folder):
    with open(Path(sys.argv[1]) / "calls", "a") as f:
        f.write("made\\n")
    if sys.argv[2] == "fail":
        raise SystemExit("the build failed")
    time.sleep(1)  # long enough for the other process to arrive and wait on the lock
    (folder / "site").mkdir()
    return folder / "site"

print(made_once(Path(sys.argv[1]), "thing", make))
"""


def test_two_processes_make_a_shared_thing_once(tmp_path):
    """What the test processes share (the built book, the wheel) is made by one of them while
    the other waits, and both get the same result; a failed attempt is made again by the next
    process (which then reports its own failure), never passed off as made."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "tests")}
    script = [sys.executable, "-c", MAKE_SLOWLY, str(tmp_path)]
    failed = subprocess.run([*script, "fail"], env=env, capture_output=True, text=True)
    assert failed.returncode != 0 and "the build failed" in failed.stderr
    both = [subprocess.Popen([*script, "ok"], env=env, stdout=subprocess.PIPE, text=True) for _ in range(2)]
    outs = [p.communicate(timeout=60)[0].strip() for p in both]
    assert all(p.returncode == 0 for p in both)
    assert outs[0] == outs[1] == str(tmp_path / "shared-thing" / "site")
    assert (tmp_path / "calls").read_text().splitlines() == ["made", "made"]  # the failure, then one


def test_the_run_folder_is_above_a_workers_own_and_nowhere_else(tmp_path, monkeypatch):
    """A pytest that a test starts inherits PYTEST_XDIST_WORKER: its shared things must stay in
    its own folder, not go up into the system's /tmp, where another run's would be found."""
    from helpers import run_folder

    class Factory:
        def __init__(self, base):
            self.base = base

        def getbasetemp(self):
            return self.base

    monkeypatch.setenv("PYTEST_XDIST_WORKER", "gw1")
    assert run_folder(Factory(tmp_path / "pytest-7" / "popen-gw1")) == tmp_path / "pytest-7"
    assert run_folder(Factory(tmp_path / "pytest-8")) == tmp_path / "pytest-8"
    monkeypatch.delenv("PYTEST_XDIST_WORKER")
    assert run_folder(Factory(tmp_path / "pytest-9")) == tmp_path / "pytest-9"


def test_the_modules_kept_in_one_process_exist():
    """A renamed module would silently lose its place in ONE_PROCESS (and run its costly fixture
    in both processes, or its tests beside each other's changes)."""
    from helpers import LONG, ONE_PROCESS

    for module, why in ONE_PROCESS.items():
        assert (ROOT / module).is_file(), f"{module} ({why}) is in ONE_PROCESS but does not exist"
    for nodeid in LONG:  # and a renamed long test would silently be scheduled late again
        module, name = nodeid.split("::")
        assert f"\ndef {name}(" in (ROOT / module).read_text(encoding="utf-8"), nodeid
