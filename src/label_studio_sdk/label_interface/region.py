"""``Region``: one result item made by a control (``control.label(...)``), with its relations."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Dict, List, Optional

if TYPE_CHECKING:
    from label_studio_sdk.label_interface.controls.base import ControlTag
    from label_studio_sdk.label_interface.object_tags import ObjectTag

RELATION_DIRECTIONS = ("left", "right", "bi")


class RegionValue(Dict[str, Any]):
    """A region's value: a plain dict whose keys can also be read as attributes (``value.x``)."""

    __slots__ = ()

    def __getattr__(self, key: str) -> Any:
        try:
            return self[key]
        except KeyError:
            raise AttributeError(key) from None

    def dict(self) -> Dict[str, Any]:
        return {**self}

    model_dump = dict


class Region:
    """A result item: ``from_tag`` made it, about ``to_name``; ``_dict()`` is the form results carry."""

    __slots__ = ("from_tag", "id", "relations", "to_name", "to_tag", "value")

    def __init__(
        self,
        from_tag: ControlTag,
        value: Dict[str, Any],
        to_tag: Optional[ObjectTag] = None,
        to_name: Optional[str] = None,
        id: Optional[str] = None,
        relations: Optional[List[Dict[str, Any]]] = None,
    ) -> None:
        if not id:
            import uuid

            id = str(uuid.uuid4())
        self.id: str = id
        self.from_tag: ControlTag = from_tag
        self.to_tag: Optional[ObjectTag] = to_tag
        self.to_name: str = to_name or (to_tag.name if to_tag is not None else None) or from_tag.to_name[0]
        self.value: RegionValue = RegionValue(value)
        self.relations: List[Dict[str, Any]] = list(relations or [])

    def _dict(self) -> Dict[str, Any]:
        """``{id, from_name, to_name, type, value}``, the shape of one item of a prediction's ``result``."""
        return {
            "id": self.id,
            "from_name": self.from_tag.name,
            "to_name": self.to_name,
            "type": self.from_tag.tag.lower(),
            "value": dict(self.value),
        }

    def _dict_relations(self) -> List[Dict[str, Any]]:
        """This region's relations as result items (``type: relation``), one dict each."""
        return [dict(relation) for relation in self.relations]

    @property
    def has_relations(self) -> bool:
        return bool(self.relations)

    def add_relation(
        self, region: Optional[Region] = None, direction: str = "right", label: Optional[List[str]] = None
    ) -> None:
        """Relate this region to ``region`` (``direction`` is left, right or bi; ``label`` optional)."""
        if region is None:
            raise ValueError("add_relation needs the region to relate to")
        if direction not in RELATION_DIRECTIONS:
            raise ValueError(f"direction must be one of {RELATION_DIRECTIONS}, not {direction!r}")
        relation: Dict[str, Any] = {
            "type": "relation",
            "from_id": self.id,
            "to_id": region.id,
            "direction": direction,
        }
        if label:
            relation["labels"] = [label] if isinstance(label, str) else list(label)
        self.relations.append(relation)

    def set_relations(self, relations: List[Dict[str, Any]]) -> None:
        self.relations = list(relations)

    def to_json(self) -> str:
        import json

        return json.dumps(self._dict())

    def to_json_relations(self) -> str:
        import json

        return json.dumps(self._dict_relations())

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Region) and self._dict() == other._dict() and self.relations == other.relations
        )

    __hash__: ClassVar[None] = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Region(id={self.id!r}, from_name={self.from_tag.name!r}, to_name={self.to_name!r}, value={dict(self.value)!r})"


def flatten_result(items: Any) -> Any:
    """A result list with every ``Region`` turned into its dict, followed by its relations (flat, not nested)."""
    if items is None:
        return None
    flat: List[Any] = []
    relations: List[Dict[str, Any]] = []
    for item in items:
        if isinstance(item, Region):
            flat.append(item._dict())
            relations.extend(item._dict_relations())
        else:
            flat.append(item)
    flat.extend(relations)
    return flat
