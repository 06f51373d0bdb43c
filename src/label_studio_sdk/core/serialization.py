"""Turning arguments into a request (path, query, JSON) and response bytes into typed values.

Pydantic is imported on first use only: importing the SDK must not pay for it.
"""

from __future__ import annotations

import datetime as dt
import enum
import json
import re
import sys
import uuid
from decimal import Decimal
from types import FrameType
from typing import Any, Callable, Dict, List, Mapping, Optional, Tuple
from urllib.parse import quote

from .errors import InvalidArgumentError
from .options import OMIT

QueryParams = List[Tuple[str, Any]]


def encode_path(value: Any) -> str:
    """One path segment: enums by value, everything percent-encoded (a "/" in an id cannot escape).

    An ID is an int (or any integer type, such as numpy's), a str or a UUID; anything else (a model
    object, None, a bool, a float, a list) raises ``InvalidArgumentError`` naming the argument,
    before any request.
    """
    kind = type(value)
    if kind is not int and kind is not str:
        if isinstance(value, enum.Enum):
            value = value.value
        if isinstance(value, bool) or not (
            isinstance(value, (int, str, uuid.UUID)) or hasattr(type(value), "__index__")
        ):
            raise _bad_path_value(value, sys._getframe(1))
    text = quote(str(value), safe="")
    if text in (".", ".."):
        # URL normalisation would swallow a dot segment and move the request up the path.
        return text.replace(".", "%2E")
    return text


def _bad_path_value(value: Any, caller: FrameType) -> InvalidArgumentError:
    """The error for a value that cannot be an ID in a URL path, naming the caller's argument.

    The name is looked up among the calling method's arguments (only on this error path).
    """
    names = [
        name
        for name in caller.f_code.co_varnames[: caller.f_code.co_argcount + caller.f_code.co_kwonlyargcount]
        if name != "self" and caller.f_locals.get(name) is value
    ]
    argument = f"{names[0]!r}" if names else "a path argument"
    method = caller.f_code.co_name
    where = f"{method}(): " if not method.startswith("<") else ""
    if value is None or isinstance(value, bool):
        return InvalidArgumentError(f"{where}{argument} must be an ID (an int or a str), not {value!r}")
    kind = type(value).__name__
    message = f"{where}{argument} must be an ID (an int or a str), not a {kind}"
    if hasattr(value, "model_dump") and getattr(value, "id", None) is not None:
        message += f" object: did you mean {_object_name(value, names, caller)}.id?"
    return InvalidArgumentError(message)


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _object_name(value: Any, arguments: List[str], method: FrameType) -> str:
    """What the caller probably calls ``value``: their own variable, else a name from the argument
    (``project_id`` -> ``project``), the model class or the client's group (``ProjectsClient`` -> ``project``)."""
    user = method.f_back
    if user is not None:
        for name, local in user.f_locals.items():
            if local is value and name != "self" and not name.startswith("_"):
                return name
    for name in arguments:
        if name.endswith(("_id", "_pk")):
            return name[:-3]
    kind = type(value).__name__
    if not kind.endswith(("Response", "Request")):
        return _snake(kind)
    client = type(method.f_locals.get("self")).__name__
    group = re.sub(r"^Async|Client(?:Ext)?$", "", client)
    if group and group != "NoneType":
        noun = _snake(group)
        return noun[:-1] if noun.endswith("s") and not noun.endswith("ss") else noun
    return "the_object"


def encode_query(params: Optional[Mapping[str, Any]]) -> QueryParams:
    """Query pairs in order. OMIT and None are left out; lists repeat the key (``ids=1&ids=2``)."""
    pairs: QueryParams = []
    if not params:
        return pairs
    for key, value in params.items():
        if value is OMIT or value is None:
            continue
        if isinstance(value, (list, tuple, set, frozenset)):
            pairs.extend((key, _query_scalar(item)) for item in value if item is not None)
        else:
            pairs.append((key, _query_scalar(value)))
    return pairs


def _query_scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, enum.Enum):
        return str(value.value)
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, (dict, list)) or hasattr(value, "model_dump"):
        # Structured values travel as JSON text (the Data Manager's `query` is one).
        return dump_json(value).decode("utf-8")
    return str(value)


def json_query(value: Any) -> Any:
    """A query value the server parses as a JSON list: ``[5, 6]`` -> ``"[5,6]"``, a lone ``5`` -> ``"[5]"``."""
    if value is OMIT or value is None:
        return value
    items = list(value) if isinstance(value, (list, tuple, set, frozenset)) else [value]
    return dump_json(items).decode("utf-8")


def drop_omitted(values: Mapping[str, Any]) -> Dict[str, Any]:
    """The arguments the caller actually passed; explicit None stays (it means JSON null)."""
    return {key: value for key, value in values.items() if value is not OMIT}


def _json_default(value: Any) -> Any:
    model_dump: Optional[Callable[..., Any]] = getattr(value, "model_dump", None)
    if model_dump is not None:
        return model_dump(mode="json", by_alias=True, exclude_unset=True)
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (set, frozenset)):
        return list(value)
    if isinstance(value, (uuid.UUID, Decimal)):
        return str(value)
    raise TypeError(f"a value of type {type(value).__name__} cannot be sent as JSON")


def dump_json(body: Any) -> bytes:
    """Compact UTF-8 JSON; models, datetimes, enums, sets, UUIDs and Decimals are converted."""
    return json.dumps(body, default=_json_default, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


_validators: Dict[Any, Callable[[bytes], Any]] = {}


def json_validator(cast_to: Any) -> Callable[[bytes], Any]:
    """A function that parses JSON bytes straight into ``cast_to`` (cached per type)."""
    validator = _validators.get(cast_to)
    if validator is None:
        model_validate_json = getattr(cast_to, "model_validate_json", None)
        if isinstance(cast_to, type) and model_validate_json is not None:
            validator = model_validate_json
        else:
            from pydantic import TypeAdapter

            validator = TypeAdapter(cast_to).validate_json
        _validators[cast_to] = validator
    return validator
