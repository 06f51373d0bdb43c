"""Helpers of the 0.x SDK: ``parse_config`` (label config XML -> dict) and ``chunk``.

Deprecated: the label config is better read with the typed project (``ls.projects.get(id)``).
``parse_config`` is the one of ``label_studio_tools`` (the shape the server stores), read with the
safe parser that refuses DTDs and entities.
"""

from __future__ import annotations

from itertools import islice
from typing import Any, Dict, Iterable, Iterator, List, Sequence, TypeVar, Union

from .exceptions import LabelStudioXMLSyntaxErrorSentryIgnored

T = TypeVar("T")

LabelConfigParseError = LabelStudioXMLSyntaxErrorSentryIgnored
"""The 0.x name of the syntax error ``parse_config`` raises (a ``ValueError``)."""


def parse_config(config_string: Union[str, bytes, None]) -> Dict[str, Dict[str, Any]]:
    """The control tags of a label config: ``{control_name: {"type", "to_name", "inputs", "labels", "labels_attrs", ...}}``.

    The same function as ``label_studio_sdk._extensions.label_studio_tools.core.label_config.parse_config``:
    an empty config gives ``{}``; malformed XML raises :data:`LabelConfigParseError`.
    """
    # Imported on call: label_config imports label_interface._xml, which imports this package.
    from label_studio_sdk._extensions.label_studio_tools.core.label_config import parse_config as parse

    return parse(config_string)


def chunk(seq: Union[Sequence[T], Iterable[T]], size: int) -> Iterator[Any]:
    """Consecutive pieces of ``seq`` of at most ``size`` items.

    A sequence (list, tuple, str) gives slices of its own type; any other iterable gives lists.
    """
    if isinstance(size, bool) or not isinstance(size, int) or size <= 0:
        raise ValueError(f"chunk size must be a positive integer, got {size!r}")
    if isinstance(seq, Sequence):
        for start in range(0, len(seq), size):
            yield seq[start : start + size]
        return
    iterator = iter(seq)
    while True:
        piece: List[T] = list(islice(iterator, size))
        if not piece:
            return
        yield piece
