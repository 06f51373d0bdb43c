"""Video tracking controls: VideoRectangle, VideoVector, VideoVectorLabels.

Accepted and rejected values and ``label()`` outputs were checked against the published
label-studio-sdk 2.1.2; the test marked "deliberate" pins where we differ.
"""

from __future__ import annotations

import random
from typing import Any, Dict, List

import pytest

from label_studio_sdk.label_interface import LabelInterface
from label_studio_sdk.label_interface.control_tags import (
    VideoRectangleTag,
    VideoVectorLabelsTag,
    VideoVectorTag,
)
from label_studio_sdk.label_interface.controls import video

CONFIG = """<View>
  <Video name="vid" value="$video"/>
  <VideoRectangle name="box" toName="vid"/>
  <VideoVector name="vv" toName="vid"/>
  <VideoVectorLabels name="vvl" toName="vid"><Label value="Car"/><Label value="Man"/></VideoVectorLabels>
</View>"""

LABELLED_CONFIG = """<View>
  <Video name="vid" value="$video"/>
  <VideoRectangle name="box" toName="vid"><Label value="Car"/><Label value="Man"/></VideoRectangle>
</View>"""

FRAME = {"frame": 1, "time": 0.04, "x": 10, "y": 10, "width": 20, "height": 20}
TRACK = {"framesCount": 100, "duration": 4.0, "sequence": [FRAME, {**FRAME, "frame": 5, "time": 0.2}]}
VECTOR_FRAME = {"frame": 1, "vertices": [{"x": 1, "y": 2}, {"x": 3, "y": 4}]}


@pytest.fixture(scope="module")
def li() -> LabelInterface:
    return LabelInterface(CONFIG)


@pytest.fixture(scope="module")
def labelled() -> LabelInterface:
    return LabelInterface(LABELLED_CONFIG)


def errors(li: LabelInterface, name: str, value: Any) -> List[str]:
    control = li.get_control(name)
    region = {"from_name": name, "to_name": "vid", "type": control.tag.lower(), "value": value}
    result: List[str] = li.validate_prediction({"result": [region]}, return_errors=True)
    return result


def label_value(li: LabelInterface, name: str, *args: Any, **kwargs: Any) -> Dict[str, Any]:
    value: Dict[str, Any] = li.get_control(name).label(*args, **kwargs)._dict()["value"]
    return value


def test_tags_map_to_their_classes(li: LabelInterface) -> None:
    assert type(li.get_control("box")) is VideoRectangleTag
    assert type(li.get_control("vv")) is VideoVectorTag
    assert type(li.get_control("vvl")) is VideoVectorLabelsTag
    assert {
        "videorectangle": VideoRectangleTag,
        "videovector": VideoVectorTag,
        "videovectorlabels": VideoVectorLabelsTag,
    } == video.TAGS
    assert [li.get_control(n)._label_attr_name for n in ("box", "vv", "vvl")] == ["labels", None, "labels"]
    assert li.is_video_object_tracking()


# --- VideoRectangle -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        TRACK,
        {**TRACK, "labels": None},
        {**TRACK, "labels": ["Anything"]},  # no config labels: any labels pass
        {**TRACK, "sequence": []},
        {**TRACK, "framesCount": 0, "duration": -1},  # not bounded, as published
        {**TRACK, "framesCount": "3", "duration": "3"},
        {**TRACK, "sequence": [{**FRAME, "x": -5, "width": -5, "time": -1, "frame": -1}]},
        {**TRACK, "sequence": [{**FRAME, "x": "5", "frame": "2", "rotation": 500}]},
        {**TRACK, "sequence": [{**FRAME, "rotation": None, "enabled": "x"}]},
    ],
)
def test_video_rectangle_accepts(li: LabelInterface, value: Dict[str, Any]) -> None:
    assert errors(li, "box", value) == []


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ({"duration": 4.0, "sequence": []}, "value.framesCount is required"),
        ({"framesCount": 100, "sequence": []}, "value.duration is required"),
        ({"framesCount": 100, "duration": 4.0}, "value.sequence is required"),
        ({**TRACK, "framesCount": 1.5}, "value.framesCount must be integer, got 1.5"),
        ({**TRACK, "framesCount": None}, "value.framesCount must be integer, got None"),
        ({**TRACK, "duration": None}, "value.duration must be number, got None"),
        ({**TRACK, "sequence": "x"}, "value.sequence must be array, got 'x'"),
        (
            {**TRACK, "sequence": [{**FRAME, "x": 101}]},
            "value.sequence[].x 101 is out of bounds (maximum 100)",
        ),
        ({**TRACK, "sequence": [{**FRAME, "height": 101}]}, "value.sequence[].height 101 is out of bounds"),
        ({**TRACK, "sequence": [{**FRAME, "frame": 1.5}]}, "value.sequence[].frame must be integer, got 1.5"),
        ({**TRACK, "labels": "Car"}, "value.labels must be a list of labels"),
    ],
)
def test_video_rectangle_rejects(li: LabelInterface, value: Dict[str, Any], reason: str) -> None:
    (message,) = errors(li, "box", value)
    assert "Invalid value for control 'box'" in message and reason in message


