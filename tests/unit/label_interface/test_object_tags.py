"""Object tags on their own: the family classes, their sample task values and their config checks.

Objects are built straight from parsed XML (``ObjectTag.parse_node``), so these tests do not need the
control families. The last test runs every object of the server's own templates through its sample and
checks it against the types the server accepts in task data.
"""

from __future__ import annotations

import datetime
import xml.etree.ElementTree as ET
from typing import Any, Dict, List, Tuple, Type
from urllib.parse import parse_qs, urlsplit

import pytest

from label_studio_sdk.label_interface._xml import parse_xml
from label_studio_sdk.label_interface.object_tags import (
    _OBJECT_TAGS_MAPPING,
    SAMPLE_HOST,
    AudioTag,
    ChatTag,
    HyperTextTag,
    ImageTag,
    ListTag,
    ObjectTag,
    ParagraphsTag,
    PdfTag,
    TableTag,
    TextTag,
    TimeSeriesTag,
    VideoTag,
    sample_times,
)
from tests.ls_server_files import template_configs


def obj(xml: str) -> ObjectTag:
    """The object tag of a one-tag config (the tag is on line 2, as in a real config)."""
    node = parse_xml(f"<View>\n{xml}\n</View>").root.children[0]
    return ObjectTag.parse_node(node)


# --- the mapping and construction ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tag", "cls"),
    [
        ("audio", AudioTag),
        ("image", ImageTag),
        ("table", TableTag),
        ("text", TextTag),
        ("video", VideoTag),
        ("hypertext", HyperTextTag),
        ("list", ListTag),
        ("paragraphs", ParagraphsTag),
        ("timeseries", TimeSeriesTag),
        ("chat", ChatTag),
        ("pdf", PdfTag),
    ],
)
def test_mapping_is_keyed_by_lowercased_tag(tag: str, cls: Type[ObjectTag]) -> None:
    assert _OBJECT_TAGS_MAPPING[tag] is cls
    assert cls(name="x", value="$x").tag.lower() == tag


def test_parse_node_picks_the_family_and_keeps_everything() -> None:
    image = obj('<Image name="img" value="$image" zoom="true"/>')
    assert type(image) is ImageTag
    assert (image.name, image.value, image.value_name, image.line) == ("img", "$image", "image", 2)
    assert image.attr == {"name": "img", "value": "$image", "zoom": "true"}
    custom = obj('<Foo name="foo" value="$foo"/>')
    assert type(custom) is ObjectTag and custom.tag == "Foo"


def test_parse_node_reads_xml_etree_elements_too() -> None:
    element = ET.fromstring(
        '<TimeSeries name="ts" value="$ts" timeColumn="t"><Channel column="a"/></TimeSeries>'
    )
    assert ObjectTag.validate_node(element)
    series = ObjectTag.parse_node(element)
    assert isinstance(series, TimeSeriesTag)
    assert series.channel_columns == ["a"]
    assert not ObjectTag.validate_node(ET.fromstring('<Image name="img"/>'))


def test_tags_mapping_overrides_the_family() -> None:
    class MyImage(ImageTag):
        __slots__ = ()

    node = parse_xml('<View><Image name="i" value="$i"/></View>').root.children[0]
    assert type(ObjectTag.parse_node(node, tags_mapping={"image": MyImage})) is MyImage


# --- collect_attrs: the value goes back as it was read ----------------------------------------------------


def test_collect_attrs_does_not_double_the_dollar() -> None:
    # The published 2.1.2 writes "$$text" here, so a parsed tag fed back to create() breaks its config.
    text = obj('<Text name="t" value="$text" granularity="word"/>')
    assert text.collect_attrs() == {"name": "t", "value": "$text", "granularity": "word"}
    assert obj('<Text name="t" value="Literal"/>').collect_attrs()["value"] == "Literal"
    assert ImageTag(name="x", value="$x").collect_attrs() == {"name": "x", "value": "$x"}


def test_collect_attrs_of_an_image_list_writes_value_list_only() -> None:
    pages = obj('<Image name="pdf" valueList="$pages"/>')
    assert pages.collect_attrs() == {"name": "pdf", "valueList": "$pages"}


# --- samples per family ---------------------------------------------------------------------------------


def test_media_samples_are_files_the_server_ships() -> None:
    assert (
        obj('<Image name="i" value="$image"/>').generate_example_value()
        == f"{SAMPLE_HOST}/static/samples/sample.jpg"
    )
    assert (
        obj('<Audio name="a" value="$audio"/>').generate_example_value()
        == f"{SAMPLE_HOST}/static/samples/game.wav"
    )
    video = f"{SAMPLE_HOST}/static/samples/opossum_snow.mp4"
    assert obj('<Video name="v" value="$video"/>').generate_example_value() == video
    assert (
        obj('<Pdf name="p" value="$pdf"/>').generate_example_value()
        == f"{SAMPLE_HOST}/static/samples/sample.pdf"
    )


