"""Classification controls: Choices, Taxonomy, Number, Rating, DateTime, TextArea, Pairwise, Ranker.

Expected values were observed on the published label-studio-sdk 2.1.2 unless a test says it pins a
deliberate difference.
"""

from __future__ import annotations

import random
from typing import Any, Dict, List, Optional, cast

import pytest

from label_studio_sdk.label_interface import LabelInterface
from label_studio_sdk.label_interface._xml import parse_xml
from label_studio_sdk.label_interface.control_tags import (
    ChoicesTag,
    DateTimeTag,
    NumberTag,
    PairwiseTag,
    RankerTag,
    RatingTag,
    TaxonomyTag,
    TextAreaTag,
)
from label_studio_sdk.label_interface.controls import classification
from label_studio_sdk.label_interface.label_tags import LabelTag

CONFIG = """<View>
  <Text name="text" value="$text"/>
  <Choices name="ch" toName="text"><Choice value="pos"/><Choice value="Negative" alias="neg"/></Choices>
  <Choices name="multi" toName="text" choice="multiple"><Choice value="a"/><Choice value="b"/><Choice value="c"/></Choices>
  <Choices name="dynamic" toName="text" value="$options"/>
  <Taxonomy name="tax" toName="text">
    <Choice value="A"><Choice value="A1"/><Choice value="A2"><Choice value="A2x"/></Choice></Choice>
    <Choice value="B"/>
  </Taxonomy>
  <Number name="num" toName="text" min="1" max="10"/>
  <Number name="free_num" toName="text"/>
  <Rating name="rat" toName="text" maxRating="3"/>
  <Rating name="stars" toName="text"/>
  <DateTime name="dt" toName="text" only="date"/>
  <TextArea name="ta" toName="text"/>
  <Text name="t1" value="$t1"/>
  <Text name="t2" value="$t2"/>
  <Pairwise name="pw" toName="t1,t2"/>
  <List name="items" value="$items" title="Items"/>
  <Ranker name="rank" toName="items"/>
</View>"""

TARGETS = {"pw": "t1", "rank": "items"}


@pytest.fixture(scope="module")
def li() -> LabelInterface:
    return LabelInterface(CONFIG)


def region(li: LabelInterface, name: str, value: Any, to_name: Optional[str] = None) -> Dict[str, Any]:
    control = li.get_control(name)
    return {
        "id": "r1",
        "from_name": name,
        "to_name": to_name or TARGETS.get(name, "text"),
        "type": control.tag.lower(),
        "value": value,
    }


def errors(li: LabelInterface, name: str, value: Any, to_name: Optional[str] = None) -> List[str]:
    return li.validate_prediction({"result": [region(li, name, value, to_name)]}, return_errors=True)  # type: ignore[no-any-return]


def label_value(li: LabelInterface, name: str, *args: Any, **kwargs: Any) -> Dict[str, Any]:
    return li.get_control(name).label(*args, **kwargs)._dict()["value"]  # type: ignore[no-any-return]


def test_tags_map_every_classification_control() -> None:
    assert {
        "choices": ChoicesTag,
        "taxonomy": TaxonomyTag,
        "number": NumberTag,
        "rating": RatingTag,
        "datetime": DateTimeTag,
        "textarea": TextAreaTag,
        "pairwise": PairwiseTag,
        "ranker": RankerTag,
    } == classification.TAGS


def test_parsed_classes_and_label_keys(li: LabelInterface) -> None:
    keys = {
        name: li.get_control(name)._label_attr_name for name in ("ch", "tax", "num", "rat", "dt", "ta", "pw")
    }
    assert keys == {
        "ch": "choices",
        "tax": "taxonomy",
        "num": "number",
        "rat": "rating",
        "dt": "datetime",
        "ta": "text",
        "pw": "selected",
    }
    assert li.get_control("rank")._label_attr_name is None
    assert li.get_control("tax").labels == ["A", "A1", "A2", "A2x", "B"]  # every depth
    assert li.get_control("ch").labels == ["pos", "neg"]  # the alias stands for the choice


# --- validation --------------------------------------------------------------------------------------------

