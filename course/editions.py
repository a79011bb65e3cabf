"""The instructor edition: the student book plus lesson plans, answer keys and solutions.

It is built from the same ``_config.yml`` and ``_toc.yml``, with two changes written to a
generated config: ``course_edition: instructor`` (which lets the instructor-only directives
run and stops excluding ``instructor/``) and an extra "For instructors" part in the toc.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml

from . import paths


def instructor_files(out: Path) -> tuple[Path, Path]:
    config = yaml.safe_load((paths.ROOT / "_config.yml").read_text(encoding="utf-8"))
    config["title"] = f"{config['title']} — Instructor edition"
    config.setdefault("sphinx", {}).setdefault("config", {})["course_edition"] = "instructor"
    toc = yaml.safe_load((paths.ROOT / "_toc.yml").read_text(encoding="utf-8"))
    toc["parts"].append({
        "caption": "For instructors",
        "chapters": [{"file": "instructor/index"}] + [
            {"file": f"instructor/{p.stem}"}
            for p in sorted((paths.INSTRUCTOR).glob("*.md")) if p.stem != "index"
        ],
    })
    conf_dir = out / "config"
    conf_dir.mkdir(parents=True, exist_ok=True)
    cfg, tc = conf_dir / "_config.yml", conf_dir / "_toc.yml"
    cfg.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")
    tc.write_text(yaml.safe_dump(toc, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return cfg, tc


def build_instructor(out: Path) -> int:
    cfg, tc = instructor_files(out)
    cmd = [str(Path(sys.executable).parent / "jupyter-book"), "build", str(paths.ROOT),
           "--config", str(cfg), "--toc", str(tc), "--path-output", str(out),
           "-W", "-n", "--keep-going"]
    code = subprocess.call(cmd)
    if code == 0:
        print(f"Instructor edition: {out / '_build' / 'html' / 'index.html'}")
    return code
