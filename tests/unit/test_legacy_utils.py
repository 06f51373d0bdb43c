"""parse_config and chunk of the 0.x utils (label_studio_sdk._legacy.utils)."""

from __future__ import annotations

from typing import Any, Iterator

import pytest

from label_studio_sdk._extensions.label_studio_tools.core import label_config
from label_studio_sdk._legacy import LabelConfigParseError, chunk, parse_config
from label_studio_sdk._legacy.exceptions import LabelStudioXMLSyntaxErrorSentryIgnored

TEXT_CLASSIFICATION = """
<View>
  <Text name="text" value="$text"/>
  <Choices name="sentiment" toName="text" choice="single">
    <Choice value="Positive"/>
    <Choice value="Negative" background="red"/>
  </Choices>
</View>
"""


def test_text_classification() -> None:
    assert parse_config(TEXT_CLASSIFICATION) == {
        "sentiment": {
            "type": "Choices",
            "to_name": ["text"],
            "inputs": [{"type": "Text", "valueType": None, "value": "text"}],
            "labels": ["Positive", "Negative"],
            "labels_attrs": {
                "Positive": {"value": "Positive"},
                "Negative": {"value": "Negative", "background": "red"},
            },
        }
    }


def test_several_controls_and_objects() -> None:
    config = """
    <View>
      <Image name="image" value="$image_url"/>
      <RectangleLabels name="boxes" toName="image">
        <Label value="Cat" alias="C" background="blue"/>
        <Label value="Dog"/>
      </RectangleLabels>
      <TextArea name="caption" toName="image" editable="true"/>
      <Rating name="rating" toName="image" maxRating="5"/>
    </View>
    """
    parsed = parse_config(config)
    assert list(parsed) == ["boxes", "caption", "rating"]
    boxes = parsed["boxes"]
    assert boxes["type"] == "RectangleLabels"
    assert boxes["inputs"] == [{"type": "Image", "valueType": None, "value": "image_url"}]
    assert boxes["labels"] == ["C", "Dog"]  # alias first, else value
    assert boxes["labels_attrs"]["C"] == {"value": "Cat", "alias": "C", "background": "blue"}
    assert parsed["caption"]["labels"] == [] and parsed["caption"]["labels_attrs"] == {}
    assert parsed["rating"]["to_name"] == ["image"]


def test_labels_nested_in_views_belong_to_their_control() -> None:
    config = """
    <View>
      <Text name="text" value="$text"/>
      <Choices name="topic" toName="text">
        <View><View><Choice value="Sports"/></View></View>
        <View><Choice value="Politics"/></View>
      </Choices>
      <Labels name="ner" toName="text"><Label value="PER"/></Labels>
    </View>
    """
    parsed = parse_config(config)
    assert parsed["topic"]["labels"] == ["Sports", "Politics"]
    assert parsed["ner"]["labels"] == ["PER"]


def test_multiple_to_names_and_a_missing_object() -> None:
    config = """
    <View>
      <Text name="a" value="$a"/>
      <Text name="b" value="$b" valueType="url"/>
      <Relations name="rel" toName="a,b,ghost"><Relation value="parent"/></Relations>
    </View>
    """
    rel = parse_config(config)["rel"]
    assert rel["to_name"] == ["a", "b", "ghost"]
    assert rel["inputs"] == [
        {"type": "Text", "valueType": None, "value": "a"},
        {"type": "Text", "valueType": "url", "value": "b"},
    ]
    assert rel["labels"] == ["parent"]


def test_to_names_are_split_as_written() -> None:
    # As 0.x and the server: " b" is not stripped, so it matches no object (the server rejects such configs).
    config = (
        '<View><Text name="a" value="$a"/><Text name="b" value="$b"/><Choices name="c" toName="a, b"/></View>'
    )
    choices = parse_config(config)["c"]
    assert choices["to_name"] == ["a", " b"]
    assert choices["inputs"] == [{"type": "Text", "valueType": None, "value": "a"}]


def test_per_region_conditionals() -> None:
    config = """
    <View>
      <Text name="text" value="$text"/>
      <Labels name="ner" toName="text"><Label value="PER"/></Labels>
      <Choices name="kind" toName="text" perRegion="true" whenLabelValue="PER"><Choice value="A"/></Choices>
      <TextArea name="note" toName="text" perRegion="true" whenTagName="ner"/>
      <Choices name="plain" toName="text" perRegion="true"><Choice value="B"/></Choices>
    </View>
    """
    parsed = parse_config(config)
    assert parsed["kind"]["conditionals"] == {"type": "label", "name": "PER"}
    assert parsed["note"]["conditionals"] == {"type": "tag", "name": "ner"}
    assert "conditionals" not in parsed["plain"]
    assert "conditionals" not in parsed["ner"]


def test_filter_tags_are_not_controls_and_labels_without_value_are_skipped() -> None:
    config = """
    <View>
      <Text name="text" value="$text"/>
      <Filter name="f" toName="labels"/>
      <Labels name="labels" toName="text"><Label value=""/><Label value="X"/></Labels>
    </View>
    """
    parsed = parse_config(config)
    assert list(parsed) == ["labels"]
    assert parsed["labels"]["labels"] == ["X"]


def test_empty_configs() -> None:
    assert parse_config("") == {}
    assert parse_config(None) == {}
    assert parse_config("<View><Header value='x'/></View>") == {}


def test_a_blank_config_is_a_syntax_error() -> None:
    # Only "" and None are empty; 0.x raised for whitespace as well.
    with pytest.raises(LabelConfigParseError, match="empty"):
        parse_config("   ")


def test_malformed_xml_raises_a_value_error() -> None:
    with pytest.raises(LabelConfigParseError, match="not valid XML"):
        parse_config("<View><Text name='t' value='$t'></View>")
    assert issubclass(LabelConfigParseError, ValueError)
    assert LabelConfigParseError is LabelStudioXMLSyntaxErrorSentryIgnored


def test_dtds_and_entities_are_refused() -> None:
    config = '<?xml version="1.0"?><!DOCTYPE v [<!ENTITY a "aaaa">]><View><Text name="t" value="&a;"/></View>'
    with pytest.raises(LabelConfigParseError, match="DOCTYPE"):
        parse_config(config)


def test_parse_config_is_the_tools_one() -> None:
    config = '<View><Image name="i" valueList="$ims"/><Labels name="l" toName="i" value="$opts"/></View>'
    assert parse_config(config) == label_config.parse_config(config)
    assert parse_config(config)["l"]["dynamic_labels"] is True


def test_chunk_sequences_give_slices() -> None:
    assert list(chunk([1, 2, 3, 4, 5], 2)) == [[1, 2], [3, 4], [5]]
    assert list(chunk((1, 2, 3), 3)) == [(1, 2, 3)]
    assert list(chunk("abcde", 2)) == ["ab", "cd", "e"]
    assert list(chunk([], 10)) == []


def test_chunk_any_iterable_gives_lists() -> None:
    def numbers() -> Iterator[int]:
        yield from range(5)

    assert list(chunk(numbers(), 2)) == [[0, 1], [2, 3], [4]]
    assert list(chunk({7}, 5)) == [[7]]


@pytest.mark.parametrize("size", [0, -1, 1.5, True, "2"])
def test_chunk_rejects_bad_sizes(size: Any) -> None:
    with pytest.raises(ValueError, match="positive integer"):
        list(chunk([1, 2], size))
