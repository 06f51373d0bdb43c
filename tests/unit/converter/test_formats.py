"""``Format``, ``FORMAT_INFO`` and ``supported_formats`` against the published converter, run as a black box."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import pytest

from label_studio_sdk._extensions.label_studio_tools.core.label_config import parse_config
from label_studio_sdk.converter.formats import (
    FORMAT_INFO,
    Format,
    FormatNotSupportedError,
    UnknownFormatError,
    data_keys,
    supported_formats,
)
from label_studio_sdk.core.errors import LabelStudioError
from tests.ls_server_files import require_server_install, server_python, template_configs

# Reads [[config, output_tags], ...] on stdin; writes the published supported_formats of each and all_formats().
PUBLISHED_SCRIPT = """
import json, logging, sys
logging.disable(logging.CRITICAL)
from label_studio_sdk._extensions.label_studio_tools.core.label_config import parse_config
from label_studio_sdk.converter import Converter
cases = json.load(sys.stdin)
formats = [Converter(config=parse_config(c), project_dir=None, output_tags=t).supported_formats for c, t in cases]
info = [[fmt.name, value] for fmt, value in Converter(config={}, project_dir=None).all_formats().items()]
json.dump({"formats": formats, "info": info}, sys.stdout)
"""

IMG = '<Image name="im" value="$x"/>'
T = '<Text name="t" value="$x"/>'
A = '<Audio name="a" value="$x"/>'
V = '<Video name="v" value="$x"/>'
RECT = '<RectangleLabels name="r" toName="im"><Label value="a"/></RectangleLabels>'
LIST_IMAGE = '<Image name="il" valueList="$x"/><Choices name="cl" toName="il"/>'


def view(*tags: str) -> str:
    return "<View>" + "".join(tags) + "</View>"


HAND_MADE: Dict[str, str] = {
    "empty": "<View/>",
    "image rectangle labels": view(IMG, RECT),
    "rectangle and keypoint labels": view(IMG, RECT, '<KeyPointLabels name="k" toName="im"/>'),
    "keypoint labels only": view(IMG, '<KeyPointLabels name="k" toName="im"/>'),
    "keypoint and polygon labels": view(
        IMG, '<KeyPointLabels name="k" toName="im"/><PolygonLabels name="p" toName="im"/>'
    ),
    "keypoints with plain rectangle and labels": view(
        IMG,
        '<KeyPointLabels name="k" toName="im"/><Rectangle name="p" toName="im"/><Labels name="l" toName="im"/>',
    ),
    "polygon labels": view(IMG, '<PolygonLabels name="p" toName="im"/>'),
    "plain rectangle and labels": view(
        IMG, '<Rectangle name="r" toName="im"/><Labels name="l" toName="im"/>'
    ),
    "plain rectangle alone": view(IMG, '<Rectangle name="r" toName="im"/>'),
    "plain polygon and labels": view(IMG, '<Polygon name="p" toName="im"/><Labels name="l" toName="im"/>'),
    "plain keypoint and labels": view(IMG, '<KeyPoint name="p" toName="im"/><Labels name="l" toName="im"/>'),
    "brush labels": view(IMG, '<BrushLabels name="b" toName="im"/>'),
    "plain brush and labels": view(IMG, '<Brush name="b" toName="im"/><Labels name="l" toName="im"/>'),
    "brush on text": view(IMG, T, '<BrushLabels name="b" toName="t"/>'),
    "rectangle on a value list": view('<Image name="im" valueList="$x"/>', RECT),
    "rectangle beside a value list": view(IMG, RECT, LIST_IMAGE),
    "brush beside a value list": view(IMG, '<BrushLabels name="b" toName="im"/>', LIST_IMAGE),
    "ner beside a value list": view(T, '<Labels name="l" toName="t"/>', LIST_IMAGE),
    "ner": view(T, '<Labels name="l" toName="t"/>'),
    "ner on text by url": view('<Text name="t" value="$x" valueType="url"/><Labels name="l" toName="t"/>'),
    "ner on text by url and plain text": view(
        '<Text name="t" value="$x" valueType="url"/><Text name="u" value="$x"/><Labels name="l" toName="t,u"/>'
    ),
    "ner on a text value list": view('<Text name="t" valueList="$x"/><Labels name="l" toName="t"/>'),
    "ner on hypertext": view('<HyperText name="t" value="$x"/><Labels name="l" toName="t"/>'),
    "labels on an image beside text": view(IMG, T, '<Labels name="l" toName="im"/>'),
    "labels on text and plain rectangle on image": view(
        IMG, T, '<Labels name="l" toName="t"/><Rectangle name="r" toName="im"/>'
    ),
    "rectangle labels on text": view(T, '<RectangleLabels name="r" toName="t"/>'),
    "asr": view(A, '<TextArea name="ta" toName="a"/>'),
    "asr audioplus": view('<AudioPlus name="a" value="$x"/><TextArea name="ta" toName="a"/>'),
    "textarea on text beside audio": view(A, T, '<TextArea name="ta" toName="t"/>'),
    "asr beside a value list": view(A, '<TextArea name="ta" toName="a"/>', LIST_IMAGE),
    "video timeline beside rectangles": view(IMG, RECT, V, '<TimelineLabels name="tl" toName="v"/>'),
    "video timeline alone": view(V, '<TimelineLabels name="tl" toName="v"/>'),
    "video rectangle beside rectangles": view(IMG, RECT, V, '<VideoRectangle name="vr" toName="v"/>'),
    "timeline on an image": view(IMG, RECT, '<TimelineLabels name="tl" toName="im"/>'),
    "custom interface": view(T, '<CustomInterface name="ci" toName="t"/>'),
    "lowercase tags": view('<image name="im" value="$x"/><rectanglelabels name="r" toName="im"/>'),
    "everything": view(
        IMG,
        A,
        T,
        RECT,
        '<BrushLabels name="b" toName="im"/><TextArea name="ta" toName="a"/><Labels name="l" toName="t"/>',
    ),
    "two data keys": view(T, '<Text name="u" value="$u"/><Labels name="l" toName="t,u"/>'),
    "two data keys and a textarea": view(T, '<Text name="u" value="$u"/><TextArea name="l" toName="t,u"/>'),
    "two data keys and react code": view(T, '<Text name="u" value="$u"/><ReactCode name="l" toName="t,u"/>'),
    "image and text keys with a custom interface": view(
        IMG, '<Text name="t" value="$y"/><CustomInterface name="ci" toName="t"/>', RECT
    ),
}

# (config name, output_tags): output_tags narrows only the data keys that are counted.
WITH_OUTPUT_TAGS: List[Tuple[str, Optional[List[str]]]] = [
    ("two data keys", ["r"]),
    ("two data keys", ["l"]),
    ("image and text keys with a custom interface", ["r"]),
    ("image and text keys with a custom interface", ["ci"]),
    ("image and text keys with a custom interface", ["r", "ci"]),
    ("image and text keys with a custom interface", []),
    ("everything", ["b"]),
    ("ner", ["nowhere"]),
]

Case = Tuple[str, str, Optional[List[str]]]


@pytest.fixture(scope="module")
def cases() -> List[Case]:
    require_server_install()
    templates = [(f"template {name}", config, None) for name, config in template_configs()]
    assert len(templates) > 50, "the server ships about 70 templates; its install looks incomplete"
    hand_made = [(name, config, None) for name, config in HAND_MADE.items()]
    narrowed = [(f"{name} {tags}", HAND_MADE[name], tags) for name, tags in WITH_OUTPUT_TAGS]
    return templates + hand_made + narrowed


@pytest.fixture(scope="module")
def published(cases: List[Case], tmp_path_factory: pytest.TempPathFactory) -> Dict[str, Any]:
    python = server_python()
    assert python is not None
    completed = subprocess.run(
        [str(python), "-I", "-c", PUBLISHED_SCRIPT],
        input=json.dumps([[config, tags] for _, config, tags in cases]),
        capture_output=True,
        text=True,
        cwd=Path(tmp_path_factory.mktemp("published")),
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    result: Dict[str, Any] = json.loads(completed.stdout)
    return result


def test_supported_formats_match_published_in_order(cases: List[Case], published: Dict[str, Any]) -> None:
    differing = {
        name: (ours, theirs)
        for (name, config, tags), theirs in zip(cases, published["formats"])
        if (ours := supported_formats(parse_config(config), output_tags=tags)) != theirs
    }
    assert differing == {}
    # The corpus reaches the image, text, audio and brush rules, not only the tabular formats.
    reached = {name for names in published["formats"] for name in names}
    assert reached == {fmt.name for fmt in Format}


def test_format_info_titles_links_and_tags_match_published(published: Dict[str, Any]) -> None:
    theirs = [
        (name, {key: value for key, value in info.items() if key != "description"})
        for name, info in published["info"]
    ]
    ours = [
        (fmt.name, {key: value for key, value in info.items() if key != "description"})
        for fmt, info in FORMAT_INFO.items()
    ]
    assert ours == theirs


def test_format_info_covers_every_format_but_csv_old_with_a_sentence() -> None:
    assert set(FORMAT_INFO) == set(Format) - {Format.CSV_OLD}
    for info in FORMAT_INFO.values():
        assert set(info) <= {"title", "description", "link", "tags"}
        assert info["description"].endswith(".") and info["link"].startswith("https://")


def test_format_values_and_names() -> None:
    assert [(fmt.name, fmt.value) for fmt in Format][:4] == [
        ("JSON", 1),
        ("JSON_MIN", 2),
        ("CSV", 3),
        ("TSV", 4),
    ]
    assert Format.DOCLANG.value == 18 and Format.CSV_OLD.value == 13 and len(Format) == 18
    assert str(Format.YOLO_OBB) == "YOLO_OBB" and f"{Format.COCO}" == "COCO"


def test_from_string_is_exact_and_lists_valid_names() -> None:
    assert Format.from_string("BRUSH_TO_COCO") is Format.BRUSH_TO_COCO
    with pytest.raises(UnknownFormatError) as caught:
        Format.from_string("json")
    assert isinstance(caught.value, ValueError) and isinstance(caught.value, LabelStudioError)
    assert (
        "'json'" in str(caught.value) and "JSON_MIN" in str(caught.value) and "DOCLANG" in str(caught.value)
    )


def test_format_not_supported_is_not_implemented() -> None:
    assert issubclass(FormatNotSupportedError, NotImplementedError)


def test_data_keys_are_in_config_order_and_narrowed_by_output_tags() -> None:
    parsed = parse_config(
        view('<Text name="b" value="$zeta"/>', IMG, '<Labels name="l" toName="b,im"/>', LIST_IMAGE)
    )
    assert data_keys(parsed) == ["zeta", "x"]
    assert data_keys(parsed, ["cl"]) == ["x"]
    assert data_keys(parsed, []) == []


def test_hand_made_dicts_without_inputs_are_accepted() -> None:
    assert supported_formats({}) == ["JSON", "JSON_MIN", "CSV", "TSV", "CSV_OLD"]
    labels_without_inputs = {"x": {"type": "Labels", "to_name": ["t"]}}
    assert supported_formats(labels_without_inputs) == ["JSON", "JSON_MIN", "CSV", "TSV", "CSV_OLD"]
    labels_on_text = {"x": {"type": "Labels", "to_name": ["t"], "inputs": [{"type": "Text", "value": "a"}]}}
    assert "CONLL2003" in supported_formats(labels_on_text)
