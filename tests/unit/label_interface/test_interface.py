"""LabelInterface itself: reading configs, lookups, validation of results, regions and value objects."""

from __future__ import annotations

import time

import pytest

from label_studio_sdk.label_interface import LabelInterface
from label_studio_sdk.label_interface.control_tags import (
    ChoicesTag,
    ControlTag,
    ObjectTag,
    RectangleLabelsTag,
)
from label_studio_sdk.label_interface.exceptions import (
    LabelStudioValidationErrorSentryIgnored,
    LabelStudioXMLSyntaxErrorSentryIgnored,
)
from label_studio_sdk.label_interface.object_tags import ImageTag

CONFIG = """<View>
  <Image name="img" value="$image"/>
  <RectangleLabels name="box" toName="img">
    <Label value="Car" predicted_values="car,auto"/>
    <Label value="Person" alias="P"/>
  </RectangleLabels>
  <Choices name="quality" toName="img" choice="single" required="true">
    <Choice value="Good"/>
    <View><Choice value="Bad"/></View>
  </Choices>
  <Relations><Relation value="near"/></Relations>
</View>"""

BOX = {
    "id": "r1",
    "from_name": "box",
    "to_name": "img",
    "type": "rectanglelabels",
    "value": {"x": 10, "y": 20, "width": 30, "height": 40, "rectanglelabels": ["Car"]},
}
CHOICE = {
    "id": "c1",
    "from_name": "quality",
    "to_name": "img",
    "type": "choices",
    "value": {"choices": ["Good"]},
}


@pytest.fixture
def li() -> LabelInterface:
    return LabelInterface(CONFIG)


# --- reading ---------------------------------------------------------------------------------------


def test_tags_are_classified_and_linked(li: LabelInterface) -> None:
    box = li.get_control("box")
    assert isinstance(box, RectangleLabelsTag)
    assert box.to_name == ["img"]
    assert [obj.name for obj in box.objects] == ["img"]
    assert isinstance(box.objects[0], ImageTag)
    assert box.labels == ["Car", "P"]  # the alias stands for the label
    assert box.labels_attrs["Car"].attr["predicted_values"] == "car,auto"
    assert box.labels_attrs["P"].parent_name == "box"
    quality = li.get_control("quality")
    assert isinstance(quality, ChoicesTag)
    assert quality.labels == ["Good", "Bad"]  # a Choice inside a nested View still belongs to it
    assert quality.is_output_required
    assert sorted(c.name for c in li.controls) == ["box", "quality"]
    assert [o.name for o in li.objects] == ["img"]
    assert [sorted(labels) for labels in li.labels] == [["Car", "P"], ["Bad", "Good"]]
    assert li.config == CONFIG and li._config == CONFIG


def test_control_without_known_class_is_a_plain_control() -> None:
    li = LabelInterface('<View><Text name="t" value="$t"/><MyWidget name="w" toName="t"/></View>')
    control = li.get_control("w")
    assert type(control) is ControlTag
    assert control.tag == "MyWidget"


def test_unknown_object_tag_is_a_plain_object() -> None:
    li = LabelInterface('<View><Custom name="c" value="$c"/></View>')
    assert type(li.get_object("c")) is ObjectTag
    assert li.get_object("c").value_name == "c"


def test_tags_mapping_overrides_the_class() -> None:
    class MyChoices(ChoicesTag):
        pass

    li = LabelInterface(CONFIG, tags_mapping={"Choices": MyChoices})
    assert type(li.get_control("quality")) is MyChoices


def test_lookups(li: LabelInterface) -> None:
    assert li.get_tag("img").name == "img"
    assert li.get_tag("box").name == "box"
    with pytest.raises(KeyError, match="nope"):
        li.get_tag("nope")
    with pytest.raises(KeyError, match="not found"):
        li.get_control("nope")
    with pytest.raises(ValueError, match="specify name"):
        li.get_control()
    assert li.get_object().name == "img"  # the only one
    assert li.get_output("box") is li.get_control("box")


