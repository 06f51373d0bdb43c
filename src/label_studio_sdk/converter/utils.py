"""Text helpers of the converter: a dependency-free tokenizer that keeps character offsets, and BIO tagging.

Tokens are runs of word characters (letters, digits, underscore and the combining marks that belong to a
word), single punctuation or symbol characters, and single CJK ideographs or kana, because Chinese and
Japanese text has no spaces between words. Whitespace separates tokens and never belongs to one.
"""

from __future__ import annotations

import argparse
import os
import re
from bisect import bisect_left, bisect_right
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple

from label_studio_sdk.converter._urls import join_input_url
from label_studio_sdk.converter.geometry import (
    convert_annotation_to_yolo,
    convert_annotation_to_yolo_obb,
    convert_yolo_obb_to_annotation,
    get_polygon_area,
    get_polygon_bounding_box,
)

__all__ = [
    "ExpandFullPath",
    "convert_annotation_to_yolo",
    "convert_annotation_to_yolo_obb",
    "convert_yolo_obb_to_annotation",
    "create_tokens_and_tags",
    "download",
    "ensure_dir",
    "get_annotator",
    "get_audio_duration",
    "get_image_size",
    "get_image_size_and_channels",
    "get_json_root_type",
    "get_polygon_area",
    "get_polygon_bounding_box",
    "join_input_url",
    "parse_config",
    "prettify_result",
    "tokenize",
]

Offsets = Tuple[int, int]
"""A token as ``(start, end)`` character offsets into the text, ``end`` exclusive."""

# Ideographs (with extensions and compatibility forms), kana and halfwidth kana: one token per character.
_CJK = (
    "\u3005\u3007\u3021-\u3029\u3038-\u303b\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff"
    "\uf900-\ufaff\uff66-\uff9f\U00020000-\U0003134f"
)
# Combining marks and joiners that Python's \w misses but that sit inside words (accents written as
# separate code points, Hebrew and Arabic points, and the vowel signs of the Indic scripts, whose blocks
# are taken whole except for the danda full stops).
_WORD_MARKS = (
    "\u0300-\u036f\u0483-\u0489\u0591-\u05bd\u05bf\u05c1\u05c2\u05c4\u05c5\u05c7\u0610-\u061a"
    "\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e4\u06e7\u06e8\u06ea-\u06ed\u0900-\u0963\u0966-\u0dff"
    "\u0e31\u0e34-\u0e3a\u0e47-\u0e4e\u1ab0-\u1aff\u1dc0-\u1dff\u200c\u200d\u20d0-\u20ff\ufe20-\ufe2f"
)
_TOKEN = re.compile(
    rf"[{_CJK}]"  # one ideograph or kana
    rf"|(?:[^\W{_CJK}]|[{_WORD_MARKS}])+"  # a word: word characters other than CJK, with their marks
    rf"|[^\w\s{_WORD_MARKS}]"  # one punctuation or symbol character
)


def token_offsets(text: str, boundaries: Iterable[int] = ()) -> List[Offsets]:
    """The token offsets of ``text``; a token containing one of ``boundaries`` is cut there."""
    tokens = [match.span() for match in _TOKEN.finditer(text)]
    starts = [start for start, _ in tokens]
    cuts: Dict[int, List[int]] = {}  # token index -> the cuts strictly inside it
    for cut in set(boundaries):
        index = bisect_right(starts, cut) - 1
        if index >= 0 and tokens[index][0] < cut < tokens[index][1]:
            cuts.setdefault(index, []).append(cut)
    # Replaced from the end, so the indexes of the tokens still to cut do not move.
    for index in sorted(cuts, reverse=True):
        start, end = tokens[index]
        edges = [start, *sorted(cuts[index]), end]
        tokens[index : index + 1] = list(zip(edges, edges[1:]))
    return tokens


class Span:
    """A labelled character range; ``order`` is its position in the annotation, used to break ties."""

    __slots__ = ("end", "label", "order", "start")

    def __init__(self, start: int, end: int, label: str, order: int) -> None:
        self.start = start
        self.end = end
        self.label = label
        self.order = order


def span_of(value: Mapping[str, Any], order: int, text_length: int) -> Optional[Span]:
    """The span of a Labels result value, clipped to the text; None without offsets, labels or any extent."""
    start, end, labels = value.get("start"), value.get("end"), value.get("labels")
    if not isinstance(start, int) or not isinstance(end, int) or isinstance(start, bool):
        return None
    if not isinstance(labels, list) or not labels:
        return None
    start, end = max(start, 0), min(end, text_length)
    if start >= end:
        return None
    return Span(start, end, str(labels[0]), order)


def bio_tags(tokens: Sequence[Offsets], spans: Sequence[Span]) -> List[str]:
    """The BIO tag of each token (tokens in text order, already cut at every span boundary).

    A token takes the first label of the span covering it. Where spans overlap, the one starting earlier
    wins, and of two starting together the one listed first; the first token a span wins is tagged ``B-``.
    """
    starts = [start for start, _ in tokens]
    tags = ["O"] * len(tokens)
    claimed = 0  # tokens before this index belong to a span of higher priority
    for span in sorted(spans, key=lambda span: (span.start, span.order)):
        # Spans of higher priority start no later, so what they claim of this span's tokens is a prefix.
        first = max(bisect_left(starts, span.start), claimed)
        stop = bisect_left(starts, span.end)  # span ends are token boundaries
        if first < stop:
            tags[first] = "B-" + span.label
            tags[first + 1 : stop] = ["I-" + span.label] * (stop - first - 1)
            claimed = stop
    return tags


