"""The long jobs' offline parts: reading task files, the resume state's checks, the progress line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import List

import pytest

from label_studio_sdk.cli.jobs import Progress, read_all
from label_studio_sdk.cli.main import EXIT_USAGE, UsageError, main

KEY = "unit-key-for-jobs-0123456789"
DOWN = "http://127.0.0.1:9"


def test_reads_json_json_lines_csv_and_tsv(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text(json.dumps([{"text": "a"}, {"text": "b"}]))
    (tmp_path / "one.json").write_text(json.dumps({"text": "single"}))
    (tmp_path / "b.jsonl").write_text('{"text": "c"}\n\n{"text": "d"}\n')
    (tmp_path / "c.csv").write_text('text,score\n"e, with comma",1\n')
    (tmp_path / "d.tsv").write_text("text\tscore\nf\t2\n")
    names = ["a.json", "one.json", "b.jsonl", "c.csv", "d.tsv"]
    records = read_all([tmp_path / n for n in names], "auto")
    assert records == [
        {"text": "a"},
        {"text": "b"},
        {"text": "single"},
        {"text": "c"},
        {"text": "d"},
        {"text": "e, with comma", "score": "1"},
        {"text": "f", "score": "2"},
    ]


@pytest.mark.parametrize(
    ("name", "content", "needle"),
    [
        ("bad.jsonl", '{"text": 1}\n"just a string"\n', "bad.jsonl:2: expected a JSON object, got str"),
        ("bad.jsonl", '{"text": 1}\n{oops\n', "bad.jsonl:2: not valid JSON"),
        ("bad.json", "[1]", "bad.json: item 0: expected a JSON object, got int"),
        ("tasks.txt", "x", "cannot tell the format of"),
    ],
)
def test_bad_task_files_are_usage_errors(tmp_path: Path, name: str, content: str, needle: str) -> None:
    (tmp_path / name).write_text(content)
    with pytest.raises(UsageError) as caught:
        read_all([tmp_path / name], "auto")
    assert needle in str(caught.value)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["--url", DOWN, "--api-key", KEY, *args])
    return code, capsys.readouterr().err


def write_tasks(path: Path, n: int) -> None:
    path.write_text("".join(json.dumps({"text": str(i)}) + "\n" for i in range(n)))


def test_resume_needs_a_matching_state_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "t.jsonl"
    write_tasks(source, 5)
    code, err = run(capsys, "import", "1", str(source), "--resume")
    assert code == EXIT_USAGE and "no state file" in err
    state = tmp_path / "t.jsonl.import-state.json"
    good = {"version": 1, "project": 1, "files": [str(source.resolve())], "tasks_total": 5}
    cases: List[tuple[dict, str]] = [
        ({**good, "project": 2}, "belongs to project 2"),
        ({**good, "tasks_total": 9}, "the files now hold 5 tasks, the state was written for 9"),
        ({"something": "else"}, "is not a state file"),
    ]
    for content, needle in cases:
        state.write_text(json.dumps(content))
        code, err = run(capsys, "import", "1", str(source), "--resume")
        assert code == EXIT_USAGE and needle in err, err
    code, err = run(capsys, "import", "1", str(source))
    assert code == EXIT_USAGE and "pass --resume to go on from there, or delete it" in err


def test_import_options_are_checked(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "t.jsonl"
    write_tasks(source, 1)
    assert run(capsys, "import", "1", str(source), "--chunk-size", "0")[0] == EXIT_USAGE
    code, err = run(capsys, "import", "x", str(source))
    assert code == EXIT_USAGE and "invalid int value: 'x'" in err
    code, err = run(capsys, "import", "1", str(tmp_path / "missing.jsonl"))
    assert code == EXIT_USAGE and "cannot read" in err


def test_progress_draws_only_when_enabled(capsys: pytest.CaptureFixture[str]) -> None:
    quiet = Progress("importing", 10, enabled=False)
    quiet.update(5)
    quiet.close()
    assert capsys.readouterr().err == ""
    bar = Progress("importing", 10, enabled=True)
    bar.update(5)
    bar.close()
    assert capsys.readouterr().err == "\rimporting [###############...............] 5/10\n"