@pytest.mark.parametrize("field", ["x", "y", "time", "frame", "width", "height"])
def test_video_rectangle_keyframe_fields_are_required(li: LabelInterface, field: str) -> None:
    keyframe = {key: item for key, item in FRAME.items() if key != field}
    (message,) = errors(li, "box", {**TRACK, "sequence": [keyframe]})
    assert f"value.sequence[].{field} is required" in message


def test_video_rectangle_labels_required_only_when_the_config_has_labels(
    li: LabelInterface, labelled: LabelInterface
) -> None:
    assert errors(li, "box", TRACK) == []
    assert "value.labels is required" in errors(labelled, "box", TRACK)[0]
    assert errors(labelled, "box", {**TRACK, "labels": ["Car"]}) == []
    assert errors(labelled, "box", {**TRACK, "labels": []}) == []
    assert errors(labelled, "box", {**TRACK, "labels": None}) == []  # what label() writes without labels
    assert "labels ['Zzz'] are not in the config" in errors(labelled, "box", {**TRACK, "labels": ["Zzz"]})[0]


def test_video_rectangle_label_output(li: LabelInterface, labelled: LabelInterface) -> None:
    keyframe = {"x": 10.0, "y": 10.0, "time": 0.04, "frame": 1, "width": 20.0, "height": 20.0, "rotation": 0}
    value = label_value(li, "box", framesCount=100, duration=4, sequence=[FRAME])
    assert value == {"framesCount": 100, "duration": 4.0, "sequence": [keyframe], "labels": None}
    assert list(value["sequence"][0]) == ["x", "y", "time", "frame", "width", "height", "rotation"]
    coerced = label_value(
        labelled,
        "box",
        ["Car"],
        framesCount="100",
        duration=4,
        sequence=[{**FRAME, "rotation": 3, "x": "5", "frame": 2.0}],
    )
    assert coerced == {
        "framesCount": 100,
        "duration": 4.0,
        "sequence": [{**keyframe, "x": 5.0, "frame": 2, "rotation": 3.0}],
        "labels": ["Car"],
    }
    assert label_value(labelled, "box", framesCount=1, duration=1, sequence=[])["labels"] is None
    assert label_value(li, "box", framesCount=1, duration=1, sequence=[], labels=["X"])["labels"] == ["X"]


def test_video_rectangle_label_keeps_enabled(li: LabelInterface) -> None:
    # deliberate: the published drops ``enabled``, which ends interpolation at that keyframe
    value = label_value(
        li, "box", framesCount=10, duration=1, sequence=[{**FRAME, "enabled": False, "foo": 1}]
    )
    assert value["sequence"][0]["enabled"] is False
    assert "foo" not in value["sequence"][0]


def test_video_rectangle_label_errors(labelled: LabelInterface) -> None:
    with pytest.raises(ValueError, match="Using labels not defined"):
        labelled.get_control("box").label(["Zzz"], framesCount=1, duration=1, sequence=[])
    with pytest.raises(ValueError, match=r"value\.sequence\[\]\.x is required"):
        labelled.get_control("box").label(["Car"], framesCount=1, duration=1, sequence=[{"frame": 1}])


