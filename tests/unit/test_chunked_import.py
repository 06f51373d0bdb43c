"""projects.import_tasks in chunks (projects/client_ext.py): splitting, summing, failing midway, waiting for jobs.

Every test runs with the sync and the async client (the `api` fixture).
"""

from __future__ import annotations

import inspect
import json
from typing import Any, Callable, Dict, List, Optional, Union

import httpx
import pytest
import respx

from label_studio_sdk import BadRequestError, InternalServerError
from label_studio_sdk.core.errors import ApiConnectionError, ApiTimeoutError
from label_studio_sdk.projects import AsyncProjectsClientExt, ProjectsClientExt, client_ext
from label_studio_sdk.projects.client import AsyncProjectsClient, ProjectsClient
from label_studio_sdk.projects.client_ext import ImportProgress
from label_studio_sdk.projects.import_errors import (
    ChunkedImportError,
    ImportJobFailedError,
    ImportJobTimeoutError,
)
from label_studio_sdk.projects.types.projects_import_tasks_response import ProjectsImportTasksResponse

from .helpers import Api

IMPORT = "/api/projects/3/import"
JOB_7 = "/api/projects/3/imports/7/"
JOB_8 = "/api/projects/3/imports/8/"

Effect = Union[httpx.Response, Exception]


def tasks(n: int, start: int = 0) -> List[Dict[str, Any]]:
    return [{"text": f"t{i}"} for i in range(start, start + n)]


class FakeServer:
    """Answers task imports like the open-source server: synchronously, numbering tasks as it goes.

    ``effects`` replaces the answer to the n-th request (0-based) with a response or an exception.
    """

    def __init__(self, effects: Optional[Dict[int, Effect]] = None, first_id: int = 100) -> None:
        self.effects = effects or {}
        self.next_id = first_id
        self.requests: List[httpx.Request] = []

    @property
    def bodies(self) -> List[List[Dict[str, Any]]]:
        return [json.loads(request.content) for request in self.requests]

    def __call__(self, request: httpx.Request) -> httpx.Response:
        number = len(self.requests)
        self.requests.append(request)
        effect = self.effects.get(number)
        if isinstance(effect, Exception):
            raise effect
        if effect is not None:
            return effect
        sent = json.loads(request.content)
        ids = list(range(self.next_id, self.next_id + len(sent)))
        self.next_id += len(sent)
        body: Dict[str, Any] = {
            "task_count": len(sent),
            "annotation_count": sum(len(t.get("annotations", [])) for t in sent),
            "prediction_count": 0,
            "duration": 0.25,
            "file_upload_ids": [],
            "could_be_tasks_list": False,
            "found_formats": [],
            "data_columns": sorted({key for t in sent for key in t}),
        }
        if request.url.params.get("return_task_ids") == "true":
            body["task_ids"] = ids
        return httpx.Response(201, json=body)


@pytest.fixture
def server(respx_mock: respx.MockRouter) -> FakeServer:
    fake = FakeServer()
    respx_mock.post(IMPORT).mock(side_effect=fake)
    return fake


@pytest.fixture
def poll_sleeps(monkeypatch: pytest.MonkeyPatch) -> List[float]:
    """Records the job-polling sleeps; each one advances a fake clock by its length."""
    now = [0.0]
    slept: List[float] = []

    def fake_sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    async def fake_async_sleep(seconds: float) -> None:
        fake_sleep(seconds)

    monkeypatch.setattr(client_ext, "_sleep", fake_sleep)
    monkeypatch.setattr(client_ext, "_async_sleep", fake_async_sleep)
    monkeypatch.setattr(client_ext, "_now", lambda: now[0])
    return slept


def job(status: str, **fields: Any) -> httpx.Response:
    return httpx.Response(200, json={"id": 7, "project": 3, "status": status, **fields})


def importing(**kwargs: Any) -> Callable[[Any], Any]:
    return lambda c: c.projects.import_tasks(3, **kwargs)