def test_find_tags(li: LabelInterface) -> None:
    assert [t.name for t in li.find_tags("controls")] == ["box", "quality"]
    assert [t.name for t in li.find_tags("objects")] == ["img"]
    # The server calls find_tags('control'): an unknown kind means objects and controls.
    assert [t.name for t in li.find_tags("control")] == ["img", "box", "quality"]
    assert [t.name for t in li.find_tags_by_class(ChoicesTag)] == ["quality"]
    assert [t.name for t in li.find_tags_by_class([ImageTag, RectangleLabelsTag])] == ["img", "box"]
    assert li.find_tags_by_class(RectangleLabelsTag)[0].attr.get("perRegion") is None


def test_first_tag_occurence(li: LabelInterface) -> None:
    assert li.get_first_tag_occurence("RectangleLabels", "Image") == ("box", "img", "image")
    assert li.get_first_tag_occurence(("choices", "labels"), "image") == ("quality", "img", "image")
    assert li.get_first_tag_occurence("Choices", "Image", name_filter=lambda n: n.startswith("q")) == (
        "quality",
        "img",
        "image",
    )
    with pytest.raises(ValueError):
        li.get_first_tag_occurence("Choices", "Text")
    with pytest.raises(ValueError):
        li.get_first_tag_occurence("Choices", "Image", to_name_filter=lambda n: n == "other")


def test_match_takes_to_name(li: LabelInterface) -> None:
    box = li.get_control("box")
    assert box.match("rectanglelabels", to_name="img")
    assert not box.match("rectanglelabels", to_name="other")
    assert not box.match("choices")


def test_embedded_sample_task() -> None:
    config = '<View><Text name="t" value="$text"/><!-- {"data": {"text": "hi"}, "predictions": []} --></View>'
    li = LabelInterface(config)
    assert li._sample_config_task == {"text": "hi"}
    assert LabelInterface.get_task_from_labeling_config(config) == ({"text": "hi"}, None, [])
    assert LabelInterface.get_task_from_labeling_config("<View/>") == ({}, None, None)


def test_load_task(li: LabelInterface) -> None:
    loaded = li.load_task({"image": "http://x/1.jpg"})
    assert loaded.get_object("img").value == "http://x/1.jpg"
    assert li.get_object("img").value == "$image"


def test_json_schema(li: LabelInterface) -> None:
    schema = li.to_json_schema()
    assert schema["type"] == "object"
    assert set(schema["properties"]) == {"box", "quality"}
    assert schema["required"] == ["quality"]


# --- untrusted XML ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "config, fragment",
    [
        ("", "empty"),
        ("<View><Text name='a' value='$a'/></Vie>", "line 1"),
        ('<?xml version="1.0"?><!DOCTYPE v [<!ENTITY a "aaaa">]><View>&a;</View>', "DOCTYPE"),
        ('<!DOCTYPE v SYSTEM "file:///etc/passwd"><View/>', "DOCTYPE"),
        ("<View>&nbsp;</View>", "undefined entity"),
    ],
)
def test_bad_xml_raises_the_documented_error(config: str, fragment: str) -> None:
    with pytest.raises(LabelStudioXMLSyntaxErrorSentryIgnored, match=fragment):
        LabelInterface(config)


def test_billion_laughs_is_refused_at_once() -> None:
    entities = '<!ENTITY l0 "lol">' + "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    config = f'<?xml version="1.0"?><!DOCTYPE lolz [{entities}]><View>&l9;</View>'
    started = time.monotonic()
    with pytest.raises(LabelStudioXMLSyntaxErrorSentryIgnored):
        LabelInterface(config)
    assert time.monotonic() - started < 1.0


def test_depth_and_size_are_bounded() -> None:
    with pytest.raises(LabelStudioXMLSyntaxErrorSentryIgnored, match="deep"):
        LabelInterface("<View>" * 500 + "</View>" * 500)
    with pytest.raises(LabelStudioXMLSyntaxErrorSentryIgnored, match="characters"):
        LabelInterface("<View>" + " " * (11 * 1024 * 1024) + "</View>")


