"""data_manager: the 0.x names and values, the wire JSON they make, the typed builder, and where the
filters go (tasks.list through ``query``, views.create/update ``data.filters``, actions.create ``filters``)."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone
from typing import Any, Dict, List

import httpx
import pytest
import respx

from label_studio_sdk import AsyncLabelStudio, LabelStudio, Task
from label_studio_sdk.actions import ActionsCreateRequestFilters
from label_studio_sdk.data_manager import (
    DATETIME_FORMAT,
    Column,
    F,
    Field,
    Filters,
    Operator,
    Type,
)
from label_studio_sdk.tasks import AsyncTasksClientExt, TasksClientExt
from label_studio_sdk.tasks.client_ext import tasks_query
from label_studio_sdk.views import ViewsCreateRequestData, ViewsCreateRequestDataFilters
from tests.samples import sample

from .helpers import Api

COLUMNS = {
    "id": "tasks:id",
    "inner_id": "tasks:inner_id",
    "ground_truth": "tasks:ground_truth",
    "annotations_results": "tasks:annotations_results",
    "reviewed": "tasks:reviewed",
    "predictions_score": "tasks:predictions_score",
    "predictions_model_versions": "tasks:predictions_model_versions",
    "predictions_results": "tasks:predictions_results",
    "file_upload": "tasks:file_upload",
    "created_at": "tasks:created_at",
    "updated_at": "tasks:updated_at",
    "annotators": "tasks:annotators",
    "total_predictions": "tasks:total_predictions",
    "cancelled_annotations": "tasks:cancelled_annotations",
    "total_annotations": "tasks:total_annotations",
    "completed_at": "tasks:completed_at",
    "agreement": "tasks:agreement",
    "reviewers": "tasks:reviewers",
    "reviews_rejected": "tasks:reviews_rejected",
    "reviews_accepted": "tasks:reviews_accepted",
    "comments": "tasks:comments",
    "unresolved_comment_count": "tasks:unresolved_comment_count",
}
OPERATORS = {
    "EQUAL": "equal",
    "NOT_EQUAL": "not_equal",
    "LESS": "less",
    "GREATER": "greater",
    "LESS_OR_EQUAL": "less_or_equal",
    "GREATER_OR_EQUAL": "greater_or_equal",
    "IN": "in",
    "NOT_IN": "not_in",
    "IN_LIST": "in_list",
    "NOT_IN_LIST": "not_in_list",
    "EMPTY": "empty",
    "CONTAINS": "contains",
    "NOT_CONTAINS": "not_contains",
    "REGEX": "regex",
}
TYPES = ["Number", "Datetime", "Boolean", "String", "List", "Unknown"]

# The 0.x module's own example and the JSON it documents, byte for byte.
LEGACY_EXPECTED: Dict[str, Any] = {
    "conjunction": "or",
    "items": [
        {"filter": "filter:tasks:id", "operator": "greater", "type": "Number", "value": 42},
        {
            "filter": "filter:tasks:completed_at",
            "operator": "in",
            "type": "Datetime",
            "value": {"min": "2021-11-01T00:00:00.000000Z", "max": "2021-11-05T00:00:00.000000Z"},
        },
    ],
}


def legacy_filters() -> Any:
    return Filters.create(
        Filters.OR,
        [
            Filters.item(Column.id, Operator.GREATER, Type.Number, Filters.value(42)),
            Filters.item(
                Column.completed_at,
                Operator.IN,
                Type.Datetime,
                Filters.value(datetime(2021, 11, 1), datetime(2021, 11, 5)),
            ),
        ],
    )


def public(cls: type) -> Dict[str, Any]:
    return {k: v for k, v in vars(cls).items() if not k.startswith("_") and isinstance(v, str)}


# ---------------------------------------------------------------- the 0.x names and values


def test_constants_are_the_legacy_strings() -> None:
    assert public(Column) == COLUMNS
    assert public(Operator) == OPERATORS
    assert list(public(Type).values()) == TYPES and all(getattr(Type, t) == t for t in TYPES)
    assert (Filters.OR, Filters.AND) == ("or", "and")
    assert DATETIME_FORMAT == "%Y-%m-%dT%H:%M:%S.%fZ"
    # Plain str constants: string arithmetic and json keep working as with 0.x.
    assert "-" + Column.id == "-tasks:id" and type(Column.id) is str
    assert json.dumps([Operator.IN, Type.List]) == '["in", "List"]'


def test_the_legacy_example_gives_the_documented_json_in_key_order() -> None:
    built = legacy_filters()
    assert built == LEGACY_EXPECTED
    assert json.dumps(built) == json.dumps(LEGACY_EXPECTED)
    assert list(built["items"][0]) == ["filter", "operator", "type", "value"]


def test_column_data() -> None:
    assert Column.data("my_field") == "tasks:data.my_field"
    item = Filters.item(Column.data("my_field"), Operator.EQUAL, Type.String, "x")
    assert item["filter"] == "filter:tasks:data.my_field"
    for bad in ("", 3, None):
        with pytest.raises(TypeError, match="task data field"):
            Column.data(bad)  # type: ignore[arg-type]


# ---------------------------------------------------------------- legacy bugs, fixed


def test_datetime_converts_aware_values_to_utc() -> None:
    plus_five = timezone(timedelta(hours=5))
    assert Filters.datetime(datetime(2021, 11, 1, 5, 0, tzinfo=plus_five)) == "2021-11-01T00:00:00.000000Z"
    minus_eight = timezone(timedelta(hours=-8))
    assert Filters.datetime(datetime(2021, 10, 31, 16, 30, 0, 7, tzinfo=minus_eight)) == (
        "2021-11-01T00:30:00.000007Z"
    )
    assert Filters.datetime(datetime(2021, 11, 1, tzinfo=timezone.utc)) == "2021-11-01T00:00:00.000000Z"


def test_a_naive_datetime_is_taken_as_utc() -> None:
    assert Filters.datetime(datetime(2021, 11, 1, 12, 34, 56, 789)) == "2021-11-01T12:34:56.000789Z"
    assert Filters.datetime(datetime(2021, 11, 1)) == Filters.datetime(
        datetime(2021, 11, 1, tzinfo=timezone.utc)
    )


@pytest.mark.parametrize("bad", [date(2021, 11, 1), "2021-11-01", 1635724800])
def test_datetime_refuses_other_types_with_a_type_error(bad: Any) -> None:
    with pytest.raises(TypeError, match="expected a datetime"):
        Filters.datetime(bad)


def test_the_filter_prefix_is_never_doubled() -> None:
    assert Filters.item("filter:tasks:id", Operator.EQUAL, Type.Number, 1)["filter"] == "filter:tasks:id"
    assert Filters.item("tasks:id", Operator.EQUAL, Type.Number, 1)["filter"] == "filter:tasks:id"


@pytest.mark.parametrize("name", ["id", "filter:id", "tasks:", "filter:annotations:id", "data.text"])
def test_a_name_that_is_no_task_column_is_refused(name: str) -> None:
    # The server would skip such a condition and match every task (or answer 500 when it is alone).
    with pytest.raises(ValueError, match="not a task column"):
        Filters.item(name, Operator.EQUAL, Type.Number, 1)


def test_a_name_that_is_no_str_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="must be a str"):
        Filters.item(42, Operator.EQUAL, Type.Number, 1)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("operator", "column_type", "message"),
    [("greter", Type.Number, "unknown operator 'greter'"), ("equal", "Integer", "unknown type 'Integer'")],
)
def test_unknown_operator_or_type_is_refused(operator: str, column_type: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Filters.item(Column.id, operator, column_type, 1)


def test_a_none_value_is_refused() -> None:
    with pytest.raises(ValueError, match="cannot be None"):
        Filters.value(None)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="cannot be None"):
        Filters.item(Column.id, Operator.EQUAL, Type.Number, None)  # type: ignore[arg-type]


def test_a_range_needs_both_ends() -> None:
    with pytest.raises(ValueError, match="both ends"):
        Filters.value(None, 5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match='exactly the keys "min" and "max"'):
        Filters.item(Column.id, Operator.IN, Type.Number, {"min": 1})  # type: ignore[arg-type]


@pytest.mark.parametrize("bound", [True, None, [1], {"a": 1}])
def test_a_range_end_must_be_a_number_str_or_datetime(bound: Any) -> None:
    with pytest.raises(TypeError, match="of a range must be"):
        Filters.item(Column.id, Operator.IN, Type.Number, {"min": 1, "max": bound})


def test_a_value_of_an_unknown_kind_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="cannot be a object"):
        Filters.item(Column.id, Operator.EQUAL, Type.Number, object())  # type: ignore[arg-type]


# ---------------------------------------------------------------- values and create


def test_value_passes_plain_values_through_and_formats_datetimes() -> None:
    assert Filters.value(42) == 42
    assert Filters.value(0.5) == 0.5
    assert Filters.value("cat") == "cat"
    assert Filters.value(False) is False
    assert Filters.value([1, 2]) == [1, 2]
    assert Filters.value(datetime(2021, 11, 1)) == "2021-11-01T00:00:00.000000Z"
    assert Filters.value(1, 7) == {"min": 1, "max": 7}
    assert Filters.value(0, 0.5) == {"min": 0, "max": 0.5}
    assert Filters.value("a", "m") == {"min": "a", "max": "m"}


def test_item_formats_datetimes_it_is_given_directly() -> None:
    when = datetime(2021, 11, 1, 1, tzinfo=timezone(timedelta(hours=1)))
    item = Filters.item(Column.created_at, Operator.GREATER, Type.Datetime, when)
    assert item["value"] == "2021-11-01T00:00:00.000000Z"
    ranged = Filters.item(Column.created_at, Operator.IN, Type.Datetime, {"min": when, "max": when})  # type: ignore[arg-type]
    assert ranged["value"] == {"min": "2021-11-01T00:00:00.000000Z", "max": "2021-11-01T00:00:00.000000Z"}
    listed = Filters.item(Column.created_at, Operator.IN_LIST, Type.Datetime, (when, "x"))
    assert listed["value"] == ["2021-11-01T00:00:00.000000Z", "x"]


def test_create_checks_conjunction_and_items() -> None:
    assert Filters.create(Filters.AND, []) == {"conjunction": "and", "items": []}  # type: ignore[comparison-overlap]
    with pytest.raises(ValueError, match="unknown conjunction 'xor'"):
        Filters.create("xor", [])
    with pytest.raises(TypeError, match="items must be a list"):
        Filters.create(Filters.AND, "tasks:id")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="items must be a list"):
        Filters.create(Filters.AND, 5)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="must be a dict, not int"):
        Filters.create(Filters.AND, [5])  # type: ignore[list-item]


# ---------------------------------------------------------------- the typed builder


def test_the_builder_makes_the_same_json_as_the_legacy_functions() -> None:
    built = Filters.any_of(
        F.id.greater(42), F.completed_at.between(datetime(2021, 11, 1), datetime(2021, 11, 5))
    )
    assert built == legacy_filters()
    assert json.dumps(built) == json.dumps(LEGACY_EXPECTED)


def legacy(column: str, operator: str, column_type: str, value: Any) -> Dict[str, Any]:
    return dict(Filters.item(column, operator, column_type, value))


@pytest.mark.parametrize(
    ("built", "expected"),
    [
        (F.id.equal(3), legacy(Column.id, Operator.EQUAL, Type.Number, 3)),
        (F.id.not_equal(3), legacy(Column.id, Operator.NOT_EQUAL, Type.Number, 3)),
        (F.id.less(3), legacy(Column.id, Operator.LESS, Type.Number, 3)),
        (F.id.less_or_equal(3), legacy(Column.id, Operator.LESS_OR_EQUAL, Type.Number, 3)),
        (F.id.greater(3), legacy(Column.id, Operator.GREATER, Type.Number, 3)),
        (F.id.greater_or_equal(3), legacy(Column.id, Operator.GREATER_OR_EQUAL, Type.Number, 3)),
        (F.id.between(1, 7), legacy(Column.id, Operator.IN, Type.Number, {"min": 1, "max": 7})),
        (F.id.not_between(1, 7), legacy(Column.id, Operator.NOT_IN, Type.Number, {"min": 1, "max": 7})),
        (F.id.in_list([1, 3]), legacy(Column.id, Operator.IN_LIST, Type.Number, [1, 3])),
        (F.id.not_in_list((1, 3)), legacy(Column.id, Operator.NOT_IN_LIST, Type.Number, [1, 3])),
        (F.data("text").contains("cat"), legacy(Column.data("text"), Operator.CONTAINS, Type.String, "cat")),
        (
            F.data("text").not_contains("cat"),
            legacy(Column.data("text"), Operator.NOT_CONTAINS, Type.String, "cat"),
        ),
        (F.data("text").regex("^c.t$"), legacy(Column.data("text"), Operator.REGEX, Type.String, "^c.t$")),
        (F.completed_at.empty(), legacy(Column.completed_at, Operator.EMPTY, Type.Datetime, True)),
        (F.completed_at.empty(False), legacy(Column.completed_at, Operator.EMPTY, Type.Datetime, False)),
        (F.data("score", Type.Number).greater(0.5), legacy("tasks:data.score", "greater", "Number", 0.5)),
        (F.annotators.contains(5), legacy(Column.annotators, Operator.CONTAINS, Type.List, 5)),
        (F.ground_truth.equal(True), legacy(Column.ground_truth, Operator.EQUAL, Type.Boolean, True)),
    ],
)
def test_each_builder_method_matches_filters_item(built: Any, expected: Dict[str, Any]) -> None:
    assert built == expected
    assert json.dumps(built) == json.dumps(expected)


def test_every_column_has_a_typed_field() -> None:
    for name, column in COLUMNS.items():
        field = getattr(F, name)
        assert isinstance(field, Field) and field.column == column and field.type in TYPES
    assert F.created_at.type == "Datetime" and F.id.type == "Number"
    assert repr(F.id) == "Field('tasks:id', 'Number')"
    assert Field("filter:tasks:data.n", Type.Number).column == "tasks:data.n"


def test_all_of_joins_with_and() -> None:
    built = Filters.all_of(F.id.greater(1), F.data("text").contains("cat"))
    assert built["conjunction"] == "and" and len(built["items"]) == 2


def test_builder_refuses_bad_input() -> None:
    with pytest.raises(ValueError, match="unknown type"):
        Field(Column.id, "Integer")
    with pytest.raises(ValueError, match="not a task column"):
        Field("id", Type.Number)
    with pytest.raises(TypeError, match="True or False"):
        F.completed_at.empty("yes")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="a list of values"):
        F.id.in_list("123")
    with pytest.raises(TypeError, match="of a range must be"):
        F.id.between(True, 5)


# ---------------------------------------------------------------- wiring: tasks.list


TOTALS = {"total_annotations": 0, "total_predictions": 0}
TASKS_PAGE = {
    "tasks": [sample(Task, id=7, data={"text": "a"}), sample(Task, id=8, data={"text": "b"})],
    "total": 2,
    **TOTALS,
}


@pytest.fixture
def tasks_route(respx_mock: respx.MockRouter) -> respx.Route:
    return respx_mock.get("/api/tasks/").mock(return_value=httpx.Response(200, json=TASKS_PAGE))


def sent_query(route: respx.Route) -> Any:
    return json.loads(route.calls.last.request.url.params["query"])


def test_the_root_hands_out_the_overlay() -> None:
    assert type(LabelStudio(base_url="http://testserver", api_key="k").tasks) is TasksClientExt
    assert type(AsyncLabelStudio(base_url="http://testserver", api_key="k").tasks) is AsyncTasksClientExt


async def test_tasks_list_sends_filters_inside_query(api: Api, tasks_route: respx.Route) -> None:
    filters = Filters.all_of(F.id.greater(5), F.data("text").contains("cat"))
    items = await api.items(lambda c: c.tasks.list(project=3, page_size=50, filters=filters))
    assert [t.id for t in items] == [7, 8]
    params = tasks_route.calls.last.request.url.params
    assert params["project"] == "3" and params["page_size"] == "50"
    assert params["query"] == (
        '{"filters":{"conjunction":"and","items":['
        '{"filter":"filter:tasks:id","operator":"greater","type":"Number","value":5},'
        '{"filter":"filter:tasks:data.text","operator":"contains","type":"String","value":"cat"}]}}'
    )


async def test_tasks_list_sends_filters_and_ordering(api: Api, tasks_route: respx.Route) -> None:
    await api.items(lambda c: c.tasks.list(project=3, filters=legacy_filters(), ordering=["-" + Column.id]))
    assert sent_query(tasks_route) == {"filters": LEGACY_EXPECTED, "ordering": ["-tasks:id"]}


async def test_ordering_alone_and_as_one_str(api: Api, tasks_route: respx.Route) -> None:
    await api.items(lambda c: c.tasks.list(project=3, ordering=[Column.created_at, "-tasks:id"]))
    assert sent_query(tasks_route) == {"ordering": ["tasks:created_at", "-tasks:id"]}
    await api.items(lambda c: c.tasks.list(project=3, ordering="-tasks:id"))
    assert sent_query(tasks_route) == {"ordering": ["-tasks:id"]}


async def test_no_filters_sends_no_query_and_a_raw_query_passes_through(
    api: Api, tasks_route: respx.Route
) -> None:
    await api.items(lambda c: c.tasks.list(project=3))
    assert "query" not in tasks_route.calls.last.request.url.params
    raw = '{"filters":{"conjunction":"or","items":[]},"selectedItems":{"all":false,"included":[7]}}'
    await api.items(lambda c: c.tasks.list(project=3, query=raw))
    assert tasks_route.calls.last.request.url.params["query"] == raw


async def test_the_filters_go_with_every_page(api: Api, respx_mock: respx.MockRouter) -> None:
    def page(request: httpx.Request) -> httpx.Response:
        number = int(request.url.params.get("page", "1"))
        tasks = [sample(Task, id=number * 10 + i, data={}) for i in range(2)] if number <= 2 else []
        return httpx.Response(200, json={"tasks": tasks, "total": 4, **TOTALS})

    route = respx_mock.get("/api/tasks/").mock(side_effect=page)
    items = await api.items(
        lambda c: c.tasks.list(project=3, page_size=2, filters=Filters.all_of(F.id.less(99)))
    )
    assert [t.id for t in items] == [10, 11, 20, 21]
    assert route.call_count == 2
    assert {call.request.url.params["query"] for call in route.calls} == {
        '{"filters":{"conjunction":"and","items":[{"filter":"filter:tasks:id","operator":"less","type":"Number","value":99}]}}'
    }


async def test_a_percent_sign_survives_the_servers_second_decoding(
    api: Api, tasks_route: respx.Route
) -> None:
    # Label Studio decodes `query` twice; "%" is sent as "%25" so that "100%41" stays "100%41".
    await api.items(lambda c: c.tasks.list(project=3, filters=Filters.all_of(F.data("t").contains("100%41"))))
    text = tasks_route.calls.last.request.url.params["query"]
    assert '"value":"100%2541"' in text
    from urllib.parse import unquote

    assert json.loads(unquote(text))["filters"]["items"][0]["value"] == "100%41"


async def test_generated_filter_models_are_accepted(api: Api, tasks_route: respx.Route) -> None:
    filters = legacy_filters()
    for model in (ActionsCreateRequestFilters, ViewsCreateRequestDataFilters):
        await api.items(lambda c, m=model: c.tasks.list(project=3, filters=m.model_validate(filters)))  # type: ignore[misc]
        assert sent_query(tasks_route) == {"filters": LEGACY_EXPECTED}


async def test_query_and_filters_together_is_a_type_error(api: Api, tasks_route: respx.Route) -> None:
    for extra in ({"filters": Filters.all_of(F.id.greater(1))}, {"ordering": ["tasks:id"]}):
        with pytest.raises(TypeError, match="either query= or filters=/ordering="):
            await api.items(lambda c, e=extra: c.tasks.list(project=3, query="{}", **e))  # type: ignore[misc]
    assert tasks_route.call_count == 0


@pytest.mark.parametrize(
    ("filters", "ordering", "error", "message"),
    [
        ("tasks:id>5", None, TypeError, "filters must be a dict"),
        ({"items": []}, None, ValueError, '"conjunction": "and" or "or"'),
        ({"conjunction": "and"}, None, ValueError, '"items": a list'),
        ({"conjunction": "and", "items": "x"}, None, ValueError, '"items": a list'),
        (None, [1], TypeError, "ordering must be a list of column names"),
    ],
)
async def test_bad_filters_or_ordering_fail_before_any_request(
    api: Api, tasks_route: respx.Route, filters: Any, ordering: Any, error: type, message: str
) -> None:
    with pytest.raises(error, match=message):
        await api.items(lambda c: c.tasks.list(project=3, filters=filters, ordering=ordering))
    assert tasks_route.call_count == 0


def test_tasks_query_helper() -> None:
    assert tasks_query(None, None) is None
    assert (
        tasks_query({"conjunction": "or", "items": []}, ())
        == '{"filters":{"conjunction":"or","items":[]},"ordering":[]}'
    )


# ---------------------------------------------------------------- wiring: views and actions


VIEW = {"id": 4, "project": 3, "data": {}}


async def test_views_create_and_update_send_the_filters_as_they_are(
    api: Api, respx_mock: respx.MockRouter
) -> None:
    created = respx_mock.post("/api/dm/views/").mock(return_value=httpx.Response(201, json=VIEW))
    updated = respx_mock.patch("/api/dm/views/4/").mock(return_value=httpx.Response(200, json=VIEW))
    filters = legacy_filters()
    data = {"title": "Mine", "filters": filters, "ordering": ["-tasks:id"]}
    await api.run(lambda c: c.views.create(project=3, data=data))
    assert json.loads(created.calls.last.request.content) == {"data": data, "project": 3}
    assert json.loads(created.calls.last.request.content)["data"]["filters"] == LEGACY_EXPECTED
    await api.run(lambda c: c.views.update("4", project=3, data={"filters": filters}))
    assert json.loads(updated.calls.last.request.content) == {
        "data": {"filters": LEGACY_EXPECTED},
        "project": 3,
    }
    # Through the generated model (the mypy-friendly way) the body is the same.
    model = ViewsCreateRequestData.model_validate({"filters": filters, "ordering": ["-tasks:id"]})
    await api.run(lambda c: c.views.create(project=3, data=model))
    assert json.loads(created.calls.last.request.content) == {
        "data": {"filters": LEGACY_EXPECTED, "ordering": ["-tasks:id"]},
        "project": 3,
    }


async def test_actions_create_sends_the_filters_as_they_are(api: Api, respx_mock: respx.MockRouter) -> None:
    route = respx_mock.post("/api/dm/actions/").mock(
        return_value=httpx.Response(200, json={"processed_items": 2, "detail": "Deleted 2 tasks"})
    )
    filters = Filters.all_of(F.data("text").contains("cat"), F.id.between(10, 20))
    expected: Dict[str, Any] = {
        "conjunction": "and",
        "items": [
            {"filter": "filter:tasks:data.text", "operator": "contains", "type": "String", "value": "cat"},
            {
                "filter": "filter:tasks:id",
                "operator": "in",
                "type": "Number",
                "value": {"min": 10, "max": 20},
            },
        ],
    }
    bodies: List[Any] = []
    for sent in (filters, ActionsCreateRequestFilters.model_validate(filters)):

        def run(c: Any, s: Any = sent) -> Any:
            return c.actions.create(
                id="delete_tasks", project=3, filters=s, selected_items={"all": True, "excluded": []}
            )

        result = await api.run(run)
        assert result.processed_items == 2
        request = route.calls.last.request
        assert dict(request.url.params) == {"id": "delete_tasks", "project": "3"}
        bodies.append(json.loads(request.content))
    assert bodies[0] == bodies[1] == {"filters": expected, "selectedItems": {"all": True, "excluded": []}}