VALID = [
    ("ch", {"choices": ["pos"]}),
    ("ch", {"choices": ["neg"]}),
    ("ch", {"choices": ["pos", "neg"]}),
    ("ch", {"choices": []}),  # an empty list passes the subset check
    ("ch", {"ch": {"choices": ["pos"]}}),  # the value nested under the control name
    ("multi", {"choices": ["a", "c"]}),
    ("dynamic", {"choices": ["anything"]}),
    ("dynamic", {"choices": []}),
    ("tax", {"taxonomy": [["A", "A1"]]}),
    ("tax", {"taxonomy": [["A"], ["B"]]}),
    ("tax", {"taxonomy": [["B", "A1"]]}),  # labels are checked one by one, not as paths
    ("tax", {"taxonomy": []}),
    ("tax", {"taxonomy": [[]]}),
    ("num", {"number": 5}),
    ("num", {"number": 5.5}),
    ("num", {"number": "5"}),  # a numeric string, as the published package accepted
    ("num", {"number": 100}),  # min/max are not validated
    ("num", {"number": -1}),
    ("rat", {"rating": 3}),
    ("rat", {"rating": 0}),
    ("rat", {"rating": 2.0}),
    ("rat", {"rating": "2"}),
    ("stars", {"rating": 5}),
    ("dt", {"datetime": "2020-01-01"}),
    ("dt", {"datetime": "garbage"}),  # the format is not checked
    ("dt", {"datetime": ""}),
    ("ta", {"text": ["a"]}),
    ("ta", {"text": []}),
    ("ta", {"text": [""]}),
    ("ta", {"ta": {"text": ["x"]}}),
    ("pw", {"selected": "left"}),
    ("pw", {"selected": "right"}),
    ("rank", {"ranker": {"good": ["a"], "bad": []}}),
    ("rank", {"ranker": {"rank": ["a", "b"]}}),
    ("rank", {"ranker": {}}),
]


@pytest.mark.parametrize(("name", "value"), VALID)
def test_valid_values(li: LabelInterface, name: str, value: Any) -> None:
    assert errors(li, name, value) == []
    assert li.get_control(name).validate_value(value)


INVALID = [
    ("ch", {"choices": ["Negative"]}, "labels ['Negative'] are not in the config"),  # the alias wins
    ("ch", {"choices": ["zzz"]}, "labels ['zzz'] are not in the config"),
    ("ch", {"ch": {"choices": ["zzz"]}}, "labels ['zzz'] are not in the config"),
    ("ch", {}, "value.choices is required"),
    ("ch", {"choices": "pos"}, "value.choices must be a list"),
    ("ch", {"choices": [1]}, "value.choices must be a list of label names"),
    ("ch", {"choices": None}, "value.choices must be a list"),
    ("ch", "pos", "value must be an object"),
    ("ch", ["pos"], "value must be an object"),
    ("ch", None, "value must be an object"),
    ("tax", {"taxonomy": [["A", "Z"]]}, "labels ['Z'] are not in the config"),
    ("tax", {"taxonomy": ["A"]}, "value.taxonomy must be a list of paths"),
    ("tax", {"taxonomy": [[1]]}, "value.taxonomy must be a list of paths"),
    ("tax", {"taxonomy": "A"}, "value.taxonomy must be a list"),
    ("tax", {}, "value.taxonomy is required"),
    ("num", {"number": "x"}, "value.number must be a number, got 'x'"),
    ("num", {"number": None}, "value.number must be a number"),
    ("num", {"number": [5]}, "value.number must be a number"),
    ("num", {}, "value.number is required"),
    ("rat", {"rating": 4}, "value.rating must be a whole number from 0 to 3, got 4"),
    ("rat", {"rating": -1}, "from 0 to 3, got -1"),
    ("rat", {"rating": 2.5}, "from 0 to 3, got 2.5"),
    ("rat", {"rating": [2]}, "value.rating must be a whole number"),
    ("rat", {}, "value.rating is required"),
    ("stars", {"rating": 6}, "from 0 to 5, got 6"),  # maxRating defaults to 5
    ("dt", {"datetime": 5}, "value.datetime must be a string, got 5"),
    ("dt", {"datetime": ["2020"]}, "value.datetime must be a string"),
    ("dt", {"datetime": None}, "value.datetime must be a string"),
    ("dt", {}, "value.datetime is required"),
    ("ta", {"text": "a"}, "value.text must be a list of strings, got 'a'"),  # a plain string, as published
    ("ta", {"text": [1]}, "value.text must be a list of strings"),
    ("ta", {"text": None}, "value.text must be a list of strings"),
    ("ta", {}, "value.text is required"),
    ("pw", {}, "value.selected is required"),
    ("pw", {"selected": ["left"]}, "value.selected must be 'left' or 'right'"),
    ("pw", {"selected": None}, "value.selected must be 'left' or 'right'"),
    ("rank", {}, "value.ranker is required"),
    ("rank", {"ranker": {"good": "a"}}, "value.ranker.good must be a list of item ids"),
    ("rank", {"ranker": {"good": [1]}}, "value.ranker.good must be a list of item ids"),
    ("rank", {"ranker": []}, "value.ranker must be an object"),
    ("rank", {"ranker": None}, "value.ranker must be an object"),
    (
        "rank",
        {"rank": {"ranker": {"good": ["a"]}}},
        "value.ranker is required",
    ),  # not unwrapped, as published
]