# -- the signature ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("generated", "overlay"),
    [(ProjectsClient, ProjectsClientExt), (AsyncProjectsClient, AsyncProjectsClientExt)],
)
def test_every_generated_argument_is_kept_and_the_new_ones_are_optional_keywords(
    generated: type, overlay: type
) -> None:
    base = inspect.signature(generated.import_tasks).parameters
    ours = inspect.signature(overlay.import_tasks).parameters
    assert [name for name in ours if name in base] == list(base)
    for name, parameter in base.items():
        if name == "request":  # widened: one task dict is accepted too, as the server does
            assert ours[name].annotation == "Union[Dict[str, Any], Sequence[Dict[str, Any]], Omit]"
            assert ours[name].replace(annotation=parameter.annotation) == parameter
            continue
        assert ours[name] == parameter, name
    added = [name for name in ours if name not in base]
    assert added == ["chunk_size", "max_chunk_bytes", "wait", "wait_timeout", "on_progress"]
    for name in added:
        assert ours[name].kind is inspect.Parameter.KEYWORD_ONLY
        assert ours[name].default is not inspect.Parameter.empty
    assert list(ours)[-1] == "request_options"


async def test_the_root_clients_hand_out_the_overlay(api: Api) -> None:
    expected = AsyncProjectsClientExt if api.is_async else ProjectsClientExt
    assert isinstance(api.client.projects, expected)


# -- one chunk: the plain request ------------------------------------------------------------------


async def test_a_list_that_fits_one_chunk_is_the_generated_request_unchanged(
    api: Api, respx_mock: respx.MockRouter
) -> None:
    answer = {"task_count": 3, "duration": 0.1, "task_ids": [1, 2, 3], "unknown_field": "kept"}
    route = respx_mock.post(IMPORT).mock(return_value=httpx.Response(201, json=answer))
    kwargs: Dict[str, Any] = {
        "request": tasks(3),
        "commit_to_project": True,
        "return_task_ids": True,
        "preannotated_from_fields": ["label"],
        "request_options": {"additional_headers": {"X-Trace": "1"}, "timeout": 5.0},
    }
    plain_client = (AsyncProjectsClient if api.is_async else ProjectsClient)(api.http)

    ours = await api.run(importing(**kwargs))
    plain = await api.run(lambda c: plain_client.import_tasks(3, **kwargs))

    assert route.call_count == 2
    mine, reference = (call.request for call in route.calls)
    assert (mine.method, mine.url, mine.content) == (reference.method, reference.url, reference.content)
    assert dict(mine.headers) == dict(reference.headers)
    assert mine.extensions["timeout"] == reference.extensions["timeout"]
    assert type(ours) is ProjectsImportTasksResponse
    assert ours.model_dump(by_alias=True, exclude_unset=True) == plain.model_dump(
        by_alias=True, exclude_unset=True
    )
    assert ours.model_extra == {"unknown_field": "kept"}


async def test_the_empty_list_is_one_request_and_the_servers_refusal_comes_back_unchanged(
    api: Api, respx_mock: respx.MockRouter
) -> None:
    refusal = {"validation_errors": {"non_field_errors": ["load_tasks: No tasks added"]}}
    route = respx_mock.post(IMPORT).mock(return_value=httpx.Response(400, json=refusal))

    with pytest.raises(BadRequestError) as info:
        await api.run(importing(request=[]))

    assert route.call_count == 1
    assert route.calls.last.request.content == b"[]"
    assert not isinstance(info.value, ChunkedImportError)


async def test_a_single_chunk_failure_is_the_plain_api_error(api: Api, respx_mock: respx.MockRouter) -> None:
    respx_mock.post(IMPORT).mock(return_value=httpx.Response(400, json={"detail": "bad task"}))

    with pytest.raises(BadRequestError, match="bad task"):
        await api.run(importing(request=tasks(5)))


async def test_files_go_through_as_one_upload_whatever_the_chunk_size(
    api: Api, respx_mock: respx.MockRouter
) -> None:
    route = respx_mock.post(IMPORT).mock(
        return_value=httpx.Response(201, json={"task_count": 2, "file_upload_ids": [4]})
    )
    seen: List[ImportProgress] = []

    result = await api.run(
        importing(files=[("a.csv", b"text\nx\ny\n", "text/csv")], chunk_size=1, on_progress=seen.append)
    )

    assert route.call_count == 1
    assert route.calls.last.request.headers["content-type"].startswith("multipart/form-data")
    assert result.file_upload_ids == [4]
    assert seen == []


