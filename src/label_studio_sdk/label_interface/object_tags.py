"""Object tags: what a task shows (``<Image>``, ``<Text>``, ...), each bound to a task field by ``value``."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, ClassVar, Dict, Iterator, List, Mapping, Optional, Tuple, Type

from label_studio_sdk.label_interface import samples
from label_studio_sdk.label_interface.base import LabelStudioTag

if TYPE_CHECKING:
    import datetime

    from label_studio_sdk.label_interface._xml import XmlNode

_VARIABLE = re.compile(r"^\$[^, ]+$")
SAMPLE_HOST = "http://localhost:8080"
"""Host of the sample URLs ``generate_example_value`` makes (the server's default address)."""


class ObjectTag(LabelStudioTag):
    """An object: ``value`` is the raw attribute (``"$image"``), ``value_name`` the task field it reads."""

    __slots__ = ("children", "value")

    default_tag: ClassVar[str] = ""
    """The XML tag a family's objects get when built in code without one (``ImageTag(name=..., value=...)``)."""

    def __init__(
        self,
        tag: Optional[str] = None,
        name: Optional[str] = None,
        value: Optional[str] = None,
        attr: Optional[Dict[str, str]] = None,
        children: Optional[List[XmlNode]] = None,
        line: int = 0,
        **extra: Any,
    ) -> None:
        super().__init__(tag=tag or type(self).default_tag, name=name, attr=attr, line=line, **extra)
        self.value: str = value or ""
        self.children: List[XmlNode] = list(children or [])

    @classmethod
    def validate_node(cls, node: Any) -> bool:
        """Whether an XML element (ours or ``xml.etree``'s) is an object: a name and a ``value`` or ``valueList``."""
        return bool(node.get("name") and (node.get("value") or node.get("valueList")))

    @classmethod
    def parse_node(cls, node: Any, tags_mapping: Optional[Mapping[str, Type[ObjectTag]]] = None) -> ObjectTag:
        """The object tag of an XML element, with the family class its tag maps to (``tags_mapping`` first)."""
        lowered = node.tag.lower()
        tag_cls = (tags_mapping or {}).get(lowered) or _OBJECT_TAGS_MAPPING.get(lowered) or cls
        return tag_cls(
            tag=node.tag,
            name=node.get("name"),
            value=node.get("valueList") or node.get("value") or "",
            attr=dict(node.attrib),
            children=list(_child_nodes(node)),
            line=int(getattr(node, "line", None) or getattr(node, "sourceline", None) or 0),
        )

    @property
    def value_type(self) -> Optional[str]:
        return self.attr.get("valueType")

    @property
    def value_name(self) -> str:
        """The task field this object shows: ``value`` without its leading ``$``."""
        return self.value[1:] if self.value.startswith("$") else self.value

    @property
    def value_is_variable(self) -> bool:
        return bool(_VARIABLE.match(self.value))

    def collect_attrs(self) -> Dict[str, str]:
        """The attributes to write this object back as XML; ``value`` stays as parsed (``$t``, not ``$$t``)."""
        attrs = super().collect_attrs()
        if self.value:
            attrs["valueList" if "valueList" in self.attr else "value"] = self.value
        return attrs

    def validate_config(self) -> List[str]:
        """Problems with this object's attributes (object families with rules override it)."""
        return []

    def _urls_only(self, secure_mode: bool) -> bool:
        """Whether the task field holds a URL rather than the content: ``valueType="url"`` or secure mode."""
        return secure_mode or str(self.get_attr("valueType", "")).lower() == "url"

    def generate_example_value(self, mode: str = "upload", secure_mode: bool = False) -> Any:
        """A sample value of this object's task field; a tag of no known family gets one guessed from its names.

        Secure mode serves only Text, HyperText and Paragraphs as URLs, so here only ``valueType="url"`` does.
        """
        return _guess_example(self.tag, self.value_name, self._urls_only(secure_mode=False))

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r}, value={self.value!r})"


def _child_nodes(node: Any) -> List[Any]:
    """Children of our ``XmlNode`` (``.children``) or of an ``xml.etree`` element (iteration)."""
    children = getattr(node, "children", None)
    return list(children) if children is not None else list(node)


def _descendants(nodes: List[Any]) -> Iterator[Any]:
    for node in nodes:
        yield node
        yield from _descendants(_child_nodes(node))


