"""The deprecated public paths of the 0.x API, each warning once with its new equivalent.

``label_studio_sdk.Client`` (the package root resolves it here) and ``label_studio_sdk.client.Client`` (the root client module's ``__getattr__``) call
:func:`legacy_name`; the ``label_studio_sdk.project`` module calls :func:`warn_deprecated` when
imported. (0.x's ``label_studio_sdk.Project`` cannot come back: that name is the typed project
model of the new API; ``label_studio_sdk.project.Project`` still works.) Every message starts with ``The 0.x API`` so that one warning filter can match them all:
``-W "ignore:The 0.x API:DeprecationWarning"``.
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any, Dict, Set, Tuple

if TYPE_CHECKING:  # type checkers see the real classes; at run time __getattr__ below warns first
    from .client import Client as Client

MESSAGE_PREFIX = "The 0.x API"

# deprecated path -> (name in label_studio_sdk._legacy, the new equivalent)
NEW_EQUIVALENTS: Dict[str, Tuple[str, str]] = {
    "label_studio_sdk.Client": ("Client", "label_studio_sdk.LabelStudio"),
    "label_studio_sdk.client.Client": ("Client", "label_studio_sdk.LabelStudio"),
}

_warned: Set[str] = set()


def message(old: str, new: str) -> str:
    return (
        f"{MESSAGE_PREFIX} {old} is deprecated and will be removed; use {new} instead "
        f"(label_studio_sdk._legacy keeps the 0.x names without this warning)"
    )


def warn_deprecated(old: str, new: str, stacklevel: int = 2) -> None:
    """Warn once per process for ``old``. ``stacklevel`` as for ``warnings.warn`` (1: the caller of
    this function); the import machinery's frames are skipped by ``warnings`` itself."""
    if old in _warned:
        return
    warnings.warn(message(old, new), DeprecationWarning, stacklevel=stacklevel + 1)
    _warned.add(old)  # after: under -W error the next attempt raises again


def legacy_name(path: str, stacklevel: int = 2) -> Any:
    """The legacy object behind a deprecated path, after the warning (``stacklevel`` 1: the caller
    of this function, 2: its caller, ...)."""
    name, new = NEW_EQUIVALENTS[path]
    warn_deprecated(path, new, stacklevel=stacklevel + 1)
    from label_studio_sdk import _legacy

    return getattr(_legacy, name)


def __getattr__(name: str) -> Any:
    """``label_studio_sdk.Client``: the package root imports it from here."""
    path = f"label_studio_sdk.{name}"
    if path not in NEW_EQUIVALENTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    # user code -> label_studio_sdk.__getattr__ -> this function -> legacy_name
    return legacy_name(path, stacklevel=3)
