"""Formative checks: confirm an answer against a published digest instead of its value.

A public tests file ships to every student, so it must not state the answers. Where a public
check has to confirm a value, it compares a salted digest::

    assert matches(n, "01_soviets/n_bureau$5c0f...")            # an int, a str, a list, a dict
    assert matches(share, "02_party/gap_points$9a1e...", places=2)  # a float, to 2 places

A digest is ``<salt>$<16 hex digits>``: the first 16 hex digits of SHA-256 over the salt and a
canonical text of the value. The salt is the exercise id and the check's name, so one value
gives a different digest in every check (a reader cannot see that two answers are equal) and
a table of digests made for one check is no use for another. Floats are rounded to ``places``
(the precision the question asks for) before hashing, so 1.2341 and 1.2349 match the same
digest at two places; ints, strings, lists and dicts must match exactly.

What this can hide: a value that cannot be guessed, such as a float to two places, a table's
column, a list of ids in order. What it cannot hide: a digest of a small whole number, or of
anything drawn from a short list, is found by hashing the candidates (0, 1, 2, ... or every
¶ number) until one matches, which takes a student a loop of a few lines. So these checks are
formative, for practice: they tell an honest student whether an answer is right, and a score
from them is not a grade. A teacher grades with hidden tests, which never leave the teacher.

Authors compute a digest with ``digest(value, salt, places=...)`` from the solution's value;
tests/test_no_answers.py recomputes every digest in every public tests file from the
solutions and names the one that drifted, with its new value.
"""

from __future__ import annotations

import hashlib
import json
import math

SEP = "$"
HEX_DIGITS = 16


def canonical(value, places: int | None = None) -> str:
    """The text that is hashed. Numbers with ``places`` are written with that many decimals
    (an int too: 5 and 5.0 are the same share); without it an int is written as is and a float
    by ``repr``. Lists and tuples keep their order; dicts are sorted by key. A type it does not
    know raises TypeError."""
    if hasattr(value, "item") and getattr(value, "ndim", None) == 0:  # numpy scalars
        value = value.item()
    if value is None or isinstance(value, bool):
        return json.dumps(value)
    if isinstance(value, (int, float)):
        if places is not None:
            if not math.isfinite(value):
                return repr(float(value))
            text = f"{value:.{places}f}"
            return "0" + text[2:] if text.startswith("-0") and float(text) == 0 else text
        return str(value) if isinstance(value, int) else repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(canonical(v, places) for v in value) + "]"
    if isinstance(value, dict) and all(isinstance(k, str) for k in value):
        return "{" + ",".join(f"{canonical(k)}:{canonical(value[k], places)}" for k in sorted(value)) + "}"
    if hasattr(value, "isoformat"):  # a date or timestamp
        return json.dumps(value.isoformat())
    raise TypeError(f"no canonical form for a {type(value).__name__}")


def _hex(salt: str, text: str) -> str:
    return hashlib.sha256(f"{salt}\0{text}".encode()).hexdigest()[:HEX_DIGITS]


def digest(value, salt: str, *, places: int | None = None) -> str:
    """The digest to publish for ``value`` (for authors: the solution's value goes in)."""
    if not salt or SEP in salt:
        raise ValueError(f"a salt is a non-empty name without {SEP!r}, such as '01_soviets/n_bureau'")
    return f"{salt}{SEP}{_hex(salt, canonical(value, places))}"


def matches(value, published: str, *, places: int | None = None) -> bool:
    """Whether ``value`` has the published digest. A value with no canonical form (an odd
    object, a nesting too deep) matches nothing; a malformed digest is the author's error."""
    salt, sep, hexd = published.rpartition(SEP)
    if not salt or not sep or len(hexd) != HEX_DIGITS:
        raise ValueError(f"not a digest: {published!r} (expected '<salt>{SEP}<{HEX_DIGITS} hex digits>')")
    try:
        text = canonical(value, places)
    except (TypeError, ValueError, OverflowError, RecursionError):
        return False
    return _hex(salt, text) == hexd
