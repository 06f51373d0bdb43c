"""projects.exports.as_json / as_bytes / as_file / as_pandas: every branch, sync and async, on respx.

The snapshot endpoints (and the project's list of formats) are mocked; the helpers' own pauses go to
a fake clock (``clock``), so the tests neither sleep nor depend on timing, and can check the pauses
themselves.
"""

from __future__ import annotations

import inspect
import json
import logging
import sys
import types
import warnings
from pathlib import Path
from typing import Any, AsyncIterator, ClassVar, Dict, Iterator, List, Optional, Sequence

import httpx
import pytest
import respx

from label_studio_sdk import (
    ApiConnectionError,
    BadRequestError,
    ConvertedFormat,
    ExportSnapshot,
    ResponseValidationError,
)
from label_studio_sdk.core.errors import LabelStudioError, MissingDependencyError
from label_studio_sdk.projects.exports import AsyncExportsClientExt, ExportsClientExt, client_ext
from label_studio_sdk.projects.exports.errors import (
    ExportError,
    ExportFailedError,
    ExportFormatNotOfferedError,
    ExportTimeoutError,
)
from label_studio_sdk.types.serialization_options import SerializationOptions
from label_studio_sdk.types.task_filter_options import TaskFilterOptions
from tests.samples import sample

from .helpers import Api

PROJECT = 3
SNAP = 9
EXPORTS = f"/api/projects/{PROJECT}/exports/"
SNAPSHOT = f"{EXPORTS}{SNAP}"
TASKS = [{"id": 1, "data": {"text": "good"}, "annotations": []}, {"id": 2, "data": {"text": "bad"}}]
TASKS_BODY = json.dumps(TASKS).encode()
CSV_BODY = b'"id","text"\n1,"good"\n2,"bad"\n'
# What GET /api/projects/{id}/export/formats answers: every format the tests convert to is offered.
OFFERED = ["JSON", "JSON_MIN", "CSV", "TSV", "CONLL2003", "COCO", "YOLO", "VOC"]


def formats(offered: Sequence[str], disabled: Sequence[str] = ()) -> List[Dict[str, Any]]:
    listed = [{"name": name, "title": name, "description": "..."} for name in offered]
    return listed + [{"name": name, "title": name, "disabled": True} for name in disabled]


def snapshot(status: Optional[str], *conversions: Dict[str, Any]) -> Dict[str, Any]:
    fields = {
        "id": SNAP,
        "title": "snap",
        "counters": {"task_number": 2},
        "converted_formats": list(conversions),
    }
    if status is not None:
        fields["status"] = status
    return sample(ExportSnapshot, **fields)


def conversion(id: int, export_type: str, status: str, traceback: Optional[str] = None) -> Dict[str, Any]:
    return sample(ConvertedFormat, id=id, export_type=export_type, status=status, traceback=traceback)


class Clock:
    """Monotonic time that moves only when the helpers pause."""

    def __init__(self) -> None:
        self.time = 1000.0
        self.pauses: List[float] = []

    def now(self) -> float:
        return self.time

    def sleep(self, seconds: float) -> None:
        self.pauses.append(seconds)
        self.time += seconds

    async def async_sleep(self, seconds: float) -> None:
        self.sleep(seconds)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(client_ext, "_now", fake.now)
    monkeypatch.setattr(client_ext, "_sleep", fake.sleep)
    monkeypatch.setattr(client_ext, "_async_sleep", fake.async_sleep)
    return fake


class Server:
    """The snapshot endpoints and the format list; ``states`` queues what successive GETs of the
    snapshot answer."""

    def __init__(self, router: respx.MockRouter) -> None:
        self.router = router
        self.formats = router.get(f"/api/projects/{PROJECT}/export/formats").mock(
            return_value=httpx.Response(200, json=formats(OFFERED, ["BRUSH_TO_PNG", "ASR_MANIFEST"]))
        )
        self.delete = router.delete(SNAPSHOT).mock(return_value=httpx.Response(204))
        self.create = router.post(EXPORTS).mock(return_value=httpx.Response(201, json=snapshot("completed")))
        self.get = router.get(SNAPSHOT).mock(return_value=httpx.Response(200, json=snapshot("completed")))
        self.convert = router.post(f"{SNAPSHOT}/convert").mock(
            return_value=httpx.Response(200, json={"export_type": "CSV", "converted_format": 7})
        )
        self.download = router.get(f"{SNAPSHOT}/download").mock(
            return_value=httpx.Response(200, content=TASKS_BODY, headers={"Content-Type": "application/json"})
        )

    def created(self, body: Dict[str, Any]) -> None:
        self.create.return_value = httpx.Response(201, json=body)

    def states(self, *bodies: Dict[str, Any]) -> None:
        self.get.side_effect = [httpx.Response(200, json=body) for body in bodies]

    def serves(self, content: bytes, **headers: str) -> None:
        self.download.return_value = httpx.Response(200, content=content, headers=headers)

    def export_type_downloaded(self) -> Optional[str]:
        return self.download.calls.last.request.url.params.get("exportType")

    def order(self) -> List[str]:
        """The routes called, in order: formats, create, get, convert, download, delete."""
        routes = {name: route for name, route in vars(self).items() if isinstance(route, respx.Route)}
        called: List[str] = []
        for call in self.router.calls:
            for name, route in routes.items():
                if any(c.request is call.request for c in route.calls):
                    called.append(name)
                    break
        return called


