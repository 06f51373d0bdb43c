"""The methods the last 0.x release of label-studio-sdk added to ``Client`` / ``Project``, against a real server.

Result shapes and argument names were observed by running the published package (2.1.2, which ships the
0.x API as ``label_studio_sdk._legacy``) against the same Label Studio 1.23.2 server; what it did is
noted next to each check. Requests are counted with an httpx event hook on the ``httpx.Client`` passed
as ``session`` (it is the client every request goes through), not with a mock.
"""

from __future__ import annotations

import csv as csvlib
import io
import json
import time
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List

import httpx
import pytest

from label_studio_sdk._legacy import (
    Client,
    ClientCredentials,
    CredentialsNotSupportedError,
    LoginFailedError,
    Project,
    Response,
)
from label_studio_sdk.core.errors import BadRequestError, NotFoundError

from .conftest import API_KEY, TEXT_CONFIG, URL, tasks

EMAIL = "admin@example.com"  # scripts/label-studio-server.sh starts the server with this user
PASSWORD = "integration-password-1"
POSITIVE = [
    {"from_name": "sentiment", "to_name": "text", "type": "choices", "value": {"choices": ["Positive"]}}
]
NEGATIVE = [
    {"from_name": "sentiment", "to_name": "text", "type": "choices", "value": {"choices": ["Negative"]}}
]


class Counter:
    """Every request the session sends, as ``"METHOD /path"``."""

    def __init__(self) -> None:
        self.seen: List[str] = []

    def __call__(self, request: httpx.Request) -> None:
        self.seen.append(f"{request.method} {request.url.path}")


@pytest.fixture
def counter() -> Counter:
    return Counter()


@pytest.fixture
def legacy_client(counter: Counter) -> Iterator[Client]:
    assert URL and API_KEY
    with httpx.Client(timeout=120.0, event_hooks={"request": [counter]}) as session:
        client = Client(url=URL, api_key=API_KEY, session=session)
        yield client
        client.close()


@pytest.fixture
def project(legacy_client: Client, unique: str) -> Iterator[Project]:
    started = legacy_client.start_project(title=f"legacy-0x-{unique}", label_config=TEXT_CONFIG)
    yield started
    legacy_client.delete_project(started.id)


def wait_for(check: Callable[[], Any], seconds: float = 60.0) -> Any:
    deadline = time.monotonic() + seconds
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.5)


# -- names that do not exist ---------------------------------------------------------------------


def test_an_unknown_name_is_an_attribute_error_saying_no_such_method_without_a_request(
    project: Project, counter: Counter
) -> None:
    before = len(counter.seen)
    with pytest.raises(AttributeError) as raised:
        project.create_annotationz  # noqa: B018
    message = str(raised.value)
    assert "no such method" in message
    assert "'Project'" in message and "'create_annotationz'" in message
    assert "field is not set" not in message  # what the published package said, after a GET
    assert "did you mean 'create_annotation'" in message
    assert not hasattr(project, "get_annotationz")
    assert getattr(project, "delete_all_taskz", "fallback") == "fallback"
    project.params.pop("color", None)  # a real field that is missing is still looked up, once
    with pytest.raises(AttributeError, match="field is not set"):
        project.__dict__["_params_fetched"] = True
        project.color  # noqa: B018
    assert counter.seen[before:] == []  # not one request for any of these


def test_every_method_of_the_last_0x_release_is_there(legacy_client: Client, project: Project) -> None:
    for name in (
        "create_annotation", "get_annotation", "update_annotation", "delete_annotation", "list_annotations",
        "delete_task", "delete_tasks", "delete_all_tasks", "delete_view", "export", "export_tasks",
        "export_snapshot_delete", "get_files_from_tasks", "connect_local_import_storage",
        "connect_s3s_iam_import_storage", "get_import_storages", "get_export_storages",
        "sync_import_storage", "sync_export_storage",
    ):  # fmt: skip
        assert callable(getattr(project, name)), name
    for name in ("get_api_key", "get_url"):
        assert callable(getattr(legacy_client, name)), name


# -- annotations -----------------------------------------------------------------------------------


