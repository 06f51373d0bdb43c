"""Fields the server always sends are not Optional (not run; mypy --strict and pyright --strict)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Dict, List, Optional

from typing_extensions import assert_type

from label_studio_sdk import LabelStudio


def fields(client: LabelStudio) -> None:
    project = client.projects.get(1)
    assert_type(project.id, int)
    assert_type(project.created_at, dt.datetime)
    assert_type(project.created_by.id, int)
    for task in client.tasks.list(project=project.id):
        assert_type(task.id, int)
        assert_type(task.data, Dict[str, Any])
        assert_type(task.created_at, dt.datetime)
        # left out with fields="task_only": may be absent
        assert_type(task.annotations, Optional[List[Dict[str, Any]]])
    annotation = client.annotations.create(1, result=[])
    assert_type(annotation.created_at, dt.datetime)
    assert_type(annotation.completed_by, int)
    prediction = client.predictions.get(1)
    assert_type(prediction.result, List[Dict[str, Any]])
    assert_type(prediction.model_version, str)
    user = client.users.whoami()
    assert_type(user.email, str)
    assert_type(user.phone, Optional[str])  # 0.x broke on users without one
