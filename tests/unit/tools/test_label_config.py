"""parse_config and its helpers in label_studio_tools.core.label_config: shape, errors, safety."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest

from label_studio_sdk._extensions.label_studio_tools.core import label_config
from label_studio_sdk._extensions.label_studio_tools.core.label_config import (
    _get_parent_output_tag_name,
    _is_input_tag,
    _is_output_tag,
    has_variable,
    is_video_object_tracking,
    parse_config,
)
from label_studio_sdk._extensions.label_studio_tools.core.utils import exceptions as tools_exceptions
from label_studio_sdk._legacy import exceptions as legacy_exceptions
from label_studio_sdk.label_interface._xml import MAX_CONFIG_CHARS, parse_xml

LabelStudioXMLSyntaxErrorSentryIgnored = tools_exceptions.LabelStudioXMLSyntaxErrorSentryIgnored

FULL = """<View>
  <Repeater on="$pages" indexFlag="{{idx}}">
    <Image name="page_{{idx}}" value="$pages[{{idx}}].url" valueType="url"/>
    <Labels name="ner" toName="page_{{idx}}" value="$options" perRegion="true" whenTagName="boxes">
      <Label value="Person" alias="PER" background="red"/>
      <View><Label value="Place"/></View>
    </Labels>
  </Repeater>
