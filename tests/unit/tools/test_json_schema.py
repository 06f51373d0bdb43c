"""Pydantic models built from JSON Schema, without generated source code."""

from __future__ import annotations

import datetime
import subprocess
import sys
from typing import Any, Dict

import pydantic
import pytest

from label_studio_sdk._extensions.label_studio_tools.core.utils import json_schema as json_schema_module
from label_studio_sdk._extensions.label_studio_tools.core.utils.json_schema import json_schema_to_pydantic

PERSON: Dict[str, Any] = {
    "type": "object",
    "properties": {
        "name": {"type": "string", "minLength": 1},
        "age": {"type": "integer", "minimum": 0, "maximum": 150},
        "score": {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1},
        "ok": {"type": "boolean"},
        "tags": {"type": "array", "items": {"type": "string"}, "maxItems": 2},
        "color": {"type": "string", "enum": ["red", "green"]},
    },
    "required": ["name", "color"],
}


def invalid(model: Any, data: Dict[str, Any]) -> pydantic.ValidationError:
    with pytest.raises(pydantic.ValidationError) as caught:
        model.model_validate(data)
    return caught.value


def test_object_fields_required_and_optional() -> None:
    with json_schema_to_pydantic(PERSON) as Person:
        assert Person.__name__ == "MyModel"
        person = Person.model_validate({"name": "Ada", "color": "red", "age": 36})
        assert person.model_dump() == {
            "name": "Ada",
            "age": 36,
            "score": None,
            "ok": None,
            "tags": None,
            "color": "red",
        }
        assert [e["loc"] for e in invalid(Person, {"name": "Ada"}).errors()] == [("color",)]
        assert invalid(Person, {"name": "Ada", "color": "blue"}).errors()[0]["type"] == "literal_error"


@pytest.mark.parametrize(
    ("field", "bad"),
    [
        ("age", -1),
        ("age", 151),
        ("score", 0),
        ("score", 1),
        ("name", ""),
        ("tags", ["a", "b", "c"]),
        ("ok", "maybe"),
    ],
)
def test_constraints_are_enforced(field: str, bad: Any) -> None:
    with json_schema_to_pydantic(PERSON) as Person:
        error = invalid(Person, {"name": "Ada", "color": "red", field: bad})
        assert error.errors()[0]["loc"][0] == field


def test_class_name_and_cache_by_schema_text() -> None:
    with json_schema_to_pydantic(PERSON, class_name="Person") as first:
        assert first.__name__ == "Person"
    with json_schema_to_pydantic(dict(PERSON), class_name="Person") as second:
        assert second is first
    with json_schema_to_pydantic(PERSON) as other_name:
        assert other_name is not first


def test_nested_objects_become_nested_models() -> None:
    schema = {
        "type": "object",
        "properties": {
            "address": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
            "items": {"type": "array", "items": {"type": "object", "properties": {"v": {"type": "integer"}}}},
        },
        "required": ["address"],
    }
    with json_schema_to_pydantic(schema) as Model:
        value = Model.model_validate({"address": {"city": "Oslo"}, "items": [{"v": 1}, {}]})
        assert isinstance(value.address, pydantic.BaseModel)
        assert value.address.city == "Oslo"
        assert [item.v for item in value.items] == [1, None]
        assert invalid(Model, {"address": {}}).errors()[0]["loc"] == ("address", "city")


def test_refs_to_defs_and_definitions() -> None:
    schema = {
        "type": "object",
        "$defs": {"Point": {"type": "object", "properties": {"x": {"type": "number"}}, "required": ["x"]}},
        "definitions": {"Kind": {"type": "string", "enum": ["a", "b"]}},
        "properties": {
            "p": {"$ref": "#/$defs/Point"},
            "ps": {"type": "array", "items": {"$ref": "#/$defs/Point"}},
            "kind": {"$ref": "#/definitions/Kind"},
        },
        "required": ["p"],
    }
    with json_schema_to_pydantic(schema) as Model:
        value = Model.model_validate({"p": {"x": 1}, "ps": [{"x": 2}], "kind": "b"})
        assert type(value.p) is type(value.ps[0])  # one shared model for the definition
        assert type(value.p).__name__ == "Point"
        assert invalid(Model, {"p": {"x": 1}, "kind": "c"}).errors()[0]["loc"] == ("kind",)


