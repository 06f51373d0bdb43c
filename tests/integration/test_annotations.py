"""annotations on a real server: what we label is what the server stores, lists and returns."""

from __future__ import annotations

from typing import Any, Dict, List

import pytest

from label_studio_sdk import NotFoundError

from .conftest import Flavour


def choice(value: str) -> List[Dict[str, Any]]:
    return [{"from_name": "sentiment", "to_name": "text", "type": "choices", "value": {"choices": [value]}}]


def choices_of(result: Any) -> List[str]:
    return [c for region in result or [] for c in region["value"]["choices"]]


async def test_annotation_lifecycle(ls: Flavour, project: Any) -> None:
    task = await ls.tasks.create(project=project.id, data={"text": "great"})
    created = await ls.annotations.create(task.id, result=choice("Positive"), lead_time=2.5)
    assert created.task == task.id
    assert created.project == project.id
    assert choices_of(created.result) == ["Positive"]
    assert created.result is not None and created.result[0]["from_name"] == "sentiment"
    assert created.ground_truth is False
    assert created.lead_time == 2.5
    me = await ls.users.whoami()
    assert created.completed_by == me.id

    fetched = await ls.annotations.get(created.id)
    assert (fetched.id, fetched.task) == (created.id, task.id)
    assert choices_of(fetched.result) == ["Positive"]
    assert [a.id for a in await ls.annotations.list(task.id)] == [created.id]
    on_task = (await ls.tasks.get(str(task.id))).annotations or []
    assert [a.id for a in on_task] == [created.id]
    # Not asserted: the stored task counters (total_annotations/total_predictions). 1.23.2 keeps them
    # with post_save signals, and each project deletion swaps out every signal receiver process-wide
    # (temporary_disconnect_all_signals); overlapping deletions on a shared server can lose them for good.

    updated = await ls.annotations.update(created.id, ground_truth=True, result=choice("Negative"))
    assert updated.id == created.id
    assert updated.ground_truth is True
    assert choices_of(updated.result) == ["Negative"]
    again = await ls.annotations.get(created.id)
    assert again.ground_truth is True
    assert choices_of(again.result) == ["Negative"]
    [listed] = await ls.annotations.list(task.id)
    assert (listed.id, listed.ground_truth, choices_of(listed.result)) == (created.id, True, ["Negative"])

    await ls.annotations.delete(created.id)
    with pytest.raises(NotFoundError) as info:
        await ls.annotations.get(created.id)
    assert info.value.status_code == 404
    assert await ls.annotations.list(task.id) == []
    assert (await ls.tasks.get(str(task.id))).annotations == []


async def test_annotations_of_one_task_only(ls: Flavour, project: Any) -> None:
    first = await ls.tasks.create(project=project.id, data={"text": "one"})
    second = await ls.tasks.create(project=project.id, data={"text": "two"})
    a1 = await ls.annotations.create(first.id, result=choice("Positive"))
    a2 = await ls.annotations.create(first.id, result=choice("Negative"))
    b1 = await ls.annotations.create(second.id, result=choice("Negative"))
    assert sorted(a.id for a in await ls.annotations.list(first.id)) == sorted([a1.id, a2.id])
    assert [a.id for a in await ls.annotations.list(second.id)] == [b1.id]


async def test_create_bulk_is_not_on_the_open_source_server(ls: Flavour, project: Any) -> None:
    """annotations.create_bulk posts to /api/annotations/bulk, an Enterprise endpoint: the open-source
    1.23.2 server has no such route and answers 404, which must come back as a typed NotFoundError.
    Nothing is created on the tasks."""
    task = await ls.tasks.create(project=project.id, data={"text": "bulk"})
    with pytest.raises(NotFoundError) as info:
        await ls.annotations.create_bulk(
            tasks=[task.id], project=project.id, result={"sentiment": ["Positive"]}, lead_time=1.0
        )
    assert info.value.status_code == 404
    assert info.value.method == "POST"
    assert "api/annotations/bulk" in str(info.value)
    assert await ls.annotations.list(task.id) == []
