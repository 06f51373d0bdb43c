"""Turning the short forms 0.x documented for ``Project.create_prediction(result=...)`` into full results.

0.x promised that, for a config with ``<Choices name="class_name" toName="image">``, these are the same:

* a full result list: ``[{"from_name": "class_name", "to_name": "image", "type": "choices",
  "value": {"choices": ["Class A"]}}]``
* the value alone: ``{"choices": ["Class A"]}``
* the label alone: ``"Class A"``

but sent the short forms unchanged (the server then stored an unusable prediction). Here the control
tag is looked up in the parsed label config; anything ambiguous raises ``ValueError`` rather than
guessing.
"""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional

# The key a control tag's answer is stored under in ``value``, when it is not the lower-cased tag name.
_VALUE_KEYS = {"textarea": "text", "pairwise": "selected"}
# Tags whose answer is one or more labels with no region: a bare label string is enough for them.
_CLASSIFICATION_TAGS = {"choices": "choices", "taxonomy": "taxonomy"}


def value_key(control_type: str) -> str:
    """The ``value`` key that holds the answer of a control tag type (``Choices`` -> ``choices``)."""
    lowered = control_type.lower()
    return _VALUE_KEYS.get(lowered, lowered)


def _to_name(name: str, control: Mapping[str, Any]) -> str:
    targets = control.get("to_name") or []
    if isinstance(targets, str):
        return targets
    if not targets:
        raise ValueError(f"control tag {name!r} has no toName in the label config")
    return str(targets[0])


def _full(name: str, control: Mapping[str, Any], value: Dict[str, Any]) -> Dict[str, Any]:
    return {
        "from_name": name,
        "to_name": _to_name(name, control),
        "type": str(control.get("type", "")).lower(),
        "value": value,
    }


def _label_values(value: Any) -> List[str]:
    """The label strings inside an answer (``["A"]``, ``[["A", "B"]]`` for taxonomy), if any."""
    found: List[str] = []
    if isinstance(value, str):
        found.append(value)
    elif isinstance(value, (list, tuple)):
        for item in value:
            found.extend(_label_values(item))
    return found


def _from_label(label: str, config: Mapping[str, Mapping[str, Any]]) -> List[Dict[str, Any]]:
    matches = [
        (name, control)
        for name, control in config.items()
        if str(control.get("type", "")).lower() in _CLASSIFICATION_TAGS
        and label in (control.get("labels") or [])
    ]
    if not matches:
        raise ValueError(
            f"result={label!r}: no Choices or Taxonomy tag of the label config has this label; "
            "pass the full result list instead"
        )
    if len(matches) > 1:
        names = ", ".join(repr(name) for name, _ in matches)
        raise ValueError(
            f"result={label!r}: several control tags have this label ({names}); pass the full result"
        )
    name, control = matches[0]
    kind = str(control.get("type", "")).lower()
    answer: Any = [[label]] if kind == "taxonomy" else [label]
    return [_full(name, control, {_CLASSIFICATION_TAGS[kind]: answer})]


def _from_value(value: Dict[str, Any], config: Mapping[str, Mapping[str, Any]]) -> List[Dict[str, Any]]:
    keys = set(value)
    matches = [
        (name, control) for name, control in config.items() if value_key(str(control.get("type", ""))) in keys
    ]
    if len(matches) > 1:
        # Several tags of the same kind: keep those that know every label the value names.
        wanted = [label for key in keys for label in _label_values(value[key])]
        matches = [
            (name, control)
            for name, control in matches
            if wanted and all(label in (control.get("labels") or []) for label in wanted)
        ] or matches
    if not matches:
        raise ValueError(
            f"result={value!r}: no control tag of the label config answers with "
            f"{sorted(keys)}; pass the full result list instead"
        )
    if len(matches) > 1:
        names = ", ".join(repr(name) for name, _ in matches)
        raise ValueError(f"result={value!r} fits several control tags ({names}); pass the full result")
    name, control = matches[0]
    return [_full(name, control, dict(value))]


def is_full_result(item: Mapping[str, Any]) -> bool:
    """Whether a dict is one whole result item (it names its tag and holds a ``value``)."""
    return "value" in item and ("from_name" in item or "type" in item)


def prediction_result(
    result: Any, parsed_config: Optional[Mapping[str, Mapping[str, Any]]]
) -> Optional[List[Dict[str, Any]]]:
    """``result`` as a full result list. A list (or None) is returned as given; a single full result
    dict is wrapped in a list; a value dict or a label string is completed from ``parsed_config``."""
    if result is None:
        return None
    if isinstance(result, (list, tuple)):
        return list(result)
    if isinstance(result, Mapping) and is_full_result(result):
        return [dict(result)]
    if not isinstance(result, (str, Mapping)):
        raise TypeError(
            f"result must be a list of results, a value dict or a label str, got {type(result).__name__}"
        )
    config = parsed_config or {}
    if isinstance(result, str):
        return _from_label(result, config)
    return _from_value(dict(result), config)
