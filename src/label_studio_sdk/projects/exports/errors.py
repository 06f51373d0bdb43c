"""Errors of the export helpers (``client.projects.exports.as_json`` and its siblings).

LabelStudioError
├── ExportError                 an export snapshot, or its conversion, gave no file
│   ├── ExportFailedError       the server reports the build or the conversion as failed
│   └── ExportTimeoutError      it did not finish within the helper's ``timeout``
└── ExportFormatNotOfferedError (also a ValueError) the project cannot be exported in that format

They are not ApiError: every HTTP request involved succeeded, so there is no status code to report.
Each ExportError carries the project, the snapshot and the last status seen; ``export_type`` is set
when the conversion into that format was the part that failed or ran out of time.
"""

from __future__ import annotations

from typing import Optional, Sequence

from label_studio_sdk.core.errors import LabelStudioError


class ExportError(LabelStudioError):
    """An export snapshot, or its conversion into another format, did not produce a file."""

    def __init__(
        self,
        message: str,
        *,
        project_id: int,
        snapshot_id: int,
        status: Optional[str],
        export_type: Optional[str] = None,
    ) -> None:
        self.project_id = project_id
        self.snapshot_id = snapshot_id
        self.status = status
        self.export_type = export_type
        super().__init__(message)

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(project_id={self.project_id!r}, snapshot_id={self.snapshot_id!r}, "
            f"status={self.status!r}, export_type={self.export_type!r})"
        )


class ExportFailedError(ExportError):
    """The server marked the snapshot, or the conversion, as failed.

    ``traceback`` holds the server's error report for a failed conversion, when it sent one.
    """

    def __init__(
        self,
        *,
        project_id: int,
        snapshot_id: int,
        status: Optional[str],
        export_type: Optional[str] = None,
        traceback: Optional[str] = None,
    ) -> None:
        self.traceback = traceback
        what = _subject(project_id, snapshot_id, export_type)
        message = f"{what} failed (status {status!r})"
        reason = _last_line(traceback)
        if reason:
            message += f": {reason}"
        super().__init__(
            message, project_id=project_id, snapshot_id=snapshot_id, status=status, export_type=export_type
        )


class ExportTimeoutError(ExportError):
    """The snapshot, or the conversion, was still unfinished when ``timeout`` seconds had passed.

    The helper deletes the snapshot it made, unless it was called with ``keep_snapshot=True``: then
    the server may still finish it, and ``snapshot_id`` finds it again.
    """

    def __init__(
        self,
        *,
        project_id: int,
        snapshot_id: int,
        status: Optional[str],
        timeout: float,
        export_type: Optional[str] = None,
    ) -> None:
        self.timeout = timeout
        what = _subject(project_id, snapshot_id, export_type)
        message = f"{what} did not finish within {timeout:g} s (last status {status!r})"
        super().__init__(
            message, project_id=project_id, snapshot_id=snapshot_id, status=status, export_type=export_type
        )


class ExportFormatNotOfferedError(LabelStudioError, ValueError):
    """The project cannot be exported in ``export_type``; ``offered`` lists the formats it can be.

    Raised before any snapshot is made. The server decides what it offers from the project's labeling
    config (``GET /api/projects/{id}/export/formats``): COCO needs image regions, for instance.
    """

    def __init__(self, *, project_id: int, export_type: str, offered: Sequence[str]) -> None:
        self.project_id = project_id
        self.export_type = export_type
        self.offered = list(offered)
        listed = ", ".join(self.offered) or "none"
        super().__init__(f"project {project_id} cannot be exported as {export_type!r}; it offers: {listed}")

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(project_id={self.project_id!r}, export_type={self.export_type!r}, "
            f"offered={self.offered!r})"
        )


def _subject(project_id: int, snapshot_id: int, export_type: Optional[str]) -> str:
    snapshot = f"export snapshot {snapshot_id} of project {project_id}"
    return f"converting {snapshot} to {export_type}" if export_type else snapshot


def _last_line(text: Optional[str]) -> str:
    """The last non-empty line of a server traceback: usually the exception and its message."""
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    reason = lines[-1] if lines else ""
    return reason if len(reason) <= 300 else reason[:300] + "..."
