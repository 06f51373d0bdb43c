"""What every tag of a labeling config has: its XML tag, name, attributes and source position."""

from __future__ import annotations

from typing import Any, Callable, Dict, Iterable, Optional, Tuple, Union

TagTypes = Union[str, Iterable[str]]


def _matches_type(tag: str, tag_type: Optional[TagTypes]) -> bool:
    if tag_type is None:
        return True
    wanted = (tag_type,) if isinstance(tag_type, str) else tuple(tag_type)
    lowered = tag.lower()
    return any(lowered == kind.lower() for kind in wanted)


class LabelStudioTag:
    """A tag of a labeling config.

    ``tag`` is the XML tag as written (``"RectangleLabels"``), ``name`` its ``name`` attribute (None for
    tags without one) and ``attr`` every attribute as written. ``line`` is where the tag starts in the
    config (0 for tags built in code).
    """

    __slots__ = ("__dict__", "attr", "line", "name", "tag")

    def __init__(
        self,
        tag: str,
        name: Optional[str] = None,
        attr: Optional[Dict[str, str]] = None,
        line: int = 0,
        **extra: Any,
    ) -> None:
        self.tag: str = tag
        self.name: Optional[str] = name
        self.attr: Dict[str, str] = dict(attr or {})
        self.line: int = line
        for key, value in extra.items():
            setattr(self, key, value)

    def get_attr(self, name: str, default: Any = None) -> Any:
        """An attribute's value; falls back to a case-insensitive match, and a blank value counts as missing."""
        value = self.attr.get(name)
        if value is None:
            lowered = name.lower()
            value = next((v for k, v in self.attr.items() if k.lower() == lowered), None)
        if value is None or (isinstance(value, str) and not value.strip()):
            return default
        return value

    def collect_attrs(self) -> Dict[str, str]:
        """The attributes to write this tag back as XML."""
        attrs = dict(self.attr)
        if self.name is not None:
            attrs["name"] = self.name
        return attrs

    def match(
        self,
        tag_type: Optional[TagTypes] = None,
        name: Optional[str] = None,
        name_filter_fn: Optional[Callable[[str], bool]] = None,
        to_name: Optional[Union[str, Iterable[str]]] = None,
        to_name_filter_fn: Optional[Callable[[str], bool]] = None,
    ) -> bool:
        """Whether this tag is of ``tag_type`` (a name or several, any case) and passes the filters.

        ``to_name`` / ``to_name_filter_fn`` look at the names a control points to (objects have none, so
        they never match a ``to_name`` condition).
        """
        if not _matches_type(self.tag, tag_type):
            return False
        if name is not None and self.name != name:
            return False
        if name_filter_fn is not None and not name_filter_fn(self.name or ""):
            return False
        targets: Tuple[str, ...] = tuple(getattr(self, "to_name", None) or ())
        if to_name is not None:
            wanted = {to_name} if isinstance(to_name, str) else set(to_name)
            if not wanted.intersection(targets):
                return False
        return to_name_filter_fn is None or any(to_name_filter_fn(target) for target in targets)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(tag={self.tag!r}, name={self.name!r})"
