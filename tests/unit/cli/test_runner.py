"""The runner: parsing, --data, output, exit codes and one-line errors (no server needed)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any, List, Tuple

import pytest

from label_studio_sdk.cli._commands import COMMANDS
from label_studio_sdk.cli.completion import complete, script
from label_studio_sdk.cli.main import (
    EXIT_CONNECTION,
    EXIT_USAGE,
    UsageError,
    call_arguments,
    command_parser,
    jsonable,
    main,
    split_command,
)
from tests.samples import sample

KEY = "s3cr3t-unit-key-0123456789"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> Tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def parsed(words: str, *args: str) -> Tuple[List[Any], dict, dict]:
    command = COMMANDS[words]
    return call_arguments(command, command_parser(words, command).parse_args(list(args)))


@pytest.fixture(autouse=True)
def no_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LABEL_STUDIO_URL", raising=False)
    monkeypatch.delenv("LABEL_STUDIO_API_KEY", raising=False)


def test_split_command_accepts_both_spellings_and_leading_globals() -> None:
    assert split_command(["--url", "http://x", "import_storage", "s3", "list", "--project", "1"]) == (
        "import-storage s3 list",
        ["--url", "http://x"],
        ["--project", "1"],
    )
    assert split_command(["projects", "exports"]) == ("projects exports", [], [])


def test_options_become_typed_keyword_arguments() -> None:
    positional, kwargs, extra = parsed("projects list", "--page-size", "5", "--title", "a b", "--ids", "1,2")
    assert (positional, kwargs, extra) == ([], {"page_size": 5, "title": "a b", "ids": "1,2"}, {})
    assert parsed("projects get", "12")[0] == [12]


def test_omitted_options_are_not_sent_and_booleans_have_a_negative_form() -> None:
    assert parsed("projects update", "3")[1] == {}
    assert parsed("projects update", "3", "--no-show-skip-button")[1] == {"show_skip_button": False}
    assert parsed("projects update", "3", "--show-skip-button")[1] == {"show_skip_button": True}


def test_data_gives_the_body_and_options_win(tmp_path: Path) -> None:
    body = tmp_path / "body.json"
    body.write_text(json.dumps({"title": "from file", "label_config": "<View/>", "not_in_spec": 1}))
    _, kwargs, extra = parsed("projects create", "--data", f"@{body}", "--title", "from option")
    assert kwargs == {"title": "from option", "label_config": "<View/>"}
    assert extra == {"not_in_spec": 1}


def test_data_is_the_whole_body_of_a_list_operation(tmp_path: Path) -> None:
    _, kwargs, _ = parsed("projects import-tasks", "4", "--data", '[{"text": "a"}]')
    assert kwargs == {"request": [{"text": "a"}]}


def test_json_options_parse_json() -> None:
    _, kwargs, _ = parsed("tasks create", "--data-field", '{"text": "x"}', "--project", "2")
    assert kwargs == {"data": {"text": "x"}, "project": 2}


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["projects", "get", "abc"], "argument ID: invalid int value: 'abc'"),
        (["projects", "list", "--page-size", "x"], "--page-size: invalid int value"),
        (["projects", "list", "--nope"], "unrecognized arguments: --nope"),
        (["projects", "create", "--data", "{bad"], "--data: not valid JSON"),
        (["projects", "create", "--data", "@/no/such/file.json"], "cannot read /no/such/file.json"),
        (["projects", "create", "--data", "[1]"], "--data must be a JSON object"),
        (["projekts", "list"], "unknown command 'projekts'; did you mean projects"),
        (["projects", "lst"], "unknown command 'lst' in 'projects'; did you mean list"),
        (["prompts", "create"], "missing required options: --title, --input-fields, --output-classes"),
        (["projects", "list", "--limit", "0"], "--limit: must be 1 or more"),
        (["--completion", "fish"], "--completion takes bash or zsh"),
    ],
)
def test_usage_errors_are_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], args: List[str], needle: str
) -> None:
    code, out, err = run(capsys, "--api-key", KEY, *args)
    assert code == EXIT_USAGE
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("label-studio-sdk: error: ")
    assert needle in err


def test_missing_api_key_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--url", "http://127.0.0.1:9", "projects", "get", "1")
    assert code == EXIT_USAGE and "no API key" in err


def test_server_down_exits_4_and_never_prints_the_key(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(
        capsys, "--url", "http://127.0.0.1:9", "--api-key", KEY, "--timeout", "2", "versions", "get"
    )
    assert code == EXIT_CONNECTION
    assert out == "" and err.count("\n") == 1
    assert "failed to connect" in err and KEY not in err


def test_the_key_is_redacted_from_any_message(capsys: pytest.CaptureFixture[str]) -> None:
    from label_studio_sdk.cli.main import fail

    fail(f"something echoed {KEY} back", KEY)
    assert KEY not in capsys.readouterr().err


def test_help_lists_groups_and_commands(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--help")
    assert code == 0
    for word in ("projects", "import-storage", "import", "export", "storage"):
        assert f"\n  {word} " in out
    code, out, _ = run(capsys, "projects", "exports")
    assert code == 0 and "\n  list-formats " in out
    code, out, _ = run(capsys, "projects", "list", "--help")
    assert code == 0
    assert "--page-size INT" in out and "How many projects to put on one page." in out
    assert "GET /api/projects/" in out and "--limit N" in out and "exit codes:" in out


def test_results_are_plain_json_with_wire_names() -> None:
    from label_studio_sdk.types.project import Project

    body = sample(Project, id=1, title="t", unknown_field=[1])
    project = Project.model_validate_json(json.dumps(body))
    assert jsonable([project]) == [body]


def test_completion_follows_the_table() -> None:
    assert "import-storage" in complete(["imp"]) and "import" in complete(["imp"])
    assert complete(["import-storage", "lo"]) == ["local"]
    assert complete(["projects", "list", "--page"]) == ["--page", "--page-size"]
    assert "--no-show-skip-button" in complete(["projects", "update", "--no-show"])
    assert "--resume" in complete(["import", "--re"])
    assert "complete -o default -F _label_studio_sdk label-studio-sdk" in script("bash")
    assert script("zsh").startswith("#compdef label-studio-sdk")


def test_console_script_and_module_entry_point() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "label_studio_sdk.cli", "projects", "get", "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0 and "usage: label-studio-sdk projects get" in done.stdout
    bad = subprocess.run(
        [sys.executable, "-m", "label_studio_sdk.cli", "projects", "get"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1


def test_usage_error_type() -> None:
    with pytest.raises(UsageError):
        call_arguments(
            COMMANDS["prompts create"],
            command_parser("prompts create", COMMANDS["prompts create"]).parse_args([]),
        )
