"""Controls of their own kind: chat messages, ReactCode outputs and relations.

``<Chat>`` and ``<ReactCode>`` label themselves: the interface registers each as an object and as a
control whose ``to_name`` is its own name.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Dict, List, Mapping, Optional, Type

from label_studio_sdk.label_interface.controls.base import ControlTag
from label_studio_sdk.label_interface.controls.classification import OBJECT_TYPES

if TYPE_CHECKING:
    import random

    from label_studio_sdk.label_interface.region import Region

_MESSAGE_WORDS = ("hello", "could", "you", "check", "this", "answer", "thanks", "sure", "here", "it", "is")


class ChatMessageTag(ControlTag):
    """A message added to a ``<Chat>``: ``{"chatmessage": {"role", "content", "createdAt"}}``.

    ``label()`` takes the message (``chatmessage={...}`` or a dict) or its fields (``role=, content=``).
    """

    _value_fields: ClassVar[Optional[Mapping[str, Any]]] = {
        "type": "object",
        "required": ["chatmessage"],
        "properties": {
            "chatmessage": {
                "type": "object",
                "required": ["role", "content"],
                "properties": {
                    "role": {"type": "string"},
                    "content": {"type": "string"},
                    "createdAt": {"type": ["number", "string", "null"]},
                },
            }
        },
    }

    def label(self, label: Any = None, to_name: Optional[str] = None, **fields: Any) -> Region:
        message = fields.pop("chatmessage", None) if label is None else label
        if message is None and ("role" in fields or "content" in fields):
            message = {key: fields.pop(key) for key in ("role", "content", "createdAt") if key in fields}
        if not isinstance(message, OBJECT_TYPES):
            raise ValueError(
                f"control {self.name!r} labels with a message: a dict with role and content, got {message!r}"
            )
        ordered = {key: message[key] for key in ("role", "content") if key in message}
        ordered["createdAt"] = None  # written even when unknown, as the published label() did
        ordered.update(message)
        return super().label(None, to_name, chatmessage=ordered, **fields)

    def to_json_schema(self) -> Dict[str, Any]:
        return {
            "type": "object",
            "required": ["chatmessage"],
            "properties": {
                "chatmessage": {
                    "type": "object",
                    "required": ["role", "content"],
                    "properties": {
                        "role": {"type": "string"},
                        "content": {"type": "string"},
                        "createdAt": {"type": "number"},
                    },
                    "additionalProperties": True,
                }
            },
            "description": f"A message added to {', '.join(self.to_name)}",
        }

    def sample_payload(self, rng: random.Random) -> Any:
        words = [rng.choice(_MESSAGE_WORDS) for _ in range(rng.randint(3, 9))]
        return {
            "chatmessage": {
                "role": rng.choice(("user", "assistant")),
                "content": " ".join(words).capitalize() + ".",
                "createdAt": rng.randint(1_700_000_000_000, 1_800_000_000_000),
            }
        }


_OUTPUT_SEPARATORS = ",;|"
DEFAULT_MAX_RATING = 5


class ReactCodeTag(ControlTag):
    """``<ReactCode>``: whatever the custom interface outputs, ``{"reactcode": {...}}``.

    ``label(**fields)`` stores the fields (or ``label(reactcode={...})`` the dict as is). The
    ``outputs`` attribute describes the fields, for the JSON schema and samples: a JSON object (a whole
    schema, or just its properties) or a list ``name[:kind(args)]`` split by ``,`` ``;`` or ``|``,
    where kind is ``choices(a, b)``, ``multichoices(a, b)``, ``number(min, max)`` or ``rating(max)``
    and anything else is a string. Values are not checked against ``outputs``, as Label Studio doesn't.
    """

    _label_attr_name = "reactcode"

    def labels_reason(self, value: Mapping[str, Any]) -> Optional[str]:
        if "reactcode" not in value:
            return "value.reactcode is required"
        given = value["reactcode"]
        if not isinstance(given, OBJECT_TYPES):
            return f"value.reactcode must be an object, got {type(given).__name__}"
        return None

    def label(self, label: Any = None, to_name: Optional[str] = None, **fields: Any) -> Region:
        if label is not None:
            if not isinstance(label, OBJECT_TYPES):
                raise ValueError(f"control {self.name!r} labels with a dict of output fields, got {label!r}")
            payload: Dict[str, Any] = {**label, **fields}
        elif set(fields) == {"reactcode"} and isinstance(fields["reactcode"], OBJECT_TYPES):
            payload = dict(fields["reactcode"])  # already the whole value, not a field named reactcode
        else:
            payload = fields
        return super().label(None, to_name, reactcode=payload)

    def to_json_schema(self) -> Dict[str, Any]:
        return outputs_schema(self.get_attr("outputs"))

    def sample_payload(self, rng: random.Random) -> Any:
        from label_studio_sdk.label_interface._schema import sample

        fields = sample(self.to_json_schema(), rng)
        return {"reactcode": fields if isinstance(fields, dict) else {}}


def outputs_schema(outputs: Optional[str]) -> Dict[str, Any]:
    """The JSON schema an ``outputs`` attribute of ``<ReactCode>`` describes (see ``ReactCodeTag``)."""
    text = (outputs or "").strip()
    if text.startswith("{"):
        try:
            import json

            parsed = json.loads(text)
        except ValueError:
            parsed = None  # not JSON after all: read it as a field list
        if isinstance(parsed, dict):
            return _object_schema(parsed)
    properties = {}
    for entry in _split_outputs(text):
        name, _, kind = (part.strip() for part in entry.partition(":"))
        if not name:
            continue
        args: List[str] = []
        if "(" in kind and kind.endswith(")"):
            kind, _, inside = kind[:-1].partition("(")
            args = [arg.strip() for arg in inside.split(",") if arg.strip()]
        properties[name] = _output_field_schema(kind.strip().lower(), args)
    return {"type": "object", "properties": properties}


def _object_schema(parsed: Dict[str, Any]) -> Dict[str, Any]:
    if "type" in parsed or "properties" in parsed:
        schema = dict(parsed)
        if schema.get("type", "object") != "object":
            return {"type": "object", "properties": {}}  # ReactCode values are objects
        schema["type"] = "object"
        properties = schema.get("properties")
        schema["properties"] = _clean_properties(properties if isinstance(properties, dict) else {})
        return schema
    return {"type": "object", "properties": _clean_properties(parsed)}


def _clean_properties(properties: Dict[str, Any]) -> Dict[str, Any]:
    # A property that is not a schema (``{"x": 1}``) allows any value.
    return {name: sub if isinstance(sub, dict) else {} for name, sub in properties.items()}


def _split_outputs(text: str) -> List[str]:
    """Entries split at separators outside parentheses (``choices(a, b)`` stays whole)."""
    entries: List[str] = []
    current: List[str] = []
    depth = 0
    for char in text:
        if char == "(":
            depth += 1
        elif char == ")":
            depth = max(depth - 1, 0)
        elif char in _OUTPUT_SEPARATORS and depth == 0:
            entries.append("".join(current))
            current = []
            continue
        current.append(char)
    entries.append("".join(current))
    return [entry.strip() for entry in entries if entry.strip()]


def _output_field_schema(kind: str, args: List[str]) -> Dict[str, Any]:
    if kind == "choices" and args:
        return {"type": "string", "enum": args}
    if kind == "multichoices":
        items: Dict[str, Any] = {"type": "string", "enum": args} if args else {"type": "string"}
        return {"type": "array", "items": items}
    if kind == "number":
        schema: Dict[str, Any] = {"type": "number"}
        for key, arg in zip(("minimum", "maximum"), args):
            bound = _float_or_none(arg)
            if bound is not None:
                schema[key] = bound
        return schema
    if kind == "rating":
        top = _float_or_none(args[0]) if args else None
        return {
            "type": "integer",
            "minimum": 1,
            "maximum": int(top) if top and top >= 1 else DEFAULT_MAX_RATING,
        }
    return {"type": "string"}


def _float_or_none(text: str) -> Optional[float]:
    try:
        return float(text)
    except ValueError:
        return None


class RelationsTag(ControlTag):
    """``<Relations>``: the labels relations may carry. Relations link two regions
    (``Region.add_relation``); they are not regions of an object, so this control makes none."""

    def value_reason(self, value: Any, context: Optional[Mapping[str, Any]] = None) -> Optional[str]:
        return (
            f"relations are result items of type 'relation' (from_id, to_id, direction), "
            f"not regions of control {self.name!r}"
        )

    def label(self, label: Any = None, to_name: Optional[str] = None, **fields: Any) -> Region:
        raise NotImplementedError(
            "Relations link regions rather than label an object: use region.add_relation(other, direction, label)"
        )

    def to_json_schema(self) -> Dict[str, Any]:
        return {"type": "string"}

    def sample_payload(self, rng: random.Random) -> Any:
        return None


TAGS: Dict[str, Type[ControlTag]] = {
    "chatmessage": ChatMessageTag,
    "reactcode": ReactCodeTag,
    "relations": RelationsTag,
}
"""Lowercased XML tag -> class, for chat messages, ReactCode and relations."""