</View>"""


def test_the_full_shape_and_its_key_order() -> None:
    parsed = parse_config(FULL)
    assert json.dumps(parsed) == json.dumps(
        {
            "ner": {
                "type": "Labels",
                "to_name": ["page_{{idx}}"],
                "regex": {"{{idx}}": ".*"},
                "conditionals": {"type": "tag", "name": "boxes"},
                "dynamic_labels": True,
                "inputs": [{"type": "Image", "valueType": "url", "value": "pages[{{idx}}].url"}],
                "labels": ["PER", "Place"],
                "labels_attrs": {
                    "PER": {"value": "Person", "alias": "PER", "background": "red"},
                    "Place": {"value": "Place"},
                },
            }
        }
    )


def test_optional_keys_are_absent_when_they_do_not_apply() -> None:
    parsed = parse_config('<View><Image name="i" valueList="$ims"/><Choices name="c" toName="i"/></View>')
    assert parsed == {
        "c": {
            "type": "Choices",
            "to_name": ["i"],
            "inputs": [{"type": "Image", "valueType": None, "valueList": "ims"}],
            "labels": [],
            "labels_attrs": {},
        }
    }


@pytest.mark.parametrize(
    ("value", "dynamic"), [("$opts", True), ("$A_b", True), ("$opts1", False), ("$", False)]
)
def test_dynamic_labels_need_a_bare_variable_of_letters(value: str, dynamic: bool) -> None:
    parsed = parse_config(
        f'<View><Text name="t" value="$t"/><Choices name="c" toName="t" value="{value}"/></View>'
    )
    assert ("dynamic_labels" in parsed["c"]) is dynamic


@pytest.mark.parametrize("config", ["", None, b""])
def test_empty_configs_give_an_empty_dict(config: object) -> None:
    assert parse_config(config) == {}  # type: ignore[arg-type]


def test_utf8_bytes_are_accepted_and_other_bytes_refused() -> None:
    config = (
        '<View><Text name="t" value="$t"/><Choices name="c" toName="t"><Choice value="é"/></Choices></View>'
    )
    assert parse_config(config.encode("utf-8"))["c"]["labels"] == ["é"]
    with pytest.raises(LabelStudioXMLSyntaxErrorSentryIgnored, match="not UTF-8"):
        parse_config(config.encode("latin-1"))


def test_syntax_errors_say_where() -> None:
    config = '<View>\n  <Text name="t" value="$t"/>\n  <Choices name="c" toName="t">\n</View>'
    with pytest.raises(LabelStudioXMLSyntaxErrorSentryIgnored, match="line 4") as caught:
        parse_config(config)
    assert isinstance(caught.value, ValueError)


def test_blank_configs_are_syntax_errors() -> None:
    with pytest.raises(LabelStudioXMLSyntaxErrorSentryIgnored, match="empty"):
        parse_config("  \n ")


# Each entity is ten of the previous one: &lol9; would expand to 10**9 "lol"s.
LAUGHS = '<!ENTITY lol0 "lol">' + "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
BILLION_LAUGHS = (
    f'<?xml version="1.0"?><!DOCTYPE lolz [{LAUGHS}]>'
    '<View><Text name="t" value="$t"/><Choices name="c" toName="t"><Choice value="&lol9;"/></Choices></View>'
)


@pytest.mark.parametrize(
    "config",
    [
        BILLION_LAUGHS,
        '<!DOCTYPE v [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><View><Text name="t" value="&xxe;"/></View>',
        '<!DOCTYPE View SYSTEM "http://127.0.0.1:9/evil.dtd"><View><Text name="t" value="$t"/></View>',
        '<!DOCTYPE v [<!ENTITY % p SYSTEM "http://127.0.0.1:9/p.dtd"> %p;]><View/>',
    ],
    ids=["billion laughs", "external entity", "external dtd", "parameter entity"],
)
def test_dtds_and_entities_are_refused_quickly(config: str) -> None:
    started = time.perf_counter()
    with pytest.raises(LabelStudioXMLSyntaxErrorSentryIgnored, match=r"DOCTYPE|entit"):
        parse_config(config)
    assert time.perf_counter() - started < 1.0


def test_the_size_and_depth_are_bounded() -> None:
    with pytest.raises(LabelStudioXMLSyntaxErrorSentryIgnored, match="characters long"):
        parse_config("<View>" + " " * MAX_CONFIG_CHARS + "</View>")
    with pytest.raises(LabelStudioXMLSyntaxErrorSentryIgnored, match="deep"):
        parse_config("<View>" * 5000 + "</View>" * 5000)


def test_big_taxonomies_parse_in_linear_time() -> None:
    choices = "".join(
        f'<Choice value="c{i}"><Choice value="c{i}.a"/><Choice value="c{i}.b"/></Choice>' for i in range(5000)
    )
    config = f'<View><Text name="t" value="$t"/><Taxonomy name="tx" toName="t">{choices}</Taxonomy></View>'
    started = time.perf_counter()
    labels = parse_config(config)["tx"]["labels"]
    assert time.perf_counter() - started < 2.0
    assert len(labels) == 15000 and labels[:3] == ["c0", "c0.a", "c0.b"]


def test_is_video_object_tracking_is_true_or_none() -> None:
    tracking = parse_config('<View><Video name="v" value="$v"/><VideoRectangle name="b" toName="v"/></View>')
    assert is_video_object_tracking(tracking) is True
    plain = parse_config('<View><Video name="v" value="$v"/><Labels name="l" toName="v"/></View>')
    assert is_video_object_tracking(plain) is None
    assert is_video_object_tracking({}) is None
    assert is_video_object_tracking(parsed_config={"b": {"type": "videorectangle"}}) is True


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("$a", True),
        ("$a_B", True),
        ("$_", True),
        ("a", False),
        ("", False),
        ("$", False),
        ("$a1", False),
        ("$a\n", False),
        ("$a.b", False),
    ],
)
def test_has_variable(value: str, expected: bool) -> None:
    assert has_variable(value) is expected


def test_tag_predicates_and_the_owner_lookup() -> None:
    root = parse_xml(
        '<View><Text name="t" value="$t"/><Choices name="c" toName="t"><View><Choice value="a"/></View></Choices>'
        '<Filter name="f" toName="t"/></View>'
    ).root
    view, text, choices, inner, choice, filter_ = root.iter()
    assert [_is_input_tag(tag) for tag in (view, text, choices, filter_)] == [False, True, False, False]
    assert [_is_output_tag(tag) for tag in (view, text, choices, filter_)] == [False, False, True, False]
    assert _get_parent_output_tag_name(choice, {"c": {}}) == "c"
    assert _get_parent_output_tag_name(inner, {"c": {}}) == "c"
    assert _get_parent_output_tag_name(choices, {"c": {}}) is None  # a control does not own itself
    assert _get_parent_output_tag_name(choice, {}) is None


def test_the_module_is_importable_as_label_config() -> None:
    assert label_config.parse_config is parse_config
    assert set(label_config._NOT_CONTROL_TAGS) == {"Filter"}
    assert set(label_config._VIDEO_TRACKING_TAGS) == {"videorectangle"}
    assert set(label_config._LABEL_TAGS) == {"Label", "Choice", "Relation"}


def test_one_class_per_exception_meaning() -> None:
    for name in (
        "LabelStudioXMLSyntaxErrorSentryIgnored",
        "LabelStudioValidationErrorSentryIgnored",
        "LSConfigParseException",
        "LabelConfigError",
    ):
        assert getattr(tools_exceptions, name) is getattr(legacy_exceptions, name)
    assert label_config.LabelStudioXMLSyntaxErrorSentryIgnored is LabelStudioXMLSyntaxErrorSentryIgnored


def test_label_interface_syntax_errors_are_the_class_the_server_maps_to_400() -> None:
    # LabelInterface reads configs with parse_xml. The published package raised an unrelated class of the
    # same name there, so the server answered 500 instead of 400.
    with pytest.raises(LabelStudioXMLSyntaxErrorSentryIgnored):
        parse_xml("<View><Text name='t' value='$t'></View>")


def test_importing_parse_config_loads_no_tag_model() -> None:
    code = (
        "import sys, label_studio_sdk._extensions.label_studio_tools.core.label_config\n"
        "print(sorted(m for m in sys.modules if m.startswith('label_studio_sdk.label_interface')))"
    )
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == (
        "['label_studio_sdk.label_interface', 'label_studio_sdk.label_interface._xml', "
        "'label_studio_sdk.label_interface.exceptions']"
    )
