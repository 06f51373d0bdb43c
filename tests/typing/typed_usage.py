"""A user's script, type-checked in CI (mypy --strict): IDE completion and types are the product.

It is not run; `assert_type` makes the type checker fail if a return type drifts.
"""

from __future__ import annotations

import asyncio
from typing import List, Optional

from typing_extensions import assert_type

from label_studio_sdk import (
    Annotation,
    AsyncByteStream,
    AsyncLabelStudio,
    AsyncPager,
    BaseTask,
    BaseUser,
    ByteStream,
    DataManagerTaskSerializer,
    Export,
    ExportSnapshot,
    LabelStudio,
    LocalFilesImportStorage,
    NotFoundError,
    Prediction,
    Project,
    ProjectLabelConfig,
    SyncPager,
    Task,
    View,
    Webhook,
)
from label_studio_sdk.annotations import AnnotationsCreateBulkResponseItem
from label_studio_sdk.import_storage.local import LocalCreateResponse
from label_studio_sdk.projects import (
    ProjectsCreateResponse,
    ProjectsImportTasksResponse,
    ProjectsUpdateResponse,
)
from label_studio_sdk.projects.exports import ExportsConvertResponse
from label_studio_sdk.users import UsersGetTokenResponse
from label_studio_sdk.views import ViewsCreateRequestData

CONFIG = '<View><Text name="text" value="$text"/><Choices name="c" toName="text"><Choice value="A"/></Choices></View>'


def sync_usage(client: LabelStudio) -> None:
    created = client.projects.create(title="Typed", label_config=CONFIG, maximum_annotations=1)
    assert_type(created, ProjectsCreateResponse)
    project_id: int = created.id
    assert_type(client.projects.get(project_id), Project)
    assert_type(client.projects.update(project_id, title="Renamed", color=None), ProjectsUpdateResponse)
    assert_type(client.projects.validate_config(project_id, label_config=CONFIG), ProjectLabelConfig)
    imported = client.projects.import_tasks(project_id, request=[{"text": "a"}], return_task_ids=True)
    assert_type(imported, ProjectsImportTasksResponse)
    pager = client.projects.list(page_size=10, ordering="-id")
    assert_type(pager, SyncPager[Project])
    titles: List[Optional[str]] = [project.title for project in pager]
    first: Optional[Project] = pager.first()
    total: Optional[int] = pager.total

    tasks = client.tasks.list(project=project_id, fields="all", page_size=100)
    assert_type(tasks, SyncPager[Task])
    for page in tasks.iter_pages():
        assert_type(page.items, List[Task])
    task = client.tasks.create(project=project_id, data={"text": "b"})
    assert_type(task, BaseTask)
    assert_type(client.tasks.get(task.id), DataManagerTaskSerializer)
    assert_type(client.tasks.update(task.id, data={"text": "c"}), BaseTask)

    annotation = client.annotations.create(task.id, result=[{"type": "choices", "value": {"choices": ["A"]}}])
    assert_type(annotation, Annotation)
    assert_type(client.annotations.list(task.id), List[Annotation])
    bulk = client.annotations.create_bulk(tasks=[task.id], result={"value": 1})
    assert_type(bulk, List[AnnotationsCreateBulkResponseItem])
    prediction = client.predictions.create(task=task.id, result=[], score=0.5, model_version="v1")
    assert_type(prediction, Prediction)
    assert_type(client.predictions.list(project=project_id), List[Prediction])

    assert_type(client.users.whoami(), BaseUser)
    assert_type(client.users.get_token(), UsersGetTokenResponse)
    assert_type(client.users.list(), List[BaseUser])
    snapshot = client.projects.exports.create(project_id, title="nightly")
    assert_type(snapshot, ExportSnapshot)
    assert_type(client.projects.exports.list(project_id), List[Export])
    converted = client.projects.exports.convert(project_id, snapshot.id, export_type="CSV")
    assert_type(converted, ExportsConvertResponse)
    with client.projects.exports.download(project_id, snapshot.id, export_type="CSV") as stream:
        assert_type(stream, ByteStream)
        data: bytes = download(stream)
    assert_type(client.projects.exports.download_sync(project_id, export_type="JSON"), ByteStream)
    storage = client.import_storage.local.create(project=project_id, path="/data/images", use_blob_urls=True)
    assert_type(storage, LocalCreateResponse)
    assert_type(client.import_storage.local.sync(storage.id), LocalFilesImportStorage)
    view = client.views.create(project=project_id, data=ViewsCreateRequestData(ordering=["tasks:id"]))
    assert_type(view, View)
    assert_type(client.webhooks.list(project=project_id), List[Webhook])
    assert_type(client.files.download("upload/1/photo.jpg"), ByteStream)
    edition = client.versions.get().edition
    print(data, edition)
    try:
        client.projects.delete(project_id, request_options={"max_retries": 0, "timeout": 5.0})
    except NotFoundError as error:
        status: Optional[int] = error.status_code
        print(status, titles, first, total)


async def async_usage(client: AsyncLabelStudio) -> None:
    project = await client.projects.get(1)
    assert_type(project, Project)
    pager = await client.projects.list(page_size=50)
    assert_type(pager, AsyncPager[Project])
    async for item in client.tasks.list(project=project.id):
        assert_type(item, Task)
    everything = await client.tasks.list(project=1).to_list()
    assert_type(everything, List[Task])
    assert_type(await client.annotations.get(1), Annotation)
    assert_type(await client.predictions.get(1), Prediction)
    assert_type(await client.users.get(1), BaseUser)
    await client.tasks.delete_all_tasks(1)
    imported = await client.projects.import_tasks(1, files=["tasks.csv"])
    assert_type(imported, ProjectsImportTasksResponse)
    assert_type(await client.projects.exports.get(1, 2), Export)
    chunks = [chunk async for chunk in client.projects.exports.download(1, "2")]
    assert_type(chunks, List[bytes])
    stream = await client.files.download("upload/1/photo.jpg")
    assert_type(stream, AsyncByteStream)
    assert_type(await client.views.list(project=1), List[View])
    assert_type(await client.import_storage.local.list(project=1), List[LocalFilesImportStorage])
    for prompt in await client.prompts.list():
        print(prompt.title)


def download(stream: ByteStream) -> bytes:
    return b"".join(stream)


if __name__ == "__main__":  # pragma: no cover - type-checked, not run
    with LabelStudio() as sync_client:
        sync_usage(sync_client)
    asyncio.run(async_usage(AsyncLabelStudio()))