@pytest.fixture
def server(respx_mock: respx.MockRouter) -> Server:
    return Server(respx_mock)


def exports(api: Api) -> Any:
    return api.client.projects.exports


# -- wiring -----------------------------------------------------------------------------------------


async def test_projects_exports_hands_out_the_helpers(api: Api) -> None:
    expected = AsyncExportsClientExt if api.is_async else ExportsClientExt
    assert type(exports(api)) is expected
    assert exports(api) is exports(api)


def test_errors_are_typed_and_carry_the_ids() -> None:
    failed = ExportFailedError(
        project_id=3, snapshot_id=9, status="failed", export_type="CSV", traceback="a\nKeyError: 'x'\n"
    )
    assert isinstance(failed, ExportError) and isinstance(failed, LabelStudioError)
    assert not hasattr(failed, "status_code")  # no made-up HTTP status
    assert failed.project_id == 3 and failed.snapshot_id == 9
    assert failed.status == "failed" and failed.export_type == "CSV"
    message = "converting export snapshot 9 of project 3 to CSV failed (status 'failed'): KeyError: 'x'"
    assert str(failed) == message
    timed_out = ExportTimeoutError(project_id=3, snapshot_id=9, status="in_progress", timeout=600)
    message = "export snapshot 9 of project 3 did not finish within 600 s (last status 'in_progress')"
    assert str(timed_out) == message
    assert repr(timed_out) == (
        "ExportTimeoutError(project_id=3, snapshot_id=9, status='in_progress', export_type=None)"
    )


# -- waiting for the snapshot ------------------------------------------------------------------------


async def test_as_json_waits_for_the_snapshot_with_growing_pauses(
    api: Api, server: Server, clock: Clock
) -> None:
    server.created(snapshot("created"))
    server.states(snapshot("in_progress"), snapshot("in_progress"), snapshot("completed"))
    tasks = await api.run(lambda c: c.projects.exports.as_json(PROJECT, title="nightly"))
    assert tasks == TASKS
    assert json.loads(server.create.calls.last.request.content) == {"title": "nightly"}
    assert server.get.call_count == 3
    assert clock.pauses == [0.25, 0.375, 0.5625]
    assert server.convert.call_count == 0  # JSON needs no conversion
    assert server.export_type_downloaded() == "JSON"


async def test_a_snapshot_complete_at_once_is_downloaded_without_polling(
    api: Api, server: Server, clock: Clock
) -> None:
    assert await api.run(lambda c: c.projects.exports.as_bytes(PROJECT)) == TASKS_BODY
    assert server.get.call_count == 0 and clock.pauses == []


async def test_unknown_or_missing_status_keeps_waiting(api: Api, server: Server, clock: Clock) -> None:
    server.created(snapshot(None))
    server.states(snapshot("queued_somewhere"), snapshot("completed"))
    assert await api.run(lambda c: c.projects.exports.as_json(PROJECT)) == TASKS
    assert server.get.call_count == 2


async def test_a_failed_snapshot_raises_with_its_id_and_status(
    api: Api, server: Server, clock: Clock
) -> None:
    server.created(snapshot("created"))
    server.states(snapshot("in_progress"), snapshot("failed"))
    with pytest.raises(ExportFailedError) as info:
        await api.run(lambda c: c.projects.exports.as_json(PROJECT))
    error = info.value
    assert (error.project_id, error.snapshot_id) == (PROJECT, SNAP)
    assert error.status == "failed" and error.export_type is None
    assert "export snapshot 9 of project 3 failed" in str(error)
    assert server.download.call_count == 0


async def test_a_snapshot_failed_at_creation_raises_at_once(api: Api, server: Server, clock: Clock) -> None:
    server.created(snapshot("failed"))
    with pytest.raises(ExportFailedError):
        await api.run(lambda c: c.projects.exports.as_bytes(PROJECT, export_type="CSV"))
    assert (server.get.call_count, server.convert.call_count, server.download.call_count) == (0, 0, 0)


async def test_a_snapshot_still_running_at_the_deadline_times_out(
    api: Api, server: Server, clock: Clock
) -> None:
    server.created(snapshot("created"))
    server.get.return_value = httpx.Response(200, json=snapshot("in_progress"))
    with pytest.raises(ExportTimeoutError) as info:
        await api.run(lambda c: c.projects.exports.as_json(PROJECT, timeout=10))
    error = info.value
    assert error.snapshot_id == SNAP and error.status == "in_progress"
    assert error.timeout == 10 and error.export_type is None
    # Growing pauses, the last one cut short by the deadline, then one last look before giving up.
    assert clock.pauses == [0.25, 0.375, 0.5625, 0.84375, 1.265625, 1.8984375, 2.84765625, 1.95703125]
    assert sum(clock.pauses) == pytest.approx(10)
    assert server.get.call_count == len(clock.pauses)
    assert server.download.call_count == 0


async def test_pauses_stop_growing_at_the_longest(api: Api, server: Server, clock: Clock) -> None:
    server.created(snapshot("created"))
    server.get.return_value = httpx.Response(200, json=snapshot("in_progress"))
    with pytest.raises(ExportTimeoutError):
        await api.run(
            lambda c: c.projects.exports.as_json(
                PROJECT, timeout=30, min_poll_interval=1, max_poll_interval=2
            )
        )
    assert clock.pauses[:3] == [1, 1.5, 2] and set(clock.pauses[2:-1]) == {2}
    assert sum(clock.pauses) == pytest.approx(30)