@pytest.mark.parametrize("kwargs", [{}, {"request": tasks(2), "files": [b"x"]}], ids=["neither", "both"])
async def test_request_or_files_stays_exactly_one(
    api: Api, respx_mock: respx.MockRouter, kwargs: Dict[str, Any]
) -> None:
    route = respx_mock.post(IMPORT)
    with pytest.raises(TypeError, match="exactly one of request= or files="):
        await api.run(importing(**kwargs))
    assert route.call_count == 0


# -- splitting and summing -------------------------------------------------------------------------


async def test_a_long_list_goes_in_chunks_of_chunk_size_and_the_result_is_their_sum(
    api: Api, server: FakeServer
) -> None:
    sent = tasks(2500)

    result = await api.run(importing(request=sent, return_task_ids=True, commit_to_project=True))

    assert [len(body) for body in server.bodies] == [1000, 1000, 500]
    assert [task for body in server.bodies for task in body] == sent
    for request in server.requests:
        assert request.url.params.multi_items() == [
            ("commit_to_project", "true"),
            ("return_task_ids", "true"),
        ]
    assert result.task_count == 2500
    assert result.annotation_count == 0 and result.prediction_count == 0
    assert result.duration == pytest.approx(0.75)
    assert result.task_ids == list(range(100, 2600))
    assert result.file_upload_ids == []
    assert result.data_columns == ["text"]
    assert result.found_formats == [] and result.could_be_tasks_list is False
    assert result.import_ is None and result.model_extra == {}


async def test_chunk_size_is_the_callers(api: Api, server: FakeServer) -> None:
    result = await api.run(importing(request=tasks(7), chunk_size=3))

    assert [len(body) for body in server.bodies] == [3, 3, 1]
    assert result.task_count == 7
    assert result.task_ids is None  # not asked for, so no chunk sent any


async def test_a_tuple_of_tasks_is_split_like_a_list(api: Api, server: FakeServer) -> None:
    result = await api.run(importing(request=tuple(tasks(5)), chunk_size=2))
    assert [len(body) for body in server.bodies] == [2, 2, 1]
    assert result.task_count == 5


async def test_chunks_are_bounded_by_bytes_as_well(api: Api, server: FakeServer) -> None:
    # {"text":"<n x's>"} serialises to n + 11 bytes; a chunk is "[" + tasks joined by "," + "]".
    sent = [{"text": "x" * n} for n in (89, 89, 89, 10, 500, 1)]  # 100, 100, 100, 21, 511, 12 bytes
    bound = 2 + 100 + 1 + 100  # exactly two of the first tasks

    await api.run(importing(request=sent, max_chunk_bytes=bound))

    assert [len(body) for body in server.bodies] == [2, 2, 1, 1]
    assert [len(request.content) for request in server.requests] == [203, 124, 513, 14]
    # a chunk reaches the bound exactly; a task bigger than the bound goes alone
    assert server.requests[0].content.count(b"{") == 2
    assert json.loads(server.requests[2].content) == [{"text": "x" * 500}]
    assert [task for body in server.bodies for task in body] == sent


async def test_the_byte_bound_counts_utf8_bytes_not_characters(api: Api, server: FakeServer) -> None:
    sent = [{"text": "é" * 20}] * 4  # 40 bytes of text, 51 bytes of JSON each
    await api.run(importing(request=sent, max_chunk_bytes=2 + 51 + 1 + 51))
    assert [len(body) for body in server.bodies] == [2, 2]
    assert all(len(request.content) <= 105 for request in server.requests)


async def test_the_default_bounds(api: Api, server: FakeServer) -> None:
    assert client_ext.DEFAULT_CHUNK_SIZE == 1000
    assert client_ext.DEFAULT_MAX_CHUNK_BYTES == 50 * 1024 * 1024
    await api.run(importing(request=tasks(1001)))
    assert [len(body) for body in server.bodies] == [1000, 1]


async def test_request_options_go_with_every_chunk(api: Api, server: FakeServer) -> None:
    options = {"additional_headers": {"X-Trace": "t"}, "additional_query_parameters": {"x": 1}}
    await api.run(importing(request=tasks(3), chunk_size=1, request_options=options))
    assert len(server.requests) == 3
    for request in server.requests:
        assert request.headers["X-Trace"] == "t" and request.url.params["x"] == "1"


