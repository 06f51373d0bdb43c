"""The long jobs' offline parts: reading task files, the resume state's checks, the progress line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import List

import pytest

from label_studio_sdk.cli.jobs import Progress, _LocalTarget, read_all
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


def test_predictions_resume_shares_the_state_checks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "p.jsonl"
    source.write_text("".join(json.dumps({"task": i, "result": []}) + "\n" for i in range(4)))
    code, err = run(capsys, "predictions", "import", "1", str(source), "--resume")
    assert code == EXIT_USAGE and "no state file" in err and "p.jsonl.predictions-state.json" in err
    state = tmp_path / "p.jsonl.predictions-state.json"
    good = {
        "version": 1,
        "job": "predictions import",
        "project": 1,
        "files": [str(source.resolve())],
        "predictions_total": 4,
        "next_prediction_index": 2,
        "predictions_imported": 2,
    }
    cases: List[tuple[dict, str]] = [
        ({**good, "project": 2}, "belongs to project 2"),
        ({**good, "files": ["/elsewhere.jsonl"]}, "and files ['/elsewhere.jsonl'], not these"),
        ({**good, "predictions_total": 9}, "the files now hold 4 predictions, the state was written for 9"),
        ({**good, "next_prediction_index": 7}, "(next_prediction_index is 7)"),
        ({**good, "predictions_imported": "2"}, "(predictions_imported is '2')"),
        # A tasks import's state file (with or without "job") is not a predictions import's.
        ({**good, "job": "import"}, "not a state file written by `label-studio-sdk predictions import`"),
        ({k: v for k, v in good.items() if k != "job"}, "not a state file written by"),
    ]
    for content, needle in cases:
        state.write_text(json.dumps(content))
        code, err = run(capsys, "predictions", "import", "1", str(source), "--resume")
        assert code == EXIT_USAGE and needle in err, err
    code, err = run(capsys, "predictions", "import", "1", str(source))
    assert code == EXIT_USAGE and "earlier `predictions import` of these files stopped part-way" in err
    # With a good state the checks pass and the job goes on to the (absent) server: exit 4, not 2.
    state.write_text(json.dumps(good))
    code, err = run(capsys, "predictions", "import", "1", str(source), "--resume")
    assert code == 4 and "failed to connect" in err
    saved = json.loads(state.read_text())
    assert (saved["next_prediction_index"], saved["predictions_imported"]) == (2, 2)  # unchanged


def test_an_import_state_is_refused_by_predictions_and_back(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "t.jsonl"
    write_tasks(source, 3)
    shared = tmp_path / "state.json"
    shared.write_text(
        json.dumps(
            {
                "version": 1,
                "job": "predictions import",
                "project": 1,
                "files": [str(source.resolve())],
                "predictions_total": 3,
                "next_prediction_index": 0,
                "predictions_imported": 0,
            }
        )
    )
    code, err = run(capsys, "import", "1", str(source), "--resume", "--state-file", str(shared))
    assert code == EXIT_USAGE and "not a state file written by `label-studio-sdk import`" in err


def _target_case(root: Path, case: str) -> Path:
    if case == "a file":
        (root / "out.csv").write_text("x")
        return root / "out.csv"
    if case == "a full folder":
        (root / "full").mkdir()
        (root / "full" / "a").write_text("x")
        return root / "full"
    return root / "missing" / "out.zip"


@pytest.mark.parametrize(
    ("case", "needle"),
    [("a file", "writes a folder or a .zip"), ("a full folder", "not empty"), ("no parent", "no folder")],
)
def test_local_conversion_targets_are_checked_first(tmp_path: Path, case: str, needle: str) -> None:
    with pytest.raises(UsageError) as caught:
        _LocalTarget(_target_case(tmp_path, case))
    assert needle in str(caught.value)


def test_local_conversion_target_installs_a_folder_or_a_zip(tmp_path: Path) -> None:
    import zipfile

    def produce(target: _LocalTarget) -> Path:
        with target.work() as work:
            (work / "out" / "labels").mkdir(parents=True)
            (work / "out" / "labels" / "a.txt").write_text("0 0.5 0.5 1 1\n")
            (work / "out" / "images").mkdir()
            return target.install(work / "out")

    assert produce(_LocalTarget(tmp_path / "new")) == tmp_path / "new"
    assert (tmp_path / "new" / "labels" / "a.txt").read_text() == "0 0.5 0.5 1 1\n"
    (tmp_path / "empty").mkdir()
    produce(_LocalTarget(tmp_path / "empty"))
    assert sorted(p.name for p in (tmp_path / "empty").iterdir()) == ["images", "labels"]
    archive = produce(_LocalTarget(tmp_path / "out.zip"))
    with zipfile.ZipFile(archive) as opened:
        assert sorted(opened.namelist()) == ["images/", "labels/", "labels/a.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty", "new", "out.zip"]  # no scratch left
