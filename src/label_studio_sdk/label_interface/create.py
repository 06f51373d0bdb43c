"""Build labeling configs in code: ``LabelInterface.create({"image": "Image", "label": labels([...])})``.

A tag is described by a tuple ``(tag, attrs, children)``, where children are tuples of the same shape
(or text). ``labels``, ``choices`` and ``taxonomy`` make those tuples; ``build_config`` (what
``LabelInterface.create`` calls) fills in ``value="$name"`` for objects and ``toName`` for controls,
adds headers and styled views, and writes the XML with ``xml.etree`` (which escapes every attribute).
"""

from __future__ import annotations

import copy
import re
import xml.etree.ElementTree as ET
from typing import Any, Dict, FrozenSet, Iterable, List, Mapping, Optional, Sequence, Tuple, Union

from label_studio_sdk.label_interface.base import LabelStudioTag

TagTuple = Tuple[str, Dict[str, str], Any]
"""``(tag, attrs, children)``; children are tag tuples, a text string, or empty (``()`` or ``{}``)."""
TagDescription = Union[str, Sequence[Any], LabelStudioTag]
"""What ``create`` takes per name: a tag name, a ``(tag, attrs[, children])`` tuple, or a parsed tag."""

SELF_REFERENCING_TAGS: FrozenSet[str] = frozenset({"chat", "reactcode"})
"""Tags that label themselves: they never get a ``toName``."""

_XML_NAME = re.compile(r"^[^\W\d][\w.\-]*$")
_NOT_XML_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


# --- label sets --------------------------------------------------------------------------------------


def _leaf(tag: str, label: Any) -> TagTuple:
    """One ``<Label>``/``<Choice>``; a mapping gives all its attributes (``{"value": "Car", "background": "red"}``)."""
    if isinstance(label, Mapping):
        return (tag, {key: _attr_text(key, value) for key, value in label.items()}, {})
    return (tag, {"value": str(label)}, {})


def labels(labels: Iterable[Any], tag_type: str = "Labels", **attrs: Any) -> TagTuple:
    """A ``<Labels>`` (or ``RectangleLabels``, ... via ``tag_type``) tuple with one ``<Label>`` per label."""
    return (tag_type, dict(attrs), tuple(_leaf("Label", label) for label in labels))


def choices(labels: Iterable[Any], **attrs: Any) -> TagTuple:
    """A ``<Choices>`` tuple with one ``<Choice>`` per label."""
    return ("Choices", dict(attrs), tuple(_leaf("Choice", label) for label in labels))


def _taxonomy_node(label: Any) -> TagTuple:
    if isinstance(label, (tuple, list)):
        if not label:
            raise ValueError("a taxonomy subtree needs a parent label: (parent, child, ...)")
        parent, *children = label
        node = _leaf("Choice", parent)
        return (node[0], node[1], tuple(_taxonomy_node(child) for child in children))
    return _leaf("Choice", label)


def taxonomy(labels: Iterable[Any], **attrs: Any) -> TagTuple:
    """A ``<Taxonomy>`` tuple: a label is a ``<Choice>``, a tuple ``(parent, child, ...)`` a subtree, at any depth."""
    return ("Taxonomy", dict(attrs), tuple(_taxonomy_node(label) for label in labels))


# --- tag descriptions -> tuples ------------------------------------------------------------------------


def _object_tags() -> Mapping[str, Any]:
    from label_studio_sdk.label_interface.object_tags import _OBJECT_TAGS_MAPPING

    return _OBJECT_TAGS_MAPPING


def _control_tags() -> Mapping[str, Any]:
    # Imported on use: the control families are only needed once a config is built.
    from label_studio_sdk.label_interface.control_tags import CONTROL_TAGS_MAPPING

    return CONTROL_TAGS_MAPPING


def _is_object(tag: str) -> bool:
    return tag.lower() in _object_tags()


def _is_control(tag: str) -> bool:
    lowered = tag.lower()
    return lowered in _control_tags() and lowered not in SELF_REFERENCING_TAGS


def _node_tuple(node: Any) -> TagTuple:
    """A parsed XML element (our ``XmlNode`` or an ``xml.etree`` element) as a tag tuple."""
    kids = getattr(node, "children", None)
    kids = list(kids) if kids is not None else list(node)
    text = (getattr(node, "text", None) or "").strip()
    children: Any = tuple(_node_tuple(kid) for kid in kids) if kids else text
    return (str(node.tag), dict(node.attrib), children)


def _parsed_tag_tuple(tag: LabelStudioTag) -> TagTuple:
    """A tag read from a config, written back with its attributes, labels (controls) and children (objects)."""
    labels_attrs = getattr(tag, "labels_attrs", None)
    children: Any = ()
    if labels_attrs:
        children = tuple((label.tag, label.collect_attrs(), {}) for label in labels_attrs.values())
    elif getattr(tag, "children", None):
        children = tuple(_node_tuple(node) for node in tag.children)  # type: ignore[attr-defined]
    return (tag.tag, tag.collect_attrs(), children)


def _convert(name: str, tag: TagDescription) -> TagTuple:
    """One entry of ``create``'s dict as a tag tuple: ``name`` added (unless given) and ``value="$name"`` for objects."""
    if isinstance(tag, str):
        converted: TagTuple = (tag, {}, ())
    elif isinstance(tag, LabelStudioTag):
        converted = _parsed_tag_tuple(tag)
    elif isinstance(tag, (tuple, list)) and 1 <= len(tag) <= 3 and isinstance(tag[0], str):
        attrs = dict(tag[1]) if len(tag) > 1 and tag[1] else {}
        converted = (tag[0], attrs, tag[2] if len(tag) > 2 else ())
    else:
        raise TypeError(
            f"tag {name!r}: expected a tag name, a (tag, attrs[, children]) tuple or a parsed tag, got {tag!r}"
        )
    tag_name, attrs, children = converted
    attrs = dict(attrs)
    attrs.setdefault("name", name)
    if _is_object(tag_name) and not attrs.get("value") and not attrs.get("valueList"):
        attrs["value"] = f"${attrs['name']}"
    return (tag_name, attrs, children)


