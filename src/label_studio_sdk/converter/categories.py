"""Class ids for the labels of a config, shared by the COCO, YOLO and VOC exports.

Labels get ids in alphabetical order, from 0 (or in config order, as the YOLO pose format numbers them). A ``<Label category="N">`` attribute pins a label to id N,
and the other labels take the smallest ids left free. A label met only in the data (not in the config) gets
the next free id when first seen, so the ids of config labels never depend on the data.
"""

from __future__ import annotations

import logging
from typing import Any, Collection, Dict, List, Literal, Mapping, Optional

from label_studio_sdk.converter.items import ParsedConfig

logger: logging.Logger = logging.getLogger(__name__)

IMAGE_LABEL_TYPES = frozenset({"RectangleLabels", "PolygonLabels", "KeyPointLabels", "Labels", "BrushLabels"})


def _pinned_id(attributes: Any) -> Optional[int]:
    if not isinstance(attributes, Mapping):
        return None
    raw = attributes.get("category")
    if raw is None:
        return None
    try:
        pinned = int(str(raw).strip())
    except ValueError:
        logger.warning("ignoring category=%r: not an integer", raw)
        return None
    return pinned if pinned >= 0 else None


class Categories:
    """Label name to class id, for the controls of ``parsed_config`` whose type is in ``control_types``."""

    def __init__(
        self,
        parsed_config: ParsedConfig,
        control_types: Collection[str] = IMAGE_LABEL_TYPES,
        *,
        order: Literal["alphabetical", "config"] = "alphabetical",
    ) -> None:
        pinned: Dict[str, int] = {}
        names: List[str] = []
        for control in parsed_config.values():
            if control.get("type") not in control_types:
                continue
            attributes = control.get("labels_attrs") or {}
            for name in control.get("labels") or ():
                if name in pinned or name in names:
                    continue
                pin = _pinned_id(attributes.get(name))
                taken = set(pinned.values())
                if pin is not None and pin not in taken:
                    pinned[name] = pin
                else:
                    if pin is not None:
                        logger.warning("label %r: category %s is already taken; it gets a free id", name, pin)
                    names.append(name)
        self._ids: Dict[str, int] = dict(pinned)
        for name in sorted(names) if order == "alphabetical" else names:
            self._ids[name] = self._free_id()
        self.from_config = frozenset(self._ids)

    def _free_id(self) -> int:
        taken = set(self._ids.values())
        candidate = 0
        while candidate in taken:
            candidate += 1
        return candidate

    def id_of(self, name: str) -> int:
        """The id of ``name``; a label the config does not list is given the next free id."""
        found = self._ids.get(name)
        if found is None:
            found = self._ids[name] = self._free_id()
            logger.info("label %r is not in the labeling config; it gets class id %s", name, found)
        return found

    def __contains__(self, name: object) -> bool:
        return name in self._ids

    def __len__(self) -> int:
        return len(self._ids)

    def entries(self) -> List[Dict[str, Any]]:
        """``[{"id", "name"}]`` in id order."""
        return [
            {"id": ident, "name": name} for name, ident in sorted(self._ids.items(), key=lambda pair: pair[1])
        ]

    def names_by_id(self) -> List[str]:
        """Names indexed by id (``classes.txt`` order); an id no label holds is named ``__unused_<id>__``."""
        by_id = {ident: name for name, ident in self._ids.items()}
        size = max(by_id) + 1 if by_id else 0
        return [by_id.get(ident, f"__unused_{ident}__") for ident in range(size)]
