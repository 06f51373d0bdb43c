"""Building configs in code: the label helpers, ``LabelInterface.create`` and the tuple/XML functions.

Where the published 2.1.2 gives the same output, the expected strings are its output (users diff
configs), so attribute order and the self-closing style are pinned here.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from label_studio_sdk.label_interface import LabelInterface
from label_studio_sdk.label_interface._xml import parse_xml
from label_studio_sdk.label_interface.create import (
    _convert,
    build_config,
    choices,
    convert_tags_description,
    create_element,
    labels,
    taxonomy,
    tree_from_tuples,
    tree_to_string,
)

# --- label helpers -----------------------------------------------------------------------------------------


def test_labels_tuple() -> None:
    assert labels(["A", "B"]) == (
        "Labels",
        {},
        (("Label", {"value": "A"}, {}), ("Label", {"value": "B"}, {})),
    )
    assert labels(["Car"], tag_type="RectangleLabels", showInline="true") == (
        "RectangleLabels",
        {"showInline": "true"},
        (("Label", {"value": "Car"}, {}),),
    )


def test_label_given_as_a_mapping_keeps_its_attributes() -> None:
    assert labels([{"value": "Car", "background": "red"}])[2] == (
        ("Label", {"value": "Car", "background": "red"}, {}),
    )


def test_choices_tuple() -> None:
    assert choices(["Yes", "No"], choice="multiple") == (
        "Choices",
        {"choice": "multiple"},
        (("Choice", {"value": "Yes"}, {}), ("Choice", {"value": "No"}, {})),
    )


def test_taxonomy_tuples_become_subtrees() -> None:
    assert taxonomy(["A", ("B", "b1", "b2")]) == (
        "Taxonomy",
        {},
        (
            ("Choice", {"value": "A"}, {}),
            ("Choice", {"value": "B"}, (("Choice", {"value": "b1"}, {}), ("Choice", {"value": "b2"}, {}))),
        ),
    )


def test_taxonomy_nests_at_any_depth() -> None:
    # The published 2.1.2 writes <Choice value="('c1', 'x')"/> for a tuple two levels down.
    config = build_config({"tax": taxonomy([("C", ("c1", "x"))]), "txt": "Text"})
    assert '<Choice value="c1">\n        <Choice value="x"/>\n      </Choice>' in config
    with pytest.raises(ValueError, match="parent"):
        taxonomy([()])


# --- create: output strings ------------------------------------------------------------------------------------

IMAGE_BOXES = (
    '<View>\n  <Image name="image" value="$image"/>\n  <RectangleLabels name="label" toName="image">\n'
    '    <Label value="Car"/>\n  </RectangleLabels>\n</View>\n'
)


def test_create_pretty_matches_the_published_output() -> None:
    tags = {"image": "Image", "label": labels(["Car"], tag_type="RectangleLabels")}
    assert LabelInterface.create(tags) == IMAGE_BOXES


def test_create_compact_matches_the_published_output() -> None:
    tags = {"image": "Image", "label": labels(["Car"], tag_type="RectangleLabels")}
    assert LabelInterface.create(tags, pretty=False) == (
        '<View><Image name="image" value="$image" /><RectangleLabels name="label" toName="image">'
        '<Label value="Car" /></RectangleLabels></View>'
    )


def test_given_attributes_come_first() -> None:
    config = build_config({"img": ("Image", {"zoom": "true"}), "lab": labels(["A"], showInline="true")})
    assert '<Image zoom="true" name="img" value="$img"/>' in config
    assert '<Labels showInline="true" name="lab" toName="img">' in config


def test_title_and_style_per_tag() -> None:
    config = build_config(
        {"text": "Text", "sent": choices(["Pos", "Neg"])},
        title={"sent": "Sentiment", "unknown": "ignored"},
        style={"sent": "display:flex"},
    )
    assert config == (
        '<View>\n  <Text name="text" value="$text"/>\n  <Header value="Sentiment"/>\n'
        '  <View style="display:flex">\n    <Choices name="sent" toName="text">\n'
        '      <Choice value="Pos"/>\n      <Choice value="Neg"/>\n    </Choices>\n  </View>\n</View>\n'
    )


def test_title_string_puts_a_header_at_the_top() -> None:
    # The published 2.1.2 raises TypeError for a plain-string title.
    config = LabelInterface.create({"t": "Text", "c": choices(["x"])}, title="Review the text")
    root = parse_xml(config).root
    assert (root.children[0].tag, root.children[0].attrib) == ("Header", {"value": "Review the text"})


def test_style_string_styles_the_root_view() -> None:
    # The published 2.1.2 ignores a plain-string style.
    config = build_config({"t": "Text"}, style="display: flex")
    assert config.startswith('<View style="display: flex">\n')


def test_empty_config() -> None:
    assert build_config({}) == "<View/>\n"
    assert build_config({}, pretty=False) == "<View />"


# --- create: value and toName --------------------------------------------------------------------------------


def test_objects_get_value_from_their_name_unless_given() -> None:
    config = build_config(
        {"img": ("Image", {"value": "$photo"}), "img2": "Image", "doc": "Pdf", "chat": "Chat"}
    )
    assert '<Image value="$photo" name="img"/>' in config
    assert '<Image name="img2" value="$img2"/>' in config
    assert '<Pdf name="doc" value="$doc"/>' in config
    assert '<Chat name="chat" value="$chat"/>' in config


def test_value_list_objects_get_no_value() -> None:
    # The published 2.1.2 adds value="$img" next to valueList.
    assert '<Image valueList="$pages" name="img"/>' in build_config(
        {"img": ("Image", {"valueList": "$pages"})}
    )


def test_to_name_comes_from_mapping_then_the_first_object() -> None:
    config = build_config(
        {
            "img": "Image",
            "img2": "Image",
            "first": labels(["A"]),
            "mapped": labels(["B"]),
            "explicit": ("Labels", {"toName": "img2"}),
        },
        mapping={"mapped": "img2", "explicit": "img"},
    )
    assert '<Labels name="first" toName="img">' in config
    assert '<Labels name="mapped" toName="img2">' in config
    assert '<Labels toName="img2" name="explicit"/>' in config


def test_controls_after_their_object_and_non_controls() -> None:
    config = build_config({"lab": labels(["A"]), "img": "Image", "h": "Header", "foo": "Foo"})
    assert '<Labels name="lab" toName="img">' in config
    assert '<Header name="h"/>' in config and '<Foo name="foo"/>' in config


def test_a_control_without_any_object_is_an_error() -> None:
    with pytest.raises(ValueError, match=r"'lab'.*no object"):
        build_config({"lab": labels(["A"])})


def test_self_referencing_tags_get_no_to_name() -> None:
    config = build_config({"chat": "Chat", "rc": "ReactCode", "rank": "Ranker"})
    assert '<ReactCode name="rc"/>' in config
    assert '<Ranker name="rank" toName="chat"/>' in config


def test_the_callers_tuples_are_not_changed() -> None:
    # The published 2.1.2 writes name/value/toName into the caller's attrs dicts.
    image_attrs = {"zoom": "true"}
    label_set = labels(["A"])
    build_config({"img": ("Image", image_attrs), "lab": label_set})
    assert image_attrs == {"zoom": "true"}
    assert label_set == labels(["A"])


def test_given_name_attribute_wins() -> None:
    assert '<Choices name="other" toName="img"/>' in build_config(
        {"img": "Image", "c": ("Choices", {"name": "other"})}
    )


# --- escaping and attribute values ------------------------------------------------------------------------------


def test_attribute_values_are_escaped_and_read_back_unchanged() -> None:
    values = ["A & B", 'say "hi"', "<x>", "it's", "two\nlines\tand tab", "é€😀"]
    for pretty in (True, False):
        config = build_config({"txt": "Text", "lab": labels(values)}, pretty=pretty)
        read = [label.attrib["value"] for label in parse_xml(config).root.iter() if label.tag == "Label"]
        assert read == values
    assert '<Label value="A &amp; B"/>' in build_config({"txt": "Text", "lab": labels(["A & B"])})


def test_non_string_attributes() -> None:
    config = build_config({"t": ("Text", {"editable": True, "rows": 3, "toName": ["a", "b"], "skip": None})})
    assert '<Text editable="true" rows="3" toName="a,b" name="t" value="$t"/>' in config


@pytest.mark.parametrize(
    "tags",
    [{"i": ("Image name", {})}, {"i": ("Image", {'a"b': "1"})}, {"i": ("Image", {"x": "bell\x07"})}],
)
def test_what_xml_cannot_carry_is_refused(tags: dict) -> None:  # type: ignore[type-arg]
    with pytest.raises(ValueError):
        build_config(tags)


def test_text_children_are_escaped() -> None:
    assert '<Header name="h">Hello &lt;b&gt;</Header>' in build_config({"h": ("Header", {}, "Hello <b>")})


def test_bad_tag_descriptions_raise_type_error() -> None:
    with pytest.raises(TypeError, match="'x'"):
        build_config({"x": 42})  # type: ignore[dict-item]


# --- parsed tags written back ------------------------------------------------------------------------------------

PARSED = """<View>
  <Image name="img" value="$image" zoom="true"/>
  <TimeSeries name="ts" value="$ts" timeColumn="time"><Channel column="velocity"/></TimeSeries>
  <Choices name="quality" toName="img" choice="multiple">
    <Choice value="Good"/>
    <Choice value="Bad" alias="B"/>
  </Choices>
