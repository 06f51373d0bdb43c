"""``<Label>``, ``<Choice>`` and ``<Relation>``: one allowed value of the control that contains them."""

from __future__ import annotations

from typing import Any, Dict, Optional

from label_studio_sdk.label_interface.base import LabelStudioTag


class LabelTag(LabelStudioTag):
    """A label: ``value`` is what results carry (the ``alias`` when there is one), ``parent_name`` its control."""

    __slots__ = ("parent_name", "value")

    def __init__(
        self,
        tag: str,
        value: str,
        parent_name: Optional[str] = None,
        attr: Optional[Dict[str, str]] = None,
        line: int = 0,
        **extra: Any,
    ) -> None:
        super().__init__(tag=tag, name=None, attr=attr, line=line, **extra)
        self.value = value
        self.parent_name = parent_name

    def collect_attrs(self) -> Dict[str, str]:
        attrs = dict(self.attr)
        attrs.setdefault("value", self.value)
        return attrs

    def __repr__(self) -> str:
        return f"LabelTag(tag={self.tag!r}, value={self.value!r}, parent_name={self.parent_name!r})"
