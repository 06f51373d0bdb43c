"""Environment settings and boolean flags, as the published package reads them (recorded from 2.1.2)."""

from __future__ import annotations

from typing import Any

import pytest

from label_studio_sdk._extensions.label_studio_tools.core.utils.params import (
    bool_from_request,
    cast_bool_from_str,
    get_bool_env,
    get_env,
)

NAME = "LS_TOOLS_TEST_SETTING"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for prefix in ("LABEL_STUDIO_", "HEARTEX_", ""):
        monkeypatch.delenv(prefix + NAME, raising=False)


def test_label_studio_prefix_wins_then_heartex_then_the_bare_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(NAME, "bare")
    assert get_env(NAME) == "bare"
    monkeypatch.setenv("HEARTEX_" + NAME, "heartex")
    assert get_env(NAME) == "heartex"
    monkeypatch.setenv("LABEL_STUDIO_" + NAME, "label-studio")
    assert get_env(NAME, "default") == "label-studio"


def test_unset_gives_the_default_and_empty_counts_as_set(monkeypatch: pytest.MonkeyPatch) -> None:
    assert get_env(NAME) is None
    assert get_env(NAME, "default") == "default"
    monkeypatch.setenv(NAME, "")
    assert get_env(NAME, "default") == ""


def test_is_bool_casts_found_values_but_returns_the_default_as_given(monkeypatch: pytest.MonkeyPatch) -> None:
    assert get_env(NAME, "yes", is_bool=True) == "yes"
    assert get_env(NAME, 0, is_bool=True) == 0
    monkeypatch.setenv("HEARTEX_" + NAME, "On")
    assert get_env(NAME, is_bool=True) is True
    monkeypatch.setenv("LABEL_STUDIO_" + NAME, "0")
    assert get_bool_env(NAME, True) is False


def test_get_bool_env_rejects_words_it_does_not_know(monkeypatch: pytest.MonkeyPatch) -> None:
    assert get_bool_env(NAME, True) is True
    assert get_bool_env(NAME, None) is None
    monkeypatch.setenv(NAME, "garbage")
    with pytest.raises(ValueError, match="garbage"):
        get_bool_env(NAME, True)
    monkeypatch.setenv(NAME, "")
    with pytest.raises(ValueError):
        get_bool_env(NAME, True)


@pytest.mark.parametrize("word", ["true", "True", "TRUE", "yes", "on", "On", "1"])
def test_true_words(word: str) -> None:
    assert cast_bool_from_str(word) is True


@pytest.mark.parametrize("word", ["false", "no", "not", "off", "0", "OFF"])
def test_false_words(word: str) -> None:
    assert cast_bool_from_str(word) is False


@pytest.mark.parametrize("word", ["", " yes ", "2", "y", "t", "None"])
def test_other_words_are_errors(word: str) -> None:
    with pytest.raises(ValueError):
        cast_bool_from_str(word)


@pytest.mark.parametrize("value", [None, 1, 0, 2, True, False])
def test_non_strings_come_back_unchanged(value: Any) -> None:
    assert cast_bool_from_str(value) is value


@pytest.mark.parametrize(
    ("params", "default", "expected"),
    [
        ({"a": "true"}, False, True),
        ({"a": "0"}, True, False),
        ({"a": "on"}, False, True),
        ({"a": 1}, False, True),
        ({"a": True}, False, True),
        ({}, True, True),
        ({}, "yes", True),
        ({}, 0, False),
    ],
)
def test_bool_from_request(params: Any, default: Any, expected: bool) -> None:
    assert bool_from_request(params, "a", default) is expected


@pytest.mark.parametrize("value", ["2", "x", "", "5"])
def test_bool_from_request_rejects_other_strings(value: str) -> None:
    with pytest.raises(ValueError):
        bool_from_request({"a": value}, "a", False)