def test_syntax_error_says_where() -> None:
    with pytest.raises(LabelStudioXMLSyntaxErrorSentryIgnored, match="line 4"):
        LabelInterface("<View>\n  <Text name='t' value='$t'/>\n  <Choices name='c' toName='t'>\n</View>")


def test_none_config_is_a_clear_error() -> None:
    with pytest.raises(LabelStudioXMLSyntaxErrorSentryIgnored, match="None"):
        LabelInterface(None)  # type: ignore[arg-type]


# --- validating the config ------------------------------------------------------------------------------


def test_valid_config(li: LabelInterface) -> None:
    li.validate()
    assert li.is_valid


@pytest.mark.parametrize(
    "config, fragment",
    [
        (
            '<View><Text name="t" value="$t"/><Choices name="c" toName="missing"><Choice value="a"/></Choices></View>',
            "missing",
        ),
        ('<View><Text name="t" value="$t"/><Text name="t" value="$u"/></View>', "used twice"),
        (
            '<View><Text name="t" value="$t"/><Choices name="c" toName="t"><Choice/></Choices></View>',
            "no value",
        ),
        ('<Text name="t" value="$t"/>', "root tag"),
    ],
)
def test_invalid_config_says_what_and_where(config: str, fragment: str) -> None:
    li = LabelInterface(config)
    with pytest.raises(LabelStudioValidationErrorSentryIgnored, match=fragment):
        li.validate()
    assert not li.is_valid


# --- validating predictions ---------------------------------------------------------------------------------


def errors(li: LabelInterface, prediction: dict) -> list:
    result = li.validate_prediction(prediction, return_errors=True)
    assert isinstance(result, list)
    assert all(isinstance(message, str) for message in result)  # flat: the server joins them
    return result


def test_valid_prediction(li: LabelInterface) -> None:
    assert li.validate_prediction({"result": [BOX, CHOICE], "score": 0.5})
    assert errors(li, {"result": [BOX, CHOICE]}) == []
    assert errors(li, {"result": []}) == []
    assert li.validate_annotation({"result": [BOX]})


@pytest.mark.parametrize(
    "prediction, expected",
    [
        ({}, "Missing required field 'result'"),
        ({"result": 5}, "'result' must be a list"),
        ({"result": [BOX], "score": 2}, "Score must be between 0.00 and 1.00 inclusive, got 2.0"),
        ({"result": [BOX], "score": "x"}, "Score must be a valid number, got x"),
        ({"result": [1]}, "Region must be a dictionary"),
        (
            {"result": [{"from_name": "box", "to_name": "img", "type": "rectanglelabels"}]},
            "Region 0: Missing required field 'value'",
        ),
        ({"result": [{**BOX, "from_name": "zz"}]}, "Region 0: 'from_name' 'zz' not found in configuration"),
        (
            {"result": [CHOICE, {**BOX, "to_name": "zz"}]},
            "Region 1: 'to_name' 'zz' not found in configuration",
        ),
        (
            {"result": [{**BOX, "type": "choices"}]},
            "Region 0: Type 'choices' does not match expected type 'rectanglelabels' for control 'box'",
        ),
        (
            {"result": [{**BOX, "value": {**BOX["value"], "rectanglelabels": ["Dog"]}}]},
            "Invalid value for control 'box'",
        ),
        ({"result": [{**CHOICE, "value": {"choices": ["Meh"]}}]}, "Invalid value for control 'quality'"),
        ({"result": [{**CHOICE, "value": {}}]}, "Invalid value for control 'quality'"),
    ],
)
def test_each_kind_of_invalid_prediction(li: LabelInterface, prediction: dict, expected: str) -> None:
    found = errors(li, prediction)
    assert any(expected in message for message in found), found
    assert li.validate_prediction(prediction) is False


def test_missing_fields_are_all_listed(li: LabelInterface) -> None:
    assert errors(li, {"result": [{"from_name": "box"}]}) == [
        "Region 0: Missing required field 'to_name'",
        "Region 0: Missing required field 'type'",
        "Region 0: Missing required field 'value'",
    ]