async def test_the_default_timeout_is_ten_minutes_with_pauses_up_to_five_seconds(
    api: Api, server: Server, clock: Clock
) -> None:
    server.created(snapshot("created"))
    server.get.return_value = httpx.Response(200, json=snapshot("in_progress"))
    with pytest.raises(ExportTimeoutError) as info:
        await api.run(lambda c: c.projects.exports.as_bytes(PROJECT))
    assert info.value.timeout == 600
    assert clock.pauses[0] == 0.25 and max(clock.pauses) == 5.0
    assert sum(clock.pauses) == pytest.approx(600)


async def test_no_timeout_waits_as_long_as_it_takes(api: Api, server: Server, clock: Clock) -> None:
    server.created(snapshot("created"))
    server.states(*[snapshot("in_progress")] * 300, snapshot("completed"))
    assert await api.run(lambda c: c.projects.exports.as_json(PROJECT, timeout=None)) == TASKS
    assert sum(clock.pauses) > 600 and max(clock.pauses) == 5.0


# -- conversions ---------------------------------------------------------------------------------------


async def test_conversion_pending_then_done(api: Api, server: Server, clock: Clock) -> None:
    # The snapshot itself is complete all along; only the CSV entry the convert call started counts,
    # not the snapshot's status nor another format's finished conversion.
    other = conversion(5, "JSON_MIN", "completed")
    server.states(
        snapshot("completed", other, conversion(7, "CSV", "created")),
        snapshot("completed", other, conversion(7, "CSV", "in_progress")),
        snapshot("completed", other, conversion(7, "CSV", "completed")),
    )
    server.serves(CSV_BODY, **{"Content-Type": "application/csv"})
    body = await api.run(
        lambda c: c.projects.exports.as_bytes(PROJECT, export_type="CSV", download_resources=False)
    )
    assert body == CSV_BODY
    assert json.loads(server.convert.calls.last.request.content) == {
        "export_type": "CSV",
        "download_resources": False,
    }
    assert server.get.call_count == 3
    assert clock.pauses == [0.25, 0.375]
    assert server.export_type_downloaded() == "CSV"


async def test_conversion_pauses_start_short_again(api: Api, server: Server, clock: Clock) -> None:
    server.created(snapshot("created"))
    server.states(
        snapshot("in_progress"),
        snapshot("in_progress"),
        snapshot("completed"),
        snapshot("completed", conversion(7, "CSV", "in_progress")),
        snapshot("completed", conversion(7, "CSV", "completed")),
    )
    await api.run(lambda c: c.projects.exports.as_bytes(PROJECT, export_type="CSV"))
    assert clock.pauses == [0.25, 0.375, 0.5625, 0.25]


async def test_the_conversion_is_found_by_the_id_convert_returned(
    api: Api, server: Server, clock: Clock
) -> None:
    server.states(
        # An older CSV conversion of the same snapshot (id 4) has failed; ours (7) is not listed yet.
        snapshot("completed", conversion(4, "CSV", "failed")),
        snapshot("completed", conversion(4, "CSV", "failed"), conversion(7, "CSV", "completed")),
    )
    server.created(snapshot("completed"))
    assert await api.run(lambda c: c.projects.exports.as_bytes(PROJECT, export_type="CSV")) == TASKS_BODY
    assert server.convert.call_count == 1 and server.get.call_count == 2


async def test_without_an_id_the_latest_conversion_of_that_format_counts(
    api: Api, server: Server, clock: Clock
) -> None:
    server.convert.return_value = httpx.Response(200, json={"export_type": "CSV"})
    server.states(
        snapshot("completed", conversion(2, "TSV", "completed")),
        snapshot("completed", conversion(2, "TSV", "completed"), conversion(3, "CSV", "completed")),
    )
    assert await api.run(lambda c: c.projects.exports.as_bytes(PROJECT, export_type="CSV")) == TASKS_BODY
    assert server.get.call_count == 2


async def test_a_conversion_already_listed_is_awaited_not_restarted(
    api: Api, server: Server, clock: Clock
) -> None:
    server.created(snapshot("completed", conversion(6, "CSV", "in_progress")))
    server.states(snapshot("completed", conversion(6, "CSV", "completed")))
    await api.run(lambda c: c.projects.exports.as_bytes(PROJECT, export_type="CSV"))
    assert server.convert.call_count == 0 and server.get.call_count == 1


async def test_a_failed_conversion_raises_with_the_format_and_traceback(
    api: Api, server: Server, clock: Clock
) -> None:
    traceback = 'Traceback (most recent call last):\n  File "x.py"\nValueError: no such control\n'
    server.states(
        snapshot("completed", conversion(7, "CSV", "in_progress")),
        snapshot("completed", conversion(7, "CSV", "failed", traceback)),
    )
    with pytest.raises(ExportFailedError) as info:
        await api.run(lambda c: c.projects.exports.as_file(PROJECT, "unused.csv", export_type="CSV"))
    error = info.value
    assert error.snapshot_id == SNAP and error.status == "failed"
    assert error.export_type == "CSV" and error.traceback == traceback
    assert str(error).endswith("to CSV failed (status 'failed'): ValueError: no such control")
    assert server.download.call_count == 0


