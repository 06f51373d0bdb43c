"""Span controls: Labels, HyperTextLabels, ParagraphLabels, TimeSeriesLabels, TimelineLabels.

Expected values were observed on the published label-studio-sdk 2.1.2 unless a test says it pins a
deliberate difference.
"""

from __future__ import annotations

import random
from typing import Any, Dict, List, Optional

import pytest

from label_studio_sdk.label_interface import LabelInterface
from label_studio_sdk.label_interface.control_tags import (
    HyperTextLabelsTag,
    LabelsTag,
    ParagraphLabelsTag,
    TimelineLabelsTag,
    TimeSeriesLabelsTag,
)
from label_studio_sdk.label_interface.controls import spans

CONFIG = """<View>
  <Text name="text" value="$text"/>
  <Labels name="lab" toName="text"><Label value="PER"/><Label value="Organization" alias="ORG"/></Labels>
  <Labels name="multi" toName="text" choice="multiple"><Label value="A"/><Label value="B"/></Labels>
  <Labels name="open" toName="text"/>
  <HyperText name="ht" value="$html"/>
  <HyperTextLabels name="htl" toName="ht"><Label value="X"/></HyperTextLabels>
  <Paragraphs name="para" value="$dialogue"/>
  <ParagraphLabels name="pl" toName="para"><Label value="Q"/><Label value="R"/></ParagraphLabels>
  <TimeSeries name="ts" value="$ts" timeColumn="time"><Channel column="v"/></TimeSeries>
  <TimeSeriesLabels name="tsl" toName="ts"><Label value="Up"/></TimeSeriesLabels>
  <Video name="video" value="$video"/>
  <TimelineLabels name="tll" toName="video"><Label value="Run"/></TimelineLabels>
</View>"""

TARGETS = {"htl": "ht", "pl": "para", "tsl": "ts", "tll": "video"}


@pytest.fixture(scope="module")
def li() -> LabelInterface:
    return LabelInterface(CONFIG)


def errors(li: LabelInterface, name: str, value: Any, region_type: Optional[str] = None) -> List[str]:
    region = {
        "id": "r1",
        "from_name": name,
        "to_name": TARGETS.get(name, "text"),
        "type": region_type or li.get_control(name).tag.lower(),
        "value": value,
    }
    return li.validate_prediction({"result": [region]}, return_errors=True)  # type: ignore[no-any-return]


def label_value(li: LabelInterface, name: str, *args: Any, **kwargs: Any) -> Dict[str, Any]:
    return li.get_control(name).label(*args, **kwargs)._dict()["value"]  # type: ignore[no-any-return]


def test_tags_map_every_span_control(li: LabelInterface) -> None:
    assert {
        "labels": LabelsTag,
        "hypertextlabels": HyperTextLabelsTag,
        "paragraphlabels": ParagraphLabelsTag,
        "timeserieslabels": TimeSeriesLabelsTag,
        "timelinelabels": TimelineLabelsTag,
    } == spans.TAGS
    keys = [li.get_control(name)._label_attr_name for name in ("lab", "htl", "pl", "tsl", "tll")]
    assert keys == ["labels", "hypertextlabels", "paragraphlabels", "timeserieslabels", "timelinelabels"]
    assert [c.name for c in li.ner_tags] == ["lab", "multi", "open", "htl"]


# --- validation --------------------------------------------------------------------------------------------

XPATH = "/p[1]/text()[1]"

