"""`label-studio-sdk` end to end against the real server: the console entry point run as a subprocess."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional

import pytest

from label_studio_sdk import LabelStudio

from .conftest import API_KEY, URL

IMAGE_CONFIG = (
    '<View><Image name="image" value="$image"/><RectangleLabels name="label" toName="image">'
    '<Label value="Car"/><Label value="Bus"/></RectangleLabels></View>'
)


def cli(
    *args: str, env: Optional[Dict[str, str]] = None, cwd: Optional[Path] = None
) -> subprocess.CompletedProcess[str]:
    assert URL and API_KEY
    environment = {**os.environ, "LABEL_STUDIO_URL": URL, "LABEL_STUDIO_API_KEY": API_KEY, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "label_studio_sdk.cli", *args],
        capture_output=True,
        text=True,
        env=environment,
        cwd=cwd,
        timeout=600,
        check=False,
    )


def ok(*args: str, cwd: Optional[Path] = None) -> str:
    done = cli(*args, cwd=cwd)
    assert done.returncode == 0, done.stderr
    return done.stdout


def one_line_error(done: subprocess.CompletedProcess[str], code: int) -> str:
    assert done.returncode == code, (done.returncode, done.stderr)
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("label-studio-sdk: error: ")
    assert API_KEY and API_KEY not in done.stderr
    return done.stderr


@pytest.fixture
def image_project(sync_client: LabelStudio, unique: str) -> Iterator[Any]:
    created = sync_client.projects.create(title=f"cli-img-{unique}", label_config=IMAGE_CONFIG)
    yield created
    sync_client.projects.delete(created.id)


def test_project_lifecycle_through_generated_commands(unique: str) -> None:
    created = json.loads(
        ok("projects", "create", "--title", f"cli-{unique}", "--description", "from the CLI")
    )
    try:
        assert created["title"] == f"cli-{unique}" and created["description"] == "from the CLI"
        lines = ok("projects", "list", "--title", f"cli-{unique}").splitlines()
        assert [json.loads(line)["id"] for line in lines] == [created["id"]]
        updated = json.loads(
            ok("projects", "update", str(created["id"]), "--data", '{"title": "renamed-' + unique + '"}')
        )
        assert updated["title"] == f"renamed-{unique}"
    finally:
        assert cli("projects", "delete", str(created["id"])).returncode == 0
    error = one_line_error(cli("projects", "get", str(created["id"])), 3)
    assert "404" in error


def test_import_10000_tasks_fails_midway_and_resumes_without_duplicates(
    project: Any, sync_client: LabelStudio, tmp_path: Path
) -> None:
    source = tmp_path / "tasks.jsonl"
    lines = [json.dumps({"text": f"task {i}"}) for i in range(10_000)]
    lines[6_500] = json.dumps({"not_text": "the server refuses a task without $text"})
    source.write_text("\n".join(lines) + "\n")

    failed = cli("import", str(project.id), str(source), "--chunk-size", "1000")
    error = one_line_error(failed, 3)
    assert "import stopped at task 6000 of 10000 (6000 imported)" in error and "--resume" in error
    state_file = tmp_path / "tasks.jsonl.import-state.json"
    state = json.loads(state_file.read_text())
    assert (state["next_task_index"], state["tasks_imported"], state["tasks_total"]) == (6000, 6000, 10000)
    assert sync_client.projects.get(project.id).task_number == 6000

    # Running again without --resume would import the first 6,000 twice: refused.
    assert "pass --resume" in one_line_error(cli("import", str(project.id), str(source)), 2)

    lines[6_500] = json.dumps({"text": "task 6500"})
    source.write_text("\n".join(lines) + "\n")
    summary = json.loads(ok("import", str(project.id), str(source), "--resume", "--chunk-size", "1000"))
    assert summary == {
        "project": project.id,
        "tasks_total": 10000,
        "resumed_from": 6000,
        "tasks_imported": 10000,
    }
    assert not state_file.exists()
    texts = [
        json.loads(line)["data"]["text"]
        for line in ok(
            "tasks", "list", "--project", str(project.id), "--fields", "task_only", "--page-size", "1000"
        ).splitlines()
    ]
    assert len(texts) == 10_000 and len(set(texts)) == 10_000


SENTIMENT = [
    {"from_name": "sentiment", "to_name": "text", "type": "choices", "value": {"choices": ["Positive"]}}
]


def test_predictions_import_fails_midway_and_resumes_without_duplicates(
    project: Any, sync_client: LabelStudio, tmp_path: Path
) -> None:
    imported = sync_client.projects.import_tasks(
        project.id, request=[{"text": f"t{i}"} for i in range(2000)], return_task_ids=True
    )
    task_ids = list(imported.task_ids or [])
    assert len(task_ids) == 2000
    rows = [{"task": t, "result": SENTIMENT, "model_version": "cli-resume", "score": 0.9} for t in task_ids]
    source = tmp_path / "predictions.jsonl"
    broken = [*rows[:1600], {**rows[1600], "task": 2_000_000_000}, *rows[1601:]]  # no such task
    source.write_text("".join(json.dumps(r) + "\n" for r in broken))

    failed = cli("predictions", "import", str(project.id), str(source), "--chunk-size", "500")
    error = one_line_error(failed, 3)
    assert "predictions import stopped at prediction 1500 of 2000 (1500 imported)" in error
    assert "--resume" in error and "2000000000" in error
    state_file = tmp_path / "predictions.jsonl.predictions-state.json"
    state = json.loads(state_file.read_text())
    assert state["job"] == "predictions import" and state["may_have_landed"] is False
    assert (state["next_prediction_index"], state["predictions_imported"]) == (1500, 1500)
    assert len(sync_client.predictions.list(project=project.id)) == 1500

    # Without --resume the first 1,500 would go twice: refused, nothing sent.
    refused = one_line_error(cli("predictions", "import", str(project.id), str(source)), 2)
    assert "pass --resume" in refused
    # Another project's resume, or the tasks import's state file: refused too.
    assert "belongs to project" in one_line_error(
        cli("predictions", "import", str(project.id + 10_000), str(source), "--resume"), 2
    )
    assert len(sync_client.predictions.list(project=project.id)) == 1500

    source.write_text("".join(json.dumps(r) + "\n" for r in rows))
    summary = json.loads(
        ok("predictions", "import", str(project.id), str(source), "--resume", "--chunk-size", "500")
    )
    assert summary == {
        "project": project.id,
        "predictions_total": 2000,
        "resumed_from": 1500,
        "predictions_imported": 2000,
    }
    assert not state_file.exists()
    stored = sync_client.predictions.list(project=project.id)
    assert len(stored) == 2000
    assert sorted(p.task for p in stored) == sorted(task_ids)  # one each: none twice, none missing


def test_import_csv_predictions_and_list_tasks_as_json_lines(project: Any, tmp_path: Path) -> None:
    table = tmp_path / "tasks.csv"
    table.write_text("text\nfirst\nsecond\nthird\n")
    assert json.loads(ok("import", str(project.id), str(table)))["tasks_imported"] == 3
    tasks = [json.loads(line) for line in ok("tasks", "list", "--project", str(project.id)).splitlines()]
    assert sorted(t["data"]["text"] for t in tasks) == ["first", "second", "third"]

    predictions = tmp_path / "predictions.jsonl"
    result = [
        {"from_name": "sentiment", "to_name": "text", "type": "choices", "value": {"choices": ["Positive"]}}
    ]
    predictions.write_text(
        "".join(
            json.dumps({"task": t["id"], "result": result, "model_version": "cli-v1", "score": 0.5}) + "\n"
            for t in tasks
        )
    )
    imported = json.loads(ok("predictions", "import", str(project.id), str(predictions)))
    assert imported == {
        "project": project.id,
        "predictions_total": 3,
        "resumed_from": 0,
        "predictions_imported": 3,
    }

    listed = ok("tasks", "list", "--project", str(project.id), "--limit", "2").splitlines()
    assert len(listed) == 2
    for line in listed:
        task = json.loads(line)
        assert [p["model_version"] for p in task["predictions"]] == ["cli-v1"]


def test_export_to_csv_and_yolo(
    project: Any, image_project: Any, sync_client: LabelStudio, tmp_path: Path
) -> None:
    sync_client.projects.import_tasks(project.id, request=[{"text": "exported row"}])
    target = tmp_path / "export.csv"
    summary = json.loads(ok("export", str(project.id), "--format", "CSV", "--output", str(target)))
    assert summary["path"] == str(target) and summary["bytes"] == target.stat().st_size
    assert "exported row" in target.read_text() and target.read_text().splitlines()[0].count("text")

    imported = sync_client.projects.import_tasks(
        image_project.id, request=[{"image": "http://127.0.0.1:9/car.jpg"}], return_task_ids=True
    )
    assert imported.task_ids
    box = {"x": 10, "y": 20, "width": 30, "height": 40, "rotation": 0, "rectanglelabels": ["Car"]}
    sync_client.annotations.create(
        imported.task_ids[0],
        result=[
            {
                "from_name": "label",
                "to_name": "image",
                "type": "rectanglelabels",
                "original_width": 100,
                "original_height": 50,
                "value": box,
            }
        ],
    )
    archive = tmp_path / "yolo.zip"
    ok("export", str(image_project.id), "--format", "YOLO", "-o", str(archive))
    with zipfile.ZipFile(archive) as opened:
        names = opened.namelist()
        assert "classes.txt" in names
        labels = [opened.read(n).decode() for n in names if n.startswith("labels/") and n.endswith(".txt")]
        classes = opened.read("classes.txt").decode().split()
    assert labels == [f"{classes.index('Car')} 0.25 0.4 0.3 0.4\n"]

    refused = one_line_error(cli("export", str(project.id), "--format", "YOLO", "-o", str(archive)), 2)
    assert "cannot be exported as 'YOLO'" in refused


def test_local_storage_sync_waits_for_the_status(project: Any, files_root: Path, unique: str) -> None:
    try:
        for i in range(3):
            (files_root / f"task-{i}.json").write_text(json.dumps({"text": f"stored {i}"}))
        created = json.loads(
            ok(
                "import-storage",
                "local",
                "create",
                "--project",
                str(project.id),
                "--path",
                str(files_root),
                "--regex-filter",
                ".*json",
                "--no-use-blob-urls",
                "--title",
                f"cli-{unique}",
            )
        )
        synced = json.loads(ok("storage", "sync", "local", str(created["id"])))
        assert synced["id"] == created["id"] and synced["status"] in ("completed", "completed_with_errors")
        texts = sorted(
            json.loads(line)["data"]["text"]
            for line in ok("tasks", "list", "--project", str(project.id)).splitlines()
        )
        assert texts == ["stored 0", "stored 1", "stored 2"]
        assert "unknown storage kind 'ftp'" in one_line_error(cli("storage", "sync", "ftp", "1"), 2)
    finally:
        shutil.rmtree(files_root, ignore_errors=True)


@pytest.mark.parametrize(
    ("args", "env", "code", "needle"),
    [
        (["projects", "list", "--page-size", "many"], {}, 2, "--page-size: invalid int value"),
        (["projects", "list"], {"LABEL_STUDIO_API_KEY": "0" * 40}, 3, "status 401"),
        (["--api-key", "wrong-key-given-as-option", "users", "whoami"], {}, 3, "status 401"),
        (["versions", "get"], {"LABEL_STUDIO_URL": "http://127.0.0.1:9"}, 4, "failed to connect"),
    ],
)
def test_exit_codes_and_stderr(args: List[str], env: Dict[str, str], code: int, needle: str) -> None:
    done = cli(*args, env=env)
    error = one_line_error(done, code)
    assert needle in error
    assert "wrong-key-given-as-option" not in error and "0" * 40 not in error


def test_export_converts_locally_what_the_server_does_not_offer(
    project: Any, image_project: Any, sync_client: LabelStudio, tmp_path: Path
) -> None:
    offered = [f.name for f in sync_client.projects.exports.list_formats(project.id) if not f.disabled]
    assert "CSV_OLD" not in offered  # the 1.23.2 server leaves it out; our converter writes it
    sync_client.projects.import_tasks(project.id, request=[{"text": "old style row"}])
    folder = tmp_path / "old-csv"
    summary = json.loads(ok("export", str(project.id), "--format", "CSV_OLD", "-o", str(folder)))
    assert summary["converted"] == "locally" and summary["path"] == str(folder)
    assert [p.name for p in folder.iterdir()] == ["result.csv"]
    assert summary["bytes"] == (folder / "result.csv").stat().st_size
    assert "old style row" in (folder / "result.csv").read_text()
    assert [p.name for p in tmp_path.iterdir()] == ["old-csv"]  # no scratch folder left behind
    # A folder that holds something already is refused before any snapshot is made.
    refused = one_line_error(cli("export", str(project.id), "--format", "CSV_OLD", "-o", str(folder)), 2)
    assert "is not empty" in refused

    imported = sync_client.projects.import_tasks(
        image_project.id, request=[{"image": "http://127.0.0.1:9/bus.jpg"}], return_task_ids=True
    )
    assert imported.task_ids
    box = {"x": 50, "y": 0, "width": 50, "height": 100, "rotation": 0, "rectanglelabels": ["Bus"]}
    sync_client.annotations.create(
        imported.task_ids[0],
        result=[
            {
                "from_name": "label",
                "to_name": "image",
                "type": "rectanglelabels",
                "original_width": 200,
                "original_height": 100,
                "value": box,
            }
        ],
    )
    by_server, here = tmp_path / "server.zip", tmp_path / "local.zip"
    assert (
        json.loads(ok("export", str(image_project.id), "--format", "YOLO", "-o", str(by_server)))["converted"]
        == "by the server"
    )
    local = json.loads(
        ok("export", str(image_project.id), "--format", "YOLO", "--convert-locally", "-o", str(here))
    )
    assert local["converted"] == "locally" and local["bytes"] == here.stat().st_size

    def labels(archive: Path) -> Dict[str, str]:
        with zipfile.ZipFile(archive) as opened:
            return {
                n: opened.read(n).decode()
                for n in opened.namelist()
                if n == "classes.txt" or (n.startswith("labels/") and n.endswith(".txt"))
            }

    assert labels(here) == labels(by_server)
    classes = labels(here)["classes.txt"].split()
    assert [v for k, v in labels(here).items() if k != "classes.txt"] == [
        f"{classes.index('Bus')} 0.75 0.5 0.5 1.0\n"
    ]

    # Neither the server nor the converter: exit 2, both lists given.
    refused = one_line_error(cli("export", str(project.id), "--format", "BRUSH_TO_PNG", "-o", str(here)), 2)
    assert "cannot be exported as 'BRUSH_TO_PNG'; the server offers: JSON, JSON_MIN, CSV, TSV" in refused
    assert "converted locally: JSON, JSON_MIN, CSV, TSV, CSV_OLD" in refused