async def test_a_conversion_still_running_at_the_deadline_times_out(
    api: Api, server: Server, clock: Clock
) -> None:
    server.get.return_value = httpx.Response(
        200, json=snapshot("completed", conversion(7, "CSV", "in_progress"))
    )
    with pytest.raises(ExportTimeoutError) as info:
        await api.run(lambda c: c.projects.exports.as_bytes(PROJECT, export_type="CSV", timeout=5))
    error = info.value
    assert (error.status, error.export_type, error.timeout) == ("in_progress", "CSV", 5)
    assert "converting export snapshot 9 of project 3 to CSV did not finish within 5 s" in str(error)


async def test_a_conversion_never_listed_times_out_with_no_status(
    api: Api, server: Server, clock: Clock
) -> None:
    with pytest.raises(ExportTimeoutError) as info:
        await api.run(lambda c: c.projects.exports.as_bytes(PROJECT, export_type="CSV", timeout=3))
    assert info.value.status is None and info.value.export_type == "CSV"


async def test_a_rejected_conversion_is_the_servers_error(api: Api, server: Server, clock: Clock) -> None:
    # The list said yes, the conversion says no: the server's own error, and the snapshot is deleted.
    server.formats.return_value = httpx.Response(200, json=formats([*OFFERED, "NOPE"]))
    server.convert.return_value = httpx.Response(400, json={"detail": "NOPE is not supported export format"})
    with pytest.raises(BadRequestError, match="NOPE is not supported"):
        await api.run(lambda c: c.projects.exports.as_bytes(PROJECT, export_type="NOPE"))
    assert server.download.call_count == 0
    assert server.delete.call_count == 1


# -- the formats a project offers ------------------------------------------------------------------------


@pytest.mark.parametrize("export_type", ["COCO", "BRUSH_TO_PNG", "XLSX", "csv"])
@pytest.mark.parametrize("helper", ["as_bytes", "as_file"])
async def test_a_format_the_project_does_not_offer_fails_before_any_snapshot(
    api: Api, server: Server, clock: Clock, tmp_path: Path, export_type: str, helper: str
) -> None:
    server.formats.return_value = httpx.Response(
        200, json=formats(["JSON", "JSON_MIN", "CSV", "TSV"], ["COCO", "BRUSH_TO_PNG"])
    )
    args: List[Any] = [PROJECT] if helper == "as_bytes" else [PROJECT, tmp_path]
    with pytest.raises(ExportFormatNotOfferedError) as info:
        await api.run(lambda c: getattr(c.projects.exports, helper)(*args, export_type=export_type))
    error = info.value
    assert isinstance(error, ValueError) and isinstance(error, LabelStudioError)
    assert (error.project_id, error.export_type) == (PROJECT, export_type)
    assert error.offered == ["JSON", "JSON_MIN", "CSV", "TSV"]  # disabled ones are not offered
    assert str(error) == (
        f"project 3 cannot be exported as {export_type!r}; it offers: JSON, JSON_MIN, CSV, TSV"
    )
    assert server.order() == ["formats"]  # nothing created, so nothing to delete
    assert list(tmp_path.iterdir()) == []


async def test_as_pandas_and_json_min_check_the_offer_too(api: Api, server: Server, clock: Clock) -> None:
    server.formats.return_value = httpx.Response(200, json=formats(["JSON"], ["JSON_MIN", "CSV", "TSV"]))
    with pytest.raises(ExportFormatNotOfferedError, match=r"it offers: JSON$"):
        await api.run(lambda c: c.projects.exports.as_json(PROJECT, export_type="JSON_MIN"))
    with pytest.raises(ExportFormatNotOfferedError, match="cannot be exported as 'TSV'"):
        await api.run(lambda c: c.projects.exports.as_pandas(PROJECT, export_type="TSV"))
    assert server.create.call_count == 0


async def test_plain_json_needs_no_look_at_the_formats(api: Api, server: Server, clock: Clock) -> None:
    await api.run(lambda c: c.projects.exports.as_json(PROJECT))
    assert server.order() == ["create", "download", "delete"]


async def test_an_offered_format_is_checked_then_exported(api: Api, server: Server, clock: Clock) -> None:
    server.states(snapshot("completed", conversion(7, "CSV", "completed")))
    server.serves(CSV_BODY)
    assert await api.run(lambda c: c.projects.exports.as_bytes(PROJECT, export_type="CSV")) == CSV_BODY
    assert server.order() == ["formats", "create", "convert", "get", "download", "delete"]


# -- the snapshot is deleted afterwards ----------------------------------------------------------------


@pytest.mark.parametrize("helper", ["as_json", "as_bytes", "as_file"])
async def test_the_snapshot_is_deleted_after_the_download(
    api: Api, server: Server, clock: Clock, tmp_path: Path, helper: str
) -> None:
    args: List[Any] = [PROJECT, tmp_path / "out.json"] if helper == "as_file" else [PROJECT]
    await api.run(lambda c: getattr(c.projects.exports, helper)(*args))
    assert server.order() == ["create", "download", "delete"]
    assert server.delete.calls.last.request.url.path == SNAPSHOT


@pytest.mark.parametrize("helper", ["as_json", "as_bytes", "as_file"])
async def test_keep_snapshot_leaves_it_on_the_server(
    api: Api, server: Server, clock: Clock, tmp_path: Path, helper: str
) -> None:
    args: List[Any] = [PROJECT, tmp_path / "out.json"] if helper == "as_file" else [PROJECT]
    await api.run(lambda c: getattr(c.projects.exports, helper)(*args, keep_snapshot=True))
    assert server.order() == ["create", "download"]


