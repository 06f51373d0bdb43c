"""Stream the tasks of a Label Studio JSON export without loading the whole file.

``iter_tasks`` accepts a JSON array of tasks (what the server exports), a file holding one task object,
a JSON Lines file (one task object per line), or a directory of ``*.json`` files read in name order.
Files are read in chunks and decoded one task at a time, so memory holds one chunk and the current task,
whatever the number of tasks. Damage raises ``ExportReadError`` naming the file, the byte offset and the
task index, after the good tasks before it were yielded.
"""

from __future__ import annotations

import codecs
import json
import os
import re
from pathlib import Path
from typing import IO, Any, Dict, Iterator, List, Optional, Union

from label_studio_sdk.core.errors import LabelStudioError

Source = Union[str, "os.PathLike[str]", IO[bytes], IO[str]]

CHUNK_SIZE = 1 << 20
"""Bytes read at a time."""

_WHITESPACE = re.compile(r"[ \t\n\r]*")
# A decode error this close to the end of the buffer may only mean the value continues in the next chunk.
_TRUNCATION_MARGIN = 16
_DECODER = json.JSONDecoder()
_BOM = "\ufeff"


def _utf8_length(text: str) -> int:
    # surrogatepass: a lone surrogate from a text stream still has a length.
    return len(text.encode("utf-8", "surrogatepass"))


class ExportReadError(LabelStudioError, ValueError):
    """An export file that is not a JSON array, object or JSON Lines of tasks, or is damaged."""

    def __init__(
        self, message: str, *, path: str, offset: Optional[int] = None, task_index: Optional[int] = None
    ):
        self.path = path
        self.offset = offset
        self.task_index = task_index
        where = [f"in {path}"]
        if offset is not None:
            where.append(f"at byte {offset}")
        if task_index is not None:
            where.append(f"(task #{task_index})")
        super().__init__(f"{message} {' '.join(where)}")


class _Buffer:
    """Decoded text of a stream, read on demand; ``pos`` is the next unread character."""

    def __init__(self, stream: Union[IO[bytes], IO[str]], name: str, chunk_size: int) -> None:
        self.stream = stream
        self.name = name
        self.chunk_size = chunk_size
        self.text = ""
        self.pos = 0
        self.eof = False
        self.bytes_before_text = 0  # UTF-8 length of what was dropped from the front of ``text``
        self.bytes_read = 0
        self.decoder = codecs.getincrementaldecoder("utf-8")()
        self.started = False
        self.task_index: Optional[int] = None  # the task being read, for error messages
        self.value_start = 0  # where the last decoded value began in ``text``
        self.bad_byte: Optional[int] = None  # offset of invalid UTF-8 met in the last chunk

    def offset(self, index: int) -> int:
        """The byte offset in the file of character ``index`` of the buffer."""
        return self.bytes_before_text + _utf8_length(self.text[:index])

    def fill(self, at_least: int = 0) -> bool:
        """Append the next chunk to the text, dropping what was consumed; False at the end of the stream."""
        if self.eof:
            return False
        if self.pos:
            self.bytes_before_text += _utf8_length(self.text[: self.pos])
            self.text = self.text[self.pos :]
            self.pos = 0
        raw = self.stream.read(max(self.chunk_size, at_least))
        piece = raw if isinstance(raw, str) else self._decode(raw)
        self.eof = not raw and self.bad_byte is None
        if not self.started and piece:
            self.started = True
            if piece.startswith(_BOM):
                piece = piece[1:]
                self.bytes_before_text += _utf8_length(_BOM)
        self.text += piece
        return not self.eof

    def _decode(self, raw: bytes) -> str:
        if self.bad_byte is not None:
            raise self.error("invalid UTF-8", offset=self.bad_byte)
        pending = self.decoder.getstate()[0]
        try:
            piece = self.decoder.decode(raw, final=not raw)
        except UnicodeDecodeError as exc:
            # Keep the valid text before the bad byte, so the tasks in it are yielded first.
            self.bad_byte = self.bytes_read - len(pending) + exc.start
            piece = (pending + raw)[: exc.start].decode("utf-8")
        self.bytes_read += len(raw)
        return piece

    def skip_whitespace(self) -> bool:
        """Move past whitespace; False when only whitespace was left in the stream."""
        while True:
            match = _WHITESPACE.match(self.text, self.pos)
            self.pos = match.end() if match else self.pos
            if self.pos < len(self.text):
                return True
            if not self.fill():
                return False

    def peek(self) -> str:
        return self.text[self.pos]

    def error(
        self, message: str, index: Optional[int] = None, *, offset: Optional[int] = None
    ) -> ExportReadError:
        """An error at character ``index`` of the buffer (default: ``pos``) or at the byte ``offset``."""
        if offset is None:
            offset = self.offset(self.pos if index is None else index)
        return ExportReadError(message, path=self.name, offset=offset, task_index=self.task_index)

    def decode_value(self) -> Any:
        """The JSON value at ``pos``, reading more chunks while it may continue past the buffer."""
        while True:
            self.value_start = self.pos  # fill() may move the text, so kept per attempt
            try:
                value, end = _DECODER.raw_decode(self.text, self.pos)
            except json.JSONDecodeError as exc:
                near_end = exc.pos >= len(self.text) - _TRUNCATION_MARGIN
                maybe_truncated = near_end or exc.msg.startswith("Unterminated string")
                offset = self.offset(exc.pos)  # before fill() drops the consumed text
                # Read as much again as is pending: a task of many chunks is decoded a few times, not once per chunk.
                if maybe_truncated and self.fill(at_least=len(self.text) - self.pos):
                    continue
                raise self.error(f"invalid JSON ({exc.msg})", offset=offset) from None
            # A number or literal cut at the end of the buffer would decode as a shorter one.
            if end == len(self.text) and not isinstance(value, (dict, list)) and self.fill():
                continue
            self.pos = end
            return value


