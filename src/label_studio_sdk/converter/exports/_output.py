"""Where an export writes its file, and how: into a checked directory, through a temporary file renamed at the end."""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path
from typing import IO, Iterator, Union

from label_studio_sdk.core.errors import LabelStudioError

PathLike = Union[str, "os.PathLike[str]"]


class ExportOutputError(LabelStudioError, ValueError):
    """The place an export should be written to is unusable (a file where a directory is needed, and so on)."""


def prepare_dir(output_dir: PathLike) -> Path:
    """``output_dir`` as a directory, created when missing; an error when it names something else."""
    directory = Path(output_dir)
    if directory.exists() and not directory.is_dir():
        raise ExportOutputError(f"the export output {str(directory)!r} exists and is not a directory")
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExportOutputError(f"cannot create the export directory {str(directory)!r}: {exc}") from exc
    return directory


def file_in_dir(output_dir: PathLike, file_name: str) -> Path:
    """The path of the fixed-name file ``file_name`` inside the (prepared) ``output_dir``."""
    path = prepare_dir(output_dir) / file_name
    if path.is_dir():
        raise ExportOutputError(f"the export file {str(path)!r} is a directory")
    return path


@contextlib.contextmanager
def atomic_text(path: Path, *, newline: Union[str, None] = None) -> Iterator[IO[str]]:
    """A UTF-8 text file that appears at ``path`` only when the block succeeds; a failed export leaves nothing."""
    # Opened with "x" rather than mkstemp, so the file gets the usual umask permissions, not 0600.
    temporary = path.parent / f".{path.name}.{secrets.token_hex(6)}.part"
    replaced = False
    with open(temporary, "x", encoding="utf-8", newline=newline) as handle:
        try:
            yield handle
            handle.close()
            os.replace(temporary, path)
            replaced = True
        finally:
            if not replaced:
                handle.close()
                with contextlib.suppress(OSError):
                    os.unlink(temporary)


def safe_subdir(output_dir: PathLike, name: str) -> Path:
    """The directory ``<output_dir>/<name>``, created when missing, refused when a link leads it elsewhere."""
    root = prepare_dir(output_dir)
    directory = root / name
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExportOutputError(f"cannot create the export directory {str(directory)!r}: {exc}") from exc
    real_root, real_directory = os.path.realpath(root), os.path.realpath(directory)
    if os.path.commonpath([real_root, real_directory]) != real_root or not directory.is_dir():
        raise ExportOutputError(f"the export directory {str(directory)!r} leads outside {str(root)!r}")
    return directory


def write_file_atomic(path: Path, content: Union[str, bytes]) -> None:
    """Write ``content`` to ``path`` through a temporary file renamed over it (a link at ``path`` is replaced, not followed)."""
    temporary = (
        path.parent / f".{secrets.token_hex(8)}.part"
    )  # not from ``path.name``: that may be near the limit
    data = content.encode("utf-8") if isinstance(content, str) else content
    try:
        with open(temporary, "xb") as handle:
            handle.write(data)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
