"""The generated command table matches openapi.yaml: every operation has a command, every parameter an option."""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Any, Dict

import pytest

from codegen.load import load_api
from label_studio_sdk import LabelStudio
from label_studio_sdk.cli._commands import COMMANDS, GROUPS
from label_studio_sdk.cli.main import JOBS, split_command

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def spec_operations() -> Dict[str, Any]:
    api = load_api(ROOT / "openapi.yaml", ROOT / "src" / "label_studio_sdk")
    return {f"{op.group}.{op.name}": op for op in api.operations()}


def test_every_operation_has_exactly_one_command(spec_operations: Dict[str, Any]) -> None:
    commands = {f"{c.group}.{c.method}" for c in COMMANDS.values()}
    missing = sorted(set(spec_operations) - commands)
    assert missing == [], f"operations without a command: {missing}"
    assert sorted(commands - set(spec_operations)) == []
    assert len(COMMANDS) == len(spec_operations) == 233


def test_every_parameter_has_an_option(spec_operations: Dict[str, Any]) -> None:
    for command in COMMANDS.values():
        op = spec_operations[f"{command.group}.{command.method}"]
        assert [o.name for o in command.options] == [p.name for p in op.params], command
        flags = [o.flag for o in command.options if o.where != "path"]  # path parameters are positional
        assert len(flags) == len(set(flags)), f"two options with one flag in {command}"
        for opt, param in zip(command.options, op.params):
            assert opt.required == param.required and opt.where == param.location
            assert opt.help.strip(), f"{command.group}.{command.method} --{opt.flag} has no help"


def test_command_words_name_the_client_path() -> None:
    for words, command in COMMANDS.items():
        expected = [*command.group.split("."), command.method]
        assert words.split() == [w.rstrip("_").replace("_", "-") for w in expected]
        assert split_command(words.split()) == (words, [], [])
        assert " ".join(words.split()[:-1]) in GROUPS


def test_every_command_calls_a_real_client_method() -> None:
    """The method exists and accepts the options' keyword names (overlays included)."""
    client = LabelStudio(base_url="http://127.0.0.1:9", api_key="unit-test-key")
    for command in COMMANDS.values():
        target: Any = client
        for part in command.group.split("."):
            target = getattr(target, part)
        method = getattr(target, command.method)
        parameters = inspect.signature(method).parameters
        for opt in command.options:
            assert opt.name in parameters, f"{command.group}.{command.method} has no argument {opt.name}"


def test_jobs_do_not_shadow_generated_commands() -> None:
    assert not set(JOBS) & set(COMMANDS)


def test_reserved_names_get_a_field_suffix() -> None:
    options = {o.name: o.flag for o in COMMANDS["webhooks create"].options}
    assert options["url"] == "url-field"
    assert {o.name: o.flag for o in COMMANDS["tasks create"].options}["data"] == "data-field"
    assert {o.name: o.flag for o in COMMANDS["projects list"].options}["page_size"] == "page-size"