async def test_as_pandas_deletes_its_snapshot_unless_kept(
    api: Api, server: Server, clock: Clock, fake_pandas: FakePandas
) -> None:
    server.get.return_value = httpx.Response(
        200, json=snapshot("completed", conversion(7, "CSV", "completed"))
    )
    server.serves(CSV_BODY)
    await api.run(lambda c: c.projects.exports.as_pandas(PROJECT))
    assert server.delete.call_count == 1
    await api.run(lambda c: c.projects.exports.as_pandas(PROJECT, keep_snapshot=True))
    assert server.delete.call_count == 1


async def test_a_failed_snapshot_is_deleted_too(api: Api, server: Server, clock: Clock) -> None:
    server.created(snapshot("created"))
    server.states(snapshot("failed"))
    with pytest.raises(ExportFailedError):
        await api.run(lambda c: c.projects.exports.as_json(PROJECT))
    assert server.order() == ["create", "get", "delete"]


async def test_a_timed_out_snapshot_is_deleted_unless_kept(api: Api, server: Server, clock: Clock) -> None:
    server.created(snapshot("created"))
    server.get.return_value = httpx.Response(200, json=snapshot("in_progress"))
    with pytest.raises(ExportTimeoutError):
        await api.run(lambda c: c.projects.exports.as_json(PROJECT, timeout=1))
    assert server.delete.call_count == 1
    with pytest.raises(ExportTimeoutError) as info:
        await api.run(lambda c: c.projects.exports.as_json(PROJECT, timeout=1, keep_snapshot=True))
    assert server.delete.call_count == 1 and info.value.snapshot_id == SNAP


async def test_a_failed_conversion_is_deleted_too(api: Api, server: Server, clock: Clock) -> None:
    server.states(snapshot("completed", conversion(7, "CSV", "failed", "Traceback\nValueError: bad")))
    with pytest.raises(ExportFailedError):
        await api.run(lambda c: c.projects.exports.as_bytes(PROJECT, export_type="CSV"))
    assert server.order()[-1] == "delete"


async def test_a_broken_download_deletes_the_snapshot_and_keeps_no_file(
    api: Api, server: Server, clock: Clock, tmp_path: Path
) -> None:
    server.download.return_value = httpx.Response(200, stream=BrokenStream())
    with pytest.raises(ApiConnectionError):
        await api.run(lambda c: c.projects.exports.as_file(PROJECT, tmp_path / "x.json"))
    assert server.order() == ["create", "download", "delete"]
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "answer",
    [
        httpx.Response(500, json={"detail": "Could not delete file from storage"}),
        httpx.ConnectError("refused"),
    ],
)
async def test_a_snapshot_that_cannot_be_deleted_is_a_warning_not_a_lost_export(
    api: Api, server: Server, clock: Clock, caplog: pytest.LogCaptureFixture, sleeps: List[float], answer: Any
) -> None:
    server.delete.side_effect = [answer] * 3  # the first try and two retries (DELETE is idempotent)
    with caplog.at_level(logging.WARNING, logger="label_studio_sdk"):
        tasks = await api.run(lambda c: c.projects.exports.as_json(PROJECT))
    assert tasks == TASKS
    warnings_logged = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings_logged) == 1
    assert warnings_logged[0].startswith(
        "export snapshot 9 of project 3 was left on the server, deleting it failed: DELETE "
    )


async def test_a_failure_stays_the_error_when_the_delete_fails_as_well(
    api: Api, server: Server, clock: Clock, caplog: pytest.LogCaptureFixture, sleeps: List[float]
) -> None:
    server.created(snapshot("failed"))
    server.delete.side_effect = [httpx.ConnectError("refused")] * 3
    with caplog.at_level(logging.WARNING, logger="label_studio_sdk"), pytest.raises(ExportFailedError):
        await api.run(lambda c: c.projects.exports.as_json(PROJECT))
    assert any("was left on the server" in r.getMessage() for r in caplog.records)