def test_annotation_methods_return_the_servers_dicts(project: Project, counter: Counter) -> None:
    task_id = project.import_tasks(tasks(1))[0]

    created = project.create_annotation(task_id, result=POSITIVE, ground_truth=True)
    assert isinstance(created, dict) and isinstance(created["id"], int)
    assert (created["task"], created["project"]) == (task_id, project.id)
    assert created["result"] == POSITIVE and created["ground_truth"] is True
    assert created["was_cancelled"] is False and "created_at" in created and "completed_by" in created
    # with no fields the server stores an annotation with an empty result (the published: result None)
    empty = project.create_annotation(task_id)
    assert empty["task"] == task_id and not empty["result"]

    fetched = project.get_annotation(created["id"])
    assert fetched["id"] == created["id"] and fetched["result"] == POSITIVE

    updated = project.update_annotation(created["id"], result=NEGATIVE, ground_truth=False, lead_time=3.5)
    assert updated["id"] == created["id"]
    assert (updated["result"], updated["ground_truth"], updated["lead_time"]) == (NEGATIVE, False, 3.5)

    listed = project.list_annotations(task_id)
    assert isinstance(listed, list) and all(isinstance(item, dict) for item in listed)
    assert sorted(item["id"] for item in listed) == sorted([created["id"], empty["id"]])
    assert {item["id"]: item["lead_time"] for item in listed}[created["id"]] == 3.5

    before = len(counter.seen)
    assert project.delete_annotation(empty["id"]) == 204  # the published returned the status code too
    assert counter.seen[before:] == [f"DELETE /api/annotations/{empty['id']}/"]
    assert [item["id"] for item in project.list_annotations(task_id)] == [created["id"]]
    with pytest.raises(NotFoundError):
        project.get_annotation(empty["id"])
    with pytest.raises(NotFoundError):
        project.delete_annotation(empty["id"])
    with pytest.raises(NotFoundError):
        project.list_annotations(task_id + 10_000_000)


# -- deleting tasks and views ----------------------------------------------------------------------


def test_delete_task_delete_tasks_and_delete_all_tasks_keeping_excluded_ids(
    project: Project, counter: Counter
) -> None:
    ids = project.import_tasks(tasks(7))
    assert len(ids) == 7

    one = project.delete_task(ids[0])
    assert isinstance(one, Response) and one.status_code == 204
    with pytest.raises(NotFoundError):
        project.delete_task(ids[0])

    some = project.delete_tasks([ids[1], ids[2]])
    assert isinstance(some, Response) and some.status_code == 200
    answer = some.json()
    assert set(answer) >= {"processed_items", "detail"}
    assert sorted(project.get_tasks_ids()) == sorted(ids[3:])

    before = len(counter.seen)
    nothing = project.delete_tasks([])  # nothing to delete: no request
    assert nothing.ok and nothing.json()["processed_items"] == 0
    assert counter.seen[before:] == []

    kept = project.delete_all_tasks(excluded_ids=[ids[3], ids[5]])
    assert kept.status_code == 200 and kept.json()["processed_items"] == 2
    assert sorted(project.get_tasks_ids()) == sorted([ids[3], ids[5]])

    everything = project.delete_all_tasks()
    assert everything.json()["processed_items"] == 2
    assert project.get_tasks_ids() == []

    with pytest.raises(TypeError):
        project.delete_tasks(["1"])  # type: ignore[list-item]


def test_delete_view(project: Project) -> None:
    view = project.create_view(filters={"conjunction": "and", "items": []}, title="to delete")
    assert view["id"] in [v["id"] for v in project.get_views()]
    assert project.delete_view(view["id"]) is None  # the published returned None as well
    assert view["id"] not in [v["id"] for v in project.get_views()]
    with pytest.raises(NotFoundError):
        project.delete_view(view["id"])


# -- exports ---------------------------------------------------------------------------------------


@pytest.fixture
def annotated(project: Project) -> List[int]:
    """Four tasks, the first two annotated."""
    ids = project.import_tasks(tasks(4, "export"))
    for task_id in ids[:2]:
        project.create_annotation(task_id, result=POSITIVE)
    return ids


def test_export_tasks_all_tasks_and_ids(project: Project, annotated: List[int], counter: Counter) -> None:
    default = project.export_tasks()
    assert isinstance(default, list)
    assert sorted(task["id"] for task in default) == sorted(annotated[:2])  # annotated tasks only
    assert all(task["annotations"][0]["result"] == POSITIVE for task in default)

    everything = project.export_tasks(download_all_tasks=True)
    assert sorted(task["id"] for task in everything) == sorted(annotated)
    assert {task["data"]["text"] for task in everything} == {f"export {i}" for i in range(4)}

    before = len(counter.seen)
    chosen = project.export_tasks(download_all_tasks=True, ids=[annotated[1], annotated[3]])
    # The published package sent ids=..., which the server ignores: it returned all four tasks.
    assert sorted(task["id"] for task in chosen) == sorted([annotated[1], annotated[3]])
    assert len(counter.seen) == before + 1

    positional = project.export_tasks("JSON_MIN", True, False, [annotated[0]])
    assert [task["id"] for task in positional] == [annotated[0]]
    assert positional[0]["text"] == "export 0" and positional[0]["sentiment"] == "Positive"

    csv = project.export_tasks("CSV", download_all_tasks=True)
    assert isinstance(csv, bytes)
    header, *rows = list(csvlib.reader(io.StringIO(csv.decode("utf-8"))))
    assert "text" in header and len(rows) == 4


