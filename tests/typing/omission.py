"""The omission contract as a type checker sees it (mypy --strict and pyright --strict, not run).

Every argument that can be left out defaults to OMIT and is typed ``Union[X, Omit]``; ``None`` is
part of the type only where the server takes null. Each ``# type: ignore[...]`` below marks a call
that must be refused: both checkers report an ignore comment that silences nothing, so these lines
fail the check the day the call is accepted.
"""

from __future__ import annotations

from typing import Union

from label_studio_sdk import OMIT, LabelStudio, Omit


def omission(client: LabelStudio, title: Union[str, Omit] = OMIT) -> None:
    # A body field the server takes as null: None clears it, OMIT leaves it alone.
    client.projects.update(1, color=None, description=None, title=title)
    client.projects.create(title="Plain", label_config=OMIT)
    # A query argument has no null, and neither has a body field the server refuses null for.
    client.tasks.list(project=None)  # type: ignore[call-overload]
    client.projects.update(1, maximum_annotations=None)  # type: ignore[arg-type]
    # A path argument is always required.
    client.projects.get(None)  # type: ignore[arg-type]
    # OMIT is the only value of its type.
    not_given: Omit = OMIT
    print(not_given, bool(OMIT))
