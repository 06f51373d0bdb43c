"""What goes on the wire: omitted vs None, query encoding, JSON conversions, path escaping, request options."""

from __future__ import annotations

import datetime as dt
import enum
import json
import uuid
from decimal import Decimal
from typing import Any, Dict

import httpx
import pytest
import respx

from label_studio_sdk import Project
from label_studio_sdk.annotations.types.annotations_create_bulk_request_selected_items import (
    AnnotationsCreateBulkRequestSelectedItems,
)
from label_studio_sdk.core.serialization import encode_path, encode_query
from tests.samples import sample

from .helpers import Api

PATH = "api/things/"
NAIVE = dt.datetime(2024, 5, 6, 7, 8, 9)
AWARE = dt.datetime(2024, 5, 6, 7, 8, 9, 123000, tzinfo=dt.timezone(dt.timedelta(hours=2)))


class Color(enum.Enum):
    RED = "red"


class Level(enum.IntEnum):
    HIGH = 3


def body_of(route: respx.Route) -> Any:
    return json.loads(route.calls.last.request.content)


def query_of(route: respx.Route) -> list:
    return route.calls.last.request.url.params.multi_items()


@pytest.fixture
def echo(respx_mock: respx.MockRouter) -> respx.Route:
    """Any request to /api/things/ answers 200 with an empty object."""
    return respx_mock.route(path="/" + PATH).mock(return_value=httpx.Response(200, json={}))


# -- omitted vs None ------------------------------------------------------------------------------


async def test_omitted_arguments_are_not_sent(api: Api, respx_mock: respx.MockRouter) -> None:
    route = respx_mock.post("/api/projects/").mock(
        return_value=httpx.Response(201, json=sample(Project, id=1))
    )

    await api.run(lambda c: c.projects.create(title="Only this"))

    assert body_of(route) == {"title": "Only this"}
    assert query_of(route) == []
    assert route.calls.last.request.headers["Content-Type"] == "application/json"


async def test_omitted_query_arguments_are_not_sent(api: Api, respx_mock: respx.MockRouter) -> None:
    route = respx_mock.get("/api/tasks/").mock(
        return_value=httpx.Response(
            200, json={"tasks": [], "total": 0, "total_annotations": 0, "total_predictions": 0}
        )
    )

    await api.run(lambda c: c.tasks.list(project=4))

    # fields="all" is the overlay's default, so it is given; view, query, include and the rest are not.
    assert sorted(query_of(route)) == [("fields", "all"), ("page", "1"), ("project", "4")]


async def test_explicit_none_is_sent_as_null(api: Api, respx_mock: respx.MockRouter) -> None:
    route = respx_mock.patch("/api/projects/3/").mock(
        return_value=httpx.Response(200, json=sample(Project, id=3))
    )

    await api.run(lambda c: c.projects.update(3, description=None, color="#fff"))

    assert route.calls.last.request.content == b'{"description":null,"color":"#fff"}'


async def test_body_less_request_sends_no_content(api: Api, respx_mock: respx.MockRouter) -> None:
    route = respx_mock.delete("/api/projects/3/").mock(return_value=httpx.Response(204))

    assert await api.run(lambda c: c.projects.delete(3)) is None

    request = route.calls.last.request
    assert request.content == b""
    assert "Content-Type" not in request.headers


# -- query encoding -------------------------------------------------------------------------------


async def test_query_lists_repeat_the_key_and_booleans_are_lowercase(
    api: Api, respx_mock: respx.MockRouter
) -> None:
    route = respx_mock.post("/api/projects/5/import").mock(return_value=httpx.Response(201, json={}))

    await api.run(
        lambda c: c.projects.import_tasks(
            5,
            commit_to_project=False,
            return_task_ids=True,
            preannotated_from_fields=["label", "score"],
            request=[{"text": "a"}],
        )
    )

    assert sorted(query_of(route)) == [
        ("commit_to_project", "false"),
        ("preannotated_from_fields", "label"),
        ("preannotated_from_fields", "score"),
        ("return_task_ids", "true"),
    ]
    assert body_of(route) == [{"text": "a"}]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (True, [("q", "true")]),
        (False, [("q", "false")]),
        (0, [("q", "0")]),
        ("", [("q", "")]),
        ([1, None, 2], [("q", "1"), ("q", "2")]),
        ((True, "x"), [("q", "true"), ("q", "x")]),
        (None, []),
        (NAIVE, [("q", "2024-05-06T07:08:09")]),
        (AWARE, [("q", "2024-05-06T07:08:09.123000+02:00")]),
        (dt.date(2024, 1, 2), [("q", "2024-01-02")]),
        (Color.RED, [("q", "red")]),
        (Level.HIGH, [("q", "3")]),
        ({"filters": {"conjunction": "and"}}, [("q", '{"filters":{"conjunction":"and"}}')]),
    ],
)
def test_encode_query(value: Any, expected: list) -> None:
    assert encode_query({"q": value}) == expected


