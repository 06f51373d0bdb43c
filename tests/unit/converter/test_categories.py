"""Class ids shared by the image exports: alphabetical or config order, pins, labels met only in data."""

from __future__ import annotations

from label_studio_sdk._extensions.label_studio_tools.core.label_config import parse_config
from label_studio_sdk.converter.categories import Categories

CONFIG = parse_config(
    """<View><Image name="image" value="$image"/>
  <RectangleLabels name="box" toName="image">
    <Label value="zebra"/><Label value="cat" category="3"/><Label value="ant"/>
  </RectangleLabels>
  <Choices name="kind" toName="image"><Choice value="aaa"/></Choices>
</View>"""
)


def test_alphabetical_ids_around_a_pin() -> None:
    categories = Categories(CONFIG)
    assert categories.entries() == [
        {"id": 0, "name": "ant"},
        {"id": 1, "name": "zebra"},
        {"id": 3, "name": "cat"},
    ]
    assert categories.names_by_id() == ["ant", "zebra", "__unused_2__", "cat"]
    assert "aaa" not in categories  # Choices labels are not classes


def test_config_order_ids_around_a_pin() -> None:
    categories = Categories(CONFIG, order="config")
    assert categories.names_by_id() == ["zebra", "ant", "__unused_2__", "cat"]


def test_a_label_met_only_in_the_data_takes_the_next_free_id() -> None:
    categories = Categories(CONFIG)
    assert categories.id_of("dog") == 2
    assert categories.id_of("dog") == 2 and "dog" not in categories.from_config
