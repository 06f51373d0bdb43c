"""One model per server shape (codegen/shapes.py): repeats become aliases of one class."""

from __future__ import annotations

from pathlib import Path

import yaml

from codegen.load import load_api
from codegen.shapes import merge_same_shapes

SPEC = {
    "openapi": "3.0.3",
    "info": {"title": "Shapes", "version": "1"},
    "tags": [{"name": "things", "description": "Things."}],
    "paths": {
        "/api/things/": {
            "post": {
                "operationId": "things_create",
                "x-sdk-group": "things",
                "x-sdk-method": "create",
                "summary": "Create a thing.",
                "responses": {
                    "201": {
                        "description": "Created.",
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/ThingsCreateResponse"}
                            }
                        },
                    }
                },
            }
        }
    },
    "components": {
        "schemas": {
            "Thing": {
                "type": "object",
                "description": "A thing.",
                "required": ["id"],
                "properties": {
                    "id": {"type": "integer", "description": "Its ID."},
                    "name": {"type": "string"},
                },
            },
            # Same fields, other descriptions: the same shape.
            "ThingsCreateResponse": {
                "type": "object",
                "description": "A thing, just created.",
                "x-sdk-group": "things",
                "required": ["id"],
                "properties": {"id": {"type": "integer", "description": "ID."}, "name": {"type": "string"}},
            },
            # One field more optional: another shape.
            "LooseThing": {
                "type": "object",
                "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
            },
            # Equal only once the two things above are one.
            "Box": {"type": "object", "properties": {"thing": {"$ref": "#/components/schemas/Thing"}}},
            "OtherBox": {
                "type": "object",
                "properties": {"thing": {"$ref": "#/components/schemas/ThingsCreateResponse"}},
            },
        }
    },
}


def load(tmp_path: Path):  # type: ignore[no-untyped-def]
    spec = tmp_path / "spec.yaml"
    spec.write_text(yaml.safe_dump(SPEC))
    return load_api(spec, package_dir=None)


def test_repeats_become_aliases_of_the_top_level_model(tmp_path: Path) -> None:
    api = load(tmp_path)
    create = api.models["ThingsCreateResponse"]
    assert create.kind == "alias" and create.alias_of is not None
    assert create.alias_of.ref == "Thing"
    assert api.models["Thing"].kind == "object"
    assert api.models["LooseThing"].kind == "object"  # not the same: `id` is not required there
    # Box and OtherBox differ only by which of the two merged models they hold.
    assert {api.models["Box"].kind, api.models["OtherBox"].kind} == {"object", "alias"}
    assert merge_same_shapes(api) == []  # nothing is left to merge


def test_the_package_keeps_the_seed_names(tmp_path: Path) -> None:
    from label_studio_sdk.projects import ProjectsCreateResponse, ProjectsUpdateResponse
    from label_studio_sdk.types import Project

    assert ProjectsCreateResponse is Project
    assert ProjectsUpdateResponse is Project
