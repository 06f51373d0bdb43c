"""``iter_tasks``: arrays, single objects, JSON Lines and directories, streamed in chunks, and damaged files."""

from __future__ import annotations

import io
import json
import tracemalloc
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import pytest

from label_studio_sdk.converter.reader import ExportReadError, iter_tasks
from label_studio_sdk.core.errors import LabelStudioError

TRICKY_TASKS: List[Dict[str, Any]] = [
    {"id": 1, "data": {"text": 'brackets ] } [ { and "quotes", commas,, and \\ backslashes'}},
    {
        "id": 2,
        "data": {"text": "é ü 漢字 😀 — multi-byte characters"},
        "annotations": [{"result": [[1, [2, []]]]}],
    },
    {"id": 3, "data": {"n": -1.5e-3, "big": 12345678901234567890, "flags": [True, False, None]}},
    {"id": 4, "data": {}, "annotations": [], "nested": {"a": {"b": {"c": [{"d": []}]}}}},
]


def read(data: bytes, chunk_size: int) -> List[Dict[str, Any]]:
    return list(iter_tasks(io.BytesIO(data), chunk_size=chunk_size))


def read_until_error(data: bytes, chunk_size: int = 5) -> Tuple[List[Dict[str, Any]], ExportReadError]:
    good: List[Dict[str, Any]] = []
    with pytest.raises(ExportReadError) as caught:
        for task in iter_tasks(io.BytesIO(data), chunk_size=chunk_size):
            good.append(task)
    return good, caught.value


@pytest.mark.parametrize("chunk_size", [1, 2, 3, 5, 7, 64, 1 << 20])
@pytest.mark.parametrize("indent", [None, 2])
def test_array_survives_every_chunk_boundary(chunk_size: int, indent: Any) -> None:
    data = json.dumps(TRICKY_TASKS, ensure_ascii=False, indent=indent).encode("utf-8")
    assert read(data, chunk_size) == TRICKY_TASKS


@pytest.mark.parametrize("chunk_size", [1, 2, 4, 1 << 20])
def test_bom_and_surrounding_whitespace_are_skipped(chunk_size: int) -> None:
    data = b"\xef\xbb\xbf \r\n\t" + json.dumps(TRICKY_TASKS, ensure_ascii=False).encode("utf-8") + b"\n\n"
    assert read(data, chunk_size) == TRICKY_TASKS


@pytest.mark.parametrize("data", [b"[]", b" [ \n ] \n", b"\xef\xbb\xbf[]"])
def test_empty_array_yields_nothing(data: bytes) -> None:
    assert read(data, 1) == []


@pytest.mark.parametrize("chunk_size", [1, 3, 1 << 20])
def test_single_object_file_is_one_task(chunk_size: int) -> None:
    data = json.dumps(TRICKY_TASKS[1], indent=2, ensure_ascii=False).encode("utf-8")
    assert read(data, chunk_size) == [TRICKY_TASKS[1]]


@pytest.mark.parametrize("chunk_size", [1, 6, 1 << 20])
def test_json_lines_yield_one_task_per_line(chunk_size: int) -> None:
    data = "\n".join(json.dumps(task, ensure_ascii=False) for task in TRICKY_TASKS).encode("utf-8") + b"\n"
    assert read(data, chunk_size) == TRICKY_TASKS


def test_a_task_bigger_than_many_chunks_is_read_whole() -> None:
    big = {"id": 1, "data": {"image": "data:image/png;base64," + "A" * 300_000, "list": list(range(20_000))}}
    data = json.dumps([TRICKY_TASKS[0], big, TRICKY_TASKS[1]]).encode("utf-8")
    assert read(data, 4096) == [TRICKY_TASKS[0], big, TRICKY_TASKS[1]]


def test_text_streams_are_accepted() -> None:
    text = "\ufeff" + json.dumps(TRICKY_TASKS, ensure_ascii=False)
    assert list(iter_tasks(io.StringIO(text), chunk_size=3)) == TRICKY_TASKS


def test_directory_files_are_read_in_name_order(tmp_path: Path) -> None:
    (tmp_path / "b.json").write_text(json.dumps([TRICKY_TASKS[2], TRICKY_TASKS[3]]), encoding="utf-8")
    (tmp_path / "a.json").write_text(json.dumps(TRICKY_TASKS[1]), encoding="utf-8")
    (tmp_path / "c.txt").write_text("not json", encoding="utf-8")
    (tmp_path / "d.json").mkdir()
    assert list(iter_tasks(tmp_path)) == TRICKY_TASKS[1:]
    assert list(iter_tasks(str(tmp_path / "b.json"))) == TRICKY_TASKS[2:]