def test_value_errors_say_why(li: LabelInterface) -> None:
    found = errors(li, {"result": [{**CHOICE, "value": {"choices": ["Meh"]}}]})
    assert "Meh" in found[0] and "valid labels: ['Good', 'Bad']" in found[0]


def test_alias_is_the_label(li: LabelInterface) -> None:
    assert li.validate_prediction({"result": [{**BOX, "value": {**BOX["value"], "rectanglelabels": ["P"]}}]})
    assert not li.validate_prediction(
        {"result": [{**BOX, "value": {**BOX["value"], "rectanglelabels": ["Person"]}}]}
    )


def test_relations_are_checked_after_regions_and_reported_flat(li: LabelInterface) -> None:
    good = {"type": "relation", "from_id": "r1", "to_id": "c1", "direction": "right"}
    assert errors(li, {"result": [good, BOX, CHOICE]}) == []  # a relation may come before its regions
    found = errors(
        li, {"result": [BOX, {"type": "relation", "from_id": "r1", "to_id": "zz", "direction": "up"}]}
    )
    assert found == [
        "Relation 1: Direction must be one of ('left', 'right', 'bi'), got 'up'",
        "Relation 1: 'to_id' 'zz' not found in regions",
    ]
    # A relation to a region that failed validation does not count as found.
    bad_box = {**BOX, "value": {**BOX["value"], "rectanglelabels": ["Dog"]}}
    found = errors(li, {"result": [bad_box, CHOICE, {**good}]})
    assert any("'from_id' 'r1' not found in regions" in message for message in found)


def test_validate_region_and_relation(li: LabelInterface) -> None:
    assert li.validate_region(BOX)
    assert li.validate_region({**BOX, "from_name": "zz"}, return_errors=True, region_index=4) == [
        "Region 4: 'from_name' 'zz' not found in configuration"
    ]
    relation = {"type": "relation", "from_id": "r1", "to_id": "c1", "direction": "bi"}
    assert li.validate_relation(relation, [BOX, CHOICE])
    assert not li.validate_relation(relation, [BOX])


def test_validate_task_with_annotations(li: LabelInterface) -> None:
    # The published validate_task raised TypeError as soon as a task had annotations.
    task = {"data": {"image": "x"}, "annotations": [{"result": [BOX]}], "predictions": [{"result": [CHOICE]}]}
    assert li.validate_task(task) is True
    task["annotations"] = [{"result": [{**BOX, "from_name": "zz"}]}]
    assert li.validate_task(task) is False


# --- Repeater ------------------------------------------------------------------------------------------------

REPEATER = """<View>
  <Repeater on="$images" indexFlag="{{idx}}">
    <Image name="image_{{idx}}" value="$images[{{idx}}].url"/>
    <Choices name="choice_{{idx}}" toName="image_{{idx}}"><Choice value="Cat"/><Choice value="Dog"/></Choices>
  </Repeater>
</View>"""


def test_repeater_controls_resolve_in_validation() -> None:
    li = LabelInterface(REPEATER)
    region = {"from_name": "choice_3", "to_name": "image_3", "type": "choices", "value": {"choices": ["Dog"]}}
    assert errors(li, {"result": [region]}) == []
    assert li.get_control("choice_3") is li.get_control("choice_{{idx}}")
    wrong_index = {**region, "to_name": "image_4"}
    assert any("is not valid for control" in m for m in errors(li, {"result": [wrong_index]}))
    assert any("not found" in m for m in errors(li, {"result": [{**region, "from_name": "other_3"}]}))
    assert not li.validate_prediction({"result": [{**region, "value": {"choices": ["Cow"]}}]})


# --- regions and value objects -----------------------------------------------------------------------------------


def test_label_builds_a_region(li: LabelInterface) -> None:
    region = li.get_control("box").label(["Car"], x=10, y=10, width=5, height=5)
    data = region._dict()
    assert data["from_name"] == "box" and data["to_name"] == "img" and data["type"] == "rectanglelabels"
    assert data["value"] == {
        "x": 10,
        "y": 10,
        "width": 5,
        "height": 5,
        "rotation": 0,
        "rectanglelabels": ["Car"],
    }
    assert region.value.x == 10
    assert li.validate_prediction({"result": [data]})
    with pytest.raises(ValueError, match="possible values"):
        li.get_control("box").label(["Dog"], x=10, y=10, width=5, height=5)
    with pytest.raises(ValueError, match="To name"):
        li.get_control("box").label(["Car"], to_name="zz", x=1, y=1, width=1, height=1)


