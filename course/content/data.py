"""Course datasets as pandas DataFrames. Every row says where it comes from.

- ``timeline()``: dated events from ``data/timeline.csv`` (one file for the whole course);
  each row has its source (seed ¶s and published works, see ``sources``) and a certainty flag.
- ``paragraphs(seed)``: a seed's text as data, one row per ¶, computed from the seed file.
- ``dataset(name)``: a table of figures from ``data/<name>.csv``; every row has ``seed``,
  ``para`` and ``quote`` (the seed's words the figure comes from).
"""

from __future__ import annotations

import re

import pandas as pd

from course.content import paths, seeds

WORD = re.compile(r"[^\W_]+(?:[’'][^\W_]+)*")


def timeline(seed: str | None = None) -> pd.DataFrame:
    """All dated events, or those a given seed mentions or presupposes (``seed="000"``)."""
    df = pd.read_csv(paths.DATA / "timeline.csv", dtype=str, keep_default_na=False)
    df["start"] = pd.to_datetime(df["start"], format="%Y-%m-%d")
    df["end"] = pd.to_datetime(df["end"], format="%Y-%m-%d")
    if seed is not None:
        chapter_events = df["seed_refs"].str.contains(rf"\b{seed}:", regex=True)
        df = df[chapter_events | (df["source"].str.contains(rf"seed {seed}\b"))]
    return df.sort_values("start", kind="stable").reset_index(drop=True)


def paragraphs(seed: str) -> pd.DataFrame:
    """One row per paragraph: ``seed``, ``para`` (the ¶ number), ``text``, ``words``."""
    paras = seeds.paragraphs(seed)
    return pd.DataFrame(
        {
            "seed": seed,
            "para": range(1, len(paras) + 1),
            "text": [p.replace("\n", " ") for p in paras],
            "words": [len(WORD.findall(p)) for p in paras],
        }
    )


def dataset(name: str) -> pd.DataFrame:
    """A course dataset by name, e.g. ``dataset("party_composition_1927")``."""
    path = paths.DATA / f"{name}.csv"
    if not path.exists():
        known = ", ".join(sorted(p.stem for p in paths.DATA.glob("*.csv") if p.stem != "timeline"))
        raise FileNotFoundError(f"no dataset {name!r}; the course has: {known}")
    return pd.read_csv(path, dtype={"seed": str})