def test_audio_synced_to_a_video_on_the_same_field_gets_the_video() -> None:
    # video-timeline-segmentation: <Video value="$video_url"/> and <Audio value="$video_url"/> share one field.
    assert obj('<Audio name="a" value="$video_url"/>').generate_example_value().endswith(".mp4")


def test_image_list_sample_is_a_list_of_urls() -> None:
    pages = obj('<Image name="pdf" valueList="$pages"/>')
    assert isinstance(pages, ImageTag) and pages.is_image_list
    sample = pages.generate_example_value()
    assert isinstance(sample, list) and len(sample) > 1
    assert all(url.startswith(f"{SAMPLE_HOST}/static/samples/") for url in sample)
    assert not obj('<Image name="i" value="$i"/>').is_image_list  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("xml", "secure", "is_url"),
    [
        ('<Text name="t" value="$text"/>', False, False),
        ('<Text name="t" value="$text"/>', True, True),
        ('<Text name="t" value="$text" valueType="url"/>', False, True),
        ('<Text name="t" value="$text" valuetype="URL"/>', False, True),
    ],
)
def test_text_is_raw_unless_url_or_secure(xml: str, secure: bool, is_url: bool) -> None:
    sample = obj(xml).generate_example_value(secure_mode=secure)
    assert isinstance(sample, str)
    assert sample.startswith("https://") is is_url


def test_text_sample_fits_the_field_name() -> None:
    assert obj('<Text name="q" value="$question"/>').generate_example_value().endswith("?")


def test_hypertext_is_html_or_the_servers_html_page() -> None:
    assert obj('<HyperText name="h" value="$html"/>').generate_example_value().startswith("<")
    url = obj('<HyperText name="h" value="$html" valueType="url"/>').generate_example_value()
    assert url == f"{SAMPLE_HOST}/static/samples/hypertext.html"
    assert obj('<HyperText name="h" value="$html"/>').generate_example_value(secure_mode=True) == url


def test_table_sample_is_a_dict() -> None:
    sample = obj('<Table name="t" value="$item"/>').generate_example_value()
    assert isinstance(sample, dict) and sample
    sample["changed"] = 1  # a copy: changing one sample does not change the next
    assert "changed" not in obj('<Table name="t" value="$item"/>').generate_example_value()


def test_list_items_have_unique_ids_titles_and_bodies() -> None:
    items = obj('<List name="answers" value="$items" title="All"/>').generate_example_value()
    assert len(items) >= 2
    assert all(set(item) == {"id", "title", "body"} for item in items)
    assert len({item["id"] for item in items}) == len(items)


def test_a_list_of_images_shows_images() -> None:
    items = obj('<List name="generated_images" value="$images"/>').generate_example_value()
    assert all(
        item["html"].startswith("<img src='http://localhost:8080/static/samples/chairs/") for item in items
    )


def test_paragraphs_use_name_key_and_text_key() -> None:
    lines = obj(
        '<Paragraphs name="p" value="$messages" nameKey="role" textKey="content"/>'
    ).generate_example_value()
    assert len(lines) >= 2
    assert all(set(line) == {"role", "content"} for line in lines)
    default = obj('<Paragraphs name="p" value="$dialogue"/>').generate_example_value()
    assert all(set(line) == {"author", "text"} for line in default)


def test_paragraphs_synced_to_audio_carry_times() -> None:
    lines = obj(
        '<Paragraphs name="p" value="$text" audioUrl="$audio" sync="audio"/>'
    ).generate_example_value()
    assert all(line["start"] < line["end"] for line in lines)
    assert [line["start"] for line in lines] == sorted(line["start"] for line in lines)


def test_paragraphs_url_is_the_servers_generator_with_the_keys() -> None:
    tag = obj('<Paragraphs name="p" value="$d" nameKey="role" textKey="content" valueType="url"/>')
    # In upload mode the published 2.1.2 raises TypeError here.
    for mode in ("upload", "editor_preview"):
        url = tag.generate_example_value(mode=mode)
        assert url == f"{SAMPLE_HOST}/samples/paragraphs.json?nameKey=role&textKey=content"