VALID = [
    ("lab", {"start": 0, "end": 5, "labels": ["PER"]}),
    ("lab", {"start": 0, "end": 5, "labels": ["ORG"], "text": "hello"}),
    ("lab", {"start": 0, "end": 5, "labels": ["PER", "ORG"]}),
    ("lab", {"start": 0, "end": 5, "labels": []}),
    ("lab", {"start": 5, "end": 0, "labels": ["PER"]}),  # start <= end is not checked
    ("lab", {"start": -1, "end": 0, "labels": ["PER"]}),
    ("lab", {"start": 1.5, "end": 2.5, "labels": ["PER"]}),
    ("lab", {"start": "a", "end": "b", "labels": ["PER"]}),
    ("lab", {"start": 0, "end": 5, "labels": ["PER"], "text": 5}),  # text is not checked
    ("lab", {"start": XPATH, "end": XPATH, "startOffset": 0, "endOffset": 3, "labels": ["PER"]}),
    ("open", {"start": 0, "end": 5, "labels": ["anything"]}),
    ("multi", {"start": 0, "end": 5, "labels": ["A", "B"]}),
    ("htl", {"start": XPATH, "end": XPATH, "startOffset": 0, "endOffset": 4, "hypertextlabels": ["X"]}),
    ("htl", {"start": XPATH, "end": XPATH, "hypertextlabels": ["X"]}),
    ("htl", {"start": XPATH, "end": XPATH, "startOffset": None, "hypertextlabels": ["X"]}),
    ("htl", {"start": XPATH, "end": XPATH, "startOffset": 2.0, "endOffset": 4, "hypertextlabels": ["X"]}),
    ("pl", {"start": 1, "end": 1, "paragraphlabels": ["Q"]}),
    ("pl", {"start": "1", "end": "1", "startOffset": 0, "endOffset": 4, "paragraphlabels": ["Q"]}),
    ("pl", {"start": 1, "end": 1, "paragraphlabels": []}),
    ("tsl", {"start": 1, "end": 5, "instant": False, "timeserieslabels": ["Up"]}),
    ("tsl", {"start": "2020-01-01 00:00", "end": "2020-01-02", "instant": True, "timeserieslabels": ["Up"]}),
    ("tll", {"ranges": [{"start": 1, "end": 5}], "timelinelabels": ["Run"]}),
    ("tll", {"ranges": [{"start": 5, "end": 1}], "timelinelabels": ["Run"]}),
    ("tll", {"ranges": [{"start": 1, "end": 5, "enabled": None}], "timelinelabels": ["Run"]}),
    ("tll", {"ranges": [{"start": 1, "end": 5, "enabled": False}], "timelinelabels": ["Run"]}),
]


@pytest.mark.parametrize(("name", "value"), VALID)
def test_valid_values(li: LabelInterface, name: str, value: Any) -> None:
    assert errors(li, name, value) == []


def test_timeseries_region_without_instant_is_valid(li: LabelInterface) -> None:
    # Deliberate: the published package required instant; the Label Studio editor reads a region
    # without it (as not instant), and people import such regions.
    assert errors(li, "tsl", {"start": 1, "end": 5, "timeserieslabels": ["Up"]}) == []


INVALID = [
    ("lab", {"start": 0, "end": 5}, "value.labels is required"),
    ("lab", {"start": 0, "labels": ["PER"]}, "value.end is required"),
    ("lab", {"end": 0, "labels": ["PER"]}, "value.start is required"),
    (
        "lab",
        {"start": 0, "end": 5, "labels": ["Organization"]},
        "labels ['Organization'] are not in the config",
    ),
    ("lab", {"start": None, "end": 5, "labels": ["PER"]}, "value.start must be number or string"),
    ("lab", {"start": [0], "end": 5, "labels": ["PER"]}, "value.start must be number or string"),
    ("lab", {"start": 0, "end": 5, "labels": "PER"}, "value.labels must be a list"),
    ("htl", {"start": XPATH, "end": XPATH}, "value.hypertextlabels is required"),
    ("htl", {"start": XPATH, "end": XPATH, "hypertextlabels": ["Y"]}, "labels ['Y'] are not in the config"),
    ("htl", {"start": XPATH, "end": XPATH, "labels": ["X"]}, "value.hypertextlabels is required"),
    ("htl", {"end": XPATH, "hypertextlabels": ["X"]}, "value.start is required"),
    (
        "htl",
        {"start": XPATH, "end": XPATH, "startOffset": -1, "hypertextlabels": ["X"]},
        "value.startOffset -1",
    ),
    (
        "htl",
        {"start": XPATH, "end": XPATH, "startOffset": 1.5, "hypertextlabels": ["X"]},
        "value.startOffset",
    ),
    ("pl", {"start": 1, "end": 1}, "value.paragraphlabels is required"),
    ("pl", {"start": 1, "end": 1, "startOffset": -3, "paragraphlabels": ["Q"]}, "value.startOffset -3"),
    ("tsl", {"start": 1, "end": 5, "instant": False}, "value.timeserieslabels is required"),
    ("tsl", {"start": 1, "instant": False, "timeserieslabels": ["Up"]}, "value.end is required"),
    ("tsl", {"start": 1, "end": 5, "instant": False, "timeserieslabels": ["Dn"]}, "labels ['Dn'] are not"),
    (
        "tsl",
        {"start": 1, "end": 5, "instant": None, "timeserieslabels": ["Up"]},
        "value.instant must be boolean",
    ),
    ("tll", {"ranges": [], "timelinelabels": ["Run"]}, "value.ranges must have at least 1 items"),
    ("tll", {"ranges": [{"start": 1}], "timelinelabels": ["Run"]}, "value.ranges[].end is required"),
    ("tll", {"ranges": [{"start": 1, "end": 5}]}, "value.timelinelabels is required"),
    ("tll", {"ranges": [{"start": 1, "end": 5}], "timelinelabels": ["Walk"]}, "labels ['Walk'] are not"),
    ("tll", {"timelinelabels": ["Run"]}, "value.ranges is required"),
    ("tll", {"ranges": [{"start": 1, "end": 5, "enabled": "x"}], "timelinelabels": ["Run"]}, "enabled"),
    ("tll", {"ranges": {"start": 1, "end": 5}, "timelinelabels": ["Run"]}, "value.ranges must be array"),
]


