"""JSON of a response model as the server sends it, for tests that mock a response.

A test names the fields it cares about; every other required field gets a plain value of its type
(0, "", False, [], {}, null where the field is nullable, a nested sample for a model), so the mock
still validates now that the fields the server always sends are required.
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from typing import Any, Dict, Type

from pydantic import BaseModel

_PLAIN: Dict[Any, Any] = {
    int: 0,
    float: 0.0,
    str: "",
    bool: False,
    dt.datetime: "2024-01-01T00:00:00Z",
    dt.date: "2024-01-01",
}


def sample(model: Type[BaseModel], **fields: Any) -> Dict[str, Any]:
    """``fields`` (by Python name or wire name) plus a plain value for each other required field."""
    out: Dict[str, Any] = {}
    by_name = {name: info.alias or name for name, info in model.model_fields.items()}
    for name, value in fields.items():
        out[by_name.get(name, name)] = value
    for name, info in model.model_fields.items():
        wire = info.alias or name
        if info.is_required() and wire not in out:
            out[wire] = plain(info.annotation)
    return out


def plain(annotation: Any) -> Any:
    """A plain JSON value of a type."""
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin in (typing.Union, types.UnionType):
        if type(None) in args:
            return None
        return plain(args[0])
    if origin is typing.Literal:
        return args[0]
    if origin in (list, tuple, set) or (origin is not None and "Sequence" in str(origin)):
        return []
    if origin is dict:
        return {}
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return sample(annotation)
    if annotation in _PLAIN:
        return _PLAIN[annotation]
    return None
