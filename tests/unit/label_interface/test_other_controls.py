"""ChatMessage, ReactCode and Relations controls.

Expected values were observed on the published label-studio-sdk 2.1.2 unless a test says it pins a
deliberate difference.
"""

from __future__ import annotations

import random
from typing import Any, Dict, List, Optional
from xml.sax.saxutils import quoteattr

import pytest

from label_studio_sdk.label_interface import LabelInterface
from label_studio_sdk.label_interface.control_tags import ChatMessageTag, ReactCodeTag, RelationsTag
from label_studio_sdk.label_interface.controls import other
from label_studio_sdk.label_interface.controls.other import outputs_schema

CONFIG = """<View>
  <Chat name="chat" value="$messages"/>
  <ReactCode name="rc" outputs="sentiment:choices(pos,neg),score:number(0,10),stars:rating(3),note"/>
  <ReactCode name="plain"/>
  <Text name="text" value="$text"/>
  <Labels name="lab" toName="text"><Label value="A"/></Labels>
  <Relations name="rels" toName="text"><Relation value="rel1"/></Relations>
</View>"""


@pytest.fixture(scope="module")
def li() -> LabelInterface:
    return LabelInterface(CONFIG)


def errors(li: LabelInterface, name: str, value: Any, region_type: Optional[str] = None) -> List[str]:
    control = li.get_control(name)
    region = {
        "id": "r1",
        "from_name": name,
        "to_name": control.to_name[0],
        "type": region_type or control.tag.lower(),
        "value": value,
    }
    return li.validate_prediction({"result": [region]}, return_errors=True)  # type: ignore[no-any-return]


def test_tags_and_self_reference(li: LabelInterface) -> None:
    assert {"chatmessage": ChatMessageTag, "reactcode": ReactCodeTag, "relations": RelationsTag} == other.TAGS
    chat, code = li.get_control("chat"), li.get_control("rc")
    assert isinstance(chat, ChatMessageTag) and chat.tag == "ChatMessage" and chat.to_name == ["chat"]
    assert isinstance(code, ReactCodeTag) and code.to_name == ["rc"]
    assert code._label_attr_name == "reactcode" and chat._label_attr_name is None


# --- ChatMessage -------------------------------------------------------------------------------------------

MESSAGE = {"role": "user", "content": "hi"}


@pytest.mark.parametrize(
    "value",
    [
        {"chatmessage": MESSAGE},
        {"chatmessage": {**MESSAGE, "createdAt": 123}},
        {"chatmessage": {**MESSAGE, "createdAt": "2020"}},
        {"chatmessage": {**MESSAGE, "createdAt": None}},
        {"chatmessage": {**MESSAGE, "extra": 1}},
        {"chat": {"chatmessage": MESSAGE}},
    ],
)
def test_chat_valid(li: LabelInterface, value: Any) -> None:
    assert errors(li, "chat", value) == []


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ({"chatmessage": {"role": "user"}}, "value.chatmessage.content is required"),
        ({"chatmessage": {"content": "hi"}}, "value.chatmessage.role is required"),
        ({"chatmessage": {"role": 1, "content": "hi"}}, "value.chatmessage.role must be string"),
        ({"chatmessage": {"role": "user", "content": ["hi"]}}, "value.chatmessage.content must be string"),
        ({}, "value.chatmessage is required"),
        ({"chatmessage": "hi"}, "value.chatmessage must be object"),
        (MESSAGE, "value.chatmessage is required"),
    ],
)
def test_chat_invalid(li: LabelInterface, value: Any, reason: str) -> None:
    [message] = errors(li, "chat", value)
    assert message.startswith("Region 0: Invalid value for control 'chat'.")
    assert "expected fields: ['chatmessage']" in message
    assert reason in message


def test_chat_region_type_is_chatmessage(li: LabelInterface) -> None:
    [message] = errors(li, "chat", {"chatmessage": MESSAGE}, region_type="chat")
    assert "Type 'chat' does not match expected type 'chatmessage'" in message