def convert_tags_description(
    tags: Mapping[str, TagDescription], mapping: Optional[Mapping[str, str]] = None
) -> List[TagTuple]:
    """``create``'s dict as tag tuples; a control without ``toName`` points to ``mapping[name]`` or the first object.

    Raises ``ValueError`` for a control with nothing to point to.
    """
    converted = [_convert(name, tag) for name, tag in tags.items()]
    first_object = next((attrs["name"] for tag, attrs, _ in converted if _is_object(tag)), None)
    result: List[TagTuple] = []
    for key, (tag, attrs, children) in zip(tags, converted):
        if _is_control(tag) and not attrs.get("toName"):
            target = (mapping or {}).get(key) or (mapping or {}).get(attrs["name"]) or first_object
            if target is None:
                raise ValueError(
                    f"control {key!r} (<{tag}>) has no object to label: add an object tag or pass "
                    f"mapping={{{key!r}: '<object name>'}}"
                )
            attrs = {**attrs, "toName": target}
        result.append((tag, attrs, children))
    return result


# --- tuples -> XML -------------------------------------------------------------------------------------


def _attr_text(key: str, value: Any) -> str:
    """An attribute value as config text: booleans as ``true``/``false``, lists joined with commas."""
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, (list, tuple)):
        text = ",".join(str(item) for item in value)
    else:
        text = str(value)
    if _NOT_XML_CHARS.search(text):
        raise ValueError(f"attribute {key!r} holds a control character XML cannot carry: {text!r}")
    return text


def _check_name(kind: str, name: str) -> str:
    if not isinstance(name, str) or not _XML_NAME.match(name):
        raise ValueError(f"{name!r} is not a valid XML {kind} name")
    return name


def create_element(element: Union[str, Sequence[Any]], parent: Optional[ET.Element] = None) -> ET.Element:
    """An ``xml.etree`` element (under ``parent`` when given) from a tag tuple and its children."""
    if isinstance(element, str):
        element = (element,)
    if not isinstance(element, (tuple, list)) or not 1 <= len(element) <= 3:
        raise TypeError(f"expected a (tag, attrs, children) tuple, got {element!r}")
    tag = _check_name("tag", element[0])
    attrs = element[1] if len(element) > 1 and element[1] else {}
    children = element[2] if len(element) > 2 else ()
    attrib = {
        _check_name("attribute", key): _attr_text(key, value)
        for key, value in attrs.items()
        if value is not None
    }
    node = ET.Element(tag, attrib) if parent is None else ET.SubElement(parent, tag, attrib)
    if isinstance(children, str):
        node.text = children
    elif isinstance(children, Mapping):
        if children:  # the label helpers mark leaves with an empty dict
            raise TypeError(f"children of <{tag}> must be tag tuples, got {children!r}")
    else:
        for child in children or ():
            create_element(child, parent=node)
    return node


def tree_from_tuples(
    *elements: Union[str, Sequence[Any]], root_attrs: Optional[Mapping[str, Any]] = None
) -> ET.Element:
    """A ``<View>`` root holding ``elements`` (tag tuples); ``root_attrs`` are the root's attributes."""
    root = create_element(("View", dict(root_attrs or {}), ()))
    for element in elements:
        create_element(element, parent=root)
    return root


def tree_to_string(tree: ET.Element, pretty: bool = True) -> str:
    """The config text; ``pretty`` indents by two spaces and ends with a newline. No XML declaration either way."""
    if not pretty:
        return ET.tostring(tree, encoding="unicode")
    indented = copy.deepcopy(tree)
    ET.indent(indented, space="  ")
    # Attribute values and text are escaped (">" becomes "&gt;"), so " />" only ever ends an empty tag.
    return ET.tostring(indented, encoding="unicode").replace(" />", "/>") + "\n"


def build_config(
    tags: Mapping[str, TagDescription],
    mapping: Optional[Mapping[str, str]] = None,
    title: Union[str, Mapping[str, str], None] = None,
    style: Union[str, Mapping[str, str], None] = None,
    pretty: bool = True,
) -> str:
    """A labeling config from ``{name: tag}`` (see the module docstring).

    ``title``: a string puts a ``<Header>`` at the top; ``{name: text}`` puts one before that tag.
    ``style``: a string styles the root ``<View>``; ``{name: css}`` wraps that tag in a styled ``<View>``.
    """
    titles: Mapping[str, str] = title if isinstance(title, Mapping) else {}
    styles: Mapping[str, str] = style if isinstance(style, Mapping) else {}
    elements: List[Any] = []
    if isinstance(title, str):
        elements.append(("Header", {"value": title}, ()))
    for name, element in zip(tags, convert_tags_description(tags, mapping)):
        if name in titles:
            elements.append(("Header", {"value": titles[name]}, ()))
        elements.append(("View", {"style": styles[name]}, (element,)) if name in styles else element)
    root_attrs = {"style": style} if isinstance(style, str) else None
    return tree_to_string(tree_from_tuples(*elements, root_attrs=root_attrs), pretty=pretty)