def test_video_rectangle_json_schema(li: LabelInterface, labelled: LabelInterface) -> None:
    keyframe = {
        "type": "object",
        "properties": {
            "x": {"type": "number", "minimum": 0, "maximum": 100},
            "y": {"type": "number", "minimum": 0, "maximum": 100},
            "time": {"type": "number", "minimum": 0},
            "frame": {"type": "integer", "minimum": 0},
            "width": {"type": "number", "minimum": 0, "maximum": 100},
            "height": {"type": "number", "minimum": 0, "maximum": 100},
            "rotation": {"type": "number"},
        },
        "required": ["x", "y", "time", "frame", "width", "height"],
    }
    schema = {
        "type": "object",
        "properties": {
            "framesCount": {"type": "integer", "minimum": 1},
            "duration": {"type": "number", "minimum": 0},
            "sequence": {"type": "array", "minItems": 1, "items": keyframe},
        },
        "required": ["framesCount", "duration", "sequence"],
    }
    assert li.get_control("box").to_json_schema() == schema
    with_labels = labelled.get_control("box").to_json_schema()
    assert with_labels["properties"]["labels"] == {
        "type": "array",
        "items": {"type": "string", "enum": ["Car", "Man"]},
        "minItems": 1,
        "maxItems": 1,
    }
    assert with_labels["required"] == ["framesCount", "duration", "sequence", "labels"]


# --- VideoVector ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        {"sequence": [VECTOR_FRAME]},
        {"sequence": []},
        {"sequence": [{"frame": 1, "vertices": [], "time": None, "closed": None, "enabled": None}]},
        {
            "sequence": [{"frame": 1, "vertices": [{"x": 500, "y": -4}]}],
            "framesCount": None,
            "duration": None,
        },
        {"sequence": [VECTOR_FRAME], "labels": ["x"]},  # extra keys are allowed
    ],
)
def test_video_vector_accepts(li: LabelInterface, value: Dict[str, Any]) -> None:
    assert errors(li, "vv", value) == []


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ({}, "value.sequence is required"),
        ({"sequence": [{"vertices": []}]}, "value.sequence[].frame is required"),
        ({"sequence": [{"frame": 1}]}, "value.sequence[].vertices is required"),
        (
            {"sequence": [{**VECTOR_FRAME, "time": "x"}]},
            "value.sequence[].time must be number or null, got 'x'",
        ),
        (
            {"sequence": [{**VECTOR_FRAME, "closed": "maybe"}]},
            "value.sequence[].closed must be boolean or null",
        ),
        (
            {"sequence": [VECTOR_FRAME], "framesCount": "x"},
            "value.framesCount must be integer or null, got 'x'",
        ),
        ({"sequence": [{"frame": 1, "vertices": [{"x": 1}]}]}, "value.sequence[].vertices[].y is required"),
    ],
)
def test_video_vector_rejects(li: LabelInterface, value: Dict[str, Any], reason: str) -> None:
    (message,) = errors(li, "vv", value)
    assert "Invalid value for control 'vv'" in message and reason in message


def test_video_vector_label_output(li: LabelInterface) -> None:
    vertex = {"id": None, "isBezier": False, "prevPointId": None}
    value = label_value(li, "vv", sequence=[VECTOR_FRAME])
    assert value == {
        "framesCount": None,
        "duration": None,
        "sequence": [
            {
                "time": None,
                "frame": 1,
                "closed": False,
                "enabled": True,
                "vertices": [{"x": 1.0, "y": 2.0, **vertex}, {"x": 3.0, "y": 4.0, **vertex}],
            }
        ],
    }
    full = label_value(
        li,
        "vv",
        sequence=[{**VECTOR_FRAME, "time": 1, "closed": True, "enabled": False, "foo": 1}],
        framesCount=10,
        duration=3,
    )
    assert (full["framesCount"], full["duration"]) == (10, 3.0)
    assert {k: full["sequence"][0][k] for k in ("time", "closed", "enabled")} == {
        "time": 1.0,
        "closed": True,
        "enabled": False,
    }
    assert "foo" not in full["sequence"][0]