def _sample_url(path: str) -> str:
    return f"{SAMPLE_HOST}{path}"


_GUESS_BY_TAG: Dict[str, str] = {"markdown": samples.MARKDOWN, "header": "Sample header"}
_MEDIA_WORDS: Tuple[Tuple[Tuple[str, ...], str], ...] = (
    (("video", "movie", "mp4", "clip"), samples.VIDEO_PATH),
    (("audio", "sound", "speech", "voice", "wav", "mp3"), samples.AUDIO_PATH),
    (("image", "img", "photo", "picture", "page"), samples.IMAGE_PATH),
    (("pdf",), samples.PDF_PATH),
)


def _guess_example(tag: str, field: str, urls_only: bool) -> Any:
    """A value for a tag without a family (custom or newer tags): by tag, then by words in the field name."""
    lowered_tag = tag.lower()
    if lowered_tag in _GUESS_BY_TAG and not urls_only:
        return _GUESS_BY_TAG[lowered_tag]
    lowered_field = field.lower()
    for words, path in _MEDIA_WORDS:
        if any(word in lowered_tag or word in lowered_field for word in words):
            return _sample_url(path)
    if "html" in lowered_field and not urls_only:
        return samples.HTML
    return samples.TEXT_URL if urls_only else samples.text_for_field(field)


class AudioTag(ObjectTag):
    """``<Audio>``: its task field is an audio URL."""

    __slots__ = ()
    default_tag = "Audio"

    def generate_example_value(self, mode: str = "upload", secure_mode: bool = False) -> Any:
        """An audio URL; a field named like a video (an ``<Audio>`` synced to a ``<Video>``) gets the video."""
        if "video" in self.value_name.lower():
            return _sample_url(samples.VIDEO_PATH)
        return _sample_url(samples.AUDIO_PATH)


class ImageTag(ObjectTag):
    """``<Image>``: an image URL, or a list of them with ``valueList`` (multi-page documents)."""

    __slots__ = ()
    default_tag = "Image"

    @property
    def is_image_list(self) -> bool:
        return "valueList" in self.attr

    def generate_example_value(self, mode: str = "upload", secure_mode: bool = False) -> Any:
        """An image URL; for ``valueList`` a list of URLs, as the editor pages through a list."""
        if self.is_image_list:
            return [_sample_url(path) for path in samples.IMAGE_LIST_PATHS]
        return _sample_url(samples.IMAGE_PATH)


class PdfTag(ObjectTag):
    """``<Pdf>``: a PDF URL."""

    __slots__ = ()
    default_tag = "Pdf"

    def generate_example_value(self, mode: str = "upload", secure_mode: bool = False) -> Any:
        return _sample_url(samples.PDF_PATH)


class TableTag(ObjectTag):
    """``<Table>``: a dict shown as key/value rows."""

    __slots__ = ()
    default_tag = "Table"

    def generate_example_value(self, mode: str = "upload", secure_mode: bool = False) -> Any:
        return dict(samples.TABLE)


class TextTag(ObjectTag):
    """``<Text>``: plain text, or a URL of a text file with ``valueType="url"`` or in secure mode."""

    __slots__ = ()
    default_tag = "Text"

    def generate_example_value(self, mode: str = "upload", secure_mode: bool = False) -> Any:
        if self._urls_only(secure_mode):
            return samples.TEXT_URL
        return samples.text_for_field(self.value_name)


class HyperTextTag(ObjectTag):
    """``<HyperText>``: HTML, or the URL of an HTML page with ``valueType="url"`` or in secure mode."""

    __slots__ = ()
    default_tag = "HyperText"

    def generate_example_value(self, mode: str = "upload", secure_mode: bool = False) -> Any:
        if self._urls_only(secure_mode):
            return _sample_url(samples.HYPERTEXT_PATH)
        return samples.HTML


class ListTag(ObjectTag):
    """``<List>``: the items a ``<Ranker>`` orders, each ``{"id", "title", "body"}`` (or ``{"id", "html"}``)."""

    __slots__ = ()
    default_tag = "List"

    def generate_example_value(self, mode: str = "upload", secure_mode: bool = False) -> Any:
        field = self.value_name.lower()
        if any(word in field for word in ("image", "img", "photo", "picture")):
            return samples.image_list_items(SAMPLE_HOST)
        return samples.list_items()


