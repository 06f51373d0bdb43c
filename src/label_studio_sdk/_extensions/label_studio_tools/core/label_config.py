"""``parse_config``: a labeling config reduced to its control tags, in the shape the Label Studio server stores.

The server keeps this dict in ``Project.parsed_label_config`` and serves it from its REST API, and ML
backends store it as JSON, so its keys, their order and its quirks stay as earlier releases wrote them.
The config is read with the safe parser of ``label_interface`` (no DTDs or entities, bounded size);
nothing of the tag model is loaded.
"""

from __future__ import annotations

import logging
import re
from typing import Any, Dict, List, Mapping, Optional, Union

from label_studio_sdk.label_interface._xml import XmlNode, parse_xml
from label_studio_sdk.label_interface.exceptions import LabelStudioXMLSyntaxErrorSentryIgnored

logger: logging.Logger = logging.getLogger(__name__)

ParsedConfig = Dict[str, Dict[str, Any]]
"""``{control name: {"type", "to_name", ["regex"], ["conditionals"], ["dynamic_labels"], "inputs", "labels", "labels_attrs"}}``."""

_LABEL_TAGS = frozenset({"Label", "Choice", "Relation"})
"""Tags that hold one label of the control they sit in (at any depth)."""
_NOT_CONTROL_TAGS = frozenset({"Filter"})
"""Tags with ``name`` and ``toName`` that produce no result."""
_VIDEO_TRACKING_TAGS = frozenset({"videorectangle"})
"""Lowercased control tags whose results are keyframed video tracks."""

# A bare task-data reference: ``$`` and letters or underscores only (``$opts1`` is not one).
_VARIABLE = re.compile(r"\$[A-Za-z_]+")
# Per-region controls show up under the first of these that is set.
_CONDITION_ATTRIBUTES = (("whenTagName", "tag"), ("whenLabelValue", "label"), ("whenChoiceValue", "choice"))


def has_variable(actual_value: str) -> bool:
    """True when the value is a bare ``$name`` reference to task data, such as ``$options``."""
    return _VARIABLE.fullmatch(actual_value) is not None


def _is_input_tag(tag: XmlNode) -> bool:
    """An object tag: it has a name and a ``value`` or ``valueList``."""
    attrib = tag.attrib
    return bool(attrib.get("name") and (attrib.get("value") or attrib.get("valueList")))


def _is_output_tag(tag: XmlNode) -> bool:
    """A control tag: it has a name and a ``toName`` and is not a ``Filter``."""
    attrib = tag.attrib
    return bool(attrib.get("name") and attrib.get("toName")) and tag.tag not in _NOT_CONTROL_TAGS


def _get_parent_output_tag_name(tag: XmlNode, outputs: Mapping[str, object]) -> Optional[str]:
    """The name of the nearest ancestor whose name is one of ``outputs``, or None."""
    parent = tag.parent
    while parent is not None:
        name = parent.attrib.get("name")
        if name is not None and name in outputs:
            return name
        parent = parent.parent
    return None


def _conditionals(attrib: Mapping[str, str]) -> Optional[Dict[str, str]]:
    """When a per-region control is shown: ``{"type": "tag"|"label"|"choice", "name": ...}``."""
    if attrib.get("perRegion") != "true":
        return None
    for attribute, kind in _CONDITION_ATTRIBUTES:
        name = attrib.get(attribute)
        if name:
            return {"type": kind, "name": name}
    return None


def _output_info(tag: XmlNode, index_flags: Mapping[str, None]) -> Dict[str, Any]:
    """The entry of one control, before its inputs and labels are known."""
    attrib = tag.attrib
    # toName is split as written: " b" stays " b" (and the server's validation rejects it).
    to_name = attrib["toName"].split(",")
    info: Dict[str, Any] = {"type": tag.tag, "to_name": to_name}
    regex = {flag: ".*" for flag in index_flags if any(flag in name for name in to_name)}
    if regex:
        info["regex"] = regex
    conditionals = _conditionals(attrib)
    if conditionals:
        info["conditionals"] = conditionals
    if has_variable(attrib.get("value", "")) or attrib.get("apiUrl"):
        info["dynamic_labels"] = True
    return info


