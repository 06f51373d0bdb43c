"""Data Manager filters on a real server: tasks.list(filters=...), a view with the same filters, and a
delete_tasks action with them all pick exactly the expected tasks."""

from __future__ import annotations

from datetime import timedelta, timezone
from typing import Any, Dict, List, Optional, Sequence

import pytest

from label_studio_sdk.data_manager import Column, F, Filters, FiltersDict, Operator, Type

from .conftest import Flavour

# Ten tasks: even positions are cats, odd ones dogs; "n" is the position, "code" holds a "%".
DATA = [{"text": f"{'cat' if i % 2 == 0 else 'dog'} {i}", "n": i, "code": f"{i}%41"} for i in range(10)]


async def create_tasks(ls: Flavour, project_id: int) -> List[Any]:
    """The ten tasks, created one by one (never-reused IDs; see test_views_actions.create_ids)."""
    return [await ls.tasks.create(project=project_id, data=data) for data in DATA]


async def listed(
    ls: Flavour, project_id: int, filters: Optional[FiltersDict], ordering: Optional[Sequence[str]] = None
) -> List[int]:
    pager = await ls.tasks.list(project=project_id, filters=filters, ordering=ordering, page_size=4)
    return [task.id async for task in pager]


async def test_tasks_list_with_filters_returns_exactly_the_subset(ls: Flavour, project: Any) -> None:
    created = await create_tasks(ls, project.id)
    ids = [task.id for task in created]
    fifth = ids[4]

    cases: Dict[str, Any] = {
        "id above the fifth": (Filters.all_of(F.id.greater(fifth)), ids[5:]),
        "cats": (Filters.all_of(F.data("text").contains("CAT")), ids[0::2]),
        "cats above the fifth": (
            Filters.all_of(F.id.greater(fifth), F.data("text").contains("cat")),
            [ids[6], ids[8]],
        ),
        "first or last": (Filters.any_of(F.id.equal(ids[0]), F.id.equal(ids[9])), [ids[0], ids[9]]),
        "n from 2 to 4": (Filters.all_of(F.data("n", Type.Number).between(2, 4)), ids[2:5]),
        "n outside 2..7": (Filters.all_of(F.data("n", Type.Number).not_between(2, 7)), ids[:2] + ids[8:]),
        "id in a list": (Filters.all_of(F.id.in_list([ids[1], ids[3]])), [ids[1], ids[3]]),
        "not dogs": (Filters.all_of(F.data("text").not_contains("dog")), ids[0::2]),
        "regex": (Filters.all_of(F.data("text").regex("^dog [13]$")), [ids[1], ids[3]]),
        "no annotations": (Filters.all_of(F.total_annotations.empty()), ids),
        "completed": (Filters.all_of(F.completed_at.empty(False)), []),
        # "3%41" would reach the server's second percent-decoding as "3A" if "%" were not escaped.
        "a value with %": (Filters.all_of(F.data("code").contains("3%41")), [ids[3]]),
        # The 0.x functions give the same JSON, so the same tasks.
        "legacy functions": (
            Filters.create(
                Filters.AND,
                [Filters.item(Column.id, Operator.GREATER, Type.Number, Filters.value(fifth))],
            ),
            ids[5:],
        ),
    }
    for name, (filters, expected) in cases.items():
        assert await listed(ls, project.id, filters) == expected, name

    # Ordering travels in the same query; a pager keeps it on every page.
    cats = Filters.all_of(F.data("text").contains("cat"))
    assert await listed(ls, project.id, cats, ordering=["-" + Column.id]) == ids[0::2][::-1]
    assert await listed(ls, project.id, None, ordering=["-tasks:id"]) == ids[::-1]


async def test_aware_and_naive_datetimes_select_by_the_same_instant(ls: Flavour, project: Any) -> None:
    created = await create_tasks(ls, project.id)
    ids = [task.id for task in created]
    fetched = await ls.tasks.get(str(ids[5]))
    instant = fetched.created_at
    assert instant is not None and instant.utcoffset() == timedelta(0)

    # The same instant written in UTC+05:00 (aware), and as naive UTC, select the same tasks.
    in_karachi = instant.astimezone(timezone(timedelta(hours=5)))
    naive_utc = instant.astimezone(timezone.utc).replace(tzinfo=None)
    for when in (instant, in_karachi, naive_utc):
        assert await listed(ls, project.id, Filters.all_of(F.created_at.greater_or_equal(when))) == ids[5:]
        assert await listed(ls, project.id, Filters.all_of(F.created_at.less(when))) == ids[:5]
    last = (await ls.tasks.get(str(ids[9]))).created_at
    assert last is not None
    between = Filters.all_of(F.created_at.between(in_karachi, last.astimezone(timezone(timedelta(hours=-7)))))
    assert await listed(ls, project.id, between) == ids[5:]


async def test_a_view_and_an_action_with_the_same_filters_pick_the_same_tasks(
    ls: Flavour, project: Any, unique: str
) -> None:
    created = await create_tasks(ls, project.id)
    ids = [task.id for task in created]
    subset = [ids[6], ids[8]]
    filters = Filters.all_of(F.id.greater(ids[4]), F.data("text").contains("cat"))
    assert await listed(ls, project.id, filters) == subset

    view = await ls.views.create(
        project=project.id, data={"title": f"cats-{unique}", "filters": filters, "ordering": ["-tasks:id"]}
    )
    assert view.data is not None and view.data["filters"] == filters
    assert [t.id async for t in await ls.tasks.list(view=view.id)] == subset[::-1]
    # views.update replaces the stored filters with another built set.
    await ls.views.update(
        str(view.id),
        project=project.id,
        data={"filters": Filters.all_of(F.id.less(ids[2])), "ordering": ["tasks:id"]},
    )
    assert [t.id async for t in await ls.tasks.list(view=view.id)] == ids[:2]
    await ls.views.delete(str(view.id))

    result = await ls.actions.create(id="delete_tasks", project=project.id, filters=filters)
    assert result.processed_items == len(subset)
    remaining = [t.id async for t in await ls.tasks.list(project=project.id)]
    assert remaining == [i for i in ids if i not in subset]
    assert await listed(ls, project.id, filters) == []


async def test_query_and_filters_together_are_refused(ls: Flavour, project: Any) -> None:
    with pytest.raises(TypeError, match="either query= or filters="):
        await ls.tasks.list(project=project.id, query="{}", filters=Filters.all_of(F.id.greater(0)))
