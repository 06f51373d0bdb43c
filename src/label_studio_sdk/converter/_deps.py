"""Optional modules of the converter extra, imported only by the formats that use them."""

from __future__ import annotations

import importlib
from types import ModuleType

from label_studio_sdk.core.errors import LabelStudioError

EXTRA_INSTALL = 'pip install "label-studio-sdk[converter]"'

# The distribution that provides each optional top-level module, for the error message.
_DISTRIBUTIONS = {"PIL": "Pillow", "numpy": "numpy"}


class MissingDependencyError(LabelStudioError, ImportError):
    """An optional package that a converter format needs is not installed."""


def require(module: str, *, purpose: str = "this export format") -> ModuleType:
    """Import ``module`` (e.g. ``"PIL.Image"``) or raise ``MissingDependencyError`` naming the extra to install."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        top = module.split(".", 1)[0]
        distribution = _DISTRIBUTIONS.get(top, top)
        raise MissingDependencyError(
            f"{purpose} needs {distribution}, which is not installed; install it with {EXTRA_INSTALL}"
        ) from exc
