"""Reading settings from the environment and flags from request parameters, the way Label Studio does."""

from __future__ import annotations

import os
from typing import Any, Mapping

_ENV_PREFIXES = ("LABEL_STUDIO_", "HEARTEX_", "")
_TRUE_WORDS = frozenset({"true", "yes", "on", "1"})
_FALSE_WORDS = frozenset({"false", "no", "not", "off", "0"})


def cast_bool_from_str(value: Any) -> Any:
    """Turn a yes/no word into a bool; values that are not strings come back unchanged."""
    if not isinstance(value, str):
        return value
    word = value.lower()
    if word in _TRUE_WORDS:
        return True
    if word in _FALSE_WORDS:
        return False
    raise ValueError(f"cannot read {value!r} as a boolean: use true/false, yes/no, on/off or 1/0")


def get_env(name: str, default: Any = None, is_bool: bool = False) -> Any:
    """The first of LABEL_STUDIO_<name>, HEARTEX_<name> and <name> that is set, else ``default``.

    With ``is_bool`` a value found in the environment is read as a boolean; the default is returned as given.
    """
    for prefix in _ENV_PREFIXES:
        value = os.environ.get(prefix + name)
        if value is not None:
            return cast_bool_from_str(value) if is_bool else value
    return default


def get_bool_env(key: str, default: Any) -> Any:
    """A boolean setting from the environment (see ``get_env``), or ``default`` when it is not set."""
    return get_env(key, default, is_bool=True)


def bool_from_request(params: Mapping[str, Any], key: str, default: Any) -> bool:
    """A boolean query parameter: a yes/no word or a number, ``default`` when absent."""
    value = params.get(key, default)
    if isinstance(value, str):
        value = cast_bool_from_str(value)
    return bool(int(value))
