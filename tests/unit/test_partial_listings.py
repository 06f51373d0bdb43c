"""Listings with include= return Partial models (the server leaves the other fields out)."""

from __future__ import annotations

import httpx
import respx

from label_studio_sdk import PartialProject, PartialProjectCounts, PartialTask, Project, Task
from tests.conftest import BASE_URL

from .helpers import Api


async def test_projects_listed_with_include_are_partial(api: Api, respx_mock: respx.MockRouter) -> None:
    route = respx_mock.get(f"{BASE_URL}/api/projects/").mock(
        return_value=httpx.Response(
            200, json={"count": 1, "next": None, "previous": None, "results": [{"title": "A"}]}
        )
    )
    projects = await api.items(lambda c: c.projects.list(include="title"))
    assert [type(p) for p in projects] == [PartialProject]
    assert (projects[0].title, projects[0].id) == ("A", None)
    assert route.calls.last.request.url.params["include"] == "title"


async def test_tasks_listed_with_include_are_partial(api: Api, respx_mock: respx.MockRouter) -> None:
    body = {"tasks": [{"data": {"text": "x"}}], "total": 1, "total_annotations": 0, "total_predictions": 0}
    respx_mock.get(f"{BASE_URL}/api/tasks/").mock(return_value=httpx.Response(200, json=body))
    tasks = await api.items(lambda c: c.tasks.list(project=1, include="data"))
    assert [type(t) for t in tasks] == [PartialTask]
    assert tasks[0].data == {"text": "x"} and tasks[0].id is None


async def test_counts_listed_with_include_are_partial(api: Api, respx_mock: respx.MockRouter) -> None:
    body = {"count": 1, "next": None, "previous": None, "results": [{"task_number": 3}]}
    respx_mock.get(f"{BASE_URL}/api/projects/counts/").mock(return_value=httpx.Response(200, json=body))
    counts = await api.items(lambda c: c.projects.list_counts(include="task_number"))
    assert [type(c) for c in counts] == [PartialProjectCounts]
    assert counts[0].task_number == 3


def test_partial_and_full_models_are_different_classes() -> None:
    assert PartialProject is not Project and PartialTask is not Task
    assert not issubclass(PartialProject, Project)
    assert all(not f.is_required() for f in PartialTask.model_fields.values())
