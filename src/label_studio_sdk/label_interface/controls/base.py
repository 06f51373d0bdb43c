"""``ControlTag``: a tag that produces results (``name`` + ``toName``), and the contract of its families.

A family module subclasses ``ControlTag`` and declares, as data:

- ``_label_attr_name``: the key of the value that holds label names (``"choices"``), or None;
- ``_value_fields``: a JSON Schema (the subset ``_schema`` understands) of the value's other fields;
- ``_value_defaults``: fields ``label()`` fills in when the caller leaves them out (``rotation: 0``).

From that one declaration come value validation, ``label()`` and, unless a family overrides
``to_json_schema``, the JSON schema and sample values.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Dict, Iterable, List, Mapping, Optional, Sequence, Union

from label_studio_sdk.label_interface._schema import MAPPING_TYPES, Checker, compile_schema
from label_studio_sdk.label_interface.base import LabelStudioTag

if TYPE_CHECKING:
    import random

    from label_studio_sdk.label_interface.label_tags import LabelTag
    from label_studio_sdk.label_interface.object_tags import ObjectTag
    from label_studio_sdk.label_interface.region import Region


class ControlTag(LabelStudioTag):
    """A control: it labels the objects named in ``to_name`` and its results carry ``type == tag.lower()``.

    ``labels`` lists the label values (aliases when set) in config order; ``labels_attrs`` maps each to
    its ``LabelTag``; ``objects`` are the object tags ``to_name`` resolved to; ``dynamic_value`` is True
    when labels come from the task (``value="$..."``) or from ``apiUrl``.
    """

    __slots__ = ("_checker", "conditionals", "dynamic_value", "labels", "labels_attrs", "objects", "to_name")

    _label_attr_name: ClassVar[Optional[str]] = None
    _value_fields: ClassVar[Optional[Mapping[str, Any]]] = None
    _value_defaults: ClassVar[Mapping[str, Any]] = {}
    _labels_required: ClassVar[Optional[bool]] = True
    """Whether a value must carry the label key: always (True), never (False), or only when the config
    lists labels (None, as VideoRectangle)."""

    def __init__(
        self,
        tag: str,
        name: Optional[str] = None,
        to_name: Optional[Sequence[str]] = None,
        attr: Optional[Dict[str, str]] = None,
        conditionals: Optional[Dict[str, str]] = None,
        dynamic_value: bool = False,
        objects: Optional[List[ObjectTag]] = None,
        labels: Optional[List[str]] = None,
        labels_attrs: Optional[Dict[str, LabelTag]] = None,
        line: int = 0,
        **extra: Any,
    ) -> None:
        super().__init__(tag=tag, name=name, attr=attr, line=line, **extra)
        self.to_name: List[str] = list(to_name or [])
        self.conditionals: Optional[Dict[str, str]] = conditionals
        self.dynamic_value: bool = dynamic_value
        self.objects: List[ObjectTag] = list(objects or [])
        self.labels: List[str] = list(labels or [])
        self.labels_attrs: Dict[str, LabelTag] = dict(labels_attrs or {})
        self._checker: Optional[Checker] = None

    # --- linking (called while a config is parsed) -------------------------------------------------

    def set_objects(self, objects: Iterable[ObjectTag]) -> None:
        self.objects = list(objects)

    def set_labels(self, labels: Iterable[str]) -> None:
        self.labels = list(labels)

    def set_labels_attrs(self, labels_attrs: Mapping[str, LabelTag]) -> None:
        self.labels_attrs = dict(labels_attrs)

    # --- facts ------------------------------------------------------------------------------------

    @property
    def is_output_required(self) -> bool:
        return str(self.attr.get("required", "")).lower() == "true"

    @property
    def is_multiple_choice(self) -> bool:
        return str(self.attr.get("choice", "")).lower() == "multiple"

    def as_tuple(self) -> str:
        """``"name|to1,to2|type"``: how Label Studio keys result summaries."""
        return f"{self.name}|{','.join(self.to_name)}|{self.tag.lower()}"

    def collect_attrs(self) -> Dict[str, str]:
        attrs = super().collect_attrs()
        if self.to_name:
            attrs["toName"] = ",".join(self.to_name)
        return attrs

    def find_object_by_name(self, name: str) -> Optional[ObjectTag]:
        return next((obj for obj in self.objects if obj.name == name), None)

    def get_object(self, name: Optional[str] = None) -> ObjectTag:
        """The object ``name``, or the only object when no name is given."""
        if name is None:
            if len(self.objects) == 1:
                return self.objects[0]
            raise ValueError(
                f"control {self.name!r} is connected to {len(self.objects)} objects "
                f"({', '.join(o.name or '?' for o in self.objects)}): pass the name"
            )
        found = self.find_object_by_name(name)
        if found is None:
            raise ValueError(f"control {self.name!r} is not connected to {name!r}; it labels {self.to_name}")
        return found

    get_input = get_object

    # --- values -----------------------------------------------------------------------------------

    def value_schema(self) -> Optional[Mapping[str, Any]]:
        """The JSON Schema a result value is checked against (the label key apart), or None for any value."""
        return self._value_fields

    def _value_checker(self) -> Checker:
        checker = self._checker
        if checker is None:
            schema = self.value_schema()
            checker = self._checker = compile_schema(schema) if schema is not None else _accept
        return checker

    def labels_reason(self, value: Mapping[str, Any]) -> Optional[str]:
        """Why the label key of ``value`` is not acceptable, or None."""
        key = self._label_attr_name
        if key is None:
            return None
        if key not in value:
            if self._labels_required is True or (self._labels_required is None and self.labels):
                return f"value.{key} is required"
            return None
        given = value[key]
        if not isinstance(given, (list, tuple)):
            return f"value.{key} must be a list of labels, got {type(given).__name__}"
        names = self.flatten_labels(given)
        if names is None:
            return f"value.{key} must be a list of label names"
        if not self.labels or self.dynamic_value:
            return None
        allowed = self.labels_attrs or dict.fromkeys(self.labels)
        unknown = [label for label in names if label not in allowed]
        if unknown:
            return f"labels {unknown} are not in the config"
        return None

    def flatten_labels(self, given: Sequence[Any]) -> Optional[List[str]]:
        """The label names in ``given`` (families with nested labels, such as Taxonomy, flatten them)."""
        return list(given) if all(isinstance(label, str) for label in given) else None

    def value_reason(self, value: Any, context: Optional[Mapping[str, Any]] = None) -> Optional[str]:
        """Why ``value`` is not a valid value for this control, or None when it is."""
        if not isinstance(value, MAPPING_TYPES):
            return f"value must be an object, got {type(value).__name__}"
        inner = value.get(self.name) if self.name else None
        if isinstance(inner, MAPPING_TYPES):
            value = inner
        reason = self.labels_reason(value)
        if reason is not None:
            return reason
        return self._value_checker()(value)

    def validate_value(self, value: Any, context: Optional[Mapping[str, Any]] = None) -> bool:
        """Whether ``value`` is a valid result value for this control."""
        return self.value_reason(value, context) is None

    def describe_invalid(self, value: Any, reason: str) -> str:
        """The message for an invalid value (families with a more telling one override it)."""
        expected: List[str] = []
        schema = self.value_schema()
        if schema is not None:
            expected = list(schema.get("properties", {}))
        if self._label_attr_name:
            expected.append(self._label_attr_name)
        return (
            f"Invalid value for control '{self.name}'. Got: {_short_repr(value)}. Valid options: expected "
            f"fields: {expected}; valid labels: {self.labels}. Reason: {reason}"
        )

    # --- building regions ---------------------------------------------------------------------------

    def _resolve_to_name(self, to_name: Optional[str]) -> str:
        if to_name is None:
            if not self.to_name:
                raise ValueError(f"control {self.name!r} has no toName")
            return self.to_name[0]
        if to_name not in self.to_name:
            raise ValueError(f"To name is not found in control tag: {to_name!r} is not one of {self.to_name}")
        return to_name

    def _check_labels(self, labels: Sequence[str]) -> None:
        if not self.labels or self.dynamic_value:
            return
        names = self.flatten_labels(labels) or []
        unknown = [label for label in names if label not in self.labels_attrs and label not in self.labels]
        if unknown:
            raise ValueError(
                f"Using labels not defined in labeling config, possible values: {set(self.labels)} "
                f"(got {unknown})"
            )

    def _label_value(self, labels: Optional[List[Any]], fields: Dict[str, Any]) -> Dict[str, Any]:
        """The value ``label()`` puts in its region (families with another shape override it)."""
        value = {**self._value_defaults, **fields}
        if self._label_attr_name and labels is not None:
            value[self._label_attr_name] = labels
        return value

    def label(
        self,
        label: Union[str, Sequence[Any], None] = None,
        to_name: Optional[str] = None,
        **fields: Any,
    ) -> Region:
        """A region of this control: ``label`` is one label or a list, ``fields`` the rest of the value.

        Raises ``ValueError`` for a label the config does not have, an unknown ``to_name``, or a value
        this control would not accept.
        """
        from label_studio_sdk.label_interface.region import Region

        target = self._resolve_to_name(to_name)
        labels: Optional[List[Any]] = None
        if label is not None:
            if not isinstance(label, (str, list, tuple)):
                raise TypeError(f"label is a label name or a list of them, not {type(label).__name__}")
            labels = [label] if isinstance(label, str) else list(label)
            self._check_labels(labels)
        value = self._label_value(labels, fields)
        reason = self.value_reason(value)
        if reason is not None:
            raise ValueError(self.describe_invalid(value, reason))
        to_tag = self.find_object_by_name(target)
        return Region(from_tag=self, to_tag=to_tag, to_name=target, value=value)

    def get_labels(self, regions: Iterable[Any]) -> Any:
        """The labels of the regions this control made (the whole value for controls without labels).

        One-label lists are unwrapped; with a single matching region its labels come back alone, not
        in a list (as the published package returned them).
        """
        found: List[Any] = []
        for region in regions:
            data = region._dict() if hasattr(region, "_dict") else region
            if not isinstance(data, MAPPING_TYPES) or data.get("from_name") != self.name:
                continue
            value = data.get("value") or {}
            key = self._label_attr_name
            picked = value.get(key, value) if key else value
            if key and isinstance(picked, list) and len(picked) == 1:
                picked = picked[0]
            found.append(picked)
        return found[0] if len(found) == 1 else found

    # --- schema and samples -------------------------------------------------------------------------

    def _labels_schema(self) -> Dict[str, Any]:
        items: Dict[str, Any] = {"type": "string"}
        if self.labels:
            items["enum"] = list(self.labels)
        schema: Dict[str, Any] = {"type": "array", "items": items, "minItems": 1}
        if not self.is_multiple_choice:
            schema["maxItems"] = 1
        return schema

    def to_json_schema(self) -> Dict[str, Any]:
        """The JSON schema of what ``create_regions`` takes for this control (used for samples too)."""
        fields = self.value_schema()
        schema: Dict[str, Any] = {"type": "object", "properties": dict((fields or {}).get("properties", {}))}
        required = list((fields or {}).get("required", []))
        if self._label_attr_name:
            schema["properties"][self._label_attr_name] = self._labels_schema()
            required.append(self._label_attr_name)
        schema["required"] = required
        return schema

    def sample_payload(self, rng: random.Random) -> Any:
        """A ``create_regions`` payload for this control, drawn with ``rng``; None when it can't make one."""
        from label_studio_sdk.label_interface._schema import sample

        schema = self.to_json_schema()
        payload = sample(schema, rng)
        if isinstance(payload, dict) and self._label_attr_name in payload:
            payload["label"] = payload.pop(self._label_attr_name)
        return payload

    def validate_config(self) -> List[str]:
        """Problems with this control's attributes (families that have rules override it)."""
        return []

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(name={self.name!r}, to_name={self.to_name!r}, labels={len(self.labels)})"
        )


def _accept(value: Any) -> Optional[str]:
    return None


def _short_repr(value: Any, limit: int = 300) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def new_region_id() -> str:
    """A short random region ID, like the ones the Label Studio editor makes."""
    import uuid

    return uuid.uuid4().hex[:10]