def test_export_tasks_writes_the_file_inside_the_folder_given(
    project: Project, annotated: List[int], tmp_path: Path
) -> None:
    written = project.export_tasks(download_all_tasks=True, export_location=tmp_path)
    assert isinstance(written, Path) and written.parent == tmp_path and written.is_file()
    assert written.suffix == ".json" and not written.name.startswith(".")
    assert sorted(task["id"] for task in json.loads(written.read_bytes())) == sorted(annotated)
    assert [p.name for p in tmp_path.iterdir()] == [written.name]  # no temporary file left behind

    csv = project.export_tasks("CSV", export_location=str(tmp_path))
    assert csv.parent == tmp_path and csv.suffix == ".csv"
    header, *rows = list(csvlib.reader(io.StringIO(csv.read_text(encoding="utf-8"))))
    assert "sentiment" in header and len(rows) == 2  # the annotated tasks

    named = project.export_tasks(ids=[annotated[0]], export_location=tmp_path / "one.json")
    assert named == tmp_path / "one.json"  # a file path is written as given (what the published did)
    assert [task["id"] for task in json.loads(named.read_bytes())] == [annotated[0]]

    with pytest.raises(FileNotFoundError):
        project.export_tasks(export_location=tmp_path / "missing" / "x.json")


def test_export_snapshot_delete(project: Project, annotated: List[int]) -> None:
    snapshot = project.export_snapshot_create(title="to delete")
    assert snapshot["id"] in [s["id"] for s in project.export_snapshot_list()]
    assert project.export_snapshot_delete(snapshot["id"]) == 204  # an int, as the published returned
    assert snapshot["id"] not in [s["id"] for s in project.export_snapshot_list()]
    with pytest.raises(NotFoundError):
        project.export_snapshot_delete(snapshot["id"])


def test_export_through_a_snapshot(project: Project, annotated: List[int], tmp_path: Path) -> None:
    result = project.export(output_dir=str(tmp_path))
    # The published package returned the same three keys.
    assert set(result) == {"status", "filename", "export_id"} and result["status"] == 200
    written = tmp_path / result["filename"]
    assert written.is_file() and written.suffix == ".json"
    assert sorted(task["id"] for task in json.loads(written.read_bytes())) == sorted(annotated)
    assert result["export_id"] in [s["id"] for s in project.export_snapshot_list()]


def test_export_with_filters_and_a_converted_format_removes_its_temporary_view(
    project: Project, annotated: List[int], tmp_path: Path, counter: Counter
) -> None:
    from label_studio_sdk.data_manager import Column, Filters, Operator, Type

    views_before = project.get_views()
    only_first = Filters.create(
        Filters.AND, [Filters.item(Column.id, Operator.EQUAL, Type.Number, Filters.value(annotated[0]))]
    )
    result = project.export(
        filters=only_first,
        title="filtered",
        export_type="CSV",
        output_dir=tmp_path,
        serialization_options_drafts=False,
        timeout=300,
    )
    assert result["status"] == 200
    written = tmp_path / result["filename"]
    header, *rows = list(csvlib.reader(io.StringIO(written.read_text(encoding="utf-8"))))
    assert "sentiment" in header and len(rows) == 1 and rows[0][header.index("id")] == str(annotated[0])
    assert project.get_views() == views_before  # the temporary tab is gone
    snapshot = project.export_snapshot_status(result["export_id"])
    assert snapshot.is_completed() and snapshot.response["title"] == "filtered"

    before = len(counter.seen)
    with pytest.raises(TypeError, match="download_all_tasks"):
        project.export(output_dir=tmp_path, download_all_tasks=True)  # not an export_snapshot_create argument
    assert counter.seen[before:] == []


def test_get_files_from_tasks_downloads_the_media_of_each_task(project: Project, files_root: Path) -> None:
    for i in range(2):
        (files_root / f"doc-{i}.txt").write_text(f"document {i}", encoding="utf-8")
    storage = project.connect_local_import_storage(str(files_root))
    project.sync_import_storage("localfiles", storage["id"])
    assert wait_for(lambda: len(project.get_tasks_ids()) == 2)
    listed = project.get_tasks()
    assert all(task["data"]["text"].startswith("/data/local-files/?d=") for task in listed)

    files = project.get_files_from_tasks(listed)
    assert sorted(Path(f).read_text(encoding="utf-8") for f in files) == ["document 0", "document 1"]
    assert sorted(project.get_files_from_tasks(None, get_tasks=True)) == sorted(files)
    one = project.get_files_from_tasks(listed[0])  # one task dict (the published wanted a list)
    assert len(one) == 1 and Path(one[0]).read_text(encoding="utf-8").startswith("document ")
    # text, numbers and nested values are walked, not crashed on; a file that cannot be fetched is skipped
    mixed = {
        "id": listed[0]["id"],
        "data": {"note": "plain text", "n": 3, "nested": [{"u": listed[1]["data"]["text"]}], "gone": "/data/upload/0/x.png"},
    }  # fmt: skip
    fetched = project.get_files_from_tasks([mixed])
    assert [Path(f).read_text(encoding="utf-8") for f in fetched] == [
        (files_root / Path(listed[1]["data"]["text"]).name).read_text(encoding="utf-8")
    ]
    assert project.get_files_from_tasks([]) == []


