"""A pytest plugin that counts, per response model, how often each field was in the JSON.

    LS_FIELD_CENSUS=census.json python -m pytest -p scripts.field_census tests/integration

Every response the SDK parses is walked along its model (nested models, lists, dicts and
unions included) and, per model class, the plugin counts the objects seen and, per field, the
objects that carried it and those where it was null. The census is how openapi.yaml's
``required`` lists were checked against what Label Studio really sends: a response field is
required only where every object the integration suite received had it.
"""

from __future__ import annotations

import contextlib
import json
import os
import typing
from collections import defaultdict
from typing import Any, DefaultDict, Dict

from pydantic import BaseModel

from label_studio_sdk.core._http_base import BaseHttpClient

Census = DefaultDict[str, Dict[str, Any]]
_census: Census = defaultdict(lambda: {"seen": 0, "present": defaultdict(int), "null": defaultdict(int)})


def _walk(annotation: Any, value: Any) -> None:
    if value is None:
        return
    origin = typing.get_origin(annotation)
    if origin is None:
        if isinstance(annotation, type) and issubclass(annotation, BaseModel) and isinstance(value, dict):
            _count(annotation, value)
        return
    args = typing.get_args(annotation)
    if origin in (list, tuple, set, frozenset) or str(origin).endswith("Sequence'>"):
        if isinstance(value, list) and args:
            for item in value:
                _walk(args[0], item)
    elif origin is dict:
        if isinstance(value, dict) and len(args) == 2:
            for item in value.values():
                _walk(args[1], item)
    else:  # Union / Optional / Annotated: every branch that is a model gets a look
        for arg in args:
            _walk(arg, value)


def _count(model: type, value: Dict[str, Any]) -> None:
    entry = _census[f"{model.__module__}.{model.__qualname__}"]
    entry["seen"] += 1
    for name, info in model.model_fields.items():  # type: ignore[attr-defined]
        wire = info.alias or name
        if wire in value:
            entry["present"][name] += 1
            if value[wire] is None:
                entry["null"][name] += 1
            _walk(info.annotation, value[wire])


_original_parse = BaseHttpClient._parse


def _recording_parse(self: Any, call: Any, response: Any, cast_to: Any, on_parsed: Any = None) -> Any:
    result = _original_parse(self, call, response, cast_to, on_parsed)
    # A listing that selects its fields (include=) leaves the others out by request: its objects
    # say nothing about what the server always sends.
    selecting = "include" in call.request.url.params
    if cast_to is not None and response.content and not selecting:
        with contextlib.suppress(ValueError):
            _walk(cast_to, json.loads(response.content))
    return result


BaseHttpClient._parse = _recording_parse  # type: ignore[method-assign]


def pytest_sessionfinish(session: Any, exitstatus: int) -> None:
    path = os.environ.get("LS_FIELD_CENSUS")
    if path:
        with open(path, "w") as f:
            json.dump(_census, f, indent=1, sort_keys=True)