class ParagraphsTag(ObjectTag):
    """``<Paragraphs>``: a list of dicts keyed by ``nameKey`` (speaker) and ``textKey`` (the words)."""

    __slots__ = ()
    default_tag = "Paragraphs"

    @property
    def name_key(self) -> str:
        return str(self.get_attr("nameKey", "author"))

    @property
    def text_key(self) -> str:
        return str(self.get_attr("textKey", "text"))

    def generate_example_value(self, mode: str = "upload", secure_mode: bool = False) -> Any:
        """The dialogue sample; with audio sync (``audioUrl``, ``sync``) each line gets ``start``/``end`` times."""
        if self._urls_only(secure_mode):
            from urllib.parse import urlencode

            query = urlencode({"nameKey": self.name_key, "textKey": self.text_key})
            return f"{SAMPLE_HOST}{samples.PARAGRAPHS_ENDPOINT}?{query}"
        timed = bool(self.get_attr("audioUrl") or self.get_attr("sync"))
        return samples.dialogue(self.name_key, self.text_key, timed)


class ChatTag(ObjectTag):
    """``<Chat>``: a list of messages ``{"role", "content", "createdAt"}``."""

    __slots__ = ()
    default_tag = "Chat"

    def _count_attr(self, name: str) -> Optional[int]:
        raw = str(self.get_attr(name, "")).strip()
        return int(raw) if raw.isdigit() else None  # "$max" and other task references: no bound here

    def generate_example_value(self, mode: str = "upload", secure_mode: bool = False) -> Any:
        """Enough messages for ``minMessages`` (at least two, at most ``maxMessages``), in ``messageroles`` turns."""
        count = max(2, self._count_attr("minMessages") or 0)
        most = self._count_attr("maxMessages")
        if most:
            count = min(count, most)
        roles = tuple(r.strip() for r in str(self.get_attr("messageroles", "")).split(",") if r.strip())
        return samples.chat_messages(count, roles or ("user", "assistant"))


TIME_SERIES_POINTS = 100
_TIME_SERIES_START = (2020, 1, 1)
_TIME_UNITS: Tuple[Tuple[Tuple[str, ...], str], ...] = (
    (("%f",), "microsecond"),
    (("%S", "%s", "%T", "%X", "%c"), "second"),
    (("%M", "%R"), "minute"),
    (("%H", "%I", "%p"), "hour"),
    (("%d", "%j", "%a", "%A", "%w", "%u", "%e", "%D", "%F", "%x"), "day"),
    (("%m", "%b", "%B", "%h"), "month"),
    (("%Y", "%y", "%G"), "year"),
)
"""strftime directives, finest first: samples step by the finest unit the format shows."""


def _time_step_unit(time_format: str) -> str:
    for directives, unit in _TIME_UNITS:
        if any(directive in time_format for directive in directives):
            # microseconds alone would all print within one second; a second step still shows them.
            return "second" if unit == "microsecond" else unit
    return "day"


def _nth_time(index: int, unit: str) -> datetime.datetime:
    import datetime

    start = datetime.datetime(*_TIME_SERIES_START)
    if unit == "year":
        return start.replace(year=start.year + index)
    if unit == "month":
        years, month = divmod(start.month - 1 + index, 12)
        return start.replace(year=start.year + years, month=month + 1)
    seconds = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}[unit]
    return start + datetime.timedelta(seconds=seconds * index)


def sample_times(time_format: Optional[str], points: int = TIME_SERIES_POINTS) -> List[Any]:
    """Increasing sample times: strings in ``time_format`` when it is a strftime format, else 0, 1, 2...

    A format that cycles (``"%d"`` repeats after a month) stops before its first repeat, so times stay unique.
    """
    if not time_format or "%" not in time_format:
        return list(range(points))
    unit = _time_step_unit(time_format)
    times: List[Any] = []
    seen = set()
    for index in range(points):
        text = _nth_time(index, unit).strftime(time_format)
        if text in seen:
            break
        seen.add(text)
        times.append(text)
    return times