# -- storages --------------------------------------------------------------------------------------


def test_local_storages_connect_list_and_sync(project: Project, files_root: Path) -> None:
    for i in range(3):
        (files_root / f"note-{i}.txt").write_text(f"note {i}", encoding="utf-8")
    (files_root / "skip.csv").write_text("a,b\n", encoding="utf-8")

    connected = project.connect_local_import_storage(
        str(files_root), regex_filter=r".*\.txt", title="notes", description="three notes"
    )
    assert isinstance(connected, dict) and isinstance(connected["id"], int)
    assert connected["path"] == str(files_root) and connected["project"] == project.id
    assert (connected["title"], connected["use_blob_urls"], connected["regex_filter"]) == (
        "notes",
        True,
        r".*\.txt",
    )

    imports = project.get_import_storages()
    assert [(s["id"], s["type"]) for s in imports] == [(connected["id"], "localfiles")]
    assert project.get_export_storages() == []

    synced = project.sync_import_storage("localfiles", connected["id"])
    assert isinstance(synced, dict) and synced["id"] == connected["id"]
    assert wait_for(lambda: len(project.get_tasks_ids()) == 3)

    exported = project.ls.export_storage.local.create(project=project.id, path=str(files_root), title="out")
    listed = project.get_export_storages()
    assert [(s["id"], s["type"]) for s in listed] == [(exported.id, "localfiles")]
    pushed = project.sync_export_storage("localfiles", exported.id)
    assert isinstance(pushed, dict) and pushed["id"] == exported.id

    # The server checks the folder (the published package checked this process's environment instead
    # and refused to send anything without LABEL_STUDIO_LOCAL_FILES_DOCUMENT_ROOT set here).
    with pytest.raises(BadRequestError, match="LOCAL_FILES_DOCUMENT_ROOT"):
        project.connect_local_import_storage("/tmp")
    with pytest.raises(NotFoundError):
        project.sync_import_storage("localfiles", connected["id"] + 10_000_000)
    with pytest.raises(ValueError):
        project.sync_import_storage("../projects", connected["id"])


# -- Client: sign-in, URLs ----------------------------------------------------------------------------


def test_client_signs_in_with_email_and_password() -> None:
    assert URL and API_KEY
    # The server's admin owns the fixed legacy token the other tests use.
    with_object = Client(url=URL, credentials=ClientCredentials(email=EMAIL, password=PASSWORD))
    assert with_object.api_key == API_KEY
    assert with_object.get_project  # the signed-in client works like any other:
    assert with_object.ls.users.whoami().email == EMAIL
    with_object.close()

    with_dict = Client(url=URL, credentials={"email": EMAIL, "password": PASSWORD})
    assert with_dict.api_key == API_KEY
    assert with_dict.get_api_key(ClientCredentials(email=EMAIL, password=PASSWORD)) == API_KEY
    assert with_dict.get_api_key({"api_key": "given"}) == "given"  # a key is used as it is, no request
    with_dict.close()


def test_a_wrong_password_raises_login_failed_error() -> None:
    assert URL
    with pytest.raises(LoginFailedError, match="wrong email or password") as raised:
        Client(url=URL, credentials=ClientCredentials(email=EMAIL, password="not-the-password"))
    assert "not-the-password" not in str(raised.value)
    # The published package carried on with api_key=None here.
    assert isinstance(raised.value, ValueError)
    with pytest.raises(CredentialsNotSupportedError):
        Client(url=URL, credentials={"email": EMAIL})  # no password


def test_get_url(legacy_client: Client) -> None:
    assert URL
    base = URL.rstrip("/")
    assert legacy_client.get_url("api/projects") == f"{base}/api/projects"
    assert legacy_client.get_url("/api/projects") == f"{base}/api/projects"
    assert Client(url=base + "/", api_key="k").get_url("/health") == f"{base}/health"
    body: Dict[str, Any] = legacy_client.make_request("GET", legacy_client.get_url("/health")).json()
    assert body["status"] == "UP"
