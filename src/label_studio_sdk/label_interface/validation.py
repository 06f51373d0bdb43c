"""Checking predictions, annotations, regions and relations against a parsed config.

Messages keep the wording Label Studio's server and its tests look for ("Missing required field",
"not found", "does not match expected type"); value errors also say why the value was refused.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, Dict, List, Mapping, Optional, Sequence, Set

from label_studio_sdk.label_interface._schema import MAPPING_TYPES
from label_studio_sdk.label_interface.region import RELATION_DIRECTIONS

if TYPE_CHECKING:
    from label_studio_sdk.label_interface.controls.base import ControlTag
    from label_studio_sdk.label_interface.interface import LabelInterface

REGION_REQUIRED = ("from_name", "to_name", "type", "value")
RELATION_REQUIRED = ("type", "direction", "from_id", "to_id")
GEOMETRY_TYPES = frozenset(
    {
        "rectangle",
        "polygon",
        "ellipse",
        "keypoint",
        "brush",
        "bitmask",
        "vector",
        "videorectangle",
        "videovector",
    }
)
"""Region types a ``<Labels>`` control may carry when a geometry control labels the same object."""


def score_errors(prediction: Mapping[str, Any]) -> List[str]:
    score = prediction.get("score")
    if score is None:
        return []
    try:
        number = float(score)
    except (TypeError, ValueError):
        return [f"Score must be a valid number, got {score}"]
    if math.isnan(number) or not 0.0 <= number <= 1.0:
        return [f"Score must be between 0.00 and 1.00 inclusive, got {number}"]
    return []


def _labels_on_geometry(li: LabelInterface, control: ControlTag, region_type: str, to_name: str) -> bool:
    """The split form: a ``<Labels>`` control whose region is typed ``<geometry>labels`` or ``<geometry>``."""
    if control.tag.lower() != "labels":
        return False
    geometry = region_type[:-6] if region_type.endswith("labels") else region_type
    if geometry not in GEOMETRY_TYPES:
        return False
    return any(
        other.tag.lower() in (geometry, geometry + "labels") and to_name in other.to_name
        for other in li._controls.values()
    )


def region_errors(
    li: LabelInterface,
    region: Any,
    index: int,
    context: Optional[Mapping[str, Any]] = None,
) -> List[str]:
    """What is wrong with one region (not a relation), prefixed ``Region i:``; empty when it is valid."""
    prefix = f"Region {index}: "
    if not isinstance(region, MAPPING_TYPES):
        return [f"Region must be a dictionary. Got {type(region)}: {region}"]
    missing = [f"{prefix}Missing required field '{key}'" for key in REGION_REQUIRED if key not in region]
    if missing:
        return missing
    from_name, to_name, region_type = region["from_name"], region["to_name"], region["type"]
    control = li._find_control(from_name)
    if control is None:
        return [f"{prefix}'from_name' '{from_name}' not found in configuration"]
    self_reference = to_name == from_name and control.tag.lower() in li.SELF_REFERENCING_CONTROLS
    if not self_reference and li._find_object(to_name) is None:
        return [f"{prefix}'to_name' '{to_name}' not found in configuration"]
    expected_type = control.tag.lower()
    if region_type != expected_type and not _labels_on_geometry(li, control, str(region_type), to_name):
        return [
            f"{prefix}Type '{region_type}' does not match expected type '{expected_type}' "
            f"for control '{control.name}'"
        ]
    if not self_reference and not li._control_targets(control, from_name, to_name):
        return [
            f"{prefix}'to_name' '{to_name}' is not valid for control '{control.name}'. "
            f"Valid options: {control.to_name}"
        ]
    value = region["value"]
    region_context: Dict[str, Any] = {**(context or {}), "region": region}
    if control.tag.lower() == "labels" and region_type != "labels":
        reason = li._split_value_reason(control, str(region_type), value)
    else:
        reason = control.value_reason(value, region_context)
    if reason is not None:
        return [prefix + control.describe_invalid(value, reason)]
    return []


def relation_errors(relation: Any, region_ids: Set[str], index: int) -> List[str]:
    """What is wrong with one relation, prefixed ``Relation i:``; empty when it is valid."""
    prefix = f"Relation {index}: "
    if not isinstance(relation, MAPPING_TYPES):
        return [f"{prefix}a relation must be a dictionary, got {type(relation).__name__}"]
    errors = [f"{prefix}Missing required field '{key}'" for key in RELATION_REQUIRED if key not in relation]
    if relation.get("type", "relation") != "relation":
        errors.append(f"{prefix}Type must be 'relation', got '{relation.get('type')}'")
    direction = relation.get("direction", "right")
    if direction not in RELATION_DIRECTIONS:
        errors.append(f"{prefix}Direction must be one of {RELATION_DIRECTIONS}, got '{direction}'")
    for key in ("from_id", "to_id"):
        if key in relation and relation[key] not in region_ids:
            errors.append(f"{prefix}'{key}' '{relation[key]}' not found in regions")
    return errors


def result_errors(li: LabelInterface, item: Mapping[str, Any]) -> List[str]:
    """Every problem of a prediction or annotation dict, regions first, then relations (a flat list)."""
    if "result" not in item:
        return ["Missing required field 'result'"]
    result = item["result"]
    if not isinstance(result, list):
        return ["'result' must be a list"]
    errors = score_errors(item)
    context = {"result": result}
    valid_ids: Set[str] = set()
    relations: List[Sequence[Any]] = []
    for index, region in enumerate(result):
        if isinstance(region, MAPPING_TYPES) and region.get("type") == "relation":
            relations.append((index, region))
            continue
        problems = region_errors(li, region, index, context)
        if problems:
            errors.extend(problems)
        elif "id" in region:
            valid_ids.add(region["id"])
    for index, relation in relations:
        errors.extend(relation_errors(relation, valid_ids, index))
    return errors
