"""projects and tasks on a real server: what we send is what the server stores and returns."""

from __future__ import annotations

from typing import Any

import pytest

from label_studio_sdk import BadRequestError, NotFoundError

from .conftest import TEXT_CONFIG, Flavour, tasks


async def test_project_lifecycle(ls: Flavour, unique: str) -> None:
    created = await ls.projects.create(
        title=f"life-{unique}", label_config=TEXT_CONFIG, maximum_annotations=2
    )
    try:
        fetched = await ls.projects.get(created.id)
        assert fetched.title == f"life-{unique}"
        assert fetched.maximum_annotations == 2
        await ls.projects.update(created.id, title=f"renamed-{unique}", description="checked")
        again = await ls.projects.get(created.id)
        assert (again.title, again.description) == (f"renamed-{unique}", "checked")
        listed = [p.id async for p in await ls.projects.list(title=f"renamed-{unique}")]
        assert listed == [created.id]
    finally:
        await ls.projects.delete(created.id)
    with pytest.raises(NotFoundError) as info:
        await ls.projects.get(created.id)
    assert info.value.status_code == 404


async def test_bad_label_config_is_a_typed_400_with_the_servers_detail(ls: Flavour, project: Any) -> None:
    broken = '<View><Choices name="c" toName="missing"><Choice value="A"/></Choices></View>'
    with pytest.raises(BadRequestError) as info:
        await ls.projects.validate_config(project.id, label_config=broken)
    assert info.value.status_code == 400
    # The server's validation error reaches the message, and nothing of the key does.
    assert "not found in names" in str(info.value)
    assert "validate" in str(info.value) and "POST" in str(info.value)


async def test_tasks_page_across_several_pages(ls: Flavour, project: Any) -> None:
    imported = await ls.projects.import_tasks(project.id, request=tasks(23), return_task_ids=True)
    assert imported.task_count == 23
    pager = await ls.tasks.list(project=project.id, page_size=5)
    assert pager.total == 23
    seen = [task async for task in pager]
    assert len(seen) == 23
    assert sorted(t.data["text"] for t in seen) == sorted(f"text {i}" for i in range(23))
    await ls.tasks.delete_all_tasks(project.id)
    assert [t async for t in await ls.tasks.list(project=project.id)] == []
