"""The pager names of earlier releases still import and page the same way."""

from __future__ import annotations

from typing import List

import httpx
import respx

from label_studio_sdk import LabelStudio, Task
from label_studio_sdk._extensions.pager_ext import AsyncPagerExt, SyncPagerExt
from label_studio_sdk.core.pagination import AsyncPager, SyncPager
from tests.samples import sample


def test_old_names_are_our_pagers() -> None:
    assert SyncPagerExt is SyncPager
    assert AsyncPagerExt is AsyncPager


def test_listing_is_a_pager_ext_and_stops_without_a_404(
    client: LabelStudio, respx_mock: respx.MockRouter
) -> None:
    counters = {"total": 3, "total_annotations": 0, "total_predictions": 0}
    pages: List[httpx.Response] = [
        httpx.Response(200, json={"tasks": [sample(Task, id=1), sample(Task, id=2)], **counters}),
        httpx.Response(200, json={"tasks": [sample(Task, id=3)], **counters}),
    ]
    route = respx_mock.get("/api/tasks/").mock(side_effect=pages)
    pager = client.tasks.list(project=1, page_size=2)
    assert isinstance(pager, SyncPagerExt)
    assert [task.id for task in pager] == [1, 2, 3]
    assert route.call_count == 2  # total reached: page 3 is never asked for