async def test_query_values_on_the_wire(api: Api, echo: respx.Route) -> None:
    params = {"since": AWARE, "until": NAIVE, "color": Color.RED, "ids": [1, 2], "flag": True, "skip": None}

    await api.request("GET", PATH, params=params)

    assert query_of(echo) == [
        ("since", "2024-05-06T07:08:09.123000+02:00"),
        ("until", "2024-05-06T07:08:09"),
        ("color", "red"),
        ("ids", "1"),
        ("ids", "2"),
        ("flag", "true"),
    ]


# -- JSON bodies ----------------------------------------------------------------------------------


async def test_body_conversions(api: Api, echo: respx.Route) -> None:
    uid = uuid.UUID("12345678-1234-5678-1234-567812345678")
    body = {
        "naive": NAIVE,
        "aware": AWARE,
        "day": dt.date(2024, 1, 2),
        "color": Color.RED,
        "level": Level.HIGH,
        "tags": {"only"},
        "uid": uid,
        "price": Decimal("1.10"),
        "text": "café ✓",
        "nested": [{"when": NAIVE}],
    }

    await api.request("POST", PATH, json=body)

    assert body_of(echo) == {
        "naive": "2024-05-06T07:08:09",
        "aware": "2024-05-06T07:08:09.123000+02:00",
        "day": "2024-01-02",
        "color": "red",
        "level": 3,
        "tags": ["only"],
        "uid": str(uid),
        "price": "1.10",
        "text": "café ✓",
        "nested": [{"when": "2024-05-06T07:08:09"}],
    }
    assert "café ✓".encode() in echo.calls.last.request.content  # UTF-8, not \\u escapes


async def test_models_serialize_by_alias_without_unset_fields(api: Api, respx_mock: respx.MockRouter) -> None:
    route = respx_mock.post("/api/annotations/bulk").mock(return_value=httpx.Response(201, json=[]))
    selection = AnnotationsCreateBulkRequestSelectedItems(all_=True, excluded=[4, 5])

    await api.run(lambda c: c.annotations.create_bulk(selected_items=selection, project=1))

    assert body_of(route) == {"selectedItems": {"all": True, "excluded": [4, 5]}, "project": 1}


async def test_model_fields_set_to_none_are_sent(api: Api, echo: respx.Route) -> None:
    selection = AnnotationsCreateBulkRequestSelectedItems(**{"all": False, "included": None})

    await api.request("POST", PATH, json={"selection": selection})

    assert body_of(echo) == {"selection": {"all": False, "included": None}}


@pytest.mark.parametrize(
    ("value", "type_name"), [(object(), "object"), (b"raw", "bytes"), (1 + 2j, "complex")]
)
async def test_unserializable_body_value_raises_type_error(
    api: Api, respx_mock: respx.MockRouter, value: Any, type_name: str
) -> None:
    route = respx_mock.post("/api/projects/")

    with pytest.raises(TypeError, match=type_name) as info:
        await api.run(lambda c: c.projects.create(control_weights={"w": value}))

    assert "POST /api/projects/" in str(info.value)
    assert route.call_count == 0


# -- path parameters ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("task_id", "raw_path"),
    [
        ("a/b", b"/api/tasks/a%2Fb/"),
        ("../../admin", b"/api/tasks/..%2F..%2Fadmin/"),
        ("x y?z#w", b"/api/tasks/x%20y%3Fz%23w/"),
        ("é", b"/api/tasks/%C3%A9/"),
        (42, b"/api/tasks/42/"),
    ],
)
async def test_path_parameters_are_one_encoded_segment(
    api: Api, respx_mock: respx.MockRouter, task_id: Any, raw_path: bytes
) -> None:
    route = respx_mock.route(method="DELETE").mock(return_value=httpx.Response(204))

    await api.run(lambda c: c.tasks.delete(task_id))

    request = route.calls.last.request
    assert request.url.raw_path == raw_path
    assert request.url.query == b""


@pytest.mark.parametrize("task_id", [".", ".."])
async def test_dot_segment_ids_cannot_leave_their_segment(
    api: Api, respx_mock: respx.MockRouter, task_id: str
) -> None:
    """An id of "." or ".." must not turn DELETE /api/tasks/{id}/ into DELETE /api/tasks/ or /api/."""
    route = respx_mock.route().mock(return_value=httpx.Response(204))

    try:
        await api.run(lambda c: c.tasks.delete(task_id))
    except (TypeError, ValueError):
        return  # refusing such an id is fine too

    raw_path = route.calls.last.request.url.raw_path
    assert raw_path.startswith(b"/api/tasks/")
    assert raw_path != b"/api/tasks/"


