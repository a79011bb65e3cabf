"""Quiz banks: one YAML file per chapter in ``quizzes/``, validated before anything renders it.

A bank is checked against ``schemas/quiz_bank.schema.json`` (shape) and then against the
course's own rules: unique ids, exactly one key, feedback on every option that cites a ¶
and gives the reason without a verdict, and ¶ references that exist in the seed.

The verdict ("Correct." / "Not quite.") follows from an option's ``correct`` and is said by the
quiz itself (``course/notebook/static/quiz.js``); the answer key marks the key, and a learning
platform marks answers its own way. Feedback that also opened with one would say it twice.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import yaml

from course.content import paths, seeds, threads
from course.content.validate import validator as schema_validator

# "¶12", "¶12–14", "seed 004 ¶9": how feedback and prose cite paragraphs.
PARA_REF = re.compile(r"(?:seed (?P<seed>\d{3}) )?¶(?P<first>\d+)(?:\s*[–-]\s*(?P<last>\d+))?")
_BANNED_OPTIONS = re.compile(r"\b(all|none) of the above\b", re.IGNORECASE)
# Feedback that opens with a verdict: "Correct.", "No.", "Yes (¶1):", "Not quite, ..."
_VERDICT = re.compile(
    r"^\W*(?:correct|incorrect|right|wrong|true|false|yes|no|not quite)\b\s*(?:[.!,:;]|(?=[(—–]))", re.IGNORECASE
)


class BankError(ValueError):
    """A quiz bank that must not be rendered; the message names the file and the item."""


@dataclass(frozen=True)
class Ref:
    seed: str
    first: int
    last: int


def parse_ref(ref: str) -> Ref:
    """Parse an item's ``refs`` entry, e.g. ``"000:12"`` or ``"000:12-14"``."""
    seed, _, span = ref.partition(":")
    first, _, last = span.partition("-")
    return Ref(seed, int(first), int(last or first))


def refs_in_text(text: str, default_seed: str) -> list[Ref]:
    return [
        Ref(m["seed"] or default_seed, int(m["first"]), int(m["last"] or m["first"])) for m in PARA_REF.finditer(text)
    ]


SCHEMAS = Path(__file__).resolve().parent / "schemas"


@lru_cache(maxsize=1)
def _schema() -> dict:
    return json.loads((SCHEMAS / "quiz_bank.schema.json").read_text(encoding="utf-8"))


def taxonomy(field: str) -> tuple[str, ...]:
    """The levels a quiz item's ``bloom`` or ``skill`` may take, in order: the schema's enum, the
    one place they are written (guided questions use the same two lists)."""
    return tuple(_schema()["properties"]["items"]["items"]["properties"][field]["enum"])


def _check_ref(ref: Ref, where: str) -> list[str]:
    try:
        count = seeds.paragraph_count(ref.seed)
    except KeyError as exc:
        return [f"{where}: {exc.args[0]}"]
    if not (1 <= ref.first <= ref.last <= count):
        span = f"¶{ref.first}" + (f"–{ref.last}" if ref.last != ref.first else "")
        return [f"{where}: seed {ref.seed} has no {span} (it has ¶1–{count})"]
    return []


def _thread_problems(item: dict, where: str) -> list[str]:
    """An item across texts (id ``s…-tNN``) names its thread, rests on two texts or more, and its
    feedback cites a ¶ of every text it rests on; no other item names a thread."""
    across = item["id"][4:6] == "-t"
    if not across:
        return [f"{where}: only an item across texts (s…-tNN) names a thread"] if "thread" in item else []
    if "thread" not in item:
        return [f"{where}: an item across texts names its thread (thread: …, from data/threads.yml)"]
    try:
        threads.get(item["thread"])
    except KeyError as exc:
        return [f"{where}: {exc.args[0]}"]
    rests_on = {parse_ref(r).seed for r in item["refs"]}
    if len(rests_on) < 2:
        return [f"{where}: an item across texts rests on two texts or more (its refs name seed {min(rests_on)} only)"]
    cited = {r.seed for o in item["options"] for r in refs_in_text(o["feedback"], item["seed"])}
    return [
        f"{where}: the feedback never cites seed {seed}, a text the item rests on" for seed in sorted(rests_on - cited)
    ]