def test_recursive_and_forward_refs() -> None:
    schema = {
        "type": "object",
        "properties": {"root": {"$ref": "#/$defs/Node"}, "first": {"$ref": "#/$defs/Leaf"}},
        "required": ["root"],
        "$defs": {
            "Node": {
                "type": "object",
                "properties": {
                    "name": {"type": "string"},
                    "children": {"type": "array", "items": {"$ref": "#/$defs/Node"}},
                    "leaf": {"$ref": "#/$defs/Leaf"},
                },
                "required": ["name"],
            },
            "Leaf": {"type": "object", "properties": {"size": {"type": "integer"}}, "required": ["size"]},
        },
    }
    with json_schema_to_pydantic(schema) as Model:
        tree = Model.model_validate(
            {
                "root": {
                    "name": "a",
                    "children": [{"name": "b", "children": [{"name": "c", "leaf": {"size": 3}}]}],
                }
            }
        )
        assert tree.root.children[0].children[0].leaf.size == 3
        error = invalid(Model, {"root": {"name": "a", "children": [{"children": []}]}})
        assert error.errors()[0]["loc"] == ("root", "children", 0, "name")


def test_a_schema_that_refers_to_its_own_root() -> None:
    schema = {"type": "object", "properties": {"value": {"type": "integer"}, "next": {"$ref": "#"}}}
    with json_schema_to_pydantic(schema) as Model:
        assert (
            Model.model_validate({"value": 1, "next": {"value": 2, "next": {"value": 3}}}).next.next.value
            == 3
        )


def test_any_of_one_of_and_type_lists_are_unions() -> None:
    schema = {
        "type": "object",
        "properties": {
            "v": {"anyOf": [{"type": "string"}, {"type": "integer"}]},
            "w": {"oneOf": [{"type": "boolean"}, {"type": "null"}]},
            "n": {"type": ["integer", "null"]},
        },
        "required": ["v", "w", "n"],
    }
    with json_schema_to_pydantic(schema) as Model:
        value = Model.model_validate({"v": 5, "w": None, "n": None})
        assert (value.v, value.w, value.n) == (5, None, None)
        assert Model.model_validate({"v": "x", "w": True, "n": 2}).v == "x"
        assert invalid(Model, {"v": [], "w": None, "n": None}).errors()[0]["loc"][0] == "v"


def test_enums_consts_and_defaults() -> None:
    schema = {
        "type": "object",
        "properties": {
            "e": {"enum": [1, 2, "x"]},
            "c": {"const": "fixed"},
            "n": {"type": "integer", "default": 5},
        },
    }
    with json_schema_to_pydantic(schema) as Model:
        assert Model().model_dump() == {"e": None, "c": None, "n": 5}
        assert Model.model_validate({"e": "x", "c": "fixed"}).e == "x"
        assert invalid(Model, {"c": "other"}).errors()[0]["loc"] == ("c",)
        assert invalid(Model, {"e": 3}).errors()[0]["loc"] == ("e",)


def test_property_names_that_are_not_python_names_keep_their_alias() -> None:
    schema = {
        "type": "object",
        "properties": {
            "first name": {"type": "string"},
            "class": {"type": "string"},
            "json": {"type": "integer"},
        },
    }
    with json_schema_to_pydantic(schema) as Model:
        value = Model.model_validate({"first name": "Ada", "class": "x", "json": 1})
        assert value.model_dump(by_alias=True) == {"first name": "Ada", "class": "x", "json": 1}
        assert Model(first_name="Grace").model_dump(by_alias=True)["first name"] == "Grace"


def test_additional_properties_false_forbids_extra_keys() -> None:
    closed = {"type": "object", "properties": {"a": {"type": "string"}}, "additionalProperties": False}
    with json_schema_to_pydantic(closed) as Model:
        assert invalid(Model, {"a": "x", "b": 1}).errors()[0]["type"] == "extra_forbidden"
    with json_schema_to_pydantic({**closed, "additionalProperties": True}) as Open:
        assert Open.model_validate({"a": "x", "b": 1}).model_dump() == {"a": "x"}