def test_encode_path() -> None:
    assert encode_path(Color.RED) == "red"
    assert encode_path(7) == "7"
    for bad in (True, None):
        with pytest.raises(TypeError):
            encode_path(bad)


# -- request options ------------------------------------------------------------------------------


async def test_additional_parameters_and_headers_are_applied(api: Api, respx_mock: respx.MockRouter) -> None:
    route = respx_mock.post("/api/projects/").mock(
        return_value=httpx.Response(201, json=sample(Project, id=1))
    )
    options: Dict[str, Any] = {
        "additional_headers": {"X-Trace": "t-1", "Accept-Language": "de"},
        "additional_query_parameters": {"dry_run": True, "tag": ["a", "b"]},
        "additional_body_parameters": {"beta_flag": 1, "title": "overridden"},
    }

    await api.run(lambda c: c.projects.create(title="t", color="#000", request_options=options))

    request = route.calls.last.request
    assert request.headers["X-Trace"] == "t-1"
    assert request.headers["Accept-Language"] == "de"
    assert request.headers["Authorization"] == "Token test-token"
    assert query_of(route) == [("dry_run", "true"), ("tag", "a"), ("tag", "b")]
    assert body_of(route) == {"title": "overridden", "color": "#000", "beta_flag": 1}


async def test_additional_query_parameters_come_after_the_methods_own(
    api: Api, respx_mock: respx.MockRouter
) -> None:
    route = respx_mock.post("/api/projects/5/import").mock(return_value=httpx.Response(201, json={}))

    await api.run(
        lambda c: c.projects.import_tasks(
            5, return_task_ids=True, request=[], request_options={"additional_query_parameters": {"extra": 1}}
        )
    )

    assert query_of(route) == [("return_task_ids", "true"), ("extra", "1")]


async def test_additional_body_parameters_need_an_object_body(api: Api, respx_mock: respx.MockRouter) -> None:
    route = respx_mock.post("/api/projects/5/import")

    with pytest.raises(TypeError, match="JSON object"):
        await api.run(
            lambda c: c.projects.import_tasks(
                5, request=[{"a": 1}], request_options={"additional_body_parameters": {"x": 1}}
            )
        )

    assert route.call_count == 0


async def test_request_options_do_not_leak_into_later_calls(api: Api, echo: respx.Route) -> None:
    await api.request("GET", PATH, request_options={"additional_headers": {"X-Once": "1"}})
    await api.request("GET", PATH)

    assert "X-Once" in echo.calls[0].request.headers
    assert "X-Once" not in echo.calls[1].request.headers


def timeouts(route: respx.Route) -> Dict[str, Any]:
    return route.calls.last.request.extensions["timeout"]


async def test_per_request_timeout_reaches_httpx(api: Api, echo: respx.Route) -> None:
    # Waiting for one of the client's own pooled connections has no limit (core/http.py, max_connections).
    await api.request("GET", PATH, request_options={"timeout": 2.5})
    assert timeouts(echo) == {"connect": 2.5, "read": 2.5, "write": 2.5, "pool": None}

    await api.request("GET", PATH)
    assert timeouts(echo) == {"connect": 60.0, "read": 60.0, "write": 60.0, "pool": None}


@pytest.mark.parametrize("timeout", [12.0, None])
async def test_client_timeout_reaches_httpx(make_api: Any, echo: respx.Route, timeout: Any) -> None:
    api = make_api(timeout=timeout)

    await api.request("GET", PATH)

    assert timeouts(echo) == {"connect": timeout, "read": timeout, "write": timeout, "pool": None}


async def test_per_request_timeout_through_generated_method(api: Api, respx_mock: respx.MockRouter) -> None:
    route = respx_mock.get("/api/projects/1/").mock(
        return_value=httpx.Response(200, json=sample(Project, id=1))
    )

    await api.run(lambda c: c.projects.get(1, request_options={"timeout": 1.0}))

    assert timeouts(route)["read"] == 1.0


@pytest.mark.parametrize(("value", "sent"), [([5, 6], "[5,6]"), ((7,), "[7]"), (5, "[5]")])
def test_json_query_sends_a_json_list(value: object, sent: str) -> None:
    from label_studio_sdk.core.options import OMIT
    from label_studio_sdk.core.serialization import encode_query, json_query

    assert encode_query({"ids": json_query(value)}) == [("ids", sent)]
    assert encode_query({"ids": json_query(OMIT)}) == []