@pytest.mark.parametrize(("name", "value", "reason"), INVALID)
def test_invalid_values_name_the_reason(li: LabelInterface, name: str, value: Any, reason: str) -> None:
    found = errors(li, name, value)
    assert len(found) == 1
    assert found[0].startswith(f"Region 0: Invalid value for control '{name}'. Got: ")
    assert reason in found[0]
    assert not li.get_control(name).validate_value(value)


def test_invalid_message_lists_fields_and_labels(li: LabelInterface) -> None:
    [message] = errors(li, "ch", {"choices": ["zzz"]})
    assert "expected fields: ['choices']; valid labels: ['pos', 'neg']" in message
    [message] = errors(li, "num", {})
    assert "expected fields: ['number']" in message


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("num", {"number": True}),
        ("num", {"number": float("nan")}),
        ("num", {"number": "inf"}),
        ("rat", {"rating": True}),
        ("pw", {"selected": "middle"}),
    ],
)
def test_deliberately_refused_values(li: LabelInterface, name: str, value: Any) -> None:
    # The published package took booleans and NaN as numbers and any string as a pairwise side.
    assert errors(li, name, value)


def test_pairwise_region_may_name_itself_or_an_object(li: LabelInterface) -> None:
    # The published package refused its own label() output (to_name = the control): a deliberate fix.
    assert errors(li, "pw", {"selected": "left"}, to_name="pw") == []
    assert errors(li, "pw", {"selected": "left"}, to_name="t2") == []
    [message] = errors(li, "ch", {"choices": ["pos"]}, to_name="ch")
    assert "'to_name' 'ch' not found in configuration" in message


# --- label() ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "args", "kwargs", "expected"),
    [
        ("ch", ("pos",), {}, {"choices": ["pos"]}),
        ("ch", (["neg"],), {}, {"choices": ["neg"]}),
        ("ch", (["pos", "neg"],), {}, {"choices": ["pos", "neg"]}),
        ("ch", ([],), {}, {"choices": []}),
        ("ch", (), {"choices": ["pos"]}, {"choices": ["pos"]}),
        ("multi", (["a", "b"],), {}, {"choices": ["a", "b"]}),
        ("tax", ([["A", "A1"], ["B"]],), {}, {"taxonomy": [["A", "A1"], ["B"]]}),  # published: TypeError
        ("num", (5,), {}, {"number": 5.0}),
        ("num", (5.5,), {}, {"number": 5.5}),
        ("num", (11,), {}, {"number": 11.0}),
        ("num", ("5",), {}, {"number": 5.0}),
        ("num", (), {"number": 3}, {"number": 3.0}),
        ("rat", (3,), {}, {"rating": 3}),
        ("rat", (0,), {}, {"rating": 0}),
        ("rat", (), {"rating": 2}, {"rating": 2}),
        ("rat", (2.0,), {}, {"rating": 2}),
        ("dt", ("2020-01-01",), {}, {"datetime": "2020-01-01"}),
        ("dt", (["2020-01-01"],), {}, {"datetime": "2020-01-01"}),
        ("dt", (["2020-01-01", "2021-01-01"],), {}, {"datetime": "2020-01-01"}),
        ("dt", (), {"datetime": "2020-01-01T10:00"}, {"datetime": "2020-01-01T10:00"}),  # published: "2"
        ("ta", ("hello",), {}, {"text": ["hello"]}),
        ("ta", (["a", "b"],), {}, {"text": ["a", "b"]}),
        ("ta", ([],), {}, {"text": []}),
        ("ta", (), {"text": ["x"]}, {"text": ["x"]}),
        ("pw", ("left",), {}, {"selected": "left"}),
        ("pw", ("right",), {}, {"selected": "right"}),
        ("rank", (), {"ranker": {"good": ["a"]}}, {"ranker": {"good": ["a"]}}),
        ("rank", ({"rank": ["b", "a"]},), {}, {"ranker": {"rank": ["b", "a"]}}),
    ],
)
def test_label_values(
    li: LabelInterface, name: str, args: Any, kwargs: Any, expected: Dict[str, Any]
) -> None:
    assert label_value(li, name, *args, **kwargs) == expected