async def test_progress_is_reported_after_each_chunk(api: Api, server: FakeServer) -> None:
    seen: List[ImportProgress] = []

    await api.run(importing(request=tasks(5), chunk_size=2, on_progress=seen.append))

    assert [(p.chunk_index, p.chunks_total, p.tasks_done, p.tasks_total) for p in seen] == [
        (0, 3, 2, 5),
        (1, 3, 4, 5),
        (2, 3, 5, 5),
    ]
    assert [p.response.task_count for p in seen] == [2, 2, 1]


async def test_a_single_chunk_reports_progress_once(api: Api, server: FakeServer) -> None:
    seen: List[ImportProgress] = []
    await api.run(importing(request=tasks(2), on_progress=seen.append))
    assert [(p.chunk_index, p.chunks_total, p.tasks_done) for p in seen] == [(0, 1, 2)]


def test_counts_lists_and_formats_are_merged() -> None:
    parts = [
        ProjectsImportTasksResponse.model_validate(
            {
                "task_count": 2,
                "predictions_count": 1,
                "duration": 1.5,
                "file_upload_ids": [1],
                "found_formats": {".json": 1},
                "data_columns": ["b", "a"],
                "could_be_tasks_list": False,
            }
        ),
        ProjectsImportTasksResponse.model_validate(
            {
                "task_count": 3,
                "annotation_count": 4,
                "file_upload_ids": [2, 3],
                "found_formats": {".json": 2, ".csv": 1},
                "data_columns": ["a", "c"],
                "could_be_tasks_list": True,
                "task_ids": [9],
            }
        ),
    ]
    total = client_ext._sum_results(parts)
    assert total.model_dump(exclude_unset=True) == {
        "task_count": 5,
        "annotation_count": 4,
        "predictions_count": 1,
        "duration": 1.5,
        "file_upload_ids": [1, 2, 3],
        "found_formats": {".json": 3, ".csv": 1},
        "data_columns": ["b", "a", "c"],
        "could_be_tasks_list": True,
    }
    # task_ids of only some chunks would be misleading: left out
    assert total.task_ids is None
    lists = [
        ProjectsImportTasksResponse(found_formats=["json"]),
        ProjectsImportTasksResponse(found_formats=["csv", "json"]),
    ]
    assert client_ext._sum_results(lists).found_formats == ["json", "csv"]


# -- a chunk failing midway ------------------------------------------------------------------------


async def test_a_chunk_failing_midway_says_what_landed_and_where_to_resume(
    api: Api, respx_mock: respx.MockRouter
) -> None:
    refusal = httpx.Response(400, json={"validation_errors": {"non_field_errors": ["Error at item 5"]}})
    fake = FakeServer({2: refusal})
    route = respx_mock.post(IMPORT).mock(side_effect=fake)
    sent = tasks(4500)

    with pytest.raises(ChunkedImportError) as info:
        await api.run(importing(request=sent, return_task_ids=True))

    error = info.value
    assert route.call_count == 3  # the chunks after the failed one are not sent
    assert (error.chunk_index, error.chunks_total) == (2, 5)
    assert error.tasks_imported == error.first_failed_task_index == 2000
    assert (error.chunk_task_count, error.tasks_total, error.project_id) == (1000, 4500, 3)
    assert error.may_have_landed is False
    assert isinstance(error.__cause__, BadRequestError) and error.__cause__.status_code == 400
    assert error.partial.task_count == 2000
    assert error.partial.task_ids == list(range(100, 2100))
    message = str(error)
    assert "chunk 3 of 5" in message and "2000 of 4500 tasks were imported" in message
    assert (
        "request=request[2000:], <the same options>" in message
        and "count from request[2000]" in message
        and "Error at item 5" in message
    )
    assert "nothing of this chunk was saved" in message

    # Resuming from the index imports the rest, and nothing twice.
    fake.effects.clear()
    rest = await api.run(importing(request=sent[error.first_failed_task_index :], return_task_ids=True))
    sent_in_total = [task for body in fake.bodies for task in body]
    assert sent_in_total[:2000] + sent_in_total[3000:] == sent
    assert error.partial.task_count + rest.task_count == 4500


