"""Answers as data: turn named Python values into JSON and back, never pickle.

Supported: None, bool, int, float, str, lists/tuples/dicts of those, numpy scalars,
pandas Series and DataFrames. Anything else is recorded as *unsupported* with a short reason,
so the test can tell the student what went wrong instead of crashing. Each answer is taken
out, and read back, on its own: one that cannot be costs that answer only.
"""

from __future__ import annotations

import io
import math

MAX_DEPTH = 20  # lists and dicts inside one another, at most
MAX_INT_DIGITS = 4000  # json (int to text and back) refuses ints of over 4300 digits
_TOO_BIG = 10**MAX_INT_DIGITS
NOT_TEXT = "with a character that is not text (a lone surrogate)"


class Unsupported(Exception):
    """An answer, or a part of it (``depth`` > 0), that cannot be taken out as data; ``what``
    says what it is: "function", "int of more than 4000 digits"."""

    def __init__(self, what: str, depth: int):
        super().__init__(what)
        self.what, self.depth = what, depth


def _kind(value) -> str:
    # type's own __name__, read past any metaclass: a str, whatever the notebook defined
    return type.__dict__["__name__"].__get__(type(value))


def _an(word: str) -> str:
    return "an" if word[:1].lower() in ("a", "e", "i", "o", "u") else "a"


def _is_text(value: str) -> bool:
    """False for a str holding a lone surrogate (what decoding bytes with
    errors="surrogateescape" leaves, or a "\\udcff" escape in the code). Such an answer is
    refused, not kept escaped: no right answer holds one, and every report, CSV and page it
    reached would have to take care not to fail on it."""
    try:
        str.encode(value, "utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _encode(value, depth=0):
    if depth > MAX_DEPTH:  # reported as Python's own recursion error would be
        raise RecursionError(f"more than {MAX_DEPTH} deep")
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        if not _is_text(value):
            raise Unsupported(f"str {NOT_TEXT}", depth)
        return value
    if isinstance(value, int):
        if int.__abs__(value) >= _TOO_BIG:  # it could not be sent as JSON, nor read back
            raise Unsupported(f"int of more than {MAX_INT_DIGITS} digits", depth)
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else {"__float__": repr(value)}
    if value is Ellipsis:
        return {"__ellipsis__": True}
    type_name = f"{type(value).__module__}.{type(value).__qualname__}"
    if type_name.startswith("numpy.") and hasattr(value, "item") and getattr(value, "ndim", 1) == 0:
        return _encode(value.item(), depth + 1)
    if type_name == "pandas.DataFrame":
        return {"__dataframe__": value.to_json(orient="table", date_format="iso", index=False)}
    if type_name == "pandas.Series":
        frame = value.to_frame(name=value.name if value.name is not None else "value")
        return {"__series__": frame.to_json(orient="table", date_format="iso")}
    if isinstance(value, (list, tuple)):
        return [_encode(v, depth + 1) for v in value]
    if isinstance(value, dict) and all(isinstance(k, str) for k in value):
        return {"__dict__": {_encode(k, depth + 1): _encode(v, depth + 1) for k, v in value.items()}}
    raise Unsupported(_kind(value), depth)


def _reason(value, exc: BaseException) -> str:
    """What the student reads after "`name` is a": short, and naming the part at fault."""
    kind = _kind(value)
    if isinstance(exc, Unsupported):
        return exc.what if exc.depth == 0 else f"{kind} holding {_an(exc.what)} {exc.what}"
    if isinstance(exc, UnicodeError):  # pandas refuses a lone surrogate in a table
        return f"{kind} {NOT_TEXT}"
    if isinstance(exc, RecursionError):
        return f"{kind} nested more than {MAX_DEPTH} deep"
    return f"{kind} that raised {_kind(exc)} when read"


def dump(names, namespace) -> dict:
    """Encode the answer variables ``names`` found in ``namespace`` (missing ones marked).
    Never raises: an answer whose encoding fails in any way (its own methods may raise
    anything, even SystemExit) is recorded as unsupported, and the others are still taken."""
    out = {}
    for name in names:
        value = None
        try:
            if name not in namespace:
                out[name] = {"__missing__": True}
                continue
            value = namespace[name]
            out[name] = _encode(value)
        except BaseException as exc:  # noqa: BLE001  (see the docstring)
            try:
                reason = _reason(value, exc)
            except BaseException:  # noqa: BLE001
                reason = "value that could not be read"
            out[name] = {"__unsupported__": reason}
    return out


class Missing:
    """Stands for an answer that could not be taken out of the notebook."""

    def __init__(self, name: str, why: str):
        self.name, self.why = name, why

    def __repr__(self):
        return f"<{self.name}: {self.why}>"


def _decode(value, name):
    import pandas as pd

    if isinstance(value, list):
        return [_decode(v, name) for v in value]
    if not isinstance(value, dict):
        return value
    if "__missing__" in value:
        return Missing(name, "not defined: run the cell that sets it, and check its spelling")
    if "__ellipsis__" in value:
        return Missing(name, "still `...`: replace the ... with your answer")
    if "__unsupported__" in value:
        reason = value["__unsupported__"]
        if not isinstance(reason, str):
            raise TypeError("the reason is not text")
        reason = reason[:200]
        return Missing(name, f"{_an(reason)} {reason}, which cannot be checked")
    if "__float__" in value:
        return float(value["__float__"])
    if "__dataframe__" in value:
        return pd.read_json(io.StringIO(value["__dataframe__"]), orient="table")
    if "__series__" in value:
        frame = pd.read_json(io.StringIO(value["__series__"]), orient="table")
        return frame.iloc[:, 0]
    if "__dict__" in value:
        return {k: _decode(v, name) for k, v in value["__dict__"].items()}
    return Missing(name, "in a form the grader does not know")


def _decode_one(value, name):
    """One answer, decoded; a payload that fails to decode makes that answer a Missing. Only a
    notebook that wrote into the grader's pipe can send one (a malformed table, a bad type,
    a nesting deeper than Python reads), so it costs its own answer and no other."""
    try:
        return _decode(value, name)
    except RecursionError:
        return Missing(name, "nested too deeply to be read")
    except Exception as exc:  # noqa: BLE001  (pandas alone raises half a dozen kinds)
        return Missing(name, f"in a form the grader could not read ({type(exc).__name__})")


def load(encoded: dict, expected: dict[str, str] | None = None) -> dict:
    """Decode answers; with ``expected`` ({name: type}), wrong types become Missing."""
    answers = {name: _decode_one(value, name) for name, value in encoded.items()}
    for name, type_name in (expected or {}).items():
        value = answers.get(name, Missing(name, "not defined"))
        if not isinstance(value, Missing) and not _is_type(value, type_name):
            kind = "None" if value is None else f"{_an(type(value).__name__)} {type(value).__name__}"
            value = Missing(name, f"{kind}, but it should be {_an(type_name)} {type_name}")
        answers[name] = value
    return answers


def printable(text: str) -> str:
    """``text`` with each lone surrogate written out as ``\\udcff``: text that any file,
    report or terminal takes in UTF-8. Hints and error messages pass through this, since
    they may quote what a notebook raised or handed in."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _is_type(value, type_name: str) -> bool:
    import pandas as pd

    checks = {
        "int": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "float": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
        "str": lambda v: isinstance(v, str),
        "bool": lambda v: isinstance(v, bool),
        "list": lambda v: isinstance(v, list),
        "dict": lambda v: isinstance(v, dict),
        "DataFrame": lambda v: isinstance(v, pd.DataFrame),
        "Series": lambda v: isinstance(v, pd.Series),
    }
    return checks[type_name](value)
