"""Helpers of the 0.x SDK: ``parse_config`` (label config XML -> dict) and ``chunk``.

Deprecated: the label config is better read with the typed project (``ls.projects.get(id)``).
``parse_config`` uses the standard library parser (no lxml) and refuses DTDs and entities, which
no label config needs.
"""

from __future__ import annotations

import logging
import xml.etree.ElementTree as ET
from itertools import islice
from typing import Any, Dict, Iterable, Iterator, List, Optional, Sequence, TypeVar, Union

logger = logging.getLogger("label_studio_sdk")

T = TypeVar("T")

# Tags that hold one label of their parent control (``<Labels><Label value="Cat"/></Labels>``).
LABEL_TAGS = frozenset({"Label", "Choice", "Relation"})
# Tags with ``name`` and ``toName`` that are not controls (they produce no result).
NOT_CONTROL_TAGS = frozenset({"Filter"})


class LabelConfigParseError(ValueError):
    """The label config is not well-formed XML (or declares a DTD)."""


def _parse_xml(label_config: str) -> ET.Element:
    text = label_config.lstrip()
    if "<!DOCTYPE" in text or "<!ENTITY" in text:
        raise LabelConfigParseError("label configs may not declare a DOCTYPE or entities")
    try:
        return ET.fromstring(text)
    except ET.ParseError as exc:
        raise LabelConfigParseError(f"the label config is not valid XML: {exc}") from exc


def _conditionals(attrib: Dict[str, str]) -> Optional[Dict[str, str]]:
    """Per-region visibility of a control (``perRegion="true"`` with a ``when*`` attribute)."""
    if attrib.get("perRegion") != "true":
        return None
    for attribute, kind in (
        ("whenTagName", "tag"),
        ("whenLabelValue", "label"),
        ("whenChoiceValue", "choice"),
    ):
        if attrib.get(attribute):
            return {"type": kind, "name": attrib[attribute]}
    return None


def parse_config(label_config: Optional[str]) -> Dict[str, Dict[str, Any]]:
    """The control tags of a label config, as 0.x returned them.

    ``{control_name: {"type": "Choices", "to_name": ["text"], "inputs": [{"type": "Text",
    "value": "text"}], "labels": ["Positive", ...], "labels_attrs": {"Positive": {...attributes}}}}``

    * a control is a tag with ``name`` and ``toName`` (``toName`` may list several names, comma
      separated); an object (input) is a tag with ``name`` and ``value`` (``$`` stripped);
    * labels are the ``Label``/``Choice``/``Relation`` tags inside a control, however deeply nested,
      keyed by ``alias`` when present, else ``value``;
    * a per-region control with ``whenTagName``/``whenLabelValue``/``whenChoiceValue`` also gets
      ``"conditionals": {"type": "tag"|"label"|"choice", "name": ...}``.

    An empty config gives ``{}``; malformed XML raises :class:`LabelConfigParseError` (a ``ValueError``).
    """
    if not label_config or not label_config.strip():
        return {}
    root = _parse_xml(label_config)
    parents: Dict[ET.Element, ET.Element] = {child: parent for parent in root.iter() for child in parent}

    inputs: Dict[str, Dict[str, str]] = {}
    controls: Dict[str, Dict[str, Any]] = {}
    labels: Dict[str, Dict[str, Dict[str, str]]] = {}
    for tag in root.iter():
        attrib = tag.attrib
        name = attrib.get("name")
        if name and attrib.get("toName") and tag.tag not in NOT_CONTROL_TAGS:
            info: Dict[str, Any] = {
                "type": tag.tag,
                "to_name": [part.strip() for part in attrib["toName"].split(",") if part.strip()],
            }
            conditionals = _conditionals(attrib)
            if conditionals:
                info["conditionals"] = conditionals
            controls[name] = info
            labels.setdefault(name, {})
        elif name and attrib.get("value"):
            inputs[name] = {"type": tag.tag, "value": attrib["value"].lstrip("$")}
        if tag.tag not in LABEL_TAGS:
            continue
        owner = parents.get(tag)
        while owner is not None and owner.attrib.get("name") not in controls:
            owner = parents.get(owner)
        if owner is None:
            continue
        value = attrib.get("alias") or attrib.get("value")
        if not value:
            logger.debug("a <%s> in %r has neither value nor alias", tag.tag, owner.attrib["name"])
            continue
        labels[owner.attrib["name"]][value] = dict(attrib)

    for control_name, info in controls.items():
        info["inputs"] = []
        for object_name in info["to_name"]:
            if object_name in inputs:
                info["inputs"].append(inputs[object_name])
            else:
                logger.debug("control %r points to %r, which is not an object tag", control_name, object_name)
        info["labels"] = list(labels[control_name])
        info["labels_attrs"] = labels[control_name]
    return controls


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
