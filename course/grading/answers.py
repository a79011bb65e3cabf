"""Answers as data: turn named Python values into JSON and back, never pickle.

Supported: None, bool, int, float, str, lists/tuples/dicts of those, numpy scalars,
pandas Series and DataFrames. Anything else is recorded as *unsupported* with its type name,
so the test can tell the student what went wrong instead of crashing.
"""

from __future__ import annotations

import io
import json
import math

MIME = "application/vnd.course.answers+json"


def _encode(value, depth=0):
    if depth > 20:
        return {"__unsupported__": "deeply nested value"}
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
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
        return {"__dict__": {k: _encode(v, depth + 1) for k, v in value.items()}}
    return {"__unsupported__": type(value).__name__}


def dump(names, namespace) -> dict:
    """Encode the answer variables ``names`` found in ``namespace`` (missing ones marked)."""
    out = {}
    for name in names:
        if name not in namespace:
            out[name] = {"__missing__": True}
            continue
        try:
            out[name] = _encode(namespace[name])
        except Exception as exc:  # a broken object must not hide the other answers
            out[name] = {"__unsupported__": f"{type(namespace[name]).__name__} ({exc})"}
    return out


def emit(names, namespace) -> None:
    """Display the encoded answers as one output (called by the grader's last cell)."""
    from IPython.display import display

    display({MIME: dump(names, namespace)}, raw=True)


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
        return Missing(name, f"a {value['__unsupported__']}, which cannot be checked")
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


def load(encoded: dict, expected: dict[str, str] | None = None) -> dict:
    """Decode answers; with ``expected`` ({name: type}), wrong types become Missing."""
    answers = {name: _decode(value, name) for name, value in encoded.items()}
    for name, type_name in (expected or {}).items():
        value = answers.get(name, Missing(name, "not defined"))
        if not isinstance(value, Missing) and not _is_type(value, type_name):
            value = Missing(name, f"a {type(value).__name__}, but it should be a {type_name}")
        answers[name] = value
    return answers


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


def to_json(encoded: dict) -> str:
    return json.dumps(encoded, ensure_ascii=False, indent=1)
