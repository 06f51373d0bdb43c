"""Many requests at once against a real Label Studio, through clients built with the defaults.

The stock server (Django's development server, listen backlog 10, SQLite) resets connections it has
no room for, after the request was written; the clients' pool of at most 10 connections keeps every
request inside that room, and queued requests wait for a free connection instead of failing. Each
test checks that every call succeeded and that the server stored exactly that many predictions (no
loss, no duplicate). Durations are printed (``pytest -s``), never asserted.
"""

from __future__ import annotations

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Dict, List

import pytest

from label_studio_sdk import AsyncLabelStudio, LabelStudio
from label_studio_sdk.core.http import DEFAULT_MAX_CONNECTIONS


def choice(value: str) -> List[Dict[str, Any]]:
    return [{"from_name": "sentiment", "to_name": "text", "type": "choices", "value": {"choices": [value]}}]


def stored_scores(client: LabelStudio, task_id: int) -> List[float]:
    return sorted(p.score for p in client.predictions.list(task=task_id) if p.score is not None)


@pytest.mark.parametrize("count", [50, 500])
async def test_gathered_predictions_all_succeed_with_the_default_async_client(
    async_client: AsyncLabelStudio, sync_client: LabelStudio, project: Any, count: int
) -> None:
    assert async_client._client.max_connections == DEFAULT_MAX_CONNECTIONS
    task = sync_client.tasks.create(project=project.id, data={"text": f"{count} at once"})
    scores = [i / count for i in range(count)]

    started = time.perf_counter()
    created = await asyncio.gather(
        *[
            async_client.predictions.create(task=task.id, result=choice("Positive"), score=score)
            for score in scores
        ]
    )
    elapsed = time.perf_counter() - started
    print(f"\n{count} gathered predictions.create (async, default client): {elapsed:.2f} s")

    assert len(created) == count
    assert len({p.id for p in created}) == count
    assert all(p.task == task.id for p in created)
    assert stored_scores(sync_client, task.id) == sorted(scores)


async def test_predictions_from_fifty_threads_all_succeed_with_the_default_sync_client(
    sync_client: LabelStudio, project: Any
) -> None:
    count = 50
    task = sync_client.tasks.create(project=project.id, data={"text": "threads"})
    scores = [i / count for i in range(count)]

    def create(score: float) -> Any:
        return sync_client.predictions.create(task=task.id, result=choice("Negative"), score=score)

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=count) as pool:
        created = list(pool.map(create, scores))
    elapsed = time.perf_counter() - started
    print(f"\n{count} predictions.create from {count} threads (sync, default client): {elapsed:.2f} s")

    assert len({p.id for p in created}) == count
    assert stored_scores(sync_client, task.id) == sorted(scores)