def test_error_names_the_file_of_a_directory(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text('[{"id": 1}]', encoding="utf-8")
    (tmp_path / "b.json").write_text('[{"id": 2}, {"id": 3', encoding="utf-8")
    good = []
    with pytest.raises(ExportReadError) as caught:
        for task in iter_tasks(tmp_path):
            good.append(task)
    assert good == [{"id": 1}, {"id": 2}]
    assert caught.value.path == str(tmp_path / "b.json") and caught.value.task_index == 1
    assert str(tmp_path / "b.json") in str(caught.value)


def test_truncated_array_yields_the_good_tasks_then_fails_at_the_damage() -> None:
    good, error = read_until_error(b'[{"id": 1}, {"id": 2}, {"id": 3, "data": {"t')
    assert good == [{"id": 1}, {"id": 2}]
    assert error.task_index == 2 and error.offset == len(b'[{"id": 1}, {"id": 2}, {"id": 3, "data": {')
    assert "task #2" in str(error) and "byte" in str(error)
    assert isinstance(error, ValueError) and isinstance(error, LabelStudioError)


def test_array_missing_its_closing_bracket() -> None:
    good, error = read_until_error(b'[{"id": 1}, {"id": 2}\n')
    assert good == [{"id": 1}, {"id": 2}]
    assert "not closed" in str(error) and error.offset == 22


def test_trailing_garbage_after_the_array() -> None:
    good, error = read_until_error(b'[{"id": 1}]\n  x')
    assert good == [{"id": 1}]
    assert "after the array" in str(error) and error.offset == 14


@pytest.mark.parametrize(
    "data, good_count, offset, message",
    [
        (b'[{"id": 1},,{"id": 2}]', 1, 11, "invalid JSON"),
        (b'[{"id": 1},]', 1, 11, "invalid JSON"),
        (b'[{"id": 1} {"id": 2}]', 1, 11, "expected ',' or ']'"),
        (b'[{"id": 1}, {"id" 2}]', 1, 18, "invalid JSON"),
        (b'[{"id": 1}, 7]', 1, 12, "found a JSON int"),
        (b'[{"id": 1}, [{"id": 2}]]', 1, 12, "found a JSON list"),
        (b'{"id": 1}\n{"id": 2}\n[3]\n', 2, 20, "expected a task object"),
        (b'{"id": 1}\n{"id": 2', 1, 18, "invalid JSON"),
        (b'[{"id": 1}, {"t": "\xc3\xa9\xff"}]', 1, 21, "invalid UTF-8"),
        (b'[{"id": 1}, {"t": "\xc3', 1, 19, "invalid UTF-8"),
        (b"7", 0, 0, "expected a JSON array or object"),
    ],
)
def test_damage_is_located(data: bytes, good_count: int, offset: int, message: str) -> None:
    for chunk_size in (1, 4, 1 << 20):
        good, error = read_until_error(data, chunk_size)
        assert len(good) == good_count
        assert error.offset == offset and message in str(error), (chunk_size, str(error))


def test_offsets_count_bytes_of_multibyte_text_and_the_bom() -> None:
    head = '\ufeff[{"t": "漢字😀"}, '.encode("utf-8")
    good, error = read_until_error(head + b"oops]", chunk_size=3)
    assert good == [{"t": "漢字😀"}] and error.offset == len(head)


class CountingStream(io.BytesIO):
    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.bytes_read = 0

    def read(self, size: Optional[int] = -1) -> bytes:
        chunk = super().read(size)
        self.bytes_read += len(chunk)
        return chunk


def test_damage_is_reported_without_reading_the_rest_of_the_file() -> None:
    stream = CountingStream(b'[{"id": 1}, {"id" 2}, ' + b'{"id": 3}, ' * 100_000 + b"{}]")
    with pytest.raises(ExportReadError, match="task #1"):
        list(iter_tasks(stream, chunk_size=1024))
    assert stream.bytes_read <= 2048


@pytest.mark.parametrize("data", [b"", b" \n\t"])
def test_empty_file_is_an_error(data: bytes) -> None:
    good, error = read_until_error(data)
    assert good == [] and "empty" in str(error)


def test_missing_file_is_an_export_read_error(tmp_path: Path) -> None:
    with pytest.raises(ExportReadError, match="cannot open"):
        list(iter_tasks(tmp_path / "missing.json"))


def test_chunk_size_must_be_positive() -> None:
    with pytest.raises(ValueError, match="chunk_size"):
        list(iter_tasks(io.BytesIO(b"[]"), chunk_size=0))


def test_many_tasks_stream_in_bounded_memory(tmp_path: Path) -> None:
    path = tmp_path / "export.json"
    task_count = 200_000
    with path.open("w", encoding="utf-8") as handle:
        handle.write("[\n")
        for index in range(task_count):
            separator = ",\n" if index else ""
            handle.write(
                f'{separator}{{"id": {index}, "data": {{"text": "task {index} ]}}"}}, "annotations": []}}'
            )
        handle.write("\n]\n")
    size = path.stat().st_size
    count = 0
    last_id = -1
    tracemalloc.start()
    try:
        for task in iter_tasks(path, chunk_size=1 << 16):
            count += 1
            last_id = task["id"]
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == task_count and last_id == task_count - 1
    assert size > 10_000_000
    assert peak < size / 20, (peak, size)
