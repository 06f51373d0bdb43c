"""The JSON, JSON_MIN, CSV and TSV writers: the published files (label-studio-sdk 2.1.2, run as a black box in
one subprocess) for the same exports, the deliberate differences, output paths and streaming memory."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import tracemalloc
from pathlib import Path
from typing import Any, Dict, Iterator, List, Tuple

import pytest

from label_studio_sdk._extensions.label_studio_tools.core.label_config import parse_config
from label_studio_sdk.converter.exports._output import ExportOutputError
from label_studio_sdk.converter.exports.csv_export import transcript, write_csv
from label_studio_sdk.converter.exports.json_export import write_json
from label_studio_sdk.converter.exports.json_min import indented_json, write_json_min
from label_studio_sdk.converter.reader import iter_tasks
from tests.ls_server_files import require_server_install, server_python

Task = Dict[str, Any]


def result(from_name: str, to_name: str, kind: str, value: Dict[str, Any], **extra: Any) -> Dict[str, Any]:
    return {
        "id": f"r-{from_name}",
        "from_name": from_name,
        "to_name": to_name,
        "type": kind,
        "value": value,
        **extra,
    }


def annotation(ident: int, created_at: str, results: List[Dict[str, Any]], **extra: Any) -> Dict[str, Any]:
    fields: Dict[str, Any] = {"id": ident, "created_at": created_at, "lead_time": 2.5, "result": results}
    fields["completed_by"] = {"id": 3, "email": "a/b@x.io"}
    fields.update(extra)
    return fields


def chat(message: Any, name: str = "chat") -> Dict[str, Any]:
    return result(name, "text", "chatmessage", {"chatmessage": message})


MIXED_CONFIG = (
    '<View><Text name="text" value="$text"/><Image name="image" value="$image"/>'
    '<Choices name="sentiment" toName="text" choice="single"><Choice value="pos"/><Choice value="neg"/></Choices>'
    '<Choices name="topics" toName="text" choice="multiple"><Choice value="a"/><Choice value="b"/></Choices>'
    '<TextArea name="comment" toName="text"/><Labels name="ner" toName="text"><Label value="PER"/></Labels>'
    '<RectangleLabels name="box" toName="image"><Label value="car"/></RectangleLabels>'
    '<Rating name="rating" toName="text"/><Number name="score" toName="text"/>'
    '<Taxonomy name="tax" toName="text"/><Choices name="unused" toName="text"/></View>'
)
BOX = {"x": 1.5, "y": 2, "width": 3, "height": 4, "rotation": 0, "rectanglelabels": ["car"]}
MIXED_TASKS: List[Task] = [
    {
        "id": 1,
        "data": {
            "text": "héllo wörld ☃",
            "image": "https:x.io",
            "meta": {"k": [1, 2, {"z": "é"}], "empty": {}, "none": None},
            "sentiment": "collides with the control",
            "unused": "the control has no results",
            "n": 3,
        },
        "agreement": 50.0,
        "annotations": [
            annotation(
                10,
                "2024-01-01T00:00:00Z",
                [
                    result("sentiment", "text", "choices", {"choices": ["pos"]}),
                    result("topics", "text", "choices", {"choices": ["a", "b"]}),
                    result("comment", "text", "textarea", {"text": ["one line"]}),
                    result(
                        "ner", "text", "labels", {"start": 0, "end": 5, "text": "héllo", "labels": ["PER"]}
                    ),
                    result("box", "image", "rectanglelabels", BOX, original_width=640, original_height=480),
                    result(
                        "box",
                        "image",
                        "rectanglelabels",
                        {**BOX, "x": 10},
                        original_width=640,
                        original_height=480,
                    ),
                    result("rating", "text", "rating", {"rating": 4}),
                    result("score", "text", "number", {"number": 7}),
                    result("tax", "text", "taxonomy", {"taxonomy": [["a", "b"]]}),
                    result("nowhere", "text", "choices", {"choices": ["dropped"]}),
                ],
                updated_at="2024-01-02T00:00:00Z",
                history=[{"action": "created"}],
            ),
            annotation(
                11,
                "2024-02-01T00:00:00Z",
                [
                    result("comment", "text", "textarea", {"text": ["two", "lines"]}),
                    result("topics", "text", "choices", {"choices": ["b"]}),
                    result("topics", "text", "choices", {"choices": ["a"], "extra": 1}),
                ],
                completed_by=5,
                history=[],
            ),
            annotation(
                12,
                "2024-03-01T00:00:00Z",
                [result("sentiment", "text", "choices", {"choices": ["neg"]})],
                was_cancelled=True,
            ),
        ],
    },
    {
        "id": 2,
        "data": {"text": 'second, "quoted"\nline\ttab', "image": "i", "n": 4.5},
        "annotations": [],
        "agreement": 3,
    },
    {"id": 3, "data": {"text": "no annotations key", "image": "y", "only_skipped": 1}},
    {
        "id": 4,
        "data": {"text": "all cancelled", "image": "z"},
        "annotations": [annotation(40, "2024", [], was_cancelled=True)],
    },
    {
        "id": 5,
        "data": {
            "text": "annotators",
            "image": "w",
            "extra": None,
            "flag": True,
            "id": "data id",
            "annotator": "data",
        },
        "annotations": [
            annotation(
                50,
                "2024-01-05",
                [result("sentiment", "text", "choices", {"choices": ["pos", "neg"]})],
                completed_by="someone",
            ),
            annotation(
                51,
                "2024-01-06",
                [result("comment", "text", "textarea", {"text": []})],
                completed_by={"id": 9},
            ),
            annotation(
                52, "2024-01-07", [result("topics", "text", "choices", {"choices": []})], completed_by=None
            ),
            annotation(53, "2024-01-08", [], completed_by=1.5),
            annotation(54, "2024-01-09", [], completed_by=True),
            annotation(55, "2024-01-10", [], completed_by=0),
            annotation(56, "2024-01-11", [], completed_by={"email": ""}),
            annotation(57, "2024-01-12", [], completed_by=[1]),
            annotation(58, "2024-01-13", [], skipped=True),
        ],
    },
    {
        "id": 6,
        "data": {"text": 7.25},
        "completions": [
            annotation(
                60, "2024", [result("sentiment", "text", "choices", {"choices": ["pos"]})], completed_by=4
            )
        ],
    },
    {"id": 7, "data": {"text": "no completed_by"}, "annotations": [{"id": 70, "result": []}]},
]

CHAT_CONFIG = '<View><Text name="text" value="$text"/><Choices name="c" toName="text"/></View>'
CHAT_TASKS: List[Task] = [
    {
        "id": 1,
        "data": {
            "text": "t",
            "chat": "renamed",
            "_data_c": "overwritten",
            "c": "renamed",
            "history": "data",
            "annotation_id": "lost",
        },
        "annotations": [
            annotation(
                1,
                "1",
                [
                    result("c", "text", "choices", {"choices": ["a", "b"]}),
                    chat({"role": "user", "content": "hi"}),
                    chat({"role": "assistant", "content": "yo\nthere"}),
                    chat({"content": "no role"}),
                    chat({"role": "x"}),
                    chat({"role": "u", "content": {"a": 1}}),
                    chat({"role": "u", "content": "q"}, "chat2"),
                ],
                history=[1],
            ),
            annotation(2, "2", [result("chat", "text", "chatmessage", {"other": 1})]),
            annotation(3, "3", [chat("text")]),
        ],
    },
    {
        "id": 2,
        "data": {"text": "t", "chat_transcript": "data wins"},
        "annotations": [annotation(4, "4", [chat({"role": "u", "content": "z"})])],
    },
]

EMPTY_CASE: Tuple[str, List[Task]] = (CHAT_CONFIG, [])
CASES: Dict[str, Tuple[str, List[Task]]] = {
    "mixed": (MIXED_CONFIG, MIXED_TASKS),
    "chat": (CHAT_CONFIG, CHAT_TASKS),
    "empty": EMPTY_CASE,
}
# (format, convert() kwargs, label)
RUNS = [
    ("JSON", {}, "JSON"),
    ("JSON_MIN", {}, "JSON_MIN"),
    ("CSV", {}, "CSV"),
    ("TSV", {}, "TSV"),
    ("CSV", {"csv_header": False}, "CSV-noheader"),
]

# Reads {"cases": {name: [config, tasks]}, "runs": [...]} and answers {name: {label: [file name, text]}}.
PUBLISHED_SCRIPT = """
import json, logging, os, sys, tempfile
logging.disable(logging.CRITICAL)
from label_studio_sdk._extensions.label_studio_tools.core.label_config import parse_config
from label_studio_sdk.converter import Converter
given = json.load(sys.stdin)
answer = {}
with tempfile.TemporaryDirectory() as root:
    for name, (config, tasks) in given["cases"].items():
        source = os.path.join(root, name + ".json")
        with open(source, "w", encoding="utf-8") as handle:
            json.dump(tasks, handle)
        answer[name] = {}
        for fmt, kwargs, label in given["runs"]:
            out = os.path.join(root, name + "-" + label)
            os.mkdir(out)
            Converter(config=parse_config(config), project_dir=None).convert(source, out, fmt, is_dir=False, **kwargs)
            (file_name,) = os.listdir(out)
            with open(os.path.join(out, file_name), encoding="utf-8", newline="") as handle:
                answer[name][label] = [file_name, handle.read()]