def test_video_vector_labels(li: LabelInterface) -> None:
    assert errors(li, "vvl", {"sequence": [VECTOR_FRAME], "labels": ["Car"]}) == []
    assert errors(li, "vvl", {"sequence": [VECTOR_FRAME], "labels": None}) == []
    assert "value.labels is required" in errors(li, "vvl", {"sequence": [VECTOR_FRAME]})[0]
    assert (
        "labels ['Zzz'] are not in the config"
        in errors(li, "vvl", {"sequence": [VECTOR_FRAME], "labels": ["Zzz"]})[0]
    )
    # the label key is ``labels``, not ``videovectorlabels``
    assert (
        "value.labels is required"
        in errors(li, "vvl", {"sequence": [VECTOR_FRAME], "videovectorlabels": ["Car"]})[0]
    )
    assert label_value(li, "vvl", ["Car"], sequence=[VECTOR_FRAME])["labels"] == ["Car"]
    assert label_value(li, "vvl", sequence=[VECTOR_FRAME])["labels"] is None


def test_video_vector_json_schemas(li: LabelInterface) -> None:
    schema = li.get_control("vv").to_json_schema()
    assert schema["required"] == ["sequence"]
    assert schema["properties"]["framesCount"] == {"type": "integer", "minimum": 1}
    keyframe = schema["properties"]["sequence"]["items"]
    assert schema["properties"]["sequence"]["minItems"] == 1
    assert keyframe["required"] == ["frame", "vertices"]
    assert keyframe["properties"]["vertices"]["minItems"] == 2
    labelled = li.get_control("vvl").to_json_schema()
    assert labelled["required"] == ["sequence", "labels"]
    assert labelled["properties"]["framesCount"] == {"type": "integer"}  # as published: no bounds here
    assert "minItems" not in labelled["properties"]["sequence"]


# --- samples ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("config", "name"), [(CONFIG, "box"), (LABELLED_CONFIG, "box"), (CONFIG, "vv"), (CONFIG, "vvl")]
)
def test_samples_label_and_validate_for_many_seeds(config: str, name: str) -> None:
    li = LabelInterface(config)
    control = li.get_control(name)
    for seed in range(200):
        payload = control.sample_payload(random.Random(seed))
        value = control.label(**payload)._dict()["value"]
        assert errors(li, name, value) == [], (seed, payload)


@pytest.mark.parametrize(("config", "name"), [(CONFIG, "box"), (LABELLED_CONFIG, "box"), (CONFIG, "vv")])
def test_sample_timelines_are_consistent(config: str, name: str) -> None:
    control = LabelInterface(config).get_control(name)
    for seed in range(200):
        payload = control.sample_payload(random.Random(seed))
        frames = [keyframe["frame"] for keyframe in payload["sequence"]]
        assert 2 <= len(frames) <= 3 and frames == sorted(set(frames))
        assert all(1 <= frame <= payload["framesCount"] for frame in frames)
        fps = payload["framesCount"] / payload["duration"]
        for keyframe in payload["sequence"]:
            assert keyframe["time"] <= payload["duration"]
            assert abs(keyframe["time"] * fps - keyframe["frame"]) < 0.1
        if name == "box":
            for keyframe in payload["sequence"]:
                assert keyframe["x"] >= 1 and keyframe["x"] + keyframe["width"] <= 99
                assert keyframe["y"] >= 1 and keyframe["y"] + keyframe["height"] <= 99


def test_sample_labels_follow_the_config(li: LabelInterface, labelled: LabelInterface) -> None:
    assert "label" not in li.get_control("box").sample_payload(random.Random(1))
    assert labelled.get_control("box").sample_payload(random.Random(1))["label"] in (["Car"], ["Man"])
    assert li.get_control("vvl").sample_payload(random.Random(1))["label"] in (["Car"], ["Man"])
    dynamic = LabelInterface(
        '<View><Video name="v" value="$v"/><VideoVectorLabels name="c" toName="v"/></View>'
    )
    assert dynamic.get_control("c").sample_payload(random.Random(1)) is None


def test_samples_are_deterministic(li: LabelInterface) -> None:
    control = li.get_control("box")
    assert control.sample_payload(random.Random(4)) == control.sample_payload(random.Random(4))
    assert control.sample_payload(random.Random(4)) != control.sample_payload(random.Random(5))


def test_complete_sample_task(li: LabelInterface) -> None:
    task = li.generate_complete_sample_task(raise_on_failure=True, seed=11)
    (prediction,) = task["predictions"]
    assert sorted(region["type"] for region in prediction["result"]) == [
        "videorectangle",
        "videovector",
        "videovectorlabels",
    ]