</View>"""


def test_parsed_tags_are_written_back_as_they_were() -> None:
    li = LabelInterface(PARSED)
    # The published 2.1.2 writes value="$$image", toName="['img']" and drops the choices.
    config = LabelInterface.create({name: li.get_tag(name) for name in ("img", "ts", "quality")})
    assert '<Image name="img" value="$image" zoom="true"/>' in config
    assert '<Channel column="velocity"/>' in config
    assert '<Choices name="quality" toName="img" choice="multiple">' in config
    assert '<Choice value="Bad" alias="B"/>' in config
    again = LabelInterface(config)
    assert again.get_control("quality").labels == li.get_control("quality").labels
    assert again.get_object("ts").channel_columns == ["velocity"]  # type: ignore[attr-defined]


# --- round trips -----------------------------------------------------------------------------------------------


def test_round_trip_keeps_controls_objects_and_labels() -> None:
    tags = {
        "image": "Image",
        "text": "Text",
        "box": labels(["Car", "Person"], tag_type="RectangleLabels"),
        "ner": labels(["PER", "ORG"]),
        "sentiment": choices(["Positive", "Negative"], choice="single"),
        "tax": taxonomy(["Animal", ("Plant", "Tree", "Flower")]),
    }
    li = LabelInterface.create_instance(tags, mapping={"ner": "text", "sentiment": "text"})
    assert {o.name: o.tag for o in li.objects} == {"image": "Image", "text": "Text"}
    assert {c.name: (c.tag, c.to_name) for c in li.controls} == {
        "box": ("RectangleLabels", ["image"]),
        "ner": ("Labels", ["text"]),
        "sentiment": ("Choices", ["text"]),
        "tax": ("Taxonomy", ["image"]),
    }
    assert li.get_control("box").labels == ["Car", "Person"]
    assert li.get_control("sentiment").labels == ["Positive", "Negative"]
    assert sorted(li.get_control("tax").labels) == ["Animal", "Flower", "Plant", "Tree"]
    assert li.get_object("text").value == "$text"


def test_the_servers_test_pattern_works() -> None:
    # label_studio/tests: LabelInterface.create({...: labels([...], tag_type="RectangleLabels")}).
    li = LabelInterface(
        LabelInterface.create({"label": labels(["Car"], tag_type="RectangleLabels"), "image": "Image"})
    )
    region = li.get_control("label").label(["Car"], x=10, y=20, width=30, height=40)
    result = region._dict()
    assert (result["from_name"], result["to_name"], result["type"]) == ("label", "image", "rectanglelabels")
    assert result["value"]["rectanglelabels"] == ["Car"]
    assert li.validate_prediction({"result": [result]})


# --- the module-level functions -----------------------------------------------------------------------------------


def test_convert_adds_name_and_object_value() -> None:
    assert _convert("x", "Image") == ("Image", {"name": "x", "value": "$x"}, ())
    assert _convert("c", ("Choices", {"a": "1"})) == ("Choices", {"a": "1", "name": "c"}, ())


def test_convert_tags_description_adds_to_name() -> None:
    assert convert_tags_description(
        {"image": "Image", "label": labels(["Car"])}, mapping={"label": "zz"}
    ) == [
        ("Image", {"name": "image", "value": "$image"}, ()),
        ("Labels", {"name": "label", "toName": "zz"}, (("Label", {"value": "Car"}, {}),)),
    ]


def test_tree_from_tuples_wraps_elements_in_a_view() -> None:
    tree = tree_from_tuples(("Image", {"name": "x"}, ()), ("Text", {"name": "t"}))
    assert isinstance(tree, ET.Element) and tree.tag == "View"
    assert [child.tag for child in tree] == ["Image", "Text"]
    assert tree_to_string(tree) == '<View>\n  <Image name="x"/>\n  <Text name="t"/>\n</View>\n'
    assert tree_to_string(tree, pretty=False) == '<View><Image name="x" /><Text name="t" /></View>'
    # Pretty printing indents a copy: the tree itself is unchanged.
    assert tree.text is None


def test_create_element_under_a_parent() -> None:
    parent = ET.Element("View")
    child = create_element(("Choices", {"name": "c"}, (("Choice", {"value": "a"}, {}),)), parent=parent)
    assert list(parent) == [child]
    assert [c.attrib for c in child] == [{"value": "a"}]
    with pytest.raises(TypeError):
        create_element(("Choices", {}, {"not": "children"}))