def sample_signal(column: str, points: int) -> List[float]:
    """A smooth, noisy wave; the same column name always gives the same values."""
    import math
    import random
    import zlib

    rng = random.Random(zlib.crc32(column.encode("utf-8")))
    phase = rng.uniform(0, math.tau)
    scale = rng.uniform(1, 10)
    return [
        round(scale * math.sin(index / 8 + phase) + rng.gauss(0, scale / 10), 4) for index in range(points)
    ]


class TimeSeriesTag(ObjectTag):
    """``<TimeSeries>``: columns keyed by ``timeColumn`` and each ``<Channel column>``, or a CSV URL."""

    __slots__ = ()
    default_tag = "TimeSeries"

    @property
    def time_column(self) -> Optional[str]:
        column = self.get_attr("timeColumn")
        return str(column) if column is not None else None

    @property
    def time_format(self) -> Optional[str]:
        time_format = self.get_attr("timeFormat")
        return str(time_format) if time_format is not None else None

    @property
    def channel_columns(self) -> List[str]:
        """The ``column`` of every ``<Channel>`` inside this tag, in config order, without repeats."""
        columns: List[str] = []
        for node in _descendants(self.children):
            column = node.get("column")
            if str(node.tag).lower() == "channel" and column and column not in columns:
                columns.append(column)
        return columns

    def generate_example_value(self, mode: str = "upload", secure_mode: bool = False) -> Any:
        """``{time column: times, channel column: values...}`` of 100 points; a URL of the server's CSV sample
        with ``valueType="url"`` or in secure mode."""
        if self._urls_only(secure_mode):
            return self._csv_url()
        times = sample_times(self.time_format)
        data: Dict[str, Any] = {}
        if self.time_column:
            data[self.time_column] = times
        for column in self.channel_columns:
            data[column] = sample_signal(column, len(times))
        return data

    def _csv_url(self) -> str:
        from urllib.parse import urlencode

        params = {"time": self.time_column or "", "values": ",".join(self.channel_columns)}
        separator = self.get_attr("sep")
        if separator:
            params["sep"] = str(separator)
        if self.time_format:
            params["tf"] = self.time_format
        return f"{samples.TIME_SERIES_ENDPOINT}?{urlencode(params)}"


PLAYBACK_SPEED_RANGE = (0.05, 10.0)
"""Playback speeds the editor's video player accepts."""


class VideoTag(ObjectTag):
    """``<Video>``: a video URL; its playback speed attributes are checked."""

    __slots__ = ()
    default_tag = "Video"

    def generate_example_value(self, mode: str = "upload", secure_mode: bool = False) -> Any:
        return _sample_url(samples.VIDEO_PATH)

    def _speed(self, attribute: str, problems: List[str]) -> Optional[float]:
        raw = self.get_attr(attribute)
        if raw is None:
            return None
        where = f" (line {self.line})" if self.line else ""
        try:
            speed = float(raw)
        except (TypeError, ValueError):
            problems.append(f'Video tag "{self.name}": {attribute} must be a number, got "{raw}"{where}')
            return None
        low, high = PLAYBACK_SPEED_RANGE
        if not low <= speed <= high:  # also catches nan
            problems.append(
                f'Video tag "{self.name}": {attribute} must be between {low:g} and {high:g}, got {speed}{where}'
            )
            return None
        return speed

    def validate_config(self) -> List[str]:
        """``defaultPlaybackSpeed`` and ``minPlaybackSpeed`` must be numbers in [0.05, 10], min not above default."""
        problems: List[str] = []
        default = self._speed("defaultPlaybackSpeed", problems)
        minimum = self._speed("minPlaybackSpeed", problems)
        if default is not None and minimum is not None and minimum > default:
            where = f" (line {self.line})" if self.line else ""
            problems.append(
                f'Video tag "{self.name}": minPlaybackSpeed ({minimum}) must not exceed '
                f"defaultPlaybackSpeed ({default}){where}"
            )
        return problems


_OBJECT_TAGS_MAPPING: Dict[str, Type[ObjectTag]] = {
    cls.default_tag.lower(): cls
    for cls in (
        AudioTag,
        ImageTag,
        TableTag,
        TextTag,
        VideoTag,
        HyperTextTag,
        ListTag,
        ParagraphsTag,
        TimeSeriesTag,
        ChatTag,
        PdfTag,
    )
}
"""Lowercased XML tag -> class; any other tag with a name and a value is a plain ``ObjectTag``."""