@pytest.mark.parametrize(("name", "value", "reason"), INVALID)
def test_invalid_values_name_the_reason(li: LabelInterface, name: str, value: Any, reason: str) -> None:
    found = errors(li, name, value)
    assert len(found) == 1
    assert found[0].startswith(f"Region 0: Invalid value for control '{name}'. Got: ")
    assert reason in found[0]


def test_invalid_message_lists_fields_and_labels(li: LabelInterface) -> None:
    [message] = errors(li, "lab", {"start": 0, "end": 5, "labels": ["zzz"]})
    assert "expected fields: ['start', 'end', 'labels']; valid labels: ['PER', 'ORG']" in message


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("lab", {"start": True, "end": 5, "labels": ["PER"]}),
        ("htl", {"start": XPATH, "end": XPATH, "startOffset": "1", "hypertextlabels": ["X"]}),
        ("tsl", {"start": 1, "end": 5, "instant": "no", "timeserieslabels": ["Up"]}),
        ("tsl", {"start": 1, "end": 5, "instant": 0, "timeserieslabels": ["Up"]}),
        ("tll", {"ranges": [{"start": 1.5, "end": "5"}], "timelinelabels": ["Run"]}),
    ],
)
def test_deliberately_refused_values(li: LabelInterface, name: str, value: Any) -> None:
    # The published package coerced booleans to numbers, numeric strings to offsets and "no"/0 to False.
    assert errors(li, name, value)


