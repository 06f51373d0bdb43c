"""``annotation_items``: the published item shape and order for ``choose="all"``, and the choice of annotations."""

from __future__ import annotations

import json
import logging
import subprocess
from pathlib import Path
from typing import Any, Dict, List

import pytest

from label_studio_sdk._extensions.label_studio_tools.core.label_config import parse_config
from label_studio_sdk.converter.items import ControlIndex, annotation_items

CONFIG = (
    '<View><Image name="im" value="$image"/>'
    '<RectangleLabels name="r" toName="im"><Label value="a"/></RectangleLabels>'
    '<Choices name="c" toName="im"><Choice value="x"/></Choices>'
    '<Repeater on="$ims" indexFlag="{{idx}}"><Image name="img_{{idx}}" value="$ims[{{idx}}]"/>'
    '<Choices name="ch_{{idx}}" toName="img_{{idx}}"/>'
    '<RectangleLabels name="ch_{{idx}}_box" toName="img_{{idx}}"/></Repeater></View>'
)

# Reads {"config": ..., "tasks": [...]}; writes the published items of each task.
PUBLISHED_SCRIPT = """
import json, logging, sys
logging.disable(logging.CRITICAL)
from label_studio_sdk._extensions.label_studio_tools.core.label_config import parse_config
from label_studio_sdk.converter import Converter
given = json.load(sys.stdin)
converters = [Converter(config=parse_config(given["config"]), project_dir=None), Converter(config={}, project_dir=None)]
json.dump([[list(c.annotation_result_from_task(t)) for t in given["tasks"]] for c in converters], sys.stdout)
"""

RECT = {
    "id": "q",
    "from_name": "r",
    "to_name": "im",
    "type": "rectanglelabels",
    "original_width": 100,
    "original_height": 50,
    "value": {"x": 1, "y": 2, "width": 3, "height": 4, "rotation": 0, "rectanglelabels": ["a"]},
}
CHOICE = {"from_name": "c", "to_name": "im", "type": "choices", "value": {"choices": ["x"]}}
REPEATED = {"from_name": "ch_3", "to_name": "img_3", "type": "choices", "value": {"choices": ["y"]}}
REPEATED_BOX = {"from_name": "ch_3_box", "to_name": "img_3", "type": "rectanglelabels", "value": {"x": 1}}
UNKNOWN = {"from_name": "zzz", "to_name": "im", "type": "choices", "value": {"choices": ["z"]}}
CHAT = {"from_name": "chat", "to_name": "im", "type": "chatmessage", "value": {"text": "hi"}}
RELATION = {"from_id": "a", "to_id": "b", "type": "relation", "direction": "right"}


def annotation(ident: int, created_at: str, result: List[Dict[str, Any]], **extra: Any) -> Dict[str, Any]:
    fields = {
        "id": ident,
        "created_at": created_at,
        "updated_at": created_at + "+u",
        "lead_time": 1.5,
        "completed_by": 7,
        "result": result,
        "history": [],
        "was_cancelled": False,
    }
    fields.update(extra)
    return fields


