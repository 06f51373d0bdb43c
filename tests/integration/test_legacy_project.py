"""The 0.x ``Client`` / ``Project`` main flows against a real Label Studio server (sync only, as 0.x was)."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any, Dict, Iterator, List

import pytest

from label_studio_sdk._legacy.client import Client
from label_studio_sdk._legacy.project import ExportSnapshotStatus, Project, ProjectSampling
from label_studio_sdk.core.errors import NotFoundError

from .conftest import API_KEY, TEXT_CONFIG, URL, tasks

POSITIVE = {
    "from_name": "sentiment",
    "to_name": "text",
    "type": "choices",
    "value": {"choices": ["Positive"]},
}


@pytest.fixture
def legacy_client() -> Iterator[Client]:
    assert URL and API_KEY
    client = Client(url=URL, api_key=API_KEY)
    yield client
    client.close()


@pytest.fixture
def project(legacy_client: Client, unique: str) -> Iterator[Project]:
    started = legacy_client.start_project(title=f"legacy-{unique}", label_config=TEXT_CONFIG)
    yield started
    legacy_client.delete_project(started.id)


def _annotate(project: Project, task_ids: List[int]) -> None:
    for task_id in task_ids:
        project.ls.annotations.create(task_id, result=[POSITIVE])


def test_start_project_and_get_project(legacy_client: Client, project: Project, unique: str) -> None:
    assert isinstance(project.id, int)
    assert project.title == f"legacy-{unique}"
    assert project.params["label_config"] == TEXT_CONFIG
    assert project.parsed_label_config["sentiment"]["labels"] == ["Positive", "Negative"]
    loaded = legacy_client.get_project(project.id)
    assert isinstance(loaded, Project)
    assert loaded.id == project.id and loaded.title == project.title
    assert loaded.ls is legacy_client.ls
    assert not hasattr(loaded, "no_such_field")


def test_set_params_then_get_params(project: Project) -> None:
    project.set_params(title=project.title + " (renamed)", show_skip_button=False)
    project.set_sampling(ProjectSampling.RANDOM)
    fetched = project.get_params()
    assert fetched["title"].endswith(" (renamed)")
    assert fetched["show_skip_button"] is False
    assert fetched["sampling"] == "Uniform sampling"
    # the cache follows without a new fetch
    assert (project.title, project.sampling, project.show_skip_button) == (
        fetched["title"],
        "Uniform sampling",
        False,
    )


def test_import_tasks_from_a_list_and_from_files(project: Project, tmp_path: Path) -> None:
    from_list = project.import_tasks(tasks(3, "list"))
    assert len(from_list) == 3 and all(isinstance(i, int) for i in from_list)
    one = project.import_tasks({"text": "single"})
    assert len(one) == 1
    json_file = tmp_path / "tasks.json"
    json_file.write_text(json.dumps(tasks(2, "json-file")))
    from_json = project.import_tasks(str(json_file))
    csv_file = tmp_path / "tasks.csv"
    csv_file.write_text("text\ncsv one\ncsv two\ncsv three\n")
    from_csv = project.import_tasks(csv_file)
    assert len(from_json) == 2 and len(from_csv) == 3
    texts = {task["data"]["text"] for task in project.get_tasks()}
    assert {"list 0", "single", "json-file 1", "csv three"} <= texts
    assert len(texts) == 9
    assert sorted(project.get_tasks_ids()) == sorted(from_list + one + from_json + from_csv)


def test_get_tasks_pages_filters_and_orders(project: Project) -> None:
    ids = project.import_tasks(tasks(250, "page"))
    assert len(ids) == 250
    everything = project.get_tasks(page_size=100)  # three pages
    assert [task["id"] for task in everything] == sorted(ids)
    assert everything[0]["data"] == {"text": "page 0"} and "annotations" in everything[0]
    assert project.tasks_ids == sorted(ids)
    assert project.get_tasks_ids(ordering=["-tasks:id"], page_size=64) == sorted(ids, reverse=True)

    cut = sorted(ids)[199]
    above = {
        "conjunction": "and",
        "items": [{"filter": "filter:tasks:id", "operator": "greater", "type": "Number", "value": cut}],
    }
    assert project.get_tasks_ids(filters=above, page_size=20) == sorted(ids)[200:]
    chosen = sorted(ids)[10:15]
    assert project.get_tasks_ids(selected_ids=chosen) == chosen

    one_page = project.get_paginated_tasks(page=2, page_size=100)
    assert one_page["total"] == 250 and len(one_page["tasks"]) == 100
    assert {"total_annotations", "total_predictions"} <= set(one_page)
    assert project.get_paginated_tasks_ids(page=3, page_size=100)["tasks"] == sorted(ids)[200:]
    with pytest.raises(NotFoundError):
        project.get_paginated_tasks(page=4, page_size=100)


def test_get_tasks_filter_value_with_a_percent_sign(project: Project) -> None:
    project.import_tasks([{"text": "100%41 sure"}, {"text": "100A sure"}])
    contains = {
        "conjunction": "and",
        "items": [
            {"filter": "filter:tasks:data.text", "operator": "contains", "type": "String", "value": "%41"}
        ],
    }
    found = project.get_tasks(filters=contains)
    assert [task["data"]["text"] for task in found] == ["100%41 sure"]


def test_views_filter_tasks(project: Project) -> None:
    ids = sorted(project.import_tasks(tasks(6, "view")))
    above = {
        "conjunction": "and",
        "items": [{"filter": "filter:tasks:id", "operator": "greater", "type": "Number", "value": ids[2]}],
    }
    view = project.create_view(above, title="Later tasks")
    assert view["data"]["title"] == "Later tasks"
    assert [v["id"] for v in project.get_views()] == [view["id"]]
    assert project.get_tasks_ids(view_id=view["id"]) == ids[3:]


def test_labeled_and_unlabeled_ids_after_annotating(project: Project) -> None:
    ids = sorted(project.import_tasks(tasks(7, "label")))
    _annotate(project, ids[:3])
    assert sorted(project.get_labeled_tasks_ids()) == ids[:3]
    assert sorted(project.get_unlabeled_tasks_ids()) == ids[3:]
    labeled = project.get_labeled_tasks()
    assert all(task["annotations"] for task in labeled)
    assert len(project.get_unlabeled_tasks()) == 4


def test_tasks_and_annotations_update(project: Project) -> None:
    (task_id,) = project.import_tasks([{"text": "before"}])
    updated = project.update_task(task_id, data={"text": "after"})
    assert updated["data"] == {"text": "after"}
    assert project.get_task(task_id)["data"] == {"text": "after"}
    annotation = project.ls.annotations.create(task_id, result=[POSITIVE])
    changed = project.update_annotation(annotation.id, ground_truth=True)
    assert changed["ground_truth"] is True


def test_predictions_single_and_bulk(project: Project) -> None:
    ids = sorted(project.import_tasks(tasks(4, "pred")))
    by_label = project.create_prediction(ids[0], "Negative", model_version="m1")
    assert by_label["result"][0]["value"] == {"choices": ["Negative"]}
    assert by_label["result"][0]["from_name"] == "sentiment"
    by_value = project.create_prediction(ids[1], {"choices": ["Positive"]}, score=0.9, model_version="m1")
    assert by_value["score"] == pytest.approx(0.9)
    full = project.create_prediction(ids[2], [POSITIVE], model_version="m2")
    assert full["result"][0]["value"] == {"choices": ["Positive"]}
    project.create_predictions([{"task": ids[3], "result": [POSITIVE], "model_version": "m2", "score": 0.4}])

    stored = project.get_task(ids[3])["predictions"]
    assert [p["model_version"] for p in stored] == ["m2"]
    assert project.get_model_versions() == {"m1": 2, "m2": 2}
    assert project.get_predictions_coverage() == {"m1": 0.5, "m2": 0.5}
    project.set_model_version("m2")  # the server accepts only a version that has predictions
    assert project.model_version == "m2" and project.get_params()["model_version"] == "m2"
    converted = project.create_annotations_from_predictions(model_versions=["m1"])
    assert isinstance(converted, dict)
    assert sorted(project.get_labeled_tasks_ids()) == ids[:2]


def test_export_tasks_json_and_csv(project: Project) -> None:
    ids = sorted(project.import_tasks(tasks(3, "export")))
    _annotate(project, ids[:2])
    exported = project.export_tasks()
    assert sorted(task["id"] for task in exported) == ids[:2]
    csv = project.export_tasks("CSV")
    assert isinstance(csv, bytes) and b"export 0" in csv


def test_export_snapshot_create_poll_download(project: Project, tmp_path: Path) -> None:
    ids = sorted(project.import_tasks(tasks(5, "snap")))
    _annotate(project, ids[:2])
    created = project.export_snapshot_create("legacy snapshot", serialization_options_drafts=False)
    assert created["title"] == "legacy snapshot" and isinstance(created["id"], int)
    deadline = time.monotonic() + 60
    state = project.export_snapshot_status(created["id"])
    while not state.is_completed():
        assert isinstance(state, ExportSnapshotStatus)
        assert not state.is_failed(), state.response
        assert time.monotonic() < deadline, "the snapshot took more than 60 s"
        time.sleep(0.5)
        state = project.export_snapshot_status(created["id"])
    assert created["id"] in [snapshot["id"] for snapshot in project.export_snapshot_list()]

    folder = tmp_path / "exports" / "json"
    status, name = project.export_snapshot_download(created["id"], path=str(folder))
    assert status == 200 and name
    assert "/" not in name and not name.startswith(".")
    saved: List[Dict[str, Any]] = json.loads((folder / name).read_bytes())
    assert sorted(task["id"] for task in saved) == ids
    assert sorted(task["id"] for task in saved if task["annotations"]) == ids[:2]
    assert [path.name for path in folder.iterdir()] == [name]