async def test_the_first_chunk_failing_means_nothing_landed(api: Api, respx_mock: respx.MockRouter) -> None:
    respx_mock.post(IMPORT).mock(side_effect=FakeServer({0: httpx.Response(403, json={"detail": "no"})}))

    with pytest.raises(ChunkedImportError) as info:
        await api.run(importing(request=tasks(3), chunk_size=2))

    assert (info.value.tasks_imported, info.value.chunk_index) == (0, 0)
    assert info.value.partial.model_dump(exclude_unset=True) == {}
    assert "request=request[0:]" in str(info.value)


async def test_a_500_on_a_chunk_is_not_replayed_and_may_have_landed(
    api: Api, respx_mock: respx.MockRouter, sleeps: List[float]
) -> None:
    fake = FakeServer({1: httpx.Response(500, text="boom")})
    respx_mock.post(IMPORT).mock(side_effect=fake)

    with pytest.raises(ChunkedImportError) as info:
        await api.run(importing(request=tasks(6), chunk_size=2))

    assert len(fake.requests) == 2 and sleeps == []
    assert isinstance(info.value.__cause__, InternalServerError)
    assert info.value.may_have_landed is True
    assert "count the project's tasks first" in str(info.value)
    assert "request[2:4]" in str(info.value)


async def test_a_503_is_retried_by_the_sdks_policy_and_the_import_goes_on(
    api: Api, respx_mock: respx.MockRouter, sleeps: List[float]
) -> None:
    fake = FakeServer({1: httpx.Response(503), 2: httpx.Response(503)})
    respx_mock.post(IMPORT).mock(side_effect=fake)

    result = await api.run(importing(request=tasks(4), chunk_size=2))

    assert len(fake.requests) == 4 and len(sleeps) == 2
    assert fake.bodies[1] == fake.bodies[2] == fake.bodies[3] == tasks(2, start=2)
    assert result.task_count == 4


async def test_a_chunk_still_failing_after_the_retries_stops_the_import(
    api: Api, respx_mock: respx.MockRouter, sleeps: List[float]
) -> None:
    fake = FakeServer({1: httpx.Response(503), 2: httpx.Response(503), 3: httpx.Response(503)})
    respx_mock.post(IMPORT).mock(side_effect=fake)

    with pytest.raises(ChunkedImportError) as info:
        await api.run(importing(request=tasks(6), chunk_size=2))

    assert len(fake.requests) == 4  # chunk 0, then chunk 1 with its two retries; chunk 2 never
    assert isinstance(info.value.__cause__, InternalServerError) and info.value.__cause__.status_code == 503
    assert info.value.first_failed_task_index == 2


async def test_a_connection_never_made_did_not_land(
    api: Api, respx_mock: respx.MockRouter, sleeps: List[float]
) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    calls = {"n": 0}
    fake = FakeServer()

    def answer(request: httpx.Request) -> httpx.Response:
        calls["n"] += 1
        return fake(request) if calls["n"] == 1 else refuse(request)

    respx_mock.post(IMPORT).mock(side_effect=answer)

    with pytest.raises(ChunkedImportError) as info:
        await api.run(importing(request=tasks(4), chunk_size=2))

    assert calls["n"] == 4  # chunk 1 was tried three times: refused connections are always retried
    assert isinstance(info.value.__cause__, ApiConnectionError)
    assert info.value.may_have_landed is False
    assert info.value.tasks_imported == 2


async def test_a_read_timeout_on_a_chunk_is_not_replayed_and_may_have_landed(
    api: Api, respx_mock: respx.MockRouter, sleeps: List[float]
) -> None:
    fake = FakeServer({1: httpx.ReadTimeout("slow")})
    respx_mock.post(IMPORT).mock(side_effect=fake)

    with pytest.raises(ChunkedImportError) as info:
        await api.run(importing(request=tasks(6), chunk_size=2))

    assert len(fake.requests) == 2
    assert isinstance(info.value.__cause__, ApiTimeoutError)
    assert info.value.may_have_landed is True