# --- label() ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "args", "kwargs", "expected"),
    [
        ("lab", ("PER",), {"start": 0, "end": 5}, {"start": 0, "end": 5, "labels": ["PER"]}),
        ("lab", (["ORG"],), {"start": 0, "end": 5}, {"start": 0, "end": 5, "labels": ["ORG"]}),
        ("lab", (), {"labels": ["PER"], "start": 0, "end": 5}, {"start": 0, "end": 5, "labels": ["PER"]}),
        ("lab", (["PER", "ORG"],), {"start": 0, "end": 5}, {"start": 0, "end": 5, "labels": ["PER", "ORG"]}),
        ("lab", ([],), {"start": 0, "end": 1}, {"start": 0, "end": 1, "labels": []}),
        ("lab", ("PER",), {"start": 5, "end": 0}, {"start": 5, "end": 0, "labels": ["PER"]}),
        ("open", ("anything",), {"start": 0, "end": 1}, {"start": 0, "end": 1, "labels": ["anything"]}),
        (
            "htl",
            ("X",),
            {"start": "/p[1]", "end": "/p[2]", "startOffset": 0, "endOffset": 4},
            {"start": "/p[1]", "end": "/p[2]", "startOffset": 0, "endOffset": 4, "hypertextlabels": ["X"]},
        ),
        (
            "htl",
            ("X",),
            {"start": 0, "end": 4},
            {"start": 0, "end": 4, "startOffset": None, "endOffset": None, "hypertextlabels": ["X"]},
        ),
        (
            "pl",
            (2, "Q"),
            {},
            {"start": 2, "end": 2, "startOffset": None, "endOffset": None, "paragraphlabels": ["Q"]},
        ),
        (
            "pl",
            (),
            {"utterance": 2, "label": ["Q"], "startOffset": 0, "endOffset": 5},
            {"start": 2, "end": 2, "startOffset": 0, "endOffset": 5, "paragraphlabels": ["Q"]},
        ),
        (
            "pl",
            (2, "Q"),
            {"start": 0},  # the utterance wins over start/end
            {"start": 2, "end": 2, "startOffset": None, "endOffset": None, "paragraphlabels": ["Q"]},
        ),
        (
            "pl",
            (None, "Q"),
            {"start": 1, "end": 2},
            {"start": 1, "end": 2, "startOffset": None, "endOffset": None, "paragraphlabels": ["Q"]},
        ),
        (
            "tsl",
            ("Up",),
            {"start": 1, "end": 5, "instant": True},
            {"start": 1, "end": 5, "instant": True, "timeserieslabels": ["Up"]},
        ),
        (
            "tll",
            ("Run",),
            {"ranges": [{"start": 1, "end": 5}]},
            {"ranges": [{"start": 1, "end": 5, "enabled": None}], "timelinelabels": ["Run"]},
        ),
        (
            "tll",
            ("Run",),
            {"ranges": [{"start": 1, "end": 2, "enabled": False}]},
            {"ranges": [{"start": 1, "end": 2, "enabled": False}], "timelinelabels": ["Run"]},
        ),
    ],
)
def test_label_values(
    li: LabelInterface, name: str, args: Any, kwargs: Any, expected: Dict[str, Any]
) -> None:
    value = label_value(li, name, *args, **kwargs)
    assert value == expected
    assert list(value) == list(expected)  # fields in the order Label Studio writes them


def test_labels_keep_the_span_text(li: LabelInterface) -> None:
    # Deliberate: the published package dropped text (and any other extra field) from label().
    value = label_value(li, "lab", "PER", start=0, end=5, text="hello")
    assert value == {"start": 0, "end": 5, "labels": ["PER"], "text": "hello"}


def test_timeseries_label_defaults_instant(li: LabelInterface) -> None:
    # Deliberate: the published label() required instant.
    assert label_value(li, "tsl", "Up", start=1, end=5) == {
        "start": 1,
        "end": 5,
        "instant": False,
        "timeserieslabels": ["Up"],
    }


def test_paragraph_label_called_like_other_controls(li: LabelInterface) -> None:
    # (label, to_name) positionally, as every other control takes them; the published signature put
    # the utterance first and refused these calls.
    assert label_value(li, "pl", "Q", start=1, end=3)["paragraphlabels"] == ["Q"]
    made = li.get_control("pl").label(["R"], "para", start=1, end=3)._dict()
    assert made["to_name"] == "para" and made["value"]["paragraphlabels"] == ["R"]
    paragraphs: Any = li.get_control("pl")
    with pytest.raises(TypeError, match="utterance index"):
        paragraphs.label(2.5, "Q")


@pytest.mark.parametrize(
    ("name", "args", "kwargs", "fragment"),
    [
        ("lab", ("Organization",), {"start": 0, "end": 5}, "Using labels not defined in labeling config"),
        ("lab", (), {"start": 0, "end": 5}, "value.labels is required"),
        ("lab", ("PER",), {"start": 0}, "value.end is required"),
        ("htl", ("X",), {"start": "/p", "end": "/p", "startOffset": -1}, "value.startOffset -1"),
        ("pl", (2, "Z"), {}, "Using labels not defined in labeling config"),
        ("pl", (2,), {}, "value.paragraphlabels is required"),
        ("tll", ("Run",), {"ranges": []}, "at least 1 items"),
        ("tll", ("Run",), {}, "value.ranges is required"),
        ("tll", ("Run",), {"ranges": [{"start": 1}]}, "value.ranges[].end is required"),
        ("tsl", ("Dn",), {"start": 1, "end": 2}, "Using labels not defined"),
    ],
)
def test_label_refuses(li: LabelInterface, name: str, args: Any, kwargs: Any, fragment: str) -> None:
    with pytest.raises(ValueError) as caught:
        li.get_control(name).label(*args, **kwargs)
    assert fragment in str(caught.value)