def test_label_region_shape(li: LabelInterface) -> None:
    made = li.get_control("ch").label("pos")._dict()
    assert set(made) == {"id", "from_name", "to_name", "type", "value"}
    assert (made["from_name"], made["to_name"], made["type"]) == ("ch", "text", "choices")
    assert li.validate_prediction({"result": [made]})


def test_pairwise_label_points_at_itself(li: LabelInterface) -> None:
    control = li.get_control("pw")
    made = control.label("left")
    assert made._dict()["to_name"] == "pw"
    assert cast(Any, made.to_tag) is control
    assert li.validate_prediction({"result": [made._dict()]})
    assert control.label("right", to_name="t2")._dict()["to_name"] == "t2"


@pytest.mark.parametrize(
    ("name", "args", "kwargs", "error", "fragment"),
    [
        ("ch", ("Negative",), {}, ValueError, "Using labels not defined in labeling config"),
        ("ch", (["pos", "zzz"],), {}, ValueError, "Using labels not defined in labeling config"),
        ("ch", (), {}, ValueError, "value.choices is required"),
        ("ch", (5,), {}, TypeError, "labels with a label or a list"),
        ("ch", ("pos",), {"to_name": "nowhere"}, ValueError, "To name is not found in control tag"),
        ("tax", ([["A", "Z"]],), {}, ValueError, "Using labels not defined in labeling config"),
        ("tax", (["A", "A1"],), {}, ValueError, "value.taxonomy must be a list of paths"),
        ("num", (), {}, ValueError, "needs a value"),
        ("num", ("x",), {}, ValueError, "value.number must be a number"),
        ("rat", (4,), {}, ValueError, "from 0 to 3"),
        ("rat", (-1,), {}, ValueError, "from 0 to 3"),
        ("rat", (2.5,), {}, ValueError, "from 0 to 3"),
        ("dt", ([],), {}, ValueError, "empty list"),
        ("dt", (5,), {}, ValueError, "value.datetime must be a string"),
        ("ta", (5,), {}, TypeError, "labels with a label or a list"),
        ("ta", ([1],), {}, ValueError, "value.text must be a list of strings"),
        ("pw", ("middle",), {}, ValueError, "'left' or 'right'"),
        ("pw", (), {}, ValueError, "value.selected"),
        ("pw", ("left",), {"to_name": "nowhere"}, ValueError, "To name is not found"),
        ("rank", (["x"],), {}, ValueError, "labels with a ranking"),
        ("rank", (), {"ranker": {"good": "a"}}, ValueError, "value.ranker.good"),
    ],
)
def test_label_refuses(
    li: LabelInterface, name: str, args: Any, kwargs: Any, error: type, fragment: str
) -> None:
    with pytest.raises(error, match=fragment):
        li.get_control(name).label(*args, **kwargs)


def test_create_regions_payloads(li: LabelInterface) -> None:
    made = li.create_regions(
        {
            "ta": "hello",
            "dt": ["2020-01-01"],
            "num": 5,
            "rat": 2,
            "ch": "pos",
            "multi": ["a", "b"],
            "pw": "left",
            "tax": [["A", "A1"], ["B"]],
            "rank": {"ranker": {"rank": ["a"]}},
        }
    )
    values = {r.from_tag.name: r._dict()["value"] for r in made}
    assert values == {
        "ta": {"text": ["hello"]},
        "dt": {"datetime": "2020-01-01"},
        "num": {"number": 5.0},
        "rat": {"rating": 2},
        "ch": {"choices": ["pos"]},
        "multi": {"choices": ["a", "b"]},
        "pw": {"selected": "left"},
        "tax": {"taxonomy": [["A", "A1"], ["B"]]},
        "rank": {"ranker": {"rank": ["a"]}},
    }
    assert li.validate_prediction({"result": [r._dict() for r in made]}, return_errors=True) == []