def tokens_and_tags(text: str, spans: Sequence[Span]) -> Tuple[List[Offsets], List[str]]:
    """The token offsets of ``text``, cut at every span boundary, and their BIO tags."""
    tokens = token_offsets(text, (edge for span in spans for edge in (span.start, span.end)))
    return tokens, bio_tags(tokens, spans)


def create_tokens_and_tags(
    text: str, spans: Optional[Iterable[Mapping[str, Any]]]
) -> Tuple[List[str], List[str]]:
    """The tokens of ``text`` and their BIO tags for ``spans`` (dicts with ``start``, ``end`` and ``labels``).

    Every span boundary is a token boundary, so no labelled span is lost, even inside a word.
    """
    parsed = [span_of(value, order, len(text)) for order, value in enumerate(spans or ())]
    offsets, tags = tokens_and_tags(text, [span for span in parsed if span is not None])
    return [text[start:end] for start, end in offsets], tags


# -- helpers earlier releases exposed from converter.utils -------------------------------------------

_WHITESPACE_TOKEN = re.compile(r"\S+")


def tokenize(text: str) -> List[Tuple[str, int]]:
    """Whitespace-separated tokens of ``text`` with their start offsets: ``[("Hello,", 0), ...]``."""
    return [(match.group(), match.start()) for match in _WHITESPACE_TOKEN.finditer(text)]


def get_annotator(item: Mapping[str, Any], default: Any = None, int_id: bool = False) -> Any:
    """The author of an annotation item: the user's email (its id when ``int_id`` and no email), an id or a name."""
    completed_by = item.get("completed_by")
    if isinstance(completed_by, dict):
        email = completed_by.get("email")
        if email:
            return email
        if int_id and completed_by.get("id") is not None:
            return completed_by["id"]
        return default
    if completed_by is None or completed_by == "":
        return default
    return completed_by


def get_json_root_type(filename: str) -> str:
    """``"dict"``, ``"list"``, ``"empty"`` or ``"invalid"``: what the JSON file starts with, read from its first bytes."""
    with open(filename, "rb") as handle:
        while True:
            chunk = handle.read(4096)
            if not chunk:
                return "empty"
            stripped = chunk.lstrip(b" \t\r\n\xef\xbb\xbf")
            if stripped:
                return {b"{"[0]: "dict", b"["[0]: "list"}.get(stripped[0], "invalid")


def prettify_result(v: Iterable[Mapping[str, Any]]) -> List[Dict[str, Any]]:
    """Result values without their ``type`` key."""
    return [{key: value for key, value in item.items() if key != "type"} for item in v]


def ensure_dir(dir_path: str) -> None:
    """Create the folder (and its parents) when missing."""
    os.makedirs(dir_path, exist_ok=True)


def get_image_size(image_path: str) -> Tuple[int, int]:
    """``(width, height)`` of an image file (needs Pillow, the converter extra)."""
    width, height, _ = get_image_size_and_channels(image_path)
    return width, height


def get_image_size_and_channels(image_path: str) -> Tuple[int, int, int]:
    """``(width, height, channels)`` of an image file, read from its header (needs Pillow, the converter extra)."""
    from label_studio_sdk.converter._deps import require

    image_module = require("PIL.Image", purpose="reading image sizes")
    with image_module.open(image_path) as image:
        width, height = image.size
        return int(width), int(height), len(image.getbands())


def get_audio_duration(audio_path: str) -> Optional[float]:
    """The length in seconds of a WAV or FLAC file; None for other kinds."""
    from pathlib import Path

    from label_studio_sdk.converter.exports.asr import audio_duration

    return audio_duration(Path(audio_path))


def parse_config(config_string: str) -> Dict[str, Dict[str, Any]]:
    """The controls of a labeling config, as ``label_studio_tools.core.label_config.parse_config`` gives them."""
    from label_studio_sdk._extensions.label_studio_tools.core.label_config import parse_config as parse

    return parse(config_string)


def download(
    url: str,
    output_dir: str,
    filename: Optional[str] = None,
    project_dir: Optional[str] = None,
    return_relative_path: bool = False,
    upload_dir: Optional[str] = None,
    download_resources: bool = True,
    hostname: Optional[str] = None,
    access_token: Optional[str] = None,
    task_id: Any = None,
) -> str:
    """Copy or download one task file into ``output_dir`` (as ``filename`` when given); returns its path.

    With ``return_relative_path`` the result is ``<last folder of output_dir>/<name>``.
    """
    import shutil

    from label_studio_sdk._extensions.label_studio_tools.core.utils import io

    os.makedirs(output_dir, exist_ok=True)
    found = io.get_local_path(
        url,
        cache_dir=output_dir,
        project_dir=project_dir,
        hostname=hostname,
        image_dir=upload_dir,
        access_token=access_token,
        download_resources=download_resources,
        task_id=task_id,
    )
    path = found
    if filename is not None:
        path = io.safe_build_path(output_dir, io._safe_filename(filename) or "file")
        if download_resources and os.path.abspath(found) != os.path.abspath(path):
            shutil.copyfile(found, path)
    if return_relative_path:
        return os.path.join(os.path.basename(os.path.normpath(output_dir)), os.path.basename(path))
    return path


class ExpandFullPath(argparse.Action):
    """An argparse action that stores the option's path with ``~`` expanded, made absolute."""

    def __call__(self, parser: Any, namespace: Any, values: Any, option_string: Any = None) -> None:
        setattr(namespace, self.dest, os.path.abspath(os.path.expanduser(values)))
