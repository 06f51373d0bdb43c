"""scripts/spec_drift.py compares which request fields take null, so None stays a valid argument
exactly where the server accepts it."""

from __future__ import annotations

from typing import Any, Dict

from scripts.spec_drift import Docs, accepts_null, compare_body


def _operation(field: Dict[str, Any]) -> Dict[str, Any]:
    schema = {"type": "object", "properties": {"color": field}}
    return {"parameters": [], "requestBody": {"content": {"application/json": {"schema": schema}}}}


def test_every_spelling_of_null_is_understood() -> None:
    spec: Dict[str, Any] = {"components": {"schemas": {"Null": {"type": "string", "nullable": True}}}}
    assert accepts_null(spec, {"type": "string", "nullable": True})
    assert accepts_null(spec, {"type": ["string", "null"]})
    assert accepts_null(spec, {"oneOf": [{"type": "string"}, {"type": "null"}]})
    assert accepts_null(spec, {"$ref": "#/components/schemas/Null"})
    assert not accepts_null(spec, {"type": "string"})


def test_a_body_field_nullable_on_one_side_only_is_a_difference() -> None:
    docs = Docs(ours={}, server={})
    mine, theirs = _operation({"type": "string"}), _operation({"type": "string", "nullable": True})
    diffs = compare_body(docs, "PATCH /api/projects/{}/", mine, theirs)
    assert [d.id for d in diffs] == [
        "PATCH /api/projects/{}/ body: color not nullable (ours) vs nullable (server)"
    ]
    assert compare_body(docs, "PATCH /api/projects/{}/", theirs, theirs) == []