def test_chat_label(li: LabelInterface) -> None:
    control = li.get_control("chat")
    made = control.label(chatmessage=MESSAGE)._dict()
    assert (made["from_name"], made["to_name"], made["type"]) == ("chat", "chat", "chatmessage")
    assert made["value"] == {"chatmessage": {"role": "user", "content": "hi", "createdAt": None}}
    assert (
        control.label(chatmessage={**MESSAGE, "createdAt": 5})._dict()["value"]["chatmessage"]["createdAt"]
        == 5
    )
    assert li.validate_prediction({"result": [made]})


def test_chat_label_takes_the_fields_too(li: LabelInterface) -> None:
    # The published label() took only chatmessage={...}.
    control: Any = li.get_control("chat")
    assert (
        control.label(role="user", content="hi")._dict()["value"] == control.label(MESSAGE)._dict()["value"]
    )
    with pytest.raises(ValueError, match="role and content"):
        control.label()
    with pytest.raises(ValueError, match=r"value\.chatmessage\.content is required"):
        control.label(role="user")


def test_chat_schema(li: LabelInterface) -> None:
    schema = li.get_control("chat").to_json_schema()
    assert schema["required"] == ["chatmessage"]
    assert schema["properties"]["chatmessage"]["required"] == ["role", "content"]
    assert schema["properties"]["chatmessage"]["properties"]["createdAt"] == {"type": "number"}


# --- ReactCode ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        {"reactcode": {"s": "pos"}},
        {"reactcode": {}},
        {"reactcode": {"sentiment": "not in outputs"}},
        {"rc": {"reactcode": {}}},
    ],
)
def test_reactcode_valid(li: LabelInterface, value: Any) -> None:
    assert errors(li, "rc", value) == []  # the outputs are not enforced, as published


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ({}, "value.reactcode is required"),
        ({"reactcode": []}, "value.reactcode must be an object, got list"),
        ({"reactcode": "x"}, "value.reactcode must be an object, got str"),
        ({"reactcode": None}, "value.reactcode must be an object"),
        ({"s": "pos"}, "value.reactcode is required"),
    ],
)
def test_reactcode_invalid(li: LabelInterface, value: Any, reason: str) -> None:
    [message] = errors(li, "rc", value)
    assert message.startswith("Region 0: Invalid value for control 'rc'.") and reason in message


def test_reactcode_label(li: LabelInterface) -> None:
    control = li.get_control("rc")
    made = control.label(sentiment="pos", score=3)._dict()
    assert (made["from_name"], made["to_name"], made["type"]) == ("rc", "rc", "reactcode")
    assert made["value"] == {"reactcode": {"sentiment": "pos", "score": 3}}
    assert control.label()._dict()["value"] == {"reactcode": {}}
    assert li.validate_prediction({"result": [made]})


def test_reactcode_label_with_the_whole_value(li: LabelInterface) -> None:
    # Deliberate: the published label(reactcode={...}) nested it ({"reactcode": {"reactcode": ...}}),
    # dropped a dict given positionally and ignored any other positional label.
    control: Any = li.get_control("rc")
    assert control.label(reactcode={"a": 1})._dict()["value"] == {"reactcode": {"a": 1}}
    assert control.label({"a": 1}, b=2)._dict()["value"] == {"reactcode": {"a": 1, "b": 2}}
    assert control.label(reactcode={"a": 1}, b=2)._dict()["value"] == {
        "reactcode": {"reactcode": {"a": 1}, "b": 2}
    }
    with pytest.raises(ValueError, match="dict of output fields"):
        control.label("x")


