"""Controls that label a span of an object: text, HTML, dialogue, time series and video timelines.

A span value has ``start`` and ``end`` (numbers, or strings such as XPaths and timestamps) and a list
of labels under the control's key. ``start <= end`` is not checked, as Label Studio doesn't; samples
keep it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Dict, List, Mapping, Optional, Sequence, Tuple, Type, Union

from label_studio_sdk.label_interface.controls.base import ControlTag
from label_studio_sdk.label_interface.controls.classification import OBJECT_TYPES

if TYPE_CHECKING:
    import random

    from label_studio_sdk.label_interface.region import Region

LabelArg = Union[str, Sequence[Any], None]

_POSITION: Dict[str, Any] = {"type": ["number", "string"]}
"""A span end: an offset or a time as a number, or a string (an XPath, a timestamp)."""
_OFFSET: Dict[str, Any] = {"type": ["integer", "null"], "minimum": 0}
"""A character offset inside the node a ``start``/``end`` XPath names."""
_SCHEMA_POSITION: Dict[str, Any] = {
    "oneOf": [{"type": "integer", "minimum": 0}, {"type": "number", "minimum": 0}]
}


class _SpanTag(ControlTag):
    """A span control: ``label()`` takes labels positionally or under the key, and orders the value's
    fields as Label Studio writes them (positions, then labels, then anything else such as ``text``)."""

    _field_order: ClassVar[Tuple[str, ...]] = ("start", "end")

    def label(self, label: LabelArg = None, to_name: Optional[str] = None, **fields: Any) -> Region:
        key = self._label_attr_name
        if label is None and key is not None and key in fields:
            label = fields.pop(key)
        if label is not None and not isinstance(label, (str, list, tuple)):
            raise TypeError(
                f"control {self.name!r} labels with a label or a list of them, not {type(label).__name__}"
            )
        return super().label(label, to_name, **fields)

    def _label_value(self, labels: Optional[List[Any]], fields: Dict[str, Any]) -> Dict[str, Any]:
        given = {**self._value_defaults, **fields}
        value = {name: given.pop(name) for name in self._field_order if name in given}
        if self._label_attr_name and labels is not None:
            value[self._label_attr_name] = labels
        value.update(given)
        return value

    def _sample_labels(self, rng: random.Random) -> Optional[List[str]]:
        """One label (several for ``choice="multiple"``), or None when the config lists none."""
        if not self.labels:
            return None
        count = rng.randint(1, min(2, len(self.labels))) if self.is_multiple_choice else 1
        return rng.sample(self.labels, count)


def _sample_span(rng: random.Random, longest: int = 20) -> Tuple[int, int]:
    start = rng.randint(0, 100)
    return start, start + rng.randint(1, longest)


class LabelsTag(_SpanTag):
    """``<Labels>``: named-entity spans of text, ``{"start": 0, "end": 5, "labels": [...], "text": ...}``.

    On images and video, Label Studio also writes ``<Labels>`` values on geometry regions; the
    interface checks those against the geometry (the split format).
    """

    _label_attr_name = "labels"
    _value_fields: ClassVar[Optional[Mapping[str, Any]]] = {
        "type": "object",
        "required": ["start", "end"],
        "properties": {"start": _POSITION, "end": _POSITION},
    }

    def to_json_schema(self) -> Dict[str, Any]:
        labels = self._labels_schema()
        return {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["start", "end", "labels"],
                "properties": {
                    "start": _SCHEMA_POSITION,
                    "end": _SCHEMA_POSITION,
                    "labels": labels,
                    "text": {"type": "string"},
                },
            },
            "description": f"Labelled spans of {', '.join(self.to_name)}: offsets and labels",
        }

    def sample_payload(self, rng: random.Random) -> Any:
        spans: List[Dict[str, Any]] = []
        for _ in range(rng.randint(1, 2)):
            labels = self._sample_labels(rng)
            if labels is None:
                return None
            start, end = _sample_span(rng)
            spans.append({"start": start, "end": end, "labels": labels})
        return spans


class HyperTextLabelsTag(_SpanTag):
    """``<HyperTextLabels>``: spans of HTML; ``start``/``end`` are usually XPaths, with character
    offsets ``startOffset``/``endOffset`` inside them (None until set, as Label Studio writes them)."""

    _label_attr_name = "hypertextlabels"
    _field_order = ("start", "end", "startOffset", "endOffset")
    _value_defaults: ClassVar[Mapping[str, Any]] = {"startOffset": None, "endOffset": None}
    _value_fields: ClassVar[Optional[Mapping[str, Any]]] = {
        "type": "object",
        "required": ["start", "end"],
        "properties": {"start": _POSITION, "end": _POSITION, "startOffset": _OFFSET, "endOffset": _OFFSET},
    }

    def to_json_schema(self) -> Dict[str, Any]:
        key = self._label_attr_name or ""
        return {
            "type": "object",
            "properties": {
                "start": _SCHEMA_POSITION,
                "end": _SCHEMA_POSITION,
                "startOffset": {"type": "integer", "minimum": 0},
                "endOffset": {"type": "integer", "minimum": 0},
                key: self._labels_schema(),
            },
            "required": ["start", "end", key],
        }

    def sample_payload(self, rng: random.Random) -> Any:
        labels = self._sample_labels(rng)
        if labels is None:
            return None
        start, end = _sample_span(rng, longest=3)
        offset = rng.randint(0, 50)
        return {
            "start": start,
            "end": end,
            "startOffset": offset,
            "endOffset": offset + rng.randint(1, 30),
            self._label_attr_name or "": labels,
        }


class ParagraphLabelsTag(HyperTextLabelsTag):
    """``<ParagraphLabels>``: spans of a dialogue; ``start``/``end`` are utterance indexes.

    ``label(utterance=2, label="Question")`` labels one whole utterance (``start = end = 2``).
    """

    _label_attr_name = "paragraphlabels"

    def label(  # type: ignore[override]  # the published signature puts the utterance first
        self,
        utterance: Union[int, str, Sequence[Any], None] = None,
        label: LabelArg = None,
        to_name: Optional[str] = None,
        **fields: Any,
    ) -> Region:
        """A span of utterances; ``utterance`` (an index) sets both ends. Called as other controls are,
        ``label("Question", "dialogue", start=1, end=3)``, the arguments are the label and the object."""
        if isinstance(utterance, int) and not isinstance(utterance, bool):
            fields["start"] = fields["end"] = utterance
        elif isinstance(utterance, (str, list, tuple)) and to_name is None:
            if label is not None and not isinstance(label, str):
                raise TypeError(f"label(label, to_name): to_name must be an object name, got {label!r}")
            object_name: Optional[str] = label
            label, to_name = utterance, object_name
        elif utterance is not None:
            raise TypeError(f"utterance must be an utterance index (int), got {utterance!r}")
        return super().label(label, to_name, **fields)

    def sample_payload(self, rng: random.Random) -> Any:
        labels = self._sample_labels(rng)
        if labels is None:
            return None
        utterance = rng.randint(0, 9)
        offset = rng.randint(0, 20)
        return {
            "start": utterance,
            "end": utterance,
            "startOffset": offset,
            "endOffset": offset + rng.randint(1, 30),
            "paragraphlabels": labels,
        }


class TimeSeriesLabelsTag(_SpanTag):
    """``<TimeSeriesLabels>``: a time range, ``{"start", "end", "instant", "timeserieslabels"}``.

    ``instant`` (a single point in time) defaults to False, as the Label Studio editor reads a region
    without it.
    """

    _label_attr_name = "timeserieslabels"
    _field_order = ("start", "end", "instant")
    _value_defaults: ClassVar[Mapping[str, Any]] = {"instant": False}
    _value_fields: ClassVar[Optional[Mapping[str, Any]]] = {
        "type": "object",
        "required": ["start", "end"],
        "properties": {"start": _POSITION, "end": _POSITION, "instant": {"type": "boolean"}},
    }

    def to_json_schema(self) -> Dict[str, Any]:
        time: Dict[str, Any] = {"oneOf": [{"type": "integer"}, {"type": "number"}]}
        return {
            "type": "object",
            "properties": {
                "start": time,
                "end": time,
                "instant": {"type": "boolean"},
                "timeserieslabels": self._labels_schema(),
            },
            "required": ["start", "end", "instant", "timeserieslabels"],
        }

    def sample_payload(self, rng: random.Random) -> Any:
        labels = self._sample_labels(rng)
        if labels is None:
            return None
        start, end = _sample_span(rng, longest=30)
        return {"start": start, "end": end, "instant": False, "timeserieslabels": labels}


class TimelineLabelsTag(_SpanTag):
    """``<TimelineLabels>``: frame ranges of a video, ``{"ranges": [{"start", "end"}], "timelinelabels"}``.

    ``label()`` writes every range as ``{start, end, enabled}``, ``enabled`` None unless given.
    """

    _label_attr_name = "timelinelabels"
    _field_order = ("ranges",)
    _value_fields: ClassVar[Optional[Mapping[str, Any]]] = {
        "type": "object",
        "required": ["ranges"],
        "properties": {
            "ranges": {
                "type": "array",
                "minItems": 1,
                "items": {
                    "type": "object",
                    "required": ["start", "end"],
                    "properties": {
                        "start": {"type": "number"},
                        "end": {"type": "number"},
                        "enabled": {"type": ["boolean", "null"]},
                    },
                },
            }
        },
    }

    def _label_value(self, labels: Optional[List[Any]], fields: Dict[str, Any]) -> Dict[str, Any]:
        ranges = fields.get("ranges")
        if isinstance(ranges, (list, tuple)):
            fields = {**fields, "ranges": [_timeline_range(item) for item in ranges]}
        return super()._label_value(labels, fields)

    def to_json_schema(self) -> Dict[str, Any]:
        return {
            "type": "object",
            "properties": {
                "ranges": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "start": {"type": "number"},
                            "end": {"type": "number"},
                            "enabled": {"type": "boolean"},
                        },
                        "required": ["start", "end"],
                    },
                    "minItems": 1,
                },
                "timelinelabels": self._labels_schema(),
            },
            "required": ["ranges", "timelinelabels"],
        }

    def sample_payload(self, rng: random.Random) -> Any:
        labels = self._sample_labels(rng)
        if labels is None:
            return None
        start, end = _sample_span(rng, longest=50)
        return {"ranges": [{"start": start + 1, "end": end + 1}], "timelinelabels": labels}


def _timeline_range(item: Any) -> Any:
    if not isinstance(item, OBJECT_TYPES):
        return item  # left for validation to refuse
    ordered = {"start": item.get("start"), "end": item.get("end"), "enabled": item.get("enabled")}
    ordered.update((key, value) for key, value in item.items() if key not in ordered)
    for key in ("start", "end"):
        if key not in item:
            del ordered[key]  # a missing end stays missing, so validation names it
    return ordered


TAGS: Dict[str, Type[ControlTag]] = {
    "labels": LabelsTag,
    "hypertextlabels": HyperTextLabelsTag,
    "paragraphlabels": ParagraphLabelsTag,
    "timeserieslabels": TimeSeriesLabelsTag,
    "timelinelabels": TimelineLabelsTag,
}
"""Lowercased XML tag -> class, for the span controls."""