async def test_a_2xx_that_cannot_be_read_may_have_landed(api: Api, respx_mock: respx.MockRouter) -> None:
    respx_mock.post(IMPORT).mock(
        side_effect=FakeServer({1: httpx.Response(201, json={"task_count": "many"})})
    )

    with pytest.raises(ChunkedImportError) as info:
        await api.run(importing(request=tasks(4), chunk_size=2))

    assert info.value.may_have_landed is True
    assert "ResponseValidationError" in str(info.value)


# -- bad input is refused before anything is sent -------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"request": [{"text": "a"}, "b"]}, TypeError, r"request\[1\] must be a task dict, got str"),
        ({"request": [{"text": "a"}, None]}, TypeError, r"request\[1\] must be a task dict, got NoneType"),
        ({"request": "text"}, TypeError, "request must be a list of task dicts, got str"),
        ({"request": None}, TypeError, "request must be a list of task dicts, got NoneType"),
        ({"request": (t for t in tasks(2))}, TypeError, "got generator"),
        ({"request": [{"text": object()}]}, TypeError, r"request\[0\] cannot be sent as JSON"),
        ({"request": tasks(2), "chunk_size": 0}, ValueError, "chunk_size must be 1 or more"),
        ({"request": tasks(2), "chunk_size": 2.5}, TypeError, "chunk_size must be an int"),
        ({"request": tasks(2), "chunk_size": True}, TypeError, "chunk_size must be an int"),
        ({"request": tasks(2), "max_chunk_bytes": -1}, ValueError, "max_chunk_bytes must be 1 or more"),
        ({"request": tasks(2), "wait_timeout": 0}, ValueError, "wait_timeout must be a positive"),
        ({"files": [b"x"], "chunk_size": 0}, ValueError, "chunk_size must be 1 or more"),
    ],
)
async def test_bad_input_is_a_typed_error_before_any_request(
    api: Api, respx_mock: respx.MockRouter, kwargs: Dict[str, Any], error: type, message: str
) -> None:
    route = respx_mock.post(IMPORT)
    with pytest.raises(error, match=message):
        await api.run(importing(**kwargs))
    assert route.call_count == 0


async def test_a_bad_task_deep_in_a_long_list_stops_everything_before_the_first_chunk(
    api: Api, respx_mock: respx.MockRouter
) -> None:
    route = respx_mock.post(IMPORT)
    sent: List[Any] = [*tasks(2500), ["not", "a", "dict"]]
    with pytest.raises(TypeError, match=r"request\[2500\]"):
        await api.run(importing(request=sent))
    assert route.call_count == 0


# -- asynchronous import jobs ----------------------------------------------------------------------


async def test_without_wait_a_job_id_is_returned_as_is(api: Api, respx_mock: respx.MockRouter) -> None:
    respx_mock.post(IMPORT).mock(return_value=httpx.Response(201, json={"import": 7}))
    status = respx_mock.get(JOB_7)

    result = await api.run(importing(request=tasks(2)))

    assert result.import_ == 7 and status.call_count == 0


async def test_without_wait_the_job_ids_of_all_chunks_are_listed(
    api: Api, respx_mock: respx.MockRouter
) -> None:
    respx_mock.post(IMPORT).mock(
        side_effect=[httpx.Response(201, json={"import": 7}), httpx.Response(201, json={"import": 8})]
    )

    result = await api.run(importing(request=tasks(4), chunk_size=2))

    assert result.model_extra == {"import_ids": [7, 8]}
    assert result.import_ is None and result.task_count is None


async def test_wait_polls_a_pending_job_until_it_is_done(
    api: Api, respx_mock: respx.MockRouter, poll_sleeps: List[float]
) -> None:
    respx_mock.post(IMPORT).mock(return_value=httpx.Response(201, json={"import": 7}))
    done = job(
        "completed",
        task_count=2,
        annotation_count=1,
        prediction_count=0,
        duration=3,
        file_upload_ids=[],
        found_formats=[],
        data_columns=["text"],
        return_task_ids=True,
        task_ids=[41, 42],
    )
    status = respx_mock.get(JOB_7).mock(
        side_effect=[job("created"), job("in_progress"), job("in_progress"), done]
    )

    result = await api.run(importing(request=tasks(2), return_task_ids=True, wait=True))

    assert status.call_count == 4
    assert poll_sleeps == [0.5, 0.75, 1.125]
    assert result.import_ == 7 and result.task_count == 2 and result.annotation_count == 1
    assert result.task_ids == [41, 42] and result.data_columns == ["text"] and result.duration == 3