TASKS: List[Dict[str, Any]] = [
    {
        "id": 1,
        "data": {"image": "a.png"},
        "agreement": 0.5,
        "annotations": [
            annotation(10, "2024-01-01", [RECT, CHOICE, CHOICE]),
            annotation(11, "2024-03-01", [CHOICE, RELATION]),
            annotation(12, "2024-02-01", [REPEATED, REPEATED_BOX, UNKNOWN, CHAT], agreement=0.1),
        ],
    },
    {
        "id": 2,
        "data": {"image": "b.png"},
        "annotations": [
            annotation(20, "2024-01-01", [CHOICE], was_cancelled=True),
            annotation(21, "2024-01-02", [CHOICE], skipped=True),
        ],
    },
    {"id": 3, "data": {"image": "c.png"}, "annotations": [], "agreement": 1.0},
    {"id": 4, "data": {"image": "d.png"}},
    {"id": 5, "data": {"image": "e.png"}, "completions": [annotation(50, "2024-01-01", [CHOICE])]},
    {
        "id": 6,
        "data": {"image": "f.png"},
        "annotations": [annotation(61, "2024-01-02", [RECT])],
        "completions": [annotation(62, "2024-01-03", [RECT])],
    },
    {
        "id": 7,
        "data": {"image": "g.png"},
        "annotations": [
            {"id": 80, "result": [CHOICE], "created_at": "2024-01-01"},
            {"id": 81, "result": [CHOICE], "created_at": "2024-01-01", "was_cancelled": 0},
            {"id": 82, "result": [CHOICE], "created_at": "2023-01-01", "skipped": False},
            {"id": 83, "result": [CHOICE], "created_at": "2025-01-01", "was_cancelled": 1},
        ],
    },
    {
        "id": 8,
        "data": {},
        "annotations": [annotation(90, "2024-01-01", [])],
        "predictions": [{"result": [CHOICE]}],
    },
]


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> List[List[List[Dict[str, Any]]]]:
    from tests.ls_server_files import require_server_install, server_python

    require_server_install()
    python = server_python()
    assert python is not None
    completed = subprocess.run(
        [str(python), "-I", "-c", PUBLISHED_SCRIPT],
        input=json.dumps({"config": CONFIG, "tasks": TASKS}),
        capture_output=True,
        text=True,
        cwd=Path(tmp_path_factory.mktemp("published")),
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    result: List[List[List[Dict[str, Any]]]] = json.loads(completed.stdout)
    return result


def ours(config: Any, choose: Any = "all") -> List[List[Dict[str, Any]]]:
    return [list(annotation_items(task, config, choose=choose)) for task in TASKS]


def test_all_gives_the_published_items_in_the_published_order(
    published: List[List[List[Dict[str, Any]]]], caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="label_studio_sdk.converter.items"):
        assert ours(parse_config(CONFIG)) == published[0]
    assert any("task 4" in message for message in caplog.messages)
    # The published items are not trivial: newest first, repeater names resolved, the chat turn kept.
    assert [item["annotation_id"] for item in published[0][0]] == [11, 12, 10]
    assert set(published[0][0][1]["output"]) == {"ch_3", "ch_3_box", "chat"}


def test_all_without_controls_keeps_every_result_as_published(
    published: List[List[List[Dict[str, Any]]]],
) -> None:
    assert ours({}) == published[1]
    assert ours(None) == published[1]


def test_newest_and_oldest_pick_one_annotation() -> None:
    config = ControlIndex(parse_config(CONFIG))
    newest = ours(config, "newest")
    oldest = ours(config, "oldest")
    assert [[item["annotation_id"] for item in items] for items in newest] == [
        [11],
        [],
        [None],
        [],
        [50],
        [61],
        [80],
        [90],
    ]
    assert [[item["annotation_id"] for item in items] for items in oldest] == [
        [10],
        [],
        [None],
        [],
        [50],
        [61],
        [82],
        [90],
    ]
    assert list(annotation_items(TASKS[0], config)) == newest[0]  # newest is the default


def test_types_come_from_the_control_and_repeaters_match_the_longest_name() -> None:
    items = list(annotation_items(TASKS[0], parse_config(CONFIG), choose="oldest"))
    output = items[0]["output"]
    assert [value["type"] for value in output["c"]] == ["Choices", "Choices"]
    assert output["r"][0] == {
        **RECT["value"],
        "type": "RectangleLabels",
        "original_width": 100,
        "original_height": 50,
    }
    repeated = list(
        annotation_items(
            {"id": 1, "data": {}, "annotations": [annotation(1, "x", [REPEATED, REPEATED_BOX])]},
            parse_config(CONFIG),
        )
    )
    assert repeated[0]["output"]["ch_3_box"][0]["type"] == "RectangleLabels"
    assert repeated[0]["output"]["ch_3"][0]["type"] == "Choices"


def test_values_are_copied_not_shared() -> None:
    item = next(annotation_items(TASKS[0], parse_config(CONFIG), choose="oldest"))
    item["output"]["r"][0]["x"] = 99
    assert RECT["value"]["x"] == 1 and "type" not in RECT["value"]


def test_unknown_choose_is_rejected() -> None:
    with pytest.raises(ValueError, match="newest"):
        list(annotation_items(TASKS[0], None, choose="latest"))  # type: ignore[arg-type]


# Deliberate differences: the published raises on these tasks (KeyError, TypeError); we read them.
def test_a_result_without_value_is_left_out() -> None:
    task = {
        "id": 1,
        "data": {},
        "annotations": [annotation(1, "x", [{"from_name": "c", "to_name": "im", "type": "choices"}, CHOICE])],
    }
    assert next(annotation_items(task, parse_config(CONFIG)))["output"] == {
        "c": [{"choices": ["x"], "type": "Choices"}]
    }


def test_annotations_without_created_at_sort_as_oldest() -> None:
    task = {
        "id": 1,
        "data": {},
        "annotations": [{"id": 1, "result": []}, {"id": 2, "result": [], "created_at": "2024"}],
    }
    assert [item["annotation_id"] for item in annotation_items(task, None, choose="all")] == [2, 1]


def test_a_task_without_id_or_with_null_annotations_does_not_raise() -> None:
    assert next(annotation_items({"data": {"a": 1}, "annotations": [annotation(1, "x", [])]}))["id"] is None
    assert list(annotation_items({"id": 1, "data": {}, "annotations": None})) == []