async def test_a_snapshot_already_gone_is_no_warning(
    api: Api, server: Server, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    server.delete.return_value = httpx.Response(404, json={"detail": "Not found."})
    with caplog.at_level(logging.WARNING, logger="label_studio_sdk"):
        assert await api.run(lambda c: c.projects.exports.as_json(PROJECT)) == TASKS
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []


def test_as_pandas_is_typed_as_returning_a_data_frame() -> None:
    for cls in (ExportsClientExt, AsyncExportsClientExt):
        assert inspect.signature(cls.as_pandas).return_annotation == "pandas.DataFrame"
        assert inspect.signature(cls.as_json).parameters["keep_snapshot"].default is False


# -- empty projects ------------------------------------------------------------------------------------


async def test_an_empty_project_exports_an_empty_list(
    api: Api, server: Server, clock: Clock, tmp_path: Path
) -> None:
    server.created({**snapshot("completed"), "counters": {"task_number": 0}})
    server.serves(b"[]")
    assert await api.run(lambda c: c.projects.exports.as_json(PROJECT)) == []
    target = tmp_path / "empty.json"
    assert await api.run(lambda c: c.projects.exports.as_file(PROJECT, target)) == target
    assert target.read_bytes() == b"[]"


async def test_an_empty_csv_export_is_just_its_header(api: Api, server: Server, clock: Clock) -> None:
    server.created({**snapshot("completed"), "counters": {"task_number": 0}})
    server.states(snapshot("completed", conversion(7, "CSV", "completed")))
    server.serves(b'"annotation_id","annotator"\n')
    assert await api.run(lambda c: c.projects.exports.as_bytes(PROJECT, export_type="CSV")) == (
        b'"annotation_id","annotator"\n'
    )


async def test_an_empty_body_is_not_a_task_list(api: Api, server: Server, clock: Clock) -> None:
    server.serves(b"")
    with pytest.raises(ResponseValidationError, match="not JSON") as info:
        await api.run(lambda c: c.projects.exports.as_json(PROJECT))
    assert info.value.body == b"" and info.value.path == f"{SNAPSHOT}/download"


async def test_json_that_is_not_a_list_keeps_the_body(api: Api, server: Server, clock: Clock) -> None:
    server.serves(b'{"detail": "odd"}')
    with pytest.raises(ResponseValidationError, match="a JSON dict, not a list") as info:
        await api.run(lambda c: c.projects.exports.as_json(PROJECT))
    assert info.value.body == b'{"detail": "odd"}' and info.value.status_code == 200


async def test_a_big_json_export_is_parsed_whole(api: Api, server: Server, clock: Clock) -> None:
    many = [{"id": i, "data": {"text": "x" * 40}} for i in range(2000)]
    server.convert.return_value = httpx.Response(200, json={"export_type": "JSON_MIN", "converted_format": 7})
    server.states(snapshot("completed", conversion(7, "JSON_MIN", "completed")))
    server.serves(json.dumps(many).encode())
    assert await api.run(lambda c: c.projects.exports.as_json(PROJECT, export_type="JSON_MIN")) == many
    assert server.export_type_downloaded() == "JSON_MIN"


# -- what is sent --------------------------------------------------------------------------------------


async def test_filter_and_serialization_options_are_passed_through(
    api: Api, server: Server, clock: Clock
) -> None:
    await api.run(
        lambda c: c.projects.exports.as_json(
            PROJECT,
            title="only finished",
            task_filter_options=TaskFilterOptions(finished="only", view=4),
            annotation_filter_options={"ground_truth": True, "usual": False},
            serialization_options=SerializationOptions(
                drafts={"only_id": True},  # type: ignore[arg-type]
                annotations_completed_by={"only_id": False},  # type: ignore[arg-type]
            ),
        )
    )
    assert json.loads(server.create.calls.last.request.content) == {
        "title": "only finished",
        "task_filter_options": {"finished": "only", "view": 4},
        "annotation_filter_options": {"ground_truth": True, "usual": False},
        "serialization_options": {
            "drafts": {"only_id": True},
            "annotations__completed_by": {"only_id": False},
        },
    }


async def test_options_as_dicts_keep_wire_names_and_unknown_keys(
    api: Api, server: Server, clock: Clock
) -> None:
    await api.run(
        lambda c: c.projects.exports.as_bytes(
            PROJECT,
            serialization_options={"annotations__completed_by": {"only_id": True}, "future_flag": 1},
        )
    )
    assert json.loads(server.create.calls.last.request.content) == {
        "serialization_options": {"annotations__completed_by": {"only_id": True}, "future_flag": 1}
    }


async def test_request_options_go_with_every_request(api: Api, server: Server, clock: Clock) -> None:
    server.states(snapshot("completed", conversion(7, "CSV", "completed")))
    options = {"additional_headers": {"X-Trace": "abc"}}
    await api.run(lambda c: c.projects.exports.as_bytes(PROJECT, export_type="CSV", request_options=options))
    for route in (server.create, server.convert, server.get, server.download):
        assert route.calls.last.request.headers["x-trace"] == "abc"


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"timeout": 0}, "timeout must be a positive number"),
        ({"timeout": -1.0}, "timeout must be a positive number"),
        ({"timeout": float("inf")}, "timeout must be a positive number"),
        ({"min_poll_interval": 0}, "poll intervals"),
        ({"min_poll_interval": 6, "max_poll_interval": 5}, "poll intervals"),
        ({"export_type": ""}, "export_type must be a format name"),
        ({"task_filter_options": ["finished"]}, "expected TaskFilterOptions or a dict"),
        ({"progress": "yes"}, "progress must be a callable"),
    ],
)
async def test_bad_arguments_fail_before_anything_is_sent(
    api: Api, server: Server, clock: Clock, kwargs: Dict[str, Any], message: str
) -> None:
    with pytest.raises((ValueError, TypeError), match=message):
        await api.run(lambda c: c.projects.exports.as_bytes(PROJECT, **kwargs))
    assert server.create.call_count == 0


async def test_as_json_takes_only_json_formats(api: Api, server: Server, clock: Clock) -> None:
    with pytest.raises(ValueError, match="as_json takes export_type 'JSON' or 'JSON_MIN', got 'CSV'"):
        await api.run(lambda c: c.projects.exports.as_json(PROJECT, export_type="CSV"))
    assert server.create.call_count == 0


# -- as_file ---------------------------------------------------------------------------------------------


