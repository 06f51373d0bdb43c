"""A safe, small XML reader for labeling configs.

Configs come from users and tasks from anywhere, so the reader refuses what no labeling config
needs: document type declarations, entity declarations and external entities (no entity expansion
at all: only the five predefined XML entities and character references are understood). It also
bounds the size, the nesting depth and the number of elements. It is built on the standard
library's expat and keeps each element's line and column, so errors can say where.
"""

from __future__ import annotations

from typing import Dict, Iterator, List, Optional
from xml.parsers import expat

from label_studio_sdk.label_interface.exceptions import LabelStudioXMLSyntaxErrorSentryIgnored

MAX_CONFIG_CHARS = 10 * 1024 * 1024
"""Longest config accepted (characters): the largest taxonomies in use are a few hundred KB."""
MAX_DEPTH = 200
"""Deepest element nesting accepted."""
MAX_ELEMENTS = 200_000
"""Most elements accepted in one config."""


class XmlNode:
    """One element: its tag, attributes, children, text and where it starts in the source."""

    __slots__ = ("attrib", "children", "column", "line", "parent", "tag", "text")

    def __init__(
        self, tag: str, attrib: Dict[str, str], parent: Optional[XmlNode], line: int, column: int
    ) -> None:
        self.tag = tag
        self.attrib = attrib
        self.parent = parent
        self.children: List[XmlNode] = []
        self.text = ""
        self.line = line
        self.column = column

    def iter(self) -> Iterator[XmlNode]:
        """This element and every element below it, in document order."""
        stack = [self]
        while stack:
            node = stack.pop()
            yield node
            stack.extend(reversed(node.children))

    def get(self, key: str, default: Optional[str] = None) -> Optional[str]:
        return self.attrib.get(key, default)

    @property
    def where(self) -> str:
        """``<Tag> at line L, column C`` for error messages."""
        return f"<{self.tag}> at line {self.line}, column {self.column + 1}"

    def __repr__(self) -> str:
        return f"XmlNode({self.tag!r}, line={self.line})"


class XmlDocument:
    """A parsed config: the root element and the text of every comment, in order."""

    __slots__ = ("comments", "root")

    def __init__(self, root: XmlNode, comments: List[str]) -> None:
        self.root = root
        self.comments = comments


def _refuse(what: str) -> LabelStudioXMLSyntaxErrorSentryIgnored:
    return LabelStudioXMLSyntaxErrorSentryIgnored(f"labeling configs may not contain {what}")


def parse_xml(text: str) -> XmlDocument:
    """Parse a config string; ``LabelStudioXMLSyntaxErrorSentryIgnored`` says what is wrong and where."""
    if not isinstance(text, str):
        raise TypeError(f"a labeling config is a string, not {type(text).__name__}")
    if len(text) > MAX_CONFIG_CHARS:
        raise LabelStudioXMLSyntaxErrorSentryIgnored(
            f"the labeling config is {len(text):,} characters long; at most {MAX_CONFIG_CHARS:,} are accepted"
        )
    stripped = text.lstrip()
    # Lines are counted in the text as given, before the leading blank lines were dropped.
    line_offset = text.count("\n", 0, len(text) - len(stripped))
    if not stripped.strip():
        raise LabelStudioXMLSyntaxErrorSentryIgnored("the labeling config is empty")

    parser = expat.ParserCreate()
    parser.buffer_text = True
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    root: List[XmlNode] = []
    stack: List[XmlNode] = []
    comments: List[str] = []
    count = 0

    def start(tag: str, attrib: Dict[str, str]) -> None:
        nonlocal count
        count += 1
        if count > MAX_ELEMENTS:
            raise LabelStudioXMLSyntaxErrorSentryIgnored(
                f"the labeling config has more than {MAX_ELEMENTS:,} tags"
            )
        if len(stack) >= MAX_DEPTH:
            raise LabelStudioXMLSyntaxErrorSentryIgnored(
                f"the labeling config nests tags more than {MAX_DEPTH} deep "
                f"(line {parser.CurrentLineNumber + line_offset})"
            )
        parent = stack[-1] if stack else None
        node = XmlNode(
            tag, attrib, parent, parser.CurrentLineNumber + line_offset, parser.CurrentColumnNumber
        )
        if parent is None:
            root.append(node)
        else:
            parent.children.append(node)
        stack.append(node)

    def end(tag: str) -> None:
        stack.pop()

    def chars(data: str) -> None:
        if stack:
            stack[-1].text += data

    def doctype(*_: object) -> None:
        raise _refuse("a DOCTYPE declaration")

    def entity(*_: object) -> None:
        raise _refuse("entity declarations")

    def external(*_: object) -> int:
        raise _refuse("external entities")

    def comment(data: str) -> None:
        comments.append(data)

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars
    parser.CommentHandler = comment
    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = entity
    parser.UnparsedEntityDeclHandler = entity
    parser.ExternalEntityRefHandler = external
    try:
        parser.Parse(stripped, True)
    except expat.ExpatError as exc:
        message = expat.ErrorString(exc.code) if exc.code else str(exc)
        raise LabelStudioXMLSyntaxErrorSentryIgnored(
            f"the labeling config is not valid XML: {message} at line {exc.lineno + line_offset}, column {exc.offset + 1}"
        ) from None
    return XmlDocument(root[0], comments)
