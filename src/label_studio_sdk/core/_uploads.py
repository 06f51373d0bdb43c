"""Uploads: what a file argument may be, and how it becomes httpx's ``files``."""

from __future__ import annotations

import io
import mimetypes
import os
from typing import (
    IO,
    Any,
    Dict,
    List,
    Mapping,
    Optional,
    Sequence,
    Tuple,
    Union,
)

from .errors import FileAccessError, InvalidArgumentError
from .options import OMIT

FileContent = Union[bytes, IO[bytes]]
File = Union[
    "os.PathLike[str]",
    str,
    bytes,
    IO[bytes],
    Tuple[Optional[str], FileContent],
    Tuple[Optional[str], FileContent, Optional[str]],
]
"""A file to upload: a path, raw bytes, a binary file object, or ``(name, content[, content_type])``."""

HttpxFile = Tuple[str, Tuple[Optional[str], Any, Optional[str]]]


def to_httpx_files(
    fields: Mapping[str, Union[File, Sequence[File]]], opened: List[IO[bytes]]
) -> List[HttpxFile]:
    """Normalise upload arguments for httpx. Files opened from paths are appended to ``opened`` to close later."""
    result: List[HttpxFile] = []
    try:
        for field, value in fields.items():
            items = value if isinstance(value, list) else [value]
            for item in items:
                result.append((field, _one_file(item, opened)))
    except BaseException:
        for handle in opened:  # a bad argument after a path must not leak the file opened for it
            handle.close()
        raise
    return result


def one_field_per_file(name: str, files: Any) -> Dict[str, Any]:
    """Give every file of a list its own form field (``file``, ``file_1``, ``file_2``, ...).

    For servers that keep one file per field name: under one shared name only the last file would
    arrive. An omitted argument stays omitted; a single file keeps the plain name.
    """
    if files is OMIT or not isinstance(files, (list, tuple)) or _is_file_tuple(files):
        return {name: files}
    return {name if index == 0 else f"{name}_{index}": item for index, item in enumerate(files)}


def _is_file_tuple(value: Any) -> bool:
    """(name, content[, content_type]) rather than a sequence of files."""
    return (
        isinstance(value, tuple)
        and len(value) in (2, 3)
        and (isinstance(value[1], (bytes, bytearray, memoryview)) or hasattr(value[1], "read"))
    )


def _guess_type(name: Optional[str]) -> Optional[str]:
    if not name:
        return None
    return mimetypes.guess_type(name)[0] or "application/octet-stream"


def _one_file(value: Any, opened: List[IO[bytes]]) -> Tuple[Optional[str], Any, Optional[str]]:
    if isinstance(value, tuple):
        if len(value) not in (2, 3):
            raise InvalidArgumentError(
                "a file tuple must be (name, content) or (name, content, content_type)"
            )
        name, content = value[0], value[1]
        if not isinstance(content, (bytes, bytearray, memoryview)) and not hasattr(content, "read"):
            raise InvalidArgumentError(
                f"the content in a file tuple must be bytes or a binary file object, not {type(content).__name__}"
            )
        content_type = value[2] if len(value) == 3 else _guess_type(name)
        return name, content, content_type
    if isinstance(value, (str, os.PathLike)):
        path = os.fspath(value)
        try:
            handle = open(path, "rb")  # noqa: SIM115 - closed by the caller after the request
        except OSError as exc:
            problem = exc.strerror or type(exc).__name__
            raise FileAccessError(
                f"cannot upload {path!r}: {problem}; nothing was sent", request_sent=False
            ) from exc
        opened.append(handle)
        name = os.path.basename(path)
        return name, handle, _guess_type(name)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return "upload", bytes(value), "application/octet-stream"
    if hasattr(value, "read"):
        mode = getattr(value, "mode", "b")
        if isinstance(value, io.TextIOBase) or (isinstance(mode, str) and "b" not in mode):
            raise InvalidArgumentError("open upload files in binary mode ('rb'), not text mode")
        raw_name = getattr(value, "name", None)
        name = os.path.basename(raw_name) if isinstance(raw_name, str) else "upload"
        return name, value, _guess_type(name)
    raise InvalidArgumentError(
        f"cannot upload a {type(value).__name__}: pass a path, bytes, a binary file object "
        "or a (name, content, content_type) tuple"
    )
