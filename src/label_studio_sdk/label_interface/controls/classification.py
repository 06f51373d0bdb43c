"""Controls that classify a whole object: choices, taxonomy, numbers, ratings, dates, free text,
pairwise preference and ranking.

Scalar controls (Number, Rating, DateTime, Pairwise) keep one value under their key; their ``label()``
takes that value directly (``rating.label(4)``). Numbers in results may be numeric strings, as the
published package accepted them, but never booleans or NaN.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, ClassVar, Dict, List, Mapping, Optional, Sequence, Type, Union, cast

from label_studio_sdk.label_interface._schema import MAPPING_TYPES
from label_studio_sdk.label_interface.controls.base import ControlTag

if TYPE_CHECKING:
    import random

    from label_studio_sdk.label_interface._xml import XmlNode
    from label_studio_sdk.label_interface.object_tags import ObjectTag
    from label_studio_sdk.label_interface.region import Region

LabelArg = Union[str, Sequence[Any], None]

OBJECT_TYPES = MAPPING_TYPES
"""What counts as a JSON object; ``dict`` first, as a check against ``typing.Mapping`` costs about a microsecond."""

_WORDS = ("label", "sample", "quick", "answer", "looks", "fine", "needs", "review", "short", "note", "good")
"""Vocabulary of sample free text."""


def as_number(value: Any) -> Optional[float]:
    """The finite number ``value`` stands for (numeric strings count, booleans don't), or None."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return None
    try:
        number = float(value)
    except (ValueError, OverflowError):  # not numeric, or an int too big for a float
        return None
    return number if math.isfinite(number) else None


def _number_attr(control: ControlTag, name: str) -> Optional[float]:
    return as_number(control.get_attr(name))


class _KeywordLabelTag(ControlTag):
    """A control whose ``label()`` also takes its labels under the value key (``choices=[...]``)."""

    def label(self, label: LabelArg = None, to_name: Optional[str] = None, **fields: Any) -> Region:
        key = self._label_attr_name
        if label is None and key is not None and key in fields:
            label = fields.pop(key)
        _check_label_type(self, label)
        return super().label(label, to_name, **fields)


def _check_label_type(control: ControlTag, label: Any) -> None:
    if label is not None and not isinstance(label, (str, list, tuple)):
        raise TypeError(
            f"control {control.name!r} labels with a label or a list of them, not {type(label).__name__}"
        )


class ChoicesTag(_KeywordLabelTag):
    """``<Choices>``: one (or with ``choice="multiple"`` several) of the listed ``<Choice>`` values."""

    _label_attr_name = "choices"

    def to_json_schema(self) -> Dict[str, Any]:
        item: Dict[str, Any] = {"type": "string", "enum": list(self.labels)}
        objects = ", ".join(self.to_name)
        if self.is_multiple_choice:
            description = f"Some of the choices about {objects}"
            return {"type": "array", "items": item, "uniqueItems": True, "description": description}
        return {**item, "description": f"One of the choices about {objects}"}

    def sample_payload(self, rng: random.Random) -> Any:
        if not self.labels:
            return None  # labels that come from the task can't be guessed
        if self.is_multiple_choice:
            return rng.sample(self.labels, rng.randint(1, len(self.labels)))
        return rng.choice(self.labels)


class TaxonomyTag(_KeywordLabelTag):
    """``<Taxonomy>``: a value is a list of paths from the root of the ``<Choice>`` tree to a node.

    ``labels`` holds the labels of every depth; paths are checked label by label. ``children`` (the
    tag's XML children, when the parser hands them over) give the tree for ``paths()``.
    """

    _label_attr_name = "taxonomy"

    def flatten_labels(self, given: Sequence[Any]) -> Optional[List[str]]:
        names: List[str] = []
        for path in given:
            if not isinstance(path, (list, tuple)) or not all(isinstance(label, str) for label in path):
                return None
            names.extend(path)
        return names

    def labels_reason(self, value: Mapping[str, Any]) -> Optional[str]:
        given = value.get("taxonomy")
        if isinstance(given, (list, tuple)) and self.flatten_labels(given) is None:
            return "value.taxonomy must be a list of paths, each a list of label names"
        return super().labels_reason(value)

    def paths(self) -> List[List[str]]:
        """Every path of the tree (root to node; leaves only with ``leafsOnly="true"``)."""
        children: Optional[List[XmlNode]] = getattr(self, "children", None)
        if not children:
            return [[label] for label in self.labels]  # the tree is unknown: each label on its own
        leaves_only = str(self.get_attr("leafsOnly", "")).lower() == "true"
        found: List[List[str]] = []
        _collect_paths(children, [], leaves_only, found)
        return found

    def to_json_schema(self) -> Dict[str, Any]:
        step: Dict[str, Any] = {"type": "string"}
        if self.labels:
            step["enum"] = list(self.labels)
        return {
            "type": "array",
            "minItems": 1,
            "items": {"type": "array", "minItems": 1, "items": step},
            "description": f"Taxonomy nodes picked for {', '.join(self.to_name)}, each as its path from the root",
        }

    def sample_payload(self, rng: random.Random) -> Any:
        paths = self.paths() if self.labels else []
        if not paths:
            return None
        return rng.sample(paths, rng.randint(1, min(2, len(paths))))


def _collect_paths(
    nodes: Sequence[XmlNode], prefix: List[str], leaves_only: bool, found: List[List[str]]
) -> None:
    for node in nodes:
        if node.tag != "Choice":
            _collect_paths(node.children, prefix, leaves_only, found)  # a View or Header in between
            continue
        value = node.get("alias") or node.get("value")
        if not value:
            continue
        path = [*prefix, value]
        below: List[List[str]] = []
        _collect_paths(node.children, path, leaves_only, below)
        if not leaves_only or not below:
            found.append(path)
        found.extend(below)


class _ScalarTag(ControlTag):
    """A control whose value holds one scalar under its key (``{"rating": 4}``)."""

    _kind: ClassVar[str] = "a value"
    """What the scalar must be, for messages."""

    def _scalar_reason(self, given: Any) -> Optional[str]:
        """Why ``given`` can't be this control's scalar (``"must be ..., got ..."``), or None."""
        raise NotImplementedError

    def _scalar_from_label(self, given: Any) -> Any:
        """The scalar ``label(given)`` stores (families convert, e.g. Number to float)."""
        return given

    def labels_reason(self, value: Mapping[str, Any]) -> Optional[str]:
        key = cast(str, self._label_attr_name)
        if key not in value:
            return f"value.{key} is required"
        reason = self._scalar_reason(value[key])
        return None if reason is None else f"value.{key} {reason}"

    def label(self, label: Any = None, to_name: Optional[str] = None, **fields: Any) -> Region:
        key = cast(str, self._label_attr_name)
        given = fields.pop(key, None) if label is None else label
        if given is None:
            raise ValueError(f"control {self.name!r} needs a value to label with: {self._kind}")
        if self._scalar_reason(given) is None:
            given = self._scalar_from_label(given)
        return super().label(None, to_name, **{key: given, **fields})


class NumberTag(_ScalarTag):
    """``<Number>``: ``{"number": 4.5}``; ``min``/``max`` shape samples and the schema, not validation."""

    _label_attr_name = "number"
    _kind = "a number"

    def _scalar_reason(self, given: Any) -> Optional[str]:
        return None if as_number(given) is not None else f"must be a number, got {given!r}"

    def _scalar_from_label(self, given: Any) -> Any:
        return as_number(given)

    def _bounds(self) -> Sequence[Optional[float]]:
        return _number_attr(self, "min"), _number_attr(self, "max")

    def to_json_schema(self) -> Dict[str, Any]:
        schema: Dict[str, Any] = {
            "type": "number",
            "description": f"A number about {', '.join(self.to_name)}",
        }
        low, high = self._bounds()
        if low is not None:
            schema["minimum"] = low
        if high is not None:
            schema["maximum"] = high
        return schema

    def sample_payload(self, rng: random.Random) -> Any:
        low, high = self._bounds()
        if low is None:
            low = 0.0 if high is None or high >= 0 else high - 100
        if high is None or high < low:
            high = low + 100
        return min(max(round(rng.uniform(low, high), 2), low), high)


class RatingTag(_ScalarTag):
    """``<Rating>``: ``{"rating": 3}``, a whole number from 0 to ``maxRating`` (5 unless set)."""

    _label_attr_name = "rating"
    _kind = "a whole number"
    DEFAULT_MAX_RATING: ClassVar[int] = 5

    @property
    def max_rating(self) -> int:
        number = _number_attr(self, "maxRating")
        return int(number) if number is not None and number.is_integer() else self.DEFAULT_MAX_RATING

    def _scalar_reason(self, given: Any) -> Optional[str]:
        number = as_number(given)
        if number is None or not number.is_integer() or not 0 <= number <= self.max_rating:
            return f"must be a whole number from 0 to {self.max_rating}, got {given!r}"
        return None

    def _scalar_from_label(self, given: Any) -> Any:
        return int(cast(float, as_number(given)))

    def to_json_schema(self) -> Dict[str, Any]:
        top = self.max_rating
        return {
            "type": "integer",
            "minimum": 0,
            "maximum": top,
            "description": f"A rating of {', '.join(self.to_name)}, from 0 to {top}",
        }

    def sample_payload(self, rng: random.Random) -> Any:
        return rng.randint(min(1, self.max_rating), self.max_rating)


class DateTimeTag(_ScalarTag):
    """``<DateTime>``: ``{"datetime": "2024-05-01T10:30"}``; the format is not checked.

    ``label()`` takes a string, or the first item of a list (as ``create_regions`` passes lists).
    """

    _label_attr_name = "datetime"
    _kind = "a string"

    def _scalar_reason(self, given: Any) -> Optional[str]:
        return None if isinstance(given, str) else f"must be a string, got {given!r}"

    def label(self, label: Any = None, to_name: Optional[str] = None, **fields: Any) -> Region:
        if isinstance(label, (list, tuple)):
            if not label:
                raise ValueError(f"control {self.name!r} needs a date to label with, got an empty list")
            label = label[0]
        return super().label(label, to_name, **fields)

    def to_json_schema(self) -> Dict[str, Any]:
        return {
            "type": "string",
            "format": "date-time",
            "description": f"A date and time about {', '.join(self.to_name)}",
        }

    def sample_payload(self, rng: random.Random) -> Any:
        year, month, day = rng.randint(2000, 2030), rng.randint(1, 12), rng.randint(1, 28)
        hour, minute = rng.randint(0, 23), rng.randint(0, 59)
        only = {part.strip() for part in str(self.get_attr("only", "")).lower().split(",") if part.strip()}
        date, time = f"{year:04d}-{month:02d}-{day:02d}", f"{hour:02d}:{minute:02d}"
        if only == {"date"}:
            return date
        if only == {"time"}:
            return time
        if only == {"year"}:
            return f"{year:04d}"
        if only == {"month"}:
            return f"{year:04d}-{month:02d}"
        return f"{date}T{time}"


class TextAreaTag(ControlTag):
    """``<TextArea>``: ``{"text": ["line", ...]}``; ``label()`` also takes one string."""

    _label_attr_name = "text"

    def labels_reason(self, value: Mapping[str, Any]) -> Optional[str]:
        if "text" not in value:
            return "value.text is required"
        given = value["text"]
        if not isinstance(given, (list, tuple)) or not all(isinstance(line, str) for line in given):
            return f"value.text must be a list of strings, got {given!r}"
        return None

    def label(self, label: LabelArg = None, to_name: Optional[str] = None, **fields: Any) -> Region:
        if label is None and "text" in fields:
            label = fields.pop("text")
        _check_label_type(self, label)
        return super().label(label, to_name, **fields)

    def to_json_schema(self) -> Dict[str, Any]:
        return {
            "oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}],
            "description": f"Free text about {', '.join(self.to_name)}: one string or several",
        }

    def sample_payload(self, rng: random.Random) -> Any:
        return " ".join(rng.choice(_WORDS) for _ in range(rng.randint(3, 8)))


class PairwiseTag(_ScalarTag):
    """``<Pairwise>``: which of two objects wins, ``{"selected": "left"}`` or ``"right"``.

    ``label()`` regions name the control itself as ``to_name`` (and ``to_tag``), as the published ones did;
    validation accepts that as well as either object.
    """

    _label_attr_name = "selected"
    _kind = "'left' or 'right'"
    SIDES: ClassVar[Sequence[str]] = ("left", "right")

    def _scalar_reason(self, given: Any) -> Optional[str]:
        if isinstance(given, str) and given in self.SIDES:
            return None
        return f"must be 'left' or 'right', got {given!r}"

    def label(self, label: Any = None, to_name: Optional[str] = None, **fields: Any) -> Region:
        from label_studio_sdk.label_interface.region import Region

        selected = fields.pop("selected", None) if label is None else label
        value = {"selected": selected, **fields}
        reason = self.value_reason(value)
        if reason is not None:
            raise ValueError(self.describe_invalid(value, reason))
        if to_name is None or to_name == self.name:
            # The control stands in for the object: the region is about the pair, not one side.
            return Region(from_tag=self, to_tag=cast("ObjectTag", self), to_name=self.name, value=value)
        target = self._resolve_to_name(to_name)
        return Region(from_tag=self, to_tag=self.find_object_by_name(target), to_name=target, value=value)

    def to_json_schema(self) -> Dict[str, Any]:
        left, right = [*self.to_name, "", ""][:2]
        return {
            "type": "string",
            "enum": list(self.SIDES),
            "description": f"Which is preferred: {left} (left) or {right} (right)",
        }

    def sample_payload(self, rng: random.Random) -> Any:
        # Samples name the first object as to_name: servers running the published validator refuse
        # the self-reference (which our validator accepts), and samples must pass both.
        side = rng.choice(self.SIDES)
        return {"label": side, "to_name": self.to_name[0]} if self.to_name else side


class RankerTag(ControlTag):
    """``<Ranker>``: ``{"ranker": {list or bucket name: [item ids in order]}}``."""

    _value_fields: ClassVar[Optional[Mapping[str, Any]]] = {
        "type": "object",
        "required": ["ranker"],
        "properties": {"ranker": {"type": "object"}},
    }

    def value_reason(self, value: Any, context: Optional[Mapping[str, Any]] = None) -> Optional[str]:
        if not isinstance(value, OBJECT_TYPES):
            return f"value must be an object, got {type(value).__name__}"
        if "ranker" not in value:
            return "value.ranker is required"
        ranking = value["ranker"]
        if not isinstance(ranking, OBJECT_TYPES):
            return f"value.ranker must be an object of lists, got {type(ranking).__name__}"
        for bucket, items in ranking.items():
            if not isinstance(items, (list, tuple)) or not all(isinstance(item, str) for item in items):
                return f"value.ranker.{bucket} must be a list of item ids (strings), got {items!r}"
        return None

    def label(self, label: Any = None, to_name: Optional[str] = None, **fields: Any) -> Region:
        """A ranking: ``label({"rank": ["b", "a"]})`` or ``label(ranker={...})``."""
        ranking = fields.pop("ranker", None) if label is None else label
        if not isinstance(ranking, OBJECT_TYPES):
            raise ValueError(
                f"control {self.name!r} labels with a ranking: a dict of list or bucket name to item ids, "
                f"got {ranking!r}"
            )
        return super().label(None, to_name, ranker=dict(ranking), **fields)

    def to_json_schema(self) -> Dict[str, Any]:
        key = self.name or "rank"
        return {
            "type": "object",
            "properties": {
                "ranker": {
                    "type": "object",
                    "properties": {key: {"type": "array", "items": {"type": "string"}, "minItems": 1}},
                    "required": [key],
                }
            },
            "required": ["ranker"],
        }

    def sample_payload(self, rng: random.Random) -> Any:
        items = [f"item_{number}" for number in range(1, rng.randint(2, 5) + 1)]
        rng.shuffle(items)
        return {"ranker": {self.name or "rank": items}}


TAGS: Dict[str, Type[ControlTag]] = {
    "choices": ChoicesTag,
    "taxonomy": TaxonomyTag,
    "number": NumberTag,
    "rating": RatingTag,
    "datetime": DateTimeTag,
    "textarea": TextAreaTag,
    "pairwise": PairwiseTag,
    "ranker": RankerTag,
}
"""Lowercased XML tag -> class, for the classification controls."""
