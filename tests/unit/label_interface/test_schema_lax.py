"""compile_schema's lax mode (the region families' checker) against its strict mode."""

from __future__ import annotations

import math
from typing import Any

import pytest

from label_studio_sdk.label_interface._schema import compile_schema

NUMBER = {"type": "number", "maximum": 100}
INTEGER = {"type": ["integer", "null"], "minimum": 0}


@pytest.mark.parametrize("value", ["10", True, " 12 ", "1e1"])
def test_lax_reads_numeric_strings_and_booleans_strict_does_not(value: Any) -> None:
    assert compile_schema(NUMBER, lax=True)(value) is None
    assert compile_schema(NUMBER)(value) == f"value must be number, got {value!r}"


def test_lax_integers_and_null() -> None:
    check = compile_schema(INTEGER, lax=True)
    assert [check(v) for v in (2.0, "3", None, True)] == [None] * 4
    assert check(1.5) == "value must be integer or null, got 1.5"
    assert check("-1") == "value '-1' is out of bounds (minimum 0)"


def test_nan_is_out_of_bounds_only_in_lax_mode() -> None:
    assert compile_schema(NUMBER, lax=True)(math.nan) == "value nan is out of bounds (maximum 100)"
    assert compile_schema(NUMBER, lax=True)("nan") == "value 'nan' is out of bounds (maximum 100)"
    assert compile_schema(NUMBER)(math.nan) is None


def test_lax_booleans() -> None:
    check = compile_schema({"type": "object", "properties": {"on": {"type": "boolean"}}}, lax=True)
    assert check({"on": "yes"}) is None and check({"on": 0}) is None
    assert check({"on": 2}) == "value.on must be boolean, got 2"
    assert compile_schema({"type": "boolean"})("yes") == "value must be boolean, got 'yes'"


@pytest.mark.parametrize("lax", [False, True])
@pytest.mark.parametrize(
    ("items", "expected_lax", "expected_strict"),
    [
        ([1.5] * 20, None, None),
        (
            [1.5] * 19 + [101],
            "value[] 101 is out of bounds (maximum 100)",
            "value[] 101 is out of bounds (maximum 100)",
        ),
        ([1.5] * 19 + [math.nan], "value[] nan is out of bounds (maximum 100)", None),
        (
            [1.5] * 19 + [math.inf, -math.inf],
            "value[] inf is out of bounds (maximum 100)",
            "value[] inf is out of bounds (maximum 100)",
        ),
        ([1.5] * 19 + ["7"], None, "value[] must be number, got '7'"),
    ],
)
def test_long_lists_take_the_whole_list_test_and_agree_with_the_item_checks(
    lax: bool, items: Any, expected_lax: Any, expected_strict: Any
) -> None:
    check = compile_schema({"type": "array", "items": NUMBER}, lax=lax)
    assert check(items) == (expected_lax if lax else expected_strict)


def test_lax_mode_keeps_the_other_keywords() -> None:
    check = compile_schema({"type": "number", "exclusiveMaximum": 1}, lax=True)
    assert check("1") == "value '1' is out of bounds (exclusiveMaximum 1)"
    unique = compile_schema({"type": "array", "uniqueItems": True}, lax=True)
    assert unique([1, 1]) == "value must not repeat items"