def test_create_regions_payloads(li: LabelInterface) -> None:
    made = li.create_regions(
        {
            "lab": [{"start": 1, "end": 2, "labels": ["PER"]}, {"start": 3, "end": 4, "label": "ORG"}],
            "htl": {"start": "/p", "end": "/p", "label": "X", "startOffset": 1, "endOffset": 3},
            "pl": {"utterance": 3, "label": "Q"},
        }
    )
    assert [r._dict()["value"] for r in made] == [
        {"start": 1, "end": 2, "labels": ["PER"]},
        {"start": 3, "end": 4, "labels": ["ORG"]},
        {"start": "/p", "end": "/p", "startOffset": 1, "endOffset": 3, "hypertextlabels": ["X"]},
        {"start": 3, "end": 3, "startOffset": None, "endOffset": None, "paragraphlabels": ["Q"]},
    ]
    assert li.validate_prediction({"result": [r._dict() for r in made]}, return_errors=True) == []


def test_get_labels_per_region(li: LabelInterface) -> None:
    control = li.get_control("lab")
    regions = [
        control.label("PER", start=0, end=1)._dict(),
        control.label(["PER", "ORG"], start=2, end=3)._dict(),
        li.get_control("htl").label("X", start=0, end=1)._dict(),
    ]
    assert control.get_labels(regions) == ["PER", ["PER", "ORG"]]


# --- the split format: a <Labels> value on a geometry region -------------------------------------------------

SPLIT = """<View>
  <Image name="img" value="$image"/>
  <Rectangle name="box" toName="img"/>
  <Labels name="kind" toName="img"><Label value="Car"/></Labels>
</View>"""
BOX = {"x": 10, "y": 10, "width": 20, "height": 20, "rotation": 0}


@pytest.mark.parametrize(
    ("region_type", "value", "fragment"),
    [
        ("rectanglelabels", {**BOX, "labels": ["Car"]}, None),
        ("labels", {"start": 0, "end": 1, "labels": ["Car"]}, None),
        ("rectanglelabels", {**BOX, "labels": ["Dog"]}, "labels ['Dog'] are not in the config"),
        ("rectanglelabels", dict(BOX), "value.labels is required"),
        ("rectanglelabels", {"x": 10, "labels": ["Car"]}, "value.y is required"),
        (
            "polygonlabels",
            {"points": [[1, 1], [2, 2], [3, 1]], "labels": ["Car"]},
            "does not match expected type",
        ),
    ],
)
def test_labels_on_geometry(region_type: str, value: Dict[str, Any], fragment: Optional[str]) -> None:
    li = LabelInterface(SPLIT)
    region = {"id": "r1", "from_name": "kind", "to_name": "img", "type": region_type, "value": value}
    found = li.validate_prediction({"result": [region]}, return_errors=True)
    if fragment is None:
        assert found == []
    else:
        assert len(found) == 1 and fragment in found[0]


# --- JSON schema -----------------------------------------------------------------------------------------

POSITION = {"oneOf": [{"type": "integer", "minimum": 0}, {"type": "number", "minimum": 0}]}


def test_labels_schema(li: LabelInterface) -> None:
    schema = li.get_control("lab").to_json_schema()
    assert schema["type"] == "array"
    assert schema["items"] == {
        "type": "object",
        "required": ["start", "end", "labels"],
        "properties": {
            "start": POSITION,
            "end": POSITION,
            # minItems: deliberate, the published schema let samples carry no label
            "labels": {
                "type": "array",
                "items": {"type": "string", "enum": ["PER", "ORG"]},
                "minItems": 1,
                "maxItems": 1,
            },
            "text": {"type": "string"},
        },
    }
    multi = li.get_control("multi").to_json_schema()["items"]["properties"]["labels"]
    assert "maxItems" not in multi
    open_labels = li.get_control("open").to_json_schema()["items"]["properties"]["labels"]
    assert open_labels["items"] == {"type": "string"}


