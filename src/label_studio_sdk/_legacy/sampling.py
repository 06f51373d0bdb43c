"""Planning which user gets which tasks for ``Project.assign_*_by_sampling`` (pure code, no HTTP).

The plan is computed first and sent afterwards, one call per user. Rules:

* every selected task goes to exactly ``overlap`` different users (never twice to the same user);
* the load is even: any two users' task counts differ by at most one;
* ``fraction`` (0 < fraction <= 1) picks that share of the tasks at random; a share that rounds down
  to no task at all is an error, not an empty assignment;
* all randomness comes from one ``random.Random`` the caller may pass, so a seeded run is repeatable.
"""

from __future__ import annotations

import random
from typing import Dict, List, Optional, Sequence, Tuple, TypeVar

U = TypeVar("U")


def check_fraction(fraction: float) -> None:
    """``fraction`` must be a number in (0, 1]."""
    if isinstance(fraction, bool) or not isinstance(fraction, (int, float)):
        raise TypeError(f"fraction must be a number in (0, 1], got {fraction!r}")
    if not 0.0 < float(fraction) <= 1.0:
        raise ValueError(f"fraction must be in (0, 1], got {fraction!r}")


def check_overlap(overlap: int, users: int) -> None:
    """``overlap`` must be a whole number from 1 to the number of (usable) users."""
    if isinstance(overlap, bool) or not isinstance(overlap, int):
        raise TypeError(f"overlap must be an int, got {overlap!r}")
    if overlap < 1:
        raise ValueError(f"overlap must be 1 or more, got {overlap}")
    if overlap > users:
        raise ValueError(
            f"overlap {overlap} is more than the number of users to assign ({users}): "
            "a task cannot go twice to the same user"
        )


def select_tasks(task_ids: Sequence[int], fraction: float, rng: random.Random) -> List[int]:
    """The tasks to assign: all of them (shuffled), or a random ``fraction`` of them."""
    check_fraction(fraction)
    tasks = list(task_ids)
    if float(fraction) == 1.0:
        rng.shuffle(tasks)
        return tasks
    count = int(len(tasks) * float(fraction))
    if count == 0:
        raise ValueError(
            f"fraction {fraction!r} of {len(tasks)} tasks selects no task; use a larger fraction"
        )
    return rng.sample(tasks, count)


def plan_assignments(
    users: Sequence[U], task_ids: Sequence[int], overlap: int = 1
) -> List[Tuple[U, List[int]]]:
    """``(user, tasks)`` pairs, in the users' order, for users that get at least one task.

    Task ``i`` goes to the users at positions ``i * overlap + j`` (modulo the number of users) for
    ``j`` in ``range(overlap)``: ``overlap`` consecutive positions on a circle, hence distinct users
    since ``overlap`` is at most the number of users; handing out the ``len(tasks) * overlap``
    slots round-robin keeps every user's count within one of every other's. Duplicate task IDs in
    the input are assigned once.
    """
    check_overlap(overlap, len(users))
    unique = list(dict.fromkeys(task_ids))
    buckets: Dict[int, List[int]] = {index: [] for index in range(len(users))}
    slot = 0
    for task in unique:
        for _ in range(overlap):
            buckets[slot % len(users)].append(task)
            slot += 1
    return [(users[index], tasks) for index, tasks in buckets.items() if tasks]


def make_rng(rng: Optional[random.Random]) -> random.Random:
    """The caller's generator, or a fresh unseeded one."""
    if rng is None:
        return random.Random()
    if not isinstance(rng, random.Random):
        raise TypeError(f"rng must be a random.Random, got {type(rng).__name__}")
    return rng
