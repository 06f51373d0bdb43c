"""The loader's decisions (names, types, placement) and the errors it gives for specs it cannot compile."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any, Dict

import pytest
import yaml

from codegen.ir import TypeRef
from codegen.load import Loader, SpecError, snake_case

SPEC = yaml.safe_load((Path(__file__).parent / "spec.yaml").read_text())


def load(spec: Dict[str, Any]):  # type: ignore[no-untyped-def]
    return Loader(spec, package_dir=None).load()


def mutated(path: str, method: str) -> Dict[str, Any]:
    spec = copy.deepcopy(SPEC)
    return spec, spec["paths"][path][method]  # type: ignore[return-value]


def test_tree_and_names() -> None:
    api = load(SPEC)
    assert [r.dotted for r in api.all_resources] == ["widgets", "widgets.parts"]
    widgets = api.all_resources[0]
    assert [op.name for op in widgets.operations] == [
        "list",
        "create",
        "get",
        "delete",
        "import_rows",
        "upload",
        "download",
    ]
    assert widgets.class_name == "WidgetsClient" and widgets.async_class_name == "AsyncWidgetsClient"
    assert api.all_resources[1].class_name == "PartsClient"


def test_path_parameters_keep_their_listed_order() -> None:
    parts_list = load(SPEC).all_resources[1].operations[0]
    assert [p.name for p in parts_list.path_params] == ["name", "widget_pk"]  # listed order, not the path's
    assert parts_list.path_expression == 'f"api/widgets/{encode_path(widget_pk)}/parts/{encode_path(name)}"'


def test_wire_names_and_python_names() -> None:
    ops = {op.name: op for op in load(SPEC).all_resources[0].operations}
    assert {(p.name, p.wire_name, p.location) for p in ops["list"].params} >= {("all_", "all", "query")}
    assert ("selected_items", "selectedItems", "body") in {
        (p.name, p.wire_name, p.location) for p in ops["create"].params
    }
    assert [(p.name, p.location, p.required) for p in ops["import_rows"].params] == [
        ("id", "path", True),
        ("request", "whole_body", False),  # one of request= or files=
        ("async_", "query", False),
        ("files", "file", False),
    ]
    assert ops["import_rows"].body_kind == "json_or_files"
    assert [(p.name, p.location) for p in ops["upload"].params] == [
        ("id", "path"),
        ("file", "file"),
        ("label", "form"),
    ]


def test_return_kinds() -> None:
    ops = {op.name: op for op in load(SPEC).all_resources[0].operations}
    assert ops["list"].returns_kind == "pager" and ops["list"].returns == TypeRef(
        "model", model="Widget", ref="Widget"
    )
    pagination = ops["list"].pagination
    assert pagination is not None and (pagination.items, pagination.total, pagination.next) == (
        "results",
        "count",
        "next",
    )
    assert ops["delete"].returns_kind == "none" and ops["delete"].success_status == 204
    assert ops["download"].returns_kind == "stream"
    assert (
        ops["import_rows"].returns is not None and ops["import_rows"].returns.annotation() == "Dict[str, int]"
    )


def test_models() -> None:
    models = load(SPEC).models
    widget = models["Widget"]
    fields = {f.name: f for f in widget.fields}
    assert fields["json_"].wire_name == "json"  # pydantic reserves `json`
    assert fields["s3_endpoint"].type.annotation() == "Optional[str]"
    assert fields["created_at"].type.annotation() == "dt.datetime"
    assert models["WidgetKind"].alias_of is not None
    assert models["WidgetKind"].alias_of.annotation() == "Union[Literal['plain', 'fancy'], str]"
    assert (
        models["PartOrId"].alias_of is not None
        and models["PartOrId"].alias_of.annotation() == "Union[Part, int]"
    )
    assert models["WidgetsListResponse"].module == "widgets.types.widgets_list_response"
    assert models["Part"].module == "types.part"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("ProjectsListResponse", "projects_list_response"),
        ("S3SImportStorage", "s3s_import_storage"),
        ("S3CreateResponse", "s3create_response"),
        ("MlBackend", "ml_backend"),
    ],
)
def test_snake_case(name: str, expected: str) -> None:
    assert snake_case(name) == expected


def break_spec(kind: str) -> Dict[str, Any]:
    spec = copy.deepcopy(SPEC)
    op = spec["paths"]["/api/widgets/{id}/"]["get"]
    if kind == "missing method":
        del op["x-sdk-method"]
    elif kind == "unknown key":
        op["x-sdk-typo"] = 1
    elif kind == "bad ref":
        op["responses"]["200"]["content"]["application/json"]["schema"] = {
            "$ref": "#/components/schemas/Nope"
        }
    elif kind == "placeholder":
        op["parameters"][0]["name"] = "pk"
    elif kind == "duplicate method":
        op["x-sdk-method"] = "list"
    elif kind == "inline object":
        op["responses"]["200"]["content"]["application/json"]["schema"] = {
            "type": "object",
            "properties": {"a": {}},
        }
    elif kind == "pagination field":
        spec["paths"]["/api/widgets/"]["get"]["x-pagination"]["total"] = "nope"
    elif kind == "keyword name":
        op["parameters"].append({"name": "not-python", "in": "query", "schema": {"type": "string"}})
    elif kind == "cookie":
        op["parameters"].append({"name": "c", "in": "cookie", "schema": {"type": "string"}})
    return spec


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("missing method", "missing x-sdk-method"),
        ("unknown key", "unknown keys ['x-sdk-typo']"),
        ("bad ref", "unknown $ref"),
        ("placeholder", "do not match path parameters"),
        ("duplicate method", "widgets.list is also"),
        ("inline object", "must be a component"),
        ("pagination field", "not a field of WidgetsListResponse"),
        ("keyword name", "is not a Python identifier"),
        ("cookie", "parameters in 'cookie' are not supported"),
    ],
)
def test_spec_errors_name_the_spot(kind: str, message: str) -> None:
    with pytest.raises(SpecError, match=None) as info:
        load(break_spec(kind))
    assert message in str(info.value)


def test_a_read_only_body_field_is_no_argument() -> None:
    spec, op = mutated("/api/widgets/", "post")
    props = op["requestBody"]["content"]["application/json"]["schema"]["properties"]
    props["created_at"] = {"type": "string", "format": "date-time", "readOnly": True}
    create = {o.name: o for o in load(spec).all_resources[0].operations}["create"]
    assert "created_at" not in [p.name for p in create.params]
    assert "note" in [p.name for p in create.params]


def test_a_read_only_body_field_cannot_be_required() -> None:
    spec, op = mutated("/api/widgets/", "post")
    schema = op["requestBody"]["content"]["application/json"]["schema"]
    schema["properties"]["note"]["readOnly"] = True
    schema["required"] = ["note"]
    with pytest.raises(SpecError, match="readOnly body field cannot be required"):
        load(spec)


def test_a_field_selecting_argument_makes_partial_models_and_overloads() -> None:
    spec, op = mutated("/api/widgets/", "get")
    op["parameters"].append(
        {"name": "include", "in": "query", "schema": {"type": "string"}, "x-sdk-partial": True}
    )
    api = load(spec)
    listing = {o.name: o for o in api.all_resources[0].operations}["list"]
    assert listing.partial is not None and listing.partial.param == "include"
    item = api.models[str(listing.returns.ref)] if listing.returns else None
    partial = api.models[str(listing.partial.item_type.ref)]
    assert (
        item is not None and partial.name == f"Partial{item.name}" and partial.partial_of == item.schema_name
    )
    assert [f.name for f in partial.fields] == [f.name for f in item.fields]
    assert not any(f.required for f in partial.fields) and any(f.required for f in item.fields)
    page = next(m for m in api.models.values() if m.name == listing.partial.page_model)
    assert page.name.startswith("Partial") and page.module.endswith(snake_case(page.name))


def test_a_partial_argument_needs_a_paginated_list() -> None:
    spec, op = mutated("/api/widgets/", "get")
    del op["x-pagination"]
    op["parameters"].append(
        {"name": "include", "in": "query", "schema": {"type": "string"}, "x-sdk-partial": True}
    )
    with pytest.raises(SpecError, match="x-sdk-partial"):
        load(spec)