def test_prediction_value_serialises_regions_and_flat_relations(li: LabelInterface) -> None:
    from label_studio_sdk.label_interface.objects import AnnotationValue, PredictionValue, TaskValue

    box = li.get_control("box").label(["Car"], x=1, y=2, width=3, height=4)
    choice = li.get_control("quality").label(["Good"])
    box.add_relation(choice, direction="bi", label=["near"])
    dumped = PredictionValue(model_version="v1", score=0.7, result=[box, choice, CHOICE]).model_dump()
    assert dumped["model_version"] == "v1" and dumped["score"] == 0.7
    assert [item["type"] for item in dumped["result"]] == [
        "rectanglelabels",
        "choices",
        "choices",
        "relation",
    ]
    assert dumped["result"][3] == {
        "type": "relation",
        "from_id": box.id,
        "to_id": choice.id,
        "direction": "bi",
        "labels": ["near"],
    }
    assert li.validate_prediction(dumped)

    annotation = AnnotationValue(result=[box]).model_dump()
    assert "completed_by" not in annotation and "result_count" not in annotation
    assert AnnotationValue(result=[], completed_by=3).model_dump()["completed_by"] == 3
    task = TaskValue(data={"image": "x"}, predictions=[PredictionValue(result=[choice])]).model_dump()
    assert task["predictions"][0]["result"][0]["value"] == {"choices": ["Good"]}


def test_prediction_value_nested_in_a_users_model(li: LabelInterface) -> None:
    from pydantic import BaseModel

    from label_studio_sdk.label_interface.objects import PredictionValue

    class ModelResponse(BaseModel):
        predictions: list[PredictionValue]

    region = li.get_control("quality").label("Bad")
    dumped = ModelResponse(predictions=[PredictionValue(result=[region])]).model_dump()
    assert dumped["predictions"][0]["result"][0]["value"] == {"choices": ["Bad"]}


def test_create_regions(li: LabelInterface) -> None:
    regions = li.create_regions(
        {"box": {"label": "Car", "x": 1, "y": 2, "width": 3, "height": 4}, "quality": "Good", "missing": "x"}
    )
    assert [r._dict()["type"] for r in regions] == ["rectanglelabels", "choices"]
    assert regions[1]._dict()["value"] == {"choices": ["Good"]}


def test_sample_task_validates(li: LabelInterface) -> None:
    sample = li.generate_complete_sample_task(raise_on_failure=True, seed=7)
    assert set(sample) == {"data", "annotations", "predictions"}
    assert "image" in sample["data"]
    assert li.validate_prediction(sample["predictions"][0])
    assert li.validate_annotation(sample["annotations"][0])
    assert li.generate_complete_sample_task(seed=7) == li.generate_complete_sample_task(seed=7)


@pytest.mark.parametrize(
    "change, expected",
    [
        (lambda c: c, False),
        (
            lambda c: c.replace('<Choice value="Good"/>', '<Choice value="Good"/><Choice value="Fine"/>'),
            False,
        ),
        (lambda c: c.replace('<Choice value="Good"/>', ""), True),  # a label results may carry is gone
        (lambda c: c[: c.rindex("</View>")] + '<TextArea name="t" toName="img"/></View>', True),
        (lambda c: c.replace('value="$image"', 'value="$picture"'), True),
        (lambda c: c.replace("RectangleLabels", "PolygonLabels"), True),
        (lambda c: c.replace('<Choices name="quality"', '<Choices name="other"'), True),
    ],
)
def test_config_essential_data_has_changed(li: LabelInterface, change, expected: bool) -> None:
    assert li.config_essential_data_has_changed(change(CONFIG)) is expected