def _input_info(tag: XmlNode) -> Dict[str, Optional[str]]:
    """``{type, valueType, value | valueList}`` of one object tag, ``$`` stripped from the value."""
    attrib = tag.attrib
    info: Dict[str, Optional[str]] = {"type": tag.tag, "valueType": attrib.get("valueType")}
    if "value" in attrib:
        info["value"] = attrib["value"].lstrip("$")
    else:
        info["valueList"] = attrib["valueList"].lstrip("$")
    return info


def _add_label(
    tag: XmlNode, outputs: Mapping[str, object], labels: Dict[str, Dict[str, Dict[str, str]]]
) -> None:
    """Record a Label/Choice/Relation under the control it sits in; one without either is dropped."""
    owner = _get_parent_output_tag_name(tag, outputs)
    if owner is None:
        return
    attrib = tag.attrib
    value = attrib.get("alias") or attrib.get("value") or attrib.get("valueList")
    if value:
        labels.setdefault(owner, {})[value] = attrib


def _connected_inputs(
    control: str, to_name: List[str], inputs: Mapping[str, Dict[str, Optional[str]]]
) -> List[Dict[str, Optional[str]]]:
    """The object entries a control points to; names that are not objects are skipped."""
    connected = []
    for name in to_name:
        if name in inputs:
            connected.append(inputs[name])
        else:
            logger.debug("control %r points to %r, which is not an object tag", control, name)
    return connected


def _as_text(config_string: Union[str, bytes]) -> str:
    if not isinstance(config_string, bytes):
        return config_string
    try:
        return config_string.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise LabelStudioXMLSyntaxErrorSentryIgnored(f"the labeling config is not UTF-8: {exc}") from None


def parse_config(config_string: Union[str, bytes, None]) -> ParsedConfig:
    """The control tags of a labeling config with their objects and labels; ``{}`` for an empty config.

    Malformed XML, DTDs and entities raise ``LabelStudioXMLSyntaxErrorSentryIgnored`` (a ``ValueError``).
    """
    if not config_string:
        return {}
    root = parse_xml(_as_text(config_string)).root
    outputs: ParsedConfig = {}
    inputs: Dict[str, Dict[str, Optional[str]]] = {}
    labels: Dict[str, Dict[str, Dict[str, str]]] = {}
    index_flags: Dict[str, None] = {}  # Repeater flags seen so far, in order (a dict as an ordered set)
    for tag in root.iter():
        attrib = tag.attrib
        if "indexFlag" in attrib:
            index_flags[attrib["indexFlag"]] = None
        name = attrib.get("name")
        if name:  # most tags (labels, views) have no name: they are neither controls nor objects
            if _is_output_tag(tag):
                # A repeated name replaces the entry but keeps its place; its labels accumulate.
                outputs[name] = _output_info(tag, index_flags)
            elif _is_input_tag(tag):
                inputs[name] = _input_info(tag)
        if tag.tag in _LABEL_TAGS:
            _add_label(tag, outputs, labels)
    for control, info in outputs.items():
        control_labels = labels.get(control, {})
        info["inputs"] = _connected_inputs(control, info["to_name"], inputs)
        info["labels"] = list(control_labels)
        info["labels_attrs"] = control_labels
    return outputs


def is_video_object_tracking(parsed_config: Mapping[str, Mapping[str, Any]]) -> Optional[bool]:
    """True when a control of the parsed config tracks objects in video, else None (as earlier releases)."""
    for info in parsed_config.values():
        if info["type"].lower() in _VIDEO_TRACKING_TAGS:
            return True
    return None


__all__ = [
    "LabelStudioXMLSyntaxErrorSentryIgnored",
    "ParsedConfig",
    "has_variable",
    "is_video_object_tracking",
    "parse_config",
]