def test_get_labels_per_region(li: LabelInterface) -> None:
    regions = [
        li.get_control("ch").label("pos")._dict(),
        li.get_control("ch").label(["pos", "neg"])._dict(),
        cast(Any, li.get_control("num")).label(4)._dict(),
        li.get_control("tax").label([["A", "A1"]])._dict(),
    ]
    assert li.get_control("ch").get_labels(regions) == ["pos", ["pos", "neg"]]
    assert li.get_control("num").get_labels(regions) == 4.0  # one region: its value alone
    assert li.get_control("tax").get_labels(regions) == ["A", "A1"]  # one region, one path: that path
    assert li.get_control("rat").get_labels(regions) == []


# --- JSON schema -----------------------------------------------------------------------------------------


def test_json_schemas(li: LabelInterface) -> None:
    schema = {
        name: li.get_control(name).to_json_schema() for name in ("ch", "multi", "tax", "num", "rat", "stars")
    }
    assert schema["ch"] == {
        "type": "string",
        "enum": ["pos", "neg"],
        "description": "One of the choices about text",
    }
    assert schema["multi"] == {
        "type": "array",
        "items": {"type": "string", "enum": ["a", "b", "c"]},
        "uniqueItems": True,
        "description": "Some of the choices about text",
    }
    assert schema["tax"]["type"] == "array" and schema["tax"]["minItems"] == 1
    assert schema["tax"]["items"] == {
        "type": "array",
        "minItems": 1,
        "items": {"type": "string", "enum": ["A", "A1", "A2", "A2x", "B"]},
    }
    assert {k: v for k, v in schema["num"].items() if k != "description"} == {
        "type": "number",
        "minimum": 1.0,
        "maximum": 10.0,
    }
    assert "minimum" not in li.get_control("free_num").to_json_schema()
    assert {k: v for k, v in schema["rat"].items() if k != "description"} == {
        "type": "integer",
        "minimum": 0,
        "maximum": 3,
    }
    assert schema["stars"]["maximum"] == 5


def test_json_schemas_of_text_dates_pairwise_ranker(li: LabelInterface) -> None:
    assert li.get_control("dt").to_json_schema()["format"] == "date-time"
    assert li.get_control("ta").to_json_schema()["oneOf"] == [
        {"type": "string"},
        {"type": "array", "items": {"type": "string"}},
    ]
    pairwise = li.get_control("pw").to_json_schema()
    assert pairwise["enum"] == ["left", "right"]
    assert "t1 (left)" in pairwise["description"] and "t2 (right)" in pairwise["description"]
    assert li.get_control("rank").to_json_schema() == {
        "type": "object",
        "properties": {
            "ranker": {
                "type": "object",
                "properties": {"rank": {"type": "array", "items": {"type": "string"}, "minItems": 1}},
                "required": ["rank"],
            }
        },
        "required": ["ranker"],
    }


# --- samples ---------------------------------------------------------------------------------------------

SAMPLED = ["ch", "multi", "tax", "num", "free_num", "rat", "stars", "dt", "ta", "pw", "rank"]


@pytest.mark.parametrize("name", SAMPLED)
def test_samples_label_and_validate(li: LabelInterface, name: str) -> None:
    control = li.get_control(name)
    for seed in range(150):
        payload = control.sample_payload(random.Random(seed))
        assert payload is not None
        made = li.create_regions({name: payload})
        assert len(made) == 1
        assert li.validate_prediction({"result": [made[0]._dict()]}, return_errors=True) == []


@pytest.mark.parametrize("name", SAMPLED)
def test_samples_are_repeatable(li: LabelInterface, name: str) -> None:
    control = li.get_control(name)
    drawn = [control.sample_payload(random.Random(seed)) for seed in range(20)]
    assert drawn == [control.sample_payload(random.Random(seed)) for seed in range(20)]
    assert len({repr(payload) for payload in drawn}) > 1  # the seed matters


