"""OMIT means "not given" everywhere; None is JSON null where the server takes it, and nothing in a query."""

from __future__ import annotations

import copy
import inspect
import json
import pickle
from pathlib import Path
from typing import Any, Dict, Iterator, List, Tuple

import httpx
import respx
import yaml

from label_studio_sdk import OMIT, LabelStudio, Omit, Project
from tests.conftest import BASE_URL
from tests.samples import sample

from .helpers import Api

ROOT = Path(__file__).resolve().parents[2]
RAW = {"LabelStudio.request", "LabelStudio.stream"}


def test_omit_is_one_falsy_value_that_survives_copy_and_pickle() -> None:
    assert Omit() is OMIT
    assert not OMIT
    assert repr(OMIT) == "OMIT"
    assert copy.deepcopy(OMIT) is OMIT
    assert pickle.loads(pickle.dumps(OMIT)) is OMIT


async def test_a_left_out_body_field_is_not_sent_and_none_is_null(
    api: Api, respx_mock: respx.MockRouter
) -> None:
    route = respx_mock.patch(f"{BASE_URL}/api/projects/3/").mock(
        return_value=httpx.Response(200, json=sample(Project, id=3))
    )
    await api.run(lambda c: c.projects.update(3, color=None, title="Renamed"))
    assert json.loads(route.calls.last.request.content) == {"color": None, "title": "Renamed"}


async def test_a_none_query_argument_is_left_out_like_omit(api: Api, respx_mock: respx.MockRouter) -> None:
    route = respx_mock.get(f"{BASE_URL}/api/predictions/").mock(return_value=httpx.Response(200, json=[]))
    await api.run(lambda c: c.predictions.list(project=None, task=4))  # type: ignore[arg-type]
    assert dict(route.calls.last.request.url.params) == {"task": "4"}


def _methods(client: Any, seen: Any = None) -> Iterator[Tuple[str, Any]]:
    """(dotted name, bound method) of every public method of every group, overlays included."""
    for name in dir(client):
        if name.startswith("_"):
            continue
        value = getattr(client, name)
        if inspect.ismethod(value):
            yield f"{type(client).__name__}.{name}", value
        elif type(value).__module__.startswith("label_studio_sdk.") and "Client" in type(value).__name__:
            yield from _methods(value)


def _nullable_body_fields() -> Dict[str, List[str]]:
    """operationId -> body fields the spec says take null."""
    spec = yaml.safe_load((ROOT / "openapi.yaml").read_text())
    found: Dict[str, List[str]] = {}
    for item in spec["paths"].values():
        for operation in item.values():
            if not isinstance(operation, dict) or "operationId" not in operation:
                continue
            for content in (operation.get("requestBody") or {}).get("content", {}).values():
                props = (content.get("schema") or {}).get("properties", {})
                found.setdefault(operation["x-sdk-method"], []).extend(
                    n for n, p in props.items() if p.get("nullable")
                )
    return found


def test_every_argument_that_can_be_left_out_defaults_to_omit() -> None:
    client = LabelStudio(base_url=BASE_URL, api_key="k")
    optional = with_none = 0
    for where, method in _methods(client):
        for param in inspect.signature(method).parameters.values():
            if param.default is OMIT and where in RAW and param.name == "json":
                continue  # the raw layer's body is any JSON value, null included
            if param.default is OMIT:
                optional += 1
                assert "Omit" in str(param.annotation), (
                    f"{where}({param.name}) defaults to OMIT but is typed {param.annotation}"
                )
                with_none += "None" in str(param.annotation)
    assert optional > 500  # the groups were walked
    nullable = sum(len(v) for v in _nullable_body_fields().values())
    assert nullable > 0
    assert with_none >= nullable


def test_color_takes_none_but_maximum_annotations_does_not() -> None:
    update = inspect.signature(LabelStudio(base_url=BASE_URL, api_key="k").projects.update).parameters
    assert str(update["color"].annotation) == "Union[str, Omit, None]"
    assert str(update["maximum_annotations"].annotation) == "Union[int, Omit]"