async def test_the_poll_interval_grows_to_a_cap(
    api: Api, respx_mock: respx.MockRouter, poll_sleeps: List[float]
) -> None:
    respx_mock.post(IMPORT).mock(return_value=httpx.Response(201, json={"import": 7}))
    respx_mock.get(JOB_7).mock(side_effect=[job("in_progress")] * 10 + [job("completed", task_count=1)])

    await api.run(importing(request=tasks(1), wait=True))

    assert poll_sleeps[:3] == [0.5, 0.75, 1.125]
    assert max(poll_sleeps) == client_ext.MAX_POLL_INTERVAL
    assert poll_sleeps[-3:] == [5.0, 5.0, 5.0]


async def test_polling_keeps_the_callers_timeout_and_headers_but_not_the_import_query(
    api: Api, respx_mock: respx.MockRouter, poll_sleeps: List[float]
) -> None:
    respx_mock.post(IMPORT).mock(return_value=httpx.Response(201, json={"import": 7}))
    status = respx_mock.get(JOB_7).mock(return_value=job("completed", task_count=1))
    options = {
        "additional_headers": {"X-Trace": "t"},
        "additional_query_parameters": {"x": 1},
        "timeout": 7.0,
    }

    await api.run(importing(request=tasks(1), wait=True, request_options=options))

    poll = status.calls.last.request
    assert poll.headers["X-Trace"] == "t" and "x" not in poll.url.params
    assert poll.extensions["timeout"]["read"] == 7.0


async def test_a_failed_job_of_a_single_request_is_a_typed_error(
    api: Api, respx_mock: respx.MockRouter, poll_sleeps: List[float]
) -> None:
    respx_mock.post(IMPORT).mock(return_value=httpx.Response(201, json={"import": 7}))
    respx_mock.get(JOB_7).mock(
        side_effect=[job("in_progress"), job("failed", error="Error creating tasks: x")]
    )

    with pytest.raises(
        ImportJobFailedError, match="import job 7 of project 3 failed: Error creating tasks"
    ) as info:
        await api.run(importing(request=tasks(2), wait=True))

    assert info.value.job.status == "failed" and info.value.import_id == 7


async def test_a_job_that_never_ends_stops_the_wait_at_wait_timeout(
    api: Api, respx_mock: respx.MockRouter, poll_sleeps: List[float]
) -> None:
    respx_mock.post(IMPORT).mock(return_value=httpx.Response(201, json={"import": 7}))
    respx_mock.get(JOB_7).mock(return_value=job("in_progress"))

    with pytest.raises(ImportJobTimeoutError, match="still in_progress after 10 s") as info:
        await api.run(importing(request=tasks(2), wait=True, wait_timeout=10))

    assert sum(poll_sleeps) == pytest.approx(10.0)  # the last sleep is cut to the time left
    assert "create_many_status(3, '7')" in str(info.value)


async def test_with_wait_each_chunk_waits_for_its_job_before_the_next_is_sent(
    api: Api, respx_mock: respx.MockRouter, poll_sleeps: List[float]
) -> None:
    order: List[str] = []

    def post(request: httpx.Request) -> httpx.Response:
        order.append("POST")
        return httpx.Response(201, json={"import": 7 + order.count("POST") - 1})

    def status(number: int, answers: List[httpx.Response]) -> Callable[[httpx.Request], httpx.Response]:
        def answer(request: httpx.Request) -> httpx.Response:
            order.append(f"GET {number}")
            return answers.pop(0)

        return answer

    respx_mock.post(IMPORT).mock(side_effect=post)
    respx_mock.get(JOB_7).mock(
        side_effect=status(7, [job("in_progress"), job("completed", task_count=2, task_ids=[1, 2])])
    )
    respx_mock.get(JOB_8).mock(
        side_effect=status(
            8, [httpx.Response(200, json={"id": 8, "status": "completed", "task_count": 1, "task_ids": [3]})]
        )
    )
    seen: List[ImportProgress] = []

    result = await api.run(importing(request=tasks(3), chunk_size=2, wait=True, on_progress=seen.append))

    assert order == ["POST", "GET 7", "GET 7", "POST", "GET 8"]
    assert result.task_count == 3 and result.task_ids == [1, 2, 3]
    assert result.model_extra == {"import_ids": [7, 8]}
    assert [p.response.import_ for p in seen] == [7, 8]


