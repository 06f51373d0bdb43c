"""LabelInterface against a real server: every template it ships becomes a project that accepts our samples.

For each of the server's label-config templates: create a project from it, import the sample task our
LabelInterface generates, and post the sample prediction with ``predictions.create``. The server
validates predictions against the config, so an accepted prediction is the server agreeing with our
sample generator and validator. Also: ``projects.get(id).get_label_interface()`` (sync and async) and
the 0.x ``Project.get_label_interface()``.
"""

from __future__ import annotations

from typing import Any

import pytest

from label_studio_sdk import LabelStudio
from label_studio_sdk.label_interface import LabelInterface
from tests.ls_server_files import template_configs

from .conftest import TEXT_CONFIG, Flavour

TEMPLATES = template_configs()
SEED = 20261201


@pytest.mark.parametrize("config", [c for _, c in TEMPLATES], ids=[name for name, _ in TEMPLATES])
def test_server_accepts_the_sample_prediction(sync_client: LabelStudio, unique: str, config: str) -> None:
    li = LabelInterface(config)
    sample = li.generate_complete_sample_task(raise_on_failure=True, seed=SEED)
    project = sync_client.projects.create(title=f"corpus-{unique}", label_config=config)
    try:
        imported = sync_client.projects.import_tasks(
            project.id, request=[sample["data"]], return_task_ids=True
        )
        task_ids = imported.task_ids or []
        assert len(task_ids) == 1
        prediction = sample["predictions"][0]
        created = sync_client.predictions.create(
            task=task_ids[0],
            result=prediction["result"],
            score=prediction["score"],
            model_version=prediction["model_version"],
        )
        assert created.task == task_ids[0]
        stored = sync_client.predictions.get(created.id)
        assert stored.result == prediction["result"]
        fetched = sync_client.projects.get(project.id).get_label_interface()
        assert [c.name for c in fetched.controls] == [c.name for c in li.controls]
    finally:
        sync_client.projects.delete(project.id)


async def test_projects_get_returns_a_label_interface(ls: Flavour, project: Any) -> None:
    fetched = await ls.projects.get(project.id)
    li = fetched.get_label_interface()
    assert isinstance(li, LabelInterface)
    assert li.get_control("sentiment").labels == ["Positive", "Negative"]
    region = li.get_control("sentiment").label("Positive")
    task = await ls.tasks.create(project=project.id, data={"text": "fine"})
    created = await ls.predictions.create(task=task.id, result=[region._dict()], score=0.5)
    assert created.result is not None and created.result[0]["value"] == {"choices": ["Positive"]}


def test_legacy_project_has_a_label_interface(sync_client: LabelStudio, project: Any) -> None:
    import warnings

    from tests.integration.conftest import API_KEY, URL

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        from label_studio_sdk import Client

        client = Client(url=URL, api_key=API_KEY)
    try:
        li = client.get_project(project.id).get_label_interface()
    finally:
        client.close()
    assert li.config == TEXT_CONFIG
    assert [c.name for c in li.controls] == ["sentiment"]


async def test_the_server_validates_predictions(ls: Flavour, project: Any) -> None:
    # The corpus test means something only if the server checks predictions (a feature flag that
    # scripts/label-studio-server.sh turns on): a prediction our LabelInterface refuses, it refuses too.
    from label_studio_sdk import BadRequestError

    task = await ls.tasks.create(project=project.id, data={"text": "x"})
    bad = [{"from_name": "sentiment", "to_name": "text", "type": "choices", "value": {"choices": ["Maybe"]}}]
    assert not LabelInterface(TEXT_CONFIG).validate_prediction({"result": bad})
    with pytest.raises(BadRequestError, match="Invalid value for control 'sentiment'"):
        await ls.predictions.create(task=task.id, result=bad)