@pytest.mark.parametrize(
    ("outputs", "properties"),
    [
        ("sentiment", {"sentiment": {"type": "string"}}),
        ("a,b", {"a": {"type": "string"}, "b": {"type": "string"}}),
        ("a;b", {"a": {"type": "string"}, "b": {"type": "string"}}),
        ("a|b", {"a": {"type": "string"}, "b": {"type": "string"}}),
        (" a , b ", {"a": {"type": "string"}, "b": {"type": "string"}}),
        ("a,,b", {"a": {"type": "string"}, "b": {"type": "string"}}),
        ("a b", {"a b": {"type": "string"}}),
        ("[1,2]", {"[1": {"type": "string"}, "2]": {"type": "string"}}),
        ("{bad json", {"{bad json": {"type": "string"}}),
        (":choices(a)", {}),
        ("a:(x)", {"a": {"type": "string"}}),
        ("a:string", {"a": {"type": "string"}}),
        ("a:choices()", {"a": {"type": "string"}}),
        ("a:choices(a,b", {"a": {"type": "string"}}),
        ("sentiment:choices", {"sentiment": {"type": "string"}}),
        (
            "s:choices(pos,neg),n:number(0,10)",
            {
                "s": {"type": "string", "enum": ["pos", "neg"]},
                "n": {"type": "number", "minimum": 0.0, "maximum": 10.0},
            },
        ),
        (
            "s:choices(pos, neg) ; n:number( 0 , 10 )",
            {
                "s": {"type": "string", "enum": ["pos", "neg"]},
                "n": {"type": "number", "minimum": 0.0, "maximum": 10.0},
            },
        ),
        ("s:choices(pos|neg)", {"s": {"type": "string", "enum": ["pos|neg"]}}),
        ("A:Choices(x,y)", {"A": {"type": "string", "enum": ["x", "y"]}}),
        ("n:number(5)", {"n": {"type": "number", "minimum": 5.0}}),
        ("x:number(0,10,20)", {"x": {"type": "number", "minimum": 0.0, "maximum": 10.0}}),
        ("stars:rating(5)", {"stars": {"type": "integer", "minimum": 1, "maximum": 5}}),
        (
            "a:choices(x)|b:rating(3)",
            {"a": {"type": "string", "enum": ["x"]}, "b": {"type": "integer", "minimum": 1, "maximum": 3}},
        ),
        (
            "tags:multichoices(a,b)",
            {"tags": {"type": "array", "items": {"type": "string", "enum": ["a", "b"]}}},
        ),
        ('{"x":{"type":"string"}}', {"x": {"type": "string"}}),
        ('{"type":"object","properties":{"x":{"type":"integer"}}}', {"x": {"type": "integer"}}),
        ("{}", {}),
        ("", {}),
    ],
)
def test_outputs_schema(outputs: str, properties: Dict[str, Any]) -> None:
    assert outputs_schema(outputs) == {"type": "object", "properties": properties}


def test_outputs_full_schema_keeps_required() -> None:
    text = '{"type":"object","properties":{"x":{"type":"integer"}},"required":["x"]}'
    assert outputs_schema(text) == {
        "type": "object",
        "properties": {"x": {"type": "integer"}},
        "required": ["x"],
    }


@pytest.mark.parametrize(
    ("outputs", "properties"),
    [
        # Deliberate: the published parser gave these a string type, or raised ValueError.
        ("stars:rating", {"stars": {"type": "integer", "minimum": 1, "maximum": 5}}),
        ("s:rating(x)", {"s": {"type": "integer", "minimum": 1, "maximum": 5}}),
        ("n:number", {"n": {"type": "number"}}),
        ("n:number()", {"n": {"type": "number"}}),
        ("n:number(a,b)", {"n": {"type": "number"}}),
        ("m:multichoices", {"m": {"type": "array", "items": {"type": "string"}}}),
        ('{"x": 1}', {"x": {}}),  # a property that is no schema allows anything
        ('{"type": "array"}', {}),  # ReactCode values are objects
    ],
)
def test_outputs_schema_fixes(outputs: str, properties: Dict[str, Any]) -> None:
    assert outputs_schema(outputs) == {"type": "object", "properties": properties}


