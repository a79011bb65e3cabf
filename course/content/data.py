"""Course datasets as pandas DataFrames. Every row says where it comes from.

- ``timeline()``: dated events from ``data/timeline.csv`` (one file for the whole course);
  each row has its source (seed ¶s and published works, see ``sources``) and a certainty flag.
- ``paragraphs(seed)``: a seed's text as data, one row per ¶, computed from the seed file.
- ``dataset(name)``: a table of figures from ``data/<name>.csv``; every row has ``seed``,
  ``para`` and ``quote`` (the seed's words the figure comes from).
- ``threads()``: the threads of ``data/threads.yml`` as a table, one row per thread and text;
  ``vocabulary(terms)``: how often each text uses each term, per 1,000 words, with its date.
"""

from __future__ import annotations

import re

import pandas as pd

from course.content import paths, seeds
from course.content import threads as _threads

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


def threads() -> pd.DataFrame:
    """One row per thread and text on it: ``thread``, ``title``, ``seed``, ``year`` (the catalogue's;
    for an undated text the first year it infers, with ``year_exact`` False), ``paras`` (the ¶s, as
    "7 12"), ``quote``, ``claim``."""
    rows = [
        {
            "thread": t.id,
            "title": t.title,
            "seed": x.seed,
            "year": _threads.text_year(x.seed)[0],
            "year_exact": _threads.text_year(x.seed)[1],
            "paras": " ".join(str(n) for n in x.paras),
            "quote": x.quote,
            "claim": x.claim,
        }
        for t in _threads.all_threads()
        for x in t.texts
    ]
    return pd.DataFrame(rows)


def vocabulary(terms: dict[str, str]) -> pd.DataFrame:
    """How often each text uses each term: one row per text and term with ``seed``, ``year``,
    ``year_exact``, ``label`` ("003 (c. 1987–1990)"), ``term``, ``count`` (matches of the term's
    regular expression, case ignored, in the whole seed file: headers, notes and quotations of
    other writers included), ``words`` (the seed's words) and ``per_1000``."""
    table: list[dict] = []
    for seed in sorted(seeds.catalogue()):
        text = seeds.text(seed)
        words = len(WORD.findall(text))
        year, exact = _threads.text_year(seed)
        for term, pattern in terms.items():
            count = len(re.findall(pattern, text, re.IGNORECASE))
            table.append(
                {
                    "seed": seed,
                    "year": year,
                    "year_exact": exact,
                    "label": f"{seed} ({_threads.year_label(seed)})",
                    "term": term,
                    "count": count,
                    "words": words,
                    "per_1000": round(1000 * count / words, 2),
                }
            )
    order = sorted(seeds.catalogue(), key=_threads.date_order)
    df = pd.DataFrame(table)
    return df.sort_values("seed", key=lambda s: s.map(order.index), kind="stable").reset_index(drop=True)