def test_free_form_objects_and_typed_maps() -> None:
    schema = {
        "type": "object",
        "properties": {
            "anything": {},
            "meta": {"type": "object"},
            "counts": {"type": "object", "additionalProperties": {"type": "integer"}},
        },
    }
    with json_schema_to_pydantic(schema) as Model:
        value = Model.model_validate({"anything": [1], "meta": {"k": [1]}, "counts": {"a": 1}})
        assert (value.anything, value.meta, value.counts) == ([1], {"k": [1]}, {"a": 1})
        assert invalid(Model, {"counts": {"a": "many"}}).errors()[0]["loc"] == ("counts", "a")


def test_all_of_merges_object_parts() -> None:
    schema = {
        "type": "object",
        "$defs": {"Base": {"type": "object", "properties": {"id": {"type": "integer"}}, "required": ["id"]}},
        "properties": {
            "item": {"allOf": [{"$ref": "#/$defs/Base"}, {"properties": {"name": {"type": "string"}}}]}
        },
        "required": ["item"],
    }
    with json_schema_to_pydantic(schema) as Model:
        assert Model.model_validate({"item": {"id": 1, "name": "a"}}).item.name == "a"
        assert invalid(Model, {"item": {"name": "a"}}).errors()[0]["loc"] == ("item", "id")


def test_patterns_use_json_schema_search_semantics_and_lookarounds() -> None:
    schema = {
        "type": "object",
        "properties": {
            "code": {"type": "string", "pattern": "^(?=.*\\d).+$"},
            "word": {"type": "string", "pattern": "b"},
        },
    }
    with json_schema_to_pydantic(schema) as Model:
        assert (
            Model.model_validate({"code": "a1", "word": "abc"}).word == "abc"
        )  # unanchored, like JSON Schema
        assert invalid(Model, {"code": "abc"}).errors()[0]["loc"] == ("code",)


def test_string_formats_and_tuples() -> None:
    schema = {
        "type": "object",
        "properties": {
            "when": {"type": "string", "format": "date-time"},
            "pair": {"type": "array", "prefixItems": [{"type": "string"}, {"type": "integer"}]},
        },
    }
    with json_schema_to_pydantic(schema) as Model:
        value = Model.model_validate({"when": "2024-05-01T10:00:00Z", "pair": ["a", 1]})
        assert isinstance(value.when, datetime.datetime)
        assert value.pair == ("a", 1)


def test_a_root_that_is_not_an_object() -> None:
    with json_schema_to_pydantic(
        {"type": "array", "items": {"type": "integer"}}, class_name="Numbers"
    ) as Numbers:
        assert Numbers.__name__ == "Numbers"
        assert Numbers.model_validate([1, 2]).model_dump() == [1, 2]
        invalid(Numbers, ["x"])  # type: ignore[arg-type]


def test_unusable_schemas_are_clear_errors() -> None:
    with (
        pytest.raises(ValueError, match="only local"),
        json_schema_to_pydantic({"type": "object", "properties": {"a": {"$ref": "other.json#/A"}}}),
    ):
        pass
    with (
        pytest.raises(ValueError, match="points to nothing"),
        json_schema_to_pydantic({"type": "object", "properties": {"a": {"$ref": "#/$defs/Missing"}}}),
    ):
        pass
    with (
        pytest.raises(ValueError, match="unsupported JSON Schema type"),
        json_schema_to_pydantic({"type": "object", "properties": {"a": {"type": "decimal"}}}),
    ):
        pass
    with pytest.raises(TypeError), json_schema_to_pydantic("{}"):  # type: ignore[arg-type]
        pass


def test_cache_is_bounded() -> None:
    assert json_schema_module._model_from_text.cache_info().maxsize == 128


def test_importing_the_module_does_not_import_pydantic() -> None:
    code = (
        "import sys; import label_studio_sdk._extensions.label_studio_tools.core.utils.json_schema; "
        "print('pydantic' in sys.modules)"
    )
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert output.strip() == "False"