json.dump(answer, sys.stdout)
"""


@pytest.fixture(scope="module")
def published() -> Dict[str, Dict[str, List[str]]]:
    require_server_install()
    python = server_python()
    assert python is not None
    given = {"cases": {name: list(case) for name, case in CASES.items()}, "runs": RUNS}
    completed = subprocess.run(
        [str(python), "-I", "-c", PUBLISHED_SCRIPT],
        input=json.dumps(given),
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    answer: Dict[str, Dict[str, List[str]]] = json.loads(completed.stdout)
    return answer


def unescape_slashes(text: str) -> str:
    """The published JSON with ujson's ``\\/`` written as ``/`` (the only difference from ours)."""
    return text.replace("\\/", "/")


def tasks_file(tmp_path: Path, tasks: List[Task]) -> Path:
    source = tmp_path / "export.json"
    source.write_text(json.dumps(tasks), encoding="utf-8")
    return source


def csv_rows(text: str, sep: str = ",") -> List[List[str]]:
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=sep))


@pytest.mark.parametrize("case", sorted(CASES))
def test_json_min_matches_the_published(
    case: str, published: Dict[str, Dict[str, List[str]]], tmp_path: Path
) -> None:
    config, tasks = CASES[case]
    path = write_json_min(iter_tasks(tasks_file(tmp_path, tasks)), parse_config(config), tmp_path / "out")
    file_name, text = published[case]["JSON_MIN"]
    ours = path.read_text(encoding="utf-8")
    assert path.name == file_name == "result.json"
    assert json.loads(ours) == json.loads(text)
    assert [list(record) for record in json.loads(ours)] == [list(record) for record in json.loads(text)]
    assert ours == unescape_slashes(text)


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize(("label", "sep"), [("CSV", ","), ("TSV", "\t")])
def test_csv_and_tsv_match_the_published(
    case: str, label: str, sep: str, published: Dict[str, Dict[str, List[str]]], tmp_path: Path
) -> None:
    config, tasks = CASES[case]
    source = tasks_file(tmp_path, tasks)
    path = write_csv(lambda: iter_tasks(source), parse_config(config), tmp_path / "out", sep=sep)
    file_name, text = published[case][label]
    assert file_name == "result.csv"  # TSV too
    assert path.name == ("result.tsv" if sep == "\t" else "result.csv")
    ours = path.read_bytes().decode("utf-8") if path.exists() else ""
    assert csv_rows(ours, sep) == csv_rows(unescape_slashes(text), sep)
    assert ours == unescape_slashes(text)


