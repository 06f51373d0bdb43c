"""The labeling config written next to imported tasks: one Image and a labels control per kind of region found.

Every label carries ``category="<id>"`` when its id in the source dataset is a number (its line in YOLO's
classes.txt, its COCO category id), so that exporting the project again gives the same class ids.
Names are XML-escaped, so a label such as ``R&D`` gives a valid config.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional
from xml.sax.saxutils import quoteattr

from label_studio_sdk.converter.exports._output import PathLike, write_file_atomic
from label_studio_sdk.converter.imports.colors import label_color

# Control tags in the order they appear in a generated config; others follow in the order given.
TAG_ORDER = ("RectangleLabels", "PolygonLabels", "KeyPointLabels", "BrushLabels", "TextArea")
_UNLABELLED_TAGS = frozenset({"TextArea"})


def label_config_path(out_file: PathLike) -> Path:
    """Where the config for the tasks file ``out_file`` goes: ``<out_file without .json>.label_config.xml``."""
    path = Path(out_file)
    stem = path.name[: -len(".json")] if path.name.lower().endswith(".json") else path.name
    return path.with_name(stem + ".label_config.xml")


def _pinned(key: Any) -> Optional[int]:
    return key if isinstance(key, int) and not isinstance(key, bool) and key >= 0 else None


def _label_lines(categories: Mapping[Any, str]) -> List[str]:
    lines: List[str] = []
    seen: Dict[str, None] = {}
    for key, name in categories.items():
        if name in seen:
            continue
        pin = _pinned(key)
        category = f" category={quoteattr(str(pin))}" if pin is not None else ""
        color = label_color(len(seen))
        seen[name] = None
        lines.append(f"    <Label value={quoteattr(name)}{category} background={quoteattr(color)}/>")
    return lines


def generate_label_config(
    categories: Mapping[Any, str],
    tags: Mapping[str, str],
    to_name: str = "image",
    from_name: str = "label",
    filename: Optional[PathLike] = None,
) -> str:
    """A labeling config with an Image called ``to_name`` and one control per ``tags`` entry
    (control name -> tag type such as ``"RectangleLabels"``), each listing every label of ``categories``
    (id -> name). Written to ``filename`` too when given. ``from_name`` is accepted for callers of earlier
    releases; the control names are the keys of ``tags``.
    """
    del from_name  # the names come from ``tags``
    order = {tag: position for position, tag in enumerate(TAG_ORDER)}
    controls = sorted(tags.items(), key=lambda item: order.get(item[1], len(order)))
    labels = _label_lines(categories)
    lines = ["<View>", f"  <Image name={quoteattr(to_name)} value={quoteattr('$image')}/>"]
    for name, tag in controls:
        lines += ["", f"  <Header value={quoteattr(tag)}/>"]
        opening = f"  <{tag} name={quoteattr(name)} toName={quoteattr(to_name)}"
        if tag in _UNLABELLED_TAGS:
            lines.append(opening + "/>")
        else:
            lines += [opening + ">", *labels, f"  </{tag}>"]
    lines.append("</View>")
    config = "\n".join(lines) + "\n"
    if filename is not None:
        write_file_atomic(Path(filename), config)
    return config