def validate(bank: dict, source: str) -> list[str]:
    """All problems in one bank, each as 'FILE, item ID: problem'. Empty list = valid."""
    validator = schema_validator(_schema())
    problems = []
    for err in sorted(validator.iter_errors(bank), key=lambda e: list(e.path)):
        loc = list(err.path)
        item = ""
        if len(loc) >= 2 and loc[0] == "items" and isinstance(bank.get("items"), list):
            raw = bank["items"][loc[1]]
            item = f", item {raw.get('id', '#' + str(loc[1] + 1)) if isinstance(raw, dict) else '#' + str(loc[1] + 1)}"
        where = "/".join(str(p) for p in loc) or "top level"
        message = err.message
        if loc == ["items"] and err.validator == "minItems":
            message = "the bank has no items (only a bank marked 'draft: true' may be empty)"
        problems.append(f"{source}{item}: {message} (at {where})")
    if problems:
        return problems

    seen: set[str] = set()
    for item in bank["items"]:
        where = f"{source}, item {item['id']}"
        if item["id"] in seen:
            problems.append(f"{where}: duplicate id")
        seen.add(item["id"])
        if item["id"][1:4] != item["seed"]:
            problems.append(f"{where}: the id's seed number does not match seed {item['seed']}")
        keys = [o for o in item["options"] if o["correct"]]
        if len(keys) != 1:
            problems.append(f"{where}: exactly one option must be correct (found {len(keys)})")
        texts = [o["text"].strip() for o in item["options"]]
        if len(set(texts)) != len(texts):
            problems.append(f"{where}: two options have the same text")
        for ref in item["refs"]:
            problems += _check_ref(parse_ref(ref), f"{where}, refs")
        problems += _thread_problems(item, where)
        for n, opt in enumerate(item["options"], 1):
            if _BANNED_OPTIONS.search(opt["text"]):
                problems.append(f"{where}, option {n}: no 'all/none of the above' options")
            if verdict := _VERDICT.match(opt["feedback"]):
                problems.append(
                    f"{where}, option {n}: feedback opens with a verdict ({verdict.group(0).strip()!r}); "
                    "the quiz says 'Correct.' or 'Not quite.' itself, so start with the reason"
                )
            cited = refs_in_text(opt["feedback"], item["seed"])
            if not cited:
                problems.append(f"{where}, option {n}: feedback must cite a paragraph, e.g. (¶12)")
            for ref in cited:
                problems += _check_ref(ref, f"{where}, option {n} feedback")
    return problems


def bank_files() -> list[Path]:
    return sorted(paths.QUIZZES.glob("*.yml"))


def load(path: Path) -> dict:
    """Load and validate one bank; raise BankError listing every problem."""
    source = str(path.relative_to(paths.ROOT)) if path.is_relative_to(paths.ROOT) else str(path)
    try:
        bank = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise BankError(f"{source}: not valid YAML: {exc}") from None
    problems = validate(bank if isinstance(bank, dict) else {"items": bank}, source)
    if isinstance(bank, dict) and bank.get("chapter") not in (None, path.stem):
        # The file name is the chapter's identity (quizzes/<slug>.yml); the field must agree.
        problems.append(
            f"{source}: chapter: {bank['chapter']!r} but the file is {path.name}; "
            f"they must name the same chapter ({path.stem})"
        )
    if problems:
        raise BankError("invalid quiz bank:\n  " + "\n  ".join(problems))
    return bank


@cache
def _load_cached(path: Path, mtime: float) -> dict:
    return load(path)


def clear_caches() -> None:
    """Forget banks read so far (a long-running build calls this before each build)."""
    _load_cached.cache_clear()


def all_banks() -> dict[str, dict]:
    """Every bank by chapter, validated; ids must also be unique across banks."""
    banks, owner = {}, {}
    for path in bank_files():
        bank = _load_cached(path, path.stat().st_mtime)
        for item in bank["items"]:
            if item["id"] in owner:
                raise BankError(f"{path.name}, item {item['id']}: id also used in {owner[item['id']]}")
            owner[item["id"]] = path.name
        banks[bank["chapter"]] = bank
    return banks


def item(item_id: str) -> dict:
    for bank in all_banks().values():
        for it in bank["items"]:
            if it["id"] == item_id:
                return it
    raise KeyError(f"no quiz item {item_id!r} in quizzes/*.yml")
