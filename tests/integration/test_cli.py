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
    assert imported["predictions"] == 3

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