def test_chat_messages_honour_min_max_and_roles() -> None:
    messages = obj('<Chat name="chat" value="$chat"/>').generate_example_value()
    assert [m["role"] for m in messages] == ["user", "assistant"]
    assert all(isinstance(m["content"], str) and m["content"] for m in messages)
    assert [m["createdAt"] for m in messages] == sorted(m["createdAt"] for m in messages)
    four = obj('<Chat name="c" value="$chat" minMessages="4" messageroles="user,assistant"/>')
    assert len(four.generate_example_value()) == 4
    capped = obj('<Chat name="c" value="$chat" minMessages="5" maxMessages="3"/>').generate_example_value()
    assert len(capped) == 3
    # A maxMessages read from the task ("$max") sets no bound at sample time.
    assert (
        len(obj('<Chat name="c" value="$chat" minMessages="2" maxMessages="$max"/>').generate_example_value())
        == 2
    )
    roles = obj(
        '<Chat name="c" value="$chat" minMessages="3" messageroles="customer, agent"/>'
    ).generate_example_value()
    assert [m["role"] for m in roles] == ["customer", "agent", "customer"]


# --- time series ----------------------------------------------------------------------------------------

SERIES = """<TimeSeries name="ts" value="$ts" timeColumn="time" timeFormat="%Y-%m-%d %H:%M:%S.%f">
  <Channel column="velocity"/>
  <View><Channel column="acceleration"/></View>
</TimeSeries>"""


def test_time_series_sample_is_keyed_by_the_configs_columns() -> None:
    series = obj(SERIES)
    assert isinstance(series, TimeSeriesTag)
    assert series.channel_columns == ["velocity", "acceleration"]
    data = series.generate_example_value()
    assert list(data) == ["time", "velocity", "acceleration"]
    assert all(len(column) == 100 for column in data.values())
    assert all(isinstance(value, float) for value in data["velocity"])
    assert data["velocity"] != data["acceleration"]
    times = [datetime.datetime.strptime(text, "%Y-%m-%d %H:%M:%S.%f") for text in data["time"]]
    assert times == sorted(set(times))


def test_time_series_samples_are_repeatable() -> None:
    assert obj(SERIES).generate_example_value() == obj(SERIES).generate_example_value()


@pytest.mark.parametrize(
    ("time_format", "points"),
    [("%Y-%m-%d", 100), ("%Y-%m", 100), ("%Y", 100), ("%H:%M", 100), ("%d", 31), ("%m", 12)],
)
def test_strftime_formats_step_by_their_finest_unit_without_repeats(time_format: str, points: int) -> None:
    times = sample_times(time_format)
    assert len(times) == points
    assert len(set(times)) == points
    parsed = [datetime.datetime.strptime(text, time_format) for text in times]
    assert parsed == sorted(parsed)


def test_without_time_format_times_are_numbers() -> None:
    assert sample_times(None) == list(range(100))
    # The published 2.1.2 raises NotImplementedError for a format that is not strftime.
    data = obj(
        '<TimeSeries name="ts" value="$ts" timeColumn="t" timeFormat="yyyy-MM-dd"><Channel column="v"/></TimeSeries>'
    )
    assert data.generate_example_value()["t"] == list(range(100))


def test_time_series_without_time_column_has_only_channels() -> None:
    data = obj(
        '<TimeSeries name="ts" value="$ts"><Channel column="a"/></TimeSeries>'
    ).generate_example_value()
    assert list(data) == ["a"]


def test_time_series_url_names_the_columns_separator_and_format() -> None:
    tag = obj(SERIES.replace('name="ts"', 'name="ts" valueType="url" sep=";"'))
    url = tag.generate_example_value()
    parts = urlsplit(url)
    assert parts.path == "/samples/time-series.csv"
    assert parse_qs(parts.query) == {
        "time": ["time"],
        "values": ["velocity,acceleration"],
        "sep": [";"],
        "tf": ["%Y-%m-%d %H:%M:%S.%f"],
    }
    assert obj(SERIES).generate_example_value(secure_mode=True).startswith("/samples/time-series.csv?")


# --- tags of no family ------------------------------------------------------------------------------------


def test_generic_tags_get_a_real_sample_not_something() -> None:
    # The published 2.1.2 answers "Something" for every tag without a family.
    markdown = obj('<Markdown name="md" value="$notes"/>').generate_example_value()
    assert markdown.startswith("#")
    assert obj('<Foo name="f" value="$photo"/>').generate_example_value().endswith(".jpg")
    assert obj('<Foo name="f" value="$recording_audio"/>').generate_example_value().endswith(".wav")
    plain = obj('<Foo name="f" value="$foo"/>').generate_example_value()
    assert isinstance(plain, str) and plain != "Something" and len(plain) > 20
    assert obj('<Foo name="f" value="$foo" valueType="url"/>').generate_example_value().startswith("https://")