def _decode_task(buffer: _Buffer) -> Dict[str, Any]:
    value = buffer.decode_value()
    if not isinstance(value, dict):
        raise buffer.error(f"expected a task object, found a JSON {type(value).__name__}", buffer.value_start)
    return value


def _expect_more(buffer: _Buffer) -> None:
    if not buffer.skip_whitespace():
        raise buffer.error("the array of tasks is not closed (the file looks truncated)")


def _iter_array(buffer: _Buffer) -> Iterator[Dict[str, Any]]:
    """The tasks of a JSON array; ``pos`` is at its ``[``."""
    buffer.pos += 1
    buffer.task_index = 0
    _expect_more(buffer)
    closed = buffer.peek() == "]"
    if closed:
        buffer.pos += 1
    while not closed:
        yield _decode_task(buffer)
        buffer.task_index += 1
        _expect_more(buffer)
        separator = buffer.peek()
        buffer.pos += 1
        if separator == "]":
            closed = True
        elif separator == ",":
            _expect_more(buffer)
        else:
            raise buffer.error(f"expected ',' or ']' after a task, found {separator!r}", buffer.pos - 1)
    buffer.task_index = None
    if buffer.skip_whitespace():
        raise buffer.error("unexpected data after the array of tasks")


def _iter_objects(buffer: _Buffer) -> Iterator[Dict[str, Any]]:
    """One task object, or JSON Lines: task objects separated by whitespace."""
    buffer.task_index = 0
    while buffer.skip_whitespace():
        if buffer.peek() != "{":
            raise buffer.error(f"expected a task object, found {buffer.peek()!r}")
        yield _decode_task(buffer)
        buffer.task_index += 1


def _iter_stream(stream: Union[IO[bytes], IO[str]], name: str, chunk_size: int) -> Iterator[Dict[str, Any]]:
    buffer = _Buffer(stream, name, chunk_size)
    if not buffer.skip_whitespace():
        raise ExportReadError("the file is empty (expected a JSON array, an object or JSON Lines)", path=name)
    first = buffer.peek()
    if first == "[":
        yield from _iter_array(buffer)
    elif first == "{":
        yield from _iter_objects(buffer)
    else:
        raise buffer.error(f"expected a JSON array or object of tasks, found {first!r}")


def _json_files(directory: Path) -> List[Path]:
    return sorted(path for path in directory.glob("*.json") if path.is_file())


def iter_tasks(source: Source, *, chunk_size: int = CHUNK_SIZE) -> Iterator[Dict[str, Any]]:
    """Yield the task dicts of an export one at a time: a path to a file or directory, or an open file."""
    if chunk_size < 1:
        raise ValueError("chunk_size must be positive")
    if hasattr(source, "read"):
        stream: Union[IO[bytes], IO[str]] = source  # type: ignore[assignment]
        yield from _iter_stream(stream, str(getattr(source, "name", "<stream>")), chunk_size)
        return
    path = Path(source)
    files = _json_files(path) if path.is_dir() else [path]
    for file_path in files:
        try:
            handle = file_path.open("rb")
        except OSError as exc:
            raise ExportReadError(f"cannot open the file ({exc.strerror})", path=str(file_path)) from exc
        with handle:
            yield from _iter_stream(handle, str(file_path), chunk_size)