@pytest.mark.parametrize("case", sorted(CASES))
def test_csv_without_header_is_the_published_minus_its_header(
    case: str, published: Dict[str, Dict[str, List[str]]], tmp_path: Path
) -> None:
    config, tasks = CASES[case]
    source = tasks_file(tmp_path, tasks)
    path = write_csv(lambda: iter_tasks(source), parse_config(config), tmp_path / "out", header=False)
    published_rows = csv_rows(unescape_slashes(published[case]["CSV-noheader"][1]))
    assert csv_rows(path.read_bytes().decode("utf-8")) == published_rows[1:]  # it ignores csv_header


@pytest.mark.parametrize("case", sorted(CASES))
def test_json_matches_the_published(
    case: str, published: Dict[str, Dict[str, List[str]]], tmp_path: Path
) -> None:
    _, tasks = CASES[case]
    path = write_json(iter_tasks(tasks_file(tmp_path, tasks)), tmp_path / "out")
    file_name, text = published[case]["JSON"]
    assert path.name == file_name == "result.json"
    assert json.loads(path.read_text(encoding="utf-8")) == json.loads(text) == tasks


def test_the_fixtures_reach_the_interesting_cases(published: Dict[str, Dict[str, List[str]]]) -> None:
    """Guards the comparisons above against fixtures that stop exercising what they were written for."""
    mixed = json.loads(published["mixed"]["JSON_MIN"][1])
    assert [record["annotation_id"] for record in mixed] == [
        11,
        10,
        None,
        57,
        56,
        55,
        54,
        53,
        52,
        51,
        50,
        60,
        70,
    ]
    header = csv_rows(published["mixed"]["CSV"][1])[0]
    assert {"_data_sentiment", "unused", "history"} <= set(header)
    assert "only_skipped" not in header  # keys of tasks without items make no column
    chat_rows = list(csv.DictReader(io.StringIO(published["chat"]["CSV"][1], newline="")))
    assert [row["annotation_id"] for row in chat_rows] == ["3", "2", "1", "4"]
    assert chat_rows[2]["chat_transcript"] == "user: hi\nassistant: yo\nthere\nno role\nx:\nu: {'a': 1}"
    assert chat_rows[3]["chat_transcript"] == "data wins"
    assert chat_rows[2]["_data_c"] == "renamed" and chat_rows[2]["history"] == "[1]"
    assert (
        published["empty"]["CSV"][1]
        == '"annotation_id","annotator","created_at","lead_time","updated_at"\r\n'
    )


