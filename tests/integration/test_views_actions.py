"""Data Manager views and actions on a real server: stored filters apply, and actions change tasks."""

from __future__ import annotations

from typing import Any, Dict, List

import pytest

from label_studio_sdk import NotFoundError
from label_studio_sdk.actions import ActionsCreateRequestSelectedItemsExcluded
from label_studio_sdk.views import ViewsUpdateRequestData

from .conftest import Flavour, tasks


def id_filter(operator: str, value: int) -> Dict[str, Any]:
    return {
        "conjunction": "and",
        "items": [{"filter": "filter:tasks:id", "operator": operator, "type": "Number", "value": value}],
    }


async def create_ids(ls: Flavour, project_id: int, n: int) -> List[int]:
    """Create n tasks one by one and return their IDs, sorted.

    Not projects.import_tasks: on SQLite, 1.23.2's import numbers tasks itself as max(id)+1, so it
    reuses the IDs of just-deleted tasks, and a concurrent ID-based deletion on the shared server can
    then hit them. A single create gets a never-reused AUTOINCREMENT ID.
    """
    ids = []
    for data in tasks(n):
        created = await ls.tasks.create(project=project_id, data=data)
        assert created.project == project_id
        ids.append(created.id)
    return sorted(ids)


async def test_view_lifecycle(ls: Flavour, project: Any, unique: str) -> None:
    ids = await create_ids(ls, project.id, 6)
    created = await ls.views.create(
        project=project.id,
        data={"title": f"tab-{unique}", "filters": id_filter("greater", ids[2]), "ordering": ["-tasks:id"]},
    )
    assert created.project == project.id
    assert created.data is not None
    assert created.data["title"] == f"tab-{unique}"
    assert created.data["filters"]["items"][0]["value"] == ids[2]
    assert created.data["ordering"] == ["-tasks:id"]

    fetched = await ls.views.get(str(created.id))
    assert (fetched.id, fetched.project) == (created.id, project.id)
    assert fetched.data is not None and fetched.data["filters"] == created.data["filters"]
    assert [v.id for v in await ls.views.list(project=project.id)] == [created.id]
    # The stored filter and ordering apply when tasks are listed through the view.
    assert [t.id async for t in await ls.tasks.list(view=created.id)] == sorted(ids[3:], reverse=True)

    # A model works as well as a dict; the stored data is replaced by what is sent.
    data = ViewsUpdateRequestData(filters=id_filter("less", ids[2]), ordering=["tasks:id"])
    updated = await ls.views.update(str(created.id), project=project.id, data=data)
    assert updated.id == created.id
    again = await ls.views.get(str(created.id))
    assert again.data is not None
    assert again.data["filters"]["items"][0]["operator"] == "less"
    assert again.data["ordering"] == ["tasks:id"]
    assert [t.id async for t in await ls.tasks.list(view=created.id)] == ids[:2]

    await ls.views.delete(str(created.id))
    with pytest.raises(NotFoundError) as info:
        await ls.views.get(str(created.id))
    assert info.value.status_code == 404
    assert await ls.views.list(project=project.id) == []


async def test_views_list_per_project_and_delete_all(ls: Flavour, project: Any, unique: str) -> None:
    made = [
        await ls.views.create(
            project=project.id, data={"title": f"tab{i}-{unique}", "ordering": ["tasks:id"]}
        )
        for i in range(3)
    ]
    listed = await ls.views.list(project=project.id)
    assert sorted(v.id for v in listed) == sorted(v.id for v in made)
    assert {v.project for v in listed} == {project.id}
    assert {(v.data or {}).get("title") for v in listed} == {f"tab{i}-{unique}" for i in range(3)}

    await ls.views.delete_all(project=project.id)
    assert await ls.views.list(project=project.id) == []
    for view in made:
        with pytest.raises(NotFoundError):
            await ls.views.get(str(view.id))


async def test_actions_list_needs_the_project(ls: Flavour, project: Any) -> None:
    actions = await ls.actions.list(request_options={"additional_query_parameters": {"project": project.id}})
    by_id = {a.id: a for a in actions}
    assert "delete_tasks" in by_id
    assert by_id["delete_tasks"].title
    assert {"delete_tasks_annotations", "delete_tasks_predictions"} <= set(by_id)
    # Without ?project= the server answers 404 (see the actions.list docstring).
    with pytest.raises(NotFoundError):
        await ls.actions.list()


async def test_delete_tasks_action_removes_the_selected_tasks(ls: Flavour, project: Any) -> None:
    ids = await create_ids(ls, project.id, 5)
    doomed, kept = ids[:2], ids[2:]
    report = await ls.actions.create(
        id="delete_tasks", project=project.id, selected_items={"all": False, "included": doomed}
    )
    assert report.processed_items == 2
    remaining = await ls.tasks.list(project=project.id)
    assert remaining.total == 3
    assert sorted([t.id async for t in remaining]) == kept
    for task_id in doomed:
        with pytest.raises(NotFoundError):
            await ls.tasks.get(str(task_id))
    assert (await ls.projects.get(project.id)).task_number == 3


async def test_delete_tasks_action_with_an_exclusion_model(ls: Flavour, project: Any) -> None:
    ids = await create_ids(ls, project.id, 4)
    # The model's `all_` goes out under its wire name "all".
    everything_but_first = ActionsCreateRequestSelectedItemsExcluded(all_=True, excluded=[ids[0]])
    report = await ls.actions.create(
        id="delete_tasks", project=project.id, selected_items=everything_but_first
    )
    assert report.processed_items == 3
    assert [t.id async for t in await ls.tasks.list(project=project.id)] == [ids[0]]