def test_reactcode_schema_reads_outputs_of_the_self_referencing_tag(li: LabelInterface) -> None:
    # Deliberate: the published interface built this control without the tag's attributes, so its
    # schema was always empty unless the tag also had toName.
    assert li.get_control("rc").to_json_schema()["properties"] == {
        "sentiment": {"type": "string", "enum": ["pos", "neg"]},
        "score": {"type": "number", "minimum": 0.0, "maximum": 10.0},
        "stars": {"type": "integer", "minimum": 1, "maximum": 3},
        "note": {"type": "string"},
    }
    assert li.get_control("plain").to_json_schema() == {"type": "object", "properties": {}}


def test_reactcode_with_tonname_attribute() -> None:
    config = f"<View><ReactCode name='rc' toName='rc' outputs={quoteattr('a:choices(x,y)')}/></View>"
    control = LabelInterface(config).get_control("rc")
    assert control.to_json_schema()["properties"] == {"a": {"type": "string", "enum": ["x", "y"]}}


# --- samples ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["chat", "rc", "plain"])
def test_samples_label_and_validate(li: LabelInterface, name: str) -> None:
    control = li.get_control(name)
    for seed in range(150):
        payload = control.sample_payload(random.Random(seed))
        [made] = li.create_regions({name: payload})
        assert li.validate_prediction({"result": [made._dict()]}, return_errors=True) == []


def test_reactcode_samples_follow_outputs(li: LabelInterface) -> None:
    for seed in range(100):
        fields = li.get_control("rc").sample_payload(random.Random(seed))["reactcode"]
        assert set(fields) == {"sentiment", "score", "stars", "note"}
        assert fields["sentiment"] in ("pos", "neg")
        assert 0 <= fields["score"] <= 10
        assert fields["stars"] in (1, 2, 3)


@pytest.mark.parametrize("name", ["chat", "rc"])
def test_samples_are_repeatable(li: LabelInterface, name: str) -> None:
    control = li.get_control(name)
    drawn = [control.sample_payload(random.Random(seed)) for seed in range(20)]
    assert drawn == [control.sample_payload(random.Random(seed)) for seed in range(20)]
    assert len({repr(payload) for payload in drawn}) > 1


def test_chat_samples_look_like_messages(li: LabelInterface) -> None:
    message = li.get_control("chat").sample_payload(random.Random(1))["chatmessage"]
    assert message["role"] in ("user", "assistant")
    assert isinstance(message["content"], str) and message["content"]
    assert isinstance(message["createdAt"], int)


# --- Relations ---------------------------------------------------------------------------------------------


def test_relations_control(li: LabelInterface) -> None:
    control = li.get_control("rels")
    assert isinstance(control, RelationsTag)
    assert control.labels == ["rel1"]
    with pytest.raises(NotImplementedError, match="add_relation"):
        control.label("rel1")
    assert control.sample_payload(random.Random(0)) is None
    assert control.to_json_schema() == {"type": "string"}


def test_relations_region_is_refused_with_a_reason(li: LabelInterface) -> None:
    # Deliberate: the published validate_value raised TypeError, reported as an unexpected error.
    control = li.get_control("rels")
    assert control.validate_value({}) is False
    [message] = errors(li, "rels", {"labels": ["rel1"]})
    assert "Invalid value for control 'rels'" in message and "type 'relation'" in message


def test_relation_items_still_validate(li: LabelInterface) -> None:
    lab = li.get_control("lab")
    first, second = lab.label("A", start=0, end=1), lab.label("A", start=2, end=3)
    first.add_relation(second, direction="right", label=["rel1"])
    result = [first._dict(), second._dict(), *first._dict_relations()]
    assert li.validate_prediction({"result": result}, return_errors=True) == []


def test_sample_prediction_validates_for_many_seeds(li: LabelInterface) -> None:
    for seed in range(40):
        prediction = li.generate_sample_prediction(seed)
        assert prediction is not None
        assert {"chat", "rc", "plain", "lab"} <= {item["from_name"] for item in prediction["result"]}