def test_choices_without_choices_key_does_not_crash(tmp_path: Path) -> None:
    """The published raises KeyError('choices') on such a result; it is written as the value dict."""
    task = {
        "id": 1,
        "data": {"text": "t"},
        "annotations": [annotation(1, "1", [result("c", "text", "choices", {})])],
    }
    path = write_json_min([task], parse_config(CHAT_CONFIG), tmp_path)
    assert json.loads(path.read_text(encoding="utf-8"))[0]["c"] == {}


def test_slashes_are_not_escaped(tmp_path: Path) -> None:
    """The published writes ``\\/`` (ujson); ours is the stdlib's plain JSON, the same once parsed."""
    task = {
        "id": 1,
        "data": {"text": "a/b", "nested": {"url": "http://x/y"}},
        "annotations": [annotation(1, "1", [])],
    }
    min_text = write_json_min([task], parse_config(CHAT_CONFIG), tmp_path / "min").read_text(encoding="utf-8")
    csv_text = write_csv(lambda: [task], parse_config(CHAT_CONFIG), tmp_path / "csv").read_text(
        encoding="utf-8"
    )
    assert '"http://x/y"' in min_text and "\\/" not in min_text
    assert '{""url"":""http://x/y""}' in csv_text and "\\/" not in csv_text


def test_choose_newest_and_oldest(tmp_path: Path) -> None:
    config = parse_config(MIXED_CONFIG)
    newest = json.loads(
        write_json_min(MIXED_TASKS[:1], config, tmp_path / "n", choose="newest").read_text(encoding="utf-8")
    )
    oldest = json.loads(
        write_json_min(MIXED_TASKS[:1], config, tmp_path / "o", choose="oldest").read_text(encoding="utf-8")
    )
    assert [record["annotation_id"] for record in newest + oldest] == [11, 10]
    rows = csv_rows(
        write_csv(lambda: MIXED_TASKS[:1], config, tmp_path / "c", choose="oldest").read_text(
            encoding="utf-8"
        )
    )
    assert len(rows) == 2 and rows[1][rows[0].index("annotation_id")] == "10"


@pytest.mark.parametrize(
    "value",
    [
        MIXED_TASKS,
        CHAT_TASKS,
        {},
        [[]],
        {"a": {}, "b": [{}]},
        {1: 2, None: 3, False: 4, 1.5: [1.0, -0.0, 1e300, float("nan")]},
        'é\u2028\x00"',
        (1, 2),
    ],
)
def test_indented_json_is_the_stdlib_layout(value: Any) -> None:
    assert indented_json(value) == json.dumps(value, ensure_ascii=False, indent=2)


def test_indented_json_rejects_what_json_rejects() -> None:
    with pytest.raises(TypeError):
        indented_json({(1, 2): 3})
    with pytest.raises(TypeError):
        indented_json({"a": object()})


def test_transcript_lines() -> None:
    messages = [{"role": "user", "content": "hi"}, {"content": "bare"}, {"role": "r"}, "not a message", {}]
    assert transcript(messages) == "user: hi\nbare\nr:"
    assert transcript("not a list") == ""