def test_number_samples_stay_in_bounds(li: LabelInterface) -> None:
    values = [li.get_control("num").sample_payload(random.Random(seed)) for seed in range(200)]
    assert all(1 <= value <= 10 for value in values)
    ratings = [li.get_control("rat").sample_payload(random.Random(seed)) for seed in range(200)]
    assert set(ratings) == {1, 2, 3}


def test_dynamic_choices_have_no_sample(li: LabelInterface) -> None:
    assert li.get_control("dynamic").sample_payload(random.Random(0)) is None


def test_multiple_choice_samples_have_no_repeats(li: LabelInterface) -> None:
    for seed in range(50):
        picked = li.get_control("multi").sample_payload(random.Random(seed))
        assert picked and len(set(picked)) == len(picked)


@pytest.mark.parametrize(
    ("only", "example"),
    [
        ("date", "2024-01-31"),
        ("time", "10:05"),
        ("year", "2024"),
        ("month", "2024-01"),
        (None, "2024-01-31T10:05"),
    ],
)
def test_datetime_samples_follow_only(only: Optional[str], example: str) -> None:
    attr = f' only="{only}"' if only else ""
    li = LabelInterface(f'<View><Text name="t" value="$t"/><DateTime name="d" toName="t"{attr}/></View>')
    sampled = li.get_control("d").sample_payload(random.Random(3))
    assert len(sampled) == len(example)
    assert [c.isdigit() for c in sampled] == [c.isdigit() for c in example]


# --- taxonomy tree -----------------------------------------------------------------------------------------

TAXONOMY = """<Taxonomy name="tax" toName="text" {extra}>
  <Choice value="Animal">
    <Choice value="Cat"/>
    <Choice value="Dog" alias="dog"><Choice value="Puppy"/></Choice>
  </Choice>
  <View><Choice value="Plant"/></View>
</Taxonomy>"""


def taxonomy_from_xml(extra: str = "") -> TaxonomyTag:
    node = parse_xml(TAXONOMY.format(extra=extra)).root
    labels = {}
    for child in node.iter():
        if child.tag == "Choice":
            value = child.get("alias") or child.get("value") or ""
            labels[value] = LabelTag(tag="Choice", value=value, parent_name="tax", attr=dict(child.attrib))
    return TaxonomyTag(
        tag="Taxonomy",
        name="tax",
        to_name=["text"],
        attr=dict(node.attrib),
        labels=list(labels),
        labels_attrs=labels,
        children=node.children,
    )


def test_taxonomy_paths_follow_the_tree() -> None:
    assert taxonomy_from_xml().paths() == [
        ["Animal"],
        ["Animal", "Cat"],
        ["Animal", "dog"],  # the alias is what results carry
        ["Animal", "dog", "Puppy"],
        ["Plant"],  # a View between the Taxonomy and a Choice is looked through
    ]


def test_taxonomy_leafs_only() -> None:
    assert taxonomy_from_xml('leafsOnly="true"').paths() == [
        ["Animal", "Cat"],
        ["Animal", "dog", "Puppy"],
        ["Plant"],
    ]


def test_taxonomy_samples_are_real_paths() -> None:
    control = taxonomy_from_xml()
    real = control.paths()
    for seed in range(100):
        payload = control.sample_payload(random.Random(seed))
        assert payload and all(path in real for path in payload)
        made = control.label(payload)
        assert control.validate_value(made._dict()["value"])


def test_taxonomy_without_its_tree_samples_single_labels() -> None:
    control = TaxonomyTag(tag="Taxonomy", name="tax", to_name=["text"], labels=["A", "A1"])
    assert control.paths() == [["A"], ["A1"]]
    assert control.sample_payload(random.Random(0)) in ([["A"]], [["A1"]], [["A"], ["A1"]], [["A1"], ["A"]])


def test_sample_prediction_validates_for_many_seeds(li: LabelInterface) -> None:
    for seed in range(40):
        prediction = li.generate_sample_prediction(seed)
        assert prediction is not None
        names = {item["from_name"] for item in prediction["result"]}
        assert names == {*SAMPLED, "dynamic"}  # the dynamic one samples the options put in the sample task