def test_hypertext_and_paragraph_schemas(li: LabelInterface) -> None:
    labels = {"type": "array", "items": {"type": "string", "enum": ["X"]}, "minItems": 1, "maxItems": 1}
    assert li.get_control("htl").to_json_schema() == {
        "type": "object",
        "properties": {
            "start": POSITION,
            "end": POSITION,
            "startOffset": {"type": "integer", "minimum": 0},
            "endOffset": {"type": "integer", "minimum": 0},
            "hypertextlabels": labels,
        },
        "required": ["start", "end", "hypertextlabels"],
    }
    assert li.get_control("pl").to_json_schema()["required"] == ["start", "end", "paragraphlabels"]


def test_timeseries_and_timeline_schemas(li: LabelInterface) -> None:
    series = li.get_control("tsl").to_json_schema()
    assert series["required"] == ["start", "end", "instant", "timeserieslabels"]
    assert series["properties"]["start"] == {"oneOf": [{"type": "integer"}, {"type": "number"}]}
    assert series["properties"]["instant"] == {"type": "boolean"}
    timeline = li.get_control("tll").to_json_schema()
    assert timeline["required"] == ["ranges", "timelinelabels"]
    assert timeline["properties"]["ranges"] == {
        "type": "array",
        "items": {
            "type": "object",
            "properties": {
                "start": {"type": "number"},
                "end": {"type": "number"},
                "enabled": {"type": "boolean"},
            },
            "required": ["start", "end"],
        },
        "minItems": 1,
    }


# --- samples ---------------------------------------------------------------------------------------------

SAMPLED = ["lab", "multi", "htl", "pl", "tsl", "tll"]


@pytest.mark.parametrize("name", SAMPLED)
def test_samples_label_and_validate(li: LabelInterface, name: str) -> None:
    control = li.get_control(name)
    for seed in range(150):
        payload = control.sample_payload(random.Random(seed))
        made = li.create_regions({name: payload})
        assert made
        for item in made:
            value = item._dict()["value"]
            assert value[control._label_attr_name]  # never an empty label list
            assert li.validate_prediction({"result": [item._dict()]}, return_errors=True) == []


@pytest.mark.parametrize("name", ["lab", "htl", "pl", "tsl"])
def test_sampled_spans_start_before_they_end(li: LabelInterface, name: str) -> None:
    # Deliberate: the published generator drew start and end independently (start > end happened).
    for seed in range(200):
        for item in li.create_regions({name: li.get_control(name).sample_payload(random.Random(seed))}):
            value = item._dict()["value"]
            assert value["start"] <= value["end"]
            if value.get("startOffset") is not None:
                assert value["startOffset"] <= value["endOffset"]


def test_sampled_timeline_ranges_are_ordered(li: LabelInterface) -> None:
    for seed in range(200):
        payload = li.get_control("tll").sample_payload(random.Random(seed))
        assert all(r["start"] <= r["end"] for r in payload["ranges"])


@pytest.mark.parametrize("name", SAMPLED)
def test_samples_are_repeatable(li: LabelInterface, name: str) -> None:
    control = li.get_control(name)
    drawn = [control.sample_payload(random.Random(seed)) for seed in range(20)]
    assert drawn == [control.sample_payload(random.Random(seed)) for seed in range(20)]
    assert len({repr(payload) for payload in drawn}) > 1


def test_controls_without_labels_have_no_sample(li: LabelInterface) -> None:
    assert li.get_control("open").sample_payload(random.Random(0)) is None


def test_multiple_choice_samples_may_carry_several_labels(li: LabelInterface) -> None:
    counts = {
        len(span["labels"])
        for seed in range(50)
        for span in li.get_control("multi").sample_payload(random.Random(seed))
    }
    assert counts == {1, 2}
    single = {
        len(span["labels"])
        for seed in range(50)
        for span in li.get_control("lab").sample_payload(random.Random(seed))
    }
    assert single == {1}


def test_sample_prediction_validates_for_many_seeds(li: LabelInterface) -> None:
    for seed in range(40):
        prediction = li.generate_sample_prediction(seed)
        assert prediction is not None
        assert {item["from_name"] for item in prediction["result"]} == set(SAMPLED)