def test_csv_file_path_and_separator(tmp_path: Path) -> None:
    config = parse_config(CHAT_CONFIG)
    task = {"id": 1, "data": {"text": "t"}, "annotations": []}
    path = write_csv(lambda: [task], config, tmp_path / "sub" / "mine.csv", sep=";")
    assert path == tmp_path / "sub" / "mine.csv"
    assert (
        path.read_text(encoding="utf-8").splitlines()[0]
        == '"annotation_id";"annotator";"created_at";"id";"lead_time";"text";"updated_at"'
    )
    assert write_csv(lambda: [task], config, tmp_path / "t", sep="\t").name == "result.tsv"
    with pytest.raises(ExportOutputError, match="one character"):
        write_csv(lambda: [task], config, tmp_path / "x", sep=";;")
    # One pass: a plain iterator of tasks is enough, and no scratch file is left beside the output.
    once = write_csv(iter([task]), config, tmp_path / "y")
    assert once.read_text(encoding="utf-8") == write_csv(lambda: [task], config, tmp_path / "z").read_text(
        encoding="utf-8"
    )
    assert sorted(path.name for path in (tmp_path / "y").iterdir()) == ["result.csv"]


def test_output_must_be_a_directory(tmp_path: Path) -> None:
    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    (tmp_path / "taken" / "result.json").mkdir(parents=True)
    with pytest.raises(ExportOutputError, match="is not a directory"):
        write_json([], a_file)
    with pytest.raises(ExportOutputError, match="is not a directory"):
        write_csv(lambda: [], {}, a_file / "x.csv")
    with pytest.raises(ExportOutputError, match="is a directory"):
        write_json_min([], {}, tmp_path / "taken")
    assert write_json([], tmp_path / "new" / "deeper").read_text(encoding="utf-8") == "[]\n"


def failing_tasks() -> Iterator[Task]:
    yield {"id": 1, "data": {"text": "t"}, "annotations": []}
    raise RuntimeError("the source broke")


def test_a_failed_export_leaves_no_file(tmp_path: Path) -> None:
    (tmp_path / "result.json").write_text("previous")
    with pytest.raises(RuntimeError, match="the source broke"):
        write_json(failing_tasks(), tmp_path)
    with pytest.raises(RuntimeError, match="the source broke"):
        write_csv(failing_tasks, {}, tmp_path)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["result.json"]
    assert (tmp_path / "result.json").read_text() == "previous"


TASK_COUNT = 50_000


def many_tasks() -> Iterator[Task]:
    for ident in range(TASK_COUNT):
        results = [
            result("c", "text", "choices", {"choices": ["a"]}),
            chat({"role": "user", "content": "hello " * 20}),
        ]
        yield {
            "id": ident,
            "data": {"text": f"task {ident} " + "lorem ipsum " * 20},
            "annotations": [annotation(ident, "1", results)],
        }


@pytest.mark.parametrize("writer", ["json", "json_min", "csv"])
def test_memory_stays_flat_for_many_tasks(writer: str, tmp_path: Path) -> None:
    config = parse_config(CHAT_CONFIG)
    tracemalloc.start()
    try:
        if writer == "json":
            path = write_json(many_tasks(), tmp_path)
        elif writer == "json_min":
            path = write_json_min(many_tasks(), config, tmp_path)
        else:
            path = write_csv(many_tasks, config, tmp_path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    size = path.stat().st_size
    assert size > 20_000_000
    assert peak < 400_000, (peak, size)  # a list of the tasks would take far more than the file size


def test_indented_json_is_json_dumps_indent_2_byte_for_byte() -> None:
    import random

    from label_studio_sdk.converter.exports.json_min import indented_json

    rng = random.Random(11)
    scalars: List[Any] = [
        1,
        -2.5,
        'q"\\',
        None,
        True,
        False,
        1e300,
        "",
        0,
        {},
        [],
        "\u00fc\n\u2028",
        float("nan"),
    ]
    keys: List[Any] = ["a", "b", 1, 2.5, None, True, "\u00e9"]

    def value(depth: int) -> Any:
        roll = rng.random()
        if depth > 4 or roll < 0.4:
            return rng.choice(scalars)
        if roll < 0.7:
            return [value(depth + 1) for _ in range(rng.randint(0, 4))]
        if roll < 0.75:
            return tuple(value(depth + 1) for _ in range(rng.randint(0, 3)))
        return {rng.choice(keys): value(depth + 1) for _ in range(rng.randint(0, 4))}

    for _ in range(2000):
        sample = value(0)
        assert indented_json(sample) == json.dumps(sample, ensure_ascii=False, indent=2)
    with pytest.raises(TypeError):
        indented_json({"a": [object()]})