async def test_as_file_writes_beside_the_target_then_renames(
    api: Api, server: Server, clock: Clock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "export.json"
    target.write_bytes(b"previous export")
    seen: List[str] = []
    real_replace = client_ext.os.replace

    def replace(source: str, destination: Path) -> None:
        seen.append(str(source))
        assert Path(source).parent == tmp_path and Path(source).read_bytes() == TASKS_BODY
        assert target.read_bytes() == b"previous export"  # untouched until the download is complete
        real_replace(source, destination)

    monkeypatch.setattr(client_ext.os, "replace", replace)
    written = await api.run(lambda c: c.projects.exports.as_file(PROJECT, str(target)))
    assert written == target and target.read_bytes() == TASKS_BODY
    assert len(seen) == 1 and Path(seen[0]).name.startswith(".export.json.") and seen[0].endswith(".part")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["export.json"]


async def test_as_file_converts_and_writes_csv(
    api: Api, server: Server, clock: Clock, tmp_path: Path
) -> None:
    server.states(snapshot("completed", conversion(7, "CSV", "completed")))
    server.serves(CSV_BODY)
    written = await api.run(
        lambda c: c.projects.exports.as_file(PROJECT, tmp_path / "out.csv", export_type="CSV")
    )
    assert written.read_bytes() == CSV_BODY and server.export_type_downloaded() == "CSV"


class BrokenStream(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A body that breaks off after its first chunk."""

    def __iter__(self) -> Iterator[bytes]:
        yield b'[{"id": 1},'
        raise httpx.ReadError("connection reset")

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield b'[{"id": 1},'
        raise httpx.ReadError("connection reset")


async def test_a_broken_download_leaves_no_file_behind(
    api: Api, server: Server, clock: Clock, tmp_path: Path
) -> None:
    target = tmp_path / "export.json"
    target.write_bytes(b"previous export")
    server.download.return_value = httpx.Response(200, stream=BrokenStream())
    with pytest.raises(ApiConnectionError, match="connection reset") as info:
        await api.run(lambda c: c.projects.exports.as_file(PROJECT, target))
    assert info.value.path == f"{SNAPSHOT}/download"
    assert isinstance(info.value.__cause__, httpx.ReadError)
    assert target.read_bytes() == b"previous export"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["export.json"]


async def test_a_failing_progress_callback_aborts_and_cleans_up(
    api: Api, server: Server, clock: Clock, tmp_path: Path
) -> None:
    def stop(received: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        await api.run(lambda c: c.projects.exports.as_file(PROJECT, tmp_path / "x.json", progress=stop))
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "export_type, disposition, expected",
    [
        ("JSON", 'attachment; filename="../../../etc/cron.d/evil"', "project-3-export-9.json"),
        ("CSV", 'attachment; filename="/tmp/elsewhere.sh"', "project-3-export-9.csv"),
        ("COCO", 'attachment; filename="..\\..\\export-coco.ZIP"', "project-3-export-9.zip"),
        ("YOLO", "attachment; filename*=UTF-8''..%2F..%2Fx", "project-3-export-9.bin"),
        ("VOC", "", "project-3-export-9.bin"),
    ],
)
async def test_a_folder_target_gets_our_own_file_name(
    api: Api,
    server: Server,
    clock: Clock,
    tmp_path: Path,
    export_type: str,
    disposition: str,
    expected: str,
) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    server.states(snapshot("completed", conversion(7, export_type, "completed")))
    server.serves(b"data", **({"Content-Disposition": disposition} if disposition else {}))
    written = await api.run(lambda c: c.projects.exports.as_file(PROJECT, folder, export_type=export_type))
    assert written == folder / expected and written.read_bytes() == b"data"
    assert [p.name for p in tmp_path.iterdir()] == ["exports"]
    assert [p.name for p in folder.iterdir()] == [expected]


@pytest.mark.parametrize("where", ["missing/export.json", "missing/"])
async def test_a_missing_folder_fails_before_anything_is_sent(
    api: Api, server: Server, clock: Clock, tmp_path: Path, where: str
) -> None:
    with pytest.raises(FileNotFoundError, match="missing"):
        await api.run(lambda c: c.projects.exports.as_file(PROJECT, f"{tmp_path}/{where}"))
    assert server.create.call_count == 0


# -- progress ------------------------------------------------------------------------------------------


async def test_progress_callback_gets_the_bytes_so_far(api: Api, server: Server, clock: Clock) -> None:
    body = b"[" + b",".join(b'{"id": %d}' % i for i in range(20_000)) + b"]"
    server.serves(body)
    received: List[int] = []
    options = {"chunk_size": 4096}
    tasks = await api.run(
        lambda c: c.projects.exports.as_json(PROJECT, progress=received.append, request_options=options)
    )
    assert len(tasks) == 20_000
    assert received == sorted(received) and received[-1] == len(body)
    assert len(received) == -(-len(body) // 4096)


class FakeBar:
    made: ClassVar[List[FakeBar]] = []

    def __init__(self, **kwargs: Any) -> None:
        self.kwargs = kwargs
        self.updates: List[int] = []
        self.closed = False
        FakeBar.made.append(self)

    def update(self, size: int) -> None:
        self.updates.append(size)

    def close(self) -> None:
        self.closed = True


@pytest.fixture
def fake_tqdm(monkeypatch: pytest.MonkeyPatch) -> List[FakeBar]:
    auto = types.ModuleType("tqdm.auto")
    auto.tqdm = FakeBar  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "tqdm", types.ModuleType("tqdm"))
    monkeypatch.setitem(sys.modules, "tqdm.auto", auto)
    FakeBar.made = []
    return FakeBar.made


async def test_progress_true_shows_a_tqdm_bar(
    api: Api, server: Server, clock: Clock, fake_tqdm: List[FakeBar]
) -> None:
    server.serves(TASKS_BODY, **{"Content-Length": str(len(TASKS_BODY))})
    await api.run(lambda c: c.projects.exports.as_bytes(PROJECT, progress=True))
    (bar,) = fake_tqdm
    assert bar.kwargs["total"] == len(TASKS_BODY) and bar.kwargs["unit"] == "B"
    assert bar.kwargs["desc"] == "export 9 (JSON)"
    assert sum(bar.updates) == len(TASKS_BODY) and bar.closed


async def test_the_bar_is_closed_when_the_download_breaks(
    api: Api, server: Server, clock: Clock, fake_tqdm: List[FakeBar]
) -> None:
    server.download.return_value = httpx.Response(200, stream=BrokenStream())
    with pytest.raises(ApiConnectionError):
        await api.run(lambda c: c.projects.exports.as_bytes(PROJECT, progress=True))
    assert fake_tqdm[0].closed


async def test_progress_true_without_tqdm_warns_and_exports_anyway(
    api: Api, server: Server, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)
    with pytest.warns(UserWarning, match="tqdm is installed"):
        assert await api.run(lambda c: c.projects.exports.as_json(PROJECT, progress=True)) == TASKS


async def test_no_progress_asked_means_no_tqdm(
    api: Api, server: Server, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        await api.run(lambda c: c.projects.exports.as_json(PROJECT, progress=False))


# -- as_pandas -------------------------------------------------------------------------------------------


class FakePandas(types.ModuleType):
    """Just enough of pandas: read_csv records what it was given."""

    class errors:
        class EmptyDataError(ValueError):
            pass

    def __init__(self) -> None:
        super().__init__("pandas")
        self.calls: List[Dict[str, Any]] = []

    def read_csv(self, source: Any, sep: str) -> Dict[str, Any]:
        text = source.read()
        self.calls.append({"text": text, "sep": sep})
        if not text:
            raise self.errors.EmptyDataError("No columns to parse from file")
        return {"frame": text}

    def DataFrame(self) -> Dict[str, Any]:
        return {"frame": None}


@pytest.fixture
def fake_pandas(monkeypatch: pytest.MonkeyPatch) -> FakePandas:
    module = FakePandas()
    monkeypatch.setitem(sys.modules, "pandas", module)
    return module


async def test_as_pandas_reads_the_csv_export(
    api: Api, server: Server, clock: Clock, fake_pandas: FakePandas
) -> None:
    server.states(snapshot("completed", conversion(7, "CSV", "completed")))
    server.serves(CSV_BODY)
    frame = await api.run(lambda c: c.projects.exports.as_pandas(PROJECT))
    assert frame == {"frame": CSV_BODY}
    assert fake_pandas.calls == [{"text": CSV_BODY, "sep": ","}]
    assert json.loads(server.convert.calls.last.request.content) == {"export_type": "CSV"}
    assert server.export_type_downloaded() == "CSV"


async def test_as_pandas_reads_tsv_with_tabs(
    api: Api, server: Server, clock: Clock, fake_pandas: FakePandas
) -> None:
    server.convert.return_value = httpx.Response(200, json={"export_type": "TSV", "converted_format": 7})
    server.states(snapshot("completed", conversion(7, "TSV", "completed")))
    await api.run(lambda c: c.projects.exports.as_pandas(PROJECT, export_type="TSV"))
    assert fake_pandas.calls[0]["sep"] == "\t"


async def test_as_pandas_of_an_empty_file_is_an_empty_frame(
    api: Api, server: Server, clock: Clock, fake_pandas: FakePandas
) -> None:
    server.states(snapshot("completed", conversion(7, "CSV", "completed")))
    server.serves(b"")
    assert await api.run(lambda c: c.projects.exports.as_pandas(PROJECT)) == {"frame": None}


async def test_as_pandas_without_pandas_names_the_extra(
    api: Api, server: Server, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError, match=r"pip install 'label-studio-sdk\[pandas\]'") as info:
        await api.run(lambda c: c.projects.exports.as_pandas(PROJECT))
    assert isinstance(info.value, MissingDependencyError)
    assert info.value.request_sent is False
    assert server.create.call_count == 0


async def test_as_pandas_takes_only_tables(
    api: Api, server: Server, clock: Clock, fake_pandas: FakePandas
) -> None:
    with pytest.raises(ValueError, match="as_pandas takes export_type 'CSV' or 'TSV'"):
        await api.run(lambda c: c.projects.exports.as_pandas(PROJECT, export_type="JSON"))


async def test_as_pandas_with_real_pandas(api: Api, server: Server, clock: Clock) -> None:
    pandas = pytest.importorskip("pandas")
    server.get.return_value = httpx.Response(
        200, json=snapshot("completed", conversion(7, "CSV", "completed"))
    )
    server.serves(CSV_BODY)
    frame = await api.run(lambda c: c.projects.exports.as_pandas(PROJECT))
    assert isinstance(frame, pandas.DataFrame)
    assert list(frame.columns) == ["id", "text"] and frame["text"].tolist() == ["good", "bad"]
    server.serves(b'"annotation_id","annotator"\n')
    empty = await api.run(lambda c: c.projects.exports.as_pandas(PROJECT))
    assert empty.empty and list(empty.columns) == ["annotation_id", "annotator"]


def test_importing_the_helpers_loads_neither_pandas_nor_tqdm() -> None:
    import subprocess

    code = (
        "import sys\n"
        "from label_studio_sdk import LabelStudio\n"
        "c = LabelStudio(base_url='http://x', api_key='k')\n"
        "c.projects.exports.as_json\n"
        "assert 'label_studio_sdk.projects.exports.client_ext' in sys.modules\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('pandas', 'tqdm', 'numpy')))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