async def test_a_failed_job_midway_is_a_chunk_failure_that_did_not_land(
    api: Api, respx_mock: respx.MockRouter, poll_sleeps: List[float]
) -> None:
    respx_mock.post(IMPORT).mock(
        side_effect=[httpx.Response(201, json={"import": 7}), httpx.Response(201, json={"import": 8})]
    )
    respx_mock.get(JOB_7).mock(return_value=job("completed", task_count=2))
    respx_mock.get(JOB_8).mock(
        return_value=httpx.Response(200, json={"id": 8, "status": "failed", "error": "bad"})
    )

    with pytest.raises(ChunkedImportError) as info:
        await api.run(importing(request=tasks(4), chunk_size=2, wait=True))

    assert isinstance(info.value.__cause__, ImportJobFailedError)
    assert info.value.may_have_landed is False
    assert info.value.tasks_imported == 2 and info.value.partial.task_count == 2
    assert info.value.partial.model_extra == {"import_ids": [7]}


async def test_a_wait_that_runs_out_midway_may_still_land(
    api: Api, respx_mock: respx.MockRouter, poll_sleeps: List[float]
) -> None:
    respx_mock.post(IMPORT).mock(
        side_effect=[httpx.Response(201, json={"import": 7}), httpx.Response(201, json={"import": 8})]
    )
    respx_mock.get(JOB_7).mock(return_value=job("completed", task_count=2))
    respx_mock.get(JOB_8).mock(return_value=httpx.Response(200, json={"id": 8, "status": "created"}))

    with pytest.raises(ChunkedImportError) as info:
        await api.run(importing(request=tasks(4), chunk_size=2, wait=True, wait_timeout=3))

    assert isinstance(info.value.__cause__, ImportJobTimeoutError)
    assert info.value.may_have_landed is True and info.value.first_failed_task_index == 2


async def test_a_job_status_lookup_failing_midway_may_still_land(
    api: Api, respx_mock: respx.MockRouter, poll_sleeps: List[float]
) -> None:
    respx_mock.post(IMPORT).mock(
        side_effect=[httpx.Response(201, json={"import": 7}), httpx.Response(201, json={"import": 8})]
    )
    respx_mock.get(JOB_7).mock(return_value=job("completed", task_count=2))
    respx_mock.get(JOB_8).mock(return_value=httpx.Response(404, json={"detail": "Not found."}))

    with pytest.raises(ChunkedImportError) as info:
        await api.run(importing(request=tasks(4), chunk_size=2, wait=True))

    assert info.value.may_have_landed is True


async def test_wait_on_a_synchronous_server_polls_nothing(
    api: Api, server: FakeServer, respx_mock: respx.MockRouter, poll_sleeps: List[float]
) -> None:
    result = await api.run(importing(request=tasks(3), chunk_size=2, wait=True))
    assert result.task_count == 3 and poll_sleeps == []
    assert len(respx_mock.calls) == 2


async def test_files_can_wait_for_their_job_too(
    api: Api, respx_mock: respx.MockRouter, poll_sleeps: List[float]
) -> None:
    respx_mock.post(IMPORT).mock(return_value=httpx.Response(201, json={"import": 7}))
    respx_mock.get(JOB_7).mock(return_value=job("completed", task_count=5, file_upload_ids=[9]))

    result = await api.run(importing(files=[("a.csv", b"text\n1\n", "text/csv")], wait=True))

    assert result.task_count == 5 and result.file_upload_ids == [9]


def test_an_unknown_job_status_is_waited_on_like_a_running_one() -> None:
    watch = client_ext._JobWatch(3, 7, timeout=None)
    from label_studio_sdk.types.project_import import ProjectImport

    assert watch.check(ProjectImport(id=7, status="queued_somewhere_new")) is None
    assert watch.next_delay() == 0.5