# --- Video checks ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("attrs", "messages"),
    [
        (
            'defaultPlaybackSpeed="abc"',
            ['Video tag "v": defaultPlaybackSpeed must be a number, got "abc" (line 2)'],
        ),
        (
            'defaultPlaybackSpeed="20"',
            ['Video tag "v": defaultPlaybackSpeed must be between 0.05 and 10, got 20.0 (line 2)'],
        ),
        (
            'minPlaybackSpeed="0.01"',
            ['Video tag "v": minPlaybackSpeed must be between 0.05 and 10, got 0.01 (line 2)'],
        ),
        (
            'defaultPlaybackSpeed="nan"',
            ['Video tag "v": defaultPlaybackSpeed must be between 0.05 and 10, got nan (line 2)'],
        ),
        (
            'minPlaybackSpeed="2" defaultPlaybackSpeed="1"',
            ['Video tag "v": minPlaybackSpeed (2.0) must not exceed defaultPlaybackSpeed (1.0) (line 2)'],
        ),
        (
            'minPlaybackSpeed="x" defaultPlaybackSpeed="y"',
            [
                'Video tag "v": defaultPlaybackSpeed must be a number, got "y" (line 2)',
                'Video tag "v": minPlaybackSpeed must be a number, got "x" (line 2)',
            ],
        ),
        ('minPlaybackSpeed="0.5" defaultPlaybackSpeed="1"', []),
        ('minPlaybackSpeed="0.05" defaultPlaybackSpeed="10"', []),
        ('minPlaybackSpeed="2"', []),
        ('defaultPlaybackSpeed=""', []),
    ],
)
def test_video_playback_speeds(attrs: str, messages: List[str]) -> None:
    assert obj(f'<Video name="v" value="$video" {attrs}/>').validate_config() == messages


def test_video_built_in_code_has_no_line_to_name() -> None:
    video = VideoTag(name="v", value="$v", attr={"defaultPlaybackSpeed": "0"})
    assert video.validate_config() == [
        'Video tag "v": defaultPlaybackSpeed must be between 0.05 and 10, got 0.0'
    ]


def test_other_objects_have_no_config_problems() -> None:
    assert obj('<Image name="i" value="$i" defaultPlaybackSpeed="abc"/>').validate_config() == []


# --- every object of the server's templates --------------------------------------------------------------

SERVER_ACCEPTS: Dict[str, Tuple[type, ...]] = {
    "Text": (str, int, float, list),
    "Header": (str, int, float),
    "HyperText": (str,),
    "Image": (str, list),
    "Paragraphs": (list, str),
    "Chat": (list, str),
    "Table": (dict, list, str),
    "TimeSeries": (dict, list, str),
    "List": (list, str),
}
"""The types the server (1.23.2) accepts in task data per object tag; any other tag takes a string."""


def _template_objects() -> List[Tuple[str, str]]:
    found = []
    for template, config in template_configs():
        for node in parse_xml(config).root.iter():
            variable = (node.get("value") or node.get("valueList") or "").startswith("$")
            if ObjectTag.validate_node(node) and not node.get("toName") and variable:
                found.append((f"{template}:{node.get('name')}", f"<View>{_xml_of(node)}</View>"))
    return found


def _xml_of(node: Any) -> str:
    element = ET.Element(node.tag, node.attrib)
    for child in node.children:
        ET.SubElement(element, child.tag, child.attrib)
    return ET.tostring(element, encoding="unicode")


TEMPLATE_OBJECTS = _template_objects()


@pytest.mark.parametrize("config", [c for _, c in TEMPLATE_OBJECTS], ids=[i for i, _ in TEMPLATE_OBJECTS])
def test_template_object_samples_are_task_data_the_server_accepts(config: str) -> None:
    tag = ObjectTag.parse_node(parse_xml(config).root.children[0])
    sample: Any = tag.generate_example_value()
    accepted = isinstance(sample, SERVER_ACCEPTS.get(tag.tag, (str,)))
    assert accepted, (tag.tag, type(sample).__name__)
    if isinstance(tag, ParagraphsTag):
        assert all({tag.name_key, tag.text_key} <= set(line) for line in sample)
    if isinstance(tag, TimeSeriesTag) and isinstance(sample, str):
        assert parse_qs(urlsplit(sample).query)["values"] == [",".join(tag.channel_columns)]
    if isinstance(tag, ListTag):
        assert all(isinstance(item, dict) and item["id"] for item in sample)
    if isinstance(tag, ChatTag):
        assert all({"role", "content"} <= set(message) for message in sample)


def test_the_templates_were_found() -> None:
    if not template_configs():
        pytest.skip("the Label Studio server is not installed")
    assert len(TEMPLATE_OBJECTS) > 60
